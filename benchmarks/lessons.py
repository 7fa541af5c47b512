"""Benchmark: each lesson at its defaults, timed as the server runs and shows it (one torch thread, shipped models).

The lessons train in the server's own process, so each must finish within
15 s at its defaults on a 2-core CPU. A lesson's first run in a process also
reads its data set (MNIST or SST-2), which later runs reuse; both are printed:
"first" includes the read, "again" is the median of the following runs. The CPU
time this process spent (median of all runs) shows what a lesson costs one
free core when other work makes the wall-clock times long.

    python -m benchmarks.lessons --data-dir ../shared/datasets [--runs 3] [--threads 1] [--only metrics_lesson]
"""
import argparse
import inspect
import os
import statistics
import time
from collections.abc import Iterator

import torch

import lessons
import models
from training.run import describe_device
from ui.lessons.catalogue import LESSONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUDGET = 15.0  # seconds, at the defaults, on a 2-core CPU


def lesson_runs(dnn, cnn) -> dict:
    """Each lesson of the tab (ui/lessons/catalogue.py), "<its number> <its api_name>": its module and its run at
    its defaults, as a function of nothing (with the shipped models where the lesson takes them, and the lesson's
    sample digit where it reads a drawing)."""
    runs = {}
    for number, lesson in enumerate(LESSONS, 1):
        module = lesson.experiment
        given = {"dnn": dnn, "cnn": cnn} if "dnn" in inspect.signature(module.run).parameters else {}
        if lesson.drawing:
            given["pixels"] = module.sample_drawing()
        runs[f"{number} {lesson.key}_lesson"] = (module, lambda module=module, given=given: module.run(
            **given, **module.DEFAULTS))
    return runs


def served(lesson, results: Iterator[lessons.Result]) -> Iterator[lessons.Result]:
    """`results` as the app serves them: each one shown (its text and figures) as it comes."""
    for result in results:
        lesson.show(result)
        yield result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder holding MNIST/ and sst2/ (default: $DATA_DIR, else ./data)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each lesson; the first also reads the data")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the app uses 1)")
    parser.add_argument("--only", nargs="*", default=[], help="time only these lessons (their api_names)")
    args = parser.parse_args()
    if args.data_dir:
        os.environ["DATA_DIR"] = args.data_dir
    torch.set_num_threads(args.threads)
    dnn, cnn = (models.load(os.path.join(ROOT, "assets", kind)) for kind in ("dnn", "cnn"))
    print(f"device: {describe_device(torch.device('cpu'))}, {os.cpu_count()} CPU cores; "
          f"torch {torch.__version__}; {args.runs} run(s) per lesson")
    print(f"{'lesson':<22}{'first (s)':>10}{'again, median (s)':>19}{'max (s)':>9}{'CPU, median (s)':>17}  "
          f"within {BUDGET:g} s")
    for name, (lesson, run) in lesson_runs(dnn, cnn).items():
        if args.only and name.split()[1] not in args.only:
            continue
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            lessons.final(served(lesson, run()))
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        again = statistics.median(times[1:]) if len(times) > 1 else float("nan")
        print(f"{name:<22}{times[0]:>10.2f}{again:>19.2f}{max(times):>9.2f}{statistics.median(cpu):>17.2f}  "
              f"{'yes' if max(times) <= BUDGET else 'NO'}")


if __name__ == "__main__":
    main()
