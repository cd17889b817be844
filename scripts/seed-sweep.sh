#!/usr/bin/env bash
# Runs every scenario over SEEDS seeds and prints, per scenario, how many runs held and how many
# were caught, and whether that is what it must do: a correct scenario holds on every seed, a
# -naive twin is caught within 10 seeds (it stops at its first catch).
# usage: scripts/seed-sweep.sh SEEDS [WORKERS] [MESSAGES] [-- extra torture run flags, e.g. --store URL or --scheduler sim]
set -uo pipefail
seeds=${1:?usage: scripts/seed-sweep.sh SEEDS [WORKERS] [MESSAGES]}
workers=${2:-32}
messages=${3:-}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
torture=${TORTURE:-.build/debug/torture}
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
printf '%-26s %6s %6s %6s %-6s %s\n' scenario held caught other first verdict
good=0 bad=0
for file in scenarios/*.yaml; do
    name=$(basename "$file" .yaml)
    held=0 caught=0 other=0 first=""
    for ((seed = 1; seed <= seeds; seed++)); do
        args=(run "$name" --workers "$workers" --seed "$seed" --report-dir "$reports")
        [ -n "$messages" ] && args+=(--messages "$messages")
        "$torture" "${args[@]}" "$@" >"$reports/out.txt" 2>&1
        case $? in
            0) held=$((held + 1)) ;;
            1) caught=$((caught + 1)); [ -z "$first" ] && first=$seed
               case "$name" in *-naive) ;; *) echo "  $name seed $seed: $(grep -m1 repro: "$reports/out.txt")" >&2 ;; esac ;;
            *) other=$((other + 1)); echo "  $name seed $seed: $(tail -n 3 "$reports/out.txt")" >&2 ;;
        esac
        rm -rf "$reports/$name"
        case "$name" in *-naive) { [ -n "$first" ] || [ "$seed" -ge 10 ]; } && break ;; esac
    done
    case "$name" in
        *-naive) if [ -n "$first" ] && [ "$first" -le 10 ]; then verdict="caught"; else verdict="NOT CAUGHT"; fi ;;
        *) if [ "$held" -eq "$seeds" ]; then verdict="held"; else verdict="NOT HELD"; fi ;;
    esac
    case "$verdict" in held|caught) good=$((good + 1)) ;; *) bad=$((bad + 1)) ;; esac
    printf '%-26s %6d %6d %6d %-6s %s\n' "$name" "$held" "$caught" "$other" "${first:--}" "$verdict"
done
echo "as they must: $good; not: $bad"
