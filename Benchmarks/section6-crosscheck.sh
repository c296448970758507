#!/usr/bin/env bash
# Benchmarks/section6-crosscheck.sh: the timestamp decomposition of `explore` (three faulty
# updates, no correct writer or reader; Sources/ProtocolKit/Update/UpdateDecomposition.swift)
# against the full search (--no-reduction), in a release build, on every instance the debug
# tests (UpdateDecompositionTests) only sample: threshold B with f = 1 on n = 4 and 5, every
# quorum size 1..n, every combination of readings (48), and explicit fail-prone and quorum
# systems under every reading they admit (24: step5 exactly is threshold-only).
#
# For each instance: the verdicts must be equal; explore itself replays every counterexample
# through the full model before printing it (exit 3 otherwise); when both name the same
# property and the decomposition claims a shortest run, the lengths must be equal. A full
# search that times out is reported as skipped, never as agreement. Prints one line per
# mismatch or skip and a summary; exits 1 on any mismatch. Takes about 22 minutes on 2 shared cores (552 instances, all agree).
#
# Usage: Benchmarks/section6-crosscheck.sh [FULL_SEARCH_TIMEOUT_SECONDS]   (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout="${1:-120}"
swift build -c release --product bqs-verify >/dev/null
BIN=".build/release/bqs-verify" TIMEOUT="$timeout" python3 - <<'PY'
import itertools, json, os, subprocess, sys, tempfile
bin, timeout = os.environ["BIN"], os.environ["TIMEOUT"]
R = {"step2": ["first-received", "per-quorum"],
     "step3": ["every-member", "every-other-member", "quorum-minus-b"],
     "step4": ["any-servers", "within-quorum"], "step5": ["at-least", "exactly"],
     "propagation": ["a-quorum", "the-quorum"]}
instances = [(f"n={n} f=1 q={q}", f"universe: {n}\nfail-prone: {{threshold: 1}}\nquorums: {{threshold: {q}}}\n", True)
             for n in (4, 5) for q in range(1, n + 1)]
explicit = [(4, [[0], [1]], [[0, 2, 3], [1, 2, 3], [0, 1, 2, 3]]),
            (4, [[0, 1]], [[0, 1], [1, 2, 3], [0, 2, 3]]),
            (4, [[0]], [[0], [1, 2, 3], [0, 1, 2]]),
            (5, [[0], [1], [2]], [[0, 1, 2, 3], [1, 2, 3, 4], [0, 2, 3, 4]]),
            (5, [[0, 1], [2]], [[0, 2, 3, 4], [1, 2, 3, 4], [0, 1, 3, 4]])]
instances += [(f"n={n} B={b} Q={q}", f"universe: {n}\nfail-prone: {{sets: {b}}}\nquorums: {{sets: {q}}}\n", False)
              for n, b, q in explicit]
def run(path, *args):
    out = subprocess.run([bin, "explore", path, "--json", *args], capture_output=True, text=True)
    if out.returncode not in (0, 1, 3):
        sys.exit(f"explore failed on {path}: {out.stdout}{out.stderr}")
    return json.loads(out.stdout)
tally = {"agree": 0, "skipped": 0, "mismatch": 0}
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "spec.yaml")
    for name, body, threshold in instances:
        for combo in itertools.product(*R.values()):
            readings = dict(zip(R, combo))
            if readings["step5"] == "exactly" and not threshold:
                continue
            with open(path, "w") as f:
                f.write(f"protocol: update\n{body}faulty-updates: 3\nreadings: {json.dumps(readings)}\n")
            full = run(path, "--no-reduction", "--timeout", timeout)
            red = run(path)
            label = f"{name} {' '.join(combo)}"
            if full["verdict"] == "unknown":
                tally["skipped"] += 1
                print(f"skipped (full search: {full.get('reason')}): {label}", flush=True)
                continue
            ok = full["verdict"] == red["verdict"] and red["reduction"]["applied"]
            if ok and full["verdict"] == "violated" and full["property"] == red["property"] \
                    and red.get("counterexample_shortest"):
                ok = len(full["trace"]) == len(red["trace"])
            tally["agree" if ok else "mismatch"] += 1
            if not ok:
                print(f"MISMATCH {label}: full {full['verdict']} {full.get('property', '')[:9]} "
                      f"{len(full.get('trace', []))}, decomposition {red['verdict']} "
                      f"{red.get('property', '')[:9]} {len(red.get('trace', []))}", flush=True)
print(f"{tally['agree']} instances agree, {tally['mismatch']} mismatches, {tally['skipped']} skipped")
sys.exit(1 if tally["mismatch"] else 0)
PY
