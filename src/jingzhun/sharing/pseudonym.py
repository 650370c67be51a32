"""Keyed pseudonyms: HMAC-SHA256 with a key derived per recipient and purpose.

A plain hash of an 18-digit ID is reversible by brute force (only ~10^11 values exist), so a
release carries ``HMAC(k_rp, id)`` where ``k_rp = HMAC(master, recipient ∥ purpose)``. The same
person gets the same pseudonym in every release to one recipient for one purpose (so the
recipient can follow a household over months) and unrelated pseudonyms for anyone else (so two
recipients cannot join their releases). Pseudonymised data is still personal data (PIPL Art. 73).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import pandas as pd

PSEUDONYM_CHARS = 24  # 96 bits: collisions are negligible below 10^12 identifiers


def derive_key(master: bytes, recipient: str, purpose: str) -> bytes:
    """The key of one (recipient, purpose) pair, derived from the master key."""
    label = f"jingzhun-pseudonym\x1f{recipient}\x1f{purpose}".encode()
    return hmac.new(master, label, hashlib.sha256).digest()


def pseudonym(key: bytes, identifier: str) -> str:
    """One identifier's pseudonym under a derived key.

    >>> k = derive_key(b"m" * 32, "civil_affairs", "dibao_check")
    >>> pseudonym(k, "520102199001011234") == pseudonym(k, "520102199001011234")
    True
    """
    mac = hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
    return mac[:PSEUDONYM_CHARS]


def pseudonymise(values: Iterable[object], key: bytes) -> list[str | None]:
    """Pseudonyms of a column; missing values stay missing."""
    out: list[str | None] = []
    for v in values:
        out.append(None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA
                   else pseudonym(key, str(v)))
    return out


__all__ = ["PSEUDONYM_CHARS", "derive_key", "pseudonym", "pseudonymise"]
