"""A handler for torture's simulation tests: every delivery locks the one counter row (SELECT …
FOR UPDATE), offers after-claim while it holds the lock (where the scenario stalls some), then
adds one and commits. Two workers contend for the row: one waits on the other's lock.
"""
import psycopg
import torture_handler
from torture_handler import point, step

connection = None


def handle(delivery):
    global connection
    if connection is None:
        connection = psycopg.connect(delivery.database, autocommit=False)
    try:
        with step("lock", "read"):
            connection.execute("SELECT n FROM counter WHERE id = 1 FOR UPDATE").fetchone()
        point("after-claim")
        with step("add", "write") as added:
            added.rows = connection.execute("UPDATE counter SET n = n + 1 WHERE id = 1").rowcount
            connection.execute("INSERT INTO counted (message_id) VALUES (%s)", (delivery.message,))
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    return "done"


torture_handler.run(handle)
