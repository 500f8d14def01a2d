#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into the (empty or disposable) database named by
# DATABASE_URL. Existing objects in it are dropped first (--clean --if-exists).
# Usage: DATABASE_URL=postgres://… scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
file="${1:?name the dump file}"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
