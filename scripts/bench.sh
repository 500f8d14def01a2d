#!/usr/bin/env bash
# `make bench`: every benchmark script under bench/, figures to stdout and bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
scripts=(bench/*_bench.py)
if ((${#scripts[@]} == 0)); then
  echo "No benchmarks yet."
  exit 0
fi
for s in "${scripts[@]}"; do
  # The load benchmark has its own target (`make bench-load`): it takes the whole machine.
  [[ $s == bench/load_bench.py ]] && continue
  echo "== $s"
  .venv/bin/python "$s" ${BENCH_ARGS:-}
done
