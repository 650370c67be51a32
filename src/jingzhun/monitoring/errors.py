"""Errors of the monitoring package (what, where, how to fix)."""

from __future__ import annotations

from jingzhun.errors import JingzhunError


class MonitoringError(JingzhunError):
    """Monitoring inputs or configuration that cannot be used as they are."""


class TransitionError(MonitoringError):
    """A workflow transition that the state machine refuses."""
