#!/usr/bin/env bash
# Benchmarks/explore.sh: figures for `bqs-verify explore` in a release build (not a timed test).
#
# For every read/write protocol instance under Specs/protocols (the Section 6 update specs
# have Benchmarks/section6.sh) and the scale instances under
# Benchmarks/explore-specs it prints, with symmetry reduction on: the verdict, stored states,
# transitions, wall seconds and CPU seconds of the search (the median of RUNS runs), stored
# states per wall second and per CPU second, bytes per stored state (store, parent links and
# hash table as allocated), and the reduction factor: the states the stored representatives
# stand for (sum of their orbit sizes) over the states stored. For the small instances it also
# runs --no-symmetry and checks that the orbit sum equals the unreduced count (safe instances;
# a violated search stops early, so there the counts differ).
#
# CPU seconds are the searching thread's own (CLOCK_THREAD_CPUTIME_ID): on a shared machine
# they are the figure to compare; wall seconds include time spent waiting for a core.
#
# Usage: Benchmarks/explore.sh [TIMEOUT_SECONDS] [RUNS]   (defaults 60 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${1:-60}"
runs="${2:-3}"
scratch=".build-explore-release"
swift build -c release --scratch-path "$scratch" --product bqs-verify >/dev/null
bin="$scratch/release/bqs-verify"

python3 - "$bin" "$timeout_s" "$runs" Specs/protocols/*.yaml -- Benchmarks/explore-specs/*.yaml <<'PY'
import json, statistics, subprocess, sys

bin, timeout, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
small = rest[: rest.index("--")]
scale = rest[rest.index("--") + 1 :]

def explore(spec, *extra):
    out = subprocess.run([bin, "explore", spec, "--json", "--timeout", timeout, *extra],
                         capture_output=True, text=True).stdout
    return json.loads(out)

head = ("instance", "verdict", "states", "transitions", "wall s", "CPU s", "states/s",
        "states/CPU s", "B/state", "reduction", "no-sym states")
fmt = "%-46s %-9s %9s %11s %8s %8s %10s %12s %8s %14s %14s"
print(fmt % head)
def is_update(spec):
    # The Section 6 update protocol has its own benchmark (Benchmarks/section6.sh).
    with open(spec) as f:
        return any(line.split("#")[0].strip() == "protocol: update" for line in f)

for spec in [s for s in small + scale if not is_update(s)]:
    results = [explore(spec) for _ in range(runs)]
    d = results[0]
    s = d["statistics"]
    wall = statistics.median(r["statistics"]["seconds"] for r in results)
    cpu = statistics.median(r["statistics"]["cpu_seconds"] for r in results)
    off = "-"
    if spec in small:
        o = explore(spec, "--no-symmetry")
        off = str(o["statistics"]["states"])
        if o["verdict"] == "unknown":
            off = ">" + off + " (cap)"
        if d["verdict"] == "safe":
            exact = o["statistics"]["states"] == round(s["represented_states"])
            off += " (=)" if exact else " (MISMATCH)"
    name = spec.split("/")[-1].removesuffix(".yaml")
    print(fmt % (name, d["verdict"], s["states"], s["transitions"], "%.3f" % wall, "%.3f" % cpu,
                 "%.0f" % (s["states"] / wall if wall else 0),
                 "%.0f" % (s["states"] / cpu if cpu else 0), "%.1f" % s["bytes_per_state"],
                 "%.4g" % s["reduction_factor"], off))
PY
