"""Charts (PNG) and a self-contained HTML report (inline base64 PNG, plain tables; no CDN)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png_bytes(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def cluster_chart(profiles: pd.DataFrame) -> bytes:
    """Bar chart: cluster sizes, with the main profile values in the labels."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(profiles["cluster"].astype(str), profiles["households"], color="#4c72b0")
    ax.set_xlabel("cluster")
    ax.set_ylabel("households")
    ax.set_title("Household typologies (k-prototypes)")
    return png_bytes(fig)


def rules_chart(rules: pd.DataFrame, top: int = 15) -> bytes:
    """Scatter of support vs confidence, colour = lift, for the mined rules."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    if len(rules):
        sc = ax.scatter(rules["support"], rules["confidence"], c=rules["lift"], cmap="viridis", s=12)
        fig.colorbar(sc, ax=ax, label="lift")
        best = rules.head(top)
        ax.scatter(best["support"], best["confidence"], facecolors="none", edgecolors="red", s=40)
    ax.set_xlabel("support")
    ax.set_ylabel("confidence")
    ax.set_title("Association rules (red: highest lift)")
    return png_bytes(fig)


def series_chart(series: pd.DataFrame, changes: pd.DataFrame, group: str, label: str) -> bytes:
    """One county's (or the province's) monthly series with its change points."""
    plt = _plt()
    g = series[series["county_code"] == group].sort_values("period")
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot(g["period"], g["value"], marker="o", color="#4c72b0")
    for p in changes.loc[changes["county_code"] == group, "period"]:
        ax.axvline(p, color="red", linestyle="--")
    ax.set_title(f"{label} — {group}")
    ax.tick_params(axis="x", rotation=60, labelsize=7)
    return png_bytes(fig)


def _img(png: bytes, alt: str) -> str:
    return (f'<img alt="{html.escape(alt)}" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode("ascii")}">')


def _table(df: pd.DataFrame, max_rows: int = 50) -> str:
    return df.head(max_rows).to_html(index=False, border=0, classes="t", escape=True)


def write_html(path: Path, title: str, sections: list[tuple[str, str, pd.DataFrame | None,
                                                             list[tuple[bytes, str]]]]) -> None:
    """Sections: (heading, paragraph, table or None, [(png, alt)]). One file, no external links."""
    parts = [
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">",
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table.t{border-collapse:collapse;font-size:12px}table.t td,table.t th{border:1px solid "
        "#ccc;padding:2px 6px}img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for heading, text, table, images in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        for png, alt in images:
            parts.append(_img(png, alt))
        if table is not None:
            parts.append(_table(table))
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
