"""Trend and change points per county and indicator (ruptures).

``job_loss_series`` builds a county × month series from the HRSS extracts: the share of the
county's workers with a separation dated in the last 3 months (the window of the indicator
``job_loss_3m``). ``detect_change_points`` works on any long table (county, period, value)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError
from jingzhun.indicators.build import Sources, shift


def _months(first: str, last: str) -> list[str]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = shift(m, 1)
    return out


def job_loss_series(src: Sources, upto: str, *, window: int = 3) -> pd.DataFrame:
    """Columns county_code, period, value (share of workers separated in the last
    ``window`` months), separations, workers. Workers = distinct people on any HRSS record
    of the county up to the period (stock, hires)."""
    t = src.dept("hrss", upto)
    if t is None:
        raise ConfigError("no validated HRSS extract", where="validated/hrss",
                          fix="ingest the HRSS department's files first")
    cols = ["id_number", "name", "birth_date", "county_code", "change_type", "change_date", "_period"]
    h = src.engine.to_arrow(t.select(*cols)).to_pandas()
    h["who"] = h["id_number"].fillna(h["name"].astype(str) + "|" + h["birth_date"].astype(str))
    h["month"] = pd.to_datetime(h["change_date"], errors="coerce").dt.strftime("%Y-%m")
    h.loc[h["change_type"] == "stock", "month"] = h["_period"]
    # the first months would see an incomplete window: the series starts when it is full
    months = _months(shift(h["_period"].min(), window - 1), upto)
    sep = h[h["change_type"] == "separation"].groupby(["county_code", "month"]).size()
    first_seen = h.groupby(["county_code", "who"])["month"].min().reset_index()
    rows = []
    for county in sorted(h["county_code"].dropna().unique()):
        seen = first_seen.loc[first_seen["county_code"] == county, "month"]
        s = sep.get(county, pd.Series(dtype=float))
        for m in months:
            win = [shift(m, -j) for j in range(window)]
            n = int(sum(int(s.get(w, 0)) for w in win))
            workers = int((seen <= m).sum())
            rows.append((county, m, n / workers if workers else np.nan, n, workers))
    return pd.DataFrame(rows, columns=["county_code", "period", "value", "separations", "workers"])


def province_series(series: pd.DataFrame) -> pd.DataFrame:
    """The province total of a ``job_loss_series`` (ratio of sums)."""
    g = series.groupby("period")[["separations", "workers"]].sum().reset_index()
    g["value"] = g["separations"] / g["workers"]
    g.insert(0, "county_code", "province")
    return g


def change_points(values: np.ndarray, *, penalty: float | None = None, min_size: int = 2,
                  ) -> list[int]:
    """Indices where a new segment starts (PELT, l2 cost). The default penalty is
    3 × σ² × log(n), σ from the median absolute difference (robust to the shift itself)."""
    import ruptures as rpt

    x = np.asarray(values, dtype=float)
    if np.isnan(x).all():
        return []
    x = np.nan_to_num(x, nan=float(np.nanmean(x)))
    n = len(x)
    if n < 2 * min_size:
        return []
    sigma = np.median(np.abs(np.diff(x))) / 0.6745 / np.sqrt(2) if n > 2 else 0.0
    sigma = max(float(sigma), 1e-3 * (float(np.abs(x).max()) or 1.0))
    pen = penalty if penalty is not None else 3.0 * sigma ** 2 * np.log(n)
    bkps = rpt.Pelt(model="l2", min_size=min_size, jump=1).fit(x.reshape(-1, 1)).predict(pen=pen)
    return [b for b in bkps if b < n]


def detect_change_points(series: pd.DataFrame, *, group: str = "county_code",
                         indicator: str = "job_loss_3m", **kwargs: Any) -> pd.DataFrame:
    """One row per detected change: group, indicator, period (first month of the new
    segment), mean before and after (over the adjacent segments), direction."""
    rows = []
    for key, g in series.sort_values("period").groupby(group):
        vals = g["value"].to_numpy(float)
        periods = g["period"].tolist()
        cps = change_points(vals, **kwargs)
        bounds = [0, *cps, len(vals)]
        for j, cp in enumerate(cps):
            before = float(np.nanmean(vals[bounds[j]:cp]))
            after = float(np.nanmean(vals[cp:bounds[j + 2]]))
            rows.append({group: key, "indicator": indicator, "period": periods[cp],
                         "mean_before": round(before, 5), "mean_after": round(after, 5),
                         "direction": "up" if after > before else "down"})
    return pd.DataFrame(rows, columns=[group, "indicator", "period", "mean_before", "mean_after",
                                       "direction"])


def trend(series: pd.DataFrame, *, group: str = "county_code") -> pd.DataFrame:
    """Least-squares slope of the value per month for each group (trend)."""
    out = []
    for key, g in series.sort_values("period").groupby(group):
        y = g["value"].to_numpy(float)
        ok = ~np.isnan(y)
        slope = float(np.polyfit(np.arange(len(y))[ok], y[ok], 1)[0]) if ok.sum() >= 2 else np.nan
        out.append({group: key, "slope_per_month": slope, "first": float(y[ok][0]) if ok.any()
                    else np.nan, "last": float(y[ok][-1]) if ok.any() else np.nan})
    return pd.DataFrame(out)
