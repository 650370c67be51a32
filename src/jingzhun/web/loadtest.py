"""Load test of the dashboard API (``jingzhun bench web``): the app served by uvicorn in a
child process on 127.0.0.1, driven by N concurrent virtual users (httpx, asyncio) over the
main dashboard endpoints, bounded in time and in requests. Loopback only.

Each virtual user logs in as one demo officer (province, prefecture, county, township,
village, in turn), then repeats a page mix drawn from what that officer can see: overview,
area drill-down, an area's households, cross-check lists, a household file and the warning
queue. Latencies are measured client-side, from send to the last byte.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from jingzhun.web.errors import WebError

ROLES = ("province", "prefecture", "county", "township", "village")
#: The page mix (endpoint → weight): what an officer's session looks like.
MIX: dict[str, int] = {"overview": 2, "area": 3, "area_households": 2, "crosscheck": 2,
                       "household": 3, "warnings": 2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A dashboard served in a child process."""

    url: str
    process: subprocess.Popen
    startup_seconds: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_in_child(settings: dict[str, Any], *, port: int | None = None, workers: int = 1,
                   timeout: float = 300) -> Served:
    """Start ``python -m jingzhun.web.loadtest <settings-json> <port> <workers>`` and wait for
    /api/health (with several workers, for every worker to have answered once is not checked)."""
    import httpx

    port = port or free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jingzhun.web.loadtest", json.dumps(settings, default=str),
                             str(port), str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise WebError("the dashboard server exited during start-up", where=f"port {port}",
                           fix=(proc.stderr.read() if proc.stderr else "")[-2000:])
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return Served(url, proc, round(time.perf_counter() - t0, 2))
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise WebError(f"the dashboard server did not answer within {timeout:.0f} s", where=url,
                   fix="look at the workspace; start it by hand with `jingzhun serve`")


@dataclass
class Pool:
    """What one role's officer can open: areas, households, cross-check findings."""

    token: str
    areas: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)


async def _discover(client: Any, role: str, password: str) -> Pool:
    r = await client.post("/api/auth/login", json={"username": role, "password": password})
    if r.status_code != 200:
        raise WebError(f"demo login of {role!r} failed ({r.status_code})", where="/api/auth/login",
                       fix="serve with demo users (JINGZHUN_WEB_DEMO_USERS=true) and their password")
    pool = Pool(r.json()["token"])
    h = {"Authorization": f"Bearer {pool.token}"}
    area = r.json()["user"]["area_code"]
    frontier = [area]
    while frontier and len(pool.areas) < 60:  # breadth-first below the officer's own area
        code = frontier.pop(0)
        pool.areas.append(code)
        a = await client.get(f"/api/areas/{code}", headers=h)
        kids = [c["code"] for c in a.json().get("children", [])]
        if len(code) >= 9 or not kids:
            pool.lists.append(code)
        frontier += kids[:8]
    pool.lists = pool.lists or [area]
    for code in pool.lists[:6]:
        hh = await client.get(f"/api/areas/{code}/households?limit=50", headers=h)
        pool.households += [i["household_id"] for i in hh.json().get("items", [])]
    cc = await client.get("/api/crosscheck?limit=50", headers=h)
    pool.households += [i["household_id"] for i in cc.json().get("items", [])]
    pool.households = sorted(set(pool.households))
    return pool


def _path(kind: str, pool: Pool, rnd: random.Random) -> str:
    if kind == "overview":
        return "/api/overview?indicator=" + rnd.choice(("identified", "warnings", "on_roll", "income"))
    if kind == "area":
        return f"/api/areas/{rnd.choice(pool.areas)}"
    if kind == "area_households":
        return f"/api/areas/{rnd.choice(pool.lists)}/households?limit=50&offset=0"
    if kind == "crosscheck":
        finding = rnd.choice(("", "&finding=wrongly_included", "&finding=wrongly_missed", "&finding=wrongly_exited"))
        return f"/api/crosscheck?limit=50{finding}"
    if kind == "household":
        return f"/api/households/{rnd.choice(pool.households)}" if pool.households else "/api/overview"
    return "/api/warnings?limit=50"


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, round(q * (len(s) - 1)))], 1)


