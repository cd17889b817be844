#!/usr/bin/env bash
# Installs what building and testing torture needs, and nothing when all of it is there.
set -euo pipefail

missing=()
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
# The server (initdb, pg_ctl) and psql, for the throwaway cluster the tests run against.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
# GNU time: the hostile-file tests measure the binary's peak memory with it (a child started by
# posix_spawn from the test process reports the test process's peak as its own).
[ -x /usr/bin/time ] || missing+=(time)
# The handler processes: Python 3 with venv (the SDK and the example Lambdas, scripts/python-env.sh)
# and the sqlite3 shell (the example bash handler).
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "error: no Swift toolchain on PATH; install Swift 6 (e.g. under /opt/swift) and add its usr/bin to PATH" >&2
    exit 1
fi
