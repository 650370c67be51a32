"""One typed settings object, loadable from a file or the environment.

Precedence: explicit arguments > environment (``JINGZHUN_<FIELD>``) > ``settings.yaml`` in the
workspace > defaults.
"""

from __future__ import annotations

import os
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
        "8GB", description="DuckDB memory limit per connection when memory_limit is not set "
        "(DuckDB spills to temp_directory beyond it instead of growing)")
    temp_directory: str | None = Field(
        None, description="where DuckDB spills (None: '_spill' in the workspace, else the "
        "system temporary folder)")
    spark_master: str = Field("local[*]", description="Spark master URL (engine=spark)")

    @classmethod
    def load(cls, workspace: Path | None = None, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        if workspace is not None:
            path = Path(workspace) / "settings.yaml"
            if path.exists():
                try:
                    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise ConfigError(
                        "settings file is not valid YAML", where=str(path), fix=str(exc)
                    ) from exc
                if not isinstance(loaded, dict):
                    raise ConfigError(
                        "settings file must be a mapping", where=str(path),
                        fix="write 'key: value' lines, e.g. 'engine: duckdb'",
                    )
                values.update(loaded)
        for name in cls.model_fields:
            env = os.environ.get(ENV_PREFIX + name.upper())
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except Exception as exc:  # pydantic.ValidationError
            raise ConfigError(
                "invalid settings", where=str(workspace or "environment"), fix=str(exc)
            ) from exc
