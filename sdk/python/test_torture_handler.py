"""The SDK against a fake torture: each test starts a tiny handler as a child process."""

import os
import tempfile
import textwrap
import unittest

from fake_harness import PYTHON, Harness, lambda_command, sns_event


class HandlerTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.harnesses = []

    def tearDown(self):
        for harness in self.harnesses:
            harness.close()

    def write(self, name, source):
        with open(os.path.join(self.folder.name, name), "w") as file:
            file.write(textwrap.dedent(source))

    def start(self, command, environment=None):
        harness = Harness(command, self.folder.name, environment)
        self.harnesses.append(harness)
        self.assertEqual(harness.init(database="/tmp/unused.db"), {"type": "init_ok", "protocol": 1},
                         harness.stderr())
        return harness

    def start_handler(self, source):
        self.write("handler.py", "import torture_handler\nfrom torture_handler import point, step\n"
                   + textwrap.dedent(source) + "\ntorture_handler.run(handle)\n")
        return self.start([PYTHON, "handler.py"])

    def finish(self, harness):
        self.assertEqual(harness.shutdown(), 0, harness.stderr())


class RunTest(HandlerTest):
    def test_now_and_random_are_the_runs_not_the_machines(self):
        harness = self.start_handler("""
            def handle(d):
                first = torture_handler.now()
                point("after-read")
                draws = [torture_handler.random() for _ in range(3)]
                seen = [first, torture_handler.now(), draws]
                return "done" if seen == d.body["expect"] else repr(seen)
        """)
        import random as reference
        expected = reference.Random(42)
        draws = [expected.random() for _ in range(3)]
        for id in (1, 2):
            harness.deliver(id, now_millis=1_767_225_600_000, random_seed=42,
                            body={"expect": [1_767_225_600.0, 1_767_225_600.5, draws]})
            seen = harness.until_result(id, answer=lambda m: {"type": "go", "id": m["id"], "now_millis": 1_767_225_600_500})
            self.assertEqual(seen[-1], {"type": "result", "id": id, "outcome": "done"}, seen)
        self.finish(harness)

    def test_done_skip_and_fail_by_what_handle_returns_or_raises(self):
        harness = self.start_handler("""
            def handle(d):
                if d.body["do"] == "raise":
                    raise KeyError("amount")
                return {"done": "done", "skip": "skip", "none": None}[d.body["do"]]
        """)
        outcomes = []
        for id, do in enumerate(["done", "skip", "none", "raise"], start=1):
            harness.deliver(id, body={"do": do})
            outcomes.append(harness.until_result(id)[-1])
        self.assertEqual(outcomes, [
            {"type": "result", "id": 1, "outcome": "done"},
            {"type": "result", "id": 2, "outcome": "skip"},
            {"type": "result", "id": 3, "outcome": "done"},
            {"type": "result", "id": 4, "outcome": "fail", "reason": "KeyError: 'amount'"},
        ])
        self.finish(harness)

    def test_delivery_carries_its_fields_and_the_init(self):
        harness = self.start_handler("""
            def handle(d):
                import torture_handler
                expected = (d.message, d.copy, d.attempt, d.lease, d.worker, d.dialect, d.database)
                got = ("m-00007", 2, 3, 107, "w-01", "sqlite", torture_handler.init.database)
                if got != expected:
                    raise AssertionError(repr(expected))
        """)
        harness.deliver(7, message="m-00007", copy=2, attempt=3)
        self.assertEqual(harness.until_result(7)[-1]["outcome"], "done", harness.stderr())
        self.finish(harness)

    def test_print_goes_to_stderr_and_stdout_carries_only_protocol_lines(self):
        harness = self.start_handler("""
            import os, subprocess, sys
            print("a print from the handler")
            def handle(d):
                print("printed while handling", d.message)
                os.write(1, b"written to fd 1\\n")
                subprocess.run(["echo", "from a child process"], check=True)
        """)
        harness.deliver(1)
        harness.until_result(1)
        self.finish(harness)
        self.assertEqual(len(harness.stdout), 2, harness.stdout)  # init_ok, result
        for text in ["a print from the handler", "printed while handling m-00001", "written to fd 1",
                     "from a child process"]:
            self.assertIn(text, harness.stderr())

    def test_eof_on_stdin_exits_0(self):
        harness = self.start_handler("def handle(d): pass")
        harness.child.stdin.close()
        self.assertEqual(harness.child.wait(5), 0)

    def test_a_malformed_line_exits_2_with_a_message_on_stderr(self):
        for line in ["not json", "[1, 2]", '{"no": "type"}', '{"type": "deliver"}', '{"type": "go", "id": 1}']:
            with self.subTest(line=line):
                harness = self.start_handler("def handle(d): pass")
                harness.send(line)
                self.assertEqual(harness.wait(), 2)
                self.assertIn("protocol error", harness.stderr())
                self.assertEqual(len(harness.stdout), 1)  # init_ok only


