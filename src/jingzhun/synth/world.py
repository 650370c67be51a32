"""The generated province in one object: areas, households, persons, their history, and the
identifiers every department uses (ID numbers, household numbers, phones, bank accounts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.geo import neighbour_county_codes
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.events import History
import pyarrow.compute as pc

from jingzhun.synth.extract import concat, ids_text, s, zpad
from jingzhun.synth.frame import Frame, group_rank
from jingzhun.synth.idnumbers import birth_area_codes, make_ids, spread_overflow
from jingzhun.synth.rng import substream


@dataclass
class World:
    cfg: SynthConfig
    div: pd.DataFrame
    towns: pd.DataFrame
    villages: pd.DataFrame
    hh: Frame
    p: Frame
    hist: History
    hm: dict[str, np.ndarray]
    roll_errors: pd.DataFrame
    over_county: int
    info: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ derived lookups
    @property
    def M(self) -> int:
        return self.cfg.months

    def month_start(self, m: int) -> np.datetime64:
        q = self.cfg.period(m)
        return np.datetime64(f"{q[:4]}-{q[4:]}-01", "D")

    def month_end(self, m: int) -> np.datetime64:
        return self.month_start(m + 1) - np.timedelta64(1, "D")

    def starts_of(self, months: np.ndarray) -> np.ndarray:
        """First day of each simulation month in ``months`` (clipped to the window)."""
        if "_starts" not in self.info:
            self.info["_starts"] = np.array([self.month_start(m) for m in range(self.M + 1)],
                                            dtype="datetime64[D]")
        return self.info["_starts"][np.clip(np.asarray(months, np.int64), 0, self.M)]

    def village_of(self, hh_idx: np.ndarray, m: int) -> np.ndarray:
        """Village index of households in month ``m`` (after relocations)."""
        return self.hist.village[min(max(m, 0), self.M - 1)][hh_idx]

    def text(self, key: str) -> pa.Array:
        """Cached arrow text columns: name, id (persons); household_no (households);
        village_code, township_code, county_code, village_name (villages)."""
        ck = f"_text_{key}"
        if ck not in self.info:
            if key == "name":
                val = pa.array(self.p["name"], pa.string())
            elif key == "id":
                val = ids_text(self.p["id18"])
            elif key == "household_no":
                val = pa.array(self.hh["household_no"], pa.string())
            else:
                val = pa.array(self.villages[key].to_numpy(), pa.string())
            self.info[ck] = val
        return self.info[ck]

    def county_index(self, v: np.ndarray) -> np.ndarray:
        """County row (in ``div``) of villages ``v``."""
        if "_cidx" not in self.info:
            self.info["_cidx"] = pd.Index(self.div["county_code"]).get_indexer(
                self.villages["county_code"])
        return self.info["_cidx"][np.asarray(v, np.int64)]

    def county_text(self, key: str) -> pa.Array:
        """county_name / prefecture_name / county_code of the 88 counties (div order)."""
        return pa.array(self.div[key].to_numpy(), pa.string())

    def codes_of_village(self, v: np.ndarray) -> dict[str, pa.Array]:
        idx = pa.array(np.asarray(v, np.int64))
        return {k: self.text(k).take(idx) for k in ("village_code", "township_code",
                                                     "county_code")}

    def alive(self, m: int) -> np.ndarray:
        """Persons born by and alive through month ``m`` (cached per month)."""
        key = f"_alive_{m}"
        if key not in self.info:
            p = self.p
            self.info[key] = (p["born_month"] <= m) & ((p["death_month"] < 0)
                                                       | (p["death_month"] > m))
        return self.info[key]

    def _address_for(self, hh_idx: np.ndarray, v: np.ndarray) -> pa.Array:
        vil = self.villages
        pref = self.div.set_index("county_code")["prefecture_name"]
        cname = self.div.set_index("county_code")["county_name"]
        tn = self.towns.set_index("township_code")["township_name"]
        vt = vil["township_code"].to_numpy()
        vc = vil["county_code"].to_numpy()
        # one prefix per village ("贵州省…村"), then taken per household
        prefix = concat("贵州省", s(pref.reindex(vc).to_numpy()), s(cname.reindex(vc).to_numpy()),
                        s(tn.reindex(vt).to_numpy()), s(vil["village_name"].to_numpy()))
        return concat(prefix.take(pa.array(np.asarray(v, np.int64))),
                      s(self.hh["group_no"][hh_idx].astype(np.int64)), "组",
                      s(self.hh["house_no"][hh_idx].astype(np.int64)), "号")

    def address(self, hh_idx: np.ndarray, m: int) -> pa.Array:
        """"贵州省X市Y县Z镇W村N组K号" of households in month ``m`` (after relocations)."""
        if "_addr0" not in self.info:
            allh = np.arange(self.hh.n)
            self.info["_addr0"] = self._address_for(allh, self.hist.village[0])
            moved = np.flatnonzero(self.hh["relocate_month"] >= 0)
            self.info["_addr_moved"] = self._address_for(moved, self.hist.village[-1][moved])
            pos = np.full(self.hh.n, -1)
            pos[moved] = np.arange(moved.size)
            self.info["_addr_pos"] = pos
        hh_idx = np.asarray(hh_idx, np.int64)
        out = self.info["_addr0"].take(pa.array(hh_idx))
        rm = self.hh["relocate_month"][hh_idx]
        sel = (rm >= 0) & (rm <= m)
        if sel.any():
            repl = self.info["_addr_moved"].take(pa.array(self.info["_addr_pos"][hh_idx[sel]]))
            out = pc.replace_with_mask(out, pa.array(sel), repl)
        return out


def assign_identifiers(cfg: SynthConfig, w_hh: Frame, p: Frame, div: pd.DataFrame,
                       villages: pd.DataFrame, towns: pd.DataFrame) -> None:
    """ID numbers (birth-registration area), household numbers, house numbers, phones, bank
    accounts, medical insurance numbers; in place."""
    rng = substream(cfg.seed, "identifiers")
    P = p.n
    h = p["household"]
    cur = div["county_code"].to_numpy()[w_hh["county"]][h]
    # 5 % of in-marrying spouses / parents born in another Guizhou county, 2 % of spouses in a
    # neighbouring province (ours)
    other_gz = np.isin(p["relation"], [1, 4, 7]) & (rng.random(P) < 0.08)
    cur = np.where(other_gz, div["county_code"].to_numpy()[rng.integers(0, len(div), P)], cur)
    nb = np.array(neighbour_county_codes())
    out_prov = (p["relation"] == 1) & (rng.random(P) < 0.03)
    cur = np.where(out_prov, nb[rng.integers(0, len(nb), P)], cur)
    area = spread_overflow(birth_area_codes(cur.astype("S6"), p["birth"]), p["birth"], p["male"])
    p["birth_area"] = area
    p["id18"] = make_ids(rng, area, p["birth"], p["male"])
    # phones for people 16+ (some shared in the household), bank accounts for adults
    age_end = (np.datetime64(cfg.start + "-01", "D") - p["birth"]).astype(np.int64) / 365.25
    has_phone = (age_end >= 16) & (rng.random(P) < 0.92)
    prefix = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157,
                       158, 159, 177, 180, 182, 183, 185, 186, 187, 188, 189, 199])
    ph = prefix[rng.integers(0, len(prefix), P)].astype(np.int64) * 10**8 + rng.integers(
        0, 10**8, P)
    p["phone"] = np.where(has_phone, ph, 0).astype(np.int64)
    p["bank"] = np.where(age_end >= 18, rng.integers(1, 10**15, P), 0).astype(np.int64)
    # household numbers: township code + 5-digit sequence in the township
    vt = villages["township_code"].to_numpy()[w_hh["village"]]
    order = np.argsort(vt, kind="stable")
    seq = np.empty(w_hh.n, np.int64)
    seq[order] = group_rank(vt[order]) + 1
    w_hh["household_no"] = (vt.astype(object) + np.char.zfill(seq.astype(str), 5).astype(object))
    w_hh["house_no"] = (1 + rng.integers(0, 120, w_hh.n)).astype(np.int16)
    # medical insurance person numbers: 52 + 14 digits
    p["insured_no"] = rng.permutation(P).astype(np.int64) + 52_0000_0000_0000_00


def phone_text(phone: np.ndarray) -> pa.Array:
    a = s(phone)
    import pyarrow.compute as pc
    return pc.if_else(pa.array(phone == 0), pa.nulls(len(phone), pa.string()), a)


def bank_text(bank: np.ndarray) -> pa.Array:
    import pyarrow.compute as pc
    return pc.if_else(pa.array(bank == 0), pa.nulls(len(bank), pa.string()),
                      concat("6217", zpad(bank % 10**15, 15)))
