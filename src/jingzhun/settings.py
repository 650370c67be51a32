"""One typed settings object, loadable from a file or the environment.

Precedence: explicit arguments > environment (``JINGZHUN_<FIELD>``) > ``settings.yaml`` in the
workspace > defaults.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from jingzhun.errors import ConfigError

ENV_PREFIX = "JINGZHUN_"


class Settings(BaseModel):
    """Run-time settings of one workspace."""

    model_config = ConfigDict(extra="forbid")

    engine: Literal["duckdb", "spark"] = Field("duckdb", description="table engine")
    threads: int | None = Field(None, description="engine threads (None: all cores)")
    memory_limit: str | None = Field(None, description="engine memory limit, e.g. '16GB'")
    default_memory_limit: str = Field(
        "8GB", description="DuckDB memory limit per connection, or the Spark driver's memory on "
        "a local master, when memory_limit is not set (DuckDB spills to temp_directory beyond "
        "it instead of growing)")
    temp_directory: str | None = Field(
        None, description="where DuckDB spills (None: '_spill' in the workspace, else the "
        "system temporary folder)")
    spark_master: str = Field("local[*]", description="Spark master URL (engine=spark)")

    @classmethod
    def load(cls, workspace: Path | None = None, **overrides: object) -> Settings:
        path = Path(workspace) / "settings.yaml" if workspace is not None else None
        values = layered_values(path, ENV_PREFIX, cls.model_fields, overrides, ConfigError,
                                what="settings file", example="engine: duckdb")
        try:
            return cls.model_validate(values)
        except Exception as exc:  # pydantic.ValidationError
            raise ConfigError(
                "invalid settings", where=str(workspace or "environment"), fix=str(exc)
            ) from exc


def read_yaml_mapping(path: Path, error: type[Exception], *, what: str, example: str) -> dict:
    """The mapping in a YAML settings file (empty when the file is empty); ``error`` (a
    ``JingzhunError`` subclass) names the file when it is not valid YAML or not a mapping."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise error(f"{what} is not valid YAML", where=str(path), fix=str(exc)) from exc
    if not isinstance(loaded, dict):
        raise error(f"{what} must be a mapping", where=str(path),
                    fix=f"write 'key: value' lines, e.g. '{example}'")
    return loaded


def layered_values(path: Path | None, env_prefix: str, fields: Iterable[str],
                   overrides: dict[str, object], error: type[Exception], *, what: str,
                   example: str, check_file: Callable[[dict, Path], None] | None = None
                   ) -> dict[str, object]:
    """Settings values by precedence: ``overrides`` (None ignored) > environment
    (``<env_prefix><FIELD>``) > the YAML file at ``path`` (when it exists; ``check_file`` may
    refuse what it holds) — the shared loader of every settings object."""
    values: dict[str, object] = {}
    if path is not None and path.exists():
        loaded = read_yaml_mapping(path, error, what=what, example=example)
        if check_file is not None:
            check_file(loaded, path)
        values.update(loaded)
    for name in fields:
        env = os.environ.get(env_prefix + name.upper())
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    return values
