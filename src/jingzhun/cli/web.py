"""``jingzhun serve`` (the dashboard on 127.0.0.1) and ``jingzhun audit verify`` (docs/web.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, err_console, out_console, reported_errors

audit_app = typer.Typer(help="审计日志 the hash-chained audit log of the web platform", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(audit_app, name="audit")


def serve_workspace(workspace: Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Create the app, print the demo login and serve until Ctrl-C (blocking)."""
    import logging

    import uvicorn

    from jingzhun.web.app import create_app
    from jingzhun.web.assets import COUNTY_MAP, ECHARTS
    from jingzhun.web.auth import DEMO_USERS
    from jingzhun.web.settings import WebSettings
    from jingzhun.workspace import Workspace

    Workspace(workspace, create=False)  # a clear error when the folder is missing
    settings = WebSettings.load(workspace)
    app = create_app(settings)
    url = f"http://{host}:{port}/"
    out_console.print(f"[bold]精准 Jingzhun 仪表盘 dashboard:[/] {url}  (Ctrl-C 停止 to stop)")
    if settings.demo_users:
        out_console.print(f"演示登录 demo login: 用户名 username [bold]county[/] 密码 password "
                          f"[bold]{settings.demo_password}[/]  (other demo users: {', '.join(DEMO_USERS)})")
    for f in (ECHARTS, COUNTY_MAP):
        if not f.exists():
            err_console.print(f"[yellow]warning: {f.name} missing; run `bash scripts/setup.sh` "
                              f"(python -m jingzhun.web.assets) — the map will not draw[/]")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def prepare_demo_warnings(workspace: Path) -> None:
    """For the demo: the latest decided month's warnings and their workflow cases, when the
    workspace has none yet (``jingzhun warnings --month M --open-cases``)."""
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.monitoring.workflow import Workflow
    from jingzhun.web.data import WorkspaceData
    from jingzhun.workspace import Workspace

    data = WorkspaceData(workspace)
    if data.warnings or data.period is None:
        return
    ws = Workspace(workspace, create=False)
    try:
        with ws.lock():
            w = warnings_workspace(ws, data.period)
            wf = Workflow.for_workspace(ws)
            wf.open_from_warnings(w, user="system (demo)")
            wf.close()
    finally:
        ws.engine.close()
    err_console.print(f"预警 warnings {data.period}: {len(w)} households, workflow cases opened")


def serve(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace after `jingzhun run`"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    host: str = typer.Option("127.0.0.1", "--host", help="bind address (loopback by default)"),
) -> None:
    """仪表盘 Serve the Chinese-first dashboard and its API for a workspace; prints a demo login."""
    with reported_errors():
        serve_workspace(workspace, host=host, port=port)


@audit_app.command("verify")
def audit_verify(
    workspace: Path = typer.Option(..., "--workspace"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """校验 Recompute the audit log's hash chain; exit code 1 when an entry was edited or deleted."""
    from jingzhun.web.audit import verify
    from jingzhun.web.settings import WebSettings
    from jingzhun.web.store import open_store

    with reported_errors():
        settings = WebSettings.load(workspace)
        result = verify(open_store(settings.store_url(), settings.database_schema))
    if json_:
        emit_json(result.as_dict())
    elif result.ok:
        out_console.print(f"[green]审计日志完整 audit log intact[/]: {result.entries} entries, last hash {result.last_hash}")
    else:
        out_console.print(f"[red]审计日志被篡改 audit log BROKEN[/] ({result.entries} entries):")
        for p in result.problems:
            out_console.print(f"  - {p}")
    if not result.ok:
        raise typer.Exit(1)
