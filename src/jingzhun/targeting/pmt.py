"""Proxy-means tests (PMT): predict welfare from observable proxies, select the predicted poorest.

Three calibrations are compared in the same run — OLS (the usual PMT), gradient boosting
(LightGBM) and linear quantile regression at the coverage quantile — by repeated K-fold cross
validation. In every training part the poverty line is estimated as the ``coverage`` quantile
of welfare, and the selection cutoff as the same quantile of the model's training predictions;
both are applied to the held-out part, which is never seen before it is scored.

Two selections are scored (errors as in :mod:`jingzhun.targeting.metrics`):

- **equal coverage**: select units whose prediction is below the training prediction cutoff
  (about ``coverage`` of units, the same share as the poor);
- **at the poverty line**: select units whose *prediction* is below the line.

The best model is chosen by **nested** cross validation: inside each outer training part an
inner K-fold picks the model with the lowest exclusion error; the figure reported for "best" is
the outer held-out error of the models so chosen — never the minimum over models on test folds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError
from jingzhun.targeting.metrics import targeting_errors

MODELS = ("ols", "gbm", "quantile", "ensemble", "hybrid")


@dataclass(frozen=True)
class PMTConfig:
    welfare: str
    proxies: tuple[str, ...]
    groups: str | None = None
    coverage: float = 0.2
    folds: int = 5
    repeats: int = 2
    inner_folds: int = 3
    seed: int = 0
    models: tuple[str, ...] = MODELS


def _design(frame: pd.DataFrame, cfg: PMTConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one-hot design for linear models, frame with categoricals for boosting)."""
    cols = list(cfg.proxies) + ([cfg.groups] if cfg.groups else [])
    X = frame[cols].copy()
    cat = [c for c in cols if X[c].dtype == object or str(X[c].dtype) == "category"]
    if cfg.groups and cfg.groups not in cat:
        cat.append(cfg.groups)
    for c in cat:
        X[c] = X[c].astype(str).astype("category")
    linear = pd.get_dummies(X, columns=cat, drop_first=True, dtype=float)
    return linear, X


