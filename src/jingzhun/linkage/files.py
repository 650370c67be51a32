"""Link and deduplicate arbitrary person files (``jingzhun link-files``; docs/linkage.md).

A department cleaning its own data has CSV (UTF-8 or GB18030), XLSX or Parquet files with its
own column names. A YAML *mapping* says which column holds which canonical field::

    columns:                    # for every file (a file entry below may override any key)
      name: 姓名
      id_number: 身份证号
      sex: 性别
      birth_date: 出生日期
      address: [乡镇, 村, 详细地址]   # address parts: joined in this order
      village_code: 村代码
      phone: 联系电话
    key: 编号                    # record key column (default: the record number)
    sex_codes: {男: male, 女: female}   # added to the default table (1/2, 男/女, M/F)
    files:
      低保名单.xlsx: {sheet: 0, columns: {name: XM, id_number: SFZH}, key: ZH}

Fields: ``name`` (required), ``id_number``, ``sex``, ``birth_date``, ``county_code``,
``township_code``, ``village_code``, ``address``, ``phone``. Values are normalised as ingestion
does (IDs: 15 → 18 digits, check character; dates in any format departments use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from jingzhun.errors import JingzhunError

FIELDS = ("name", "id_number", "sex", "birth_date", "county_code", "township_code",
          "village_code", "address", "phone")
DEFAULT_SEX_CODES = {"1": "male", "2": "female", "男": "male", "女": "female", "m": "male",
                     "f": "female", "M": "male", "F": "female", "male": "male",
                     "female": "female"}
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


class MappingError(JingzhunError):
    """A link-files mapping is malformed or does not fit a file."""


@dataclass
class FileMapping:
    columns: dict[str, str | list[str]]
    key: str | None = None
    sheet: int | str = 0
    delimiter: str = ","
    sex_codes: dict[str, str] = field(default_factory=dict)


def load_mapping(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise MappingError("the mapping must be a YAML mapping", where=str(path),
                           fix="see `jingzhun link-files --help` for an example")
    return data


def mapping_for(mapping: dict[str, Any], file: Path) -> FileMapping:
    """The mapping of one file: the top-level keys, overridden by ``files: {<name>: ...}``."""
    allowed = {"columns", "key", "sheet", "delimiter", "sex_codes", "files"}
    unknown = set(mapping) - allowed
    if unknown:
        raise MappingError(f"unknown mapping keys {sorted(unknown)}", where="mapping",
                           fix=f"use {sorted(allowed)}")
    per_file = (mapping.get("files") or {}).get(file.name, {}) or {}
    columns = {**(mapping.get("columns") or {}), **(per_file.get("columns") or {})}
    bad = set(columns) - set(FIELDS)
    if bad:
        raise MappingError(f"unknown field(s) {sorted(bad)} in columns", where=file.name,
                           fix=f"map columns to {', '.join(FIELDS)}")
    if "name" not in columns:
        raise MappingError("no column mapped to 'name'", where=file.name,
                           fix="add `columns: {name: <the name column>}`")
    merged = {k: per_file.get(k, mapping.get(k)) for k in ("key", "sheet", "delimiter")}
    codes = {**DEFAULT_SEX_CODES, **{str(k): v for k, v in (mapping.get("sex_codes") or {}).items()},
             **{str(k): v for k, v in (per_file.get("sex_codes") or {}).items()}}
    return FileMapping(columns, merged["key"], merged["sheet"] if merged["sheet"] is not None else 0,
                       merged["delimiter"] or ",", codes)


def read_person_file(path: Path, fm: FileMapping) -> pd.DataFrame:
    """Canonical person records of one file: ``record_key`` plus :data:`FIELDS`."""
    from jingzhun.ingest.readers import read_raw
    from jingzhun.normalise import map_codes, normalise_ids, normalise_names, normalise_strings, parse_dates

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise MappingError(f"unsupported file type {path.suffix!r}", where=str(path),
                           fix="use CSV (UTF-8 or GB18030), XLSX or Parquet")
    raw = read_raw(path, path.read_bytes(), fmt, delimiter=fm.delimiter, sheet=fm.sheet)
    table = raw.table
    n = table.num_rows

    def col(name: str) -> pa.Array:
        if name not in table.column_names:
            raise MappingError(f"column {name!r} not in the file", where=str(path),
                               fix=f"the file's columns are {table.column_names}")
        return table[name].combine_chunks()

    out: dict[str, Any] = {}
    keys = col(fm.key).to_pylist() if fm.key else raw.records.tolist()
    out["record_key"] = [str(k) for k in keys]
    for f in FIELDS:
        src = fm.columns.get(f)
        if src is None:
            out[f] = pa.nulls(n, pa.string())
            continue
        if isinstance(src, list):
            parts = [pc.fill_null(normalise_strings(col(c)), "") for c in src]
            joined = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
            out[f] = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)
            continue
        values = col(src)
        if f == "name":
            out[f] = normalise_names(values)
        elif f == "id_number":
            ids = normalise_ids(values)
            out[f] = ids.ids
            out["id_number_raw"] = ids.cleaned
        elif f == "sex":
            out[f] = map_codes(values, fm.sex_codes).values
        elif f == "birth_date":
            out[f] = parse_dates(values, excel_serial=fmt == "xlsx").dates
        else:
            out[f] = normalise_strings(values)
    frame = pd.DataFrame({k: (v.to_pandas() if isinstance(v, pa.Array) else v) for k, v in out.items()})
    if len(raw.bad):
        frame.attrs["bad_records"] = [b.record for b in raw.bad]
    return frame


def link_files(paths: list[Path], mapping: dict[str, Any], *, threshold: float = 0.9,
               train: bool | None = None) -> pd.DataFrame:
    """Link the records of ``paths``; one output row per input record: ``source_file``,
    ``record_key``, ``cluster_id`` (``C`` + 6+ digits, numbered by first appearance),
    ``match_probability`` (to the cluster: best accepted link, 1.0 for an exact ID join,
    empty when alone) and ``match_basis``."""
    from jingzhun.linkage.link import link_records

    frames = []
    for i, path in enumerate(paths):
        frame = read_person_file(Path(path), mapping_for(mapping, Path(path)))
        frame.insert(0, "source_file", Path(path).name if len({Path(p).name for p in paths}) == len(paths)
                     else str(path))
        frame.insert(0, "record_id", [f"{i:04d}:{j:09d}" for j in range(len(frame))])
        frames.append(frame)
    records = pd.concat(frames, ignore_index=True)
    if records.empty:
        return pd.DataFrame(columns=["source_file", "record_key", "cluster_id",
                                     "match_probability", "match_basis"])
    result = link_records(records, threshold=threshold, train=train)
    clusters = result.clusters.set_index("record_id").reindex(records["record_id"])
    first = pd.Series(np.arange(len(records)), index=records["record_id"])
    order = clusters["cluster_id"].map(first).to_numpy()
    number = pd.Series(order).rank(method="dense").astype(int).to_numpy()
    width = max(6, len(str(number.max())))
    return pd.DataFrame({
        "source_file": records["source_file"].to_numpy(),
        "record_key": records["record_key"].to_numpy(),
        "cluster_id": [f"C{k:0{width}d}" for k in number],
        "match_probability": clusters["match_probability"].to_numpy(float).round(6),
        "match_basis": clusters["match_basis"].to_numpy(),
    })
