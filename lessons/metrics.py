"""Lesson 10: metrics beyond accuracy. "Is it a 9?" on MNIST: about one digit in ten is a 9, so a model that
never says 9 is right about 90% of the time and useless. A logistic regression (784 pixels → one probability)
learns the question on a few MNIST training images; a threshold turns its probabilities into answers on TEST
test digits, and the student moves it.

Precision is the share of the digits called 9 that are 9s, recall the share
of the 9s called 9, F1 their harmonic mean (2·TP / (2·TP + FP + FN)). A digit
is called a 9 when its probability is at least the threshold, as
scikit-learn's roc_curve counts it, so the point the threshold picks lies on
the ROC curve (false-positive rate against true-positive rate over every
threshold); the area under that curve (AUC) is the chance that a random 9
scores higher than a random other digit, whatever the threshold. Raising the
threshold calls fewer digits 9s, so recall can only fall or stay.

Trained with full-batch Adam (learning rate 0.01, STEPS steps) on binary cross-entropy.
Measured (benchmarks/lessons.py --only metrics_lesson, 2-core AMD EPYC, 1 torch thread, defaults: 1,000
images), while other work held the load average near 30: 1.2 s wall (median of 3, MNIST already read), 0.27 s of
CPU time; the boundary lesson beside it took 5.5 s wall and 0.9 s of CPU (0.5 s wall at load 2.5).
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from sklearn.metrics import roc_auc_score, roc_curve
from torch import nn

import i18n
from figures.style import COLOURS, layout
from lessons import Clock, Result, Shown, splits
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-metrics")
CONTROLS = (
    Control("threshold", "float", 0.5, "threshold", "threshold_field", low=0.01, high=0.99, step=0.01),
    Control("examples", "whole", 1_000, "training_examples", low=100, high=10_000, step=100),
)
DEFAULTS = defaults(CONTROLS)
POSITIVE = 9  # the digit the model looks for
TEST = 2_000
STEPS, LR = 200, 0.01


# ---- the experiment --------------------------------------------------------------------------------------------------


def pixels(images: torch.Tensor) -> torch.Tensor:
    return images.reshape(len(images), -1).float() / 255


def train(images: torch.Tensor, is_nine: torch.Tensor, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Linear(28 * 28, 1)
    optimiser = torch.optim.Adam(model.parameters(), lr=LR)
    for _ in range(STEPS):
        loss = nn.functional.binary_cross_entropy_with_logits(model(images)[:, 0], is_nine)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model


def counts(scores: np.ndarray, is_nine: np.ndarray, threshold: float) -> dict:
    """The confusion counts when a score at least `threshold` is called a 9, and the measures made of them
    (precision None when nothing is called a 9)."""
    called = scores >= threshold
    tp, fp = int((called & is_nine).sum()), int((called & ~is_nine).sum())
    fn, tn = int((~called & is_nine).sum()), int((~called & ~is_nine).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "accuracy": (tp + tn) / len(scores),
            "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn), "fpr": fp / (fp + tn)}


def run(threshold: float = DEFAULTS["threshold"], examples: int = DEFAULTS["examples"], seed: int = 0
        ) -> Iterator[Result]:
    """Train on `examples` MNIST images, score TEST test digits, and count at `threshold`."""
    clock = Clock()
    data = splits("mnist")
    train_split, test_split = data["train"].sample(examples, seed), data["test"].sample(TEST, seed)
    model = train(pixels(train_split.inputs[0]), (train_split.labels == POSITIVE).float(), seed)
    with torch.no_grad():
        scores = torch.sigmoid(model(pixels(test_split.inputs[0]))[:, 0]).numpy()
    is_nine = (test_split.labels == POSITIVE).numpy()
    fpr, tpr, _ = roc_curve(is_nine, scores, drop_intermediate=False)  # every threshold: the point is a vertex
    yield Result({"threshold": threshold, "examples": examples, "n": len(scores), "nines": int(is_nine.sum()),
                  "auc": float(roc_auc_score(is_nine, scores)), "roc": (fpr, tpr),
                  "baseline": float((~is_nine).mean())} | counts(scores, is_nine, threshold), clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    return Shown(summary(v, language=language), (roc_figure(v, language=language),
                                                 confusion_figure(v, language=language)))


def summary(v: dict, *, language: str = "en") -> str:
    flagged = v["tp"] + v["fp"]
    text = T.say("counts", language, n=f"{v['n']:,}", nines=v["nines"], share=f"{v['nines'] / v['n']:.1%}",
                 examples=f"{v['examples']:,}", threshold=f"{v['threshold']:.2f}", flagged=flagged, tp=v["tp"],
                 fp=v["fp"], fn=v["fn"])
    precision = f"{v['precision']:.1%}" if v["precision"] is not None else T.say("undefined", language)
    rows = (("accuracy", f"{v['accuracy']:.1%}"), ("precision", precision), ("recall", f"{v['recall']:.1%}"),
            ("f1", f"{v['f1']:.3f}"), ("auc", f"{v['auc']:.3f}"))
    text += "\n\n" + T.say("header", language) + "\n|---|---|"
    for key, value in rows:
        text += f"\n| **{T.say(key, language)}**: {T.say(key + '_means', language)} | {value} |"
    text += "\n\n" + T.say("baseline", language, baseline=f"{v['baseline']:.1%}", accuracy=f"{v['accuracy']:.1%}")
    return text


def roc_figure(v: dict, *, language: str = "en") -> go.Figure:
    """The ROC curve, chance's diagonal, and the point the threshold picks."""
    fpr, tpr = v["roc"]
    fig = go.Figure(go.Scatter(x=fpr, y=tpr, mode="lines", name=T.say("roc", language, auc=f"{v['auc']:.3f}"),
                               line=dict(color=COLOURS["train"], width=3)))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=T.say("chance", language),
                             line=dict(color="#6b7280", dash="dash")))
    fig.add_trace(go.Scatter(x=[v["fpr"]], y=[v["recall"]], mode="markers",
                             name=T.say("here", language, threshold=f"{v['threshold']:.2f}"),
                             marker=dict(color=COLOURS["val"], symbol="diamond", size=16,
                                         line=dict(color="#111827", width=2))))
    fig.update_xaxes(range=[-0.01, 1.01], title_text=T.say("fpr_axis", language))
    fig.update_yaxes(range=[-0.01, 1.01], title_text=T.say("tpr_axis", language))
    return layout(fig, 420, T.say("roc_title", language))


def confusion_figure(v: dict, *, language: str = "en") -> go.Figure:
    """The 2 × 2 confusion matrix at the threshold: rows what the digit is, columns what the model said."""
    names = [T.say("other", language), T.say("nine", language)]
    matrix = [[v["tn"], v["fp"]], [v["fn"], v["tp"]]]
    cells = [[T.say("tn", language), T.say("fp", language)], [T.say("fn", language), T.say("tp", language)]]
    text = [[f"{cells[i][j]}<br>{matrix[i][j]}" for j in range(2)] for i in range(2)]
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, text=text, texttemplate="%{text}", colorscale="Blues",
                               showscale=False, hovertemplate="%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", title_text=T.say("true_axis", language))
    fig.update_xaxes(type="category", title_text=T.say("said_axis", language))
    return layout(fig, 360, T.say("confusion_title", language, threshold=f"{v['threshold']:.2f}"))
