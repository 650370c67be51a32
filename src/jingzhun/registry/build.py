"""The ``registry`` stage: every person-level record → a person; golden records; households.

Outputs (``W/registry/``, each written atomically, rows in a fixed order):

==========================  ==================================================================
``record_links.parquet``    department, _file, _row, _period, person_id, match_basis,
                            match_probability — one row per person-level validated record
``persons.parquet``         golden person records, ``F__source`` / ``F__extract`` per field
``hukou_events.parquet``    household-registry events (valid month, recorded month)
``household_members.parquet``  membership intervals [valid_from, valid_to) with recorded month
``households.parquet``      every household ever registered, its state in the latest month
``review_queue.parquet``    grey-zone pairs (REVIEW ≤ p < LINK) with both sides' evidence
``conflicts.parquet``       possible ID misuse, one person with two IDs
==========================  ==================================================================
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd
import pyarrow as pa

from jingzhun.engine.base import write_parquet_atomic
from jingzhun.linkage.prepare import prepare_file
from jingzhun.registry.conflicts import conflict_candidates, find_conflicts
from jingzhun.registry.golden import golden_table, load_rules
from jingzhun.registry.history import EVENT_COLUMNS, event_table, household_table, interval_table
from jingzhun.registry.records import (
    PROFILE_FIELDS, evidence_table, person_departments, person_records, profile_key_expr,
    profiles, to_pandas,
)
from jingzhun.registry.resolve import LINK_THRESHOLD, REVIEW_THRESHOLD

if TYPE_CHECKING:
    from jingzhun.linkage.link import LapClock

ID_EXACT, PROBABILISTIC, IDENTICAL, UNLINKED = "id_exact", "probabilistic", "identical_values", "unlinked"
HUKOU_EXTRA = ("household_no", "relation_to_head", "change_type", "change_date", "death_date")


def profile_basis(resolved: pd.DataFrame, prepared: pd.DataFrame) -> pd.DataFrame:
    """Per profile: the match basis and probability its records get.

    ``id_exact`` (valid ID agreeing with sex and birth date; 1.0), ``probabilistic`` (Splink
    link; its probability), ``identical_values`` (alone in its person, but several records
    with exactly the same values; 1.0), ``unlinked`` (one record; null).
    """
    anchor = prepared.set_index("profile_key")["id_anchor"].reindex(resolved["profile_key"]).to_numpy()
    basis = resolved["match_basis"].to_numpy(object).copy()
    prob = resolved["match_probability"].to_numpy(float).copy()
    has_anchor = pd.notna(anchor)
    basis[has_anchor] = ID_EXACT
    prob[has_anchor] = 1.0
    alone = (basis == UNLINKED) & (resolved["n_records"].to_numpy() > 1)
    basis[alone] = IDENTICAL
    prob[alone] = 1.0
    return pd.DataFrame({"profile_key": resolved["profile_key"].to_numpy(),
                         "person_id": resolved["person_id"].to_numpy(),
                         "match_basis": basis, "match_probability": prob})


def _write(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    # An all-null column (``valid_to`` before any membership has ended, i.e. a workspace of one
    # month) is stored as string, not as Parquet's null type, which engines read as integer.
    schema = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                        for f in table.schema], metadata=table.schema.metadata)
    write_parquet_atomic(table.cast(schema), path)


#: Columns of the scored pairs the registry keeps (the review queue's).
PAIR_COLUMNS = ("profile_key_l", "profile_key_r", "match_probability", "match_weight", "gamma_*")


def build_registry(ws: Any, *, files: dict[str, list[Path]], rules_path: Path | None = None,
                   progress: Any = None, train: bool | None = None) -> dict[str, Any]:
    """Build every registry table from the validated ``files`` ({department: [parquet]}).

    Per-record and per-profile work is SQL in the engine (and in Splink's own DuckDB for the
    link), through Parquet files in a scratch folder of the workspace; pandas only sees small
    tables (scored pairs, conflict candidates, household-registry events)."""
    progress = progress or (lambda label, frac: None)
    engine = ws.engine
    out = ws.zone("registry")

    progress("registry: collect records", 0.0)
    if not any(files.get(d) for d in person_departments()):
        return {"records": 0, "persons": 0, "note": "no person-level department files validated"}
    work = scratch_folder(ws)
    try:
        with engine.large_sorts():  # every ordered output has its ORDER BY
            return _build(ws, engine, out, work, files, rules_path, progress, train)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def scratch_folder(ws: Any) -> Path:
    """``_spill/registry`` in the workspace: intermediate Parquet files of one run."""
    work = Path(ws.root) / "_spill" / "registry"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def _build(ws: Any, engine: Any, out: Path, work: Path, files: dict[str, list[Path]],
           rules_path: Path | None, progress: Any, train: bool | None) -> dict[str, Any]:
    # written out first: at scale 1.0 (88M records) DuckDB could not spill the aggregate
    # while reading the union of department files (out of memory at 8 and at 15 GB); from
    # one Parquet file it spills and stays within its limit
    engine.copy_parquet(person_records(engine, files), work / "records.parquet")
    records = engine.read_parquet(work / "records.parquet")
    engine.copy_parquet(profiles(records).order_by("profile_key"), work / "profiles.parquet")
    progress("registry: prepare", 0.05)
    n_prof = prepare_file(work / "profiles.parquet", work / "prepared.parquet",
                          unique_id="profile_key")
    progress("registry: link", 0.1)
    from jingzhun.linkage.link import LapClock  # Splink: imported when a registry is built

    clock = LapClock()
    pairs = link_to_parquet(engine, work, n_prof, train=train, clock=clock)
    progress("registry: person map", 0.6)
    prof = engine.read_parquet(work / "profiles.parquet")
    prep = engine.read_parquet(work / "prepared.parquet")
    clusters = engine.read_parquet(work / "clusters.parquet")
    engine.copy_parquet(profile_basis_table(clusters, prep, prof), work / "pmap.parquet")
    pmap = engine.read_parquet(work / "pmap.parquet")

    progress("registry: record links", 0.7)
    n_links = write_record_links(engine, files, pmap, work, out / "record_links.parquet")

    progress("registry: occurrences", 0.8)
    occ = records.group_by(["profile_key", "department"]).aggregate(
        last_period=records._period.max(), first_period=records._period.min(),
        n_records=records.count(),
    )
    engine.copy_parquet(occ, work / "occ.parquet")
    occ = engine.read_parquet(work / "occ.parquet")
    occ = occ.join(pmap.select("profile_key", "person_id"), "profile_key").join(
        prof.select("profile_key", *PROFILE_FIELDS), "profile_key")
    progress("registry: hukou events", 0.82)
    events = _hukou_events(engine, files.get("hukou", []), pmap)
    engine.copy_parquet(events, out / "hukou_events.parquet")
    events = engine.read_parquet(out / "hukou_events.parquet")
    deaths = to_pandas(engine, events.filter(events.change_type == "death").group_by(
        "person_id").aggregate(valid_month=events.valid_month.min()), ["person_id"])
    progress("registry: golden records", 0.85)
    persons_expr = golden_table(engine, occ, load_rules(rules_path),
                                deaths.set_index("person_id")["valid_month"])
    engine.copy_parquet(persons_expr, out / "persons.parquet")
    n_persons = int(engine.read_parquet(out / "persons.parquet").count().execute())

    progress("registry: households", 0.9)
    engine.copy_parquet(interval_table(events), out / "household_members.parquet")
    intervals = engine.read_parquet(out / "household_members.parquet")
    latest = events.recorded.max().execute()
    # no event at all: no household lives "now" (every one is listed with size 0)
    latest = str(latest) if latest is not None and not pd.isna(latest) else "0000-00"
    engine.copy_parquet(household_table(intervals, latest), out / "households.parquet")
    n_households = int(engine.read_parquet(out / "households.parquet").count().execute())

    progress("registry: conflicts", 0.93)
    evidence = evidence_table(engine, work)
    engine.copy_parquet(evidence, work / "evidence.parquet")
    evidence = engine.read_parquet(work / "evidence.parquet")
    conflicts = find_conflicts(conflict_candidates(engine, evidence))
    _write(conflicts, out / "conflicts.parquet")
    progress("registry: review queue", 0.96)
    review = review_queue(*_review_inputs(engine, pairs, evidence))
    _write(review, out / "review_queue.parquet")
    progress("registry", 1.0)
    basis_counts = engine.to_arrow(
        pmap.group_by("match_basis").aggregate(n=pmap.n_records.sum()).order_by("match_basis")
    ).to_pydict()
    return {
        "records": n_links, "profiles": n_prof, "persons": n_persons,
        "households": n_households, "review_pairs": len(review),
        "conflicts": {str(k): int(v) for k, v in conflicts["kind"].value_counts().sort_index().items()},
        "match_basis": {str(k): int(v) for k, v in
                        zip(basis_counts["match_basis"], basis_counts["n"], strict=True)},
        "trained": bool(train) if train is not None else n_prof >= 2000,
        "link_seconds": clock.seconds,
    }


def write_record_links(engine: Any, files: dict[str, list[Path]], pmap: ibis.Table,
                       work: Path, path: Path) -> int:
    """``record_links.parquet`` ordered by department, file and row: one join and sort per
    department inside the engine (a single sort of every record ran out of memory under the
    limit at scale 0.1), then the parts streamed into one file. Returns the rows."""
    import pyarrow.parquet as pq

    persons = pmap.select("profile_key", "person_id", "match_basis", "match_probability")
    parts = []
    for dept in person_departments():
        if not files.get(dept):
            continue
        records = person_records(engine, {dept: files[dept]})
        links = records.join(persons, "profile_key").select(
            "department", "_file", "_row", "_period", "person_id", "match_basis",
            "match_probability",
        ).order_by(["_file", "_row"])
        part = work / f"links_{dept}.parquet"
        engine.copy_parquet(links, part)
        parts.append(part)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    rows = 0
    try:
        schema = pq.read_schema(parts[0])
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for part in parts:
                for batch in pq.ParquetFile(part).iter_batches(batch_size=500_000):
                    writer.write_batch(batch.cast(schema))
                    rows += batch.num_rows
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def link_to_parquet(engine: Any, work: Path, n_prof: int, *, train: bool | None,
                    clock: LapClock | None = None) -> pd.DataFrame:
    """Link ``work/prepared.parquet`` in Splink's DuckDB (the engine's limits); clusters go to
    ``work/clusters.parquet`` (profile_key, cluster_id, match_basis, match_probability).
    Returns the scored pairs from the review threshold up (:data:`PAIR_COLUMNS`); ``clock``
    gets the seconds of each linkage step."""
    from jingzhun.linkage import tables
    from jingzhun.linkage.link import LapClock, link_prepared, splink_db_api

    clock = clock or LapClock()

    db_api = splink_db_api(engine)
    try:
        tables.execute(db_api, "CREATE TABLE __jz_prepared AS SELECT * FROM read_parquet("
                               f"'{_quoted(work / 'prepared.parquet')}')")
        res = link_prepared("__jz_prepared", db_api, n_records=n_prof, unique_id="profile_key",
                            threshold=LINK_THRESHOLD, review_threshold=REVIEW_THRESHOLD,
                            train=train, pair_columns=PAIR_COLUMNS, clock=clock)
        tables.export_parquet(db_api, res.clusters, work / "clusters.parquet")
        clock.lap("export_clusters")
        return res.pairs
    finally:
        tables.close(db_api)  # frees Splink's tables before the next steps


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def profile_basis_table(clusters: ibis.Table, prepared: ibis.Table, prof: ibis.Table) -> ibis.Table:
    """Per profile: ``person_id``, ``match_basis``, ``match_probability`` (see
    :func:`profile_basis`) and ``n_records``."""
    t = clusters.join(prepared.select("profile_key", "id_anchor"), "profile_key").join(
        prof.select("profile_key", "n_records", "first_period"), "profile_key")
    # A person is named after its earliest-seen profile (then the smallest key), so a new
    # profile of a known person in a later month does not rename the person (monthly runs).
    ranked = t.mutate(_rn=ibis.row_number().over(
        ibis.window(group_by=t.cluster_id, order_by=[t.first_period, t.profile_key])))
    heads = ranked.filter(ranked._rn == 0).select(head_cluster=ranked.cluster_id,
                                                  head_key=ranked.profile_key)
    t = t.join(heads, t.cluster_id == heads.head_cluster)
    anchored = t.id_anchor.notnull()
    alone = (t.match_basis == UNLINKED) & (t.n_records > 1)
    basis = ibis.cases((anchored, ID_EXACT), (alone, IDENTICAL), else_=t.match_basis)
    prob = ibis.cases((anchored | alone, 1.0), else_=t.match_probability.cast("float64"))
    return t.select(
        "profile_key", person_id=ibis.literal("P").concat(t.head_key.substr(0, 20)),
        match_basis=basis, match_probability=prob, n_records=t.n_records,
    )


def _hukou_events(engine: Any, paths: list[Path], pmap: ibis.Table) -> ibis.Table:
    """The household registry's records as events (:func:`.history.event_table`), each with
    its person."""
    if not paths:
        empty = pd.DataFrame({c: pd.Series(dtype="int64" if c == "_row" else "string")
                              for c in EVENT_COLUMNS})
        return ibis.memtable(empty)
    t = engine.read_parquet(paths)
    sel = {f: (t[f].cast("string") if f in t.columns else ibis.null("string")) for f in PROFILE_FIELDS}
    sel.update({f: t[f].cast("string") for f in HUKOU_EXTRA})
    sel.update(_file=t["_file"], _row=t["_row"].cast("int64"), _period=t["_period"].cast("string"))
    t = t.select(**sel)
    t = t.mutate(profile_key=profile_key_expr(t))
    persons = pmap.select(key_=pmap.profile_key, person_id=pmap.person_id)
    t = t.left_join(persons, t.profile_key == persons.key_).select(
        "person_id", "household_no", "relation_to_head", "county_code", "township_code",
        "village_code", "change_type", "change_date", "death_date", "_period", "_file", "_row")
    return event_table(t)


REVIEW_SIDE = ("name", "sex", "dob", "id_number", "village_code", "address", "departments",
               "person_id", "n_records")


def _review_inputs(engine: Any, pairs: pd.DataFrame,
                   evidence: ibis.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored pairs across two persons, and the evidence of the profiles they name."""
    if pairs.empty:
        return pairs, pd.DataFrame()
    keys = pd.unique(pd.concat([pairs["profile_key_l"], pairs["profile_key_r"]]).astype(str))
    wanted = ibis.memtable(pd.DataFrame({"key_": keys}))
    ev = to_pandas(engine, evidence.semi_join(wanted, evidence.profile_key == wanted.key_),
                   ["profile_key"])
    pid = ev.set_index("profile_key")["person_id"]
    pl = pid.reindex(pairs["profile_key_l"].astype(str)).to_numpy()
    pr = pid.reindex(pairs["profile_key_r"].astype(str)).to_numpy()
    # Every scored pair (≥ REVIEW) that ended across two persons: grey-zone pairs, and pairs
    # above LINK refused by a constraint (two IDs) or by exclusivity (two candidates).
    return pairs.loc[pl != pr].reset_index(drop=True), ev


