"""Policy packs: dated parameters + rules + status order, loaded from files.

A pack is a folder with ``parameters.yaml`` (see :mod:`jingzhun.policy.parameters`) and
``rules.yaml``: each rule has an id, a kind, Chinese and English labels, a condition in the
expression language (:mod:`jingzhun.policy.expressions`), its inputs (indicator → source
department), its legal reference and its period of validity. ``statuses`` lists, in order,
the status a household gets when a test holds; tests may use ``any(kind)`` (some rule of that
kind fired), ``fired("rule id")`` and indicators.

Shipped packs live in ``jingzhun/policy/packs/``. Province overrides and what-if changes are
reforms (:meth:`Pack.reformed`), never copies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jingzhun.errors import ConfigError
from jingzhun.policy.expressions import ParsedExpression, parse
from jingzhun.policy.parameters import ParameterSet


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: str
    label_zh: str
    label_en: str
    condition: str
    inputs: dict[str, str] = Field(default_factory=dict)
    reference: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    unverified: bool = False

    def valid_on(self, when: dt.date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when <= self.valid_to)


class StatusRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    label_zh: str
    label_en: str
    when: str


_ANY = re.compile(r"\bany\((\w+)\)")
_FIRED = re.compile(r"""\bfired\(\s*["']([\w.\-]+)["']\s*\)""")


def fired_column(rule_id: str) -> str:
    return "_fired__" + re.sub(r"\W", "_", rule_id)


def any_column(kind: str) -> str:
    return f"_any__{kind}"


def status_expression(text: str, where: str) -> ParsedExpression:
    """Rewrite ``any(kind)`` and ``fired("id")`` into column names, then parse."""
    rewritten = _FIRED.sub(lambda m: fired_column(m.group(1)), _ANY.sub(lambda m: any_column(m.group(1)), text))
    return parse(rewritten, where=where)


@dataclass(frozen=True)
class Pack:
    name: str
    label_zh: str
    label_en: str
    parameters: ParameterSet
    rules: tuple[Rule, ...]
    statuses: tuple[StatusRule, ...]

    def rules_on(self, when: dt.date) -> list[Rule]:
        return [r for r in self.rules if r.valid_on(when)]

    def reformed(self, changes: dict[str, Any], *, start: dt.date | None = None) -> Pack:
        """A what-if copy of the pack with parameter ``changes`` (name → value)."""
        return replace(self, parameters=self.parameters.reformed(changes, start=start))

    def with_overrides(self, overrides: ParameterSet) -> Pack:
        """A province's own parameter values on top of the national pack."""
        return replace(self, parameters=self.parameters.merged(overrides))

    def indicators(self) -> set[str]:
        names: set[str] = set()
        for r in self.rules:
            names |= parse(r.condition).names
        return names


def shipped_packs() -> list[str]:
    folder = resources.files("jingzhun.policy") / "packs"
    return sorted(p.name for p in folder.iterdir() if (p / "rules.yaml").is_file())


def load_pack(name_or_path: str | Path) -> Pack:
    """Load a pack from a folder, or a shipped pack by name (``cn-2014``, ``cn-2021``)."""
    path = Path(name_or_path)
    if path.is_dir():
        folder: Any = path
    else:
        folder = resources.files("jingzhun.policy") / "packs" / str(name_or_path)
        if not (folder / "rules.yaml").is_file():
            raise ConfigError(
                f"no policy pack {str(name_or_path)!r}", where="--pack",
                fix=f"give a pack folder or one of: {', '.join(shipped_packs())}",
            )
    where = str(name_or_path)
    params = ParameterSet.from_yaml((folder / "parameters.yaml").read_text(encoding="utf-8"),
                                    f"{where}/parameters.yaml")
    try:
        data = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
        rules = tuple(Rule.model_validate(r) for r in data["rules"])
        statuses = tuple(StatusRule.model_validate(s) for s in data["statuses"])
    except (KeyError, TypeError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"rules file is malformed: {exc}", where=f"{where}/rules.yaml",
                          fix="see docs/policy.md for the format") from exc
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ConfigError("duplicate rule ids", where=f"{where}/rules.yaml")
    for r in rules:
        parsed = parse(r.condition, where=f"{where}/rules.yaml: {r.id}")
        unknown = sorted(parsed.params - set(params.parameters))
        if unknown:
            raise ConfigError(f"rule {r.id} uses unknown parameter(s) {unknown}",
                              where=f"{where}/rules.yaml", fix="declare them in parameters.yaml")
        undeclared = sorted(parsed.names - set(r.inputs))
        if undeclared:
            raise ConfigError(f"rule {r.id} does not declare the source of {undeclared}",
                              where=f"{where}/rules.yaml",
                              fix="list every indicator it reads under inputs: {indicator: department}")
    for s in statuses:
        status_expression(s.when, f"{where}/rules.yaml: status {s.status}")
    return Pack(str(data.get("pack", where)), str(data.get("label_zh", "")),
                str(data.get("label_en", "")), params, rules, statuses)
