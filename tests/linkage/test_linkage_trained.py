"""The trained path (u by random sampling, m by EM) on ~700 seeded synthetic records."""

from __future__ import annotations

import itertools

import pandas as pd
from linkage_synthetic import synthetic_records  # tests/linkage/linkage_synthetic.py

from jingzhun.linkage import link_records


def _pairs(frame: pd.DataFrame, column: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, ids in frame.groupby(column)["record_id"]:
        out |= set(itertools.combinations(sorted(ids), 2))
    return out


def test_trained_model_links_synthetic_villagers():
    records = synthetic_records(300, seed=11)
    result = link_records(records.drop(columns=["person"]), threshold=0.9, train=True,
                          max_pairs_for_u=3e5)
    assert result.trained
    frame = result.clusters.merge(records[["record_id", "person"]], on="record_id")
    predicted, truth = _pairs(frame, "cluster_id"), _pairs(frame, "person")
    precision = len(predicted & truth) / len(predicted)
    recall = len(predicted & truth) / len(truth)
    # The misses are records with neither ID nor birth date (name, sex and township only).
    assert precision >= 0.99
    assert recall >= 0.95
