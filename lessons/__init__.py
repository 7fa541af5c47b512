"""The tutorials' lessons: each module runs one small experiment and says what it showed.

A lesson module has two halves. `run(...)` is the experiment: a generator of
`Result`s, intermediate ones while it trains and the final one last, each
holding numbers and keys only (`final` runs it to the end). `show(result,
language)` is its presentation: the text and the figures of one result, in
that language (the app calls it with the request's, ui/lessons/layout.py,
and streams intermediate results as live plots). Nothing a run computes
depends on a language, and every figure and every number in a text comes from
the run that produced it. The data sets are read once per process and kept
(`splits`), so only a lesson's first run pays for reading MNIST or SST-2.
Inputs are checked by the caller (ui/lessons/layout.py); the functions here
assume values in range.
"""
import functools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import plotly.graph_objects as go

from training.datasets import LOADERS, Split, data_dir


@dataclass
class Result:
    """What a run has found so far: numbers and keys, no words."""

    values: dict  # everything the lesson's `show` needs (tests and the benchmark read them too)
    seconds: float = 0.0  # from the start of the run to this result
    done: bool = True  # False while the lesson is still training


@dataclass
class Shown:
    """A result in words and pictures, in one language."""

    text: str  # Markdown: what this run showed, with its own numbers
    figures: tuple[go.Figure | None, ...]  # in the order the lesson's tab lays them out


def final(results: Iterator[Result]) -> Result:
    """Run a lesson to the end and return its last result."""
    *_, last = results
    return last


class Clock:
    """Seconds since the lesson started, and whether a streamed update is due (at most `every` seconds apart)."""

    def __init__(self, every: float = 0.25):
        self.start, self.every, self.last = time.perf_counter(), every, 0.0

    def __call__(self) -> float:
        return time.perf_counter() - self.start

    def due(self) -> bool:
        now = self()
        if now - self.last >= self.every:
            self.last = now
            return True
        return False


_lock = threading.Lock()


def splits(dataset: str) -> dict[str, Split]:
    """The train/val/test splits of a training.datasets data set ("mnist", "sst2"), read once per data folder."""
    return _read(dataset)[0]


def vocabulary() -> list[str]:
    """SST-2's vocabulary as its loader builds it (the words seen at least twice in training)."""
    return _read("sst2")[1]


def _read(dataset: str) -> tuple[dict[str, Split], list[str] | None]:
    with _lock:  # two lessons asking at once read the files once
        return _cached(dataset, str(data_dir().resolve()))


@functools.cache
def _cached(dataset: str, folder: str) -> tuple[dict[str, Split], list[str] | None]:
    return LOADERS[dataset](folder, None)
