"""The append-only, hash-chained audit log of sensitive views and workflow actions.

Entry *n* stores ``hash = SHA-256(prev_hash ‖ canonical JSON of its fields)`` with
``prev_hash`` the hash of entry *n−1* (64 zeros for the first). Ids run 1, 2, 3, … without
gaps, and ``web_audit_head`` holds the number of entries and the last hash. ``verify``
recomputes the chain: an edited entry breaks its own hash, a deleted one leaves a gap and a
broken link, a deleted last entry disagrees with the head. (Someone who can rewrite the whole
table *and* the head can forge it: copy ``verify``'s last hash somewhere else — a printed
report, another system — to anchor it.)

``jingzhun audit verify --workspace W`` runs ``verify`` on the workspace's store.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

from jingzhun.web.store import AuditEntry, AuditHead, iso, now_utc

GENESIS = "0" * 64


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": e.at, "username": e.username, "role": e.role, "action": e.action,
            "subject": e.subject, "purpose": e.purpose, "details": e.details}


def append(factory: sessionmaker, *, username: str, role: str, action: str, subject: str,
           purpose: str, details: dict[str, Any] | None = None, attempts: int = 50) -> int:
    """Append one entry; returns its id.

    Writers are serialised on the head row: ``SELECT … FOR UPDATE`` on PostgreSQL. SQLite has
    no row locks: two writers may read the same head, and the second then fails on the
    duplicate id or on a stale snapshot ("database is locked"). Such a collision is rolled back
    and retried (up to ``attempts`` times with a growing, jittered pause), so concurrent writes
    never fork or break the chain."""
    for attempt in range(attempts):
        try:
            return _append_once(factory, username=username, role=role, action=action, subject=subject,
                                purpose=purpose, details=details)
        except (IntegrityError, OperationalError) as exc:
            if attempt == attempts - 1 or not _is_collision(exc):
                raise
            time.sleep(random.uniform(0.002, 0.01) * (1 + min(attempt, 10)))
    raise AssertionError("unreachable")  # pragma: no cover


def _is_collision(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, IntegrityError) or "locked" in text or "busy" in text \
        or "could not serialize" in text or "deadlock" in text


def _append_once(factory: sessionmaker, *, username: str, role: str, action: str, subject: str,
                 purpose: str, details: dict[str, Any] | None) -> int:
    with factory() as s, s.begin():
        head = s.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
        if head is None:
            head = AuditHead(id=1, entries=0, last_hash=GENESIS)
            s.add(head)
            s.flush()
        e = AuditEntry(id=head.entries + 1, at=iso(now_utc()), username=username, role=role, action=action,
                       subject=subject, purpose=purpose,
                       details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
                       prev_hash=head.last_hash, hash="")
        e.hash = entry_hash(e.prev_hash, _fields(e))
        s.add(e)
        head.entries, head.last_hash = e.id, e.hash
        return e.id


@dataclass
class Verification:
    ok: bool
    entries: int
    last_hash: str
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "last_hash": self.last_hash, "problems": self.problems}


def verify(factory: sessionmaker) -> Verification:
    """Recompute the chain; every problem names the entry and what is wrong with it."""
    problems: list[str] = []
    prev, expected_id, n = GENESIS, 1, 0
    with factory() as s:
        for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            n += 1
            if e.id != expected_id:
                problems.append(f"entry {expected_id}..{e.id - 1} missing (deleted?) before entry {e.id}")
            if e.prev_hash != prev:
                problems.append(f"entry {e.id}: link to the previous entry broken")
            if entry_hash(e.prev_hash, _fields(e)) != e.hash:
                problems.append(f"entry {e.id}: contents do not match its hash (edited?)")
            prev, expected_id = e.hash, e.id + 1
        head = s.get(AuditHead, 1)
    if head is not None and (head.entries != expected_id - 1 or head.last_hash != prev):
        problems.append(f"the head records {head.entries} entries ending {head.last_hash[:12]}…, the log "
                        f"ends at entry {expected_id - 1} ({prev[:12]}…): entries deleted at the end?")
    if head is None and n:
        problems.append("the head is missing")
    return Verification(not problems, n, prev, problems)


def recent(factory: sessionmaker, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    with factory() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
        return [{**_fields(e), "details": json.loads(e.details), "hash": e.hash} for e in rows]
