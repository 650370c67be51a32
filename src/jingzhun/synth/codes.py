"""Canonical code lists shared by the generator and the department contracts.

Integers are the generator's internal codes; the strings are the canonical values of the
validated zone. Departments map them to their own code lists (see departments/*.py and the
contracts).
"""

from __future__ import annotations

# GB 3304-1991 民族代码 (01–56) with the canonical English value, plus 97/98.
ETHNICITIES: list[tuple[str, str, str]] = [
    ("01", "汉族", "han"), ("02", "蒙古族", "mongol"), ("03", "回族", "hui"),
    ("04", "藏族", "tibetan"), ("05", "维吾尔族", "uyghur"), ("06", "苗族", "miao"),
    ("07", "彝族", "yi"), ("08", "壮族", "zhuang"), ("09", "布依族", "buyi"),
    ("10", "朝鲜族", "korean"), ("11", "满族", "manchu"), ("12", "侗族", "dong"),
    ("13", "瑶族", "yao"), ("14", "白族", "bai"), ("15", "土家族", "tujia"),
    ("16", "哈尼族", "hani"), ("17", "哈萨克族", "kazakh"), ("18", "傣族", "dai"),
    ("19", "黎族", "li"), ("20", "傈僳族", "lisu"), ("21", "佤族", "va"),
    ("22", "畲族", "she"), ("23", "高山族", "gaoshan"), ("24", "拉祜族", "lahu"),
    ("25", "水族", "shui"), ("26", "东乡族", "dongxiang"), ("27", "纳西族", "naxi"),
    ("28", "景颇族", "jingpo"), ("29", "柯尔克孜族", "kirgiz"), ("30", "土族", "tu"),
    ("31", "达斡尔族", "daur"), ("32", "仫佬族", "mulao"), ("33", "羌族", "qiang"),
    ("34", "布朗族", "blang"), ("35", "撒拉族", "salar"), ("36", "毛南族", "maonan"),
    ("37", "仡佬族", "gelao"), ("38", "锡伯族", "xibe"), ("39", "阿昌族", "achang"),
    ("40", "普米族", "pumi"), ("41", "塔吉克族", "tajik"), ("42", "怒族", "nu"),
    ("43", "乌孜别克族", "uzbek"), ("44", "俄罗斯族", "russian"), ("45", "鄂温克族", "ewenki"),
    ("46", "德昂族", "deang"), ("47", "保安族", "bonan"), ("48", "裕固族", "yugur"),
    ("49", "京族", "gin"), ("50", "塔塔尔族", "tatar"), ("51", "独龙族", "derung"),
    ("52", "鄂伦春族", "oroqen"), ("53", "赫哲族", "hezhen"), ("54", "门巴族", "monba"),
    ("55", "珞巴族", "lhoba"), ("56", "基诺族", "jino"),
    ("97", "其他", "other"), ("98", "外国血统中国籍人士", "foreign_origin"),
]
ETH_CODE = {e: c for c, _, e in ETHNICITIES}
ETH_ZH = {e: z for _, z, e in ETHNICITIES}

#: Ethnicities modelled for Guizhou (internal index = position).
GZ_ETHNICITIES = ["han", "miao", "buyi", "dong", "tujia", "yi", "gelao", "shui", "hui", "bai"]

# relation to head (internal codes)
RELATIONS = ["head", "spouse", "son", "daughter", "parent", "grandchild", "sibling", "other"]
REL = {r: i for i, r in enumerate(RELATIONS)}
# GB/T 4761 家庭关系代码 (the subset used)
REL_GB4761 = {"head": "02", "spouse": "10", "son": "20", "daughter": "30", "grandchild": "40",
              "parent": "50", "sibling": "70", "other": "99"}
REL_ZH = {"head": "户主", "spouse": "配偶", "son": "之子", "daughter": "之女",
          "grandchild": "之孙子女", "parent": "之父母", "sibling": "之兄弟姐妹", "other": "其他"}

# education (internal codes; -1 = not applicable / preschool)
EDUCATION = ["illiterate", "primary", "junior_secondary", "senior_secondary",
             "vocational_secondary", "tertiary"]
EDU = {e: i for i, e in enumerate(EDUCATION)}
EDU_GB4658 = {"tertiary": "20", "vocational_secondary": "40", "senior_secondary": "60",
              "junior_secondary": "70", "primary": "80", "illiterate": "90"}
EDU_ZH = {"illiterate": "文盲或半文盲", "primary": "小学", "junior_secondary": "初中",
          "senior_secondary": "高中", "vocational_secondary": "中专", "tertiary": "大专及以上"}

# school stage of a pupil (0 = not in school)
STAGES = ["none", "preschool", "primary", "junior", "senior", "vocational", "tertiary"]
STAGE = {s: i for i, s in enumerate(STAGES)}

HEALTH = ["healthy", "chronic", "serious"]
LABOUR = ["normal", "weak", "lost", "none"]  # 普通 / 弱 / 丧失 / 无劳动力
LABOUR_ZH = {"normal": "普通劳动力", "weak": "弱劳动力或半劳动力", "lost": "丧失劳动力",
             "none": "无劳动力"}
MIGRANT = ["none", "in_province", "out_province"]

STRUCTURES = ["brick_concrete", "brick_wood", "earth_wood", "wood"]  # 砖混 砖木 土木 木
STRUCTURE_ZH = {"brick_concrete": "砖混", "brick_wood": "砖木", "earth_wood": "土木",
                "wood": "木"}
DANGER = ["A", "B", "C", "D"]
WATER_SOURCES = ["piped", "well", "spring", "cistern", "river"]

#: 致贫原因 (domain.md §3)
CAUSES = ["illness", "disability", "schooling", "disaster", "lack_land", "lack_water",
          "lack_skills", "lack_labour", "lack_capital", "transport", "low_motivation", "other"]
CAUSE_ZH = {"illness": "因病", "disability": "因残", "schooling": "因学", "disaster": "因灾",
            "lack_land": "缺土地", "lack_water": "缺水", "lack_skills": "缺技术",
            "lack_labour": "缺劳力", "lack_capital": "缺资金", "transport": "交通条件落后",
            "low_motivation": "自身发展动力不足", "other": "其他"}

#: Household typology (a recoverable latent cluster, planted; ours)
TYPOLOGY = ["migrant_family", "left_behind_elderly", "farming_family", "ill_disabled",
            "multi_generation", "single_adult", "urban_wage"]

#: Monitored categories from 2021 (domain.md §6)
MONITOR = ["none", "unstable_exited", "edge", "sudden_hardship"]
MONITOR_ZH = {"unstable_exited": "脱贫不稳定户", "edge": "边缘易致贫户",
              "sudden_hardship": "突发严重困难户"}
