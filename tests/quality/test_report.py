"""Quality report over ingestion results (Arrow tables, DuckDB relations, Ibis tables)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from jingzhun.contracts import load_contracts
from jingzhun.ingest import ingest_file
from jingzhun.quality import quality_report, render_text

CONTRACTS = Path(__file__).parents[1] / "ingest" / "contracts"
HEADER = "JLBH,GMSFHM,XM,XB,CSRQ,JE\n"
ID_F = "11010519491231002X"


@pytest.fixture(scope="module")
def contracts():
    return load_contracts(CONTRACTS)


@pytest.fixture(scope="module")
def people(tmp_path_factory, contracts):
    tmp = tmp_path_factory.mktemp("q")
    rows = [
        f"1,{ID_F},张三,2,1949-12-31,1",
        f"2,{ID_F},张三,2,1949-12-31,1",  # same person twice in the period
        "3,,李四,1,1980-01-01,",  # id missing, income empty
        "4,bad,王五,1,1980-01-01,5",  # id invalid
        "5,,赵六,x,1980-01-01,5",  # invalid code → quarantined
        "6,,钱七,1,1980-02-30,5",  # invalid date → quarantined
        "7,,孙八,x,1980-01-01,5",  # invalid code → quarantined
        "3,,李四,1,1980-01-01,",  # exact duplicate
        "9,,周九",  # malformed
    ]
    path = tmp / "people_202401.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return ingest_file(path, "people/people_202401.csv", contracts["people"], "2024-01")


def _report(people, contracts, wrap=lambda t: t):
    return quality_report([people.summary, {"file": "people/people_202402.csv",
                                            "error": "not a CSV"}],
                          {"people": wrap(people.accepted)},
                          {"people": wrap(people.quarantine)}, contracts)["departments"]["people"]


def test_people_report_values(people, contracts):
    r = _report(people, contracts)
    assert (r["rows_in"], r["accepted"], r["quarantined"]) == (9, 4, 5)
    assert r["validity"]["accepted_share"] == round(4 / 9, 4)
    assert r["completeness"]["fields"]["id_number"] == 0.5
    assert r["completeness"]["fields"]["income_fen"] == 0.75
    assert r["completeness"]["fields"]["name"] == 1.0
    assert r["completeness"]["overall"] == round((1 + 0.5 + 1 + 1 + 1 + 0.75) / 6, 4)
    assert r["validity"]["warning_rates"] == {"id_invalid:id_number": 0.25,
                                              "id_missing:id_number": 0.25}
    assert r["uniqueness"] == {"duplicate_rows": 1, "duplicate_rate": round(1 / 9, 4),
                               "id_field": "id_number", "duplicate_ids": 1,
                               "rows_with_duplicate_id": 2, "duplicate_id_rate": 0.5}
    assert [d["reason"] for d in r["top_defects"]] == [
        "invalid_code:sex", "duplicate_row", "invalid_date:birth_date", "malformed_row"]
    assert r["top_defects"][0]["rows"] == 2
    assert r["unreadable_files"] == [{"file": "people/people_202402.csv", "error": "not a CSV"}]
    assert r["timeliness"] is None
    assert "Fix first: sex: value not in the code list (2 rows)" in r["advice_en"]
    assert "优先修正：sex: 代码不在代码表内 2 行" in r["advice_zh"]
    assert "1 file(s) could not be read" in r["advice_en"]
    assert "同一期内身份证号重复 1 个" in r["advice_zh"]


@pytest.mark.parametrize("kind", ["duckdb", "ibis", "reader", "parquet"])
def test_other_inputs_give_same_report(people, contracts, kind, tmp_path):
    base = _report(people, contracts)
    if kind == "parquet":  # what the pipeline passes: the zone's files, read in place
        import pyarrow.parquet as pq

        counter = iter(range(10))

        def wrap(t):
            halves = [t.slice(0, len(t) // 2), t.slice(len(t) // 2)]  # two files per table
            paths = [tmp_path / f"t{next(counter)}.parquet" for _ in halves]
            for half, path in zip(halves, paths, strict=True):
                pq.write_table(half, path)
            return paths
    elif kind == "duckdb":
        con = duckdb.connect()

        def wrap(t):
            return con.from_arrow(t)
    elif kind == "ibis":
        import ibis

        con = ibis.duckdb.connect()
        counter = iter(range(10))

        def wrap(t):
            return con.create_table(f"t{next(counter)}", t)
    else:
        def wrap(t):
            return pa.RecordBatchReader.from_batches(t.schema, t.to_batches())
    assert _report(people, contracts, wrap) == base


def test_timeliness_for_event_dates(tmp_path, contracts):
    import xlsxwriter

    path = tmp_path / "payments_202403.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    rows = [["身份证号", "项目", "金额", "发放日期", "已到账"],
            [ID_F, "低保", 100, "2024-03-05", "是"],  # lag 0
            [ID_F, "低保", 100, "2024-02-05", "是"],  # lag 1 (allowed for monthly)
            [ID_F, "低保", 100, "2023-12-05", "是"],  # lag 3 → late
            [ID_F, "低保", 100, "2023-11-05", "是"]]  # lag 4 → late
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    res = ingest_file(path, "payments/payments_202403.xlsx", contracts["payments"], "2024-03")
    r = quality_report([res.summary], {"payments": res.accepted}, {"payments": res.quarantine},
                       contracts)["departments"]["payments"]
    t = r["timeliness"]
    assert t["allowed_lag_months"] == 1
    assert t["fields"]["paid_on"] == {"rows": 4, "median_lag_months": 2.0, "late_share": 0.5,
                                      "future_share": 0.0}
    assert "paid_on: 50.0% reported late (median lag 2.0 months)" in r["advice_en"]
    assert r["uniqueness"]["duplicate_rows"] == 0
    assert "duplicate_ids" not in r["uniqueness"]  # payments: one person may appear often


def test_large_table_is_fast(contracts):
    import time

    import numpy as np

    n = 2_000_000
    rng = np.random.default_rng(0)
    ids = pa.array(np.char.add("5201021980010100", rng.integers(10, 99, n).astype(str)))
    table = pa.table({
        "record_id": pa.array(np.arange(n).astype(str)),
        "id_number": ids,
        "id_number_raw": ids,
        "name": pa.array(["张三"] * n),
        "sex": pa.array(["male"] * n),
        "birth_date": pa.array([dt.date(1980, 1, 1)] * n, pa.date32()),
        "income_fen": pa.array(np.arange(n), pa.int64()),
        "_period": pa.array(["2024-01"] * n),
        "_dq_flags": pa.array([[]] * n, pa.list_(pa.string())),
    })
    t0 = time.perf_counter()
    r = quality_report([], {"people": table}, None, contracts)["departments"]["people"]
    assert time.perf_counter() - t0 < 10
    assert r["accepted"] == n
    assert r["uniqueness"]["duplicate_ids"] == 89


def test_totals_and_text(people, contracts):
    report = quality_report([people.summary, {"file": "x/y.csv", "error": "broken"}],
                            {"people": people.accepted}, {"people": people.quarantine}, contracts)
    assert report["totals"] == {"departments": 1, "files": 1, "unreadable_files": 1,
                                "rows_in": 9, "accepted": 4, "quarantined": 5,
                                "accepted_share": round(4 / 9, 4)}
    assert report["unreadable_files"] == [{"file": "x/y.csv", "error": "broken"}]
    text = render_text(report)
    assert "[people] 测试人口 / Test people" in text
    assert "- invalid_code:sex: 2" in text
    assert "x/y.csv: broken" in text
