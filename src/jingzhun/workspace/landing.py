"""Landing: copy source files byte for byte into the raw zone and record them in the manifest.

A file is identified by its path relative to the departments folder; its content by SHA-256.
Landing the same content again changes nothing. A changed file replaces the active copy; the
earlier copy moves to ``raw/_superseded/<sha12>/`` (nothing is lost).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jingzhun.errors import IngestError
from jingzhun.hashing import sha256_file
from jingzhun.workspace import Workspace

IGNORED_NAMES = {"synth.json", ".DS_Store", "Thumbs.db"}


def departments_root(source: Path) -> Path:
    """A synthetic province keeps its extracts under ``departments/``; a plain folder is used as is."""
    source = Path(source)
    if not source.exists():
        raise IngestError(
            "source folder does not exist", where=str(source),
            fix="pass --source the folder that holds one sub-folder per department",
        )
    sub = source / "departments"
    return sub if sub.is_dir() else source


def iter_source_files(root: Path) -> list[tuple[str, Path]]:
    """(relative posix path, path) of every file below ``root``, sorted, hidden files skipped."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.name in IGNORED_NAMES:
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        out.append((rel.as_posix(), path))
    return out


def _copy_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.tmp")
    try:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        if tmp.exists():
            tmp.unlink()


def land(ws: Workspace, source: Path, *, include: Callable[[str], bool] | None = None) -> list[dict[str, Any]]:
    """Land every file of ``source`` into ``ws``'s raw zone; returns one record per file.
    ``include(rel)`` (optional) selects the files to land, e.g. one month's extracts."""
    root = departments_root(source)
    manifest = ws.read_state("manifest", {"files": {}})
    files: dict[str, Any] = manifest["files"]
    results = []
    for rel, path in iter_source_files(root):
        if include is not None and not include(rel):
            continue
        digest = sha256_file(path)
        entry = files.get(rel)
        if entry is not None and entry["sha256"] == digest:
            results.append({"file": rel, "status": "unchanged", "sha256": digest})
            continue
        raw_path = ws.zone("raw") / rel
        if entry is not None and raw_path.exists():
            old = ws.zone("raw") / "_superseded" / entry["sha256"][:12] / rel
            _copy_atomic(raw_path, old)
        _copy_atomic(path, raw_path)
        files[rel] = {
            "sha256": digest,
            "size": path.stat().st_size,
            "raw": str(Path("raw") / rel),
            "status": "landed",
        }
        ws.write_state("manifest", manifest)
        results.append({"file": rel, "status": "updated" if entry else "new", "sha256": digest})
    return results
