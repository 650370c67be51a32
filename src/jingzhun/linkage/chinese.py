"""Chinese-aware keys for comparing personal names.

The same villager is written 张伟, 張偉 (traditional), 张玮 (homophone), 弓长伟 … across a dozen
extracts. Each function here turns a name into a *key* on which equality means something, so
that Splink's comparisons can be plain SQL equality over precomputed columns:

- :func:`to_simplified` — traditional → simplified (OpenCC ``t2s``, offline dictionaries);
- :func:`name_fold_key` — simplified, then every character shape-folded (形近字, :mod:`.shapes`);
- :func:`pinyin_key` — tone-less pinyin, syllables separated by spaces, with the *surname*
  reading of polyphonic surnames (单 shan, 曾 zeng, 仇 qiu, 区 ou, 解 xie …);
- :func:`fuzzy_pinyin` — pinyin with the mergers of south-western Mandarin folded
  (n/l, zh/z, ch/c, sh/s, -ng/-n), as Guizhou speakers hear and clerks write;
- :func:`pinyin_similarity` — Jaro-Winkler similarity of two pinyin keys.

Every ``*_keys`` function is vectorised: it takes any sequence (list, numpy, pandas, arrow),
works once per distinct value and returns a ``pa.string()`` array of the same length.

>>> pinyin_key("张伟") == pinyin_key("张玮") == pinyin_key("張偉")
True
>>> pinyin_key("单田芳"), pinyin_key("曾国藩"), pinyin_key("欧阳修")
('shan tian fang', 'zeng guo fan', 'ou yang xiu')
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)

from jingzhun.linkage._arrays import ArrayLike, map_distinct, map_distinct_pairs
from jingzhun.linkage.shapes import shape_fold

#: Two-character surnames (复姓); a name starting with one of these splits after two characters.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "万俟", "闻人", "轩辕",
        "呼延", "澹台", "公冶", "太史", "申屠", "钟离", "单于", "百里", "东郭", "西门",
        "第五", "公羊", "赫连", "拓跋", "濮阳", "淳于", "仲孙", "宗政", "鲜于", "闾丘",
        "司空", "亓官", "司寇", "子车", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父",
        "谷梁", "段干", "左丘", "东门", "梁丘", "羊舌", "微生", "公西", "呼衍",
    ]
)

#: Surname readings that differ from the character's everyday reading (姓氏异读).
SURNAME_PINYIN: dict[str, str] = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "区": "ou", "解": "xie", "查": "zha",
    "朴": "piao", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai",
    "种": "chong", "秘": "bi", "员": "yun", "尉": "yu", "句": "gou", "华": "hua",
    "任": "ren", "沈": "shen", "石": "shi", "过": "guo", "宿": "su", "燕": "yan",
    "隗": "wei", "冼": "xian", "阚": "kan", "柏": "bai", "车": "che", "纪": "ji",
    "折": "she", "召": "shao", "能": "nai", "黑": "he", "逄": "pang", "那": "na",
    "繁": "po", "蕃": "pi", "褚": "chu", "长": "chang", "重": "chong", "相": "xiang",
    "薄": "bo", "藏": "zang", "禚": "zhuo", "曲": "qu", "贲": "ben", "臧": "zang",
    "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "单于": "chan yu",
    "澹台": "tan tai", "令狐": "ling hu", "乐正": "yue zheng", "宰父": "zai fu",
}

_DROP_RE = re.compile(r"[\s\u00b7\u2022\u30fb\uff65.\uff0e\-_,，、]+")


class NameParts(NamedTuple):
    surname: str
    given: str


@lru_cache(maxsize=1)
def _opencc():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def clean_name(name: str) -> str:
    """Spaces, middle dots and punctuation removed; full-width ASCII folded; lower-cased.

    >>> clean_name(" 买买提·艾力 "), clean_name("ＬＩ Ｍｉｎｇ")
    ('买买提艾力', 'liming')
    """
    name = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in name)
    return _DROP_RE.sub("", name).lower()


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``; works offline).

    >>> to_simplified("張偉"), to_simplified("鄭國強"), to_simplified("张伟")
    ('张伟', '郑国强', '张伟')
    """
    return str(_opencc().convert(text))


