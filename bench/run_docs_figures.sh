#!/usr/bin/env bash
# The runs behind docs/benchmarks.md, one solver process at a time, niced for a shared box.
# Usage: bash bench/run_docs_figures.sh [INSTANCES_DIR]   (results in bench/results/)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
INST=()
if [[ $# -ge 1 ]]; then INST=(--instances "$1"); fi
R=bench/results
mkdir -p "$R"
# SKIP="solomon-10s ..." leaves out runs already done.
run() {
  local name=$1; shift
  [[ " ${SKIP:-} " == *" $name "* ]] && return 0
  nice -n 10 "$PY" "$@" >"$R/$name.md" 2>"$R/$name.log"
}

run solomon-10s bench/optimizer_bench.py "${INST[@]}" --set solomon --time-limit 10 --out "$R/solomon-10s.csv"
run solomon-30s bench/optimizer_bench.py "${INST[@]}" --set solomon --time-limit 30 \
  --only C101,C201,R101,R201,RC101,RC201 --out "$R/solomon-30s.csv"
run homberger200-30s bench/optimizer_bench.py "${INST[@]}" --set homberger200 --time-limit 30 \
  --out "$R/homberger200-30s.csv"
run cvrp-30s bench/optimizer_bench.py "${INST[@]}" --set cvrp --time-limit 30 --out "$R/cvrp-30s.csv"
run homberger1000-120s bench/optimizer_bench.py "${INST[@]}" --set homberger1000 --time-limit 120 \
  --engines auto,pyvrp --out "$R/homberger1000-120s.csv"
run homberger1000-ortools-60s bench/optimizer_bench.py "${INST[@]}" --set homberger1000 \
  --time-limit 60 --engines ortools --out "$R/homberger1000-ortools-60s.csv"
run station-2000 bench/station_day_bench.py --stops 2000 --time-limit 60
run station-20000 bench/station_day_bench.py --stops 20000 --time-limit 480
run station-1000-breaks-auto bench/station_day_bench.py --stops 1000 --time-limit 60 --breaks
run station-1000-breaks-ortools bench/station_day_bench.py --stops 1000 --time-limit 60 --breaks \
  --engine ortools
run station-1000 bench/station_day_bench.py --stops 1000 --time-limit 60
