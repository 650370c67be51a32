"""Dated policy parameters, each value with its legal reference and unit (OpenFisca style).

A parameter file is YAML: one entry per parameter name::

    poverty_line_fen:
      label_zh: 国家农村扶贫标准（现价）
      label_en: national rural poverty line (current prices)
      unit: fen/person/year
      values:
        - {from: 2014-01-01, value: 280000, reference: "domain.md §2 (2014: 2800 yuan)"}
        - {from: 2020-01-01, value: 400000, reference: "...", unverified: true}

``ParameterSet.at(name, when)`` returns the value in force on ``when``. Province overrides and
what-if changes are *reforms*: ``ParameterSet.reformed({...})`` returns a new set in which the
named parameters get extra dated values, leaving the pack untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from jingzhun.errors import ConfigError


@dataclass(frozen=True)
class ParameterValue:
    start: dt.date
    value: Any
    reference: str
    unverified: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    label_zh: str
    label_en: str
    unit: str
    values: tuple[ParameterValue, ...]

    def at(self, when: dt.date) -> ParameterValue:
        current = None
        for v in self.values:
            if v.start <= when:
                current = v
        if current is None:
            first = self.values[0].start if self.values else None
            raise ConfigError(
                f"parameter {self.name!r} has no value on {when.isoformat()}",
                where=f"parameter {self.name}",
                fix=f"its first value starts {first}; add an earlier value or choose a later period",
            )
        return current


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"bad date {value!r}", where=where, fix="write YYYY-MM-DD") from exc


def _values(raw: Any, where: str) -> tuple[ParameterValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("a parameter needs a non-empty list of values", where=where,
                          fix="values: [{from: 2014-01-01, value: ..., reference: ...}]")
    out = []
    for i, item in enumerate(raw):
        w = f"{where}, value {i + 1}"
        if not isinstance(item, dict) or "value" not in item or "from" not in item:
            raise ConfigError("each value needs 'from' and 'value'", where=w)
        if not item.get("reference"):
            raise ConfigError("each value needs its legal reference", where=w,
                              fix="add reference: the document, article or source of the value")
        out.append(ParameterValue(
            start=_date(item["from"], w), value=item["value"], reference=str(item["reference"]),
            unverified=bool(item.get("unverified", False)), note=item.get("note"),
        ))
    return tuple(sorted(out, key=lambda v: v.start))


@dataclass(frozen=True)
class ParameterSet:
    parameters: dict[str, Parameter] = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, text: str, where: str) -> ParameterSet:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"parameter file is not valid YAML: {exc}", where=where) from exc
        params = {}
        for name, spec in data.items():
            w = f"{where}: {name}"
            if not isinstance(spec, dict):
                raise ConfigError("a parameter must be a mapping", where=w)
            params[name] = Parameter(
                name=name, label_zh=str(spec.get("label_zh", name)),
                label_en=str(spec.get("label_en", name)), unit=str(spec.get("unit", "")),
                values=_values(spec.get("values"), w),
            )
        return cls(params)

    @classmethod
    def from_file(cls, path: Path) -> ParameterSet:
        return cls.from_yaml(path.read_text(encoding="utf-8"), str(path))

    def get(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise ConfigError(
                f"unknown parameter {name!r}", where="param()",
                fix=f"known parameters: {', '.join(sorted(self.parameters))}",
            ) from None

    def at(self, name: str, when: dt.date) -> Any:
        return self.get(name).at(when).value

    def reformed(self, changes: dict[str, Any], *, start: dt.date | None = None,
                 reference: str = "what-if reform") -> ParameterSet:
        """A new set where each named parameter takes ``value`` from ``start`` (default: its
        first date, i.e. for all periods). ``changes`` maps name → value."""
        params = dict(self.parameters)
        for name, value in changes.items():
            p = self.get(name)
            when = start or p.values[0].start
            kept = tuple(v for v in p.values if v.start < when)
            params[name] = replace(p, values=kept + (ParameterValue(when, value, reference),))
        return ParameterSet(params)

    def merged(self, other: ParameterSet) -> ParameterSet:
        """Province overrides: ``other``'s parameters replace or extend this set's."""
        return ParameterSet({**self.parameters, **other.parameters})
