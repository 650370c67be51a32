"""`jingzhun link-files` on three hand-made files (GB18030 CSV, XLSX, Parquet) holding the 30
villager records of linkage_villagers.py: the clusters must be exactly the 13 true persons."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from linkage_villagers import villagers  # tests/linkage/linkage_villagers.py

from jingzhun.linkage.files import MappingError, link_files, mapping_for
from jingzhun.synth.writers import write_xlsx

MAPPING = """\
columns:
  name: 姓名
  id_number: 身份证号
  sex: 性别
  birth_date: 出生日期
  village_code: 村代码
  county_code: 县代码
  address: [乡镇, 详细地址]
key: 编号
files:
  health.xlsx:
    columns: {name: XM, id_number: SFZH, sex: XB, birth_date: CSRQ, address: null}
    key: BH
"""


def _file_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """As a department writes them: the raw ID (15-digit legacy values kept), 男/女, 年月日."""
    d = pd.to_datetime(frame["birth_date"])
    address = frame["address"].fillna("")
    return pd.DataFrame({
        "编号": frame["record_id"].str.upper(),
        "姓名": frame["name"],
        "身份证号": frame["id_number_raw"].fillna(""),
        "性别": frame["sex"].map({"male": "男", "female": "女"}),
        "出生日期": [f"{x.year}年{x.month}月{x.day}日" for x in d],
        "村代码": frame["village_code"].fillna(frame["township_code"]).fillna(""),
        "县代码": frame["county_code"].fillna(""),
        "乡镇": address.str[:6],
        "详细地址": address.str[6:],
    })


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    truth = villagers()
    parts = [truth.iloc[0:12], truth.iloc[12:22], truth.iloc[22:30]]
    a = _file_rows(parts[0])
    (folder / "dibao.csv").write_bytes(a.to_csv(index=False).encode("gb18030"))
    b = _file_rows(parts[1])
    write_xlsx(folder / "health.xlsx", ["BH", "XM", "SFZH", "XB", "CSRQ", "村代码", "县代码"],
               [pa.array(b[c].astype(str).tolist()) for c in
                ["编号", "姓名", "身份证号", "性别", "出生日期", "村代码", "县代码"]],
               ["string"] * 7)
    c = _file_rows(parts[2])
    pq.write_table(pa.Table.from_pandas(c, preserve_index=False), folder / "roll.parquet")
    (folder / "map.yaml").write_text(MAPPING, encoding="utf-8")
    truth = truth.assign(record_key=truth["record_id"].str.upper())
    return folder, truth


def _partition(labels, keys) -> set[frozenset[str]]:
    return {frozenset(g) for g in pd.Series(list(keys)).groupby(list(labels)).apply(list)}


def test_link_files_finds_the_true_persons(files):
    import yaml

    folder, truth = files
    out = link_files([folder / "dibao.csv", folder / "health.xlsx", folder / "roll.parquet"],
                     yaml.safe_load(MAPPING))
    assert len(out) == 30
    assert list(out.columns) == ["source_file", "record_key", "cluster_id", "match_probability",
                                 "match_basis"]
    assert out.groupby("source_file").size().to_dict() == {"dibao.csv": 12, "health.xlsx": 10,
                                                           "roll.parquet": 8}
    merged = out.merge(truth[["record_key", "person"]], on="record_key")
    assert _partition(merged["cluster_id"], merged["record_key"]) == _partition(
        merged["person"], merged["record_key"])
    linked = out[out["match_basis"] != "unlinked"]
    assert linked["match_probability"].between(0.9, 1.0).all()
    assert out.loc[out["match_basis"] == "unlinked", "match_probability"].isna().all()


def test_link_files_command_writes_one_row_per_record(files, tmp_path):
    folder, _ = files
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-m", "jingzhun", "link-files", str(folder / "dibao.csv"),
         str(folder / "health.xlsx"), str(folder / "roll.parquet"),
         "--mapping", str(folder / "map.yaml"), "--out", str(out), "--json"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(result) == 30 and result["cluster_id"].nunique() == 13


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"columns": {"id_number": "x"}}, "no column mapped to 'name'"),
        ({"columns": {"name": "x", "nickname": "y"}}, "unknown field"),
        ({"colums": {"name": "x"}}, "unknown mapping keys"),
    ],
)
def test_bad_mappings_are_explained(mapping, message, tmp_path):
    with pytest.raises(MappingError, match=message):
        mapping_for(mapping, tmp_path / "a.csv")
