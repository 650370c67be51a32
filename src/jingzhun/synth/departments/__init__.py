"""One module per department (or small group): each turns the world into that department's
extracts, in its own shape (columns, codes, date formats, file format), per its contract.

``DEPARTMENTS`` maps the department code (folder name) to its builder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from jingzhun.synth.departments import (
    assets,
    education,
    health,
    labour,
    payments,
    registry,
    roll,
    rural,
    social,
)
from jingzhun.synth.extract import Extract
from jingzhun.synth.world import World

Builder = Callable[[World], Iterator[Extract]]

DEPARTMENTS: dict[str, Builder] = {
    "hukou": registry.hukou,
    "village_cadres": registry.village_cadres,
    "civil_affairs": social.civil_affairs,
    "hrss": labour.hrss,
    "payroll": labour.payroll,
    "medical_insurance": health.medical_insurance,
    "health": health.health,
    "disability": health.disability,
    "education": education.education,
    "housing": assets.housing,
    "vehicles": assets.vehicles,
    "property": assets.property_,
    "market": assets.market,
    "water": rural.water,
    "agriculture": rural.agriculture,
    "emergency": rural.emergency,
    "roll": roll.roll,
    "payments": payments.payments,
}
