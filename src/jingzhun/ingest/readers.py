"""Readers: any department file → a table of raw strings plus the records that could not be
read. Nothing is interpreted here; header names stay as in the file.

Record numbers (``records``) are 1-based and count the records after the header: for CSV one
record per CSV row (a quoted value may span lines; blank lines are not records), for XLSX the
sheet row number minus the header's row number (empty rows are skipped but keep their
numbers), for parquet the row position.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.errors import IngestError

# Undecodable bytes are replaced by this private-use marker followed by "\xHH", so the row
# keeps its place and its other values; rows holding the marker are quarantined as
# encoding_error, and the marker is dropped when the raw text is shown.
BAD_BYTE_MARK = "\U0010fffd"


def _escape_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(f"{BAD_BYTE_MARK}\\x{b:02x}" for b in bad), exc.end


codecs.register_error("jingzhun_mark", _escape_bad_bytes)


@dataclass
class BadRecord:
    """A record the reader could not turn into fields."""

    record: int
    reason: str  # malformed_row | encoding_error
    text: str
    detail: str = ""


@dataclass
class RawTable:
    """All values as text; ``records[i]`` is the record number of row i."""

    table: pa.Table
    records: np.ndarray
    bad: list[BadRecord] = field(default_factory=list)
    encoding: str | None = None
    header: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return self.table.num_rows + len(self.bad)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- encoding ------------------------------------------------------------------------------


def _is_utf8(data: bytes) -> bool:
    """UTF-8 validity checked by Arrow (no Python string is built)."""
    buf = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buf])
    try:
        arr.cast(pa.large_string())
        return True
    except pa.ArrowInvalid:
        return False


@dataclass
class Decoded:
    """Result of :func:`decode_bytes`."""

    data: bytes  # UTF-8
    encoding: str
    bad_lines: int = 0  # lines with bytes undecodable in both encodings (marked)
    other_lines: int = 0  # lines decoded with the secondary encoding


_VOTE_SAMPLE = 5000


def _vote(lines: list[bytes]) -> str:
    """The encoding most non-ASCII lines decode in (sampled): utf-8 unless more lines decode
    only as GB18030 than as UTF-8."""
    utf8_ok = gb_only = seen = 0
    for line in lines:
        if line.isascii():
            continue
        seen += 1
        try:
            line.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                gb_only += 1
            except UnicodeDecodeError:
                pass
        if seen >= _VOTE_SAMPLE:
            break
    return "utf-8" if utf8_ok >= gb_only else "gb18030"


def decode_bytes(data: bytes) -> Decoded:
    """Detect the encoding and return the text as UTF-8 bytes.

    UTF-8 (with or without BOM) is tried first because it is strict. If the whole file is not
    UTF-8, a sample of its non-ASCII lines decides between "UTF-8 with damaged lines" and
    GB18030 (superset of GBK/GB2312; tried on the whole file). Otherwise each line is decoded
    on its own in the main encoding, else the other one, else its undecodable bytes are
    replaced by ``BAD_BYTE_MARK\\xHH`` (the row then goes to quarantine as encoding_error).
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if _is_utf8(body):
        return Decoded(body, "utf-8-sig" if bom else "utf-8")
    lines = body.splitlines(keepends=True)
    primary = "utf-8" if bom else _vote(lines)
    if primary == "gb18030":
        try:
            return Decoded(body.decode("gb18030").encode("utf-8"), "gb18030")
        except UnicodeDecodeError:
            pass
    utf8, bad_lines, other_lines = decode_lines(lines, primary)
    return Decoded(utf8, encoding_name(primary, bom), bad_lines, other_lines)


def encoding_name(primary: str, bom: bool) -> str:
    return "utf-8-sig" if bom and primary == "utf-8" else primary


def decode_lines(lines: list[bytes], primary: str) -> tuple[bytes, int, int]:
    """Each line in ``primary``, else the other encoding, else marked (see
    :func:`decode_bytes`): the UTF-8 text, the lines marked and the lines in the other one."""
    other = "gb18030" if primary == "utf-8" else "utf-8"
    out: list[str] = []
    bad_lines = other_lines = 0
    for line in lines:
        try:
            out.append(line.decode(primary))
            continue
        except UnicodeDecodeError:
            pass
        try:
            out.append(line.decode(other))
            other_lines += 1
            continue
        except UnicodeDecodeError:
            pass
        out.append(line.decode(primary, errors="jingzhun_mark"))
        bad_lines += 1
    return "".join(out).encode("utf-8"), bad_lines, other_lines


# --- CSV -----------------------------------------------------------------------------------


