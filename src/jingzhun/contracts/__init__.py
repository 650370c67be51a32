"""Department data contracts (数据契约): models, loading, matching and pandera schemas."""

from __future__ import annotations

from jingzhun.contracts.loader import (
    contract_from_dict,
    load_contract_file,
    load_contracts,
    match_file,
)
from jingzhun.contracts.model import ColumnSpec, Contract, FileSpec
from jingzhun.contracts.schema import CompiledSchema, compile_schema, run_schema

__all__ = [
    "ColumnSpec",
    "CompiledSchema",
    "Contract",
    "FileSpec",
    "compile_schema",
    "contract_from_dict",
    "load_contract_file",
    "load_contracts",
    "match_file",
    "run_schema",
]
