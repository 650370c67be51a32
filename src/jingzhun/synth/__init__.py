"""Synthetic province generator: a Guizhou-like province with departments' extracts and the
ground truth every later claim of the platform is measured against.

>>> from jingzhun.synth import SynthConfig
>>> SynthConfig(scale=0.001).months
24

See docs/synthetic-province.md.
"""

from __future__ import annotations

from jingzhun.synth.config import DefectRates, PaymentAnomalyRates, RollErrorRates, SynthConfig
from jingzhun.synth.generate import build_world, generate

__all__ = ["DefectRates", "PaymentAnomalyRates", "RollErrorRates", "SynthConfig", "build_world",
           "generate"]
