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

from lessons import Clock, Result, splits
from models import registry
from training.loop import FitConfig, fit
from training.run import trainable
from ui import i18n, plots

T = i18n.Texts(
    "lessons-overfitting",
    memorised=("On its {examples} training images the loss fell from {first} to {last} (training accuracy {accuracy}): "
               "it can recite them. On {val} images it never trained on, the loss was lowest at epoch {epoch} "
               "({lowest}) and was {last_val} by epoch {last_epoch}",
               "학습 이미지 {examples}장에서는 손실이 {first}에서 {last}까지 떨어졌어요 (학습 정확도 {accuracy}). "
               "이 이미지들을 줄줄 외운 셈이에요. 학습에 한 번도 쓰지 않은 이미지 {val}장에서는 손실이 "
               "에포크 {epoch}에서 가장 낮았고 ({lowest}), 에포크 {last_epoch}에서는 {last_val}"),
    turned=(": after that point it learnt the training images' quirks, not digits.",
            "까지 올라갔어요. 그 뒤로는 숫자가 아니라 학습 이미지만의 사소한 버릇을 배운 거예요."),
    not_yet=(": it has not started to over-fit yet. Give it more epochs or fewer images.",
             "까지 내려왔어요. 아직 과적합이 시작되지 않았어요. 에포크를 늘리거나 이미지 수를 줄여 보세요."),
    stopped=("\n\n**Early stopping with patience {patience}** would have stopped after epoch {stopped} ({patience} "
             "epochs without a lower validation loss) and kept the weights of epoch {kept}: validation accuracy "
             "{best_accuracy} (loss {best_loss}), against {last_accuracy} (loss {last_loss}) for the weights of the "
             "last epoch.",
             "\n\n**인내 횟수(patience)가 {patience}인 조기 종료**를 썼다면, 검증 손실이 {patience}에포크 연속으로 "
             "낮아지지 않은 에포크 {stopped} 뒤에 멈추고 에포크 {kept}의 가중치를 남겼을 거예요. 그 가중치의 검증 "
             "정확도는 {best_accuracy}(손실 {best_loss})이고, 마지막 에포크의 가중치는 {last_accuracy}(손실 "
             "{last_loss})예요."),
    never=("\n\nWith **patience {patience}**, early stopping would never have stopped this run; it would have kept "
           "the weights of epoch {kept}, validation accuracy {best_accuracy}.",
           "\n\n**인내 횟수(patience)가 {patience}**일 때는 조기 종료가 일어나지 않고 이 학습이 끝까지 갔을 거예요. "
           "남기는 가중치는 에포크 {kept}의 것이고, 검증 정확도는 {best_accuracy}예요."),
)
DEFAULTS = dict(examples=500, epochs=50, patience=5, width=512, dropout=0.0)
VAL_EXAMPLES = 1_000


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


def run(examples: int = 500, epochs: int = 50, patience: int = 5, width: int = 512, dropout: float = 0.0,
        seed: int = 0, *, language: str = "en") -> Iterator[Result]:
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
    figure = plots.training_curves(history, kept, stopped if stopped < len(history) else None, language=language)
    figure.update_xaxes(dtick=None)  # fifty epochs: let plotly space the ticks
    yield Result(summary(history, stopped, kept, patience, examples, language=language), (figure,), clock(),
                 extra={"stopped": stopped, "kept": kept, "val_loss": [s.val_loss for s in history],
                        "train_loss": [s.train_loss for s in history]})


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
