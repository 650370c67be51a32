"""Resident identity numbers (公民身份号码, GB 11643-1999).

18 characters = 6-digit area code + 8-digit birth date (YYYYMMDD) + 3-digit sequence
(odd = male) + an ISO 7064 MOD 11-2 check character (0-9 or X). Legacy 15-digit numbers
have a 2-digit year and no check character: they convert by inserting "19" into the year.

Scalar functions for clarity and tests; ``*_array`` functions are vectorised with numpy for
millions of rows.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"  # index = (sum of weighted digits) mod 11
_CHECK_LUT = np.frombuffer(CHECK_CHARS.encode("ascii"), dtype=np.uint8)


def check_char(first17: str) -> str:
    """Check character for the first 17 digits.

    >>> check_char("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * int(w) for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def check_chars_array(first17: np.ndarray) -> np.ndarray:
    """Vectorised check characters: ``first17`` is an (n, 17) uint8 array of digit values.

    Returns an array of dtype ``<U1``.
    """
    idx = (first17.astype(np.int64) @ WEIGHTS) % 11
    return _CHECK_LUT[idx].view("S1").astype("U1")


def is_valid(id18: str) -> bool:
    """True if ``id18`` is 18 characters with a correct check character (upper-case X)."""
    if len(id18) != 18 or not id18[:17].isdigit():
        return False
    return check_char(id18[:17]) == id18[17]


def upgrade_15(id15: str) -> str:
    """Convert a legacy 15-digit number to 18 digits (insert "19", add the check character).

    >>> upgrade_15("110105491231002")
    '11010519491231002X'
    """
    if len(id15) != 15 or not id15.isdigit():
        raise ValueError(f"need 15 digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def digits_matrix(first17: np.ndarray) -> np.ndarray:
    """(n,) array of 17-character ASCII strings → (n, 17) uint8 digit values."""
    raw = np.asarray(first17, dtype="S17")
    return (np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(-1, 17) - ord("0")).astype(
        np.uint8
    )
