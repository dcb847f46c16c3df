#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a browser that Playwright
# downloads). Install it where we can (root with apt); under CI a missing
# browser fails the run, elsewhere the browser tests skip loudly.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: /usr/bin/chromium is missing. Install Debian's 'chromium' package." >&2
  exit 1
fi
echo "WARNING: /usr/bin/chromium is missing: the browser tests will be skipped." >&2
echo "WARNING: install it with 'sudo apt-get install chromium'." >&2
