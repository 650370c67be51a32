"""Per-record linkage work as SQL on Splink's own connection, so no per-record frame is held
in Python: term-frequency tables, the training sample, the two prediction inputs and the
final clusters. Only small tables (the records that scored pairs touch) come back to pandas.

Every function takes a Splink DB API and physical table names in its database; new tables
get a unique prefix (:func:`new_name`) so several links can share one connection.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any

import pandas as pd

from jingzhun.linkage.cluster import constrained_clusters, join_sole_candidates

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

#: Name keys with a term-frequency lookup, and the surname/given keys in the same form.
TF_KEYS = {
    "name": ("surname_fold", "given_fold"),
    "name_fold": ("surname_fold", "given_fold"),
    "name_pinyin": ("surname_pinyin", "given_pinyin"),
}


def new_name(stem: str) -> str:
    return f"__jz_{stem}_{uuid.uuid4().hex[:10]}"


def is_spark(db_api: DatabaseAPI) -> bool:
    return getattr(db_api, "sql_dialect", None) is not None and \
        db_api.sql_dialect.sql_dialect_str == "spark"


def execute(db_api: DatabaseAPI, sql: str) -> Any:
    """Run house-dialect (DuckDB) SQL on Splink's connection, translated for Spark."""
    if is_spark(db_api):
        from jingzhun.engine.spark import transpile

        sql = transpile(sql)
    return db_api._execute_sql_against_backend(sql)  # noqa: SLF001 - Splink's one SQL entry


def register_frame(db_api: DatabaseAPI, name: str, frame: pd.DataFrame) -> None:
    """A small pandas frame as a named relation on Splink's connection."""
    if is_spark(db_api):
        db_api.spark.createDataFrame(frame).createOrReplaceTempView(name)
    else:
        db_api._con.register(name, frame)  # noqa: SLF001


def unregister(db_api: DatabaseAPI, name: str) -> None:
    if is_spark(db_api):
        db_api.spark.catalog.dropTempView(name)
    else:
        db_api._con.unregister(name)  # noqa: SLF001


def export_parquet(db_api: DatabaseAPI, table: str, path: Any) -> None:
    """A table of Splink's connection to one Parquet file."""
    from pathlib import Path

    from jingzhun.engine.base import write_parquet_atomic

    if is_spark(db_api):
        from jingzhun.engine.spark import write_single_parquet

        frame, tmp = db_api.spark.table(table), Path(path).with_name(f".{Path(path).name}.tmp")
        if write_single_parquet(frame, tmp):
            os.replace(tmp, path)
        else:  # an empty table
            write_parquet_atomic(frame.toArrow(), Path(path))
        return
    quoted = str(path).replace("'", "''")
    execute(db_api, f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT PARQUET)")


def close(db_api: DatabaseAPI) -> None:
    """Free what a link left on Splink's connection: the DuckDB database, or on Spark the
    tables and views this run created (the session is shared)."""
    if not is_spark(db_api):
        db_api._con.close()  # noqa: SLF001
        return
    spark = db_api.spark
    for t in spark.catalog.listTables():
        if t.name.startswith(("__jz_", "__splink__")):
            if t.isTemporary:
                spark.catalog.dropTempView(t.name)
            else:
                spark.sql(f"DROP TABLE IF EXISTS {t.name}")


def fetch(db_api: DatabaseAPI, sql: str) -> pd.DataFrame:
    """A (small) query result as pandas."""
    rel = execute(db_api, sql)
    return rel.df() if hasattr(rel, "df") else rel.toArrow().to_pandas()


def count(db_api: DatabaseAPI, table: str, where: str = "TRUE") -> int:
    return int(fetch(db_api, f"SELECT count(*) AS n FROM {table} WHERE {where}")["n"].iloc[0])


def drop(db_api: DatabaseAPI, *tables: str) -> None:
    for t in tables:
        execute(db_api, f"DROP TABLE IF EXISTS {t}")


