"""Taking an idle worker process from a pool, or starting one (the lessons' pool, ui/lessons/runner.py)."""
import queue
from collections.abc import Callable
from typing import TypeVar

W = TypeVar("W")


def idle_or_new(idle: queue.SimpleQueue, start: Callable[[], W], discard: Callable[[W], None] = lambda w: None) -> W:
    """An idle worker from `idle` whose process is alive (`discard` each dead one met on the way), else `start()`."""
    while True:
        try:
            worker = idle.get_nowait()
        except queue.Empty:
            return start()
        if worker.process.is_alive():
            return worker
        discard(worker)
