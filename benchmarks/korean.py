"""Benchmark: the Korean sentiment models (issue #13) against their goals.

Goals: test accuracy on NSMC's 50,000 test reviews of at least 88% for the
LSTM and the GRU and 85% for the RNN; training each on 2 CPU cores in at most
20 minutes; a 140-character review answered by all three models in at most
20 ms in-process.

For each shipped checkpoint in assets/<kind>/ this prints its test accuracy
(measured again here), the training time and hardware its metrics.json
records, and the latency of a 140-character test review: tokenised and read by
the three models one after the other, with one intra-op thread as the app
runs them (app.py), timed `--repeats` times after a warm-up; p50 and p95. The
whole tab-2 handler (all three models, the word-by-word trace of each, the
plot) is timed the same way. `--train` first retrains the three with the
command line's defaults (`python -m training <kind>`, `--threads` threads),
timed here, and reports those runs instead of the shipped ones.

    python -m benchmarks.korean --data-dir ../shared/datasets [--repeats 200] [--train --threads 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

import models
from models import registry
from training.datasets import data_dir
from training.datasets.nsmc import NSMC_FILES, read_nsmc_file
from training.run import cpu_name, load_data, score

ROOT = Path(__file__).resolve().parent.parent
REVIEW_CHARS = 140
TRAINING_GOAL_S = 20 * 60
LATENCY_GOAL_MS = 20.0


def review(folder: Path) -> str:
    """The first test review of at least REVIEW_CHARS characters, cut to exactly that many."""
    texts, _ = read_nsmc_file(folder / "nsmc" / NSMC_FILES["test"])
    return next(t for t in texts if len(t) >= REVIEW_CHARS)[:REVIEW_CHARS]


def timings(function, repeats: int) -> tuple[float, float]:
    """p50 and p95 milliseconds of `function()`, after three warm-up calls."""
    for _ in range(3):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def train(kind: str, out: Path, threads: int, data: str) -> float:
    """Seconds of `python -m training <kind>` with its defaults and `threads` threads, saved to `out`."""
    environment = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "training", kind, "--data-dir", data, "--out", str(out), "--device", "cpu"],
                   cwd=ROOT, env=environment, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder holding nsmc/ (default: $DATA_DIR, else ./data)")
    parser.add_argument("--assets", default=str(ROOT / "assets"), help="folder of the checkpoints (default: assets)")
    parser.add_argument("--repeats", type=int, default=200, help="timed answers per latency figure (default: 200)")
    parser.add_argument("--train", action="store_true", help="retrain the three first, timed, and report those")
    parser.add_argument("--threads", type=int, default=2, help="threads for --train (default: 2)")
    args = parser.parse_args()
    folder = data_dir(args.data_dir)
    kinds = registry.names("text", "ko")
    assets, wall = Path(args.assets), {}
    if args.train:
        assets = Path(tempfile.mkdtemp(prefix="korean-"))
        for kind in kinds:
            wall[kind] = train(kind, assets / kind, args.threads, str(folder))
    loaded = {kind: models.load(assets / kind) for kind in kinds}

    print(f"hardware: {cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__}")
    print(f"{'model':8} {'test acc':>9} {'goal':>6}  {'trained':>9} {'goal':>7}  trained on")
    for kind, model in loaded.items():
        splits, _ = load_data(kind, str(folder), vocab=model.config.vocab)
        accuracy = score(model, splits["test"])["accuracy"]
        goal = registry.get(kind).accuracy_goal
        report = json.loads((assets / kind / "metrics.json").read_text())
        seconds = wall.get(kind, report["seconds"])
        print(f"{kind:8} {accuracy:9.2%} {'met' if accuracy >= goal else 'NOT met':>7}  {seconds / 60:7.1f} min "
              f"{'met' if seconds <= TRAINING_GOAL_S else 'NOT met':>7}  {report['device']}, "
              f"{report['examples']['train']:,} reviews, {len(report['history'])} epochs"
              + (" (whole command, data loading included)" if kind in wall
                 else " (pretraining and fit, from metrics.json)"))

    text = review(folder)
    torch.set_num_threads(1)  # as app.py serves predictions

    @torch.inference_mode()
    def answer():
        for model in loaded.values():
            model(*model.encode_text([text])).softmax(dim=1)

    p50, p95 = timings(answer, args.repeats)
    pieces = len(next(iter(loaded.values())).tokenize(text))
    print(f"\na {len(text)}-character review ({pieces} pieces), all three models: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(goal {LATENCY_GOAL_MS:.0f} ms: {'met' if p95 <= LATENCY_GOAL_MS else 'NOT met'} at p95); 1 thread, "
          f"{args.repeats} runs")

    from ui.sentiment.handlers import Handlers
    from ui.state import AppState

    sentiment = Handlers(AppState(loaded))
    p50, p95 = timings(lambda: sentiment.predict_sentiment(text, {}), args.repeats)
    print(f"the tab-2 handler on it (three models, each one's word-by-word trace, the plot): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms")
    print(f"review: {text}")


if __name__ == "__main__":
    main()
