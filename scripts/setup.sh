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
# Browser tests of the upload page drive Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: memasang chromium (apt-get)..." >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2 || { echo "setup: chromium gagal dipasang" >&2; exit 1; }
  else
    echo "setup: /usr/bin/chromium tidak ada; uji peramban dilewati (jalankan sebagai root: apt-get install -y chromium)" >&2
  fi
fi
