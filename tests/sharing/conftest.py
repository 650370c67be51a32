"""Sharing tests reuse the integration fixtures (scale 0.0005, 12 months, seed 7)."""

from __future__ import annotations

import pytest


KEY = "k" * 16 + "test-only-pseudonym-key-0123456789"


@pytest.fixture
def sharing_env(monkeypatch):
    """A pseudonym key in the environment, as a deployment sets it."""
    monkeypatch.setenv("JINGZHUN_SHARING_PSEUDONYM_KEY", KEY)
    return KEY
