"""Generate a synthetic province: departments' files, ground truth and a manifest.

>>> from pathlib import Path
>>> from jingzhun.synth import SynthConfig, generate
>>> out = Path("/tmp/js-doctest")
>>> summary = generate(SynthConfig(scale=0.0002, months=3), out)  # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.errors import WorkspaceError
from jingzhun.hashing import sha256_file
from jingzhun.synth import truth
from jingzhun.synth.areas import areas_table, build_areas
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.defects import plant
from jingzhun.synth.departments import DEPARTMENTS
from jingzhun.synth.departments.payments import anomaly_names
from jingzhun.synth.events import household_months, simulate
from jingzhun.synth.population import build_population
from jingzhun.synth.purchases import plan_purchases
from jingzhun.synth.registration import build_roll, choose_over_report_county
from jingzhun.synth.rng import substream
from jingzhun.synth.welfare import assign_welfare, household_structure, true_cause
from jingzhun.synth.world import World, assign_identifiers
from jingzhun.synth.writers import write_table

Progress = Callable[[str, float], None]

#: History tables no longer needed once a department is written (memory).
RELEASE_AFTER = {"medical_insurance": ("claims",)}


def release_memory() -> None:
    """Give the memory freed by the last phase back to the system (glibc keeps freed small
    blocks in its heap; between phases most of them are garbage)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _phases(progress: Progress | None) -> Progress:
    """``progress`` that also releases memory at the start of each phase."""
    def say(label: str, frac: float) -> None:
        if frac == 0.0 or label.startswith("department "):
            release_memory()
        if progress is not None:
            progress(label, frac)
    return say


def build_world(cfg: SynthConfig, progress: Progress | None = None) -> World:
    """Areas, population, welfare, roll and the simulated months (no files written)."""
    say = _phases(progress)
    say("geography", 0.0)
    div, towns, villages = build_areas(cfg)
    say("population", 0.0)
    hh, p = build_population(cfg, div, villages)
    say("welfare", 0.0)
    info = assign_welfare(cfg, hh, p, div, villages)
    st = household_structure(hh, p, np.datetime64(cfg.start + "-01", "D"))
    causes = true_cause(hh, p, villages, st)
    over = choose_over_report_county(cfg, div)
    pc_start = hh["income_start_fen"] / hh["size_start"]
    roll_errors = build_roll(cfg, hh, p, pc_start, info["line_fen"], over, causes)
    plan_purchases(cfg, hh, p)
    say("simulate months", 0.0)
    hist = simulate(cfg, hh, p, villages, progress=progress)
    say("identifiers", 0.0)
    assign_identifiers(cfg, hh, p, div, villages, towns)
    say("household months", 0.0)
    hm = household_months(cfg, hist)
    say("world", 0.0)
    w = World(cfg=cfg, div=div, towns=towns, villages=villages, hh=hh, p=p, hist=hist, hm=hm,
              roll_errors=roll_errors, over_county=over, info=dict(info))
    w.text("name")  # names live on as one arrow array (memory)
    del p["name"], p["surname"]
    return w


