"""Tab 3's work: retrain a model in a worker process and stream its progress.

Training runs in a separate worker process at the lowest CPU priority, so it
never holds the server's GIL or takes the CPU from students asking for
predictions. Measured with `python -m benchmarks.load --pause 0.5 1.5` on 2
cores and a predict handler stubbed to return constants (so only the retrain's
interference shows): p95 round trip 380–710 ms with the retrain in a thread of
the server, 170 ms with it in a worker process at nice 19, 100–155 ms with no
retrain. A worker starts on first use (about 7 s: torch, the main module, which
spawn imports, and the data set, which it keeps), serves one run at a time and
is reused; the app's concurrency limit for training decides how many exist.

`WorkerPool.stream` sends a run to a worker and turns its reports into a
generator of `Update`s. A run trains on the kind's data set, or on examples
the caller passes (`data`). A worker says nothing in words: it reports numbers,
and a failure as an i18n.Message (a key and its values) that the handler says
in the language of the request it answers. A stop request (the Stop button, a
cancelled API call, a closed tab) marks the run cancelled; the worker checks
that before every batch, so training stops within a batch or two and the best
weights so far are kept. `StopRequests` remembers which runs each browser
session has going.
"""
import contextlib
import copy
import itertools
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from i18n import Message
from models import registry
from training.datasets import MissingData, Split
from training.loop import Progress, TrainingDiverged, pick_device
from training.run import RunResult, load_data, train_model
from training.settings import configs
from ui.processes import idle_or_new
from ui.retrain.confusion import cell_examples

VAL_LIMIT = 2_000  # validation examples per epoch: enough for a curve, quick on a CPU
MAX_RUN_SECONDS = 600  # one run's time on a worker: the tab's largest settings (a full CNN, ~25 min) stop here
POLL_SECONDS = 0.2  # how often a waiting stream looks at the stop request and the worker's health
UPDATE_SECONDS = 0.25  # batch reports come faster than a browser wants them; epoch ends always go out

# The examples of a run: its splits ("train", "val", "test") and the vocabulary of a text kind (None for images), as
# training.run.load_data gives them.
Examples = tuple[dict[str, Split], list[str] | None]


@dataclass
class Update:
    """One step of a training run, as the UI needs it."""

    state: str  # running | done | error
    progress: Progress | None = None
    history: list = field(default_factory=list)
    best_epoch: int | None = None
    message: Message | None = None  # when error: why, for the handler to say
    result: RunResult | None = None  # when done
    cells: dict | None = None  # when done: the test examples of each confusion cell (ui/retrain/confusion.py)


@dataclass
class Finished:
    """A finished run as the worker sends it: its result and the test examples behind its confusion matrix."""

    result: RunResult
    cells: dict


# ---- the worker process ----------------------------------------------------------------------------------------------

_datasets: dict[str, Examples] = {}  # in a worker process: its data, by dataset


def dataset(kind: str) -> Examples:
    """The full data set for `kind`, on the CPU, loaded once per worker process."""
    name = registry.get(kind).dataset
    if name not in _datasets:
        _datasets[name] = load_data(kind)
    return _datasets[name]


def serve(jobs, reports, cancelled) -> None:
    """A worker process: train each (run id, kind, settings, data) from `jobs`, reporting (run id, report) to
    `reports`.

    A report is a Progress, then a Finished (its model on the CPU) or a Message (why it failed). Run `n` stops
    before its next batch once `cancelled.value >= n`.
    """
    with contextlib.suppress(OSError):
        os.nice(19)  # predictions first: the OS gives this process only the CPU time nobody else wants
    torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))  # and one core stays free in any case
    app = multiprocessing.parent_process()
    while app.is_alive():  # a daemon ends with the app; this also ends it when the app was killed outright
        try:
            run, kind, settings, data = jobs.get(timeout=POLL_SECONDS * 10)
        except queue.Empty:
            continue
        reports.put((run, run_one(run, kind, settings, reports, cancelled, data)))


def run_one(run: int, kind: str, settings: dict, reports, cancelled, data: Examples | None = None
            ) -> Finished | Message:
    """Train run `run` (see `train`), putting its progress on `reports`; return it Finished, or why it failed as a
    Message: training.loss_diverged or training.val_diverged (TrainingDiverged's own), retrain.no_data, or
    retrain.failed for anything else.

    It stops before the next batch once the run is cancelled, the app is gone, or MAX_RUN_SECONDS have passed (then
    with stop_reason "time_limit", keeping the best weights so far, like a stop)."""
    app = multiprocessing.parent_process()  # None when called in the app's own process, as tests do
    deadline = time.monotonic() + MAX_RUN_SECONDS
    try:
        finished = train(kind, settings, lambda progress: reports.put((run, progress)),
                         lambda: cancelled.value >= run or (app is not None and not app.is_alive())
                         or time.monotonic() > deadline, data)
    except MissingData as error:  # the page names the data set; the server's log, its folder too
        print(f"warning: a {kind} run has no data: {error}", file=sys.stderr)
        return Message("retrain.no_data", {"what": error.what})
    except TrainingDiverged as error:
        return error.message
    except Exception as error:  # anything else still ends the run with a message, never a hang
        return Message("retrain.failed", {"error": f"{type(error).__name__}: {error}"})
    finished.result.model = finished.result.model.to("cpu")
    if finished.result.fit.stop_reason == "cancelled" and cancelled.value < run and time.monotonic() > deadline:
        finished.result.fit.stop_reason = "time_limit"  # stopped by the clock, not by its student
    return finished


