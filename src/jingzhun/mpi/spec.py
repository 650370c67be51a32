"""MPI configurations as YAML files: indicators (column, cutoff, weight, direction) and k.

Shipped configurations live in ``jingzhun/mpi/configs/``; ``load_spec`` accepts a path or the
name of a shipped configuration (``global-mpi``, ``cn-two-assurances``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jingzhun.errors import ConfigError
from jingzhun.mpi import Indicator, MPISpec, _number


def shipped_specs() -> list[str]:
    folder = resources.files("jingzhun.mpi") / "configs"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_spec(name_or_path: str | Path, k: float | None = None) -> MPISpec:
    path = Path(name_or_path)
    if path.exists():
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        res = resources.files("jingzhun.mpi") / "configs" / f"{name_or_path}.yaml"
        if not res.is_file():
            raise ConfigError(
                f"no MPI specification {str(name_or_path)!r}", where="--spec",
                fix=f"give a YAML file or one of: {', '.join(shipped_specs())}",
            )
        text, where = res.read_text(encoding="utf-8"), f"jingzhun/mpi/configs/{name_or_path}.yaml"
    try:
        data: dict[str, Any] = yaml.safe_load(text)
        indicators = tuple(
            Indicator(
                column=str(i["column"]), cutoff=float(i["cutoff"]),
                weight=_number(str(i["weight"])), label=i.get("label_en"),
                direction=i.get("direction", "below"), cardinal=bool(i.get("cardinal", True)),
            )
            for i in data["indicators"]
        )
        return MPISpec(
            indicators=indicators, k=k if k is not None else _number(str(data["k"])),
            name=data.get("name_en"), reference=data.get("reference"),
        )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"MPI specification is malformed: {exc!r}", where=where,
            fix="each indicator needs column, cutoff and weight; the file needs k",
        ) from exc
