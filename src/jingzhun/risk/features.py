"""The monthly panel of household features: indicators of each month plus their history.

``load_panel(ws, periods)`` reads (or computes and stores) the household indicator table of
every month (``indicators/households_<period>.parquet``, the same files the identify stage
writes) and ``add_history`` derives changes and lags. Everything a row holds is known at the
end of its month: nothing looks ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.risk.labels import RiskError, period_index

# indicators used as they are (booleans become 0/1; a null stays missing for LightGBM)
BASE_FEATURES = (
    "size", "rural_hukou", "wage_income_fen", "transfer_income_fen", "department_income_fen",
    "per_capita_net_income_fen", "income_drop_share", "on_roll", "exited_poverty",
    "roll_income_per_capita_fen", "dibao", "tekun", "owns_car", "owns_commercial_housing",
    "owns_company", "public_payroll_member", "village_cadre_member", "housing_safe", "water_safe",
    "labour_count", "dependency_ratio", "serious_illness_member", "disabled_member",
    "oop_inpatient_ytd_fen", "oop_outpatient_month_fen", "oop_12m_fen", "schooling_cost_12m_fen",
    "rigid_spending_12m_fen", "new_serious_illness_3m", "new_disability_3m", "disaster_3m",
    "job_loss_3m", "dropout_3m", "main_earner_died_3m",
)
# derived in add_history
DERIVED_FEATURES = (
    "income_checked", "income_to_line", "department_income_pc_fen", "department_income_pc_to_line",
    "wage_change_1m_fen", "wage_change_3m_fen", "department_income_change_3m_share",
    "labour_change_3m", "size_change_3m", "job_loss_6m", "serious_illness_new_6m",
    "oop_outpatient_3m_fen", "rigid_to_income", "income_without_wages_to_line", "wage_share",
    "job_losses_12m",
)
FEATURES = BASE_FEATURES + DERIVED_FEATURES
# kept beside the features (not used by the model): where the household is
CONTEXT = ("household_id", "period", "county_code")


def poverty_line_fen(period: str) -> int:
    """The national rural poverty line in force in ``period`` (cn-2014 pack parameter)."""
    from jingzhun.policy.evaluate import period_date
    from jingzhun.policy.pack import load_pack

    return int(load_pack("cn-2014").parameters.at("poverty_line_fen", period_date(period)))


def frame_from_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Context and base features of one month's indicator table, numeric (float32)."""
    missing = [c for c in (*CONTEXT, *BASE_FEATURES, "income_source") if c not in table.columns]
    if missing:
        raise RiskError(f"the indicator table lacks {', '.join(missing)}", where="indicators",
                        fix="recompute the indicators with this version (jingzhun identify)")
    out = table[list(CONTEXT)].copy()
    for name in BASE_FEATURES:
        col = table[name]
        if col.dtype == object:  # nullable booleans arrive as objects
            col = col.map({True: 1.0, False: 0.0}, na_action="ignore")
        out[name] = pd.to_numeric(col, errors="coerce").astype("float32")
    out["income_checked"] = (table["income_source"] == "income_check").astype("float32")
    return out


def _lagged(panel: pd.DataFrame, columns: list[str], months: int) -> pd.DataFrame:
    """``columns`` of the same household ``months`` earlier, aligned on each row (NaN if absent)."""
    k = period_index(panel["period"])
    past = panel[["household_id", *columns]].copy()
    past["_k"] = k + months
    cur = pd.DataFrame({"household_id": panel["household_id"].to_numpy(), "_k": k})
    got = cur.merge(past, on=["household_id", "_k"], how="left")
    return got[columns].set_axis(panel.index)


def add_history(panel: pd.DataFrame, line_fen: Callable[[str], int] = poverty_line_fen) -> pd.DataFrame:
    """Derived features: income relative to the line, changes over 1 and 3 months, shocks
    over 6 months (the 3-month flags now or 3 months ago)."""
    p = panel.copy()
    lines = {period: float(line_fen(period)) for period in p["period"].unique()}
    line = p["period"].map(lines).astype("float64")
    size = p["size"].where(p["size"] > 0)
    p["income_to_line"] = p["per_capita_net_income_fen"] / line
    p["department_income_pc_fen"] = p["department_income_fen"] / size
    p["department_income_pc_to_line"] = p["department_income_pc_fen"] / line
    lag1 = _lagged(p, ["wage_income_fen"], 1)
    lag3 = _lagged(p, ["wage_income_fen", "department_income_fen", "labour_count", "size",
                       "job_loss_3m", "new_serious_illness_3m"], 3)
    p["wage_change_1m_fen"] = p["wage_income_fen"] - lag1["wage_income_fen"]
    p["wage_change_3m_fen"] = p["wage_income_fen"] - lag3["wage_income_fen"]
    before = lag3["department_income_fen"].where(lag3["department_income_fen"] > 0)
    p["department_income_change_3m_share"] = (p["department_income_fen"] - before) / before
    p["labour_change_3m"] = p["labour_count"] - lag3["labour_count"]
    p["size_change_3m"] = p["size"] - lag3["size"]
    p["job_loss_6m"] = np.fmax(p["job_loss_3m"], lag3["job_loss_3m"])
    p["serious_illness_new_6m"] = np.fmax(p["new_serious_illness_3m"], lag3["new_serious_illness_3m"])
    out1 = _lagged(p, ["oop_outpatient_month_fen"], 1)["oop_outpatient_month_fen"]
    out2 = _lagged(p, ["oop_outpatient_month_fen"], 2)["oop_outpatient_month_fen"]
    p["oop_outpatient_3m_fen"] = p["oop_outpatient_month_fen"] + out1.fillna(0) + out2.fillna(0)
    income = p["per_capita_net_income_fen"] * size
    p["rigid_to_income"] = p["rigid_spending_12m_fen"] / income.where(income > 0)
    # what the household would keep if its wages stopped: exposure to a job loss
    p["income_without_wages_to_line"] = (income - p["wage_income_fen"]).clip(lower=0) / size / line
    p["wage_share"] = (p["wage_income_fen"] / income.where(income > 0)).clip(upper=5)
    lag6 = _lagged(p, ["job_loss_3m"], 6)["job_loss_3m"]
    lag9 = _lagged(p, ["job_loss_3m"], 9)["job_loss_3m"]
    p["job_losses_12m"] = (p["job_loss_3m"] + lag3["job_loss_3m"].fillna(0) + lag6.fillna(0)
                           + lag9.fillna(0))
    for name in DERIVED_FEATURES:
        p[name] = p[name].astype("float32")
    return p[[*CONTEXT, *FEATURES]]


def load_panel(ws: Any, periods: Sequence[str], *,
               progress: Callable[[str, float], None] | None = None) -> pd.DataFrame:
    """The feature panel of ``periods`` on a workspace (indicators computed when missing)."""
    from jingzhun.policy.workspace import ensure_indicators

    frames = []
    for i, period in enumerate(periods):
        if progress:
            progress(period, i / max(len(periods), 1))
        path = ensure_indicators(ws, period)
        frames.append(frame_from_indicators(pd.read_parquet(path)))
    if not frames:
        raise RiskError("no months to build the panel from", where="periods",
                        fix="give at least one YYYY-MM month")
    return add_history(pd.concat(frames, ignore_index=True))
