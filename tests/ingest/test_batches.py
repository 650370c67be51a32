"""Large CSV files are validated in batches with the same result as read whole: record
numbers, duplicates across batches (and their messages), encodings, notes, summaries.
(Every test in test_csv.py also compares the two ways on its own file.)"""

from __future__ import annotations

import numpy as np
import pytest
from ingest_checks import check_lossless

from jingzhun.ingest import ingest_file
from jingzhun.ingest.batches import CsvBatches, record_numbers
from jingzhun.ingest.core import FileValidation
from jingzhun.ingest.duplicates import HashIndex

HEADER = "JLBH,GMSFHM,XM,XB,CSRQ,JE\n"


def _row(i: int) -> str:
    return f"{i},,张三{i},1,1980-01-01,{i}\n"


def _province_like_file() -> tuple[str, dict[int, tuple[str, str]]]:
    """300 records with defects placed far apart; returns the text and, per record, the
    expected reason and message fragment."""
    rows: list[str] = []
    expected: dict[int, tuple[str, str]] = {}
    for rec in range(1, 301):
        if rec in (150, 151):  # copies of record 10, two batches later
            line = _row(10)
            expected[rec] = ("duplicate_row", "exact copy of row 10")
        elif rec == 200:  # record 20's key, other content
            line = "20,,王五,2,1990-02-02,7\n"
            expected[rec] = ("duplicate_key", "same key (record_id) as row 20")
        elif rec == 201:  # record 10's key again: its first row is record 10
            line = "10,,赵六,2,1991-03-03,8\n"
            expected[rec] = ("duplicate_key", "same key (record_id) as row 10")
        elif rec == 100:
            line = "100,too,few\n"
            expected[rec] = ("malformed_row", "")
        elif rec == 250:
            line = '250,,"周\n七",1,1980-13-01,1\n'  # a quoted line break, a bad date
            expected[rec] = ("invalid_date:birth_date", "")
        else:
            line = _row(rec)
        rows.append(line)
        if rec == 120:
            rows.append("\n")  # a blank line is not a record
    return HEADER + "".join(rows), expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_batches_match_the_whole_file(tmp_path, contracts, encoding):
    text, expected = _province_like_file()
    path = tmp_path / "people" / "people_202401.csv"
    path.parent.mkdir()
    path.write_bytes(text.encode(encoding))
    rel = "people/people_202401.csv"
    validation = FileValidation(path, rel, contracts["people"], "2024-01", batch_bytes=2048)
    parts = list(validation)
    assert len(parts) >= 5  # really in batches
    whole = ingest_file(path, rel, contracts["people"], "2024-01")
    batched = ingest_file(path, rel, contracts["people"], "2024-01", batch_bytes=2048)
    assert batched.summary == whole.summary == validation.summary
    assert batched.accepted.equals(whole.accepted)
    assert batched.quarantine.equals(whole.quarantine)
    check_lossless(batched, 300)
    assert whole.summary["encoding"] == encoding
    got = {q["_row"]: q for q in batched.quarantine.to_pylist()}
    assert set(got) == set(expected)
    for rec, (reason, fragment) in expected.items():
        assert got[rec]["primary_reason"] == reason
        assert fragment in got[rec]["message"]


def test_damaged_lines_in_some_pieces(tmp_path, contracts):
    """A GB18030 file where one line holds bytes neither encoding reads and one is UTF-8
    (which GB18030 also reads, garbled, as when read whole): pieces decoded whole and pieces
    decoded line by line give the same text."""
    lines = [_row(i).encode("gb18030") for i in range(1, 201)]
    lines[49] = b"50,,\xff\xfe,1,1980-01-01,1\n"
    lines[149] = _row(150).encode("utf-8")
    data = HEADER.encode() + b"".join(lines)
    path = tmp_path / "people_202401.csv"
    path.write_bytes(data)
    rel = "people/people_202401.csv"
    whole = ingest_file(path, rel, contracts["people"], "2024-01")
    batched = ingest_file(path, rel, contracts["people"], "2024-01", batch_bytes=1024)
    assert batched.summary == whole.summary
    assert batched.quarantine.equals(whole.quarantine)
    assert batched.accepted.equals(whole.accepted)
    assert whole.summary["reasons"] == {"encoding_error": 1}
    assert whole.summary["notes"] == ["file is gb18030, contract declares utf-8"]


def test_batches_reader_reports_encoding_and_header(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(("\ufeff" + HEADER + "".join(_row(i) for i in range(1, 50))).encode())
    reader = CsvBatches(path, block_size=256, piece_bytes=128)
    batches = list(reader)
    assert len(batches) > 3
    assert reader.encoding == "utf-8-sig"
    assert reader.header == ["JLBH", "GMSFHM", "XM", "XB", "CSRQ", "JE"]
    records = np.concatenate([b.records for b in batches]).tolist()
    assert records == list(range(1, 50))


@pytest.mark.parametrize(
    ("before", "m", "bad", "expected"),
    [
        (0, 3, [], [1, 2, 3]),
        (0, 4, [2, 3], [1, 4, 5, 6]),
        (2, 2, [2, 3, 9], [5, 6]),  # later unreadable records do not matter
        (0, 2, [1], [2, 3]),
        (5, 0, [1], []),
    ],
)
def test_record_numbers(before, m, bad, expected):
    assert record_numbers(before, m, bad).tolist() == expected


def test_hash_index_finds_equal_first_halves():
    index = HashIndex()
    index.add(np.array([7, 3], np.uint64), np.array([1, 1], np.uint64), np.array([10, 11]))
    index.add(np.array([7], np.uint64), np.array([2], np.uint64), np.array([12]))
    found = index.find(np.array([7, 7, 7, 3, 4], np.uint64),
                       np.array([2, 1, 3, 1, 1], np.uint64))
    assert found.tolist() == [12, 10, -1, 11, -1]
