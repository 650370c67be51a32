"""Identity resolution: the same villager across a dozen departmental extracts.

Exact joins on valid IDs first, then probabilistic matching (Splink 5) with Chinese-aware
comparisons for records whose ID is missing, invalid or conflicting. See ``docs/linkage.md``.

The comparison functions (pinyin, 形近字, traditional→simplified, ID near misses, swapped
birth dates, addresses) import without Splink; ``build_settings`` and ``link_records`` load
Splink on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jingzhun.linkage.address import address_key, admin_level, short_admin_name
from jingzhun.linkage.birthdate import birth_date_level, is_day_month_swap
from jingzhun.linkage.chinese import (
    fuzzy_pinyin,
    name_fold_key,
    name_keys,
    pinyin_equal,
    pinyin_key,
    pinyin_similarity,
    to_simplified,
)
from jingzhun.linkage.idnumber import id_agreement, id_near_miss, linkage_id_keys
from jingzhun.linkage.prepare import prepare_records
from jingzhun.linkage.shapes import same_shape, shape_fold

if TYPE_CHECKING:
    from jingzhun.linkage.link import LinkResult, link_records
    from jingzhun.linkage.settings import build_settings

_LAZY = {
    "build_settings": "jingzhun.linkage.settings",
    "link_records": "jingzhun.linkage.link",
    "LinkResult": "jingzhun.linkage.link",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jingzhun.linkage' has no attribute {name!r}")
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"jingzhun.linkage.{name} needs Splink: pip install splink==5.0.0"
        ) from exc


__all__ = [
    "LinkResult",
    "address_key",
    "admin_level",
    "birth_date_level",
    "build_settings",
    "fuzzy_pinyin",
    "id_agreement",
    "id_near_miss",
    "is_day_month_swap",
    "link_records",
    "linkage_id_keys",
    "name_fold_key",
    "name_keys",
    "pinyin_equal",
    "pinyin_key",
    "pinyin_similarity",
    "prepare_records",
    "same_shape",
    "shape_fold",
    "short_admin_name",
    "to_simplified",
]
