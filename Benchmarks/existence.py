#!/usr/bin/env python3
"""Existence benchmark: prints the figures the README quotes.

Run from the package root:  python3 Benchmarks/existence.py  [--quick]
It builds the release binary, then times whole command lines (wall clock, best of 3 for the
short ones), the threshold sweep n <= 14, f <= 3, the family engine on every boundary pair, and
the cover criteria on large explicit and nested fail-prone systems.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "bqs-verify")
DATA = os.path.join(ROOT, "Benchmarks", "results", "data")
QUICK = "--quick" in sys.argv


def run(args, timeout=None, full=False):
    start = time.perf_counter()
    try:
        p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        code, out = p.returncode, p.stdout or p.stderr
    except subprocess.TimeoutExpired:
        code, out = "timeout", ""
    elapsed = time.perf_counter() - start
    if full:
        return elapsed, code, out
    return elapsed, code, out.split("\n", 1)[0]


def decision_seconds(out):
    """The tool's own 'time:' line: the decision, without reading the spec file."""
    for line in out.splitlines():
        if line.strip().startswith("time: "):
            return float(line.split()[1])
    return float("nan")


def best(args, repeat=3):
    times = []
    for _ in range(repeat):
        t, code, first = run(args)
        times.append(t)
    return min(times), code, first


def row(label, seconds, code, first):
    print(f"| {label} | {seconds:.3f} | {code} | {first[:90]} |")


def main():
    subprocess.run(["swift", "build", "-c", "release", "--product", "bqs-verify"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "gen_failprone.py"), DATA], check=True)

    print("\n## Single questions (wall clock, best of 3, release build)\n")
    print("| command | seconds | exit | verdict line |\n|---|---|---|---|")
    for args in (["opaque", "--n", "9", "--f", "2"],
                 ["masking", "--n", "1000000", "--f", "249999"],
                 ["opaque", "--n", "1000", "--f", "200"],
                 ["dissemination", "--n", "1000000", "--f", "333333"]):
        row("bqs-verify " + " ".join(args), *best(args))

    print("\n## All three classes for every threshold n <= 14, 1 <= f <= 3 (default engines)\n")
    total = 0.0
    worst = (0.0, "")
    wrong = []
    for f in range(1, 4):
        for n in range(f + 1, 15):
            for cls, holds in (("masking", n > 4 * f), ("dissemination", n > 3 * f), ("opaque", n >= 5 * f)):
                t, code, first = run([cls, "--n", str(n), "--f", str(f)])
                total += t
                if t > worst[0]:
                    worst = (t, f"{cls} n={n} f={f}")
                verdict = first.split(":", 1)[0]
                if verdict != ("exists" if holds else "none") or code != 0:
                    wrong.append(f"{cls} n={n} f={f}: {first}")
    print(f"total {total:.2f} s for {3 * sum(14 - f for f in range(1, 4))} questions; slowest {worst[1]} {worst[0]:.3f} s; "
          f"verdicts differing from n > 4f / n > 3f / n >= 5f: {len(wrong)}")
    for w in wrong:
        print("  WRONG:", w)

    print("\n## Family engine alone on the boundary pairs (--engine family)\n")
    print("| class | f | n | seconds | verdict line |\n|---|---|---|---|---|")
    largest = {}
    fs = range(1, 4) if QUICK else range(1, 9)
    for cls, below, at in (("opaque", lambda f: 5 * f - 1, lambda f: 5 * f),
                           ("masking", lambda f: 4 * f, lambda f: 4 * f + 1),
                           ("dissemination", lambda f: 3 * f, lambda f: 3 * f + 1)):
        for f in fs:
            ok = True
            for n in (below(f), at(f)):
                t, code, first = run([cls, "--n", str(n), "--f", str(f), "--engine", "family", "--timeout", "60"], timeout=90)
                print(f"| {cls} | {f} | {n} | {t:.3f} | {first[:80]} |")
                ok = ok and code == 0 and t <= 60
            if ok:
                largest[cls] = f
            else:
                break
    print("\nlargest f whose boundary pair the family engine decides within 60 s each:", largest)

    print("\n## Cover criteria on large fail-prone systems (masking and dissemination)\n")
    print("| spec | class | decision s | end to end s (incl. reading the YAML) | verdict line |\n|---|---|---|---|---|")
    specs = [(os.path.join(DATA, s), ["--engine", "criterion"]) for s in
             ("all-4-of-40.yaml", "random-20-of-40.yaml", "random-6-of-24.yaml")]
    specs += [(s, []) for s in ("Specs/failprone/ring13.yaml", "Specs/failprone/ring13-65.yaml",
                                "Specs/failprone/ring13-65-select3.yaml", "Specs/failprone/stellar-tiers.yaml")]
    for spec, extra in specs:
        for cls in ("masking", "dissemination"):
            t, code, out = run([cls, "--spec", spec] + extra, full=True)
            first = out.split("\n", 1)[0]
            print(f"| {os.path.basename(spec)} | {cls} | {decision_seconds(out):.3f} | {t:.3f} | {first[:70]} |")


if __name__ == "__main__":
    main()
