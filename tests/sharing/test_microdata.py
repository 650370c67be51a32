"""Research microdata: k-anonymous and ℓ-diverse, confirmed by the outside checker pycanon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.sharing.errors import AnonymityError
from jingzhun.sharing.microdata import Hierarchy, anonymise, household_microdata, load_spec

try:  # pycanon pins numpy==2.0.2 in its metadata; it is installed with --no-deps (docs/sharing.md)
    from pycanon import anonymity
except ImportError as exc:  # a missing checker must fail the suite, not skip it
    raise ImportError("pycanon is needed by the sharing tests: "
                      ".venv/bin/pip install --no-deps pycanon==1.3.6") from exc


@pytest.mark.parametrize("h, values, level, want", [
    (Hierarchy("area", "area_code", (12, 9, 6, 4, 2)), ["520102001001"], 2, ["520102"]),
    (Hierarchy("age", "bands", (1, 5, 10, 20, "*"), 80), [37, 84], 1, ["35-39", "≥80"]),
    (Hierarchy("age", "bands", (1, 5, 10, 20, "*"), 80), [37], 4, ["*"]),
    (Hierarchy("sex", "values", ("value", "*")), ["male"], 0, ["male"]),
    (Hierarchy("sex", "values", ("value", "*")), ["male"], 1, ["*"]),
])
def test_hierarchies(h, values, level, want):
    assert h.generalise(pd.Series(values), level).tolist() == want


@pytest.fixture(scope="module")
def frame(identified):
    # the latest month the identify stage ran for: not the latest households_* file, which
    # another test's `identify --period 2021-03` on the shared workspace may have added
    from jingzhun.workspace import Workspace

    stages = Workspace(identified, create=False).read_state("stages", {})
    return household_microdata(identified, max(stages["identify"]["summary"]["periods"]))


@pytest.mark.parametrize("k, l", [(5, None), (5, 2), (10, None)])
def test_release_passes_pycanon(frame, k, l):
    rel = anonymise(frame, load_spec(), k=k, l=l)
    assert anonymity.k_anonymity(rel.data, rel.qis) >= k
    if l:
        assert anonymity.l_diversity(rel.data, rel.qis, ["status_cn2014"]) >= l
    loss = rel.loss
    assert loss["suppressed_rows"] == len(frame) - len(rel.data)
    assert loss["suppressed_share"] <= 0.05
    assert 0 <= loss["precision_loss"] <= 1 and loss["min_class_size"] >= k
    assert "head_age" in rel.data and "household_id" not in rel.data


def test_raw_frame_is_not_k_anonymous(frame):
    """The check can fail: the ungeneralised frame has unique households."""
    qis = ["area", "head_age", "head_sex", "size", "income_per_capita_yuan"]
    assert anonymity.k_anonymity(frame.fillna({"head_sex": "?"}).astype(str), qis) < 5


def test_impossible_request_is_refused():
    df = pd.DataFrame({"area": ["520102001001"] * 3, "head_age": [30, 40, 50], "head_sex": ["m"] * 3,
                       "size": [1, 2, 3], "income_per_capita_yuan": [1, 2, 3],
                       "status_cn2014": ["a"] * 3, "dibao": [False] * 3, "on_roll": [False] * 3,
                       "housing_safe": [True] * 3, "water_safe": [True] * 3})
    with pytest.raises(AnonymityError, match="no generalisation reaches k=5"):
        anonymise(df, load_spec(), k=5)
    with pytest.raises(AnonymityError, match="ℓ=2"):
        anonymise(pd.concat([df] * 3), load_spec(), k=5, l=2)   # one status only
    assert np.isfinite(anonymise(pd.concat([df] * 3), load_spec(), k=5).loss["ncp"])


def test_weights_steer_what_is_kept(frame):
    import dataclasses

    spec = load_spec()
    uniform = anonymise(frame, spec, k=5)
    heavy = dataclasses.replace(spec, hierarchies=[
        dataclasses.replace(h, weight=10.0 if h.name == "area" else 1.0) for h in spec.hierarchies])
    steered = anonymise(frame, heavy, k=5)
    assert steered.levels["area"] < uniform.levels["area"]
    assert anonymity.k_anonymity(steered.data, steered.qis) >= 5
