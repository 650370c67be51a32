"""Household indicators (the ``indicators`` zone): what the policy packs read.

``household_indicators(sources, period)`` builds one row per household registered at the end
of the period, from the registry and the validated extracts; ``catalogue.INDICATORS`` gives
each indicator's formula and source departments (docs/policy.md).
"""

from jingzhun.indicators.build import (
    PARAMETERS,
    Sources,
    compute,
    household_indicators,
    shift,
    sources_for,
)
from jingzhun.indicators.catalogue import BY_NAME, INDICATORS, Indicator

__all__ = ["BY_NAME", "INDICATORS", "PARAMETERS", "Indicator", "Sources", "compute",
           "household_indicators", "shift", "sources_for"]
