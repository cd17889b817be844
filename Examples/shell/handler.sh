#!/usr/bin/env bash
# A torture handler in bash with no SDK and no jq: handler protocol 1 (docs/handler-protocol.md)
# over stdin/stdout, its SQL through the sqlite3 or psql command-line client.
#
# Per delivery: check whether the message was submitted (step check, role read), insert it with
# ON CONFLICT DO NOTHING (step insert, role submit), offer the point after-claim, and answer done,
# or skip when the insert added no row (someone else submitted it).
#
# JSON is read with bash string operations, not parsed: a field is the first `"name":` in the line
# (so no nested object may have it earlier), and a string value ends at the next `"`. That holds for
# the fields read here (type, worker, dialect, database, id, message) because torture escapes only
# `"`, `\` and control characters, which none of them contains. A value with an escaped quote would
# be cut short.
set -u

# What follows `"name":` (and any spaces), or status 1 when the line has no such field.
json_after_key() {
    local line=$1 key="\"$2\":"
    case $line in *"$key"*) ;; *) return 1 ;; esac
    local rest=${line#*"$key"}
    printf '%s' "${rest#"${rest%%[! ]*}"}"
}

# The string value of a field, with an escaped `/` (a JSON encoder's option) put back.
json_string() {
    local value
    value=$(json_after_key "$1" "$2") || return 1
    case $value in \"*) ;; *) return 1 ;; esac
    value=${value#\"}
    value=${value%%\"*}
    printf '%s' "${value//\\\//\/}"
}

json_integer() {
    local value
    value=$(json_after_key "$1" "$2") || return 1
    case $value in [0-9]*) ;; *) return 1 ;; esac
    printf '%s' "${value%%[!0-9]*}"
}

json_escape() {
    local text=$1
    text=${text//\\/\\\\}
    text=${text//\"/\\\"}
    text=${text//$'\n'/\\n}
    text=${text//$'\t'/\\t}
    text=${text//[$'\001'-$'\037']/}
    printf '%s' "$text"
}

send() { printf '%s\n' "$1"; }

protocol_error() {
    echo "handler.sh: protocol error: $1" >&2
    exit 2
}

error_file=$(mktemp)
trap 'rm -f "$error_file"' EXIT

# Runs one SQL text; its output on stdout, its error in $error_file.
run_sql() {
    case $dialect in
        sqlite) sqlite3 -init /dev/null -batch -bail -cmd '.timeout 10000' "$database" "$1" 2>"$error_file" ;;
        postgres) psql "$database" -v ON_ERROR_STOP=1 -qtAX -c "$1" 2>"$error_file" ;;
    esac
}

# step NAME ROLE SQL: the invoke and ok/fail lines around the SQL; its output in $rows_out.
step() {
    local name=$1 role=$2 sql=$3 head
    head="\"type\":\"step\",\"id\":$id,\"name\":\"$name\",\"role\":\"$role\""
    send "{$head,\"status\":\"invoke\"}"
    if rows_out=$(run_sql "$sql"); then
        # rows is rows affected: a write's, not what a read returned.
        if [ "$role" = read ]; then
            send "{$head,\"status\":\"ok\"}"
        else
            send "{$head,\"status\":\"ok\",\"rows\":$(count_lines "$rows_out")}"
        fi
        return 0
    fi
    step_error=$(json_escape "$(cat "$error_file")")
    send "{$head,\"status\":\"fail\",\"error\":\"$step_error\"}"
    return 1
}

count_lines() {
    if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi
}

result() {
    if [ $# -gt 1 ]; then
        send "{\"type\":\"result\",\"id\":$id,\"outcome\":\"$1\",\"reason\":\"$(json_escape "$2")\"}"
    else
        send "{\"type\":\"result\",\"id\":$id,\"outcome\":\"$1\"}"
    fi
}

# point NAME: waits for torture's answer; fails (status 1) on raise.
point() {
    local answer type
    send "{\"type\":\"point\",\"id\":$id,\"name\":\"$1\"}"
    IFS= read -r answer || exit 0
    type=$(json_string "$answer" type) || protocol_error "not a message: $answer"
    case $type in
        shutdown) exit 0 ;;
        go | raise) ;;
        *) protocol_error "expected go or raise, got: $answer" ;;
    esac
    [ "$(json_integer "$answer" id)" = "$id" ] || protocol_error "answer for another delivery: $answer"
    if [ "$type" = raise ]; then
        raised=$(json_string "$answer" error) || raised="injected error"
        return 1
    fi
}

handle() {
    local message
    message=$(json_string "$1" message) || { result fail "deliver without a message"; return; }
    # Spliced into the SQL below: only torture's message names (m-00042) are let through.
    if ! [[ $message =~ ^m-[0-9]+$ ]]; then
        result fail "not a message name: $message"
        return
    fi
    step check read "SELECT message_id FROM submissions WHERE message_id = '$message'" \
        || { result fail "check: $step_error"; return; }
    [ -n "$rows_out" ] && { result skip; return; }
    step insert submit "INSERT INTO submissions (message_id, worker) VALUES ('$message', '$worker') ON CONFLICT (message_id) DO NOTHING RETURNING message_id" \
        || { result fail "insert: $step_error"; return; }
    local inserted=$rows_out
    point after-claim || { result fail "$raised"; return; }
    if [ -n "$inserted" ]; then result done; else result skip; fi
}

IFS= read -r line || exit 0
[ "$(json_string "$line" type)" = init ] || protocol_error "expected init, got: $line"
worker=$(json_string "$line" worker) || protocol_error "init without a worker: $line"
dialect=$(json_string "$line" dialect) || protocol_error "init without a dialect: $line"
database=$(json_string "$line" database) || protocol_error "init without a database: $line"
case $dialect in sqlite | postgres) ;; *) protocol_error "unknown dialect: $dialect" ;; esac
[[ $worker =~ ^[A-Za-z0-9_.-]+$ ]] || protocol_error "not a worker name: $worker"
send '{"type":"init_ok","protocol":1}'

while IFS= read -r line; do
    type=$(json_string "$line" type) || protocol_error "not a message: $line"
    case $type in
        deliver)
            id=$(json_integer "$line" id) || protocol_error "deliver without an id: $line"
            handle "$line"
            ;;
        shutdown) exit 0 ;;
        *) protocol_error "unexpected: $line" ;;
    esac
done
exit 0
