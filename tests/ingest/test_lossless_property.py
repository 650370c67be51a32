"""Property: whatever the rows hold (delimiters, quotes, line breaks, wrong field counts),
every record is accounted for, in order, with its original values."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhun.ingest import ingest_file

HEADER = ["JLBH", "GMSFHM", "XM", "XB", "CSRQ", "JE"]
text = st.text(alphabet=st.sampled_from(list('ab中文 ,"\n\r1-.x')), max_size=8)
good_row = st.lists(text, min_size=6, max_size=6)
bad_row = st.lists(text, min_size=1, max_size=9).filter(lambda r: len(r) != 6)
rows = st.lists(st.one_of(good_row, good_row, bad_row), min_size=0, max_size=25)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_every_record_is_accounted_for(tmp_path, contracts, records):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # so that values with \r are quoted too
    w.writerow(HEADER)
    for r in records:
        w.writerow(r)
    data = buf.getvalue().encode("utf-8")
    path = tmp_path / "people_202401.csv"
    path.write_bytes(data)
    res = ingest_file(path, "people/people_202401.csv", contracts["people"], "2024-01")
    # read in batches of a few records (as a province's large extracts are): the same
    # (1024 bytes: the longest record fits in one of pyarrow's blocks)
    in_batches = ingest_file(path, "people/people_202401.csv", contracts["people"], "2024-01",
                             batch_bytes=1024)
    assert in_batches.summary == res.summary
    assert in_batches.accepted.equals(res.accepted)
    assert in_batches.quarantine.equals(res.quarantine)
    s = res.summary
    assert s["rows_in"] == len(records) == s["accepted"] + s["quarantined"]
    rows_seen = sorted(res.accepted.column("_row").to_pylist()
                       + res.quarantine.column("_row").to_pylist())
    assert rows_seen == list(range(1, len(records) + 1))
    for q in res.quarantine.to_pylist():
        original = records[q["_row"] - 1]
        if q["primary_reason"] == "malformed_row":
            assert len(original) != 6
            assert next(csv.reader(io.StringIO(q["raw"]))) == original
        else:
            assert json.loads(q["raw"]) == dict(zip(HEADER, original, strict=True))
    for a in res.accepted.to_pylist():
        assert len(records[a["_row"] - 1]) == 6
