"""background-processor: submits each user message from SNS to the partner API, once.

Idempotency: a message whose message_id is already in user_submissions is skipped. The
database connection drops now and then (a failover, an idle timeout), so the insert is retried
once on a fresh connection — the check is not: it already passed. Whether that is safe depends
on the table: with a UNIQUE constraint on message_id a retried insert whose first attempt did
commit is a unique violation, a duplicate; without one it is a second submission. Any other
error is raised, so Lambda retries the message and then sends it to the DLQ.
"""

import json
import logging
import os
import sqlite3
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)

DATABASE_URL = os.environ["DATABASE_URL"]
IS_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

# Reused across invocations of this execution environment.
connection = None


def get_connection():
    global connection
    if connection is None:
        if IS_POSTGRES:
            import psycopg

            connection = psycopg.connect(DATABASE_URL, autocommit=False)
        else:
            # Autocommit, with explicit transactions: the SELECT takes no lock it would have to
            # upgrade, and BEGIN IMMEDIATE waits (timeout) for the write lock instead of failing.
            connection = sqlite3.connect(DATABASE_URL, timeout=10, isolation_level=None)
    return connection


def sql(statement):
    return statement if IS_POSTGRES else statement.replace("%s", "?")


def is_unique_violation(error):
    if IS_POSTGRES:
        import psycopg

        return isinstance(error, psycopg.errors.UniqueViolation)
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


def is_connection_error(error):
    if IS_POSTGRES:
        import psycopg

        return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))
    return isinstance(error, (sqlite3.OperationalError, sqlite3.InterfaceError))


def validate(submission):
    if not submission.get("valid", False):
        raise ValueError(f"invalid submission: {submission}")
    if "amount" not in submission:
        raise ValueError("submission has no amount")


def submit_to_partner_api(submission):
    time.sleep(0.003)  # the partner API's round trip


def already_submitted(cursor, message_id):
    cursor.execute(sql("SELECT 1 FROM user_submissions WHERE message_id = %s"), (message_id,))
    return cursor.fetchone() is not None


def submit_once(message_id, submission, processed_by):
    conn = get_connection()
    cursor = conn.cursor()
    try:
        if already_submitted(cursor, message_id):
            logger.info("duplicate message_id, skipping: %s", message_id)
            conn.rollback()
            return False
        conn.rollback()
        submit_to_partner_api(submission)
        insert_with_retry(message_id, submission, processed_by)
        return True
    except Exception as error:
        rollback_quietly(conn)
        if is_unique_violation(error):
            logger.info("duplicate message_id (concurrent), skipping: %s", message_id)
            return False
        if is_connection_error(error):
            drop_connection()
        raise
    finally:
        cursor.close()


def insert_with_retry(message_id, submission, processed_by, attempts=2):
    """The insert and its commit, tried again on a fresh connection when the connection drops."""
    for attempt in range(1, attempts + 1):
        conn = get_connection()
        cursor = conn.cursor()
        try:
            if not IS_POSTGRES:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(
                sql("INSERT INTO user_submissions (message_id, worker, payload) VALUES (%s, %s, %s)"),
                (message_id, processed_by, json.dumps(submission)),
            )
            conn.commit()
            return
        except Exception as error:
            if not is_connection_error(error) or attempt == attempts:
                raise
            logger.warning("connection lost during the insert of %s (%s); retrying", message_id, error)
            drop_connection()
        finally:
            cursor.close()


def rollback_quietly(conn):
    try:
        conn.rollback()
    except Exception:
        drop_connection()


def drop_connection():
    global connection
    if connection is not None:
        try:
            connection.close()
        except Exception:
            pass
    connection = None


def lambda_handler(event, context):
    message_id = None
    try:
        sns = event["Records"][0]["Sns"]
        message_id = sns["MessageAttributes"]["message_id"]["Value"]
        submission = json.loads(sns["Message"])
        validate(submission)
        submitted = submit_once(message_id, submission, context.log_stream_name)
        logger.info("message %s %s", message_id, "submitted" if submitted else "already submitted")
        return {"statusCode": 200}
    except Exception:
        logger.exception("failed to process message %s", message_id)
        raise
