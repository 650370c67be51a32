"""Resolve identities: exact joins on valid IDs first, then Splink for everything else.

1. :func:`~jingzhun.linkage.prepare.prepare_records` derives the comparison columns.
2. Records with a valid, non-conflicting ID (``id_anchor``) are joined on it: each ID is one
   known person.
3. Splink scores pairs in which at least one side has no anchor (ID missing, invalid or
   conflicting), against all records, so such a record can join a known person or another
   ID-less record. Term frequencies of the name keys come from the whole table.
4. :func:`~jingzhun.linkage.cluster.exclusive_probabilities`: a record without an anchor is
   one person, so its pairs to several known persons compete.
5. :func:`~jingzhun.linkage.cluster.constrained_clusters` merges strongest pairs first and
   never puts two different valid IDs in one cluster;
   :func:`~jingzhun.linkage.cluster.join_sole_candidates` then joins a cluster without an
   anchor to the one known person it resembles.

Steps 3–5 are SQL on the DB API's own database (:mod:`.tables`, :func:`link_prepared`); only
the scored pairs and the records they touch come back to pandas.

Splink 5 traps handled here: frames are registered with the DB API (``db_api.register``) and
the *registered* frame goes to ``Linker``; nothing loads Splink's example datasets.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from jingzhun.engine.base import Engine
from jingzhun.errors import EngineError
from jingzhun.linkage import tables
from jingzhun.linkage.cluster import exclusive_probabilities
from jingzhun.linkage.frequencies import name_tf_table
from jingzhun.linkage.prepare import prepare_records
from jingzhun.linkage.settings import build_settings, training_rules

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

logger = logging.getLogger(__name__)

#: A record without an anchor whose only candidate (every pair ≥ the review threshold) is one
#: known person joins that person from this pair probability up (:func:`join_sole_candidates`).
SOLE_CANDIDATE_FLOOR = 0.8

#: Below this many records EM has too few pairs to learn from: the priors are used as they are.
MIN_RECORDS_TO_TRAIN = 2000

_TF_KEYS = tables.TF_KEYS

def _duckdb_api(engine: Any) -> DatabaseAPI:
    """Splink on its own in-memory DuckDB with the engine's threads, memory limit and spill
    folder (a ``splink`` subfolder, so the two connections' spill files never collide):
    Splink materialises many intermediate tables, which must not land in the workspace
    database, and must spill instead of growing past the limit."""
    import tempfile
    from pathlib import Path

    import duckdb

    config: dict[str, Any] = {}
    if hasattr(engine, "duckdb_config"):
        config.update(engine.duckdb_config())
    spill = Path(config.get("temp_directory") or Path(tempfile.gettempdir()) / "jingzhun-spill")
    config["temp_directory"] = str(spill / "splink")
    Path(config["temp_directory"]).mkdir(parents=True, exist_ok=True)
    return DuckDBAPI(duckdb.connect(":memory:", config=config))


def _spark_api(engine: Any) -> DatabaseAPI:
    """Splink on the engine's Spark session (its similarity UDF jar is on the session's class
    path, see :func:`jingzhun.engine.spark.session_config`); intermediate tables are
    checkpointed as Parquet in the session's warehouse, so lineage stays short."""
    from splink import SparkAPI

    return SparkAPI(spark_session=engine.session, break_lineage_method="parquet",
                    register_udfs_automatically=True)


_DB_API_FACTORIES = {"duckdb": _duckdb_api, "spark": _spark_api}


def splink_db_api(engine: Engine) -> DatabaseAPI:
    """A Splink DB API for one of our engines (same backend, its own working database).

    >>> from jingzhun.engine.duckdb import DuckDBEngine
    >>> type(splink_db_api(DuckDBEngine())).__name__
    'DuckDBAPI'
    """
    factory = _DB_API_FACTORIES.get(engine.name)
    if factory is None:
        raise EngineError(
            f"no Splink backend for engine {engine.name!r}", where="jingzhun.linkage.link",
            fix="use the duckdb engine, or pass a Splink db_api (e.g. splink.SparkAPI) directly",
        )
    return factory(engine)


