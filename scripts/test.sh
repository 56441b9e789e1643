#!/usr/bin/env bash
# `npm test`: the whole suite against real Temporal, PostgreSQL, SMTP and a real browser.
# Installs what is missing first: npm dependencies, the web build, Chromium. The Temporal CLI
# (the dev server) and, when the topology tests are in the run, the real Temporal server with its
# schema tool are found or built with Go by the test setup itself (test/support/global-setup.ts),
# once per machine, into ~/.cache/jointdemand.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
use_node_runtime
source scripts/ensure-deps.sh
ensure_node_deps
ensure_chromium

# The web build and the static checks are single-threaded programs that took 48, 29, 65 and 25 s
# one after another on a 2-core machine: they run side by side, each into its own log, printed once
# all have ended so that their lines do not interleave; under set -e a failure ends its own job.
# ESLint follows the web build: its type-aware rules read the web's API types, which the build
# generates (web/src/api/schema.d.ts, not committed).
side_by_side() {
  local logs names=() pids=() failed=0 i
  logs=$(mktemp -d)
  while [ $# -gt 0 ]; do
    ( eval "$2" ) >"$logs/${#names[@]}" 2>&1 &
    pids+=($!)
    names+=("$1")
    shift 2
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      cat "$logs/$i"
    else
      failed=1
      echo "--- ${names[$i]} failed:" >&2
      cat "$logs/$i" >&2
    fi
  done
  rm -rf "$logs"
  return "$failed"
}
# Formatting (Prettier, 120 columns; imports ordered by ESLint): `npm run format` fixes both.
side_by_side \
  'the web build, then the lint (ESLint)' 'ensure_web_build; npx eslint .' \
  'the type check (tsc)' 'npx tsc -p tsconfig.json --noEmit' \
  'the format check (Prettier)' 'npx prettier --check . --log-level warn'
exec npx vitest run "$@"
