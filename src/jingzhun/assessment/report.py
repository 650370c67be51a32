"""Assessment reports per level: an Excel workbook (xlsxwriter, as ``assistance/export.py``)
and a PDF with charts (matplotlib → PNG, fpdf2 embedding the CJK font WenQuanYi Micro Hei from
Debian's fonts-wqy-microhei, installed by scripts/setup.sh). Chinese first, English after.
No personal data: areas only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assessment.catalogue import BY_NAME, INDICATORS, LEVEL_ZH, AssessmentError
from jingzhun.assessment.exits import STATUS_ZH

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LEVEL_EN = {"county": "county", "township": "township", "village": "village"}


def _font() -> Path:
    if not FONT.exists():
        raise AssessmentError("the CJK font for PDF reports is missing", where=str(FONT),
                              fix="install Debian's fonts-wqy-microhei (bash scripts/setup.sh "
                                  "does), or run jingzhun evaluate --no-pdf")
    return FONT


def _wide(ind: pd.DataFrame, level: str) -> pd.DataFrame:
    d = ind[ind["level"] == level]
    if d.empty:
        return pd.DataFrame()
    return d.pivot_table(index="area_code", columns="indicator", values="value", aggfunc="first")


def _table(sc: pd.DataFrame, ind: pd.DataFrame, level: str, names: dict[str, str]) -> pd.DataFrame:
    s = sc[sc["level"] == level].sort_values(["rank", "area_code"])
    wide = _wide(ind, level)
    t = s.merge(wide, left_on="area_code", right_index=True, how="left")
    t.insert(2, "name", t["area_code"].map(lambda c: names.get(c, "")))
    return t


# ------------------------------------------------------------------------------------ Excel
def write_excel(path: Path, level: str, period: str, summary: dict[str, Any], ind: pd.DataFrame,
                exits: pd.DataFrame, sc: pd.DataFrame, comp: pd.DataFrame,
                names: dict[str, str]) -> Path:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.tmp")
    wb = xlsxwriter.Workbook(str(tmp))
    head = wb.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "valign": "top"})
    num = wb.add_format({"num_format": "0.0"})
    pct = wb.add_format({"num_format": "0.00%"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def sheet(name: str, cols: list[tuple[str, str, int, Any]], df: pd.DataFrame) -> None:
        ws = wb.add_worksheet(name)
        for c, (title, _, width, _) in enumerate(cols):
            ws.write(0, c, title, head)
            ws.set_column(c, c, width)
        for r, row in enumerate(df.itertuples(index=False), start=1):
            rd = row._asdict()
            for c, (_, col, _, fmt) in enumerate(cols):
                v = rd.get(col)
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    ws.write_blank(r, c, None)
                elif isinstance(v, (np.bool_, bool)):
                    ws.write(r, c, "是 yes" if v else "否 no")
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    ws.write_number(r, c, float(v), fmt)
                else:
                    ws.write(r, c, str(v), fmt or wrap)
        ws.freeze_panes(1, 3 if len(cols) > 3 else 1)

    t = _table(sc, ind, level, names).rename(columns=lambda c: str(c))
    cols = [("排名 rank", "rank", 7, None), ("代码 code", "area_code", 14, None),
            ("名称 name", "name", 14, None), ("综合得分 composite", "composite", 10, num),
            ("下限 low", "composite_low", 8, num), ("上限 high", "composite_high", 8, num),
            ("权重覆盖 weight coverage", "weight_coverage", 10, pct),
            ("较上期 trend", "trend", 9, num),
            ("低置信 low confidence", "low_confidence", 10, None)]
    for i in INDICATORS:
        if i.name in t.columns:
            fmt = num if i.name == "warning_response_days" else pct
            cols.append((f"{i.label_zh} {i.label_en}", i.name, 12, fmt))
    sheet("综合得分 scorecard", cols, t)
    d = ind[ind["level"] == level].copy()
    d["name"] = d["area_code"].map(lambda c: names.get(c, ""))
    d["label"] = d["indicator"].map(lambda n: f"{BY_NAME[n].label_zh} {BY_NAME[n].label_en}")
    sheet("指标 indicators", [
        ("代码 code", "area_code", 14, None), ("名称 name", "name", 12, None),
        ("指标 indicator", "label", 30, None), ("值 value", "value", 10, None),
        ("分子 numerator", "numerator", 10, None), ("分母 denominator", "denominator", 10, None),
        ("户数 households", "households", 10, None), ("95%下限 low", "ci_low", 10, None),
        ("95%上限 high", "ci_high", 10, None)], d)
    e = exits[exits["level"] == level].copy()
    e["name"] = e["area_code"].map(lambda c: names.get(c, ""))
    e["status_zh"] = e["status"].map(lambda s: f"{STATUS_ZH[s]} {s}")
    sheet("退出评估 exit", [
        ("代码 code", "area_code", 14, None), ("名称 name", "name", 12, None),
        ("结论 status", "status_zh", 18, None), ("确定 certain", "certain", 8, None),
        ("贫困发生率 incidence", "poverty_incidence", 10, pct),
        ("95%下限 low", "incidence_ci_low", 9, pct), ("95%上限 high", "incidence_ci_high", 9, pct),
        ("标准 max", "incidence_max", 8, pct), ("饮水安全 water", "water_safe_rate", 10, pct),
        ("未达项 failed", "failed_tests", 18, None),
        ("无数据未检验 not tested", "not_tested", 30, None)],
        e)
    if len(comp):
        c = comp[comp["level"] == level].copy()
        if len(c):
            c["name"] = c["area_code"].map(lambda x: names.get(x, ""))
            sheet("自报对比 reported vs computed", [
                ("代码 code", "area_code", 14, None), ("名称 name", "name", 12, None),
                ("指标 figure", "label_zh", 16, None), ("自报 reported", "reported", 12, None),
                ("计算 computed", "computed", 12, None), ("95%下限 low", "ci_low", 10, None),
                ("95%上限 high", "ci_high", 10, None), ("相对差 gap", "relative_gap", 9, pct),
                ("同级z peer z", "peer_z", 8, num), ("偏好 too good", "too_good", 9, None)], c)
    defs = pd.DataFrame([{
        "label": f"{i.label_zh} {i.label_en}", "name": i.name,
        "direction": ("越高越好 higher is better" if i.higher_is_better
                      else "越低越好 lower is better"),
        "formula": i.formula, "sources": " ".join(i.sources),
        "weight": summary["weights"]["weights"].get(i.name, 0.0),
        "available": "是 yes" if summary["indicators"][i.name]["available"]
        else f"否 no: {summary['indicators'][i.name]['why']}"} for i in INDICATORS])
    sheet("指标说明 definitions", [
        ("指标 indicator", "label", 26, None), ("代码 name", "name", 22, None),
        ("方向 direction", "direction", 16, None), ("公式 formula", "formula", 60, None),
        ("来源 sources", "sources", 30, None), ("权重 weight", "weight", 8, None),
        ("可得 available", "available", 40, None)], defs)
    wb.close()
    tmp.replace(path)
    return path


# -------------------------------------------------------------------------------------- PDF
def _charts(tmpdir: Path, level: str, sc: pd.DataFrame, exits: pd.DataFrame, comp: pd.DataFrame,
            flags: pd.DataFrame, names: dict[str, str], incidence_max: float
            ) -> list[tuple[Path, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(_font()))
    fam = font_manager.FontProperties(fname=str(_font())).get_name()
    plt.rcParams.update({"font.family": fam, "axes.unicode_minus": False, "font.size": 9})
    out: list[tuple[Path, str]] = []
    s = sc[sc["level"] == level].dropna(subset=["composite"]).sort_values("composite")
    if len(s):
        show = s if len(s) <= 30 else pd.concat([s.head(15), s.tail(15)])
        fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.22 * len(show) + 1)))
        labels = [f"{names.get(c, '') or c} ({c})" for c in show["area_code"]]
        err = np.vstack([show["composite"] - show["composite_low"],
                         show["composite_high"] - show["composite"]]).clip(min=0)
        colors = np.where(show["low_confidence"], "#BBBBBB", "#2F6DB5")
        ax.barh(range(len(show)), show["composite"], xerr=err, color=colors, ecolor="#555555",
                capsize=2)
        ax.set_yticks(range(len(show)), labels, fontsize=7)
        ax.set_xlim(0, 100)
        ax.set_xlabel("综合得分 composite score (0–100)；误差线 = 指标95%区间 range from intervals")
        title = "综合得分排名 composite scores" + ("（前15与后15 top and bottom 15）"
                                                  if len(s) > 30 else "")
        ax.set_title(title + "\n蓝色 = 正常 blue = enough households；灰色 = 户数少、低置信 "
                             "grey = few households", fontsize=9)
        fig.tight_layout()
        p = tmpdir / f"score_{level}.png"
        fig.savefig(p, dpi=150)
        plt.close(fig)
        out.append((p, "图1 综合得分 Figure 1: composite scores"))
    e = exits[exits["level"] == level].dropna(subset=["poverty_incidence"])
    if len(e):
        fig, ax = plt.subplots(figsize=(7.5, 3.2))
        ax.hist(e["poverty_incidence"] * 100, bins=30, color="#5B9BD5", edgecolor="white")
        ax.axvline(incidence_max * 100, color="#C00000", linestyle="--")
        ax.text(incidence_max * 100, ax.get_ylim()[1] * 0.9, f" 退出标准 {incidence_max:.0%}",
                color="#C00000")
        ax.set_xlabel("贫困发生率 poverty incidence (%)")
        ax.set_ylabel(f"{LEVEL_ZH[level]}数 number of areas")
        counts = e["status"].value_counts()
        ax.set_title(f"退出评估 exit: 达标 meets {counts.get('meets', 0)}，未达 fails "
                     f"{counts.get('fails', 0)}")
        fig.tight_layout()
        p = tmpdir / f"exit_{level}.png"
        fig.savefig(p, dpi=150)
        plt.close(fig)
        out.append((p, "图2 贫困发生率分布 Figure 2: incidence and the exit threshold"))
    c = (comp[(comp["level"] == level) & (comp["figure"] == "poverty_incidence")]
         if len(comp) else comp)
    if len(c):
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        flagged = set(flags.loc[flags["over_reporting"] & (flags["level"] == level), "area_code"]) \
            if len(flags) else set()
        flag = c["area_code"].isin(flagged).to_numpy(bool)
        ax.scatter(c.loc[~flag, "computed"] * 100, c.loc[~flag, "reported"] * 100, s=14,
                   color="#2F6DB5", label="一致 consistent")
        ax.scatter(c.loc[flag, "computed"] * 100, c.loc[flag, "reported"] * 100, s=40,
                   color="#C00000", marker="D", label="疑似虚报地区 area flagged as over-reporting")
        for r in c[flag].itertuples():
            ax.annotate(names.get(r.area_code, r.area_code), (r.computed * 100, r.reported * 100),
                        fontsize=8, color="#C00000", xytext=(4, -10), textcoords="offset points")
        hi = float(max(c["computed"].max(), c["reported"].max()) * 100 * 1.05 or 1)
        ax.plot([0, hi], [0, hi], color="#888888", linewidth=0.8,
                label="自报 = 计算 reported = computed")
        ax.set_xlabel("计算 computed from the data (%)")
        ax.set_ylabel("自报 reported (%)")
        ax.set_title("贫困发生率：自报 vs 计算 poverty incidence, reported vs computed")
        ax.legend(loc="upper left")
        fig.tight_layout()
        p = tmpdir / f"targets_{level}.png"
        fig.savefig(p, dpi=150)
        plt.close(fig)
        out.append((p, "图3 自报与计算 Figure 3: targets vs panorama"))
    return out


def write_pdf(path: Path, level: str, period: str, summary: dict[str, Any], ind: pd.DataFrame,
              exits: pd.DataFrame, sc: pd.DataFrame, comp: pd.DataFrame, flags: pd.DataFrame,
              outliers: pd.DataFrame, names: dict[str, str], incidence_max: float) -> Path:
    import tempfile

    from fpdf import FPDF

    font = _font()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("wqy", "", str(font))
    pdf.set_title(f"全景考核 {period} {LEVEL_ZH[level]}")
    pdf.add_page()
    pdf.set_font("wqy", size=18)
    pdf.multi_cell(0, 10, f"全景考核报告（{LEVEL_ZH[level]}级）", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=11)
    pdf.multi_cell(0, 6, f"Panoramic performance assessment — {LEVEL_EN[level]} level — "
                         f"期间 period {period}；生成 generated {dt.date.today().isoformat()}",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    lv = summary["levels"][level]
    flagged = [f for f in summary["targets_vs_panorama"]["over_reporting"] if f["level"] == level]
    unavailable = [f"{BY_NAME[n].label_zh}" for n, v in summary["indicators"].items()
                   if not v["available"]]
    pdf.set_font("wqy", size=10)
    flagged_text = "、".join(f"{names.get(f['area_code'], '')}({f['area_code']}: {f['figures']})"
                            for f in flagged) or "无 none"
    if not len(comp) or not (comp["level"] == level).any():
        flagged_text = "本级无自报数据 no figures reported at this level"
    lines = [
        (f"参评{LEVEL_ZH[level]} areas assessed: {lv['areas']}；户数少、低置信 low confidence: "
         f"{lv['low_confidence']}"),
        "退出评估 exit: " + "，".join(f"{STATUS_ZH.get(k, k)} {k} {v}"
                                     for k, v in lv["exit"].items()),
        "自报偏好（疑似虚报）areas whose reported figures are too good: " + flagged_text,
        "暂无数据的指标 indicators without data: " + ("、".join(unavailable) or "无 none"),
        f"权重 weights: {summary['weights']['reference']}",
        ("说明：计算值来自各部门数据，不采用自报；疑点须经人工核实（个人信息保护法第24条）。"
         "Figures are computed from department data, not from self-reports; every flag is a lead "
         "for a person to verify."),
    ]
    for line in lines:
        pdf.multi_cell(0, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    with tempfile.TemporaryDirectory() as td:
        for png, caption in _charts(Path(td), level, sc, exits, comp, flags, names,
                                     incidence_max):
            if pdf.get_y() > 150:
                pdf.add_page()
            pdf.ln(2)
            pdf.set_font("wqy", size=10)
            pdf.cell(0, 6, caption, new_x="LMARGIN", new_y="NEXT")
            pdf.image(str(png), w=180)
    # ranking table: top and bottom
    t = _table(sc, ind, level, names)
    pdf.add_page()
    pdf.set_font("wqy", size=12)
    pdf.cell(0, 8, "排名 ranking（前10与后10 top and bottom 10）", new_x="LMARGIN", new_y="NEXT")
    t = t.dropna(subset=["composite"])
    rows = t if len(t) <= 20 else pd.concat([t.head(10), t.tail(10)])
    pdf.set_font("wqy", size=8)
    _pdf_table(pdf, ["排名 rank", "代码 code", "名称 name", "得分 score", "区间 range",
                     "较上期 trend", "置信 confidence"],
               [[f"{int(r.rank)}", r.area_code, str(r.name)[:10], f"{r.composite:.1f}",
                 f"{r.composite_low:.1f}–{r.composite_high:.1f}",
                 "-" if r.trend != r.trend else f"{r.trend:+.1f}",
                 "低 low" if r.low_confidence else "正常 ok"] for r in rows.itertuples()],
               [18, 30, 34, 18, 28, 20, 22])
    o = outliers[outliers["level"] == level]
    if len(o):
        pdf.ln(4)
        pdf.set_font("wqy", size=12)
        pdf.cell(0, 8, "同级离群 outliers among peers", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("wqy", size=8)
        _pdf_table(pdf, ["代码 code", "名称 name", "指标 indicator", "值 value", "同级中位 median",
                         "z", "方向 direction"],
                   [[r.area_code, names.get(r.area_code, "")[:9], BY_NAME[r.indicator].label_zh[:9],
                     f"{r.value:.3f}", f"{r.peer_median:.3f}", f"{r.z:+.1f}",
                     "偏差 worse" if r.worse else "偏好 better"] for r in o.head(40).itertuples()],
                   [26, 34, 38, 20, 26, 16, 24])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pdf.tmp")
    pdf.output(str(tmp))
    tmp.replace(path)
    return path


def _pdf_table(pdf: Any, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
    pdf.set_fill_color(221, 235, 247)
    for h, w in zip(header, widths):
        pdf.cell(w, 6, h, border=1, fill=True)
    pdf.ln()
    for row in rows:
        if pdf.get_y() > 275:
            pdf.add_page()
        for v, w in zip(row, widths):
            pdf.cell(w, 5.5, str(v), border=1)
        pdf.ln()


def write_reports(out: Path, period: str, summary: dict[str, Any], ind: pd.DataFrame,
                  exits: pd.DataFrame, sc: pd.DataFrame, comp: pd.DataFrame, flags: pd.DataFrame,
                  outliers: pd.DataFrame, names: dict[str, str], *, excel: bool = True,
                  pdf: bool = True) -> list[Path]:
    """Excel and PDF per level with areas; returns the paths."""
    from jingzhun.assessment.catalogue import parameter

    inc_max = float(parameter("exit_incidence_max", period))
    files = []
    for level in ("county", "township", "village"):
        if not (sc["level"] == level).any():
            continue
        if excel:
            files.append(write_excel(out / f"assessment_{level}.xlsx", level, period, summary,
                                     ind, exits, sc, comp, names))
        if pdf:
            files.append(write_pdf(out / f"assessment_{level}.pdf", level, period, summary, ind,
                                   exits, sc, comp, flags, outliers, names, inc_max))
    return files
