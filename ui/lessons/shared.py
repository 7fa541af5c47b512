"""A lesson's result shared by the class: the same lesson at the same settings is run once and served to everyone who
asks while it is fresh.

Lessons are seeded and deterministic, so thirty students pressing Run at a lesson's defaults want one answer. Before,
each request ran the lesson again, one or two at a time: thirty presses of the crops lesson (7 s alone) were answered
after up to 174–226 s. Here a request names its run by a key (the lesson and its settings; the handler gives none
when the run reads the student's own models or drawing), and:

- the first request of a key starts its run in a thread of its own (`Flight`), which feeds the run's Results to
  everyone watching; a request that comes while it runs joins it and sees its progress from there on;
- each Result is put into words and figures once per language (`render`, the handler's), the figures frozen into the
  JSON gradio sends (PlotData), and that same object goes to every watcher. A cache hit is one final answer, nothing
  rendered. (An earlier attempt rendered the cached result for each of 31 waiting clients at once, and the digit
  round trips of other students went to p95 1.2 s behind it.);
- a finished run stays for FRESH_SECONDS, within ENTRIES runs and MAX_BYTES of rendered answers (the oldest go
  first); a run that failed is not kept, so the next request tries again;
- a run nobody watches any more (its students closed their tabs) is abandoned at its next result, unless it was
  started by `warm` (the defaults, computed in the background at start-up so the first class finds them ready).

The runs themselves go to the lesson processes (ui/lessons/runner.py), WORKERS at a time, so lessons that differ
run side by side when the CPU allows, at the lowest priority.
"""
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator

from gradio.components.plot import PlotData
from plotly.graph_objects import Figure

from lessons import Result

ENTRIES = 64  # runs kept: seven lessons' defaults, and what a class explores around them
MAX_BYTES = 64 * 2 ** 20  # their rendered answers together; the largest (weights, three plots) is ~1 MB a language
FRESH_SECONDS = 3600  # a class's hour; the shipped models and data do not change while the server runs
WAIT_SECONDS = 0.5  # how often a watcher looks whether its run is still going


def frozen(outputs: tuple) -> tuple:
    """`outputs` with every plotly figure replaced by the JSON gradio sends for it, made once here instead of once
    for each student the answer goes to."""
    return tuple(PlotData(type="plotly", plot=o.to_json()) if isinstance(o, Figure) else o for o in outputs)


def _size(outputs: tuple) -> int:
    return sum(len(o.plot) if isinstance(o, PlotData) else len(o) if isinstance(o, str) else 0 for o in outputs)


class Flight:
    """One run and its watchers: the latest Result (numbered), each rendered once per language, and how it ended."""

    def __init__(self, keep: bool = False):
        self.changed = threading.Condition()
        self.index, self.result = -1, None  # the latest Result and its number
        self.over, self.error, self.ended = False, None, 0.0
        self.watchers, self.keep = 0, keep  # keep: run to the end even when nobody watches (`warm`)
        self._rendered: dict[str, tuple] = {}  # by language, for self.index
        self._rendering = threading.Lock()

    def publish(self, result: Result) -> None:
        with self.changed:
            self.index, self.result, self._rendered = self.index + 1, result, {}
            self.changed.notify_all()

    def finish(self, error: Exception | None = None) -> None:
        with self.changed:
            self.over, self.error, self.ended = True, error, time.monotonic()
            self.changed.notify_all()

    def rendered(self, language: str, render: Callable[[Result, str], tuple]) -> tuple[int, tuple]:
        """(number, outputs) of the latest Result in `language`, rendered by the first watcher that asks."""
        with self._rendering:
            with self.changed:
                index, result, ready = self.index, self.result, self._rendered
            if language not in ready:
                ready[language] = frozen(render(result, language))  # a later Result brings a dict of its own
            return index, ready[language]

    @property
    def size(self) -> int:
        return sum(_size(outputs) for outputs in self._rendered.values())

    def watch(self, render: Callable[[Result, str], tuple], language: str) -> Iterator[tuple]:
        """Each new Result as rendered outputs, from the latest one on, until the run is over; a finished run
        yields its final answer only. The run's error is raised here. The caller has counted itself in `watchers`
        (Shared.flight, before the run starts: its first result must find someone watching)."""
        seen = -1
        try:
            while True:
                with self.changed:
                    self.changed.wait_for(lambda seen=seen: self.index > seen or self.over, timeout=WAIT_SECONDS)
                    index, over, error = self.index, self.over, self.error
                if error is not None:
                    raise error
                if index > seen:
                    seen, outputs = self.rendered(language, render)
                    yield tuple(dict(o) if isinstance(o, dict) else o for o in outputs)  # gradio pops from updates
                elif over:
                    return
        finally:
            with self.changed:
                self.watchers -= 1


