"""Pack loading, rule coverage by the YAML cases, and errors."""

from __future__ import annotations

import pytest

from jingzhun.errors import ConfigError
from jingzhun.policy.pack import load_pack, shipped_packs

from .conftest import load_cases


def test_shipped_packs():
    assert {"cn-2014", "cn-2021"} <= set(shipped_packs())


@pytest.mark.parametrize("pack", ["cn-2014", "cn-2021"])
def test_every_rule_is_covered_by_a_policy_case(pack):
    covered = {rule for p, _, case in load_cases() if p == pack for rule in case.get("fired", [])}
    assert {r.id for r in load_pack(pack).rules} == covered


@pytest.mark.parametrize("pack", ["cn-2014", "cn-2021"])
def test_every_status_is_reached_by_a_policy_case(pack):
    reached = {case["status"] for p, _, case in load_cases() if p == pack}
    assert {s.status for s in load_pack(pack).statuses} == reached


def test_unverified_values_are_flagged():
    p = load_pack("cn-2021").parameters.get("oop_inpatient_exited_fen")
    assert all(v.unverified for v in p.values)
    assert load_pack("cn-2014").parameters.get("poverty_line_fen").values[0].unverified is False


def test_unknown_pack_lists_shipped_ones():
    with pytest.raises(ConfigError, match="cn-2014"):
        load_pack("cn-1999")


def test_rule_reading_an_undeclared_indicator_is_refused(tmp_path):
    (tmp_path / "parameters.yaml").write_text(
        "x:\n  values:\n    - {from: 2021-01-01, value: 1, reference: ours}\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(
        "pack: t\nstatuses:\n  - {status: a, label_zh: 甲, label_en: a, when: 'True'}\n"
        "rules:\n  - {id: r1, kind: k, label_zh: 甲, label_en: a, condition: 'y > param(\"x\")',"
        " inputs: {}, reference: ours, valid_from: 2021-01-01}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="does not declare the source of \\['y'\\]"):
        load_pack(tmp_path)
