"""Data-quality report per department: completeness, validity, uniqueness, timeliness and
the top defects, with a short text (中文 + English) telling the data officer what to fix.

Engine-light: all row-level work is DuckDB SQL over Arrow data (tables, record-batch
readers, DuckDB relations or Ibis tables), so it runs on millions of rows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jingzhun.contracts.loader import load_contracts
from jingzhun.contracts.model import Contract
from jingzhun.errors import ContractError

# Row kinds where one ID should appear once per extract period.
ONE_ROW_PER_ID = {"person", "household"}
META = {"_file", "_row", "_period", "_department", "_dq_flags", "_extra"}

REASON_ZH = {
    "missing_column": "文件缺少必需列",
    "missing_required": "必填项为空",
    "invalid_date": "日期无效",
    "invalid_number": "数值无效",
    "invalid_code": "代码不在代码表内",
    "out_of_range": "超出取值范围",
    "duplicate_row": "完全重复的行",
    "duplicate_key": "主键重复但内容不同",
    "malformed_row": "行格式错误（列数不符）",
    "encoding_error": "编码错误（无法识别的字节）",
    "id_missing": "身份证号为空",
    "id_invalid": "身份证号无效",
    "id_upgraded_15": "15位旧身份证号（已升位）",
    "id_sex_mismatch": "身份证号性别与性别字段不符",
    "id_birth_mismatch": "身份证号出生日期与出生日期字段不符",
}
REASON_EN = {
    "missing_column": "required column missing from the file",
    "missing_required": "required value empty",
    "invalid_date": "invalid date",
    "invalid_number": "invalid number",
    "invalid_code": "value not in the code list",
    "out_of_range": "value out of range",
    "duplicate_row": "exact duplicate rows",
    "duplicate_key": "same key, different content",
    "malformed_row": "malformed lines (wrong number of fields)",
    "encoding_error": "undecodable bytes",
    "id_missing": "ID number empty",
    "id_invalid": "ID number invalid",
    "id_upgraded_15": "legacy 15-digit ID (upgraded)",
    "id_sex_mismatch": "ID's sex differs from the sex field",
    "id_birth_mismatch": "ID's birth date differs from the birth-date field",
}


def _register(con: duckdb.DuckDBPyConnection, name: str, data: Any) -> bool:
    """Make ``data`` queryable as ``name``. Returns False when there is nothing to query."""
    if data is None:
        return False
    if isinstance(data, (str, Path)) or (isinstance(data, (list, tuple)) and data
                                         and all(isinstance(x, (str, Path)) for x in data)):
        # Parquet files: read where they lie, nothing copied or collected through an engine
        paths = [data] if isinstance(data, (str, Path)) else list(data)
        files = ", ".join("'" + str(x).replace("'", "''") + "'" for x in paths)
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{files}], '
                    "union_by_name = true)")
        return True
    if isinstance(data, duckdb.DuckDBPyRelation):
        data = data.to_arrow_reader()
    elif hasattr(data, "to_pyarrow_batches"):  # ibis table
        data = data.to_pyarrow_batches()
    if isinstance(data, pa.RecordBatchReader):
        con.register(f"{name}_src", data)
        con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM "{name}_src"')
        con.unregister(f"{name}_src")
    else:
        con.register(name, data)
    return True


def _q(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _label(reason: str, lang: str) -> str:
    kind, _, field = reason.partition(":")
    table = REASON_ZH if lang == "zh" else REASON_EN
    text = table.get(kind, kind)
    return f"{field}: {text}" if field else text


def _dept_summaries(summaries: list[dict[str, Any]], dept: str) -> list[dict[str, Any]]:
    return [s for s in summaries if s.get("department") == dept or (
        "department" not in s and str(s.get("file", "")).split("/")[0] == dept)]


def quality_report(
    summaries: list[dict[str, Any]],
    accepted: dict[str, Any],
    quarantine: dict[str, Any] | None = None,
    contracts: dict[str, Contract] | None = None,
    *,
    top: int = 5,
) -> dict[str, Any]:
    """Quality indicators per department.

    ``summaries``: file summaries from ingestion (``{"file", "error"}`` entries included);
    ``accepted`` and ``quarantine``: per department, the validated rows and the quarantined
    rows (Parquet paths — read in place, what the pipeline passes, so no engine collects a
    table to the driver — or an Arrow table, record-batch reader, DuckDB relation or Ibis
    table). ``contracts``
    (default: the package's contracts) gives row kinds, event dates and names.

    Returns ``{"departments": {dept: {...}}, "totals": {...}, "unreadable_files": [...]}``.
    """
    quarantine = quarantine or {}
    if contracts is None:
        try:
            contracts = load_contracts()
        except ContractError:
            contracts = {}
    depts = sorted({*accepted, *quarantine,
                    *(s["department"] for s in summaries if s.get("department"))})
    departments: dict[str, Any] = {}
    for dept in depts:
        departments[dept] = _department_report(
            dept, _dept_summaries(summaries, dept), accepted.get(dept), quarantine.get(dept),
            contracts.get(dept), top)
    unreadable = [{"file": s["file"], "error": s["error"]} for s in summaries if "error" in s]
    totals = {
        "departments": len(departments),
        "files": sum(d["files"] for d in departments.values()),
        "unreadable_files": len(unreadable),
        "rows_in": sum(d["rows_in"] for d in departments.values()),
        "accepted": sum(d["accepted"] for d in departments.values()),
        "quarantined": sum(d["quarantined"] for d in departments.values()),
    }
    totals["accepted_share"] = (round(totals["accepted"] / totals["rows_in"], 4)
                                if totals["rows_in"] else None)
    return {"departments": departments, "totals": totals, "unreadable_files": unreadable}


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text for a terminal: one block per department (中文 + English)."""
    lines: list[str] = []
    t = report.get("totals", {})
    if t:
        lines.append(f"Data quality / 数据质量: {t.get('departments', 0)} departments, "
                     f"{t.get('rows_in', 0):,} rows, {_pct(t.get('accepted_share'))} accepted")
    for dept, r in sorted(report.get("departments", {}).items()):
        lines.append("")
        title = " / ".join(x for x in (r.get("name_zh"), r.get("name_en")) if x) or dept
        lines.append(f"[{dept}] {title}")
        lines.append(f"  rows {r['rows_in']:,}  accepted {r['accepted']:,} "
                     f"({_pct(r['validity']['accepted_share'])})  quarantined "
                     f"{r['quarantined']:,}  completeness "
                     f"{_pct(r['completeness']['overall'])}")
        for d in r.get("top_defects", []):
            lines.append(f"  - {d['reason']}: {d['rows']:,}")
        lines.append(f"  {r['advice_zh']}")
        lines.append(f"  {r['advice_en']}")
    if report.get("unreadable_files"):
        lines.append("")
        lines.append("Unreadable files / 无法读取的文件:")
        for e in report["unreadable_files"]:
            lines.append(f"  {e['file']}: {e['error']}")
    return "\n".join(lines)


def _department_report(dept: str, summaries: list[dict[str, Any]], acc: Any, quar: Any,
                       contract: Contract | None, top: int) -> dict[str, Any]:
    con = duckdb.connect()
    has_acc = _register(con, "acc", acc)
    has_q = _register(con, "quar", quar)
    cols = [r[0] for r in _q(con, "DESCRIBE acc")] if has_acc else []
    fields = contract.fields if contract else [c for c in cols if c not in META
                                               and not c.endswith("_raw")]
    fields = [f for f in fields if f in cols]

    ok_files = [s for s in summaries if "error" not in s and "skipped" not in s]
    rows_in = sum(int(s.get("rows_in", 0)) for s in ok_files)
    n_acc_sum = sum(int(s.get("accepted", 0)) for s in ok_files)
    n_q_sum = sum(int(s.get("quarantined", 0)) for s in ok_files)
    n_acc = _q(con, "SELECT count(*) FROM acc")[0][0] if has_acc else n_acc_sum
    n_q = _q(con, "SELECT count(*) FROM quar")[0][0] if has_q else n_q_sum
    if not ok_files:
        rows_in = n_acc + n_q

    # completeness ------------------------------------------------------------------------
    per_field: dict[str, float | None] = {}
    if fields and n_acc:
        exprs = ", ".join(f"count({_ident(f)})" for f in fields)
        counts = _q(con, f"SELECT {exprs} FROM acc")[0]
        per_field = {f: round(c / n_acc, 4) for f, c in zip(fields, counts, strict=True)}
    shares = [v for v in per_field.values() if v is not None]
    overall = round(sum(shares) / len(shares), 4) if shares else None
    required = [c.field for c in contract.columns if c.required] if contract else []

    # validity ----------------------------------------------------------------------------
    primary: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    for s in ok_files:
        primary.update(s.get("reasons", {}))
        warnings.update(s.get("warnings", {}))
    if has_acc and "_dq_flags" in cols and not ok_files:
        for flag, c in _q(con, "SELECT f, count(*) FROM (SELECT unnest(_dq_flags) f FROM acc) "
                                "GROUP BY f"):
            warnings[flag] = c
    all_reasons: Counter[str] = Counter()
    if has_q:
        for reason, c in _q(con, "SELECT r, count(*) FROM (SELECT unnest(reasons) r FROM quar)"
                                 " GROUP BY r"):
            all_reasons[reason] = c
        if not ok_files:
            for reason, c in _q(con, "SELECT primary_reason, count(*) FROM quar GROUP BY 1"):
                primary[reason] = c
    warning_rates = {k: round(v / n_acc, 4) for k, v in sorted(warnings.items())} if n_acc else {}

    # uniqueness --------------------------------------------------------------------------
    dup_rows = primary.get("duplicate_row", 0) + primary.get("duplicate_key", 0)
    uniq: dict[str, Any] = {
        "duplicate_rows": dup_rows,
        "duplicate_rate": round(dup_rows / rows_in, 4) if rows_in else None,
    }
    person = (contract.row_kind in ONE_ROW_PER_ID) if contract else False
    id_fields = contract.id_fields if contract else [c for c in cols if c == "id_number"]
    id_fields = [f for f in id_fields if f in cols]
    if has_acc and person and id_fields and n_acc:
        idf = _ident("id_number" if "id_number" in id_fields else id_fields[0])
        per = "_period" if "_period" in cols else "NULL"
        ids_dup, rows_dup = _q(con, f"""
            SELECT count(*), coalesce(sum(n), 0) FROM (
              SELECT {per} AS p, {idf} AS id, count(*) AS n FROM acc
              WHERE {idf} IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)""")[0]
        uniq.update({"id_field": idf.strip('"'), "duplicate_ids": int(ids_dup),
                     "rows_with_duplicate_id": int(rows_dup),
                     "duplicate_id_rate": round(int(rows_dup) / n_acc, 4)})

    # timeliness --------------------------------------------------------------------------
    timeliness: dict[str, Any] | None = None
    events = [f for f in (contract.event_date_fields if contract else []) if f in cols]
    if has_acc and events and "_period" in cols and n_acc:
        cycle = contract.cycle_months if contract else None
        timeliness = {"allowed_lag_months": cycle, "fields": {}}
        for f in events:
            fi = _ident(f)
            lag = (f"((CAST(substr(_period, 1, 4) AS INTEGER) * 12 + "
                   f"CAST(substr(_period, 6, 2) AS INTEGER)) - "
                   f"(year({fi}) * 12 + month({fi})))")
            late_expr = f"avg(CASE WHEN {lag} > {cycle} THEN 1.0 ELSE 0.0 END)" \
                if cycle is not None else "NULL"
            n, med, late, future = _q(con, f"""
                SELECT count(*), median({lag}), {late_expr},
                       avg(CASE WHEN {lag} < 0 THEN 1.0 ELSE 0.0 END)
                FROM acc WHERE {fi} IS NOT NULL AND _period IS NOT NULL""")[0]
            timeliness["fields"][f] = {
                "rows": int(n),
                "median_lag_months": None if med is None else float(med),
                "late_share": None if late is None else round(float(late), 4),
                "future_share": None if future is None else round(float(future), 4),
            }

    defects = Counter(primary)
    top_defects = [{"reason": r, "rows": c, "label_zh": _label(r, "zh"),
                    "label_en": _label(r, "en")} for r, c in
                   sorted(defects.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    top_warnings = [{"flag": r, "rows": c, "label_zh": _label(r, "zh"), "label_en":
                     _label(r, "en")} for r, c in
                    sorted(warnings.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    errors = [{"file": s["file"], "error": s["error"]} for s in summaries if "error" in s]
    extra_cols = sorted({c for s in ok_files for c in s.get("extra_columns", [])})
    out = {
        "department": dept,
        "name_zh": contract.name_zh if contract else None,
        "name_en": contract.name_en if contract else None,
        "files": len(ok_files),
        "unreadable_files": errors,
        "rows_in": rows_in,
        "accepted": n_acc,
        "quarantined": n_q,
        "completeness": {"fields": per_field, "overall": overall,
                         "required_fields": required},
        "validity": {"accepted_share": round(n_acc / rows_in, 4) if rows_in else None,
                     "warning_rates": warning_rates,
                     "reasons_all": dict(sorted(all_reasons.items()))},
        "uniqueness": uniq,
        "timeliness": timeliness,
        "top_defects": top_defects,
        "top_warnings": top_warnings,
        "extra_columns": extra_cols,
    }
    out["advice_zh"], out["advice_en"] = _advice(out)
    con.close()
    return out


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _advice(r: dict[str, Any]) -> tuple[str, str]:
    name_zh = r["name_zh"] or r["department"]
    name_en = r["name_en"] or r["department"]
    zh = [f"{name_zh}：共 {r['rows_in']:,} 行，{_pct(r['validity']['accepted_share'])} 通过校验，"
          f"{r['quarantined']:,} 行被隔离。"]
    en = [f"{name_en}: {r['rows_in']:,} rows, {_pct(r['validity']['accepted_share'])} accepted, "
          f"{r['quarantined']:,} quarantined."]
    if r["unreadable_files"]:
        zh.append(f"{len(r['unreadable_files'])} 个文件无法读取，请重新导出。")
        en.append(f"{len(r['unreadable_files'])} file(s) could not be read: export them again.")
    if r["top_defects"]:
        zh.append("优先修正：" + "；".join(f"{d['label_zh']} {d['rows']:,} 行"
                                      for d in r["top_defects"][:3]) + "。")
        en.append("Fix first: " + "; ".join(f"{d['label_en']} ({d['rows']:,} rows)"
                                            for d in r["top_defects"][:3]) + ".")
    if r["top_warnings"]:
        w = r["top_warnings"][0]
        rate = r["validity"]["warning_rates"].get(w["flag"])
        zh.append(f"提示：{w['label_zh']} 占 {_pct(rate)}。")
        en.append(f"Check: {w['label_en']} in {_pct(rate)} of accepted rows.")
    low = [f for f, v in r["completeness"]["fields"].items() if v is not None and v < 0.9]
    if low:
        zh.append("填报率低于90%的字段：" + "、".join(low[:5]) + "。")
        en.append("Fields under 90% complete: " + ", ".join(low[:5]) + ".")
    u = r["uniqueness"]
    if u.get("duplicate_ids"):
        zh.append(f"同一期内身份证号重复 {u['duplicate_ids']:,} 个，请核实一人一条。")
        en.append(f"{u['duplicate_ids']:,} ID numbers appear more than once in one period: "
                  "keep one record per person.")
    t = r["timeliness"]
    if t:
        for f, v in t["fields"].items():
            if v["late_share"]:
                zh.append(f"{f} 迟报比例 {_pct(v['late_share'])}（中位滞后 "
                          f"{v['median_lag_months']} 个月），请按期报送。")
                en.append(f"{f}: {_pct(v['late_share'])} reported late (median lag "
                          f"{v['median_lag_months']} months): report events in time.")
    if r["extra_columns"]:
        zh.append("契约外的列已保留在 _extra：" + "、".join(r["extra_columns"][:5]) + "。")
        en.append("Columns not in the contract were kept in _extra: "
                  + ", ".join(r["extra_columns"][:5]) + ".")
    if len(zh) == 1 and not r["quarantined"]:
        zh.append("未发现问题。")
        en.append("No problems found.")
    return "".join(zh), " ".join(en)
