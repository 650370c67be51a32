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
    with pytest.raises(ConfigError, match="spark"):
        connect(Settings(engine="spark"))


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JINGZHUN_THREADS", "2")
    assert Settings.load(tmp_path).threads == 2


def test_bad_settings_file_names_the_file(tmp_path):
    (tmp_path / "settings.yaml").write_text("engine: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Settings.load(tmp_path)
    assert "settings.yaml" in str(err.value)