def name_tf_sql(table: str, column: str, surname: str, given: str) -> str:
    """SQL of :func:`jingzhun.linkage.frequencies.name_tf_table` on a table:
    tf(full) = max(observed frequency, tf(surname) × tf(given name))."""
    return f"""
        WITH f AS (SELECT {column} AS v, {surname} AS s, {given} AS g
                   FROM {table} WHERE {column} IS NOT NULL),
        obs AS (SELECT v, CAST(count(*) AS DOUBLE) / (SELECT count(*) FROM f) AS tf,
                       min(s) AS s, min(g) AS g FROM f GROUP BY v),
        ts AS (SELECT s, CAST(count(*) AS DOUBLE) / (SELECT count(s) FROM f) AS tf
               FROM f WHERE s IS NOT NULL GROUP BY s),
        tg AS (SELECT g, CAST(count(*) AS DOUBLE) / (SELECT count(g) FROM f) AS tf
               FROM f WHERE g IS NOT NULL GROUP BY g)
        SELECT obs.v AS {column},
               greatest(obs.tf, coalesce(ts.tf, 0.0) * coalesce(tg.tf, 0.0)) AS tf_{column}
        FROM obs LEFT JOIN ts ON obs.s = ts.s LEFT JOIN tg ON obs.g = tg.g
    """


def name_tf_tables(db_api: DatabaseAPI, table: str) -> dict[str, str]:
    """TF lookups of the name keys over the whole ``table``: {column: physical table}."""
    out = {}
    for column, (surname, given) in TF_KEYS.items():
        name = new_name(f"tf_{column}")
        execute(db_api, f"CREATE TABLE {name} AS {name_tf_sql(table, column, surname, given)}")
        out[column] = name
    return out


def md5_share_sql(key_sql: str, share: float) -> str:
    """A condition true for about ``share`` of the rows, chosen by the first four hex digits
    of the MD5 of ``key_sql`` (not the engine's own hash, which differs between DuckDB and
    Spark), so every engine takes the same rows."""
    cut = min(65_536, max(1, int(share * 65_536)))
    return f"substr(md5(coalesce(CAST({key_sql} AS VARCHAR), '')), 1, 4) < '{cut:04x}'" \
        if cut < 65_536 else "TRUE"


def sample_table(db_api: DatabaseAPI, table: str, n_records: int, size: int) -> str | None:
    """About ``size`` records in whole dialect-pinyin blocks (a fixed hash of the key), or
    None when the table is not larger than ``size``."""
    if n_records <= size:
        return None
    name = new_name("sample")
    execute(db_api, f"CREATE TABLE {name} AS SELECT * FROM {table} "
                    f"WHERE {md5_share_sql('name_pinyin_fuzzy', size / n_records)}")
    return name


def record_sample_table(db_api: DatabaseAPI, table: str, unique_id: str, n_records: int,
                        size: int) -> str | None:
    """About ``size`` records chosen by a fixed hash of their unique id (the same rows on
    every engine), or None when the table is not larger than ``size``."""
    if n_records <= size:
        return None
    name = new_name("usample")
    execute(db_api, f"CREATE TABLE {name} AS SELECT * FROM {table} "
                    f"WHERE {md5_share_sql(unique_id, size / n_records)}")
    return name


def block_key_sql(alias: str = "") -> list[str]:
    """The value of each prediction blocking rule (:func:`.settings.blocking_rules`)."""
    a = f"{alias}." if alias else ""
    return [
        f"{a}name_pinyin_fuzzy || '|' || {a}county", f"{a}name_fold || '|' || {a}county",
        f"{a}dob || '|' || {a}county", f"{a}dob || '|' || {a}surname_pinyin",
        f"{a}given_pinyin || '|' || {a}village",
        f"substr({a}id_key, 1, 13)", f"substr({a}id_key, 8, 11)",
        f"substr({a}id_key, 1, 6) || '|' || substr({a}id_key, 15, 4)",
        f"{a}phone",
    ]


def prediction_tables(db_api: DatabaseAPI, table: str) -> tuple[str, str]:
    """The unanchored records, and the anchored ones that share at least one blocking key
    with an unanchored record (the only ones a ``link_only`` run can pair)."""
    loose, anchored = new_name("loose"), new_name("anchored")
    execute(db_api, f"CREATE TABLE {loose} AS SELECT * FROM {table} WHERE id_anchor IS NULL")
    shares = " OR ".join(
        f"({a} IN (SELECT {b} FROM {loose} WHERE {b} IS NOT NULL))"
        for a, b in zip(block_key_sql("t"), block_key_sql(), strict=True)
    )
    execute(db_api, f"CREATE TABLE {anchored} AS SELECT * FROM {table} t "
                    f"WHERE t.id_anchor IS NOT NULL AND ({shares})")
    return loose, anchored


