#!/usr/bin/env bash
# `npm run bench` runs every benchmark in bench/; `npm run bench -- needs` only those whose file
# name contains "needs". Each benchmark starts its own Temporal dev server, database, SMTP capture,
# worker and API, prints its figures and stops them again. Settings: BENCH_PARTICIPANTS,
# BENCH_SUGGEST_CONTINUE_AS_NEW (events; runs hand over sooner), BENCH_LOG_LEVEL (e.g. error),
# BENCH_CONCURRENCY, BENCH_DATABASE_URL (an admin URL of the PostgreSQL server), BENCH_KEEP_DB.
# The run ends with one table of every target the benchmarks recorded (recordVerdict in
# bench/support/verdicts.ts), printed and appended with the date, commit and Node version to
# bench/RESULTS.md (BENCH_RESULTS=another file, or BENCH_RESULTS= to append nowhere).
set -euo pipefail
cd "$(dirname "$0")/.."

# The product's runtime (Node 24, as `npm start`, `npm test` and the Dockerfile run it), so the
# verdicts are the product's; JD_NODE_VERSION=system measures on the machine's own node instead.
# Each run's heading in bench/RESULTS.md names the Node it ran on.
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
use_node_runtime

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

# Each benchmark appends its verdicts here, one JSON line each; the table below is made from them.
BENCH_VERDICTS_FILE="$(mktemp -t jd-bench-verdicts.XXXXXX)"
export BENCH_VERDICTS_FILE
trap 'rm -f "$BENCH_VERDICTS_FILE"' EXIT

# The commit the figures belong to, read before the run (a commit made meanwhile is not this run's).
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit+dirty"
fi

status=0
ran=()
failed=()
for file in "${selected[@]}"; do
  name="$(basename "$file" .bench.ts)"
  ran+=("$name")
  echo "=== $name ($file)"
  code=0
  node --import tsx "$file" || code=$?
  if [ $code -ne 0 ]; then
    status=$code
    failed+=("$name=$code")
  fi
  echo
done

results="${BENCH_RESULTS-bench/RESULTS.md}"
join() { local IFS=,; echo "$*"; }
node --import tsx bench/support/print-verdicts.ts "$BENCH_VERDICTS_FILE" \
  --commit "$commit" --ran "$(join "${ran[@]}")" --failed "$(join "${failed[@]-}")" \
  ${results:+--results "$results"} || status=$?
exit $status
