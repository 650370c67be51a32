"""The prepare step: derived columns that make every comparison plain, portable SQL.

Splink's comparisons are SQL run by the engine (DuckDB now, Spark later). Pinyin, OpenCC and
the shape table are Python, so they run here, once per distinct value, before Splink sees the
data. The output has one row per input record and these columns:

================  =========================================================================
``name``          cleaned name (spaces, dots, punctuation removed; full-width folded)
``name_fold``     simplified (OpenCC t2s) and shape-folded (形近字) name
``name_pinyin``   tone-less pinyin, surname readings for polyphonic surnames
``name_pinyin_fuzzy``  the pinyin with n/l, zh/z, ch/c, sh/s, -ng/-n merged
``surname_*``,    the same keys for the surname and the given name (TF tables, blocking)
``given_*``
``id_key``        valid ID, else the raw value if shaped like an ID (15 → 18 characters)
``id_anchor``     valid ID (check character and date) whose implied sex and birth date agree
                  with the record (else null)
``id_conflict``   True when the valid ID's implied sex or birth date contradicts the record
``sex``           the record's sex, else the one its valid ID implies
``dob``           birth date 'YYYY-MM-DD' (the record's, else the one its valid ID implies,
                  else the one encoded in an ID-shaped invalid value)
``dob_y/m/d``     its year, month and day as integers
``county``,       administrative codes, coarser ones completed from finer ones
``township``,
``village``
``address_key``   normalised address text (short names of autonomous divisions, 三组 → 3组)
``phone``         the phone number's digits (a leading 86 country code dropped), if 7–12 long
================  =========================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.errors import JingzhunError
from jingzhun.linkage._arrays import as_array
from jingzhun.linkage.address import address_keys, complete_codes
from jingzhun.linkage.birthdate import _as_date_array
from jingzhun.linkage.chinese import name_keys_table
from jingzhun.linkage.idnumber import id_agreement, linkage_id_keys
from jingzhun.normalise.idcard import birth_dates_from_ids, normalise_ids, sex_from_ids

#: Canonical input fields; only the unique id and ``name`` are required.
INPUT_FIELDS = (
    "id_number", "id_number_raw", "name", "sex", "birth_date",
    "county_code", "township_code", "village_code", "address", "phone",
)

PREPARED_COLUMNS = (
    "name", "name_fold", "name_pinyin", "name_pinyin_fuzzy", "surname_fold", "given_fold",
    "surname_pinyin", "given_pinyin", "id_key", "id_anchor", "id_conflict", "sex", "dob",
    "dob_y", "dob_m", "dob_d",
    "county", "township", "village", "address_key", "phone",
)


class LinkageInputError(JingzhunError):
    """The table given to linkage lacks a required column or has duplicate record ids."""


def _column(
    frame: pd.DataFrame, name: str, n: int, type_: pa.DataType | None = None
) -> pa.Array:
    type_ = type_ or pa.string()
    if name not in frame.columns:
        return pa.nulls(n, type_)
    if type_ == pa.date32():
        return _as_date_array(frame[name])
    return as_array(frame[name], type_)


def _address_keys(values: pa.Array, lookups: KeyLookups | None) -> pa.Array:
    return address_keys(values) if lookups is None else lookups.addresses(values)


def phone_keys(values: pa.Array) -> pa.Array:
    """Digits of a phone number, without a leading 86 country code; null unless 7–12 digits.

    >>> phone_keys(pa.array(["+86 138-0013-8000", "0851-8552 1234", "12", None])).to_pylist()
    ['13800138000', '085185521234', None, None]
    """
    digits = pc.replace_substring_regex(values.cast(pa.string()), pattern=r"[^0-9]", replacement="")
    digits = pc.if_else(
        pc.and_(pc.equal(pc.utf8_length(digits), 13), pc.starts_with(digits, "86")),
        pc.utf8_slice_codeunits(digits, 2), digits)
    length = pc.utf8_length(digits)
    ok = pc.and_(pc.greater_equal(length, 7), pc.less_equal(length, 12))
    return pc.if_else(ok, digits, pa.scalar(None, pa.string()))


class KeyLookups:
    """The Python-derived keys (name keys, address key) of every distinct value, computed
    once, so that batches of one large table never recompute them."""

    #: From this many distinct values on, names and addresses are done in two processes.
    PARALLEL_FROM = 50_000

    def __init__(self, names: pa.Array | pa.ChunkedArray,
                 addresses: pa.Array | pa.ChunkedArray) -> None:
        self.name_values = pc.unique(names.drop_null())
        self.address_values = pc.unique(addresses.drop_null())
        if len(self.name_values) + len(self.address_values) < self.PARALLEL_FROM:
            self.name_keys = name_keys_table(self.name_values)
            self.address_keys = address_keys(self.address_values)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # The two derivations are independent Python loops: one process each (fork: the
        # pinyin and OpenCC tables are inherited, not rebuilt).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            names_job = pool.submit(name_keys_table, self.name_values)
            address_job = pool.submit(address_keys, self.address_values)
            self.name_keys = names_job.result()
            self.address_keys = address_job.result()

    def names(self, values: pa.Array) -> pa.Table:
        return self.name_keys.take(self._positions("_name_index", self.name_values, values))

    def addresses(self, values: pa.Array) -> pa.Array:
        return self.address_keys.take(
            self._positions("_address_index", self.address_values, values))

    def _positions(self, attr: str, distinct: pa.Array, values: pa.Array) -> pa.Array:
        """Where each value is among the distinct ones (null when null). A pandas Index
        keeps its hash table between calls; ``pc.index_in`` rebuilt it for every batch,
        which at scale 1.0 (10 million distinct addresses, 314 batches) cost ~4 s a batch."""
        index = getattr(self, attr, None)
        if index is None:
            index = pd.Index(distinct.to_numpy(zero_copy_only=False))
            setattr(self, attr, index)
        at = index.get_indexer(values.to_numpy(zero_copy_only=False))
        return pa.array(at, mask=at < 0)


def prepare_records(
    table: pd.DataFrame | pa.Table, *, unique_id: str = "record_id",
    keep: tuple[str, ...] = (), lookups: KeyLookups | None = None,
) -> pd.DataFrame:
    """Derived linkage columns for canonical person records (see the module doc).

    ``keep`` names extra input columns to carry through (e.g. a source name). ``lookups``:
    name and address keys computed beforehand for every distinct value (:class:`KeyLookups`).

    >>> import datetime as dt
    >>> p = prepare_records(pd.DataFrame({"record_id": ["a"], "name": ["張偉"],
    ...     "id_number": [None], "id_number_raw": ["110105491231002"], "sex": [None],
    ...     "birth_date": [None], "village_code": ["520526104201"]}))
    >>> p.loc[0, ["name_fold", "name_pinyin", "id_key", "sex", "dob", "county"]].tolist()
    ['张伟', 'zhang wei', '11010519491231002X', 'female', '1949-12-31', '520526']
    """
    frame = table.to_pandas() if isinstance(table, pa.Table) else table
    if unique_id not in frame.columns or "name" not in frame.columns:
        missing = [c for c in (unique_id, "name") if c not in frame.columns]
        raise LinkageInputError(
            f"linkage input lacks column(s) {missing}", where=f"columns {list(frame.columns)}",
            fix="pass canonical person records (see jingzhun.linkage.prepare.INPUT_FIELDS)",
        )
    if frame[unique_id].duplicated().any():
        dup = frame.loc[frame[unique_id].duplicated(), unique_id].iloc[0]
        raise LinkageInputError(
            f"record id {dup!r} occurs more than once", where=f"column {unique_id!r}",
            fix="give every record a unique id (e.g. '<source>:<row>')",
        )
    n = len(frame)
    name_col = _column(frame, "name", n)
    names = name_keys_table(name_col) if lookups is None else lookups.names(name_col)

    id_key = linkage_id_keys(
        _column(frame, "id_number", n),
        _column(frame, "id_number_raw", n) if "id_number_raw" in frame.columns else None,
    )
    valid_id = normalise_ids(id_key).ids  # keys that pass the check character and date
    rec_sex = _column(frame, "sex", n)
    rec_dob = _column(frame, "birth_date", n, pa.date32())
    agreement = id_agreement(valid_id, rec_sex, rec_dob)
    anchor = pc.if_else(agreement.conflicting, pa.scalar(None, pa.string()), valid_id)
    sex = pc.coalesce(rec_sex, sex_from_ids(valid_id))
    # No birth date on the record: the valid ID's, else the one an ID-shaped but invalid value
    # encodes (a one-digit error mostly leaves the date intact; if not, the date comparison's
    # one-mistyped-character level still applies). Sex is not taken from invalid values.
    dob = pc.coalesce(rec_dob, birth_dates_from_ids(valid_id), birth_dates_from_ids(id_key))

    codes = complete_codes(
        _column(frame, "county_code", n), _column(frame, "township_code", n),
        _column(frame, "village_code", n),
    )
    out: dict[str, Any] = {unique_id: frame[unique_id].to_numpy()}
    renamed = {"fold": "name_fold", "pinyin": "name_pinyin", "pinyin_fuzzy": "name_pinyin_fuzzy"}
    for field in names.column_names:
        out[renamed.get(field, field)] = names[field].to_numpy(zero_copy_only=False)
    dob_valid = np.asarray(pc.is_valid(dob).to_numpy(zero_copy_only=False), dtype=bool)
    out.update(
        id_key=id_key.to_numpy(zero_copy_only=False),
        id_anchor=anchor.to_numpy(zero_copy_only=False),
        id_conflict=agreement.conflicting.to_numpy(zero_copy_only=False),
        sex=sex.to_numpy(zero_copy_only=False),
        dob=pc.strftime(dob, format="%Y-%m-%d").to_numpy(zero_copy_only=False),
        dob_y=pd.array(pc.year(dob).to_numpy(zero_copy_only=False), dtype="Int32"),
        dob_m=pd.array(pc.month(dob).to_numpy(zero_copy_only=False), dtype="Int32"),
        dob_d=pd.array(pc.day(dob).to_numpy(zero_copy_only=False), dtype="Int32"),
        county=codes.county.to_numpy(zero_copy_only=False),
        township=codes.township.to_numpy(zero_copy_only=False),
        village=codes.village.to_numpy(zero_copy_only=False),
        address_key=_address_keys(_column(frame, "address", n), lookups).to_numpy(
            zero_copy_only=False),
        phone=phone_keys(_column(frame, "phone", n)).to_numpy(zero_copy_only=False),
    )
    prepared = pd.DataFrame(out)
    for col in ("dob_y", "dob_m", "dob_d"):
        prepared.loc[~dob_valid, col] = pd.NA
    for col in keep:
        prepared[col] = frame[col].to_numpy()
    return prepared


def prepared_schema(unique_id: str) -> pa.Schema:
    """Column types of :func:`prepare_records`' output, fixed so batches always agree."""
    ints = {"dob_y", "dob_m", "dob_d"}
    fields = [pa.field(unique_id, pa.string())]
    for col in PREPARED_COLUMNS:
        type_ = pa.int32() if col in ints else pa.bool_() if col == "id_conflict" else pa.string()
        fields.append(pa.field(col, type_))
    return pa.schema(fields)