def anchors_of(db_api: DatabaseAPI, table: str, unique_id: str, keys: pd.Series) -> pd.Series:
    """``id_anchor`` of the records ``keys`` (text of the unique id → anchor or null)."""
    wanted = pd.DataFrame({"uid": pd.unique(keys.astype(str))})
    name = new_name("keys")
    register_frame(db_api, name, wanted)
    found = fetch(db_api, f"SELECT CAST(t.{unique_id} AS VARCHAR) AS uid, t.id_anchor "
                          f"FROM {table} t JOIN {name} k ON CAST(t.{unique_id} AS VARCHAR) = k.uid")
    unregister(db_api, name)
    return found.set_index("uid")["id_anchor"]


def cluster_table(db_api: DatabaseAPI, table: str, unique_id: str, pairs: pd.DataFrame,
                  threshold: float, probability: str = "match_probability",
                  sole_candidate: float | None = None) -> str:
    """Constrained clusters of every record of ``table`` (physical name returned): columns
    ``unique_id``, ``cluster_id`` (text), ``match_probability``, ``match_basis``.

    Records that no pair ≥ ``threshold`` touches only need the exact ID join, done in SQL;
    the greedy merge (:func:`.cluster.constrained_clusters`) runs on the records the pairs
    touch plus every record sharing an anchor with one of them, which is exact: a cluster's
    smallest id and its anchors all lie in that set. Pairs are accepted on ``probability``
    (e.g. the exclusive one) and taken in the order of Splink's ``match_probability``. With
    ``sole_candidate``, :func:`.cluster.join_sole_candidates` follows, on every given pair.
    """
    uid = unique_id
    columns = list(dict.fromkeys([f"{uid}_l", f"{uid}_r", probability, "match_probability"]))
    kept = pairs.loc[pairs[probability].astype(float) >= threshold, columns]
    touched = pd.DataFrame({"uid": pd.unique(pd.concat([pairs[f"{uid}_l"], pairs[f"{uid}_r"]])
                                             .astype(str))})
    t_touched, t_sub, out = new_name("touched"), new_name("sub"), new_name("clusters")
    register_frame(db_api, t_touched, touched)
    nodes = fetch(db_api, f"""
        WITH hit AS (SELECT t.id_anchor FROM {table} t JOIN {t_touched} h
                     ON CAST(t.{uid} AS VARCHAR) = h.uid WHERE t.id_anchor IS NOT NULL)
        SELECT CAST({uid} AS VARCHAR) AS uid, id_anchor FROM {table}
        WHERE CAST({uid} AS VARCHAR) IN (SELECT uid FROM {t_touched})
           OR id_anchor IN (SELECT id_anchor FROM hit)
        ORDER BY uid""")
    c = constrained_clusters(nodes["uid"], nodes["id_anchor"], kept[f"{uid}_l"],
                             kept[f"{uid}_r"], kept[probability].astype(float),
                             threshold=threshold, priority=kept["match_probability"].astype(float))
    if sole_candidate is not None and len(pairs):
        c = join_sole_candidates(nodes["uid"].astype(str).to_numpy(object), c, nodes["id_anchor"],
                                 pairs[f"{uid}_l"], pairs[f"{uid}_r"],
                                 pairs["match_probability"].astype(float), floor=sole_candidate)
    sub = pd.DataFrame({"uid": nodes["uid"].astype(str).to_numpy(),
                        "cluster_id": c.cluster_id.astype(str),
                        "match_probability": c.match_probability.astype(float),
                        "match_basis": c.basis.astype(str)})
    register_frame(db_api, t_sub, sub)
    execute(db_api, f"""
        CREATE TABLE {out} AS
        WITH g AS (SELECT id_anchor, min(CAST({uid} AS VARCHAR)) AS first_uid, count(*) AS n
                   FROM {table} WHERE id_anchor IS NOT NULL GROUP BY id_anchor)
        SELECT t.{uid} AS {uid},
               coalesce(s.cluster_id, CASE WHEN g.n > 1 THEN g.first_uid END,
                        CAST(t.{uid} AS VARCHAR)) AS cluster_id,
               CASE WHEN s.uid IS NOT NULL AND NOT isnan(s.match_probability)
                    THEN s.match_probability WHEN g.n > 1 THEN 1.0 END AS match_probability,
               coalesce(s.match_basis,
                        CASE WHEN g.n > 1 THEN 'id_exact' ELSE 'unlinked' END) AS match_basis
        FROM {table} t LEFT JOIN g ON t.id_anchor = g.id_anchor
        LEFT JOIN {t_sub} s ON s.uid = CAST(t.{uid} AS VARCHAR)""")
    unregister(db_api, t_touched)
    unregister(db_api, t_sub)
    return out
