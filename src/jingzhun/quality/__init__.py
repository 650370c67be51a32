"""Data-quality indicators per department, from ingestion results."""

from __future__ import annotations

from jingzhun.quality.report import quality_report, render_text

__all__ = ["quality_report", "render_text"]
