"""The stages of the pipeline, in data-flow order.

raw → validated + quarantine → registry → indicators + decisions (identify) → (outputs, as
they land) → reports.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jingzhun.contracts import Contract, load_contracts, match_file
from jingzhun.engine.base import parquet_sink
from jingzhun.errors import ContractError, IngestError
from jingzhun.ingest import FileValidation
from jingzhun.pipeline import Stage, StageContext
from jingzhun.quality import quality_report
from jingzhun.workspace import Workspace, write_json_atomic


def _contract_digest(contract: Contract) -> str:
    return hashlib.sha256(contract.model_dump_json().encode()).hexdigest()[:16]


def validate_stage(ctx: StageContext) -> dict[str, Any]:
    """Validate every landed file that is not yet validated against its current contract."""
    ws = ctx.ws
    manifest = ws.read_state("manifest", {"files": {}})
    files: dict[str, Any] = manifest["files"]
    contracts = load_contracts()
    todo = []
    for rel, entry in sorted(files.items()):
        try:
            contract, period = match_file(rel, contracts)
        except ContractError as exc:
            if entry.get("error") != str(exc):
                entry.update(status="error", error=str(exc))
                ws.write_state("manifest", manifest)
            continue
        digest = _contract_digest(contract)
        done = (
            entry.get("status") == "validated" and entry.get("contract") == digest
            and (ws.root / entry["validated"]).exists() and (ws.root / entry["quarantine"]).exists()
        )
        if not done:
            todo.append((rel, entry, contract, period, digest))
    for i, (rel, entry, contract, period, digest) in enumerate(todo):
        ctx.progress(f"validate {rel}", i / max(len(todo), 1))
        validated = Path("validated") / f"{rel}.parquet"
        quarantine = Path("quarantine") / f"{rel}.parquet"
        # a large file is validated in batches, each written as it is done (FileValidation)
        validation = FileValidation(ws.root / entry["raw"], rel, contract, period)
        try:
            with parquet_sink(ws.root / validated) as accept, \
                    parquet_sink(ws.root / quarantine) as set_aside:
                for accepted, quarantined in validation:
                    accept(accepted)
                    set_aside(quarantined)
        except IngestError as exc:
            entry.update(status="error", error=str(exc), department=contract.department)
            ws.write_state("manifest", manifest)
            continue
        entry.update(
            status="validated", contract=digest, department=contract.department, period=period,
            validated=str(validated), quarantine=str(quarantine), summary=validation.summary,
        )
        entry.pop("error", None)
        ws.write_state("manifest", manifest)
        ctx.checkpoint()
    ctx.progress("validate", 1.0)
    register_views(ws)
    return validation_totals(manifest)


def validation_totals(manifest: dict[str, Any]) -> dict[str, Any]:
    entries = manifest["files"].values()
    ok = [e for e in entries if e.get("status") == "validated"]
    return {
        "files": len(ok),
        "errors": sum(1 for e in entries if e.get("status") == "error"),
        "rows_in": sum(e["summary"]["rows_in"] for e in ok),
        "accepted": sum(e["summary"]["accepted"] for e in ok),
        "quarantined": sum(e["summary"]["quarantined"] for e in ok),
    }


def department_files(ws: Workspace, zone: str) -> dict[str, list[Path]]:
    """Validated (or quarantine) Parquet files per department, in file order."""
    manifest = ws.read_state("manifest", {"files": {}})
    out: dict[str, list[Path]] = {}
    for _rel, entry in sorted(manifest["files"].items()):
        if entry.get("status") == "validated":
            out.setdefault(entry["department"], []).append(ws.root / entry[zone])
    return out


def register_views(ws: Workspace) -> None:
    """Expose ``validated__<dept>`` and ``quarantine__<dept>`` views in the workspace database."""
    for zone in ("validated", "quarantine"):
        for dept, paths in department_files(ws, zone).items():
            ws.engine.register(f"{zone}__{dept}", paths)


def registry_stage(ctx: StageContext) -> dict[str, Any]:
    """Identity resolution and the golden registry (jingzhun.registry, docs/registry.md)."""
    from jingzhun.registry.build import build_registry

    return build_registry(ctx.ws, files=department_files(ctx.ws, "validated"), progress=ctx.progress)


def identify_stage(ctx: StageContext) -> dict[str, Any]:
    """Household indicators, decisions of every pack in force and the roll cross-check, for
    the roll's month and the latest month (jingzhun.policy.workspace, docs/policy.md)."""
    from jingzhun.policy.workspace import data_periods, identify_workspace, month_of

    periods = sorted(set(data_periods(ctx.ws)) | ({month_of(ctx.period)} if ctx.period else set()))
    out = {}
    for i, period in enumerate(periods):
        ctx.progress(f"identify {period}", i / max(len(periods), 1))
        out[period] = identify_workspace(ctx.ws, period, refresh=True)
        ctx.checkpoint()
    return {"periods": periods,
            "cross_check": {p: (o["cross_check"] or {}).get("counts") for p, o in out.items()}}


def quality_stage(ctx: StageContext) -> dict[str, Any]:
    ws = ctx.ws
    manifest = ws.read_state("manifest", {"files": {}})
    summaries = [e["summary"] for _, e in sorted(manifest["files"].items()) if "summary" in e]
    errors = [
        {"file": rel, "error": e["error"]}
        for rel, e in sorted(manifest["files"].items()) if e.get("status") == "error"
    ]
    # the report reads the zones' Parquet files where they lie (its own DuckDB, streaming): on
    # Spark, bringing a department's table to the driver exceeded spark.driver.maxResultSize
    report = quality_report(summaries, department_files(ws, "validated"),
                            department_files(ws, "quarantine"))
    report["unreadable_files"] = errors
    write_json_atomic(ws.zone("reports") / "quality" / "quality.json", report)
    return {"departments": len(report.get("departments", {})), "unreadable_files": len(errors)}


STAGES: list[Stage] = [
    Stage("validate", ("raw",), ("validated", "quarantine"), validate_stage, "校验", "validate"),
    Stage("registry", ("validated",), ("registry",), registry_stage, "人员户籍库", "registry"),
    Stage(
        "identify", ("validated", "registry"), ("indicators", "decisions", "reports/identify"),
        identify_stage, "精准识别", "identification",
    ),
    Stage(
        "quality", ("validated", "quarantine"), ("reports/quality",), quality_stage,
        "数据质量", "data quality",
    ),
]
