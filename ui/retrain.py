"""Tab 3's work: retrain a model in the browser and stream its progress.

Training runs in a separate worker process at the lowest CPU priority, so it
never holds the server's GIL or takes the CPU from students asking for
predictions. Measured with `python -m ui.load_benchmark --pause 0.5 1.5` on 2
cores and a predict handler stubbed to return constants (so only the retrain's
interference shows): p95 round trip 380–710 ms with the retrain in a thread of
the server, 170 ms with it in a worker process at nice 19, 100–155 ms with no
retrain. A worker starts on first use (about 7 s: torch, the app module, which
spawn imports, and the data set, which it keeps), serves one run at a time and
is reused; the app's concurrency limit for training decides how many exist.

`stream` sends a run to a worker and turns its reports into a generator of
`Update`s. A stop request (the Stop button, a cancelled API call, a closed tab)
marks the run cancelled; the worker checks that before every batch, so training
stops within a batch or two and the best weights so far are kept.
"""
import contextlib
import itertools
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from training.data import Split
from training.loop import FitConfig, Progress, TrainingDiverged, pick_device
from training.run import FIT_DEFAULTS, IMAGE_KINDS, load_data, model_config, train_model

VAL_LIMIT = 2_000  # validation examples per epoch: enough for a curve, quick on a CPU
POLL_SECONDS = 0.2  # how often a waiting stream looks at the stop request and the worker's health


@dataclass
class Settings:
    kind: str = "cnn"
    lr: float = 3e-3
    epochs: int = 5
    patience: int = 2
    batch_size: int = 128
    hidden_size: int = 128
    dropout: float = 0.3
    init: str = "default"
    bidirectional: bool = True
    subset: int = 5_000
    seed: int = 0

    def build_config(self, vocab: list[str] | None):
        if self.kind == "dnn":
            return model_config("dnn", hidden_sizes=[self.hidden_size, max(1, self.hidden_size // 2)],
                                dropout=self.dropout, init=self.init)
        if self.kind == "cnn":
            return model_config("cnn", hidden_size=self.hidden_size, dropout=self.dropout, init=self.init)
        return model_config(self.kind, vocab, hidden_size=self.hidden_size, dropout=self.dropout,
                            bidirectional=self.bidirectional)

    def fit_config(self) -> FitConfig:
        return FitConfig(epochs=self.epochs, lr=self.lr, batch_size=self.batch_size, patience=self.patience,
                         seed=self.seed, log_every=5, cpu_bf16=FIT_DEFAULTS[self.kind].cpu_bf16)


@dataclass
class Update:
    """One step of a training run, as the UI needs it."""

    state: str  # running | done | error
    progress: Progress | None = None
    history: list = field(default_factory=list)
    best_epoch: int | None = None
    message: str = ""
    result: object | None = None  # training.run.RunResult when done


_datasets: dict[str, tuple[dict[str, Split], list[str] | None]] = {}  # in a worker process: its data, by family


def dataset(kind: str) -> tuple[dict[str, Split], list[str] | None]:
    """The full data set for `kind`, on the CPU, loaded once per worker process."""
    family = "mnist" if kind in IMAGE_KINDS else "sst2"
    if family not in _datasets:
        _datasets[family] = load_data(kind)
    return _datasets[family]


def serve(jobs, reports, cancelled) -> None:
    """A worker process: train each (run id, Settings) from `jobs`, reporting (run id, report) to `reports`.

    A report is a Progress, then a RunResult (its model on the CPU) or an exception. Run `n` stops
    before its next batch once `cancelled.value >= n`.
    """
    with contextlib.suppress(OSError):
        os.nice(19)  # predictions first: the OS gives this process only the CPU time nobody else wants
    torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))  # and one core stays free in any case
    while True:  # until the app exits: the process is a daemon
        run, settings = jobs.get()
        reports.put((run, run_one(run, settings, reports, cancelled)))


def run_one(run: int, settings: Settings, reports, cancelled):
    """Train run `run`, putting its progress on `reports`; return its RunResult or the exception that ended it."""
    try:
        result = train(settings, lambda progress: reports.put((run, progress)), lambda: cancelled.value >= run)
    except (FileNotFoundError, TrainingDiverged) as error:
        return error
    except Exception as error:  # anything else still ends the run with a message, never a hang
        return RuntimeError(f"Training failed: {type(error).__name__}: {error}")
    result.model = result.model.to("cpu")
    return result


def train(settings: Settings, on_progress, should_stop):
    """One run with `settings` on this process's device; returns a training.run.RunResult."""
    try:
        splits, vocab = dataset(settings.kind)
    except FileNotFoundError as error:
        raise FileNotFoundError(f"Retraining needs the data set, which is not here: {error}") from None
    device = pick_device()
    splits = {
        "train": splits["train"].head(settings.subset, settings.seed).to(device),
        "val": splits["val"].head(VAL_LIMIT, settings.seed).to(device),
        "test": splits["test"].to(device),
    }
    return train_model(settings.build_config(vocab), splits, settings.fit_config(), on_progress, should_stop)


class Worker:
    """A training process and its three channels: runs in, reports out, and the highest cancelled run id."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.jobs, self.reports = context.Queue(), context.Queue()
        self.cancelled = context.Value("q", 0, lock=False)  # one aligned 64-bit word: written whole
        self.process = context.Process(target=serve, args=(self.jobs, self.reports, self.cancelled),
                                       name="retrain", daemon=True)  # dies with the app
        self.process.start()


_idle: queue.SimpleQueue = queue.SimpleQueue()
_run_ids = itertools.count(1)
_run_ids_lock = threading.Lock()


def _take_worker() -> Worker:
    while True:
        try:
            worker = _idle.get_nowait()
        except queue.Empty:
            return Worker()
        if worker.process.is_alive():
            return worker


def stream(settings: Settings, stop: threading.Event) -> Iterator[Update]:
    """Train with `settings` in a worker process, yielding an Update per progress report and a last one."""
    worker = _take_worker()
    with _run_ids_lock:
        run = next(_run_ids)
    worker.jobs.put((run, settings))
    history: list = []
    best = None
    try:
        while True:
            if stop.is_set():
                worker.cancelled.value = run
            try:
                report_run, report = worker.reports.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not worker.process.is_alive():
                    yield Update("error", None, list(history), best,
                                 f"The training process ended unexpectedly (exit code {worker.process.exitcode}).")
                    return
                continue
            if report_run != run:
                continue  # the end of an earlier run that its browser stopped waiting for
            if isinstance(report, Progress):
                if report.stats is not None:
                    history.append(report.stats)
                    if report.stats.best:
                        best = report.stats.epoch
                yield Update("running", report, list(history), best)
            elif isinstance(report, Exception):
                yield Update("error", None, list(history), best, str(report))
                return
            else:
                yield Update("done", None, list(history), report.fit.best_epoch, result=report)
                return
    finally:
        # A closed generator (cancelled call, closed tab) cancels the run; the worker finishes it within a batch
        # and then takes the next run it is given, so it goes back to the pool at once.
        worker.cancelled.value = run
        if worker.process.is_alive():
            _idle.put(worker)
