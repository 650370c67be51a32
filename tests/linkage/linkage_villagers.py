"""A hand-made set of 30 records of 13 villagers with known truth (column ``person``).

Errors covered: homophones (张玮, 欧阳秀瑛, 黄晓红), a traditional-character name (張偉, 陳建國,
單田芳), similar-shape characters (玉明, 李已芳), legacy 15-digit IDs, a one-digit ID error, an
adjacent transposition in an ID, day/month-swapped birth dates, a full vs short county name,
a household member's ID on the wrong row (conflicting ID), and hard negatives: two different
张伟, 陈建国 and his twin 陈建军 (same birth date and village), two 吴芳 in one village.
"""

from __future__ import annotations

import pandas as pd

from jingzhun.normalise.idcard import check_char

COUNTY = "520526"  # 威宁彝族回族苗族自治县
V1, V2, V3, V4 = "520526104201", "520526117203", "520526104305", "520526108210"
V5, V6, V7, V8 = "520526121201", "520526104209", "520526109202", "520526115206"


def make_id(birth: str, seq: str, area: str = COUNTY) -> str:
    first17 = area + birth.replace("-", "") + seq
    return first17 + check_char(first17)


def to_15(id18: str) -> str:
    return id18[:6] + id18[8:17]


def one_digit_error(id18: str, pos: int = 10) -> str:
    return id18[:pos] + str((int(id18[pos]) + 1) % 10) + id18[pos + 1 :]


def transpose(id18: str, pos: int = 14) -> str:
    return id18[:pos] + id18[pos + 1] + id18[pos] + id18[pos + 2 :]


A1 = make_id("1980-03-12", "013")
A2 = make_id("1992-07-21", "031")
A3 = make_id("1975-05-05", "017")
A4 = make_id("1990-01-15", "024")
A5 = make_id("1941-07-12", "011")
A7 = make_id("1966-09-30", "015")
A8 = make_id("1966-09-30", "035")
A9 = make_id("1970-04-04", "022")
A10 = make_id("1968-02-14", "019")
A12 = make_id("1999-10-10", "028")
A13 = make_id("2001-12-25", "046")
assert transpose(A4) != A4

ADDR1 = "威宁彝族回族苗族自治县雪山镇光明村三组"
ADDR1_SHORT = "威宁县雪山镇光明村3组"

_ROWS = [
    # record, person, name, id_number, id_number_raw, sex, birth_date, village, county, address
    ("r01", "P1", "张伟", A1, A1, "male", "1980-03-12", V1, None, ADDR1),
    ("r02", "P1", "张玮", None, None, "male", "1980-03-12", V1, None, ADDR1_SHORT),
    ("r03", "P1", "張偉", A1, to_15(A1), "male", "1980-03-12", V1, None, None),
    ("r04", "P1", "张伟", None, one_digit_error(A1), "male", "1980-12-03", V1[:9], None, None),
    ("r05", "P2", "张伟", A2, A2, "male", "1992-07-21", V2, None, None),
    ("r06", "P2", "张伟", None, None, "male", "1992-07-21", V2, None, None),
    ("r07", "P3", "王明", A3, A3, "male", "1975-05-05", V1, None, None),
    ("r08", "P3", "玉明", None, None, "male", "1975-05-05", V1, None, None),
    ("r09", "P3", "王明", None, None, "male", "1975-05-05", None, COUNTY, None),
    ("r10", "P4", "李己芳", A4, A4, "female", "1990-01-15", V3, None, None),
    ("r11", "P4", "李已芳", None, None, "female", "1990-01-15", V3, None, None),
    ("r12", "P4", "李己芳", None, transpose(A4), "female", "1990-01-15", V3, None, None),
    ("r13", "P5", "单田芳", A5, A5, "male", "1941-07-12", V4, None, None),
    ("r14", "P5", "單田芳", None, None, "male", "1941-07-12", V4, None, None),
    ("r15", "P6", "欧阳秀英", None, None, "female", "1958-11-02", V5, None, None),
    ("r16", "P6", "欧阳秀英", None, None, "female", "1958-02-11", V5, None, None),
    ("r17", "P6", "欧阳秀瑛", None, None, "female", "1958-11-02", V5, None, None),
    ("r18", "P7", "陈建国", A7, A7, "male", "1966-09-30", V1, None, None),
    ("r19", "P7", "陳建國", A7, to_15(A7), "male", "1966-09-30", V1, None, None),
    ("r20", "P7", "陈建国", None, None, "male", "1966-09-30", V1, None, None),
    ("r21", "P8", "陈建军", A8, A8, "male", "1966-09-30", V1, None, None),
    ("r22", "P8", "陈建军", None, None, "male", "1966-09-30", V1, None, None),
    ("r23", "P9", "杨秀兰", A9, A9, "female", "1970-04-04", V6, None, None),
    ("r24", "P10", "刘德华", A9, A9, "male", "1968-02-14", V6, None, None),
    ("r25", "P10", "刘德华", A10, A10, "male", "1968-02-14", V6, None, None),
    ("r26", "P11", "吴芳", None, None, "female", "1985-06-06", V7, None, None),
    ("r27", "P12", "吴芳", A12, A12, "female", "1999-10-10", V7, None, None),
    ("r28", "P12", "吴芳", None, None, "female", "1999-10-10", V7, None, None),
    ("r29", "P13", "黄小红", A13, A13, "female", "2001-12-25", V8, None, None),
    ("r30", "P13", "黄晓红", None, None, "female", "2001-12-25", V8, None, None),
]

COLUMNS = ["record_id", "person", "name", "id_number", "id_number_raw", "sex", "birth_date",
           "village_code", "county_code", "address"]


def villagers() -> pd.DataFrame:
    """The 30 records as canonical fields plus the truth column ``person``."""
    frame = pd.DataFrame(_ROWS, columns=COLUMNS)
    frame["birth_date"] = pd.to_datetime(frame["birth_date"]).dt.date
    codes = frame["village_code"].fillna("")
    frame["township_code"] = codes.where(codes.str.len() == 9, None)
    frame["village_code"] = codes.where(codes.str.len() == 12, None)
    return frame
