"""Resolve person-level records to person ids (exact ID joins, then Splink; docs/registry.md).

Linkage runs on distinct profiles (:mod:`.records`); each record takes its profile's person.
``person_id`` is ``"P"`` + the first 20 hex characters of the cluster's smallest profile key
(an MD5 of the profile's values), so it is stable for unchanged data and does not expose an
ID number.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jingzhun.engine.base import Engine

#: Pairs at or above this probability join a person; between REVIEW and it, a clerk decides.
LINK_THRESHOLD = 0.9
REVIEW_THRESHOLD = 0.5


@dataclass
class Resolution:
    profiles: pd.DataFrame  # the input + person_id, match_basis, match_probability
    prepared: pd.DataFrame  # linkage keys per profile (jingzhun.linkage.prepare)
    review_pairs: pd.DataFrame  # scored pairs in [review, link) across different persons


def resolve_profiles(
    profiles: pd.DataFrame, engine: Engine | None = None, *,
    threshold: float = LINK_THRESHOLD, review_threshold: float = REVIEW_THRESHOLD,
    train: bool | None = None,
) -> Resolution:
    """Link ``profiles`` (one row per distinct profile, column ``profile_key``)."""
    from jingzhun.linkage.link import link_records

    result = link_records(
        profiles, engine, unique_id="profile_key", threshold=threshold,
        review_threshold=review_threshold, train=train,
    )
    clusters = result.clusters
    person = "P" + clusters["cluster_id"].astype(str).str[:20]
    out = profiles.merge(
        pd.DataFrame({
            "profile_key": clusters["profile_key"], "person_id": person,
            "match_basis": clusters["match_basis"],
            "match_probability": clusters["match_probability"],
        }), on="profile_key", how="left", validate="one_to_one",
    )
    pairs = result.pairs
    review = pd.DataFrame()
    if len(pairs):
        pid = out.set_index("profile_key")["person_id"]
        pl = pid.reindex(pairs["profile_key_l"]).to_numpy()
        pr = pid.reindex(pairs["profile_key_r"]).to_numpy()
        p = pairs["match_probability"].to_numpy(float)
        grey = (p < threshold) & (pl != pr)
        review = pairs.loc[grey].assign(person_id_l=pl[grey], person_id_r=pr[grey])
    return Resolution(out, result.prepared, review)

