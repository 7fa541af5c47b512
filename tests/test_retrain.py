"""Retraining in worker processes: a stop request, a worker reused, a worker that dies, examples passed in."""
import multiprocessing
import threading

import pytest

from ui.retrain import workers as retrain

pytestmark = [pytest.mark.data, pytest.mark.slow]


@pytest.fixture(scope="module")
def pool():
    return retrain.WorkerPool()


def settings(**overrides) -> dict:
    return {"epochs": 1, "hidden_size": 32, "batch_size": 64, "subset": 500, "log_every": 5, **overrides}


def workers() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.name == "retrain"}


def test_a_stop_request_ends_the_run_with_its_best_weights_and_the_worker_serves_the_next_run(pool):
    stop, updates = threading.Event(), []
    for update in pool.stream("dnn", settings(epochs=30, subset=20_000), stop):
        updates.append(update)
        if update.history:
            stop.set()  # after the first epoch
    result = updates[-1].result
    assert updates[-1].state == "done" and result.fit.stop_reason == "cancelled"
    assert result.fit.best_epoch == 1 and len(result.fit.history) <= 2 and 0 < result.metrics["accuracy"] <= 1
    before = workers()
    last = list(pool.stream("dnn", settings(), threading.Event()))[-1]
    assert last.state == "done" and last.result.fit.stop_reason == "completed"
    assert workers() == before  # the same process trained again


def test_a_worker_that_dies_gives_a_message_and_the_next_run_gets_a_new_one(pool):
    updates = pool.stream("dnn", settings(epochs=30, subset=20_000), threading.Event())
    assert next(updates).state == "waiting"  # in line at once, with its place
    assert next(update for update in updates if update.state != "waiting").state == "running"
    for process in multiprocessing.active_children():
        if process.name == "retrain":
            process.kill()
    last = list(updates)[-1]
    assert last.state == "error" and "ended unexpectedly" in last.message.say("en")
    assert list(pool.stream("dnn", settings(), threading.Event()))[-1].state == "done"


def test_a_run_on_examples_the_caller_passes_crosses_to_the_worker_and_trains_on_them(pool):
    from tests.test_retrain_results import examples

    last = list(pool.stream("dnn", settings(epochs=2, subset=None), threading.Event(), data=examples()))[-1]
    assert last.state == "done" and last.result.examples == {"train": 96, "val": 32, "test": 40}
    assert [s.epoch for s in last.result.fit.history] == [1, 2]
