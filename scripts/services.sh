#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and Chromium are there and running, idempotently: install only
# what is missing (Debian packages), start only what is stopped, create the test role.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  echo "Installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1; then
  V=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$V" main start -- -o "-c listen_addresses=127.0.0.1" \
    || pg_ctlcluster "$V" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
fi
if ! redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 0.25; done
fi
# The test role needs CREATEDB: pytest-django creates test_<db> itself.
psql_as_postgres() {
  if command -v runuser >/dev/null && id postgres >/dev/null 2>&1; then
    runuser -u postgres -- psql -h 127.0.0.1 "$@" 2>/dev/null || runuser -u postgres -- psql "$@"
  else
    psql -h 127.0.0.1 -U postgres "$@"
  fi
}
psql_as_postgres -qtAc "SELECT 1 FROM pg_roles WHERE rolname='nextmile'" | grep -q 1 \
  || psql_as_postgres -qc "CREATE ROLE nextmile LOGIN CREATEDB PASSWORD 'nextmile'"
echo "PostgreSQL, Redis and Chromium are ready."
