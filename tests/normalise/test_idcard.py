"""ID number normalisation: table-driven cases and hypothesis properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingzhun.normalise.idcard import (
    birth_dates_from_ids,
    check_char,
    normalise_ids,
    sex_from_ids,
    upgrade_15,
)

VALID = "11010519491231002X"  # GB 11643 example: female (sequence 002), born 1949-12-31


@pytest.mark.parametrize(
    ("raw", "expected_id", "flag"),
    [
        (VALID, VALID, None),
        ("11010519491231002x", VALID, None),  # lower-case x
        ("  110105 1949 1231 002X\t", VALID, None),  # spaces inside and around
        ("１１０１０５１９４９１２３１００２Ｘ", VALID, None),  # full-width digits and X
        ("\u3000110105194912310\u00a002X", VALID, None),  # ideographic / no-break spaces
        ("110105491231002", VALID, "id_upgraded_15"),  # legacy 15 digits
        ("110105194912310021", None, "id_invalid"),  # wrong check character
        ("11010519491231002", None, "id_invalid"),  # 17 characters
        ("1101051949123100XX", None, "id_invalid"),  # X inside
        ("110105194902300026", None, "id_invalid"),  # 1949-02-30 does not exist
        ("110105491331002", None, "id_invalid"),  # 15 digits, month 13
        ("abc", None, "id_invalid"),
        ("", None, "id_missing"),
        ("   ", None, "id_missing"),
        (None, None, "id_missing"),
    ],
)
def test_normalise_ids_table(raw, expected_id, flag):
    r = normalise_ids([raw])
    assert r.ids.to_pylist() == [expected_id]
    assert r.flags.to_pylist() == [flag]


def test_birth_date_after_latest_is_invalid():
    # born 2030-01-01 cannot appear in a 2024 extract
    first17 = "11010520300101001"
    future = first17 + check_char(first17)
    r = normalise_ids([future, VALID], latest=dt.date(2024, 1, 31))
    assert r.flags.to_pylist() == ["id_invalid", None]
    assert normalise_ids([future]).flags.to_pylist() == [None]  # no bound → fine


def test_sex_and_birth_from_ids():
    male17 = "52010219800101001"
    male = male17 + check_char(male17)
    assert sex_from_ids([VALID, male, None, "x"]).to_pylist() == ["female", "male", None, None]
    assert birth_dates_from_ids([VALID, male, None]).to_pylist() == [
        dt.date(1949, 12, 31), dt.date(1980, 1, 1), None]


# --- properties --------------------------------------------------------------------------

areas = st.sampled_from(["110105", "520102", "522301", "653101", "540102"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2023, 12, 31))
seqs = st.integers(min_value=0, max_value=999)


def _make(area: str, birth: dt.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@settings(max_examples=300, deadline=None)
@given(areas, births, seqs)
def test_valid_ids_round_trip(area, birth, seq):
    idn = _make(area, birth, seq)
    r = normalise_ids([idn])
    assert r.ids.to_pylist() == [idn]
    assert r.flags.to_pylist() == [None]
    assert birth_dates_from_ids([idn]).to_pylist() == [birth]
    assert sex_from_ids([idn]).to_pylist() == ["male" if seq % 2 else "female"]


@settings(max_examples=300, deadline=None)
@given(areas, births, seqs, st.integers(0, 17), st.integers(1, 9))
def test_single_digit_substitution_is_detected(area, birth, seq, pos, delta):
    idn = _make(area, birth, seq)
    chars = list(idn)
    if pos == 17:
        alphabet = "0123456789X"
        chars[17] = alphabet[(alphabet.index(chars[17]) + delta) % 11]
    else:
        chars[pos] = str((int(chars[pos]) + delta) % 10)
    changed = "".join(chars)
    assert changed != idn
    r = normalise_ids([changed])
    assert r.ids.to_pylist() == [None]
    assert r.flags.to_pylist() == ["id_invalid"]


@settings(max_examples=200, deadline=None)
@given(areas, st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), seqs)
def test_15_digit_upgrade_keeps_birth_date(area, birth, seq):
    id15 = f"{area}{birth:%y%m%d}{seq:03d}"
    r = normalise_ids([id15])
    (id18,) = r.ids.to_pylist()
    assert r.flags.to_pylist() == ["id_upgraded_15"]
    assert id18 == upgrade_15(id15)
    assert normalise_ids([id18]).flags.to_pylist() == [None]  # a valid 18-digit ID
    assert birth_dates_from_ids([id18]).to_pylist() == [birth]


_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789X"}


@settings(max_examples=200, deadline=None)
@given(areas, births, seqs, st.data())
def test_variants_normalise_to_same_id(area, birth, seq, data):
    idn = _make(area, birth, seq)
    out = []
    for ch in idn:
        style = data.draw(st.sampled_from(["plain", "full", "lower"]))
        if style == "full":
            ch = _FULL[ch]
        elif style == "lower":
            ch = ch.lower()
        if data.draw(st.booleans()):
            ch += data.draw(st.sampled_from([" ", "\u3000", "\t", "\u00a0"]))
        out.append(ch)
    variant = data.draw(st.sampled_from(["", " ", "\u3000"])) + "".join(out)
    r = normalise_ids([variant, idn])
    assert r.ids.to_pylist() == [idn, idn]
