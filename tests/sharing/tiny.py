"""A tiny workspace (three households) for exchange, search and router tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jingzhun.indicators.catalogue import INDICATORS

HOUSEHOLDS = ["52010200100001", "52010200100002", "52010200100003"]
IDS = ["520102199001011234", "520102198502023456", "52010219700303567X"]


def tiny_workspace(root: Path) -> Path:
    (root / "indicators").mkdir(parents=True)
    (root / "registry").mkdir()
    rows = []
    for i, h in enumerate(HOUSEHOLDS):
        row = {ind.name: None for ind in INDICATORS}
        row.update(household_id=h, period="2019-12", county_code="520102",
                   township_code="520102001", village_code="520102001001", size=3 + i,
                   per_capita_net_income_fen=300_000 * (i + 1), dibao=i == 0, tekun=False,
                   owns_car=i == 2, owns_commercial_housing=False, owns_company=False,
                   public_payroll_member=False, serious_illness_member=i == 1,
                   rural_hukou=True, housing_safe=True, water_safe=True)
        rows.append(row)
    pd.DataFrame(rows).to_parquet(root / "indicators" / "households_2019-12.parquet")
    pd.DataFrame({"person_id": ["P1", "P2", "P3"], "id_number": IDS, "name": ["张三", "李四", "王五"]}) \
        .to_parquet(root / "registry" / "persons.parquet")
    pd.DataFrame({"person_id": ["P1", "P2", "P3"], "household_no": HOUSEHOLDS,
                  "valid_to": [None, None, None]}).to_parquet(root / "registry" / "household_members.parquet")
    (root / "decisions").mkdir()
    pd.DataFrame({"household_id": HOUSEHOLDS, "period": "2019-12", "pack": "cn-2021",
                  "status": ["monitored", "not_eligible", "not_eligible"],
                  "status_label_zh": "x", "status_label_en": "x", "fired": "[]",
                  "reasons": ["收入低于监测线", "", ""]}).to_parquet(root / "decisions" / "cn-2021_2019-12.parquet")
    return root
