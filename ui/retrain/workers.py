"""Tab 3's work: retrain a model in a worker process and stream its progress.

Training runs in separate worker processes at the lowest CPU priority, so it
never holds the server's GIL or takes the CPU from students asking for
predictions. Measured with `python -m benchmarks.load --pause 0.5 1.5` on 2
cores and a predict handler stubbed to return constants (so only the retrain's
interference shows): p95 round trip 380–710 ms with the retrain in a thread of
the server, 170 ms with it in a worker process at nice 19, 100–155 ms with no
retrain. A worker takes about 7 s to start (torch, the main module, which spawn
imports, and the data set, which it keeps): the app starts its WORKERS at
start-up (`WorkerPool.start`), not when the first student presses Train.

A class shares them. Before, each worker trained one run after another: of 24
students retraining the CNN at once, half waited over a minute and a half for
their chart's first point and the last nearly four minutes, told nothing. Now
every run in line goes to a worker at once (the one with the least work left)
and the runs on a worker take turns between batches (`Turns`): new runs first
until their first epoch is shown, then evenly, a session's second run behind
everyone's first. The work is the same, so the class finishes when it did; each
student is told their place and an estimated finish from the moment they press
Train (`Line`), updated as the line moves.

`WorkerPool.stream` sends a run to a worker and turns its reports into a
generator of `Update`s. A run trains on the kind's data set, or on examples
the caller passes (`data`). A worker says nothing in words: it reports numbers,
and a failure as an i18n.Message (a key and its values) that the handler says
in the language of the request it answers. A stop request (the Stop button, a
cancelled API call, a closed tab) cancels the run; the worker checks that
before every batch, so training stops within a batch or two and the best
weights so far are kept. `StopRequests` remembers which runs each browser
session has going.
"""
import contextlib
import copy
import itertools
import math
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from i18n import Message
from models import registry
from training.datasets import MissingData, Split
from training.loop import Progress, TrainingDiverged, pick_device
from training.run import RunResult, load_data, train_model
from training.settings import configs
from ui.retrain.confusion import cell_examples

WORKERS = 2  # training processes; every run in line shares their time
VAL_LIMIT = 2_000  # validation examples per epoch: enough for a curve, quick on a CPU
# seconds of turns one run may have on a worker (its own training time, not its wait): the tab's largest settings
# (a full CNN, ~25 min) stop here
MAX_RUN_SECONDS = 600
POLL_SECONDS = 0.2  # how often a waiting stream looks at the stop request and the worker's health
UPDATE_SECONDS = 0.25  # batch reports come faster than a browser wants them; epoch ends always go out
LINE_SECONDS = 2.0  # a waiting run's place and estimate are sent again this often
SLICE_SECONDS = 1.0  # a run's turn on its worker before the next run placed first takes it
SHARED_RUNS = 32  # runs in line at once (the train event's concurrency limit): a class, one run each
MAX_SESSIONS = 10_000  # sessions whose number of runs the pool remembers

STOPPED = Message("report.not_started")  # a run stopped while in line, before it trained

# The examples of a run: its splits ("train", "val", "test") and the vocabulary of a text kind (None for images), as
# training.run.load_data gives them.
Examples = tuple[dict[str, Split], list[str] | None]


@dataclass
class Update:
    """One step of a training run, as the UI needs it."""

    state: str  # waiting (in line, not trained yet) | running | done | error | stopped (while waiting)
    progress: Progress | None = None
    history: list = field(default_factory=list)
    best_epoch: int | None = None
    message: Message | None = None  # when error: why, for the handler to say
    result: RunResult | None = None  # when done
    cells: dict | None = None  # when done: the test examples of each confusion cell (ui/retrain/confusion.py)
    line: "Line | None" = None  # when waiting or running: its place in line and estimated finish


@dataclass
class Finished:
    """A finished run as the worker sends it: its result and the test examples behind its confusion matrix."""

    result: RunResult
    cells: dict


# ---- the worker process ----------------------------------------------------------------------------------------------

_datasets: dict[str, Examples] = {}  # in a worker process: its data, by dataset


def dataset(kind: str) -> Examples:
    """The full data set for `kind`, on the CPU, loaded once per worker process."""
    name = registry.get(kind).dataset
    if name not in _datasets:
        _datasets[name] = load_data(kind)
    return _datasets[name]


