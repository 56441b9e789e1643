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
ensure_web_build
ensure_chromium
npx tsc -p tsconfig.json --noEmit
npx eslint .
# Formatting (Prettier, 120 columns; imports ordered by ESLint): `npm run format` fixes both.
npx prettier --check . --log-level warn
exec npx vitest run "$@"
