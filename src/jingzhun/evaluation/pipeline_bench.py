"""``jingzhun bench pipeline``: every stage of a run timed on one engine, with its peak memory
and rows, against the scan floor (the time to read every input once) measured in the same run.

Memory is sampled every 0.2 s as the resident set of this process and its children (Spark's
JVM is a child of the driver), so a stage's peak includes the engine's own memory.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq


class MemorySampler:
    """Peak RSS (MB) of this process tree, overall and per named window."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._window_peak = 0.0
        self._step_peak = 0.0  # the current StepClock step's
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss_mb(self) -> float:
        proc = psutil.Process()
        total = 0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def _sample(self) -> None:
        mb = self.rss_mb()
        self.peak_mb = max(self.peak_mb, mb)
        self._window_peak = max(self._window_peak, mb)
        self._step_peak = max(self._step_peak, mb)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @contextmanager
    def window(self, out: dict[str, Any]) -> Iterator[None]:
        """Time the block and record its peak memory into ``out``."""
        self._sample()
        self._window_peak = self.rss_mb()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            out["seconds"] = round(time.perf_counter() - t0, 2)
            self._sample()
            out["peak_rss_mb"] = round(self._window_peak, 1)


class StepClock:
    """A stage's progress callback that times its named steps (labels ``"stage: step"``):
    each step runs until the next label; seconds and peak memory per step."""

    def __init__(self, mem: MemorySampler) -> None:
        self.mem = mem
        self.steps: dict[str, dict[str, float]] = {}
        self._label: str | None = None
        self._t0 = 0.0

    def __call__(self, label: str, frac: float) -> None:
        if ": " not in label or label == self._label:
            return
        self.close()
        self._label, self._t0 = label, time.perf_counter()
        self.mem._step_peak = self.mem.rss_mb()

    def close(self) -> None:
        if self._label is not None:
            self.mem._sample()
            step = self._label.split(": ", 1)[1]
            self.steps[step] = {"seconds": round(time.perf_counter() - self._t0, 2),
                                "peak_rss_mb": round(self.mem._step_peak, 1)}
            log(self._label, self.steps[step])
        self._label = None


def log(what: str, figures: dict[str, Any]) -> None:
    """One line on stderr as each step or stage ends: a long run (scale 1.0 takes over an
    hour) shows where it is, and a run stopped early still leaves its figures."""
    line = {"at": time.strftime("%H:%M:%S"), "done": what,
            **{k: v for k, v in figures.items() if k in ("seconds", "peak_rss_mb", "rows")}}
    print(json.dumps(line), file=sys.stderr, flush=True)


def zone_rows(root: Path, zones: tuple[str, ...]) -> int:
    """Rows of every Parquet table in ``zones`` (from the file footers)."""
    rows = 0
    for zone in zones:
        for path in (root / zone).rglob("*.parquet") if (root / zone).exists() else []:
            if not path.name.startswith("."):
                rows += pq.ParquetFile(path).metadata.num_rows
    return rows


def scan_raw(ws: Any) -> dict[str, Any]:
    """Read every landed input once with the readers of the validate stage (bytes → decoded →
    parsed columns; no contract checks): the floor under ``validate``."""
    from jingzhun.contracts import load_contracts, match_file
    from jingzhun.ingest.batches import RawBatches

    manifest = ws.read_state("manifest", {"files": {}})
    contracts = load_contracts()
    rows = nbytes = 0
    t0 = time.perf_counter()
    for rel, entry in sorted(manifest["files"].items()):
        try:
            contract, _ = match_file(rel, contracts)
        except Exception:  # noqa: BLE001 - files the pipeline cannot match are not read either
            continue
        raw_file = RawBatches(ws.root / entry["raw"], contract)  # large files in batches
        nbytes += raw_file.size
        rows += sum(raw.rows_in for raw in raw_file)
    return {"seconds": round(time.perf_counter() - t0, 2), "rows": rows, "mb": round(nbytes / 2**20, 1)}


def scan_validated(ws: Any) -> dict[str, Any]:
    """Read every validated table once through the engine (every column aggregated, so no
    column is skipped): the floor under the stages after ``validate``."""
    from jingzhun.pipeline.stages import department_files

    engine = ws.engine
    rows = 0
    t0 = time.perf_counter()
    for _dept, paths in sorted(department_files(ws, "validated").items()):
        t = engine.read_parquet(paths)
        agg = {f"n{i}": t[c].count() for i, c in enumerate(t.columns)}
        out = engine.to_arrow(t.aggregate(rows_=t.count(), **agg)).to_pydict()
        rows += int(out["rows_"][0])
    return {"seconds": round(time.perf_counter() - t0, 2), "rows": rows}


def bench_pipeline(workspace: Path, *, engine: str, only: list[str] | None = None) -> dict[str, Any]:
    """Run every stage of the pipeline on a landed ``workspace`` (validate re-done from the
    raw zone), each timed with its peak memory and output rows; then the scan floor.
    ``only``: just these stages (their inputs from an earlier run in the workspace)."""
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.settings import Settings
    from jingzhun.workspace import Workspace

    ws = Workspace(workspace, create=False, settings=Settings.load(workspace, engine=engine))
    stages: dict[str, Any] = {}
    try:
        with MemorySampler() as mem:
            t0 = time.perf_counter()
            unknown = set(only or ()) - {s.name for s in STAGES}
            if unknown:
                raise ValueError(f"no stage {sorted(unknown)}; stages: {[s.name for s in STAGES]}")
            for stage in STAGES:
                if only and stage.name not in only:
                    continue
                out: dict[str, Any] = {}
                clock = StepClock(mem)
                with mem.window(out):
                    summary = run_pipeline(ws, STAGES, only=[stage.name], force=True,
                                           progress=clock)
                    clock.close()
                if clock.steps:
                    out["steps"] = clock.steps
                out["rows"] = zone_rows(ws.root, tuple(z for z in stage.outputs
                                                       if not z.startswith("reports")))
                out["summary"] = summary["stages"].get(stage.name, {})
                stages[stage.name] = out
                log(stage.name, out)
            total = time.perf_counter() - t0
            floor: dict[str, Any] = {}
            with mem.window(floor):
                floor["raw"] = scan_raw(ws)
                floor["validated"] = scan_validated(ws)
            return {
                "engine": engine, "stages": stages, "only": sorted(only) if only else None,
                "total_seconds": round(total, 2),
                "scan_floor_seconds": round(floor["raw"]["seconds"] + floor["validated"]["seconds"], 2),
                "scan_floor": floor, "peak_rss_mb": round(mem.peak_mb, 1),
                "cpu_count": psutil.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            }
    finally:
        ws.close()
