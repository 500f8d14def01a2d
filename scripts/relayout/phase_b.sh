#!/bin/sh
# Usage: scripts/relayout/phase_b.sh BASE   (from the root of a clean checkout)
# The scripted commits on BASE (rebuild.sh), then the hand commits kept in patches/.
# The scripts run from a copy: the move rewrites dotted names in the tree they live in.
set -e
TOOL=$(mktemp -d)
cp -r "$(cd "$(dirname "$0")" && pwd)"/. "$TOOL"/
sh "$TOOL"/rebuild.sh "$1"
git am -q "$TOOL"/patches/*.patch || { echo "A hand patch did not apply: resolve, then git am --continue"; exit 1; }
.venv/bin/ruff check -q . && .venv/bin/ruff format --check -q . && .venv/bin/lint-imports | tail -3
python3 "$TOOL"/check_docs.py | grep -v "task names and model labels" || true
