"""One root exception for the platform, with domain subclasses.

Messages say what failed, where (file, row, column, table, SQL) and how to fix it.
"""

from __future__ import annotations


class JingzhunError(Exception):
    """Root of every error Jingzhun raises on purpose."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        parts = [what]
        if where:
            parts.append(f"where: {where}")
        if fix:
            parts.append(f"how to fix: {fix}")
        super().__init__("; ".join(parts))


class ConfigError(JingzhunError):
    """Settings, contracts or packs that cannot be used as written."""


class ContractError(ConfigError):
    """A department contract is malformed or does not match a file."""


class IngestError(JingzhunError):
    """A source file could not be read at all (individual bad rows are quarantined instead)."""


class EngineError(JingzhunError):
    """The table engine failed; carries the table name and the SQL when known."""


class WorkspaceError(JingzhunError):
    """A workspace folder is missing, locked or inconsistent."""


class PipelineError(JingzhunError):
    """A pipeline stage failed or its declaration is inconsistent."""
