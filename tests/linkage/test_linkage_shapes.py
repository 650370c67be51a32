"""The similar-shape character table (形近字) and the shape key."""

from __future__ import annotations

import collections

import pytest

from jingzhun.linkage.chinese import to_simplified
from jingzhun.linkage.shapes import same_shape, shape_fold, shape_groups, shape_keys


def test_table_is_well_formed():
    groups = shape_groups()
    chars = collections.Counter(ch for g in groups for ch in g)
    assert len(groups) >= 150
    assert sum(len(g) * (len(g) - 1) // 2 for g in groups) >= 250  # confusable pairs
    assert max(chars.values()) == 1  # each character in one group only
    assert all(to_simplified(ch) == ch for ch in chars)  # simplified only (folded first)


@pytest.mark.parametrize(
    ("a", "b"),
    [("王", "玉"), ("未", "末"), ("己", "已"), ("己", "巳"), ("天", "夭"), ("土", "士"),
     ("日", "曰"), ("刀", "力"), ("人", "入"), ("大", "太"), ("大", "犬"), ("贝", "见"),
     ("余", "佘"), ("贾", "贯"), ("沈", "沉"), ("寨", "塞")],
)
def test_confusable_pairs_share_a_key(a, b):
    assert same_shape(a, b) is True
    assert shape_fold(a) == shape_fold(b)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("王", "汪", False), ("张", "章", False), ("王明", "玉明", True), ("王明", "王", False),
     (None, "王", None)],
)
def test_same_shape(a, b, expected):
    assert same_shape(a, b) is expected


def test_shape_keys_vectorised():
    assert shape_keys(["玉明", None, "李已"]).to_pylist() == ["王明", None, "李己"]
