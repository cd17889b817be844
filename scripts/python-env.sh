#!/usr/bin/env bash
# The project's Python: a virtual environment in .venv at the repo root with psycopg, for the
# Python SDK's tests and the example Lambda handlers. Does nothing when it is already there.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import psycopg' >/dev/null 2>&1; then
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3.11 or later (apt-get install -y python3 python3-venv)" >&2
    exit 1
fi

# Debian and Ubuntu ship venv (ensurepip) as a package of its own.
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && [ "${CI:-}" = true ]; then
        echo "installing: python3-venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        echo "error: $python cannot make a virtual environment (no ensurepip); install it: sudo apt-get install -y python3-venv" >&2
        exit 1
    fi
fi

# A half-made .venv (an interrupted run) is made again.
if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$venv"
    if ! log="$("$python" -m venv "$venv" 2>&1)"; then
        echo "$log" >&2
        echo "error: could not make $venv; remove it and run scripts/python-env.sh again" >&2
        exit 1
    fi
fi

if ! log="$("$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'psycopg[binary]' 2>&1)"; then
    echo "$log" >&2
    echo "error: could not install psycopg[binary] from PyPI into $venv; check the network (or a proxy: PIP_INDEX_URL), then run scripts/python-env.sh again" >&2
    exit 1
fi
