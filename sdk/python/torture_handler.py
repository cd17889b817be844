"""torture_handler: run your Python handler under torture (handler protocol 1), stdlib only.

torture starts your handler as a child process per worker and speaks JSON lines to it over
stdin/stdout (docs/handler-protocol.md). This file speaks them for you.

A handler written for torture:

    import torture_handler
    from torture_handler import point, step

    def handle(delivery):               # delivery.message, .body, .event, .attempt, .database ...
        with step("check", "read"):
            ...
        point("after-read")             # torture may delay, crash or raise here
        with step("insert", "submit") as s:
            cur.execute(...)
            s.rows = cur.rowcount        # optional: rows affected; s.values = {"id": "5"}
        return "done"                   # or "skip"; None is "done"; an exception is "fail"

    torture_handler.run(handle)

`now()` and `random()` (or `delivery.now()`, `delivery.random`) are the run's clock and a
random stream seeded by the run's seed and the delivery: under `--scheduler sim` both are the
same on every run of a seed, where time.time() and the random module are not.

`point(name)` raises `InjectedError` (kind "error"), or its subclasses `InjectedStoreBusy`
(kind "store-busy") and `InjectedConnectionReset` (kind "connection-reset", also a
ConnectionResetError), when torture injects a fault there. `raise Fail(reason)` fails the
delivery with exactly that reason; any other exception fails it as "TypeName: message".
The run's settings are `torture_handler.init` (and on each delivery): worker, seed, scenario,
dialect ("sqlite" or "postgres"), database (connect with it), timeout_millis.

An unmodified AWS Lambda handler, `function(event, context)`:

    handler: { command: [python3, path/to/torture_handler.py, --lambda, lambda_function.lambda_handler], event: sns }

(or `python3 -m torture_handler --lambda ...` with this folder on PYTHONPATH). The module is
imported from the working directory (the scenario's folder) once, at cold start. Each delivery
offers the point `before-claim` (before the function is called), then calls the function with
the event torture built and a Lambda-like context (get_remaining_time_in_millis() counts down
from the delivery's deadline). A return is "done", except a dict with a non-empty
`batchItemFailures` (SQS partial batch response), which is "fail"; an exception is "fail".
`before-ack`, after the function returns, is torture's own point. The root logger writes to
stderr, as Lambda's writes to CloudWatch.

stdout carries protocol lines only: `print()` and anything written to file descriptor 1 go to
stderr, which torture keeps per worker.
"""

import contextlib
import importlib
import json
import logging
import os
import random as _random
import sys
import threading
import time

PROTOCOL = 1
POINTS = ("before-claim", "after-read", "after-claim", "before-commit", "after-commit")
ROLES = ("read", "claim", "submit", "write")
_TEXT_LIMIT = 4096  # an error or reason longer than this is cut: a line has at most 1 MiB

init = None  # the `init` message, as an object with attributes, once run() has read it


class InjectedError(Exception):
    """A fault torture injected at a point; `error` is torture's text, `kind` its kind."""

    def __init__(self, error, kind="error"):
        super().__init__(error)
        self.error = error
        self.kind = kind


class InjectedStoreBusy(InjectedError):
    """kind "store-busy": the store said it was busy (SQLITE_BUSY, a lock timeout)."""


class InjectedConnectionReset(InjectedError, ConnectionResetError):
    """kind "connection-reset": the connection dropped."""


class Fail(Exception):
    """Raise to fail the delivery with exactly this reason."""


class ProtocolError(BaseException):
    """torture sent a line this SDK cannot take (a BaseException: no handler's except stops it)."""


class Info:
    """A message's fields as attributes (missing ones are None)."""

    def __init__(self, fields):
        self.__dict__.update(fields)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __repr__(self):
        return f"{type(self).__name__}({self.__dict__!r})"