def split_name(name: str) -> NameParts:
    """Surname and given name: a known two-character surname (复姓) or the first character.

    >>> split_name("欧阳修"), split_name("张伟")
    (NameParts(surname='欧阳', given='修'), NameParts(surname='张', given='伟'))
    """
    name = clean_name(name)
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return NameParts(name[:2], name[2:])
    return NameParts(name[:1], name[1:])


@lru_cache(maxsize=65536)
def _char_pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(ch, style=Style.NORMAL, errors="default")
    return out[0] if out else ch


_ASCII_RUN_RE = re.compile(r"[a-z0-9]+|.", re.DOTALL)


def _pinyin_of_chars(text: str) -> list[str]:
    """One syllable per Chinese character; a run of ASCII letters/digits stays one token."""
    return [tok if tok.isascii() else _char_pinyin(tok) for tok in _ASCII_RUN_RE.findall(text)]


def pinyin_key(name: str) -> str:
    """Tone-less pinyin of a name, syllables space-separated; ü is written ``v``.

    The surname (first one or two characters) takes its surname reading; other characters take
    their most common reading, one character at a time (so equal characters always give equal
    syllables, whatever their neighbours). Non-Chinese characters pass through lower-cased.

    >>> pinyin_key("仇英"), pinyin_key("区家明"), pinyin_key("解缙"), pinyin_key("吕丽")
    ('qiu ying', 'ou jia ming', 'xie jin', 'lv li')
    >>> pinyin_key("Li Ming"), pinyin_key("阿依古丽·吐尔逊")
    ('liming', 'a yi gu li tu er xun')
    """
    name = to_simplified(clean_name(name))
    if not name or name.isascii():
        return name
    surname, given = split_name(name)
    return " ".join(filter(None, _pinyin_parts(surname, given)))


def _pinyin_parts(surname: str, given: str) -> tuple[str, str]:
    head = SURNAME_PINYIN.get(surname)
    return head or " ".join(_pinyin_of_chars(surname)), " ".join(_pinyin_of_chars(given))


