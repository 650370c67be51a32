"""Byte-reproducible writers for CSV (UTF-8 / GB18030), XLSX and Parquet.

- CSV: lines are assembled with pyarrow string kernels and written from the array's data
  buffer; values never contain the delimiter, quotes or new lines (except planted malformed
  rows), so no quoting is needed. GB18030 files are re-encoded in chunks.
- XLSX: a minimal Office Open XML package (inline strings, numbers for money/decimal/integer
  columns) generated column-wise and zipped with a fixed timestamp, so the same data always
  gives the same bytes (no creation time, no xlsxwriter per-cell loop).
- Parquet: pyarrow with a fixed row order, no pandas metadata, fixed compression.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CHUNK = 400_000
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
NUMERIC = {"money", "decimal", "integer"}


def _filled(a: pa.Array) -> pa.Array:
    a = a.cast(pa.string()) if a.type != pa.string() else a
    return pc.fill_null(a, "")


def _buffer_bytes(arr: pa.Array) -> bytes:
    """Concatenated UTF-8 bytes of a string array without nulls."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if arr.type == pa.string():
        arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    if data is None:
        return b""
    return data.to_pybytes()[offsets[0]: offsets[-1]]


def write_csv(path: Path, header: list[str], cols: list[pa.Array], encoding: str,
              delimiter: str = ",", append: bool = False) -> int:
    """Write a CSV (or append rows to it)."""
    n = len(cols[0]) if cols else 0
    with open(path, "ab" if append else "wb") as fh:
        if not append:
            fh.write((delimiter.join(header) + "\n").encode(encoding))
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            parts = [_filled(c.slice(lo, hi - lo)) for c in cols]
            line = pc.binary_join_element_wise(*parts, delimiter)
            line = pc.binary_join_element_wise(line, "\n", "")
            data = _buffer_bytes(line)
            if encoding.lower().replace("-", "") != "utf8":
                data = data.decode("utf-8").encode(encoding)
            fh.write(data)
    return n


def write_parquet(path: Path, names: list[str], cols: list[pa.Array]) -> int:
    table = pa.table(dict(zip(names, cols)))
    pq.write_table(table, path, compression="zstd", compression_level=1, row_group_size=500_000,
                   use_dictionary=True, write_statistics=False, store_schema=False)
    return table.num_rows


def _col_letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        s, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


def _xml_escape(a: pa.Array) -> pa.Array:
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        a = pc.replace_substring(a, old, new)
    return a


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OOX = "http://schemas.openxmlformats.org"
_REL_T = f"{_OOX}/officeDocument/2006/relationships"
_CT_PFX = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CT = (_XML + f'<Types xmlns="{_OOX}/package/2006/content-types">'
       '<Default Extension="rels" '
       'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       f'<Override PartName="/xl/workbook.xml" ContentType="{_CT_PFX}.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       f'ContentType="{_CT_PFX}.worksheet+xml"/>'
       f'<Override PartName="/xl/styles.xml" ContentType="{_CT_PFX}.styles+xml"/>'
       '</Types>')
_RELS = (_XML + f'<Relationships xmlns="{_OOX}/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{_REL_T}/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = (_XML + f'<Relationships xmlns="{_OOX}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL_T}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL_T}/styles" Target="styles.xml"/>'
            '</Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
           '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
           '<borders count="1"><border/></borders>'
           '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs>'
           '</styleSheet>')


def write_xlsx(path: Path, header: list[str], cols: list[pa.Array], kinds: list[str],
               sheet_name: str = "Sheet1") -> int:
    """Minimal XLSX: first row headers, then one row per record; ``kinds[i]`` = contract type
    (money/decimal/integer columns become numeric cells when the value is a number)."""
    n = len(cols[0]) if cols else 0
    letters = _col_letters(len(cols))
    head_cells = "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{h}</t></is></c>'
                         for letter, h in zip(letters, header))
    pieces: list[bytes] = [(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{head_cells}</row>').encode()]
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        rown = pc.cast(pa.array(np.arange(lo + 2, hi + 2)), pa.string())
        cells = []
        for letter, c, kind in zip(letters, cols, kinds):
            v = c.slice(lo, hi - lo)
            v = v.cast(pa.string()) if v.type != pa.string() else v
            empty = pc.or_kleene(pc.is_null(v), pc.equal(pc.fill_null(v, ""), ""))
            v = _xml_escape(pc.fill_null(v, ""))
            ref = pc.binary_join_element_wise(letter, rown, "")
            padded = pc.or_(pc.starts_with(v, " "), pc.ends_with(v, " "))
            txt = pc.binary_join_element_wise(
                '<c r="', ref, pc.if_else(padded, '" t="inlineStr"><is><t xml:space="preserve">',
                                          '" t="inlineStr"><is><t>'), v, "</t></is></c>", "")
            if kind in NUMERIC:
                isnum = pc.match_substring_regex(v, r"^-?\d+(\.\d+)?$")
                num = pc.binary_join_element_wise('<c r="', ref, '"><v>', v, "</v></c>", "")
                txt = pc.if_else(isnum, num, txt)
            cells.append(pc.if_else(empty, "", txt))
        row = pc.binary_join_element_wise('<row r="', rown, '">', *cells, "</row>", "")
        pieces.append(_buffer_bytes(row))
    pieces.append(b"</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in (("[Content_Types].xml", _CT.encode()), ("_rels/.rels", _RELS.encode()),
                           ("xl/workbook.xml", _WB.format(name=sheet_name).encode()),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS.encode()),
                           ("xl/styles.xml", _STYLES.encode()),
                           ("xl/worksheets/sheet1.xml", b"".join(pieces))):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return n


def write_table(path: Path, contract: dict[str, Any], cols: dict[str, pa.Array],
                append: bool = False) -> int:
    """Write ``cols`` (canonical field → array) in the contract's format and column order;
    ``append`` adds the rows of a further part (CSV only)."""
    spec = contract["files"]
    ccols = contract["columns"]
    header = [c["source"] for c in ccols]
    arrays = [cols[c["field"]] for c in ccols]
    fmt = spec["format"]
    if fmt == "csv":
        return write_csv(path, header, arrays, spec.get("encoding", "utf-8"),
                         spec.get("delimiter", ","), append)
    if append:
        raise ValueError(f"{fmt} files cannot be written in parts")
    if fmt == "xlsx":
        return write_xlsx(path, header, arrays, [c["type"] for c in ccols])
    if fmt == "parquet":
        typed = []
        for c, a in zip(ccols, arrays):
            if c["type"] in ("money", "decimal"):
                a = pc.cast(a, pa.float64()) if a.type == pa.string() else a
            elif c["type"] == "integer":
                a = pc.cast(a, pa.int64()) if a.type == pa.string() else a
            typed.append(a)
        return write_parquet(path, header, typed)
    raise ValueError(f"unknown format {fmt}")
