#!/usr/bin/env bash
# Benchmarks/bmc.sh: figures for `bqs-verify bmc` in a release build (not a timed test).
#
# 1. Every instance under Specs/protocols side by side with explore: explore's verdict, states
#    and seconds; bmc at explore's depth (the shortest violation, or the BFS depth of a safe
#    instance) and one step less: verdict, query size (Boolean and integer variables,
#    assertions) and solve seconds.
#    Specs/protocols/bmc holds the n = 20, f = 4 opaque pair: quorums of 15 (one smaller than
#    Example 5.12's; one write then one read, 32 steps) and 16.
# 2. Growing n with f = n/5 and quorums of ceil((2n + 2f)/3) - 1: bmc at depth 2q + 2 (finds
#    the run) and 2q + 1 (no violation), and Example 5.12's quorums at their longest run, until
#    a query takes longer than the budget or n reaches 64 (the largest universe). Explore on the
#    mutant beside it until it is out of time, or refuses (it lists the quorums: at most 100000).
# 3. Heavier workloads (two writers, one or two readers) on Example 5.12's quorums, growing n,
#    until a query runs out of the budget.
# 4. The Section 6 update protocol (protocol: update): each update spec with explore (all
#    properties) beside bmc (Lemmas 6.2 and 6.3) at K and K - 1, K being explore's shortest
#    violation of those two invariants, or its BFS depth when they hold (explore restricted to
#    them, as Tests/ProtocolSMTTests/UpdateCrossCheckTests measures); the specs bmc refuses
#    (reader, step5 exactly: exit 2); and n = 5 with both faulty updates, a writer and forged
#    messages at explore's BFS depth 20.
#
# Usage: Benchmarks/bmc.sh [TIMEOUT_SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-60}"
swift build -c release --product bqs-verify >/dev/null
bin=".build/release/bqs-verify"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

