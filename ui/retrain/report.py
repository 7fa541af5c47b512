"""Text for a training run: the status line with its progress bar, the test scores, and the Retrain tab's messages.

Every function takes the request's `language` (ui/i18n.py); the handlers of tab 3 (ui/retrain/handlers.py
Handlers.train, stop, push_to_hub) take their messages from here, so the tab's wording is in one place. What the
training code and its workers have to say comes as an i18n.Message (a key and its values), said here in the
request's language.
"""
import math

from i18n import Message
from training.loop import FitResult, Progress
from ui import i18n
from ui.retrain.workers import MAX_RUN_SECONDS, WORKERS, Line

T = i18n.Texts("report")
NO_RESULT = Message("report.no_result")  # a run whose stream ended without a last word


def say(key: str, language: str, **values) -> str:
    """One of this module's messages (T) in `language`, for the handlers that answer with it."""
    return T.say(key, language, **values)


def progress_html(text: str, fraction: float | None = None) -> str:
    bar = "" if fraction is None else f'<progress value="{fraction:.3f}" max="1"></progress>'
    return f"<div>{text}</div>{bar}"


def starting(kind: str, *, language: str = "en") -> str:
    """The status as a run is sent to a worker."""
    return progress_html(T.say("starting", language, kind=kind.upper()), 0)


def failed(message: Message, *, language: str = "en") -> str:
    """The status of a run that ended with an error: `message` (the worker's, or NO_RESULT) in `language`."""
    return progress_html(T.say("failed", language, message=message.say(language)))


def running(kind: str, p: Progress, where: Line | None = None, *, language: str = "en") -> str:
    """The status while training: epoch, batch and loss, a bar for the whole run, and where it stands in line."""
    done = (p.epoch - 1 + (p.batch / p.batches if p.batches else 1)) / p.epochs
    stage = "pretraining" if p.stage == "pretrain" else "running"
    text = T.say(stage, language, kind=kind.upper(), epoch=p.epoch, epochs=p.epochs) + (
        T.say("batch", language, batch=p.batch, batches=p.batches, loss=p.loss) if p.stats is None else "")
    return progress_html(text + (" · " + line(where, language=language) if where is not None else ""), done)


def line(line: Line | None, *, language: str = "en") -> str:
    """Where a run stands among the class's: its place, how many share the workers, and when it should finish."""
    if line is None:
        return ""
    if line.seconds is None:
        when = T.say("finish_unknown", language)
    elif line.seconds < 90:
        when = T.say("finish_seconds", language, seconds=max(5, 5 * round(line.seconds / 5)))
    else:
        when = T.say("finish_minutes", language, minutes=round(line.seconds / 60))
    return T.say("line", language, place=line.place, runs=line.runs, workers=WORKERS, when=when)


def waiting(kind: str, where: Line | None, *, language: str = "en") -> str:
    """The status of a run in line that has not trained yet."""
    return progress_html(T.say("waiting", language, kind=kind.upper()) + " " + line(where, language=language), 0)


def finished(fit: FitResult, *, language: str = "en") -> str:
    why = f" {fit.message.say(language)}" if fit.message else ""  # why it diverged, when it did
    why_stopped = T.say(fit.stop_reason, language, minutes=f"{MAX_RUN_SECONDS / 60:g}")
    text = T.say("finished", language, why=why_stopped, epochs=len(fit.history),
                 seconds=fit.seconds, best=fit.best_epoch)
    return progress_html(text + why, 1)


def zeros_note(init: str | None, metrics: dict, *, language: str = "en") -> str:
    """Why a run that started from all-zero weights did not learn, when it did not; "" otherwise."""
    matrix = metrics["confusion_matrix"]
    majority = max(sum(row) for row in matrix) / max(1, metrics["n"])  # always answering the most common class
    if init != "zeros" or metrics["accuracy"] > majority + 0.05:
        return ""
    note = T.say("zeros_note", language, accuracy=metrics["accuracy"], majority=majority)
    return f"<div id='zeros-note'>{note}</div>"


def scores(metrics: dict, kind: str, *, language: str = "en") -> str:
    """The test metrics in one paragraph, and what the retrained model now does."""
    m = metrics
    return T.say("scores", language, n=m["n"], accuracy=m["accuracy"], precision=m["precision_macro"],
                 recall=m["recall_macro"], f1=m["f1_macro"], auc=_number(m["roc_auc_ovr"], language),
                 kind=kind.upper())


def stop_answer(stopping: bool, *, language: str = "en") -> str:
    """What the Stop button answers: stopping, or nothing was training."""
    return progress_html(T.say("stopping" if stopping else "nothing_training", language))


def lr_text(log_lr: float, *, language: str = "en") -> str:
    """The learning rate a slider at 10^`log_lr` gives."""
    return T.say("learning_rate", language, lr=10 ** log_lr)


def _number(value: float, language: str) -> str:
    return T.say("not_available", language) if math.isnan(value) else f"{value:.3f}"
