#!/usr/bin/env bash
# Builds the Azure Functions deployment package: `./kkb publish --out DIR`.
#
#   DIR/functionapp/       the isolated-worker app as `dotnet publish` lays it out: host.json,
#                          functions.metadata (the functions the host indexes, generated from the
#                          attributes), worker.config.json, .azurefunctions/ (the host-side extensions),
#                          KampungKB.Functions.dll and its dependencies, templates/
#   DIR/functionapp.zip    the same folder zipped (deploy this: zip deploy / `az functionapp deployment
#                          source config-zip`, or the Flex Consumption one-deploy)
#
# Framework-dependent: Flex Consumption runs it on its dotnet-isolated 10.0 stack.
# The build runs in a copy of src/ under .build/publish/ so a publish never races the Debug build
# of `./kkb test` for obj/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

help_text() {
  echo "Cara pakai: ./kkb publish --out FOLDER"
  echo "  membangun FOLDER/functionapp.zip, paket zip-deploy aplikasi Functions (functions.metadata, .azurefunctions/, worker.config.json, host.json, templates/)"
}
usage() { help_text >&2; exit 2; }
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    -h|--help) usage_ok=1; break ;;
    *) echo "publish: argumen '$1' tidak dikenal" >&2; usage ;;
  esac
done
if [ -n "${usage_ok:-}" ]; then help_text; exit 0; fi
[ -n "$out" ] || usage

have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "publish: $*" >&2; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
app="$out/functionapp"
zipfile="$out/functionapp.zip"

work="$root/.build/publish"
mkdir -p "$work"
exec 9>"$work/.lock"
if have flock; then flock 9; fi   # one publish at a time per checkout
rm -rf "$work/src" "$work/templates" "$work/app"
tar -C "$root" --exclude=bin --exclude=obj -cf - src templates host.json | tar -C "$work" -xf -
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json NuGet.config nuget.config; do
  [ -f "$root/$f" ] && cp -p "$root/$f" "$work/$f"
done

say "dotnet publish (Release, isolated worker)..."
if ! dotnet publish "$work/src/Functions/KampungKB.Functions.csproj" -c Release \
    --artifacts-path "$work/artifacts" -o "$work/app" --nologo -v quiet \
    -p:UseSharedCompilation=false > "$work/publish.log" 2>&1; then
  grep -E "error" "$work/publish.log" | sort -u | head -n 20 >&2 || true
  say "dotnet publish gagal (log lengkap: $work/publish.log)"
  exit 1
fi
for required in host.json functions.metadata worker.config.json KampungKB.Functions.dll .azurefunctions templates; do
  [ -e "$work/app/$required" ] || { say "paket tidak lengkap: '$required' tidak ada di hasil publish"; exit 1; }
done

rm -rf "$app" "$zipfile"
mkdir -p "$app"
cp -a "$work/app/." "$app/"
count=$(grep -c '"scriptFile"' "$app/functions.metadata" || true)
[ "$count" -gt 0 ] || { say "functions.metadata tidak memuat fungsi apa pun"; exit 1; }

if have zip; then
  (cd "$app" && zip -q -r -X "$zipfile" .)
elif have python3; then
  python3 - "$app" "$zipfile" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for base, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(base, name)
            z.write(path, os.path.relpath(path, src))
PY
else
  say "zip dan python3 tidak ada; tidak bisa membuat $zipfile"
  exit 1
fi

bytes=$(wc -c < "$zipfile" | tr -d ' ')
say "$count fungsi, folder $app"
echo "$zipfile $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB (%d bytes)", b / 1048576, b }')"
