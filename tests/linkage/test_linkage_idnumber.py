"""ID near misses, linkage keys and what an ID implies about its holder."""

from __future__ import annotations

import datetime as dt

import pytest

from jingzhun.linkage.idnumber import (
    id_agreement,
    id_near_miss,
    id_near_misses,
    linkage_id_keys,
)
from jingzhun.normalise.idcard import is_valid

ID = "11010519491231002X"

NEAR_MISS_CASES = [
    (ID, ID, "exact"),
    (ID, "11010519491231003X", "substitution"),  # one digit
    (ID, "21010519491231002X", "substitution"),  # first position
    (ID, "110105194912310021", "substitution"),  # check character
    (ID, "11010519492131002X", "transposition"),  # 12 ↔ 21 in the birth date
    (ID, "10110519491231002X", "transposition"),  # second and third characters
    (ID, "1101051949123100X2", "transposition"),  # last two characters
    (ID, "11010519491231012X", "substitution"),
    (ID, "11010519491231020X", "transposition"),  # sequence digits 02 ↔ 20
    (ID, "11010519491231200X", "different"),  # non-adjacent swap (two differences)
    (ID, "11010519491231113X", "different"),  # three substitutions
    (ID, "110105491231002", "different"),  # different length
    (None, ID, None),
    (ID, None, None),
]


@pytest.mark.parametrize(("a", "b", "expected"), NEAR_MISS_CASES)
def test_id_near_miss(a, b, expected):
    assert id_near_miss(a, b) == expected
    assert id_near_miss(b, a) == expected  # symmetric


def test_id_near_misses_vectorised_agrees_with_scalar():
    left = [c[0] for c in NEAR_MISS_CASES]
    right = [c[1] for c in NEAR_MISS_CASES]
    assert id_near_misses(left, right).to_pylist() == [c[2] for c in NEAR_MISS_CASES]


def test_single_errors_break_the_check_character():
    """Why near misses matter: a one-digit error or swap makes the ID invalid."""
    assert is_valid(ID)
    assert not is_valid("11010519491231003X")
    assert not is_valid("11010519492131002X")


@pytest.mark.parametrize(
    ("valid", "raw", "expected"),
    [
        (ID, ID, ID),  # valid ID wins
        (None, "110105194912310021", "110105194912310021"),  # invalid but ID-shaped: kept
        (None, "110105491231002", ID),  # 15-digit legacy → 18
        (None, " 11010519491231002x ", ID),  # cleaned
        (None, "１１０１０５１９４９１２３１００２Ｘ", ID),  # full-width
        (None, "110105991331002", "110105199913310024"),  # impossible date: still converted
        (None, "n/a", None),
        (None, None, None),
    ],
)
def test_linkage_id_keys(valid, raw, expected):
    assert linkage_id_keys([valid], [raw]).to_pylist() == [expected]


@pytest.mark.parametrize(
    ("sex", "birth", "sex_agrees", "birth_agrees", "conflicting"),
    [
        ("female", dt.date(1949, 12, 31), True, True, False),
        ("male", dt.date(1949, 12, 31), False, True, True),  # wrong sex
        ("female", dt.date(1950, 1, 1), True, False, True),  # wrong birth date
        ("female", None, True, None, False),  # nothing to compare
        (None, None, None, None, False),
    ],
)
def test_id_agreement(sex, birth, sex_agrees, birth_agrees, conflicting):
    r = id_agreement([ID], [sex], [birth])
    assert r.sex_agrees.to_pylist() == [sex_agrees]
    assert r.birth_date_agrees.to_pylist() == [birth_agrees]
    assert r.conflicting.to_pylist() == [conflicting]


def test_id_agreement_day_month_swap_is_not_a_conflict():
    an_id = "520526198003120013"[:17]
    from jingzhun.normalise.idcard import check_char

    an_id = an_id + check_char(an_id)
    r = id_agreement([an_id], ["male"], [dt.date(1980, 12, 3)])
    assert r.birth_date_agrees.to_pylist() == [False]
    assert r.conflicting.to_pylist() == [False]
