"""Helpers shared by the department builders."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jingzhun.synth.codes import EDUCATION, ETH_CODE, GZ_ETHNICITIES, RELATIONS
from jingzhun.synth.extract import encode, fmt_date, lookup
from jingzhun.synth.world import World


def late_delays(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """0 for on-time reports, 1–3 months for the late ones (defect ``late_report``)."""
    late = rng.random(n) < rate
    return np.where(late, rng.integers(1, 4, n), 0)


def person_cols(w: World, contract: dict, pids: np.ndarray, birth_fmt: str | None = None
                ) -> dict[str, pa.Array]:
    """id_number, name, sex and (when ``birth_fmt``) birth_date of persons, in the
    department's codes."""
    p = w.p
    fields = {c["field"] for c in contract["columns"]}
    idx = pa.array(np.asarray(pids, np.int64))
    out: dict[str, pa.Array] = {"id_number": w.text("id").take(idx),
                                "name": w.text("name").take(idx)}
    if "sex" in fields:
        out["sex"] = lookup(encode(contract, "sex", ["male", "female"]),
                            (~p["male"][pids]).astype(np.int64))
    if birth_fmt:
        out["birth_date"] = fmt_date(p["birth"][pids], birth_fmt)
    return out


def ethnicity_col(contract: dict, eth_idx: np.ndarray) -> pa.Array:
    codes = encode(contract, "ethnicity", GZ_ETHNICITIES)
    return lookup(codes, eth_idx)


def relation_col(contract: dict, rel: np.ndarray) -> pa.Array:
    return lookup(encode(contract, "relation_to_head", RELATIONS), rel)


def education_col(contract: dict, edu: np.ndarray, preschool: bool = False) -> pa.Array:
    names = list(EDUCATION)
    codes = encode(contract, "education", names)
    if preschool:
        codes = codes + encode(contract, "education", ["preschool"])
        edu = np.where(edu < 0, len(names), edu)
    return lookup(codes, edu)


def eth_gb(eth_idx: np.ndarray) -> np.ndarray:
    return np.array([ETH_CODE[e] for e in GZ_ETHNICITIES])[eth_idx]


def area_cols(w: World, hh_idx: np.ndarray, m: int) -> dict[str, pa.Array]:
    return w.codes_of_village(w.village_of(hh_idx, m))


def null_strings(n: int) -> pa.Array:
    return pa.nulls(n, pa.string())