def serve(jobs, reports) -> None:
    """A worker process: each ("run", run id, kind, settings, data, order) from `jobs` trains in a thread of its own,
    the runs taking turns (`Turns`); ("cancel", run id) stops one. Reports go to `reports` as (run id, report,
    seconds of turns it has had): Progress, then a Finished (its model on the CPU) or a Message (why it failed)."""
    with contextlib.suppress(OSError):
        os.nice(19)  # predictions first: the OS gives this process only the CPU time nobody else wants
    torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))  # and one core stays free in any case
    app = multiprocessing.parent_process()
    turns = Turns()
    while app.is_alive():  # a daemon ends with the app; this also ends it when the app was killed outright
        try:
            arrived = [jobs.get(timeout=POLL_SECONDS * 10)]
        except queue.Empty:
            continue
        with contextlib.suppress(queue.Empty):  # and all that came with it: a run and its cancel, together
            while True:
                arrived.append(jobs.get_nowait())
        started = [job[1:] for job in arrived if job[0] == "run"]
        for run, *_, order in started:
            turns.enter(run, order)
        for job in arrived:
            if job[0] == "cancel":
                turns.cancel(job[1])
        for run, kind, settings, data, _ in started:
            def train_one(run=run, kind=kind, settings=settings, data=data):
                reports.put((run, run_one(run, kind, settings, reports, turns, data), turns.attained(run)))
                turns.forget(run)

            threading.Thread(target=train_one, name=f"run-{run}", daemon=True).start()


class Turns:
    """Whose turn it is to train in one worker process: runs take turns between batches instead of one after another.

    The run holding the turn keeps it for a slice of SLICE_SECONDS of training, then hands it to the run placed
    first (`place`): a run of a session's first round before one of a later round (a student's second run waits
    behind everyone's first), then a run that has not yet shown an epoch before one that has (each chart gets its
    first point soon; among those, the earliest comes first), then the one whose last turn ended longest ago (round
    robin). A cancelled run is served at once, to end. Only the holder computes: the others wait in `between`,
    called before every batch (training.loop's `should_stop`), so the runs' work together is what it was one after
    another.
    """

    def __init__(self, slice_seconds: float | None = None):
        self.slice = SLICE_SECONDS if slice_seconds is None else slice_seconds
        self._changed = threading.Condition()
        self._runs: dict[int, dict] = {}  # run id: order (round, arrival), attained, pointed, cancelled
        self._holder, self._since = None, 0.0

    def enter(self, run: int, order: tuple = (0, 0)) -> None:
        """Put `run` in line (`order`: its session's round, then when it came)."""
        with self._changed:
            self._runs.setdefault(run, dict(order=order, attained=0.0, pointed=False, cancelled=False,
                                             last=0.0))

    def take(self, run: int) -> None:
        """Wait until it is `run`'s turn."""
        with self._changed:
            self.enter(run)
            if self._holder is None:
                self._hand(self._first())
            self._changed.wait_for(lambda: self._holder == run)

    def between(self, run: int) -> bool:
        """Before a batch: hand the turn on when the slice is over (or a cancelled run waits) and another run is
        placed first, and wait for it to come back. Whether `run` is cancelled."""
        with self._changed:
            share = self._runs[run]
            now = time.monotonic()
            over = now - self._since >= self.slice or any(
                r["cancelled"] and not r.get("done") for r in self._runs.values())
            if self._holder == run and over:
                share["attained"] += now - self._since
                share["last"] = now
                self._since = now
                self._hand(self._first())
            self._changed.wait_for(lambda: self._holder == run)
            return share["cancelled"]

    def point(self, run: int) -> None:
        """`run` has shown an epoch."""
        with self._changed:
            self._runs[run]["pointed"] = True

    def cancel(self, run: int) -> None:
        with self._changed:
            if run in self._runs:
                self._runs[run]["cancelled"] = True

    def cancelled(self, run: int) -> bool:
        with self._changed:
            return self._runs[run]["cancelled"]

    def attained(self, run: int) -> float:
        """Seconds of turns `run` has had."""
        with self._changed:
            share = self._runs.get(run)
            if share is None:
                return 0.0
            return share["attained"] + (time.monotonic() - self._since if self._holder == run else 0.0)

    def leave(self, run: int) -> None:
        """`run` is done with the turn: the next run takes it."""
        with self._changed:
            if self._holder == run:
                self._runs[run]["attained"] += time.monotonic() - self._since
            self._runs[run]["done"] = True
            if self._holder == run:
                self._hand(self._first())

    def forget(self, run: int) -> None:
        with self._changed:
            self._runs.pop(run, None)

    def _first(self) -> int | None:
        waiting = {run: share for run, share in self._runs.items() if not share.get("done")}
        return min(waiting, key=lambda run: self.place(waiting[run]), default=None)

    @staticmethod
    def place(share: dict) -> tuple:
        round_, arrival = share["order"]
        return not share["cancelled"], round_, share["pointed"], share["last"] if share["pointed"] else arrival

    def _hand(self, run: int | None) -> None:
        self._holder, self._since = run, time.monotonic()
        self._changed.notify_all()


