"""`jingzhun bench linkage --scale S`: the JSON a user gets, on a tiny province (~20 s).

The baseline's u uses 1e6 random pairs here (1e7 in the published figures) to stay fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SIDE_KEYS = {"precision", "recall", "f1", "predicted_pairs", "true_pairs", "true_positive_pairs",
             "records", "clusters", "true_persons", "hard_subset", "seconds", "peak_rss_mb",
             "profiles"}
SCORES = ("precision", "recall", "f1")


def _bench(*args: str) -> dict:
    r = subprocess.run(
        [sys.executable, "-m", "jingzhun", "bench", "linkage", *args, "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def _assert_scores(side: dict) -> None:
    assert SIDE_KEYS <= set(side)
    for block in (side, side["hard_subset"]):
        for key in SCORES:
            assert 0.0 <= block[key] <= 1.0, (key, block[key])
        pairs = min(block["predicted_pairs"], block["true_pairs"])
        assert 0 <= block["true_positive_pairs"] <= pairs
    assert side["hard_subset"]["records"] > 0
    assert side["records"] > side["true_persons"] > 0


def test_bench_linkage_json_shape_and_scores(tmp_path):
    out = _bench("--scale", "0.0001", "--months", "6", "--seed", "3",
                 "--baseline-u-pairs", "1e6", "--keep", str(tmp_path))
    assert {"jingzhun", "splink_baseline", "scale", "months", "seed", "synth_seconds",
            "ingest_seconds", "peak_rss_mb"} <= set(out)
    assert (out["scale"], out["months"], out["seed"]) == (0.0001, 6, 3)
    _assert_scores(out["jingzhun"])
    _assert_scores(out["splink_baseline"])
    ours = out["jingzhun"]
    assert {"review_pairs", "conflicts", "match_basis"} <= set(ours)
    assert sum(ours["match_basis"].values()) >= ours["records"]  # + records without a truth
    # Both sides score the same records against the same truth.
    assert out["splink_baseline"]["records"] == ours["records"]
    assert out["splink_baseline"]["true_pairs"] == ours["true_pairs"]
    # A tiny province links almost perfectly: a regression shows here first.
    assert ours["precision"] >= 0.99 and ours["recall"] >= 0.98
