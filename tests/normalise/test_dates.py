"""Date and month parsing: every supported format, impossible dates, Excel serials."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingzhun.normalise.dates import parse_dates, parse_months, period_end

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected", "invalid"),
    [
        ("2019-03-05", D(2019, 3, 5), False),
        ("2019/03/05", D(2019, 3, 5), False),
        ("2019/3/5", D(2019, 3, 5), False),
        ("20190305", D(2019, 3, 5), False),
        ("2019.03.05", D(2019, 3, 5), False),
        ("2019年3月5日", D(2019, 3, 5), False),
        ("2019 年 03 月 05 日", D(2019, 3, 5), False),
        ("2019-03-05 14:30:00", D(2019, 3, 5), False),
        ("２０１９－０３－０５", D(2019, 3, 5), False),  # full-width
        (" 2020-02-29 ", D(2020, 2, 29), False),
        ("2019-02-30", None, True),
        ("2019-02-29", None, True),  # not a leap year
        ("1900-02-29", None, True),
        ("2019-13-01", None, True),
        ("2019-00-10", None, True),
        ("20190230", None, True),
        ("2019年2月30日", None, True),
        ("0000-01-01", None, True),
        ("2019-03/05", None, True),  # mixed separators
        ("43000", None, True),  # serials only for xlsx
        ("yesterday", None, True),
        ("", None, False),
        (None, None, False),
    ],
)
def test_parse_dates_table(raw, expected, invalid):
    r = parse_dates([raw])
    assert r.dates.to_pylist() == [expected]
    assert r.invalid.tolist() == [invalid]


@pytest.mark.parametrize(
    ("raw", "expected", "invalid"),
    [
        ("45000", D(2023, 3, 15), False),
        ("45000.75", D(2023, 3, 15), False),  # time of day dropped
        ("61", D(1900, 3, 1), False),
        ("59", D(1900, 2, 28), False),
        ("1", D(1900, 1, 1), False),
        ("60", None, True),  # Excel's fictitious 1900-02-29
        ("0", None, True),
        ("2023-03-15", D(2023, 3, 15), False),
    ],
)
def test_excel_serials(raw, expected, invalid):
    r = parse_dates([raw], excel_serial=True)
    assert r.dates.to_pylist() == [expected]
    assert r.invalid.tolist() == [invalid]


FORMATS = [
    lambda d: d.strftime("%Y-%m-%d"),
    lambda d: d.strftime("%Y/%m/%d"),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: d.strftime("%Y.%m.%d"),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: d.strftime("%Y-%m-%d %H:%M:%S"),
    lambda d: f"{d:%Y-%m-%d} 08:15:00",
]
dates = st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31))


@settings(max_examples=300, deadline=None)
@given(dates, st.sampled_from(range(len(FORMATS))))
def test_any_format_round_trips(d, fmt):
    text = FORMATS[fmt](d)
    r = parse_dates([text])
    assert r.dates.to_pylist() == [d], text
    assert r.invalid.tolist() == [False]


@settings(max_examples=200, deadline=None)
@given(dates)
def test_excel_serial_round_trips(d):
    if d < D(1900, 3, 1):
        return
    serial = (d - D(1899, 12, 30)).days
    assert parse_dates([str(serial)], excel_serial=True).dates.to_pylist() == [d]


@st.composite
def impossible(draw):
    y = draw(st.integers(1000, 9999))
    m = draw(st.integers(1, 12))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    kind = draw(st.sampled_from(["day", "month0", "month13", "day0"]))
    if kind == "day":
        return y, m, draw(st.integers(last + 1, 99 if last < 99 else 99))
    if kind == "month0":
        return y, 0, draw(st.integers(1, 28))
    if kind == "month13":
        return y, draw(st.integers(13, 99)), draw(st.integers(1, 28))
    return y, m, 0


@settings(max_examples=300, deadline=None)
@given(impossible(), st.sampled_from(["-", "/", ".", "", "cn"]))
def test_invalid_dates_never_parse(ymd, sep):
    y, m, d = ymd
    text = f"{y}年{m}月{d}日" if sep == "cn" else f"{y:04d}{sep}{m:02d}{sep}{d:02d}"
    r = parse_dates([text])
    assert r.dates.to_pylist() == [None], text
    assert r.invalid.tolist() == [True]


@pytest.mark.parametrize(
    ("raw", "expected", "invalid"),
    [("202403", "2024-03", False), ("2024-3", "2024-03", False), ("2024/03", "2024-03", False),
     ("2024年3月", "2024-03", False), ("202413", None, True), ("March", None, True),
     ("", None, False)],
)
def test_parse_months(raw, expected, invalid):
    r = parse_months([raw])
    assert r.months.to_pylist() == [expected]
    assert r.invalid.tolist() == [invalid]


def test_period_end():
    assert period_end("2024-02") == D(2024, 2, 29)
    assert period_end("2023-12") == D(2023, 12, 31)
