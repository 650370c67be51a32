"""Monthly processing (月度动态监测): one month's extracts → registry → indicators, decisions,
warnings and fund anomalies, with a state file of the months processed.

``process_month(ws, "2019-02", source=DIR)``:

1. checks the order against ``_state/monitoring.json`` (the first month is free; then only the
   next month, or a month already processed, which is idempotent);
2. lands the files of ``DIR`` whose extract month is at most the month (later files stay out;
   files already landed with the same bytes are left alone), and validates only the new ones
   (the ``validate`` stage);
3. updates the registry (the ``registry`` stage; the linker re-links every record, because
   person ids come from whole clusters — skipped when nothing new was validated);
4. for the month, and for every month processed before whose inputs changed (a digest of the
   inputs each month reads: see :func:`month_digests`), writes the indicators, the decisions
   of every pack in force and the roll cross-check (``policy.workspace.identify_workspace``),
   the warnings (``warnings_workspace``) and the fund anomalies of the month's payments
   (``funds_workspace``);
5. records the month, its digest and its figures in the state file, after the outputs.

The invariant: after processing months A … M, every output of a processed month equals what a
workspace built from scratch with the same files computes for it, because a month whose inputs
did not change is left as it is and any other is recomputed in full (docs/monitoring.md,
"Monthly processing").
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from jingzhun.monitoring.errors import MonitoringError

STATE_NAME = "monitoring"
#: Rule and parameter files whose content every month's outputs depend on.
RULE_FOLDERS = ("policy/packs", "indicators", "monitoring")

ProgressFn = Callable[[str, float], None]


# ---- the state file ---------------------------------------------------------------------
@dataclass
class MonthRecord:
    """What the state file keeps about a processed month."""

    digest: str
    inputs: dict[str, str] = field(default_factory=dict)
    households: int | None = None
    warnings: int | None = None
    anomalies: int | None = None
    households_changed: int | None = None


@dataclass
class MonitorState:
    """``_state/monitoring.json``: the months processed, in order, with their input digests."""

    months: dict[str, MonthRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, ws: Any) -> MonitorState:
        raw = ws.read_state(STATE_NAME, {"months": {}})
        return cls({m: MonthRecord(**r) for m, r in raw.get("months", {}).items()})

    def save(self, ws: Any) -> None:
        ws.write_state(STATE_NAME, {"months": {m: asdict(r) for m, r in sorted(self.months.items())}})

    @property
    def first(self) -> str | None:
        return min(self.months) if self.months else None

    @property
    def last(self) -> str | None:
        return max(self.months) if self.months else None


def check_order(state: MonitorState, month: str, workspace: str = "W") -> str:
    """``"first"``, ``"next"`` or ``"rerun"``; a month out of order raises MonitoringError."""
    from jingzhun.indicators.build import shift

    if not state.months:
        return "first"
    if month in state.months:
        return "rerun"
    assert state.first is not None and state.last is not None
    if month < state.first:
        raise MonitoringError(
            f"month {month} is before the first month processed ({state.first})",
            where=f"{workspace}/_state/monitoring.json",
            fix="monthly processing only moves forward; build a new workspace starting at "
                f"{month} to include it")
    nxt = shift(state.last, 1)
    if month != nxt:
        raise MonitoringError(
            f"month {month} is out of order: the last month processed is {state.last}",
            where=f"{workspace}/_state/monitoring.json",
            fix=f"run `jingzhun monitor --workspace {workspace} --month {nxt}` first "
                "(then each following month in turn)")
    return "next"


# ---- which files belong to a month --------------------------------------------------------
def file_month(rel: str, contracts: Any = None) -> str | None:
    """The extract month (YYYY-MM) a source file's name gives, None when it gives none or no
    contract matches (such a file is landed and the validate stage records why)."""
    from jingzhun.contracts import match_file
    from jingzhun.errors import ContractError
    from jingzhun.policy.workspace import month_of

    try:
        _, period = match_file(rel, contracts)
    except ContractError:
        return None
    return month_of(period) if period else None


def up_to(month: str) -> Callable[[str], bool]:
    """A landing filter: the files of ``month`` and earlier (and files without a month)."""
    from jingzhun.contracts import load_contracts

    contracts = load_contracts()

    def include(rel: str) -> bool:
        m = file_month(rel, contracts)
        return m is None or m <= month

    return include


# ---- input digests ------------------------------------------------------------------------
def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(frame.astype(object).where(frame.notna(), None),
                                      index=False).to_numpy(np.uint64)


def _le(values: pd.Series, month: str) -> np.ndarray:
    """``values <= month`` for month strings; a missing value is never ≤."""
    return (values.astype("string").fillna("~") <= month).to_numpy(bool)


def _fold(h: np.ndarray) -> str:
    """Order-insensitive fingerprint of row hashes: count and wrapped sum."""
    return f"{len(h)}:{int(h.sum(dtype=np.uint64))}"


def _rules_digest() -> str:
    import jingzhun

    base = Path(jingzhun.__file__).parent
    digest = hashlib.sha256(str(getattr(jingzhun, "__version__", "")).encode())
    for folder in RULE_FOLDERS:
        for path in sorted((base / folder).rglob("*.yaml")):
            digest.update(path.relative_to(base).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _month_col(values: pd.Series) -> pd.Series:
    s = values.astype("string").str.replace("-", "", regex=False)
    return (s.str[:4] + "-" + s.str[4:6]).astype(object)


def month_digests(ws: Any, months: list[str]) -> dict[str, dict[str, str]]:
    """Digests (per input, 16 hex) per month of everything its outputs read, so a month whose digest is unchanged
    needs no recomputation. For month p with horizon h (p, or the latest pay period or pay date
    of the payments up to p, if later):

    - the rule, parameter and pack files and the package version;
    - the validated files of months ≤ h (name, SHA-256, contract), and the village-cadre lists
      the month may use (those ≤ h, and the first list);
    - the record → person links of records of months ≤ h (and of those cadre lists);
    - household memberships that began by h (an end after h counts as open), household-registry
      events valid by h (deaths included), persons first seen by h (birth date; death month
      if by h);
    - for the payees of months ≤ h: whether the registry or a department other than the
      payments knows them, and, for those unknown, the departments (their evidence): the
      unknown-payee check looks at every month.
    """
    reg = ws.zone("registry")
    manifest = ws.read_state("manifest", {"files": {}})
    entries = [(rel, e) for rel, e in sorted(manifest["files"].items()) if e.get("status") == "validated"]
    info = pd.DataFrame(
        [{"rel": rel, "department": e.get("department"), "month": e.get("period"),
          "sig": f"{rel}|{e.get('sha256')}|{e.get('contract')}", "validated": e.get("validated")}
         for rel, e in entries],
        columns=["rel", "department", "month", "sig", "validated"])
    info["month"] = _month_col(info["month"].fillna("0000-00"))
    cadre_lists = info[info["department"] == "village_cadres"].sort_values(["month", "rel"])
    first_list = set(cadre_lists["rel"].head(1))

    # horizon: the payments of months ≤ p may pay for (or on) a later month
    pay_files = info[info["department"] == "payments"]
    pay_reach: dict[str, str] = {}
    for _, row in pay_files.iterrows():
        t = pq.read_table(ws.root / row["validated"], columns=["pay_period", "pay_date"]).to_pandas()
        reach = max([row["month"], *_month_col(t["pay_period"].dropna()).tolist(),
                     *_month_col(t["pay_date"].dropna().astype(str)).tolist()])
        pay_reach[row["month"]] = max(pay_reach.get(row["month"], reach), reach)

    links = pq.read_table(reg / "record_links.parquet",
                          columns=["department", "_file", "_row", "_period", "person_id"]).to_pandas()
    link_month = _month_col(links["_period"])
    link_h = _row_hashes(links[["department", "_file", "_row", "person_id"]])
    members = pd.read_parquet(reg / "household_members.parquet")
    events = pd.read_parquet(reg / "hukou_events.parquet")
    event_h = _row_hashes(events)
    persons = pd.read_parquet(reg / "persons.parquet",
                              columns=["person_id", "birth_date", "death_month", "first_seen", "departments"])
    registered = set(members["person_id"])
    payee_rows = links["department"].to_numpy(object) == "payments"

    out: dict[str, dict[str, str]] = {}
    rules = _rules_digest()
    for p in months:
        h = max([p, *[r for m, r in pay_reach.items() if m <= p]])
        parts = {"rules": rules, "horizon": h}
        files = info[_le(info["month"], h) | info["rel"].isin(first_list).to_numpy()]
        parts["files"] = "\n".join(sorted(files["sig"]))
        cadre_files = set(files.loc[files["department"] == "village_cadres", "rel"])
        in_scope = _le(link_month, h) | links["_file"].isin(cadre_files).to_numpy()
        parts["record_links"] = _fold(link_h[in_scope])
        m = members[_le(members["valid_from"], h)]
        m = m.assign(valid_to=m["valid_to"].astype(object).where(_le(m["valid_to"], h), None))
        parts["household_members"] = _fold(_row_hashes(m))
        parts["hukou_events"] = _fold(event_h[_le(events["valid_month"], h)])
        ps = persons[_le(persons["first_seen"], h)]
        ps = ps.assign(death_month=ps["death_month"].astype(object).where(_le(ps["death_month"], h), None))
        parts["persons"] = _fold(_row_hashes(ps[["person_id", "birth_date", "death_month"]]))
        payees = set(links.loc[payee_rows & _le(link_month, h), "person_id"].dropna())
        pk = persons[persons["person_id"].isin(payees)]
        known = pk["person_id"].isin(registered) | pk["departments"].astype(str).str.split(",").map(
            lambda d: any(x != "payments" for x in d))
        # a known payee's departments are never shown; an unknown one's are its evidence
        pk = pk.assign(departments=pk["departments"].astype(object).where(~known, "known"))
        parts["payees"] = (_fold(_row_hashes(pk[["person_id", "departments"]]))
                           + f"|{len(payees - set(persons['person_id']))}")
        out[p] = {k: hashlib.sha256(v.encode()).hexdigest()[:16] for k, v in parts.items()}
    return out


def digest_of(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# ---- one month's outputs ------------------------------------------------------------------
def changed_households(old: pd.DataFrame | None, new: pd.DataFrame) -> int | None:
    """Households whose indicator values differ between two indicator tables (a household in
    one table only counts; ``period`` and the ``__extract`` provenance columns are ignored)."""
    if old is None:
        return None
    cols = [c for c in new.columns if c in old.columns and c != "period" and not c.endswith("__extract")]
    a = old[cols].set_index("household_id")
    b = new[cols].set_index("household_id")
    ha = pd.Series(_row_hashes(a.reset_index()), index=a.index)
    hb = pd.Series(_row_hashes(b.reset_index()), index=b.index)
    joined = pd.concat([ha.rename("a"), hb.rename("b")], axis=1)
    return int((joined["a"] != joined["b"]).sum())


def changed_inputs(rec: MonthRecord | None, parts: dict[str, str], outputs: list[Path]) -> list[str]:
    """Why a month needs computing: ``new``, ``missing_outputs`` or the inputs whose digest
    changed since it was computed; empty when nothing did."""
    if rec is None:
        return ["new"]
    why = ["missing_outputs"] if any(not p.exists() for p in outputs) else []
    if rec.digest != digest_of(parts):
        why += sorted(k for k in parts if rec.inputs.get(k) != parts[k]) or ["digest"]
    return why


def month_outputs(ws: Any, month: str) -> list[Path]:
    """The files a processed month must have (a missing one makes it recomputed)."""
    out = [ws.zone("indicators") / f"households_{month}.parquet",
           ws.zone("outputs") / "warnings" / f"warnings_{month}.parquet"]
    if has_payments(ws, month):
        out.append(ws.zone("outputs") / "funds" / f"anomalies_{month}.parquet")
    return out


def has_payments(ws: Any, month: str) -> bool:
    manifest = ws.read_state("manifest", {"files": {}})
    from jingzhun.policy.workspace import month_of

    return any(e.get("status") == "validated" and e.get("department") == "payments"
               and e.get("period") and month_of(e["period"]) == month
               for e in manifest["files"].values())


def compute_month(ws: Any, month: str, *, cadres: pd.DataFrame | None = None,
                  indicator_paths: dict[str, Path] | None = None) -> MonthRecord:
    """Indicators, decisions, warnings and (when the month has a payments file) fund anomalies
    of ``month``, written to their zones. ``indicator_paths`` caches indicator files computed
    in this run or left unchanged by it (the funds check reads those of the pay periods)."""
    from jingzhun.indicators.build import shift
    from jingzhun.monitoring.funds_workspace import funds_workspace
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.policy.workspace import ensure_indicators, identify_workspace, indicators_path

    cache = indicator_paths if indicator_paths is not None else {}
    identify_workspace(ws, month, refresh=True)
    cache[month] = indicators_path(ws, month)
    new = pq.read_table(cache[month]).to_pandas()
    prev_path = indicators_path(ws, shift(month, -1))
    prev = pq.read_table(prev_path).to_pandas() if prev_path.exists() else None

    def indicators(period: str) -> Path:
        if period not in cache:  # a pay period that is no processed month: fresh, once a run
            cache[period] = ensure_indicators(ws, period, refresh=True)
        return cache[period]

    w = warnings_workspace(ws, month, cadres=cadres)
    anomalies = None
    if has_payments(ws, month):
        found, _ = funds_workspace(ws, month, indicators=indicators)
        anomalies = len(found)
    return MonthRecord(digest="", households=len(new), warnings=len(w), anomalies=anomalies,
                       households_changed=changed_households(prev, new))


# ---- the monthly run ----------------------------------------------------------------------
def _within(progress: ProgressFn, lo: float, hi: float) -> ProgressFn:
    """A stage's own progress (0…1) shown as the part [lo, hi] of the month's."""
    return lambda label, frac: progress(label, lo + (hi - lo) * frac)


def _validated_files_of(manifest: dict[str, Any], month: str) -> dict[str, list[str]]:
    from jingzhun.policy.workspace import month_of

    from jingzhun.contracts import load_contracts

    contracts = load_contracts()
    out: dict[str, list[str]] = {"validated": [], "error": []}
    for rel, e in sorted(manifest["files"].items()):
        if e.get("status") == "validated" and e.get("period") and month_of(e["period"]) == month:
            out["validated"].append(rel)
        elif e.get("status") == "error" and file_month(rel, contracts) in (month, None):
            out["error"].append(rel)
    return out


def process_month(ws: Any, month: str, *, source: Path | None = None, recompute: bool = False,
                  open_cases: bool = False, user: str = "system",
                  progress: ProgressFn | None = None) -> dict[str, Any]:
    """Process ``month`` on the workspace ``ws`` (see the module docstring); returns a JSON-able
    summary. ``recompute`` recomputes every processed month whatever its digest."""
    from jingzhun.indicators.build import check_period
    from jingzhun.monitoring.warnings_workspace import village_cadres
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.workspace.landing import land

    progress = progress or (lambda label, frac: None)
    check_period(month)
    t0 = time.perf_counter()
    state = MonitorState.load(ws)
    kind = check_order(state, month, str(ws.root))
    landed: list[dict[str, Any]] = []
    if source is not None:
        progress(f"land {month}", 0.0)
        with ws.lock():
            landed = land(ws, Path(source), include=up_to(month))
    run_pipeline(ws, STAGES, only=["validate"], progress=_within(progress, 0.05, 0.15))
    manifest = ws.read_state("manifest", {"files": {}})
    own = _validated_files_of(manifest, month)
    if not own["validated"]:
        raise MonitoringError(
            f"no validated extract of {month} in the workspace"
            + (f" ({len(own['error'])} file(s) of the month failed: {', '.join(own['error'][:5])})"
               if own["error"] else ""),
            where=str(source or ws.zone("raw")),
            fix=f"pass --source DIR with the department extracts of {month} "
                "(<department>/<department>_YYYYMM.<ext>), or fix the files named")
    t1 = time.perf_counter()
    reg = run_pipeline(ws, STAGES, only=["registry"],
                       progress=_within(progress, 0.15, 0.5))["stages"]["registry"]
    t2 = time.perf_counter()

    recomputed: dict[str, list[str]] = {}
    unchanged: list[str] = []
    with ws.lock():
        months = sorted(set(state.months) | {month})
        digests = month_digests(ws, months)
        cadres = village_cadres(ws)
        cache: dict[str, Path] = {}
        for i, p in enumerate(months):
            rec = state.months.get(p)
            why = changed_inputs(rec, digests[p], month_outputs(ws, p))
            if not recompute and not why:
                unchanged.append(p)
                cache[p] = ws.zone("indicators") / f"households_{p}.parquet"
                continue
            progress(f"month {p}", 0.5 + 0.5 * i / len(months))
            new = compute_month(ws, p, cadres=cadres, indicator_paths=cache)
            new.inputs, new.digest = digests[p], digest_of(digests[p])
            state.months[p] = new
            state.save(ws)  # after the outputs: a killed run redoes this month
            recomputed[p] = why or ["--recompute"]
        opened = 0
        if open_cases:
            from jingzhun.monitoring.workflow import Workflow

            w = pd.read_parquet(ws.zone("outputs") / "warnings" / f"warnings_{month}.parquet")
            wf = Workflow.for_workspace(ws)
            try:
                opened = len(wf.open_from_warnings(w, user=user))
            finally:
                wf.close()
    progress("monitor", 1.0)
    rec = state.months[month]
    return {
        "month": month, "order": kind,
        "landed": {k: sum(1 for x in landed if x["status"] == k) for k in ("new", "updated", "unchanged")},
        "landed_files": [x["file"] for x in landed if x["status"] != "unchanged"],
        "month_files": {"validated": len(own["validated"]), "errors": own["error"]},
        "registry": {"skipped": bool(reg.get("skipped")), "persons": reg.get("persons"),
                     "households": reg.get("households")},
        "recomputed_months": recomputed, "unchanged_months": unchanged,
        "households": rec.households, "households_changed_since_previous": rec.households_changed,
        "warnings": rec.warnings, "fund_anomalies": rec.anomalies, "cases_opened": opened,
        "months_processed": sorted(state.months),
        "seconds": {"land_validate": round(t1 - t0, 1), "registry": round(t2 - t1, 1),
                    "months": round(time.perf_counter() - t2, 1)},
    }