def run_one(run: int, kind: str, settings: dict, reports, turns: Turns | None = None,
            data: Examples | None = None) -> Finished | Message:
    """Train run `run` (see `train`) in its turns (`turns`; alone when None), putting its progress on `reports`;
    return it Finished, or why it failed as a Message: training.loss_diverged or training.val_diverged
    (TrainingDiverged's own), retrain.no_data, retrain.failed for anything else, or STOPPED when it was cancelled
    before its first turn.

    It stops before the next batch once the run is cancelled, the app is gone, or it has had MAX_RUN_SECONDS of
    turns (then with stop_reason "time_limit", keeping the best weights so far, like a stop)."""
    app = multiprocessing.parent_process()  # None when called in the app's own process, as tests do
    turns = Turns() if turns is None else turns
    turns.take(run)
    if turns.cancelled(run):  # stopped while in line: nothing to train, load or score
        turns.leave(run)
        return STOPPED

    def should_stop() -> bool:
        cancelled = turns.between(run)
        return cancelled or (app is not None and not app.is_alive()) or turns.attained(run) > MAX_RUN_SECONDS

    def on_progress(progress: Progress) -> None:
        if progress.stats is not None:
            turns.point(run)
        reports.put((run, progress, turns.attained(run)))

    try:
        finished = train(kind, settings, on_progress, should_stop, data)
    except MissingData as error:  # the page names the data set; the server's log, its folder too
        print(f"warning: a {kind} run has no data: {error}", file=sys.stderr)
        return Message("retrain.no_data", {"what": error.what})
    except TrainingDiverged as error:
        return error.message
    except Exception as error:  # anything else still ends the run with a message, never a hang
        return Message("retrain.failed", {"error": f"{type(error).__name__}: {error}"})
    finally:
        turns.leave(run)
    finished.result.model = finished.result.model.to("cpu")
    if finished.result.fit.stop_reason == "cancelled" and turns.attained(run) > MAX_RUN_SECONDS:
        finished.result.fit.stop_reason = "time_limit"  # stopped by the clock, not by its student
    return finished


def train(kind: str, settings: dict, on_progress, should_stop, data: Examples | None = None) -> Finished:
    """One run of `kind` with `settings` (see training.settings; plus `subset`) on this process's device.

    It trains on `data` when given (the caller's own examples: splits "train", "val" and "test", and a text kind's
    vocabulary), else on the kind's data set. Either way at most `subset` training and VAL_LIMIT validation
    examples are used.
    """
    if data is None:
        data = dataset(kind)  # MissingData when its data set is not here (run_one reports it as retrain.no_data)
    splits, vocab = data
    device = pick_device()
    config, fit_config = configs(kind, settings, vocab)
    splits = {
        "train": splits["train"].sample(settings.get("subset"), fit_config.seed).to(device),
        "val": splits["val"].sample(VAL_LIMIT, fit_config.seed).to(device),
        "test": splits["test"].to(device),
    }
    result = train_model(config, splits, fit_config, on_progress, should_stop)
    return Finished(result, cell_examples(splits["test"], result.test_predicted, vocab))


# ---- the server's side -----------------------------------------------------------------------------------------------

@dataclass
class Line:
    """Where a run stands among the runs the workers share: its place (1 = next to finish its first epoch or
    training first), how many runs there are, and the seconds until it is estimated to finish (None until the
    workers have measured a run of its kind)."""

    place: int
    runs: int
    seconds: float | None


@dataclass
class Ticket:
    """What the server knows of a run it sent to a worker."""

    run: int
    worker: "Worker"
    kind: str
    order: tuple  # (round, arrival), as Turns places it
    batch_size: int
    batches: int | None  # of the whole fit, when known
    done: int = 0  # batches trained
    attained: float = 0.0  # seconds of turns
    pointed: bool = False  # an epoch has been reported


