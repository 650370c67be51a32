"""Roles, their jurisdiction level and default permissions (deny by default).

A user's ``area_code`` is a canonical GB/T 2260-style code: province ``520000``, prefecture
``520100``, county ``520102``, township (9 digits), village (12 digits). Its *scope prefix* is
the part that every code inside the area starts with (``52``, ``5201``, ``520102``, …).

Permissions:

- ``overview``   aggregated figures and the map;
- ``lists``      row-level lists (areas' households, cross-check lists, the warning queue);
- ``household``  the household file (一户一档) with masked ID numbers;
- ``sensitive``  full ID number, phone, bank account, health details — only with a stated
                 purpose, every view written to the audit log;
- ``workflow``   verification workflow actions;
- ``audit``      read and verify the audit log;
- ``quality``    data-quality reports (a department officer sees their department's).
"""

from __future__ import annotations

from dataclasses import dataclass

PERMISSIONS = ("overview", "lists", "household", "sensitive", "workflow", "audit", "quality")


@dataclass(frozen=True)
class Role:
    key: str
    zh: str
    en: str
    level: str | None  # jurisdiction level of area_code; None: no row-level jurisdiction
    permissions: frozenset[str]


_OFFICER = frozenset({"overview", "lists", "household"})
ROLES: dict[str, Role] = {r.key: r for r in (
    Role("province", "省级干部", "province officer", "province", _OFFICER | {"quality"}),
    Role("prefecture", "市州干部", "prefecture officer", "prefecture", _OFFICER),
    Role("county", "县级干部", "county officer", "county", _OFFICER | {"sensitive", "workflow"}),
    Role("township", "乡镇干部", "township officer", "township", _OFFICER | {"sensitive", "workflow"}),
    Role("village", "村干部", "village officer", "village", _OFFICER | {"sensitive", "workflow"}),
    Role("department", "部门数据管理员", "department data officer", None, frozenset({"quality"})),
    Role("auditor", "审计人员", "auditor", None, frozenset({"audit", "overview"})),
    Role("public", "公众", "public", None, frozenset({"overview"})),
)}

LEVEL_DIGITS = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}
LEVELS = ("province", "prefecture", "county", "township", "village")


def level_of(code: str) -> str | None:
    """The level of a canonical area code, or None when it is not one."""
    if not code.isdigit() or not code.startswith("52"):
        return None
    if len(code) == 6:
        if code == "520000":
            return "province"
        return "prefecture" if code.endswith("00") else "county"
    return {9: "township", 12: "village"}.get(len(code))


def prefix_of(code: str) -> str:
    """The scope prefix of a canonical area code (``520100`` → ``5201``)."""
    level = level_of(code)
    if level is None:
        raise ValueError(f"not an area code: {code!r}")
    return code[: LEVEL_DIGITS[level]]


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level == "prefecture":
        return "520000"
    if level == "county":
        return code[:4] + "00"
    if level == "township":
        return code[:6]
    if level == "village":
        return code[:9]
    return None


def permissions_of(role: str, extra: str = "") -> frozenset[str]:
    r = ROLES.get(role)
    if r is None:
        return frozenset()
    granted = {p for p in extra.split() if p in PERMISSIONS}
    return r.permissions | granted
