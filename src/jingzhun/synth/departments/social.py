"""民政 低保 / 特困 monthly roster (household level, head named)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from jingzhun.synth.departments.assets import current_heads
from jingzhun.synth.departments.common import area_cols, person_cols
from jingzhun.synth.extract import (
    Extract,
    concat,
    encode,
    fmt_date,
    fmt_yuan,
    load_contract,
    lookup,
    s,
    zpad,
)
from jingzhun.synth.rng import substream
from jingzhun.synth.welfare import RURAL_DIBAO_STANDARD_YUAN, URBAN_DIBAO_STANDARD_YUAN
from jingzhun.synth.world import World, bank_text, phone_text


def spell_starts(w: World) -> np.ndarray:
    """(M, H) month in which each household's current 低保/特困 spell began (-1 = before the
    start, -2 = not assisted)."""
    a = w.hist.assist
    out = np.full(a.shape, -2, np.int16)
    cur = np.where(a[0] > 0, -1, -2).astype(np.int16)
    out[0] = cur
    for m in range(1, a.shape[0]):
        cur = np.where(a[m] == 0, -2, np.where(a[m - 1] == 0, m, cur)).astype(np.int16)
        out[m] = cur
    return out


def dibao_class(w: World, m: int, hs: np.ndarray) -> np.ndarray:
    """0 A, 1 B, 2 C (from the amount per person against the standard), -1 for 特困."""
    hh = w.hh
    std = np.where(hh["rural"][hs], RURAL_DIBAO_STANDARD_YUAN, URBAN_DIBAO_STANDARD_YUAN) * 100 / 12
    size = np.maximum(w.hist.size[m][hs], 1)
    ratio = w.hist.assist_fen[m][hs] / (size * std)
    cls = np.select([ratio > 0.65, ratio > 0.4], [0, 1], 2)
    return np.where(w.hist.assist[m][hs] == 2, -1, cls)


def civil_affairs(w: World) -> Iterator[Extract]:
    c = load_contract("civil_affairs")
    rng = substream(w.cfg.seed, "dept:civil_affairs")
    hh = w.hh
    starts = spell_starts(w)
    past = w.month_start(0) - rng.integers(30, 2500, hh.n).astype("timedelta64[D]")
    day = rng.integers(0, 28, hh.n).astype("timedelta64[D]")
    towns = w.towns.set_index("township_code")["township_name"]
    for m in range(w.M):
        heads = current_heads(w, m)
        hs = np.flatnonzero((w.hist.assist[m] > 0) & (heads >= 0))
        pids = heads[hs]
        cols = person_cols(w, c, pids)
        ac = area_cols(w, hs, m)
        cols["certificate_no"] = concat("MZ", ac["county_code"], zpad(hs, 8))
        typ = np.where(w.hist.assist[m][hs] == 2, 2, np.where(hh["rural"][hs], 1, 0))
        cols["assistance_type"] = lookup(encode(c, "assistance_type", [
            "urban_dibao", "rural_dibao", "tekun"]), typ)
        cols["dibao_class"] = lookup(encode(c, "dibao_class", ["A", "B", "C"]),
                                     dibao_class(w, m, hs))
        cols["covered_persons"] = s(w.hist.size[m][hs].astype(np.int64))
        cols["monthly_amount_fen"] = fmt_yuan(w.hist.assist_fen[m][hs])
        st = starts[m][hs]
        approved = np.where(st < 0, past[hs], w.starts_of(st) + day[hs])
        cols["approval_date"] = fmt_date(approved, "%Y/%-m/%-d")
        cols["county_code"] = ac["county_code"]
        cols["township_name"] = s(towns.reindex(ac["township_code"].to_numpy(
            zero_copy_only=False)).to_numpy())
        cols["village_code"] = ac["village_code"]
        cols["phone"] = phone_text(w.p["phone"][pids])
        cols["bank_account"] = bank_text(w.p["bank"][pids])
        yield Extract("civil_affairs", w.cfg.period(m), cols, pids.astype(np.int64),
                      notes={"household_id": hs.astype(np.int64)},
                      date_fields={"approval_date": ("%Y/%-m/%-d", "%Y-%m-%d")})