def _fit_predict(name: str, Xl: pd.DataFrame, Xg: pd.DataFrame, y: np.ndarray,
                 train: np.ndarray, test: np.ndarray, cfg: PMTConfig) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``name`` on ``train`` rows; return (training predictions, test predictions)."""
    if name == "ols":
        from sklearn.linear_model import LinearRegression

        m = LinearRegression().fit(Xl.iloc[train], y[train])
        return m.predict(Xl.iloc[train]), m.predict(Xl.iloc[test])
    if name == "quantile":
        from sklearn.linear_model import QuantileRegressor

        m = QuantileRegressor(quantile=cfg.coverage, alpha=0.0, solver="highs")
        m.fit(Xl.iloc[train], y[train])
        return m.predict(Xl.iloc[train]), m.predict(Xl.iloc[test])
    if name == "ensemble":
        # Average of the OLS and boosting predictions: the linear fit carries the group
        # effects, the trees the non-linear household effects.
        a_tr, a_te = _fit_predict("ols", Xl, Xg, y, train, test, cfg)
        b_tr, b_te = _fit_predict("gbm", Xl, Xg, y, train, test, cfg)
        return (a_tr + b_tr) / 2, (a_te + b_te) / 2
    if name == "hybrid":
        # Boosting that starts from the OLS fit: trees model what the linear PMT misses.
        import lightgbm as lgb

        base_tr, base_te = _fit_predict("ols", Xl, Xg, y, train, test, cfg)
        Xh = Xg.drop(columns=[cfg.groups]) if cfg.groups else Xg
        m = lgb.LGBMRegressor(
            n_estimators=150, learning_rate=0.02, num_leaves=7, min_child_samples=50,
            subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=5.0,
            random_state=cfg.seed, n_jobs=1, verbose=-1,
        )
        m.fit(Xh.iloc[train], y[train], init_score=base_tr)
        return base_tr + m.predict(Xh.iloc[train]), base_te + m.predict(Xh.iloc[test])
    if name == "gbm":
        import lightgbm as lgb

        if cfg.groups:
            Xg = _with_group_mean(Xg, y, train, cfg.groups)

        m = lgb.LGBMRegressor(
            n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=30,
            subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0,
            random_state=cfg.seed, n_jobs=1, verbose=-1,
        )
        m.fit(Xg.iloc[train], y[train])
        return m.predict(Xg.iloc[train]), m.predict(Xg.iloc[test])
    raise ConfigError(f"unknown PMT model {name!r}", fix=f"choose from {', '.join(MODELS)}")


def _with_group_mean(Xg: pd.DataFrame, y: np.ndarray, train: np.ndarray, groups: str) -> pd.DataFrame:
    """Replace the group column by the mean training welfare of the group (leave-one-out for
    training rows, so a row never sees its own welfare; the overall mean for unseen groups)."""
    g = Xg[groups].astype(str).to_numpy()
    frame = pd.DataFrame({"g": g[train], "y": y[train]})
    sums = frame.groupby("g")["y"].agg(["sum", "count"])
    overall = float(y[train].mean())
    s = sums["sum"].reindex(g).to_numpy()
    c = sums["count"].reindex(g).to_numpy()
    is_train = np.zeros(len(g), dtype=bool)
    is_train[train] = True
    s = np.where(is_train, s - y, s)
    c = np.where(is_train, c - 1, c)
    mean = np.where((c > 0) & ~np.isnan(c), s / np.where(c > 0, c, 1), overall)
    out = Xg.drop(columns=[groups]).copy()
    out["group_mean_welfare"] = mean
    return out


def _score(y_train, pred_train, y_test, pred_test, coverage) -> dict[str, Any]:
    line = np.quantile(y_train, coverage)
    cutoff = np.quantile(pred_train, coverage)
    poor = y_test < line
    equal = targeting_errors(poor, pred_test < cutoff)
    at_line = targeting_errors(poor, pred_test < line)
    return {"equal": equal, "line": at_line}


def _folds(n: int, k: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    order = rng.permutation(n)
    parts = np.array_split(order, k)
    return [(np.sort(np.concatenate(parts[:i] + parts[i + 1:])), np.sort(parts[i])) for i in range(k)]


def calibrate(frame: pd.DataFrame, cfg: PMTConfig,
              progress: Callable[[str, float], None] | None = None) -> dict[str, Any]:
    """Compare the PMT models by repeated, nested cross validation; see the module docstring."""
    needed = [cfg.welfare, *cfg.proxies] + ([cfg.groups] if cfg.groups else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ConfigError(f"column(s) not in the data: {', '.join(missing)}",
                          fix=f"available: {', '.join(map(str, frame.columns))}")
    if not 0 < cfg.coverage < 1:
        raise ConfigError(f"coverage {cfg.coverage} must be between 0 and 1", where="--coverage")
    data = frame[needed].dropna().reset_index(drop=True)
    y = data[cfg.welfare].to_numpy(dtype=float)
    Xl, Xg = _design(data, cfg)
    rng = np.random.default_rng(cfg.seed)
    per_model: dict[str, list[dict]] = {m: [] for m in cfg.models}
    best_scores: list[dict] = []
    chosen: Counter[str] = Counter()
    total = cfg.repeats * cfg.folds
    step = 0
    for _ in range(cfg.repeats):
        for train, test in _folds(len(y), cfg.folds, rng):
            step += 1
            if progress:
                progress(f"fold {step}/{total}", step / total)
            # Inner CV on the training part only: which model would we pick?
            inner: dict[str, list[float]] = {m: [] for m in cfg.models}
            for itr, ite in _folds(len(train), cfg.inner_folds, rng):
                a, b = train[itr], train[ite]
                for m in cfg.models:
                    ptr, pte = _fit_predict(m, Xl, Xg, y, a, b, cfg)
                    inner[m].append(_score(y[a], ptr, y[b], pte, cfg.coverage)["equal"]["exclusion_error"])
            pick = min(cfg.models, key=lambda m: (float(np.mean(inner[m])), cfg.models.index(m)))
            chosen[pick] += 1
            outer = {}
            for m in cfg.models:
                ptr, pte = _fit_predict(m, Xl, Xg, y, train, test, cfg)
                outer[m] = _score(y[train], ptr, y[test], pte, cfg.coverage)
                per_model[m].append(outer[m])
            best_scores.append(outer[pick])

    def mean(scores: list[dict], which: str, key: str) -> float:
        return float(np.mean([s[which][key] for s in scores]))

    models = {
        m: {
            "exclusion_error": mean(s, "equal", "exclusion_error"),
            "inclusion_error": mean(s, "equal", "inclusion_error"),
            "at_poverty_line": {
                "exclusion_error": mean(s, "line", "exclusion_error"),
                "inclusion_error": mean(s, "line", "inclusion_error"),
            },
        }
        for m, s in per_model.items()
    }
    return {
        "models": models,
        "best": {
            "name": chosen.most_common(1)[0][0],
            "chosen_per_fold": dict(sorted(chosen.items())),
            "exclusion_error": mean(best_scores, "equal", "exclusion_error"),
            "inclusion_error": mean(best_scores, "equal", "inclusion_error"),
            "selection": "nested cross validation (inner folds on the training part only)",
        },
        "coverage": cfg.coverage, "n": int(len(y)), "folds": cfg.folds, "repeats": cfg.repeats,
        "inner_folds": cfg.inner_folds, "groups": cfg.groups, "proxies": list(cfg.proxies),
        "welfare": cfg.welfare,
    }
