#!/usr/bin/env bash
# Proves the HTML reports render: a passing run, a naive scenario caught on one seed, and a brief
# soak; headless Chromium screenshots each index.html to a PNG.
# Installs chromium with apt-get when it is missing.
#   scripts/report-screenshot.sh [OUT_DIR=reports/screenshots]
set -euo pipefail
out=${1:-reports/screenshots}
binary=${TORTURE_BIN:-.build/debug/torture}
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "installing chromium"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" run race-claim --workers 16 --messages 300 --seed 0x5eed --report-dir "$work/reports" \
    --scenarios scenarios > "$work/pass.out" || true
pass_html=$(readlink -f "$work/reports/latest")/index.html
# 16 workers on 300 messages: caught on the first seeds, and a timeline small enough to read.
"$binary" run race-claim-naive --workers 16 --messages 300 --seed 0x5eed --report-dir "$work/reports" \
    --scenarios scenarios > "$work/run.out" || true
run_html=$(readlink -f "$work/reports/latest")/index.html
"$binary" soak race-claim idempotent-submit race-claim-naive --runs 9 --keep-going --seed-start 0x5eed \
    --report-dir "$work/reports" --scenarios scenarios > "$work/soak.out" || true
soak_html=$(ls -d "$work"/reports/soak/*/ | head -1)index.html

shoot() {
    # --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,"$3" \
        --screenshot="$2" "file://$1" >/dev/null 2>&1
    [ -s "$2" ] || { echo "error: no screenshot of $1" >&2; exit 1; }
    echo "screenshot: $2"
}
shoot "$pass_html" "$out/pass-report.png" 2400
shoot "$run_html" "$out/run-report.png" 8600
shoot "$soak_html" "$out/soak-report.png" 3400
cp "$pass_html" "$out/pass-report.html"
cp "$run_html" "$out/run-report.html"
cp "$soak_html" "$out/soak-report.html"
