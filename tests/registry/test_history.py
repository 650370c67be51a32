"""Household membership history from the registry's monthly changes; as-of-month queries,
bitemporal (valid month vs the month the change was recorded)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from jingzhun.engine.base import write_parquet_atomic
from jingzhun.registry import as_of
from jingzhun.registry.history import hukou_events, membership_intervals
from jingzhun.workspace import Workspace

# person, household, relation, village, change_type, change_date, death_date, extract period
HUKOU = [
    ("A", "H1", "head", "V1", "stock", None, None, "2019-01"),
    ("B", "H1", "spouse", "V1", "stock", None, None, "2019-01"),
    ("C", "H1", "son", "V1", "stock", None, None, "2019-01"),
    ("D", "H2", "head", "V2", "stock", None, None, "2019-01"),
    ("E", "H1", "grandchild", "V1", "birth", "2019-03-09", None, "2019-03"),
    ("C", "H3", "head", "V2", "move", "2019-04-20", None, "2019-04"),
    # a late report: A died in May, the registry heard of it in August
    ("A", "H1", "head", "V1", "death", "2019-05-02", "2019-05-02", "2019-08"),
]


def _events() -> pd.DataFrame:
    frame = pd.DataFrame(HUKOU, columns=["person_id", "household_no", "relation_to_head",
                                         "village_code", "change_type", "change_date",
                                         "death_date", "_period"])
    frame = frame.assign(county_code="520000", township_code=None, _file="hukou.csv",
                         _row=range(1, len(frame) + 1))
    return hukou_events(frame)


def test_intervals():
    got = membership_intervals(_events()).sort_values(["person_id", "valid_from"])
    assert got[["person_id", "household_no", "valid_from", "valid_to", "recorded"]].values.tolist() == [
        ["A", "H1", "2019-01", "2019-05", "2019-01"],
        ["B", "H1", "2019-01", None, "2019-01"],
        ["C", "H1", "2019-01", "2019-04", "2019-01"],
        ["C", "H3", "2019-04", None, "2019-04"],
        ["D", "H2", "2019-01", None, "2019-01"],
        ["E", "H1", "2019-03", None, "2019-03"],
    ]


@pytest.fixture
def ws(tmp_path):
    ws = Workspace(tmp_path / "w")
    reg = ws.zone("registry")
    events = _events()
    write_parquet_atomic(pa.Table.from_pandas(events, preserve_index=False), reg / "hukou_events.parquet")
    persons = pd.DataFrame({"person_id": list("ABCDEF"),
                            "first_seen": ["2019-01"] * 4 + ["2019-03", "2019-06"]})
    write_parquet_atomic(pa.Table.from_pandas(persons), reg / "persons.parquet")
    yield ws
    ws.close()


@pytest.mark.parametrize(
    ("month", "known_at", "households", "persons", "why"),
    [
        ("2019-01", None, {"H1": ["A", "B", "C"], "H2": ["D"]}, "ABCD", "the first extract"),
        ("2019-03", None, {"H1": ["A", "B", "C", "E"], "H2": ["D"]}, "ABCDE", "E born in March"),
        ("2019-04", None, {"H1": ["A", "B", "E"], "H2": ["D"], "H3": ["C"]}, "ABCDE",
         "C moved out and heads H3"),
        ("2019-05", None, {"H1": ["B", "E"], "H2": ["D"], "H3": ["C"]}, "BCDE",
         "A died in May (as we know now)"),
        ("2019-06", "2019-06", {"H1": ["A", "B", "E"], "H2": ["D"], "H3": ["C"]}, "ABCDEF",
         "in June the registry did not yet know of A's death; F first seen in June"),
        ("2019-06", "2019-08", {"H1": ["B", "E"], "H2": ["D"], "H3": ["C"]}, "BCDEF",
         "known in August: the late report is applied to its valid month"),
    ],
)
def test_as_of(ws, month, known_at, households, persons, why):
    snap = as_of(ws, month, known_at=known_at)
    got = {h: sorted(g["person_id"]) for h, g in snap.members.groupby("household_no")}
    assert got == households, why
    assert "".join(sorted(snap.persons["person_id"])) == persons, why
    sizes = dict(zip(snap.households["household_no"], snap.households["size"], strict=True))
    assert sizes == {h: len(m) for h, m in households.items()}


def _records() -> pd.DataFrame:
    rows = [*HUKOU,
            # a member with no relation, and a row without a change type (kept as a membership)
            ("F", "H2", None, "V2", None, None, None, "2019-02"),
            # two events of G in one month: the zero-length interval gives way to the later
            ("G", "H4", "head", "V3", "stock", None, None, "2019-01"),
            ("G", "H5", "head", "V3", "move", "2019-01-20", None, "2019-01"),
            # a death whose date is missing: the change month stands in
            ("D", "H2", "head", "V2", "death", "2019-07-03", None, "2019-07"),
            # a household of one who died: still listed, nobody in it now
            ("K", "H6", "head", "V3", "stock", None, None, "2019-01"),
            ("K", "H6", "head", "V3", "death", "2019-06-11", "2019-06-11", "2019-06")]
    frame = pd.DataFrame(rows, columns=["person_id", "household_no", "relation_to_head",
                                        "village_code", "change_type", "change_date",
                                        "death_date", "_period"])
    return frame.assign(county_code="520000", township_code=None, _file="hukou.csv",
                        _row=range(1, len(frame) + 1))


def _table(engine, frame: pd.DataFrame, tmp_path, name: str):
    path = tmp_path / f"{name}.parquet"
    schema = pa.schema([(c, pa.int64() if c == "_row" else pa.string()) for c in frame.columns])
    write_parquet_atomic(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return engine.read_parquet(path)


def test_engine_history_equals_the_pandas_reference(engine, tmp_path):
    from jingzhun.registry.history import event_table, household_table, households_from
    from jingzhun.registry.history import interval_table, members_at

    records = _records()
    events = hukou_events(records)
    got = engine.to_arrow(event_table(_table(engine, records, tmp_path, "r"))).to_pandas()
    pd.testing.assert_frame_equal(got, events.astype({"_row": "int64"}), check_dtype=False)

    intervals = membership_intervals(events)
    got_iv = engine.to_arrow(interval_table(_table(engine, events, tmp_path, "e"))).to_pandas()
    assert got_iv.astype(object).where(got_iv.notna(), None).values.tolist() == \
        intervals.astype(object).where(intervals.notna(), None).values.tolist()
    assert got_iv.loc[got_iv["person_id"] == "G", "household_no"].tolist() == ["H5"]
    assert got_iv.loc[got_iv["person_id"] == "D", "valid_to"].tolist() == ["2019-07"]

    hh = engine.to_arrow(household_table(_table(engine, intervals, tmp_path, "i"), "2019-08"))
    hh = hh.to_pandas().set_index("household_no")
    now = households_from(members_at(intervals, "2019-08")).set_index("household_no")
    assert hh.loc["H1", ["size", "head_person_id", "members_ever", "first_month"]].tolist() == \
        [2, None, 4, "2019-01"]  # A (head) died in May: no head; B, E remain
    assert hh.loc["H2", ["size", "head_person_id"]].tolist() == [1, None]  # D died, F remains
    assert hh.loc["H3", ["size", "head_person_id", "as_of"]].tolist() == [1, "C", "2019-08"]
    assert "H4" not in hh.index  # G's stock row was superseded in the same month
    assert hh.loc["H5", ["size", "head_person_id"]].tolist() == [1, "G"]
    assert hh.loc["H6", ["size", "members_ever"]].tolist() == [0, 1]
    assert pd.isna(hh.loc["H6", "as_of"]) and pd.isna(hh.loc["H6", "head_person_id"])
    for h in now.index:
        assert hh.loc[h, "size"] == now.loc[h, "size"]
        assert hh.loc[h, "head_person_id"] == now.loc[h, "head_person_id"] or (
            pd.isna(hh.loc[h, "head_person_id"]) and pd.isna(now.loc[h, "head_person_id"]))
    assert list(hh.index) == sorted(hh.index)
