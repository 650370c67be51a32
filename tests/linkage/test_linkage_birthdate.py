"""Birth dates: day/month swaps and the comparison levels."""

from __future__ import annotations

import datetime as dt

import pytest

from jingzhun.linkage.birthdate import birth_date_level, birth_date_levels, is_day_month_swap

D = dt.date

CASES = [
    (D(1985, 3, 12), D(1985, 3, 12), "exact"),
    (D(1985, 3, 12), D(1985, 12, 3), "day_month_swapped"),
    (D(1985, 12, 3), D(1985, 3, 12), "day_month_swapped"),
    (D(1985, 3, 12), D(1986, 12, 3), "different"),  # swapped but another year
    (D(1985, 3, 12), D(1985, 3, 21), "same_year_month"),
    (D(1985, 3, 12), D(1985, 4, 12), "different"),
    (D(1985, 3, 3), D(1985, 3, 4), "same_year_month"),
    (None, D(1985, 3, 12), None),
    (D(1985, 3, 12), None, None),
]


@pytest.mark.parametrize(("a", "b", "expected"), CASES)
def test_birth_date_level(a, b, expected):
    assert birth_date_level(a, b) == expected


def test_birth_date_levels_vectorised_agrees_with_scalar():
    got = birth_date_levels([c[0] for c in CASES], [c[1] for c in CASES]).to_pylist()
    assert got == [c[2] for c in CASES]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(D(1985, 3, 12), D(1985, 12, 3), True), (D(1985, 3, 3), D(1985, 3, 3), False),
     (D(1985, 3, 12), D(1985, 3, 12), False), (None, D(1985, 1, 1), None)],
)
def test_is_day_month_swap(a, b, expected):
    assert is_day_month_swap(a, b) is expected
