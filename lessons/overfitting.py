"""Lesson 6: over-fitting and early stopping. A large DNN (two hidden layers of 512, no BatchNorm, no
dropout) learns 500 MNIST images for 50 epochs; its training loss falls towards zero while its loss on
images it never trained on turns and rises.

The run is `training.loop.fit`, the app's own loop (AdamW, cosine decay), with
a patience longer than the run so it never stops by itself; early stopping is
then replayed on the recorded validation losses for the patience the student
chose: where it would have stopped, and which epoch's weights it would have
kept (the lowest validation loss seen until then, as `fit` keeps them).

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
500 images, 1,000 validation images, 50 epochs): 2.3 s.
"""
from collections.abc import Iterator

import torch

import i18n
from figures import plots
from lessons import Clock, Result, Shown, splits
from lessons.controls import Control, defaults
from models import registry
from training.loop import FitConfig, fit
from training.run import trainable

T = i18n.Texts("lessons-overfitting")
CONTROLS = (
    Control("examples", "whole", 500, "training_examples", low=100, high=5_000, step=100),
    Control("epochs", "whole", 50, "epochs", low=5, high=100, step=5),
    Control("patience", "whole", 5, "patience", "patience_field", low=1, high=20, step=1),
    Control("width", "whole", 512, "width", "hidden_width", low=16, high=1_024, step=16),
    Control("dropout", "float", 0.0, "dropout", low=0, high=0.8, step=0.05),
)
DEFAULTS = defaults(CONTROLS)
VAL_EXAMPLES = 1_000


# ---- the experiment --------------------------------------------------------------------------------------------------


def early_stop(val_losses: list[float], patience: int) -> tuple[int, int]:
    """(the epoch early stopping with `patience` stops after, the epoch whose weights it keeps), 1-based.

    It stops once `patience` epochs in a row bring no lower validation loss; a run that never
    waits that long stops at its last epoch.
    """
    best, best_epoch, waited = float("inf"), 1, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def run(examples: int = DEFAULTS["examples"], epochs: int = DEFAULTS["epochs"], patience: int = DEFAULTS["patience"],
        width: int = DEFAULTS["width"], dropout: float = DEFAULTS["dropout"], seed: int = 0) -> Iterator[Result]:
    """Train for all `epochs`, then replay early stopping with `patience` on the validation losses."""
    clock = Clock()
    data = splits("mnist")
    train, val = data["train"].sample(examples, seed), data["val"].sample(VAL_EXAMPLES, seed)
    config = registry.get("dnn").config(hidden_sizes=[width, width], batch_norm=False, dropout=dropout)
    fit_config = FitConfig(epochs=epochs, lr=1e-3, batch_size=50, patience=epochs + 1, weight_decay=0.0, seed=seed,
                           log_every=10_000)
    torch.manual_seed(seed)  # the same starting weights on every run
    model = trainable(config, "cpu")
    result = fit(model, train, val, fit_config)
    history = result.history
    stopped, kept = early_stop([s.val_loss for s in history], patience)
    yield Result({"history": history, "stopped": stopped, "kept": kept, "patience": patience, "examples": examples,
                  "val_loss": [s.val_loss for s in history], "train_loss": [s.train_loss for s in history]}, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    history, stopped, kept = v["history"], v["stopped"], v["kept"]
    figure = plots.training_curves(history, kept, stopped if stopped < len(history) else None, language=language)
    figure.update_xaxes(dtick=None)  # fifty epochs: let plotly space the ticks
    return Shown(summary(history, stopped, kept, v["patience"], v["examples"], language=language), (figure,))


def summary(history, stopped: int, kept: int, patience: int, examples: int, *, language: str = "en") -> str:
    first, last, best = history[0], history[-1], history[kept - 1]
    lowest = min(history, key=lambda s: s.val_loss)
    text = T.say("memorised", language, examples=examples, first=f"{first.train_loss:.3f}",
                 last=f"{last.train_loss:.4f}", accuracy=f"{last.train_acc:.1%}", val=f"{VAL_EXAMPLES:,}",
                 epoch=lowest.epoch, lowest=f"{lowest.val_loss:.3f}", last_val=f"{last.val_loss:.3f}",
                 last_epoch=last.epoch)
    text += T.say("turned" if lowest.epoch < last.epoch else "not_yet", language)
    if stopped < last.epoch:
        text += T.say("stopped", language, patience=patience, stopped=stopped, kept=kept,
                      best_accuracy=f"{best.val_acc:.1%}", best_loss=f"{best.val_loss:.3f}",
                      last_accuracy=f"{last.val_acc:.1%}", last_loss=f"{last.val_loss:.3f}")
    else:
        text += T.say("never", language, patience=patience, kept=kept, best_accuracy=f"{best.val_acc:.1%}")
    return text
