"""The models students retrain, kept per browser session within one memory bound shared by every session.

A retrained model serves only the browser session that trained it. Before,
each lived in that session's gr.State for three hours: retraining through the
API from a new session each time kept about 21 MB per run (an LSTM with hidden
size 512) with no limit, and the exported checkpoint folders were never
deleted. Here at most `max_bytes` of weights are kept across all sessions;
the least recently used model goes first when a new one would pass the bound,
and a model unused for `ttl` seconds goes too. Its export folder (checkpoint
+ zip for the download button) is deleted with it. A session whose model was
evicted is answered by the shipped model again, and the answer says which.

Every export folder lies in one folder of this process (`exports()`), removed when the process exits (SIGTERM
included: app.py turns it into KeyboardInterrupt): before, each export was a /tmp/playground-* folder of its own
and all of them outlived the server.
"""
import atexit
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import torch

import models
from training.run import model_card

MAX_BYTES = 512 * 2**20  # weights of retrained models kept at once, all sessions together
TTL_SECONDS = 3600  # a retrained model unused for an hour is dropped
_exports: list[Path] = []  # the folder of this process's export folders, made on the first export


def exports() -> Path:
    """This process's folder for export folders, made on first use (a training worker, which imports this module
    too, never makes one) and removed when the process exits."""
    if not _exports:
        _exports.append(Path(tempfile.mkdtemp(prefix="playground-exports-")))
        atexit.register(shutil.rmtree, _exports[0], ignore_errors=True)
    return _exports[0]


@dataclass
class Retrained:
    model: torch.nn.Module
    report: dict  # RunResult.report()
    folder: Path  # holds the checkpoint folder and its zip
    bytes: int
    used: float  # time.monotonic() of the last use


class RetrainedModels:
    def __init__(self, max_bytes: int = MAX_BYTES, ttl: float = TTL_SECONDS):
        self.max_bytes, self.ttl = max_bytes, ttl
        self._entries: OrderedDict[tuple[str, str], Retrained] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def put(self, session: str, kind: str, model: torch.nn.Module, report: dict) -> Path:
        """Keep `model` for `session` and export it; returns the zip to offer for download."""
        folder = Path(tempfile.mkdtemp(prefix="run-", dir=exports()))
        name = f"{kind}-retrained"
        models.save(model, folder / name, {"metrics.json": report}, model_card(model.config, report))
        archive = Path(shutil.make_archive(str(folder / name), "zip", folder, name))
        size = sum(t.numel() * t.element_size() for t in model.state_dict().values())
        with self._lock:
            old = self._entries.pop((session, kind), None)
            self._entries[(session, kind)] = Retrained(model, report, folder, size, time.monotonic())
            dropped = self._evict()
        for entry in ([old] if old else []) + dropped:
            shutil.rmtree(entry.folder, ignore_errors=True)
        return archive

    def get(self, session: str | None, kind: str) -> Retrained | None:
        """The session's retrained `kind`, marked as just used; None when it has none (or it was dropped)."""
        if session is None:
            return None
        with self._lock:
            dropped = self._evict()
            entry = self._entries.get((session, kind))
            if entry is not None:
                entry.used = time.monotonic()
                self._entries.move_to_end((session, kind))
        for old in dropped:
            shutil.rmtree(old.folder, ignore_errors=True)
        return entry

    def drop(self, session: str | None, kind: str) -> bool:
        """Forget the session's retrained `kind`, so the shipped model answers it again; whether there was one."""
        with self._lock:
            entry = self._entries.pop((session, kind), None) if session is not None else None
        if entry is not None:
            shutil.rmtree(entry.folder, ignore_errors=True)
        return entry is not None

    def total_bytes(self) -> int:
        with self._lock:
            return sum(e.bytes for e in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> list[Retrained]:
        """Drop expired entries, then the least recently used while over the bound (the newest always stays)."""
        now, dropped = time.monotonic(), []
        for key in [k for k, e in self._entries.items() if now - e.used > self.ttl]:
            dropped.append(self._entries.pop(key))
        while len(self._entries) > 1 and sum(e.bytes for e in self._entries.values()) > self.max_bytes:
            dropped.append(self._entries.popitem(last=False)[1])
        return dropped
