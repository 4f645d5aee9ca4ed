#!/usr/bin/env bash
# Runs every test project once and prints one closing line: "N passed, N failed, N skipped".
# Installs what the tests need first (Azurite from package-lock.json).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# `./kkb test --help`: the usage only (never a build, never wiping the last results).
case "${1:-}" in
  -h|--help|help)
    cat <<'USAGE'
Penggunaan: ./kkb test [OPSI dotnet test ...]
  Menjalankan semua uji: memasang Azurite (package-lock.json) lebih dulu, membangun solusi (Debug),
  lalu menjalankan setiap proyek uji; hasil .trx di .build/test-results/.
  Baris terakhir: "N passed, N failed, N skipped".
  Opsi lain diteruskan ke dotnet test, mis.: ./kkb test --filter FullyQualifiedName~RealHostTests
  Uji host Functions asli memakai ../shared/functions-host/ (dilewati bila tidak ada; gagal bila CI=true).
USAGE
    exit 0 ;;
esac

"$root/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

results="$root/.build/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
echo "test: membangun semua proyek (Debug, 2-4 menit pada mesin baru)..." >&2
dotnet build KampungKB.Functions.sln --nologo -c Debug -v quiet || status=$?
echo "test: menjalankan uji..." >&2
if [ "$status" -eq 0 ]; then
  for proj in tests/*/*.Tests.csproj; do
    name=$(basename "$proj" .csproj)
    dotnet test "$proj" --no-build --nologo -c Debug \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
  done
fi

python_sum() {
  # Sums the counters of every .trx file; falls back to grep when python3 is absent.
  local passed=0 failed=0 skipped=0 f
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    local line
    line=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
    x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
    n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line"); skipped=$((skipped + ${n:-0}))
  done
  echo "$passed $failed $skipped"
}
read -r passed failed skipped < <(python_sum)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a build failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
