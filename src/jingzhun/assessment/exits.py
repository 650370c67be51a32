"""Exit assessment (贫困退出评估) of villages and counties (townships for information).

Criteria (domain.md §4; parameters.yaml, dated): poverty incidence below ``exit_incidence_max``
(3 % in the west, Guizhou included) and, where the data exist, the infrastructure tests: safe
drinking water for at least ``exit_water_safe_min`` of the roll households. Roads, electricity
and the 村集体经济 tests have no extract: listed as not tested, never assumed met.

``status``: ``meets`` / ``fails`` / ``unknown`` (no incidence); ``certain`` says whether the
Wilson interval of the incidence lies wholly on the side of the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NOT_TESTED = ("roads 道路", "electricity 电力", "collective economy 村集体经济")


def assess_exits(ind: pd.DataFrame, incidence_max: float, water_min: float) -> pd.DataFrame:
    """One row per area: incidence (and interval), water, status, certainty, failed tests."""
    wide = ind.pivot_table(index=["level", "area_code", "county_code"], columns="indicator",
                           values=["value", "ci_low", "ci_high"], aggfunc="first")
    rows = []
    for (level, code, county), r in wide.iterrows():
        inc = r.get(("value", "poverty_incidence"), np.nan)
        lo = r.get(("ci_low", "poverty_incidence"), np.nan)
        hi = r.get(("ci_high", "poverty_incidence"), np.nan)
        water = r.get(("value", "water_safe_rate"), np.nan)
        failed = []
        has_inc, has_water = not pd.isna(inc), not pd.isna(water)
        if has_inc and inc >= incidence_max:
            failed.append("incidence 贫困发生率")
        if has_water and water < water_min:
            failed.append("water 饮水安全")
        if not has_inc:
            status, certain = "unknown", False
        elif failed:
            status = "fails"
            certain = bool(("incidence 贫困发生率" in failed and not pd.isna(lo)
                            and lo >= incidence_max)
                           or ("incidence 贫困发生率" not in failed))
        else:
            status, certain = "meets", bool(not pd.isna(hi) and hi < incidence_max)
        rows.append({"level": level, "area_code": code, "county_code": county,
                     "poverty_incidence": inc, "incidence_ci_low": lo, "incidence_ci_high": hi,
                     "incidence_max": incidence_max, "water_safe_rate": water,
                     "water_safe_min": water_min, "status": status, "certain": certain,
                     "failed_tests": "、".join(failed),
                     "water_tested": has_water,
                     "not_tested": "、".join(NOT_TESTED)})
    return pd.DataFrame(rows)


STATUS_ZH = {"meets": "达到退出标准", "fails": "未达到", "unknown": "无法判断"}
