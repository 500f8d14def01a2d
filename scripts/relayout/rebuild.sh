#!/bin/sh
# Usage: rebuild.sh BASE   (inside a checkout; leaves the scripted commits on branch layout)
TOOL=$(cd "$(dirname "$0")" && pwd)
set -e
git checkout -q -B layout "$1"
python3 "$TOOL"/relayout.py .
python3 "$TOOL"/enqueue.py .
.venv/bin/ruff check --fix --select I,F401 -q nextmile/tasks.py integrations routes/planning/jobs.py routes/day/assignment.py routes/replan/disruptions.py || true
.venv/bin/ruff format -q .
git add -A && git commit -qm "nextmile: Services enqueue after commit through one helper by task name; task modules import their services at the top."
python3 "$TOOL"/hoist.py . >/dev/null
git add -A && git commit -qm "project: Import at the top of modules; only AppConfig.ready imports inside a function, and says why."
python3 "$TOOL"/surfaces.py .
git add -A && git commit -qm "routes, billing: Publish each app's writes in services and reads in selectors; other apps import only those."

python3 "$TOOL"/contracts.py .
git add -A && git commit -qm "project: Enforce published surfaces, routes' and billing's inner layers and acyclic packages with import-linter contracts."