def train(kind: str, settings: dict, on_progress, should_stop, data: Examples | None = None) -> Finished:
    """One run of `kind` with `settings` (see training.settings; plus `subset`) on this process's device.

    It trains on `data` when given (the caller's own examples: splits "train", "val" and "test", and a text kind's
    vocabulary), else on the kind's data set. Either way at most `subset` training and VAL_LIMIT validation
    examples are used.
    """
    if data is None:
        data = dataset(kind)  # MissingData when its data set is not here (run_one reports it as retrain.no_data)
    splits, vocab = data
    device = pick_device()
    config, fit_config = configs(kind, settings, vocab)
    splits = {
        "train": splits["train"].sample(settings.get("subset"), fit_config.seed).to(device),
        "val": splits["val"].sample(VAL_LIMIT, fit_config.seed).to(device),
        "test": splits["test"].to(device),
    }
    result = train_model(config, splits, fit_config, on_progress, should_stop)
    return Finished(result, cell_examples(splits["test"], result.test_predicted, vocab))


# ---- the server's side -----------------------------------------------------------------------------------------------

class Worker:
    """A training process and its three channels: runs in, reports out, and the highest cancelled run id."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.jobs, self.reports = context.Queue(), context.Queue()
        self.cancelled = context.Value("q", 0, lock=False)  # one aligned 64-bit word: written whole
        self.process = context.Process(target=serve, args=(self.jobs, self.reports, self.cancelled),
                                       name="retrain", daemon=True)  # dies with the app
        self.process.start()
        with contextlib.suppress(OSError):  # low priority from its first instruction, imports included
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)


class WorkerPool:
    """The app's training processes: started on first use, reused, replaced when one dies."""

    def __init__(self):
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._run_ids = itertools.count(1)
        self._lock = threading.Lock()

    def _take(self) -> Worker:
        return idle_or_new(self._idle, Worker)

    def stream(self, kind: str, settings: dict, stop: threading.Event, *, data: Examples | None = None
               ) -> Iterator[Update]:
        """Train in a worker process, on `data` when given (see `train`), else on the kind's data set; yield an Update
        per epoch, at most one per UPDATE_SECONDS within an epoch, and a last one: done, or error with its Message
        (see run_one; retrain.ended when the process died)."""
        worker = self._take()
        with self._lock:
            run = next(self._run_ids)
        worker.jobs.put((run, kind, settings, data))
        history: list = []
        best, last_sent = None, 0.0
        try:
            while True:
                if stop.is_set():
                    worker.cancelled.value = run
                try:
                    report_run, report = worker.reports.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if not worker.process.is_alive():
                        yield Update("error", None, list(history), best,
                                     Message("retrain.ended", {"code": worker.process.exitcode}))
                        return
                    continue
                if report_run != run:
                    continue  # the end of an earlier run that its browser stopped waiting for
                if isinstance(report, Progress):
                    if report.stats is not None:
                        history.append(report.stats)
                        if report.stats.best:
                            best = report.stats.epoch
                    elif time.monotonic() - last_sent < UPDATE_SECONDS:
                        continue
                    last_sent = time.monotonic()
                    yield Update("running", report, list(history), best)
                elif isinstance(report, Message):
                    yield Update("error", None, list(history), best, report)
                    return
                else:
                    # What crossed the queue lives in shared memory, each tensor holding file descriptors (16 for a
                    # small model) for as long as it is kept: the store keeps models for an hour, and about 63 of
                    # them used up a 1,024-descriptor limit. A copy in ordinary memory holds none.
                    finished, report = copy.deepcopy(report), None
                    yield Update("done", None, list(history), finished.result.fit.best_epoch, result=finished.result,
                                 cells=finished.cells)
                    return
        finally:
            # A closed generator (cancelled call, closed tab) cancels the run; the worker finishes it within a
            # batch and then takes the next run it is given, so it goes back to the pool at once.
            worker.cancelled.value = run
            if worker.process.is_alive():
                self._idle.put(worker)


class StopRequests:
    """The trainings each browser session has running, so that its Stop button ends all of them."""

    def __init__(self):
        self._running: dict[str, set[threading.Event]] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self, session: str | None) -> Iterator[threading.Event]:
        """A stop flag for one run of `session`, registered while the block runs."""
        event = threading.Event()
        if session is None:
            yield event
            return
        with self._lock:
            self._running.setdefault(session, set()).add(event)
        try:
            yield event
        finally:
            with self._lock:
                events = self._running.get(session, set())
                events.discard(event)
                if not events:
                    self._running.pop(session, None)

    def stop(self, session: str | None) -> int:
        """Ask every run of `session` to stop; returns how many there were."""
        with self._lock:
            events = list(self._running.get(session, ())) if session is not None else []
        for event in events:
            event.set()
        return len(events)