class Shared:
    """Lesson runs over `pool` (a runner.LessonPool or InProcess), each key's computed once (see the module)."""

    def __init__(self, pool, entries: int = ENTRIES, max_bytes: int = MAX_BYTES, fresh_seconds: float = FRESH_SECONDS):
        self.pool, self.entries, self.max_bytes, self.fresh_seconds = pool, entries, max_bytes, fresh_seconds
        self._flights: OrderedDict[Hashable, Flight] = OrderedDict()
        self._lock = threading.Lock()
        self.started = 0  # runs started, for the tests and the benchmark

    def run(self, module: str, settings: dict) -> Iterator[Result]:
        """A run nobody shares (one that reads a student's own models or drawing): the pool's."""
        return self.pool.run(module, settings)

    def outputs(self, key: Hashable, module: str, settings: dict, render: Callable[[Result, str], tuple],
                language: str) -> Iterator[tuple]:
        """The rendered outputs of `module`'s run with `settings`, shared by every request of `key`."""
        try:
            yield from self.flight(key, module, settings, watching=True).watch(render, language)
        except _Abandoned:  # joined just as its last watcher left: start it again
            yield from self.flight(key, module, settings, watching=True).watch(render, language)

    def flight(self, key: Hashable, module: str, settings: dict, keep: bool = False, watching: bool = False
               ) -> Flight:
        """The fresh run of `key`, started now when there is none; `watching`: count the caller as its watcher."""
        with self._lock:
            self._forget()
            flight = self._flights.get(key)
            if flight is not None and not (flight.over and flight.error is not None):
                self._flights.move_to_end(key)
                with flight.changed:
                    flight.watchers += watching
                return flight
            flight = self._flights[key] = Flight(keep)
            flight.watchers += watching
            self.started += 1
        threading.Thread(target=self._drive, args=(key, flight, module, settings), name="lesson-run",
                         daemon=True).start()
        return flight

    def warm(self, jobs: list[tuple[Hashable, str, dict]]) -> threading.Thread:
        """Compute each (key, module, settings) of `jobs` in the background, one after another (a single lesson
        process: the other stays free for the class), and keep them."""
        def compute():
            for key, module, settings in jobs:
                flight = self.flight(key, module, settings, keep=True)
                with flight.changed:
                    flight.changed.wait_for(lambda f=flight: f.over)

        thread = threading.Thread(target=compute, name="lesson-warm", daemon=True)
        thread.start()
        return thread

    def _drive(self, key: Hashable, flight: Flight, module: str, settings: dict) -> None:
        results = self.pool.run(module, settings)
        try:
            for result in results:
                flight.publish(result)
                with flight.changed:
                    abandoned = flight.watchers == 0 and not flight.keep and not result.done
                if abandoned:  # every student who asked has gone: free the lesson process
                    raise _Abandoned
            flight.finish()
        except Exception as error:  # noqa: BLE001 - every watcher raises it where its answer is made
            flight.finish(error)
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
        finally:
            results.close()

    def _forget(self) -> None:
        """Drop stale runs, then the oldest finished ones beyond `entries` or `max_bytes` (runs in progress stay)."""
        now = time.monotonic()
        for key in [k for k, f in self._flights.items() if f.over and now - f.ended > self.fresh_seconds]:
            del self._flights[key]
        total = sum(f.size for f in self._flights.values())
        for key, flight in list(self._flights.items()):
            if len(self._flights) <= self.entries and total <= self.max_bytes:
                break
            if flight.over:
                total -= flight.size
                del self._flights[key]


class _Abandoned(Exception):
    """A shared run whose watchers have all gone."""
