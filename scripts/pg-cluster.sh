#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, trust auth (but
# SCRAM for the role torture_wire_scram), 127.0.0.1 on a free port, max_connections 300.
#
#   scripts/pg-cluster.sh start   # starts it; prints its URL (postgres://…@127.0.0.1:PORT/postgres)
#   scripts/pg-cluster.sh url     # prints the URL of the running cluster
#   scripts/pg-cluster.sh stop    # stops it and removes the folder
#   scripts/pg-cluster.sh kill    # stops it the hard way (immediate: no shutdown checkpoint), and removes it
#
# TORTURE_PG_DIR names the folder (default: one per checkout under $TMPDIR), so several clusters
# can run side by side. initdb refuses to run as root, so as root the cluster belongs to the
# `postgres` user (made if missing).
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TORTURE_PG_DIR:-${TMPDIR:-/tmp}/torture-pg-$(printf '%s' "$checkout" | cksum | cut -d' ' -f1)}"

find_tool() {
    local tool="$1" candidate
    if command -v "$tool" >/dev/null 2>&1; then command -v "$tool"; return; fi
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/$tool" ]; then echo "$candidate/$tool"; return; fi
    done
    echo "error: $tool not found; install PostgreSQL (scripts/install-deps.sh does)" >&2
    exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

owner="$(id -un)"
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
fi

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    if [ -f "$dir/url" ] && as_owner "$(find_tool pg_ctl)" -D "$dir/data" status >/dev/null 2>&1; then
        cat "$dir/url"
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chown "$owner" "$dir"
    chmod 700 "$dir"
    local initdb pg_ctl port attempt
    initdb="$(find_tool initdb)"
    pg_ctl="$(find_tool pg_ctl)"
    as_owner "$initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # One role authenticates with SCRAM, so a test can prove it passes through torture's wire
    # proxy; the test makes the role and drops it. pg_hba's first matching line wins.
    as_owner sed -i '1i host all torture_wire_scram 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
    for attempt in $(seq 1 20); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_is_free "$port" || continue
        if as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 -c shared_buffers=64MB" \
            >/dev/null 2>&1; then
            echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" >"$dir/url"
            cat "$dir/url"
            return
        fi
    done
    echo "error: could not start PostgreSQL in $dir; its log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
}

stop() {
    local mode="$1"
    if [ -d "$dir/data" ]; then
        as_owner "$(find_tool pg_ctl)" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    url)
        [ -f "$dir/url" ] || { echo "error: no cluster running in $dir; run scripts/pg-cluster.sh start" >&2; exit 1; }
        cat "$dir/url" ;;
    stop) stop fast ;;
    kill) stop immediate ;;
    *) echo "usage: scripts/pg-cluster.sh start|url|stop|kill" >&2; exit 2 ;;
esac
