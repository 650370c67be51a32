"""Panoramic performance assessment (全景考核) of counties, townships and villages
(docs/assessment.md).

Indicators computed from the workspace's own outputs (not from self-reported targets), exit
assessment, scorecards with documented weights, rankings with confidence, and the comparison
of the figures areas report with the computed ones.
"""

from jingzhun.assessment.catalogue import INDICATORS, AssessmentError, Weights, load_weights
from jingzhun.assessment.workspace import evaluate_workspace

__all__ = ["INDICATORS", "AssessmentError", "Weights", "evaluate_workspace", "load_weights"]
