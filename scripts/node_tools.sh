#!/usr/bin/env bash
# The Node tools the tests run on the published schema (package.json: openapi-typescript):
# Node from Debian when it is missing, then exactly the versions in package-lock.json.
set -euo pipefail
[ -f package.json ] || exit 0
if ! command -v npm >/dev/null; then
  echo "Installing: nodejs npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund
