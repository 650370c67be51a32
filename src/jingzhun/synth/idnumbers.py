"""Valid, unique 18-digit resident ID numbers (GB 11643-1999), vectorised.

area code of the county of birth registration (the code valid at the birth date, see
geo.HISTORIC_COUNTY_CODES) + birth date + 3-digit sequence (odd = male) + check character.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from jingzhun.geo import HISTORIC_COUNTY_CODES
from jingzhun.normalise.idcard import CHECK_CHARS, WEIGHTS
from jingzhun.synth.extract import _LUT_START, ymd
from jingzhun.synth.frame import group_rank


def birth_area_codes(current: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """County code valid at each birth date for people registered in ``current`` (S6)."""
    out = current.astype("S6").copy()
    for cur, hist in HISTORIC_COUNTY_CODES.items():
        sel = out == cur.encode()
        if not sel.any():
            continue
        # the earliest period first: later (more recent) codes overwrite only later births
        for old, until in reversed(hist):
            hit = sel & (birth <= np.datetime64(until, "D"))
            out[hit] = old.encode()
    return out


def area_int(area: np.ndarray) -> np.ndarray:
    """S6 area codes → integers."""
    a = np.asarray(area, "S6")
    mat = np.frombuffer(np.ascontiguousarray(a).tobytes(), np.uint8).reshape(len(a), 6)
    out = np.zeros(len(a), np.int64)
    for j in range(6):
        out = out * 10 + (mat[:, j].astype(np.int64) - 48)
    return out


@lru_cache(maxsize=1)
def _date_bytes() -> np.ndarray:
    """(days, 8) uint8 "YYYYMMDD" for every day of the look-up range of extract.ymd."""
    y, m, d = ymd(_LUT_START + np.arange(0, 300 * 366).astype("timedelta64[D]"))
    v = y.astype(np.int64) * 10000 + m * 100 + d
    return np.stack([(v // 10 ** (7 - i)) % 10 + 48 for i in range(8)], axis=1).astype(np.uint8)


_SEQ_BYTES = np.array([[48 + i // 100, 48 + i // 10 % 10, 48 + i % 10] for i in range(1000)],
                      np.uint8)


def compose(area: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """S18 IDs from area codes (S6), birth dates and 3-digit sequence numbers."""
    n = len(area)
    a = np.frombuffer(np.ascontiguousarray(np.asarray(area, "S6")).tobytes(),
                      np.uint8).reshape(n, 6)
    k = (np.asarray(birth, "datetime64[D]") - _LUT_START).astype(np.int64)
    mat = np.empty((n, 18), np.uint8)
    mat[:, :6] = a
    mat[:, 6:14] = _date_bytes()[k]
    mat[:, 14:17] = _SEQ_BYTES[np.asarray(seq, np.int64)]
    mat[:, 17] = check_bytes(mat[:, :17])
    return mat.view("S18").ravel()


_CHECK_BYTES = np.frombuffer(CHECK_CHARS.encode("ascii"), np.uint8)


def check_bytes(ascii17: np.ndarray) -> np.ndarray:
    """ASCII check characters for an (n, 17) uint8 matrix of ASCII digits.

    Same rule as ``normalise.idcard.check_chars_array`` (its WEIGHTS and CHECK_CHARS), with
    the weighted sum accumulated column by column in int32, which is much faster than an
    integer matrix product for millions of rows (tests compare both).
    """
    acc = np.zeros(len(ascii17), np.int32)
    for j in range(17):
        acc += (ascii17[:, j].astype(np.int32) - 48) * int(WEIGHTS[j])
    return _CHECK_BYTES[acc % 11]


#: People of one sex born on one day that one area code can number (sequence codes 000–999,
#: odd for men, even for women).
SEQ_CAPACITY = 499


def _day_key(area_i: np.ndarray, day: np.ndarray, male: np.ndarray) -> np.ndarray:
    """One integer per (area code, birth day, sex): the groups sequence codes number."""
    return (area_i * 120_000 + (day - day.min())) * 2 + np.asarray(male, bool).astype(np.int64)


def spread_overflow(area: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Area codes such that no (area, birth date, sex) holds more than :data:`SEQ_CAPACITY`
    people: the excess of a full group is registered under the next area code in code order
    (usually a neighbouring county of the same prefecture), repeatedly if that one fills too.
    Only a province of millions reaches the limit (scale 1.0: a large county's heaped birth
    dates); below it ``area`` is returned unchanged and no random number is drawn.

    >>> a = np.array([b"520102"] * 3 + [b"520103"], "S6")
    >>> b = np.array(["1950-01-01"] * 4, "datetime64[D]")
    >>> import jingzhun.synth.idnumbers as m
    >>> cap, m.SEQ_CAPACITY = m.SEQ_CAPACITY, 2
    >>> spread_overflow(a, b, np.zeros(4, bool)).tolist()
    [b'520102', b'520102', b'520103', b'520103']
    >>> m.SEQ_CAPACITY = cap
    """
    codes = np.unique(area)
    day = np.asarray(birth, "datetime64[D]").astype(np.int64)
    out = area
    for _ in range(len(codes)):
        key = _day_key(area_int(out), day, male)
        order = np.argsort(key, kind="stable")
        ks = key[order]
        gid = np.cumsum(np.r_[True, ks[1:] != ks[:-1]]) - 1
        over = order[group_rank(gid) >= SEQ_CAPACITY]
        if over.size == 0:
            return out
        if out is area:
            out = area.copy()
        out[over] = codes[(np.searchsorted(codes, out[over]) + 1) % len(codes)]
    raise ValueError("more people born on one day than every area code can number")


