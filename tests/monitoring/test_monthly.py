"""Monthly processing (`jingzhun monitor`): month by month equals from scratch, order, idempotence.

One small synthetic province (scale 0.0005, 3 months, seed 7) is processed twice: month A then
month B with ``process_month`` (landing the month's files from the province folder), and from
scratch (``ingest`` of both months, ``run``, then the month outputs with the existing
functions). Every table must be equal row for row, ignoring row order.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from jingzhun.monitoring.errors import MonitoringError
from jingzhun.monitoring.monthly import (
    MonitorState,
    MonthRecord,
    changed_households,
    changed_inputs,
    check_order,
    file_month,
    process_month,
    up_to,
)

A, B, C = "2019-01", "2019-02", "2019-03"

REGISTRY = ["record_links", "persons", "household_members", "hukou_events", "households",
            "review_queue", "conflicts"]
MONTH_TABLES = ["indicators/households_{m}", "decisions/cn-2014_{m}", "decisions/crosscheck_{m}",
                "outputs/warnings/warnings_{m}", "outputs/funds/anomalies_{m}"]
TABLES = [f"registry/{t}" for t in REGISTRY] + [t.format(m=m) for t in MONTH_TABLES for m in (A, B)]


# ---- pure functions ---------------------------------------------------------------------
@pytest.mark.parametrize(("done", "month", "expected"), [
    ([], "2019-05", "first"),
    ([A], B, "next"),
    ([A, B], B, "rerun"),
    ([A, B], A, "rerun"),
    (["2019-12"], "2020-01", "next"),
])
def test_check_order_accepts(done, month, expected):
    state = MonitorState({m: MonthRecord(digest="x") for m in done})
    assert check_order(state, month, "W") == expected


@pytest.mark.parametrize(("done", "month", "message", "fix"), [
    ([A], C, "month 2019-03 is out of order: the last month processed is 2019-01",
     "jingzhun monitor --workspace W --month 2019-02"),
    ([A, B], "2019-06", "the last month processed is 2019-02", "--month 2019-03"),
    ([B], A, "month 2019-01 is before the first month processed (2019-02)", "new workspace"),
])
def test_check_order_refuses_with_what_to_run(done, month, message, fix):
    state = MonitorState({m: MonthRecord(digest="x") for m in done})
    with pytest.raises(MonitoringError) as err:
        check_order(state, month, "W")
    assert message in str(err.value)
    assert fix in err.value.fix


@pytest.mark.parametrize(("rel", "month", "included"), [
    ("hukou/hukou_201901.csv", "2019-01", True),
    ("hukou/hukou_201902.csv", "2019-01", False),
    ("payments/payments_201812.csv", "2019-01", True),
    ("medical_insurance/medical_insurance_201903.parquet", "2019-02", False),
    ("nowhere/x.csv", "2019-01", True),  # landed; the validate stage records why it fails
])
def test_landing_filter_takes_the_month_and_earlier(rel, month, included):
    assert up_to(month)(rel) is included


def test_file_month_reads_the_name():
    assert file_month("hukou/hukou_201902.csv") == "2019-02"
    assert file_month("nowhere/x.csv") is None


@pytest.mark.parametrize(("old", "new", "expected"), [
    (None, {"household_id": ["H1"], "size": [1]}, None),
    ({"household_id": ["H1", "H2"], "size": [1, 2]}, {"household_id": ["H1", "H2"], "size": [1, 2]}, 0),
    ({"household_id": ["H1", "H2"], "size": [1, 2]}, {"household_id": ["H1", "H2"], "size": [1, 3]}, 1),
    ({"household_id": ["H1"], "size": [1]}, {"household_id": ["H1", "H3"], "size": [1, 4]}, 1),
    # the period and the extract months are provenance, not values
    ({"household_id": ["H1"], "size": [1], "period": ["2019-01"], "size__extract": ["2019-01"]},
     {"household_id": ["H1"], "size": [1], "period": ["2019-02"], "size__extract": ["2019-02"]}, 0),
])
def test_changed_households(old, new, expected):
    assert changed_households(None if old is None else pd.DataFrame(old), pd.DataFrame(new)) == expected


def test_changed_inputs_names_the_inputs(tmp_path):
    out = tmp_path / "x.parquet"
    out.write_bytes(b"x")
    parts = {"files": "a", "record_links": "b"}
    from jingzhun.monitoring.monthly import digest_of

    rec = MonthRecord(digest=digest_of(parts), inputs=dict(parts))
    assert changed_inputs(None, parts, [out]) == ["new"]
    assert changed_inputs(rec, parts, [out]) == []
    assert changed_inputs(rec, {**parts, "record_links": "c"}, [out]) == ["record_links"]
    assert changed_inputs(rec, parts, [tmp_path / "gone.parquet"]) == ["missing_outputs"]


# ---- on a synthetic province --------------------------------------------------------------
@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    from jingzhun.synth import SynthConfig, generate

    out = tmp_path_factory.mktemp("monthly_province")
    generate(SynthConfig(scale=0.0005, months=3, seed=7), out=out)
    return out


@pytest.fixture(scope="module")
def scratch(province, tmp_path_factory) -> Path:
    """Both months from scratch: ingest, run, then the month outputs (existing functions)."""
    from jingzhun.cli.data import ingest_source, run_workspace
    from jingzhun.monitoring.funds_workspace import funds_workspace
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.policy.workspace import identify_workspace
    from jingzhun.workspace import Workspace

    base = tmp_path_factory.mktemp("monthly_scratch")
    src = base / "departments"
    for path in sorted((province / "departments").rglob("*")):
        if path.is_file() and file_month(path.relative_to(province / "departments").as_posix()) <= B:
            dst = src / path.relative_to(province / "departments")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst)
    ingest_source(base, base / "ws")
    run_workspace(base / "ws")
    ws = Workspace(base / "ws", create=False)
    try:
        for month in (A, B):
            identify_workspace(ws, month, refresh=True)
            warnings_workspace(ws, month)
            funds_workspace(ws, month)
    finally:
        ws.close()
    return base / "ws"


@pytest.fixture(scope="module")
def monthly(province, tmp_path_factory) -> tuple[Path, dict, dict]:
    from jingzhun.workspace import Workspace

    root = tmp_path_factory.mktemp("monthly_ws") / "ws"
    ws = Workspace(root)
    try:
        first = process_month(ws, A, source=province)
        second = process_month(ws, B, source=province)
    finally:
        ws.close()
    return root, first, second


def _canonical(path: Path) -> pd.DataFrame:
    """Rows in a fixed order. Splink's scores may differ in the 15th digit between two runs on
    the same records (parallel sums), so floats are compared to 9 decimals."""
    df = pq.read_table(path).to_pandas()
    for c in df.columns:
        df[c] = df[c].round(9) if pd.api.types.is_float_dtype(df[c]) else df[c].astype(str)
    return df.sort_values(list(df.columns), ignore_index=True)


@pytest.mark.parametrize("table", TABLES)
def test_month_by_month_equals_from_scratch(monthly, scratch, table):
    root, _, _ = monthly
    got, want = _canonical(root / f"{table}.parquet"), _canonical(scratch / f"{table}.parquet")
    if not table.endswith(("review_queue", "conflicts")):
        assert len(want) > 0, f"{table} is empty: the comparison would prove nothing"
    pd.testing.assert_frame_equal(got, want)


def test_the_same_tables_exist(monthly, scratch):
    root, _, _ = monthly
    for zone in ("indicators", "decisions", "outputs/warnings", "outputs/funds"):
        assert sorted(p.name for p in (root / zone).glob("*.parquet")) == \
            sorted(p.name for p in (scratch / zone).glob("*.parquet"))


def test_only_the_month_and_earlier_are_landed(monthly, province):
    root, first, second = monthly
    raw = sorted(p.relative_to(root / "raw").as_posix() for p in (root / "raw").rglob("*") if p.is_file())
    assert raw and all(file_month(r) <= B for r in raw)
    n_b = sum(1 for p in (province / "departments").rglob(f"*_{B.replace('-', '')}.*"))
    assert second["landed"]["new"] == n_b == second["month_files"]["validated"]
    assert second["landed"]["unchanged"] == first["landed"]["new"]
    assert first["order"] == "first" and second["order"] == "next"
    assert first["recomputed_months"] == {A: ["new"]}
    assert second["recomputed_months"][B] == ["new"]


def test_state_file_records_the_months(monthly):
    from jingzhun.workspace import Workspace

    root, _, second = monthly
    state = MonitorState.load(Workspace(root, create=False))
    assert sorted(state.months) == [A, B]
    for month in (A, B):
        rec = state.months[month]
        assert len(rec.digest) == 64 and set(rec.inputs) >= {"files", "record_links", "household_members"}
        warnings = pq.read_metadata(root / f"outputs/warnings/warnings_{month}.parquet").num_rows
        anomalies = pq.read_metadata(root / f"outputs/funds/anomalies_{month}.parquet").num_rows
        assert (rec.warnings, rec.anomalies) == (warnings, anomalies)
    assert second["warnings"] == state.months[B].warnings > 0


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for zone in ("registry", "indicators", "decisions", "outputs")
            for p in sorted((root / zone).rglob("*.parquet"))}


def test_rerun_of_a_processed_month_is_idempotent(monthly, province):
    from jingzhun.workspace import Workspace

    root, _, _ = monthly
    before = _digests(root)
    ws = Workspace(root, create=False)
    try:
        again = process_month(ws, B, source=province)
    finally:
        ws.close()
    assert again["order"] == "rerun"
    assert again["landed"]["new"] == 0 and again["landed"]["updated"] == 0
    assert again["registry"]["skipped"] is True
    assert again["recomputed_months"] == {} and again["unchanged_months"] == [A, B]
    assert _digests(root) == before


def test_out_of_order_month_is_refused_and_changes_nothing(monthly, province):
    from jingzhun.workspace import Workspace

    root, _, _ = monthly
    before = _digests(root)
    ws = Workspace(root, create=False)
    try:
        with pytest.raises(MonitoringError, match="out of order") as err:
            process_month(ws, "2019-04", source=province)
    finally:
        ws.close()
    assert "--month 2019-03" in err.value.fix
    assert _digests(root) == before
    assert not list((root / "raw").rglob("*_201903.*"))


def test_a_month_without_extracts_is_refused(tmp_path):
    from jingzhun.workspace import Workspace

    ws = Workspace(tmp_path / "empty")
    try:
        with pytest.raises(MonitoringError, match="no validated extract of 2019-01"):
            process_month(ws, A)
    finally:
        ws.close()
    assert MonitorState.load(Workspace(tmp_path / "empty")).months == {}


def test_a_corrected_earlier_extract_recomputes_that_month(monthly, province, tmp_path):
    """Month B is processed; then a corrected payments file of month A arrives (one more
    payment, a second 特困 payment to the same person in the same period). Re-running B lands
    it, re-links, and recomputes A (and B, whose duplicate search reads A's payments)."""
    from jingzhun.workspace import Workspace

    root, _, _ = monthly
    ws_root = tmp_path / "ws"
    shutil.copytree(root, ws_root)
    source = tmp_path / "province"
    shutil.copytree(province / "departments", source / "departments")
    pay = source / "departments" / "payments" / "payments_201901.csv"
    lines = pay.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    assert first[1] == "特困供养金"
    first[0], first[7] = "YKT20190199999999", "2019-01-25"
    pay.write_text("\n".join([*lines, ",".join(first)]) + "\n", encoding="utf-8")
    old = pq.read_table(root / f"outputs/funds/anomalies_{A}.parquet").to_pandas()

    ws = Workspace(ws_root, create=False)
    try:
        report = process_month(ws, B, source=source)
    finally:
        ws.close()
    assert report["order"] == "rerun" and report["landed"]["updated"] == 1
    assert report["landed_files"] == ["payments/payments_201901.csv"]
    assert report["registry"]["skipped"] is False
    assert set(report["recomputed_months"]) == {A, B}
    assert "files" in report["recomputed_months"][A]
    new = pq.read_table(ws_root / f"outputs/funds/anomalies_{A}.parquet").to_pandas()
    added = new[new["serial_no"] == "YKT20190199999999"]
    assert "duplicate_payment" in added["anomaly"].tolist()
    evidence = json.loads(added.loc[added["anomaly"] == "duplicate_payment", "evidence"].iloc[0])
    assert evidence["first_payment"]["serial_no"] == "YKT20190100000000"
    key = ["file", "row", "anomaly"]
    rest = new[new["serial_no"] != "YKT20190199999999"]
    assert set(map(tuple, rest[key].to_numpy())) == set(map(tuple, old[key].to_numpy()))


def test_cli_refuses_a_month_out_of_order(tmp_path):
    from typer.testing import CliRunner

    from jingzhun.cli import app
    from jingzhun.workspace import Workspace

    ws = Workspace(tmp_path / "w")
    MonitorState({A: MonthRecord(digest="x")}).save(ws)
    result = CliRunner().invoke(app, ["monitor", "--workspace", str(tmp_path / "w"), "--month", C, "--json"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "month 2019-03 is out of order: the last month processed is 2019-01" in text
    assert "--month 2019-02" in text
    assert MonitorState.load(ws).months.keys() == {A}


# ---- which inputs a month's digest covers (hand-made registry) ------------------------------
def _tiny_workspace(root: Path, change: str):
    from jingzhun.workspace import Workspace

    ws = Workspace(root)
    files = {"hukou/hukou_201901.csv": {"status": "validated", "department": "hukou", "period": A,
                                        "sha256": "s1", "contract": "c"}}
    links = [("hukou", "hukou/hukou_201901.csv", 1, A, "P1"), ("hukou", "hukou/hukou_201901.csv", 2, A, "P2")]
    members = [("P1", "H1", A, None), ("P2", "H1", A, None)]
    events = [("P1", "H1", "stock", A, A, 1), ("P2", "H1", "stock", A, A, 2)]
    persons = [("P1", "1960-01-01", None, A, "hukou"), ("P2", "1990-05-05", None, A, "hukou")]
    if change == "late death of January, reported in February":
        events.append(("P2", "H1", "death", A, B, 3))
    elif change == "death in February":
        events.append(("P2", "H1", "death", B, B, 3))
        persons[1] = ("P2", "1990-05-05", B, A, "hukou")
    elif change == "January record re-linked":
        links[1] = ("hukou", "hukou/hukou_201901.csv", 2, A, "P3")
    elif change == "a February record":
        links.append(("hukou", "hukou/hukou_201902.csv", 1, B, "P1"))
    elif change == "moved out in February":
        members[0] = ("P1", "H1", A, B)
        members.append(("P1", "H2", B, None))
    elif change == "a February file":
        files["hukou/hukou_201902.csv"] = {"status": "validated", "department": "hukou", "period": B,
                                           "sha256": "s2", "contract": "c"}
    elif change == "January file corrected":
        files["hukou/hukou_201901.csv"]["sha256"] = "s1b"
    ws.write_state("manifest", {"files": files})
    reg = ws.zone("registry")
    pd.DataFrame(links, columns=["department", "_file", "_row", "_period", "person_id"]).to_parquet(
        reg / "record_links.parquet")
    pd.DataFrame([(p, h, "head", "520102", "520102001", "520102001001", f, t, f, "stock")
                  for p, h, f, t in members],
                 columns=["person_id", "household_no", "relation_to_head", "county_code", "township_code",
                          "village_code", "valid_from", "valid_to", "recorded", "change_type"]
                 ).to_parquet(reg / "household_members.parquet")
    pd.DataFrame([(p, h, "head", "520102", "520102001", "520102001001", c, v, r, "hukou/x.csv", n)
                  for p, h, c, v, r, n in events],
                 columns=["person_id", "household_no", "relation_to_head", "county_code", "township_code",
                          "village_code", "change_type", "valid_month", "recorded", "_file", "_row"]
                 ).to_parquet(reg / "hukou_events.parquet")
    pd.DataFrame(persons, columns=["person_id", "birth_date", "death_month", "first_seen", "departments"]
                 ).to_parquet(reg / "persons.parquet")
    return ws


@pytest.mark.parametrize(("change", "changed_a", "changed_b"), [
    ("late death of January, reported in February", ["hukou_events"], ["hukou_events"]),
    ("death in February", [], ["hukou_events", "persons"]),
    ("January record re-linked", ["record_links"], ["record_links"]),
    ("a February record", [], ["record_links"]),
    ("moved out in February", [], ["household_members"]),
    ("a February file", [], ["files"]),
    ("January file corrected", ["files"], ["files"]),
])
def test_month_digest_covers_what_the_month_reads(tmp_path, change, changed_a, changed_b):
    from jingzhun.monitoring.monthly import month_digests

    base = month_digests(_tiny_workspace(tmp_path / "base", ""), [A, B])
    after = month_digests(_tiny_workspace(tmp_path / "after", change), [A, B])
    for month, expected in ((A, changed_a), (B, changed_b)):
        assert sorted(k for k in base[month] if base[month][k] != after[month][k]) == expected, month
