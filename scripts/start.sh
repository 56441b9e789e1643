#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs Temporal, the database migrations, mail capture,
# the worker, the API and the web application together, with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
use_node_runtime
source scripts/ensure-deps.sh
ensure_node_deps
ensure_web_build
exec node --import tsx bin/dev.ts
