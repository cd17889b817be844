"""A handler for torture's own tests, speaking protocol 1 by hand (no SDK), that misbehaves on
request: `probe.py MODE` with MODE one of
  insert-then-wait  insert the message in an open transaction, report it, wait at before-commit
                    (told to shut down while waiting, it commits: a child a crash did not kill
                    lands its insert)
  hang              never answer a delivery
  exit              write to stderr and exit with status 3 in the middle of a delivery
  garbage           write a line that is not JSON
  version99         answer init with protocol 99
"""
import json
import sqlite3
import sys

mode = sys.argv[1]
role = sys.argv[2] if len(sys.argv) > 2 else "submit"
out = sys.stdout


def send(message):
    out.write(json.dumps(message) + "\n")
    out.flush()


def receive():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


init = receive()
if mode == "version99":
    send({"type": "init_ok", "protocol": 99})
    sys.exit(0)
send({"type": "init_ok", "protocol": 1})
database = init["database"]
if init["dialect"] == "postgres":
    import psycopg
    connection = psycopg.connect(database)
    marker = "%s"
else:
    connection = sqlite3.connect(database, timeout=10, isolation_level=None)
    marker = "?"

while True:
    message = receive()
    if message["type"] == "shutdown":
        sys.exit(0)
    delivery = message["id"]
    if mode == "hang":
        receive()
    elif mode == "exit":
        print(f"probe: giving up on {message['message']}", file=sys.stderr, flush=True)
        sys.exit(3)
    elif mode == "garbage":
        out.write("hello, this is not JSON\n")
        out.flush()
        receive()
    elif mode == "insert-then-wait":
        send({"type": "step", "id": delivery, "name": "insert", "role": role, "status": "invoke"})
        if init["dialect"] == "sqlite":
            connection.execute("BEGIN IMMEDIATE")
        cursor = connection.cursor()
        cursor.execute(f"INSERT INTO submissions (message_id, worker) VALUES ({marker}, {marker})",
                       (message["message"], init["worker"]))
        send({"type": "step", "id": delivery, "name": "insert", "role": role, "status": "ok", "rows": cursor.rowcount})
        send({"type": "point", "id": delivery, "name": "before-commit"})
        answer = receive()
        if answer["type"] == "shutdown":
            # A child that outlived its crash lands its work: what the crash test must not see.
            connection.commit()
            sys.exit(0)
        if answer["type"] == "raise":
            connection.rollback()
            send({"type": "result", "id": delivery, "outcome": "fail", "reason": answer["error"]})
            continue
        connection.commit()
        send({"type": "result", "id": delivery, "outcome": "done"})
