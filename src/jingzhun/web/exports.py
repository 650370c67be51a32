"""Exports of the dashboard: Excel lists (xlsxwriter) and the household file as PDF (fpdf2).

Both are built from what the API already returned through the scope chokepoint — the
cross-check list, the warning queue and the masked household file — so the same jurisdiction
and masking rules hold; nothing here reads the zones. The PDF embeds the CJK font of Debian's
``fonts-wqy-microhei`` (installed by ``scripts/setup.sh``); a missing font is a ``WebError``
saying so, never a PDF with empty boxes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import threading
from pathlib import Path
from typing import Any

from jingzhun.web.errors import WebError
from jingzhun.web.labels import INDICATOR, YES_NO, yuan

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
#: Parsing the 5 MB CJK collection takes seconds: it is parsed once per process and each PDF
#: gets a copy (fpdf2's own ``TTFFont.__deepcopy__`` shares the parsed tables, copies the
#: per-document subset). fontTools' lazy tables are not thread-safe: PDFs are built one at a time.
_FONT_LOCK = threading.Lock()
_FONT_TEMPLATE: list[Any] = []

#: Excel list columns: key → (中文 header, English header, width)
CROSSCHECK_COLUMNS: list[tuple[str, str, str, int]] = [
    ("household_id", "户编号", "household", 16), ("village_code", "村代码", "village code", 14),
    ("village_name", "村", "village", 12), ("finding", "疑点类型代码", "finding code", 16),
    ("label_zh", "疑点", "finding", 24), ("label_en", "疑点（英文）", "finding (English)", 28),
    ("status", "识别结果", "status", 18), ("fired", "触发规则", "rules fired", 28),
    ("evidence", "证据", "evidence", 60),
]
WARNING_COLUMNS: list[tuple[str, str, str, int]] = [
    ("household_id", "户编号", "household", 16), ("village_code", "村代码", "village code", 14),
    ("village_name", "村", "village", 12), ("category_zh", "预警类别", "category", 18),
    ("category_en", "预警类别（英文）", "category (English)", 22), ("rules", "规则", "rules", 22),
    ("issued", "下发日期", "issued", 12), ("due", "办结期限", "due", 12),
    ("cadre_name", "责任干部", "responsible cadre", 12), ("state", "流程状态", "workflow state", 16),
    ("evidence", "证据", "evidence", 60),
]


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return YES_NO[v][0]
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def list_xlsx(rows: list[dict[str, Any]], columns: list[tuple[str, str, str, int]], *, title: str,
              note: str) -> bytes:
    """One sheet: a title row, a note (scope, period, who, when), a bilingual header, the rows."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("list")
    bold = wb.add_format({"bold": True, "font_name": "Microsoft YaHei", "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DDE7F3", "border": 1, "text_wrap": True})
    ws.write(0, 0, title, bold)
    ws.write(1, 0, note)
    for j, (_, zh, en, width) in enumerate(columns):
        ws.write(2, j, f"{zh}\n{en}", head)
        ws.set_column(j, j, width)
    ws.set_row(2, 30)
    for i, r in enumerate(rows, start=3):
        for j, (key, *_rest) in enumerate(columns):
            ws.write(i, j, _cell(r.get(key)))
    ws.freeze_panes(3, 0)
    if rows:
        ws.autofilter(2, 0, 2 + len(rows), len(columns) - 1)
    wb.close()
    return buf.getvalue()


