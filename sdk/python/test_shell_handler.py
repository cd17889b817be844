"""Examples/shell/handler.sh, the SDK-free handler, against a fake torture.

SQLite through the sqlite3 CLI (skipped only when it is missing); PostgreSQL through psql when
TORTURE_TEST_DATABASE_URL names a server.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
import uuid

from fake_harness import ROOT, Harness, scenario_schema

EXAMPLE = os.path.join(ROOT, "Examples", "shell")
SCHEMA = scenario_schema(os.path.join(EXAMPLE, "idempotent-insert.yaml"))
POSTGRES_URL = os.environ.get("TORTURE_TEST_DATABASE_URL", "")


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self):
        # A path with the characters a database string may carry.
        self.folder = tempfile.TemporaryDirectory(prefix="shell a%20b=c?d&e ")
        self.database = os.path.join(self.folder.name, "run.sqlite")
        with sqlite3.connect(self.database) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def submissions(self):
        with sqlite3.connect(self.database) as conn:
            return conn.execute("SELECT message_id, worker FROM submissions ORDER BY message_id").fetchall()

    def close(self):
        self.folder.cleanup()


class PostgresStore:
    dialect = "postgres"

    def __init__(self):
        self.schema = "shell_" + uuid.uuid4().hex[:12]
        separator = "&" if "?" in POSTGRES_URL else "?"
        self.database = f"{POSTGRES_URL}{separator}options=-c%20search_path%3D{self.schema}&application_name=shell-test"
        self.psql(POSTGRES_URL, f"CREATE SCHEMA {self.schema}")
        self.psql(self.database, SCHEMA)

    @staticmethod
    def psql(url, sql):
        return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql],
                              check=True, capture_output=True, text=True).stdout

    def submissions(self):
        out = self.psql(self.database, "SELECT message_id, worker FROM submissions ORDER BY message_id")
        return [tuple(line.split("|")) for line in out.splitlines()]

    def close(self):
        self.psql(POSTGRES_URL, f"DROP SCHEMA {self.schema} CASCADE")


class ShellHandlerTests:
    Store = None

    def setUp(self):
        self.store = self.Store()
        self.addCleanup(self.store.close)
        self.harnesses = []

    def tearDown(self):
        for harness in self.harnesses:
            harness.close()

    def start(self, worker="w-01"):
        harness = Harness(["./handler.sh"], EXAMPLE)
        self.harnesses.append(harness)
        self.assertEqual(harness.init(self.store.database, self.store.dialect, worker),
                         {"type": "init_ok", "protocol": 1}, harness.stderr())
        return harness

    def test_submits_once_then_skips_a_duplicate(self):
        harness = self.start()
        harness.deliver(1, message="m-00001")
        step = {"type": "step", "id": 1}
        self.assertEqual(harness.until_result(1), [
            {**step, "name": "check", "role": "read", "status": "invoke"},
            {**step, "name": "check", "role": "read", "status": "ok"},
            {**step, "name": "insert", "role": "submit", "status": "invoke"},
            {**step, "name": "insert", "role": "submit", "status": "ok", "rows": 1},
            {"type": "point", "id": 1, "name": "after-claim"},
            {"type": "result", "id": 1, "outcome": "done"},
        ], harness.stderr())
        harness.deliver(2, message="m-00001", copy=1)
        self.assertEqual(harness.until_result(2)[-1], {"type": "result", "id": 2, "outcome": "skip"})
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(self.store.submissions(), [("m-00001", "w-01")])

    def test_raise_at_after_claim_fails_after_the_row_landed(self):
        harness = self.start()
        harness.deliver(1, message="m-00003")
        seen = harness.until_result(1, lambda p: {"type": "raise", "id": p["id"], "error": "injected error",
                                                   "kind": "error"})
        self.assertEqual(seen[-1], {"type": "result", "id": 1, "outcome": "fail", "reason": "injected error"})
        self.assertEqual(self.store.submissions(), [("m-00003", "w-01")])
        self.assertEqual(harness.shutdown(), 0)

    def test_refuses_a_message_name_it_would_splice_into_sql(self):
        harness = self.start()
        harness.deliver(1, message="m-1'); DROP TABLE submissions; --x-00001")
        result = harness.read()
        self.assertEqual(result["outcome"], "fail")
        self.assertIn("not a message name", result["reason"])
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(self.store.submissions(), [])

    def test_concurrent_copies_submit_once(self):
        harnesses = [self.start(f"w-{n:02d}") for n in range(4)]
        for harness in harnesses:
            harness.deliver(1, message="m-00007")
        outcomes = sorted(harness.until_result(1)[-1]["outcome"] for harness in harnesses)
        for harness in harnesses:
            self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(outcomes, ["done", "skip", "skip", "skip"])
        self.assertEqual([row[0] for row in self.store.submissions()], ["m-00007"])

    def test_reads_json_with_spaces_after_the_colons(self):
        harness = Harness(["./handler.sh"], EXAMPLE)
        self.harnesses.append(harness)
        harness.send(json.dumps({"type": "init", "protocol": 1, "worker": "w-02", "dialect": self.store.dialect,
                                 "database": self.store.database}))
        self.assertEqual(harness.read(), {"type": "init_ok", "protocol": 1}, harness.stderr())
        harness.send(json.dumps({"type": "deliver", "id": 9, "message": "m-00009", "body": {"message_id": "m-00009"}}))
        self.assertEqual(harness.until_result(9)[-1], {"type": "result", "id": 9, "outcome": "done"})
        self.assertEqual(harness.shutdown(), 0)
        self.assertEqual(self.store.submissions(), [("m-00009", "w-02")])

    def test_eof_exits_0_and_a_malformed_line_exits_2(self):
        harness = self.start()
        harness.child.stdin.close()
        self.assertEqual(harness.child.wait(5), 0)
        harness = self.start()
        harness.send("not json")
        self.assertEqual(harness.wait(), 2)
        self.assertIn("protocol error", harness.stderr())


@unittest.skipUnless(shutil.which("sqlite3"), "the sqlite3 command-line client is not installed")
class SQLiteShellHandlerTest(ShellHandlerTests, unittest.TestCase):
    Store = SQLiteStore


@unittest.skipUnless(POSTGRES_URL and shutil.which("psql"), "TORTURE_TEST_DATABASE_URL is not set, or no psql")
class PostgresShellHandlerTest(ShellHandlerTests, unittest.TestCase):
    Store = PostgresStore


if __name__ == "__main__":
    unittest.main()
