"""Ingest one department file: read, normalise, validate (pandera), split accepted and
quarantined rows, summarise. Nothing is lost: ``rows_in == accepted + quarantined``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.contracts.model import Contract
from jingzhun.contracts.schema import compile_schema, run_schema
from jingzhun.errors import IngestError, JingzhunError
from jingzhun.ingest.batches import BATCH_BYTES, RawBatches
from jingzhun.ingest.convert import ARROW_TYPES, convert_columns, list_column
from jingzhun.ingest.duplicates import SeenRows, find_duplicates
from jingzhun.ingest.jsonify import json_objects
from jingzhun.ingest.messages import build_message
from jingzhun.ingest.readers import BAD_BYTE_MARK, RawTable
from jingzhun.normalise._arrow import to_bool_mask
from jingzhun.normalise.text import fold_text

META_COLUMNS = ("_file", "_row", "_period", "_department", "_dq_flags")
QUARANTINE_SCHEMA = pa.schema([
    ("_file", pa.string()),
    ("_row", pa.int64()),
    ("_period", pa.string()),
    ("_department", pa.string()),
    ("reasons", pa.list_(pa.string())),
    ("primary_reason", pa.string()),
    ("message", pa.string()),
    ("raw", pa.string()),
])
_KIND_RANK = {"missing_column": 0, "missing_required": 1, "invalid_date": 2,
              "invalid_number": 2, "invalid_code": 2, "out_of_range": 3}


@dataclass
class FileResult:
    """What ingesting one file produced."""

    accepted: pa.Table
    quarantine: pa.Table
    summary: dict[str, Any]


def accepted_schema(contract: Contract, extra: bool = False) -> pa.Schema:
    """Arrow schema of the validated zone for a contract."""
    fields: list[pa.Field] = []
    for col in contract.columns:
        fields.append(pa.field(col.field, ARROW_TYPES[col.type]))
        if col.type == "id_number":
            fields.append(pa.field(f"{col.field}_raw", pa.string()))
    if extra:
        fields.append(pa.field("_extra", pa.string()))
    fields += [pa.field("_file", pa.string()), pa.field("_row", pa.int64()),
               pa.field("_period", pa.string()), pa.field("_department", pa.string()),
               pa.field("_dq_flags", pa.list_(pa.string()))]
    return pa.schema(fields)


def _fold_name(name: str) -> str:
    return fold_text(name).casefold()


def match_columns(header: list[str], contract: Contract) -> tuple[dict[str, str], list[str]]:
    """field → file column; and the file's extra columns. Exact names first, then names that
    match after trimming, full-width folding and ignoring case."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for col in contract.columns:
        if col.source in header:
            mapping[col.field] = col.source
            used.add(col.source)
    folded: dict[str, str] = {}
    for h in header:
        if h not in used:
            folded.setdefault(_fold_name(h), h)
    for col in contract.columns:
        if col.field in mapping:
            continue
        found = folded.get(_fold_name(col.source))
        if found is not None and found not in used:
            mapping[col.field] = found
            used.add(found)
    extra = [h for h in header if h not in used]
    return mapping, extra


def ingest_file(path: Path, rel_path: str, contract: Contract, period: str | None, *,
                batch_bytes: int = BATCH_BYTES) -> FileResult:
    """Read and validate one source file against its contract (in memory; see
    :class:`FileValidation` for the batches of a large file).

    Raises :class:`IngestError` when the file cannot be read at all; every readable record
    ends up either accepted (with warning flags) or quarantined (with reasons and a message).
    """
    validation = FileValidation(path, rel_path, contract, period, batch_bytes=batch_bytes)
    accepted, quarantine = [], []
    for acc, q in validation:
        accepted.append(acc)
        quarantine.append(q)
    return FileResult(_concat(accepted), _concat(quarantine), validation.summary)


def _concat(tables: list[pa.Table]) -> pa.Table:
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


