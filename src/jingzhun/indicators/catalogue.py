"""The household indicators: name, type, labels, formula and source departments.

This catalogue is the documentation of record (docs/policy.md prints it) and the contract of
the ``indicators`` zone: ``household_indicators`` returns exactly these columns (plus an
``<indicator>__extract`` column, the extract month of the evidence, for those marked so).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    name: str
    type: str
    label_zh: str
    label_en: str
    formula: str
    sources: tuple[str, ...]
    extract: bool = False  # carries ``<name>__extract``


def _i(name: str, type_: str, zh: str, en: str, formula: str, sources: str,
       extract: bool = False) -> Indicator:
    return Indicator(name, type_, zh, en, formula, tuple(sources.split()), extract)


INDICATORS: tuple[Indicator, ...] = (
    _i("household_id", "str", "户号", "household number",
       "the household-registry 户号 of the household at the end of the period", "hukou"),
    _i("county_code", "str", "县代码", "county code", "the head's registered county", "hukou"),
    _i("township_code", "str", "乡镇代码", "township code", "the head's registered township", "hukou"),
    _i("village_code", "str", "村代码", "village code", "the head's registered village", "hukou"),
    _i("size", "int", "家庭人口", "household size",
       "members registered at the end of the period, alive", "hukou"),
    _i("rural_hukou", "bool", "农业户口", "rural household registration",
       "the head's latest hukou type is rural (any member's when the head is unknown)", "hukou"),
    _i("wage_income_fen", "int", "工资性收入（部门）", "wages (department records)",
       "12 × the monthly wage of each member's current job (latest hire or stock record not "
       "followed by a separation) + 12 × the monthly salary of active public payroll staff",
       "hrss payroll"),
    _i("transfer_income_fen", "int", "转移性收入（部门）", "transfers (department records)",
       "12 × the 低保/特困 monthly amount on the latest roster + 12 × disability allowances paid "
       "in the latest month + basic pension (members over the pension age who are not payroll "
       "retirees) + 12 × payroll pensions", "civil_affairs payments payroll hukou"),
    _i("department_income_fen", "int", "部门核实收入", "income verified by departments",
       "wage_income_fen + transfer_income_fen (farm, business and property income are not in "
       "any department's records)", "hrss payroll civil_affairs payments hukou"),
    _i("declared_income_per_capita_fen", "int", "农户收入核查人均纯收入",
       "per-capita net income of the household income check",
       "the latest yearly household income check (农户收入核查) of the household's head", "agriculture",
       extract=True),
    _i("per_capita_net_income_fen", "int", "家庭年人均纯收入", "per-capita net income",
       "the income check when there is one; else, for an urban household, department_income_fen "
       "/ size; else null (department records miss farm and business income, so for a rural "
       "household they are only a lower bound)",
       "agriculture hrss payroll civil_affairs payments hukou", extract=True),
    _i("income_source", "str", "收入来源", "income source",
       "income_check, department_records or unknown: what gave per_capita_net_income_fen",
       "agriculture"),
    _i("net_income_prev_12m_fen", "int", "上年家庭纯收入", "household net income, previous year",
       "the income check's per-capita income × size, twelve months before the period (null "
       "without a check then)",
       "agriculture hrss payroll civil_affairs payments hukou"),
    _i("income_drop_share", "float", "收入降幅", "fall in income",
       "max(0, 1 − department_income_fen / the same twelve months before); null when there was "
       "no verified income then", "hrss payroll civil_affairs payments hukou"),
    _i("on_roll", "bool", "建档立卡在册", "on the 建档立卡 roll (not exited)",
       "a member is on the latest roll with status poor", "roll", extract=True),
    _i("exited_poverty", "bool", "已脱贫", "exited poverty",
       "a member is on the latest roll with status exited (and none with status poor)", "roll",
       extract=True),
    _i("roll_income_per_capita_fen", "int", "建档立卡记录人均纯收入",
       "per-capita income recorded on the roll", "the roll's own figure for the household", "roll"),
    _i("dibao", "bool", "低保户", "on 低保", "the head is on the latest civil-affairs roster as 低保",
       "civil_affairs"),
    _i("tekun", "bool", "特困供养", "特困 support", "the head is on the latest roster as 特困",
       "civil_affairs"),
    _i("owns_car", "bool", "拥有小汽车", "owns a car",
       "a member owns a sedan or small passenger vehicle registered by the end of the period "
       "(trucks, motorcycles and three-wheelers excepted)", "vehicles", extract=True),
    _i("owns_commercial_housing", "bool", "购买商品房", "bought commercial housing",
       "a member signed a commercial-housing contract by the end of the period", "property",
       extract=True),
    _i("owns_company", "bool", "注册公司", "registered company",
       "a member is the legal representative of an active company (not an individual business "
       "or cooperative)", "market", extract=True),
    _i("public_payroll_member", "bool", "财政供养人员", "member on the public payroll",
       "a member is active staff on the latest payroll extract", "payroll", extract=True),
    _i("village_cadre_member", "bool", "村干部家庭", "village cadre in the household",
       "a member is on the latest village-cadre list", "village_cadres", extract=True),
    _i("food_clothing_secure", "bool", "不愁吃不愁穿", "food and clothing secure",
       "null: no department reports it; the verification visit records it", ""),
    _i("compulsory_education_secure", "bool", "义务教育有保障", "compulsory education secure",
       "no member aged 6–15 whose latest education record is a dropout", "education",
       extract=True),
    _i("basic_medical_secure", "bool", "基本医疗有保障", "basic medical insurance secure",
       "null: the medical-insurance extract has settlements, not enrolment", ""),
    _i("housing_safe", "bool", "住房安全有保障", "housing safe",
       "the head's latest appraisal is grade A or B, or C/D with renovation done; null without "
       "an appraisal", "housing", extract=True),
    _i("water_safe", "bool", "饮水安全", "safe drinking water",
       "the village's latest assessment: quality ok, litres ≥ water_litres_min and minutes ≤ "
       "water_fetch_minutes_max; null without an assessment", "water", extract=True),
    _i("labour_count", "int", "劳动力人数", "members able to work",
       "members of working age without a serious illness (open case) or a grade 1–2 disability",
       "hukou health disability"),
    _i("dependency_ratio", "float", "抚养比", "dependency ratio",
       "members under or over working age / members of working age (null when none)", "hukou"),
    _i("serious_illness_member", "bool", "大病成员", "member with a serious illness",
       "a member has a serious-illness case on the register", "health"),
    _i("disabled_member", "bool", "残疾成员", "member with a disability certificate",
       "a member has a disability certificate", "disability"),
    _i("oop_inpatient_ytd_fen", "int", "住院自付（年内累计）", "in-patient out-of-pocket, year to date",
       "out-of-pocket amounts of members' in-patient settlements since January of the period's "
       "year", "medical_insurance"),
    _i("oop_outpatient_month_fen", "int", "门诊自付（当月）", "out-patient out-of-pocket, month",
       "out-of-pocket amounts of members' out-patient and chronic settlements in the month",
       "medical_insurance"),
    _i("oop_12m_fen", "int", "医疗自付（12个月）", "out-of-pocket medical cost, 12 months",
       "out-of-pocket amounts of all members' settlements in the last 12 months",
       "medical_insurance"),
    _i("schooling_cost_12m_fen", "int", "教育支出（年）", "schooling costs, yearly",
       "members enrolled in senior, vocational or tertiary education on their latest education "
       "record × the yearly cost parameter of the stage", "education"),
    _i("rigid_spending_12m_fen", "int", "刚性支出（12个月）", "unavoidable spending, 12 months",
       "oop_12m_fen + schooling_cost_12m_fen", "medical_insurance education"),
    _i("rigid_spending_unresolved", "bool", "刚性支出未化解", "rigid spending unresolved",
       "null: needs the workflow's record of measures", ""),
    _i("new_serious_illness_3m", "bool", "新发大病（3个月）", "new serious illness (3 months)",
       "a member's new serious-illness case diagnosed in the last 3 months", "health"),
    _i("new_disability_3m", "bool", "新增残疾（3个月）", "new disability (3 months)",
       "a member's new disability certificate issued in the last 3 months", "disability"),
    _i("disaster_3m", "bool", "遭受灾害（3个月）", "disaster (3 months)",
       "a disaster reported for the household's village in the last 3 months", "emergency"),
    _i("job_loss_3m", "bool", "失业（3个月）", "job loss (3 months)",
       "a member's job separation dated in the last 3 months", "hrss"),
    _i("dropout_3m", "bool", "辍学（3个月）", "dropout (3 months)",
       "a member's dropout record in an education extract of the last 3 months", "education"),
    _i("main_earner_died_3m", "bool", "主要劳动力死亡（3个月）", "death of a working-age member (3 months)",
       "a member of working age died in the last 3 months", "hukou"),
    _i("monitored", "bool", "监测对象", "monitored household",
       "null until the monitoring workflow records it", ""),
    _i("months_monitored", "int", "监测月数", "months monitored", "null until the workflow", ""),
    _i("months_income_above_range", "int", "收入高于监测线月数", "months above the range",
       "null until the workflow", ""),
    _i("measures_received", "int", "帮扶措施数", "measures received", "null until the workflow", ""),
)

BY_NAME = {i.name: i for i in INDICATORS}
