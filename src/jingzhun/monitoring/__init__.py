"""Dynamic monitoring (动态监测): fund supervision, monthly warnings, verification workflow.

- ``funds``: anomalies in the one-card assistance payments, each with its evidence.
- ``warnings``: monthly warnings from the cn-2021 department rules and the risk scores.
- ``workflow``: the verification workflow (SQLAlchemy 2; SQLite by default, PostgreSQL).

See docs/monitoring.md.
"""

from jingzhun.monitoring.errors import MonitoringError, TransitionError

__all__ = ["MonitoringError", "TransitionError"]