class FileValidation:
    """One file validated batch by batch: iterating gives (accepted, quarantined) tables in
    record order; ``summary`` is set once they have all been read.

    A CSV file larger than ``batch_bytes`` is read in batches (:class:`CsvBatches`, about
    128 MiB of text each) with duplicates found across them (:class:`SeenRows`); any other
    file is one batch. Both give the same rows, reasons, messages and summary.
    """

    def __init__(self, path: Path, rel_path: str, contract: Contract, period: str | None, *,
                 batch_bytes: int = BATCH_BYTES) -> None:
        self.path = Path(path)
        self.rel_path = rel_path
        self.contract = contract
        self.period = period
        self.batch_bytes = batch_bytes
        self.summary: dict[str, Any] = {}

    def __iter__(self) -> Iterator[tuple[pa.Table, pa.Table]]:
        rel_path, contract = self.rel_path, self.contract
        try:
            raw_file = RawBatches(self.path, contract, batch_bytes=self.batch_bytes)
        except IngestError as exc:
            raise IngestError(exc.what, where=rel_path, fix=exc.fix) from None
        digest, batches = raw_file.sha256, iter(raw_file)
        batched = raw_file.reader is not None
        seen = SeenRows() if batched else None
        tally = _Tally()
        first = True
        while True:
            try:
                raw = next(batches, None)
            except IngestError as exc:
                raise IngestError(exc.what, where=rel_path, fix=exc.fix) from None
            if raw is None:
                if not first:
                    break
                raw = RawTable(pa.table({}), np.zeros(0, np.int64), [], raw_file.encoding)
            first = False
            part = _validate(raw, rel_path, contract, self.period, seen)
            tally.add(raw, part)
            yield part.accepted, part.quarantine
        if raw_file.reader is not None:
            tally.encoding, tally.notes = raw_file.reader.encoding, raw_file.reader.notes
        self.summary = tally.summary(rel_path, contract, self.period, digest)


@dataclass
class _Part:
    """What validating one batch produced."""

    accepted: pa.Table
    quarantine: pa.Table
    warnings: dict[str, int]
    header: list[str]
    extra_cols: list[str]
    missing: list[str]
    missing_required: list[str]


