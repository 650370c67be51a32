"""Planting data defects on clean extracts, with the exact ingestion outcome of every row.

Each row carries at most one planted defect, so its expected ingestion outcome is known:
``expected`` is the quarantine reason or warning flag that docs/contracts.md prescribes, or
null when validation cannot see the defect (homophones, mixed date formats, late reports...).
Detectable defects go on otherwise-clean rows; a planted duplicate is a copy of a clean row,
inserted after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.synth.config import DefectRates
from jingzhun.synth.extract import Extract
from jingzhun.synth.names import TRADITIONAL, homophones, name_char_pool, similar_shapes

FW = str.maketrans("0123456789", "０１２３４５６７８９")
IMPOSSIBLE = [(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)]


@dataclass
class Planted:
    cols: dict[str, pa.Array]
    person_id: np.ndarray
    notes: dict[str, np.ndarray]
    defects: pd.DataFrame  # row (1-based), defect, field, expected


def _impossible(v: str, fmt: str, k: int) -> str:
    y = int(v[:4])
    mo, d = IMPOSSIBLE[k % len(IMPOSSIBLE)]
    if fmt == "%Y/%-m/%-d":
        return f"{y}/{mo}/{d}"
    if fmt == "%Y年%-m月%-d日":
        return f"{y}年{mo}月{d}日"
    sep = {"%Y-%m-%d": "-", "%Y%m%d": "", "%Y/%m/%d": "/", "%Y.%m.%d": "."}.get(fmt)
    if sep is not None:
        return f"{y}{sep}{mo:02d}{sep}{d:02d}"
    return f"{y}-{mo:02d}-{d:02d} 09:30:00"


def _ok(a: pa.Array) -> np.ndarray:
    """Rows with a non-empty value."""
    if a.type != pa.string():
        return np.asarray(a.is_valid())
    return np.asarray(pc.fill_null(pc.not_equal(pc.fill_null(a, ""), ""), False))


_DATE_RE = {
    "%Y-%m-%d": r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$",
    "%Y%m%d": r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
    "%Y/%m/%d": r"^(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})$",
    "%Y/%-m/%-d": r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$",
    "%Y.%m.%d": r"^(?P<y>\d{4})\.(?P<m>\d{2})\.(?P<d>\d{2})$",
    "%Y年%-m月%-d日": r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$",
    "%Y-%m-%d %H:%M:%S": r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2}) ",
}


def _reformat(values: pa.Array, base: str, alt: str) -> pa.Array:
    """Dates written in ``base`` re-rendered in ``alt`` (vectorised)."""
    from jingzhun.synth.extract import fmt_date

    pat = _DATE_RE[base]
    if base == "%Y-%m-%d %H:%M:%S":
        pat = pat.rstrip(" ")
    st = pc.extract_regex(values, pattern=pat)
    y = np.asarray(pc.cast(st.field("y"), pa.int64()))
    m = np.asarray(pc.cast(st.field("m"), pa.int64()))
    d = np.asarray(pc.cast(st.field("d"), pa.int64()))
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (d - 1).astype("timedelta64[D]")
    return fmt_date(days, alt)


def _name_variant(kind: str, v: str, r: float) -> str | None:
    if kind == "name_typo":
        pool = name_char_pool()
        i = len(v) - 1
        c = pool[int(r * len(pool))]
        return None if c == v[i] else v[:i] + c + v[i + 1:]
    if kind == "name_homophone":
        h = homophones()
        pos = [i for i in range(1, len(v)) if v[i] in h] or [i for i in range(len(v)) if v[i] in h]
        if not pos:
            return None
        i = pos[int(r * len(pos))]
        alts = h[v[i]]
        return v[:i] + alts[int(r * 7919) % len(alts)] + v[i + 1:]
    if kind == "name_similar_shape":
        sm = similar_shapes()
        pos = [i for i in range(len(v)) if v[i] in sm]
        if not pos:
            return None
        i = pos[int(r * len(pos))]
        return v[:i] + sm[v[i]] + v[i + 1:]
    if kind == "name_traditional":
        out = "".join(TRADITIONAL.get(c, c) for c in v)
        return None if out == v else out
    if kind == "name_fullwidth_space":
        k = int(r * 4)
        return [" " + v, v + " ", v[:1] + " " + v[1:], v[:1] + "\u3000" + v[1:]][k]
    raise ValueError(kind)


def plant(ex: Extract, rates: DefectRates, rng: np.random.Generator) -> Planted:
    """Plant defects on ``ex`` (one per row); returns the final rows and the defect truth."""
    contract = ex.contract
    fmt = contract["files"]["format"]
    ccols = contract["columns"]
    unique = set(contract.get("unique") or [])
    n = ex.n
    cols = dict(ex.cols)
    used = np.zeros(n, bool)
    if ex.protected is not None:
        used |= ex.protected
    late = ex.late if ex.late is not None else np.zeros(n, bool)
    used |= late
    rec_rows: list[np.ndarray] = []
    rec_kind: list[str] = []
    rec_field: list[str | None] = []
    rec_exp: list[str | None] = []
    # values: python lists only for the few rows being changed
    changes: dict[str, tuple[list[int], list[Any]]] = {}

    def pick(elig: np.ndarray, rate: float) -> np.ndarray:
        cand = np.flatnonzero(elig & ~used)
        k = min(int(rng.binomial(n, rate)) if rate > 0 else 0, cand.size)
        if k == 0:
            return np.zeros(0, np.int64)
        sel = np.sort(rng.choice(cand, size=k, replace=False))
        used[sel] = True
        return sel

    def record(rows: np.ndarray, kind: str, fld: str | None, expected: str | None) -> None:
        if rows.size:
            rec_rows.append(rows)
            rec_kind.extend([kind] * rows.size)
            rec_field.extend([fld] * rows.size)
            rec_exp.extend([expected] * rows.size)

    def change(fld: str, rows: np.ndarray, values: list[Any]) -> None:
        r, v = changes.setdefault(fld, ([], []))
        r.extend(rows.tolist())
        v.extend(values)

    ok_cache: dict[str, np.ndarray] = {}

    def ok_of(fld: str) -> np.ndarray:
        if fld not in ok_cache:
            ok_cache[fld] = _ok(cols[fld])
        return ok_cache[fld]

    def values(fld: str, rows: np.ndarray) -> list[Any]:
        return cols[fld].take(pa.array(rows)).to_pylist()

    by_type: dict[str, list[dict[str, Any]]] = {}
    for c in ccols:
        by_type.setdefault(c["type"], []).append(c)

    def spread(columns_: list[dict[str, Any]], elig_of: Any, rate: float) -> list[
            tuple[dict[str, Any], np.ndarray]]:
        """Split a defect's rows across eligible columns."""
        out = []
        if not columns_:
            return out
        share = rate / len(columns_)
        for c in columns_:
            out.append((c, pick(elig_of(c), share)))
        return out

    # ------------------------------------------------ detectable (quarantine), clean rows
    if fmt == "csv":
        targets = [c for c in ccols if c["type"] in ("name", "string") and c["field"] not in unique]
        for c, rows in spread(targets[:1], lambda c: ok_of(c["field"]), rates.malformed_row):
            vals = values(c["field"], rows)
            change(c["field"], rows, [f"{v}{contract['files'].get('delimiter', ',')}备注"
                                      for v in vals])
            record(rows, "malformed_row", None, "malformed_row")
    dates = [c for c in by_type.get("date", []) if c["field"] in ex.date_fields
             and c["field"] not in unique]
    for c, rows in spread(dates, lambda c: ok_of(c["field"]), rates.impossible_date):
        base = ex.date_fields[c["field"]][0]
        vals = values(c["field"], rows)
        change(c["field"], rows, [_impossible(v, base, int(k)) for v, k in
                                  zip(vals, rng.integers(0, 6, rows.size))])
        record(rows, "impossible_date", c["field"], f"invalid_date:{c['field']}")
    bounded = [c for c in ccols if c["type"] in ("money", "decimal", "integer")
               and ("min" in c or "max" in c) and c["field"] not in unique]
    for c, rows in spread(bounded, lambda c: ok_of(c["field"]), rates.out_of_range):
        vals = values(c["field"], rows)
        if cols[c["field"]].type != pa.string():
            new = [(-v if v else -1.0) if "min" in c and float(c["min"]) >= 0
                   else float(c["max"]) * 10 + 1 for v in vals]
        elif c["type"] == "decimal" and "max" in c:
            new = [str(round(float(v) * 1000 + float(c["max"]) + 1, 1)) for v in vals]
        elif "min" in c and float(c["min"]) >= 0:
            new = [("-" + v) if float(v) != 0 else "-1" for v in vals]
            if c["type"] == "integer" and float(c["min"]) > 0:
                new = ["-" + v.lstrip("-") for v in vals]
        else:
            new = [str(int(float(c["max"]) * 10 + 1)) for _ in vals]
        change(c["field"], rows, new)
        record(rows, "out_of_range", c["field"], f"out_of_range:{c['field']}")
    coded = [c for c in ccols if c["type"] in ("code", "area_code") and c["field"] not in unique]
    for c, rows in spread(coded, lambda c: ok_of(c["field"]), rates.invalid_code):
        vals = values(c["field"], rows)
        if c["type"] == "area_code":
            new = [v[:-1] for v in vals]
        else:
            keys = {str(k) for k in c["codes"]}
            bad = next(b for b in ("XX", "99X", "未知类别", "ZZZ") if b not in keys)
            new = [bad] * len(vals)
        change(c["field"], rows, new)
        record(rows, "invalid_code", c["field"], f"invalid_code:{c['field']}")
    req = [c for c in ccols if c.get("required") and c["field"] not in unique
           and c["type"] != "id_number"]
    for c, rows in spread(req, lambda c: ok_of(c["field"]), rates.missing_required):
        change(c["field"], rows, [None] * rows.size)
        record(rows, "missing_required", c["field"], f"missing_required:{c['field']}")

    # ------------------------------------------------ ID warnings and undetectable defects
    for c in by_type.get("id_number", []):
        f = c["field"]
        raw = cols[f]
        ok = ok_of(f)
        rows = pick(ok, rates.id_missing)
        change(f, rows, [None] * rows.size)
        record(rows, "id_missing", f, f"id_missing:{f}")
        rows = pick(ok, rates.id_invalid)
        vals = values(f, rows)
        pos = rng.choice([0, 1, 2, 3, 4, 5, 14, 15], size=rows.size)
        step = rng.integers(1, 10, rows.size)
        change(f, rows, [v[:p] + str((int(v[p]) + s) % 10) + v[p + 1:]
                         for v, p, s in zip(vals, pos, step)])
        record(rows, "id_invalid", f, f"id_invalid:{f}")
        born19 = ok & np.asarray(pc.fill_null(pc.equal(pc.utf8_slice_codeunits(
            raw.cast(pa.string()), 6, 8), "19"), False))
        rows = pick(born19, rates.id_legacy_15)
        vals = values(f, rows)
        change(f, rows, [v[:6] + v[8:17] for v in vals])
        record(rows, "id_legacy_15", f, f"id_upgraded_15:{f}")
        endx = ok & np.asarray(pc.fill_null(pc.ends_with(raw.cast(pa.string()), "X"), False))
        rows = pick(endx, rates.id_lowercase_x * endx.mean() if endx.any() else 0.0)
        vals = values(f, rows)
        change(f, rows, [v[:-1] + "x" for v in vals])
        record(rows, "id_lowercase_x", f, None)
    for c in by_type.get("name", []):
        f = c["field"]
        ok = ok_of(f)
        for kind in ("name_homophone", "name_typo", "name_similar_shape", "name_traditional",
                     "name_fullwidth_space"):
            rows = pick(ok, getattr(rates, kind))
            vals = values(f, rows)
            new = [_name_variant(kind, v, float(r)) for v, r in zip(vals, rng.random(rows.size))]
            keep = np.array([x is not None for x in new], bool)
            used[rows[~keep]] = False  # no variant possible: the row stays clean
            rows = rows[keep]
            change(f, rows, [x for x in new if x is not None])
            record(rows, kind, f, None)
    for c in dates:
        f = c["field"]
        base, alt = ex.date_fields[f]
        if alt is None:
            continue
        rows = pick(ok_of(f), rates.date_mixed_format)
        if rows.size:
            sub = cols[f].take(pa.array(rows))
            change(f, rows, _reformat(sub, base, alt).to_pylist())
        record(rows, "date_mixed_format", f, None)
    for c in ccols:
        if c["field"] == "address":
            ok = ok_of("address") & np.asarray(pc.fill_null(pc.match_substring_regex(
                cols["address"].cast(pa.string()), r"\d"), False))
            rows = pick(ok, rates.address_fullwidth)
            vals = values("address", rows)
            change("address", rows, [v.translate(FW) for v in vals])
            record(rows, "address_fullwidth", "address", None)
    if late.any():
        rows = np.flatnonzero(late)
        record(rows, "late_report", ex.late_field, None)

    # ------------------------------------------------ apply the changes
    for f, (rows_l, vals_l) in changes.items():
        order = np.argsort(rows_l, kind="stable")
        rows_a = np.asarray(rows_l, np.int64)[order]
        vals_a = [vals_l[i] for i in order]
        mask = np.zeros(n, bool)
        mask[rows_a] = True
        arr = cols[f]
        cols[f] = pc.replace_with_mask(arr, pa.array(mask), pa.array(vals_a, type=arr.type))

    # ------------------------------------------------ duplicates: copies of clean rows
    dup_src = pick(np.ones(n, bool), rates.duplicate_row)
    key = np.arange(n, dtype=float)
    if dup_src.size:
        gap = np.minimum(n - 1 - dup_src, 30).astype(float)
        dkey = dup_src + 0.5 + rng.random(dup_src.size) * gap
        key = np.concatenate([key, dkey])
    src = np.concatenate([np.arange(n), dup_src])
    order = np.argsort(key, kind="stable")
    final_src = src[order]
    final_row = np.empty(len(order), np.int64)
    final_row[order] = np.arange(1, len(order) + 1)
    if dup_src.size:
        rec_rows.append(final_row[n:])
        rec_kind.extend(["duplicate_row"] * dup_src.size)
        rec_field.extend([None] * dup_src.size)
        rec_exp.extend(["duplicate_row"] * dup_src.size)
    take = pa.array(final_src)
    out_cols = {f: a.take(take) for f, a in cols.items()} if dup_src.size else cols
    # row numbers of base-row defects
    rows_all = (np.concatenate(rec_rows) if rec_rows else np.zeros(0, np.int64))
    nb = len(rows_all) - dup_src.size
    rows_final = np.concatenate([final_row[rows_all[:nb]], rows_all[nb:]]).astype(np.int64)
    defects = pd.DataFrame({"row": rows_final, "defect": rec_kind, "field": rec_field,
                            "expected": rec_exp})
    defects = defects.sort_values("row", kind="stable").reset_index(drop=True)
    return Planted(cols=out_cols, person_id=ex.person_id[final_src],
                   notes={k: v[final_src] for k, v in ex.notes.items()}, defects=defects)
