"""Load benchmark: predict_digit under a classroom's load while a retrain runs.

Measures (1) the predict_digit handler itself, called in-process on a drawn
digit (both models, preprocessing, saliency and the two inline images), and
(2) round trips through the real server from 30 gradio_client clients while one
CNN retrain streams. The clients run in separate processes, as students'
browsers would. All of them connect first (the class opens the page), then
each behaves like a student drawing: it sends a drawing, waits for both models'
answers, pauses for a random time in `--pause` (drawing the next stroke,
looking at the answer, clearing), and sends the next. Each starts at a random
moment within one pause, so the class is already mid-lesson when timing
begins. Drawings vary (three digits, shifted and scaled).

Each request is the pad's value, the strokes as JSON (ink/strokes.py). The
pause sets the load. The default, 1–2.5 s, is a class drawing digits: the pad
sends a drawing at the end of every stroke and after Clear, so a two-stroke
digit, a look at the answers and a Clear make three requests in about five
seconds (about 15 requests per second from 30 students). While a stroke is
being drawn the pad also asks for answers, at most 8 times a second and never
more than one at a time per browser; `benchmarks/browser.py` measures that in
a real browser. `--pause 0.5 1.5` is a
class scribbling without ever stopping to look (about 23 per second). Prints
p50 / p95 round trip, errors, the request rate reached, the server's own
processing time per request, and the hardware.

With `--neighbours N`, N other processes keep the CPU busy at normal priority
the whole time (another tenant, a student's notebook): the handler is then
also timed with 2 torch threads, the setting the app used before it pinned one,
so the two can be compared in one run.

With `--board N`, N more students use the class board (tab 5) at the same
time: each posts a finished run once, then refreshes the board `--refreshes`
times, 2–5 s apart, and their round trips and errors are printed too. Their
runs are real: three tiny DNN retrains at different learning rates, trained
through the API before timing starts, each handed to a third of the students'
sessions (a post takes its numbers from the session's run history). The board
lives in a fresh SQLite file, or in `--database URL`.

    python -m benchmarks.load [--clients 30] [--requests 20] [--pause 1 2.5] [--no-training] [--neighbours 1]
                              [--board 30] [--refreshes 10] [--database URL]
"""
import argparse
import copy
import os
import random
import socket
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import torch

from benchmarks.drawings import pad_value  # the same drawings the tests use
from benchmarks.server import timed_call
from training.run import describe_device


def make_drawings(count: int = 60) -> list[str]:
    """Pad values (strokes as JSON) of varied digits: three digits, shifted and scaled."""
    rng = random.Random(0)
    return [pad_value("170"[i % 3], scale=rng.uniform(0.5, 1.0), shift=(rng.randint(-40, 40), rng.randint(-40, 40)))
            for i in range(count)]


