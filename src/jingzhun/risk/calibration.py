"""Calibration of the predicted probabilities: the curve (scikit-learn) and a PNG (matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def calibration(labels: np.ndarray, probabilities: np.ndarray, n_bins: int = 10) -> dict[str, Any]:
    """Mean predicted probability and observed share per quantile bin, and the Brier score."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import brier_score_loss

    y = np.asarray(labels, dtype=int)
    p = np.asarray(probabilities, dtype=float)
    observed, predicted = calibration_curve(y, p, n_bins=n_bins, strategy="quantile")
    return {"predicted": [round(float(v), 5) for v in predicted],
            "observed": [round(float(v), 5) for v in observed],
            "brier": round(float(brier_score_loss(y, p)), 5),
            "mean_predicted": round(float(p.mean()), 5), "mean_observed": round(float(y.mean()), 5)}


def plot_calibration(curve: dict[str, Any], path: Path, title: str = "risk model") -> Path:
    """Write the reliability diagram to ``path`` (PNG, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    top = max(max(curve["predicted"], default=0.0), max(curve["observed"], default=0.0), 0.01) * 1.05
    ax.plot([0, top], [0, top], linestyle="--", color="grey", label="perfect")
    ax.plot(curve["predicted"], curve["observed"], marker="o", label=title)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed share that fell")
    ax.set_title(f"Calibration (Brier {curve['brier']:.4f})")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.legend(loc="upper left")
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, format="png")
    plt.close(fig)
    tmp.replace(path)
    return path