def _parse_header(text: str, delimiter: str) -> list[str]:
    """Fields of the first record (the csv module handles quoted names)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise IngestError(f"cannot parse the header line: {exc}") from None


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name if name.strip() else f"_unnamed_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def csv_options(names: list[str], delimiter: str, bad: list[BadRecord], *,
                block_size: int) -> dict[str, Any]:
    """pyarrow CSV options: every column as text, the header line skipped, and records that
    cannot be split into fields appended to ``bad`` (their record number is pyarrow's
    row number minus the header's)."""
    import pyarrow.csv as pcsv

    def on_invalid(row: Any) -> str:
        text = row.text or ""
        reason = "encoding_error" if BAD_BYTE_MARK in text else "malformed_row"
        detail = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        bad.append(BadRecord(int(row.number) - 1, reason, text, detail))
        return "skip"

    return {
        "read_options": pcsv.ReadOptions(use_threads=False, column_names=names, skip_rows=1,
                                         block_size=block_size),
        "parse_options": pcsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid,
            ignore_empty_lines=True),
        "convert_options": pcsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False),
    }


def unparseable(path: Path, exc: Exception) -> IngestError:
    return IngestError(f"CSV cannot be parsed: {exc}", where=str(path),
                       fix="check the delimiter and quoting, or re-export the file")


def header_names(utf8_head: bytes, delimiter: str) -> list[str]:
    """Column names from the first record (the first 64 KiB of the UTF-8 text): trimmed,
    BOM dropped, blanks and repeats renamed; [] when there is no header."""
    head_text = utf8_head[: 1 << 16].decode("utf-8", errors="ignore")
    header = _parse_header(head_text.lstrip("\r\n"), delimiter)
    return _unique_names([h.strip().lstrip("\ufeff") for h in header]) if header else []


def decoding_notes(other_lines: int, encoding: str) -> list[str]:
    if not other_lines:
        return []
    other = "GB18030" if encoding.startswith("utf-8") else "UTF-8"
    return [(f"{other_lines} line(s) are not {encoding} and were read as {other}: "
             "check them for garbled text")]


def undecodable(path: Path) -> IngestError:
    return IngestError(
        "no line of the file decodes as UTF-8 or GB18030 (binary or damaged file)",
        where=str(path), fix="check that this is a CSV text file; export it again as UTF-8")


def read_csv(path: Path, data: bytes, *, delimiter: str = ",") -> RawTable:
    """Read CSV bytes as text columns (see module doc)."""
    import pyarrow.csv as pcsv

    if len(data) < 65536 and not data.strip(b"\r\n\t \xef\xbb\xbf"):
        return RawTable(pa.table({}), np.zeros(0, np.int64), [], "utf-8" if not data else None)
    dec = decode_bytes(data)
    utf8, encoding = dec.data, dec.encoding
    notes = decoding_notes(dec.other_lines, encoding)
    if dec.bad_lines and dec.bad_lines >= sum(1 for line in data.splitlines() if line.strip()):
        raise undecodable(path)
    # Header: first record (csv module handles quotes); pyarrow then skips it.
    names = header_names(utf8, delimiter)
    if not names:
        return RawTable(pa.table({}), np.zeros(0, np.int64), [], encoding)
    if b"\n" not in utf8 and b"\r" not in utf8:  # header only, no line end: nothing to read
        empty = pa.table({n: pa.array([], pa.string()) for n in names})
        return RawTable(empty, np.zeros(0, np.int64), [], encoding, header=names, notes=notes)
    bad: list[BadRecord] = []
    try:
        table = pcsv.read_csv(pa.BufferReader(utf8),
                              **csv_options(names, delimiter, bad, block_size=1 << 24))
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise unparseable(path, exc) from None
    if any(b.record < 1 for b in bad):  # pragma: no cover - defensive
        raise IngestError("CSV reader returned rows without record numbers", where=str(path))
    table = table.combine_chunks()
    total = table.num_rows + len(bad)
    taken = np.zeros(total + 1, dtype=bool)
    for b in bad:
        if b.record > total:  # pragma: no cover - defensive
            raise IngestError(f"record number {b.record} beyond {total} records", where=str(path))
        taken[b.record] = True
    records = np.flatnonzero(~taken[1:]) + 1
    return RawTable(table, records.astype(np.int64), sorted(bad, key=lambda b: b.record),
                    encoding, header=names, notes=notes)


# --- XLSX ----------------------------------------------------------------------------------


def _cell_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        if v.is_integer() and abs(v) < 1e20:
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, _dt.datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return v.date().isoformat()
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


