#!/usr/bin/env bash
# Back up the database named by DATABASE_URL into a custom-format dump (pg_dump -Fc).
# Usage: DATABASE_URL=postgres://… scripts/backup.sh [FILE]   (default: var/backups/<timestamp>.dump)
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
out="${1:-var/backups/nextmile-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$out")"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$out"
echo "$out"
