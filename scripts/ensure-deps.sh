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

# The browser tests drive Debian's Chromium (no browser downloads are possible or wanted).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium for the browser tests (apt-get install chromium)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at /usr/bin/chromium: install Debian's 'chromium' package (as root: apt-get install chromium)." >&2
    return 1
  fi
}
