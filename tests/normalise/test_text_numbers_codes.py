"""Names, strings, money, numbers and code lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingzhun.normalise import (
    fold_fullwidth,
    map_codes,
    normalise_area_codes,
    normalise_names,
    normalise_strings,
    parse_decimals,
    parse_integers,
    parse_money_fen,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 张 三 ", "张三"),
        ("张\u3000三", "张三"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提 • 艾力", "买买提·艾力"),
        ("阿依古丽・吐尔逊", "阿依古丽·吐尔逊"),
        ("扎西．多吉", "扎西·多吉"),
        ("ＡＢＣ", "ABC"),
        ("\ufeff李四\u200b", "李四"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_names(raw, expected):
    assert normalise_names([raw]).to_pylist() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 南明区 某路 1号 ", "南明区 某路 1号"), ("ＡＢ１２", "AB12"), ("\u3000x\u3000", "x"),
     ("  ", None), (None, None)],
)
def test_normalise_strings(raw, expected):
    assert normalise_strings([raw]).to_pylist() == [expected]


def test_fold_fullwidth_keeps_chinese_and_nulls():
    assert fold_fullwidth(["（１）号，", "中文", None]).to_pylist() == ["(1)号,", "中文", None]


@pytest.mark.parametrize(
    ("raw", "fen", "invalid"),
    [
        ("1234.50", 123450, False),
        ("1,234.50", 123450, False),
        ("¥1234.5", 123450, False),
        ("￥1,234", 123400, False),
        ("１２３４．５", 123450, False),
        ("3元", 300, False),
        ("RMB 12.30", 1230, False),
        ("-0.07", -7, False),
        ("+5", 500, False),
        (".5", 50, False),
        ("0.1", 10, False),
        ("12.345", None, True),  # more than 2 decimals
        ("1.000", None, True),
        ("1,23.4", None, True),  # bad thousands separator
        ("abc", None, True),
        ("-", None, True),
        ("99999999999999999", None, True),  # would overflow
        ("", None, False),
        (None, None, False),
    ],
)
def test_money(raw, fen, invalid):
    r = parse_money_fen([raw])
    assert r.values.to_pylist() == [fen]
    assert r.invalid.tolist() == [invalid]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from([0, 1, 2]))
def test_money_exact_for_any_amount(fen, decimals):
    yuan, cents = divmod(abs(fen), 100)
    sign = "-" if fen < 0 else ""
    if decimals == 0:
        fen = (abs(fen) // 100) * 100 * (-1 if fen < 0 else 1)
        text = f"{sign}{yuan}"
    elif decimals == 1:
        fen = (abs(fen) // 10) * 10 * (-1 if fen < 0 else 1)
        text = f"{sign}{yuan}.{cents // 10}"
    else:
        text = f"{sign}{yuan}.{cents:02d}"
    if fen == 0:
        text = text.lstrip("-")
    assert parse_money_fen([text, f"{sign}{yuan:,}" + text[len(sign + str(yuan)):]]
                           ).values.to_pylist() == [fen, fen]


@pytest.mark.parametrize(
    ("raw", "value", "invalid"),
    [("12", 12, False), ("1,200", 1200, False), ("12.0", 12, False), ("-3", -3, False),
     ("1.5", None, True), ("x", None, True), ("", None, False)],
)
def test_integers(raw, value, invalid):
    r = parse_integers([raw])
    assert r.values.to_pylist() == [value]
    assert r.invalid.tolist() == [invalid]


@pytest.mark.parametrize(
    ("raw", "value", "invalid"),
    [("1.5", 1.5, False), ("1e3", 1000.0, False), ("1,000.25", 1000.25, False),
     ("-.5", -0.5, False), ("x", None, True), (".", None, True), ("", None, False)],
)
def test_decimals(raw, value, invalid):
    r = parse_decimals([raw])
    assert r.values.to_pylist() == [value]
    assert r.invalid.tolist() == [invalid]


def test_codes_after_trimming_and_folding():
    r = map_codes(["1", " ２ ", "9", "x", "", None], {1: "male", "2": "female", "9": "unknown"})
    assert r.values.to_pylist() == ["male", "female", "unknown", None, None, None]
    assert r.invalid.tolist() == [False, False, False, True, False, False]
    assert r.keys.to_pylist() == ["1", "2", "9", "x", None, None]


def test_boolean_codes():
    r = map_codes(["是", "否", "不详"], {"是": True, "否": False})
    assert r.values.to_pylist() == [True, False, None]
    assert r.invalid.tolist() == [False, False, True]


def test_area_codes():
    r = normalise_area_codes(["520102", "520102001", "520102001001", "52010", "52010a", ""])
    assert r.values.to_pylist() == ["520102", "520102001", "520102001001", None, None, None]
    assert r.invalid.tolist() == [False, False, False, True, True, False]
