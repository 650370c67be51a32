"""Clusters from exact ID joins and scored pairs, never merging two different valid IDs.

Plain connected components chain: one ID-less record that resembles two brothers would join
both brothers' clusters. Here edges are taken strongest first and a merge is refused when both
clusters already hold a (different) anchor ID — a cannot-link constraint, as in greedy
constrained agglomerative clustering. Records sharing an anchor are joined first.

Vectorised except the merge loop over the pairs above the threshold (Python, union-find).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

ID_EXACT = "id_exact"
PROBABILISTIC = "probabilistic"
UNLINKED = "unlinked"


class Clusters(NamedTuple):
    cluster_id: np.ndarray  # per record: the smallest record id in its cluster
    match_probability: np.ndarray  # per record: best accepted link (1.0 for ID joins), NaN
    basis: np.ndarray  # per record: id_exact / probabilistic / unlinked


def constrained_clusters(
    record_ids: pd.Series, anchors: pd.Series, left: pd.Series, right: pd.Series,
    probability: pd.Series, *, threshold: float,
) -> Clusters:
    """Cluster records: equal anchors join; then edges ≥ ``threshold``, strongest first,
    unless both sides' clusters hold different anchors.

    >>> c = constrained_clusters(pd.Series(["a", "b", "c", "d"]),
    ...     pd.Series(["X", "X", None, "Y"]), pd.Series(["c", "c"]), pd.Series(["a", "d"]),
    ...     pd.Series([0.99, 0.95]), threshold=0.9)
    >>> c.cluster_id.tolist(), c.basis.tolist()
    (['a', 'a', 'a', 'd'], ['id_exact', 'id_exact', 'probabilistic', 'unlinked'])
    """
    ids = record_ids.astype(str).to_numpy()
    n = len(ids)
    prob = np.full(n, np.nan)
    basis = np.full(n, UNLINKED, dtype=object)

    # 1. Exact ID joins, vectorised: every anchored record points at the first of its anchor.
    anchor_values = anchors.where(anchors.notna() & (anchors.astype(str) != ""), None)
    codes, uniques = pd.factorize(anchor_values, use_na_sentinel=True)
    first = np.full(len(uniques), -1, dtype=np.int64)
    rows = np.flatnonzero(codes >= 0)
    first_of = pd.Series(rows).groupby(codes[rows]).min()
    first[first_of.index.to_numpy()] = first_of.to_numpy()
    parent_arr = np.arange(n)
    parent_arr[rows] = first[codes[rows]]
    sizes = np.bincount(codes[rows], minlength=len(uniques))
    shared = np.zeros(n, dtype=bool)
    shared[rows] = sizes[codes[rows]] > 1
    prob[shared] = 1.0
    basis[shared] = ID_EXACT
    parent: list[int] = parent_arr.tolist()
    root_anchor: dict[int, int] = {int(first[k]): k for k in range(len(uniques))}

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    # 2. Scored pairs, strongest first, refusing merges of two different anchors.
    p_all = probability.to_numpy(float)
    keep = p_all >= threshold
    index = pd.Index(ids)
    li = index.get_indexer(left.astype(str).to_numpy()[keep])
    ri = index.get_indexer(right.astype(str).to_numpy()[keep])
    p_kept = p_all[keep]
    order = np.argsort(-p_kept, kind="stable")
    li, ri, p_kept = li[order], ri[order], p_kept[order]
    accepted = np.zeros(len(li), dtype=bool)
    for e, (i, j) in enumerate(zip(li.tolist(), ri.tolist(), strict=True)):
        if i < 0 or j < 0:
            continue
        a, b = find(i), find(j)
        if a != b:
            anchor_a, anchor_b = root_anchor.get(a), root_anchor.get(b)
            if anchor_a is not None and anchor_b is not None and anchor_a != anchor_b:
                continue
            parent[b] = a
            if anchor_a is None and anchor_b is not None:
                root_anchor[a] = anchor_b
            root_anchor.pop(b, None)
        accepted[e] = True

    # 3. Per record: best accepted link; basis; cluster = smallest record id of its root.
    ends = np.concatenate([li[accepted], ri[accepted]])
    if len(ends):
        best = pd.Series(np.concatenate([p_kept[accepted]] * 2)).groupby(ends).max()
        at = best.index.to_numpy()
        prob[at] = np.fmax(prob[at], best.to_numpy())
        linked = basis[at] == UNLINKED
        basis[at[linked]] = PROBABILISTIC
    roots = np.asarray(parent)
    while True:  # full path compression, vectorised
        nxt = roots[roots]
        if np.array_equal(nxt, roots):
            break
        roots = nxt
    rank = np.empty(n, dtype=np.int64)
    by_id = np.argsort(ids.astype(str), kind="stable")
    rank[by_id] = np.arange(n)
    smallest_rank = pd.Series(rank).groupby(roots).min()
    cluster_id = ids[by_id[smallest_rank.reindex(roots).to_numpy()]]
    return Clusters(cluster_id, prob, basis)
