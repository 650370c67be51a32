"""Raw text columns → canonical typed columns, per the contract (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.contracts.model import ColumnSpec, Contract
from jingzhun.normalise._arrow import to_bool_mask
from jingzhun.normalise.codes import map_codes, normalise_area_codes
from jingzhun.normalise.dates import parse_dates, parse_months, period_end
from jingzhun.normalise.idcard import birth_dates_from_ids, normalise_ids, sex_from_ids
from jingzhun.normalise.numeric import parse_decimals, parse_integers, parse_money_fen
from jingzhun.normalise.text import empty_to_null, normalise_names, normalise_strings

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "name": pa.string(),
    "id_number": pa.string(),
    "date": pa.date32(),
    "month": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "money": pa.int64(),
    "code": pa.string(),
    "boolean": pa.bool_(),
    "area_code": pa.string(),
}


@dataclass
class Converted:
    """Typed columns for every field, plus what validation and flags need."""

    values: dict[str, pa.Array] = field(default_factory=dict)  # canonical typed values
    check: dict[str, pa.Array] = field(default_factory=dict)  # what pandera checks
    compare: dict[str, pa.Array] = field(default_factory=dict)  # for exact-duplicate tests
    raw_ids: dict[str, pa.Array] = field(default_factory=dict)  # <field>_raw
    parse_invalid: dict[str, np.ndarray] = field(default_factory=dict)  # field → mask
    parse_reason: dict[str, str] = field(default_factory=dict)  # field → reason prefix
    flags: list[tuple[str, np.ndarray]] = field(default_factory=list)  # ordered warning flags


def _null(n: int) -> pa.Array:
    return pa.nulls(n, pa.string())


def convert_columns(
    contract: Contract,
    raw: dict[str, pa.Array | None],
    n: int,
    *,
    period: str | None,
    file_format: str,
) -> Converted:
    """Normalise every contract column. ``raw[field]`` is the source text (None if absent)."""
    out = Converted()
    latest = period_end(period) if period else None
    for col in contract.columns:
        arr = raw.get(col.field)
        if arr is None:
            arr = _null(n)
        _convert_one(col, arr, out, latest=latest, excel_serial=file_format == "xlsx")
    _id_consistency(contract, out)
    return out


def _convert_one(col: ColumnSpec, arr: pa.Array, out: Converted, *, latest, excel_serial) -> None:
    f, t = col.field, col.type
    if t == "string":
        v = normalise_strings(arr)
        out.values[f] = out.check[f] = out.compare[f] = v
    elif t == "name":
        v = normalise_names(arr)
        out.values[f] = out.check[f] = out.compare[f] = v
    elif t == "id_number":
        r = normalise_ids(arr, latest=latest)
        out.values[f] = out.check[f] = r.ids
        out.compare[f] = r.cleaned
        out.raw_ids[f] = empty_to_null(arr)
        for flag in ("id_missing", "id_invalid", "id_upgraded_15"):
            mask = to_bool_mask(pc.equal(r.flags, flag))
            out.flags.append((f"{flag}:{f}", mask))
    elif t in ("date", "month"):
        if t == "date":
            d = parse_dates(arr, excel_serial=excel_serial)
            v, bad = d.dates, d.invalid
        else:
            m = parse_months(arr)
            v, bad = m.months, m.invalid
        out.values[f] = out.check[f] = out.compare[f] = v
        out.parse_invalid[f] = bad
        out.parse_reason[f] = "invalid_date"
    elif t in ("integer", "decimal", "money"):
        parser = {"integer": parse_integers, "decimal": parse_decimals,
                  "money": parse_money_fen}[t]
        r2 = parser(arr)
        out.values[f] = out.check[f] = out.compare[f] = r2.values
        out.parse_invalid[f] = r2.invalid
        out.parse_reason[f] = "invalid_number"
    elif t in ("code", "boolean"):
        cm = map_codes(arr, col.codes or {})
        out.values[f] = out.compare[f] = cm.values
        out.check[f] = cm.keys
    elif t == "area_code":
        cm = normalise_area_codes(arr)
        out.values[f] = out.compare[f] = cm.values
        out.check[f] = cm.keys
    else:  # pragma: no cover - the model restricts types
        raise ValueError(t)


def _id_consistency(contract: Contract, out: Converted) -> None:
    """Flag rows whose ID disagrees with the row's own sex or birth date.

    Applies to the field named ``id_number`` (else the first id_number field), against the
    fields named ``sex`` (code mapping to male/female) and ``birth_date``.
    """
    ids = contract.id_fields
    if not ids:
        return
    idf = "id_number" if "id_number" in ids else ids[0]
    fields = set(contract.fields)
    id_vals = out.values[idf]
    if "sex" in fields and contract.column("sex").type == "code":
        sex = out.values["sex"]
        implied = sex_from_ids(id_vals)
        known = pc.is_in(sex, value_set=pa.array(["male", "female"]))
        mismatch = pc.and_(pc.and_(known, pc.is_valid(implied)), pc.not_equal(sex, implied))
        out.flags.append((f"id_sex_mismatch:{idf}", to_bool_mask(mismatch)))
    if "birth_date" in fields and contract.column("birth_date").type == "date":
        implied_b = birth_dates_from_ids(id_vals)
        mismatch = pc.not_equal(out.values["birth_date"], implied_b)
        out.flags.append((f"id_birth_mismatch:{idf}", to_bool_mask(mismatch)))


def list_column(entries: list[tuple[str, np.ndarray]], n: int,
                rows: np.ndarray | None = None) -> pa.Array:
    """Per row, the names whose mask is true (in ``entries`` order) as ``list<string>``.

    ``rows`` restricts the output to those row positions (in that order).
    """
    if rows is None:
        rows = np.arange(n)
    m = len(rows)
    if not entries or m == 0:
        offsets = np.zeros(m + 1, dtype=np.int32)
        return pa.ListArray.from_arrays(pa.array(offsets), pa.array([], type=pa.string()))
    matrix = np.stack([mask[rows] for _, mask in entries], axis=1)  # (m, k)
    counts = matrix.sum(axis=1)
    offsets = np.zeros(m + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    _, ks = np.nonzero(matrix)
    names = pa.array([name for name, _ in entries], type=pa.string())
    values = pc.take(names, pa.array(ks.astype(np.int64)))
    return pa.ListArray.from_arrays(pa.array(offsets), values)
