"""The assessment indicators: name, labels, direction, formula and sources (documentation of
record; docs/assessment.md prints it), the dated parameters and the scorecard weights."""

from __future__ import annotations

import importlib.resources
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from jingzhun.errors import ConfigError


class AssessmentError(ConfigError):
    """The assessment cannot run as asked (missing inputs, bad weights or parameters)."""


@dataclass(frozen=True)
class Indicator:
    name: str
    label_zh: str
    label_en: str
    higher_is_better: bool
    kind: str  # rate (numerator/denominator, Wilson interval) | median | days
    formula: str
    sources: tuple[str, ...]


def _i(name: str, zh: str, en: str, higher: bool, kind: str, formula: str,
       sources: str) -> Indicator:
    return Indicator(name, zh, en, higher, kind, formula, tuple(sources.split()))


ROLL = ("roll households = households on the 建档立卡 roll as poor or as exited (indicators "
        "on_roll | exited_poverty)")

INDICATORS: tuple[Indicator, ...] = (
    _i("poverty_incidence", "贫困发生率", "poverty incidence", False, "rate",
       "persons in rural households whose decision (pack in force) is a poor status / persons in "
       "rural households; interval: Wilson on households",
       "decisions/<pack>_<P> indicators/households_<P>"),
    _i("roll_flag_share", "建档立卡比对疑点率", "share of the roll flagged by the cross-check",
       False, "rate", "roll households with a cross-check finding (wrongly included, exit due, "
       "wrongly exited) / roll households; " + ROLL,
       "decisions/crosscheck_<P> indicators/households_<P>"),
    _i("relapse_share", "返贫率", "relapse after exit", False, "rate",
       "households recorded as exited whose decision in P is a poor status / households recorded "
       "as exited (the roll's exit year is not joined: every exit counts, not only the last 12 "
       "months; cases cleared in the workflow are not yet followed)",
       "decisions/<pack>_<P> indicators/households_<P>"),
    _i("measure_coverage", "帮扶措施覆盖率", "coverage of target households by measures", True,
       "rate", "target households of the assistance plan with ≥ 1 allocated measure / target "
       "households (eligible, on the roll or below the edge line: docs/assistance.md)",
       "outputs/assistance/plans_<P>"),
    _i("warning_compliance_15d", "预警15日办结率", "warnings decided within 15 days", True, "rate",
       "workflow cases opened for a warning of a month ≤ P and decided (monitored or dismissed) "
       "within response_days_max days of opening / such cases decided or already past due",
       "outputs/workflow.sqlite"),
    _i("warning_response_days", "预警响应天数（中位数）", "median days from warning to decision",
       False, "median", "median days from opening to decision of the decided workflow cases "
       "above", "outputs/workflow.sqlite"),
    _i("income_growth", "监测户收入增长率（中位数）", "income growth of roll households (median)",
       True, "median", "median over roll households with both figures of per-capita income × "
       "size / net income 12 months earlier − 1 (income check, indicators); " + ROLL,
       "indicators/households_<P>"),
    _i("three_guarantees_rate", "三保障达标率", "三保障 (education, housing) secure", True, "rate",
       "roll households with compulsory education and safe housing both secure / roll households "
       "with both known; basic medical care is not in any extract (null), so it is not tested",
       "indicators/households_<P>"),
    _i("water_safe_rate", "饮水安全达标率", "safe drinking water", True, "rate",
       "roll households whose village assessment shows safe water / roll households with an "
       "assessment", "indicators/households_<P>"),
    _i("fund_anomaly_rate", "资金异常率", "payments with an anomaly", False, "rate",
       "one-card payments paid for the 12 months to P with ≥ 1 fund anomaly / such payments "
       "(payments located by their own village code)",
       "outputs/funds/anomalies_*.parquet validated/payments"),
    _i("fund_disbursement_rate", "资金拨付率", "funds disbursed / allocated", True, "rate",
       "no extract carries budget allocations and their execution: always unavailable until a "
       "finance extract is contracted", "—"),
    _i("data_completeness", "数据完整率", "completeness of the data feeding the area", True, "rate",
       "known values / expected values over roll households for the income check, the housing "
       "appraisal, the water assessment and the education record (indicators that are null "
       "when a department sent nothing)", "indicators/households_<P>"),
)
BY_NAME = {i.name: i for i in INDICATORS}
LEVELS = ("county", "township", "village")
LEVEL_ZH = {"county": "县", "township": "乡镇", "village": "村"}


def _read_yaml(name: str, path: Path | None = None) -> dict[str, Any]:
    try:
        if path is not None:
            return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        res = importlib.resources.files("jingzhun.assessment") / name
        return yaml.safe_load(res.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AssessmentError(f"cannot read {name}: {exc}", where=str(path or name),
                              fix="check that the file exists and is valid YAML") from exc


def parameter(name: str, period: str, *, earliest_ok: bool = False) -> Any:
    """The value of a dated parameter (parameters.yaml) in force in ``period`` (YYYY-MM);
    ``earliest_ok``: before its first date, its first value (as the warnings apply the cn-2021
    rules to the synthetic 2019–2020 window; the summary says so)."""
    params = _read_yaml("parameters.yaml")
    if name not in params:
        raise AssessmentError(f"unknown assessment parameter {name!r}",
                              where="assessment/parameters.yaml",
                              fix=f"use one of {sorted(params)}")
    day = f"{period}-31" if len(period) == 7 else period
    dated = sorted((str(k), v) for k, v in params[name]["values"].items() if str(k) <= day)
    if not dated and earliest_ok:
        dated = sorted((str(k), v) for k, v in params[name]["values"].items())[:1]
    if not dated:
        raise AssessmentError(f"parameter {name!r} has no value in force in {period}",
                              where="assessment/parameters.yaml",
                              fix="add a value dated on or before the period")
    return dated[-1][1]["value"]


class Weight(BaseModel):
    weight: float = Field(ge=0)
    best: float
    worst: float


class Weights(BaseModel):
    """Scorecard weights (weights.yaml): dated, referenced, ours unless replaced."""

    valid_from: str
    reference: str
    indicators: dict[str, Weight]

    def score(self, name: str, value: float | None) -> float | None:
        """0–100: 100 at ``best``, 0 at ``worst``, linear between, clipped."""
        w = self.indicators.get(name)
        if w is None or value is None or math.isnan(value) or w.best == w.worst:
            return None
        s = (value - w.worst) / (w.best - w.worst)
        return float(min(1.0, max(0.0, s)) * 100)


def load_weights(path: Path | None = None) -> Weights:
    raw = _read_yaml("weights.yaml", path)
    try:
        w = Weights.model_validate(raw)
    except ValidationError as exc:
        raise AssessmentError(f"invalid scorecard weights: {exc.errors()[0]['msg']}",
                              where=str(path or "assessment/weights.yaml"),
                              fix="each indicator needs weight (≥ 0), best and worst") from exc
    unknown = sorted(set(w.indicators) - set(BY_NAME))
    if unknown:
        raise AssessmentError(f"weights name unknown indicators {unknown}",
                              where=str(path or "assessment/weights.yaml"),
                              fix=f"use names from {sorted(BY_NAME)}")
    if sum(x.weight for x in w.indicators.values()) <= 0:
        raise AssessmentError("all scorecard weights are zero",
                              where=str(path or "assessment/weights.yaml"),
                              fix="give at least one indicator a positive weight")
    return w
