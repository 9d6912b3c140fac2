#!/usr/bin/env bash
# Lints the OpenAPI document against the Dutch API Design Rules with Spectral.
# Needs Node.js; installs the pinned Spectral CLI into var/tools on first use.
# Without Node it skips, except in CI (CI=true), where skipping would hide a
# broken document.
set -euo pipefail
cd "$(dirname "$0")/.."

SPECTRAL_VERSION=6.16.3
doc=gateway/openapi/openapi.json
ruleset=../shared/adr-linter.yaml
[ -f "$ruleset" ] || ruleset=docs/api/adr-linter.yaml

if ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "lint-api: Node.js (npm) is required in CI" >&2
    exit 1
  fi
  echo "lint-api: skipped (install Node.js to lint the API against the API Design Rules)" >&2
  exit 0
fi

prefix=var/tools/spectral
bin=$prefix/node_modules/.bin/spectral
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "$SPECTRAL_VERSION" ]; then
  echo "lint-api: installing Spectral CLI $SPECTRAL_VERSION into $prefix" >&2
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "@stoplight/spectral-cli@$SPECTRAL_VERSION" >/dev/null
fi
"$bin" lint --fail-severity=warn -r "$ruleset" "$doc"
