#!/usr/bin/env bash
# Installs what the project needs beyond the .NET SDK and Node: Azurite (pinned in package-lock.json)
# and, for the browser tests only, Debian's Chromium. `scripts/setup.sh --azurite` installs Azurite
# only (what `./kkb demo`, `./kkb dev` and `./kkb upload` need on a fresh clone).
# Progress goes to stderr in Indonesian; any failure ends with one "setup: ..." line and exit 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
only_azurite=""
[ "${1:-}" = "--azurite" ] && only_azurite=1

if [ ! -f node_modules/azurite/dist/src/azurite.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup: npm tidak ditemukan; pasang Node.js 20+ dan npm, lalu ulangi." >&2; exit 1; }
  echo "setup: memasang Azurite dari package-lock.json (npm ci, sekitar 1 menit)..." >&2
  log="$root/.build/npm-ci.log"; mkdir -p "$root/.build"
  for attempt in 1 2 3; do
    if npm ci --no-audit --no-fund --fetch-timeout=120000 >"$log" 2>&1; then break; fi
    if [ "$attempt" -eq 3 ]; then
      tail -n 15 "$log" >&2
      echo "setup: npm ci gagal tiga kali (log lengkap: $log); periksa koneksi ke registri npm." >&2
      exit 1
    fi
    echo "setup: npm ci gagal, mencoba lagi ($attempt/3)..." >&2
    sleep 5
  done
  echo "setup: Azurite terpasang." >&2
fi
[ -n "$only_azurite" ] && exit 0
# Browser tests of the upload page drive Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: memasang chromium (apt-get)..." >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2 || { echo "setup: chromium gagal dipasang" >&2; exit 1; }
  else
    echo "setup: /usr/bin/chromium tidak ada; uji peramban dilewati (jalankan sebagai root: apt-get install -y chromium)" >&2
  fi
fi
