#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, postgres) are on this machine.
# Meedoen starts its own private cluster from them; nothing needs to run yet.
set -euo pipefail

have_binaries() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then return 0; fi
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then return 0; fi
  done
  return 1
}

if have_binaries; then exit 0; fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found: install them (Debian/Ubuntu: sudo apt-get install postgresql) and run this again." >&2
  exit 1
fi

echo "Installing PostgreSQL server binaries with apt-get ..." >&2
export DEBIAN_FRONTEND=noninteractive
# Meedoen runs its own cluster; don't let the package create and start one.
mkdir -p /etc/postgresql-common
if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
  echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
have_binaries
