"""Errors of data sharing: each says what was refused, where, and how to fix it."""

from __future__ import annotations

from jingzhun.errors import ConfigError, JingzhunError


class SharingError(JingzhunError):
    """A release, request or catalogue that cannot be served as asked."""


class SharingConfigError(SharingError, ConfigError):
    """Sharing settings, agreements or the catalogue are unusable (e.g. no pseudonym key)."""


class AccessDenied(SharingError):
    """The recipient has no agreement for this resource and purpose, or asks for more fields."""


class RateLimited(SharingError):
    """The recipient sent more requests in the window than its agreement allows."""


class BudgetExceeded(SharingError):
    """A differentially private release would spend more ε than is left on the dataset."""


class AnonymityError(SharingError):
    """A k-anonymous (ℓ-diverse) release cannot be reached with the hierarchies given."""


__all__ = ["AccessDenied", "AnonymityError", "BudgetExceeded", "RateLimited", "SharingConfigError",
           "SharingError"]
