"""Integration tests use the session fixtures of ``tests/synthetic_province.py`` (registered by
the root conftest); ``jingzhun`` runs the installed CLI."""

from synthetic_province import MONTHS, SCALE, SEED, jingzhun  # noqa: F401
