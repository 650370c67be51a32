"""The cause rules as data: ``causes.yaml`` (official cause list, rules) + ``parameters.yaml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jingzhun.errors import ConfigError
from jingzhun.policy.expressions import ParsedExpression, parse
from jingzhun.policy.parameters import ParameterSet

HERE = Path(__file__).parent
CAUSES_FILE = HERE / "causes.yaml"
PARAMETERS_FILE = HERE / "parameters.yaml"


@dataclass(frozen=True)
class Cause:
    cause: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class CauseRule:
    id: str
    cause: str
    label_zh: str
    label_en: str
    condition: str
    inputs: dict[str, str]
    reference: str
    parsed: ParsedExpression = field(repr=False, compare=False)


@dataclass(frozen=True)
class CauseRules:
    name: str
    causes: tuple[Cause, ...]
    rules: tuple[CauseRule, ...]
    parameters: ParameterSet
    not_observable: tuple[str, ...] = ()

    @property
    def labels(self) -> dict[str, Cause]:
        return {c.cause: c for c in self.causes}

    def resolver(self, when: dt.date) -> Any:
        return lambda name: self.parameters.at(name, when)

    def inputs(self) -> set[str]:
        return {n for r in self.rules for n in r.parsed.names}


def _need(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise ConfigError(f"missing field {key!r}", where=where,
                          fix=f"add {key}: to the entry (see src/jingzhun/diagnosis/causes.yaml)")
    return raw[key]


def load_rules(path: Path | None = None, parameters: Path | None = None) -> CauseRules:
    """Read and check a cause-rule file: every rule names a listed cause, every condition
    parses, every name it reads is declared in ``inputs`` with its source department."""
    path = Path(path or CAUSES_FILE)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read cause rules: {exc}", where=str(path),
                          fix="give a readable YAML file like diagnosis/causes.yaml") from exc
    if not isinstance(raw, dict):
        raise ConfigError("the cause-rule file is not a mapping", where=str(path),
                          fix="start from src/jingzhun/diagnosis/causes.yaml")
    causes = tuple(Cause(str(c["cause"]), str(c["label_zh"]), str(c["label_en"]))
                   for c in _need(raw, "causes", str(path)))
    known = {c.cause for c in causes}
    rules: list[CauseRule] = []
    seen: set[str] = set()
    for i, r in enumerate(_need(raw, "rules", str(path))):
        where = f"{path}: rules[{i}]"
        rid = str(_need(r, "id", where))
        where = f"{path}: rule {rid}"
        if rid in seen:
            raise ConfigError(f"duplicate rule id {rid!r}", where=where, fix="give each rule its own id")
        seen.add(rid)
        cause = str(_need(r, "cause", where))
        if cause not in known:
            raise ConfigError(f"rule {rid} names cause {cause!r}, not in the cause list",
                              where=where, fix=f"use one of: {', '.join(sorted(known))}")
        parsed = parse(str(_need(r, "condition", where)), where=where)
        inputs = {str(k): str(v) for k, v in (r.get("inputs") or {}).items()}
        undeclared = sorted(parsed.names - set(inputs))
        if undeclared:
            raise ConfigError(f"rule {rid} reads {', '.join(undeclared)} without a source",
                              where=where, fix="list every name under inputs: {name: department}")
        rules.append(CauseRule(rid, cause, str(_need(r, "label_zh", where)),
                               str(_need(r, "label_en", where)), parsed.text, inputs,
                               str(_need(r, "reference", where)), parsed))
    params = ParameterSet.from_file(Path(parameters or PARAMETERS_FILE))
    return CauseRules(str(raw.get("name", path.stem)), causes, tuple(rules), params,
                      tuple(raw.get("not_observable") or ()))
