"""Resolve identities: exact joins on valid IDs first, then Splink for everything else.

1. :func:`~jingzhun.linkage.prepare.prepare_records` derives the comparison columns.
2. Records with a valid, non-conflicting ID (``id_anchor``) are joined on it: each ID is one
   known person.
3. Splink scores pairs in which at least one side has no anchor (ID missing, invalid or
   conflicting), against all records, so such a record can join a known person or another
   ID-less record. Term frequencies of the name keys come from the whole table.
4. :func:`~jingzhun.linkage.cluster.constrained_clusters` merges strongest pairs first and
   never puts two different valid IDs in one cluster.

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
from jingzhun.linkage.cluster import constrained_clusters
from jingzhun.linkage.frequencies import name_tf_table
from jingzhun.linkage.prepare import prepare_records
from jingzhun.linkage.settings import build_settings, training_rules

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

logger = logging.getLogger(__name__)

#: Below this many records EM has too few pairs to learn from: the priors are used as they are.
MIN_RECORDS_TO_TRAIN = 2000

_TF_KEYS = {
    "name": ("surname_fold", "given_fold"),
    "name_fold": ("surname_fold", "given_fold"),
    "name_pinyin": ("surname_pinyin", "given_pinyin"),
}

def _duckdb_api(engine: Any) -> DatabaseAPI:
    """Splink on its own in-memory DuckDB with the engine's threads and memory limit: Splink
    materialises many intermediate tables, which must not land in the workspace database."""
    import tempfile

    import duckdb

    # Spill to the system temporary folder, not to '.tmp' in the user's current folder.
    config: dict[str, Any] = {"temp_directory": f"{tempfile.gettempdir()}/jingzhun-splink-spill"}
    if getattr(engine, "threads", None):
        config["threads"] = engine.threads
    if getattr(engine, "memory_limit", None):
        config["memory_limit"] = engine.memory_limit
    return DuckDBAPI(duckdb.connect(":memory:", config=config))


_DB_API_FACTORIES = {"duckdb": _duckdb_api}


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


def register_name_frequencies(linker: Linker, db_api: DatabaseAPI, prepared: pd.DataFrame) -> None:
    """Register TF lookups for the name keys, computed on the whole ``prepared`` table."""
    for column, (surname, given) in _TF_KEYS.items():
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


def _predict(prepared: pd.DataFrame, model: dict[str, Any], db_api: DatabaseAPI,
             floor: float) -> pd.DataFrame:
    """Scored pairs ≥ ``floor`` with at least one side lacking an ``id_anchor``."""
    loose = prepared[prepared["id_anchor"].isna()].reset_index(drop=True)
    anchored = prepared[prepared["id_anchor"].notna()]
    anchored = anchored[_shares_a_block(anchored, loose)].reset_index(drop=True)
    frames = []
    runs: list[tuple[str, list[pd.DataFrame]]] = []
    if len(loose) >= 2:
        runs.append(("dedupe_only", [loose]))
    if len(loose) and len(anchored):
        runs.append(("link_only", [loose, anchored]))
    for link_type, tables in runs:
        settings = {**model, "link_type": link_type}
        sdfs = [db_api.register(t) for t in tables]
        linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=logging.WARNING)
        register_name_frequencies(linker, db_api, prepared)
        frame = linker.inference.predict(threshold_match_probability=floor).as_pandas_dataframe()
        frames.append(frame.drop(columns=[c for c in frame.columns if c.startswith("source_dataset")]))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


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


def _block_keys(frame: pd.DataFrame) -> list[pd.Series]:
    """The value of each prediction blocking rule (:func:`.settings.blocking_rules`)."""
    idk = frame["id_key"].astype("string")
    return [
        frame["name_pinyin_fuzzy"].astype("string"),
        frame["name_fold"].astype("string"),
        frame["dob"].astype("string"),
        frame["given_pinyin"].astype("string") + "|" + frame["village"].astype("string"),
        idk.str.slice(0, 13),
        idk.str.slice(7, 18),
        idk.str.slice(0, 6) + "|" + idk.str.slice(14, 18),
    ]


def _shares_a_block(anchored: pd.DataFrame, loose: pd.DataFrame) -> np.ndarray:
    """Anchored records that share at least one blocking key with an unanchored record: the
    only ones the ``link_only`` run can pair, so the others need not be registered at all."""
    keep = np.zeros(len(anchored), dtype=bool)
    for a, b in zip(_block_keys(anchored), _block_keys(loose), strict=True):
        values = b.dropna().unique()
        keep |= a.isin(values).to_numpy(dtype=bool, na_value=False) & a.notna().to_numpy()
    return keep


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
    clock = _Clock()
    if db_api is None:
        db_api = DuckDBAPI()
    elif isinstance(db_api, Engine):
        db_api = splink_db_api(db_api)
    prepared = prepare_records(table, unique_id=unique_id, keep=keep)
    clock.lap("prepare")
    if train is None:
        train = len(prepared) >= MIN_RECORDS_TO_TRAIN

    settings = build_settings(unique_id=unique_id, retain_columns=keep)
    sdf = db_api.register(prepared)  # Splink 5: register first, then hand the frame to Linker
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    register_name_frequencies(linker, db_api, prepared)
    _estimate_lambda(linker)
    clock.lap("frequencies_and_lambda")
    if train:
        # u from random pairs of the whole table; m by EM, on a sample of name blocks when
        # the table is large (EM never re-estimates u; λ stays the whole table's).
        if max_pairs_for_u is None:
            max_pairs_for_u = u_sample_size(len(prepared))
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
        clock.lap("u_sampling")
        sample = training_sample(prepared, train_sample)
        trainer = linker
        if len(sample) < len(prepared):
            trainer = Linker(db_api.register(sample), linker.misc.save_model_to_json(),
                             log_level=logging.WARNING)
            register_name_frequencies(trainer, db_api, prepared)
        for rule in training_rules():
            trainer.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        clock.lap("em")
        model = trainer.misc.save_model_to_json()
        model["probability_two_random_records_match"] = (
            linker._settings_obj._probability_two_random_records_match  # noqa: SLF001
        )
    else:
        model = linker.misc.save_model_to_json()

    model = with_tf_floor(model, tf_floor(len(prepared)))
    floor = threshold if review_threshold is None else min(threshold, review_threshold)
    pairs = _predict(prepared, model, db_api, floor)
    clock.lap("predict")
    uid_l, uid_r = f"{unique_id}_l", f"{unique_id}_r"
    if pairs.empty:
        pairs = pd.DataFrame({uid_l: [], uid_r: [], "match_probability": []})
    clusters = constrained_clusters(
        prepared[unique_id], prepared["id_anchor"], pairs[uid_l], pairs[uid_r],
        pairs["match_probability"].astype(float), threshold=threshold,
    )
    result = pd.DataFrame({
        unique_id: prepared[unique_id].to_numpy(),
        "cluster_id": clusters.cluster_id,
        "match_probability": clusters.match_probability,
        "match_basis": clusters.basis,
    })
    clock.lap("cluster")
    logger.info("link_records seconds: %s", clock.seconds)
    return LinkResult(result, pairs, linker, bool(train), prepared, clock.seconds)


class _Clock:
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

