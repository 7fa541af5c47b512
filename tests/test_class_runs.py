"""A class at once: lessons computed once and shared (ui/lessons/shared.py); training runs that share the workers'
time, each told its place in line (ui/retrain/workers.py)."""
import threading

import plotly.graph_objects as go
import pytest
from gradio.components.plot import PlotData

from lessons import Result
from tests.helpers import handlers
from ui.lessons import layout, runner
from ui.lessons.layout import LESSON
from ui.lessons.shared import Shared


class Held:
    """A lesson pool whose runs report one step, then wait for `release`, then finish; it counts the runs."""

    def __init__(self):
        self.runs, self.release, self.stepped = 0, threading.Event(), threading.Event()

    def run(self, module, settings):
        self.runs += 1
        yield Result({"step": 1}, done=False)
        self.stepped.set()
        self.release.wait(10)
        yield Result({"step": 2, "settings": settings["x"]})


def render(result, language):
    return f"{language} {result.values}", go.Figure(go.Scatter(y=[result.values["step"]]))


def test_identical_requests_join_one_run_and_get_one_rendered_answer():
    pool = Held()
    shared = Shared(pool)
    answers = []

    def ask():
        answers.append(list(shared.outputs(("m", 1), "m", {"x": 1}, render, "en")))

    students = [threading.Thread(target=ask) for _ in range(5)]
    students[0].start()
    pool.stepped.wait(10)
    for student in students[1:]:
        student.start()
    pool.release.set()
    for student in students:
        student.join(10)
    assert pool.runs == 1 and shared.started == 1
    finals = [answer[-1] for answer in answers]
    assert all(final[0] == "en {'step': 2, 'settings': 1}" for final in finals)
    assert isinstance(finals[0][1], PlotData) and all(final[1] is finals[0][1] for final in finals)  # rendered once
    late = list(shared.outputs(("m", 1), "m", {"x": 1}, render, "en"))
    assert late == [finals[0]] and pool.runs == 1  # a cache hit is the final answer only
    korean = list(shared.outputs(("m", 1), "m", {"x": 1}, render, "ko"))
    assert korean[0][0].startswith("ko ") and pool.runs == 1  # another language: rendered, not run again
    list(shared.outputs(("m", 2), "m", {"x": 2}, render, "en"))
    assert pool.runs == 2  # other settings: a run of their own


def test_the_cache_keeps_at_most_its_entries_and_a_failed_run_is_tried_again():
    class Failing:
        runs = 0

        def run(self, module, settings):
            self.runs += 1
            if settings["x"] == "bad":
                raise FileNotFoundError("no data")
            yield Result({"step": settings["x"]})

    pool = Failing()
    shared = Shared(pool, entries=2)
    for x in (1, 2, 3):
        list(shared.outputs(x, "m", {"x": x}, render, "en"))
    list(shared.outputs(1, "m", {"x": 1}, render, "en"))
    assert pool.runs == 4  # the oldest went when the third came
    for _ in range(2):
        try:
            list(shared.outputs("bad", "m", {"x": "bad"}, render, "en"))
        except FileNotFoundError:
            pass
    assert pool.runs == 6


def test_a_lesson_at_the_same_settings_runs_once_for_the_class():
    pool = Counting()
    lab = handlers(lessons=Shared(pool))
    run = layout.handler(LESSON["regression"], lab.state)
    settings = {c.name: c.default for c in LESSON["regression"].experiment.CONTROLS}
    first = list(run(**settings))
    again = list(run(**settings))
    assert pool.runs == 1 and len(again) == 1 and again[0][0] == first[-1][0]
    list(run(**(settings | {"lr": LESSON["regression"].experiment.CONTROLS[0].high})))
    assert pool.runs == 2


def test_warming_computes_each_lessons_defaults_once():
    pool = Counting(only=("lessons.regression", "lessons.boundary"))
    lab = handlers(lessons=Shared(pool))
    layout.warm(lab.state).join(120)
    assert pool.runs == 2
    settings = {c.name: c.default for c in LESSON["regression"].experiment.CONTROLS}
    [answer] = list(layout.handler(LESSON["regression"], lab.state)(**settings))
    assert pool.runs == 2 and answer[0]


class Counting(runner.InProcess):
    """The lessons in this process, counted; those not in `only` answer at once with nothing to show."""

    def __init__(self, only=None):
        self.runs, self.only = 0, only

    def run(self, module, settings):
        if self.only is not None and module not in self.only:
            return (result for result in ())
        self.runs += 1
        return super().run(module, settings)


# ---- training runs that share a worker -------------------------------------------------------------------------------

