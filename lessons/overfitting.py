"""Lesson 6: over-fitting and early stopping. A large DNN (two hidden layers of 512, no BatchNorm) learns 500
MNIST images for 50 epochs; its training loss falls towards zero while its loss on images it never trained on
turns and rises. With clean labels that rise is mostly over-confidence: validation accuracy keeps improving
(86.6% at the lowest-loss epoch 4, 87.5% at epoch 50 in a check). With some labels made wrong on purpose
(`label_noise`) the network learns those wrong answers by heart, and accuracy falls too (81.6% to 77.4% with 20%
in a check). Dropout, weight decay and augmentation are there to compare.

The run is `training.loop.fit`, the app's own loop (AdamW, cosine decay), with
a patience longer than the run so it never stops by itself; early stopping is
then replayed on the recorded validation losses for the patience the student
chose: where it would have stopped, and which epoch's weights it would have
kept (the lowest validation loss seen until then, as `fit` keeps them).
Whether a curve "turned" is decided on the run's numbers: the validation loss
must end RISE above its lowest, the accuracy FALL below its best, and a run is
only called over-fitted when it also scores GAP higher on its training images.

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
from training.augment import augment_digits
from training.datasets import Split
from training.loop import FitConfig, fit
from training.run import trainable

T = i18n.Texts("lessons-overfitting")
CONTROLS = (
    Control("examples", "whole", 500, "training_examples", low=100, high=5_000, step=100),
    Control("epochs", "whole", 50, "epochs", low=5, high=100, step=5),
    Control("patience", "whole", 5, "patience", "patience_field", low=1, high=20, step=1),
    Control("width", "whole", 512, "width", "hidden_width", low=16, high=1_024, step=16),
    Control("dropout", "float", 0.0, "dropout", low=0, high=0.8, step=0.05),
    Control("label_noise", "float", 0.0, "overfit_label_noise", "overfit_label_noise_field", low=0, high=0.5,
            step=0.05),
    Control("weight_decay", "float", 0.0, "overfit_weight_decay", low=0, high=1, step=0.05),
    Control("augment", "flag", False, "overfit_augment", "overfit_augment_field"),
)
DEFAULTS = defaults(CONTROLS)
VAL_EXAMPLES = 1_000
RISE = 0.05  # the validation loss "rose" when it ends at least 5% above its lowest (0.287 → 0.290 did not)
FALL = 0.01  # validation accuracy "fell" when it ends at least a point (10 of 1,000 images) below its best
SAME = 0.005  # two accuracies within half a point are "about the same"
GAP = 0.05  # a network that over-fits scores at least 5 points higher on its training images than on new ones


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


def noisy(train: Split, share: float, seed: int) -> tuple[Split, int]:
    """`train` with round(share × n) of its labels changed to another digit, picked at random; and that count."""
    generator = torch.Generator().manual_seed(seed + 1)
    count = round(share * len(train))
    labels = train.labels.clone()
    index = torch.randperm(len(labels), generator=generator)[:count]
    labels[index] = (labels[index] + torch.randint(1, 10, (count,), generator=generator)) % 10  # never the same
    return Split(train.inputs, labels), count


def run(examples: int = DEFAULTS["examples"], epochs: int = DEFAULTS["epochs"], patience: int = DEFAULTS["patience"],
        width: int = DEFAULTS["width"], dropout: float = DEFAULTS["dropout"],
        label_noise: float = DEFAULTS["label_noise"], weight_decay: float = DEFAULTS["weight_decay"],
        augment: bool = DEFAULTS["augment"], seed: int = 0) -> Iterator[Result]:
    """Train for all `epochs`, then replay early stopping with `patience` on the validation losses."""
    clock = Clock()
    data = splits("mnist")
    train, val = data["train"].sample(examples, seed), data["val"].sample(VAL_EXAMPLES, seed)
    train, wrong = noisy(train, label_noise, seed)
    config = registry.get("dnn").config(hidden_sizes=[width, width], batch_norm=False, dropout=dropout)
    fit_config = FitConfig(epochs=epochs, lr=1e-3, batch_size=50, patience=epochs + 1, weight_decay=weight_decay,
                           seed=seed, log_every=10_000)
    torch.manual_seed(seed)  # the same starting weights on every run
    model = trainable(config, "cpu")
    result = fit(model, train, val, fit_config, augment_digits if augment else None)
    history = result.history
    stopped, kept = early_stop([s.val_loss for s in history], patience)
    yield Result({"history": history, "stopped": stopped, "kept": kept, "patience": patience, "examples": examples,
                  "wrong": wrong, "dropout": dropout, "weight_decay": weight_decay, "augment": augment,
                  "val_loss": [s.val_loss for s in history], "train_loss": [s.train_loss for s in history],
                  "val_acc": [s.val_acc for s in history]}, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    history, stopped, kept = v["history"], v["stopped"], v["kept"]
    figure = plots.training_curves(history, kept, stopped if stopped < len(history) else None, language=language)
    figure.update_xaxes(dtick=None)  # fifty epochs: let plotly space the ticks
    return Shown(summary(v, language=language), (figure,))


def summary(v: dict, *, language: str = "en") -> str:
    """What the run's curves did, each verb chosen by its numbers (RISE, FALL, SAME), and what early stopping kept."""
    history, stopped, kept, patience = v["history"], v["stopped"], v["kept"], v["patience"]
    first, last, best = history[0], history[-1], history[kept - 1]
    lowest = min(history, key=lambda s: s.val_loss)
    top = max(history, key=lambda s: s.val_acc)
    rose = last.val_loss >= lowest.val_loss * (1 + RISE)
    fell = last.val_acc <= top.val_acc - FALL
    parts = [T.say("trained", language, examples=f"{v['examples']:,}", first=f"{first.train_loss:.3f}",
                   last=f"{last.train_loss:.4f}", accuracy=f"{last.train_acc:.1%}")]
    if v["wrong"]:
        parts.append(T.say("noisy", language, wrong=f"{v['wrong']:,}"))
    loss_said = "loss_rose" if rose else ("loss_falling" if lowest.epoch == last.epoch else "loss_flat")
    parts.append(T.say(loss_said, language, val=f"{VAL_EXAMPLES:,}", epoch=lowest.epoch,
                       lowest=f"{lowest.val_loss:.3f}", last_val=f"{last.val_loss:.3f}", last_epoch=last.epoch,
                       rise=f"{RISE:.0%}"))
    parts.append(T.say("acc_fell" if fell else "acc_held", language, epoch=top.epoch, best=f"{top.val_acc:.1%}",
                       last=f"{last.val_acc:.1%}", last_epoch=last.epoch))
    if last.train_acc < last.val_acc + GAP:  # no better on its own images than on new ones: nothing to over-fit
        parts.append(T.say("underfit", language, accuracy=f"{last.train_acc:.1%}", val_acc=f"{last.val_acc:.1%}"))
    else:
        parts.append(T.say("memorised" if fell else ("confident" if rose else "not_yet"), language))
        if rose and not fell:
            parts.append(T.say("more_noise" if v["wrong"] else "try_noise", language))
    text = " ".join(parts) + "\n\n" + T.say("curves", language)
    gap = last.train_acc - last.val_acc  # as fit measured them: training accuracy on its (noisy) labels
    on = [T.say(name, language, value=f"{v[name]:g}") for name in ("dropout", "weight_decay") if v[name]]
    on += [T.say("augmented", language)] if v["augment"] else []
    points = f"{gap * 100:+.1f}"
    text += " " + (T.say("with", language, on=", ".join(on), gap=points) if on
                   else T.say("without", language, gap=points))
    waited = T.say("epoch_one" if patience == 1 else "epoch_many", language, n=patience)
    if stopped < last.epoch:
        text += T.say("stopped", language, patience=patience, waited=waited, stopped=stopped, kept=kept,
                      best_accuracy=f"{best.val_acc:.1%}", best_loss=f"{best.val_loss:.3f}",
                      last_accuracy=f"{last.val_acc:.1%}", last_loss=f"{last.val_loss:.3f}")
    else:
        text += T.say("never", language, patience=patience, kept=kept, best_accuracy=f"{best.val_acc:.1%}")
    difference = best.val_acc - last.val_acc
    verdict = "gained" if difference > SAME else ("cost" if difference < -SAME else "same")
    if kept != last.epoch:
        text += " " + T.say(verdict, language, points=f"{abs(difference) * 100:.1f}")
    return text