def _prepare(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if (out / "synth.json").exists():
        for sub in ("departments", "truth"):
            shutil.rmtree(out / sub, ignore_errors=True)
        (out / "synth.json").unlink()
    elif any(out.iterdir()):
        raise WorkspaceError(f"{out} is not empty and holds no synthetic province",
                             where=str(out), fix="choose an empty or new folder")
    (out / "departments").mkdir()
    (out / "truth").mkdir()


def generate(cfg: SynthConfig, out: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Write ``out/departments``, ``out/truth`` and ``out/synth.json``; return the summary.

    Same config (seed included) ⇒ byte-identical files. The summary adds wall-clock seconds,
    which are not written to synth.json (that file stays reproducible).
    """
    t0 = time.perf_counter()
    out = Path(out)
    say = _phases(progress)
    _prepare(out)
    w = build_world(cfg, progress)
    dep_dir = out / "departments"
    files: dict[str, int] = {}
    rec_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    rec_files: list[str] = []
    defect_parts: list[pd.DataFrame] = []
    anomaly_parts: list[pd.DataFrame] = []
    n_dep = len(DEPARTMENTS)
    for i, (dept, builder) in enumerate(DEPARTMENTS.items()):
        say(f"department {dept}", i / n_dep)
        (dep_dir / dept).mkdir(exist_ok=True)
        for ex in builder(w):
            planted = plant(ex, cfg.defects,
                            substream(cfg.seed, f"defects:{ex.file}:{ex.part}"))
            offset = files.get(ex.file, 0) if ex.part else 0
            rows = write_table(out / "departments" / ex.file, ex.contract, planted.cols,
                               append=ex.part > 0)
            files[ex.file] = offset + rows
            row_no = np.arange(offset + 1, offset + rows + 1, dtype=np.int32)
            planted.defects["row"] += offset
            if (ex.person_id >= 0).any() or "anomaly" in planted.notes:
                if not rec_files or rec_files[-1] != ex.file:
                    rec_files.append(ex.file)
                rec_parts.append((np.full(rows, len(rec_files) - 1, np.int32), row_no,
                                  planted.person_id.astype(np.int64)))
            if len(planted.defects):
                d = planted.defects
                d.insert(0, "file", ex.file)
                defect_parts.append(d)
            if "anomaly" in planted.notes:
                idx, names = anomaly_names(planted.notes["anomaly"])
                if idx.size:
                    anomaly_parts.append(pd.DataFrame({
                        "file": ex.file, "row": row_no[idx], "anomaly": names,
                        "person_id": planted.person_id[idx],
                        "household_id": planted.notes["household_id"][idx]}))
        for table in RELEASE_AFTER.get(dept, ()):
            w.hist.tables.pop(table, None)  # bound the peak memory
    say("truth", 0.0)
    tdir = out / "truth"
    truth.write_parquet(tdir / "areas.parquet", areas_table(w.div, w.towns, w.villages))
    truth.write_parquet(tdir / "persons.parquet", truth.persons_table(w))
    truth.write_parquet(tdir / "households.parquet", truth.households_table(w))
    import pyarrow.parquet as pq
    say("truth household_months", 0.0)
    first = truth.household_months_table(w, 0)
    with pq.ParquetWriter(tdir / "household_months.parquet", first.schema, compression="zstd",
                          compression_level=1, store_schema=False,
                          write_statistics=False) as pw:
        pw.write_table(first)
        for m in range(1, cfg.months):
            pw.write_table(truth.household_months_table(w, m))
    say("truth events", 0.0)
    truth.write_parquet(tdir / "events.parquet", truth.events_table(w))
    say("truth record_persons", 0.0)
    if rec_parts:
        fidx = np.concatenate([x[0] for x in rec_parts])
        pid = np.concatenate([x[2] for x in rec_parts])
        rp = pa.table({
            "file": pa.DictionaryArray.from_arrays(pa.array(fidx), pa.array(rec_files)),
            "row": pa.array(np.concatenate([x[1] for x in rec_parts])),
            "person_id": pa.array(pid, pa.int64(), mask=pid < 0)})
        del fidx, pid
        rec_parts.clear()
        truth.write_parquet(tdir / "record_persons.parquet", rp)
        del rp
    say("truth defects", 0.0)
    defects = (pd.concat(defect_parts, ignore_index=True) if defect_parts else
               pd.DataFrame(columns=["file", "row", "defect", "field", "expected"]))
    defects["row"] = defects["row"].astype(np.int64)
    truth.write_parquet(tdir / "defects.parquet", defects)
    anomalies = (pd.concat(anomaly_parts, ignore_index=True) if anomaly_parts else
                 pd.DataFrame(columns=["file", "row", "anomaly", "person_id", "household_id"]))
    anomalies["person_id"] = anomalies["person_id"].astype("Int64").where(
        anomalies["person_id"] >= 0)
    anomalies["household_id"] = anomalies["household_id"].astype("Int64").where(
        anomalies["household_id"] >= 0)
    truth.write_parquet(tdir / "payment_anomalies.parquet", anomalies)
    roll_err = truth.roll_errors_table(w)
    truth.write_parquet(tdir / "roll_errors.parquet", roll_err)
    planted_info = truth.planted_json(w)
    truth.write_json(tdir / "planted.json", planted_info)
    from jingzhun.synth.reported import write_reported  # figures areas report (assessment)
    reported = write_reported(w, out)
    files.update(reported["files"])
    truth.write_json(tdir / "reported_overreporting.json", reported)

    summary = _summary(cfg, w, files, defects, anomalies, roll_err)
    say("manifest", 0.0)
    hashes = {str(pth.relative_to(out)).replace("\\", "/"): sha256_file(pth)
              for pth in sorted(out.rglob("*")) if pth.is_file() and pth.name != "synth.json"}
    truth.write_json(out / "synth.json", {"config": cfg.model_dump(mode="json"),
                                          "summary": summary, "sha256": hashes})
    say("done", 1.0)
    return {**summary, "seconds": round(time.perf_counter() - t0, 2), "out": str(out)}


def _summary(cfg: SynthConfig, w: World, files: dict[str, int], defects: pd.DataFrame,
             anomalies: pd.DataFrame, roll_err: pd.DataFrame) -> dict[str, Any]:
    hm = w.hm
    rural = w.hh["rural"]
    inc = {}
    for m in range(cfg.months):
        wts = w.hist.size[m] * rural
        inc[cfg.period(m)] = round(float((hm["poor"][m] * wts).sum() / max(wts.sum(), 1)), 5)
    dept_rows = Counter()
    for f, n in files.items():
        dept_rows[f.split("/")[0]] += n
    return {
        "persons": int(w.p.n), "persons_at_start": int((w.p["born_month"] < 0).sum()),
        "households": int(w.hh.n), "villages": int(len(w.villages)),
        "townships": int(len(w.towns)), "counties": int(len(w.div)),
        "files": dict(sorted(files.items())), "rows_by_department": dict(sorted(dept_rows.items())),
        "defects_planted": {k: int(v) for k, v in sorted(Counter(defects["defect"]).items())},
        "payment_anomalies": {k: int(v) for k, v in sorted(Counter(anomalies["anomaly"]).items())},
        "roll_errors": {k: int(v) for k, v in sorted(Counter(roll_err["error"]).items())},
        "rural_incidence_by_month": inc,
        "calibration": {"target_incidence": w.info["target_incidence"],
                        "achieved_incidence_start": round(w.info["achieved_incidence"], 5),
                        "poverty_line_fen_start": int(w.info["line_fen"])},
    }
