"""The examples in the linkage modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "_arrays", "address", "birthdate", "chinese", "cluster", "comparisons", "frequencies",
    "files", "idnumber", "link", "prepare", "settings", "shapes",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"jingzhun.linkage.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
