"""The registry stage on a small synthetic province, scored against the generator's truth."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from jingzhun.evaluation.linkage import pairwise_metrics, record_truth
from jingzhun.pipeline.stages import STAGES, department_files
from jingzhun.registry import as_of, load_rules, person_departments


def _reg(ws, name: str) -> pd.DataFrame:
    return pd.read_parquet(ws.zone("registry") / f"{name}.parquet")


def test_stage_sits_between_validate_and_quality():
    names = [s.name for s in STAGES]
    assert names.index("validate") < names.index("registry") < names.index("quality")


def test_every_person_record_gets_one_link(registry_ws):
    ws, _, summary = registry_ws
    files = department_files(ws, "validated")
    expected = sum(pq.read_metadata(p).num_rows for d in person_departments() for p in files.get(d, []))
    links = _reg(ws, "record_links")
    assert len(links) == expected == summary["records"]
    assert not links.duplicated(["_file", "_row"]).any()
    assert links["person_id"].notna().all()
    assert set(links["match_basis"]) <= {"id_exact", "probabilistic", "identical_values", "unlinked"}
    exact = links[links["match_basis"] == "id_exact"]
    assert (exact["match_probability"] == 1.0).all()
    prob = links[links["match_basis"] == "probabilistic"]["match_probability"]
    assert prob.between(0.9, 1.0).all()


def test_links_match_the_truth(registry_ws):
    ws, province, _ = registry_ws
    links = _reg(ws, "record_links").merge(
        record_truth(province / "truth"), left_on=["_file", "_row"], right_on=["file", "row"],
        suffixes=("", "_true"))
    scores = pairwise_metrics(links["person_id"], links["person_id_true"])
    assert scores["precision"] >= 0.995 and scores["recall"] >= 0.99, scores


def test_golden_records_carry_provenance(registry_ws):
    ws, _, _ = registry_ws
    persons = _reg(ws, "persons")
    assert persons["person_id"].is_unique
    for rule in load_rules():
        for field in rule.columns:
            assert {field, f"{field}__source", f"{field}__extract"} <= set(persons.columns)
    in_hukou = persons["departments"].str.contains("hukou")
    assert (persons.loc[in_hukou, "name__source"] == "hukou").all()
    assert (persons.loc[in_hukou, "birth_date__source"] == "hukou").all()
    has = persons["name"].notna()
    assert persons.loc[has, "name__extract"].str.match(r"^\d{4}-\d{2}$").all()


def test_households_and_as_of(registry_ws):
    ws, province, _ = registry_ws
    events = _reg(ws, "hukou_events")
    first, last = events["recorded"].min(), events["recorded"].max()
    start = as_of(ws, first)
    assert len(start.members) == (events["change_type"] == "stock").sum()
    end = as_of(ws, last)
    births = ((events["change_type"] == "birth") & (events["valid_month"] <= last)).sum()
    deaths = ((events["change_type"] == "death") & (events["valid_month"] <= last)).sum()
    assert len(end.members) == len(start.members) + births - deaths
    assert end.households["size"].sum() == len(end.members)
    households = _reg(ws, "households")
    assert households["household_no"].is_unique
    truth = pd.read_parquet(province / "truth" / "households.parquet")
    assert set(households["household_no"]) <= set(truth["household_no"].astype(str))


def test_review_queue_and_conflicts_are_written(registry_ws):
    ws, _, summary = registry_ws
    review = _reg(ws, "review_queue")
    assert len(review) == summary["review_pairs"]
    if len(review):
        assert (review["match_probability"] >= 0.5).all()
        assert (review["person_id_l"] != review["person_id_r"]).all()
        # A pair at or above 0.9 across two persons was refused: its record resembles two
        # known persons (exclusive probability below 0.9), or both sides carry an ID.
        high = review[review["match_probability"] >= 0.9]
        refused = (high["exclusive_probability"] < 0.9) | (
            high["id_number_l"].notna() & high["id_number_r"].notna())
        assert refused.all()
    conflicts = _reg(ws, "conflicts")
    assert list(conflicts.columns) == ["kind", "id_number", "person_ids", "reason", "evidence"]
