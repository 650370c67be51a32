"""Chinese personal and place names, and the character variants used as linkage defects.

Surname shares: approximate national shares of the most common surnames (Ministry of Public
Security, 2020 household-registry surname report; rounded, approximate), reweighted for
Guizhou minority groups with the surnames frequent among them (ours, from ethnographic
descriptions: Miao 杨/吴/龙/王/潘/张/石, Buyi 王/韦/罗/黄/陆/岑/班/莫, Dong 杨/吴/石/龙/潘/欧/姚,
Tujia 田/向/彭/杨/冉/张/覃, Yi 安/陇/禄/罗/王/李/杨, Shui 韦/蒙/潘/吴, Gelao 王/韩/邹/仡/申).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# (surname, share in %) — national, approximate
HAN_SURNAMES: list[tuple[str, float]] = [
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.0),
    ("赵", 2.0), ("吴", 1.6), ("周", 1.6), ("徐", 1.3), ("孙", 1.2), ("马", 1.2), ("朱", 1.1),
    ("胡", 1.0), ("郭", 1.0), ("何", 0.9), ("林", 0.9), ("高", 0.9), ("罗", 0.9), ("郑", 0.8),
    ("梁", 0.8), ("谢", 0.7), ("宋", 0.6), ("唐", 0.6), ("许", 0.6), ("韩", 0.6), ("邓", 0.6),
    ("冯", 0.6), ("曹", 0.5), ("彭", 0.5), ("曾", 0.5), ("肖", 0.5), ("田", 0.5), ("董", 0.5),
    ("潘", 0.4), ("袁", 0.4), ("蔡", 0.4), ("蒋", 0.4), ("余", 0.4), ("于", 0.4), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.4), ("魏", 0.4), ("苏", 0.4), ("吕", 0.4), ("丁", 0.3), ("任", 0.3),
    ("卢", 0.3), ("姚", 0.3), ("沈", 0.3), ("钟", 0.3), ("姜", 0.3), ("崔", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.3), ("汪", 0.3), ("廖", 0.3), ("石", 0.3), ("金", 0.3), ("韦", 0.3),
    ("贾", 0.3), ("夏", 0.2), ("付", 0.2), ("方", 0.2), ("邹", 0.2), ("熊", 0.2), ("白", 0.2),
    ("孟", 0.2), ("秦", 0.2), ("邱", 0.2), ("侯", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2),
    ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("龙", 0.2), ("黎", 0.2), ("史", 0.2), ("陶", 0.2),
    ("贺", 0.2), ("毛", 0.2), ("郝", 0.2), ("顾", 0.2), ("龚", 0.2), ("邵", 0.2), ("万", 0.2),
    ("覃", 0.1), ("武", 0.1), ("钱", 0.1), ("戴", 0.1), ("严", 0.1), ("莫", 0.1), ("孔", 0.1),
    ("向", 0.1), ("常", 0.1), ("汤", 0.1), ("康", 0.1), ("易", 0.1), ("乔", 0.1), ("赖", 0.1),
    ("文", 0.1), ("申", 0.05), ("冉", 0.05), ("欧", 0.05), ("岑", 0.03), ("班", 0.02),
    ("蒙", 0.03), ("安", 0.1), ("禄", 0.01), ("陇", 0.01), ("仡", 0.002), ("令狐", 0.01),
    ("欧阳", 0.05), ("诸葛", 0.005),
]

# Guizhou Han reweighting (杨/罗/吴/龙/田/陈 are more frequent in Guizhou; ours)
GUIZHOU_BOOST = {"杨": 2.0, "罗": 1.8, "吴": 1.6, "龙": 3.0, "田": 2.0, "石": 2.0, "潘": 1.8,
                 "韦": 2.0, "陈": 1.2, "蒙": 3.0, "冉": 3.0, "向": 2.0, "覃": 2.0}

MINORITY_SURNAMES: dict[str, dict[str, float]] = {
    "miao": {"杨": 12, "吴": 10, "龙": 10, "王": 8, "潘": 7, "张": 6, "石": 6, "李": 5, "罗": 4,
             "熊": 4, "陶": 3, "麻": 2, "侯": 2, "韦": 2, "顾": 2, "刘": 3, "陈": 3, "田": 2},
    "buyi": {"王": 14, "韦": 12, "罗": 10, "黄": 8, "陆": 6, "岑": 5, "杨": 5, "班": 4, "莫": 4,
             "吴": 4, "李": 3, "梁": 3, "卢": 3, "周": 2, "陈": 2, "蒙": 2},
    "dong": {"杨": 18, "吴": 14, "石": 8, "龙": 7, "潘": 6, "欧": 4, "姚": 4, "陆": 3, "李": 3,
             "王": 3, "张": 3, "刘": 2, "胡": 2, "粟": 2, "林": 2},
    "tujia": {"田": 12, "向": 8, "彭": 8, "杨": 8, "冉": 6, "张": 6, "覃": 5, "王": 5, "李": 5,
              "刘": 4, "黄": 3, "陈": 3, "谭": 3, "安": 2, "龚": 2},
    "yi": {"安": 10, "陇": 6, "禄": 5, "罗": 8, "王": 8, "李": 8, "杨": 8, "龙": 6, "陈": 4,
           "张": 4, "苏": 3, "余": 3, "马": 2, "朱": 2},
    "gelao": {"王": 12, "韩": 8, "邹": 6, "申": 6, "仡": 1, "张": 6, "李": 6, "刘": 5, "杨": 5,
              "罗": 4, "陈": 4, "黄": 3, "冯": 3},
    "shui": {"韦": 20, "蒙": 14, "潘": 12, "吴": 8, "陆": 6, "杨": 5, "王": 4, "石": 3, "李": 3},
    "hui": {"马": 25, "丁": 8, "李": 6, "王": 6, "张": 6, "海": 4, "杨": 4, "刘": 4, "白": 3,
            "沙": 3, "米": 2},
    "bai": {"张": 10, "杨": 10, "李": 8, "王": 6, "段": 6, "赵": 5, "何": 4, "罗": 4, "苏": 3},
}

# Given-name characters: (men, women), by generation (born before / from 1980).
GIVEN_OLD_M = ("国建军华明德福贵志文荣忠平东林海生成强永兴发光祥义勇刚金山学清家昌才正"
               "宝元春友仁顺")
GIVEN_OLD_F = ("秀英兰芳珍玉桂凤华梅丽琴群翠花莲素淑芬霞萍红琼美仙菊云春香彩英妹")
GIVEN_NEW_M = ("浩宇轩杰涛鹏飞磊超斌波亮俊博文辉强鑫晨阳雨泽子睿航宏伟凯龙豪明峰")
GIVEN_NEW_F = ("婷欣怡雪静敏佳丽娜琳颖倩丹瑶涵梓萱悦雯晶燕露蕾璐月妍思艳芸菲")
# chars frequent in names of Guizhou minority households (ours; Han-style official names
# with characters favoured locally)
GIVEN_MINORITY_M = "老金银光德昌志廷朝仕应正永开秀富贵有长发"
GIVEN_MINORITY_F = "妹花秀英金银美乔芝仙梅翠香召阿"

# Similar-shape pairs (形近字), both directions used.
SIMILAR_SHAPE = ("王玉 己已 未末 天夫 土士 日曰 人入 贝见 仑仓 秀季 兰竺 明朋 林材 英瑛 华毕 "
                 "芳芬 红虹 清情 晶品 凤风 琼琅 桂柱 兵乒 春椿 勇甬 刚钢 辉晖 俊浚")

# Simplified → traditional for name characters (subset).
TRADITIONAL = dict(zip(
    "张刘陈杨黄赵吴孙马郑谢许韩邓冯萧叶苏吕卢钟谭陆贾邹闫龙贺顾龚万钱严汤伟华军国红兰丽强凤"
    "云东荣贵发宝银兴义刚艳飞鹏涛辉杰凯龙豪颖晓婷阳丽亲连宁梦岚兴乔罗韦",
    "張劉陳楊黃趙吳孫馬鄭謝許韓鄧馮蕭葉蘇呂盧鍾譚陸賈鄒閆龍賀顧龔萬錢嚴湯偉華軍國紅蘭麗強鳳"
    "雲東榮貴發寶銀興義剛艷飛鵬濤輝傑凱龍豪穎曉婷陽麗親連寧夢嵐興喬羅韋",
))

PLACE_FIRST = ("大小新老上下中高石黄白青龙马牛羊花竹松杨李王张罗吴陈平长红金银凉沙桃茶木"
               "岩水田兴和安太永乐双三五九")
PLACE_SECOND = "坝寨冲坪塘沟岩坡湾场铺哨屯堡关河溪山洞田水桥庄园口林阳江湖井洼箐"
VILLAGE_SURNAME = "杨王李张罗吴陈龙田石潘刘黄周韦蒙"


def _weights(pairs: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(list(pairs.keys()), dtype=object)
    w = np.array(list(pairs.values()), dtype=float)
    return keys, w / w.sum()


@lru_cache(maxsize=None)
def surname_table(ethnicity: str) -> tuple[np.ndarray, np.ndarray]:
    """(surnames, probabilities) for an ethnicity of GZ_ETHNICITIES."""
    if ethnicity in MINORITY_SURNAMES:
        return _weights(MINORITY_SURNAMES[ethnicity])
    return _weights({s: w * GUIZHOU_BOOST.get(s, 1.0) for s, w in HAN_SURNAMES})


def sample_surnames(rng: np.random.Generator, eth_idx: np.ndarray,
                    ethnicities: list[str]) -> np.ndarray:
    """One surname per row of ``eth_idx`` (index into ``ethnicities``); a fixed-width
    unicode array (4 bytes a character, not a Python object a name: 38 million at scale 1)."""
    tables = [surname_table(eth) for eth in ethnicities]
    width = max((len(str(s)) for names, _ in tables for s in names), default=1)
    out = np.full(len(eth_idx), "", dtype=f"<U{width}")
    u = rng.random(len(eth_idx))
    for k, (names, p) in enumerate(tables):
        sel = np.flatnonzero(eth_idx == k)
        if sel.size == 0:
            continue
        idx = np.searchsorted(np.cumsum(p), u[sel], side="right").clip(0, len(names) - 1)
        out[sel] = np.asarray(names, dtype=str)[idx]
    return out


def _chars(s: str) -> np.ndarray:
    return np.array(sorted(set(s)), dtype="<U1")


def sample_given(rng: np.random.Generator, male: np.ndarray, born_year: np.ndarray,
                 minority: np.ndarray, gen_char: np.ndarray | None = None) -> np.ndarray:
    """Given names of 1–2 characters (a fixed-width unicode array); ``gen_char`` ('' = none)
    forces the first character (字辈 generation names shared by siblings)."""
    n = len(male)
    pools = {
        (True, True, False): _chars(GIVEN_OLD_M), (False, True, False): _chars(GIVEN_OLD_F),
        (True, False, False): _chars(GIVEN_NEW_M), (False, False, False): _chars(GIVEN_NEW_F),
        (True, True, True): _chars(GIVEN_OLD_M + GIVEN_MINORITY_M),
        (False, True, True): _chars(GIVEN_OLD_F + GIVEN_MINORITY_F),
        (True, False, True): _chars(GIVEN_NEW_M + GIVEN_MINORITY_M[:8]),
        (False, False, True): _chars(GIVEN_NEW_F + GIVEN_MINORITY_F[:6]),
    }
    old = born_year < 1980
    c1 = np.full(n, "", dtype="<U1")
    c2 = np.full(n, "", dtype="<U1")
    two = rng.random(n) < np.where(old, 0.6, 0.8)
    u1, u2 = rng.random(n), rng.random(n)
    for (m, o, mi), pool in pools.items():
        sel = np.flatnonzero((male == m) & (old == o) & (minority == mi))
        if sel.size == 0:
            continue
        c1[sel] = pool[(u1[sel] * len(pool)).astype(int)]
        c2[sel] = pool[(u2[sel] * len(pool)).astype(int)]
    if gen_char is not None:
        g = gen_char != ""
        c1 = np.where(g, gen_char, c1)
        two = two | g
    return np.where(two, c1 + c2, c2)


@lru_cache(maxsize=1)
def name_char_pool() -> np.ndarray:
    """Every character that can appear in a given name (for typos)."""
    return _chars(GIVEN_OLD_M + GIVEN_OLD_F + GIVEN_NEW_M + GIVEN_NEW_F + GIVEN_MINORITY_M
                  + GIVEN_MINORITY_F)


@lru_cache(maxsize=1)
def homophones() -> dict[str, list[str]]:
    """Character → other common characters with the same toneless pinyin (via pypinyin)."""
    from pypinyin import Style, lazy_pinyin

    extra = ("玮炜韦薇维卫蔚为位魏纬慧惠蕙会辉挥徽晖铭鸣名茗敏闽悯婷亭庭廷莉俐利力立丽黎梨犁"
             "红宏鸿洪虹弘军君均钧俊峻骏华化桦骅芳方舫坊强墙蔷琴勤芹秦琳林霖麟玲凌灵龄"
             "静靖婧敬晶菁精京涛韬滔桃陶鹏朋蓬彭杰捷洁婕颖影莹盈英瑛鹰缨霞侠峡夏燕艳雁彦")
    chars = sorted(set(name_char_pool().tolist()) | set(extra) | {s for s, _ in HAN_SURNAMES
                                                                  if len(s) == 1})
    py = lazy_pinyin(chars, style=Style.NORMAL)
    groups: dict[str, list[str]] = {}
    for c, p in zip(chars, py):
        groups.setdefault(p, []).append(c)
    return {c: [o for o in groups[p] if o != c] for c, p in zip(chars, py)
            if len(groups[p]) > 1}


@lru_cache(maxsize=1)
def similar_shapes() -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in SIMILAR_SHAPE.split():
        a, b = pair[0], pair[1]
        out.setdefault(a, b)
        out.setdefault(b, a)
    return out


def place_names(rng: np.random.Generator, n: int, suffix: np.ndarray,
                surname_style: np.ndarray | None = None) -> np.ndarray:
    """``n`` place names: two morphemes + suffix ("石坝镇", "杨家寨村")."""
    first = _chars(PLACE_FIRST)
    second = _chars(PLACE_SECOND)
    sur = _chars(VILLAGE_SURNAME)
    a = first[rng.integers(0, len(first), n)]
    b = second[rng.integers(0, len(second), n)]
    if surname_style is not None:
        s = sur[rng.integers(0, len(sur), n)]
        a = np.where(surname_style, s + "家", a)
    return a + b + suffix


def unique_place_names(rng: np.random.Generator, parent: np.ndarray, suffix: np.ndarray,
                       surname_share: float = 0.3) -> np.ndarray:
    """Place names unique within their ``parent``: collisions get a third morpheme."""
    n = len(parent)
    style = rng.random(n) < surname_share
    names = place_names(rng, n, suffix, style)
    first = _chars(PLACE_FIRST)
    for _ in range(20):
        s = np.char.add(parent.astype(str), names.astype(str))
        _, first_idx = np.unique(s, return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first_idx] = False
        if not clash.any():
            return names
        k = np.flatnonzero(clash)
        names[k] = first[rng.integers(0, len(first), k.size)] + names[k]
    return names
