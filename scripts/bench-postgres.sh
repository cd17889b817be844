#!/usr/bin/env bash
# `make bench-postgres`: the harness against pgbench on the same server, with the same SQL, the
# same number of clients and the same duration, for race-claim and idempotent-submit at 8 and 64
# workers, BENCH_ROUNDS (3) alternating rounds each. Prints the medians and the median of the
# rounds' ratios harness ÷ pgbench (1.0 = no overhead).
#
# Then the wire proxy's cost: a psycopg handler (bench/handler/idempotent_submit_pg.py: the check
# and insert, one transaction a delivery) through torture's proxy vs `wire: direct`, same server,
# scenario and workers (1, 16, 64), no faults, the two sides alternated over a few rounds; prints
# the medians, the ratio proxy ÷ direct and the per-statement cost it implies. BENCH_WIRE_MESSAGES,
# BENCH_WIRE_ROUNDS and BENCH_WIRE_WORKERS size it.
#
# Then the wire-level simulation's cost: the same handler through the proxy on threads and under
# `--scheduler sim`, statements per second of wall time and the ratio sim ÷ threads at 1 and 16
# workers (BENCH_SIM_MESSAGES, BENCH_SIM_ROUNDS, BENCH_SIM_WORKERS).
#
# Then the simulation on contended rows: bench/hot-row.yaml (one counter, FOR UPDATE, REPEATABLE
# READ) and the catalogue's counter (4 counters, READ COMMITTED), on threads and under
# `--scheduler sim`, wall seconds a run and the ratio sim ÷ threads (BENCH_HOT_MESSAGES, BENCH_HOT_ROUNDS).
#
# Uses TORTURE_DATABASE_URL when set, else starts a throwaway cluster (scripts/pg-cluster.sh) and
# stops it at the end. pgbench's tables live in a schema of their own, dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
torture=.build/release/torture
messages=${BENCH_MESSAGES:-20000}

if [ -n "${TORTURE_DATABASE_URL:-}" ]; then
    url=$TORTURE_DATABASE_URL
else
    url=$(scripts/pg-cluster.sh start)
    trap 'scripts/pg-cluster.sh stop >/dev/null 2>&1' EXIT
fi
work=$(mktemp -d)
schema="torture_pgbench_$$"
trap 'rm -rf "$work"; psql "$url" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; [ -z "${TORTURE_DATABASE_URL:-}" ] && scripts/pg-cluster.sh stop >/dev/null 2>&1 || true' EXIT

# psql's notices (`drop cascades to …`) would land between the table's rows: only warnings and
# errors are shown. The harness's own sessions are left as they are.
quiet="-c client_min_messages=warning"
psql_quiet() { PGOPTIONS="$quiet" psql "$url" -q "$@"; }
psql_bench() { PGOPTIONS="$quiet -c search_path=$schema" psql "$url" -q -v ON_ERROR_STOP=1 "$@"; }

# The harness: faults off, so both sides do only the protocol's SQL. Also prints how many steps
# (statements) a delivery ran: the scenario's concurrent duplicates of one message can all pass a
# check before any of them inserts, so a delivery's statement mix is the run's, not a random draw's.
harness_rate() {   # scenario workers → "deliveries_per_second seconds statements_per_delivery"
    "$torture" run "$1" --workers "$2" --messages "$messages" --seed 1 --no-faults --store "$url" \
        --report-dir "$work/reports" --json 2>/dev/null \
        | python3 -c 'import json,sys
r = json.load(sys.stdin); t = r["timing"]
steps = sum(v for k, v in r["coverage"]["counters"].items() if k.startswith("step:"))
print("%.0f %d %.4f" % (t["deliveriesPerSecond"], max(1, round(t["processingMillis"] / 1000)), steps / max(1, r["counts"]["deliveries"])))'
}

# pgbench: one transaction = one delivery of a random message, the harness's statements and
# branches: the claim, then the insert only when the claim was won (`\gset` + `\if`); the check,
# then the insert. race-claim's branch gives both sides the same mix (one win a message). For
# idempotent-submit a random draw finds no submission far less often than the harness's
# concurrent duplicates do (1.2 statements a transaction against the harness's 1.7), so its
# "same mix" script inserts in the fraction of transactions where the harness's deliveries did
# (`mix.sql`), and the draw's own branch (`script.sql`, the figure before) is kept as a second row.
prepare_pgbench() {   # scenario [statements_per_delivery]
    psql_quiet -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    case "$1" in
    race-claim)
        psql_bench -c "CREATE TABLE messages (id TEXT PRIMARY KEY, claimed_by TEXT, claimed_attempt INTEGER);
                       CREATE TABLE processed (message_id TEXT NOT NULL, worker TEXT NOT NULL);
                       INSERT INTO messages (id) SELECT 'm-' || lpad(g::text, 5, '0') FROM generate_series(0, $messages - 1) g;"
        cat > "$work/script.sql" <<SQL