async def _drive(url: str, password: str, users: int, seconds: float, max_requests: int,
                 think_ms: float, seed: int) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        t_setup = time.perf_counter()
        pools = {role: await _discover(client, role, password) for role in ROLES}
        # every virtual user has a session of its own
        tokens = []
        for i in range(users):
            role = ROLES[i % len(ROLES)]
            r = await client.post("/api/auth/login", json={"username": role, "password": password})
            tokens.append((role, r.json()["token"]))
        samples: list[tuple[str, float, int]] = []
        kinds = [k for k, w in MIX.items() for _ in range(w)]
        deadline = time.perf_counter() + seconds
        budget = [max_requests]

        async def user(i: int) -> None:
            rnd = random.Random(seed * 1000 + i)
            role, token = tokens[i]
            h = {"Authorization": f"Bearer {token}"}
            if think_ms:  # users arrive over one think time, not all in the same millisecond
                await asyncio.sleep(rnd.uniform(0, think_ms) / 1000)
            while time.perf_counter() < deadline and budget[0] > 0:
                budget[0] -= 1
                kind = rnd.choice(kinds)
                t = time.perf_counter()
                try:
                    r = await client.get(_path(kind, pools[role], rnd), headers=h)
                    await r.aread()
                    status = r.status_code
                except httpx.HTTPError:
                    status = 0
                samples.append((kind, (time.perf_counter() - t) * 1000, status))
                if think_ms:
                    await asyncio.sleep(rnd.expovariate(1 / think_ms) / 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(users)))
        wall = time.perf_counter() - t0
    lat = [ms for _, ms, _ in samples]
    per = {}
    for kind in MIX:
        ks = [ms for k, ms, _ in samples if k == kind]
        per[kind] = {"requests": len(ks), "p50_ms": _pct(ks, 0.5), "p95_ms": _pct(ks, 0.95),
                     "max_ms": round(max(ks), 1) if ks else None}
    errors = [s for _, _, s in samples if not 200 <= s < 300]
    return {"p50_ms": _pct(lat, 0.5), "p95_ms": _pct(lat, 0.95), "p99_ms": _pct(lat, 0.99),
            "users": users, "requests": len(samples), "errors": len(errors),
            "error_statuses": sorted({str(s) for s in errors}),
            "requests_per_second": round(len(samples) / wall, 1) if wall else None,
            "seconds": round(wall, 1), "think_ms": think_ms, "per_endpoint": per,
            "login_and_discovery_seconds": round(t0 - t_setup, 1),
            "households_sampled": {r: len(p.households) for r, p in pools.items()},
            "areas_sampled": {r: len(p.areas) for r, p in pools.items()}}


def run_load(url: str, *, password: str, users: int = 50, seconds: float = 30.0, max_requests: int = 20_000,
             think_ms: float = 0.0, seed: int = 1) -> dict[str, Any]:
    """Drive ``users`` concurrent sessions for at most ``seconds`` / ``max_requests``; latency summary."""
    return asyncio.run(_drive(url, password, users, seconds, max_requests, think_ms, seed))


def app_from_env() -> Any:
    """The app of ``JINGZHUN_WEB_BENCH_SETTINGS`` (a uvicorn factory for several workers)."""
    from jingzhun.web.app import create_app
    from jingzhun.web.settings import WebSettings

    return create_app(WebSettings.model_validate(json.loads(os.environ["JINGZHUN_WEB_BENCH_SETTINGS"])))


def _child(settings_json: str, port: int, workers: int) -> None:
    import uvicorn

    os.environ["JINGZHUN_WEB_BENCH_SETTINGS"] = settings_json
    if workers > 1:  # the demo users are made once, before the workers start
        app_from_env()
        uvicorn.run("jingzhun.web.loadtest:app_from_env", factory=True, workers=workers, host="127.0.0.1",
                    port=port, access_log=False, log_level="warning")
    else:
        uvicorn.run(app_from_env(), host="127.0.0.1", port=port, access_log=False, log_level="warning")


if __name__ == "__main__":  # the child process of ``serve_in_child``
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
