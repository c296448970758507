#!/usr/bin/env bash
# Benchmarks/check.sh: `bqs-verify check` of 1,000 listed quorums against 100 listed fail-prone
# sets, every property of all three classes (M1, M2, D1, D2, O1, O2, O3), in a release build.
#
# Writes the specs with Benchmarks/gen_check.py (fixed seeds) into Benchmarks/results/check
# (git-ignored) and prints, for each, the verdict line, the tool's own time and the median
# wall clock of 3 runs (spec reading included).
#
# Usage: Benchmarks/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${LOAD_SCRATCH:-.build-load}"
swift build -c release --scratch-path "$scratch" --product bqs-verify >/dev/null
bin="$scratch/release/bqs-verify"
out="Benchmarks/results/check"
python3 Benchmarks/gen_check.py "$out"
printf '| spec | satisfies | tool time s | wall s (median of 3) |\n|---|---|---|---|\n'
for spec in "$out"/check-1000x100-holds.yaml "$out"/check-1000x100-random.yaml; do
  python3 - "$bin" "$spec" <<'PY'
import statistics, subprocess, sys, time
bin, spec = sys.argv[1], sys.argv[2]
walls, out = [], ""
for _ in range(3):
    start = time.perf_counter()
    p = subprocess.run([bin, "check", spec], capture_output=True, text=True)
    walls.append(time.perf_counter() - start)
    out = p.stdout
line = lambda prefix: next((l for l in out.splitlines() if l.startswith(prefix)), "")
print(f"| {spec.split('/')[-1]} | {line('satisfies:')[len('satisfies: '):]} |"
      f" {line('time:')[len('time: '):-2]} | {statistics.median(walls):.3f} |")
PY
done