@dataclass
class LinkResult:
    """``clusters``: one row per record — the unique id, ``cluster_id`` (smallest record id
    of the cluster), ``match_probability`` (best accepted link; 1.0 for an exact ID join;
    NaN if unlinked) and ``match_basis`` (id_exact / probabilistic / unlinked).
    ``pairs``: scored pairs at or above the threshold. ``linker``: the trained Splink linker.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    linker: Linker
    trained: bool
    prepared: pd.DataFrame | None = None
    seconds: dict[str, float] | None = None


def register_name_frequencies(linker: Linker, db_api: DatabaseAPI,
                              prepared: pd.DataFrame | dict[str, str]) -> None:
    """Register TF lookups for the name keys, computed on the whole table: from a
    ``prepared`` frame, or the lookup tables :func:`.tables.name_tf_tables` built in SQL."""
    for column, (surname, given) in _TF_KEYS.items():
        if isinstance(prepared, dict):
            sdf = db_api.register(prepared[column])
        else:
            table = name_tf_table(prepared[column], prepared[surname], prepared[given], column)
            sdf = db_api.register(table)
        linker.table_management.register_term_frequency_lookup(sdf, column)


def _estimate_lambda(linker: Linker) -> None:
    rules: list[Any] = ["l.id_key = r.id_key", "l.name_fold = r.name_fold AND l.dob = r.dob"]
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.7)
    except ValueError as exc:  # too few or too many deterministic matches: keep the default
        logger.warning("keeping the default prior match probability: %s", exc)
    settings = linker._settings_obj  # noqa: SLF001 - Splink exposes no public setter
    if not 0 < settings._probability_two_random_records_match < 1:  # noqa: SLF001
        settings._probability_two_random_records_match = 1e-4  # noqa: SLF001


def training_sample(prepared: pd.DataFrame, size: int) -> pd.DataFrame:
    """About ``size`` records for training: whole blocks of the dialect-folded pinyin (chosen
    by a fixed hash), so the pairs EM learns from are kept together; all records if fewer.

    >>> frame = pd.DataFrame({"name_pinyin_fuzzy": [f"n{i % 50}" for i in range(1000)]})
    >>> len(training_sample(frame, 5000)), 0 < len(training_sample(frame, 300)) < 1000
    (1000, True)
    """
    if len(prepared) <= size:
        return prepared
    keys = prepared["name_pinyin_fuzzy"].fillna("")
    buckets = pd.util.hash_pandas_object(keys, index=False)
    share = size / len(prepared)
    keep = (buckets.to_numpy() % 10_000) < max(1, int(share * 10_000))
    return prepared[keep].reset_index(drop=True)


def _predict(table: str, model: dict[str, Any], db_api: DatabaseAPI, floor: float,
             tf: dict[str, str], columns: tuple[str, ...] | None) -> pd.DataFrame:
    """Scored pairs ≥ ``floor`` with at least one side lacking an ``id_anchor``; only
    ``columns`` of Splink's output when given (``gamma_*`` expands to every level column)."""
    loose, anchored = tables.prediction_tables(db_api, table)
    n_loose, n_anchored = tables.count(db_api, loose), tables.count(db_api, anchored)
    runs: list[tuple[str, list[str]]] = []
    if n_loose >= 2:
        runs.append(("dedupe_only", [loose]))
    if n_loose and n_anchored:
        runs.append(("link_only", [loose, anchored]))
    frames = []
    for link_type, names in runs:
        settings = {**model, "link_type": link_type}
        sdfs = [db_api.register(t) for t in names]
        linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=logging.WARNING)
        register_name_frequencies(linker, db_api, tf)
        predicted = linker.inference.predict(threshold_match_probability=floor)
        frame = tables.fetch(db_api, f"SELECT {_select(predicted.columns, columns)} "
                                     f"FROM {predicted.physical_name}")
        predicted.drop_table_from_database_and_remove_from_cache()
        frames.append(frame)
    tables.drop(db_api, loose, anchored)
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _select(available: list[Any], wanted: tuple[str, ...] | None) -> str:
    names = [c.unquote().name if hasattr(c, "unquote") else str(c) for c in available]
    names = [n for n in names if not n.startswith("source_dataset")]
    if wanted is not None:
        gammas = "gamma_*" in wanted
        names = [n for n in names if n in wanted or (gammas and n.startswith("gamma_"))]
    return ", ".join(f'"{n}"' for n in names)


