#!/usr/bin/env bash
# `make run`: migrate, load demo data (idempotent), then the web server and a real Celery
# worker together. Ctrl-C stops both. Nothing configured: SQLite and the filesystem broker.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-nextmile.settings.dev}"
mkdir -p var
$BIN/python manage.py migrate --no-input -v0
$BIN/python manage.py seed_demo
# One worker process per core: a plan run's groups are solved side by side.
$BIN/celery -A nextmile worker -B -s var/celerybeat-schedule -Q default,optimize \
  --concurrency="$(nproc)" --loglevel=INFO \
  --max-tasks-per-child=20 >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null; exit 0' INT TERM EXIT
echo "Celery worker started (pid $worker, log var/worker.log)."
$BIN/python manage.py runserver 127.0.0.1:8000
