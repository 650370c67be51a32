"""Data sharing and privacy-preserving open data (数据开放共享), docs/sharing.md.

``catalogue`` (GB/T 21063-style metadata as data), ``exchange`` + ``search`` (releases with
purpose, minimum fields, HMAC pseudonyms, rate limits, a release log; DCI-style registry
search), ``router`` (FastAPI), ``suppression`` (primary + secondary small-cell suppression,
MILP with HiGHS, LP audit), ``dp`` (OpenDP counts and means with accuracy intervals),
``ledger`` (release log, ε budget per dataset), ``microdata`` (k-anonymity, ℓ-diversity).
"""

from __future__ import annotations

from jingzhun.sharing.catalogue import catalogue_json, load_catalogue, resource_for_path
from jingzhun.sharing.errors import (AccessDenied, AnonymityError, BudgetExceeded, RateLimited,
                                     SharingConfigError, SharingError)
from jingzhun.sharing.pseudonym import derive_key, pseudonym
from jingzhun.sharing.settings import SharingSettings

__all__ = ["AccessDenied", "AnonymityError", "BudgetExceeded", "RateLimited", "SharingConfigError",
           "SharingError", "SharingSettings", "catalogue_json", "derive_key", "load_catalogue",
           "pseudonym", "resource_for_path"]
