"""Household membership over time, from the household registry's monthly changes (bitemporal).

Each hukou record is an event: ``stock`` (the first extract), ``birth``, ``move`` or
``death``. Two times are kept:

- **valid time**: the month the change happened (``change_date``, or the death date; the
  extract month for stock rows) — ``valid_from`` / ``valid_to`` (exclusive) of a membership;
- **recorded time**: the extract month that reported it (``recorded``), which is later than
  the valid month for late reports.

:func:`membership_intervals` turns events into intervals; :func:`as_of` answers "who lived in
which household at the end of month M", optionally *as the registry knew it* in month K (only
events recorded by K), which is how a past decision can be re-explained.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pandas as pd

if TYPE_CHECKING:
    from jingzhun.workspace import Workspace

EVENT_COLUMNS = (
    "person_id", "household_no", "relation_to_head", "county_code", "township_code",
    "village_code", "change_type", "valid_month", "recorded", "_file", "_row",
)
_ORDER = {"stock": 0, "move": 1, "birth": 1, "death": 2}


def hukou_events(records: pd.DataFrame) -> pd.DataFrame:
    """Events from hukou records (with ``person_id``): the valid month is the change date's
    (the death date's for deaths), else the extract month."""
    month = records["change_date"].astype("string").str[:7]
    death = records["death_date"].astype("string").str[:7]
    valid = month.where(records["change_type"] != "death", death.fillna(month))
    out = records.assign(
        valid_month=valid.fillna(records["_period"]), recorded=records["_period"],
    )
    return out[list(EVENT_COLUMNS)].sort_values(["person_id", "valid_month", "recorded", "_file", "_row"],
                                                ignore_index=True)


def membership_intervals(events: pd.DataFrame, known_at: str | None = None) -> pd.DataFrame:
    """Membership intervals ``[valid_from, valid_to)`` (months; ``valid_to`` null = open).

    A stock, birth or move event opens an interval in its household; the person's next event
    (any kind) closes it; a death opens nothing. With ``known_at`` only events recorded by that
    month count. ``recorded`` is the month the opening event was reported.

    >>> ev = pd.DataFrame({"person_id": ["P1", "P1", "P1"], "household_no": ["H1", "H2", "H2"],
    ...     "relation_to_head": ["son", "head", "head"], "county_code": None,
    ...     "township_code": None, "village_code": ["V1", "V2", "V2"],
    ...     "change_type": ["stock", "move", "death"], "valid_month": ["2019-01", "2019-05", "2019-09"],
    ...     "recorded": ["2019-01", "2019-05", "2019-11"], "_file": "f", "_row": [1, 2, 3]})
    >>> membership_intervals(ev)[["household_no", "valid_from", "valid_to"]].values.tolist()
    [['H1', '2019-01', '2019-05'], ['H2', '2019-05', '2019-09']]
    >>> membership_intervals(ev, known_at="2019-10")["valid_to"].tolist()
    ['2019-05', None]
    """
    ev = events if known_at is None else events[events["recorded"] <= known_at]
    ev = ev.assign(_o=ev["change_type"].map(_ORDER).fillna(1))
    ev = ev.sort_values(["person_id", "valid_month", "_o", "recorded", "_file", "_row"],
                        ignore_index=True)
    nxt = ev.groupby("person_id", sort=False)["valid_month"].shift(-1)
    ev = ev.assign(valid_from=ev["valid_month"], valid_to=nxt.astype(object).where(nxt.notna(), None))
    opened = ev[ev["change_type"] != "death"]
    # A zero-length interval (two events in the same month) is superseded by the later one.
    opened = opened[opened["valid_to"].isna() | (opened["valid_to"] > opened["valid_from"])]
    cols = ["person_id", "household_no", "relation_to_head", "county_code", "township_code",
            "village_code", "valid_from", "valid_to", "recorded", "change_type"]
    return opened[cols].reset_index(drop=True)


def members_at(intervals: pd.DataFrame, month: str) -> pd.DataFrame:
    """Memberships valid at the end of ``month``."""
    live = (intervals["valid_from"] <= month) & (
        intervals["valid_to"].isna() | (intervals["valid_to"] > month)
    )
    return intervals[live].reset_index(drop=True)


def households_from(members: pd.DataFrame) -> pd.DataFrame:
    """One row per household of ``members``: size, head, area codes."""
    if members.empty:
        return pd.DataFrame(columns=["household_no", "size", "head_person_id", "county_code",
                                     "township_code", "village_code"])
    ordered = members.assign(_h=members["relation_to_head"] != "head").sort_values(
        ["household_no", "_h", "person_id"])
    first = ordered.drop_duplicates("household_no")
    head = first["person_id"].where(~first["_h"], None)
    out = pd.DataFrame({
        "household_no": first["household_no"].to_numpy(), "head_person_id": head.to_numpy(),
        "county_code": first["county_code"].to_numpy(),
        "township_code": first["township_code"].to_numpy(),
        "village_code": first["village_code"].to_numpy(),
    })
    size = members.groupby("household_no").size().rename("size").reset_index()
    return out.merge(size, on="household_no").reset_index(drop=True)


@dataclass
class Snapshot:
    month: str
    known_at: str | None
    persons: pd.DataFrame  # golden persons known by then, with household_no (null if none)
    members: pd.DataFrame  # memberships valid at the end of the month
    households: pd.DataFrame


def as_of(ws: Workspace, month: str, known_at: str | None = None) -> Snapshot:
    """The registry at the end of ``month`` (``YYYY-MM``), optionally as known in ``known_at``.

    Persons: everyone first seen in any extract by then (``first_seen``) and not dead by then
    according to the hukou events known; golden field values are the latest known (see
    docs/registry.md). Members and households: from the hukou events.
    """
    reg = ws.zone("registry")
    events = pd.read_parquet(reg / "hukou_events.parquet")
    persons = pd.read_parquet(reg / "persons.parquet")
    intervals = membership_intervals(events, known_at)
    members = members_at(intervals, month)
    limit = min(month, known_at) if known_at else month
    known = events[events["recorded"] <= (known_at or "9999-12")]
    dead = set(known.loc[(known["change_type"] == "death") & (known["valid_month"] <= month),
                         "person_id"])
    seen = persons[(persons["first_seen"] <= limit) & ~persons["person_id"].isin(dead)]
    seen = seen.merge(members[["person_id", "household_no", "relation_to_head"]]
                      .drop_duplicates("person_id"), on="person_id", how="left")
    return Snapshot(month, known_at, seen.reset_index(drop=True), members, households_from(members))


# --- the same, as table expressions of the engine (the registry stage: no table in pandas) ---

def event_table(records: ibis.Table) -> ibis.Table:
    """:func:`hukou_events` as an Ibis expression (same columns, same order)."""
    month = records.change_date.cast("string").substr(0, 7)
    death = records.death_date.cast("string").substr(0, 7)
    valid = ibis.cases((records.change_type == "death", death.fill_null(month)), else_=month)
    out = records.mutate(valid_month=valid.fill_null(records._period), recorded=records._period)
    return out.select(*EVENT_COLUMNS).order_by(["person_id", "valid_month", "recorded", "_file", "_row"])


INTERVAL_COLUMNS = ("person_id", "household_no", "relation_to_head", "county_code",
                    "township_code", "village_code", "valid_from", "valid_to", "recorded",
                    "change_type")


def interval_table(events: ibis.Table) -> ibis.Table:
    """:func:`membership_intervals` (all events known) as an Ibis expression."""
    order = ibis.cases((events.change_type == "stock", 0), (events.change_type == "death", 2),
                       else_=1)
    ev = events.mutate(_o=order)
    keys = [ev.valid_month, ev._o, ev.recorded, ev._file, ev._row]
    ev = ev.mutate(valid_from=ev.valid_month, valid_to=ev.valid_month.lead().over(
        ibis.window(group_by=ev.person_id, order_by=keys)))
    opened = ev.filter(ev.change_type.isnull() | (ev.change_type != "death"),
                       ev.valid_to.isnull() | (ev.valid_to > ev.valid_from))
    return opened.order_by(["person_id", "valid_month", "_o", "recorded", "_file", "_row"]).select(
        *INTERVAL_COLUMNS)


def household_table(intervals: ibis.Table, latest: str) -> ibis.Table:
    """Every household ever registered (first month, members ever) with its state at the end
    of ``latest`` (size, head, area codes; ``as_of``), as an Ibis expression."""
    ever = intervals.group_by("household_no").aggregate(
        first_month=intervals.valid_from.min(), members_ever=intervals.person_id.nunique())
    now = intervals.filter(intervals.valid_from <= latest,
                           intervals.valid_to.isnull() | (intervals.valid_to > latest))
    now = now.mutate(_h=(now.relation_to_head != "head").fill_null(True))
    ranked = now.mutate(_rn=ibis.row_number().over(
        ibis.window(group_by=now.household_no, order_by=[now._h, now.person_id])),
        size=now.count().over(ibis.window(group_by=now.household_no)))
    first = ranked.filter(ranked._rn == 0)
    state = first.select(
        hh_=first.household_no,
        head_person_id=ibis.cases((~first._h, first.person_id), else_=ibis.null("string")),
        county_code=first.county_code, township_code=first.township_code,
        village_code=first.village_code, size=first.size.cast("int64"),
        as_of=ibis.literal(latest))
    out = ever.left_join(state, ever.household_no == state.hh_)
    return out.select(
        "household_no", "first_month", out.members_ever.cast("int64").name("members_ever"),
        "head_person_id", "county_code", "township_code", "village_code",
        out.size.fill_null(0).cast("int64").name("size"), "as_of",
    ).order_by("household_no")