def read_xlsx(path: Path, data: bytes, *, sheet: int | str = 0) -> RawTable:
    """Read one sheet with python-calamine; every cell becomes text (native dates → ISO)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:  # pragma: no cover
        raise IngestError("python-calamine is not installed", where=str(path),
                          fix="pip install python-calamine") from exc
    if len(data) == 0:
        return RawTable(pa.table({}), np.zeros(0, np.int64), [], None)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types
        raise IngestError(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})",
                          where=str(path),
                          fix="open it in Excel/WPS and save it again as .xlsx") from None
    names = list(wb.sheet_names)
    if (isinstance(sheet, str) and sheet not in names) or (
            isinstance(sheet, int) and not 0 <= sheet < len(names)):
        raise IngestError(f"sheet {sheet!r} not found; the workbook has sheets {names}",
                          where=str(path), fix="set files.sheet in the contract (index or name)")
    try:
        ws = wb.get_sheet_by_name(sheet) if isinstance(sheet, str) else wb.get_sheet_by_index(sheet)
        rows = ws.to_python(skip_empty_area=False)
    except Exception as exc:
        raise IngestError(f"cannot read sheet {sheet!r} ({type(exc).__name__}: {exc})",
                          where=str(path),
                          fix="open it in Excel/WPS and save it again as .xlsx") from None
    header_at = next((i for i, r in enumerate(rows) if any(_cell_text(c) for c in r)), None)
    if header_at is None:
        return RawTable(pa.table({}), np.zeros(0, np.int64), [], "xlsx")
    width = max(len(r) for r in rows)
    header = [(_cell_text(c) or "").strip() for c in rows[header_at]] + [""] * (
        width - len(rows[header_at])
    )
    names = _unique_names(header)
    cols: list[list[str | None]] = [[] for _ in names]
    records: list[int] = []
    for i in range(header_at + 1, len(rows)):
        texts = [_cell_text(c) for c in rows[i]]
        if not any(t is not None and t.strip() for t in texts):
            continue
        texts += [None] * (width - len(texts))
        for j, t in enumerate(texts):
            cols[j].append(t)
        records.append(i - header_at)
    # Drop unnamed columns that hold nothing (formatting artefacts at the sheet edge).
    keep = [j for j, n in enumerate(names)
            if not (n.startswith("_unnamed_") and all(v is None for v in cols[j]))]
    table = pa.table({names[j]: pa.array(cols[j], type=pa.string()) for j in keep})
    return RawTable(table, np.asarray(records, dtype=np.int64), [], "xlsx",
                    header=[names[j] for j in keep])


# --- Parquet -------------------------------------------------------------------------------


def _column_as_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    t = col.type
    if pa.types.is_string(t):
        return col
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col.cast(pa.string())
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            col = pc.local_timestamp(col)
        if t.unit != "s":
            col = pc.floor_temporal(col, unit="second").cast(pa.timestamp("s"))
        return col.cast(pa.timestamp("s")).cast(pa.string())
    if pa.types.is_date(t):
        return col.cast(pa.date32()).cast(pa.string())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        try:
            return col.cast(pa.string())
        except pa.ArrowInvalid:
            return pa.chunked_array([pa.array(
                [None if v is None else v.decode("utf-8", errors="jingzhun_mark")
                 for v in col.to_pylist()], type=pa.string())])
    if pa.types.is_dictionary(t):
        return _column_as_text(col.cast(t.value_type))
    try:
        return col.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        import json

        return pa.chunked_array([pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
             for v in col.to_pylist()], type=pa.string())])


def read_parquet(path: Path, data: bytes) -> RawTable:
    """Read parquet; every column cast to text (dates → ISO)."""
    import pyarrow.parquet as pq

    if len(data) == 0:
        return RawTable(pa.table({}), np.zeros(0, np.int64), [], None)
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for broken files
        raise IngestError(f"not a readable parquet file ({type(exc).__name__}: {exc})",
                          where=str(path), fix="export the file again as parquet") from None
    names = _unique_names([str(n) for n in table.column_names])
    cols = {name: _column_as_text(table.column(i)) for i, name in enumerate(names)}
    out = pa.table(cols).combine_chunks() if cols else pa.table({})
    return RawTable(out, np.arange(1, out.num_rows + 1, dtype=np.int64), [], "parquet",
                    header=names)


def read_raw(path: Path, data: bytes, fmt: str, *, delimiter: str = ",",
             sheet: int | str = 0) -> RawTable:
    """Dispatch on the contract's format."""
    if fmt == "csv":
        return read_csv(path, data, delimiter=delimiter)
    if fmt == "xlsx":
        return read_xlsx(path, data, sheet=sheet)
    if fmt == "parquet":
        return read_parquet(path, data)
    raise IngestError(f"unknown file format {fmt!r}", where=str(path),
                      fix="use csv, xlsx or parquet in the contract")
