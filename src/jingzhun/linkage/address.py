"""Addresses compared through the administrative hierarchy, and as normalised text.

Codes: county 6 digits, township 9, village 12; each is a prefix of the next, so a missing
county or township code is filled from the finer one (:func:`complete_codes`). Two records are
compared at the finest level they share (:func:`admin_level`): ``village`` → ``township`` →
``county`` → ``different`` (``None`` when either side has no code at all).

Text: autonomous divisions have a full and a short name — 威宁彝族回族苗族自治县 is 威宁县,
黔东南苗族侗族自治州 is 黔东南州, 广西壮族自治区 is 广西, 石门彝族苗族乡 is 石门乡.
:func:`short_admin_name` strips the ethnic-autonomy part of one name; :func:`address_key`
normalises a whole address (traditional→simplified, spaces and punctuation removed, autonomy
parts stripped, leading province and prefecture dropped, 三组 → 3组) so that two spellings of
the same address compare equal.

>>> short_admin_name("威宁彝族回族苗族自治县")
'威宁县'
>>> a = address_key("贵州省毕节市威宁彝族回族苗族自治县雪山镇光明村三组")
>>> a, a == address_key("威宁县雪山镇光明村3组")
('威宁县雪山镇光明村3组', True)
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.linkage._arrays import ArrayLike, as_array, map_distinct

#: The 55 minority nationalities as used in division names (without 族), longest first.
ETHNIC_GROUPS = sorted(
    [
        "壮", "回", "满", "维吾尔", "苗", "彝", "土家", "藏", "蒙古", "侗",
        "布依", "瑶", "白", "朝鲜", "哈尼", "黎", "哈萨克", "傣", "畲", "傈僳",
        "东乡", "仡佬", "拉祜", "佤", "水", "纳西", "羌", "土", "仫佬", "锡伯",
        "柯尔克孜", "景颇", "达斡尔", "撒拉", "布朗", "毛南", "塔吉克", "普米", "阿昌", "怒",
        "鄂温克", "京", "基诺", "德昂", "保安", "俄罗斯", "裕固", "乌孜别克", "门巴", "鄂伦春",
        "独龙", "赫哲", "高山", "珞巴", "塔塔尔",
    ],
    key=len,
    reverse=True,
)
# 维吾尔 is written without 族 in 新疆维吾尔自治区.
_ETH = "(?:(?:" + "|".join(ETHNIC_GROUPS) + ")族|维吾尔)"
_HAN = "[\u4e00-\u9fff]"

_SHORT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(.+?){_ETH}*自治区$"), r"\1"),  # 广西壮族自治区 → 广西
    (re.compile(rf"^(.+?){_ETH}*自治(县|州|旗)$"), r"\1\2"),  # 威宁…自治县 → 威宁县
    (re.compile(rf"^(.+?)(?:{_ETH}+|民族)(乡|镇)$"), r"\1\2"),  # 石门彝族苗族乡 → 石门乡
]
_IN_TEXT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_ETH}*自治区"), ""),
    (re.compile(rf"{_ETH}*自治(?=县|州|旗)"), ""),
    (re.compile(rf"(?:{_ETH}+|民族)(?=乡)"), ""),
]
_PROVINCE_RE = re.compile(
    rf"^(?:{_HAN}{{2,3}}省|内蒙古|广西|西藏|宁夏|新疆|北京市|天津市|上海市|重庆市)"
)
_PREFECTURE_RE = re.compile(rf"^{_HAN}{{2,4}}?(?:市|州|地区|盟)(?={_HAN}{{1,6}}?(?:县|区|市|旗))")
_PUNCT_RE = re.compile(r"[\s\u3000,，、.。·\-—_()（）#＃:：;；\"'“”]+")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_NUMBER_RE = re.compile(
    r"([〇零一二两三四五六七八九十]{1,3})(?=组|号|栋|幢|单元|楼|层|队|社|排)"
)


def short_admin_name(name: str) -> str:
    """The short name of a division: the ethnic-autonomy part removed; others unchanged.

    >>> [short_admin_name(n) for n in ["黔东南苗族侗族自治州", "三都水族自治县", "广西壮族自治区",
    ...  "新疆维吾尔自治区", "石门彝族苗族乡", "雪山镇", "印江土家族苗族自治县"]]
    ['黔东南州', '三都县', '广西', '新疆', '石门乡', '雪山镇', '印江县']
    """
    for pattern, repl in _SHORT_RULES:
        if pattern.match(name):
            return pattern.sub(repl, name)
    return name


def _cn_number(text: str) -> str:
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0))
        return str(value)
    return "".join(str(_CN_DIGITS[c]) for c in text)


def address_key(address: str) -> str:
    """Normalised address text for equality (see the module doc); '' if nothing is left.

    >>> address_key("貴州省 黔東南苗族侗族自治州 雷山縣 西江鎮 十二組")
    '雷山县西江镇12组'
    """
    from jingzhun.linkage.chinese import to_simplified

    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in address)
    text = to_simplified(_PUNCT_RE.sub("", text))
    for pattern, repl in _IN_TEXT_RULES:
        text = pattern.sub(repl, text)
    text = _PROVINCE_RE.sub("", text)
    text = _PREFECTURE_RE.sub("", text)
    return _CN_NUMBER_RE.sub(lambda m: _cn_number(m.group(1)), text)


def address_keys(values: ArrayLike) -> pa.Array:
    """Vectorised :func:`address_key` (empty → null)."""
    return map_distinct(values, lambda v: address_key(v) or None)


class AdminCodes(NamedTuple):
    county: pa.Array
    township: pa.Array
    village: pa.Array


def complete_codes(
    county: ArrayLike | None, township: ArrayLike | None, village: ArrayLike | None
) -> AdminCodes:
    """Fill a missing county (6) or township (9) code from the finer code's prefix.

    >>> c = complete_codes([None], [None], ["520526104201"])
    >>> c.county.to_pylist(), c.township.to_pylist()
    (['520526'], ['520526104'])
    """
    n = next((len(as_array(x)) for x in (county, township, village) if x is not None), 0)
    null = pa.nulls(n, pa.string())

    def col(x: ArrayLike | None, width: int) -> pa.Array:
        if x is None:
            return null
        arr = as_array(x)
        ok = pc.fill_null(pc.match_substring_regex(arr, rf"^\d{{{width}}}$"), False)
        return pc.if_else(ok, arr, pa.scalar(None, pa.string()))

    vil = col(village, 12)
    town = pc.coalesce(col(township, 9), pc.utf8_slice_codeunits(vil, 0, 9))
    cty = pc.coalesce(col(county, 6), pc.utf8_slice_codeunits(town, 0, 6))
    return AdminCodes(cty, town, vil)


VILLAGE, TOWNSHIP, COUNTY, DIFFERENT = "village", "township", "county", "different"


def admin_level(left: tuple[str | None, ...], right: tuple[str | None, ...]) -> str | None:
    """Finest shared level of two (county, township, village) code triples.

    >>> admin_level(("520526", "520526104", "520526104201"), ("520526", "520526104", None))
    'township'
    >>> admin_level(("520526", None, None), ("520527", None, None))
    'different'
    """
    names = (COUNTY, TOWNSHIP, VILLAGE)
    if left[0] is None or right[0] is None:
        return None
    for i in (2, 1, 0):
        if left[i] is not None and left[i] == right[i]:
            return names[i]
    return DIFFERENT


def admin_levels(left: AdminCodes, right: AdminCodes) -> pa.Array:
    """Vectorised :func:`admin_level` over completed code columns."""

    def eq(a: pa.Array, b: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(pc.equal(a, b), False).to_numpy(zero_copy_only=False))

    present = np.asarray(
        pc.and_(pc.is_valid(left.county), pc.is_valid(right.county)).to_numpy(
            zero_copy_only=False
        )
    )
    code = np.select(
        [eq(left.village, right.village), eq(left.township, right.township),
         eq(left.county, right.county)],
        [0, 1, 2],
        default=3,
    )
    code = np.where(present, code, 4)
    return pa.array([VILLAGE, TOWNSHIP, COUNTY, DIFFERENT, None], pa.string()).take(
        pa.array(code)
    )
