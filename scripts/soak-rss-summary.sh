#!/usr/bin/env bash
# Summarises the CSV of scripts/soak-rss.sh (seconds,rss_kib[,hwm_kib]) minute by minute, and
# compares every later minute with the first full minute (60–119 s).
set -euo pipefail
awk -F, 'NR > 1 {
        minute = int($1 / 60)
        if (!(minute in low) || $2 < low[minute]) low[minute] = $2
        if ($2 > high[minute]) high[minute] = $2
        hwm[minute] = $3
        # VmHWM only grows while the process lives; the largest sample is the peak (the very last
        # one can be read while the process is being torn down).
        if ($3 > peak) peak = $3
        if (minute > last) last = minute
    }
    END {
        printf "minute  rss_min_kib  rss_max_kib  hwm_kib\n"
        for (m = 0; m <= last; m++) if (m in low) printf "%6d  %11d  %11d  %7s\n", m, low[m], high[m], hwm[m]
        worst = 0
        for (m = 2; m <= last; m++) if ((m in high) && high[m] > worst) worst = high[m]
        printf "per-minute max RSS: minute 1 %d KiB, largest after it %d KiB (%+.1f %%)\n", high[1], worst, 100 * (worst - high[1]) / high[1]
        if (hwm[1] != "") printf "peak RSS (VmHWM): after minute 1 %d KiB, over the whole soak %d KiB (%+.1f %%)\n", hwm[1], peak, 100 * (peak - hwm[1]) / hwm[1]
    }' "$1"
