#!/usr/bin/env bash
# Validates clone-api's AsyncAPI document with the AsyncAPI parser (npm @asyncapi/parser, installed
# from scripts/asyncapi/package-lock.json by npm ci). Needs Node.js 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
doc="${1:-clone-api/src/main/resources/static/asyncapi.yaml}"
if [ ! -d scripts/asyncapi/node_modules/@asyncapi/parser ]; then
  npm ci --prefix scripts/asyncapi --no-audit --no-fund --loglevel=error >/dev/null
fi
node scripts/asyncapi/validate.mjs "$doc"
