"""CSV ingestion: nothing is lost, every defect is quarantined with a useful message."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pytest
from ingest_checks import check_lossless, raw_values

from jingzhun.errors import IngestError
from jingzhun.ingest import ingest_file, ingest_files

HEADER = "JLBH,GMSFHM,XM,XB,CSRQ,JE\n"
ID_F = "11010519491231002X"  # female, born 1949-12-31
ID_15 = "110105491231002"


def _write(tmp_path: Path, rel: str, data: bytes) -> Path:
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


# Every test here also reads its file in batches of about this many bytes (as a province's
# multi-gigabyte extracts are read) and checks that the result is the same.
SMALL_BATCH = 48


def _ingest(tmp_path, contracts, data: bytes, rel="people/people_202401.csv",
            dept="people", period="2024-01"):
    path = _write(tmp_path, rel, data)
    try:
        whole = ingest_file(path, rel, contracts[dept], period)
    except IngestError as exc:
        with pytest.raises(IngestError) as in_batches:
            ingest_file(path, rel, contracts[dept], period, batch_bytes=SMALL_BATCH)
        assert str(in_batches.value) == str(exc)
        raise
    batched = ingest_file(path, rel, contracts[dept], period, batch_bytes=SMALL_BATCH)
    assert batched.summary == whole.summary
    assert batched.accepted.equals(whole.accepted)
    assert batched.quarantine.equals(whole.quarantine), (
        batched.quarantine.to_pylist(), whole.quarantine.to_pylist())
    return whole


def test_clean_file_quoted_commas_newlines_and_bom(tmp_path, contracts):
    text = (HEADER
            + f'1,{ID_F},"张,三",2,1949-12-31,"1,234.50"\n'
            + f'2,{ID_15},"李\n四",2,1949/12/31,12\n'
            + '\n'  # blank lines are not records
            + '3,,王五,1,1980年1月2日,"¥0.5"\n')
    r = _ingest(tmp_path, contracts, b"\xef\xbb\xbf" + text.encode())
    check_lossless(r, 3)
    assert r.summary["encoding"] == "utf-8-sig"
    assert r.summary["reasons"] == {}
    acc = r.accepted.to_pydict()
    assert acc["_row"] == [1, 2, 3]
    assert acc["name"] == ["张,三", "李四", "王五"]  # names lose inner white space
    assert acc["id_number"] == [ID_F, ID_F, None]
    assert acc["id_number_raw"] == [ID_F, ID_15, None]
    assert acc["income_fen"] == [123450, 1200, 50]
    assert acc["_dq_flags"] == [[], ["id_upgraded_15:id_number"], ["id_missing:id_number"]]
    assert acc["_period"] == ["2024-01"] * 3
    assert r.summary["warnings"] == {"id_missing:id_number": 1, "id_upgraded_15:id_number": 1}
    assert r.summary["sha256"] == hashlib.sha256(b"\xef\xbb\xbf" + text.encode()).hexdigest()
    assert r.accepted.schema.field("birth_date").type == pa.date32()


def test_row_errors_are_quarantined_with_messages(tmp_path, contracts):
    text = (HEADER
            + f"1,{ID_F},张三,2,1949-12-31,100\n"
            + "2,bad-id,李四,7,2019-02-30,12.345\n"
            + ",,,,,\n"
            + "4,,赵六,1,2030-01-01,-5\n")
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 4)
    q = {row["_row"]: row for row in r.quarantine.to_pylist()}
    assert sorted(q) == [2, 3, 4]
    assert q[2]["reasons"] == ["invalid_code:sex", "invalid_date:birth_date",
                               "invalid_number:income_fen"]
    assert q[3]["reasons"] == ["missing_required:record_id", "missing_required:name"]
    assert q[4]["reasons"] == ["out_of_range:birth_date", "out_of_range:income_fen"]
    msg = q[2]["message"]
    assert msg.startswith("people/people_202401.csv, row 2: ")
    assert "column XB (sex, 性别) value '7' is not in the code list" in msg
    assert "use one of 1, 2, 9" in msg
    assert "column CSRQ (birth_date, 出生日期) value '2019-02-30' is not a valid date" in msg
    assert "column JE (income_fen, 收入) value '12.345'" in msg
    assert "between 1900-01-01 and 2024-01-31" in q[4]["message"]
    assert "between 0.00 yuan and 1000000.00 yuan" in q[4]["message"]
    assert raw_values(r.quarantine)[2] == {"JLBH": "2", "GMSFHM": "bad-id", "XM": "李四",
                                           "XB": "7", "CSRQ": "2019-02-30", "JE": "12.345"}
    assert r.summary["reasons"] == {"invalid_code:sex": 1, "missing_required:record_id": 1,
                                    "out_of_range:birth_date": 1}


def test_invalid_id_is_a_warning_not_an_error(tmp_path, contracts):
    text = HEADER + "1,110105194912310021,张三,1,1949-12-31,1\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 1)
    row = r.accepted.to_pylist()[0]
    assert row["id_number"] is None
    assert row["id_number_raw"] == "110105194912310021"
    assert row["_dq_flags"] == ["id_invalid:id_number"]


def test_id_sex_and_birth_mismatch_flags(tmp_path, contracts):
    text = HEADER + f"1,{ID_F},张三,1,1950-01-01,1\n"
    r = _ingest(tmp_path, contracts, text.encode())
    assert r.accepted.column("_dq_flags").to_pylist() == [
        ["id_sex_mismatch:id_number", "id_birth_mismatch:id_number"]]


def test_duplicates_first_kept(tmp_path, contracts):
    text = (HEADER
            + f"1,{ID_F},张三,2,1949-12-31,1.5\n"
            + f"1,{ID_F.lower()}, 张 三 ,2,19491231,1.50\n"  # same after normalisation
            + f"1,{ID_F},张三,2,1949-12-31,2\n"  # same key, other content
            + "2,,李四,x,1949-12-31,1\n"
            + "2,,李四,x,1949-12-31,1\n")  # invalid rows are not 'duplicates'
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 5)
    q = {row["_row"]: row for row in r.quarantine.to_pylist()}
    assert q[2]["reasons"] == ["duplicate_row"]
    assert "exact copy of row 1" in q[2]["message"]
    assert q[3]["reasons"] == ["duplicate_key"]
    assert "same key (record_id) as row 1" in q[3]["message"]
    assert q[4]["reasons"] == q[5]["reasons"] == ["invalid_code:sex"]
    assert r.accepted.column("_row").to_pylist() == [1]


@pytest.mark.parametrize(
    ("tail", "n_rows", "bad_row", "raw"),
    [
        ("3,110105194912", 3, 3, "3,110105194912"),  # truncated mid-line, no newline
        ('3,,王五,1,"1980-01', 3, 3, '3,,王五,1,"1980-01'),  # truncated inside a quote
    ],
)
def test_truncated_last_line(tmp_path, contracts, tail, n_rows, bad_row, raw):
    text = HEADER + f'1,{ID_F},"张\n三",2,1949-12-31,1\n' + "2,,李四,1,1980-01-01,2\n" + tail
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, n_rows)
    q = r.quarantine.to_pylist()
    assert [(x["_row"], x["primary_reason"]) for x in q] == [(bad_row, "malformed_row")]
    assert q[0]["raw"] == raw
    assert "row 3: the line could not be split" in q[0]["message"]
    assert r.accepted.column("_row").to_pylist() == [1, 2]


def test_malformed_rows_keep_record_numbers(tmp_path, contracts):
    text = (HEADER
            + '1,,"a\nb\nc",1,1980-01-01,1\n'
            + "2,,b,1\n"  # too few fields
            + '3,,"c,d",1,1980-01-01,1\n'
            + "4,,d,1,1980-01-01,1,extra\n"  # too many
            + "5,,e,1,1980-01-01,1\n")
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 5)
    assert r.accepted.column("_row").to_pylist() == [1, 3, 5]
    assert r.accepted.column("name").to_pylist() == ["abc", "c,d", "e"]
    assert [(x["_row"], x["raw"]) for x in r.quarantine.to_pylist()] == [
        (2, "2,,b,1"), (4, "4,,d,1,1980-01-01,1,extra")]


def test_gb18030_file_declared_utf8(tmp_path, contracts):
    text = HEADER + "1,,张三,1,1980-01-01,1\n2,,欧阳娜娜,2,1990-01-01,2\n"
    r = _ingest(tmp_path, contracts, text.encode("gb18030"))
    check_lossless(r, 2)
    assert r.summary["encoding"] == "gb18030"
    assert r.accepted.column("name").to_pylist() == ["张三", "欧阳娜娜"]
    assert r.summary["notes"] == ["file is gb18030, contract declares utf-8"]


def test_utf8_file_declared_gb18030(tmp_path, contracts):
    text = "编号,姓名,出生日期\n1,张三,1980-01-01\n"
    r = _ingest(tmp_path, contracts, text.encode("utf-8"), rel="gbk_people/gbk_people_202401.csv",
                dept="gbk_people")
    check_lossless(r, 1)
    assert r.summary["encoding"] == "utf-8"
    assert r.accepted.column("name").to_pylist() == ["张三"]


def test_gb18030_declared_and_used(tmp_path, contracts):
    text = "编号,姓名,出生日期\n1,张三,1980-01-01\n"
    r = _ingest(tmp_path, contracts, text.encode("gb18030"),
                rel="gbk_people/gbk_people_202401.csv", dept="gbk_people")
    assert r.summary["encoding"] == "gb18030"
    assert r.summary["notes"] == []
    assert r.accepted.column("name").to_pylist() == ["张三"]


def test_a_few_undecodable_bytes(tmp_path, contracts):
    data = (HEADER.encode() + "1,,张三,1,1980-01-01,1\n".encode()
            + b"2,,\xff\xfe\xfd,1,1980-01-01,1\n"
            + "3,,李四,2,1980-01-01,1\n".encode()
            + b"4,,\x80,1,1980-01-01\n")  # undecodable and malformed
    r = _ingest(tmp_path, contracts, data)
    check_lossless(r, 4)
    assert r.accepted.column("name").to_pylist() == ["张三", "李四"]
    q = {x["_row"]: x for x in r.quarantine.to_pylist()}
    assert q[2]["reasons"] == ["encoding_error"]
    assert json.loads(q[2]["raw"])["XM"] == "\\xff\\xfe\\xfd"
    assert q[4]["reasons"] == ["encoding_error"]
    assert q[4]["raw"] == "4,,\\x80,1,1980-01-01"
    assert q[2]["message"] == (
        "people/people_202401.csv, row 2: column XM holds bytes that are neither UTF-8 nor "
        "GB18030 (shown as \\xHH); fix: re-save the file as UTF-8 and re-type the damaged "
        "characters")
    assert "row 4: the line holds bytes" in q[4]["message"]
    assert r.summary["reasons"] == {"encoding_error": 2}


def test_gb18030_lines_with_damaged_bytes(tmp_path, contracts):
    data = (HEADER.encode() + "1,,张三,1,1980-01-01,1\n".encode("gb18030")
            + b"2,,\xff,1,1980-01-01,1\n" + "3,,王五,1,1980-01-01,1\n".encode("gb18030"))
    r = _ingest(tmp_path, contracts, data)
    check_lossless(r, 3)
    assert r.summary["encoding"] == "gb18030"
    assert r.accepted.column("name").to_pylist() == ["张三", "王五"]
    assert r.quarantine.column("primary_reason").to_pylist() == ["encoding_error"]


@pytest.mark.parametrize("data", [b"", HEADER.encode(), b"\xef\xbb\xbf" + HEADER.encode(),
                                  HEADER.encode() + b"\n\n", b"\n"])
def test_empty_files(tmp_path, contracts, data):
    r = _ingest(tmp_path, contracts, data)
    check_lossless(r, 0)
    assert r.accepted.num_rows == 0
    assert r.accepted.schema.names[:3] == ["record_id", "id_number", "id_number_raw"]


def test_extra_columns_are_kept(tmp_path, contracts):
    text = ("JLBH,GMSFHM,XM,BZ,XB,CSRQ,JE,备注2\n"
            '1,,张三,"note, with comma",1,1980-01-01,1,甲\n'
            "2,,李四,,1,1980-01-01,1,\n")
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 2)
    assert r.summary["extra_columns"] == ["BZ", "备注2"]
    extra = [json.loads(x) for x in r.accepted.column("_extra").to_pylist()]
    assert extra == [{"BZ": "note, with comma", "备注2": "甲"}, {"BZ": "", "备注2": ""}]


def test_missing_required_column_quarantines_every_row(tmp_path, contracts):
    text = "GMSFHM,XB,CSRQ,JE,XM\n,1,1980-01-01,1,张三\n,2,1980-01-01,2,李四\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 2)
    assert r.accepted.num_rows == 0
    assert r.summary["reasons"] == {"missing_column:record_id": 2}
    assert r.summary["missing_columns"] == ["record_id"]
    q = r.quarantine.to_pylist()
    assert q[0]["reasons"] == ["missing_column:record_id"]
    assert "column JLBH (record_id) is missing from the file header" in q[0]["message"]
    assert json.loads(q[1]["raw"]) == {"GMSFHM": "", "XB": "2", "CSRQ": "1980-01-01",
                                       "JE": "2", "XM": "李四"}


def test_missing_optional_column_is_null(tmp_path, contracts):
    text = "JLBH,XM,XB,CSRQ\n1,张三,1,1980-01-01\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 1)
    assert r.summary["missing_columns"] == ["id_number", "income_fen"]
    row = r.accepted.to_pylist()[0]
    assert row["income_fen"] is None and row["id_number"] is None
    assert row["_dq_flags"] == ["id_missing:id_number"]


def test_header_names_matched_after_trimming_and_case(tmp_path, contracts):
    text = " jlbh ,ＧＭＳＦＨＭ,xm,XB,CSRQ,JE\n1,,张三,1,1980-01-01,1\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 1)
    assert r.summary["extra_columns"] == []
    assert r.accepted.column("record_id").to_pylist() == ["1"]


def test_garbage_csv_raises(tmp_path, contracts):
    import random

    rnd = random.Random(7)
    data = bytes(rnd.randrange(128, 256) for _ in range(4000))
    with pytest.raises(IngestError, match="people/people_202401.csv") as exc:
        _ingest(tmp_path, contracts, data)
    assert "UTF-8 or GB18030" in str(exc.value)


def test_deterministic(tmp_path, contracts):
    text = (HEADER + f"1,{ID_F},张三,2,1949-12-31,1\n" + "2,,李四,x,1949-12-31,1\n"
            + "3,,王五\n" + f"1,{ID_F},张三,2,1949-12-31,1\n")
    a = _ingest(tmp_path, contracts, text.encode())
    b = _ingest(tmp_path, contracts, text.encode())
    assert a.accepted.equals(b.accepted)
    assert a.quarantine.equals(b.quarantine)
    assert a.summary == b.summary


def test_ingest_files_reports_errors_and_skips(tmp_path, contracts):
    good = (HEADER + "1,,张三,1,1980-01-01,1\n").encode()
    _write(tmp_path, "people/people_202401.csv", good)
    _write(tmp_path, "people/people_202402.csv", bytes(range(128, 256)) * 8)
    _write(tmp_path, "people/readme.txt", b"hello")
    _write(tmp_path, "payments/payments_202401.xlsx", b"not a workbook")
    results, summaries = ingest_files(tmp_path, contracts=contracts)
    by_file = {s["file"]: s for s in summaries}
    assert by_file["people/people_202401.csv"]["accepted"] == 1
    assert "UTF-8 or GB18030" in by_file["people/people_202402.csv"]["error"]
    assert "does not match" in by_file["people/readme.txt"]["error"]
    assert "payments/payments_202401.xlsx" in by_file["payments/payments_202401.xlsx"]["error"]
    assert len(results) == 1
    digest = by_file["people/people_202401.csv"]["sha256"]
    _, again = ingest_files(tmp_path, ["people/people_202401.csv"], contracts=contracts,
                            skip_sha256={digest})
    assert again == [{"file": "people/people_202401.csv", "skipped": "already ingested",
                      "sha256": digest}]


def test_damaged_utf8_is_not_read_as_gb18030(tmp_path, contracts):
    # A UTF-8 file with one multi-byte character cut short must not be decoded as GB18030
    # as a whole (that would turn every Chinese name into garbage).
    lines = [f"{i},,张三{i},1,1980-01-01,1\n".encode() for i in range(1, 6)]
    lines[2] = "3,,李".encode() + "四".encode()[:2] + b",1,1980-01-01,1\n"
    r = _ingest(tmp_path, contracts, HEADER.encode() + b"".join(lines))
    check_lossless(r, 5)
    assert r.summary["encoding"] == "utf-8"
    assert r.accepted.column("name").to_pylist()[:2] == ["张三1", "张三2"]
    assert r.accepted.column("_row").to_pylist() == [1, 2, 4, 5]
    q = r.quarantine.to_pylist()
    assert [(x["_row"], x["primary_reason"]) for x in q] == [(3, "encoding_error")]
    assert json.loads(q[0]["raw"])["XM"] == "李\\xe5\\x9b"


def test_mixed_file_lines_in_other_encoding_are_noted(tmp_path, contracts):
    data = (HEADER.encode() + "1,,张三,1,1980-01-01,1\n".encode()
            + "2,,李四,1,1980-01-01,1\n".encode() + "3,,王五,1,1980-01-01,1\n".encode("gb18030"))
    r = _ingest(tmp_path, contracts, data)
    check_lossless(r, 3)
    assert r.summary["encoding"] == "utf-8"
    assert r.accepted.column("name").to_pylist() == ["张三", "李四", "王五"]
    assert r.summary["notes"] == [
        "1 line(s) are not utf-8 and were read as GB18030: check them for garbled text"]


def test_header_only_without_newline(tmp_path, contracts):
    r = _ingest(tmp_path, contracts, HEADER.strip().encode())
    check_lossless(r, 0)


def test_wrong_delimiter_is_explained(tmp_path, contracts):
    text = HEADER.replace(",", ";") + "1;;张三;1;1980-01-01;1\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 1)
    assert r.quarantine.column("primary_reason").to_pylist() == ["missing_column:record_id"]
    assert r.summary["notes"] == [
        "the header looks separated by semicolons, but the contract declares delimiter ','"]


def test_crlf_and_tab_delimiter(tmp_path, contracts):
    text = "JLBH,XM,XB\r\n1,张三,1\r\n2,\"李\r\n四\",2\r\n"
    r = _ingest(tmp_path, contracts, text.encode())
    check_lossless(r, 2)
    assert r.accepted.column("name").to_pylist() == ["张三", "李四"]
