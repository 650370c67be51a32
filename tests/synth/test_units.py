"""Building blocks of the generator: IDs, dates, writers, config, calibration tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from python_calamine import CalamineWorkbook

from jingzhun.normalise.idcard import check_chars_array, digits_matrix, is_valid
from jingzhun.synth import SynthConfig, generate
from jingzhun.synth.extract import fmt_date, fmt_yuan
from jingzhun.synth.idnumbers import fake_ids, make_ids, spread_overflow
from jingzhun.synth.params import poverty_line_fen, start_incidence
from jingzhun.synth.rng import substream
from jingzhun.synth.writers import write_csv, write_xlsx


def test_ids_are_unique_valid_and_carry_sex_and_birth() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    area = np.array([b"520102", b"522401", b"520526"])[rng.integers(0, 3, n)]
    birth = np.datetime64("1950-01-01") + rng.integers(0, 300, n).astype("timedelta64[D]")
    male = rng.random(n) < 0.5
    ids = make_ids(rng, area, birth, male)
    assert len(np.unique(ids)) == n
    ref = check_chars_array(digits_matrix(ids.astype("S17"))).astype("S1")
    assert (ref == ids.view("S1").reshape(-1, 18)[:, 17]).all()
    assert all(is_valid(x.decode()) for x in ids[:2000])
    seq_digit = ids.view("S1").reshape(-1, 18)[:, 16].astype(int)
    assert ((seq_digit % 2 == 1) == male).all()
    ymd = np.char.replace(np.datetime_as_string(birth).astype("S10"), b"-", b"")
    assert (ids.view("S1").reshape(-1, 18)[:, 6:14].copy().view("S8").ravel() == ymd).all()


def test_a_full_day_spills_into_the_next_area_code() -> None:
    """1,200 women born on one day in one county (a heaped birth date at scale 1.0): 499 keep
    the code, the rest move to the next codes in code order, 499 at most each; all get
    distinct valid IDs. More than every code can number is an error, not a duplicate ID."""
    rng = np.random.default_rng(7)
    area = np.array([b"520102"] * 1200 + [b"520103"] * 280 + [b"520111"] * 10, "S6")
    birth = np.full(area.size, np.datetime64("1950-01-01"))
    male = np.zeros(area.size, bool)
    male[-10:] = True  # the men of 520111 are another group: untouched
    spread = spread_overflow(area, birth, male)
    codes, counts = np.unique(spread[~male], return_counts=True)
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == {
        b"520102": 499, b"520103": 499, b"520111": 482}
    assert (spread[male] == b"520111").all()
    ids = make_ids(rng, spread, birth, male)
    assert len(set(ids.tolist())) == area.size
    small = area[:499]
    assert spread_overflow(small, birth[:499], male[:499]) is small  # nothing to move
    with pytest.raises(ValueError, match="every area code"):
        spread_overflow(np.array([b"520102"] * 999, "S6"), birth[:999], male[:999] & False)


def test_fake_ids_belong_to_nobody() -> None:
    rng = np.random.default_rng(1)
    taken = make_ids(rng, np.array([b"520102"] * 5000), np.datetime64("1970-01-01")
                     + rng.integers(0, 50, 5000).astype("timedelta64[D]"), rng.random(5000) < .5)
    fake = fake_ids(rng, 300, np.array(["520102"]), taken, years=(1970, 1971))
    assert len(fake) == 300 and not np.isin(fake, taken).any()
    assert all(is_valid(x.decode()) for x in fake)


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                max_value=__import__("datetime").date(2099, 12, 31)))
def test_date_formats_render_the_same_day(d) -> None:  # type: ignore[no-untyped-def]
    arr = np.array([d], dtype="datetime64[D]")
    assert fmt_date(arr, "%Y-%m-%d")[0].as_py() == d.isoformat()
    assert fmt_date(arr, "%Y%m%d")[0].as_py() == d.strftime("%Y%m%d")
    assert fmt_date(arr, "%Y/%-m/%-d")[0].as_py() == f"{d.year}/{d.month}/{d.day}"
    assert fmt_date(arr, "%Y年%-m月%-d日")[0].as_py() == f"{d.year}年{d.month}月{d.day}日"
    assert fmt_date(arr, "%Y-%m-%d %H:%M:%S", times=np.array([3723]))[0].as_py() == \
        f"{d.isoformat()} 01:02:03"


def test_yuan_text_is_exact() -> None:
    out = fmt_yuan(np.array([0, 5, 123456, -250, 100]), always_decimals=True).to_pylist()
    assert out == ["0.00", "0.05", "1234.56", "-2.50", "1.00"]
    assert fmt_yuan(np.array([100, 150]), always_decimals=False).to_pylist() == ["1", "1.50"]


def test_xlsx_is_readable_and_reproducible(tmp_path: Path) -> None:
    cols = [pa.array(["张三", " 李四 ", None]), pa.array(["12.50", "-3", "abc"])]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(a, ["姓名", "金额"], cols, ["name", "money"])
    write_xlsx(b, ["姓名", "金额"], cols, ["name", "money"])
    assert a.read_bytes() == b.read_bytes()
    rows = CalamineWorkbook.from_path(str(a)).get_sheet_by_index(0).to_python()
    assert rows == [["姓名", "金额"], ["张三", 12.5], [" 李四 ", -3.0], ["", "abc"]]


def test_csv_writer_encodes_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["姓名", "金额"], [pa.array(["张三", "𠀀"]), pa.array(["1.00", None])],
              "gb18030")
    assert path.read_bytes().decode("gb18030") == "姓名,金额\n张三,1.00\n𠀀,\n"


def test_config_is_typed_and_serialisable() -> None:
    cfg = SynthConfig(scale=0.01, months=12, seed=3, start="2020-03")
    again = SynthConfig.model_validate_json(cfg.model_dump_json())
    assert again == cfg
    assert cfg.periods[0] == "202003" and cfg.end_period == "202102"
    with pytest.raises(ValidationError):
        SynthConfig(start="2020-13")
    with pytest.raises(ValidationError):
        SynthConfig(scale=0)


def test_dated_parameters_follow_the_domain_brief() -> None:
    cfg = SynthConfig(start="2019-01")
    assert start_incidence(cfg) == pytest.approx(0.043)
    assert int(poverty_line_fen(cfg, 0)) == 321800
    assert int(poverty_line_fen(cfg, 12)) == 400000
    assert start_incidence(SynthConfig(start="2015-01")) == pytest.approx(0.18)


def test_substreams_are_independent() -> None:
    a = substream(1, "x").random(3)
    assert (a == substream(1, "x").random(3)).all()
    assert not (a == substream(1, "y").random(3)).any()
    assert not (a == substream(2, "x").random(3)).any()


def test_monitoring_categories_from_2021(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    generate(SynthConfig(scale=0.002, months=2, start="2021-01", seed=5), tmp_path)
    hm = pq.read_table(tmp_path / "truth" / "household_months.parquet").to_pandas()
    cats = set(hm["monitor_category"].astype(str))
    assert {"unstable_exited", "edge", "sudden_hardship"} <= cats
    assert (hm["line_fen"] == 400000).all()