def _train_together(orders: dict[int, tuple], **settings) -> list[tuple]:
    """Runs (run id: order) trained in this process on one Turns that hands on before every batch, as a worker's
    threads do; what each reported, in the order it came: (run, epoch, batch) and (run, "done")."""
    from tests.test_retrain_results import SETTINGS, examples
    from ui.retrain import workers

    turns, reports, seen = workers.Turns(slice_seconds=0), _Recorder(), []
    reports.seen = seen
    for run, order in orders.items():
        turns.enter(run, order)

    def train(run):
        finished = workers.run_one(run, "dnn", SETTINGS | {"log_every": 1} | settings, reports, turns, examples())
        assert isinstance(finished, workers.Finished)
        seen.append((run, "done"))

    threads = [threading.Thread(target=train, args=(run,)) for run in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return seen


class _Recorder:
    def put(self, item):
        run, progress, seconds = item
        self.seen.append((run, progress.epoch, "epoch" if progress.stats else progress.batch))


def test_two_runs_on_one_worker_both_show_an_epoch_before_either_finishes():
    seen = _train_together({1: (0, 1), 2: (0, 2)}, epochs=3, patience=10)
    first_done = seen.index(next(item for item in seen if item[1] == "done"))
    for run in (1, 2):
        assert (run, 1, "epoch") in seen[:first_done]
    # after the first epochs the two alternate: each one's later epochs are interleaved with the other's batches
    runs = [item[0] for item in seen[:first_done]]
    assert sum(a != b for a, b in zip(runs, runs[1:], strict=False)) >= 3


def test_a_sessions_second_run_waits_behind_everyones_first():
    seen = _train_together({1: (1, 1), 2: (0, 2)})  # run 1 is its session's second, run 2 someone's first
    assert seen.index((2, "done")) < min(i for i, item in enumerate(seen) if item[0] == 1)


class _Process:
    exitcode = None

    def is_alive(self):
        return True


class _FakeWorker:
    """A worker whose reports the test writes."""

    def __init__(self):
        import queue

        self.process, self.jobs, self.inboxes = _Process(), queue.SimpleQueue(), {}

    def inbox(self, run):
        import queue

        return self.inboxes.setdefault(run, queue.SimpleQueue())

    def close(self, run):
        self.inboxes.pop(run, None)


def test_each_run_is_told_its_place_and_an_estimated_finish_at_once_and_as_the_line_moves(monkeypatch):
    from training.loop import EpochStats, Progress
    from ui.retrain import report, workers

    monkeypatch.setattr(workers, "Worker", _FakeWorker)
    pool = workers.WorkerPool(workers=1)
    settings = {"epochs": 2, "batch_size": 10, "subset": 100}  # 20 batches a run
    streams = [pool.stream("cnn", settings, threading.Event(), session=f"s{i}") for i in range(3)]
    first = [next(stream) for stream in streams]
    assert [u.state for u in first] == ["waiting"] * 3
    # each told at once: its place among the runs there when it came, no estimate before a run of its kind has trained
    assert [(u.line.place, u.line.runs, u.line.seconds) for u in first] == [(1, 1, None), (2, 2, None), (3, 3, None)]
    assert (pool.line(1).place, pool.line(1).runs) == (1, 3)
    assert "place 3 of 3 runs" in report.waiting("cnn", first[2].line, language="en")
    assert "3개 가운데 3번째" in report.waiting("cnn", first[2].line, language="ko")

    worker = pool._workers[0]
    worker.inbox(1).put((Progress(1, 2, 5, 10, 1.0), 5.0))  # 5 of 20 batches in 5 s of turns: 1 s a batch
    update = next(streams[0])
    assert update.state == "running" and update.line.place == 1
    # run 3 waits for 15 s of run 1's work, and 20 s of run 2's and its own (measured on run 1, the same kind)
    assert pool.line(3).seconds == 55
    assert "about 55 s" in report.waiting("cnn", pool.line(3), language="en")
    stats = EpochStats(1, 1.0, 0.5, 1.0, 0.5, 0.001, 10.0, best=True)
    worker.inbox(1).put((Progress(1, 2, 0, 0, 1.0, stats), 10.0))  # an epoch's end, as fit reports it
    next(streams[0])
    assert pool.line(3).place == 2 and pool.line(1).place == 3  # runs that have shown no epoch go first
    for stream in streams:
        stream.close()
    jobs = []
    while not worker.jobs.empty():
        jobs.append(worker.jobs.get_nowait()[:2])
    assert not pool._tickets and sorted(jobs) == [("cancel", 1), ("cancel", 2), ("cancel", 3),
                                                  ("run", 1), ("run", 2), ("run", 3)]  # a closed stream cancels


def test_a_run_stopped_while_in_line_ends_without_training(monkeypatch):
    from ui.retrain import workers

    monkeypatch.setattr(workers, "train", lambda *args: pytest.fail("a stopped run trained"))
    turns = workers.Turns()
    turns.enter(5)
    turns.cancel(5)
    assert workers.run_one(5, "dnn", {}, None, turns) == workers.STOPPED
    assert "before the first epoch finished" in workers.STOPPED.say("en")
