#!/bin/sh
# Usage: scripts/relayout/phase_b.sh BASE   (from the root of a clean checkout)
# The scripted commits on BASE (rebuild.sh), then the hand commits kept in patches/.
set -e
TOOL=$(cd "$(dirname "$0")" && pwd)
PATCHES=$(mktemp -d)
cp "$TOOL"/patches/*.patch "$PATCHES"/
sh "$TOOL"/rebuild.sh "$1"
git am -q "$PATCHES"/*.patch || { echo "A hand patch did not apply: resolve, then git am --continue"; exit 1; }
.venv/bin/ruff check -q . && .venv/bin/ruff format --check -q . && .venv/bin/lint-imports | tail -3
python3 "$TOOL"/check_docs.py | grep -v "task names and model labels" || true
