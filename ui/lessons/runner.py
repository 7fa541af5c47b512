"""Lessons run in worker processes, so a class pressing Run never takes the server's time from digit predictions.

Before, a lesson trained in a thread of the server process: its Python steps held the interpreter lock that
answers every request, and under a flood of slow lessons other students' digit round trips went from tens of
milliseconds to seconds (benchmarks/hostile.py, "queue"). Here a lesson's `run` goes to one of WORKERS processes at
the lowest CPU priority with one torch thread each; each Result (numbers and keys, lessons/__init__.py) comes back
over a queue and the server only puts it into words (`show`). A worker keeps the data sets it has read, like the
training workers (ui/retrain/workers.py), and is reused; one whose run is abandoned (a closed tab, a cancelled
call) is ended and replaced, since a lesson has no stop flag and runs at most a couple of minutes.
"""
import contextlib
import importlib
import itertools
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator

import torch

from lessons import Result
from ui.processes import idle_or_new

WORKERS = 2  # lessons at once: at nice 19 with one thread each they take only the CPU predictions leave
POLL_SECONDS = 0.2


def serve(jobs, reports) -> None:
    """A lesson process: run each (job, module, settings) from `jobs`, putting (job, Result | Exception) on
    `reports`, and (job, None) when the run is over."""
    with contextlib.suppress(OSError):
        os.nice(19)
    torch.set_num_threads(1)
    app = multiprocessing.parent_process()
    while app is None or app.is_alive():
        try:
            job, module, settings = jobs.get(timeout=POLL_SECONDS * 10)
        except queue.Empty:
            continue
        try:
            for result in importlib.import_module(module).run(**settings):
                reports.put((job, result))
        except Exception as error:  # the server raises it where the lesson's answer is made
            reports.put((job, error))
        reports.put((job, None))


class InProcess:
    """The same call, run in the caller's process: for tests that change a lesson's surroundings (a data folder, a
    monkeypatched loader), which a worker process would not see."""

    def run(self, module: str, settings: dict) -> Iterator[Result]:
        return importlib.import_module(module).run(**settings)


class Worker:
    def __init__(self):
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.jobs, self.reports = context.Queue(), context.Queue()
        self.process = context.Process(target=serve, args=(self.jobs, self.reports), name="lesson", daemon=True)
        self.process.start()
        with contextlib.suppress(OSError):  # low priority from its first instruction, imports included
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)

    def end(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        for channel in (self.jobs, self.reports):
            channel.close()


class LessonPool:
    """The lesson processes: started on first use, reused, replaced when one dies or its run is abandoned; at most
    WORKERS at once (a run waits for a free one)."""

    def __init__(self):
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._jobs = itertools.count(1)
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(WORKERS)

    def _take(self) -> Worker:
        return idle_or_new(self._idle, Worker, Worker.end)

    def run(self, module: str, settings: dict) -> Iterator[Result]:
        """`module`'s run(**settings) in a worker process, its Results as they come (an exception it raised is
        raised here). It waits for a free process first."""
        with self._slots:
            yield from self._run(module, settings)

    def _run(self, module: str, settings: dict) -> Iterator[Result]:
        worker = self._take()
        with self._lock:
            job = next(self._jobs)
        worker.jobs.put((job, module, settings))
        finished = False
        try:
            while True:
                try:
                    sent, report = worker.reports.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if not worker.process.is_alive():
                        raise RuntimeError(f"the lesson process ended unexpectedly (exit code "
                                           f"{worker.process.exitcode})") from None
                    continue
                if sent != job:
                    continue
                if report is None:
                    finished = True
                    return
                if isinstance(report, Exception):
                    finished = True
                    raise report
                yield report
        finally:
            if finished and worker.process.is_alive():
                self._idle.put(worker)
            else:  # abandoned mid-run: the lesson cannot be stopped, so its process goes
                worker.end()
