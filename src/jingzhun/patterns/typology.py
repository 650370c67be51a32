"""Household typologies: k-prototypes clustering of mixed (numeric + categorical) features,
with an interpretable profile per cluster and its size by county."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError

# Numeric features: household composition, labour, income sources, health, assets. Categorical:
# hukou type and village type. All from departments (indicators + diagnosis.features).
NUMERIC = ("size", "n_children", "n_elderly", "n_working_age", "head_age", "n_migrant",
           "n_jobs", "n_normal_labour", "n_sick_or_disabled", "land_mu")
CATEGORICAL = ("rural_hukou", "payroll_or_company")


@dataclass
class TypologyResult:
    labels: pd.Series                 # cluster per household_id
    profiles: pd.DataFrame            # one row per cluster
    by_county: pd.DataFrame           # households per county × cluster
    features: list[str] = field(default_factory=list)
    cost: float = float("nan")


def typology_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The clustering features of a diagnosis table (indicators + features)."""
    need = {"household_id", "size", "n_children", "n_elderly", "n_working_age", "head_age",
            "n_migrant", "n_jobs", "n_normal_labour", "n_serious", "n_chronic", "n_disabled",
            "land_mu", "rural_hukou", "public_payroll_member", "owns_company"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ConfigError(f"the household table lacks {', '.join(missing)}", where="typology",
                          fix="build it with jingzhun.diagnosis.features.diagnosis_table")
    f = pd.DataFrame({"household_id": table["household_id"].to_numpy()})
    for c in ("size", "n_children", "n_elderly", "n_working_age", "n_migrant", "n_jobs",
              "n_normal_labour"):
        f[c] = pd.to_numeric(table[c], errors="coerce").fillna(0).to_numpy(float)
    f["head_age"] = pd.to_numeric(table["head_age"], errors="coerce").fillna(
        table["head_age"].median()).to_numpy(float)
    f["n_sick_or_disabled"] = (table["n_serious"] + table["n_chronic"]
                               + table["n_disabled"]).fillna(0).to_numpy(float)
    f["land_mu"] = pd.to_numeric(table["land_mu"], errors="coerce").fillna(0).to_numpy(float)
    f["rural_hukou"] = table["rural_hukou"].fillna(False).astype(bool).map(
        {True: "rural", False: "urban"}).to_numpy()
    f["payroll_or_company"] = (table["public_payroll_member"].fillna(False).astype(bool)
                               | table["owns_company"].fillna(False).astype(bool)).map(
        {True: "yes", False: "no"}).to_numpy()
    if "county_code" in table.columns:
        f["county_code"] = table["county_code"].to_numpy()
    return f


def cluster_households(table: pd.DataFrame, k: int = 7, *, sample: int = 20000,
                       seed: int = 0, n_init: int = 3) -> TypologyResult:
    """k-prototypes on standardised numeric features and categorical features, fitted on a
    sample of at most ``sample`` households (seeded) and applied to all."""
    from kmodes.kprototypes import KPrototypes

    f = typology_frame(table)
    if len(f) < k:
        raise ConfigError(f"{len(f)} households cannot make {k} clusters", where="typology",
                          fix="lower k or use a larger area")
    num = f[list(NUMERIC)].to_numpy(float)
    mu, sd = num.mean(axis=0), num.std(axis=0)
    sd[sd == 0] = 1.0
    z = (num - mu) / sd
    cat = f[list(CATEGORICAL)].to_numpy(object)
    x = np.concatenate([z, cat], axis=1).astype(object)
    cat_idx = list(range(len(NUMERIC), len(NUMERIC) + len(CATEGORICAL)))
    rng = np.random.default_rng(seed)
    fit_rows = rng.choice(len(f), size=min(sample, len(f)), replace=False)
    model = KPrototypes(n_clusters=k, init="Cao", n_init=n_init, max_iter=50,
                        random_state=seed, n_jobs=1)
    model.fit(x[fit_rows], categorical=cat_idx)
    labels = model.predict(x, categorical=cat_idx)
    # number clusters by size (0 = largest) so output is stable and readable
    order = pd.Series(labels).value_counts().index.tolist()
    relabel = {old: new for new, old in enumerate(order)}
    labels = np.array([relabel[v] for v in labels])
    f["cluster"] = labels
    return TypologyResult(
        labels=pd.Series(labels, index=f["household_id"].to_numpy(), name="cluster"),
        profiles=profile_clusters(f), by_county=_by_county(f),
        features=[*NUMERIC, *CATEGORICAL], cost=float(model.cost_))


def _describe(row: pd.Series, overall: pd.Series) -> str:
    """A short English description: the features most above/below the overall mean."""
    rel = ((row - overall) / overall.replace(0, np.nan)).dropna()
    hi = [f"more {c}" for c in rel.sort_values(ascending=False).index[:2] if rel[c] > 0.25]
    lo = [f"fewer {c}" for c in rel.sort_values().index[:2] if rel[c] < -0.25]
    return ", ".join(hi + lo) or "close to the average"


def profile_clusters(f: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: households, share, mean of each numeric feature, share of each category."""
    g = f.groupby("cluster")
    prof = g[list(NUMERIC)].mean().round(2)
    prof.insert(0, "households", g.size())
    prof.insert(1, "share", (g.size() / len(f)).round(4))
    prof["rural_share"] = g["rural_hukou"].apply(lambda s: float((s == "rural").mean())).round(3)
    prof["payroll_or_company_share"] = g["payroll_or_company"].apply(
        lambda s: float((s == "yes").mean())).round(3)
    overall = f[list(NUMERIC)].mean()
    prof["description_en"] = [_describe(prof.loc[c, list(NUMERIC)], overall) for c in prof.index]
    return prof.reset_index()


def _by_county(f: pd.DataFrame) -> pd.DataFrame:
    if "county_code" not in f.columns:
        return pd.DataFrame()
    return pd.crosstab(f["county_code"], f["cluster"]).rename(columns=lambda c: f"cluster_{c}")
