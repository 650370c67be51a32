"""The pipeline runner: ordering, atomic outputs, resume and skipping."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingzhun.engine.base import write_parquet_atomic
from jingzhun.errors import PipelineError, WorkspaceError
from jingzhun.pipeline import Stage, StageContext, outputs_digest, run_pipeline
from jingzhun.workspace import Workspace


def _stages(calls: list[str], fail_in: str | None = None) -> list[Stage]:
    def first(ctx: StageContext) -> dict:
        calls.append("first")
        write_parquet_atomic(pa.table({"x": [1, 2, 3]}), ctx.ws.zone("registry") / "t.parquet")
        return {"rows": 3}

    def second(ctx: StageContext) -> dict:
        calls.append("second")
        if fail_in == "second":
            raise ValueError("boom")
        t = pq.read_table(ctx.ws.zone("registry") / "t.parquet")
        doubled = pa.table({"x": [v * 2 for v in t.column("x").to_pylist()]})
        write_parquet_atomic(doubled, ctx.ws.zone("indicators") / "t.parquet")
        return {"rows": doubled.num_rows, "period": ctx.period}

    return [
        Stage("first", ("raw",), ("registry",), first),
        Stage("second", ("registry",), ("indicators",), second),
    ]


def test_stages_run_in_order_and_write_outputs(tmp_path):
    ws = Workspace(tmp_path / "w")
    calls: list[str] = []
    result = run_pipeline(ws, _stages(calls), period="2020-06")
    assert calls == ["first", "second"]
    assert result["stages"]["second"] == {"rows": 3, "period": "2020-06"}
    assert pq.read_table(ws.zone("indicators") / "t.parquet").column("x").to_pylist() == [2, 4, 6]


def test_rerun_skips_unchanged_stages(tmp_path):
    ws = Workspace(tmp_path / "w")
    calls: list[str] = []
    run_pipeline(ws, _stages(calls))
    again = run_pipeline(ws, _stages(calls))
    assert calls == ["first", "second"]
    assert again["stages"]["first"]["skipped"] is True


def test_deleted_output_is_rebuilt(tmp_path):
    ws = Workspace(tmp_path / "w")
    calls: list[str] = []
    run_pipeline(ws, _stages(calls))
    (ws.zone("indicators") / "t.parquet").unlink()
    run_pipeline(ws, _stages(calls))
    assert calls == ["first", "second", "second"]


def test_failed_stage_keeps_completed_work_and_resumes(tmp_path):
    ws = Workspace(tmp_path / "w")
    calls: list[str] = []
    with pytest.raises(PipelineError, match="stage 'second' failed: boom"):
        run_pipeline(ws, _stages(calls, fail_in="second"))
    run_pipeline(ws, _stages(calls))
    assert calls == ["first", "second", "second"]
    assert (ws.zone("indicators") / "t.parquet").exists()


def test_unknown_stage_is_named(tmp_path):
    ws = Workspace(tmp_path / "w")
    with pytest.raises(PipelineError, match="unknown stage"):
        run_pipeline(ws, _stages([]), only=["nope"])


def test_leftover_temporary_files_are_removed_and_never_read(tmp_path):
    ws = Workspace(tmp_path / "w")
    junk = ws.zone("registry") / ".t.parquet.deadbeef.tmp"
    junk.write_bytes(b"half-written")
    run_pipeline(ws, _stages([]))
    assert not junk.exists()


def test_outputs_identical_across_workspaces(tmp_path):
    a, b = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    run_pipeline(a, _stages([]))
    run_pipeline(b, _stages([]))
    zones = ("registry", "indicators")
    assert outputs_digest(a, zones) == outputs_digest(b, zones)


def test_workspace_lock_is_exclusive(tmp_path):
    ws = Workspace(tmp_path / "w")
    with ws.lock():
        with pytest.raises(WorkspaceError, match="in use"):
            with Workspace(tmp_path / "w").lock():
                pass


def test_missing_workspace_error_says_how_to_fix(tmp_path):
    with pytest.raises(WorkspaceError) as err:
        Workspace(tmp_path / "absent", create=False)
    assert "jingzhun ingest" in str(err.value)


def test_parquet_sink_writes_batches_and_only_a_whole_file(tmp_path):
    """The validate stage writes a large file's batches as they are done: the file appears
    whole, or not at all."""
    import pyarrow.parquet as pq
    import pytest

    from jingzhun.engine.base import parquet_sink

    path = tmp_path / "zone" / "t.parquet"
    with parquet_sink(path) as write:
        write(pa.table({"x": [1, 2]}))
        write(pa.table({"x": [3]}))
        assert not path.exists()
    assert pq.read_table(path).column("x").to_pylist() == [1, 2, 3]
    failed = tmp_path / "zone" / "failed.parquet"
    with pytest.raises(RuntimeError), parquet_sink(failed) as write:
        write(pa.table({"x": [1]}))
        raise RuntimeError("stopped mid-file")
    assert not failed.exists()
    assert [p.name for p in (tmp_path / "zone").iterdir()] == ["t.parquet"]  # no temp left
