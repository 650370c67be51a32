from __future__ import annotations

import datetime as dt

import pytest

from jingzhun.errors import ConfigError
from jingzhun.policy.parameters import ParameterSet

YAML = """
monitoring_income_fen:
  label_zh: 防返贫监测收入范围
  unit: fen/person/year
  values:
    - {from: 2021-01-01, value: 600000, reference: "domain.md §6: 6000 yuan (2021)"}
    - {from: 2023-01-01, value: 805000, reference: "domain.md §6: one county, 8050 (2023)", unverified: true}
"""


@pytest.mark.parametrize(
    "when, value, unverified",
    [(dt.date(2021, 1, 1), 600000, False), (dt.date(2022, 12, 31), 600000, False),
     (dt.date(2023, 1, 1), 805000, True), (dt.date(2026, 6, 1), 805000, True)],
)
def test_value_in_force_on_a_date(when, value, unverified):
    p = ParameterSet.from_yaml(YAML, "t").get("monitoring_income_fen").at(when)
    assert (p.value, p.unverified) == (value, unverified)
    assert p.reference.startswith("domain.md §6")


def test_before_first_value_is_an_error_that_says_when_it_starts():
    with pytest.raises(ConfigError, match="no value on 2020-12-31"):
        ParameterSet.from_yaml(YAML, "t").at("monitoring_income_fen", dt.date(2020, 12, 31))


def test_reform_changes_a_copy_not_the_pack():
    base = ParameterSet.from_yaml(YAML, "t")
    reform = base.reformed({"monitoring_income_fen": 700000}, start=dt.date(2022, 1, 1))
    assert reform.at("monitoring_income_fen", dt.date(2022, 6, 1)) == 700000
    assert reform.at("monitoring_income_fen", dt.date(2021, 6, 1)) == 600000
    assert reform.at("monitoring_income_fen", dt.date(2024, 1, 1)) == 700000
    assert base.at("monitoring_income_fen", dt.date(2022, 6, 1)) == 600000


def test_value_without_reference_is_refused():
    bad = "x:\n  values:\n    - {from: 2021-01-01, value: 1}\n"
    with pytest.raises(ConfigError, match="legal reference"):
        ParameterSet.from_yaml(bad, "pack.yaml")


def test_unknown_parameter_lists_known_ones():
    with pytest.raises(ConfigError, match="known parameters: monitoring_income_fen"):
        ParameterSet.from_yaml(YAML, "t").get("nope")
