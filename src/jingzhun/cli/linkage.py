"""``jingzhun link-files``: link and deduplicate a department's own person files."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import JsonOpt, emit_json, out_console, reported_errors


def register(app: typer.Typer) -> None:
    app.command("link-files")(link_files_command)


def link_files_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False,
                                       help="person files: CSV (UTF-8/GB18030), XLSX, Parquet"),
    mapping: Path = typer.Option(..., "--mapping", exists=True, dir_okay=False,
                                 help="YAML mapping of columns to name/id_number/sex/... "
                                      "(format: docs/linkage.md, 'link-files')"),
    out: Path = typer.Option(..., "--out", help="output CSV (UTF-8 with BOM, opens in Excel)"),
    threshold: float = typer.Option(0.9, help="match probability needed to join a cluster"),
    json_: bool = JsonOpt,
) -> None:
    """Link and deduplicate person records across FILES.

    OUT has one row per input record: source_file, record_key, cluster_id, match_probability
    (to its cluster; 1.0 for an exact ID join, empty when alone) and match_basis.
    """
    from jingzhun.linkage.files import link_files, load_mapping

    with reported_errors():
        result = link_files(list(files), load_mapping(mapping), threshold=threshold)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        result.to_csv(tmp, index=False, encoding="utf-8-sig")
        tmp.replace(out)
    summary = {
        "records": len(result), "clusters": int(result["cluster_id"].nunique()),
        "files": len(files), "out": str(out),
        "match_basis": {str(k): int(v) for k, v in result["match_basis"].value_counts().sort_index().items()},
    }
    if json_:
        emit_json(summary)
    else:
        out_console.print_json(data=summary)
