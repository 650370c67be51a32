"""Errors of the web platform (subclasses of ``JingzhunError``)."""

from __future__ import annotations

from jingzhun.errors import JingzhunError


class WebError(JingzhunError):
    """The web platform cannot start or serve as configured."""


class AuthError(WebError):
    """Login, session or permission failure (the API answers 401 or 403)."""


class AuditError(WebError):
    """The audit log is broken: an entry was edited, deleted or reordered."""
