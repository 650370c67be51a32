"""Human-readable quarantine messages: file, row, column, value and how to fix it."""

from __future__ import annotations

from typing import Any

from jingzhun.contracts.model import ColumnSpec, Contract
from jingzhun.ingest.readers import BAD_BYTE_MARK


def _show(value: Any, limit: int = 60) -> str:
    if value is None or value == "":
        return "(empty)"
    text = str(value).replace(BAD_BYTE_MARK, "")
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text)


def _fen_text(v: int) -> str:
    sign = "-" if v < 0 else ""
    v = abs(int(v))
    return f"{sign}{v // 100}.{v % 100:02d}"


def _range_text(col: ColumnSpec, bounds: tuple[Any, Any]) -> str:
    lo, hi = bounds
    if col.type == "money":
        lo = None if lo is None else _fen_text(lo) + " yuan"
        hi = None if hi is None else _fen_text(hi) + " yuan"
    if lo is not None and hi is not None:
        return f"between {lo} and {hi}"
    if lo is not None:
        return f"at least {lo}"
    return f"at most {hi}"


def reason_text(reason: str, contract: Contract, value: Any, bounds: dict[str, tuple[Any, Any]],
                first_row: int | None = None) -> str:
    """One reason as a sentence (without the file/row prefix)."""
    kind, _, fieldname = reason.partition(":")
    if kind == "malformed_row":
        return ("the line could not be split into the header's columns "
                f"({value}); fix: quote values that contain the delimiter or line breaks, "
                "and make sure the line is complete")
    if kind == "encoding_error":
        where = "the line holds"
        if isinstance(value, list) and value:
            where = "column " + ", ".join(value) + (" holds" if len(value) == 1 else " hold")
        return (f"{where} bytes that are neither UTF-8 nor GB18030 (shown as \\xHH); "
                "fix: re-save the file as UTF-8 and re-type the damaged characters")
    if kind == "duplicate_row":
        ref = f" of row {first_row}" if first_row else ""
        return f"exact copy{ref}; fix: remove the repeated record from the extract"
    if kind == "duplicate_key":
        keys = ", ".join(contract.unique)
        ref = f" as row {first_row}" if first_row else ""
        return (f"same key ({keys}){ref} but different content; fix: keep one record per key "
                "or correct the key")
    col = contract.column(fieldname)
    where = f"column {col.source} ({col.field}"
    where += f", {col.label_zh})" if col.label_zh and col.label_zh != col.source else ")"
    if kind == "missing_column":
        return (f"{where} is missing from the file header; fix: add the required column "
                f"{col.source!r} to the extract (or correct its name)")
    if kind == "missing_required":
        return f"{where} is empty but required; fix: fill in the value at the source"
    if kind == "invalid_date":
        example = "YYYY-MM (e.g. 2024-03)" if col.type == "month" else \
            "YYYY-MM-DD with a real day (e.g. 2019-02-28)"
        return f"{where} value {_show(value)} is not a valid date; fix: write it as {example}"
    if kind == "invalid_number":
        hint = {
            "money": "yuan with at most 2 decimals, e.g. 1234.50",
            "integer": "a whole number, e.g. 12",
            "decimal": "a number, e.g. 12.5",
        }.get(col.type, "a number")
        return f"{where} value {_show(value)} is not a valid number; fix: write {hint}"
    if kind == "invalid_code":
        if col.type == "area_code":
            return (f"{where} value {_show(value)} is not a 6-, 9- or 12-digit division code; "
                    "fix: use the GB/T 2260 / statistical division code")
        allowed = list((col.codes or {}).keys())
        shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
        return (f"{where} value {_show(value)} is not in the code list; fix: use one of "
                f"{shown} (or add the code to the contract)")
    if kind == "out_of_range":
        return (f"{where} value {_show(value)} is outside the allowed range "
                f"({_range_text(col, bounds.get(fieldname, (None, None)))}); fix: correct the "
                "value at the source")
    return f"{reason} (value {_show(value)})"  # pragma: no cover


def build_message(rel_path: str, row: int, reasons: list[str], contract: Contract,
                  values: dict[str, Any], bounds: dict[str, tuple[Any, Any]],
                  first_row: int | None = None) -> str:
    """``values`` maps canonical field → raw value (or ``_line`` for malformed rows)."""
    parts = []
    for r in reasons:
        kind, _, f = r.partition(":")
        if kind == "encoding_error":
            value = values.get("_columns")
        else:
            value = values.get(f) if f else values.get("_line")
        parts.append(reason_text(r, contract, value, bounds, first_row))
    return f"{rel_path}, row {row}: " + "; ".join(parts)
