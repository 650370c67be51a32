"""XLSX (python-calamine) and parquet ingestion; garbage files raise IngestError."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from ingest_checks import check_lossless, raw_values

from jingzhun.errors import IngestError
from jingzhun.ingest import ingest_file

ID_F = "11010519491231002X"


def _xlsx(path: Path, rows: list[list], date_cols: dict[int, str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("发放")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, v)
    wb.close()
    return path


def test_xlsx_native_dates_serials_numbers(tmp_path, contracts):
    rows = [
        ["身份证号", "项目", "金额", "发放日期", "已到账", "备注"],
        [ID_F, "低保", 1234.5, dt.date(2024, 1, 15), "是", "x"],
        [ID_F.lower(), "特困", 800, 45300, "否", None],  # Excel serial as a plain number
        ["", "低保", "12.345", "2024年1月3日", "是", None],  # >2 decimals
        None,  # empty row: skipped, keeps its number
        [None, "其他", 5, "2024-02-30", "是", None],  # unknown code, impossible date
    ]
    path = _xlsx(tmp_path / "payments" / "payments_202401.xlsx", [r or [] for r in rows])
    r = ingest_file(path, "payments/payments_202401.xlsx", contracts["payments"], "2024-01")
    check_lossless(r, 4)
    acc = r.accepted.to_pydict()
    assert acc["_row"] == [1, 2]
    assert acc["amount_fen"] == [123450, 80000]
    assert acc["paid_on"] == [dt.date(2024, 1, 15), dt.date(2024, 1, 9)]
    assert acc["received"] == [True, False]
    assert acc["scheme"] == ["dibao", "tekun"]
    assert [json.loads(x) for x in acc["_extra"]] == [{"备注": "x"}, {"备注": None}]
    q = {x["_row"]: x for x in r.quarantine.to_pylist()}
    assert q[3]["reasons"] == ["invalid_number:amount_fen"]
    assert q[5]["reasons"] == ["invalid_code:scheme", "invalid_date:paid_on"]
    assert "payments/payments_202401.xlsx, row 5: column 项目 (scheme)" in q[5]["message"]
    assert raw_values(r.quarantine)[5]["发放日期"] == "2024-02-30"
    assert r.summary["encoding"] == "xlsx"


def test_xlsx_header_only_and_empty_sheet(tmp_path, contracts):
    path = _xlsx(tmp_path / "payments" / "payments_202401.xlsx",
                 [["身份证号", "项目", "金额", "发放日期", "已到账"]])
    r = ingest_file(path, "payments/payments_202401.xlsx", contracts["payments"], "2024-01")
    check_lossless(r, 0)
    path = _xlsx(tmp_path / "payments" / "payments_202402.xlsx", [])
    r = ingest_file(path, "payments/payments_202402.xlsx", contracts["payments"], "2024-02")
    check_lossless(r, 0)


def test_xlsx_missing_required_column(tmp_path, contracts):
    path = _xlsx(tmp_path / "payments" / "payments_202401.xlsx",
                 [["身份证号", "项目", "发放日期"], [ID_F, "低保", "2024-01-02"]])
    r = ingest_file(path, "payments/payments_202401.xlsx", contracts["payments"], "2024-01")
    check_lossless(r, 1)
    assert r.quarantine.column("reasons").to_pylist() == [["missing_column:amount_fen"]]


def _villages(path: Path, table: pa.Table) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def test_parquet_native_types(tmp_path, contracts):
    table = pa.table({
        "code": pa.array(["520102001", "52010", "520102002", "520102001"]),
        "name": pa.array(["新 村", "坏码村", "老村", "新村"]),
        "households": pa.array([120, 5, None, 120], pa.int64()),
        "surveyed": pa.array([dt.date(2023, 5, 1), None, dt.date(2023, 6, 1),
                              dt.date(2023, 5, 1)], pa.date32()),
        "area_km2": pa.array([1.25, 2.0, -1.0, 1.25]),
        "month": pa.array(["202305", "2023-05", "2023年6月", "202305"]),
        "extra_ts": pa.array([dt.datetime(2023, 5, 1, 8, 0)] * 4, pa.timestamp("s")),
    })
    path = _villages(tmp_path / "villages" / "villages_2023.parquet", table)
    r = ingest_file(path, "villages/villages_2023.parquet", contracts["villages"], None)
    check_lossless(r, 4)
    acc = r.accepted.to_pydict()
    assert acc["village_code"] == ["520102001"]
    assert acc["village_name"] == ["新村"]
    assert acc["households"] == [120]
    assert acc["surveyed_on"] == [dt.date(2023, 5, 1)]
    assert acc["area_km2"] == [1.25]
    assert acc["report_month"] == ["2023-05"]
    assert acc["_period"] == [None]
    assert json.loads(acc["_extra"][0]) == {"extra_ts": "2023-05-01 08:00:00"}
    q = {x["_row"]: x["reasons"] for x in r.quarantine.to_pylist()}
    assert q == {2: ["invalid_code:village_code"], 3: ["out_of_range:area_km2"],
                 4: ["duplicate_row"]}


def test_parquet_empty(tmp_path, contracts):
    table = pa.table({"code": pa.array([], pa.string()), "name": pa.array([], pa.string())})
    path = _villages(tmp_path / "villages" / "villages_2023.parquet", table)
    r = ingest_file(path, "villages/villages_2023.parquet", contracts["villages"], None)
    check_lossless(r, 0)


@pytest.mark.parametrize(
    ("rel", "dept", "why"),
    [
        ("payments/payments_202401.xlsx", "payments", "not a readable XLSX workbook"),
        ("villages/villages_2023.parquet", "villages", "not a readable parquet file"),
    ],
)
@pytest.mark.parametrize("kind", ["random", "zero"])
def test_garbage_files_raise(tmp_path, contracts, rel, dept, why, kind):
    rnd = random.Random(3)
    data = bytes(rnd.randrange(256) for _ in range(3000)) if kind == "random" else b""
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if kind == "zero":  # 0 bytes: an empty extract, not an error
        r = ingest_file(path, rel, contracts[dept], None)
        check_lossless(r, 0)
        return
    with pytest.raises(IngestError) as exc:
        ingest_file(path, rel, contracts[dept], None)
    assert why in str(exc.value)
    assert rel in str(exc.value)
    assert "how to fix" in str(exc.value)


def test_xlsx_missing_sheet(tmp_path, contracts):
    path = _xlsx(tmp_path / "payments" / "payments_202401.xlsx", [["身份证号"]])
    contract = contracts["payments"].model_copy(
        update={"files": contracts["payments"].files.model_copy(update={"sheet": "汇总"})})
    expected = r"sheet '汇总' not found; the workbook has sheets \['发放'\]"
    with pytest.raises(IngestError, match=expected):
        ingest_file(path, "payments/payments_202401.xlsx", contract, "2024-01")
