"""What a training worker runs and returns (issue #19): a run on examples the caller passes, no data set read; and a
failure as a key and its values, said in each language at the edge. The worker's own functions (`train`, `run_one`),
called here in the test's process."""
import pickle
import queue

import pytest
import torch

from i18n import Message
from training.datasets import MissingData, Split
from training.loop import Progress
from ui.retrain import report, workers

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
    finished = workers.run_one(7, "dnn", SETTINGS, reports, None, examples())
    assert isinstance(finished, workers.Finished) and finished.result.fit.best_epoch is not None
    assert next(finished.result.model.parameters()).device.type == "cpu"
    sent = [reports.get_nowait() for _ in range(reports.qsize())]
    assert sent and all(run == 7 and isinstance(progress, Progress) and seconds >= 0 for run, progress, seconds in sent)


def test_a_diverged_run_is_told_in_english_and_korean_from_one_structured_error():
    failed = workers.run_one(1, "dnn", SETTINGS | {"lr": 1e12}, queue.SimpleQueue(), None,
                             examples())
    assert isinstance(failed, Message) and failed.key == "training.loss_diverged"
    values = failed.values
    assert set(values) == {"loss", "epoch", "batch", "lr"} and values["lr"] == 1e12 and values["epoch"] == 1
    assert all(isinstance(value, int | float) for value in values.values())  # numbers, no words
    failed = pickle.loads(pickle.dumps(failed))  # as it crosses the worker's queue
    loss, epoch, batch = f"{values['loss']:.4g}", values["epoch"], values["batch"]
    assert report.failed(failed, language="en") == (
        f"<div>⚠️ The loss reached {loss} in epoch {epoch}, batch {batch}: training diverged. Try a smaller learning "
        "rate than 1e+12. Your previous model is kept.</div>")
    assert report.failed(failed, language="ko") == (
        f"<div>⚠️ 에포크 {epoch}의 배치 {batch}에서 손실이 {loss}까지 커졌어요. 학습이 발산했어요. "
        "학습률을 1e+12보다 작게 해 보세요. 이전 모델은 그대로 남아 있어요.</div>")


def test_a_worker_s_own_failures_are_keys_with_values(monkeypatch):
    def broken(*args):
        raise ValueError("no such layer")

    monkeypatch.setattr(workers, "train_model", broken)
    failed = workers.run_one(1, "dnn", SETTINGS, queue.SimpleQueue(), None, examples())
    assert failed == Message("retrain.failed", {"error": "ValueError: no such layer"})
    assert report.failed(failed) == \
        "<div>⚠️ Training failed: ValueError: no such layer Your previous model is kept.</div>"
    assert report.failed(failed, language="ko") == \
        "<div>⚠️ 학습에 실패했어요: ValueError: no such layer 이전 모델은 그대로 남아 있어요.</div>"

    def absent(kind):
        raise MissingData("Fashion-MNIST", "/srv/data/FashionMNIST/raw", "there is no connection to download it")

    monkeypatch.setattr(workers, "dataset", absent)
    failed = workers.run_one(2, "dnn", SETTINGS, queue.SimpleQueue(), None)
    assert failed == Message("retrain.no_data", {"what": "Fashion-MNIST"})  # the server's folder stays in its log
    assert report.failed(failed).startswith("<div>⚠️ Retraining this model needs Fashion-MNIST, which this server "
                                            "does not have and cannot download now.")
    assert "Fashion-MNIST 데이터셋이 필요한데, 이 서버에는 없고" in report.failed(failed, language="ko")


def test_a_run_past_its_time_limit_stops_keeps_its_best_weights_and_says_why(monkeypatch):
    """One student cannot hold a training process for longer than MAX_RUN_SECONDS (issue #20)."""
    monkeypatch.setattr(workers, "MAX_RUN_SECONDS", 0.5)
    finished = workers.run_one(3, "dnn", SETTINGS | {"epochs": 10_000, "patience": 10_000}, queue.SimpleQueue(),
                               None, examples())
    fit = finished.result.fit
    assert fit.stop_reason == "time_limit" and fit.best_epoch is not None and len(fit.history) < 10_000
    monkeypatch.setattr(report, "MAX_RUN_SECONDS", 600)
    assert "stopped at the time limit of 10 minutes a run" in report.finished(fit, language="en")
    assert "시간 제한(한 번에 10분)에 걸려 멈췄어요" in report.finished(fit, language="ko")
