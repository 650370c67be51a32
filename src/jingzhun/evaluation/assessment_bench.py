"""Score the panoramic assessment's over-reporting flags against the planted county (the only
code reading ``truth/reported_overreporting.json`` for the assessment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd


def score_overreporting(summary: dict[str, Any], truth: Path) -> dict[str, Any]:
    """``planted_overreporting`` (counties planted), ``found`` (planted counties flagged),
    ``false_flags`` (other counties flagged); townships inside / outside the planted county
    flagged, for information."""
    planted = json.loads((Path(truth) / "reported_overreporting.json").read_text(encoding="utf-8"))
    county = planted["county_code"]
    flags = pd.DataFrame(summary["targets_vs_panorama"]["over_reporting"],
                         columns=["level", "area_code", "name", "figures"])
    c = flags[flags["level"] == "county"]
    t = flags[flags["level"] == "township"]
    inside = t["area_code"].str.startswith(county)
    return {
        "planted_overreporting": 1,
        "found": int((c["area_code"] == county).sum()),
        "false_flags": int((c["area_code"] != county).sum()),
        "planted_county": county,
        "flagged_counties": c["area_code"].tolist(),
        "townships_flagged_in_planted_county": int(inside.sum()),
        "townships_flagged_elsewhere": int((~inside).sum()),
    }
