"""bench-postgres's wire section: idempotent-submit's check and insert on PostgreSQL with psycopg,
one transaction per delivery on a connection kept across deliveries, reported as the same two
steps. Run through torture's wire proxy (pg-idempotent-submit-proxy.yaml) and directly
(pg-idempotent-submit-direct.yaml), it prices the proxy."""

import psycopg

import torture_handler
from torture_handler import step

connection = None


def connect(init):
    global connection
    # init.database: the worker's port of the proxy, or the server itself with `wire: direct`.
    connection = psycopg.connect(init.database, autocommit=False)


def handle(delivery):
    # psycopg's transaction: BEGIN, the check, the insert when nothing was found, COMMIT — four
    # round trips for a submission, three for a skip.
    with connection.transaction(), connection.cursor() as cursor:
        with step("check", "read"):
            cursor.execute("SELECT 1 FROM submissions WHERE message_id = %s", (delivery.message,))
            found = cursor.fetchone()
        if found is not None:
            return "skip"
        with step("submit", "submit") as submit:
            cursor.execute(
                "INSERT INTO submissions (message_id, worker, attempt) VALUES (%s, %s, %s) ON CONFLICT (message_id) DO NOTHING",
                (delivery.message, delivery.worker, delivery.attempt),
            )
            submit.rows = cursor.rowcount
    # A concurrent duplicate inserted nothing: someone else did it.
    return "done" if submit.rows > 0 else "skip"


torture_handler.run(handle, on_init=connect)
