"""The server's state, shared by every tab: the shipped models (and why any failed to load), the training
workers and stop requests, the models students retrained, every session's run history and the class boards; a
session is the id its page keeps across reloads (ui/sessions.py).

Each tab's handlers (ui/<tab>/handlers.py) hold one `AppState`; tests build one with the models they need.
"""
import gradio as gr

from ui.board.store import Board
from ui.draw.taught import Taught
from ui.history import RunHistory
from ui.lessons.runner import LessonPool
from ui.lessons.shared import Shared
from ui.retrain.store import RetrainedModels
from ui.retrain.workers import StopRequests, WorkerPool
from ui.sessions import SESSIONS, Sessions, session_id


def session_of(request: gr.Request | None) -> str | None:
    """The session that asked: the id its page resumed (ui/sessions.py), which outlives a reload; else gradio's
    session hash of the tab (an API client); None for a call without one."""
    return session_id(getattr(request, "session_hash", None))


def address(host: str | None) -> str:
    """The address a request came from, for limits per computer (a school behind one address counts as one): the
    connection's `host`, which uvicorn has already taken from X-Forwarded-For when the connection came from a proxy
    it trusts (FORWARDED_ALLOW_IPS, 127.0.0.1 unless set: a balancer on this machine; see the README). The header
    itself is not read here: a client sets it to anything, and took a new "address" with every request."""
    return host or ""


def client_of(request: gr.Request | None) -> str:
    """`address` of a gradio or FastAPI request."""
    return address(getattr(getattr(request, "client", None), "host", ""))


class AppState:
    """The shipped models by kind, why any failed to load (a reason without paths, by kind), the training
    workers, the stop requests, the models students retrained, their run history, the class boards, the
    lessons' processes and the taught drawings."""

    def __init__(self, shipped: dict, load_errors: dict[str, str] | None = None, workers: WorkerPool | None = None,
                 stops: StopRequests | None = None, retrained: RetrainedModels | None = None,
                 history: RunHistory | None = None, board: Board | None = None, lessons=None,
                 sessions: Sessions | None = None, taught: Taught | None = None):
        self.shipped, self.load_errors = shipped, load_errors or {}
        self.workers = WorkerPool() if workers is None else workers
        self.stops = StopRequests() if stops is None else stops
        self.retrained = RetrainedModels() if retrained is None else retrained  # an empty one is falsy
        self.history = RunHistory() if history is None else history  # every finished run of each session
        self.board = Board() if board is None else board  # the class boards, in the database (ui/board/store.py)
        # the lessons' processes (ui/lessons/runner.py), their runs shared by the class (ui/lessons/shared.py); tests
        # give a runner.InProcess
        self.lessons = Shared(LessonPool()) if lessons is None else lessons
        self.sessions = SESSIONS if sessions is None else sessions  # the ids pages resume, their locks (ui/sessions.py)
        self.taught = Taught() if taught is None else taught  # tab 1's taught drawings (ui/draw/taught.py)

    def model(self, kind: str, request: gr.Request | None):
        """The model of `kind` that answers this browser session: its adaptation to the session's handwriting (tab
        1), else its own retrained one, else the shipped one."""
        base = self.unadapted(kind, request)
        adapted = self.taught.model(session_of(request), kind, base)
        return base if adapted is None else adapted

    def unadapted(self, kind: str, request: gr.Request | None):
        """The session's retrained model of `kind`, else the shipped one: what tab 1 adapts, and answers with after
        "use the shipped models again"."""
        entry = self.retrained.get(session_of(request), kind)
        return entry.model if entry is not None else self.shipped.get(kind)

    def is_retrained(self, kind: str, request: gr.Request | None) -> bool:
        return self.retrained.get(session_of(request), kind) is not None
