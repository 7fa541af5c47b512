"""Lesson 1: weight initialisation. The same DNN from four starting points, on the same images in the same order.

The schemes are the lesson's own: zeros, Gaussian with σ = 1 (the textbook's
"too large" start), Xavier (Glorot) uniform and Kaiming (He) normal. The
Retrain tab's "gaussian" (models/initialisation.py) stays σ = 0.01, the small
random start of early tutorials, which trains; the lesson shows the large one.

The DNN here has no BatchNorm unless the student switches it on (the shipped
one, and the tutorial's, have it): BatchNorm rescales every layer's output and
hides most of what the starting scale does (σ = 1's first-epoch loss was 727
without it and about 5 with it in a check). Training is an explicit loop with
Adam and no divergence guard, so a start that makes the loss huge is drawn as
it is instead of stopping the run.

From zeros the hidden units stay identical whatever the activation, but what
they can learn differs: ReLU(0) = tanh(0) = 0, so the hidden outputs are zero
and only the output biases learn; sigmoid(0) = 0.5, so the output layer and the
(identical) hidden units learn, as a network one unit wide. The run measures
the zero start's hidden outputs rather than assuming either.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
5,000 images, 8 epochs, width 128): 2.9 s, 4.7 s when it first reads MNIST.
"""
import math
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

import i18n
import models
from figures.style import layout, styled
from lessons import Clock, Result, Shown, splits
from lessons.controls import Control, defaults
from models import registry
from models.initialisation import init_weights

T = i18n.Texts("lessons-initialisation")
SCHEMES = ("zeros", "gaussian", "xavier", "kaiming")  # by key; each is named by lessons-initialisation.<key>
ACTIVATIONS = ("relu", "tanh", "sigmoid")
CONTROLS = (
    Control("epochs", "whole", 8, "epochs", low=1, high=15, step=1),
    Control("log_lr", "float", -3, "adam_lr", "lr_exponent", low=-4, high=-1, step=0.25),  # Adam's rate is 10^x
    Control("width", "whole", 128, "halved_width", "hidden_width", low=8, high=512, step=8),
    Control("examples", "whole", 5_000, "training_examples", low=500, high=10_000, step=500),
    Control("activation", "choice", "relu", "activation", choices=ACTIVATIONS),
    Control("batch_norm", "flag", False, "init_batch_norm"),
)
DEFAULTS = defaults(CONTROLS)
VAL_EXAMPLES = 2_000
BATCH = 64
STUCK_MARGIN = 0.02  # from zeros, an accuracy within 2 points of the most common digit's share "stayed" there


# ---- the experiment --------------------------------------------------------------------------------------------------


def initialise(model: nn.Module, scheme: str) -> None:
    """Set every Linear layer's weights by the lesson's `scheme` (biases zero)."""
    if scheme != "gaussian":
        init_weights(model, scheme)
        return
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=1.0)  # σ = 1: each unit sums 784 inputs, so its output is ~28× larger
            nn.init.zeros_(module.bias)


