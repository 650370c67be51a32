"""Splink settings for Jingzhun's person model: comparisons, blocking rules, priors.

Blocking (which pairs are scored at all) must let through every kind of error we expect, yet
keep blocks small at province scale: a rule on a name or a birth date alone pairs every
unanchored record with every known person of that name or date in the province, which grows
with the square of the population (130M pairs at scale 0.1, against 1.3M at 0.01). Name
and date rules are therefore within a county (every record has one: it is completed from
the township or village code), and the date also with the surname's sound across counties.
Each rule is a portable SQL condition:

- same dialect-folded pinyin in the same county (homophones, near-homophones, traditional
  characters, exact names);
- same simplified/shape-folded name in the same county (形近字 such as 王/玉, which differ
  in pinyin);
- same birth date in the same county (any name error), or with the same surname pinyin
  (a given-name error, anywhere in the province);
- same given name in the same village (surname errors);
- ID windows: any single substituted character or adjacent transposition leaves one of
  characters 1–13, 8–18, or 1–6 with 15–18 unchanged, so three rules find every ID near miss;
- same phone number (a record with no ID and a name typed beyond the name keys).

When linking records to already-resolved persons, every rule also requires that at most one
side holds an ``id_anchor`` (pairs of two anchored records were settled by the exact ID join).
"""

from __future__ import annotations

from typing import Any

from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule

from jingzhun.linkage.comparisons import chinese_comparisons

ANCHOR_GUARD = "(l.id_anchor IS NULL OR r.id_anchor IS NULL)"

_ID_WINDOWS = (
    "substr(l.id_key, 1, 13) = substr(r.id_key, 1, 13)",
    "substr(l.id_key, 8, 11) = substr(r.id_key, 8, 11)",
    "substr(l.id_key, 1, 6) = substr(r.id_key, 1, 6) AND "
    "substr(l.id_key, 15, 4) = substr(r.id_key, 15, 4)",
)


def blocking_rules(*, anchor_guard: bool = True) -> list[BlockingRuleCreator]:
    """Blocking rules for prediction (see the module doc)."""
    conditions = [
        "l.name_pinyin_fuzzy = r.name_pinyin_fuzzy AND l.county = r.county",
        "l.name_fold = r.name_fold AND l.county = r.county",
        "l.dob = r.dob AND l.county = r.county",
        "l.dob = r.dob AND l.surname_pinyin = r.surname_pinyin",
        "l.given_pinyin = r.given_pinyin AND l.village = r.village",
        *_ID_WINDOWS,
        "l.phone = r.phone",
    ]
    if anchor_guard:
        conditions = [f"({c}) AND {ANCHOR_GUARD}" for c in conditions]
    return [CustomRule(c) for c in conditions]


def training_rules() -> list[BlockingRuleCreator]:
    """EM training passes: on pinyin (trains ID, birth date, sex, address) and on birth date
    (trains name, ID, sex, address)."""
    return [block_on("name_pinyin"), block_on("dob")]


def build_settings(
    *, unique_id: str = "record_id", link_type: str = "dedupe_only",
    anchor_guard: bool = True, priors: bool = True,
    probability_two_random_records_match: float = 1e-4,
    retain_columns: tuple[str, ...] = (),
) -> SettingsCreator:
    """The Splink settings of our person model (comparisons of :mod:`.comparisons`).

    >>> s = build_settings()
    >>> [c.create_output_column_name() for c in s.comparisons]
    ['name', 'id_key', 'dob', 'sex', 'address', 'phone']
    """
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name=unique_id,
        comparisons=list(chinese_comparisons(priors=priors)),
        blocking_rules_to_generate_predictions=list[Any](blocking_rules(anchor_guard=anchor_guard)),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=list(retain_columns),
        max_iterations=25,
    )
