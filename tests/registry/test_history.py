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
