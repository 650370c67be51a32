"""Chinese name keys: pinyin (polyphonic surnames), simplified/shape folding, similarity."""

from __future__ import annotations

import pytest

from jingzhun.linkage.chinese import (
    clean_name,
    fuzzy_pinyin,
    given_name_keys,
    name_fold_key,
    name_fold_keys,
    name_keys_table,
    pinyin_equal,
    pinyin_key,
    pinyin_keys,
    pinyin_similarities,
    pinyin_similarity,
    simplified_keys,
    split_name,
    surname_keys,
    to_simplified,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张伟", "zhang wei"),
        ("张玮", "zhang wei"),  # homophone
        ("張偉", "zhang wei"),  # traditional
        ("单田芳", "shan tian fang"),  # 单 as a surname is shan, not dan
        ("曾国藩", "zeng guo fan"),  # not ceng
        ("仇英", "qiu ying"),  # not chou
        ("区家明", "ou jia ming"),  # not qu
        ("解缙", "xie jin"),  # not jie
        ("查良镛", "zha liang yong"),  # not cha
        ("朴正熙", "piao zheng xi"),  # not pu
        ("欧阳修", "ou yang xiu"),  # compound surname
        ("尉迟恭", "yu chi gong"),  # compound surname with its own reading
        ("吕丽", "lv li"),  # ü written v
        ("买买提·艾力", "mai mai ti ai li"),  # middle dot dropped
        ("Li Ming", "liming"),  # Latin letters kept as one token
        ("", ""),
    ],
)
def test_pinyin_key(name, expected):
    assert pinyin_key(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("張偉", "张伟"), ("鄭國強", "郑国强"), ("劉德華", "刘德华"), ("陳建國", "陈建国"),
     ("张伟", "张伟"), ("龍", "龙")],
)
def test_to_simplified(name, expected):
    assert to_simplified(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("玉明", "王明"),  # 王/玉
        ("王明", "王明"),
        ("李已芳", "李己芳"),  # 己/已/巳
        ("李巳芳", "李己芳"),
        ("張偉", "张伟"),  # traditional folded before shapes
        ("佘华", "余华"),  # 余/佘
        ("贯平", "贾平"),  # 贾/贯 (and 平/乎 stays 平)
        ("沉 洁", "沈洁"),
    ],
)
def test_name_fold_key(name, expected):
    assert name_fold_key(name) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("张伟", "张玮", True), ("张伟", "章伟", True), ("张伟", "张伟", True),
     ("张伟", "王伟", False), ("王明", "玉明", False), ("张伟", None, None)],
)
def test_pinyin_equal(a, b, expected):
    assert pinyin_equal(a, b) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("张伟", "张玮", 1.0), ("刘英", "牛英", 0.917), ("张伟", "王伟", 0.884),
     ("陈建国", "陈建军", 0.938), ("李明", "李敏", 0.971), ("张伟", None, None)],
)
def test_pinyin_similarity(a, b, expected):
    got = pinyin_similarity(a, b)
    assert (got if got is None else round(got, 3)) == expected


@pytest.mark.parametrize(
    ("pinyin", "expected"),
    [("niu ying", "liu yin"), ("cheng jian guo", "cen jian guo"), ("zhang san", "zan san"),
     ("shi", "si"), ("zhong hong", "zong hong"), ("li ming", "li min"), ("na", "la"),
     ("n", "n"), ("liming", "limin")],
)
def test_fuzzy_pinyin(pinyin, expected):
    assert fuzzy_pinyin(pinyin) == expected


@pytest.mark.parametrize(
    ("name", "surname", "given"),
    [("张伟", "张", "伟"), ("欧阳修", "欧阳", "修"), ("司马相如", "司马", "相如"),
     ("欧阳", "欧", "阳"), ("王", "王", "")],
)
def test_split_name(name, surname, given):
    assert tuple(split_name(name)) == (surname, given)


def test_clean_name():
    assert clean_name(" 买买提 · 艾力 ") == "买买提艾力"
    assert clean_name("ＬＩ　Ｍｉｎｇ") == "liming"


def test_vectorised_forms_match_scalars_and_keep_nulls():
    names = ["张伟", None, "張偉", "", "单田芳", "张伟"]
    assert pinyin_keys(names).to_pylist() == [
        "zhang wei", None, "zhang wei", None, "shan tian fang", "zhang wei"]
    assert name_fold_keys(names).to_pylist() == ["张伟", None, "张伟", None, "单田芳", "张伟"]
    assert simplified_keys(names).to_pylist() == ["张伟", None, "张伟", None, "单田芳", "张伟"]
    assert surname_keys(names).to_pylist() == ["张", None, "张", None, "单", "张"]
    assert given_name_keys(names).to_pylist() == ["伟", None, "伟", None, "田芳", "伟"]
    table = name_keys_table(names)
    assert table["pinyin_fuzzy"].to_pylist()[4] == "san tian fan"
    assert table["surname_pinyin"].to_pylist()[4] == "shan"
    sims = pinyin_similarities(["张伟", "刘英", None], ["张玮", "牛英", "王"]).to_pylist()
    assert [None if s is None else round(s, 3) for s in sims] == [1.0, 0.917, None]
