#!/usr/bin/env bash
# Sets up everything hmic-kg needs on a fresh Debian machine. Idempotent.
#   ./bootstrap.sh        runtime: .venv with the project, npm assets for the query page
#   ./bootstrap.sh --dev  also test tools and Debian's chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")"
dev=0
[ "${1:-}" = "--dev" ] && dev=1

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$dev" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[dev]'
else
  .venv/bin/python -m pip install -q -e .
fi

# The query editor (YASGUI) is served from the project itself, never from a CDN.
if [ -f service/static/package.json ] && { [ ! -d service/static/node_modules/@zazuko/yasgui ] ||
     [ ! -d service/static/node_modules/swagger-ui-dist ]; }; then
  (cd service/static && npm ci --silent --no-audit --no-fund)
fi

if [ "$dev" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap: chromium is missing and this user cannot apt-get install it" >&2
  fi
fi
