"""Display masks for personal data (GB/T 35273-2020; domain.md §8).

>>> mask_id("520402195003151736")
'520402********1736'
>>> mask_phone("13912345678")
'139****5678'
>>> mask_account("6217001234567890123")
'************0123'
"""

from __future__ import annotations


def mask_id(value: str | None) -> str | None:
    """ID numbers: first 6 and last 4 characters kept (the common display mask)."""
    if not value:
        return None
    v = str(value)
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return None
    v = str(value)
    return v[:3] + "****" + v[-4:] if len(v) >= 11 else "*" * len(v)


def mask_account(value: str | None) -> str | None:
    """Bank accounts: only the last 4 digits."""
    if not value:
        return None
    v = str(value)
    return "*" * max(0, len(v) - 4) + v[-4:]
