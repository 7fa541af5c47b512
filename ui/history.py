"""Run history: every finished retrain and lesson run of a browser session, kept on the server.

The history is keyed by the session's id (ui/sessions.py: it outlives a reload), like the retrained models
(ui/retrain/store.py), and not held in the page's gr.State: the class board reads a
student's result from here, so a post carries numbers the server measured,
never numbers a client sends. Lesson runs are recorded by their own events
(ui/lessons/layout.py) without changing those events' inputs and outputs.

Bounds: MAX_RUNS per session (the oldest go first), MAX_SESSIONS sessions (the
least recently used go first), and the test examples behind a confusion matrix
(up to 2.8 MB a run, ui/retrain/confusion.py) for a session's CELLS_KEPT latest runs.
"""
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import gradio as gr
import plotly.graph_objects as go
from gradio.i18n import I18nData

from figures.plots import cell
from models import registry
from ui import i18n
from ui import settings as retrain_settings
from ui.sessions import session_id

MAX_RUNS = 50
MAX_SESSIONS = 2_000
CELLS_KEPT = 3

T = i18n.Texts("history")
HEADERS = ("run", "model", "settings", "best_epoch", "val_accuracy", "test_accuracy", "seconds", "finished")
COLUMNS = [T.say(key, "en") for key in HEADERS]
# the table's column widths: left to themselves, the settings took 858 px and the table scrolled sideways at 1280 px;
# now the settings wrap and the table takes 1,050 px (shares of the width instead squeezed a phone's to a letter a line)
COLUMN_WIDTHS = ["50px", "150px", "380px", "80px", "100px", "100px", "80px", "110px"]
CURVES_TITLE = T.say("curves_title", "en")
LESSON = T.say("lesson", "en")


@dataclass
class Run:
    kind: str  # a registry kind, or "lesson:<key>"
    title: str  # what the table calls it
    settings: dict  # as given (retrain: training.settings' names)
    seconds: float | None  # None for a lesson (its events do not say)
    best_epoch: int | None = None
    val_accuracy: float | None = None
    test_accuracy: float | None = None
    curves: list[dict] = field(default_factory=list)  # per epoch: epoch, train/val loss and accuracy
    confusion: list[list[int]] | None = None
    classes: list[str] = field(default_factory=list)
    cells: dict | None = None  # the test examples behind each confusion cell (ui/retrain/confusion.py)
    number: int = 0  # 1, 2, … within the session, set when added
    finished: float = field(default_factory=time.time)
    lesson: str | I18nData | None = None  # a lesson run: the lesson's title (a gr.I18n key when it has one)

    @classmethod
    def from_result(cls, kind: str, settings: dict, result, cells: dict | None) -> "Run":
        """A finished retrain (training.run.RunResult) as a history entry."""
        return cls(kind, registry.get(kind).title, dict(settings), result.fit.seconds, result.fit.best_epoch,
                   result.val_metrics["accuracy"], result.metrics["accuracy"],
                   [_epoch(s) for s in result.fit.history], result.metrics["confusion_matrix"],
                   list(registry.get(kind).classes), cells)

    @property
    def label(self) -> str:
        """One line naming the run: number, model, the main settings, its test accuracy."""
        return self.labelled()

    def labelled(self, language: str = "en") -> str:
        """`label` in `language`."""
        score = T.say("label_score", language, accuracy=self.test_accuracy) if self.test_accuracy is not None else ""
        return f"#{self.number} {self.named(language)}: {settings_text(self.settings, 3, language=language)}{score}"

    def named(self, language: str = "en") -> str:
        """What the table calls the run, in `language`: the kind's title, or the lesson's."""
        if self.lesson is not None:
            return T.say("lesson", language, title=i18n.translated(self.lesson, language))
        if self.kind in i18n.KIND_TITLES:
            return i18n.kind_title(self.kind, language)
        return self.title


def _epoch(stats) -> dict:
    return {"epoch": stats.epoch, "train_loss": stats.train_loss, "val_loss": stats.val_loss,
            "train_acc": stats.train_acc, "val_acc": stats.val_acc}


def settings_text(settings: dict, most: int | None = None, *, language: str = "en") -> str:
    """`lr=0.00316, epochs=5, …`: the Retrain tab's settings in the order it shows them, by their short names in
    `language` (ui/settings.py), then any other setting (a lesson's) as it is named."""
    retrain = {s.name: s for s in retrain_settings.on_page()}
    names = [n for n in retrain if n in settings] + [n for n in settings if n not in retrain]
    parts = [f"{retrain_settings.SHORT.say(n, language) if n in retrain else n}={_value(settings[n])}"
             for n in names if n != "log_every"]
    return ", ".join(parts[:most]) + (", …" if most is not None and len(parts) > most else "")


