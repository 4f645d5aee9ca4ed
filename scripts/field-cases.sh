#!/usr/bin/env bash
# Runs every shared field case through `./kkb ingest --dry-run --json` and prints one line per case:
# PASS/FAIL, what came out, and the problems. The authoritative check is FieldCasesTests.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/../shared/field-cases}"
pass=0; total=0
for f in "$dir"/*; do
  name="$(basename "$f")"
  case "$name" in README.md|expected.json) continue;; esac
  total=$((total+1))
  out="$("$root/kkb" ingest --dry-run --json "$f" 2>/dev/null)"
  verdict="$(jq -rn --argjson got "$out" --slurpfile exp "$dir/expected.json" --arg n "$name" '
    ($exp[0][$n]) as $e
    | ($got.activities | length) as $a
    | ([$got.activities[].participants // 0] | add // 0) as $p
    | (if $e.status == "rejected" then
         ($got.status == "rejected" and ([$got.problems[] | select(.severity=="error") | .code] | unique) == ($e.problem_codes | unique)
          and ([$got.problems[] | select(.severity=="error") | .row | select(. != null)] | unique) == ($e.problem_rows | unique))
       elif $got.status == "rejected" and ($e.alternative != null) then
         ([$got.problems[] | .code] | index("empty-report")) == null
       else
         $got.status == "accepted" and $got.period == $e.period and $got.kampung.village == $e.village
         and ($e.activities == null or ($a == $e.activities and $p == $e.participants))
         and ($e.indicators == null or ([$e.indicators | to_entries[] | $got.indicators[.key] == .value] | all))
         and ($e.problems == null or ($got.problems | length) == $e.problems)
       end) as $ok
    | "\(if $ok then "PASS" else "FAIL" end) \($n): \($got.status) \($got.period) \($got.kampung.village // "-") \($a) kegiatan \($p) peserta \($got.indicators | tojson)"
      + ([$got.problems[] | "\n     \(.severity) \(.code) \(.sheet // "")!\(.column // "")\(.row // "") \(.message[0:140])"] | join(""))')"
  echo "$verdict"
  case "$verdict" in PASS*) pass=$((pass+1));; esac
done
echo "$pass of $total field cases pass"
