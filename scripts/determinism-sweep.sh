#!/usr/bin/env bash
# Reruns every scenario RERUNS times in simulation with one seed and counts how many reruns gave
# the first run's history hash: the simulation's promise is all of them.
# usage: scripts/determinism-sweep.sh RERUNS [SEED] [WORKERS] [-- extra torture run flags, e.g. --store postgres://…]
set -uo pipefail
reruns=${1:?usage: scripts/determinism-sweep.sh RERUNS [SEED] [WORKERS] [-- extra flags]}
seed=${2:-0x5eed}
workers=${3:-16}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
torture=${TORTURE:-.build/debug/torture}
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
printf '%-26s %-20s %s\n' scenario history same
for file in scenarios/*.yaml; do
    name=$(basename "$file" .yaml)
    first="" same=0
    for ((i = 1; i <= reruns; i++)); do
        hash=$("$torture" run "$name" --scheduler sim --seed "$seed" --workers "$workers" --json --report-dir "$reports" "$@" 2>/dev/null \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["historyHash"])')
        [ -z "$first" ] && first=$hash
        [ "$hash" = "$first" ] && same=$((same + 1))
    done
    printf '%-26s %-20s %d/%d\n' "$name" "$first" "$same" "$reruns"
done
