#!/usr/bin/env bash
# Measures a soak's resident memory: runs `torture soak` on every correct scenario for DURATION
# and samples VmRSS and VmHWM (the peak so far) from /proc every INTERVAL seconds into a CSV
# (seconds,rss_kib,hwm_kib), then summarises it minute by minute. A sample taken mid-run includes
# that run's history and one taken between runs does not, so single samples jump; the per-minute
# maximum and the high-water mark are what show whether memory grows.
#   scripts/soak-rss.sh [DURATION=20m] [INTERVAL=10] [OUT=reports/soak-rss.csv]
set -euo pipefail
duration=${1:-20m}
interval=${2:-10}
out=${3:-reports/soak-rss.csv}
binary=${TORTURE_BIN:-.build/debug/torture}
work=$(mktemp -d)
# A private copy: rebuilding the project while this runs must not swap the binary under it.
cp "$binary" "$work/torture"
mkdir -p "$(dirname "$out")"
"$work/torture" soak all --duration "$duration" --seed-start 0x5eed --keep-going \
    --report-dir "$work/reports" --scenarios scenarios > "$work/soak.out" 2>&1 &
pid=$!
echo "seconds,rss_kib,hwm_kib" > "$out"
started=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
    sample=$(awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { if (rss != "") print rss "," hwm }' \
        "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$sample" ] && echo "$(( $(date +%s) - started )),$sample" >> "$out"
    sleep "$interval"
done
wait "$pid" || true
cat "$work/soak.out"
scripts/soak-rss-summary.sh "$out"
rm -rf "$work"
