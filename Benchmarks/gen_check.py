#!/usr/bin/env python3
"""Writes the specs Benchmarks/check.sh times: 1,000 listed quorums against 100 fail-prone sets.

Usage: gen_check.py OUTDIR. Deterministic (fixed seeds).
  check-1000x100-holds.yaml: 30 servers, fail-prone sets 100 random pairs, quorums 1,000
    27-server sets, each avoiding one fail-prone set (so M2/D2/O3-style availability holds and
    every intersection is large): every property is checked over every pair.
  check-1000x100-random.yaml: 30 servers, 1,000 random quorums of 18 to 24 servers, 100 random
    fail-prone sets of 3 servers.
"""
import os
import random
import sys


def write(path, n, failprone, quorums, comment):
    with open(path, "w") as f:
        f.write(f"# {comment}\nuniverse: {n}\nfail-prone:\n  sets:\n")
        for b in failprone:
            f.write("    - [" + ", ".join(map(str, sorted(b))) + "]\n")
        f.write("quorums:\n  sets:\n")
        for q in quorums:
            f.write("    - [" + ", ".join(map(str, sorted(q))) + "]\n")


def main(out):
    os.makedirs(out, exist_ok=True)
    n = 30
    rng = random.Random(4)
    pairs = set()
    while len(pairs) < 100:
        pairs.add(tuple(sorted(rng.sample(range(n), 2))))
    pairs = sorted(pairs)
    quorums = set()
    for b in pairs:  # one quorum avoiding each fail-prone set
        rest = [u for u in range(n) if u not in b]
        quorums.add(tuple(sorted(set(range(n)) - set(b) - {rng.choice(rest)})))
    while len(quorums) < 1000:
        quorums.add(tuple(sorted(rng.sample(range(n), 27))))
    write(f"{out}/check-1000x100-holds.yaml", n, pairs, sorted(quorums),
          "1,000 quorums of 27 of 30 servers, 100 fail-prone pairs")
    rng = random.Random(5)
    triples = set()
    while len(triples) < 100:
        triples.add(tuple(sorted(rng.sample(range(n), 3))))
    quorums = set()
    while len(quorums) < 1000:
        quorums.add(tuple(sorted(rng.sample(range(n), rng.randint(18, 24)))))
    write(f"{out}/check-1000x100-random.yaml", n, sorted(triples), sorted(quorums),
          "1,000 random quorums of 18 to 24 of 30 servers, 100 fail-prone triples")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/results/check")
