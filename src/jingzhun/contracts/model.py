"""Pydantic models of a department contract (the YAML format in docs/contracts.md)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ColumnType = Literal[
    "string", "name", "id_number", "date", "month", "integer", "decimal", "money", "code",
    "boolean", "area_code",
]
FileFormat = Literal["csv", "xlsx", "parquet"]
UpdateCycle = Literal["monthly", "quarterly", "yearly", "once"]

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_PREFIX = "_"
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12, "once": None}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileSpec(_Strict):
    """How the department's files are named and encoded."""

    pattern: str = Field(description="file name; {period} = YYYYMM extract month; * allowed")
    format: FileFormat
    encoding: Literal["utf-8", "gb18030"] = "utf-8"
    delimiter: str = ","
    sheet: int | str = 0

    @field_validator("encoding", mode="before")
    @classmethod
    def _lower_encoding(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip().lower().replace("_", "-")
            aliases = {"utf8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb18030",
                       "gb2312": "gb18030"}
            return aliases.get(v, v)
        return v

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError(f"delimiter must be one character, got {v!r}")
        return v

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        if v.count("{period}") > 1:
            raise ValueError("pattern may contain {period} at most once")
        rest = v.replace("{period}", "")
        if "{" in rest or "}" in rest:
            raise ValueError("the only placeholder allowed in pattern is {period}")
        return v


class ColumnSpec(_Strict):
    """One column of the department's file and the canonical field it becomes."""

    source: str
    field: str
    type: ColumnType
    required: bool = False
    personal: bool = False
    sensitive: bool = False
    label_zh: str | None = None
    label_en: str | None = None
    codes: dict[str, Any] | None = None
    min: Any = None
    max: Any = None
    event_date: bool = False
    description: str | None = None

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_keys_as_text(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): val for k, val in v.items()}
        return v

    @field_validator("field")
    @classmethod
    def _snake(cls, v: str) -> str:
        if not _SNAKE.match(v):
            raise ValueError(
                f"field {v!r} must be snake_case English (lower-case letters, digits, _), "
                "starting with a letter"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ColumnSpec:
        if self.type in ("code", "boolean") and not self.codes:
            raise ValueError(f"type {self.type} needs a non-empty `codes` mapping")
        if self.codes and self.type not in ("code", "boolean"):
            raise ValueError(f"`codes` is only allowed for type code or boolean, not {self.type}")
        if self.type == "boolean" and self.codes:
            bad = [k for k, v in self.codes.items() if not isinstance(v, bool)]
            if bad:
                raise ValueError(f"boolean codes must map to true/false; fix keys {bad}")
        for bound_name in ("min", "max"):
            bound = getattr(self, bound_name)
            if bound is None:
                continue
            if self.type == "date":
                if bound == "extract":
                    continue
                try:
                    _dt.date.fromisoformat(str(bound))
                except ValueError:
                    raise ValueError(
                        f"{bound_name} of a date must be an ISO date (\"1900-01-01\") or "
                        f"\"extract\", got {bound!r}"
                    ) from None
            elif self.type in ("integer", "money", "decimal"):
                if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                    raise ValueError(f"{bound_name} must be a number, got {bound!r}")
                if self.type in ("integer", "money") and float(bound) != int(bound):
                    raise ValueError(f"{bound_name} of {self.type} must be an integer "
                                     f"(money bounds are in fen), got {bound!r}")
            else:
                raise ValueError(f"min/max are allowed only for date, integer, decimal and "
                                 f"money columns, not {self.type}")
        if self.event_date and self.type != "date":
            raise ValueError("event_date: true is only allowed on date columns")
        return self

    def date_bound(self, which: str, period: str | None) -> _dt.date | None:
        """The min/max bound of a date column as a date (``extract`` → end of the period)."""
        from jingzhun.normalise.dates import period_end

        bound = self.min if which == "min" else self.max
        if bound is None:
            return None
        if bound == "extract":
            return period_end(period) if period else None
        return _dt.date.fromisoformat(str(bound))


class Contract(_Strict):
    """A department's data contract."""

    department: str
    name_zh: str
    name_en: str
    provider_zh: str | None = None
    provider_en: str | None = None
    update_cycle: UpdateCycle = "monthly"
    files: FileSpec
    row_kind: str
    unique: list[str] = Field(default_factory=list)
    columns: list[ColumnSpec]
    description: str | None = None
    source_path: str | None = Field(default=None, exclude=True)

    @field_validator("department")
    @classmethod
    def _dept(cls, v: str) -> str:
        if not _SNAKE.match(v):
            raise ValueError(
                f"department {v!r} must be a snake_case code (it is also a folder name)"
            )
        return v

    @model_validator(mode="after")
    def _columns_consistent(self) -> Contract:
        if not self.columns:
            raise ValueError("a contract needs at least one column")
        seen_f: set[str] = set()
        seen_s: set[str] = set()
        for c in self.columns:
            if c.field in seen_f:
                raise ValueError(f"field {c.field!r} is declared twice; each field once")
            if c.source in seen_s:
                raise ValueError(f"source column {c.source!r} is declared twice")
            seen_f.add(c.field)
            seen_s.add(c.source)
        for c in self.columns:
            if c.type == "id_number" and f"{c.field}_raw" in seen_f:
                raise ValueError(f"field {c.field}_raw clashes with the raw copy of {c.field}")
        missing = [u for u in self.unique if u not in seen_f]
        if missing:
            raise ValueError(f"unique names unknown fields {missing}; use canonical field names "
                             f"from `columns` ({sorted(seen_f)})")
        return self

    # --- helpers -------------------------------------------------------------------------
    def column(self, field: str) -> ColumnSpec:
        for c in self.columns:
            if c.field == field:
                return c
        raise KeyError(field)

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]

    @property
    def id_fields(self) -> list[str]:
        return [c.field for c in self.columns if c.type == "id_number"]

    @property
    def event_date_fields(self) -> list[str]:
        """Date fields describing events the extract reports (for timeliness): exactly those
        marked ``event_date: true``. Historical attributes (a company's founding date, a
        house's appraisal date) are not events and must not be marked."""
        return [c.field for c in self.columns if c.event_date]

    @property
    def cycle_months(self) -> int | None:
        return CYCLE_MONTHS[self.update_cycle]
