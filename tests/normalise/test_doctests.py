"""The runnable examples in the normalisers' docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["jingzhun.normalise.idcard", "jingzhun.normalise.dates", "jingzhun.normalise.numeric",
           "jingzhun.normalise.codes", "jingzhun.normalise.text"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0
