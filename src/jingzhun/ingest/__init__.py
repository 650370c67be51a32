"""Lossless ingestion of department files into the validated zone and the quarantine."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jingzhun.contracts.loader import load_contracts, match_file
from jingzhun.contracts.model import Contract
from jingzhun.errors import ContractError, IngestError
from jingzhun.hashing import sha256_file
from jingzhun.ingest.core import (
    QUARANTINE_SCHEMA,
    FileResult,
    FileValidation,
    accepted_schema,
    ingest_file,
)
from jingzhun.ingest.readers import RawTable, read_raw, sha256_bytes

__all__ = [
    "QUARANTINE_SCHEMA",
    "FileResult",
    "FileValidation",
    "RawTable",
    "accepted_schema",
    "ingest_file",
    "ingest_files",
    "read_raw",
    "sha256_bytes",
]


def ingest_files(
    source_dir: Path | str,
    files: Iterable[Path | str] | None = None,
    *,
    contracts: dict[str, Contract] | None = None,
    skip_sha256: Iterable[str] = (),
) -> tuple[list[FileResult], list[dict[str, Any]]]:
    """Ingest many files under ``source_dir`` (default: every file in its department
    sub-folders, sorted). Returns the results of the files that were read and one summary per
    file: the file's summary, ``{"file", "error"}`` for a file that could not be read or
    matched to a contract, or ``{"file", "skipped", "sha256"}`` for a file whose content hash
    is in ``skip_sha256`` (already ingested)."""
    root = Path(source_dir)
    if contracts is None:
        contracts = load_contracts()
    if files is None:
        paths = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    else:
        paths = [root / p if not Path(p).is_absolute() else Path(p) for p in files]
    skip = set(skip_sha256)
    results: list[FileResult] = []
    summaries: list[dict[str, Any]] = []
    for path in paths:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        try:
            contract, period = match_file(rel, contracts)
            if skip:
                digest = sha256_file(path)
                if digest in skip:
                    summaries.append({"file": rel, "skipped": "already ingested",
                                      "sha256": digest})
                    continue
            result = ingest_file(path, rel, contract, period)
        except (IngestError, ContractError) as exc:
            summaries.append({"file": rel, "error": str(exc)})
            continue
        except OSError as exc:
            summaries.append({"file": rel, "error": f"cannot read file: {exc}"})
            continue
        results.append(result)
        summaries.append(result.summary)
    return results, summaries
