#!/usr/bin/env bash
# Installs what the project needs beyond the .NET SDK and Node: Azurite (pinned in package-lock.json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f node_modules/azurite/dist/src/azurite.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: memasang Azurite (npm ci)..." >&2
  for attempt in 1 2 3; do
    if npm ci --no-audit --no-fund --fetch-timeout=120000 >&2; then break; fi
    [ "$attempt" -eq 3 ] && { echo "setup: npm ci gagal" >&2; exit 1; }
    sleep 5
  done
fi