def name_fold_key(name: str) -> str:
    """Simplified and shape-folded name: 張偉 → 张伟, 玉明 → 王明, 李已 → 李己.

    >>> name_fold_key("張偉"), name_fold_key("玉明"), name_fold_key("余 华")
    ('张伟', '王明', '余华')
    """
    return shape_fold(to_simplified(clean_name(name)))


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (jellyfish; prefix scale 0.1, like DuckDB's)."""
    import jellyfish

    return float(jellyfish.jaro_winkler_similarity(a, b))


def pinyin_similarity(a: str | None, b: str | None) -> float | None:
    """Jaro-Winkler similarity of the pinyin keys of two names (None if either is missing).

    >>> pinyin_similarity("张伟", "张玮")
    1.0
    >>> round(pinyin_similarity("刘英", "牛英"), 3), round(pinyin_similarity("张伟", "王伟"), 3)
    (0.917, 0.884)
    """
    if a is None or b is None:
        return None
    return jaro_winkler(pinyin_key(a), pinyin_key(b))


def pinyin_equal(a: str | None, b: str | None) -> bool | None:
    """True if the names read the same (homophones such as 张伟/张玮).

    >>> pinyin_equal("张伟", "张玮"), pinyin_equal("张伟", "章伟"), pinyin_equal("张伟", "王伟")
    (True, True, False)
    """
    if a is None or b is None:
        return None
    return pinyin_key(a) == pinyin_key(b)


class NameKeys(NamedTuple):
    """Every key of one name (see :func:`name_keys`); '' where nothing is left."""

    name: str
    fold: str
    pinyin: str
    pinyin_fuzzy: str
    surname_fold: str
    given_fold: str
    surname_pinyin: str
    given_pinyin: str


def name_keys(name: str) -> NameKeys:
    """All keys of a name at once, split into surname and given name where useful.

    >>> k = name_keys("單 田芳")
    >>> k.name, k.fold, k.pinyin, k.pinyin_fuzzy, k.surname_fold, k.given_pinyin
    ('單田芳', '单田芳', 'shan tian fang', 'san tian fan', '单', 'tian fang')
    """
    clean = clean_name(name)
    simple = to_simplified(clean)
    if simple.isascii():
        return NameKeys(clean, simple, simple, simple, "", "", "", "")
    surname, given = split_name(simple)
    s_py, g_py = _pinyin_parts(surname, given)
    pinyin = " ".join(filter(None, (s_py, g_py)))
    return NameKeys(
        clean, shape_fold(simple), pinyin, fuzzy_pinyin(pinyin),
        shape_fold(surname), shape_fold(given), s_py, g_py,
    )


def name_keys_table(values: ArrayLike) -> pa.Table:
    """Vectorised :func:`name_keys`: one string column per key, nulls where empty."""
    from jingzhun.linkage._arrays import as_array

    arr = as_array(values)
    enc = pa.compute.dictionary_encode(arr)
    keys = [name_keys(v) for v in enc.dictionary.to_pylist()]
    columns = {}
    for i, field in enumerate(NameKeys._fields):
        distinct = pa.array([k[i] or None for k in keys], type=pa.string())
        columns[field] = distinct.take(enc.indices)
    return pa.table(columns)


# --- vectorised forms --------------------------------------------------------------------


def _empty_to_none(fn):  # type: ignore[no-untyped-def]
    def wrapped(value: str) -> str | None:
        out = fn(value)
        return out or None

    return wrapped


def simplified_keys(values: ArrayLike) -> pa.Array:
    """Vectorised :func:`to_simplified` of :func:`clean_name` (empty → null)."""
    return map_distinct(values, _empty_to_none(lambda v: to_simplified(clean_name(v))))


def name_fold_keys(values: ArrayLike) -> pa.Array:
    """Vectorised :func:`name_fold_key` (empty → null)."""
    return map_distinct(values, _empty_to_none(name_fold_key))


def pinyin_keys(values: ArrayLike) -> pa.Array:
    """Vectorised :func:`pinyin_key` (empty → null)."""
    return map_distinct(values, _empty_to_none(pinyin_key))


def surname_keys(values: ArrayLike) -> pa.Array:
    """Vectorised surname (after simplification), per :func:`split_name`."""
    return map_distinct(values, _empty_to_none(lambda v: split_name(to_simplified(v)).surname))


def given_name_keys(values: ArrayLike) -> pa.Array:
    """Vectorised given name (after simplification), per :func:`split_name`."""
    return map_distinct(values, _empty_to_none(lambda v: split_name(to_simplified(v)).given))


def pinyin_similarities(left: ArrayLike, right: ArrayLike) -> pa.Array:
    """Vectorised :func:`pinyin_similarity` over two aligned arrays (``float64``)."""
    return map_distinct_pairs(left, right, pinyin_similarity, pa.float64())


# --- dialect-folded pinyin ------------------------------------------------------------------

_RETROFLEX = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def _fuzzy_syllable(syl: str) -> str:
    for retro, flat in _RETROFLEX:
        if syl.startswith(retro):
            syl = flat + syl[2:]
            break
    else:
        if syl.startswith("n") and len(syl) > 1:
            syl = "l" + syl[1:]
    if syl.endswith("ng") and not syl.endswith("ong") and len(syl) > 2:
        syl = syl[:-1]
    return syl


def fuzzy_pinyin(pinyin: str) -> str:
    """A pinyin key with the mergers of south-western Mandarin folded: n/l, zh/z, ch/c,
    sh/s and -ng/-n (so 刘/牛, 陈/程, 李宁/李玲 agree); -ong stays.

    >>> fuzzy_pinyin("niu ying"), fuzzy_pinyin("cheng jian guo"), fuzzy_pinyin("zhong")
    ('liu yin', 'cen jian guo', 'zong')
    """
    return " ".join(_fuzzy_syllable(s) if s.isalpha() else s for s in pinyin.split(" "))
