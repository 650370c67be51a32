"""Small household tables in the indicator schema for the assistance tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LINE = 321800.0
DEFAULTS: dict[str, Any] = {
    "county_code": "520101", "township_code": "520101100", "village_code": "520101100200",
    "size": 3, "rural_hukou": True, "on_roll": True, "per_capita_net_income_fen": 200000.0,
    "labour_count": 1, "dibao": False, "tekun": False, "housing_safe": True, "water_safe": True,
    "compulsory_education_secure": True, "basic_medical_secure": None,
    "serious_illness_member": False, "disabled_member": False, "schooling_cost_12m_fen": 0,
    "primary_cause": "lack_capital", "secondary_cause_1": None, "secondary_cause_2": None,
}


def table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = [{**DEFAULTS, "household_id": f"h{i}", **r} for i, r in enumerate(rows)]
    return pd.DataFrame(out)


def random_table(rng: np.random.Generator, n: int, counties: int = 2) -> pd.DataFrame:
    rows = []
    for _ in range(n):
        c = 520101 + int(rng.integers(counties))
        t = f"{c}{100 + int(rng.integers(2))}"
        rows.append({
            "county_code": str(c), "township_code": t, "village_code": t + "200",
            "size": int(rng.integers(1, 6)),
            "per_capita_net_income_fen": float(rng.integers(0, 480000)),
            "labour_count": int(rng.integers(0, 3)),
            "housing_safe": [True, False, None][int(rng.integers(3))],
            "water_safe": bool(rng.random() < 0.8),
            "compulsory_education_secure": bool(rng.random() < 0.9),
            "serious_illness_member": bool(rng.random() < 0.2),
            "dibao": bool(rng.random() < 0.1),
            "primary_cause": ["illness", "lack_labour", "lack_capital", "lack_skills"][int(rng.integers(4))],
        })
    return table(rows)
