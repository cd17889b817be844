#!/usr/bin/env bash
# Summarises a CSV of `seconds,rss_kib` samples (from scripts/soak-rss.sh) minute by minute.
set -euo pipefail
awk -F, 'NR > 1 {
        minute = int($1 / 60)
        if (!(minute in low) || $2 < low[minute]) low[minute] = $2
        if ($2 > high[minute]) high[minute] = $2
        if (minute > last) last = minute
    }
    END {
        printf "minute  min_kib  max_kib\n"
        for (m = 0; m <= last; m++) if (m in low) printf "%6d  %7d  %7d\n", m, low[m], high[m]
        base_low = low[1]; base_high = high[1]
        worst_low = 0; worst_high = 0
        for (m = 1; m <= last; m++) if (m in low) {
            if (low[m] > worst_low) worst_low = low[m]
            if (high[m] > worst_high) worst_high = high[m]
        }
        printf "after the first minute: min %d KiB, max %d KiB; largest per-minute min since %d KiB (%+.1f %%), largest max %d KiB (%+.1f %%)\n",
            base_low, base_high, worst_low, 100 * (worst_low - base_low) / base_low, worst_high, 100 * (worst_high - base_high) / base_high
    }' "$1"
