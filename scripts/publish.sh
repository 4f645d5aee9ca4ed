#!/usr/bin/env bash
# Builds the Azure Functions package: `./kkb publish --out DIR [--plan flex|classic]`.
#
#   DIR/functionapp/       host.json, <Function>/function.json, the custom handler (self-contained
#                          linux-x64, executable KampungKB.Functions) and templates/
#   DIR/functionapp.zip    the same folder zipped with Unix permissions kept (deploy this)
#
# --plan flex (default) adds "source": "EventGrid" to every blobTrigger binding: Flex Consumption
# has no polling blob trigger. --plan classic leaves function.json as written (Consumption Y1,
# Premium, Dedicated).
#
# The build runs in a copy of src/ under .build/publish/ so that the RID-specific restore (which
# adds a net10.0/linux-x64 section to packages.lock.json) never touches the tracked lock files, and
# so that a publish never races the Debug build of `./kkb test` for obj/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: ./kkb publish --out DIR [--plan flex|classic]" >&2; exit 2; }
out="" plan="flex"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --plan) [ $# -ge 2 ] || usage; plan="$2"; shift 2 ;;
    --plan=*) plan="${1#--plan=}"; shift ;;
    -h|--help) usage ;;
    *) echo "publish: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$out" ] || usage
case "$plan" in flex|classic) ;; *) echo "publish: --plan must be flex or classic, not '$plan'" >&2; exit 2 ;; esac

have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "publish: $*" >&2; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
app="$out/functionapp"
zipfile="$out/functionapp.zip"

# The executable the Functions host starts is named in host.json; the handler's AssemblyName must match.
exe=$(sed -n 's/.*"defaultExecutablePath"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$root/host.json" | head -n 1)
[ -n "$exe" ] || { say "host.json has no customHandler.description.defaultExecutablePath"; exit 1; }

# --- 1. build in a private copy of the sources -------------------------------------------------
work="$root/.build/publish"
mkdir -p "$work"
exec 9>"$work/.lock"
if have flock; then flock 9; fi   # one publish at a time per checkout
rm -rf "$work/src" "$work/handler" "$work/functions" "$work/templates"
mkdir -p "$work/src"
tar -C "$root" --exclude=bin --exclude=obj -cf - src functions templates host.json | tar -C "$work" -xf -
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json NuGet.config nuget.config; do
  [ -f "$root/$f" ] && cp -p "$root/$f" "$work/$f"
done

say "dotnet publish (Release, linux-x64, self-contained)..."
if ! dotnet publish "$work/src/Functions/KampungKB.Functions.csproj" -c Release -r linux-x64 --self-contained true \
    --artifacts-path "$work/artifacts" -o "$work/handler" --nologo -v quiet \
    -p:UseSharedCompilation=false -p:GenerateDocumentationFile=false > "$work/publish.log" 2>&1; then
  cat "$work/publish.log" >&2
  say "dotnet publish failed (log above, also in $work/publish.log)"
  exit 1
fi
[ -f "$work/handler/$exe" ] || { say "the publish produced no '$exe' (host.json's defaultExecutablePath); check AssemblyName"; exit 1; }

# --- 2. assemble the function app folder -------------------------------------------------------
rm -rf "$app" "$zipfile"
mkdir -p "$app"
cp -a "$work/handler/." "$app/"
chmod 755 "$app/$exe"
cp "$root/host.json" "$app/host.json"
count=0
for fj in "$root"/functions/*/function.json; do
  [ -f "$fj" ] || continue
  name=$(basename "$(dirname "$fj")")
  # dotnet publish already placed function folders beside the handler; anything else by that name is a clash.
  [ -e "$app/$name" ] && [ ! -f "$app/$name/function.json" ] && { say "function folder '$name' collides with a file of the handler"; exit 1; }
  mkdir -p "$app/$name"
  cp "$fj" "$app/$name/function.json"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { say "no functions/*/function.json found"; exit 1; }
[ -d "$root/templates" ] || { say "templates/ is missing; the handler refuses to start without it"; exit 1; }
rm -rf "$app/templates"
cp -R "$root/templates" "$app/templates"

# --- 3. tools for JSON and zip: python3 when present, else a C# file-based app (dotnet run x.cs) --
csharp_tool() {
  # Last resort on machines without python3 (and without zip): a .NET 10 file-based app.
  local dir="$work/tool"; mkdir -p "$dir"
  cat > "$dir/publish-tool.cs" <<'CS'
#pragma warning disable CA1416 // this tool only runs on Linux/macOS build machines
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
if (args[0] == "eventgrid")
{
    foreach (var dir in Directory.GetDirectories(args[1]))
    {
        var f = Path.Combine(dir, "function.json");
        if (!File.Exists(f)) continue;
        var doc = JsonNode.Parse(File.ReadAllText(f))!;
        foreach (var b in doc["bindings"]!.AsArray())
            if ((string?)b!["type"] == "blobTrigger") b["source"] = "EventGrid";
        File.WriteAllText(f, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
else if (args[0] == "zip")
{
    var src = Path.GetFullPath(args[1]);
    using var zip = ZipFile.Open(args[2], ZipArchiveMode.Create);
    foreach (var f in Directory.GetFiles(src, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    {
        var entry = zip.CreateEntryFromFile(f, Path.GetRelativePath(src, f).Replace('\\', '/'), CompressionLevel.Optimal);
        entry.ExternalAttributes = (0x8000 | (int)File.GetUnixFileMode(f)) << 16;   // S_IFREG | permissions
    }
}
CS
  dotnet run --file "$dir/publish-tool.cs" -- "$@" >&2
}

if [ "$plan" = "flex" ]; then
  if have python3; then
    python3 - "$app" <<'PY'
import json, pathlib, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*/function.json")):
    doc = json.loads(f.read_text(encoding="utf-8"))
    for b in doc.get("bindings", []):
        if b.get("type") == "blobTrigger":
            b["source"] = "EventGrid"
    f.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
PY
  else
    csharp_tool eventgrid "$app"
  fi
fi

# --- 4. zip with Unix permissions (the host must be able to execute the handler) ---------------
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
            z.write(path, os.path.relpath(path, src))   # ZipInfo.from_file keeps st_mode in external_attr
PY
else
  say "neither zip nor python3 found; zipping with a C# file-based app (slower)"
  csharp_tool zip "$app" "$zipfile"
fi

bytes=$(wc -c < "$zipfile" | tr -d ' ')
say "$count functions, plan $plan, handler '$exe' (self-contained linux-x64), folder $app"
echo "$zipfile $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB (%d bytes)", b / 1048576, b }')"
