"""Splink comparisons over the prepared columns (:mod:`.prepare`), in portable SQL.

Every level is ``=``, ``substr``, ``CASE``, ``AND``/``OR`` or Splink's own Jaro-Winkler level
(which Splink translates per dialect), so the same settings run on DuckDB and on Spark. No
level calls a DuckDB-only function (``hamming``, ``damerau_levenshtein``, list functions):
the ID near-miss is spelt out position by position with ``substr``.

Correlated fields are merged into one comparison: the four address parts are ONE comparison
with hierarchical levels (scoring them separately double-counts the same evidence and made
EM drift at 1M records in a trial here); birth year/month/day are one comparison.

Each builder takes ``priors``: m and u probabilities to start from (and to use as they are
when there is too little data to train, as in the tests). They are rough, documented guesses
for a county-sized population, not estimates; EM and random sampling replace them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

Prior = tuple[float, float]  # (m, u)


def _with_prior(level: ComparisonLevelCreator, prior: Prior | None) -> ComparisonLevelCreator:
    if prior is not None:
        level.configure(m_probability=prior[0], u_probability=prior[1])
    return level


def _levels(
    levels: Sequence[tuple[ComparisonLevelCreator, Prior | None]], priors: bool
) -> list[ComparisonLevelCreator]:
    return [_with_prior(level, prior if priors else None) for level, prior in levels]


def _custom(levels: Sequence[ComparisonLevelCreator], **kwargs: Any) -> ComparisonCreator:
    return cl.CustomComparison(cast("list[Any]", list(levels)), **kwargs)


# --- SQL helpers -----------------------------------------------------------------------------


def _ch(col: str, side: str, pos: int) -> str:
    return f"substr({col}_{side}, {pos}, 1)"


def hamming_sql(col: str, width: int) -> str:
    """SQL: number of positions at which ``col_l`` and ``col_r`` differ (same-width values).

    >>> hamming_sql("x", 1)
    '(CASE WHEN substr(x_l, 1, 1) <> substr(x_r, 1, 1) THEN 1 ELSE 0 END)'
    """
    terms = [
        f"CASE WHEN {_ch(col, 'l', i)} <> {_ch(col, 'r', i)} THEN 1 ELSE 0 END"
        for i in range(1, width + 1)
    ]
    return "(" + " + ".join(terms) + ")"


def near_miss_sql(col: str, width: int) -> str:
    """SQL: same width and exactly one substituted character or one adjacent transposition.

    A cheap guard runs first: a near miss leaves the first or the second half unchanged, or,
    for a transposition across the middle, everything but the two middle characters. Only
    pairs passing it (few, outside blocks of true matches) pay for the position-by-position
    count; plain ``CASE`` makes that lazy on DuckDB and Spark alike.
    """
    h = width // 2

    def part(start: int, length: int) -> str:
        return f"substr({col}_l, {start}, {length}) = substr({col}_r, {start}, {length})"

    guard = (f"{part(1, h)} OR {part(h + 1, width - h)} OR "
             f"({part(1, h - 1)} AND {part(h + 2, width - h - 1)})")
    swaps = " OR ".join(
        f"({_ch(col, 'l', i)} = {_ch(col, 'r', i + 1)} AND {_ch(col, 'l', i + 1)} = "
        f"{_ch(col, 'r', i)} AND {_ch(col, 'l', i)} <> {_ch(col, 'r', i)})"
        for i in range(1, width)
    )
    counted = (f"CASE {hamming_sql(col, width)} WHEN 1 THEN TRUE "
               f"WHEN 2 THEN ({swaps}) ELSE FALSE END")
    return (f"(length({col}_l) = {width} AND length({col}_r) = {width} AND "
            f"CASE WHEN {guard} THEN {counted} ELSE FALSE END)")


# --- comparisons -----------------------------------------------------------------------------


def chinese_name_comparison(
    *, name: str = "name", fold: str = "name_fold", pinyin: str = "name_pinyin",
    fuzzy: str = "name_pinyin_fuzzy", jaro_winkler: float = 0.95,
    term_frequencies: bool = True, priors: bool = True,
) -> ComparisonCreator:
    """Name: exact → simplified/shape-folded equal → pinyin equal → near-homophone → else.

    Near-homophone: Jaro-Winkler ≥ 0.95 on the dialect-folded pinyin (n/l, zh/z, ch/c, sh/s,
    -ng/-n merged; :func:`~jingzhun.linkage.chinese.fuzzy_pinyin`). On plain pinyin a lower
    threshold cannot tell 刘英/牛英 (0.917, the same name in Guizhou speech) from 李秀英/李秀兰
    (0.905) or 陈建国/陈建军 (0.938, two brothers); on folded pinyin the first scores 1.0 and
    the others stay below 0.95.

    Term-frequency adjustments on the exact, folded and pinyin levels (each on its own key),
    so agreeing on 张伟 counts for less than agreeing on 羿翀.
    """
    levels = [
        (cll.NullLevel(name), None),
        (cll.ExactMatchLevel(name), (0.75, 0.0008)),
        (cll.CustomLevel(f"{fold}_l = {fold}_r", "Simplified / shape-folded name equal"),
         (0.08, 0.0002)),
        (cll.CustomLevel(f"{pinyin}_l = {pinyin}_r", "Pinyin equal (homophone)"),
         (0.08, 0.0015)),
        (cll.JaroWinklerLevel(fuzzy, jaro_winkler).configure(
            label_for_charts=f"Near-homophone: Jaro-Winkler of folded pinyin >= {jaro_winkler}"),
         (0.05, 0.005)),
        (cll.ElseLevel(), (0.04, 0.9925)),
    ]
    built = _levels(levels, priors)
    if term_frequencies:
        for level, column in zip(built[1:4], (name, fold, pinyin), strict=True):
            level.configure(tf_adjustment_column=column, tf_minimum_u_value=0.0001)
    return _custom(built, output_column_name="name",
                               comparison_description="Chinese name")


def latin_name_comparison(
    col: str, *, thresholds: Sequence[float] = (0.92, 0.8), term_frequencies: bool = True,
    reversed_with: str | None = None,
) -> ComparisonCreator:
    """A name in Latin letters (FEBRL): exact (TF) → [swapped with another name column] →
    Jaro-Winkler at thresholds → else."""
    levels: list[ComparisonLevelCreator] = [cll.NullLevel(col), cll.ExactMatchLevel(col)]
    if term_frequencies:
        levels[1].configure(tf_adjustment_column=col, tf_minimum_u_value=0.001)
    if reversed_with:
        levels.append(cll.ColumnsReversedLevel(col, reversed_with))
    levels += [cll.JaroWinklerLevel(col, t) for t in thresholds]
    levels.append(cll.ElseLevel())
    return _custom(levels, output_column_name=col)


def id_comparison(
    col: str = "id_key", *, width: int = 18, conflict: str | None = "id_conflict",
    priors: bool = True, label: str = "ID number",
) -> ComparisonCreator:
    """ID: [same ID, but it contradicts a record's sex or birth date →] exact → near miss (one
    substitution or adjacent transposition) → both present and different → null (either
    missing).

    The first level (when ``conflict`` names a boolean column) keeps a household member's ID
    typed on the wrong row from counting as an exact ID match: it gets its own weights.
    """
    levels: list[tuple[ComparisonLevelCreator, Prior | None]] = [(cll.NullLevel(col), None)]
    if conflict:
        levels.append((cll.CustomLevel(
            f"{col}_l = {col}_r AND ({conflict}_l OR {conflict}_r)",
            "Same ID, contradicting a record's sex or birth date"), (0.004, 2e-6)))
    levels += [
        (cll.ExactMatchLevel(col), (0.926, 1e-6)),
        (cll.CustomLevel(near_miss_sql(col, width),
                         "One substituted character or adjacent transposition"), (0.05, 2e-6)),
        (cll.ElseLevel(), (0.02, 0.999995)),
    ]
    return _custom(_levels(levels, priors), output_column_name=col,
                               comparison_description=label)


def birth_date_comparison(
    prefix: str = "dob", *, priors: bool = True, year: str | None = None,
    month: str | None = None, day: str | None = None, width: int = 10,
) -> ComparisonCreator:
    """Birth date: exact → day and month swapped → one mistyped character (one substitution
    or adjacent transposition in the date text) → same year and month → else; null if
    missing. Uses ``<prefix>`` (date text of ``width`` characters, ISO 'YYYY-MM-DD' by
    default) and ``<prefix>_y/_m/_d`` (integers)."""
    y, m, d = year or f"{prefix}_y", month or f"{prefix}_m", day or f"{prefix}_d"
    levels = [
        (cll.NullLevel(prefix), None),
        (cll.ExactMatchLevel(prefix), (0.85, 0.00005)),
        (cll.CustomLevel(f"{y}_l = {y}_r AND {m}_l = {d}_r AND {d}_l = {m}_r",
                         "Day and month swapped"), (0.03, 0.00003)),
        (cll.CustomLevel(near_miss_sql(prefix, width), "One mistyped character"),
         (0.03, 0.0008)),
        (cll.CustomLevel(f"{y}_l = {y}_r AND {m}_l = {m}_r", "Same year and month"),
         (0.03, 0.0010)),
        (cll.ElseLevel(), (0.06, 0.99814)),
    ]
    return _custom(_levels(levels, priors), output_column_name=prefix,
                               comparison_description="Birth date")


def sex_comparison(col: str = "sex", *, priors: bool = True) -> ComparisonCreator:
    """Sex: equal → else; null if missing."""
    levels = [
        (cll.NullLevel(col), None),
        (cll.ExactMatchLevel(col), (0.98, 0.5)),
        (cll.ElseLevel(), (0.02, 0.5)),
    ]
    return _custom(_levels(levels, priors), output_column_name=col,
                               comparison_description="Sex")


def admin_address_comparison(
    *, county: str = "county", township: str = "township", village: str = "village",
    text: str | None = "address_key", priors: bool = True,
) -> ComparisonCreator:
    """ONE address comparison: same address text → same village → same township → same
    county → else; null when either side has no county (and the texts do not agree)."""
    levels: list[tuple[ComparisonLevelCreator, Prior | None]] = []
    if text:
        levels.append((cll.CustomLevel(f"{text}_l = {text}_r", "Same address (normalised text)"),
                       (0.35, 0.0003)))
    levels += [
        (cll.NullLevel(county), None),
        (cll.CustomLevel(f"{village}_l = {village}_r", "Same village"), (0.35, 0.002)),
        (cll.CustomLevel(f"{township}_l = {township}_r", "Same township"), (0.12, 0.02)),
        (cll.CustomLevel(f"{county}_l = {county}_r", "Same county"), (0.12, 0.2)),
        (cll.ElseLevel(), (0.06, 0.7777)),
    ]
    return _custom(_levels(levels, priors), output_column_name="address",
                               comparison_description="Address (administrative hierarchy)")


def phone_comparison(col: str = "phone", *, priors: bool = True) -> ComparisonCreator:
    """Phone (digits only, :mod:`.prepare`): null → same number → else. A shared number is
    strong evidence (a household's shared phone is what EM's m and the name comparison are
    for); a different one is weak evidence against, since people change numbers."""
    levels: list[tuple[ComparisonLevelCreator, Prior | None]] = [
        (cll.NullLevel(col), None),
        (cll.ExactMatchLevel(col), (0.7, 1e-6)),
        (cll.ElseLevel(), (0.3, 0.999999)),
    ]
    return _custom(_levels(levels, priors), output_column_name=col,
                   comparison_description="Phone number")


def chinese_comparisons(*, priors: bool = True) -> list[ComparisonCreator]:
    """The comparisons of our person model, in order: name, ID, birth date, sex, address,
    phone."""
    return [
        chinese_name_comparison(priors=priors),
        id_comparison(priors=priors),
        birth_date_comparison(priors=priors),
        sex_comparison(priors=priors),
        admin_address_comparison(priors=priors),
        phone_comparison(priors=priors),
    ]