class PointTest(HandlerTest):
    HANDLER = """
        def handle(d):
            try:
                point("after-claim")
            except torture_handler.InjectedError as e:
                print("handler caught", type(e).__name__, e.error, e.kind, isinstance(e, ConnectionError))
                return "skip"
            return "done"
    """

    def test_go_returns_and_the_handler_carries_on(self):
        harness = self.start_handler(self.HANDLER)
        harness.deliver(1)
        self.assertEqual(harness.read(), {"type": "point", "id": 1, "name": "after-claim"})
        harness.send({"type": "go", "id": 1})
        self.assertEqual(harness.read(), {"type": "result", "id": 1, "outcome": "done"})
        self.finish(harness)

    def test_raise_raises_inside_the_handler_where_its_except_runs(self):
        harness = self.start_handler(self.HANDLER)
        kinds = ["error", "store-busy", "connection-reset"]
        for id, kind in enumerate(kinds, start=1):
            harness.deliver(id)
            self.assertEqual(harness.read()["name"], "after-claim")
            harness.send({"type": "raise", "id": id, "error": f"injected {kind}", "kind": kind})
            self.assertEqual(harness.read(), {"type": "result", "id": id, "outcome": "skip"})
        self.finish(harness)
        self.assertIn("handler caught InjectedError injected error error False", harness.stderr())
        self.assertIn("handler caught InjectedStoreBusy injected store-busy store-busy False", harness.stderr())
        self.assertIn("handler caught InjectedConnectionReset injected connection-reset connection-reset True",
                      harness.stderr())

    def test_an_uncaught_injected_error_fails_the_delivery(self):
        harness = self.start_handler('def handle(d): point("before-commit")')
        harness.deliver(1)
        seen = harness.until_result(1, lambda p: {"type": "raise", "id": p["id"], "error": "injected error",
                                                   "kind": "error"})
        self.assertEqual(seen[-1]["reason"], "InjectedError: injected error")

    def test_an_unknown_point_name_fails_the_delivery_without_a_line(self):
        harness = self.start_handler('def handle(d): point("before-ack")')
        harness.deliver(1)
        result = harness.read()
        self.assertEqual(result["outcome"], "fail")
        self.assertIn("unknown point 'before-ack'", result["reason"])

    def test_an_answer_for_another_delivery_exits_2(self):
        harness = self.start_handler(self.HANDLER)
        harness.deliver(4)
        harness.read()
        harness.send({"type": "go", "id": 5})
        self.assertEqual(harness.wait(), 2)
        self.assertIn("delivery 5", harness.stderr())

    def test_shutdown_while_waiting_at_a_point_exits_0(self):
        harness = self.start_handler(self.HANDLER)
        harness.deliver(1)
        harness.read()
        self.finish(harness)


class StepTest(HandlerTest):
    def test_invoke_then_ok_with_rows_and_values_then_fail_with_the_error(self):
        harness = self.start_handler("""
            def handle(d):
                with step("check", "read"):
                    pass
                with step("insert", "submit") as s:
                    s.rows = 1
                    s.values = {"submission_id": 5}
                with step("update", "write"):
                    raise RuntimeError("UNIQUE constraint failed")
        """)
        harness.deliver(3)
        line = {"type": "step", "id": 3}
        self.assertEqual(harness.until_result(3), [
            {**line, "name": "check", "role": "read", "status": "invoke"},
            {**line, "name": "check", "role": "read", "status": "ok"},
            {**line, "name": "insert", "role": "submit", "status": "invoke"},
            {**line, "name": "insert", "role": "submit", "status": "ok", "rows": 1, "values": {"submission_id": "5"}},
            {**line, "name": "update", "role": "write", "status": "invoke"},
            {**line, "name": "update", "role": "write", "status": "fail", "error": "RuntimeError: UNIQUE constraint failed"},
            {"type": "result", "id": 3, "outcome": "fail", "reason": "RuntimeError: UNIQUE constraint failed"},
        ])
        self.finish(harness)


