"""Normalisation of identifiers, names, dates and codes as the departments write them.

Every function is vectorised (pyarrow.compute / numpy) and takes any sequence of raw strings.
"""

from __future__ import annotations

from jingzhun.normalise.codes import CodeMap, map_codes, normalise_area_codes
from jingzhun.normalise.dates import DateParse, MonthParse, parse_dates, parse_months, period_end
from jingzhun.normalise.idcard import (
    IdNormalised,
    birth_dates_from_ids,
    normalise_ids,
    sex_from_ids,
)
from jingzhun.normalise.numeric import NumberParse, parse_decimals, parse_integers, parse_money_fen
from jingzhun.normalise.text import fold_fullwidth, normalise_names, normalise_strings

__all__ = [
    "CodeMap",
    "DateParse",
    "IdNormalised",
    "MonthParse",
    "NumberParse",
    "birth_dates_from_ids",
    "fold_fullwidth",
    "map_codes",
    "normalise_area_codes",
    "normalise_ids",
    "normalise_names",
    "normalise_strings",
    "parse_dates",
    "parse_decimals",
    "parse_integers",
    "parse_money_fen",
    "parse_months",
    "period_end",
    "sex_from_ids",
]
