#!/usr/bin/env bash
# Benchmarks/explore.sh: figures for `bqs-verify explore` in a release build (not a timed test).
#
# For every protocol instance under Specs/protocols and the scale instances under
# Benchmarks/explore-specs it prints the verdict, stored states, transitions, seconds,
# states per second and bytes per stored state, with symmetry reduction on; for the small
# instances also with it off, and the reduction factor (states off / states on).
#
# Usage: Benchmarks/explore.sh [TIMEOUT_SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${1:-60}"
scratch=".build-explore-release"
swift build -c release --scratch-path "$scratch" --product bqs-verify >/dev/null
bin="$scratch/release/bqs-verify"

field() { python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["statistics"]; print(d["verdict"], s["states"], s["transitions"], "%.3f" % s["seconds"], "%.0f" % s["states_per_second"], "%.1f" % s["bytes_per_state"])'; }

printf '%-42s %-4s %-9s %12s %13s %9s %12s %9s\n' instance sym verdict states transitions seconds states/s B/state
run() {
  local spec="$1" sym="$2"; shift 2
  local out
  out=$("$bin" explore "$spec" --json --timeout "$timeout_s" "$@" || true)
  read -r verdict states transitions seconds rate bytes < <(printf '%s' "$out" | field)
  printf '%-42s %-4s %-9s %12s %13s %9s %12s %9s\n' "$(basename "$spec" .yaml)" "$sym" "$verdict" "$states" "$transitions" "$seconds" "$rate" "$bytes"
  echo "$states"
}

for spec in Specs/protocols/*.yaml; do
  on=$(run "$spec" on | tee /dev/stderr | tail -1)
  off=$(run "$spec" off --no-symmetry | tee /dev/stderr | tail -1)
  python3 -c "print('%-42s reduction factor %.1f' % ('', $off / $on))" >&2
done 2>&1 | grep -v '^[0-9]*$'
for spec in Benchmarks/explore-specs/*.yaml; do
  run "$spec" on | head -1
done
