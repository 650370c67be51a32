"""Ground-truth tables (DIR/truth/*.parquet, planted.json), read only by evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jingzhun.synth.codes import (
    CAUSES,
    EDUCATION,
    GZ_ETHNICITIES,
    HEALTH,
    LABOUR,
    MIGRANT,
    MONITOR,
    RELATIONS,
    STAGES,
    STRUCTURES,
    TYPOLOGY,
    WATER_SOURCES,
)
from jingzhun.synth.events import income_pc, monthly_status
from jingzhun.synth.schedule import NEVER
from jingzhun.synth.world import World


def write_parquet(path: Path, table: pa.Table | pd.DataFrame) -> int:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
        table = table.replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", compression_level=1,
                   row_group_size=1_000_000, store_schema=False, write_statistics=False)
    return table.num_rows


def _cat(values: list[str], idx: np.ndarray) -> pa.Array:
    """Dictionary-encoded categories (null where idx < 0)."""
    idx = np.asarray(idx, np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(idx, mask=idx < 0),
                                          pa.array(values, pa.string()))


def _month_or_null(x: np.ndarray) -> pa.Array:
    x = np.asarray(x, np.int64)
    return pa.array(np.where((x < 0) | (x >= NEVER), 0, x), pa.int16(),
                    mask=(x < 0) | (x >= NEVER))


def persons_table(w: World) -> pa.Table:
    p = w.p
    return pa.table({
        "person_id": pa.array(p["person_id"]),
        "household_id": pa.array(p["household"]),
        "id_number": w.text("id"),
        "name": w.text("name"),
        "sex": _cat(["female", "male"], p["male"].astype(np.int64)),
        "birth_date": pa.array(p["birth"].astype("datetime64[D]"), pa.date32()),
        "birth_area_code": pa.array(p["birth_area"].astype(object), pa.string()),
        "ethnicity": _cat(GZ_ETHNICITIES, p["ethnicity"]),
        "relation_to_head": _cat(RELATIONS, p["relation"]),
        "education": _cat(EDUCATION, p["education"]),
        "school_stage_start": _cat(STAGES, p["stage"]),
        "health_start": _cat(HEALTH, p["health"]),
        "disability_grade_start": pa.array(p["disability"], pa.int8()),
        "labour_capacity": _cat(LABOUR, p["labour"]),
        "migrant_work": _cat(MIGRANT, p["migrant"]),
        "public_payroll": _cat(["none", "civil_servant", "civil_service_like",
                                "public_institution", "retired"], p["payroll"]),
        "village_cadre": _cat(["none", "party_secretary", "director", "accountant",
                               "women_director", "supervisor", "group_leader"], p["cadre"]),
        "business": _cat(["none", "individual", "company"], p["business"]),
        "business_month": _month_or_null(p["business_month"]),
        "wage_fen_start": pa.array(p["wage_fen"]),
        "employed_start": pa.array(p["employed0"]),
        "pension_fen": pa.array(p["pension_fen"]),
        "phone": pa.array(p["phone"], pa.int64(), mask=p["phone"] == 0),
        "born_month": _month_or_null(p["born_month"]),
        "death_month": _month_or_null(p["death_month"]),
        "death_date": pa.array(p["death_date"].astype("datetime64[D]"), pa.date32()),
        "serious_illness_month": _month_or_null(p["ill_month"]),
        "income_loss_lag": pa.array(np.where(p["ill_month"] >= 0, p["ill_lag"], 0), pa.int8()),
        "recover_month": _month_or_null(p["recover_month"]),
        "new_disability_month": _month_or_null(p["dis_month"]),
        "new_disability_grade": pa.array(p["dis_grade_new"], pa.int8()),
        "certificate_month": _month_or_null(p["cert_month"]),
    })


def households_table(w: World) -> pa.Table:
    hh = w.hh
    start = w.p["born_month"] < 0

    def per_hh(values: np.ndarray) -> np.ndarray:
        return np.bincount(w.p["household"][start], weights=values[start],
                           minlength=hh.n).round().astype(np.int64)

    vil = w.villages
    v = hh["village"]
    size = hh["size_start"].astype(np.int64)
    return pa.table({
        "household_id": pa.array(hh["household_id"]),
        "household_no": pa.array(hh["household_no"], pa.string()),
        "county_code": pa.array(vil["county_code"].to_numpy()[v], pa.string()),
        "township_code": pa.array(vil["township_code"].to_numpy()[v], pa.string()),
        "village_code": pa.array(vil["village_code"].to_numpy()[v], pa.string()),
        "rural": pa.array(hh["rural"]),
        "typology": _cat(TYPOLOGY, hh["typology"]),
        "ethnicity": _cat(GZ_ETHNICITIES, hh["ethnicity"]),
        "size_start": pa.array(size),
        "head_person_id": pa.array(hh["head"]),
        "land_mu": pa.array(hh["land_mu"]),
        "km_to_market": pa.array(hh["km_to_market"]),
        "remote": pa.array(hh["remote"]),
        "structure": _cat(STRUCTURES, hh["structure"]),
        "house_area": pa.array(hh["house_area"]),
        "build_year": pa.array(hh["build_year"].astype(np.int64)),
        "danger_start": _cat(["A", "B", "C", "D"], hh["danger"]),
        "water_source": _cat(WATER_SOURCES, hh["water_source"]),
        "welfare": pa.array(hh["welfare"].astype(np.float64)),
        "income_start_fen": pa.array(np.round(hh["income_start_fen"]).astype(np.int64)),
        # income by component at the start (yearly, fen): wages 工资性, business 经营性 (farm
        # + household business, gross and costs), property 财产性, transfers 转移性
        "wage_income_fen": pa.array(per_hh(w.p["wage_fen"] * w.p["employed0"])),
        "farm_income_fen": pa.array(hh["agri_fen"]),
        "business_gross_fen": pa.array(hh["business_gross_fen"]),
        "business_cost_fen": pa.array(hh["business_cost_fen"]),
        "property_income_fen": pa.array(hh["property_fen"]),
        "pension_fen": pa.array(per_hh(w.p["pension_fen"])),
        "social_assistance_fen": pa.array(12 * hh["dibao_month_fen"]
                                          + per_hh(w.p["dis_allowance_fen"])),
        "eco_compensation_fen": pa.array(hh["eco_comp_fen"]),
        "income_pc_start_fen": pa.array((hh["income_start_fen"] // np.maximum(size, 1)
                                         ).astype(np.int64)),
        "poor_start": pa.array(hh["poor_start"]),
        "registered_truth": pa.array(hh["hist_registered"]),
        "exit_year_truth": pa.array(np.where(hh["exit_year_true"] > 0, hh["exit_year_true"], 0)
                                    .astype(np.int16), mask=hh["exit_year_true"] <= 0),
        "true_main_cause": _cat(CAUSES, hh["true_cause"]),
        "roll_status": _cat(["absent", "poor", "exited"], hh["roll_status"]),
        "roll_error": pa.array(np.where(hh["roll_error"] == "", None, hh["roll_error"]),
                               pa.string()),
        "dibao_start": pa.array(hh["dibao"]),
        "tekun_start": pa.array(hh["tekun"]),
        "dibao_wrongly_granted": pa.array(hh["dibao_wrong"]),
        "car_month": _month_or_null(hh["car_month"]),
        "car_at_start": pa.array(hh["car_month"] < 0),
        "commercial_housing_at_start": pa.array(hh["property_month"] < 0),
        "property_month": _month_or_null(hh["property_month"]),
        "company_at_start": pa.array(hh["has_company"]),
        "payroll_household": pa.array(hh["payroll_household"]),
        "cadre_household": pa.array(hh["cadre_household"]),
        "planted_association": pa.array(hh["planted_assoc"]),
        "relocate_month": _month_or_null(hh["relocate_month"]),
        "unsignalled_shock_month": _month_or_null(hh["shock_month"]),
        "in_over_reporting_county": pa.array(hh["county"] == w.over_county),
    })


def household_months_table(w: World, m: int) -> pa.Table:
    """Truth for one month (written month by month to bound memory)."""
    hist, hh = w.hist, w.hh
    H = hh.n
    st = monthly_status(w.cfg, hist, w.hm, m)
    vil = w.text("village_code")
    i32 = np.int32
    return pa.table({
        "household_id": pa.array(hh["household_id"].astype(i32)),
        "period": pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(H, i32)),
            pa.array([f"{w.cfg.period(m)[:4]}-{w.cfg.period(m)[4:]}"], pa.string())),
        "month": pa.array(np.full(H, m, np.int16)),
        "size": pa.array(hist.size[m]),
        "income_fen": pa.array(hist.income[m]),
        "income_pc_fen": pa.array(income_pc(hist, m)),
        "line_fen": pa.array(np.full(H, int(w.hm["line_fen"][m]), i32)),
        "poor": pa.array(w.hm["poor"][m]),
        "monitor_category": _cat(MONITOR, st["category"]),
        "oop_medical_fen": pa.array(hist.oop[m]),
        "education_cost_fen": pa.array(hist.edu_cost[m]),
        "spending_12m_fen": pa.array(st["spend12_fen"]),
        "assistance": _cat(["none", "dibao", "tekun"], hist.assist[m]),
        "assistance_fen": pa.array(hist.assist_fen[m].astype(i32)),
        "village_code": pa.DictionaryArray.from_arrays(pa.array(hist.village[m]), vil),
        "danger_grade": _cat(["A", "B", "C", "D"], hist.danger[m]),
    })


def events_table(w: World) -> pd.DataFrame:
    """One row per event with the department expected to show it (signal) and when income is
    affected; signal months of late-reported records come from the department builders."""
    p, hh, t = w.p, w.hh, w.hist.tables
    vil = w.villages["village_code"].to_numpy()
    parts = []

    def add(typ: str, month: np.ndarray, person: np.ndarray | None, household: np.ndarray,
            dept: str | None, signal: np.ndarray | None, effect: np.ndarray | None,
            detail: Any = None) -> None:
        n = len(household)
        if n == 0:
            return
        parts.append(pd.DataFrame({
            "type": typ, "month": np.asarray(month, np.int64),
            "person_id": np.asarray(person if person is not None else np.full(n, -1), np.int64),
            "household_id": np.asarray(household, np.int64), "signal_department": dept or "",
            "signal_month": np.asarray(signal if signal is not None else np.full(n, -1), np.int64),
            "effect_month": np.asarray(effect if effect is not None else np.full(n, -1), np.int64),
            "detail": np.asarray(detail, dtype=object) if detail is not None else ""}))

    ill = np.flatnonzero(p["ill_month"] >= 0)
    add("serious_illness", p["ill_month"][ill], ill, p["household"][ill], "medical_insurance",
        p["ill_month"][ill], p["ill_month"][ill] + p["ill_lag"][ill])
    dis = np.flatnonzero(p["dis_month"] >= 0)
    add("new_disability", p["dis_month"][dis], dis, p["household"][dis], "disability",
        p["cert_month"][dis], p["dis_month"][dis] + 1,
        detail=pd.Series(p["dis_grade_new"][dis]).map(lambda g: f"grade {g}").to_numpy())
    dead = np.flatnonzero(p["death_month"] >= 0)
    add("death", p["death_month"][dead], dead, p["household"][dead], "hukou", None,
        p["death_month"][dead])
    born = np.flatnonzero(p["born_month"] >= 0)
    add("birth", p["born_month"][born], born, p["household"][born], "hukou", None,
        p["born_month"][born])
    jobs = t["jobs"]
    j = jobs[jobs["event"] != "stock"]
    add("job_loss", j.loc[j["event"] == "separation", "month"].to_numpy(),
        j.loc[j["event"] == "separation", "person"].to_numpy(),
        p["household"][j.loc[j["event"] == "separation", "person"].to_numpy()], "hrss", None,
        j.loc[j["event"] == "separation", "month"].to_numpy() + 1)
    add("job_found", j.loc[j["event"] == "hire", "month"].to_numpy(),
        j.loc[j["event"] == "hire", "person"].to_numpy(),
        p["household"][j.loc[j["event"] == "hire", "person"].to_numpy()], "hrss", None,
        j.loc[j["event"] == "hire", "month"].to_numpy())
    hits = t.get("disaster_hits")
    if hits is not None and len(hits):
        dis_t = t["disasters"].set_index(["village", "month"])["type"]
        typ = dis_t.reindex(pd.MultiIndex.from_arrays([hits["village"], hits["month"]])).to_numpy()
        add("disaster", hits["month"].to_numpy(), None, hits["household"].to_numpy(), "emergency",
            hits["month"].to_numpy(), hits["month"].to_numpy(), detail=typ)
    sh = np.flatnonzero(hh["shock_month"] >= 0)
    add("unsignalled_shock", hh["shock_month"][sh], None, sh, None, None, hh["shock_month"][sh])
    mv = t.get("moves")
    if mv is not None and len(mv):
        add("relocation", mv["month"].to_numpy(), None, mv["household"].to_numpy(), "hukou",
            mv["month"].to_numpy(), mv["month"].to_numpy())
    ms = t["measures"]
    add("assistance_measure", ms["start"].to_numpy(), None, ms["household"].to_numpy(), None,
        None, ms["effect"].to_numpy(), detail=ms["measure"].to_numpy())
    dc = t.get("dibao_changes")
    if dc is not None and len(dc):
        add("dibao_" + "change", dc["month"].to_numpy(), None, dc["household"].to_numpy(),
            "civil_affairs", dc["month"].to_numpy() + 1, dc["month"].to_numpy() + 1,
            detail=dc["change"].to_numpy())
    sc = t.get("school")
    if sc is not None and len(sc):
        s2 = sc[sc["event"].isin(["dropout", "return"])]
        add("school_" + "dropout", s2["month"].to_numpy(), s2["person"].to_numpy(),
            p["household"][s2["person"].to_numpy()], "education", None, None,
            detail=s2["event"].to_numpy())
    ren = t.get("housing")
    if ren is not None and len(ren):
        add("housing_change", ren["month"].to_numpy(), None, ren["household"].to_numpy(),
            "housing", None, None, detail=ren["why"].to_numpy())
    cm = np.flatnonzero((hh["car_month"] >= 0) & (hh["car_month"] < NEVER))
    add("car_purchase", hh["car_month"][cm], None, cm, "vehicles", hh["car_month"][cm], None)
    pm = np.flatnonzero((hh["property_month"] >= 0) & (hh["property_month"] < NEVER))
    add("property_purchase", hh["property_month"][pm], None, pm, "property",
        hh["property_month"][pm], None)
    bm = np.flatnonzero((p["business_month"] >= 0) & (p["business_month"] < NEVER))
    add("business_registration", p["business_month"][bm], bm, p["household"][bm], "market",
        p["business_month"][bm], None)
    ev = pd.concat(parts, ignore_index=True)
    sig = w.info.get("signals")
    if sig:
        s_df = pd.concat(sig, ignore_index=True).drop_duplicates(["type", "person_id", "month"])
        ev = ev.merge(s_df, on=["type", "person_id", "month"], how="left", suffixes=("", "_r"))
        ev["signal_month"] = np.where(ev["signal_month_r"].notna(), ev["signal_month_r"],
                                      ev["signal_month"]).astype(np.int64)
        ev = ev.drop(columns=["signal_month_r"])
    ev["signal_month"] = ev["signal_month"].where(ev["signal_month"] < w.M, -1)
    ev["village_code"] = vil[w.hist.village[np.clip(ev["month"].to_numpy(), 0, w.M - 1),
                                            ev["household_id"].to_numpy()]]
    ev = ev.sort_values(["month", "type", "household_id", "person_id"], kind="stable")
    ev.insert(0, "event_id", np.arange(len(ev), dtype=np.int64))
    for col in ("person_id", "signal_month", "effect_month"):
        ev[col] = ev[col].astype("Int64").where(ev[col] >= 0)
    for col in ("signal_department", "detail", "type"):
        ev[col] = ev[col].replace("", None).astype("category")
    return ev.reset_index(drop=True)


def planted_json(w: World) -> dict[str, Any]:
    """What evaluation must find: the over-reporting county, the typology, the association."""
    hh = w.hh
    rural = hh["rural"]
    poor = hh["poor_start"]
    a = hh["planted_assoc"]
    support = float((a & poor & rural).sum() / max(rural.sum(), 1))
    conf = float((a & poor).sum() / max(a.sum(), 1))
    base = float(poor[rural].mean())
    oc = w.div.iloc[w.over_county]
    typ_stats = {}
    for k, name in enumerate(TYPOLOGY):
        sel = hh["typology"] == k
        typ_stats[name] = {"households": int(sel.sum()),
                           "mean_size": (round(float(hh["size_start"][sel].mean()), 2)
                                         if sel.any() else None),
                           "poor_share": round(float(poor[sel].mean()), 4) if sel.any() else None}
    return {
        "over_reporting_county": {
            "county_code": oc["county_code"], "county_name": oc["county_name"],
            "effects": {"wrongly_exited_factor": w.cfg.roll_errors.over_report_factor,
                        "recorded_income_factor_of_exited": w.cfg.roll_errors.over_report_income},
            "description": "The county records more exits than the truth supports and inflates "
                           "the recorded incomes of exited households on the roll.",
        },
        "typology": {
            "column": "households.typology", "values": TYPOLOGY, "stats": typ_stats,
            "description": "Latent household types that drive composition, labour and income "
                           "sources (recoverable by clustering household features).",
        },
        "association": {
            "antecedent": ["remote (km_to_market >= 10)", "no member with normal labour capacity",
                           "a member with chronic or serious illness", "rural hukou"],
            "consequent": "poor at the start",
            "flag_column": "households.planted_association",
            "households": int(a.sum()), "support": round(support, 5),
            "confidence": round(conf, 4), "lift": round(conf / base, 2) if base else None,
        },
        "migrant_shock": {"month": w.cfg.migrant_shock_month, "share": w.cfg.migrant_shock_share},
        "calibration": {k: v for k, v in w.info.items() if not k.startswith("_")
                        and isinstance(v, (int, float, str))},
    }


def roll_errors_table(w: World) -> pd.DataFrame:
    re = w.roll_errors.copy()
    h = re["household_id"].to_numpy()
    re["household_no"] = w.hh["household_no"][h]
    re["county_code"] = w.villages["county_code"].to_numpy()[w.hh["village"][h]]
    re["truly_poor_start"] = w.hh["poor_start"][h]
    re["recorded_status"] = np.array(["absent", "poor", "exited"])[w.hh["roll_status"][h]]
    return re.sort_values("household_id").reset_index(drop=True)


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1, default=str)
                    + "\n", encoding="utf-8")