class _HouseholdPDF:
    """The 一户一档 PDF (A4 portrait), built section by section."""

    def __init__(self) -> None:
        from fpdf import FPDF

        if not CJK_FONT.exists():
            raise WebError("the CJK font for PDF exports is missing", where=str(CJK_FONT),
                           fix="run `bash scripts/setup.sh` (apt-get install fonts-wqy-microhei)")
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(True, margin=14)
        if not _FONT_TEMPLATE:
            self.pdf.add_font("wqy", "", str(CJK_FONT), collection_font_number=0)
            template = copy.copy(self.pdf.fonts["wqy"])
            _FONT_TEMPLATE.extend([template, CJK_FONT.read_bytes()])
        else:  # widths and glyph ids are read-only: share them; the subset is per PDF
            from fontTools import ttLib
            from fpdf.fonts import SubsetMap

            font = copy.copy(_FONT_TEMPLATE[0])
            # fpdf2 subsets ``ttfont`` in place when it writes the PDF: every PDF opens its own
            # (lazily, from the bytes read once — cheap; the costly part is the widths above)
            font.ttfont = ttLib.TTFont(io.BytesIO(_FONT_TEMPLATE[1]), fontNumber=0, lazy=True,
                                       recalcTimestamp=False)
            font.missing_glyphs = []
            font.subset = SubsetMap(font)
            font.biggest_size_pt = 0
            self.pdf.fonts["wqy"] = font
        self.pdf.set_font("wqy", size=9)
        self.pdf.set_title("一户一档 household file")
        self.pdf.set_creator("Jingzhun 精准")

    def heading(self, zh: str, en: str) -> None:
        p = self.pdf
        p.ln(2)
        p.set_font("wqy", size=11)
        p.set_fill_color(221, 231, 243)
        p.cell(0, 7, f"{zh}  {en}", new_x="LMARGIN", new_y="NEXT", fill=True)
        p.set_font("wqy", size=8.5)

    def text(self, s: str) -> None:
        self.pdf.multi_cell(0, 4.6, s, new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        p = self.pdf
        if not rows:
            self.text("无 none")
            return
        from fpdf.fonts import FontFace

        with p.table(col_widths=widths, text_align="LEFT", line_height=4.6,
                     headings_style=FontFace(fill_color=(240, 240, 240))) as t:
            row = t.row()
            for h in header:
                row.cell(h)
            for r in rows:
                row = t.row()
                for v in r:
                    row.cell("" if v is None else str(v))

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _yn(v: Any) -> str:
    return YES_NO.get(v, (str(v), str(v)))[0] if isinstance(v, bool) or v is None else str(v)


def household_pdf(f: dict[str, Any], *, printed_by: str, audit_entry: int | None) -> bytes:
    """The masked household file (``WorkspaceData.household_file`` + its case) as a PDF."""
    with _FONT_LOCK:
        return _household_pdf(f, printed_by=printed_by, audit_entry=audit_entry)


def _household_pdf(f: dict[str, Any], *, printed_by: str, audit_entry: int | None) -> bytes:
    doc = _HouseholdPDF()
    p = doc.pdf
    p.add_page()
    p.set_font("wqy", size=16)
    p.cell(0, 9, "一户一档  Household file", new_x="LMARGIN", new_y="NEXT")
    p.set_font("wqy", size=9)
    place = " / ".join(a["name"] for a in f.get("areas", []))
    now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    doc.text(f"户编号 household {f['household_id']}    户人口 size {f.get('size')}    "
             f"建档 since {f.get('first_month') or '—'}\n{place} ({f['village_code']})\n"
             f"打印 printed {now:%Y-%m-%d %H:%M} (UTC+8) by {printed_by}"
             + (f"    审计编号 audit entry {audit_entry}" if audit_entry else "")
             + "\n身份证号、电话已脱敏 ID numbers and phones masked (first 6 + last 4).")

    doc.heading("家庭成员", "Members")
    doc.table(["姓名 name", "性别 sex", "出生 born", "与户主关系 relation", "身份证号 ID", "电话 phone", "状态 status"],
              [[m.get("name"), (m.get("sex_label") or {}).get("zh", m.get("sex")), m.get("birth_year"),
                (m.get("relation_label") or {}).get("zh", m.get("relation_to_head")),
                m.get("id_number_masked"), m.get("phone_masked"),
                ("已故 died " + str(m["died"])) if m.get("died") else
                ("迁出 left " + str(m["member_to"])) if m.get("member_to") else "在户 member"]
               for m in f.get("members", [])], [22, 14, 14, 26, 40, 28, 36])

    inds = f.get("indicators", [])
    doc.heading("家庭指标（按月）", "Indicators by month")
    if inds:
        keys = ["per_capita_net_income_fen", "size", "on_roll", "dibao", "housing_safe", "water_safe",
                "serious_illness_member", "disabled_member", "oop_12m_fen"]
        header = ["月份 month"] + [INDICATOR[k][0] for k in keys]
        rows = []
        for r in inds[-12:]:
            rows.append([r.get("period")] + [yuan(r.get(k)) if k.endswith("_fen") else _yn(r.get(k)) for k in keys])
        doc.table(header, rows, [18] + [19] * len(keys))
    else:
        doc.text("无 none")

    doc.heading("识别结果及理由", "Decisions and reasons")
    rows = []
    for d in f.get("decisions", [])[-6:]:
        reasons = "; ".join(r.get("label_zh", r.get("rule", "")) for r in d.get("reasons") or []) or "—"
        rows.append([d.get("period"), d.get("pack"), d.get("status_label_zh") or d.get("status"), reasons])
    doc.table(["月份 month", "政策 policy", "结果 status", "理由 reasons"], rows, [18, 18, 34, 110])

    doc.heading("比对疑点", "Cross-check findings")
    doc.table(["月份 month", "疑点 finding", "结果 status"],
              [[c.get("period"), c.get("label_zh"), c.get("status")] for c in f.get("crosscheck", [])], [20, 110, 50])

    doc.heading("监测预警与核实流程", "Warnings and verification")
    doc.table(["月份 month", "类别 category", "下发 issued", "期限 due", "责任人 cadre"],
              [[w.get("period"), w.get("category_zh"), w.get("issued"), w.get("due"), w.get("cadre_name")]
               for w in f.get("warnings", [])], [20, 60, 30, 30, 40])
    case = f.get("case")
    if case:
        doc.text(f"当前流程状态 workflow state: {case.get('state_zh')} {case.get('state_en')} "
                 f"(case {case.get('id')}, due {case.get('due') or '—'})")

    doc.heading("致贫原因与帮扶计划", "Causes and assistance plan")
    doc.table(["月份 month", "主要原因 primary cause"],
              [[c.get("period"), f"{c.get('primary_label_zh')} {c.get('primary_label_en')}"]
               for c in f.get("causes", [])[-3:]], [20, 160])
    plans = f.get("plans", [])
    if plans:
        doc.table(["月份 month", "安排措施 measures allocated", "费用 cost (yuan)", "预计脱贫概率 P(lifted)"],
                  [[pl.get("period"), "、".join(pl.get("allocated_zh") or []) or "—",
                    yuan(pl.get("allocated_cost_fen")), pl.get("p_lift")] for pl in plans[-6:]], [20, 100, 30, 30])

    doc.heading("资金发放", "Payments")
    pays = f.get("payments", [])
    doc.table(["月份 month", "项目 programme", "日期 date", "金额 amount (yuan)", "账户 account"],
              [[r.get("pay_period"), r.get("programme"), r.get("pay_date"), yuan(r.get("amount_fen")),
                r.get("bank_account")] for r in pays[-24:]], [20, 50, 30, 40, 40])
    if len(pays) > 24:
        doc.text(f"（仅列最近 24 笔，共 {len(pays)} 笔 the last 24 of {len(pays)} payments）")
    anomalies = f.get("fund_anomalies", [])
    if anomalies:
        doc.heading("资金疑点", "Fund anomalies")
        doc.table(["月份 month", "疑点 anomaly", "金额 amount (yuan)"],
                  [[a.get("pay_period"), a.get("label_zh"), yuan(a.get("amount_fen"))] for a in anomalies],
                  [20, 120, 40])
    return doc.output()
