"""End to end: 30 hand-made records of 13 villagers are resolved to exactly 13 persons."""

from __future__ import annotations

import pandas as pd
import pytest
from linkage_villagers import villagers  # tests/linkage/linkage_villagers.py

from jingzhun.linkage import link_records


def _partition(labels: pd.Series, ids: pd.Series) -> set[frozenset[str]]:
    return {frozenset(group) for group in ids.groupby(labels.to_numpy()).apply(list)}


@pytest.fixture(scope="module")
def resolved():
    records = villagers()
    result = link_records(records.drop(columns=["person"]), threshold=0.9)
    return records.merge(result.clusters, on="record_id"), result


def test_villagers_are_resolved_exactly(resolved):
    frame, _ = resolved
    assert _partition(frame["cluster_id"], frame["record_id"]) == _partition(
        frame["person"], frame["record_id"])


@pytest.mark.parametrize(
    ("record", "same_as", "why"),
    [
        ("r02", "r01", "homophone 张玮, address with the full autonomous county name"),
        ("r03", "r01", "traditional 張偉 with the legacy 15-digit ID"),
        ("r04", "r01", "one-digit ID error and day/month swapped birth date"),
        ("r08", "r07", "similar-shape 玉明"),
        ("r11", "r10", "similar-shape 李已芳"),
        ("r12", "r10", "adjacent digits transposed in the ID"),
        ("r14", "r13", "單田芳 (traditional, polyphonic surname)"),
        ("r16", "r15", "person without any ID, birth date swapped"),
        ("r24", "r25", "a relative's ID typed on the row (conflicting ID)"),
        ("r30", "r29", "homophone 黄晓红"),
    ],
)
def test_hard_positives(resolved, record, same_as, why):
    frame, _ = resolved
    cluster = frame.set_index("record_id")["cluster_id"]
    assert cluster[record] == cluster[same_as], why


@pytest.mark.parametrize(
    ("record", "not_with", "why"),
    [
        ("r05", "r01", "another 张伟 elsewhere"),
        ("r06", "r01", "ID-less 张伟 matching the other 张伟's details"),
        ("r21", "r18", "陈建军, twin of 陈建国: same birth date and village"),
        ("r22", "r18", "ID-less 陈建军"),
        ("r24", "r23", "the ID belongs to 杨秀兰, the record is 刘德华"),
        ("r26", "r27", "two 吴芳 in one village"),
    ],
)
def test_hard_negatives(resolved, record, not_with, why):
    frame, _ = resolved
    cluster = frame.set_index("record_id")["cluster_id"]
    assert cluster[record] != cluster[not_with], why


def test_result_columns(resolved):
    frame, result = resolved
    assert list(result.clusters.columns) == [
        "record_id", "cluster_id", "match_probability", "match_basis"]
    by_id = frame.set_index("record_id")
    assert by_id.loc["r01", "match_basis"] == "id_exact"
    assert by_id.loc["r01", "match_probability"] == 1.0
    assert by_id.loc["r26", "match_basis"] == "unlinked"
    assert pd.isna(by_id.loc["r26", "match_probability"])
    assert by_id.loc["r02", "match_basis"] == "probabilistic"
    assert 0.9 <= by_id.loc["r02", "match_probability"] <= 1.0
    assert result.trained is False  # 30 records: the shipped priors, no EM


def test_runs_on_our_engine_connection():
    from jingzhun.engine.duckdb import DuckDBEngine

    records = villagers().drop(columns=["person"])
    with DuckDBEngine() as engine:
        result = link_records(records, engine, threshold=0.9)
    assert result.clusters["cluster_id"].nunique() == 13
