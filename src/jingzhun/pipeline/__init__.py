"""Pipeline runner: stages declared once (name, inputs, outputs), run in order, resumable.

A stage is a function ``(StageContext) -> dict`` that writes its outputs through atomic
writers (see ``jingzhun.engine.base.write_parquet_atomic`` and
``jingzhun.workspace.write_json_atomic``), so a crash never leaves a half-written table
visible. After a stage finishes, the runner records a fingerprint of its inputs; a re-run
skips stages whose inputs are unchanged and whose outputs exist, and redoes the rest. Stages
are deterministic, so a re-run after ``kill -9`` produces identical outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jingzhun.errors import PipelineError
from jingzhun.workspace import Workspace

ProgressFn = Callable[[str, float], None]


@dataclass(frozen=True)
class Stage:
    """A pipeline stage: reads ``inputs`` (zone folders), writes ``outputs`` (zone folders)."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    run: Callable[[StageContext], dict[str, Any]]
    label_zh: str = ""
    label_en: str = ""


@dataclass
class StageContext:
    ws: Workspace
    period: str | None
    progress: ProgressFn = field(default=lambda label, frac: None)

    def checkpoint(self) -> None:
        """Called by stages between units of work. ``JINGZHUN_TEST_STAGE_DELAY`` (seconds)
        slows stages down so the crash test can kill a run mid-stage; unset in normal use."""
        delay = os.environ.get("JINGZHUN_TEST_STAGE_DELAY")
        if delay:
            time.sleep(float(delay))


def fingerprint(ws: Workspace, zones: tuple[str, ...]) -> str:
    """Hash of the names, sizes and modification times of every file in the input zones."""
    digest = hashlib.sha256()
    for zone in zones:
        base = ws.root / zone
        for path in sorted(base.rglob("*")) if base.exists() else []:
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                digest.update(f"{path.relative_to(ws.root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def run_pipeline(
    ws: Workspace,
    stages: list[Stage],
    *,
    period: str | None = None,
    only: list[str] | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Run ``stages`` in order; returns ``{"period": ..., "stages": {name: summary}}``."""
    names = [s.name for s in stages]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise PipelineError(
                f"unknown stage(s): {', '.join(unknown)}", fix=f"choose from {', '.join(names)}"
            )
    results: dict[str, Any] = {}
    with ws.lock():
        ws.cleanup_temporaries()
        state = ws.read_state("stages", {})
        for stage in stages:
            if only and stage.name not in only:
                continue
            fp = fingerprint(ws, stage.inputs) + f"|period={period}"
            prev = state.get(stage.name)
            if (
                not force and prev and prev.get("fingerprint") == fp
                and prev.get("output_fingerprint") == fingerprint(ws, stage.outputs)
            ):
                results[stage.name] = {**prev.get("summary", {}), "skipped": True}
                continue
            ctx = StageContext(ws, period, progress or (lambda label, frac: None))
            started = time.perf_counter()
            try:
                summary = stage.run(ctx)
            except PipelineError:
                raise
            except Exception as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                raise PipelineError(
                    f"stage {stage.name!r} failed: {exc}", where=stage.name,
                    fix="fix the cause and run again; completed work is kept",
                ) from exc
            summary = dict(summary)
            state[stage.name] = {
                "fingerprint": fp,
                "output_fingerprint": fingerprint(ws, stage.outputs),
                "summary": summary,
                "seconds": round(time.perf_counter() - started, 3),
            }
            ws.write_state("stages", state)
            results[stage.name] = summary
    return {"period": period, "stages": results}


def outputs_digest(ws: Workspace, zones: tuple[str, ...]) -> dict[str, str]:
    """SHA-256 of every output file (for comparing two runs)."""
    out = {}
    for zone in zones:
        for path in sorted((ws.root / zone).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                out[str(path.relative_to(ws.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
