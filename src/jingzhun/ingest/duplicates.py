"""Repeated rows in a department file: exact copies (``duplicate_row``) and repeated
``unique`` keys (``duplicate_key``), the first occurrence kept.

Within a batch the test is exact (:func:`jingzhun.contracts.schema.duplicate_rows`). A file
validated in batches (:mod:`jingzhun.ingest.batches`) also compares each batch with the
earlier ones through :class:`SeenRows`: a 128-bit hash (MD5 of the row's values as JSON,
computed by DuckDB) of every row and key kept so far, with the record number of its first
row. Two different rows share a hash with a chance of about 2⁻¹²⁸ per pair — below 10⁻²³
for a 38-million-row file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.contracts.model import Contract
from jingzhun.contracts.schema import duplicate_rows


def row_hashes(frame: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Two 64-bit halves of the MD5 of each row's values written as JSON (NULL and "" and
    every type stay distinct)."""
    import duckdb

    cols = ", ".join('"' + c.replace('"', '""') + '"' for c in frame.column_names)
    con = duckdb.connect()
    try:
        con.register("rows_", frame)
        out = con.sql(
            "SELECT (h >> 64)::UBIGINT AS h1, (h & 18446744073709551615::UHUGEINT)::UBIGINT AS h2 "
            f"FROM (SELECT md5_number(to_json(struct_pack({cols}))) AS h FROM rows_)"
        ).to_arrow_table()
    finally:
        con.close()
    return (out.column("h1").to_numpy().astype(np.uint64),
            out.column("h2").to_numpy().astype(np.uint64))


@dataclass
class HashIndex:
    """Sorted 128-bit hashes (as two uint64 halves) with the record number of each."""

    h1: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    h2: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    record: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def find(self, q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
        """The record number of each query's hash, or -1."""
        out = np.full(len(q1), -1, dtype=np.int64)
        if not len(self.h1) or not len(q1):
            return out
        lo = np.searchsorted(self.h1, q1, side="left")
        hi = np.searchsorted(self.h1, q1, side="right")
        single = (hi - lo) == 1
        at = lo[single]
        same = self.h2[at] == q2[single]
        out[np.flatnonzero(single)[same]] = self.record[at[same]]
        for i in np.flatnonzero((hi - lo) > 1).tolist():  # equal first halves: rare
            for j in range(lo[i], hi[i]):
                if self.h2[j] == q2[i]:
                    out[i] = self.record[j]
                    break
        return out

    def add(self, q1: np.ndarray, q2: np.ndarray, record: np.ndarray) -> None:
        if not len(q1):
            return
        order = np.argsort(q1, kind="stable")
        q1, q2, record = q1[order], q2[order], record[order]
        at = np.searchsorted(self.h1, q1, side="right")
        self.h1 = np.insert(self.h1, at, q1)
        self.h2 = np.insert(self.h2, at, q2)
        self.record = np.insert(self.record, at, record)


@dataclass
class SeenRows:
    """The rows and keys kept in the earlier batches of one file."""

    rows: HashIndex = field(default_factory=HashIndex)
    keys: HashIndex = field(default_factory=HashIndex)


def _across(index: HashIndex, table: pa.Table, local_dup: np.ndarray, local_first: np.ndarray,
            records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Extend an exact in-batch duplicate test to the earlier batches: rows whose values
    were kept earlier become duplicates of that record; then the rows kept now are added.
    Returns (duplicate, first record number or -1), per row of ``table``."""
    h1, h2 = row_hashes(table)
    found = np.full(len(local_dup), -1, dtype=np.int64)
    kept = ~local_dup
    found[kept] = index.find(h1[kept], h2[kept])
    first_rec = np.where(local_dup, records[np.maximum(local_first, 0)], -1)
    earlier = found >= 0
    first_rec[earlier] = found[earlier]
    # a copy of a row that repeats an earlier batch's row points at that batch's row
    redirect = local_dup & earlier[np.maximum(local_first, 0)]
    first_rec[redirect] = found[local_first[redirect]]
    new = kept & ~earlier
    index.add(h1[new], h2[new], records[new])
    return local_dup | earlier, first_rec


def find_duplicates(
    contract: Contract, compare: dict[str, pa.Array], extra_json: pa.Array | None,
    valid: np.ndarray, records: np.ndarray, seen: SeenRows | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Among the ``valid`` rows: exact copies of an earlier row (``duplicate_row``) and, among
    the rest, rows repeating an earlier row's ``unique`` key (``duplicate_key``; rows with an
    empty key part are not compared). Also returns, per duplicate row's position, the record
    number of the first row. ``seen``: the earlier batches of the file (updated)."""
    n = len(valid)
    dup_row = np.zeros(n, dtype=bool)
    dup_key = np.zeros(n, dtype=bool)
    first_of: dict[int, int] = {}
    good_pos = np.flatnonzero(valid)
    if len(good_pos) < (1 if seen is not None else 2):
        return dup_row, dup_key, first_of
    comp = dict(compare)
    if extra_json is not None:
        comp["_extra"] = extra_json
    comp_tbl = pa.table(comp)
    if len(good_pos) < n:
        comp_tbl = comp_tbl.take(pa.array(good_pos))
    cframe = comp_tbl.to_pandas(types_mapper=pd.ArrowDtype)
    cframe.index = pd.RangeIndex(len(good_pos))
    good_rec = records[good_pos]
    # The duplicate test narrows on the first column: put a selective one first.
    lead = [f for f in [*contract.unique, *contract.id_fields] if f in comp]
    all_cols = list(dict.fromkeys([*lead, *comp]))
    d, d_first = duplicate_rows(cframe, all_cols)
    first_rec = np.where(d, good_rec[np.maximum(d_first, 0)], -1)
    if seen is not None:
        d, first_rec = _across(seen.rows, comp_tbl.select(all_cols), d, d_first, good_rec)
    if d.any():
        first_of.update(zip(good_pos[d].tolist(), first_rec[d].tolist(), strict=True))
        dup_row[good_pos[d]] = True
    if contract.unique:
        key_cols = list(contract.unique)
        keyed = ~d & cframe[key_cols].notna().all(axis=1).to_numpy()
        kpos = good_pos[keyed]
        krec = good_rec[keyed]
        kframe = cframe.loc[keyed, key_cols].reset_index(drop=True)
        dk, dk_first = duplicate_rows(kframe, key_cols)
        kfirst_rec = np.where(dk, krec[np.maximum(dk_first, 0)], -1)
        if seen is not None and len(kpos):
            ktbl = comp_tbl.select(key_cols).take(pa.array(np.flatnonzero(keyed)))
            dk, kfirst_rec = _across(seen.keys, ktbl, dk, dk_first, krec)
        if dk.any():
            first_of.update(zip(kpos[dk].tolist(), kfirst_rec[dk].tolist(), strict=True))
            dup_key[kpos[dk]] = True
    return dup_row, dup_key, first_of
