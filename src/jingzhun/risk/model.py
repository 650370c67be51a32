"""The risk model: LightGBM on the feature panel, trained on verified outcomes.

>>> model = fit(panel, outcomes, horizon=6)             # doctest: +SKIP
>>> panel["risk"] = model.predict(panel)                 # doctest: +SKIP

``fit`` joins the panel with the labels derived from the outcomes (``labels.fall_labels``):
only the months whose whole horizon is verified train the model, so handing it the outcomes
up to a cut-off month trains on nothing after that month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.risk.features import FEATURES
from jingzhun.risk.labels import RiskError, fall_labels

DEFAULT_PARAMS: dict[str, Any] = {
    "n_estimators": 300, "learning_rate": 0.05, "num_leaves": 31, "min_child_samples": 200,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "reg_lambda": 1.0,
    "n_jobs": 1,  # the machine is shared: one core
    "verbose": -1,
}


@dataclass
class RiskModel:
    booster: Any                  # lightgbm.LGBMClassifier
    features: tuple[str, ...]
    horizon: int
    train_periods: tuple[str, ...]
    train_rows: int
    train_positives: int
    params: dict[str, Any] = field(default_factory=dict)

    def matrix(self, panel: pd.DataFrame) -> pd.DataFrame:
        missing = [f for f in self.features if f not in panel.columns]
        if missing:
            raise RiskError(f"the panel lacks features {', '.join(missing)}", where="risk panel",
                            fix="build the panel with jingzhun.risk.features.load_panel")
        return panel[list(self.features)]

    def predict(self, panel: pd.DataFrame) -> np.ndarray:
        """Probability of falling within the horizon, one per panel row."""
        return self.booster.predict_proba(self.matrix(panel))[:, 1]

    def summary(self) -> dict[str, Any]:
        return {"horizon_months": self.horizon, "train_periods": [self.train_periods[0], self.train_periods[-1]]
                if self.train_periods else [], "train_rows": self.train_rows,
                "train_positives": self.train_positives, "features": len(self.features)}


def training_rows(panel: pd.DataFrame, outcomes: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Panel rows with a defined label (``label`` column added)."""
    labels = fall_labels(outcomes, horizon)
    rows = panel.merge(labels, on=["household_id", "period"], how="inner")
    if rows.empty:
        raise RiskError("no panel row has a verified outcome to learn from", where="risk training",
                        fix=f"give verified outcomes covering at least {horizon + 1} consecutive months "
                            "of the panel's households (household_id = 户号)")
    return rows


def fit(panel: pd.DataFrame, outcomes: pd.DataFrame, *, horizon: int = 6, seed: int = 0,
        params: dict[str, Any] | None = None) -> RiskModel:
    """Train the classifier on the panel rows whose label the outcomes define."""
    import lightgbm as lgb

    rows = training_rows(panel, outcomes, horizon)
    y = rows["label"].astype(int).to_numpy()
    if y.min() == y.max():
        raise RiskError("the verified outcomes hold only one class", where="risk training",
                        fix="train on a longer history, with households that did and did not fall")
    p = {**DEFAULT_PARAMS, **(params or {}), "random_state": seed}
    booster = lgb.LGBMClassifier(**p)
    booster.fit(rows[list(FEATURES)], y)
    return RiskModel(booster=booster, features=FEATURES, horizon=horizon,
                     train_periods=tuple(sorted(rows["period"].unique())), train_rows=len(rows),
                     train_positives=int(y.sum()), params=p)
