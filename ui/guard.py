"""What one student cannot do to everyone else: limits checked before a request is parsed or queued, and a last
line that turns a failure no handler foresaw into a message instead of gradio's blank "error".

Three layers, each named in the README's "Limits" section:

- `Gate`, an ASGI middleware: a request body larger than MAX_BODY is refused (HTTP 413, a JSON message)
  before anything parses it, and so are sessions one address opens faster than NEW_SESSIONS allows (HTTP 429) and
  a flood of runs from one address (RATE, HTTP 429), at a fraction of what a refusal by gradio costs. The
  largest legitimate body is a drawing, at most ink.strokes.MAX_VALUE_CHARS characters; uploads go to
  /gradio_api/upload, which gradio limits by size itself (launch's max_file_size).
- `cap_queue`, around gradio's Queue.push (the one door every event goes through, the page's and the API's): a
  request whose data has the wrong number of values is refused without echoing them (one that leaves out inputs
  at the end that have initial values gets those, as gradio_client sends them); a session may have one
  training, one lesson run and one adaptation to its handwriting (tab 1) waiting or running (PER_SESSION); one
  address may have PER_ADDRESS of each waiting (a client invents sessions at will); and each pool of events has
  its own bound on waiting events (WAITING), so a flood of slow lessons fills at most the lessons' line, never
  the one digits wait in.
- `guard_handlers`, around Blocks.process_api: lone surrogates in any text become U+FFFD before a handler sees
  them; a handler's own refusal (gr.Error) is answered without a traceback
  in the log; a value a control cannot take (gradio's ComponentProcessingError) is answered naming the control;
  anything else is answered with the event and the kind of failure, and logged as one line, never with the values.
"""
import json
import os
import re
import sys
import threading
import time
from collections import OrderedDict

import gradio as gr
from gradio.exceptions import ComponentProcessingError, InvalidPathError
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import i18n
from ink.strokes import MAX_VALUE_CHARS
from ui.i18n import translated
from ui.state import address, client_of

T = i18n.Texts("guard")

MAX_BODY = 2 * MAX_VALUE_CHARS + 64 * 1024  # bytes: a drawing (JSON-escaped at most twice over) and its envelope
# events one session may have waiting or running, by concurrency pool
PER_SESSION = {"train": 1, "lessons": 1, "adapt": 1}
# waiting events of each pool from one address (sessions are the client's to invent): a classroom on its own
# network has an address per student; thirty behind one school address share these, each still one at a time
PER_ADDRESS = {"train": 16, "lessons": 24, "adapt": 16}
WAITING = {"train": 32, "lessons": 64, "adapt": 32}  # waiting events of each pool, all addresses together
# runs one address may start, by pool: a burst (a class behind one address pressing Run in the same minute), then
# so many a second
RATE = {"train": (60, 3.0), "lessons": (60, 3.0), "adapt": (60, 3.0)}
# sessions one address may open: a burst, then so many a second. A class behind one school address opens thirty
# as the lesson starts and one with each reload; every flood of issue #20 invented a session per request (gradio's
# simple API makes one per call), and each request gradio answers costs its one Python thread 25-60 ms, so one
# such client kept a core busy while thirty students drew (digits p95 0.5-1.0 s, benchmarks/hostile.py). Past the
# burst its requests are answered 429 at the door, in well under a millisecond. PLAYGROUND_NEW_SESSIONS="burst/rate"
# sets it (the test suite, thousands of sessions from 127.0.0.1, raises it; tests/test_hostile.py checks the door).
NEW_SESSIONS = tuple(float(x) for x in os.environ.get("PLAYGROUND_NEW_SESSIONS", "90/0.5").split("/"))
KNOWN_SESSIONS = 4_096  # sessions remembered as let in, the most recently seen: one class's many times over
QUEUE_SIZE = 1_024  # every waiting event together: room for a class of thirty, each with a few of each
# browser sessions whose state (a copy of the page's, and the last inputs) gradio keeps, the most recently used;
# its default is 10,000: a client inventing a session per request grew the server by each one's copy
SESSIONS = 120
# gradio's ComponentProcessingError carries the input's position only in its text ("input component at index 2")
_INPUT_INDEX = re.compile(r"preprocess input component at index (\d+)")


def _language(headers) -> str:
    return i18n.choose(headers.get("cookie", ""), headers.get("accept-language", ""))