def tf_floor(n_records: int) -> float:
    """The smallest u a term-frequency adjustment may use: 1/N, between 1e-6 and 1e-4.

    A value seen once in N records has frequency 1/N; a fixed floor of 1e-4 (the shipped
    settings, sized for a county file) caps the evidence of a rare name in a province-sized
    table at that of a name shared by 1 in 10,000 records, so an ID-less record with a rare
    name, its sex and its village stayed just below the threshold. Common names keep their
    observed (higher) frequency, and tf(full name) ≥ tf(surname) × tf(given name) still guards
    against small-sample rarity (:mod:`.frequencies`).

    >>> tf_floor(30), tf_floor(50_000), tf_floor(960_000), tf_floor(9_000_000)
    (0.0001, 2e-05, 1.0416666666666667e-06, 1e-06)
    """
    return float(min(1e-4, max(1e-6, 1 / max(n_records, 1))))


def with_tf_floor(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """``model`` with every term-frequency floor lowered to ``floor`` (never raised)."""
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("tf_adjustment_column") and "tf_minimum_u_value" in level:
                level["tf_minimum_u_value"] = min(level["tf_minimum_u_value"], floor)
    return model


def u_sample_size(n_records: int) -> float:
    """Random pairs for u estimation: 5 per record, between 1e6 and 1e7 (Splink's advice).
    u of a rare level (an exact name, ~1e-4) is then seen at least ~100 times, while a county
    file (20k records) trains in seconds instead of half a minute.

    >>> u_sample_size(20_000), u_sample_size(800_000), u_sample_size(8_000_000)
    (1000000.0, 4000000.0, 10000000.0)
    """
    return float(min(1e7, max(1e6, 5 * n_records)))


def link_records(
    table: pd.DataFrame | pa.Table,
    db_api: DatabaseAPI | Engine | None = None,
    *,
    unique_id: str = "record_id",
    threshold: float = 0.9,
    review_threshold: float | None = None,
    train: bool | None = None,
    max_pairs_for_u: float | None = None,
    train_sample: int = 300_000,
    seed: int = 42,
    keep: tuple[str, ...] = (),
    sole_candidate: float | None = SOLE_CANDIDATE_FLOOR,
) -> LinkResult:
    """Resolve the persons in ``table`` (canonical person records, one row per record).

    ``db_api``: a Splink DB API (DuckDB by default, ``splink.SparkAPI`` later) or one of our
    engines. ``train``: EM + random-sampling u (True), the shipped priors (False), or decide
    by size (None: train from :data:`MIN_RECORDS_TO_TRAIN` records). ``threshold``: the match
    probability a pair needs to join two records. ``review_threshold`` (lower): pairs from it
    up are also returned in ``pairs`` (the grey zone a clerk reviews); clustering still uses
    ``threshold``. ``max_pairs_for_u``: random pairs for u estimation (default
    :func:`u_sample_size`). ``train_sample``: above this many records, u and m are estimated
    on a sample of whole name blocks (:func:`training_sample`); λ always on the whole table.

    Prediction scores only pairs with at least one record without an anchor, as two Splink
    runs over the same trained model: the unanchored records against each other
    (``dedupe_only``) and against the anchored ones (``link_only``). Blocking joins therefore
    grow with the unanchored records, not with the whole table.
    """
    clock = LapClock()
    db_api = _as_db_api(db_api)
    prepared = prepare_records(table, unique_id=unique_id, keep=keep)
    clock.lap("prepare")
    sdf = db_api.register(prepared)  # Splink 5: register first, then hand the frame to Linker
    out = link_prepared(
        sdf.physical_name, db_api, n_records=len(prepared), unique_id=unique_id,
        threshold=threshold, review_threshold=review_threshold, train=train,
        max_pairs_for_u=max_pairs_for_u, train_sample=train_sample, seed=seed, keep=keep,
        sole_candidate=sole_candidate, clock=clock,
    )
    clusters = tables.fetch(db_api, f"SELECT * FROM {out.clusters}")
    tables.drop(db_api, out.clusters)
    clusters.index = clusters[unique_id].astype(str).to_numpy()
    clusters = clusters.reindex(prepared[unique_id].astype(str).to_numpy())
    result = pd.DataFrame({
        unique_id: prepared[unique_id].to_numpy(),
        "cluster_id": clusters["cluster_id"].to_numpy(object),
        "match_probability": clusters["match_probability"].to_numpy(float),
        "match_basis": clusters["match_basis"].to_numpy(object),
    })
    return LinkResult(result, out.pairs, out.linker, out.trained, prepared, clock.seconds)


def _as_db_api(db_api: DatabaseAPI | Engine | None) -> DatabaseAPI:
    if db_api is None:
        from jingzhun.engine.duckdb import DuckDBEngine

        return splink_db_api(DuckDBEngine())
    if isinstance(db_api, Engine):
        return splink_db_api(db_api)
    return db_api


@dataclass
class PreparedLink:
    """:func:`link_prepared`'s result: ``clusters`` is a table in the DB API's database."""

    clusters: str
    pairs: pd.DataFrame
    linker: Linker
    trained: bool


def link_prepared(
    table: str, db_api: DatabaseAPI, *, n_records: int, unique_id: str = "record_id",
    threshold: float = 0.9, review_threshold: float | None = None, train: bool | None = None,
    max_pairs_for_u: float | None = None, train_sample: int = 300_000, seed: int = 42,
    keep: tuple[str, ...] = (), pair_columns: tuple[str, ...] | None = None,
    sole_candidate: float | None = SOLE_CANDIDATE_FLOOR, clock: LapClock | None = None,
) -> PreparedLink:
    """:func:`link_records` on prepared records already in the DB API's database (physical
    table ``table``, the columns of :func:`.prepare.prepare_records`): every per-record step
    is SQL there, so the records never pass through Python. ``pair_columns`` limits the
    returned pairs to those of Splink's output columns (``gamma_*``: every level column).
    ``sole_candidate``: the floor of :func:`.cluster.join_sole_candidates` (None: off); it
    sees the pairs from ``review_threshold`` up, so it acts only when that is given."""
    clock = clock or LapClock()
    if train is None:
        train = n_records >= MIN_RECORDS_TO_TRAIN
    settings = build_settings(unique_id=unique_id, retain_columns=keep)
    linker = Linker(db_api.register(table), settings, log_level=logging.WARNING)
    tf = tables.name_tf_tables(db_api, table)
    register_name_frequencies(linker, db_api, tf)
    _estimate_lambda(linker)
    clock.lap("frequencies_and_lambda")
    if train:
        model = _train(linker, db_api, table, tf, n_records=n_records,
                       max_pairs_for_u=max_pairs_for_u, train_sample=train_sample, seed=seed,
                       clock=clock)
    else:
        model = linker.misc.save_model_to_json()
    model = with_tf_floor(model, tf_floor(n_records))
    floor = threshold if review_threshold is None else min(threshold, review_threshold)
    pairs = _predict(table, model, db_api, floor, tf, pair_columns)
    clock.lap("predict")
    uid_l, uid_r = f"{unique_id}_l", f"{unique_id}_r"
    if pairs.empty:
        pairs = pd.DataFrame({uid_l: [], uid_r: [], "match_probability": [],
                              "match_weight": []})
    pairs["exclusive_probability"] = _exclusive(db_api, table, unique_id, pairs)
    clusters = tables.cluster_table(db_api, table, unique_id, pairs, threshold,
                                    probability="exclusive_probability",
                                    sole_candidate=sole_candidate)
    clock.lap("cluster")
    logger.info("link seconds: %s", clock.seconds)
    return PreparedLink(clusters, pairs, linker, bool(train))


def _exclusive(db_api: DatabaseAPI, table: str, unique_id: str,
               pairs: pd.DataFrame) -> np.ndarray:
    """:func:`.cluster.exclusive_probabilities` of the scored pairs."""
    uid_l, uid_r = f"{unique_id}_l", f"{unique_id}_r"
    if pairs.empty:
        return np.zeros(0)
    anchors = tables.anchors_of(db_api, table, unique_id, pd.concat([pairs[uid_l], pairs[uid_r]]))
    if "match_weight" in pairs.columns:
        weight = pairs["match_weight"].astype(float)
    else:
        p = pairs["match_probability"].astype(float).clip(1e-15, 1 - 1e-15)
        weight = np.log2(p / (1 - p))
    return exclusive_probabilities(
        pairs[uid_l], pairs[uid_r], weight,
        anchors.reindex(pairs[uid_l].astype(str)), anchors.reindex(pairs[uid_r].astype(str)),
    )


def _train(linker: Linker, db_api: DatabaseAPI, table: str, tf: dict[str, str], *,
           n_records: int, max_pairs_for_u: float | None, train_sample: int, seed: int,
           clock: LapClock) -> dict[str, Any]:
    """u from random pairs of the whole table; m by EM, on a sample of name blocks when the
    table is large (EM never re-estimates u; λ stays the whole table's)."""
    if max_pairs_for_u is None:
        max_pairs_for_u = u_sample_size(n_records)
    # u from every pair of a record sample chosen by a fixed hash of the unique id (Splink's
    # own sampling hashes with the engine's hash function, so DuckDB and Spark would differ)
    rows = int(0.5 * ((8 * max_pairs_for_u + 1) ** 0.5 + 1))
    u_sample = tables.record_sample_table(db_api, table, linker._settings_obj.column_info_settings
                                          .unique_id_column_name, n_records, rows)  # noqa: SLF001
    u_linker = linker
    if u_sample is not None:
        u_linker = Linker(db_api.register(u_sample), linker.misc.save_model_to_json(),
                          log_level=logging.WARNING)
        register_name_frequencies(u_linker, db_api, tf)
    # one chunk and no early stop: Splink chunks and probes by the engine's hash as well
    u_linker.training.estimate_u_using_random_sampling(max_pairs=1e15, seed=seed,
                                                       min_count_per_level=None, num_chunks=1)
    clock.lap("u_sampling")
    sample = tables.sample_table(db_api, table, n_records, train_sample)
    trainer = u_linker
    if sample is not None or u_sample is not None:
        trainer = Linker(db_api.register(sample or table), u_linker.misc.save_model_to_json(),
                         log_level=logging.WARNING)
        register_name_frequencies(trainer, db_api, tf)
    for rule in training_rules():
        trainer.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    clock.lap("em")
    model = trainer.misc.save_model_to_json()
    model["probability_two_random_records_match"] = (
        linker._settings_obj._probability_two_random_records_match  # noqa: SLF001
    )
    return model


class LapClock:
    """Seconds per named step (each lap ends a step and starts the next)."""

    def __init__(self) -> None:
        import time

        self._now = time.perf_counter
        self._last = self._now()
        self.seconds: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = self._now()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now
        logger.info("link_records: %s took %.1f s", name, self.seconds[name])

