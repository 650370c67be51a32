"""Precise assistance on a workspace: indicators + causes → targets → instance → allocation
(optimiser) → plans (一户一策), written to ``outputs/assistance/`` with Excel per village; and
the same-run comparison with the baselines."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.assistance.baselines import greedy_by_cause, proportional
from jingzhun.assistance.catalogue import Catalogue, load_catalogue
from jingzhun.assistance.check import violations
from jingzhun.assistance.instance import AllocationSettings, Instance, build_instance, select_targets
from jingzhun.assistance.optimise import allocate
from jingzhun.assistance.simulate import simulate
from jingzhun.engine.base import write_parquet_atomic
from jingzhun.errors import ConfigError
from jingzhun.indicators.build import check_period

CAUSE_COLUMNS = ["household_id", "primary_cause", "secondary_cause_1", "secondary_cause_2"]


def poverty_line(period: str) -> float:
    from jingzhun.policy.evaluate import period_date
    from jingzhun.policy.pack import load_pack

    return float(load_pack("cn-2014").parameters.at("poverty_line_fen", period_date(period)))


def household_table(ws: Any, period: str) -> pd.DataFrame:
    """Indicators of ``period`` with the diagnosed causes (stored, else diagnosed now)."""
    from jingzhun.diagnosis.workspace import diagnose_workspace, load_indicators

    path = ws.zone("decisions") / f"causes_{period}.parquet"
    if path.exists():
        causes = pd.read_parquet(path, columns=CAUSE_COLUMNS)
        table = load_indicators(ws, period)
    else:
        r = diagnose_workspace(ws, period)
        causes, table = r["diagnosis"][CAUSE_COLUMNS], r["table"]
    return table.merge(causes, on="household_id", how="left")


def prepare(table: pd.DataFrame, period: str, budgets: dict[str, int] | None,
            settings: AllocationSettings | None = None, catalogue: Catalogue | None = None,
            budget_rule: Any = None) -> Instance:
    """The instance for the targets of ``table``; ``budget_rule(instance) → budgets`` when no
    budgets are given (the benchmark's)."""
    settings = settings or AllocationSettings()
    line = poverty_line(period)
    targets = select_targets(table, line, settings.edge_factor)
    inst = build_instance(targets, catalogue or load_catalogue(), line, budgets or {}, settings)
    if budgets is None and budget_rule is not None:
        inst.budgets = budget_rule(inst)
    missing = sorted(set(inst.households["county_code"].astype(str)) - set(inst.budgets))
    if missing:
        raise ConfigError(f"no budget for {len(missing)} counties with target households: "
                          f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}",
                          where="budget file", fix="give every county a budget (0 is allowed)")
    return inst


def measure(inst: Instance, chosen: np.ndarray, seed: int, replications: int) -> dict[str, Any]:
    sim = simulate(inst, chosen, replications=replications, seed=seed)
    return {**sim, "violations": violations(inst, chosen)["total"],
            "violations_by_kind": violations(inst, chosen)}


def compare(inst: Instance, *, seed: int = 0, replications: int = 200,
            method: str = "milp") -> dict[str, Any]:
    """Optimiser vs greedy-by-cause vs proportional on the same instance and draws."""
    t0 = time.perf_counter()
    chosen, report = allocate(inst, method=method)
    t1 = time.perf_counter()
    out: dict[str, Any] = {"optimised": measure(inst, chosen, seed, replications)}
    out["optimised"]["solver"] = {k: v for k, v in report.items() if k != "per_county"}
    out["optimised"]["allocation_seconds"] = round(t1 - t0, 2)
    for name, fn in (("greedy", greedy_by_cause), ("proportional", proportional)):
        out[name] = measure(inst, fn(inst), seed, replications)
    g = out["greedy"]["lifted_per_10k_yuan"]
    out["ratio_optimised_to_greedy"] = round(out["optimised"]["lifted_per_10k_yuan"] / g, 4) if g else None
    out["_chosen"] = chosen
    out["_report"] = report
    return out


def allocate_workspace(ws: Any, period: str, budgets: dict[str, int], *,
                       settings: AllocationSettings | None = None,
                       catalogue: Catalogue | None = None, excel: bool = True,
                       progress: Any = None) -> dict[str, Any]:
    """Allocate, write ``outputs/assistance/plans_<period>.parquet`` (+ Excel per village in
    ``outputs/assistance/plans_<period>/``) and return the summary."""
    from jingzhun.assistance.export import export_villages
    from jingzhun.assistance.plans import plan_table

    check_period(period)
    t0 = time.perf_counter()
    table = household_table(ws, period)
    inst = prepare(table, period, budgets, settings, catalogue)
    t1 = time.perf_counter()
    chosen, report = allocate(inst, progress=progress, engine=ws.engine)
    t2 = time.perf_counter()
    plans = plan_table(inst, chosen)
    out = ws.zone("outputs") / "assistance"
    out.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(pa.Table.from_pandas(plans, preserve_index=False),
                         out / f"plans_{period}.parquet")
    files = export_villages(plans, out / f"plans_{period}") if excel else []
    sim = measure(inst, chosen, seed=0, replications=200)
    return {
        "period": period, "targets": inst.n, "poor": sim["poor"],
        "plans": str(out / f"plans_{period}.parquet"), "excel_files": len(files),
        "excel_folder": str(out / f"plans_{period}") if excel else None,
        "solver": {k: v for k, v in report.items() if k != "per_county"},
        "result": sim,
        "seconds": {"prepare": round(t1 - t0, 2), "allocate": round(t2 - t1, 2),
                    "plans": round(time.perf_counter() - t2, 2)},
    }


__all__ = ["allocate_workspace", "compare", "household_table", "measure", "poverty_line", "prepare"]
