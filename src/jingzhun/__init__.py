"""Jingzhun (精准): precision poverty governance from departments' data."""

from __future__ import annotations

__version__ = "0.1.0"