def prepare_file(source: Any, target: Any, *, unique_id: str = "record_id",
                 batch_rows: int = 250_000) -> int:
    """:func:`prepare_records` from one Parquet file to another, a batch at a time, so memory
    stays bounded by the batch, not the table. Returns the number of records.

    The unique id column is read as text. The Python keys (pinyin, OpenCC, shapes, addresses)
    are derived once per distinct value of the whole file (:class:`KeyLookups`)."""
    import pyarrow.parquet as pq

    schema = prepared_schema(unique_id)
    source_file = pq.ParquetFile(source)
    wanted = [c for c in (unique_id, *INPUT_FIELDS) if c in source_file.schema_arrow.names]
    text = pq.read_table(source, columns=[c for c in ("name", "address") if c in wanted])
    lookups = KeyLookups(_text_column(text, "name"), _text_column(text, "address"))
    del text
    rows = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in source_file.iter_batches(batch_size=batch_rows, columns=wanted):
            frame = batch.to_pandas()
            frame[unique_id] = frame[unique_id].astype(str)
            prepared = prepare_records(frame, unique_id=unique_id, lookups=lookups)
            table = pa.Table.from_pandas(prepared[list(schema.names)], preserve_index=False)
            writer.write_table(table.cast(schema))
            rows += len(prepared)
    return rows


def _text_column(table: pa.Table, name: str) -> pa.ChunkedArray:
    """The column as text, left in chunks: at scale 1.0 the addresses of 78M profiles are
    more than the 2 GiB one string array can hold (only their distinct values are combined)."""
    if name not in table.column_names:
        return pa.chunked_array([], pa.string())
    return table[name].cast(pa.string())
