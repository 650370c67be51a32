"""``jingzhun bench web``'s load generator against the session's SQLite app over real HTTP
(uvicorn in a thread, loopback): every page of the mix answered, 0 errors, bounded."""

from __future__ import annotations

import threading
import time

import pytest

from jingzhun.web.loadtest import MIX, _pct, free_port, run_load
from web.conftest import PASSWORD


@pytest.mark.parametrize("values, q, expected", [
    ([], 0.5, None), ([5.0], 0.95, 5.0), ([1.0, 2.0, 3.0, 4.0, 100.0], 0.5, 3.0),
    ([float(i) for i in range(1, 101)], 0.95, 95.0),
])
def test_percentiles(values, q, expected):
    assert _pct(values, q) == expected


def test_load_generator_drives_every_page(web_apps):
    import uvicorn

    app = web_apps("sqlite")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                        access_log=False))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        port = srv.servers[0].sockets[0].getsockname()[1]
        out = run_load(f"http://127.0.0.1:{port}", password=PASSWORD, users=5, seconds=3, max_requests=60)
    finally:
        srv.should_exit = True
        th.join(timeout=10)
    assert out["errors"] == 0 and out["error_statuses"] == []
    assert 0 < out["requests"] <= 60 and out["users"] == 5
    assert set(out["per_endpoint"]) == set(MIX)
    assert out["p50_ms"] <= out["p95_ms"] <= out["p99_ms"]
    assert all(n > 0 for n in out["households_sampled"].values())