def students(url: str, clients: int, requests: int, pause: tuple[float, float], drawings: list[str],
             group: int, everyone_connected) -> tuple[list[tuple[float, float]], list[str]]:
    """Run `clients` students as threads of this process; return (start time, round-trip ms) pairs and errors."""
    from gradio_client import Client

    timings, errors, lock = [], [], threading.Lock()

    def student(seed: int):
        rng = random.Random(seed)
        try:
            # plain HTTP to this machine: without ssl_verify=False, gradio_client loads the CA bundle for each
            # of the four HTTP clients it makes per call, 85% of its CPU time, which the server's cores would pay
            client = Client(url, verbose=False, ssl_verify=False)
        except Exception as error:
            with lock:
                errors.append(f"connect: {error}")
            everyone_connected.abort()
            return
        try:
            everyone_connected.wait()
        except threading.BrokenBarrierError:
            return  # another student could not connect: that error is reported
        time.sleep(rng.uniform(0, pause[1]))
        for _ in range(requests):
            start = time.time()
            ms, error = timed_call(client, rng.choice(drawings), "predict_digit")
            with lock:
                timings.append((start, ms))
                if error:
                    errors.append(error)
            time.sleep(rng.uniform(*pause))

    threads = [threading.Thread(target=student, args=(group * 1000 + i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors


def board_students(url: str, code: str, sessions: list[str], refreshes: int, group: int,
                   everyone_connected) -> tuple[list[tuple[float, float]], list[str]]:
    """Students on the class board, as threads: each posts its session's run, then refreshes the board.

    Returns (start time, round-trip ms) pairs and errors, as `students` does."""
    from gradio_client import Client

    timings, errors, lock = [], [], threading.Lock()

    def call(client, *values, api: str) -> None:
        start = time.time()
        try:
            client.predict(*values, api_name=f"/{api}")
            error = None
        except Exception as exception:
            error = f"{api}: {type(exception).__name__}: {exception}"[:200]
        with lock:
            timings.append((start, (time.time() - start) * 1000))
            if error:
                errors.append(error)

    def student(n: int, session: str):
        rng = random.Random(group * 1000 + n)
        try:
            client = Client(url, verbose=False, ssl_verify=False)
            client.session_hash = session  # the session whose history holds this student's run
        except Exception as error:
            with lock:
                errors.append(f"connect: {error}")
            everyone_connected.abort()
            return
        try:
            everyone_connected.wait()
        except threading.BrokenBarrierError:
            return
        time.sleep(rng.uniform(0, 2.5))
        call(client, code, f"student {group}-{n}", None, api="board_post")
        for _ in range(refreshes):
            time.sleep(rng.uniform(2, 5))
            call(client, code, rng.choice(["test accuracy", "newest", "setting"]), "all models", api="board_show")

    threads = [threading.Thread(target=student, args=(n, s)) for n, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors


def finished_runs(url: str, state, count: int) -> list:
    """`count` real tiny DNN retrains through the API, at different learning rates: their history entries."""
    from gradio_client import Client

    found = []
    for n in range(count):
        client = Client(url, verbose=False)
        status = client.predict("dnn", -3.0 + n * 0.75, 1, 1, 64, 32, 0.0, "default", False, 1_000,
                                api_name="/train")[0]
        if "Done" not in status:
            raise RuntimeError(f"a board run did not finish: {status}")
        found.append(state.history.latest(client.session_hash))
    return found


def busy(seconds: float) -> None:
    """A CPU-bound neighbour: pure-Python arithmetic at normal priority for `seconds`."""
    end, x = time.time() + seconds, 0
    while time.time() < end:
        for i in range(10_000):
            x = (x * 31 + i) % 1_000_003


def time_handler(draw, value, calls: int = 200) -> list[float]:
    for _ in range(10):
        draw.predict_digit(value, {}, None)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        draw.predict_digit(value, {}, None)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="concurrent gradio_client clients")
    parser.add_argument("--requests", type=int, default=20, help="predict_digit calls per client")
    parser.add_argument("--pause", type=float, nargs=2, default=(1.0, 2.5), metavar=("LOW", "HIGH"),
                        help="seconds a student takes between an answer and the next stroke (uniform)")
    parser.add_argument("--processes", type=int, default=3, help="client processes the clients are spread over")
    parser.add_argument("--no-training", action="store_true", help="skip the background retrain")
    parser.add_argument("--neighbours", type=int, default=0, help="CPU-bound processes running beside the app")
    parser.add_argument("--board", type=int, default=0, help="students also posting to and refreshing a class board")
    parser.add_argument("--refreshes", type=int, default=10, help="board refreshes per board student")
    parser.add_argument("--database", help="SQLAlchemy URL of the board's database (default: a new SQLite file)")
    args = parser.parse_args()
    os.environ["PLAYGROUND_DATABASE"] = args.database or \
        f"sqlite:///{tempfile.mkdtemp(prefix='board-bench-')}/board.sqlite3"  # read when the board is first used

    from gradio_client import Client

    import app
    from ui.draw.handlers import Handlers
    from ui.state import AppState

    drawings = make_drawings()
    value = drawings[1]
    draw = Handlers(AppState(app.SHIPPED, app.LOAD_ERRORS))
    neighbours = [get_context("spawn").Process(target=busy, args=(3600,), daemon=True) for _ in range(args.neighbours)]
    for process in neighbours:
        process.start()
    handler_ms = time_handler(draw, value)  # as the app serves: one torch thread (app.py)
    two_threads_ms = None
    if neighbours:
        torch.set_num_threads(2)
        two_threads_ms = time_handler(draw, value)
        torch.set_num_threads(1)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    url = f"http://127.0.0.1:{port}/"

    code, sessions = None, []
    if args.board:
        runs = finished_runs(url, app.STATE, 3)
        code, _ = app.STATE.board.create("benchmark class", "lr")
        for n in range(args.board):  # each student's session holds one of the real runs
            sessions.append(str(uuid.uuid4()))
            app.STATE.history.add(sessions[-1], copy.copy(runs[n % len(runs)]))

    training = None
    if not args.no_training:
        training = Client(url, verbose=False).submit(
            "cnn", -2.5, 30, 10, 64, 128, 0.3, "default", True, 20_000, api_name="/train")
        while len(training.outputs()) < 2:  # wait until it is really training
            if training.done():
                training.result()  # raises the app's error
            time.sleep(0.2)

    groups = [len(range(i, args.clients, args.processes)) for i in range(args.processes)]
    timings, errors, board_timings, board_errors = [], [], [], []
    context = get_context("spawn")
    # every client waits at the barrier in its process: the board's students need a process of their own (one
    # is plenty: each of them calls about once in three seconds)
    workers = args.processes + (1 if args.board else 0)
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        everyone_connected = manager.Barrier(args.clients + args.board)
        jobs = [pool.submit(students, url, n, args.requests, tuple(args.pause), drawings, i, everyone_connected)
                for i, n in enumerate(groups) if n]
        board_jobs = [pool.submit(board_students, url, code, sessions, args.refreshes, 0, everyone_connected)
                      ] if sessions else []
        for job in jobs:
            times, failures = job.result()
            timings += times
            errors += failures
        for job in board_jobs:
            times, failures = job.result()
            board_timings += times
            board_errors += failures
    still_training = training is not None and not training.done()
    if training is not None:
        training.cancel()
    # the queue's own record (a private attribute of gradio 6.31): from the handler's start to its outputs ready
    processing_ms = [event["process_time"] * 1000 for event in app.demo._queue.event_analytics.values()
                     if event["function"] == "predict_digit" and event["process_time"] is not None]
    app.demo.close()
    for process in neighbours:
        process.kill()

    round_trip_ms = [ms for _, ms in timings]
    starts = sorted(start for start, _ in timings)
    rate = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else float("nan")
    print(f"device: {describe_device(torch.device('cpu'))}, {os.cpu_count()} cores; torch {torch.__version__}")
    beside = f", beside {len(neighbours)} CPU-bound process(es)" if neighbours else ""
    print(f"predict_digit handler (DNN + CNN + preprocessing + saliency + images), 200 calls in-process{beside}: "
          f"p50 {np.percentile(handler_ms, 50):.1f} ms, p95 {np.percentile(handler_ms, 95):.1f} ms (1 torch thread)")
    if two_threads_ms:
        print(f"  the same with 2 torch threads: p50 {np.percentile(two_threads_ms, 50):.1f} ms, "
              f"p95 {np.percentile(two_threads_ms, 95):.1f} ms")
    print(f"round trip, {args.clients} clients x {args.requests} drawings, {args.pause[0]}-{args.pause[1]} s apart, "
          f"{rate:.1f} requests/s ({'while a CNN retrain ran' if still_training else 'no retrain running'}{beside}): "
          f"p50 {np.percentile(round_trip_ms, 50):.0f} ms, p95 {np.percentile(round_trip_ms, 95):.0f} ms, "
          f"errors {len(errors)} of {len(round_trip_ms)}")
    print(f"  of which the server processed each request for p50 {np.percentile(processing_ms, 50):.0f} ms, "
          f"p95 {np.percentile(processing_ms, 95):.0f} ms (the rest: uploads, queue, streaming the answer)")
    for error in errors[:5]:
        print("  error:", error)
    if args.board:
        board_ms = [ms for _, ms in board_timings]
        posted = len(app.STATE.board.posts(code)[1])
        print(f"class board ({app.STATE.board.engine.url.get_backend_name()}), {args.board} students each posting once "
              f"and refreshing {args.refreshes} times 2-5 s apart, beside the drawing class: {len(board_ms)} calls, "
              f"p50 {np.percentile(board_ms, 50):.0f} ms, p95 {np.percentile(board_ms, 95):.0f} ms, "
              f"errors {len(board_errors)}; {posted} posts on the board")
        for error in board_errors[:5]:
            print("  board error:", error)


if __name__ == "__main__":
    main()
