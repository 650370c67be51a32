"""Linkage benchmark on the synthetic province: Jingzhun's registry vs a generic Splink model.

Both sides link the same input — the distinct profiles of every person-level validated record
(:mod:`jingzhun.registry.records`) — and are scored on the records, pairwise, against
``truth/record_persons.parquet``:

- ``jingzhun``: the registry stage (exact ID joins, Chinese-aware comparisons, constrained
  clustering, golden records and households included in ``seconds``);
- ``splink_baseline``: a plain Splink 5 model as the Splink documentation builds one, without
  our comparisons or prepare step: ``NameComparison`` on the name, Levenshtein ≤ 1/2 on the
  validated ID, ``DateOfBirthComparison``, exact sex, county and village; blocking on name,
  birth date, ID and village + sex; u by random sampling, m by EM (blocked on name and birth
  date); connected components at match probability 0.9.

The *hard subset* is every record whose ID is missing, invalid or wrong (not the true
person's ID): exact ID joins settle the rest for any linker.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from jingzhun.evaluation.linkage import pairwise_metrics, record_truth

THRESHOLD = 0.9


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def splink_baseline(profiles: pd.DataFrame, *, threshold: float = THRESHOLD,
                    max_pairs_for_u: float = 1e7, seed: int = 42) -> pd.Series:
    """Cluster id per profile (aligned with ``profiles``) from a generic Splink model."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = profiles[["profile_key", "name", "id_number", "sex", "birth_date", "county_code",
                      "village_code"]].copy()
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="profile_key",
        comparisons=[
            cl.NameComparison("name"),
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("county_code"),
            cl.ExactMatch("village_code"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"), block_on("birth_date"), block_on("id_number"),
            block_on("village_code", "sex"),
        ],
        retain_intermediate_calculation_columns=False, retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("id_number"), block_on("name", "birth_date")], recall=0.7)
    except ValueError:
        pass
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
    for rule in (block_on("name"), block_on("birth_date")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    pairs = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=threshold).as_pandas_dataframe()
    return clusters.set_index("profile_key")["cluster_id"].reindex(frame["profile_key"]).astype(str)


def _score(records: pd.DataFrame, cluster_of_profile: pd.Series) -> dict[str, Any]:
    cluster = records["profile_key"].map(cluster_of_profile)
    return pairwise_metrics(cluster, records["person_true"], records["hard"])


def bench_synthetic(
    province: Path, workspace: Path, *, baseline: bool = True, baseline_u_pairs: float = 1e7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Link an ingested synthetic ``province`` (its workspace) both ways and score them.
    ``baseline_u_pairs``: random pairs for the baseline's u (Splink's advice is 1e6–1e7;
    1e7 in the published figures, fewer only for quick checks)."""
    from jingzhun.pipeline.stages import department_files
    from jingzhun.registry.build import build_registry
    from jingzhun.registry.records import person_records, profiles, to_pandas
    from jingzhun.workspace import Workspace

    say = progress or (lambda msg: None)
    ws = Workspace(workspace)
    files = department_files(ws, "validated")
    say("jingzhun: registry stage")
    started = time.perf_counter()
    summary = build_registry(ws, files=files)
    seconds = time.perf_counter() - started
    ours_peak = peak_rss_mb()

    say("scoring")
    links = pd.read_parquet(ws.zone("registry") / "record_links.parquet",
                            columns=["_file", "_row", "person_id"])
    records_t = person_records(ws.engine, files)
    records = to_pandas(ws.engine, records_t.select("_file", "_row", "id_number", "profile_key"),
                        ["_file", "_row"])
    truth = record_truth(province / "truth").rename(columns={"person_id": "person_true"})
    records = records.merge(truth, left_on=["_file", "_row"], right_on=["file", "row"], how="left")
    records = records.merge(links, on=["_file", "_row"], how="left")
    records["hard"] = records["id_number"].isna() | (records["id_number"] != records["true_id_number"])
    ours = pairwise_metrics(records["person_id"], records["person_true"], records["hard"])
    ours.update(seconds=round(seconds, 1), peak_rss_mb=ours_peak, profiles=summary["profiles"],
                review_pairs=summary["review_pairs"], conflicts=summary["conflicts"],
                match_basis=summary["match_basis"])
    out: dict[str, Any] = {"jingzhun": ours}
    if baseline:
        say("splink_baseline")
        prof = to_pandas(ws.engine, profiles(records_t), ["profile_key"])
        started = time.perf_counter()
        cluster_of_profile = splink_baseline(prof, max_pairs_for_u=baseline_u_pairs)
        base_seconds = time.perf_counter() - started
        cluster_of_profile.index = prof["profile_key"].to_numpy()
        base = _score(records, cluster_of_profile)
        base.update(seconds=round(base_seconds, 1), peak_rss_mb=peak_rss_mb(), profiles=len(prof))
        out["splink_baseline"] = base
    ws.close()
    return out
