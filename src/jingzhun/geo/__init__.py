"""Real administrative divisions of Guizhou (GB/T 2260) and census populations.

>>> from jingzhun.geo import guizhou_divisions
>>> len(guizhou_divisions())
88
"""

from __future__ import annotations

from jingzhun.geo.divisions import (
    HISTORIC_COUNTY_CODES,
    PREFECTURE_POPULATION_2020,
    county_population_weights,
    county_kind,
    guizhou_divisions,
    neighbour_county_codes,
)

__all__ = [
    "HISTORIC_COUNTY_CODES",
    "PREFECTURE_POPULATION_2020",
    "county_kind",
    "county_population_weights",
    "guizhou_divisions",
    "neighbour_county_codes",
]
