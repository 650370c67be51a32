"""Cause diagnosis (致贫原因诊断): rules as data over household indicators and features.

``diagnose_workspace(ws, period)`` gives each household a primary and up to two secondary
causes from the official list, with evidence, and lists the roll's recorded causes that
disagree for review (docs/diagnosis.md).
"""

from jingzhun.diagnosis.diagnose import diagnose, review_disagreements
from jingzhun.diagnosis.features import FEATURES, diagnosis_table, household_features, roll_causes
from jingzhun.diagnosis.rules import CauseRules, load_rules
from jingzhun.diagnosis.workspace import diagnose_workspace

__all__ = ["FEATURES", "CauseRules", "diagnose", "diagnose_workspace", "diagnosis_table",
           "household_features", "load_rules", "review_disagreements", "roll_causes"]
