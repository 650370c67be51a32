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
