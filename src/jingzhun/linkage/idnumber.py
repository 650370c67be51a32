"""ID numbers as linkage evidence: near misses, and what an ID says about its holder.

A single mistyped digit or two swapped neighbours make an 18-character ID fail its check
character, so ingestion sets ``id_number`` to null and keeps ``id_number_raw``. For linkage we
still want that raw value: :func:`linkage_id_keys` gives the valid ID when there is one, else
the cleaned raw value if it is shaped like an ID (15-digit values upgraded to 18 characters),
and :func:`id_near_miss` recognises one substitution or one adjacent transposition.

An ID also implies the holder's sex (odd 17th digit = male) and birth date (characters 7–14):
:func:`id_agreement` compares them with the record's own ``sex`` and ``birth_date``. A valid ID
that disagrees (for example a household member's ID typed on the wrong row) is a *conflicting*
ID: such records are resolved probabilistically, not by the exact ID join.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.linkage._arrays import ArrayLike, as_array
from jingzhun.linkage.birthdate import date_parts
from jingzhun.normalise.idcard import (
    birth_dates_from_ids,
    check_char,
    normalise_ids,
    sex_from_ids,
)

EXACT = "exact"
SUBSTITUTION = "substitution"
TRANSPOSITION = "transposition"
DIFFERENT = "different"


def id_near_miss(a: str | None, b: str | None) -> str | None:
    """How two ID strings differ: exact, one substitution, one adjacent transposition, or not.

    >>> id_near_miss("11010519491231002X", "11010519491231002X")
    'exact'
    >>> id_near_miss("11010519491231002X", "11010519491231003X")
    'substitution'
    >>> id_near_miss("11010519491231002X", "11010519492131002X")
    'transposition'
    >>> id_near_miss("11010519491231002X", "110105194912310X"), id_near_miss(None, "1")
    ('different', None)
    """
    if a is None or b is None:
        return None
    if a == b:
        return EXACT
    if len(a) != len(b):
        return DIFFERENT
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return SUBSTITUTION
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[
        diff[1]
    ] == b[diff[0]]:
        return TRANSPOSITION
    return DIFFERENT


def _char_matrix(arr: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Strings of exactly ``width`` ASCII characters → (n, width) uint8 matrix + mask."""
    ok = pc.fill_null(
        pc.and_(pc.equal(pc.utf8_length(arr), width), pc.string_is_ascii(arr)), False
    )
    mask = np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)
    filled = pc.if_else(ok, arr, pa.scalar("\0" * width)).to_pylist()
    mat = np.frombuffer("".join(filled).encode("ascii"), dtype=np.uint8)
    return mat.reshape(len(filled), width), mask


def id_near_misses(left: ArrayLike, right: ArrayLike, width: int = 18) -> pa.Array:
    """Vectorised :func:`id_near_miss` for values of ``width`` characters.

    Values of any other length compare as ``exact`` when equal and ``different`` otherwise.

    >>> id_near_misses(["123456", "123456", None], ["123465", "923456", "1"], width=6).to_pylist()
    ['transposition', 'substitution', None]
    """
    lt, rt = as_array(left), as_array(right)
    if len(lt) != len(rt):
        raise ValueError(f"columns differ in length: {len(lt)} and {len(rt)}")
    lm, lok = _char_matrix(lt, width)
    rm, rok = _char_matrix(rt, width)
    neq = lm != rm
    nd = neq.sum(axis=1)
    swapped = (lm[:, :-1] == rm[:, 1:]) & (lm[:, 1:] == rm[:, :-1]) & neq[:, :-1]
    transposed = (nd == 2) & swapped.any(axis=1)
    same_width = lok & rok
    equal = np.asarray(pc.fill_null(pc.equal(lt, rt), False).to_numpy(zero_copy_only=False))
    code = np.where(
        equal, 0, np.where(same_width & (nd == 1), 1, np.where(same_width & transposed, 2, 3))
    )
    present = np.asarray(pc.and_(pc.is_valid(lt), pc.is_valid(rt)).to_numpy(zero_copy_only=False))
    code = np.where(present, code, 4)
    dictionary = pa.array([EXACT, SUBSTITUTION, TRANSPOSITION, DIFFERENT, None], pa.string())
    return dictionary.take(pa.array(code))


def linkage_id_keys(id_number: ArrayLike, id_number_raw: ArrayLike | None = None) -> pa.Array:
    """The ID value to compare: the valid ID, else the raw value if it is shaped like an ID.

    Raw values are cleaned (spaces, full-width digits, lower-case x); 15-digit values are
    converted to 18 characters even when their date is impossible, so that a mistyped legacy
    ID can still be a near miss of the holder's 18-character ID.

    >>> linkage_id_keys([None, None, "11010519491231002X", None],
    ...                 ["110105194912310021", "110105491231002", None, "n/a"]).to_pylist()
    ['110105194912310021', '11010519491231002X', '11010519491231002X', None]
    """
    ids = as_array(id_number)
    if id_number_raw is None:
        return ids
    cleaned = normalise_ids(as_array(id_number_raw)).cleaned
    is18 = pc.fill_null(pc.match_substring_regex(cleaned, r"^\d{17}[\dX]$"), False)
    is15 = pc.fill_null(pc.match_substring_regex(cleaned, r"^\d{15}$"), False)
    upgraded = [
        (v[:6] + "19" + v[6:] + check_char(v[:6] + "19" + v[6:])) if v else None
        for v in pc.if_else(is15, cleaned, pa.scalar(None, pa.string())).to_pylist()
    ]
    null = pa.scalar(None, pa.string())
    raw_key = pc.if_else(is18, cleaned, pc.if_else(is15, pa.array(upgraded, pa.string()), null))
    return pc.coalesce(ids, raw_key)


class IdAgreement(NamedTuple):
    """Result of :func:`id_agreement`: per row True / False / null (nothing to compare)."""

    sex_agrees: pa.Array
    birth_date_agrees: pa.Array
    conflicting: pa.Array


def id_agreement(ids: ArrayLike, sex: ArrayLike, birth_dates: Any) -> IdAgreement:
    """Compare the sex and birth date an ID implies with the record's own fields.

    ``conflicting`` is True when the ID's sex differs from the record's, or its birth date
    differs by more than a day/month swap (a swap is the record's error, not the ID's).

    >>> import datetime as dt
    >>> r = id_agreement(["11010519491231002X", "11010519491231002X", "11010519491231002X"],
    ...                  ["female", "male", "female"],
    ...                  [dt.date(1949, 12, 31), dt.date(1949, 12, 31), dt.date(1950, 1, 1)])
    >>> r.sex_agrees.to_pylist(), r.birth_date_agrees.to_pylist(), r.conflicting.to_pylist()
    ([True, False, True], [True, True, False], [False, True, True])
    """
    id_arr = as_array(ids)
    implied_sex = sex_from_ids(id_arr)
    sex_agrees = pc.equal(implied_sex, as_array(sex))
    iy, im, idd, iv = date_parts(birth_dates_from_ids(id_arr))
    ry, rm, rd, rv = date_parts(birth_dates)
    same = (iy == ry) & (im == rm) & (idd == rd)
    swap = (iy == ry) & (im == rd) & (idd == rm)
    both = iv & rv
    birth_agrees = pa.array(same, mask=~both)
    birth_conflict = pa.array(~(same | swap), mask=~both)
    conflicting = pc.fill_null(
        pc.or_kleene(pc.invert(sex_agrees), birth_conflict), False
    )
    return IdAgreement(sex_agrees, birth_agrees, conflicting)