class Gate:
    """In front of everything gradio does with a request: refuses a body over `limit` bytes (by its Content-Length
    at once, else while it arrives), and a flood of runs from one address (RATE) before gradio parses it.

    A refusal here costs well under a millisecond; one that gradio answers about 23 ms of the server's one Python
    thread: 257 lesson runs sent at once, each refused by gradio's queue, kept it busy for six seconds while ten
    students' drawings waited (p95 0.65 s instead of 0.06 s, measured side by side on the 2-core machine)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app, self.limit = app, limit
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # (address, pool): (tokens, when)
        self._known: OrderedDict[str, None] = OrderedDict()  # sessions let in, the most recently seen last
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/").endswith("/upload"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await _answer(send, 413, T.say("body", _language(headers), limit=f"{self.limit:,}"))
            return
        if scope["method"] == "POST" and ("/queue/join" in scope["path"] or "/call/" in scope["path"]):
            body = b""
            while True:  # a run's request is small: read it whole, then let gradio read it again
                message = await receive()
                if message["type"] != "http.request":
                    return
                body += message.get("body", b"")
                if len(body) > self.limit:
                    await _answer(send, 413, T.say("body", _language(headers), limit=f"{self.limit:,}"))
                    return
                if not message.get("more_body", False):
                    break
            pool, session = _pool(scope, body)
            sender = address((scope.get("client") or ("",))[0])
            if not self._let_in(sender, session):
                burst, per_second = NEW_SESSIONS
                await _answer(send, 429, T.say("new_sessions", _language(headers), burst=f"{burst:,.0f}",
                                               every=f"{1 / per_second:,.0f}" if per_second else "∞"))
                return
            if pool in RATE and not _has_run(scope, pool, session) and not self._take(sender, pool):
                await _answer(send, 429, T.say(f"busy_{pool}", _language(headers), waiting=RATE[pool][0]))
                return
            replayed = False

            async def again() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, again, send)
            return
        received, refused = 0, False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)
        if refused and not started:
            await _answer(send, 413, T.say("body", _language(headers), limit=f"{self.limit:,}"))

    def _let_in(self, address: str, session: str | None) -> bool:
        """Whether a request of `session` (None: the simple API's, a new one each call) from `address` may pass: a
        session let in before passes; a new one takes a token of its address's NEW_SESSIONS bucket."""
        with self._lock:
            if session is not None and session in self._known:
                self._known.move_to_end(session)
                return True
        if not self._take(address, "sessions"):
            return False
        if session is not None:
            with self._lock:
                self._known[session] = None
                while len(self._known) > KNOWN_SESSIONS:
                    self._known.popitem(last=False)
        return True

    def _take(self, address: str, pool: str) -> bool:
        """One token from `address`'s bucket for `pool` ("sessions": NEW_SESSIONS, else RATE: a burst, refilled so
        many a second), if it has one."""
        burst, per_second = NEW_SESSIONS if pool == "sessions" else RATE[pool]
        now = time.monotonic()
        with self._lock:
            tokens, when = self._buckets.get((address, pool), (burst, now))
            tokens = min(burst, tokens + (now - when) * per_second)
            if tokens < 1:
                self._buckets[(address, pool)] = (tokens, now)
                return False
            self._buckets[(address, pool)] = (tokens - 1, now)
            if len(self._buckets) > 10_000:  # forget the addresses whose buckets are full again
                self._buckets = {k: v for k, v in self._buckets.items() if not _full(k[1], v, now)}
            return True


def _full(pool: str, bucket: tuple[float, float], now: float) -> bool:
    burst, per_second = NEW_SESSIONS if pool == "sessions" else RATE[pool]
    return bucket[0] + (now - bucket[1]) * per_second >= burst


def _blocks(scope: Scope):
    return scope["app"].get_blocks() if hasattr(scope.get("app"), "get_blocks") else None


def _pool(scope: Scope, body: bytes) -> tuple[str | None, str | None]:
    """The concurrency pool of the event a run's request names (by its index, or by its API name in the path), and
    the session it names (None for the simple API, which makes one per call)."""
    blocks = _blocks(scope)
    if blocks is None:
        return None, None
    if "/queue/join" in scope["path"]:
        try:
            sent = json.loads(body)
            index, session = sent.get("fn_index"), sent.get("session_hash")
        except (ValueError, AttributeError):
            return None, None
        fn = blocks.fns.get(index) if isinstance(index, int) else None
    else:
        name, session = scope["path"].rstrip("/").rsplit("/", 1)[-1], None
        fn = next((f for f in blocks.fns.values() if f.api_name == name), None)
    return getattr(fn, "concurrency_id", None), session if isinstance(session, str) else None


def _has_run(scope: Scope, pool: str, session: str | None) -> bool:
    """Whether `session` already has a run of `pool` waiting or running: the queue then tells it so (PER_SESSION),
    whatever its address's rate."""
    blocks = _blocks(scope)
    return session is not None and blocks is not None and any(
        e.session_hash == session for e in _pool_events(blocks._queue, pool))


async def _answer(send: Send, status: int, message: str) -> None:
    """A refusal at the door. 429 and 413 (not 503): the page shows the `detail` of any status but 503, for which
    it shows gradio's own English "This application is currently busy" (gradio 6.31's client, queue/join)."""
    body = json.dumps({"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _refused(message: str) -> tuple:
    """A refusal as gradio's validators answer (HTTP 422), the one its clients show as they receive it: the page
    as a notice, gradio_client as a ValidationError holding `message`, a raw client as the JSON `detail`."""
    return False, [{"__type__": "validate", "is_valid": False, "message": message}], "validator_error"


def _defaults(inputs) -> list:
    """The initial values of `inputs`, the ones a client may leave out at the end of a request (gradio_client fills
    them in the same way, from the API's `parameter_default`: a control added to a lesson keeps older calls
    working); [] when one of them has none."""
    values = [getattr(block, "value", None) for block in inputs]
    return [] if any(value is None for value in values) else values


def _pool_events(queue, concurrency_id: str) -> list:
    """The events of one pool: waiting ones, then those running."""
    waiting = queue.event_queue_per_concurrency_id.get(concurrency_id)
    running = [event for job in queue.active_jobs if job for event in job if event.concurrency_id == concurrency_id]
    return (list(waiting.queue) if waiting else []) + running


def cap_queue(demo: gr.Blocks) -> None:
    """Put the checks above in front of `demo`'s queue (after demo.queue(), before launch)."""
    queue = demo._queue
    push = queue.push

    async def capped(body, request, username):
        language = _language(request.headers)
        fn = demo.fns.get(body.fn_index) if body.fn_index is not None else None
        if fn is not None and isinstance(body.data, list) and len(body.data) < len(fn.inputs):
            body.data = body.data + _defaults(fn.inputs[len(body.data):])
        if fn is not None and isinstance(body.data, list) and len(body.data) != len(fn.inputs):
            return _refused(T.say("arity", language, wanted=len(fn.inputs), got=len(body.data)))
        pool = getattr(fn, "concurrency_id", None)
        if pool in WAITING:
            events = _pool_events(queue, pool)
            if body.session_hash and sum(e.session_hash == body.session_hash for e in events) >= PER_SESSION[pool]:
                return _refused(T.say(f"already_{pool}", language))
            waiting = queue.event_queue_per_concurrency_id.get(pool)
            waiting = list(waiting.queue) if waiting is not None else []
            address = client_of(request)
            from_here = sum(client_of(e.request) == address for e in waiting)
            if len(waiting) >= WAITING[pool] or from_here >= PER_ADDRESS[pool]:
                return _refused(T.say(f"busy_{pool}", language, waiting=len(waiting)))
        return await push(body=body, request=request, username=username)

    queue.push = capped


def _scrubbed(value):
    """`value` with every lone surrogate (half of a UTF-16 pair: JSON carries it, but no UTF-8 encoder, database,
    hash or plot takes it, nor gradio's own answer stream) replaced by U+FFFD, in strings at any depth."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    if isinstance(value, dict):
        return {_scrubbed(k): _scrubbed(v) for k, v in value.items()}
    return value


def _event_name(fn) -> str:
    return fn.api_name if fn.api_visibility == "public" else getattr(fn, "name", None) or "event"


def guard_handlers(demo: gr.Blocks) -> None:
    """Answer every failure of `demo`'s handlers with a message (see the module's docstring)."""
    process = demo.process_api

    async def guarded(block_fn, inputs, *args, request=None, **kwargs):
        fn = demo.fns[block_fn] if isinstance(block_fn, int) else block_fn
        try:
            return await process(block_fn, _scrubbed(inputs), *args, request=request, **kwargs)
        except gr.Error as refusal:
            refusal.print_exception = False  # a refusal is an answer, not a fault
            raise
        except (ValidationError, InvalidPathError):  # gradio's reading of a file input: not a FileData, or a path
            language = _language(getattr(request, "headers", None) or {})  # outside its upload folder
            files = [b for b in fn.inputs if getattr(b, "data_model", None) is not None]  # the inputs that take files
            label = translated(getattr(files[0], "label", None) or "", language) if files else ""
            raise gr.Error(T.say("file", language, control=label or T.say("a_control", language)),
                           print_exception=False) from None
        except ComponentProcessingError as error:
            language = _language(getattr(request, "headers", None) or {})
            found = _INPUT_INDEX.search(str(error))
            index = int(found[1]) if found else len(fn.inputs)
            block = fn.inputs[index] if index < len(fn.inputs) else None
            label = translated(getattr(block, "label", None) or "", language) if block is not None else ""
            raise gr.Error(T.say("control", language, control=label or T.say("a_control", language)),
                           print_exception=False) from None
        except Exception as error:  # noqa: BLE001 - the last line: every failure gets an answer
            language = _language(getattr(request, "headers", None) or {})
            name = _event_name(fn)
            print(f"warning: {name} failed: {type(error).__name__}", file=sys.stderr)
            raise gr.Error(T.say("failed", language, event=name, error=type(error).__name__),
                           print_exception=False) from None

    demo.process_api = guarded
