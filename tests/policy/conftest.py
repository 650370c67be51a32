"""Collects the policy cases in ``tests/policy/cases/*.yaml``: one test per case, named by the
sentence a policy officer reads (OpenFisca style)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import yaml

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, dict, dict]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((doc["pack"], doc["defaults"], case))
    return out


def run_case(pack_name: str, defaults: dict, case: dict) -> tuple[str, set[str]]:
    from jingzhun.engine import connect
    from jingzhun.policy.evaluate import evaluate
    from jingzhun.policy.pack import load_pack
    from jingzhun.settings import Settings

    row = {"household_id": 1, **defaults, **case.get("household", {})}
    schema = pa.schema([(k, pa.scalar(v).type if v is not None else pa.int64())
                        for k, v in {"household_id": 1, **defaults}.items()])
    table = pa.Table.from_pylist([row], schema=schema)
    pack = load_pack(pack_name)
    if case.get("reform"):
        pack = pack.reformed(case["reform"])
    engine = connect(Settings())
    try:
        t = engine.con.create_table("households", table, overwrite=True)
        out = evaluate(pack, t, str(case["period"]), engine)
    finally:
        engine.close()
    return out["status"][0].as_py(), set(out["fired"][0].as_py())


class PolicyCase(pytest.Item):
    def __init__(self, *, pack: str, defaults: dict, case: dict, **kw):
        super().__init__(**kw)
        self.pack, self.defaults, self.case = pack, defaults, case

    def runtest(self) -> None:
        status, fired = run_case(self.pack, self.defaults, self.case)
        assert status == self.case["status"], f"status {status!r}, expected {self.case['status']!r}"
        assert fired == set(self.case.get("fired", [])), f"fired {sorted(fired)}"

    def reportinfo(self):
        return self.path, 0, f"[{self.pack}] {self.name}"


class PolicyFile(pytest.File):
    def collect(self):
        doc = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            yield PolicyCase.from_parent(self, name=case["name"], pack=doc["pack"],
                                         defaults=doc["defaults"], case=case)


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent == CASES_DIR:
        return PolicyFile.from_parent(parent, path=file_path)
    return None
