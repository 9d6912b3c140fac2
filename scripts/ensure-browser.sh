#!/usr/bin/env bash
# Makes sure the browser tests can run: Debian's Chromium, and axe-core (the
# accessibility engine the tests inject into every page) in var/tools/axe.
# Installs what is missing; Chromium only when running as root with apt-get,
# otherwise it says how.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1
prefix=var/tools/axe
axe=$prefix/node_modules/axe-core/axe.min.js
manifest=$prefix/node_modules/axe-core/package.json

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium not found: install it (Debian/Ubuntu: sudo apt-get install chromium) and run this again." >&2
    exit 1
  fi
  echo "Installing Chromium with apt-get ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

installed=""
if [ -f "$manifest" ]; then
  installed=$(sed -n 's/^  "version": "\(.*\)",\{0,1\}$/\1/p' "$manifest" | head -n 1)
fi
if [ ! -f "$axe" ] || [ "$installed" != "$AXE_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: install Node.js (Debian/Ubuntu: sudo apt-get install npm) and run this again." >&2
    exit 1
  fi
  echo "Installing axe-core $AXE_VERSION into $prefix ..." >&2
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --save-exact --prefix "$prefix" "axe-core@$AXE_VERSION" >/dev/null
fi
