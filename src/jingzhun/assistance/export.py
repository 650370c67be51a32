"""Plans exported per village as Excel workbooks (xlsxwriter): one file per village, one row
per household, headers in Chinese and English. No ID numbers, names or phone numbers; the
causes name health conditions only as the official 因病/因残 categories — an internal working
document, not a public notice (domain.md §6, §8)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xlsxwriter

COLUMNS = [
    ("户号 household", "household_id", 18), ("人口 size", "size", 8),
    ("人均纯收入（元） income per capita (yuan)", "income_yuan", 14),
    ("距标准差距（元） gap per capita (yuan)", "gap_yuan", 14),
    ("主要致贫原因 primary cause", "primary_cause_zh", 12),
    ("三保障/饮水缺口 open gaps", "open_gaps_text", 22),
    ("安排措施 allocated measures", "allocated_text", 36),
    ("费用（元） cost (yuan)", "cost_yuan", 12), ("预计脱贫概率 P(lifted)", "p_lift", 10),
    ("备选措施及理由 ranked candidates and reasons", "candidates_text", 90),
]


def _candidates_text(js: str) -> str:
    return "\n".join(f"{c['rank']}. {c['label_zh']}（{c['reasons_zh']}）" for c in json.loads(js))


def export_villages(plans: pd.DataFrame, out: Path) -> list[Path]:
    """Write ``out/<county>/<village>.xlsx`` for every village with a plan; returns the paths."""
    out = Path(out)
    df = plans.copy()
    df["income_yuan"] = df["per_capita_net_income_fen"].map(lambda v: None if v is None or v != v else v / 100)
    df["gap_yuan"] = df["gap_per_capita_fen"] / 100
    df["cost_yuan"] = df["allocated_cost_fen"] / 100
    df["open_gaps_text"] = df["open_gaps"].map(lambda g: "、".join(g))
    df["allocated_text"] = df["allocated_zh"].map(lambda a: "、".join(a))
    df["candidates_text"] = df["candidates"].map(_candidates_text)
    paths = []
    for (county, village), g in df.groupby(["county_code", "village_code"], sort=True):
        path = out / str(county) / f"{village}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".xlsx.tmp")
        wb = xlsxwriter.Workbook(str(tmp))
        ws = wb.add_worksheet("一户一策 plans")
        head = wb.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for c, (title, _, width) in enumerate(COLUMNS):
            ws.write(0, c, title, head)
            ws.set_column(c, c, width)
        for r, row in enumerate(g.itertuples(index=False), start=1):
            for c, (_, col, _) in enumerate(COLUMNS):
                v = getattr(row, col)
                if v is None or (isinstance(v, float) and v != v):
                    ws.write_blank(r, c, None, wrap)
                else:
                    ws.write(r, c, v, wrap)
        ws.freeze_panes(1, 1)
        wb.close()
        tmp.replace(path)
        paths.append(path)
    return paths


__all__ = ["export_villages"]
