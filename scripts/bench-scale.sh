#!/usr/bin/env bash
# `make bench-scale`: how a run's memory and speed grow with its size. race-claim and
# fault-matrix at 64 workers on SQLite for 10 k, 100 k and 1 M messages (SIZES to change them),
# and 100 k on PostgreSQL when TORTURE_DATABASE_URL is set. Each size is a process of its own, so
# the peak resident set (from /usr/bin/time -v) is that size's. The slope is the figure: peak RSS
# should flatten once the history's memory budget is reached, and deliveries/s should not fall.
# SKIP_BUILD=1 measures the binary already built.
set -euo pipefail
cd "$(dirname "$0")/.."
torture=.build/release/torture
sizes=${SIZES:-10000 100000 1000000}
scenarios=${SCENARIOS:-race-claim fault-matrix}
workers=${WORKERS:-64}
work=$(mktemp -d "${TMPDIR:-/tmp}/torture-bench-scale-XXXXXX")
trap 'rm -rf "$work"' EXIT

measure() {   # scenario messages store → one line of the table
    local scenario=$1 messages=$2 store=$3
    set +e
    /usr/bin/time -v "$torture" run "$scenario" --workers "$workers" --messages "$messages" --seed 1 --store "$store" \
        --report-dir "$work/reports" --json >"$work/report.json" 2>"$work/time.txt"
    local code=$?
    set -e
    python3 - "$scenario" "$messages" "$store" "$code" "$work/report.json" "$work/time.txt" <<'PY'
import json, re, sys
scenario, messages, store, code, report_path, time_path = sys.argv[1:]
text = open(time_path).read()
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
try:
    report = json.load(open(report_path))
    rate, status, events = report["timing"]["deliveriesPerSecond"], report["status"], report["historyEvents"]
except Exception:
    rate, status, events = 0.0, "no report (exit %s)" % code, 0
store_name = "postgres" if store.startswith("postgres") else store
print("%-13s %-8s %9d %12.0f %10.1f %14.0f %12d  %s" % (scenario, store_name, int(messages), rss_kb / 1024, seconds, rate, events, status))
PY
}

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "building the release binary…" >&2
    swift build -c release --product torture >&2
fi
printf "%-13s %-8s %9s %12s %10s %14s %12s  %s\n" scenario store messages "peak RSS MB" "wall s" "deliveries/s" "events" verdict
for scenario in $scenarios; do
    for size in $sizes; do measure "$scenario" "$size" sqlite; done
done
if [ -n "${TORTURE_DATABASE_URL:-}" ]; then
    for scenario in $scenarios; do measure "$scenario" 100000 "$TORTURE_DATABASE_URL"; done
fi