def make_ids(rng: np.random.Generator, area: np.ndarray, birth: np.ndarray,
             male: np.ndarray) -> np.ndarray:
    """Unique 18-character IDs (dtype S18).

    Sequence numbers are unique within (area, birth date): a random offset per group plus
    the rank within the group, doubled, plus 1 for men.
    """
    n = len(area)
    area_i = area_int(area)
    day = np.asarray(birth, "datetime64[D]").astype(np.int64)
    key = _day_key(area_i, day, male)
    perm = rng.permutation(n)
    order = perm[np.argsort(key[perm], kind="stable")]
    ka, kd, km = area_i[order], day[order], male[order]
    grp = np.r_[True, (ka[1:] != ka[:-1]) | (kd[1:] != kd[:-1]) | (km[1:] != km[:-1])]
    gid = np.cumsum(grp) - 1
    rank = group_rank(gid)
    size = np.bincount(gid)
    if size.max() > SEQ_CAPACITY:
        raise ValueError(f"more than {SEQ_CAPACITY} people of one sex born on one day in one "
                         "area code (spread_overflow first)")
    offset = (rng.random(len(size)) * (500 - size)).astype(np.int64)
    seq_sorted = 2 * (offset[gid] + rank) + km.astype(np.int64)  # odd = male
    seq = np.empty(n, np.int64)
    seq[order] = seq_sorted
    return compose(area, birth, seq)


def id_keys(ids: np.ndarray) -> np.ndarray:
    """First 17 digits of S18 IDs as int64 (for fast membership tests)."""
    a = np.frombuffer(np.ascontiguousarray(np.asarray(ids, "S18")).tobytes(),
                      np.uint8).reshape(-1, 18)
    out = np.zeros(len(a), np.int64)
    for j in range(17):
        out = out * 10 + (a[:, j].astype(np.int64) - 48)
    return out


def fake_ids(rng: np.random.Generator, n: int, areas: np.ndarray, taken: np.ndarray,
             years: tuple[int, int] = (1950, 2000)) -> np.ndarray:
    """``n`` valid IDs that belong to nobody in ``taken`` (payees unknown to the registry).

    ``taken``: S18 IDs, or their sorted unique ``id_keys`` (int64) to save the sort."""
    taken_k = taken if taken.dtype == np.int64 else np.unique(id_keys(taken))
    out = np.empty(0, dtype="S18")
    while len(out) < n:
        k = (n - len(out)) * 2 + 10
        a = np.asarray(areas)[rng.integers(0, len(areas), k)].astype("S6")
        days = rng.integers(0, (years[1] - years[0]) * 365, k)
        b = np.datetime64(f"{years[0]}-01-01", "D") + days.astype("timedelta64[D]")
        ids = compose(a, b, rng.integers(0, 1000, k))
        keys = id_keys(ids)
        pos = np.searchsorted(taken_k, keys).clip(0, max(len(taken_k) - 1, 0))
        fresh = taken_k[pos] != keys if len(taken_k) else np.ones(k, bool)
        ids, keys = ids[fresh], keys[fresh]
        _, first = np.unique(keys, return_index=True)
        ids = ids[np.sort(first)]
        ids = ids[~np.isin(id_keys(ids), id_keys(out))] if len(out) else ids
        out = np.concatenate([out, ids])
    return out[:n]