\\set m random(0, $messages - 1)
WITH claimed AS (
  UPDATE messages SET claimed_by = 'w-' || :client_id, claimed_attempt = 1
  WHERE id = 'm-' || lpad(:m::text, 5, '0') AND claimed_by IS NULL RETURNING 1
) SELECT count(*) AS won FROM claimed \\gset
\\if :won
INSERT INTO processed (message_id, worker) VALUES ('m-' || lpad(:m::text, 5, '0'), 'w-' || :client_id);
\\endif
SQL
        cp "$work/script.sql" "$work/mix.sql"
        ;;
    idempotent-submit)
        psql_bench -c "CREATE TABLE inbox (message_id TEXT PRIMARY KEY);
                       CREATE TABLE submissions (id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, worker TEXT NOT NULL, attempt INTEGER NOT NULL);
                       INSERT INTO inbox (message_id) SELECT 'm-' || lpad(g::text, 5, '0') FROM generate_series(0, $messages - 1) g;"
        local insert="INSERT INTO submissions (message_id, worker, attempt) VALUES ('m-' || lpad(:m::text, 5, '0'), 'w-' || :client_id, 1) ON CONFLICT (message_id) DO NOTHING;"
        local check="SELECT count(*) AS seen FROM submissions WHERE message_id = 'm-' || lpad(:m::text, 5, '0') \\gset"
        printf '%s\n' "\\set m random(0, $messages - 1)" "$check" '\if :seen = 0' "$insert" '\endif' > "$work/script.sql"
        local per_million
        per_million=$(python3 -c "print(min(1000000, max(0, round((${2:-1.0} - 1) * 1000000))))")
        printf '%s\n' "\\set m random(0, $messages - 1)" '\set r random(1, 1000000)' "$check" \
            "\\if :r <= $per_million" "$insert" '\endif' > "$work/mix.sql"
        ;;
    esac
}

pgbench_rate() {   # scenario clients seconds script → "transactions_per_second statements_per_transaction"
    local tps processed inserts
    read -r tps processed < <(PGOPTIONS="-c search_path=$schema" pgbench "$url" -n -c "$2" -j 2 -T "$3" -f "$work/$4" 2>/dev/null \
        | awk '/^number of transactions actually processed:/ { n = $6 } /^tps = / { t = $3 } END { printf "%.0f %d\n", t, n }')
    # The inserts a transaction ran: race-claim's each leave a row; idempotent-submit's each take a
    # value of the id sequence, ON CONFLICT or not.
    case "$1" in
    race-claim) inserts=$(psql_bench -tAc "SELECT count(*) FROM processed") ;;
    idempotent-submit) inserts=$(psql_bench -tAc "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM submissions_id_seq") ;;
    esac
    python3 -c "print('$tps', '%.2f' % (1 + $inserts / max(1, $processed)))"
}

# Each round runs the harness, then pgbench for as long; the figure is the median of the rounds'
# ratios (a round's pgbench alone has moved by 2× on this shared machine), the rates their medians.
rounds=${BENCH_ROUNDS:-3}
median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
row() {   # label workers harness_rates harness_statements pgbench_rates pgbench_statements ratios
    local -a harness_rates=($3) harness_statements=($4) pgbench_rates=($5) pgbench_statements=($6) ratios=($7)
    printf '%-22s %7d %16.0f %8.2f %14.0f %8.2f %7.2f   %s\n' "$1" "$2" "$(median "${harness_rates[@]}")" \
        "$(median "${harness_statements[@]}")" "$(median "${pgbench_rates[@]}")" "$(median "${pgbench_statements[@]}")" \
        "$(median "${ratios[@]}")" "$(IFS=/; echo "${ratios[*]}")"
}
printf '%-22s %7s %16s %8s %14s %8s %7s   %s\n' scenario workers "harness deliv/s" stmt/dlv "pgbench tx/s" stmt/tx ratio "round ratios"
for scenario in race-claim idempotent-submit; do
    for workers in 8 64; do
        harness_rates=() statements=() mix_rates=() mix_statements=() ratios=() draw_rates=() draw_statements=() draw_ratios=()
        for _ in $(seq "$rounds"); do
            read -r harness seconds per_delivery < <(harness_rate "$scenario" "$workers")
            harness_rates+=("$harness") statements+=("$per_delivery")
            prepare_pgbench "$scenario" "$per_delivery"
            read -r pgbench per_transaction < <(pgbench_rate "$scenario" "$workers" "$seconds" mix.sql)
            mix_rates+=("$pgbench") mix_statements+=("$per_transaction")
            ratios+=("$(python3 -c "print(f'{$harness / $pgbench:.2f}')")")
            if [ "$scenario" = idempotent-submit ]; then
                prepare_pgbench "$scenario"
                read -r pgbench per_transaction < <(pgbench_rate "$scenario" "$workers" "$seconds" script.sql)
                draw_rates+=("$pgbench") draw_statements+=("$per_transaction")
                draw_ratios+=("$(python3 -c "print(f'{$harness / $pgbench:.2f}')")")
            fi
        done
        row "$scenario" "$workers" "${harness_rates[*]}" "${statements[*]}" "${mix_rates[*]}" "${mix_statements[*]}" "${ratios[*]}"
        if [ "$scenario" = idempotent-submit ]; then
            row "  pgbench's own draw" "$workers" "${harness_rates[*]}" "${statements[*]}" "${draw_rates[*]}" "${draw_statements[*]}" "${draw_ratios[*]}"
        fi
    done
