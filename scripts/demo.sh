#!/usr/bin/env bash
# Set up (first time only), generate a synthetic Guizhou, run every stage, print a summary.
# Extra arguments go to 'jingzhun demo' (e.g. --scale 0.001 --no-serve --json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jingzhun demo "$@"
