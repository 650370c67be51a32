"""A seeded generator of Chinese person records with the errors clerks make, for checks at a
few thousand records (where the model is trained by EM rather than run on its priors)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from jingzhun.normalise.idcard import check_char

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬斌宇浩凯"
    "健俊帆帅旭宁龙林欢阳建国志新永春"
)
HOMOPHONE = {"伟": "玮", "芳": "方", "娜": "那", "英": "瑛", "敏": "民", "静": "晶", "丽": "莉",
             "强": "墙", "军": "君", "洋": "阳", "杰": "洁", "明": "鸣", "华": "桦", "红": "宏",
             "玲": "铃", "平": "萍", "建": "健", "国": "果", "林": "琳", "春": "椿"}
SHAPE = {"王": "玉", "未": "末", "己": "已", "天": "夭", "土": "士", "余": "佘", "沈": "沉",
         "贾": "贯", "史": "吏", "石": "右", "熊": "能", "秦": "泰", "平": "乎", "永": "水"}
TRAD = {"张": "張", "陈": "陳", "刘": "劉", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳",
        "国": "國", "华": "華", "伟": "偉", "红": "紅", "龙": "龍", "丽": "麗", "军": "軍"}
COUNTY = "520526"


def _id(rng: np.random.Generator, birth: dt.date, male: bool) -> str:
    seq = int(rng.integers(0, 500)) * 2 + (1 if male else 0)
    first17 = f"{COUNTY}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _vary_name(rng: np.random.Generator, name: str) -> str:
    kind = rng.choice(["homophone", "shape", "traditional"])
    table = {"homophone": HOMOPHONE, "shape": SHAPE, "traditional": TRAD}[kind]
    spots = [i for i, c in enumerate(name) if c in table]
    if not spots:
        return name
    i = int(rng.choice(spots))
    return name[:i] + table[name[i]] + name[i + 1 :]


def synthetic_records(n_persons: int, seed: int = 7) -> pd.DataFrame:
    """``n_persons`` persons, 1–4 records each, with truth column ``person``."""
    rng = np.random.default_rng(seed)
    villages = [f"{COUNTY}{t:03d}{v:03d}" for t in range(101, 121) for v in range(201, 216)]
    rows = []
    for p in range(n_persons):
        male = bool(rng.random() < 0.5)
        name = str(rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 70)))
        pid = _id(rng, birth, male)
        village = str(rng.choice(villages))
        for r in range(int(rng.choice([1, 2, 3, 4], p=[0.3, 0.3, 0.25, 0.15]))):
            rec = {"record_id": f"p{p}-r{r}", "person": f"p{p}", "name": name,
                   "id_number": pid, "id_number_raw": pid, "sex": "male" if male else "female",
                   "birth_date": birth, "village_code": village, "township_code": None,
                   "county_code": None}
            u = rng.random(8)
            if u[0] < 0.25:
                rec["name"] = _vary_name(rng, name)
            if u[1] < 0.35:  # ID missing
                rec["id_number"] = rec["id_number_raw"] = None
            elif u[1] < 0.45:  # one digit wrong: invalid
                i = int(rng.integers(0, 17))
                raw = pid[:i] + str((int(pid[i]) + 1) % 10) + pid[i + 1 :]
                rec["id_number"], rec["id_number_raw"] = None, raw
            elif u[1] < 0.5:  # legacy 15 digits
                rec["id_number_raw"] = pid[:6] + pid[8:17]
            if u[2] < 0.08 and birth.day <= 12 and birth.day != birth.month:
                rec["birth_date"] = birth.replace(month=birth.day, day=birth.month)
            elif u[2] < 0.12:
                rec["birth_date"] = None
            if u[3] < 0.2:  # only the township known
                rec["township_code"], rec["village_code"] = village[:9], None
            rows.append(rec)
    return pd.DataFrame(rows)
