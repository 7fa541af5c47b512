"""Soak benchmark: a class using the app for ten minutes while retrains keep starting.

Starts `python app.py` as its own process, then 30 gradio_client clients (in
3 processes) each loop until the time is up: send a drawing to
`predict_digit`, a sentence to `predict_sentiment`, and pause 1–2.5 s. Every
30 s a new client (a new browser session, as a new student would be) starts a
retrain through the API — a DNN or an LSTM on a few thousand examples — and
waits for it. Prints the errors (goal: 0), the round-trip p50 / p95 of each
endpoint, and the resident memory of the server and of its training workers
after warm-up and at the end, so their growth can be compared with the bound
on retrained models (ui/retrain/store.py: 512 MB of weights over all sessions).

    python -m benchmarks.soak [--minutes 10] [--clients 30] [--retrain-every 30] [--data-dir ../shared/datasets]
"""
import argparse
import os
import random
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch

from benchmarks.load import make_drawings
from benchmarks.server import children, rss_mb, start_app, timed_call
from training.run import describe_device

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["a gorgeous , witty , seductive movie .", "the plot is a dull , tedious mess .",
             "it's not a bad film, but it's not a good one either.", "i loved every minute of it"]
RETRAINS = [  # the Retrain tab's inputs: kind, log lr, epochs, patience, batch, hidden, dropout, init, bidir., subset
    ("dnn", -2.5, 3, 2, 128, 256, 0.1, "default", True, 5_000),
    ("lstm", -2.5, 2, 2, 32, 256, 0.3, "default", True, 2_000),
]


def memory(pid: int) -> str:
    workers = [rss_mb(child) for child in children(pid)]
    listed = ", ".join(f"{mb:.0f}" for mb in workers) or "none"
    return f"server {rss_mb(pid):.0f} MB; its child processes {listed} MB"


def students(url: str, clients: int, seconds: float, drawings, group: int):
    """`clients` students as threads: (endpoint, round-trip ms) timings and errors."""
    from gradio_client import Client

    timings, errors, lock = [], [], threading.Lock()

    def student(seed: int):
        rng = random.Random(seed)
        client = Client(url, verbose=False, ssl_verify=False)
        end = time.time() + seconds
        time.sleep(rng.uniform(0, 2.5))
        while time.time() < end:
            calls = [("predict_digit", rng.choice(drawings)), ("predict_sentiment", rng.choice(SENTENCES))]
            for api, value in calls:
                ms, error = timed_call(client, value, api)
                with lock:
                    timings.append((api, ms))
                    if error:
                        errors.append(error)
            time.sleep(rng.uniform(1.0, 2.5))

    threads = [threading.Thread(target=student, args=(group * 1000 + i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors


def retrains(url: str, every: float, seconds: float, results: list) -> None:
    """A new session starts a retrain every `every` seconds until `seconds` have passed."""
    from gradio_client import Client

    end, n = time.time() + seconds, 0
    while time.time() + every / 2 < end:
        began = time.time()
        try:
            status = Client(url, verbose=False).predict(*RETRAINS[n % len(RETRAINS)], api_name="/train")[0]
            results.append("Done" in status or status)
        except Exception as error:
            results.append(f"{type(error).__name__}: {error}"[:200])
        n += 1
        time.sleep(max(0.0, every - (time.time() - began)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--retrain-every", type=float, default=30, help="seconds between retrains")
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or "data")
    parser.add_argument("--port", type=int, default=7870)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    server = start_app(args.port, args.data_dir)
    try:
        drawings = make_drawings()
        first = []
        retrains(url, 0, 1, first)  # warm-up: one retrain starts a worker and loads its data
        at_start = memory(server.pid)
        seconds = args.minutes * 60
        retrained: list = []
        trainer = threading.Thread(target=retrains, args=(url, args.retrain_every, seconds, retrained))
        trainer.start()
        groups = [len(range(i, args.clients, args.processes)) for i in range(args.processes)]
        timings, errors = [], []
        context = get_context("spawn")
        with ProcessPoolExecutor(args.processes, mp_context=context) as pool:
            jobs = [pool.submit(students, url, n, seconds, drawings, i) for i, n in enumerate(groups) if n]
            for job in jobs:
                t, e = job.result()
                timings += t
                errors += e
        trainer.join()
        at_end = memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    failed_retrains = [r for r in first + retrained if r is not True]
    print(f"device: {describe_device(torch.device('cpu'))}, {os.cpu_count()} cores; torch {torch.__version__}")
    print(f"{args.clients} clients for {args.minutes:g} min, a retrain from a new session every "
          f"{args.retrain_every:g} s ({len(retrained)} retrains, {len(failed_retrains)} failed)")
    for api in ("predict_digit", "predict_sentiment"):
        ms = [t for name, t in timings if name == api]
        print(f"  {api}: {len(ms)} calls, round trip p50 {np.percentile(ms, 50):.0f} ms, "
              f"p95 {np.percentile(ms, 95):.0f} ms")
    print(f"  errors: {len(errors)} of {len(timings)} calls")
    print(f"  memory after warm-up: {at_start}")
    print(f"  memory at the end:    {at_end}")
    for error in (errors + [str(r) for r in failed_retrains])[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