done
echo "($messages messages × 4 deliveries per harness run; pgbench ran for the harness's processing time, $(psql_quiet -tAc 'SHOW synchronous_commit') synchronous_commit;"
echo " the median of $rounds rounds. stmt/dlv, stmt/tx: statements a harness delivery, a pgbench transaction. idempotent-submit's"
echo " pgbench inserts in the fraction of transactions the harness's deliveries did; \"pgbench's own draw\" decides by the check, as"
echo " before, and a random message finds no submission less often than the harness's concurrent duplicates do)"

# The wire proxy's cost: the same psycopg handler, scenario and workers, through the proxy and
# direct (its twin says only `wire: direct`), alternated round by round so the machine's noise
# falls on both sides alike; medians of each side.
wire_messages=${BENCH_WIRE_MESSAGES:-1500}
wire_rounds=${BENCH_WIRE_ROUNDS:-3}
wire_workers=${BENCH_WIRE_WORKERS:-1 16 64}
scripts/python-env.sh

wire_rate() {   # proxy|direct workers → "deliveries_per_second statements_per_delivery"
    "$torture" run "bench/handler/pg-idempotent-submit-$1.yaml" --workers "$2" --messages "$wire_messages" --seed 1 \
        --no-faults --store "$url" --report-dir "$work/wire" --json 2>/dev/null \
        | python3 -c 'import json,sys
r = json.load(sys.stdin)
done, skipped = r["counts"]["done"], r["counts"]["skipped"]
# BEGIN, the check, COMMIT; and the insert when nothing was found (a skip whose insert lost to a
# concurrent one is counted as three: rare).
print("%.1f %.3f" % (r["timing"]["deliveriesPerSecond"], 3 + done / max(1, done + skipped)))'
}

echo
echo "wire proxy vs direct: bench/handler/pg-idempotent-submit-{proxy,direct}.yaml (psycopg, one transaction a delivery), --no-faults"
printf '%7s %16s %17s %8s %16s %10s %14s\n' workers "proxy deliv/s" "direct deliv/s" ratio "round ratios" "stmt/deliv" "µs/statement"
for workers in $wire_workers; do
    proxies=() directs=() statements=1
    for round in $(seq 1 "$wire_rounds"); do
        sides="proxy direct"
        [ $((round % 2)) = 0 ] && sides="direct proxy"
        for side in $sides; do
            read -r rate statements_here < <(wire_rate "$side" "$workers")
            if [ "$side" = proxy ]; then proxies+=("$rate"); statements=$statements_here; else directs+=("$rate"); fi
        done
    done
    python3 - "$workers" "$statements" "${proxies[*]}" "${directs[*]}" <<'PY'
