"""Readers for generated department files (used by the synth tests)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from jingzhun.synth.extract import load_contract


def read_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and raw rows of a department file, as the file holds them (no parsing of
    values; CSV rows keep their own field count)."""
    dept = path.parent.name
    c = load_contract(dept)
    fmt = c["files"]["format"]
    if fmt == "csv":
        text = path.read_bytes().decode(c["files"]["encoding"])
        rows = list(csv.reader(io.StringIO(text), delimiter=c["files"].get("delimiter", ",")))
        return rows[0], rows[1:]
    if fmt == "xlsx":
        data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header = [str(x) for x in data[0]]
        return header, [list(r) for r in data[1:]]
    table = pq.read_table(path)
    df = table.to_pandas()
    return list(df.columns), df.astype(object).where(df.notna(), None).values.tolist()


def frame(path: Path) -> pd.DataFrame:
    """A well-formed view: rows with the right field count, columns by source name."""
    header, rows = read_rows(path)
    good = [r + [""] * (len(header) - len(r)) if len(r) < len(header) else r[:len(header)]
            for r in rows]
    return pd.DataFrame(good, columns=header)


# ---------------------------------------------------------------- a reference validator
# A small, independent reading of docs/contracts.md, used to check that every planted
# defect produces exactly its ``expected`` code and that every other row produces none.
import datetime as _dt
import re as _re
import unicodedata as _ud

from jingzhun.normalise.idcard import is_valid as _is_valid

_DATE_PATTERNS = [
    (r"(\d{4})-(\d{2})-(\d{2})", None), (r"(\d{4})/(\d{1,2})/(\d{1,2})", None),
    (r"(\d{4})(\d{2})(\d{2})", None), (r"(\d{4})\.(\d{2})\.(\d{2})", None),
    (r"(\d{4})年(\d{1,2})月(\d{1,2})日", None), (r"(\d{4})-(\d{2})-(\d{2}) \d{2}:\d{2}:\d{2}", None),
]


def _fold(v: str) -> str:
    return _ud.normalize("NFKC", v).strip()


def _parse_date(v: str) -> _dt.date | None:
    for pat, _ in _DATE_PATTERNS:
        m = _re.fullmatch(pat, v)
        if m:
            try:
                return _dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _bound(x: Any, period_end: _dt.date) -> Any:
    if x == "extract":
        return period_end
    if isinstance(x, str):
        return _dt.date.fromisoformat(x)
    return x


def validate(path: Path) -> dict[int, str]:
    """Row number → the primary reason or the warning flag a correct ingestion produces
    (rows without either are absent)."""
    c = load_contract(path.parent.name)
    header, rows = read_rows(path)
    period = _re.search(r"(\d{6})", path.name)[1]
    y, mo = int(period[:4]), int(period[4:])
    period_end = _dt.date(y + mo // 12, mo % 12 + 1, 1) - _dt.timedelta(days=1)
    cols = c["columns"]
    unique = c.get("unique") or []
    out: dict[int, str] = {}
    seen: set[tuple[Any, ...]] = set()
    keys: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for i, row in enumerate(rows, start=1):
        if len(row) != len(header):
            out[i] = "malformed_row"
            continue
        reasons: list[str] = []
        flags: list[str] = []
        norm: list[Any] = []
        for col, raw in zip(cols, row):
            f, t = col["field"], col["type"]
            v = "" if raw is None else (_fold(str(raw)) if not isinstance(raw, float) else raw)
            if isinstance(v, float) and t in ("money", "decimal", "integer"):
                num: Any = v
                v_empty = False
            else:
                v = str(v)
                v_empty = v == ""
            if t == "name" and isinstance(v, str):
                v = _re.sub(r"\s+", "", v)
            if t == "id_number":
                s = str(v).replace(" ", "").upper()
                if s == "":
                    flags.append(f"id_missing:{f}")
                elif len(s) == 15 and s.isdigit():
                    flags.append(f"id_upgraded_15:{f}")
                elif not _is_valid(s):
                    flags.append(f"id_invalid:{f}")
                norm.append(s)
                continue
            if v_empty:
                if col.get("required"):
                    reasons.append(f"missing_required:{f}")
                norm.append("")
                continue
            if t == "date":
                d = _parse_date(str(v))
                if d is None:
                    reasons.append(f"invalid_date:{f}")
                elif ("min" in col and d < _bound(col["min"], period_end)) or (
                        "max" in col and d > _bound(col["max"], period_end)):
                    reasons.append(f"out_of_range:{f}")
                norm.append(d)
                continue
            if t in ("money", "decimal", "integer"):
                try:
                    num = float(v)
                except ValueError:
                    reasons.append(f"invalid_number:{f}")
                    norm.append(v)
                    continue
                if t == "money":
                    num = round(num * 100)
                if ("min" in col and num < col["min"]) or ("max" in col and num > col["max"]):
                    reasons.append(f"out_of_range:{f}")
                norm.append(num)
                continue
            if t in ("code", "boolean"):
                if str(v) not in {str(k) for k in col["codes"]}:
                    reasons.append(f"invalid_code:{f}")
            elif t == "area_code":
                if not (str(v).isdigit() and len(str(v)) in (6, 9, 12)):
                    reasons.append(f"invalid_code:{f}")
            norm.append(v)
        key = tuple(norm)
        if reasons:
            out[i] = reasons[0]
            continue
        if key in seen:
            out[i] = "duplicate_row"
            continue
        seen.add(key)
        if unique:
            k = tuple(norm[[col["field"] for col in cols].index(u)] for u in unique)
            if k in keys and keys[k] != key:
                out[i] = "duplicate_key"
                continue
            keys[k] = key
        if flags:
            out[i] = flags[0] if len(flags) == 1 else "|".join(flags)
    return out
