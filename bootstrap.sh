#!/usr/bin/env bash
# Sets up everything hmic-kg needs on a fresh Debian machine. Idempotent.
#   ./bootstrap.sh        runtime: .venv with the project, npm assets for the query page
#   ./bootstrap.sh --dev  also test tools, Debian's chromium (browser tests) and virtuoso-opensource
#                         (external-store tests; the tests start their own private instance)
set -euo pipefail
cd "$(dirname "$0")"
dev=0
[ "${1:-}" = "--dev" ] && dev=1

# libseccomp: the kernel filter that keeps query workers off the network (service/sandbox.py).
# poppler-utils: pdftotext, which reads the text layer of PDF reports (graph_builder/extract/pdf.py).
runtime_missing=""
ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || runtime_missing="$runtime_missing libseccomp2"
command -v pdftotext >/dev/null 2>&1 || runtime_missing="$runtime_missing poppler-utils"
if [ -n "$runtime_missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $runtime_missing >/dev/null
  else
    echo "bootstrap: missing$runtime_missing and this user cannot apt-get install them" >&2
  fi
fi

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

# Test-only Debian packages: Chromium for the browser tests, Virtuoso for the external-store tests.
if [ "$dev" = 1 ]; then
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v virtuoso-t >/dev/null 2>&1 || missing="$missing virtuoso-opensource"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      echo "bootstrap: missing$missing and this user cannot apt-get install them" >&2
    fi
  fi
fi
