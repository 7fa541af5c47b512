"""Load benchmark: predict_digit under a classroom's load while a retrain runs.

Measures (1) the predict_digit handler itself, called in-process on a drawn
digit (both models, preprocessing and saliency included), and (2) round trips
through the real server from 30 concurrent gradio_client clients — each
uploads a drawing and waits for both models' answers — while one CNN retrain
streams in the background. Prints p50 / p95, errors, and the hardware.

    python -m ui.load_benchmark [--clients 30] [--requests 10]
"""
import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from drawing import composite, draw  # noqa: E402  (the same drawings the tests use)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="concurrent gradio_client clients")
    parser.add_argument("--requests", type=int, default=10, help="predict_digit calls per client")
    parser.add_argument("--no-training", action="store_true", help="skip the background retrain")
    args = parser.parse_args()

    import app
    from gradio_client import Client, handle_file

    layer = draw("7")
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
    folder = Path(tempfile.mkdtemp())
    Image.fromarray(layer).save(folder / "layer.png")
    Image.fromarray(composite(layer)).save(folder / "composite.png")

    training = None
    if not args.no_training:
        trainer = Client(url, verbose=False)
        training = trainer.submit("cnn", -2.5, 30, 10, 64, 128, 0.3, "default", True, 20_000, api_name="/train")
        while len(training.outputs()) < 2:  # wait until it is really training
            if training.done():
                training.result()  # raises the app's error
            time.sleep(0.2)

    round_trip_ms, errors, lock = [], [], threading.Lock()

    def student():
        try:
            client = Client(url, verbose=False)
        except Exception as error:
            with lock:
                errors.append(f"connect: {error}")
            return
        for _ in range(args.requests):
            sketch = {"background": None, "layers": [handle_file(str(folder / "layer.png"))],
                      "composite": handle_file(str(folder / "composite.png"))}
            start = time.perf_counter()
            try:
                result = client.predict(sketch, api_name="/predict_digit")
                ok = result[2]["label"] == "7"
            except Exception as error:
                ok, result = False, error
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                round_trip_ms.append(elapsed)
                if not ok:
                    errors.append(str(result)[:200])

    threads = [threading.Thread(target=student) for _ in range(args.clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    still_training = training is not None and not training.done()
    if training is not None:
        training.cancel()
    app.demo.close()

    print(f"device: cpu, {torch.get_num_threads()} torch threads; torch {torch.__version__}")
    print(f"predict_digit handler (DNN + CNN + preprocessing + saliency), 200 calls in-process: "
          f"p50 {statistics.median(handler_ms):.1f} ms, p95 {percentile(handler_ms, 95):.1f} ms")
    print(f"round trip, {args.clients} concurrent clients x {args.requests} requests "
          f"({'while a CNN retrain ran' if still_training else 'no retrain running'}): "
          f"p50 {percentile(round_trip_ms, 50):.0f} ms, p95 {percentile(round_trip_ms, 95):.0f} ms, "
          f"{len(round_trip_ms)} requests in {wall:.1f} s, errors {len(errors)}")
    for error in errors[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