def review_queue(pairs: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Grey-zone pairs with what a clerk needs to decide: both sides' values and departments,
    the probability, the match weight and the level of every comparison (``gamma_*``)."""
    if pairs.empty:
        return pd.DataFrame(columns=["profile_key_l", "profile_key_r", "match_probability"])
    ev = evidence.set_index("profile_key")
    ev = ev.assign(dob=ev["dob"])
    out = pd.DataFrame({
        "profile_key_l": pairs["profile_key_l"].to_numpy(),
        "profile_key_r": pairs["profile_key_r"].to_numpy(),
        "match_probability": pairs["match_probability"].to_numpy(float),
        "match_weight": pairs["match_weight"].to_numpy(float),
    })
    if "exclusive_probability" in pairs.columns:
        out["exclusive_probability"] = pairs["exclusive_probability"].to_numpy(float)
    for col in [c for c in pairs.columns if c.startswith("gamma_")]:
        out[col.replace("gamma_", "level_")] = pairs[col].to_numpy()
    for side in ("l", "r"):
        sub = ev.reindex(out[f"profile_key_{side}"])
        for col in REVIEW_SIDE:
            out[f"{col}_{side}"] = sub[col].to_numpy()
    return out.sort_values(["match_probability", "profile_key_l", "profile_key_r"],
                           ascending=[False, True, True], ignore_index=True)
