"""Load department contracts from YAML and match source files to them."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from jingzhun.contracts.model import Contract
from jingzhun.errors import ContractError

_HINTS = {
    "extra_forbidden": "remove the key or fix its spelling (allowed keys are listed in "
    "docs/contracts.md)",
    "missing": "add the key",
    "literal_error": "use one of the allowed values",
}


def _loc(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                src = node[item].get("source") or node[item].get("field")
                if src:
                    label = f"[{item}] (source {src})"
            parts.append(label)
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def contract_from_dict(data: Any, source: str) -> Contract:
    """Validate one parsed YAML document; raise ContractError naming the file and key."""
    if not isinstance(data, dict):
        raise ContractError(
            "a contract must be a YAML mapping (department:, files:, columns: ...)",
            where=source,
            fix="start from the example in docs/contracts.md",
        )
    try:
        contract = Contract.model_validate(data)
    except ValidationError as exc:
        problems = []
        fixes = []
        for err in exc.errors():
            problems.append(f"key {_loc(err['loc'], data)}: {err['msg']}")
            hint = _HINTS.get(err["type"])
            if hint and hint not in fixes:
                fixes.append(hint)
        raise ContractError(
            "invalid contract: " + "; ".join(problems),
            where=source,
            fix="; ".join(fixes) or "correct the keys above (see docs/contracts.md)",
        ) from None
    return contract.model_copy(update={"source_path": source})


def load_contract_file(path: Path) -> Contract:
    """Load and validate one contract YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"cannot read contract: {exc}", where=str(path),
                            fix="save the file as UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        raise ContractError(f"YAML syntax error: {getattr(exc, 'problem', exc)}", where=where,
                            fix="check indentation and quoting near that line") from None
    contract = contract_from_dict(data, str(path))
    if path.stem != contract.department:
        raise ContractError(
            f"file name {path.name!r} does not match department {contract.department!r}",
            where=str(path),
            fix=f"rename the file to {contract.department}.yaml or correct `department`",
        )
    return contract


def _default_directory() -> Path:
    return Path(str(resources.files("jingzhun.contracts").joinpath("departments")))


def load_contracts(directory: Path | str | None = None) -> dict[str, Contract]:
    """All contracts in ``directory`` (default: the package's ``contracts/departments/``),
    keyed by department code, in sorted order."""
    folder = Path(directory) if directory is not None else _default_directory()
    if not folder.is_dir():
        raise ContractError("contract folder not found", where=str(folder),
                            fix="pass the folder that holds <department>.yaml files")
    contracts: dict[str, Contract] = {}
    for path in sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))):
        contract = load_contract_file(path)
        if contract.department in contracts:
            raise ContractError(
                f"department {contract.department!r} is declared twice",
                where=f"{contracts[contract.department].source_path} and {path}",
                fix="keep one contract per department",
            )
        contracts[contract.department] = contract
    return contracts


@lru_cache(maxsize=256)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """File pattern → regex: ``{period}`` = 6 digits (YYYYMM), ``*`` = anything."""
    out = []
    for token in re.split(r"(\{period\}|\*)", pattern):
        if token == "{period}":
            out.append(r"(?P<period>\d{6})")
        elif token == "*":
            out.append(r".*")
        else:
            out.append(re.escape(token))
    return re.compile("".join(out), re.IGNORECASE)


def match_file(
    rel_path: str, contracts: dict[str, Contract] | None = None
) -> tuple[Contract, str | None]:
    """The contract for a source file and its extract period (``YYYY-MM`` or None).

    ``rel_path`` is relative to the source folder: ``<department>/<file name>``.

    """
    if contracts is None:
        contracts = load_contracts()
    parts = PurePosixPath(rel_path.replace("\\", "/")).parts
    if len(parts) < 2:
        raise ContractError(
            "a source file must sit in its department's folder",
            where=rel_path,
            fix="put it under <department>/ (known: " + ", ".join(sorted(contracts)) + ")",
        )
    department = parts[0]
    contract = contracts.get(department)
    if contract is None:
        raise ContractError(
            f"no contract for folder {department!r}",
            where=rel_path,
            fix="move the file to a known department folder ("
            + ", ".join(sorted(contracts))
            + f") or add src/jingzhun/contracts/departments/{department}.yaml",
        )
    rx = pattern_regex(contract.files.pattern)
    rest = "/".join(parts[1:])
    m = rx.fullmatch(rest) or rx.fullmatch(parts[-1])
    if m is None:
        raise ContractError(
            f"file name does not match the {department} contract pattern "
            f"{contract.files.pattern!r}",
            where=rel_path,
            fix="rename the file (e.g. " + contract.files.pattern.replace("{period}", "202401")
            + ") or update files.pattern in the contract",
        )
    period = None
    if "period" in rx.groupindex and m.group("period"):
        raw = m.group("period")
        if not 1 <= int(raw[4:]) <= 12:
            raise ContractError(f"period {raw!r} in the file name is not a month (YYYYMM)",
                                where=rel_path, fix="name the file with the extract month, "
                                "e.g. 202401")
        period = f"{raw[:4]}-{raw[4:]}"
    return contract, period


def _yaml_dump(contract: Contract) -> str:  # pragma: no cover - convenience for docs
    return yaml.safe_dump(contract.model_dump(exclude_none=True), allow_unicode=True,
                          sort_keys=False)
