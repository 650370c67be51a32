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

_DB_API_FACTORIES = {
    "duckdb": lambda engine: DuckDBAPI(engine.con.con),
}


def splink_db_api(engine: Engine) -> DatabaseAPI:
    """A Splink DB API on the same connection as one of our engines.

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


def link_records(
    table: pd.DataFrame | pa.Table,
    db_api: DatabaseAPI | Engine | None = None,
    *,
    unique_id: str = "record_id",
    threshold: float = 0.9,
    train: bool | None = None,
    max_pairs_for_u: float = 1e7,
    seed: int = 42,
    keep: tuple[str, ...] = (),
) -> LinkResult:
    """Resolve the persons in ``table`` (canonical person records, one row per record).

    ``db_api``: a Splink DB API (DuckDB by default, ``splink.SparkAPI`` later) or one of our
    engines. ``train``: EM + random-sampling u (True), the shipped priors (False), or decide
    by size (None: train from :data:`MIN_RECORDS_TO_TRAIN` records). ``threshold``: the match
    probability a pair needs to join two records.
    """
    if db_api is None:
        db_api = DuckDBAPI()
    elif isinstance(db_api, Engine):
        db_api = splink_db_api(db_api)
    prepared = prepare_records(table, unique_id=unique_id, keep=keep)
    if train is None:
        train = len(prepared) >= MIN_RECORDS_TO_TRAIN

    settings = build_settings(unique_id=unique_id, retain_columns=keep)
    sdf = db_api.register(prepared)  # Splink 5: register first, then hand the frame to Linker
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    register_name_frequencies(linker, db_api, prepared)
    _estimate_lambda(linker)
    if train:
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_for_u, seed=seed)
        for rule in training_rules():
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )

    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs: pd.DataFrame = predictions.as_pandas_dataframe()
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
    return LinkResult(result, pairs, linker, bool(train))

