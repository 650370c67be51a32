"""One department file before it is written: canonical columns rendered as the department
writes them, the true person behind each row, and row annotations for the truth tables.

Also: reading the department contracts shipped in ``jingzhun/contracts/departments`` and
vectorised rendering helpers (dates in the department's formats, yuan amounts, code lists).
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from jingzhun.errors import ContractError


@lru_cache(maxsize=None)
def load_contract(department: str) -> dict[str, Any]:
    """The department contract (docs/contracts.md) as a dict."""
    res = importlib.resources.files("jingzhun.contracts") / "departments" / f"{department}.yaml"
    try:
        with res.open("r", encoding="utf-8") as fh:
            c = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError as exc:
        raise ContractError(f"no contract for department {department!r}",
                            where=f"contracts/departments/{department}.yaml",
                            fix="write the contract before generating its files") from exc
    return c


def columns(contract: dict[str, Any]) -> list[dict[str, Any]]:
    return list(contract["columns"])


def column(contract: dict[str, Any], fld: str) -> dict[str, Any]:
    for c in contract["columns"]:
        if c["field"] == fld:
            return c
    raise ContractError(f"field {fld!r} not in the {contract['department']} contract")


def file_name(contract: dict[str, Any], period: str) -> str:
    return contract["files"]["pattern"].replace("{period}", period)


@dataclass
class Extract:
    """Rows of one file, columns keyed by canonical field (values as the file shows them)."""

    department: str
    period: str
    cols: dict[str, pa.Array]
    person_id: np.ndarray  # int64, -1 when the row names no person
    protected: np.ndarray | None = None  # rows that must stay free of detectable defects
    notes: dict[str, np.ndarray] = field(default_factory=dict)  # per-row annotations
    late: np.ndarray | None = None  # rows reported late (undetectable defect)
    late_field: str | None = None
    date_fields: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # field -> (format written, alternative format for the mixed-format defect)
    part: int = 0  # large CSV files come in parts, written one after the other
    last_part: bool = True

    @property
    def n(self) -> int:
        return len(self.person_id)

    @property
    def contract(self) -> dict[str, Any]:
        return load_contract(self.department)

    @property
    def file(self) -> str:
        return f"{self.department}/{file_name(self.contract, self.period)}"


# ---------------------------------------------------------------- rendering helpers
def s(values: Any) -> pa.Array:
    """Any array-like of str/None → pa.string array."""
    if isinstance(values, pa.Array):
        return values.cast(pa.string()) if values.type != pa.string() else values
    arr = np.asarray(values)
    if arr.dtype.kind == "S":
        return pc.cast(pa.array(arr, type=pa.binary()), pa.string())
    if arr.dtype.kind in "iu":
        return pc.cast(pa.array(arr), pa.string())
    return pa.array(arr, type=pa.string(), from_pandas=True)


def lookup(table: list[str] | np.ndarray, idx: np.ndarray, missing: np.ndarray | None = None
           ) -> pa.Array:
    """Code list rendering: ``table[idx]`` as strings, null where ``missing`` or idx < 0."""
    t = pa.array(list(table), type=pa.string())
    idx = np.asarray(idx)
    mask = idx < 0 if missing is None else (missing | (idx < 0))
    out = t.take(pa.array(np.where(mask, 0, idx)))
    return pc.if_else(pa.array(mask), pa.nulls(len(idx), pa.string()), out) if mask.any() else out


def encode(contract: dict[str, Any], fld: str, canonical: list[str]) -> list[str]:
    """Source codes for canonical values (inverse of the contract's ``codes``)."""
    codes = column(contract, fld)["codes"]
    inv: dict[str, str] = {}
    for src, can in codes.items():
        inv.setdefault(str(can).lower() if isinstance(can, bool) else str(can), str(src))
    try:
        return [inv[str(c)] for c in canonical]
    except KeyError as exc:
        raise ContractError(f"canonical value {exc} missing from {contract['department']}."
                            f"{fld} codes") from exc


_LUT_START = np.datetime64("1850-01-01", "D")


@lru_cache(maxsize=1)
def _ymd_lut() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = _LUT_START + np.arange(0, 300 * 366).astype("timedelta64[D]")
    y = days.astype("datetime64[Y]").astype(np.int64) + 1970
    m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y.astype(np.int16), m.astype(np.int8), d.astype(np.int8)


def ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of datetime64[D] values (1850–2149), by table look-up."""
    k = (np.asarray(d, dtype="datetime64[D]") - _LUT_START).astype(np.int64)
    y, m, dd = _ymd_lut()
    return y[k].astype(np.int32), m[k].astype(np.int32), dd[k].astype(np.int32)


def _fixed(parts: list[np.ndarray | str], n: int) -> pa.Array:
    """Fixed-width ASCII rows from digit arrays (values 0–9) and literal characters."""
    width = sum(1 if not isinstance(x, str) else len(x.encode()) for x in parts)
    mat = np.empty((width, n), np.uint8)  # row-major by character position, transposed once
    k = 0
    for x in parts:
        if isinstance(x, str):
            for b in x.encode():
                mat[k] = b
                k += 1
        else:
            np.add(x, 48, out=mat[k], casting="unsafe")
            k += 1
    return fixed_width_text(np.ascontiguousarray(mat.T).tobytes(), width, n)


def fixed_width_text(data: bytes, width: int, n: int) -> pa.Array:
    """String array over ``n`` consecutive UTF-8 values of ``width`` bytes each."""
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int64)
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return arr.cast(pa.string())


def _digits(x: np.ndarray, width: int) -> list[np.ndarray]:
    return [(x // 10 ** (width - 1 - i)) % 10 for i in range(width)]


def _pad2(x: np.ndarray) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(x), pa.string()), 2, "0")


def fmt_date(d: np.ndarray, fmt: str = "%Y-%m-%d", times: np.ndarray | None = None) -> pa.Array:
    """datetime64[D] (NaT → null) in one of the formats departments use.

    Supported: %Y-%m-%d, %Y%m%d, %Y/%m/%d, %Y/%-m/%-d, %Y.%m.%d, %Y年%-m月%-d日,
    %Y-%m-%d %H:%M:%S (``times`` = seconds after midnight).
    """
    d = np.asarray(d, dtype="datetime64[D]")
    n = len(d)
    nat = np.isnat(d)
    dd = np.where(nat, np.datetime64("2000-01-01"), d)
    y, mo, da = ymd(dd)
    fixed = {"%Y-%m-%d": "-", "%Y%m%d": "", "%Y/%m/%d": "/", "%Y.%m.%d": "."}
    if fmt in fixed:
        sep = fixed[fmt]
        parts = _digits(y, 4) + ([sep] if sep else []) + _digits(mo, 2) + (
            [sep] if sep else []) + _digits(da, 2)
        out = _fixed(parts, n)
    elif fmt == "%Y-%m-%d %H:%M:%S":
        t = np.zeros(n, np.int64) if times is None else np.asarray(times, np.int64)
        parts = (_digits(y, 4) + ["-"] + _digits(mo, 2) + ["-"] + _digits(da, 2) + [" "]
                 + _digits(t // 3600, 2) + [":"] + _digits(t // 60 % 60, 2) + [":"]
                 + _digits(t % 60, 2))
        out = _fixed(parts, n)
    elif fmt in ("%Y/%-m/%-d", "%Y年%-m月%-d日"):
        ys = pc.cast(pa.array(y), pa.string())
        ms = pc.cast(pa.array(mo), pa.string())
        ds = pc.cast(pa.array(da), pa.string())
        out = (pc.binary_join_element_wise(ys, ms, ds, "/") if fmt == "%Y/%-m/%-d" else
               pc.binary_join_element_wise(ys, "年", ms, "月", ds, "日", ""))
    else:  # pragma: no cover
        raise ValueError(f"unsupported date format {fmt}")
    if nat.any():
        out = pc.if_else(pa.array(nat), pa.nulls(n, pa.string()), out)
    return out


def money(fen: np.ndarray, fmt: str, always_decimals: bool = True,
          missing: np.ndarray | None = None) -> pa.Array:
    """Amounts as the file format wants them: float64 yuan in Parquet, text elsewhere."""
    if fmt == "parquet":
        mask = None if missing is None else pa.array(missing)
        return pa.array(np.asarray(fen, np.int64) / 100.0, pa.float64(), mask=mask)
    return fmt_yuan(fen, always_decimals, missing)


def fmt_yuan(fen: np.ndarray, always_decimals: bool = True,
             missing: np.ndarray | None = None) -> pa.Array:
    """Integer fen → yuan text with 2 decimals ("1234.50"), or without when whole."""
    fen = np.asarray(fen, dtype=np.int64)
    neg = fen < 0
    a = np.abs(fen)
    whole = pc.cast(pa.array(a // 100), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(a % 100), pa.string()), 2, "0")
    txt = pc.binary_join_element_wise(whole, cents, ".")
    if not always_decimals:
        txt = pc.if_else(pa.array(a % 100 == 0), whole, txt)
    if neg.any():
        txt = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", txt, ""), txt)
    if missing is not None and missing.any():
        txt = pc.if_else(pa.array(missing), pa.nulls(len(fen), pa.string()), txt)
    return txt


def fmt_decimal(x: np.ndarray, digits: int = 1) -> pa.Array:
    """Non-negative decimals with a fixed number of digits ("12.5")."""
    scaled = np.round(np.asarray(x, float) * 10 ** digits).astype(np.int64)
    neg = scaled < 0
    a = np.abs(scaled)
    txt = pc.binary_join_element_wise(
        pc.cast(pa.array(a // 10 ** digits), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(a % 10 ** digits), pa.string()), digits, "0"), ".")
    if neg.any():
        txt = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", txt, ""), txt)
    return txt


def ids_text(ids: np.ndarray) -> pa.Array:
    """S18 ID numbers (all 18 characters) → strings."""
    a = np.ascontiguousarray(np.asarray(ids, dtype="S18"))
    return fixed_width_text(a.tobytes(), 18, len(a))


def concat(*parts: Any, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of arrays and literals."""
    return pc.binary_join_element_wise(*[p if isinstance(p, (str, pa.Array)) else s(p)
                                         for p in parts], sep)


def zpad(x: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(np.asarray(x, dtype=np.int64)), pa.string()), width, "0")
