#!/usr/bin/env bash
# `npm run bench` runs every benchmark in bench/; `npm run bench -- needs` only those whose file
# name contains "needs". Each benchmark starts its own Temporal dev server, database, SMTP capture,
# worker and API, prints its figures and stops them again. Settings: BENCH_PARTICIPANTS,
# BENCH_SUGGEST_CONTINUE_AS_NEW (events; runs hand over sooner), BENCH_LOG_LEVEL (e.g. error),
# BENCH_CONCURRENCY, BENCH_DATABASE_URL (an admin URL of the PostgreSQL server), BENCH_KEEP_DB.
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
all=(bench/*.bench.ts)
if [ ${#all[@]} -eq 0 ]; then
  echo "no benchmarks in bench/" >&2
  exit 1
fi

selected=()
if [ $# -eq 0 ]; then
  selected=("${all[@]}")
else
  for name in "$@"; do
    found=0
    for file in "${all[@]}"; do
      if [[ "$(basename "$file" .bench.ts)" == *"$name"* ]]; then
        [[ " ${selected[*]-} " == *" $file "* ]] || selected+=("$file")
        found=1
      fi
    done
    if [ $found -eq 0 ]; then
      echo "no benchmark matches \"$name\"; there are: $(for f in "${all[@]}"; do basename "$f" .bench.ts; done | tr '\n' ' ')" >&2
      exit 2
    fi
  done
fi

status=0
for file in "${selected[@]}"; do
  echo "=== $(basename "$file" .bench.ts) ($file)"
  node --import tsx "$file" || status=$?
  echo
done
exit $status
