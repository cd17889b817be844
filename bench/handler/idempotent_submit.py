"""torture-bench's Python side of idempotent-submit: the YAML scenario's check and insert, with
stdlib sqlite3 on the run's database, reported as the same two steps."""

import sqlite3

import torture_handler
from torture_handler import step

connection = None


def connect(init):
    global connection
    # As the harness's own connections: each statement commits itself, a 5 s busy timeout, and
    # synchronous=NORMAL (the harness made the file WAL, which sticks to the file).
    connection = sqlite3.connect(init.database, timeout=5, isolation_level=None)
    connection.execute("PRAGMA synchronous=NORMAL")


def handle(delivery):
    with step("check", "read"):
        found = connection.execute("SELECT 1 FROM submissions WHERE message_id = ?", (delivery.message,)).fetchone()
    if found is not None:
        return "skip"
    with step("submit", "submit") as submit:
        submit.rows = connection.execute(
            "INSERT INTO submissions (message_id, worker, attempt) VALUES (?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
            (delivery.message, delivery.worker, delivery.attempt),
        ).rowcount
    # A concurrent duplicate inserted nothing: someone else did it.
    return "done" if submit.rows > 0 else "skip"


torture_handler.run(handle, on_init=connect)
