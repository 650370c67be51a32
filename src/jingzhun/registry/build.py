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

from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.engine.base import write_parquet_atomic
from jingzhun.registry.conflicts import find_conflicts
from jingzhun.registry.golden import golden_records, load_rules
from jingzhun.registry.history import households_from, hukou_events, members_at, membership_intervals
from jingzhun.registry.records import (
    PROFILE_FIELDS, person_departments, person_records, profile_key_expr, profiles, to_pandas,
)
from jingzhun.registry.resolve import LINK_THRESHOLD, REVIEW_THRESHOLD, resolve_profiles

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
    write_parquet_atomic(pa.Table.from_pandas(df, preserve_index=False), path)


def build_registry(ws: Any, *, files: dict[str, list[Path]], rules_path: Path | None = None,
                   progress: Any = None, train: bool | None = None) -> dict[str, Any]:
    """Build every registry table from the validated ``files`` ({department: [parquet]})."""
    progress = progress or (lambda label, frac: None)
    engine = ws.engine
    out = ws.zone("registry")

    progress("registry: collect records", 0.0)
    if not any(files.get(d) for d in person_departments()):
        return {"records": 0, "persons": 0, "note": "no person-level department files validated"}
    records = person_records(engine, files)
    prof = to_pandas(engine, profiles(records), ["profile_key"])
    progress("registry: link", 0.1)
    res = resolve_profiles(prof, engine, threshold=LINK_THRESHOLD,
                           review_threshold=REVIEW_THRESHOLD, train=train)
    resolved = res.profiles
    pmap = profile_basis(resolved, res.prepared)

    progress("registry: record links", 0.7)
    links = records.join(ibis.memtable(pmap), "profile_key").select(
        "department", "_file", "_row", "_period", "person_id", "match_basis", "match_probability",
    ).order_by(["department", "_file", "_row"])
    n_links = engine.write_parquet(links, out / "record_links.parquet")

    progress("registry: golden records", 0.8)
    occ_t = records.group_by(["profile_key", "department"]).aggregate(
        last_period=records._period.max(), first_period=records._period.min(),
        n_records=records.count(),
    )
    occ = to_pandas(engine, occ_t, ["profile_key", "department"])
    occ = occ.merge(resolved[["profile_key", "person_id", *PROFILE_FIELDS]], on="profile_key")
    persons = golden_records(occ, load_rules(rules_path))
    per_person = occ.groupby("person_id").agg(
        first_seen=("first_period", "min"), last_seen=("last_period", "max"),
        n_records=("n_records", "sum"), n_profiles=("profile_key", "nunique"),
    ).reset_index()
    per_person["departments"] = per_person["person_id"].map(_joined(occ, "person_id", "department"))
    persons = persons.merge(per_person, on="person_id", how="left")

    events = _hukou_events(engine, files.get("hukou", []), pmap)
    deaths = events[events["change_type"] == "death"].groupby("person_id")["valid_month"].min()
    persons["death_month"] = persons["person_id"].map(deaths)
    _write(persons, out / "persons.parquet")
    _write(events, out / "hukou_events.parquet")

    progress("registry: households", 0.9)
    intervals = membership_intervals(events)
    _write(intervals, out / "household_members.parquet")
    latest = str(events["recorded"].max()) if len(events) else None
    households = _households(intervals, latest)
    _write(households, out / "households.parquet")

    dept_per_profile = _joined(occ, "profile_key", "department")
    evidence = resolved.assign(departments=resolved["profile_key"].map(dept_per_profile)).merge(
        res.prepared[["profile_key", "name_fold", "name_pinyin_fuzzy", "dob", "id_anchor"]],
        on="profile_key",
    )
    conflicts = find_conflicts(evidence)
    _write(conflicts, out / "conflicts.parquet")
    review = review_queue(res.review_pairs, evidence)
    _write(review, out / "review_queue.parquet")
    progress("registry", 1.0)
    basis_counts = pmap.merge(prof[["profile_key", "n_records"]], on="profile_key").groupby(
        "match_basis")["n_records"].sum()
    return {
        "records": n_links, "profiles": len(prof), "persons": len(persons),
        "households": len(households), "review_pairs": len(review),
        "conflicts": {str(k): int(v) for k, v in conflicts["kind"].value_counts().sort_index().items()},
        "match_basis": {str(k): int(v) for k, v in basis_counts.sort_index().items()},
        "trained": bool(train) if train is not None else len(prof) >= 2000,
    }


def _joined(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Sorted distinct ``value`` per ``key``, comma-joined."""
    pairs = frame[[key, value]].drop_duplicates().sort_values([key, value])
    return pairs.groupby(key, sort=False)[value].agg(",".join)


def _hukou_events(engine: Any, paths: list[Path], pmap: pd.DataFrame) -> pd.DataFrame:
    cols = ["person_id", "household_no", "relation_to_head", "county_code", "township_code",
            "village_code", "change_type", "valid_month", "recorded", "_file", "_row"]
    if not paths:
        return pd.DataFrame(columns=cols)

    t = engine.read_parquet(paths)
    sel = {f: (t[f].cast("string") if f in t.columns else ibis.null("string")) for f in PROFILE_FIELDS}
    sel.update({f: t[f].cast("string") for f in HUKOU_EXTRA})
    sel.update(_file=t["_file"], _row=t["_row"].cast("int64"), _period=t["_period"].cast("string"))
    t = t.select(**sel)
    t = t.mutate(profile_key=profile_key_expr(t))
    frame = to_pandas(engine, t, ["_file", "_row"])
    frame = frame.merge(pmap[["profile_key", "person_id"]], on="profile_key", how="left")
    return hukou_events(frame)


def _households(intervals: pd.DataFrame, latest: str | None) -> pd.DataFrame:
    if intervals.empty or latest is None:
        return households_from(intervals.iloc[0:0])
    ever = intervals.groupby("household_no").agg(
        first_month=("valid_from", "min"), members_ever=("person_id", "nunique"),
    ).reset_index()
    now = households_from(members_at(intervals, latest)).assign(as_of=latest)
    out = ever.merge(now, on="household_no", how="left")
    out["size"] = out["size"].fillna(0).astype(np.int64)
    return out.sort_values("household_no", ignore_index=True)


REVIEW_SIDE = ("name", "sex", "dob", "id_number", "village_code", "address", "departments",
               "person_id", "n_records")


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
    for col in [c for c in pairs.columns if c.startswith("gamma_")]:
        out[col.replace("gamma_", "level_")] = pairs[col].to_numpy()
    for side in ("l", "r"):
        sub = ev.reindex(out[f"profile_key_{side}"])
        for col in REVIEW_SIDE:
            out[f"{col}_{side}"] = sub[col].to_numpy()
    return out.sort_values(["match_probability", "profile_key_l", "profile_key_r"],
                           ascending=[False, True, True], ignore_index=True)