def _value(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


class RunHistory:
    """The runs of each browser session, newest last, within the bounds above; safe across threads."""

    def __init__(self, max_runs: int = MAX_RUNS, max_sessions: int = MAX_SESSIONS):
        self.max_runs, self.max_sessions = max_runs, max_sessions
        self._sessions: OrderedDict[str, list[Run]] = OrderedDict()
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, session: str | None, run: Run) -> Run:
        if session is None:
            return run
        with self._lock:
            runs = self._sessions.setdefault(session, [])
            self._sessions.move_to_end(session)
            self._counts[session] = run.number = self._counts.get(session, 0) + 1
            runs.append(run)
            del runs[: -self.max_runs]
            for old in runs[:-CELLS_KEPT]:
                old.cells = None
            while len(self._sessions) > self.max_sessions:
                gone, _ = self._sessions.popitem(last=False)
                self._counts.pop(gone, None)
        return run

    def runs(self, session: str | None) -> list[Run]:
        with self._lock:
            return list(self._sessions.get(session, [])) if session is not None else []

    def get(self, session: str | None, number) -> Run | None:
        return next((r for r in self.runs(session) if r.number == number), None)

    def latest(self, session: str | None, retrain_only: bool = False) -> Run | None:
        runs = [r for r in self.runs(session) if not retrain_only or r.confusion is not None]
        return runs[-1] if runs else None


def lesson_recorder(store: RunHistory, key: str, title: str | I18nData, labels: list):
    """A listener for a lesson's `.success`: records the run with the values it ran with (gradio passes the
    request first, then the lesson's controls). `title` and `labels` may be gr.I18n keys; the settings are named
    by the labels' English."""
    names = [i18n.translated(label or f"setting {n}", "en").split(" (")[0].split(":")[0].strip()
             for n, label in enumerate(labels, 1)]

    def record(request: gr.Request, *values) -> None:
        started = session_id(getattr(request, "session_hash", None))
        settings = {name: value for name, value in zip(names, values, strict=False)
                    if isinstance(value, (int, float, bool)) or (isinstance(value, str) and len(value) <= 40)}
        store.add(started, Run(f"lesson:{key}", LESSON.format(title=i18n.translated(title, "en")), settings, None,
                               lesson=title))

    return record


def table(runs: list[Run], *, language: str = "en") -> dict:
    """The runs as a gr.Dataframe value, newest first, its headers and names in `language`."""
    rows = [[r.number, r.named(language), settings_text(r.settings, language=language),
             "" if r.best_epoch is None else r.best_epoch,
             _percent(r.val_accuracy), _percent(r.test_accuracy), "" if r.seconds is None else round(r.seconds, 1),
             time.strftime("%H:%M:%S", time.gmtime(r.finished))] for r in reversed(runs)]
    return {"headers": [T.say(key, language) for key in HEADERS], "data": rows or [[""] * len(HEADERS)]}


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


def choices(runs: list[Run], *, language: str = "en") -> list[tuple[str, int]]:
    """(label, number) of the runs that have curves, for the overlay's checkboxes."""
    return [(r.labelled(language), r.number) for r in runs if r.curves]


def overlay(runs: list[Run], *, language: str = "en", stacked: bool = False) -> go.Figure:
    """Validation loss and accuracy per epoch of `runs`, one colour per run, on one pair of axes: side by side, or
    `stacked` (a phone's screen)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2 if stacked else 1, cols=1 if stacked else 2, vertical_spacing=0.2,
                        subplot_titles=(T.say("val_loss", language), T.say("val_acc", language)))
    for n, run in enumerate(runs):
        colour = PALETTE[n % len(PALETTE)]
        epochs = [c["epoch"] for c in run.curves]
        for col, metric in ((1, "val_loss"), (2, "val_acc")):
            fig.add_trace(go.Scatter(x=epochs, y=[c[metric] for c in run.curves], mode="lines+markers",
                                     name=run.labelled(language), legendgroup=str(run.number), showlegend=col == 1,
                                     line=dict(color=colour)), **cell(col, stacked))
    fig.update_xaxes(title_text=T.say("epoch", language), dtick=1)
    fig.update_layout(title=T.say("curves_title", language))
    return layout(fig, 640 if stacked else 380)


def layout(fig: go.Figure, height: int) -> go.Figure:
    """The app's plot style (as figures/plots.py), legend under the plot."""
    fig.update_layout(height=height, margin=dict(l=40, r=20, t=70, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.25))
    return fig


# Okabe and Ito's colours first (told apart with colour-vision deficiencies), then more for a long history
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000",
           "#2563eb", "#f97316", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#ca8a04", "#db2777", "#4b5563"]
