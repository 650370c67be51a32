"""Term frequencies of names: observed, or surname × given name when that is larger."""

from __future__ import annotations

import pandas as pd
import pytest

from jingzhun.linkage.frequencies import empirical_tf, name_tf_table


def test_empirical_tf():
    assert empirical_tf(pd.Series(["a", "a", "b", None])).to_dict() == {"a": 2 / 3, "b": 1 / 3}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张芳", 0.21),  # observed 1/10 < 张 7/10 × 芳 3/10: common parts lift it
        ("张伟", 0.1),  # observed 1/10 > 张 7/10 × 伟 1/10
        ("王芳", 0.2),  # observed 2/10 > 王 2/10 × 芳 3/10
        ("张兰", 0.3),  # observed 3/10 > 7/10 × 3/10
        ("李娜", 0.1),  # observed 1/10 > 1/10 × 1/10
    ],
)
def test_name_tf_table(name, expected):
    names = ["张伟", "张芳", "王芳", "王芳", "张兰", "张兰", "张兰", "李娜", "张军", "张军"]
    surname = [n[0] for n in names]
    given = [n[1:] for n in names]
    table = name_tf_table(pd.Series(names), pd.Series(surname), pd.Series(given), "name")
    assert list(table.columns) == ["name", "tf_name"]
    tf = dict(zip(table["name"], table["tf_name"], strict=True))
    assert tf[name] == pytest.approx(expected)
