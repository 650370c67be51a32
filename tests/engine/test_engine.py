from __future__ import annotations

import pyarrow as pa
import pytest

from jingzhun.engine import connect
from jingzhun.errors import ConfigError, EngineError
from jingzhun.settings import Settings


def test_register_view_unions_files_by_name(engine, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    engine.write_parquet(pa.table({"id": [1, 2], "amount_fen": [100, 250]}), a)
    engine.write_parquet(pa.table({"amount_fen": [5], "id": [3]}), b)
    engine.register("validated__x", [a, b])
    t = engine.table("validated__x")
    out = engine.to_arrow(t.order_by("id")).to_pydict()
    assert out == {"id": [1, 2, 3], "amount_fen": [100, 250, 5]}
    total = engine.to_arrow(t.aggregate(total=t.amount_fen.sum())).column("total")[0].as_py()
    assert total == 355


def test_missing_table_error_names_it(engine):
    with pytest.raises(EngineError, match="no table named 'nope'"):
        engine.table("nope")


def test_failed_sql_carries_the_query(engine):
    with pytest.raises(EngineError) as err:
        engine.to_arrow(engine.sql("SELECT * FROM definitely_missing_table"))
    assert "definitely_missing_table" in str(err.value)


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown engine 'oracle'") as err:
        connect(Settings.model_construct(engine="oracle"))
    assert "engine: spark" in str(err.value)


def test_spark_engine_is_configured_from_the_settings():
    from jingzhun.engine.spark import SparkEngine, session_config

    eng = connect(Settings(engine="spark", threads=2, spark_master="local[*]", memory_limit="6GB"))
    assert isinstance(eng, SparkEngine) and eng.master == "local[2]"
    conf = session_config("spark://head:7077", memory="6g")
    assert conf["spark.sql.execution.arrow.pyspark.enabled"] == "true"
    assert conf["spark.sql.ansi.enabled"] == "true"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.jars"].endswith(".jar") and "spark.driver.host" not in conf


def test_map_groups_runs_per_group_in_key_order(engine):
    table = pa.table({"county": ["b", "a", "b", "a", "c"], "x": [1, 2, 3, 4, 5]})

    def total(group):
        return group.groupby("county", as_index=False)["x"].sum().assign(n=len(group))

    schema = pa.schema([("county", pa.string()), ("x", pa.int64()), ("n", pa.int64())])
    out = engine.map_groups(table, "county", total, schema)
    assert out.to_pydict() == {"county": ["a", "b", "c"], "x": [6, 4, 5], "n": [2, 2, 1]}


def test_copy_parquet_writes_one_file_in_order(engine, tmp_path):
    src = tmp_path / "src.parquet"
    engine.write_parquet(pa.table({"k": [3, 1, 2], "v": ["c", "a", "b"]}), src)
    t = engine.read_parquet(src)
    engine.copy_parquet(t.order_by("k"), tmp_path / "out.parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "out.parquet").to_pydict() == {"k": [1, 2, 3], "v": ["a", "b", "c"]}


def test_house_dialect_sql_runs_on_every_engine(engine, tmp_path):
    path = tmp_path / "d.parquet"
    engine.write_parquet(pa.table({"k": ["x", "x", "y"], "d": ["b", "a", "a"]}), path)
    q = (f"SELECT k, array_to_string(list_sort(list(DISTINCT d)), ',') AS ds "
         f"FROM {engine.parquet_relation(path)} GROUP BY k ORDER BY k")
    assert engine.to_arrow(engine.sql(q)).to_pydict() == {"k": ["x", "y"], "ds": ["a,b", "a"]}


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JINGZHUN_THREADS", "2")
    assert Settings.load(tmp_path).threads == 2


def test_bad_settings_file_names_the_file(tmp_path):
    (tmp_path / "settings.yaml").write_text("engine: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Settings.load(tmp_path)
    assert "settings.yaml" in str(err.value)
