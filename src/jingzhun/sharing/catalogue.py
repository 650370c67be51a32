"""The resource catalogue (政务信息资源目录, after GB/T 21063): metadata as data.

``catalogue.yaml`` holds the sharing decisions; department extracts take their data items from
their contracts, indicators from the indicator catalogue, so items are written once.
:func:`load_catalogue` returns :class:`Resource` objects, :func:`catalogue_json` the exported
JSON (what the web page and ``jingzhun catalogue --json`` show) and :func:`resource_for_path`
the entry a workspace file belongs to.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jingzhun.sharing.errors import SharingConfigError

SharingClass = Literal["unconditional", "conditional", "not_shared"]
Openness = Literal["open", "conditional_open", "not_open"]
SHARING_LABELS = {"unconditional": "无条件共享 unconditional", "conditional": "有条件共享 conditional",
                  "not_shared": "不予共享 not shared"}
OPENNESS_LABELS = {"open": "无条件开放 open", "conditional_open": "有条件开放 conditional",
                   "not_open": "不予开放 not open"}
PLACEHOLDERS = {"period": r"\d{4}-\d{2}", "pack": r"[a-z0-9][a-z0-9.-]*", "name": r".+"}


class DataItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str
    personal: bool = False
    sensitive: bool = False
    label_zh: str | None = None
    label_en: str | None = None
    identifier: bool = Field(False, description="joins records: released only as a pseudonym")
    direct: bool = Field(False, description="names or contacts a person: never released")


class Resource(BaseModel):
    """One catalogued resource (GB/T 21063 core metadata + sharing class)."""

    model_config = ConfigDict(extra="forbid")
    code: str
    name_zh: str
    name_en: str
    category: str
    provider: str
    summary: str
    path: str                     # relative to the workspace, with {period}/{pack}/{name}
    format: str
    update_cycle: str
    sharing: SharingClass
    basis: list[str]
    conditions: str = ""
    openness: Openness = "not_open"
    related: list[str] = Field(default_factory=list)
    items: list[DataItem] = Field(default_factory=list)
    zone: str = ""
    department: str | None = None
    publication_date: str = ""

    def item(self, name: str) -> DataItem | None:
        return next((i for i in self.items if i.name == name), None)

    def path_regex(self) -> re.Pattern[str]:
        out, pos = [], 0
        for m in re.finditer(r"\{(\w+)\}", self.path):
            out.append(re.escape(self.path[pos:m.start()]))
            out.append(f"(?P<{m.group(1)}>{PLACEHOLDERS.get(m.group(1), '.+')})")
            pos = m.end()
        out.append(re.escape(self.path[pos:]))
        return re.compile("^" + "".join(out) + "$")


class Catalogue(BaseModel):
    version: str
    publisher_zh: str
    publisher_en: str
    bases: dict[str, str]
    resources: list[Resource]
    provenance_suffixes: list[str]

    def get(self, code: str) -> Resource | None:
        return next((r for r in self.resources if r.code == code), None)

    def basis_text(self, r: Resource) -> list[str]:
        return [self.bases.get(b, b) for b in r.basis]


def _text(path: Path | None) -> tuple[str, str]:
    if path is not None:
        return path.read_text(encoding="utf-8"), str(path)
    f = resources.files("jingzhun.sharing").joinpath("catalogue.yaml")
    return f.read_text(encoding="utf-8"), "jingzhun/sharing/catalogue.yaml"


LINEAGE_ITEMS = [
    {"name": "_file", "type": "string", "label_zh": "来源文件", "label_en": "source file"},
    {"name": "_row", "type": "integer", "label_zh": "行号", "label_en": "row"},
    {"name": "_period", "type": "month", "label_zh": "数据月份", "label_en": "extract month"},
    {"name": "_department", "type": "string", "label_zh": "部门", "label_en": "department"},
    {"name": "_dq_flags", "type": "string", "label_zh": "质量标记", "label_en": "quality flags"},
]
QUARANTINE_ITEMS = [
    {"name": "reasons", "type": "string", "label_zh": "隔离原因", "label_en": "reasons"},
    {"name": "primary_reason", "type": "string", "label_zh": "主要原因", "label_en": "primary reason"},
    {"name": "message", "type": "string", "label_zh": "说明", "label_en": "message"},
    {"name": "raw", "type": "string", "label_zh": "原始行", "label_en": "the row as sent"},
]


def _department_resources(raw: dict[str, Any], direct: set[str], ident: set[str],
                          version: str) -> list[dict[str, Any]]:
    from jingzhun.contracts.loader import load_contracts

    depts = dict(raw.get("departments") or {})
    default = depts.pop("_default", {})
    out = []
    for dept, c in sorted(load_contracts().items()):
        entry = depts.get(dept)
        if entry is None:
            continue          # reported by missing_departments(); the test fails on it
        items = [{"name": col.field, "type": col.type, "personal": col.personal,
                  "sensitive": col.sensitive, "label_zh": col.label_zh, "label_en": col.label_en,
                  "identifier": col.type == "id_number" or col.field in ident,
                  "direct": col.field in direct}
                 for col in c.columns]
        items += [{"name": f"{col.field}_raw", "type": "string", "personal": True,
                   "label_zh": f"{col.label_zh or col.field}（原值）",
                   "label_en": f"{col.label_en or col.field} (as sent)", "identifier": True}
                  for col in c.columns if col.type == "id_number"]
        items += LINEAGE_ITEMS
        raw_items = [{**i, "name": col.source, "label_en": f"{i['label_en'] or col.field} "
                      f"(source column of {col.field})"}
                     for i, col in zip(items, c.columns)]     # the file as sent: source names
        for zone, desc_zh in (("validated", "已校验"), ("raw", "原始"), ("quarantine", "隔离")):
            z = {**default.get(zone, {}), **entry.get(zone, {})}
            ext = "parquet" if zone != "raw" else c.files.format
            out.append({
                "code": f"JZ-DEPT-{dept.upper().replace('_', '-')}-{zone.upper()}",
                "name_zh": f"{c.name_zh}（{desc_zh}）", "name_en": f"{c.name_en} ({zone})",
                "category": entry.get("category", default.get("category", "")),
                "provider": f"{c.provider_zh or ''} {c.provider_en or ''}".strip(),
                "summary": (c.description or f"{c.name_en}: one row per {c.row_kind}").strip(),
                "path": f"{zone}/{dept}/{{name}}", "format": ext,
                "update_cycle": c.update_cycle, "sharing": z.get("sharing", "not_shared"),
                "basis": z.get("basis", []), "conditions": z.get("conditions", ""),
                "openness": z.get("openness", "not_open"),
                "related": [f"JZ-DEPT-{dept.upper().replace('_', '-')}-{o.upper()}"
                            for o in ("validated", "raw", "quarantine") if o != zone],
                "items": items if zone == "validated" else raw_items if zone == "raw" else LINEAGE_ITEMS + [
                    {**i, "personal": any(x.get("personal") for x in items),
                     "sensitive": any(x.get("sensitive") for x in items)} if i["name"] == "raw" else i
                    for i in QUARANTINE_ITEMS],
                "zone": zone, "department": dept, "publication_date": version,
            })
    return out


def _indicator_items(r: dict[str, Any]) -> list[dict[str, Any]]:
    from jingzhun.indicators.catalogue import INDICATORS

    sens = set(r.pop("sensitive_items", []))
    pers = set(r.pop("personal_items", []))
    items = [{"name": i.name, "type": i.type, "label_zh": i.label_zh, "label_en": i.label_en,
              "personal": i.name in pers, "sensitive": i.name in sens} for i in INDICATORS]
    if not any(i["name"] == "period" for i in items):
        items.insert(1, {"name": "period", "type": "month", "label_zh": "月份", "label_en": "period"})
    return items


@lru_cache(maxsize=4)
def _load(path_s: str | None) -> Catalogue:
    text, where = _text(Path(path_s) if path_s else None)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SharingConfigError("catalogue is not valid YAML", where=where, fix=str(exc)) from exc
    direct = set(raw.get("direct_identifiers", []))
    ident = set(raw.get("pseudonymised_identifiers", []))
    version = str(raw.get("version", ""))
    entries = _department_resources(raw, direct, ident, version)
    for r in raw.get("resources", []):
        r = dict(r)
        if r.pop("items_from", None) == "indicators":
            r["items"] = _indicator_items(r)
        r["items"] = [{**i, "identifier": i.get("identifier", i["name"] in ident),
                       "direct": i.get("direct", i["name"] in direct)} for i in r.get("items", [])]
        r.setdefault("zone", r["path"].split("/", 1)[0])
        r.setdefault("publication_date", version)
        entries.append(r)
    try:
        cat = Catalogue(version=version, publisher_zh=raw["publisher_zh"],
                        publisher_en=raw["publisher_en"], bases=raw.get("bases", {}),
                        resources=entries, provenance_suffixes=raw.get("provenance_suffixes", []))
    except (ValidationError, KeyError) as exc:
        raise SharingConfigError("catalogue entry is malformed", where=where,
                                 fix=str(exc)) from exc
    codes = [r.code for r in cat.resources]
    dup = {c for c in codes if codes.count(c) > 1}
    if dup:
        raise SharingConfigError(f"duplicate resource codes {sorted(dup)}", where=where,
                                 fix="give each resource its own code")
    for r in cat.resources:
        unknown = [b for b in r.basis if b not in cat.bases]
        if unknown:
            raise SharingConfigError(f"resource {r.code} cites unknown bases {unknown}",
                                     where=where, fix="define them under bases:")
    return cat


def load_catalogue(path: Path | None = None) -> Catalogue:
    return _load(str(path) if path else None)


def missing_departments(path: Path | None = None) -> list[str]:
    """Contracts that have no entry under ``departments`` in the catalogue."""
    from jingzhun.contracts.loader import load_contracts

    text, _ = _text(path)
    depts = set((yaml.safe_load(text).get("departments") or {}))
    return sorted(set(load_contracts()) - depts)


def resource_for_path(rel_path: str, catalogue: Catalogue | None = None) -> Resource | None:
    """The catalogued resource a workspace file (path relative to the workspace) belongs to.
    Department resources match by zone and department folder; others by their path pattern,
    the most specific (longest literal pattern) first."""
    cat = catalogue or load_catalogue()
    rel = rel_path.replace("\\", "/")
    for r in sorted(cat.resources, key=lambda r: -len(re.sub(r"\{\w+\}", "", r.path))):
        if r.path_regex().match(rel):
            return r
    return None


def covers_column(r: Resource, column: str, suffixes: list[str]) -> bool:
    if r.item(column) is not None:
        return True
    return any(column.endswith(s) and r.item(column[: -len(s)]) is not None for s in suffixes)


def catalogue_json(catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The catalogue as exported JSON (Chinese first, English beside it)."""
    cat = catalogue or load_catalogue()
    return {
        "version": cat.version, "publisher_zh": cat.publisher_zh, "publisher_en": cat.publisher_en,
        "resources": [{
            **r.model_dump(exclude={"items"}),
            "sharing_label": SHARING_LABELS[r.sharing],
            "openness_label": OPENNESS_LABELS[r.openness],
            "basis_text": cat.basis_text(r),
            "items": [i.model_dump() for i in r.items],
        } for r in cat.resources],
    }


__all__ = ["Catalogue", "DataItem", "Resource", "catalogue_json", "covers_column",
           "load_catalogue", "missing_departments", "resource_for_path"]
