"""What a training worker runs (issue #19): a run on examples the caller passes, no data set read. The worker's own
functions (`train`, `run_one`), called here in the test's process."""
import queue
from types import SimpleNamespace

import pytest
import torch

from training.datasets import Split
from training.loop import Progress
from ui.retrain import workers

SETTINGS = {"epochs": 2, "hidden_size": 16, "batch_norm": False, "batch_size": 16, "subset": 64, "log_every": 2}


def digits(n: int, seed: int) -> Split:
    """Random 28×28 "drawings" as uint8, as the image data sets and the app's own ink keep them."""
    g = torch.Generator().manual_seed(seed)
    return Split((torch.randint(0, 256, (n, 1, 28, 28), generator=g, dtype=torch.uint8),),
                 torch.randint(0, 10, (n,), generator=g))


def examples() -> workers.Examples:
    return {"train": digits(96, 0), "val": digits(32, 1), "test": digits(40, 2)}, None


@pytest.fixture(autouse=True)
def no_data_set(monkeypatch, tmp_path):
    """Any read of a kind's data set fails the test: an empty data folder, and the worker's loader refusing."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path))

    def refuse(kind):
        raise AssertionError(f"the {kind} data set was read")

    monkeypatch.setattr(workers, "dataset", refuse)


def test_a_run_trains_on_the_examples_passed_in_and_reads_no_data_set():
    reported = []
    finished = workers.train("dnn", SETTINGS, reported.append, lambda: False, examples())
    result = finished.result
    assert result.examples == {"train": 64, "val": 32, "test": 40}  # `subset` cuts the passed training examples too
    assert result.fit.stop_reason == "completed" and [s.epoch for s in result.fit.history] == [1, 2]
    assert result.metrics["n"] == 40 and sum(map(sum, result.metrics["confusion_matrix"])) == 40
    assert [p.epoch for p in reported if p.stats is not None] == [1, 2]
    shown = [image for cell in finished.cells.values() for image in cell]
    assert shown and all(image.shape == (28, 28) for image in shown)  # the confusion cells show these test examples


def test_run_one_returns_the_run_finished_with_its_model_on_the_cpu():
    reports = queue.SimpleQueue()
    finished = workers.run_one(7, "dnn", SETTINGS, reports, SimpleNamespace(value=0), examples())
    assert isinstance(finished, workers.Finished) and finished.result.fit.best_epoch is not None
    assert next(finished.result.model.parameters()).device.type == "cpu"
    sent = [reports.get_nowait() for _ in range(reports.qsize())]
    assert sent and all(run == 7 and isinstance(progress, Progress) for run, progress in sent)