import statistics, sys
workers, statements = int(sys.argv[1]), float(sys.argv[2])
proxies, directs = [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
proxy, direct = statistics.median(proxies), statistics.median(directs)
rounds = "/".join("%.2f" % (p / d) for p, d in zip(proxies, directs))
cost = (1 / proxy - 1 / direct) / statements * 1e6
print("%7d %16.0f %17.0f %8.2f %16s %10.2f %14.1f" % (workers, proxy, direct, proxy / direct, rounds, statements, cost))
PY
done
echo "($wire_messages messages × 4 deliveries a run, $wire_rounds rounds a side, medians; deliveries/s over the run's processing"
echo " time, the children's cold starts included on both sides; µs/statement = (1/proxy − 1/direct) ÷ statements a delivery)"

# The wire-level simulation's cost: the same psycopg handler and scenario through the proxy,
# on threads and under `--scheduler sim` (one statement in flight, each waiting at the proxy for
# its lane's turn), statements per second of wall time — the whole run, cold starts and set-up
# included on both sides (a simulated run's own timing is virtual) — alternated round by round.
sim_messages=${BENCH_SIM_MESSAGES:-500}
sim_rounds=${BENCH_SIM_ROUNDS:-3}
sim_workers=${BENCH_SIM_WORKERS:-1 16}

sim_rate() {   # threads|sim workers → statements per second of wall time
    local started ended
    started=$(date +%s.%N)
    "$torture" run bench/handler/pg-idempotent-submit-proxy.yaml --scheduler "$1" --workers "$2" --messages "$sim_messages" \
        --seed 1 --no-faults --store "$url" --report-dir "$work/sim" --json 2>/dev/null > "$work/sim.json"
    ended=$(date +%s.%N)
    python3 - "$work/sim.json" "$started" "$ended" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
done, skipped = r["counts"]["done"], r["counts"]["skipped"]
statements = (done + skipped) * 3 + done   # BEGIN, the check, COMMIT; the insert when nothing was found
print("%.1f" % (statements / (float(sys.argv[3]) - float(sys.argv[2]))))
PY
}

echo
echo "wire-level simulation vs threads: bench/handler/pg-idempotent-submit-proxy.yaml (psycopg through the proxy), --no-faults"
printf '%7s %17s %17s %8s %16s\n' workers "threads stmt/s" "sim stmt/s" ratio "round ratios"
for workers in $sim_workers; do
    threads=() sims=()
    for round in $(seq 1 "$sim_rounds"); do
        sides="threads sim"
        [ $((round % 2)) = 0 ] && sides="sim threads"
        for side in $sides; do
            rate=$(sim_rate "$side" "$workers")
            if [ "$side" = threads ]; then threads+=("$rate"); else sims+=("$rate"); fi
        done
    done
    python3 - "$workers" "${threads[*]}" "${sims[*]}" <<'PY'
import statistics, sys
workers = int(sys.argv[1])
threads, sims = [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
thread, sim = statistics.median(threads), statistics.median(sims)
rounds = "/".join("%.2f" % (s / t) for s, t in zip(sims, threads))
print("%7d %17.0f %17.0f %8.2f %16s" % (workers, thread, sim, sim / thread, rounds))
PY
done
echo "($sim_messages messages × 4 deliveries a run, $sim_rounds rounds a side, medians; ratio = sim ÷ threads, statements per second of wall time)"

# The simulation on contended rows: every waiter is taken back and parked until the holder's
# transaction ends, so the cost is round trips per lock wait. Whole runs in wall seconds, faults on
# (as a user runs them), the two sides alternated round by round.
hot_messages=${BENCH_HOT_MESSAGES:-500}
hot_rounds=${BENCH_HOT_ROUNDS:-3}

hot_seconds() {   # scenario threads|sim → "seconds lock-waits"
    local started ended
    started=$(date +%s.%N)
    "$torture" run "$1" --scheduler "$2" --workers 16 --messages "$hot_messages" --seed 1 --store "$url" \
        --report-dir "$work/hot" --json 2>/dev/null > "$work/hot.json" || true
    ended=$(date +%s.%N)
    python3 - "$work/hot.json" "$started" "$ended" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("%.2f %s" % (float(sys.argv[3]) - float(sys.argv[2]), r.get("simulation", {}).get("lockWaits", 0)))
PY
}

echo
echo "simulation on contended rows: 16 workers, $hot_messages messages, seed 1, faults on"
printf '%-20s %10s %10s %8s %11s %16s\n' scenario "threads s" "sim s" ratio "lock waits" "round ratios"
for scenario in bench/hot-row.yaml counter; do
    threads=() sims=() waits=0
    for round in $(seq 1 "$hot_rounds"); do
        sides="threads sim"
        [ $((round % 2)) = 0 ] && sides="sim threads"
        for side in $sides; do
            read -r seconds lock_waits <<< "$(hot_seconds "$scenario" "$side")"
            if [ "$side" = threads ]; then threads+=("$seconds"); else sims+=("$seconds"); waits=$lock_waits; fi
        done
    done
    python3 - "$(basename "$scenario" .yaml)" "${threads[*]}" "${sims[*]}" "$waits" <<'PY'
import statistics, sys
threads, sims = [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
thread, sim = statistics.median(threads), statistics.median(sims)
rounds = "/".join("%.1f" % (s / t) for s, t in zip(sims, threads))
print("%-20s %10.2f %10.2f %8.2f %11s %16s" % (sys.argv[1], thread, sim, sim / thread, sys.argv[4], rounds))
PY
done
echo "($hot_rounds rounds a side, medians of wall seconds a run; ratio = sim ÷ threads)"
