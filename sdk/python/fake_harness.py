"""A fake torture for the tests: starts a handler child and speaks protocol 1 to it."""

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

SDK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(SDK))
ADAPTER = os.path.join(SDK, "torture_handler.py")
PYTHON = sys.executable


def scenario_schema(path):
    """The `protocol.schema` block of a scenario file (a literal block under `schema: |`)."""
    with open(path) as file:
        lines = file.read().splitlines()
    start = lines.index("  schema: |") + 1
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line.strip())
    return "\n".join(block)


def sns_event(message, body):
    """What torture's `event: sns` builds: the body as a JSON string, message_id an attribute."""
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "Sns": {"Type": "Notification", "MessageId": f"sns-{message}", "Message": json.dumps(body),
                "MessageAttributes": {"message_id": {"Type": "String", "Value": message}}},
    }]}


class Harness:
    def __init__(self, command, cwd, environment=None):
        env = {**os.environ, "PYTHONPATH": SDK, "TORTURE_HANDLER_PROTOCOL": "1", **(environment or {})}
        self.stderr_file = tempfile.TemporaryFile()
        self.child = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self.stderr_file)
        self.lines = queue.Queue()
        self.stdout = []  # every raw line the child wrote on stdout
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.child.stdout:
            self.stdout.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message):
        line = message if isinstance(message, (bytes, str)) else json.dumps(message, separators=(",", ":"))
        data = line.encode() if isinstance(line, str) else line
        self.child.stdin.write(data + b"\n")
        self.child.stdin.flush()

    def read(self, timeout=10):
        """The child's next line as a dict; None at EOF. Fails on a line that is not JSON."""
        line = self.lines.get(timeout=timeout)
        if line is None:
            return None
        message = json.loads(line)
        assert isinstance(message, dict), line
        return message

    def init(self, database="", dialect="sqlite", worker="w-01", timeout_millis=3000):
        self.send({"type": "init", "protocol": 1, "worker": worker, "seed": "1", "scenario": "test",
                   "dialect": dialect, "database": database, "timeout_millis": timeout_millis})
        return self.read()

    def deliver(self, id, message="m-00001", copy=0, attempt=1, body=None, event=None, deadline_millis=3000,
                now_millis=None, random_seed=None):
        number = int(message.rsplit("-", 1)[1])
        line = {"type": "deliver", "id": id, "message": message, "message_number": number, "copy": copy,
                "attempt": attempt, "receive_count": attempt, "subscriber": None, "lease": 100 + id,
                "deadline_millis": deadline_millis, "body": body if body is not None else {"message_id": message},
                "event": event if event is not None else {}}
        if now_millis is not None:
            line["now_millis"] = now_millis
        if random_seed is not None:
            line["random_seed"] = random_seed
        self.send(line)

    def until_result(self, id, answer=None):
        """Lines up to and including the result for `id`; answer(point) gives each point's reply."""
        seen = []
        while True:
            message = self.read()
            if message is None:
                raise AssertionError(f"child exited before its result; saw {seen}; stderr: {self.stderr()}")
            seen.append(message)
            if message["type"] == "point":
                self.send(answer(message) if answer else {"type": "go", "id": message["id"]})
            if message["type"] == "result":
                assert message["id"] == id, message
                return seen

    def shutdown(self, timeout=5):
        self.send({"type": "shutdown"})
        return self.wait(timeout)

    def wait(self, timeout=5):
        try:
            return self.child.wait(timeout)
        finally:
            self.child.stdin.close()

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def close(self):
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        for stream in (self.child.stdin, self.child.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.stderr_file.close()


def lambda_command(target):
    return [PYTHON, ADAPTER, "--lambda", target]
