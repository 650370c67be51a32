"""Settings of the synthetic province: one typed, serialisable object.

Every rate has a default and a source: ``domain.md §n`` for published policy facts and Guizhou
figures, "ours" for modelling assumptions (documented in docs/synthetic-province.md).

>>> cfg = SynthConfig(scale=0.001, months=24, seed=1, start="2019-01")
>>> cfg.start_year, cfg.end_period
(2019, '202012')
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator


class DefectRates(BaseModel):
    """Per-record rates of planted data defects (ours: "a few in a thousand" is what
    cross-department matching projects typically report; tune per study).

    Undetectable ones (linkage must cope): name_typo ... date_mixed_format, late_report.
    ID warnings (row accepted with a flag): id_missing, id_invalid, id_legacy_15.
    Detectable (row quarantined): malformed_row ... duplicate_row.
    Each rate is the expected share of a file's records carrying that defect; rows carry at
    most one planted defect.
    """

    model_config = ConfigDict(extra="forbid")

    name_typo: float = 0.002  # a character replaced by another common name character
    name_homophone: float = 0.004  # 张伟 → 张玮 (same pinyin)
    name_similar_shape: float = 0.001  # 形近字: 王 → 玉
    name_traditional: float = 0.001  # 陈 → 陳
    name_fullwidth_space: float = 0.002  # stray/full-width spaces around or inside names
    id_missing: float = 0.005
    id_invalid: float = 0.002  # one digit changed → wrong check character
    id_legacy_15: float = 0.002  # 15-digit number (born before 2000 only)
    id_lowercase_x: float = 0.5  # share of IDs ending in X written as x (file-level habit)
    date_mixed_format: float = 0.01  # another valid format in the same file
    late_report: float = 0.05  # events reported 1–3 months late (event files)
    address_fullwidth: float = 0.003  # full-width digits in addresses
    malformed_row: float = 0.0005  # CSV only: wrong number of fields
    impossible_date: float = 0.0005  # 2019-02-30
    out_of_range: float = 0.0005  # negative amounts, huge areas
    invalid_code: float = 0.0005
    missing_required: float = 0.0005
    duplicate_row: float = 0.001

    @property
    def detectable(self) -> dict[str, float]:
        return {
            "malformed_row": self.malformed_row,
            "impossible_date": self.impossible_date,
            "out_of_range": self.out_of_range,
            "invalid_code": self.invalid_code,
            "missing_required": self.missing_required,
            "duplicate_row": self.duplicate_row,
        }


class RollErrorRates(BaseModel):
    """Errors of the existing 建档立卡 roll against the truth at the start (ours)."""

    model_config = ConfigDict(extra="forbid")

    wrongly_missed: float = 0.05  # share of truly poor households absent from the roll
    wrongly_exited: float = 0.03  # share of truly poor households recorded as exited
    wrongly_included: float = 0.04  # non-poor households recorded as poor, as a share of
    #                                 the households recorded as poor
    cause_misrecorded: float = 0.2  # recorded main cause differs from the true one
    over_report_factor: float = 4.0  # wrongly-exited multiplier in the over-reporting county
    over_report_income: float = 1.35  # recorded income inflation there


class PaymentAnomalyRates(BaseModel):
    """Planted fund anomalies in the payment records (ours)."""

    model_config = ConfigDict(extra="forbid")

    dead_payee_continue: float = 0.3  # share of payees who die whose payments go on
    duplicate: float = 0.002  # same person, programme and period paid twice
    above_standard: float = 0.002  # amount above the programme standard
    unknown_payee: float = 0.001  # payee not in the household registry
    excluded_on_dibao: float = 0.05  # share of 低保 places wrongly given to excluded
    #                                  households (car, company, payroll) or cadres' relatives


def _default_line() -> dict[int, int]:
    # domain.md §2: 2800 (2014), 3218 (2019), about 4000 (2020); other years interpolated.
    return {2014: 2800, 2019: 3218, 2020: 4000}


def _default_incidence() -> dict[int, float]:
    # domain.md §7: registered poor as share of the registered rural population, end of year.
    # 2016 is marked unverified there.
    return {2012: 0.268, 2013: 0.206, 2014: 0.18, 2016: 0.106, 2018: 0.043, 2019: 0.0085,
            2020: 0.0}


def _default_monitor_range() -> dict[int, int]:
    # domain.md §6: 6000 yuan in 2021 (1.5 × the line); provinces adjust yearly. The 2023 value
    # of one county (8050) is used as an example only (unverified as a province value).
    return {2021: 6000, 2023: 8050}


class SynthConfig(BaseModel):
    """What to generate. ``scale`` = fraction of Guizhou's 38.56 million residents."""

    model_config = ConfigDict(extra="forbid")

    scale: float = Field(0.001, gt=0, le=1.0)
    months: int = Field(24, ge=1, le=120)
    seed: int = 1
    start: str = "2019-01"
    poverty_line_yuan: dict[int, int] = Field(default_factory=_default_line)
    incidence_by_year: dict[int, float] = Field(default_factory=_default_incidence)
    monitor_range_yuan: dict[int, int] = Field(default_factory=_default_monitor_range)
    monitoring_from: str = "2021-01"  # domain.md §6: monitoring rules apply from 2021
    income_growth: float = 0.07  # nominal yearly income growth (ours)
    defects: DefectRates = Field(default_factory=DefectRates)
    roll_errors: RollErrorRates = Field(default_factory=RollErrorRates)
    payments: PaymentAnomalyRates = Field(default_factory=PaymentAnomalyRates)
    migrant_shock_month: str | None = "2020-02"  # a province-wide return of migrants (ours)
    migrant_shock_share: float = 0.25

    @field_validator("start", "monitoring_from")
    @classmethod
    def _check_month(cls, v: str) -> str:
        if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", v):
            raise ValueError(f"month must be YYYY-MM, got {v!r}")
        return v

    @field_validator("migrant_shock_month")
    @classmethod
    def _check_opt_month(cls, v: str | None) -> str | None:
        return None if v is None else cls._check_month(v)

    @property
    def start_year(self) -> int:
        return int(self.start[:4])

    @property
    def start_month(self) -> int:
        return int(self.start[5:7])

    def period(self, m: int) -> str:
        """YYYYMM of simulation month ``m`` (0-based)."""
        k = self.start_year * 12 + self.start_month - 1 + m
        return f"{k // 12:04d}{k % 12 + 1:02d}"

    @property
    def periods(self) -> list[str]:
        return [self.period(m) for m in range(self.months)]

    @property
    def end_period(self) -> str:
        return self.period(self.months - 1)

    def month_index(self, yyyy_mm: str) -> int:
        """Simulation month of ``YYYY-MM`` (may be negative or beyond the window)."""
        y, mo = int(yyyy_mm[:4]), int(yyyy_mm[5:7])
        return (y * 12 + mo - 1) - (self.start_year * 12 + self.start_month - 1)
