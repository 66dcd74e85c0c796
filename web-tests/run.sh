#!/usr/bin/env bash
# The web console's browser test: Debian's Chromium driven by playwright-core (web-tests/console.test.js).
# Needs node/npm and /usr/bin/chromium (or $CHROMIUM); without them it says so and skips, unless
# LONGPLAY_REQUIRE_BROWSER=1 (CI) makes that a failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x "$chromium" ]; then
    msg="web-tests: node, npm and $chromium are needed for the browser test"
    if [ "${LONGPLAY_REQUIRE_BROWSER:-0}" = 1 ]; then echo "$msg" >&2; exit 1; fi
    echo "$msg; SKIPPED" >&2; exit 0
fi
# playwright-core only: it never downloads a browser.
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
rm -rf out
exec node --test --test-concurrency=1 console.test.js
