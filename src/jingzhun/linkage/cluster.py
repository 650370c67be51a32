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
    probability: pd.Series, *, threshold: float, priority: pd.Series | None = None,
) -> Clusters:
    """Cluster records: equal anchors join; then edges ≥ ``threshold``, strongest first,
    unless both sides' clusters hold different anchors. ``priority`` (aligned with the
    edges; default ``probability``) orders the edges when it differs from the probability
    that decides and is reported (:func:`exclusive_probabilities`).

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
    rank_by = p_kept if priority is None else priority.to_numpy(float)[keep]
    order = np.argsort(-rank_by, kind="stable")
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


def exclusive_probabilities(left: pd.Series, right: pd.Series, weight: pd.Series,
                            anchor_left: pd.Series, anchor_right: pd.Series) -> np.ndarray:
    """Match probability of each pair once a record is taken to be *one* person.

    A pair's probability from Splink looks at the two records only. When a record without
    an anchor resembles two different known persons (two 王正 in one village, the record
    carrying only the name and the village), each pair alone can pass the threshold although
    the record is at best a coin toss between them. Here, for a record without an anchor
    and its candidate anchors (best pair per anchor, weights ``w``, log2 odds), the
    probability of the pair to anchor *i* becomes ``2^w_i / (1 + Σ_j 2^w_j)``: unchanged with
    one candidate, about 0.5 with two equal ones. Pairs between two unanchored records, or
    between two anchored ones, keep Splink's probability. Aligned with the inputs.

    >>> exclusive_probabilities(pd.Series(["r", "r", "s"]), pd.Series(["a", "b", "c"]),
    ...     pd.Series([5.0, 5.0, 5.0]), pd.Series([None, None, None]),
    ...     pd.Series(["A", "B", "C"])).round(3).tolist()
    [0.492, 0.492, 0.97]
    """
    w = weight.to_numpy(float)
    out = 1.0 / (1.0 + np.exp2(-w))
    al = anchor_left.to_numpy(object)
    ar = anchor_right.to_numpy(object)
    has_l, has_r = pd.notna(al), pd.notna(ar)
    one_sided = has_l ^ has_r
    if not one_sided.any():
        return out
    rows = np.flatnonzero(one_sided)
    loose = np.where(has_l[rows], right.to_numpy(object)[rows], left.to_numpy(object)[rows])
    anchor = np.where(has_l[rows], al[rows], ar[rows])
    frame = pd.DataFrame({"loose": loose.astype(str), "anchor": anchor.astype(str), "w": w[rows]})
    best = frame.groupby(["loose", "anchor"], sort=False)["w"].max().reset_index()
    # log2(1 + Σ 2^w) per unanchored record, computed stably.
    top = best.groupby("loose", sort=False)["w"].transform("max").clip(lower=0.0)
    best["s"] = np.exp2(best["w"] - top)
    sums = best.groupby("loose", sort=False)["s"].sum()
    tops = top.groupby(best["loose"], sort=False).max()
    log_norm = tops + np.log2(np.exp2(-tops) + sums)
    frame_norm = frame["loose"].map(log_norm).to_numpy(float)
    out[rows] = np.exp2(frame["w"].to_numpy(float) - frame_norm)
    return out


SOLE_CANDIDATE = "sole_candidate"


def join_sole_candidates(
    ids: np.ndarray, clusters: Clusters, anchors: pd.Series, left: pd.Series,
    right: pd.Series, probability: pd.Series, *, floor: float,
) -> Clusters:
    """Join a cluster without an anchor to the one known person it resembles.

    A cluster none of whose records has an anchor joins cluster K when every scored pair
    (``probability``, all pairs given, e.g. from the review threshold up) between it and
    other clusters points to K, K holds an anchor (a person the ID join knows), and the best
    such pair is at least ``floor``. Typical case: a payment row with a name and a village
    but no ID, and exactly one person of that name known in the village. Its records that
    were alone get basis ``sole_candidate`` and the best pair's probability.

    >>> ids = np.array(["a", "b", "c"])
    >>> c = Clusters(np.array(["a", "a", "c"], dtype=object), np.array([1.0, 1.0, np.nan]),
    ...              np.array(["id_exact", "id_exact", "unlinked"], dtype=object))
    >>> out = join_sole_candidates(ids, c, pd.Series(["X", "X", None]), pd.Series(["c"]),
    ...     pd.Series(["a"]), pd.Series([0.85]), floor=0.8)
    >>> out.cluster_id.tolist(), out.basis.tolist()
    (['a', 'a', 'a'], ['id_exact', 'id_exact', 'sole_candidate'])
    """
    index = pd.Index(ids)
    li, ri = index.get_indexer(left.astype(str)), index.get_indexer(right.astype(str))
    ok = (li >= 0) & (ri >= 0)
    li, ri, p = li[ok], ri[ok], probability.to_numpy(float)[ok]
    cid = clusters.cluster_id
    known = set(cid[pd.notna(anchors.to_numpy(object))].tolist())
    edges = pd.DataFrame({"u": np.concatenate([cid[li], cid[ri]]),
                          "k": np.concatenate([cid[ri], cid[li]]),
                          "p": np.concatenate([p, p])})
    edges = edges[(edges["u"] != edges["k"]) & ~edges["u"].isin(known)]
    if edges.empty:
        return clusters
    per = edges.groupby("u").agg(n=("k", "nunique"), k=("k", "first"), best=("p", "max"))
    per = per[(per["n"] == 1) & (per["best"] >= floor) & per["k"].isin(known)]
    if per.empty:
        return clusters
    target = pd.Series(per["k"].to_numpy(), index=per.index)
    root = pd.Series(cid).map(target).fillna(pd.Series(cid)).to_numpy(object)
    label = pd.Series(cid).groupby(root).transform("min").to_numpy(object)
    moved = pd.Series(cid).isin(per.index).to_numpy() & (clusters.basis == UNLINKED)
    basis = clusters.basis.copy()
    prob = clusters.match_probability.copy()
    basis[moved] = SOLE_CANDIDATE
    prob[moved] = pd.Series(cid[moved]).map(per["best"]).to_numpy(float)
    return Clusters(label, prob, basis)
