"""Addresses: short names of autonomous divisions, normalised text, the code hierarchy."""

from __future__ import annotations

import pytest

from jingzhun.linkage.address import (
    AdminCodes,
    address_key,
    admin_level,
    admin_levels,
    complete_codes,
    short_admin_name,
)


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("威宁彝族回族苗族自治县", "威宁县"),
        ("务川仡佬族苗族自治县", "务川县"),
        ("印江土家族苗族自治县", "印江县"),
        ("三都水族自治县", "三都县"),
        ("松桃苗族自治县", "松桃县"),
        ("黔东南苗族侗族自治州", "黔东南州"),
        ("黔西南布依族苗族自治州", "黔西南州"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("内蒙古自治区", "内蒙古"),
        ("鄂伦春自治旗", "鄂伦春旗"),
        ("石门彝族苗族乡", "石门乡"),
        ("某某民族乡", "某某乡"),
        ("威宁县", "威宁县"),  # already short
        ("雪山镇", "雪山镇"),
        ("水城区", "水城区"),
    ],
)
def test_short_admin_name(full, short):
    assert short_admin_name(full) == short


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("贵州省毕节市威宁彝族回族苗族自治县雪山镇光明村三组", "威宁县雪山镇光明村3组"),
        ("威宁县 雪山镇 光明村 3组", "威宁县雪山镇光明村3组"),
        ("貴州省黔東南苗族侗族自治州雷山縣西江鎮十二組", "雷山县西江镇12组"),
        ("黔东南州雷山县西江镇二十一号", "雷山县西江镇21号"),
        ("威宁县石门彝族苗族乡团结村", "威宁县石门乡团结村"),
    ],
)
def test_address_key_equal(a, b):
    assert address_key(a) == address_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("威宁县雪山镇光明村3组", "威宁县雪山镇光明村4组"), ("威宁县雪山镇", "赫章县雪山镇")],
)
def test_address_key_different(a, b):
    assert address_key(a) != address_key(b)


def test_complete_codes():
    c = complete_codes(["520526", None, None, "52"], [None, "520526104", None, None],
                       [None, None, "520526104201", None])
    assert c.county.to_pylist() == ["520526", "520526", "520526", None]
    assert c.township.to_pylist() == [None, "520526104", "520526104", None]
    assert c.village.to_pylist() == [None, None, "520526104201", None]


V = ("520526", "520526104", "520526104201")
LEVEL_CASES = [
    (V, V, "village"),
    (V, ("520526", "520526104", "520526104202"), "township"),
    (V, ("520526", "520526104", None), "township"),
    (V, ("520526", "520526105", "520526105201"), "county"),
    (V, ("520526", None, None), "county"),
    (V, ("520527", "520527104", "520527104201"), "different"),
    (V, (None, None, None), None),
]


@pytest.mark.parametrize(("left", "right", "expected"), LEVEL_CASES)
def test_admin_level(left, right, expected):
    assert admin_level(left, right) == expected


def test_admin_levels_vectorised_agrees_with_scalar():
    def codes(rows):
        import pyarrow as pa

        return AdminCodes(*(pa.array([r[i] for r in rows], pa.string()) for i in range(3)))

    got = admin_levels(codes([c[0] for c in LEVEL_CASES]), codes([c[1] for c in LEVEL_CASES]))
    assert got.to_pylist() == [c[2] for c in LEVEL_CASES]