def build(scheme: str, width: int, activation: str, batch_norm: bool = False) -> nn.Module:
    config = registry.get("dnn").config(hidden_sizes=[width, max(1, width // 2)], batch_norm=batch_norm, dropout=0.0,
                                        activation=activation)
    model = models.build(config)
    initialise(model, scheme)
    return model


@torch.no_grad()
def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    model.eval()
    logits = model(images)
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item()


def run(epochs: int = DEFAULTS["epochs"], log_lr: float = DEFAULTS["log_lr"], width: int = DEFAULTS["width"],
        examples: int = DEFAULTS["examples"], activation: str = DEFAULTS["activation"],
        batch_norm: bool = DEFAULTS["batch_norm"], seed: int = 0) -> Iterator[Result]:
    """Train the DNN from each scheme in turn; while it trains, the curves so far and the scheme in training."""
    clock = Clock()
    data = splits("mnist")
    train, val = data["train"].sample(examples, seed), data["val"].sample(VAL_EXAMPLES, seed)
    images, labels = train.inputs[0].float() / 255, train.labels
    val_images, val_labels = val.inputs[0].float() / 255, val.labels
    curves = {scheme: {"train_loss": [], "val_loss": [], "val_acc": []} for scheme in SCHEMES}
    spread = {}
    for scheme in SCHEMES:
        torch.manual_seed(seed)
        model = build(scheme, width, activation, batch_norm)
        optimiser = torch.optim.Adam(model.parameters(), lr=10 ** log_lr)
        order_generator = torch.Generator().manual_seed(seed)  # every scheme sees the same batches in the same order
        for _ in range(epochs):
            model.train()
            total, seen = 0.0, 0
            for index in torch.randperm(len(labels), generator=order_generator).split(BATCH):
                loss = F.cross_entropy(model(images[index]), labels[index])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total, seen = total + loss.item() * len(index), seen + len(index)
            val_loss, val_acc = evaluate(model, val_images, val_labels)
            curves[scheme]["train_loss"].append(total / seen)
            curves[scheme]["val_loss"].append(val_loss)
            curves[scheme]["val_acc"].append(val_acc)
            if clock.due():
                yield Result({"scheme": scheme, "curves": _copy(curves), "epochs": epochs}, clock(), done=False)
        first = next(m for m in model.modules() if isinstance(m, nn.Linear)).weight
        spread[scheme] = (first - first[0]).abs().max().item()  # 0 when every first-layer unit is the same
        if scheme == "zeros":
            zero_hidden = hidden_output(model, val_images)
    majority = val_labels.bincount(minlength=10).max().item() / len(val_labels)
    yield Result({"curves": curves, "epochs": epochs, "width": width, "spread": spread, "majority": majority,
                  "val_acc": {s: c["val_acc"][-1] for s, c in curves.items()}, "zero_hidden": zero_hidden,
                  "activation": activation, "batch_norm": batch_norm}, clock())


@torch.no_grad()
def hidden_output(model: nn.Module, images: torch.Tensor) -> float:
    """The mean |output| of the last hidden layer on `images`: what the output layer has to learn from."""
    model.eval()
    hidden = model.layers[:-1]  # models/dnn.py: the hidden blocks, then the output Linear
    return hidden((images - model.config.mean) / model.config.std).abs().mean().item()


def _copy(curves: dict) -> dict:
    """The curves as they are now (the run goes on appending to its own)."""
    return {scheme: {name: list(values) for name, values in c.items()} for scheme, c in curves.items()}


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    figures = (figure(v["curves"], v["epochs"], language=language),)
    if not result.done:
        return Shown(T.say("training", language, scheme=T.say(v["scheme"], language)), figures)
    return Shown(summary(v, language=language), figures)


def summary(v: dict, *, language: str = "en") -> str:
    """The run's table and what it showed: every verb below is chosen by the run's own numbers."""
    curves, spread, majority = v["curves"], v["spread"], v["majority"]
    accuracy = {s: c["val_acc"][-1] for s, c in curves.items()}
    start_loss = {s: c["train_loss"][0] for s, c in curves.items()}
    chance = math.log(10)  # the cross-entropy of a uniform guess over ten digits
    lines = [T.say("header", language), "|---|---|---|"]
    lines += [f"| {T.say(s, language)} | {_number(start_loss[s], language)} | {accuracy[s]:.1%} |" for s in SCHEMES]
    stuck = accuracy["zeros"] <= majority + STUCK_MARGIN
    zeros = [T.say("stuck" if stuck else "zeros_learnt", language, accuracy=f"{accuracy['zeros']:.1%}",
                   majority=f"{majority:.1%}"),
             T.say("symmetric", language, width=v["width"], spread=f"{spread['zeros']:.3g}") +
             T.say("copied" if spread["zeros"] < 1e-6 else "stop", language)]
    if v["zero_hidden"] == 0:
        zeros.append(T.say("zero_outputs", language, activation=v["activation"]))
    else:
        zeros.append(T.say("one_wide", language, activation=v["activation"], hidden=f"{v['zero_hidden']:.3g}"))
    best = max(("xavier", "kaiming"), key=accuracy.get)
    harmed = not start_loss["gaussian"] < chance  # a first epoch worse than guessing (or overflowed)
    gaussian = [T.say("too_large" if harmed else "survived", language, loss=_number(start_loss["gaussian"], language),
                      chance=f"{chance:.2f}", accuracy=f"{accuracy['gaussian']:.1%}",
                      best=T.say(best, language), best_accuracy=f"{accuracy[best]:.1%}")]
    gaussian.append(T.say("with_bn" if v["batch_norm"] else "without_bn", language))
    scaled = T.say("scaled", language, xavier=f"{accuracy['xavier']:.1%}", kaiming=f"{accuracy['kaiming']:.1%}")
    return "\n".join(lines) + "\n\n" + " ".join(zeros) + "\n\n" + " ".join(gaussian) + "\n\n" + scaled


def figure(curves: dict, epochs: int, *, language: str = "en") -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(T.say("loss_title", language),
                                                        T.say("accuracy_title", language)))
    for scheme, c in curves.items():
        x = list(range(1, len(c["train_loss"]) + 1))
        style = dict(mode="lines+markers", name=T.say(scheme, language), legendgroup=scheme,
                     **styled(scheme))
        fig.add_trace(go.Scatter(x=x, y=_finite(c["train_loss"]), **style), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=c["val_acc"], showlegend=False, **style), row=1, col=2)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_xaxes(title_text=T.say("epoch", language), range=[0.5, epochs + 0.5], dtick=1 if epochs <= 12 else None)
    return layout(fig, 360)


def _finite(values: list[float]) -> list[float | None]:
    return [v if np.isfinite(v) else None for v in values]


def _number(value: float, language: str = "en") -> str:
    return f"{value:.3g}" if np.isfinite(value) else T.say("overflowed", language)
