"""公安户籍 household registry and 村两委 village committee rosters."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.synth.departments.common import (
    area_cols,
    education_col,
    ethnicity_col,
    late_delays,
    null_strings,
    person_cols,
    relation_col,
)
from jingzhun.synth.extract import Extract, encode, fmt_date, load_contract, lookup, s
from jingzhun.synth.rng import substream
from jingzhun.synth.world import World, phone_text

PART_ROWS = 600_000  # the registry stock is written in parts of about this many rows (memory)
POSITIONS = ["party_secretary", "director", "accountant", "women_director", "supervisor",
             "group_leader"]


def _rows(w: World, c: dict, pids: np.ndarray, m: int, change: str,
          change_date: np.ndarray | None, death: np.ndarray | None) -> dict[str, pa.Array]:
    p, hh = w.p, w.hh
    h = p["household"][pids]
    n = pids.size
    cols = person_cols(w, c, pids, "%Y%m%d")
    cols["ethnicity"] = ethnicity_col(c, p["ethnicity"][pids])
    cols["household_no"] = s(hh["household_no"][h])
    cols["relation_to_head"] = relation_col(c, p["relation"][pids])
    cols["hukou_type"] = lookup(encode(c, "hukou_type", ["rural", "urban"]),
                                (~hh["rural"][h]).astype(np.int64))
    cols["education"] = education_col(c, p["education"][pids])
    cols.update(area_cols(w, h, m))
    cols["address"] = w.address(h, m)
    cols["change_type"] = pa.array([encode(c, "change_type", [change])[0]] * n, pa.string())
    cols["change_date"] = (fmt_date(change_date, "%Y%m%d") if change_date is not None
                           else null_strings(n))
    cols["death_date"] = fmt_date(death, "%Y%m%d") if death is not None else null_strings(n)
    return cols


def hukou(w: World) -> Iterator[Extract]:
    """Month 0: every resident (stock). Then births, deaths (some reported late) and moves."""
    c = load_contract("hukou")
    rng = substream(w.cfg.seed, "dept:hukou")
    p = w.p
    M = w.M
    alive0 = w.alive(0) & (p["born_month"] < 0)
    dates = {"birth_date": ("%Y%m%d", "%Y-%m-%d"), "change_date": ("%Y%m%d", "%Y-%m-%d"),
             "death_date": ("%Y%m%d", "%Y-%m-%d")}
    dead = np.flatnonzero(p["death_month"] >= 0)
    d_delay = late_delays(rng, dead.size, w.cfg.defects.late_report)
    d_report = p["death_month"][dead] + d_delay
    born = np.flatnonzero(p["born_month"] >= 0)
    b_delay = late_delays(rng, born.size, w.cfg.defects.late_report)
    b_report = p["born_month"][born] + b_delay
    moves = w.hist.tables.get("moves")
    w.info.setdefault("signals", []).extend([
        pd.DataFrame({"type": "death", "person_id": dead, "month": p["death_month"][dead],
                      "signal_month": d_report}),
        pd.DataFrame({"type": "birth", "person_id": born, "month": p["born_month"][born],
                      "signal_month": b_report})])
    stock = np.flatnonzero(alive0)
    n_parts = max(1, -(-stock.size // PART_ROWS))
    # split between households so that a household's members stay together
    hh_i = p["household"][stock]
    cuts = [0]
    for k in range(1, n_parts):
        i = k * stock.size // n_parts
        while i < stock.size and hh_i[i] == hh_i[i - 1]:
            i += 1
        cuts.append(i)
    cuts.append(stock.size)
    for k in range(n_parts):
        pids = stock[cuts[k]:cuts[k + 1]]
        cols = _rows(w, c, pids, 0, "stock", None, None)
        yield Extract("hukou", w.cfg.period(0), cols, pids.astype(np.int64),
                      date_fields=dates, part=k, last_part=k == n_parts - 1)
    for m in range(1, M):
        parts = []
        bsel = b_report == m
        bp = born[bsel]
        parts.append((bp, "birth", p["birth"][bp], None, b_delay[bsel] > 0))
        dsel = d_report == m
        dp = dead[dsel]
        reg = p["death_date"][dp] + rng.integers(1, 20, dp.size).astype("timedelta64[D]")
        reg = np.minimum(reg, w.month_end(m))
        parts.append((dp, "death", reg, p["death_date"][dp], d_delay[dsel] > 0))
        if moves is not None and len(moves):
            mh = moves.loc[moves["month"] == m, "household"].to_numpy()
            mp = np.flatnonzero(np.isin(p["household"], mh) & w.alive(m))
            day = w.month_start(m) + rng.integers(0, 28, mp.size).astype("timedelta64[D]")
            parts.append((mp, "move", day, None, np.zeros(mp.size, bool)))
        chunks = [_rows(w, c, pids, m, ch, cd, dd) for pids, ch, cd, dd, _ in parts
                  if pids.size]
        if not chunks:
            continue
        cols = (chunks[0] if len(chunks) == 1 else
                {k: pa.concat_arrays([ch[k] for ch in chunks]) for k in chunks[0]})
        pid = np.concatenate([x[0] for x in parts if x[0].size])
        late = np.concatenate([x[4] for x in parts if x[0].size])
        yield Extract("hukou", w.cfg.period(m), cols, pid.astype(np.int64), late=late,
                      late_field="change_date" if m else None, date_fields=dates)


def village_cadres(w: World) -> Iterator[Extract]:
    """村“两委” members, once a year (January of each year in the window, and the start)."""
    c = load_contract("village_cadres")
    rng = substream(w.cfg.seed, "dept:village_cadres")
    p = w.p
    for m in _yearly_months(w):
        pids = np.flatnonzero((p["cadre"] > 0) & w.alive(m))
        cols = person_cols(w, c, pids)
        cols["position"] = lookup(encode(c, "position", POSITIONS), p["cadre"][pids] - 1)
        since = np.datetime64(w.cfg.start + "-01", "D") - (
            rng.integers(60, 3000, pids.size)).astype("timedelta64[D]")
        cols["start_date"] = fmt_date(since, "%Y年%-m月%-d日")
        v = w.village_of(p["household"][pids], m)
        cols["village_code"] = s(w.villages["village_code"].to_numpy()[v])
        cols["village_name"] = s(w.villages["village_name"].to_numpy()[v])
        cols["phone"] = phone_text(p["phone"][pids])
        yield Extract("village_cadres", w.cfg.period(m), cols, pids.astype(np.int64),
                      date_fields={"start_date": ("%Y年%-m月%-d日", "%Y-%m-%d")})


def _yearly_months(w: World) -> list[int]:
    """The start month and every later January in the window."""
    return [m for m in range(w.M) if m == 0 or w.cfg.period(m).endswith("01")]
