#!/usr/bin/env bash
# Benchmarks/spin.sh: `bqs-verify explore` side by side with SPIN on the same instances.
#
# For each instance it writes the Promela model (Benchmarks/spin/gen_promela.py: the same
# transition system, see Benchmarks/spin/README.md), compiles SPIN's verifier (spin -o1 -o2 -a;
# gcc -O2 -DSAFETY -DNOREDUCE), runs it, and runs the release `bqs-verify explore` on the same
# spec with symmetry off (equal state counts: SPIN stores one more, the state before the faulty
# set is chosen) and on (the default). Times are each tool's own search time (SPIN's "elapsed
# time", our "seconds"), compilation excluded on both sides. The ratio is SPIN's time over ours.
#
# Needs: Debian's spin and gcc (apt-get install -y spin gcc), python3.
# Usage: Benchmarks/spin.sh [TIMEOUT_SECONDS]   (default 60, per tool and instance)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${1:-60}"
scratch=".build-explore-release"
swift build -c release --scratch-path "$scratch" --product bqs-verify >/dev/null
bin="$PWD/$scratch/release/bqs-verify"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | spec | n f q rule writers readers
instances=(
  "broken-masking-n4-f1-q3|Specs/protocols/broken-masking-n4-f1-q3.yaml|4 1 3 masking 2 1"
  "broken-opaque-n4-f1-q3|Specs/protocols/broken-opaque-n4-f1-q3.yaml|4 1 3 opaque 2 1"
  "dissemination-n4-f1-q3|Specs/protocols/dissemination-n4-f1-q3.yaml|4 1 3 dissemination 2 1"
  "masking-n5-f1-q4|Specs/protocols/masking-n5-f1-q4.yaml|5 1 4 masking 2 1"
  "opaque-n5-f1-q4|Specs/protocols/opaque-n5-f1-q4.yaml|5 1 4 opaque 2 1"
  "opaque-n6-f1-q5 (2 writers)|GEN|6 1 5 opaque 2 1"
  "scale-masking-n13-f3-q10|Benchmarks/explore-specs/scale-masking-n13-f3-q10.yaml|13 3 10 masking 1 1"
)

ours() {  # spec, extra args -> "verdict states seconds"
  "$bin" explore "$1" --json --timeout "$timeout_s" "${@:2}" 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["statistics"]; print(d["verdict"], s["states"], "%.3f" % s["seconds"])' ||
    true
}

printf '%-30s | %-22s | %-22s | %-22s | %s\n' instance "SPIN: verdict states s" "ours, no symmetry" "ours, symmetry" "SPIN s / ours s (sym, no sym)"
for entry in "${instances[@]}"; do
  IFS='|' read -r name spec params <<<"$entry"
  read -r n f q rule w r <<<"$params"
  if [[ "$spec" == GEN ]]; then
    spec="$work/gen-$n-$f-$q-$rule.yaml"
    printf 'universe: %s\nfail-prone: {threshold: %s}\nquorums: {threshold: %s}\nread-rule: %s\nwriters: %s\nreaders: %s\n' \
      "$n" "$f" "$q" "$rule" "$w" "$r" >"$spec"
  fi
  (
    cd "$work"
    python3 "$OLDPWD/Benchmarks/spin/gen_promela.py" $n $f $q $rule $w $r >model.pml
    spin -o1 -o2 -a model.pml >/dev/null
    gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=4096 -w -o pan pan.c
    timeout "$timeout_s" ./pan -m10000 -w26 >pan.out 2>&1 || true
  )
  spin_states=$(awk '/states, stored/ {print $1}' "$work/pan.out")
  spin_secs=$(awk '/elapsed time/ {print $4}' "$work/pan.out")
  if grep -q "errors: [1-9]" "$work/pan.out"; then spin_verdict=violated
  elif grep -q "errors: 0" "$work/pan.out"; then spin_verdict=safe
  else spin_verdict="unfinished"; spin_states="-"; spin_secs=">$timeout_s"; fi
  read -r v_off s_off t_off <<<"$(ours "$spec" --no-symmetry)"
  read -r v_on s_on t_on <<<"$(ours "$spec")"
  ratio=$(python3 -c "
import sys
def r(a, b):
    try:
        if float(a) == 0: return '-'  # below SPIN's 0.01 s resolution
        return '%.1f' % (float(a) / max(float(b), 1e-3))
    except ValueError: return '-'
s = '$spin_secs'.lstrip('>')
print(('>' if '$spin_secs'.startswith('>') else '') + r(s, '$t_on') + ' / ' + ('>' if '$spin_secs'.startswith('>') else '') + r(s, '$t_off'))")
  printf '%-30s | %-22s | %-22s | %-22s | %s\n' "$name" "$spin_verdict $spin_states $spin_secs" \
    "$v_off $s_off $t_off" "$v_on $s_on $t_on" "$ratio"
done
