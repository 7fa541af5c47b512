"""Load benchmark: predict_digit under a classroom's load while a retrain runs.

Measures (1) the predict_digit handler itself, called in-process on a drawn
digit (both models, preprocessing and saliency included), and (2) round trips
through the real server from 30 gradio_client clients at once while one CNN
retrain streams in the background. The clients run in a separate process, as
students' browsers would, and behave like students drawing: each sends a
drawing, waits for both models' answers (it does not fetch the two output
images: with clients and server sharing two cores, that client-side work
would be measured as server latency), then draws for 0.5–1.5 s before the
next stroke. Drawings vary (three digits, shifted and scaled). Prints p50 / p95,
errors, and the hardware.

    python -m ui.load_benchmark [--clients 30] [--requests 10] [--processes 3] [--no-training]
"""
import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from drawing import composite, draw  # noqa: E402  (the same drawings the tests use)


def make_drawings(folder: Path, count: int = 60) -> list[tuple[str, str]]:
    """PNG pairs (layer, composite) of varied digits, written to `folder`."""
    rng = random.Random(0)
    pairs = []
    for i in range(count):
        digit = "170"[i % 3]
        layer = draw(digit, scale=rng.uniform(0.5, 1.0), shift=(rng.randint(-40, 40), rng.randint(-40, 40)))
        Image.fromarray(layer).save(folder / f"{i}-layer.png")
        Image.fromarray(composite(layer)).save(folder / f"{i}-composite.png")
        pairs.append((str(folder / f"{i}-layer.png"), str(folder / f"{i}-composite.png")))
    return pairs


def students(url: str, clients: int, requests: int, drawings: list[tuple[str, str]],
             group: int = 0) -> tuple[list[float], list[str]]:
    """Run `clients` students as threads of this (separate) process; return round-trip ms and errors."""
    from gradio_client import Client, handle_file

    round_trip_ms, errors, lock = [], [], threading.Lock()

    def student(seed: int):
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 1))  # students do not all start on the same millisecond
        try:
            # the answers are read, the two output images are not fetched: a browser elsewhere would fetch
            # them, but here every client shares the server's two cores
            client = Client(url, verbose=False, download_files=False)
        except Exception as error:
            with lock:
                errors.append(f"connect: {error}")
            return
        for _ in range(requests):
            layer, flat = rng.choice(drawings)
            sketch = {"background": None, "layers": [handle_file(layer)], "composite": handle_file(flat)}
            start = time.perf_counter()
            try:
                verdict, dnn, cnn, *_ = client.predict(sketch, api_name="/predict_digit")
                error = None if cnn and dnn else f"no prediction: {verdict}"
            except Exception as exception:
                error = f"{type(exception).__name__}: {exception}"[:200]
            with lock:
                round_trip_ms.append((time.perf_counter() - start) * 1000)
                if error:
                    errors.append(error)
            time.sleep(rng.uniform(0.5, 1.5))  # drawing the next stroke

    threads = [threading.Thread(target=student, args=(group * 1000 + i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return round_trip_ms, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="concurrent gradio_client clients")
    parser.add_argument("--requests", type=int, default=10, help="predict_digit calls per client")
    parser.add_argument("--processes", type=int, default=3, help="client processes the clients are spread over")
    parser.add_argument("--no-training", action="store_true", help="skip the background retrain")
    args = parser.parse_args()

    import app
    from gradio_client import Client

    folder = Path(tempfile.mkdtemp())
    drawings = make_drawings(folder)
    layer = np.asarray(Image.open(drawings[1][0]))
    value = {"background": None, "layers": [layer], "composite": composite(layer)}
    lab = app.handlers.Lab(app.SHIPPED, app.LOAD_ERRORS, {})
    for _ in range(10):
        lab.predict_digit(value, {})
    handler_ms = []
    for _ in range(200):
        start = time.perf_counter()
        lab.predict_digit(value, {})
        handler_ms.append((time.perf_counter() - start) * 1000)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    url = f"http://127.0.0.1:{port}/"

    training = None
    if not args.no_training:
        training = Client(url, verbose=False).submit(
            "cnn", -2.5, 30, 10, 64, 128, 0.3, "default", True, 20_000, api_name="/train")
        while len(training.outputs()) < 2:  # wait until it is really training
            if training.done():
                training.result()  # raises the app's error
            time.sleep(0.2)

    began = time.perf_counter()
    groups = [len(range(i, args.clients, args.processes)) for i in range(args.processes)]
    round_trip_ms, errors = [], []
    with ProcessPoolExecutor(max_workers=args.processes, mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(students, url, n, args.requests, drawings, i) for i, n in enumerate(groups) if n]
        for job in jobs:
            times, failures = job.result()
            round_trip_ms += times
            errors += failures
    wall = time.perf_counter() - began
    still_training = training is not None and not training.done()
    if training is not None:
        training.cancel()
    app.demo.close()

    print(f"device: cpu, {torch.get_num_threads()} torch threads; torch {torch.__version__}")
    print(f"predict_digit handler (DNN + CNN + preprocessing + saliency), 200 calls in-process: "
          f"p50 {statistics.median(handler_ms):.1f} ms, p95 {np.percentile(handler_ms, 95):.1f} ms")
    print(f"round trip, {args.clients} clients x {args.requests} drawings, 0.5-1.5 s apart "
          f"({'while a CNN retrain ran' if still_training else 'no retrain running'}): "
          f"p50 {np.percentile(round_trip_ms, 50):.0f} ms, p95 {np.percentile(round_trip_ms, 95):.0f} ms, "
          f"{len(round_trip_ms)} requests in {wall:.1f} s, errors {len(errors)}")
    for error in errors[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
