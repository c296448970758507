#!/usr/bin/env bash
# Benchmarks/section6.sh: figures for the Section 6 update protocol (`protocol: update`) in a
# release build (not a timed test).
#
# For the Section 6 specs under Specs/protocols and the larger ones under
# Benchmarks/section6-specs it prints the verdict, stored states, transitions, seconds and
# states per second with symmetry reduction on (column `red`: whether the timestamp
# decomposition of UpdateDecomposition was applied: three faulty updates, no correct writer or
# reader); then the three-update n = 9, f = 2, q = 7 instance with the full search
# (--no-reduction), and the two-update one with symmetry off, each under a timeout (default
# 300 s; a timeout is reported as unknown, never safe).
#
# Usage: Benchmarks/section6.sh [FULL_SEARCH_TIMEOUT_SECONDS]   (default 300; 0 skips those runs)
set -euo pipefail
cd "$(dirname "$0")/.."
full_timeout="${1:-300}"
swift build -c release --product bqs-verify >/dev/null
bin=".build/release/bqs-verify"

field() { python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["statistics"]; print(d["verdict"], "on" if d.get("reduction", {}).get("applied") else "off", s["states"], s["transitions"], "%.3f" % s["seconds"], "%.0f" % s["states_per_second"])'; }

printf '%-44s %-4s %-4s %-9s %12s %13s %9s %12s\n' instance sym red verdict states transitions seconds states/s
run() {
  local spec="$1" sym="$2"; shift 2
  local out
  out=$("$bin" explore "$spec" --json "$@" || true)
  read -r verdict red states transitions seconds rate < <(printf '%s' "$out" | field)
  printf '%-44s %-4s %-4s %-9s %12s %13s %9s %12s\n' "$(basename "$spec" .yaml)" "$sym" "$red" "$verdict" "$states" "$transitions" "$seconds" "$rate"
}

for spec in Specs/protocols/update-*.yaml Benchmarks/section6-specs/*.yaml; do
  run "$spec" on --timeout 120
done
if [ "$full_timeout" != 0 ]; then
  run Benchmarks/section6-specs/update-n9-f2-q7-three-updates.yaml on --no-reduction --timeout "$full_timeout" --memory-limit 8192
  run Benchmarks/section6-specs/update-n9-f2-q7.yaml off --no-symmetry --timeout "$full_timeout" --memory-limit 8192
fi
