"""Each browser session's taught drawings and the models adapted to them, kept in one place within fixed bounds.

Keyed by gradio's session hash (`ui.state.session_of`): a session keeps at most
MAX_KEPT drawings, MAX_PER_DIGIT of each digit, as strokes (float32 points, a few
hundred bytes to a few kB each: ink.strokes bounds a drawing at MAX_POINTS points).
At most MAX_SESSIONS sessions keep drawings and MAX_ADAPTED of them adapted models
(a DNN and a CNN, about 2.5 MB together); the least recently used session goes first
and one unused for TTL_SECONDS goes too. A session whose models went is answered by
the models it had before adapting, as if it had pressed "use the shipped models again".

An adapted model is only used while the model it was adapted from is the one that
would answer the session otherwise (the shipped one, or the session's retrained one):
retraining in tab 3 after adapting serves the new model, not an adaptation of an old one.
"""
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import torch

MAX_KEPT = 60  # drawings one session keeps
MAX_PER_DIGIT = 10  # of each digit
MAX_SESSIONS = 300  # sessions keeping drawings: 60 drawings of at most 5,000 points is 2.4 MB at the very worst
MAX_ADAPTED = 40  # sessions keeping adapted models, about 2.5 MB each
TTL_SECONDS = 3 * 3600  # as long as gradio keeps a session's state (app.py)


class Full(ValueError):
    """No room for another drawing: `key` ("full" or "full_digit") names which bound, `limit` its size."""

    def __init__(self, key: str, limit: int):
        super().__init__(key)
        self.key, self.limit = key, limit


@dataclass
class Kept:
    strokes: list[np.ndarray]  # each (n, 2) float32, canvas pixels
    label: int


@dataclass
class Adapted:
    model: torch.nn.Module
    base: torch.nn.Module  # the model it was adapted from


@dataclass
class Session:
    kept: list[Kept] = field(default_factory=list)
    adapted: dict[str, Adapted] = field(default_factory=dict)  # by kind
    figures: dict | None = None  # the last adaptation's before/after figures
    used: float = 0.0


class Taught:
    """Every session's kept drawings and adapted models (see the module's docstring for the bounds)."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, max_adapted: int = MAX_ADAPTED, ttl: float = TTL_SECONDS):
        self.max_sessions, self.max_adapted, self.ttl = max_sessions, max_adapted, ttl
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def _session(self, key: str, create: bool) -> Session | None:
        """The session's record, marked used (the caller holds the lock)."""
        now = time.monotonic()
        for old in [k for k, s in self._sessions.items() if now - s.used > self.ttl]:
            del self._sessions[old]
        record = self._sessions.get(key)
        if record is None and create:
            record = self._sessions[key] = Session()
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        if record is not None:
            record.used = now
            self._sessions.move_to_end(key)
        return record

    def keep(self, key: str, strokes: list[np.ndarray], label: int) -> int:
        """Keep one labelled drawing; returns how many the session keeps. Raises Full when there is no room."""
        with self._lock:
            record = self._session(key, create=True)
            if len(record.kept) >= MAX_KEPT:
                raise Full("full", MAX_KEPT)
            if sum(k.label == label for k in record.kept) >= MAX_PER_DIGIT:
                raise Full("full_digit", MAX_PER_DIGIT)
            record.kept.append(Kept([np.asarray(s, dtype=np.float32) for s in strokes], label))
            return len(record.kept)

    def kept(self, key: str | None) -> list[Kept]:
        with self._lock:
            record = self._session(key, create=False) if key else None
            return list(record.kept) if record is not None else []

    def forget_drawings(self, key: str | None) -> None:
        with self._lock:
            record = self._session(key, create=False) if key else None
            if record is not None:
                record.kept.clear()

    def put_adapted(self, key: str, adapted: dict[str, Adapted], figures: dict) -> None:
        with self._lock:
            record = self._session(key, create=True)
            record.adapted, record.figures = adapted, figures
            holding = [k for k, s in self._sessions.items() if s.adapted]
            for old in holding[: max(0, len(holding) - self.max_adapted)]:
                self._sessions[old].adapted, self._sessions[old].figures = {}, None

    def forget_adapted(self, key: str | None) -> bool:
        """Drop the session's adapted models; whether it had any."""
        with self._lock:
            record = self._session(key, create=False) if key else None
            had = record is not None and bool(record.adapted)
            if record is not None:
                record.adapted, record.figures = {}, None
            return had

    def model(self, key: str | None, kind: str, base: torch.nn.Module | None) -> torch.nn.Module | None:
        """The session's model of `kind` adapted from `base`, or None."""
        if not key:
            return None
        with self._lock:
            record = self._sessions.get(key)
            entry = record.adapted.get(kind) if record is not None else None
            return entry.model if entry is not None and entry.base is base else None