class Delivery(Info):
    """A `deliver` message, plus the init's worker, seed, scenario, dialect and database."""

    def __init__(self, fields, init_info, received_at):
        settings = {k: getattr(init_info, k) for k in ("worker", "seed", "scenario", "dialect", "database")}
        super().__init__({**settings, **fields})
        self.received_at = received_at

    def remaining_millis(self):
        """What is left of deadline_millis, counted from when the deliver line was read."""
        if self.deadline_millis is None:
            return 0
        elapsed = (time.monotonic() - self.received_at) * 1000
        return max(0, int(self.deadline_millis - elapsed))

    def now(self):
        """The run's time, in seconds since the Unix epoch: torture's clock as of the deliver line
        (or the last point's `go`). Under `--scheduler sim` it is virtual, the same on every run
        of a seed; time.time() is not."""
        if self.now_millis is None:
            return time.time()
        return self.now_millis / 1000

    @property
    def random(self):
        """A random.Random seeded from the run's seed and this delivery: the same numbers on
        every run of a seed, where the random module's own are not."""
        if self.__dict__.get("_random") is None:
            seed = self.random_seed if self.random_seed is not None else time.time_ns()
            self.__dict__["_random"] = _random.Random(seed)
        return self.__dict__["_random"]


class _Channel:
    """The protocol's two streams, moved off fds 0 and 1 so nothing else can touch them."""

    def __init__(self):
        self._out = os.dup(1)
        self._in = os.fdopen(os.dup(0), "rb")
        os.dup2(2, 1)  # a handler's print(), and its children's stdout, go to stderr
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        sys.stdout = sys.stderr
        self._lock = threading.Lock()

    def send(self, message):
        data = (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode(errors="replace")
        with self._lock:
            while data:
                data = data[os.write(self._out, data):]

    def receive(self):
        """The next message, or None at EOF. Raises ProtocolError for a malformed line."""
        line = self._in.readline()
        if not line:
            return None
        try:
            message = json.loads(line)
        except ValueError as error:
            raise ProtocolError(f"not JSON ({error}): {line[:200]!r}") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise ProtocolError(f"not a JSON object with a type: {line[:200]!r}")
        return message


_channel = None
_current = None  # the Delivery being handled


def _take_channel():
    global _channel
    if _channel is None:
        _channel = _Channel()


# Under torture (which sets TORTURE_HANDLER_PROTOCOL), stdout is taken at import, so that a
# handler module's print() at import time cannot reach torture either. (As a script, the
# importable module below takes it.)
if os.environ.get("TORTURE_HANDLER_PROTOCOL") and __name__ != "__main__":
    _take_channel()


class _Stop(BaseException):
    """shutdown or EOF: leave run(), through any handler's `except Exception`."""


def _describe(error):
    text = str(error)
    return _cut(f"{type(error).__name__}: {text}" if text else type(error).__name__)


def _cut(text):
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + "…"


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _require(message, kind):
    if message is None or message["type"] == "shutdown":
        raise _Stop()
    if message["type"] != kind:
        raise ProtocolError(f"expected {kind}, got {message['type']}: {json.dumps(message)[:200]}")
    return message


def point(name):
    """Offer torture an injection point; returns on `go`, raises InjectedError on `raise`."""
    if name not in POINTS:
        raise ValueError(f"unknown point {name!r}; expected one of {', '.join(POINTS)}")
    delivery = _current_delivery("point")
    _channel.send({"type": "point", "id": delivery.id, "name": name})
    answer = _channel.receive()
    if answer is None or answer["type"] == "shutdown":
        raise _Stop()
    if answer["type"] not in ("go", "raise"):
        raise ProtocolError(f"expected go or raise for point {name}, got {answer['type']}")
    if answer.get("id") != delivery.id:
        raise ProtocolError(f"answer for delivery {answer.get('id')!r} while delivery {delivery.id} waits at {name}")
    if answer.get("now_millis") is not None:
        delivery.now_millis = answer["now_millis"]
    if answer["type"] == "raise":
        kind = answer.get("kind", "error")
        error = answer.get("error") or "injected error"
        cls = {"store-busy": InjectedStoreBusy, "connection-reset": InjectedConnectionReset}.get(kind, InjectedError)
        raise cls(error, kind)


class Step:
    """What a `with step(...) as s:` block may report: s.rows (int), s.values (dict)."""

    def __init__(self):
        self.rows = None
        self.values = None


@contextlib.contextmanager
def step(name, role):
    """Report a statement: `invoke` on entry, `ok` on exit, `fail` (re-raised) on an exception."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    delivery = _current_delivery("step")
    line = {"type": "step", "id": delivery.id, "name": str(name), "role": role}
    _channel.send({**line, "status": "invoke"})
    record = Step()
    try:
        yield record
    except Exception as error:
        _channel.send({**line, "status": "fail", "error": _describe(error)})
        raise
    ok = {**line, "status": "ok"}
    if record.rows is not None:
        ok["rows"] = int(record.rows)
    if record.values is not None:
        ok["values"] = {str(k): "" if v is None else str(v) for k, v in dict(record.values).items()}
    _channel.send(ok)


def now():
    """The run's time in seconds since the epoch (the current delivery's `now()`); time.time()
    outside a delivery. Use it, not time.time(), where a seed must replay."""
    return _current.now() if _current is not None else time.time()


def random():
    """The next number of the current delivery's seeded random.Random, in [0, 1)."""
    return _current_delivery("random").random.random()


