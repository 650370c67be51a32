"""The person and household registry: identity resolution with evidence (docs/registry.md).

``build_registry`` (the ``registry`` pipeline stage) links every person-level department
record to a person, writes golden records with per-field provenance, household membership
history, a review queue and conflicts. ``as_of(ws, "YYYY-MM")`` reads the registry at the end
of a past month.
"""

from __future__ import annotations

from jingzhun.registry.golden import FieldRule, golden_records, load_rules
from jingzhun.registry.history import Snapshot, as_of, membership_intervals
from jingzhun.registry.records import person_departments

__all__ = [
    "FieldRule", "Snapshot", "as_of", "golden_records", "load_rules", "membership_intervals",
    "person_departments",
]
