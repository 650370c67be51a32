"""``jingzhun catalogue``, ``jingzhun publish tables|microdata``, ``jingzhun share`` and
``jingzhun sharing-log``: data sharing and open data (docs/sharing.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, reported_errors

publish_app = typer.Typer(help="开放数据 publish open statistics and research microdata",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("catalogue")(catalogue)
    app.command("share")(share)
    app.command("sharing-log")(sharing_log)
    app.add_typer(publish_app, name="publish")


def catalogue(
    out: Path | None = typer.Option(None, "--out", help="write the catalogue as JSON to this file"),
    json_: bool = typer.Option(False, "--json", help="print the catalogue as JSON"),
) -> None:
    """资源目录 The catalogue of every dataset held or produced (GB/T 21063 metadata)."""
    from jingzhun.sharing.catalogue import catalogue_json

    with reported_errors():
        data = catalogue_json()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if json_:
        emit_json(data)
        return
    for r in data["resources"]:
        personal = sum(i["personal"] for i in r["items"])
        sensitive = sum(i["sensitive"] for i in r["items"])
        out_console.print(f"{r['code']:34} {r['sharing_label']:28} {r['name_zh']} / {r['name_en']} "
                          f"({len(r['items'])} items, {personal} personal, {sensitive} sensitive)")


@publish_app.command("tables")
def publish_tables_cmd(
    workspace: Path = typer.Option(..., "--workspace", help="workspace after 'jingzhun run'"),
    out: Path = typer.Option(..., "--out", help="folder for the open tables (CSV + JSON)"),
    threshold: int | None = typer.Option(None, "--threshold", help="small-cell threshold (default 10)"),
    epsilon: float | None = typer.Option(None, "--epsilon", help="also a DP release with this ε"),
    period: str | None = typer.Option(None, "--period", help="month of the DP release (default: latest)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """开放统计表 Count tables by area and month with primary and secondary suppression;
    with --epsilon also differentially private counts and means charged to the ledger."""
    from jingzhun.sharing.settings import SharingSettings
    from jingzhun.sharing.tables import publish_dp, publish_tables

    with reported_errors():
        s = SharingSettings.load(workspace, small_cell_threshold=threshold)
        summary = publish_tables(workspace, out, settings=s)
        if epsilon is not None:
            summary["dp"] = publish_dp(workspace, out / "dp", epsilon=epsilon, period=period,
                                       settings=s)
    if json_:
        emit_json(summary)
        return
    for t in summary["tables"]:
        out_console.print(f"{t['name']}: {t['cells']} cells, 主抑制 primary {t['primary']}, "
                          f"补充抑制 secondary {t['secondary']}")
    if "dp" in summary:
        d = summary["dp"]
        out_console.print(f"DP {d['name']}: ε={d['epsilon']}, 剩余预算 left {d['epsilon_left']:.3g}")


@publish_app.command("microdata")
def publish_microdata_cmd(
    workspace: Path = typer.Option(..., "--workspace", help="workspace after 'jingzhun run'"),
    out: Path = typer.Option(..., "--out", help="CSV file; a JSON report is written beside it"),
    k: int = typer.Option(5, "--k", help="k-anonymity"),
    l: int | None = typer.Option(None, "--l", help="ℓ-diversity on the sensitive item"),
    period: str | None = typer.Option(None, "--period", help="month (default: latest)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """科研微观数据 k-anonymous (ℓ-diverse) household microdata with the information loss."""
    from jingzhun.sharing.ledger import Ledger
    from jingzhun.sharing.microdata import anonymise, household_microdata, load_spec
    from jingzhun.sharing.settings import SharingSettings
    from jingzhun.sharing.tables import periods_of

    with reported_errors():
        s = SharingSettings.load(workspace)
        period = period or (periods_of(workspace) or [None])[-1]
        if period is None:
            from jingzhun.sharing.errors import SharingError

            raise SharingError("no household indicators", where=str(workspace),
                               fix="run 'jingzhun run' first")
        release = anonymise(household_microdata(workspace, period), load_spec(), k=k, l=l)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        release.data.to_csv(tmp, index=False, encoding="utf-8")
        tmp.replace(out)
        report = {"period": period, "file": str(out), **release.summary()}
        out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
        ledger = Ledger.for_workspace(workspace, s.ledger_url)
        try:
            ledger.log(recipient="researchers", purpose="research_microdata",
                       resource="JZ-OPEN-MICRODATA", kind="microdata", outcome="released",
                       fields=list(release.data.columns), rows=len(release.data),
                       details={"k": k, "l": l, "period": period, "levels": release.levels})
        finally:
            ledger.close()
    if json_:
        emit_json(report)
    else:
        loss = report["information_loss"]
        out_console.print(f"{report['rows']} 户 households, k={k}" + (f", ℓ={l}" if l else "")
                          + f"; 抑制 suppressed {loss['suppressed_rows']}, "
                          f"精度损失 precision loss {loss['precision_loss']}; levels {report['levels']}")


def share(
    workspace: Path = typer.Option(..., "--workspace"),
    recipient: str = typer.Option(..., "--recipient", help="recipient code of the agreement"),
    purpose: str = typer.Option(..., "--purpose", help="purpose stated in the agreement"),
    resource: str = typer.Option(..., "--resource", help="catalogue code, e.g. JZ-IND-HOUSEHOLDS"),
    fields: str | None = typer.Option(None, "--fields", help="comma-separated (default: all approved)"),
    period: str | None = typer.Option(None, "--period"),
    pack: str | None = typer.Option(None, "--pack", help="policy pack of decision resources"),
    out: Path = typer.Option(..., "--out", help="CSV or Parquet file of the release"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """数据交换 Release the approved minimum fields of a resource to a recipient (pseudonymised
    identifiers; needs JINGZHUN_SHARING_PSEUDONYM_KEY)."""
    import pandas as pd

    from jingzhun.sharing.exchange import Exchange

    with reported_errors():
        ex = Exchange(workspace)
        try:
            rel = ex.release(recipient, purpose, resource, period=period, pack=pack,
                             fields=[f.strip() for f in fields.split(",")] if fields else None)
        finally:
            ex.ledger.close()
        df = pd.DataFrame(rel.records, columns=rel.fields)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".parquet":
            df.to_parquet(out, index=False)
        else:
            df.to_csv(out, index=False, encoding="utf-8-sig")
    summary = rel.model_dump(exclude={"records"}) | {"out": str(out)}
    if json_:
        emit_json(summary)
    else:
        out_console.print(f"release {rel.release_id}: {rel.rows} rows, fields {rel.fields}, "
                          f"pseudonymised {rel.pseudonymised} → {out}")


def sharing_log(
    workspace: Path = typer.Option(..., "--workspace"),
    recipient: str | None = typer.Option(None, "--recipient"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """共享台账 Every request (released or refused) and the ε spent per dataset."""
    from jingzhun.sharing.ledger import Ledger
    from jingzhun.sharing.settings import SharingSettings

    with reported_errors():
        s = SharingSettings.load(workspace)
        ledger = Ledger.for_workspace(workspace, s.ledger_url)
        try:
            rows = ledger.releases(recipient)
        finally:
            ledger.close()
    if json_:
        emit_json({"requests": rows})
        return
    for r in rows:
        out_console.print(f"{r['at']:%Y-%m-%d %H:%M:%S} {r['outcome']:8} {r['recipient']:14} "
                          f"{r['purpose']:22} {r['resource']:20} rows={r['rows']} ε={r['epsilon']}")
