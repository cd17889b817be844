"""Examples/seed000's Lambda processors through the adapter, on the scenarios' own schemas.

SQLite always; PostgreSQL when TORTURE_TEST_DATABASE_URL names a server (make test starts one)
and psycopg is installed.
"""

import os
import sqlite3
import tempfile
import unittest
import uuid

from fake_harness import ROOT, Harness, lambda_command, scenario_schema, sns_event

EXAMPLE = os.path.join(ROOT, "Examples", "seed000")
POSTGRES_URL = os.environ.get("TORTURE_TEST_DATABASE_URL", "")


def valid(message):
    return {"message_id": message, "amount": int(message[2:]), "valid": True}


def poison(message):
    return {**valid(message), "valid": False}


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self, schema):
        self.folder = tempfile.TemporaryDirectory()
        self.database = os.path.join(self.folder.name, "run.sqlite")
        with sqlite3.connect(self.database) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # as torture makes its SQLite stores
            conn.executescript(schema)

    def submissions(self):
        with sqlite3.connect(self.database) as conn:
            return conn.execute("SELECT message_id FROM user_submissions ORDER BY message_id").fetchall()

    def close(self):
        self.folder.cleanup()


class PostgresStore:
    """A schema of its own on the test server, reached as torture's URLs reach a run's."""

    dialect = "postgres"

    def __init__(self, schema):
        import psycopg

        self.psycopg = psycopg
        self.schema = "sdk_" + uuid.uuid4().hex[:12]
        separator = "&" if "?" in POSTGRES_URL else "?"
        self.database = f"{POSTGRES_URL}{separator}options=-c%20search_path%3D{self.schema}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.schema}")
        with psycopg.connect(self.database, autocommit=True) as conn:
            conn.execute(schema)

    def submissions(self):
        with self.psycopg.connect(self.database) as conn:
            return [tuple(row) for row in conn.execute("SELECT message_id FROM user_submissions ORDER BY message_id")]

    def close(self):
        with self.psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {self.schema} CASCADE")


class ProcessorTests:
    """Run for each store by the subclasses below."""

    Store = None

    def setUp(self):
        self.harnesses = []

    def tearDown(self):
        for harness in self.harnesses:
            harness.close()

    def store(self, scenario):
        store = self.Store(scenario_schema(os.path.join(EXAMPLE, scenario)))
        self.addCleanup(store.close)
        return store

    def start(self, store, module="lambda_function", worker="w-01"):
        harness = Harness(lambda_command(f"{module}.lambda_handler"), EXAMPLE, {"DATABASE_URL": store.database})
        self.harnesses.append(harness)
        self.assertEqual(harness.init(store.database, store.dialect, worker), {"type": "init_ok", "protocol": 1},
                         harness.stderr())
        return harness

    def deliver(self, harness, id, message, body, copy=0):
        harness.deliver(id, message=message, copy=copy, event=sns_event(message, body))
        return harness.until_result(id)[-1]

    def test_a_duplicate_message_id_is_submitted_once(self):
        store = self.store("check-then-insert.yaml")
        harness = self.start(store)
        self.assertEqual(self.deliver(harness, 1, "m-00001", valid("m-00001"))["outcome"], "done", harness.stderr())
        self.assertEqual(self.deliver(harness, 2, "m-00001", valid("m-00001"), copy=1)["outcome"], "done")
        self.assertEqual(self.deliver(harness, 3, "m-00002", valid("m-00002"))["outcome"], "done")
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(store.submissions(), [("m-00001",), ("m-00002",)])
        self.assertIn("duplicate message_id, skipping: m-00001", harness.stderr())

    def test_a_poison_message_fails_so_lambda_retries_it(self):
        store = self.store("check-then-insert.yaml")
        harness = self.start(store)
        result = self.deliver(harness, 1, "m-00020", poison("m-00020"))
        self.assertEqual(result["outcome"], "fail")
        self.assertTrue(result["reason"].startswith("ValueError: invalid submission"), result)
        self.assertEqual(self.deliver(harness, 2, "m-00021", valid("m-00021"))["outcome"], "done")
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(store.submissions(), [("m-00021",)])

    def test_the_swallowing_processor_acknowledges_a_poison_message_unsubmitted(self):
        store = self.store("check-then-insert-swallow.yaml")
        harness = self.start(store, "lambda_function_swallow")
        self.assertEqual(self.deliver(harness, 1, "m-00020", poison("m-00020"))["outcome"], "done")
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(store.submissions(), [])
        self.assertIn("failed to process message m-00020", harness.stderr())

    def race(self, store, children=8, messages=5):
        """Every child gets the same message at once, released together from before-claim."""
        harnesses = [self.start(store, worker=f"w-{n:02d}") for n in range(children)]
        outcomes = []
        for number in range(1, messages + 1):
            message = f"m-{number:05d}"
            for copy, harness in enumerate(harnesses):
                harness.deliver(number, message=message, copy=copy, event=sns_event(message, valid(message)))
            for harness in harnesses:
                self.assertEqual(harness.read()["name"], "before-claim")
            for harness in harnesses:
                harness.send({"type": "go", "id": number})
            outcomes += [harness.read() for harness in harnesses]
        for harness in harnesses:
            self.assertEqual(harness.shutdown(), 0)
        return outcomes, store.submissions(), "".join(harness.stderr() for harness in harnesses)

    def test_concurrent_duplicates_under_unique_are_submitted_once(self):
        outcomes, submissions, stderr = self.race(self.store("check-then-insert.yaml"))
        self.assertEqual({o["outcome"] for o in outcomes}, {"done"}, outcomes)
        self.assertEqual(submissions, [(f"m-{n:05d}",) for n in range(1, 6)])
        self.assertIn("duplicate message_id (concurrent), skipping", stderr)  # the UNIQUE caught one

    def test_concurrent_duplicates_without_unique_are_submitted_twice(self):
        # What check-then-insert-no-unique.yaml relies on: the race window is real.
        outcomes, submissions, _ = self.race(self.store("check-then-insert-no-unique.yaml"))
        self.assertEqual({o["outcome"] for o in outcomes}, {"done"}, outcomes)
        self.assertGreater(len(submissions), 5, submissions)


class SQLiteProcessorTest(ProcessorTests, unittest.TestCase):
    Store = SQLiteStore


def psycopg_missing():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return True
    return False


@unittest.skipUnless(POSTGRES_URL, "TORTURE_TEST_DATABASE_URL is not set")
@unittest.skipIf(psycopg_missing(), "psycopg is not installed (scripts/python-env.sh installs it)")
class PostgresProcessorTest(ProcessorTests, unittest.TestCase):
    Store = PostgresStore


if __name__ == "__main__":
    unittest.main()
