"""Constrained clustering: exact ID joins first, strongest pairs next, never two IDs."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingzhun.linkage.cluster import constrained_clusters

CASES = [
    # (name, anchors, edges [(l, r, p)], expected cluster per record, expected basis)
    ("ID join only", ["X", "X", None], [], ["a", "a", "c"],
     ["id_exact", "id_exact", "unlinked"]),
    ("free record joins an ID cluster", ["X", None], [("a", "b", 0.95)], ["a", "a"],
     ["probabilistic", "probabilistic"]),
    ("below threshold: no join", ["X", None], [("a", "b", 0.5)], ["a", "b"],
     ["unlinked", "unlinked"]),
    ("two IDs never merge, stronger link wins", ["X", "Y", None],
     [("c", "a", 0.95), ("c", "b", 0.99)], ["a", "b", "b"],
     ["unlinked", "probabilistic", "probabilistic"]),
    ("no chaining across IDs through free records", ["X", None, None, "Y"],
     [("a", "b", 0.99), ("b", "c", 0.98), ("c", "d", 0.97)], ["a", "a", "a", "d"],
     ["probabilistic", "probabilistic", "probabilistic", "unlinked"]),
    ("free records cluster among themselves", [None, None, None],
     [("a", "b", 0.99), ("b", "c", 0.98)], ["a", "a", "a"], ["probabilistic"] * 3),
]


@pytest.mark.parametrize(("name", "anchors", "edges", "expected", "basis"), CASES,
                         ids=[c[0] for c in CASES])
def test_constrained_clusters(name, anchors, edges, expected, basis):
    ids = pd.Series(list("abcd"[: len(anchors)]))
    frame = pd.DataFrame(edges, columns=["l", "r", "p"]) if edges else pd.DataFrame(
        {"l": [], "r": [], "p": []})
    c = constrained_clusters(ids, pd.Series(anchors, dtype=object), frame["l"], frame["r"],
                             frame["p"].astype(float), threshold=0.9)
    assert c.cluster_id.tolist() == expected
    assert c.basis.tolist() == basis


def test_match_probability_is_the_best_accepted_link():
    ids = pd.Series(["a", "b", "c"])
    c = constrained_clusters(ids, pd.Series([None, None, None], dtype=object),
                             pd.Series(["a", "a"]), pd.Series(["b", "c"]),
                             pd.Series([0.97, 0.92]), threshold=0.9)
    assert c.match_probability.tolist() == [0.97, 0.97, 0.92]


def _reference(ids, anchors, edges, threshold):
    """Plain union-find: the behaviour the vectorised version must reproduce."""
    parent = {i: i for i in ids}
    anchor_of = {}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, a in zip(ids, anchors, strict=True):
        if a is None:
            continue
        if a in anchor_of:
            parent[find(i)] = find(anchor_of[a])
        else:
            anchor_of[a] = i
    root_anchor = {find(i): a for a, i in anchor_of.items()}
    for left, right, p in sorted(edges, key=lambda e: -e[2]):
        if p < threshold:
            continue
        a, b = find(left), find(right)
        if a == b:
            continue
        if root_anchor.get(a) is not None and root_anchor.get(b) is not None:
            if root_anchor[a] != root_anchor[b]:
                continue
        parent[b] = a
        if root_anchor.get(a) is None and root_anchor.get(b) is not None:
            root_anchor[a] = root_anchor[b]
    groups = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return [min(groups[find(i)]) for i in ids]


@settings(max_examples=60, deadline=None)
@given(
    anchors=st.lists(st.sampled_from([None, None, "X", "Y", "Z"]), min_size=2, max_size=12),
    data=st.data(),
)
def test_matches_a_plain_union_find(anchors, data):
    n = len(anchors)
    ids = [f"r{i:02d}" for i in range(n)]
    edges = data.draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                  st.integers(80, 100).map(lambda x: x / 100)),
        max_size=20, unique_by=lambda e: e[2]))  # distinct probabilities: a unique order
    named = [(ids[a], ids[b], p) for a, b, p in edges]
    frame = pd.DataFrame(named, columns=["l", "r", "p"]) if named else pd.DataFrame(
        {"l": pd.Series([], dtype=object), "r": pd.Series([], dtype=object), "p": []})
    got = constrained_clusters(pd.Series(ids), pd.Series(anchors, dtype=object), frame["l"],
                               frame["r"], frame["p"].astype(float), threshold=0.9)
    assert got.cluster_id.tolist() == _reference(ids, anchors, named, 0.9)


# --- exclusivity and sole candidates -------------------------------------------------------

from jingzhun.linkage.cluster import (  # noqa: E402
    Clusters,
    exclusive_probabilities,
    join_sole_candidates,
)


@pytest.mark.parametrize(
    ("weights", "anchors_r", "expected"),
    [
        # one candidate: Splink's own probability, 2^w / (1 + 2^w)
        ([5.0], ["A"], [32 / 33]),
        # two equal candidates: each about a half
        ([5.0, 5.0], ["A", "B"], [32 / 65, 32 / 65]),
        # a strong and a weak candidate: the strong one keeps almost all
        ([20.0, 0.0], ["A", "B"], [2**20 / (2**20 + 2), 1 / (2**20 + 2)]),
        # two records of the SAME known person are one candidate
        ([5.0, 5.0], ["A", "A"], [32 / 33, 32 / 33]),
        # the other side has no anchor either: Splink's probability, untouched
        ([5.0, 5.0], [None, None], [32 / 33, 32 / 33]),
    ],
)
def test_exclusive_probabilities(weights, anchors_r, expected):
    n = len(weights)
    got = exclusive_probabilities(
        pd.Series(["r"] * n), pd.Series([f"o{i}" for i in range(n)]), pd.Series(weights),
        pd.Series([None] * n), pd.Series(anchors_r))
    assert got.tolist() == pytest.approx(expected)


def test_exclusive_probabilities_either_orientation():
    got = exclusive_probabilities(pd.Series(["a", "r"]), pd.Series(["r", "b"]),
                                  pd.Series([5.0, 5.0]), pd.Series(["A", None]),
                                  pd.Series([None, "B"]))
    assert got.tolist() == pytest.approx([32 / 65, 32 / 65])


def _sole(anchors, clusters, edges, floor=0.8):
    import numpy as np

    ids = np.array([chr(ord("a") + i) for i in range(len(anchors))], dtype=object)
    basis = np.array(["id_exact" if a else "unlinked" for a in anchors], dtype=object)
    c = Clusters(np.array(clusters, dtype=object), np.where(basis == "id_exact", 1.0, np.nan),
                 basis)
    left, right, p = zip(*edges, strict=True) if edges else ((), (), ())
    out = join_sole_candidates(ids, c, pd.Series(anchors), pd.Series(left, dtype=object),
                               pd.Series(right, dtype=object), pd.Series(p, dtype=float),
                               floor=floor)
    return out.cluster_id.tolist(), out.basis.tolist()


@pytest.mark.parametrize(
    ("name", "anchors", "clusters", "edges", "expected_clusters", "expected_basis"),
    [
        ("one known candidate above the floor: joins", ["X", None], ["a", "b"],
         [("b", "a", 0.85)], ["a", "a"], ["id_exact", "sole_candidate"]),
        ("below the floor: stays", ["X", None], ["a", "b"], [("b", "a", 0.7)],
         ["a", "b"], ["id_exact", "unlinked"]),
        ("two known candidates: stays", ["X", "Y", None], ["a", "b", "c"],
         [("c", "a", 0.85), ("c", "b", 0.6)], ["a", "b", "c"],
         ["id_exact", "id_exact", "unlinked"]),
        ("the candidate has no anchor: stays", [None, None], ["a", "b"],
         [("a", "b", 0.85)], ["a", "b"], ["unlinked", "unlinked"]),
        ("cluster id stays the smallest record id", [None, "X"], ["a", "b"],
         [("a", "b", 0.85)], ["a", "a"], ["sole_candidate", "id_exact"]),
    ],
)
def test_join_sole_candidates(name, anchors, clusters, edges, expected_clusters, expected_basis):
    assert _sole(anchors, clusters, edges) == (expected_clusters, expected_basis), name
