"""Differentially private counts and means by area through OpenDP, with accuracy intervals.

Privacy unit: one household (one row). Areas partition the households, so the figures of all
areas of one release cost the release's ε once (parallel composition); a mean is a noisy sum
and a noisy count, each with ε/2. The ε of a release is charged to the dataset's budget in the
ledger *before* any noise is drawn; a release that would overspend is refused.

Each figure carries an interval that holds with probability ``1 - alpha`` over the noise:
counts ``± a`` (discrete Laplace accuracy from OpenDP); a mean's interval is the range of
``sum/count`` over both noisy figures' intervals, clipped to the clamping bounds (it holds when
both hold, so with probability ≥ ``1 - 2·alpha``; reported as such).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from jingzhun.sharing.errors import SharingError

_ENABLED = False


def _dp():  # type: ignore[no-untyped-def]
    global _ENABLED
    import opendp.prelude as dp

    if not _ENABLED:
        dp.enable_features("contrib")
        _ENABLED = True
    return dp


@dataclass(frozen=True)
class DPFigure:
    area: str
    statistic: str            # count | mean
    value: float
    lower: float
    upper: float
    epsilon: float
    confidence: float
    mechanism: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def dp_counts(areas: Sequence[str], area_of_row: Sequence[str], epsilon: float, *,
              alpha: float = 0.05, statistic: str = "count") -> list[DPFigure]:
    """Noisy count of rows per area (discrete Laplace); rows outside ``areas`` are ignored."""
    dp = _dp()
    if epsilon <= 0:
        raise SharingError("ε must be positive", where="dp_counts", fix="pass epsilon > 0")
    cats = [str(a) for a in areas]
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    meas = space >> dp.t.then_count_by_categories(categories=cats, null_category=False) \
        >> dp.m.then_laplace(scale=1.0 / epsilon)
    spent = float(meas.map(1))
    if spent > epsilon * (1 + 1e-9):
        raise SharingError(f"count mechanism would spend ε={spent}, more than {epsilon}",
                           where="dp_counts", fix="report this as a bug")
    noisy = meas([str(a) for a in area_of_row])
    acc = float(dp.discrete_laplacian_scale_to_accuracy(1.0 / epsilon, alpha))
    return [DPFigure(a, statistic, float(v), float(v) - acc, float(v) + acc, epsilon, 1 - alpha,
                     "discrete Laplace (OpenDP make_count_by_categories)")
            for a, v in zip(cats, noisy, strict=True)]


def dp_means(areas: Sequence[str], area_of_row: Sequence[str], values: Sequence[int],
             bounds: tuple[int, int], epsilon: float, *, alpha: float = 0.05) -> list[DPFigure]:
    """Noisy mean of integer ``values`` (e.g. fen) per area, clamped to ``bounds``."""
    dp = _dp()
    lo, hi = int(bounds[0]), int(bounds[1])
    if not lo < hi or lo < 0:
        raise SharingError(f"bounds {bounds} are not 0 <= lower < upper", where="dp_means",
                           fix="give clamping bounds such as (0, 5_000_000) fen")
    half = epsilon / 2
    frame = pd.DataFrame({"area": [str(a) for a in area_of_row],
                          "v": np.asarray(values, dtype=np.int64)})
    counts = {f.area: f for f in dp_counts(areas, frame["area"], half, alpha=alpha)}
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance()
    scale = max(abs(lo), abs(hi)) / half
    meas = space >> dp.t.then_clamp((lo, hi)) >> dp.t.then_sum() >> dp.m.then_laplace(scale=scale)
    spent = float(meas.map(1))
    if spent > half * (1 + 1e-9):
        raise SharingError(f"sum mechanism would spend ε={spent}, more than {half}",
                           where="dp_means", fix="report this as a bug")
    acc_sum = float(dp.discrete_laplacian_scale_to_accuracy(scale, alpha))
    groups = {a: g["v"].tolist() for a, g in frame.groupby("area")}
    out = []
    for a in (str(x) for x in areas):
        s = float(meas(groups.get(a, [])))
        c = counts[a]
        n = max(c.value, 1.0)
        mean = float(np.clip(s / n, lo, hi))
        n_lo, n_hi = c.lower, c.upper
        s_lo, s_hi = max(s - acc_sum, 0.0), s + acc_sum
        if n_lo <= 0:
            m_lo, m_hi = float(lo), float(hi)          # the count may be zero: no information
        else:
            m_lo = float(np.clip(s_lo / n_hi, lo, hi))
            m_hi = float(np.clip(s_hi / n_lo, lo, hi))
        out.append(DPFigure(a, "mean", mean, m_lo, m_hi, epsilon, 1 - 2 * alpha,
                            "discrete Laplace sum / count (OpenDP make_sum, "
                            "make_count_by_categories)"))
    return out


__all__ = ["DPFigure", "dp_counts", "dp_means"]
