"""Same answers on DuckDB and Spark: a small synthetic province through every pipeline stage
and the month's operations (causes, plans, warnings, fund anomalies) on both engines, then
every output table compared row for row (jingzhun.evaluation.engines)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingzhun.evaluation.engines import compare_table, compare_workspaces

SCALE, MONTHS, SEED = 0.0002, 3, 3   # about 7,600 persons, 2,300 households


@pytest.fixture(scope="module")
def two_engines(tmp_path_factory):
    from jingzhun.cli.data import ingest_source, run_workspace
    from jingzhun.cli.demo import demo_operations
    from jingzhun.synth import SynthConfig, generate

    base = tmp_path_factory.mktemp("engines")
    generate(SynthConfig(scale=SCALE, months=MONTHS, seed=SEED), out=base / "province")
    out = {}
    for engine in ("duckdb", "spark"):
        ws = base / engine
        ws.mkdir()
        (ws / "settings.yaml").write_text(f"engine: {engine}\nthreads: 2\nmemory_limit: 2GB\n",
                                         encoding="utf-8")
        ingest_source(base / "province", ws)
        result = run_workspace(ws)
        ops = demo_operations(ws, result["period"])
        out[engine] = (ws, result, ops)
    return out


def test_every_output_table_is_the_same_on_both_engines(two_engines):
    (a, ra, oa), (b, rb, ob) = two_engines["duckdb"], two_engines["spark"]
    report = compare_workspaces(a, b)
    assert report["differences"] == {}
    assert report["missing"] == {"first": [], "second": []}
    names = {p for p in _tables(a)}
    for wanted in ("registry/persons.parquet", "registry/record_links.parquet",
                   "registry/household_members.parquet", "indicators/households_2019-03.parquet",
                   "decisions/cn-2014_2019-03.parquet", "decisions/crosscheck_2019-03.parquet",
                   "decisions/causes_2019-03.parquet", "outputs/assistance/plans_2019-03.parquet",
                   "outputs/warnings/warnings_2019-03.parquet"):
        assert wanted in names
    assert report["tables"] >= 80 and report["rows"] > 50_000
    # and the summaries agree (counts of persons, links, decisions, plans, warnings, anomalies;
    # not the seconds each linkage step took)
    strip = lambda r: {k: {kk: vv for kk, vv in v.items() if kk not in ("skipped", "link_seconds")}  # noqa: E731
                       for k, v in r["stages"].items()}
    assert strip(ra) == strip(rb)
    assert {k: v for k, v in oa.items() if k != "plans"} == {k: v for k, v in ob.items() if k != "plans"}
    assert oa["plans"]["targets"] == ob["plans"]["targets"] > 0
    assert ra["stages"]["registry"]["persons"] > 5000


def test_the_spark_run_really_ran_on_spark(two_engines):
    from jingzhun.engine import spark

    # the Spark linkage left its Parquet checkpoints in the session's scratch folder, and
    # only the DuckDB run spilled Splink's DuckDB into its workspace
    assert spark._SESSION is not None
    assert any((spark.process_scratch() / "checkpoints").rglob("*.parquet"))
    assert (two_engines["duckdb"][0] / "_spill" / "splink").exists()
    assert not (two_engines["spark"][0] / "_spill" / "splink").exists()


def _tables(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*.parquet")]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda t: t.set_column(1, "v", pa.array([1.0, 2.0, 3.5])), "v: 1 values differ"),
    (lambda t: t.slice(0, 2), "rows differ: 3 vs 2"),
    (lambda t: t.set_column(0, "k", pa.array(["a", None, "c"])), "k: null differs at row 1"),
    (lambda t: t.rename_columns(["k", "w"]), "columns differ"),
    (lambda t: t.set_column(1, "v", pa.array([1.0, 2.0, 3.0 + 1e-13])), None),
])
def test_the_comparison_catches_a_changed_table(tmp_path, change, problem):
    a = pa.table({"k": ["a", "b", "c"], "v": [1.0, 2.0, 3.0]})
    pq.write_table(a, tmp_path / "a.parquet")
    pq.write_table(change(a), tmp_path / "b.parquet")
    diff = compare_table(tmp_path / "a.parquet", tmp_path / "b.parquet", "t")
    if problem is None:
        assert diff.same
    else:
        assert any(problem in p for p in diff.problems), diff.problems


def test_a_missing_table_is_reported(tmp_path):
    for ws in ("x", "y"):
        (tmp_path / ws / "registry").mkdir(parents=True)
        pq.write_table(pa.table({"a": [1]}), tmp_path / ws / "registry" / "persons.parquet")
    pq.write_table(pa.table({"a": [1]}), tmp_path / "x" / "registry" / "extra.parquet")
    report = compare_workspaces(tmp_path / "x", tmp_path / "y")
    assert report["missing"] == {"first": [], "second": ["registry/extra.parquet"]}
    shutil.rmtree(tmp_path / "x")