class LambdaAdapterTest(HandlerTest):
    FUNCTION = """
        import json, time
        print("cold start")
        COLD_STARTS = []
        def lambda_handler(event, context):
            COLD_STARTS.append(1)
            sns = event["Records"][0]["Sns"]
            message_id = sns["MessageAttributes"]["message_id"]["Value"]
            body = json.loads(sns["Message"])
            before = context.get_remaining_time_in_millis()
            time.sleep(0.05)
            after = context.get_remaining_time_in_millis()
            print("seen", message_id, body["amount"], before, after, len(COLD_STARTS), context.aws_request_id,
                  context.function_name, context.memory_limit_in_mb, context.invoked_function_arn,
                  context.log_group_name, context.log_stream_name)
            if body.get("explode"):
                raise ValueError("invalid submission")
            if body.get("partial"):
                return {"batchItemFailures": [{"itemIdentifier": "sqs-1"}, {"itemIdentifier": "sqs-2"}]}
            return {"statusCode": 200}
    """

    def start_lambda(self):
        self.write("lambda_function.py", self.FUNCTION)
        return self.start(lambda_command("lambda_function.lambda_handler"), {"AWS_LAMBDA_FUNCTION_NAME": "processor"})

    def deliver(self, harness, id, body, answer=None):
        message = f"m-{id:05d}"
        harness.deliver(id, message=message, attempt=2, event=sns_event(message, body), deadline_millis=3000)
        return harness.until_result(id, answer)

    def test_an_sns_event_reaches_the_function_with_a_lambda_context(self):
        harness = self.start_lambda()
        seen = self.deliver(harness, 1, {"amount": 1})
        self.assertEqual(seen, [{"type": "point", "id": 1, "name": "before-claim"},
                                {"type": "result", "id": 1, "outcome": "done"}])
        self.deliver(harness, 2, {"amount": 2})
        self.finish(harness)
        stderr = harness.stderr()
        self.assertEqual(stderr.count("cold start"), 1, stderr)
        lines = [line.split() for line in stderr.splitlines() if line.startswith("seen")]
        self.assertEqual([(l[1], l[2], l[5]) for l in lines], [("m-00001", "1", "1"), ("m-00002", "2", "2")])
        before, after = int(lines[0][3]), int(lines[0][4])
        self.assertLessEqual(before, 3000)
        self.assertGreater(before, 2000)
        self.assertLessEqual(after, before - 50)
        self.assertEqual(lines[0][6:11], ["m-00001/0/2", "processor", "128",
                                          "arn:aws:lambda:us-east-1:000000000000:function:processor",
                                          "/aws/lambda/processor"])
        self.assertTrue(lines[0][11].endswith("[$LATEST]w-01"), lines[0][11])

    def test_an_exception_fails_the_delivery(self):
        harness = self.start_lambda()
        result = self.deliver(harness, 1, {"amount": 1, "explode": True})[-1]
        self.assertEqual(result, {"type": "result", "id": 1, "outcome": "fail", "reason": "ValueError: invalid submission"})
        self.assertEqual(self.deliver(harness, 2, {"amount": 2})[-1]["outcome"], "done")  # still warm
        self.finish(harness)

    def test_batch_item_failures_fail_the_delivery_naming_them(self):
        harness = self.start_lambda()
        result = self.deliver(harness, 1, {"amount": 1, "partial": True})[-1]
        self.assertEqual(result["outcome"], "fail")
        self.assertEqual(result["reason"], "batchItemFailures: sqs-1, sqs-2")
        self.finish(harness)

    def test_an_injected_error_before_the_call_fails_without_calling_the_function(self):
        harness = self.start_lambda()
        raise_it = lambda p: {"type": "raise", "id": p["id"], "error": "injected error", "kind": "error"}
        result = self.deliver(harness, 1, {"amount": 1}, raise_it)[-1]
        self.assertEqual(result, {"type": "result", "id": 1, "outcome": "fail", "reason": "injected error"})
        self.finish(harness)
        self.assertNotIn("seen", harness.stderr())

    def test_runs_as_python_m_torture_handler(self):
        self.write("lambda_function.py", "def handler(event, context):\n    return None\n")
        harness = self.start([PYTHON, "-m", "torture_handler", "--lambda", "lambda_function.handler"])
        harness.deliver(1)
        self.assertEqual(harness.until_result(1)[-1]["outcome"], "done")
        self.finish(harness)

    def test_a_missing_function_exits_1_before_init_ok(self):
        self.write("lambda_function.py", "x = 1\n")
        harness = Harness(lambda_command("lambda_function.nothing"), self.folder.name)
        self.harnesses.append(harness)
        self.assertIsNone(harness.init())
        self.assertEqual(harness.wait(), 1)
        self.assertIn("has no function nothing", harness.stderr())


if __name__ == "__main__":
    unittest.main()
