#!/usr/bin/env python3
"""Generates the fail-prone systems the existence benchmark uses, as spec files.

Usage: gen_failprone.py OUTDIR. Deterministic (fixed seeds), so figures are reproducible.
"""
import itertools
import os
import random
import sys


def write(path, universe, body, comment):
    with open(path, "w") as f:
        f.write(f"# {comment}\n")
        f.write(f"universe: {universe}\n")
        f.write(body)


def sets_yaml(sets):
    return "fail-prone:\n  sets:\n" + "".join(
        "    - [" + ", ".join(map(str, sorted(s))) + "]\n" for s in sets
    )


def main(out):
    os.makedirs(out, exist_ok=True)
    # All 4-subsets of 40 servers: 91,390 sets; no 4 of them cover 40 servers (16 < 40).
    sets = list(itertools.combinations(range(40), 4))
    write(f"{out}/all-4-of-40.yaml", 40, sets_yaml(sets), "all 4-subsets of 40 servers (91,390 sets)")
    # 100,000 random 20-subsets of 40 servers (an antichain: equal sizes, deduplicated).
    rng = random.Random(1997)
    seen = set()
    while len(seen) < 100_000:
        seen.add(tuple(sorted(rng.sample(range(40), 20))))
    write(f"{out}/random-20-of-40.yaml", 40, sets_yaml(sorted(seen)),
          "100,000 random 20-subsets of 40 servers")
    # 100,000 random 6-subsets of 24 servers: 4 x 6 = 24, so covers are possible but rare-ish.
    seen = set()
    while len(seen) < 100_000:
        seen.add(tuple(sorted(rng.sample(range(24), 6))))
    write(f"{out}/random-6-of-24.yaml", 24, sets_yaml(sorted(seen)),
          "100,000 random 6-subsets of 24 servers")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/results/data")