explore_fields() { python3 -c '
import json,sys
try:
    d=json.load(sys.stdin); s=d["statistics"]; print(d["verdict"], s["states"], s["depth"], "%.3f" % s["seconds"])
except Exception:
    print("cannot - - -")'; }
bmc_fields() { python3 -c '
import json,sys
t=sys.stdin.read()
try:
    d=json.loads(t); q=d["query"]
    print(d["verdict"], q["booleans"], q["integers"], q["assertions"], "%.3f" % q["solve_seconds"], len(d.get("trace", [])))
except Exception:
    print("timeout - - - - -")'; }

bmc() { # spec depth -> verdict booleans integers assertions solve-seconds steps
  { timeout $((budget + 10)) "$bin" bmc "$1" --depth "$2" --json --timeout "$budget" 2>/dev/null || true; } | bmc_fields
}

echo "== Specs/protocols: explore and bmc side by side"
printf '%-34s %-9s %9s %6s %8s | %5s %-26s %6s %5s %6s %8s\n' instance explore states depth seconds K "bmc verdict" bools ints asserts solve-s
for spec in Specs/protocols/*.yaml Specs/protocols/bmc/*.yaml; do
  name=$(basename "$spec" .yaml)
  case "$name" in update-*) continue ;; esac # section 4
  read -r ev states depth eseconds < <({ "$bin" explore "$spec" --json --timeout "$budget" || true; } | explore_fields)
  # Explore cannot finish the n = 20 instances in the budget: bmc at their run length.
  if [ "$ev" = unknown ]; then depth=$(sed -n 's/^quorums: {threshold: \([0-9]*\)}/\1/p' "$spec"); depth=$((2 * depth + 2)); fi
  for k in "$depth" $((depth - 1)); do
    read -r bv bools ints asserts solve steps < <(bmc "$spec" "$k")
    printf '%-34s %-9s %9s %6s %8s | %5s %-26s %6s %5s %6s %8s\n' "$name" "$ev" "$states" "$depth" "$eseconds" "$k" "$bv" "$bools" "$ints" "$asserts" "$solve"
  done
done

echo
echo "== growing n: opaque, f = n/5, one write then one read; quorums ceil((2n+2f)/3) - 1 (O1 fails)"
echo "   at depth 2q + 2 and 2q + 1, and Example 5.12's ceil((2n+2f)/3) at depth 2q + 2; explore on the"
echo "   mutant beside it (symmetry on) until it is out of time or refuses to list the quorums"
printf '%4s %3s %3s %5s %-26s %6s %5s %6s %8s %6s %9s | %-9s %9s %8s\n' n f q K "bmc verdict" bools ints asserts solve-s steps wall-s explore states seconds
explore_done=0
for n in 20 25 30 35 40 45 50 55 60 64; do
  f=$((n / 5)); safe_q=$(( (2 * n + 2 * f + 2) / 3 )); q=$((safe_q - 1))
  stop=0
  for row in "$q $((2 * q + 2))" "$q $((2 * q + 1))" "$safe_q $((2 * safe_q + 2))"; do
    read -r qq k <<<"$row"
    spec="$scratch/opaque-n$n-q$qq.yaml"
    printf 'universe: %d\nfail-prone: {threshold: %d}\nquorums: {threshold: %d}\nread-rule: opaque\nwriters: 1\nreaders: 1\n' "$n" "$f" "$qq" >"$spec"
    ev="-"; states="-"; eseconds="-"
    if [ "$qq" = "$q" ] && [ "$k" = $((2 * q + 2)) ] && [ "$explore_done" = 0 ]; then
      read -r ev states edepth eseconds < <({ "$bin" explore "$spec" --json --timeout "$budget" 2>/dev/null || true; } | explore_fields)
      # Once explore does not find the violation within the budget (unknown), larger n are skipped.
      if [ "$ev" != violated ]; then explore_done=1; fi
    fi
    start=$(date +%s.%N)
    read -r bv bools ints asserts solve steps < <(bmc "$spec" "$k")
    wall=$(python3 -c "import time; print('%.2f' % (time.time() - $start))")
    printf '%4s %3s %3s %5s %-26s %6s %5s %6s %8s %6s %9s | %-9s %9s %8s\n' "$n" "$f" "$qq" "$k" "$bv" "$bools" "$ints" "$asserts" "$solve" "$steps" "$wall" "$ev" "$states" "$eseconds"
    if [ "$bv" = timeout ] || [ "$bv" = unknown ]; then stop=1; fi
  done
  if [ "$stop" = 1 ]; then break; fi
done

# Heavier workloads on Example 5.12's quorums (no violation: the UNSAT direction), at the length
# of the longest run in which every operation completes, until a query runs out of the budget.
heavier() { # writers readers "n values"
  local writers="$1" readers="$2" ns="$3"
  echo
  echo "== opaque, Example 5.12's quorums ceil((2n+2f)/3), f = n/5, $writers writers and $readers reader(s), depth (w + r)(q + 1)"
  printf '%4s %3s %3s %5s %-26s %6s %5s %6s %8s %9s\n' n f q K "bmc verdict" bools ints asserts solve-s wall-s
  for n in $ns; do
    local f=$((n / 5)) q k spec start wall bv bools ints asserts solve steps
    q=$(( (2 * n + 2 * f + 2) / 3 )); k=$(( (writers + readers) * (q + 1) ))
    spec="$scratch/heavy-$writers-$readers-n$n.yaml"
    printf 'universe: %d\nfail-prone: {threshold: %d}\nquorums: {threshold: %d}\nread-rule: opaque\nwriters: %d\nreaders: %d\n' "$n" "$f" "$q" "$writers" "$readers" >"$spec"
    start=$(date +%s.%N)
    read -r bv bools ints asserts solve steps < <(bmc "$spec" "$k")
    wall=$(python3 -c "import time; print('%.2f' % (time.time() - $start))")
    printf '%4s %3s %3s %5s %-26s %6s %5s %6s %8s %9s\n' "$n" "$f" "$q" "$k" "$bv" "$bools" "$ints" "$asserts" "$solve" "$wall"
    if [ "$bv" = timeout ] || [ "$bv" = unknown ]; then break; fi
  done
}
heavier 2 1 "10 20 30 40 50 60 64"
heavier 2 2 "5 10 15 20 25 30 35 40"

echo
echo "== Section 6 update protocol: explore (all properties) and bmc (Lemmas 6.2, 6.3) at K and K - 1"
echo "   K: explore's shortest violation of Lemma 6.2/6.3, or its BFS depth when they hold"
printf '%-40s %-9s %7s %6s %8s | %3s %-26s %6s %7s %8s\n' instance explore states depth seconds K "bmc verdict" bools asserts solve-s
update_row() { # spec K
  local spec="$1" k="$2" name ev states depth eseconds kk bv bools ints asserts solve steps
  name=$(basename "$spec" .yaml)
  read -r ev states depth eseconds < <({ "$bin" explore "$spec" --json --timeout "$budget" || true; } | explore_fields)
  for kk in "$k" $((k - 1)); do
    set +e; "$bin" bmc "$spec" --depth "$kk" --timeout "$budget" >/dev/null 2>&1; rc=$?; set -e
    if [ "$rc" = 2 ]; then bv="refused (exit 2)"; bools=-; asserts=-; solve=-
    else read -r bv bools ints asserts solve steps < <(bmc "$spec" "$kk"); fi
    printf '%-40s %-9s %7s %6s %8s | %3s %-26s %6s %7s %8s\n' "$name" "$ev" "$states" "$depth" "$eseconds" "$kk" "$bv" "$bools" "$asserts" "$solve"
    if [ "$bv" = "refused (exit 2)" ]; then break; fi
  done
}
update_row Specs/protocols/update-n5-f1-q4.yaml 13
update_row Specs/protocols/update-n5-f1-q4-writer.yaml 15
update_row Specs/protocols/update-broken-n4-f1-q3.yaml 7
update_row Specs/protocols/update-broken-m1-n5-f1-q3.yaml 10
update_row Specs/protocols/update-broken-n4-f1-q2-forged.yaml 2
update_row Specs/protocols/update-reading-step2-per-quorum.yaml 11
update_row Specs/protocols/update-reading-step3-every-other-member.yaml 10
update_row Specs/protocols/update-reading-step3-quorum-minus-b.yaml 10
update_row Specs/protocols/update-n5-f1-q4-reader.yaml 16
update_row Specs/protocols/update-reading-step5-exactly.yaml 10
spec="$scratch/update-n5-all.yaml"
printf 'protocol: update\nuniverse: 5\nfail-prone: {threshold: 1}\nquorums: {threshold: 4}\nfaulty-updates: 2\nwriter: on\nforged: on\n' >"$spec"
update_row "$spec" 20
