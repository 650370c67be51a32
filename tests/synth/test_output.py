"""The generated folder: layout, reproducibility, contracts, IDs, truth."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jingzhun.normalise.idcard import is_valid, upgrade_15
from jingzhun.synth.departments import DEPARTMENTS
from jingzhun.synth.extract import load_contract
from synth_helpers import frame, read_rows

TRUTH_TABLES = {"areas", "persons", "households", "household_months", "events",
                "record_persons", "defects", "roll_errors", "payment_anomalies"}


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _files(out: Path) -> list[Path]:
    return sorted((out / "departments").rglob("*.*"))


def test_layout_keeps_truth_out_of_departments(province: tuple[Path, dict[str, Any]]) -> None:
    out, summary = province
    assert sorted(p.name for p in out.iterdir()) == ["departments", "synth.json", "truth"]
    # the departments' extracts plus the figures areas reported (synth/reported.py)
    assert {p.name for p in (out / "departments").iterdir()} == set(DEPARTMENTS) | {"reported"}
    assert {p.stem for p in (out / "truth").glob("*.parquet")} == TRUTH_TABLES
    for f in _files(out):
        c = load_contract(f.parent.name)
        pattern = re.escape(c["files"]["pattern"]).replace(r"\{period\}", r"\d{6}")
        assert re.fullmatch(pattern, f.name), f
        assert "truth" not in f.name and "person_id" not in f.read_bytes()[:2000].decode(
            "utf-8", "ignore")
    manifest = json.loads((out / "synth.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"config", "summary", "sha256"}
    assert len(manifest["sha256"]) == len(list(p for p in out.rglob("*") if p.is_file())) - 1
    assert summary["counties"] == 88
    assert len(summary["files"]) == len(_files(out))


def test_same_seed_gives_identical_bytes(province: tuple[Path, dict[str, Any]],
                                         province_again: Path) -> None:
    a, _ = province
    assert _hashes(a) == _hashes(province_again)


def test_other_seed_gives_other_data(province: tuple[Path, dict[str, Any]],
                                     province_other_seed: Path) -> None:
    a, _ = province
    ha, hc = _hashes(a), _hashes(province_other_seed)
    common = set(ha) & set(hc)
    assert sum(ha[k] != hc[k] for k in common) > 0.9 * len(common)


def test_every_file_matches_its_contract_columns(province: tuple[Path, dict[str, Any]]) -> None:
    out, _ = province
    for f in _files(out):
        c = load_contract(f.parent.name)
        header, rows = read_rows(f)
        assert header == [col["source"] for col in c["columns"]], f
        assert rows or f.parent.name == "emergency", f  # quiet months: header only


def test_csv_encodings_are_the_declared_ones(province: tuple[Path, dict[str, Any]]) -> None:
    out, _ = province
    gb = [f for f in _files(out) if f.suffix == ".csv"
          and load_contract(f.parent.name)["files"]["encoding"] == "gb18030"]
    assert gb
    for f in gb:
        raw = f.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        raw.decode("gb18030")


def _defect_index(truth: dict[str, Any]) -> dict[tuple[str, int], pd.Series]:
    d = truth["defects"]
    return {(f, int(r)): row for f, r, (_, row) in zip(d["file"], d["row"], d.iterrows())}


def test_ids_are_valid_except_planted_defects(province: tuple[Path, dict[str, Any]],
                                             truth: dict[str, Any]) -> None:
    out, _ = province
    defects = _defect_index(truth)
    persons = truth["persons"].set_index("person_id")
    rp = truth["record_persons"]
    rp_idx = {(f, int(r)): p for f, r, p in zip(rp["file"], rp["row"], rp["person_id"])}
    checked = 0
    for f in _files(out):
        c = load_contract(f.parent.name)
        id_cols = [col["source"] for col in c["columns"] if col["type"] == "id_number"]
        if not id_cols:
            continue
        df = frame(f)
        rel = f"{f.parent.name}/{f.name}"
        for i, v in enumerate(df[id_cols[0]].tolist(), start=1):
            d = defects.get((rel, i))
            kind = None if d is None else d["defect"]
            v = "" if v is None else str(v)
            if kind == "id_missing":
                assert v == ""
            elif kind == "id_invalid":
                assert len(v) == 18 and not is_valid(v)
            elif kind == "id_legacy_15":
                assert len(v) == 15 and is_valid(upgrade_15(v))
            elif kind in ("malformed_row", "missing_required"):
                continue
            else:
                assert is_valid(v.upper()), (rel, i, v, kind)
                pid = rp_idx.get((rel, i))
                if pid is not None and not pd.isna(pid):
                    assert persons.loc[int(pid), "id_number"] == v.upper(), (rel, i)
                checked += 1
    assert checked > 10_000


def _is_date(v: str) -> bool:
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S"):
        try:
            datetime.strptime(v, fmt)
            return True
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{4})[/年](\d{1,2})[/月](\d{1,2})日?", v)
    if m:
        try:
            date(int(m[1]), int(m[2]), int(m[3]))
            return True
        except ValueError:
            return False
    return False


def test_planted_defects_are_disjoint_and_visible_in_the_files(
        province: tuple[Path, dict[str, Any]], truth: dict[str, Any]) -> None:
    out, _ = province
    d = truth["defects"]
    assert not d.duplicated(["file", "row"]).any()
    counts = d["defect"].value_counts()
    for kind in ("malformed_row", "impossible_date", "out_of_range", "invalid_code",
                 "missing_required", "duplicate_row", "id_missing", "id_invalid",
                 "id_legacy_15", "name_homophone", "date_mixed_format", "late_report"):
        assert counts.get(kind, 0) > 0, kind
    exp = d["expected"].dropna()
    assert exp.str.fullmatch(r"(malformed_row|duplicate_row|(invalid_date|out_of_range|"
                             r"invalid_code|missing_required|id_missing|id_invalid|"
                             r"id_upgraded_15):[a-z_0-9]+)").all()
    assert d.loc[d["defect"].str.startswith("name_"), "expected"].isna().all()
    for fname, grp in d.groupby("file"):
        path = out / "departments" / fname
        c = load_contract(path.parent.name)
        cols = {col["field"]: col for col in c["columns"]}
        header, rows = read_rows(path)
        for _, r in grp.iterrows():
            row = rows[int(r["row"]) - 1]
            if r["defect"] == "malformed_row":
                assert len(row) != len(header)
                continue
            assert len(row) == len(header)
            val = None
            if isinstance(r["field"], str):
                val = row[header.index(cols[r["field"]]["source"])]
            if r["defect"] == "duplicate_row":
                assert row in rows[: int(r["row"]) - 1]
            elif r["defect"] == "impossible_date":
                assert not _is_date(str(val)), val
            elif r["defect"] == "missing_required":
                assert val in (None, "")
            elif r["defect"] == "invalid_code":
                col = cols[r["field"]]
                if col["type"] == "area_code":
                    assert len(str(val)) not in (6, 9, 12)
                else:
                    assert str(val) not in {str(k) for k in col["codes"]}
            elif r["defect"] == "out_of_range":
                col = cols[r["field"]]
                x = float(val)
                assert x < col.get("min", -np.inf) or x > col.get("max", np.inf)


def test_record_persons_cover_person_files(province: tuple[Path, dict[str, Any]],
                                           truth: dict[str, Any]) -> None:
    out, summary = province
    rp = truth["record_persons"]
    per_file = rp.groupby("file")["row"].agg(["min", "max", "count"])
    for f, n in summary["files"].items():
        if f.split("/")[0] in ("water", "emergency", "reported"):  # area files: no persons
            assert f not in per_file.index
            continue
        assert per_file.loc[f, "count"] == n and per_file.loc[f, "max"] == n, f


def test_start_incidence_matches_the_calibration(truth: dict[str, Any]) -> None:
    hm = truth["household_months"]
    hh = truth["households"].set_index("household_id")
    m0 = hm[hm["month"] == 0].join(hh[["rural"]], on="household_id")
    m0 = m0[m0["rural"]]
    incidence = (m0["poor"] * m0["size"]).sum() / m0["size"].sum()
    assert abs(incidence - 0.043) < 0.006
    assert truth["planted"]["calibration"]["target_incidence"] == 0.043


def test_roll_errors_are_visible_in_the_roll(province: tuple[Path, dict[str, Any]],
                                             truth: dict[str, Any]) -> None:
    out, _ = province
    roll = frame(next((out / "departments" / "roll").glob("*.csv")))
    hh = truth["households"].set_index("household_id")
    persons = truth["persons"].set_index("id_number")
    on_roll = set(persons.reindex(roll["证件号码"].str.upper())["household_id"].dropna().astype(int))
    err = truth["roll_errors"]
    missed = err.loc[err["error"] == "wrongly_missed", "household_id"]
    assert len(missed) and not (set(missed) & on_roll)
    assert hh.loc[missed, "poor_start"].all()
    inc = err.loc[err["error"] == "wrongly_included", "household_id"]
    assert len(inc) and set(inc) <= on_roll
    # wrongly included: not poor, or poor but excluded by a rule (car, housing, company, payroll)
    by_rule = hh.loc[inc, ["car_at_start", "commercial_housing_at_start", "company_at_start",
                           "payroll_household"]].any(axis=1)
    assert (~hh.loc[inc, "poor_start"] | by_rule).all()
    assert (~hh.loc[inc, "poor_start"]).any() and (hh.loc[inc, "poor_start"] & by_rule).any()
    assert not hh.loc[missed, ["car_at_start", "commercial_housing_at_start",
                               "company_at_start", "payroll_household"]].any(axis=None)


def test_payment_anomalies_hold_in_the_data(province: tuple[Path, dict[str, Any]],
                                            truth: dict[str, Any]) -> None:
    out, _ = province
    an = truth["payment_anomalies"]
    kinds = set(an["anomaly"])
    assert {"dead_payee", "duplicate_payment", "excluded_household", "cadre_relative",
            "above_standard", "unknown_payee"} <= kinds
    persons = truth["persons"].set_index("person_id")
    ids = set(truth["persons"]["id_number"])
    for f, grp in an.groupby("file"):
        df = frame(out / "departments" / f)
        for _, r in grp.iterrows():
            row = df.iloc[int(r["row"]) - 1]
            if r["anomaly"] == "dead_payee":
                death = persons.loc[int(r["person_id"]), "death_date"]
                assert pd.Timestamp(death) < pd.Timestamp(row["发放日期"])
            elif r["anomaly"] == "unknown_payee":
                assert row["收款人身份证号"].upper() not in ids
                assert is_valid(row["收款人身份证号"].upper())


def test_planted_structures_are_recorded(truth: dict[str, Any]) -> None:
    pl = truth["planted"]
    assert re.fullmatch(r"52\d{4}", pl["over_reporting_county"]["county_code"])
    assert pl["association"]["confidence"] > 0.5
    assert set(pl["typology"]["values"]) == set(truth["households"]["typology"].astype(str))
    hh = truth["households"]
    assert hh["in_over_reporting_county"].any()


def test_every_row_has_exactly_its_expected_ingestion_outcome(
        province: tuple[Path, dict[str, Any]], truth: dict[str, Any]) -> None:
    """A reference reading of docs/contracts.md finds exactly the planted outcomes: the
    expected code on each planted row, nothing on every other row."""
    from synth_helpers import validate

    out, _ = province
    d = truth["defects"]
    expected = {(f, int(r)): e for f, r, e in zip(d["file"], d["row"], d["expected"])
                if isinstance(e, str)}
    found: dict[tuple[str, int], str] = {}
    for f in _files(out):
        rel = f"{f.parent.name}/{f.name}"
        for row, code in validate(f).items():
            found[(rel, row)] = code
    assert found == expected


def test_income_components_add_up_to_the_start_income(truth: dict[str, Any]) -> None:
    hh = truth["households"]
    total = (hh["wage_income_fen"] + hh["farm_income_fen"] + hh["business_gross_fen"]
             - hh["business_cost_fen"] + hh["property_income_fen"] + hh["pension_fen"]
             + hh["social_assistance_fen"] + hh["eco_compensation_fen"])
    assert (total - hh["income_start_fen"]).abs().max() <= 8  # rounding of components