@dataclass
class _Tally:
    """The file's summary, added up over its batches."""

    rows_in: int = 0
    accepted: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    ascii_only: bool = True
    last: _Part | None = None

    def add(self, raw: RawTable, part: _Part) -> None:
        self.rows_in += raw.rows_in
        self.accepted += part.accepted.num_rows
        self.quarantined += part.quarantine.num_rows
        for reason in part.quarantine.column("primary_reason").to_pylist():
            self.reasons[reason] = self.reasons.get(reason, 0) + 1
        for name, c in part.warnings.items():
            self.warnings[name] = self.warnings.get(name, 0) + c
        self.encoding = raw.encoding
        self.notes = list(raw.notes)
        self.ascii_only = self.ascii_only and _is_ascii_only(raw)
        self.last = part

    def summary(self, rel_path: str, contract: Contract, period: str | None,
                digest: str) -> dict[str, Any]:
        part = self.last
        assert part is not None
        notes = list(self.notes)
        header = part.header
        if part.missing_required and len(header) == 1:
            for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars"), (",", "commas")):
                if sep != contract.files.delimiter and sep in header[0]:
                    notes.append(f"the header looks separated by {label}, but the contract "
                                 f"declares delimiter {contract.files.delimiter!r}")
                    break
        declared = contract.files.encoding
        if contract.files.format == "csv" and self.encoding and self.rows_in > 0:
            detected = self.encoding.replace("-sig", "")
            if detected != declared and not self.ascii_only:
                notes.append(f"file is {self.encoding}, contract declares {declared}")
        summary: dict[str, Any] = {
            "file": rel_path,
            "department": contract.department,
            "period": period,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "reasons": dict(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "warnings": dict(sorted(self.warnings.items())),
            "encoding": self.encoding,
            "sha256": digest,
            "extra_columns": part.extra_cols,
            "missing_columns": part.missing,
            "notes": notes,
        }
        if summary["rows_in"] != summary["accepted"] + summary["quarantined"]:
            raise JingzhunError(
                f"row accounting failed: rows_in {summary['rows_in']} != accepted "
                f"{summary['accepted']} + quarantined {summary['quarantined']}",
                where=rel_path, fix="this is a bug in Jingzhun ingestion; report it with the file",
            )
        return summary


def _validate(raw: RawTable, rel_path: str, contract: Contract, period: str | None,
              seen: SeenRows | None) -> _Part:
    """Validate one batch (``seen``: the earlier batches of the file, for duplicates)."""
    table = raw.table
    n = table.num_rows
    header = list(table.column_names)
    mapping, extra_cols = match_columns(header, contract)
    missing = [c for c in contract.columns if c.field not in mapping]
    missing_required = [c.field for c in missing if c.required]

    cols = {f: table.column(src).combine_chunks() if n else pa.array([], pa.string())
            for f, src in mapping.items()}
    conv = convert_columns(contract, cols, n, period=period, file_format=contract.files.format)

    extra_json = None
    if extra_cols:
        extra_json = json_objects(
            {h: table.column(h).combine_chunks() if n else pa.array([], pa.string())
             for h in extra_cols}, n)

    # --- row-level reasons (ordered by column, then kind) --------------------------------
    entries: list[tuple[tuple[int, int], str, np.ndarray]] = []
    compiled = compile_schema(contract, period)
    order = compiled.field_order
    for f in missing_required:
        entries.append(((order[f], _KIND_RANK["missing_column"]), f"missing_column:{f}",
                        np.ones(n, dtype=bool)))
    for f, mask in conv.parse_invalid.items():
        if mask.any():
            entries.append(((order[f], 2), f"{conv.parse_reason[f]}:{f}", mask))
    if n:
        frame = pa.table({f: conv.check[f] for f in contract.fields}).to_pandas(
            types_mapper=pd.ArrowDtype)
        for reason, mask in run_schema(compiled, frame, conv.parse_invalid).items():
            kind, _, f = reason.partition(":")
            if f in missing_required and kind == "missing_required":
                continue  # the missing column says it already
            entries.append(((order[f], _KIND_RANK[kind]), reason, mask))
    entries.sort(key=lambda e: e[0])

    encoding_bad = np.zeros(n, dtype=bool)
    for name in header if n else []:
        encoding_bad |= to_bool_mask(pc.match_substring(table.column(name), BAD_BYTE_MARK))

    bad = np.zeros(n, dtype=bool)
    for _, _, mask in entries:
        bad |= mask
    bad |= encoding_bad

    # --- duplicates among otherwise valid rows --------------------------------------------
    dup_row, dup_key, first_of = find_duplicates(contract, conv.compare, extra_json, ~bad,
                                                 raw.records, seen)
    bad |= dup_row | dup_key

    # --- accepted ------------------------------------------------------------------------
    ok_pos = np.flatnonzero(~bad)
    take_all = len(ok_pos) == n

    def take(arr: pa.Array) -> pa.Array:
        return arr if take_all else arr.take(pa.array(ok_pos))

    records = raw.records
    acc_cols: dict[str, pa.Array] = {}
    for col in contract.columns:
        acc_cols[col.field] = take(conv.values[col.field].cast(ARROW_TYPES[col.type]))
        if col.type == "id_number":
            acc_cols[f"{col.field}_raw"] = take(conv.raw_ids[col.field])
    if extra_json is not None:
        acc_cols["_extra"] = take(extra_json)
    m = len(ok_pos)
    acc_cols["_file"] = pa.array([rel_path] * m, type=pa.string())
    acc_cols["_row"] = pa.array(records[ok_pos], type=pa.int64())
    acc_cols["_period"] = pa.nulls(m, pa.string()) if period is None else \
        pa.array([period] * m, type=pa.string())
    acc_cols["_department"] = pa.array([contract.department] * m, type=pa.string())
    acc_cols["_dq_flags"] = list_column(conv.flags, n, ok_pos)
    accepted = pa.table(acc_cols, schema=accepted_schema(contract, extra_json is not None))
    warnings: dict[str, int] = {}
    for name, mask in conv.flags:
        c = int(mask[ok_pos].sum())
        if c:
            warnings[name] = c

    # --- quarantine ----------------------------------------------------------------------
    q_pos = np.flatnonzero(bad)
    # A row with undecodable bytes gets encoding_error only; duplicates come last.
    reason_entries_q = [("encoding_error", encoding_bad)]
    reason_entries_q += [(r, mk & ~encoding_bad) for _, r, mk in entries]
    reason_entries_q += [("duplicate_row", dup_row), ("duplicate_key", dup_key)]
    quarantine = _quarantine_table(raw, rel_path, contract, period, mapping, q_pos,
                                   reason_entries_q, first_of, compiled.bounds)

    return _Part(accepted, quarantine, warnings, header, extra_cols,
                 [c.field for c in missing], missing_required)


def _quarantine_table(
    raw: RawTable, rel_path: str, contract: Contract, period: str | None,
    mapping: dict[str, str], q_pos: np.ndarray, reason_entries: list[tuple[str, np.ndarray]],
    first_of: dict[int, int], bounds: dict[str, tuple[Any, Any]],
) -> pa.Table:
    """Quarantined rows (parsed rows at ``q_pos`` and the reader's unreadable records), in
    record order, with reasons, a message and the original values."""
    table = raw.table
    n = table.num_rows
    header = list(table.column_names)
    records = raw.records
    q_reasons = list_column(reason_entries, n, q_pos).to_pylist() if len(q_pos) else []
    raw_q: list[str] = []
    marked: dict[int, list[str]] = {}  # row index → columns holding undecodable bytes
    if n and len(q_pos):
        q_tbl = table.take(pa.array(q_pos))
        raw_q = json_objects({h: q_tbl.column(h).combine_chunks() for h in header},
                             len(q_pos)).to_pylist()
        for h in header:
            has_mark = to_bool_mask(pc.match_substring(q_tbl.column(h), BAD_BYTE_MARK))
            for i in np.flatnonzero(has_mark).tolist():
                marked.setdefault(i, []).append(h)
    src_vals: dict[str, list[Any]] = {}
    if len(q_pos):
        for f, src in mapping.items():
            src_vals[f] = table.column(src).take(pa.array(q_pos)).to_pylist()

    q_rows: list[dict[str, Any]] = []
    for i, pos in enumerate(q_pos):
        reasons = q_reasons[i]
        row = int(records[pos])
        vals: dict[str, Any] = {f: v[i] for f, v in src_vals.items()}
        vals["_columns"] = marked.get(i, [])
        first = first_of.get(int(pos))
        q_rows.append({
            "_row": row, "reasons": reasons, "primary_reason": reasons[0],
            "message": build_message(rel_path, row, reasons, contract, vals, bounds,
                                     first),
            "raw": raw_q[i],
        })
    for b in raw.bad:
        reasons = [b.reason]
        q_rows.append({
            "_row": b.record, "reasons": reasons, "primary_reason": b.reason,
            "message": build_message(rel_path, b.record, reasons, contract,
                                     {"_line": b.detail}, bounds),
            "raw": b.text.replace(BAD_BYTE_MARK, ""),
        })
    q_rows.sort(key=lambda r: r["_row"])
    nq = len(q_rows)
    return pa.table({
        "_file": pa.array([rel_path] * nq, type=pa.string()),
        "_row": pa.array([r["_row"] for r in q_rows], type=pa.int64()),
        "_period": pa.array([period] * nq, type=pa.string()),
        "_department": pa.array([contract.department] * nq, type=pa.string()),
        "reasons": pa.array([r["reasons"] for r in q_rows], type=pa.list_(pa.string())),
        "primary_reason": pa.array([r["primary_reason"] for r in q_rows], type=pa.string()),
        "message": pa.array([r["message"] for r in q_rows], type=pa.string()),
        "raw": pa.array([r["raw"] for r in q_rows], type=pa.string()),
    }, schema=QUARANTINE_SCHEMA)


def _is_ascii_only(raw: RawTable) -> bool:
    """True if the file had no non-ASCII text (then UTF-8 and GB18030 are the same)."""
    if raw.encoding != "utf-8":
        return False
    for name in raw.table.column_names:
        if not name.isascii():
            return False
        col = raw.table.column(name)
        if pc.any(pc.invert(pc.fill_null(pc.string_is_ascii(col), True))).as_py():
            return False
    return True


def summary_json(summary: dict[str, Any]) -> str:
    """A file summary as one JSON line."""
    return json.dumps(summary, ensure_ascii=False)
