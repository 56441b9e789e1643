# Sourced by the run and test scripts.

# Installs the npm dependencies when the lock file changed.
ensure_node_deps() {
  local stamp=node_modules/.jointdemand-lock.sha
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing npm dependencies (npm ci)..."
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
  fi
}

# Builds the web application when its sources (or the API it is typed against) changed.
ensure_web_build() {
  local stamp=web/dist/.source.sha
  local want
  want=$(find web/src web/index.html web/vite.config.ts web/public api services domain -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.json' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
    -not -path 'web/src/api/schema.d.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Building the web application (npm run build:web)..."
    npm run build:web
    echo "$want" > "$stamp"
  fi
}

# The browser tests drive Debian's Chromium (no browser downloads are possible or wanted): its
# headless shell (package chromium-headless-shell, the old headless mode, as Playwright itself
# prefers), which spends about a third less CPU than the full browser in headless mode on the same
# test (README, `npm test`); the full browser stays a fallback through CHROMIUM_PATH.
ensure_chromium() {
  if [ -x /usr/bin/chromium-headless-shell ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium's headless shell for the browser tests (apt-get install chromium-headless-shell)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null
  else
    echo "The browser tests need Chromium's headless shell at /usr/bin/chromium-headless-shell: install Debian's 'chromium-headless-shell' package (as root: apt-get install chromium-headless-shell), or set CHROMIUM_PATH to another Chromium." >&2
    return 1
  fi
}
