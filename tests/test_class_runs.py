"""A class at once: lessons computed once and shared (ui/lessons/shared.py); training runs that share the workers'
time, each told its place in line (ui/retrain/workers.py)."""
import threading

import plotly.graph_objects as go
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