class Worker:
    """A training process, its channels (jobs in, reports out) and a thread that hands each report to its run."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.jobs, self.reports = context.Queue(), context.Queue()
        self.process = context.Process(target=serve, args=(self.jobs, self.reports), name="retrain",
                                       daemon=True)  # dies with the app
        self.process.start()
        with contextlib.suppress(OSError):  # low priority from its first instruction, imports included
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
        self.inboxes: dict[int, queue.SimpleQueue] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._deliver, name="retrain-reports", daemon=True).start()

    def inbox(self, run: int) -> queue.SimpleQueue:
        with self._lock:
            return self.inboxes.setdefault(run, queue.SimpleQueue())

    def close(self, run: int) -> None:
        with self._lock:
            self.inboxes.pop(run, None)

    def _deliver(self) -> None:
        while self.process.is_alive():
            try:
                run, report, attained = self.reports.get(timeout=POLL_SECONDS * 5)
            except (queue.Empty, OSError, EOFError, ValueError):
                continue
            with self._lock:
                inbox = self.inboxes.get(run)
            if inbox is not None:  # else the end of a run whose browser stopped waiting for it
                inbox.put((report, attained))


class WorkerPool:
    """The app's WORKERS training processes, shared by every run at once: a run goes to the process with the least
    work left, where it takes turns with the others (Turns); each run is told its place in line and an estimated
    finish (`line`)."""

    def __init__(self, workers: int | None = None):
        self.size = WORKERS if workers is None else workers
        self._workers: list[Worker] = []
        self._tickets: dict[int, Ticket] = {}
        self._rounds: dict[str, int] = {}  # runs each session has started (the newest sessions kept)
        self._pace: dict[str, float] = {}  # seconds of turns per training example, by kind, as last measured
        self._run_ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the processes now (each takes seconds to import torch), not when the first student presses Train."""
        with self._lock:
            self._alive()

    def _alive(self) -> list[Worker]:
        self._workers = [w for w in self._workers if w.process.is_alive()]
        while len(self._workers) < self.size:
            self._workers.append(Worker())
        return self._workers

    def _admit(self, kind: str, settings: dict, session: str | None) -> Ticket:
        with self._lock:
            run = next(self._run_ids)
            round_ = self._rounds.get(session, 0) if session is not None else 0
            if session is not None:
                self._rounds[session] = round_ + 1
                if len(self._rounds) > MAX_SESSIONS:
                    del self._rounds[next(iter(self._rounds))]
            batch_size = int(settings.get("batch_size", 128))
            subset = settings.get("subset") or registry.get(kind).retrain_subset
            batches = int(settings.get("epochs", 1)) * math.ceil(subset / batch_size)
            work = {w: self._left(w) for w in self._alive()}
            worker = min(work, key=lambda w: (work[w], sum(t.worker is w for t in self._tickets.values())))
            ticket = self._tickets[run] = Ticket(run, worker, kind, (round_, run), batch_size, batches)
            return ticket

    def _left(self, worker: Worker | None, upto: float | None = None) -> float:
        """Seconds of work the runs on `worker` have left (each counted up to `upto` when given)."""
        total = 0.0
        for ticket in self._tickets.values():
            if worker is None or ticket.worker is worker:
                left = self._remaining(ticket) or 0.0
                total += left if upto is None else min(left, upto)
        return total

    def _remaining(self, ticket: Ticket) -> float | None:
        pace = (ticket.attained / (ticket.done * ticket.batch_size) if ticket.done
                else self._pace.get(ticket.kind))
        if pace is None or ticket.batches is None:
            return None
        return max(0, ticket.batches - ticket.done) * ticket.batch_size * pace

    def line(self, run: int) -> Line:
        """Where `run` stands (see Line): its place among every run (those of a session's first round first, then
        those that have not shown an epoch, in the order they came, as Turns serves them; then those that have, by
        the work they have left), and its finish estimated as if its worker shared its time evenly (each other run
        on it delays this one by as much of its own work as this one has left, or all of it when it has less)."""
        with self._lock:
            ticket = self._tickets[run]

            def order(t: Ticket) -> tuple:
                return t.order[0], t.pointed, (self._remaining(t) or 0.0) if t.pointed else t.order[1]

            place = 1 + sum(order(t) < order(ticket) for t in self._tickets.values() if t is not ticket)
            left = self._remaining(ticket)
            seconds = None if left is None else self._left(ticket.worker, upto=left)
            return Line(place, len(self._tickets), seconds)

    def _measured(self, ticket: Ticket, report, attained: float) -> None:
        with self._lock:
            ticket.attained = attained
            if isinstance(report, Progress) and report.stage == "fit" and report.batches:
                ticket.batches = report.epochs * report.batches
                ticket.done = (report.epoch - 1) * report.batches + report.batch
                ticket.pointed = ticket.pointed or report.stats is not None
                self._pace[ticket.kind] = attained / (ticket.done * ticket.batch_size)
            elif isinstance(report, Progress) and report.stats is not None:
                ticket.pointed = True

    def stream(self, kind: str, settings: dict, stop: threading.Event, *, data: Examples | None = None,
               session: str | None = None) -> Iterator[Update]:
        """Train in a worker process, on `data` when given (see `train`), else on the kind's data set; yield an Update
        as soon as the run is in line (waiting, with its Line), then one per epoch, at most one per UPDATE_SECONDS
        within an epoch, one at least every LINE_SECONDS while its place or estimate may have moved, and a last one:
        done, or error with its Message (see run_one; retrain.ended when the process died). `session`: whose run
        it is (a session's later runs wait behind everyone's first)."""
        ticket = self._admit(kind, settings, session)
        run, worker = ticket.run, ticket.worker
        inbox = worker.inbox(run)
        worker.jobs.put(("run", run, kind, settings, data, ticket.order))
        history: list = []
        best, last_sent, progress, cancelled = None, 0.0, None, False
        try:
            yield Update("waiting", line=self.line(run))
            last_sent = time.monotonic()
            while True:
                if stop.is_set() and not cancelled:
                    worker.jobs.put(("cancel", run))
                    cancelled = True
                try:
                    report, attained = inbox.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if not worker.process.is_alive():
                        yield Update("error", None, list(history), best,
                                     Message("retrain.ended", {"code": worker.process.exitcode}))
                        return
                    if time.monotonic() - last_sent >= LINE_SECONDS:
                        last_sent = time.monotonic()
                        yield Update("running" if progress else "waiting", progress, list(history), best,
                                     line=self.line(run))
                    continue
                self._measured(ticket, report, attained)
                if isinstance(report, Progress):
                    progress = report
                    if report.stats is not None:
                        history.append(report.stats)
                        if report.stats.best:
                            best = report.stats.epoch
                    elif time.monotonic() - last_sent < UPDATE_SECONDS:
                        continue
                    last_sent = time.monotonic()
                    yield Update("running", report, list(history), best, line=self.line(run))
                elif isinstance(report, Message):
                    yield Update("stopped" if report == STOPPED else "error", None, list(history), best, report)
                    return
                else:
                    # What crossed the queue lives in shared memory, each tensor holding file descriptors (16 for a
                    # small model) for as long as it is kept: the store keeps models for an hour, and about 63 of
                    # them used up a 1,024-descriptor limit. A copy in ordinary memory holds none.
                    finished, report = copy.deepcopy(report), None
                    yield Update("done", None, list(history), finished.result.fit.best_epoch, result=finished.result,
                                 cells=finished.cells)
                    return
        finally:
            # A closed generator (cancelled call, closed tab) cancels the run: its worker ends it at its next batch.
            if not cancelled:
                worker.jobs.put(("cancel", run))
            worker.close(run)
            with self._lock:
                self._tickets.pop(run, None)


class StopRequests:
    """The trainings each browser session has running, so that its Stop button ends all of them."""

    def __init__(self):
        self._running: dict[str, set[threading.Event]] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self, session: str | None) -> Iterator[threading.Event]:
        """A stop flag for one run of `session`, registered while the block runs."""
        event = threading.Event()
        if session is None:
            yield event
            return
        with self._lock:
            self._running.setdefault(session, set()).add(event)
        try:
            yield event
        finally:
            with self._lock:
                events = self._running.get(session, set())
                events.discard(event)
                if not events:
                    self._running.pop(session, None)

    def stop(self, session: str | None) -> int:
        """Ask every run of `session` to stop; returns how many there were."""
        with self._lock:
            events = list(self._running.get(session, ())) if session is not None else []
        for event in events:
            event.set()
        return len(events)
