"""Tab 3's work: retrain a model in the browser and stream its progress.

`fit` runs in a worker thread and reports through a queue; `stream` turns that
into a generator of `Update`s, one per progress report, that the UI shows as
live curves. A stop request (the Stop button, a cancelled API call, a closed
tab) sets an Event that `fit` checks before every batch, so training stops
within one batch and the best weights so far are kept.
"""
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

_data_cache: dict[str, tuple[dict[str, Split], list[str] | None]] = {}
_data_lock = threading.Lock()


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


def dataset(kind: str) -> tuple[dict[str, Split], list[str] | None]:
    """The full data set for `kind`, on the CPU, loaded once and shared read-only by every session."""
    family = "mnist" if kind in IMAGE_KINDS else "sst2"
    with _data_lock:
        if family not in _data_cache:
            _data_cache[family] = load_data(kind)
        return _data_cache[family]


def stream(settings: Settings, stop: threading.Event) -> Iterator[Update]:
    """Train with `settings` in a worker thread, yielding an Update per progress report and a last one."""
    try:
        splits, vocab = dataset(settings.kind)
    except FileNotFoundError as error:
        yield Update("error", message=f"Retraining needs the data set, which is not here: {error}")
        return
    device = pick_device()
    splits = {
        "train": splits["train"].head(settings.subset, settings.seed).to(device),
        "val": splits["val"].head(VAL_LIMIT, settings.seed).to(device),
        "test": splits["test"].to(device),
    }
    reports: queue.Queue = queue.Queue()
    history: list = []
    best = [None]

    def work():
        # Leave one core to the predictions other students are asking for meanwhile (OpenMP's thread
        # count is per calling thread, so this limits only this worker).
        torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))
        try:
            config = settings.build_config(vocab)
            result = train_model(config, splits, settings.fit_config(), reports.put, stop.is_set)
            reports.put(result)
        except TrainingDiverged as error:
            reports.put(error)
        except Exception as error:  # anything else still ends the stream with a message, never a hang
            reports.put(RuntimeError(f"Training failed: {type(error).__name__}: {error}"))

    worker = threading.Thread(target=work, name="retrain")  # not a daemon: an exiting process waits for it
    worker.start()
    try:
        while True:
            report = reports.get()
            if isinstance(report, Progress):
                if report.stats is not None:
                    history.append(report.stats)
                    if report.stats.best:
                        best[0] = report.stats.epoch
                yield Update("running", report, list(history), best[0])
            elif isinstance(report, Exception):
                yield Update("error", None, list(history), best[0], str(report))
                return
            else:
                yield Update("done", None, list(history), report.fit.best_epoch, result=report)
                return
    finally:
        # A closed generator (cancelled call, closed tab) stops the worker within a batch. No join: the
        # worker still scores what it has before it ends, and waiting for that here would hold up the server.
        stop.set()