def _current_delivery(what):
    if _current is None:
        raise RuntimeError(f"{what}() is for inside a delivery: call it from the handle function run() calls")
    return _current


def _outcome(handle, delivery):
    try:
        returned = handle(delivery)
    except Fail as failure:
        return {"outcome": "fail", "reason": _cut(str(failure))}
    except Exception as error:
        return {"outcome": "fail", "reason": _describe(error)}
    if returned is None or returned == "done":
        return {"outcome": "done"}
    if returned == "skip":
        return {"outcome": "skip"}
    return {"outcome": "fail", "reason": _cut(f"handler returned {returned!r}; expected 'done', 'skip' or None")}


def run(handle, on_init=None):
    """Answer torture until shutdown or EOF, then exit 0; a malformed line exits 2.

    on_init(init), when given, runs after init is read and before it is answered (cold start).
    """
    global _current, init
    _take_channel()
    try:
        init = Info(_require(_channel.receive(), "init"))
        if on_init is not None:
            on_init(init)
        _channel.send({"type": "init_ok", "protocol": PROTOCOL})
        while True:
            message = _require(_channel.receive(), "deliver")
            received_at = time.monotonic()
            if not _is_id(message.get("id")):
                raise ProtocolError(f"deliver without an integer id: {json.dumps(message)[:200]}")
            _current = Delivery(message, init, received_at)
            try:
                result = _outcome(handle, _current)
            finally:
                _current = None
            _channel.send({"type": "result", "id": message["id"], **result})
    except _Stop:
        pass
    except ProtocolError as error:
        print(f"torture_handler: protocol error: {error}", file=sys.stderr, flush=True)
        sys.exit(2)
    sys.stderr.flush()
    sys.exit(0)


# The Lambda adapter.

class LambdaContext:
    """The parts of Lambda's context object a handler reads."""

    def __init__(self, delivery, function_name):
        self._delivery = delivery
        self.aws_request_id = f"{delivery.message}/{delivery.copy}/{delivery.attempt}"
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        region = os.environ.get("AWS_REGION", "us-east-1")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:000000000000:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{delivery.worker}"
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self):
        return self._delivery.remaining_millis()


def _load_function(target):
    module_name, _, function_name = target.rpartition(".")
    if not module_name or not function_name:
        raise SystemExit(f"torture_handler: --lambda wants module.function, got {target!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise SystemExit(f"torture_handler: {module_name} has no function {function_name}")
    return function


def _batch_failures(returned):
    if not isinstance(returned, dict):
        return []
    failures = returned.get("batchItemFailures") or []
    return [str(item.get("itemIdentifier", item)) if isinstance(item, dict) else str(item) for item in failures]


def run_lambda(target):
    """Run the Lambda handler `module.function` until shutdown."""
    logging.basicConfig(stream=sys.stderr, format="[%(levelname)s]\t%(asctime)s\t%(message)s")
    loaded = {}

    def cold_start(init_info):
        loaded["function"] = _load_function(target)
        loaded["name"] = os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or init_info.scenario or target

    def handle(delivery):
        try:
            point("before-claim")
        except InjectedError as injected:
            raise Fail(injected.error) from None
        returned = loaded["function"](delivery.event, LambdaContext(delivery, loaded["name"]))
        failures = _batch_failures(returned)
        if failures:
            raise Fail(_cut(f"batchItemFailures: {', '.join(failures)}"))
        return "done"

    run(handle, on_init=cold_start)


def main(argv):
    if len(argv) == 2 and argv[0] == "--lambda":
        run_lambda(argv[1])
    print("usage: torture_handler.py --lambda module.function", file=sys.stderr)
    return 2


if __name__ == "__main__":
    # Through the importable module, so a handler that imports torture_handler shares its state.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torture_handler

    sys.exit(torture_handler.main(sys.argv[1:]))
