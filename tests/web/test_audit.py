"""The audit chain: verify passes on an untouched log and names an edited entry, a deleted
entry in the middle and a deleted last entry; the CLI exits 1 on a broken log."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import delete, update

from jingzhun.web import audit
from jingzhun.web.store import AuditEntry, open_store


def _filled(url: str, n: int = 5):
    factory = open_store(url)
    for i in range(n):
        audit.append(factory, username=f"u{i}", role="county", action="view_sensitive", subject=f"H{i:04d}",
                     purpose="核实 check")
    return factory


@pytest.mark.parametrize("tamper, problem", [
    ("none", None),
    ("edit", "entry 3: contents do not match its hash"),
    ("delete_middle", "entry 3..3 missing"),
    ("delete_last", "entries deleted at the end"),
])
def test_verify_detects_tampering(tmp_path, tamper, problem):
    factory = _filled(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with factory() as s, s.begin():
        if tamper == "edit":
            s.execute(update(AuditEntry).where(AuditEntry.id == 3).values(purpose="nothing to see"))
        elif tamper == "delete_middle":
            s.execute(delete(AuditEntry).where(AuditEntry.id == 3))
        elif tamper == "delete_last":
            s.execute(delete(AuditEntry).where(AuditEntry.id == 5))
    v = audit.verify(factory)
    if problem is None:
        assert v.ok and v.entries == 5 and v.problems == []
    else:
        assert not v.ok and any(problem in p for p in v.problems), v.problems


def test_verify_on_postgresql(app):
    """The app's store (SQLite or PostgreSQL) keeps a valid chain after appends."""
    for i in range(3):
        audit.append(app.state.store, username="t", role="county", action="view_sensitive", subject=f"X{i}",
                     purpose="pg check")
    v = audit.verify(app.state.store)
    assert v.ok and v.entries >= 3
    with app.state.store() as s, s.begin():
        s.execute(update(AuditEntry).where(AuditEntry.id == v.entries).values(username="mallory"))
    v2 = audit.verify(app.state.store)
    assert not v2.ok and v2.problems == [f"entry {v.entries}: contents do not match its hash (edited?)"]
    with app.state.store() as s, s.begin():  # restore for the other tests of the module
        s.execute(update(AuditEntry).where(AuditEntry.id == v.entries).values(username="t"))
    assert audit.verify(app.state.store).ok


def test_cli_audit_verify(tmp_path):
    ws = tmp_path / "w"
    for zone in ("outputs",):
        (ws / zone).mkdir(parents=True)
    factory = _filled(f"sqlite:///{ws / 'outputs' / 'web.sqlite'}", 4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGZHUN_WEB_")}
    ok = subprocess.run([sys.executable, "-m", "jingzhun", "audit", "verify", "--workspace", str(ws), "--json"],
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert '"entries": 4' in ok.stdout and '"ok": true' in ok.stdout
    with factory() as s, s.begin():
        s.execute(delete(AuditEntry).where(AuditEntry.id == 2))
    bad = subprocess.run([sys.executable, "-m", "jingzhun", "audit", "verify", "--workspace", str(ws)],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "entry 2..2 missing" in bad.stdout


def test_concurrent_appends_keep_one_chain(app):
    """8 threads × 10 appends at once on the app's store (SQLite: retried collisions,
    PostgreSQL: row lock): every append lands, ids without gaps, the chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    before = audit.verify(app.state.store).entries

    def worker(t: int) -> list[int]:
        return [audit.append(app.state.store, username=f"t{t}", role="county", action="view_sensitive",
                             subject=f"C{t}-{i}", purpose="concurrency check") for i in range(10)]

    with ThreadPoolExecutor(8) as pool:
        ids = [i for batch in pool.map(worker, range(8)) for i in batch]
    assert sorted(ids) == list(range(before + 1, before + 81))
    v = audit.verify(app.state.store)
    assert v.ok, v.problems
    assert v.entries == before + 80
