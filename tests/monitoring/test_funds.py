"""Each fund anomaly on a hand-made case, and the clean payment that must not be flagged."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jingzhun.monitoring.errors import MonitoringError
from jingzhun.monitoring.funds import FundInputs, find_anomalies, monthly_standard, programmes, standards


def payment(row, person="P1", household="H1", programme="rural_dibao", period="2019-06",
            date="2019-06-10", amount=50_000, size=2, registered=True, serial=None):
    return {"file": "payments/payments_201906.csv", "row": row, "serial_no": serial or f"S{row}",
            "programme": programme, "pay_period": period, "pay_date": date, "amount_fen": amount,
            "person_id": person, "household_id": household, "household_size": size,
            "registered": registered}


def inputs(rows, deaths=(), flags=(), cadres=()):
    flag_rows = [{"household_id": h, "period": p, "owns_car": c, "owns_company": co,
                  "public_payroll_member": pr, "owns_car__extract": "2019-03" if c else None}
                 for h, p, c, co, pr in flags] or [
        {"household_id": "H1", "period": "2019-06", "owns_car": False, "owns_company": False,
         "public_payroll_member": False}]
    return FundInputs(
        payments=pd.DataFrame(rows),
        deaths=pd.DataFrame(list(deaths), columns=["person_id", "death_date", "source"]),
        household_flags=pd.DataFrame(flag_rows),
        cadres=pd.DataFrame(list(cadres), columns=["household_id", "period", "cadre_person_id", "position", "source"]),
    )


CASES = [
    # (case, payments, deaths, flags, cadres, expected {(row, anomaly)})
    ("clean payment", [payment(1)], [], [], [], set()),
    ("payee died before the payment date", [payment(1, date="2019-06-12")],
     [("P1", "2019-05-20", "hukou/hukou_201905.csv:266")], [], [], {(1, "dead_payee")}),
    ("payee died after the payment date", [payment(1, date="2019-06-12")],
     [("P1", "2019-06-20", "hukou/hukou_201906.csv:3")], [], [], set()),
    ("second payment, same person, programme and period",
     [payment(1, date="2019-06-10"), payment(2, date="2019-06-13"), payment(3, programme="tekun", amount=40_000)],
     [], [], [], {(2, "duplicate_payment")}),
    ("means-tested payment to a household with a car",
     [payment(1)], [], [("H1", "2019-06", True, False, False)], [], {(1, "excluded_household")}),
    ("care allowance (not means-tested) to a household with a payroll member",
     [payment(1, programme="disability_care", amount=7_000)], [],
     [("H1", "2019-06", False, False, True)], [], set()),
    ("payee in a village cadre's household",
     [payment(1)], [], [], [("H1", "2019-06", "P9", "director", "village_cadres/x.csv:4")], {(1, "cadre_relative")}),
    ("cadre in another month does not count",
     [payment(1)], [], [], [("H1", "2019-07", "P9", "director", "village_cadres/x.csv:4")], set()),
    # rural 低保 standard 390,800 fen/person/year: 2 members → 65,133 fen a month
    ("低保 amount above the standard for the household size", [payment(1, amount=130_000)], [], [], [],
     {(1, "above_standard")}),
    ("低保 amount at the standard", [payment(1, amount=65_133)], [], [], [], set()),
    ("payee unknown to the registry", [payment(1, person=None, household=None, size=None, registered=False)],
     [], [], [], {(1, "unknown_payee")}),
]


@pytest.mark.parametrize("name,rows,deaths,flags,cadres,expected", CASES, ids=[c[0] for c in CASES])
def test_each_anomaly_on_a_hand_made_case(name, rows, deaths, flags, cadres, expected):
    found = find_anomalies(inputs(rows, deaths, flags, cadres))
    assert set(zip(found["row"], found["anomaly"])) == expected


def test_evidence_quotes_the_values_read():
    found = find_anomalies(inputs([payment(1, date="2019-06-12", amount=130_000)],
                                  deaths=[("P1", "2019-05-20", "hukou/hukou_201905.csv:266")]))
    ev = {a: json.loads(e) for a, e in zip(found["anomaly"], found["evidence"])}
    assert ev["dead_payee"] == {"death_date": "2019-05-20", "death_record": "hukou/hukou_201905.csv:266",
                                "pay_date": "2019-06-12"}
    assert ev["above_standard"]["standard_fen"] == 65_133
    assert ev["above_standard"]["household_size"] == 2
    assert ev["above_standard"]["unverified"] is True
    assert set(found["label_zh"]) == {"收款人在发放日期前已死亡", "发放金额超过项目标准"}


@pytest.mark.parametrize("programme,size,expected", [
    ("rural_dibao", 3, 3 * 390_800 // 12), ("urban_dibao", 1, 60_000), ("tekun", 4, 42_336),
    ("disability_living", 1, 7_000), ("industry_grant", 1, None), ("rural_dibao", None, None),
])
def test_monthly_standards_from_dated_parameters(programme, size, expected):
    import datetime as dt

    assert monthly_standard(programmes()[programme], size, dt.date(2019, 6, 1), standards()) == expected


def test_missing_column_is_a_clear_error():
    bad = inputs([payment(1)])
    bad.payments = bad.payments.drop(columns="registered")
    with pytest.raises(MonitoringError, match="registered"):
        find_anomalies(bad)
