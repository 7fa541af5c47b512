"""Text for a training run: the status line with its progress bar, and the test scores."""
import math

from training.loop import FitResult, Progress

STOP_REASONS = {"completed": "finished all epochs", "early_stop": "stopped early (patience ran out)",
                "cancelled": "stopped by you", "diverged": "stopped because training diverged"}


def progress_html(text: str, fraction: float | None = None) -> str:
    bar = "" if fraction is None else f'<progress value="{fraction:.3f}" max="1"></progress>'
    return f"<div>{text}</div>{bar}"


def running(kind: str, p: Progress) -> str:
    """The status while training: epoch, batch and loss, and a bar for the whole run."""
    done = (p.epoch - 1 + (p.batch / p.batches if p.batches else 1)) / p.epochs
    text = f"Training {kind.upper()}: epoch {p.epoch} of {p.epochs}" + (
        f", batch {p.batch}/{p.batches}, loss {p.loss:.3f}" if p.stats is None else "")
    return progress_html(text, done)


def finished(fit: FitResult) -> str:
    why = f" {fit.message}" if fit.message else ""
    return progress_html(f"Done: {STOP_REASONS[fit.stop_reason]} after {len(fit.history)} epoch(s) in "
                         f"{fit.seconds:.1f} s; best weights from epoch {fit.best_epoch}.{why}", 1)


def zeros_note(init: str | None, metrics: dict) -> str:
    """Why a run that started from all-zero weights did not learn, when it did not; "" otherwise."""
    matrix = metrics["confusion_matrix"]
    majority = max(sum(row) for row in matrix) / max(1, metrics["n"])  # always answering the most common class
    if init != "zeros" or metrics["accuracy"] > majority + 0.05:
        return ""
    return (f"<div id='zeros-note'>⚠️ <b>Why it did not learn:</b> every weight started at zero, so every hidden unit "
            "computed the same output and received the same gradient; they never became different, and with zero "
            "weights no signal reached the output layer, whose biases alone learnt how common each class is. Test "
            f"accuracy {metrics['accuracy']:.1%} is about what always answering the most common class scores "
            f"({majority:.1%}). Choose another weight init to break the symmetry.</div>")


def scores(metrics: dict, kind: str) -> str:
    """The test metrics in one paragraph, and what the retrained model now does."""
    m = metrics
    return (f"**Test set** ({m['n']:,} examples): accuracy **{m['accuracy']:.2%}** · macro precision "
            f"{m['precision_macro']:.3f} · recall {m['recall_macro']:.3f} · F1 {m['f1_macro']:.3f} · "
            f"ROC-AUC {_number(m['roc_auc_ovr'])}\n\nTabs 1 and 2 now use this {kind.upper()} in your "
            f"browser session.")


def _number(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"
