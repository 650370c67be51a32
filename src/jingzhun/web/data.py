"""Read-only queries over a workspace's Parquet zones (DuckDB), always through a ``Scope``.

Every public method takes the caller's ``Scope`` first and puts ``scope.sql(column)`` into its
WHERE clause (or checks ``scope.allows`` on the one row it returns): there is no other way for
the API to read households. Files are read where the stages wrote them:

- ``registry/households.parquet``, ``household_members.parquet``, ``persons.parquet``;
- ``indicators/households_<period>.parquet`` (``jingzhun identify``);
- ``decisions/<pack>_<period>.parquet``, ``crosscheck_<period>.parquet``, ``causes_<period>.parquet``;
- ``outputs/warnings/warnings_<period>.parquet`` (``jingzhun warnings``),
  ``outputs/funds/anomalies_*.parquet`` (``jingzhun funds``),
  ``outputs/assistance/plans_<period>.parquet`` (``jingzhun allocate``);
- ``validated/payments``, ``medical_insurance``, ``disability`` for payments and (sensitive)
  health details, linked to persons through ``registry/record_links.parquet``.

Township and village names are not in any code list: they are taken from the registry's
addresses (``…县XX镇YY村…``); an area without one is shown by its code.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

from jingzhun.web.labels import INCOME_SOURCE, INDICATOR, RELATION, SEX, label
from jingzhun.web.labels import causes as cause_labels
from jingzhun.web.masking import mask_account, mask_id, mask_phone
from jingzhun.web.roles import LEVEL_DIGITS, level_of, parent_of, prefix_of
from jingzhun.web.scope import Scope

IDENTIFIED = ("eligible", "monitored_sudden_hardship", "monitored_unstable", "monitored_edge", "warning")
#: Map indicators: key → (Chinese label, English label, SQL aggregate over the base table ``i``:
#: one row per household with its decision ``status`` and flags ``has_crosscheck``, ``has_warning``).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "households": ("户数", "households", "count(*)"),
    "identified": ("识别/监测对象户", "identified or monitored households",
                   "count(*) FILTER (WHERE i.status IN ('" + "','".join(IDENTIFIED) + "'))"),
    "on_roll": ("建档立卡在册户", "households on the roll", "count(*) FILTER (WHERE i.on_roll)"),
    "crosscheck": ("比对疑点户", "cross-check findings", "count(*) FILTER (WHERE i.has_crosscheck)"),
    "warnings": ("预警户", "warned households", "count(*) FILTER (WHERE i.has_warning)"),
    "warning_rate": ("预警率（%）", "warned share (%)",
                     "round(100.0 * count(*) FILTER (WHERE i.has_warning) / nullif(count(*), 0), 2)"),
    "income": ("人均纯收入中位数（元）", "median per-capita net income (yuan)",
               "round(median(i.per_capita_net_income_fen) / 100.0, 0)"),
}
HOUSEHOLD_INDICATORS = ("size", "per_capita_net_income_fen", "income_source", "on_roll", "exited_poverty",
                        "dibao", "tekun", "owns_car", "owns_commercial_housing", "owns_company",
                        "public_payroll_member", "housing_safe", "water_safe", "compulsory_education_secure",
                        "labour_count", "serious_illness_member", "disabled_member", "oop_12m_fen",
                        "schooling_cost_12m_fen")
_PERIOD = re.compile(r"_(\d{4}-\d{2})\.parquet$")
_AREA = re.compile(r"^(.+?(?:街道|镇|乡))(.+?(?:社区|村|居委会))")


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class WorkspaceData:
    """Query the zones of one workspace. Thread-safe: one DuckDB cursor per call.

    What the dashboard reads again and again is copied once into in-memory DuckDB tables,
    sorted by household (``_table``): a period's base table, cross-check and warning lists,
    and the per-household history the household file needs. They are rebuilt lazily after a
    zone file changed (``refresh``); every query on them still takes the caller's ``Scope``."""

    def __init__(self, root: Path | str, period: str | None = None) -> None:
        self.root = Path(root)
        self._con = duckdb.connect(":memory:", config={"threads": 2})
        self._lock = threading.Lock()
        self._fixed_period = period
        self._cache: dict[Any, Any] = {}
        self._tables: dict[str, str] = {}
        self._retired: list[str] = []
        self._generation = 0
        self._build_lock = threading.Lock()
        self._signature: tuple[Any, ...] = ()
        self._checked = 0.0
        self.refresh(force=True)

    # --- files ---------------------------------------------------------------------------
    def _glob(self, zone: str, pattern: str) -> list[Path]:
        return sorted((self.root / zone).glob(pattern))

    def _by_period(self, zone: str, prefix: str) -> dict[str, Path]:
        out = {}
        for f in self._glob(zone, f"{prefix}_*.parquet"):
            m = _PERIOD.search(f.name)
            if m and f.name == f"{prefix}_{m.group(1)}.parquet":
                out[m.group(1)] = f
        return out

    def refresh(self, force: bool = False) -> None:
        """Re-scan the zones (at most every 5 s); drop cached figures when a file changed."""
        now = time.monotonic()
        if not force and now - self._checked < 5:
            return
        self._checked = now
        files = [*self._glob("indicators", "*.parquet"), *self._glob("decisions", "*.parquet"),
                 *self._glob("outputs/warnings", "*.parquet"), *self._glob("registry", "*.parquet"),
                 *self._glob("outputs/assistance", "*.parquet"), *self._glob("outputs/funds", "*.parquet")]
        sig = tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())
        if sig == self._signature and not force:
            return
        with self._lock:
            self._signature = sig
            self._cache.clear()
            self._generation += 1
            # drop the generation before the previous one: a query still running on the
            # previous generation's tables (a request that began before the change) keeps them
            old, self._retired = self._retired, list(self._tables.values())
            self._tables = {}
            self.indicators = self._by_period("indicators", "households")
            self.crosschecks = self._by_period("decisions", "crosscheck")
            self.causes = self._by_period("decisions", "causes")
            self.warnings = self._by_period("outputs/warnings", "warnings")
            self.plans = self._by_period("outputs/assistance", "plans")
            self.decisions: dict[str, dict[str, Path]] = {}
            for pack in ("cn-2021", "cn-2014"):
                for p, f in self._by_period("decisions", pack).items():
                    self.decisions.setdefault(p, {})[pack] = f
            decided = sorted(p for p in self.decisions if p in self.indicators)
            self.periods = sorted(self.indicators)
            self.period = self._fixed_period or (decided[-1] if decided else (self.periods[-1] if self.periods else None))
            self.areas = self._area_names()
        for name in old:
            try:
                self._con.execute(f'DROP TABLE IF EXISTS "{name}"')
            except duckdb.Error:  # pragma: no cover
                pass

    def _table(self, key: str, select_sql: str, order: str = "household_id") -> str:
        """An in-memory copy of ``select_sql`` (sorted by ``order``), built once per generation."""
        name = self._tables.get(key)
        if name is not None:
            return f'"{name}"'
        with self._build_lock:
            name = self._tables.get(key)
            if name is None:
                name = f"t{self._generation}_" + re.sub(r"\W", "_", key)
                cur = self._con.cursor()
                try:
                    cur.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM ({select_sql}) '
                                f'ORDER BY {order}')
                finally:
                    cur.close()
                self._tables[key] = name
        return f'"{name}"'

    def _union(self, files: dict[str, Path], cols: str) -> str:
        """SELECT ``cols`` (plus the period of the file name) over files by period."""
        if not files:
            return "SELECT NULL::VARCHAR AS household_id, NULL::VARCHAR AS _period WHERE FALSE"
        parts = [f"SELECT {cols}, '{p}' AS _period FROM read_parquet({_lit(f)})" for p, f in sorted(files.items())]
        return " UNION ALL BY NAME ".join(parts)

    def q(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self._con.cursor()
        try:
            rel = cur.execute(sql, params or [])
            cols = [d[0] for d in rel.description]
            return [dict(zip(cols, row)) for row in rel.fetchall()]
        finally:
            cur.close()

    # --- areas ---------------------------------------------------------------------------
    def _area_names(self) -> dict[str, str]:
        from jingzhun.geo import guizhou_divisions

        names: dict[str, str] = {"520000": "贵州省"}
        div = guizhou_divisions()
        strip: dict[str, str] = {}
        for r in div.itertuples():
            names[r.prefecture_code] = r.prefecture_name
            names[r.county_code] = r.county_name
            strip[r.county_code] = "贵州省" + r.prefecture_name + r.county_name
        persons = self.root / "registry" / "persons.parquet"
        if persons.exists():
            rows = self.q(f"SELECT village_code, any_value(county_code) AS county_code, any_value(address) AS address "
                          f"FROM read_parquet({_lit(persons)}) WHERE village_code IS NOT NULL AND address IS NOT NULL "
                          f"GROUP BY village_code")
            for r in rows:
                addr = r["address"]
                head = strip.get(r["county_code"] or "", "")
                if head and addr.startswith(head):
                    addr = addr[len(head):]
                m = _AREA.match(addr)
                if m:
                    names.setdefault(r["village_code"][:9], m.group(1))
                    names[r["village_code"]] = m.group(2)
        return names

    def area_name(self, code: str) -> str:
        return self.areas.get(code, code)

    def breadcrumbs(self, code: str) -> list[dict[str, str]]:
        chain = []
        c: str | None = code
        while c:
            chain.append({"code": c, "name": self.area_name(c), "level": level_of(c) or ""})
            c = parent_of(c)
        return chain[::-1]

    def busiest_village(self) -> str | None:
        """The village with the most warnings and cross-check findings (demo users live there)."""
        parts = [f"SELECT village_code FROM read_parquet({_lit(f)})"
                 for f in (self.warnings.get(max(self.warnings)) if self.warnings else None,
                           self.crosschecks.get(max(self.crosschecks)) if self.crosschecks else None) if f]
        if not parts:
            return next((c for c in sorted(self.areas) if len(c) == 12), None)
        rows = self.q(f"SELECT village_code, count(*) AS n FROM ({' UNION ALL '.join(parts)}) "
                      f"WHERE village_code IS NOT NULL GROUP BY 1 ORDER BY n DESC, village_code LIMIT 1")
        return rows[0]["village_code"] if rows else None

    # --- figures -------------------------------------------------------------------------
    def _base(self, period: str) -> str:
        """indicators ⟕ decision status ⟕ cross-check ⟕ warning, one row per household
        (an in-memory table per period, sorted by household)."""
        ind = self.indicators[period]
        packs = self.decisions.get(period, {})
        dec = next(iter(packs.values()), None)
        d = (f"SELECT household_id, status FROM read_parquet({_lit(dec)})" if dec
             else "SELECT NULL::VARCHAR AS household_id, NULL::VARCHAR AS status WHERE FALSE")
        cc = self.crosschecks.get(period)
        c = (f"SELECT DISTINCT household_id FROM read_parquet({_lit(cc)})" if cc
             else "SELECT NULL::VARCHAR AS household_id WHERE FALSE")
        wf = self.warnings.get(period)
        w = (f"SELECT DISTINCT household_id FROM read_parquet({_lit(wf)})" if wf
             else "SELECT NULL::VARCHAR AS household_id WHERE FALSE")
        cols = ", ".join(f"i.{c}" for c in ("household_id", "county_code", "township_code", "village_code", "size",
                                            "per_capita_net_income_fen", "on_roll"))
        return self._table(f"base_{period}",
                           f"SELECT {cols}, d.status, c.household_id IS NOT NULL AS has_crosscheck, "
                           f"w.household_id IS NOT NULL AS has_warning, p.head_name FROM read_parquet({_lit(ind)}) i "
                           f"LEFT JOIN ({d}) d USING (household_id) LEFT JOIN ({c}) c USING (household_id) "
                           f"LEFT JOIN ({w}) w USING (household_id) LEFT JOIN {self._heads()} p USING (household_id)",
                           order="village_code, household_id") + " i"

    def _heads(self) -> str:
        """household → head's name (registry)."""
        reg = self.root / "registry"
        return self._table("heads", f"SELECT h.household_no AS household_id, p.name AS head_name "
                                    f"FROM read_parquet({_lit(reg / 'households.parquet')}) h "
                                    f"LEFT JOIN read_parquet({_lit(reg / 'persons.parquet')}) p "
                                    f"ON p.person_id = h.head_person_id")

    def warmup(self) -> None:
        """Build the latest period's tables now (start-up) rather than on the first request."""
        if self.period and self.period in self.indicators:
            self._base(self.period)
            self._heads()
        if self.crosschecks:
            self._crosscheck_table(max(self.crosschecks))
        if self.warnings:
            self._warnings_table(max(self.warnings))
        # what the household file reads (all periods): built now, not under the first request
        self._households_table()
        self._members("")
        self._links()
        if self.indicators:
            self._table("indicators_all", self._union(self.indicators, "household_id, period, "
                                                       + ", ".join(HOUSEHOLD_INDICATORS)))
        for key, files in (("crosscheck", self.crosschecks), ("warnings", self.warnings), ("causes", self.causes),
                           ("plans", self.plans)):
            if files:
                self._table(f"{key}_all", self._union(files, "*"))
        self.payments("", ["-"])
        self._anomalies("")

    def figures(self, scope: Scope, code: str, period: str | None = None) -> dict[str, Any]:
        """Key figures of an area (inside the scope) and of each of its children."""
        period = period or self.period
        if period is None or period not in self.indicators:
            return {"period": period, "totals": {}, "children": []}
        key = ("figures", scope, code, period)
        if key in self._cache:
            return self._cache[key]
        level = level_of(code) or "province"
        child = {"province": "substr(i.county_code, 1, 4) || '00'", "prefecture": "i.county_code",
                 "county": "i.township_code", "township": "i.village_code"}.get(level)
        pred, params = scope.sql("i.village_code")
        where = f"{pred} AND starts_with(i.village_code, ?)"
        params = [*params, prefix_of(code)]
        aggs = ", ".join(f"{sql} AS {k}" for k, (_, _, sql) in INDICATORS.items())
        base = self._base(period)
        totals = self.q(f"SELECT {aggs}, sum(i.size) AS persons FROM {base} WHERE {where}", params)[0]
        children: list[dict[str, Any]] = []
        if child and (level_of(code) != "township" or scope.finest_level == "village"):
            if not (scope.finest_level == "county" and level in ("county", "township")):
                rows = self.q(f"SELECT {child} AS code, {aggs}, sum(i.size) AS persons FROM {base} "
                              f"WHERE {where} GROUP BY 1 ORDER BY 1", params)
                children = [{**r, "name": self.area_name(r["code"]), "level": level_of(r["code"])} for r in rows]
        out = {"period": period, "totals": totals, "children": children}
        self._cache[key] = out
        return out

    def county_values(self, scope: Scope, indicator: str, period: str | None = None) -> list[dict[str, Any]]:
        """One indicator per county in the scope (the map's colours)."""
        period = period or self.period
        if period is None or period not in self.indicators:
            return []
        key = ("counties", scope, indicator, period)
        if key not in self._cache:
            pred, params = scope.sql("i.village_code")
            sql = INDICATORS[indicator][2]
            self._cache[key] = self.q(f"SELECT i.county_code AS code, {sql} AS value FROM {self._base(period)} "
                                      f"WHERE {pred} GROUP BY 1 ORDER BY 1", params)
        return self._cache[key]

    # --- lists ---------------------------------------------------------------------------
    def households(self, scope: Scope, code: str, *, limit: int, offset: int,
                   period: str | None = None) -> dict[str, Any]:
        """Households of an area (head's name, size, income, status, findings, warning)."""
        period = period or self.period
        if period is None or period not in self.indicators:
            return {"period": period, "total": 0, "items": []}
        pred, params = scope.sql("i.village_code")
        params = [*params, prefix_of(code)]
        base = self._base(period)  # the head's name is in the base table
        where = f"{pred} AND starts_with(i.village_code, ?)"
        total = self.q(f"SELECT count(*) AS n FROM {self._base(period)} WHERE {where}", params)[0]["n"]
        rows = self.q(f"SELECT i.household_id, i.village_code, i.head_name, i.size, "
                      f"i.per_capita_net_income_fen, i.on_roll, i.status, i.has_crosscheck AS crosscheck, "
                      f"i.has_warning AS warning FROM {base} WHERE {where} "
                      f"ORDER BY i.household_id LIMIT ? OFFSET ?", [*params, limit, offset])
        for r in rows:
            r["village_name"] = self.area_name(r["village_code"])
        return {"period": period, "total": total, "items": rows}

    def crosscheck(self, scope: Scope, *, finding: str | None, code: str, limit: int, offset: int,
                   period: str | None = None) -> dict[str, Any]:
        periods = sorted(self.crosschecks)
        period = period or (periods[-1] if periods else None)
        if period not in self.crosschecks:
            return {"period": period, "total": 0, "counts": {}, "items": []}
        f = self._crosscheck_table(period)
        pred, params = scope.sql("village_code")
        params = [*params, prefix_of(code)]
        where = f"{pred} AND starts_with(village_code, ?)"
        counts = {r["finding"]: r["n"] for r in self.q(
            f"SELECT finding, count(*) AS n FROM {f} WHERE {where} GROUP BY 1 ORDER BY 1", params)}
        if finding:
            where += " AND finding = ?"
            params.append(finding)
        total = self.q(f"SELECT count(*) AS n FROM {f} WHERE {where}", params)[0]["n"]
        rows = self.q(f"SELECT household_id, village_code, finding, label_zh, label_en, status, fired, evidence "
                      f"FROM {f} WHERE {where} ORDER BY finding, household_id LIMIT ? OFFSET ?",
                      [*params, limit, offset])
        for r in rows:
            r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else None
            r["fired"] = list(r["fired"] or [])
            r["village_name"] = self.area_name(r["village_code"])
        return {"period": period, "total": total, "counts": counts, "items": rows}

    def _crosscheck_table(self, period: str) -> str:
        return self._table(f"crosscheck_{period}", f"SELECT * FROM read_parquet({_lit(self.crosschecks[period])})",
                           order="village_code, household_id")

    def _warnings_table(self, period: str) -> str:
        return self._table(f"warnings_{period}", f"SELECT * FROM read_parquet({_lit(self.warnings[period])})",
                           order="due, household_id")

    def warning_rows(self, scope: Scope, period: str | None = None, *, limit: int | None = None, offset: int = 0,
                     household_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The warning queue in the scope (by due date), a page of it, or the given households."""
        periods = sorted(self.warnings)
        period = period or (periods[-1] if periods else None)
        if period not in self.warnings:
            return []
        pred, params = scope.sql("village_code")
        if household_ids is not None:
            if not household_ids:
                return []
            pred += f" AND household_id IN ({', '.join('?' for _ in household_ids)})"
            params = [*params, *household_ids]
        page = ""
        if limit is not None:
            page, params = " LIMIT ? OFFSET ?", [*params, limit, offset]
        return self.q(f"SELECT household_id, period, village_code, category, category_zh, category_en, rules, "
                      f"evidence, issued, due, cadre_name, cadre_position FROM {self._warnings_table(period)} "
                      f"WHERE {pred} ORDER BY due, household_id{page}", params)

    def warning_count(self, scope: Scope, period: str | None = None) -> int:
        periods = sorted(self.warnings)
        period = period or (periods[-1] if periods else None)
        if period not in self.warnings:
            return 0
        pred, params = scope.sql("village_code")
        return int(self.q(f"SELECT count(*) AS n FROM {self._warnings_table(period)} WHERE {pred}", params)[0]["n"])

    def warning_ids(self, scope: Scope, period: str | None = None) -> list[str]:
        """The households of the warning queue in the scope, in queue order."""
        periods = sorted(self.warnings)
        period = period or (periods[-1] if periods else None)
        if period not in self.warnings:
            return []
        pred, params = scope.sql("village_code")
        return [r["household_id"] for r in self.q(
            f"SELECT household_id FROM {self._warnings_table(period)} WHERE {pred} ORDER BY due, household_id", params)]

    # --- assistance plans and scorecards ------------------------------------------------
    def plans_summary(self, scope: Scope, code: str, *, period: str | None, limit: int,
                      offset: int) -> dict[str, Any]:
        """Allocation plans (``jingzhun allocate``) of an area inside the scope: totals, per
        child area, per measure, and the households with their allocated measures."""
        periods = sorted(self.plans)
        period = period or (periods[-1] if periods else None)
        if period not in self.plans:
            return {"period": period, "computed": False, "totals": {}, "children": [], "measures": [],
                    "total": 0, "items": []}
        t = self._table(f"plans_{period}", f"SELECT * FROM read_parquet({_lit(self.plans[period])})",
                        order="village_code, household_id")
        pred, params = scope.sql("village_code")
        where = f"{pred} AND starts_with(village_code, ?)"
        params = [*params, prefix_of(code)]
        aggs = ("count(*) AS households, count(*) FILTER (WHERE poor) AS poor, "
                "count(*) FILTER (WHERE len(allocated) > 0) AS with_measure, "
                "sum(allocated_cost_fen)::BIGINT AS allocated_cost_fen, round(avg(p_lift), 4) AS mean_p_lift")
        totals = self.q(f"SELECT {aggs} FROM {t} WHERE {where}", params)[0]
        level = level_of(code) or "province"
        child = {"province": "substr(county_code, 1, 4) || '00'", "prefecture": "county_code",
                 "county": "township_code", "township": "village_code"}.get(level)
        children = []
        if child:
            children = self.q(f"SELECT {child} AS code, {aggs} FROM {t} WHERE {where} GROUP BY 1 ORDER BY 1", params)
            for r in children:
                r["name"] = self.area_name(r["code"])
        measures = self.q(f"SELECT m AS measure, any_value(z) AS label_zh, count(*) AS households FROM "
                          f"(SELECT unnest(allocated) AS m, unnest(allocated_zh) AS z FROM {t} WHERE {where}) "
                          f"GROUP BY 1 ORDER BY households DESC, measure", params)
        items = self.q(f"SELECT household_id, village_code, size, per_capita_net_income_fen, poor, "
                       f"primary_cause, primary_cause_zh, allocated, allocated_zh, allocated_cost_fen, p_lift "
                       f"FROM {t} WHERE {where} ORDER BY village_code, household_id LIMIT ? OFFSET ?",
                       [*params, limit, offset])
        for r in items:
            r["village_name"] = self.area_name(r["village_code"])
            r["allocated"], r["allocated_zh"] = list(r["allocated"] or []), list(r["allocated_zh"] or [])
        return {"period": period, "computed": True, "totals": totals, "children": children,
                "measures": measures, "total": totals["households"], "items": items}

    def scorecards(self, scope: Scope, *, period: str | None = None) -> dict[str, Any]:
        """Scorecards of ``jingzhun evaluate`` (``reports/assessment/<P>/scorecards.parquet``) of
        the areas inside the scope; ``computed`` False when the assessment has not run."""
        folder = self.root / "reports" / "assessment"
        available = sorted(p.name for p in folder.glob("*") if (p / "scorecards.parquet").exists()) \
            if folder.exists() else []
        period = period or (available[-1] if available else None)
        if period not in available:
            return {"period": period, "periods": available, "computed": False, "items": []}
        f = folder / period / "scorecards.parquet"
        cols = {r["column_name"] for r in self.q(f"DESCRIBE SELECT * FROM read_parquet({_lit(f)})")}
        want = [c for c in ("level", "area_code", "county_code", "composite", "composite_low", "composite_high",
                            "weight_coverage", "low_confidence", "rank", "peers", "trend") if c in cols]
        if "area_code" not in want:
            return {"period": period, "periods": available, "computed": False, "items": []}
        pred, params = scope.sql("area_code")
        if scope.aggregate_only:
            pred += " AND length(CAST(area_code AS VARCHAR)) <= 6"
        rows = self.q(f"SELECT {', '.join(want)} FROM read_parquet({_lit(f)}) WHERE {pred} "
                      f"ORDER BY length(CAST(area_code AS VARCHAR)), {'rank, ' if 'rank' in want else ''}area_code",
                      params)
        for r in rows:
            r["name"] = self.area_name(str(r["area_code"]))
            for k, v in list(r.items()):
                r[k] = _plain(v)
        return {"period": period, "periods": available, "computed": True, "items": rows}

    # --- household file ------------------------------------------------------------------
    def _households_table(self) -> str:
        reg = self.root / "registry" / "households.parquet"
        return self._table("households", f"SELECT household_no AS household_id, * FROM read_parquet({_lit(reg)})")

    def household_village(self, scope: Scope, household_id: str) -> str | None:
        """The household's village when it is inside the scope, else None (→ 404)."""
        pred, params = scope.sql("village_code")
        rows = self.q(f"SELECT village_code FROM {self._households_table()} WHERE household_id = ? AND {pred}",
                      [household_id, *params])
        return rows[0]["village_code"] if rows else None

    def _members(self, household_id: str) -> list[dict[str, Any]]:
        reg = self.root / "registry"
        t = self._table("members", (
            f"SELECT m.household_no AS household_id, m.person_id, p.name, p.sex, p.birth_date, m.relation_to_head, "
            f"p.id_number, p.phone, p.death_month, m.valid_from, m.valid_to "
            f"FROM read_parquet({_lit(reg / 'household_members.parquet')}) m "
            f"LEFT JOIN read_parquet({_lit(reg / 'persons.parquet')}) p USING (person_id) "
            f"QUALIFY row_number() OVER (PARTITION BY m.household_no, m.person_id ORDER BY m.valid_from DESC) = 1"))
        return self.q(f"SELECT * EXCLUDE (household_id) FROM {t} WHERE household_id = ? "
                      f"ORDER BY valid_to NULLS FIRST, birth_date", [household_id])

    def household_file(self, scope: Scope, household_id: str) -> dict[str, Any] | None:
        """一户一档 with masked personal data; None when the household is outside the scope."""
        village = self.household_village(scope, household_id)
        if village is None:
            return None
        hh = self.q(f"SELECT * FROM {self._households_table()} WHERE household_id = ?", [household_id])[0]
        members = []
        for m in self._members(household_id):
            members.append({"person_id": m["person_id"], "name": m["name"], "sex": m["sex"],
                            "sex_label": label(SEX, m["sex"]),
                            "birth_year": str(m["birth_date"])[:4] if m["birth_date"] else None,
                            "relation_to_head": m["relation_to_head"],
                            "relation_label": label(RELATION, m["relation_to_head"]),
                            "id_number_masked": mask_id(m["id_number"]),
                            "phone_masked": mask_phone(m["phone"]), "died": m["death_month"],
                            "member_from": m["valid_from"], "member_to": m["valid_to"]})
        cols = ", ".join(HOUSEHOLD_INDICATORS)
        ind = self._table("indicators_all", self._union(self.indicators, f"household_id, period, {cols}"))
        indicators = self.q(f"SELECT period, {cols} FROM {ind} WHERE household_id = ? ORDER BY _period",
                            [household_id])
        for r in indicators:
            r["income_source_label"] = label(INCOME_SOURCE, r.get("income_source"))
        dec_files = {f"{p}|{pack}": f for p, packs in self.decisions.items() for pack, f in packs.items()}
        dec = self._table("decisions_all", self._union(
            dec_files, "household_id, period, pack, status, status_label_zh, status_label_en, reasons"))
        decisions = []
        for r in self.q(f"SELECT period, pack, status, status_label_zh, status_label_en, reasons FROM {dec} "
                        f"WHERE household_id = ? ORDER BY _period", [household_id]):
            r["reasons"] = json.loads(r["reasons"] or "[]")
            decisions.append(r)
        findings = self._rows("crosscheck", self.crosschecks, household_id,
                              "finding, label_zh, label_en, status, evidence", json_cols=("evidence",))
        warnings = self._rows("warnings", self.warnings, household_id,
                              "period, category, category_zh, category_en, rules, evidence, issued, due, cadre_name",
                              json_cols=("evidence",))
        causes = self._rows("causes", self.causes, household_id,
                            "period, primary_cause, primary_label_zh, primary_label_en, secondary_cause_1, "
                            "secondary_cause_2, evidence", json_cols=("evidence",))
        for c in causes:
            for k in ("secondary_cause_1", "secondary_cause_2"):
                c[k.replace("cause", "label")] = label(cause_labels(), c.get(k))
        plans = self._rows("plans", self.plans, household_id, "*")
        return {"household_id": household_id, "village_code": village, "areas": self.breadcrumbs(village),
                "indicator_labels": {k: {"zh": zh, "en": en} for k, (zh, en) in INDICATOR.items()},
                "head_person_id": hh.get("head_person_id"), "size": hh.get("size"), "first_month": hh.get("first_month"),
                "members": members, "indicators": indicators, "decisions": decisions, "crosscheck": findings,
                "causes": causes, "warnings": warnings, "plans": plans,
                "payments": self.payments(household_id, [m["person_id"] for m in members]),
                "fund_anomalies": self._anomalies(household_id)}

    def _rows(self, key: str, files: dict[str, Path], household_id: str, cols: str,
              json_cols: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        if not files:
            return []
        t = self._table(f"{key}_all", self._union(files, "*"))
        out = []
        for r in self.q(f"SELECT {cols}, _period FROM {t} WHERE household_id = ? ORDER BY _period", [household_id]):
            p = r.pop("_period")
            r.setdefault("period", p)
            if cols.strip() == "*":
                r.pop("household_id", None)
            for c in json_cols:
                if isinstance(r.get(c), str):
                    r[c] = json.loads(r[c])
            out.append({k: _plain(v) for k, v in r.items()})
        return out

    def _anomalies(self, household_id: str) -> list[dict[str, Any]]:
        files = self._glob("outputs/funds", "anomalies_*.parquet")
        if not files:
            return []
        lst = "[" + ", ".join(_lit(f) for f in files) + "]"
        t = self._table("anomalies", f"SELECT DISTINCT household_id, serial_no, pay_period, programme, amount_fen, "
                                     f"anomaly, label_zh, label_en, evidence "
                                     f"FROM read_parquet({lst}, union_by_name=true)")
        rows = self.q(f"SELECT * EXCLUDE (household_id) FROM {t} WHERE household_id = ? "
                      f"ORDER BY pay_period, serial_no", [household_id])
        for r in rows:
            r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else None
        return rows

    def _links(self) -> str | None:
        links = self.root / "registry" / "record_links.parquet"
        if not links.exists():
            return None
        return self._table("record_links", f"SELECT department, _file, _row, person_id "
                                           f"FROM read_parquet({_lit(links)}) WHERE person_id IS NOT NULL",
                           order="person_id")

    def _linked(self, department: str, person_ids: list[str], cols: str) -> list[dict[str, Any]]:
        files = self._glob(f"validated/{department}", "*.parquet")
        links = self._links()
        if not files or not person_ids or links is None:
            return []
        lst = "[" + ", ".join(_lit(f) for f in files) + "]"
        marks = ", ".join("?" for _ in person_ids)
        return self.q(f"SELECT l.person_id, {cols} FROM read_parquet({lst}, union_by_name=true) x "
                      f"JOIN (SELECT _file, _row, person_id FROM {links} "
                      f"WHERE department = ? AND person_id IN ({marks})) l ON l._file = x._file AND l._row = x._row",
                      [department, *person_ids])

    def payments(self, household_id: str, person_ids: list[str], full: bool = False) -> list[dict[str, Any]]:
        files = self._glob("validated/payments", "*.parquet")
        links = self._links()
        if not files or not person_ids or links is None:
            return []
        lst = "[" + ", ".join(_lit(f) for f in files) + "]"
        t = self._table("payments", f"SELECT l.person_id, x.serial_no, x.programme, x.pay_period, x.pay_date, "
                                    f"x.amount_fen, x.bank_account FROM read_parquet({lst}, union_by_name=true) x "
                                    f"JOIN (SELECT _file, _row, person_id FROM {links} WHERE department = 'payments') l "
                                    f"ON l._file = x._file AND l._row = x._row", order="person_id")
        marks = ", ".join("?" for _ in person_ids)
        rows = self.q(f"SELECT * FROM {t} WHERE person_id IN ({marks})", person_ids)
        for r in rows:
            r["pay_date"] = _plain(r["pay_date"])
            if not full:
                r["bank_account"] = mask_account(r["bank_account"])
        return sorted(rows, key=lambda r: (str(r["pay_period"]), str(r["serial_no"])))

    def sensitive(self, scope: Scope, household_id: str) -> dict[str, Any] | None:
        """Full ID numbers, phones, bank accounts and health details (caller audits the view)."""
        if self.household_village(scope, household_id) is None:
            return None
        members = self._members(household_id)
        ids = [m["person_id"] for m in members]
        health = self._linked("medical_insurance", ids, "x.medical_type, x.diagnosis, x.hospital_name, "
                                                        "x.admission_date, x.out_of_pocket_fen")
        disability = self._linked("disability", ids, "x.disability_type, x.disability_grade, x.issue_date")
        return {"household_id": household_id,
                "members": [{"person_id": m["person_id"], "name": m["name"], "id_number": m["id_number"],
                             "phone": m["phone"]} for m in members],
                "bank_accounts": sorted({(r["person_id"], r["bank_account"]) for r in self.payments(
                    household_id, ids, full=True) if r["bank_account"]}),
                "health": [{k: _plain(v) for k, v in r.items()} for r in health],
                "disability": [{k: _plain(v) for k, v in r.items()} for r in disability]}


def _plain(v: Any) -> Any:
    """JSON-friendly values (dates as ISO strings, numpy arrays as lists)."""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float) and v != v:
        return None
    return v


__all__ = ["INDICATORS", "LEVEL_DIGITS", "WorkspaceData"]
