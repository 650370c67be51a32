"""Risk of falling into poverty within the next months (防返贫风险预测).

For each household and month: the probability that it falls below the monitoring line or
enters a monitored category within ``horizon`` months (default 6), from the household
indicators and their history (``features``), by a LightGBM model trained on *verified outcomes*
(``labels``: household_id, period, outcome), explained per household with SHAP in Chinese and
English (``explain``), with its calibration (``calibration``), a fairness report by county,
head's sex, age band and ethnicity (``fairness``) and the rules-only baseline of the cn-2021
pack (``baseline``). The pipeline never reads the synthetic truth (docs/risk.md).
"""

from jingzhun.risk.baseline import load_rule_scores, rule_scores
from jingzhun.risk.calibration import calibration, plot_calibration
from jingzhun.risk.explain import PHRASES, explain, phrase, top_factors
from jingzhun.risk.fairness import age_band, fairness_report, head_attributes
from jingzhun.risk.features import FEATURES, add_history, load_panel
from jingzhun.risk.labels import RiskError, fall_labels, falls
from jingzhun.risk.metrics import auc, flag_top_share, lead_times, recall
from jingzhun.risk.model import RiskModel, fit

__all__ = ["FEATURES", "PHRASES", "RiskError", "RiskModel", "add_history", "age_band", "auc",
           "calibration", "explain", "fairness_report", "fall_labels", "falls", "fit",
           "flag_top_share", "head_attributes", "lead_times", "load_panel", "load_rule_scores",
           "phrase", "plot_calibration", "recall", "rule_scores", "top_factors"]
