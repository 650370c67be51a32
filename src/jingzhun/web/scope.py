"""The jurisdiction chokepoint: a user becomes a ``Scope``, and every data query takes one.

``Scope`` is the only way the data layer learns which rows a request may see: data functions
in ``jingzhun.web.data`` require it and put ``scope.sql(column)`` into every WHERE clause.
Deny by default: a user without a valid area (or an unknown role) gets ``Scope.none()``, whose
predicate is FALSE. Roles without row-level jurisdiction (auditor, public) get an
``aggregate_only`` scope over the province: totals by area, never rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingzhun.web.roles import LEVEL_DIGITS, ROLES, level_of, prefix_of


@dataclass(frozen=True)
class Scope:
    prefix: str | None  # every visible area code starts with it; None: nothing visible
    aggregate_only: bool = False
    finest_level: str = "village"  # the finest area level whose totals may be shown

    @classmethod
    def none(cls) -> Scope:
        return cls(None)

    def allows(self, code: str | None) -> bool:
        """Is the area (or the row with this area code) inside the jurisdiction?"""
        return bool(self.prefix and code and str(code).startswith(self.prefix))

    def allows_area(self, code: str) -> bool:
        """May this area be opened (inside the scope, not finer than ``finest_level``)?"""
        level = level_of(code)
        if level is None or self.prefix is None:
            return False
        if LEVEL_DIGITS[level] > LEVEL_DIGITS[self.finest_level]:
            return False
        return prefix_of(code).startswith(self.prefix)

    def sql(self, column: str) -> tuple[str, list[str]]:
        """A WHERE predicate on an area-code column and its parameters."""
        if not self.prefix:
            return "FALSE", []
        return f"starts_with(CAST({column} AS VARCHAR), ?)", [self.prefix]


def scope_for(role: str, area_code: str | None) -> Scope:
    r = ROLES.get(role)
    if r is None:
        return Scope.none()
    if r.level is None:
        if r.key in ("auditor", "public"):
            return Scope("52", aggregate_only=True, finest_level="county")
        return Scope.none()
    if not area_code or level_of(area_code) != r.level:
        return Scope.none()
    return Scope(prefix_of(area_code))
