"""Similar-shape characters (形近字): 王/玉, 未/末, 己/已/巳, 余/佘 …

The table is data, not code: ``data/shape_confusions.csv`` (one group per row, the first
character is the group's representative; its header says where the groups come from). A
*shape key* maps every character to its group's representative, so 王明 and 玉明 share a key.
Shape folding is applied after traditional→simplified folding (see :mod:`.chinese`).
"""

from __future__ import annotations

import csv
import importlib.resources
from functools import lru_cache

import pyarrow as pa

from jingzhun.errors import ConfigError
from jingzhun.linkage._arrays import ArrayLike, map_distinct

TABLE_RESOURCE = "data/shape_confusions.csv"


@lru_cache(maxsize=1)
def shape_groups() -> tuple[str, ...]:
    """The groups of the shipped table, each a string whose first character represents it."""
    text = importlib.resources.files("jingzhun.linkage").joinpath(TABLE_RESOURCE).read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    groups: list[str] = []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows, start=1):
        chars = (row.get("chars") or "").strip()
        if len(chars) < 2:
            raise ConfigError(
                f"shape group {chars!r} has fewer than two characters",
                where=f"jingzhun/linkage/{TABLE_RESOURCE}, data row {lineno}",
                fix="list at least two characters in the group or delete the row",
            )
        for ch in chars:
            if ch in seen:
                raise ConfigError(
                    f"character {ch!r} is in two shape groups",
                    where=f"jingzhun/linkage/{TABLE_RESOURCE}, data rows {seen[ch]} and {lineno}",
                    fix="merge the two groups or remove the character from one of them",
                )
            seen[ch] = lineno
        groups.append(chars)
    return tuple(groups)


@lru_cache(maxsize=1)
def shape_map() -> dict[int, str]:
    """``str.translate`` table: character code → its group's representative."""
    table: dict[int, str] = {}
    for group in shape_groups():
        for ch in group[1:]:
            table[ord(ch)] = group[0]
    return table


def shape_fold(text: str) -> str:
    """Every character replaced by its shape group's representative.

    >>> shape_fold("玉明"), shape_fold("王明")
    ('王明', '王明')
    """
    return text.translate(shape_map())


def shape_keys(values: ArrayLike) -> pa.Array:
    """Vectorised :func:`shape_fold` (nulls stay null)."""
    return map_distinct(values, shape_fold)


def same_shape(a: str | None, b: str | None) -> bool | None:
    """True when ``a`` and ``b`` have the same length and fold to the same shape key.

    >>> same_shape("己", "已"), same_shape("王", "汪"), same_shape(None, "王")
    (True, False, None)
    """
    if a is None or b is None:
        return None
    return shape_fold(a) == shape_fold(b)
