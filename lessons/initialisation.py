"""Lesson 1: weight initialisation. The same DNN from four starting points, on the same images in the same order.

The schemes are the lesson's own: zeros, Gaussian with σ = 1 (the textbook's
"too large" start), Xavier (Glorot) uniform and Kaiming (He) normal. The
Retrain tab's "gaussian" (models/initialisation.py) stays σ = 0.01, the small
random start of early tutorials, which trains; the lesson shows the large one.

The DNN here has no BatchNorm (the shipped one has): BatchNorm rescales every
layer's output and would hide most of what the starting scale does. Training
is an explicit loop with Adam and no divergence guard, so a start that makes
the loss huge is drawn as it is instead of stopping the run.

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

import models
from lessons import Clock, Result, splits
from lessons.figures import layout, styled
from models import registry
from models.initialisation import init_weights

SCHEMES = {"zeros": "zeros", "gaussian": "Gaussian σ = 1", "xavier": "Xavier (Glorot) uniform",
           "kaiming": "Kaiming (He) normal"}
ACTIVATIONS = ("relu", "tanh", "sigmoid")
DEFAULTS = dict(epochs=8, lr=1e-3, width=128, examples=5_000, activation="relu")
VAL_EXAMPLES = 2_000
BATCH = 64


def initialise(model: nn.Module, scheme: str) -> None:
    """Set every Linear layer's weights by the lesson's `scheme` (biases zero)."""
    if scheme != "gaussian":
        init_weights(model, scheme)
        return
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=1.0)  # σ = 1: each unit sums 784 inputs, so its output is ~28× larger
            nn.init.zeros_(module.bias)


def build(scheme: str, width: int, activation: str) -> nn.Module:
    config = registry.get("dnn").config(hidden_sizes=[width, max(1, width // 2)], batch_norm=False, dropout=0.0,
                                        activation=activation)
    model = models.build(config)
    initialise(model, scheme)
    return model


@torch.no_grad()
def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    model.eval()
    logits = model(images)
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item()


def run(epochs: int = 8, lr: float = 1e-3, width: int = 128, examples: int = 5_000, activation: str = "relu",
        seed: int = 0) -> Iterator[Result]:
    clock = Clock()
    data = splits("mnist")
    train, val = data["train"].sample(examples, seed), data["val"].sample(VAL_EXAMPLES, seed)
    images, labels = train.inputs[0].float() / 255, train.labels
    val_images, val_labels = val.inputs[0].float() / 255, val.labels
    curves = {scheme: {"train_loss": [], "val_loss": [], "val_acc": []} for scheme in SCHEMES}
    spread = {}
    for scheme in SCHEMES:
        torch.manual_seed(seed)
        model = build(scheme, width, activation)
        optimiser = torch.optim.Adam(model.parameters(), lr=lr)
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
                yield Result(f"Training from **{SCHEMES[scheme]}**…", (figure(curves, epochs),), clock(), done=False)
        first = next(m for m in model.modules() if isinstance(m, nn.Linear)).weight
        spread[scheme] = (first - first[0]).abs().max().item()  # 0 when every first-layer unit is the same
    majority = val_labels.bincount(minlength=10).max().item() / len(val_labels)
    yield Result(summary(curves, spread, majority, width), (figure(curves, epochs),), clock(),
                 extra={"val_acc": {s: c["val_acc"][-1] for s, c in curves.items()}, "spread": spread,
                        "majority": majority})


def summary(curves: dict, spread: dict, majority: float, width: int) -> str:
    accuracy = {s: c["val_acc"][-1] for s, c in curves.items()}
    start_loss = {s: c["train_loss"][0] for s, c in curves.items()}
    lines = ["| start | first-epoch training loss | final validation accuracy |", "|---|---|---|"]
    lines += [f"| {SCHEMES[s]} | {_number(start_loss[s])} | {accuracy[s]:.1%} |" for s in SCHEMES]
    zeros = (f"From **zeros**, accuracy stayed at {accuracy['zeros']:.1%}; always answering the most common digit "
             f"scores {majority:.1%} here. Every hidden unit started equal, computed the same output and got the "
             "same gradient, so they stayed equal: after training the largest difference between any two of the "
             f"{width} first-layer units is {spread['zeros']:.3g}" +
             (" — they are still one unit copied." if spread["zeros"] < 1e-6 else ".") +
             " With all-zero weights the hidden outputs are zero too, so only the output biases can learn.")
    gaussian = (f"**Gaussian σ = 1** starts far too large: its first-epoch loss was {_number(start_loss['gaussian'])} "
                f"(chance is {math.log(10):.2f}), and it reached {accuracy['gaussian']:.1%}.")
    scaled = (f"**Xavier** and **Kaiming** scale each layer by its number of inputs, so signals keep their size "
              f"through the layers: {accuracy['xavier']:.1%} and {accuracy['kaiming']:.1%}.")
    return "\n".join(lines) + "\n\n" + " ".join([zeros, gaussian, scaled])


def figure(curves: dict, epochs: int) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("training loss (log scale)", "validation accuracy"))
    for scheme, c in curves.items():
        x = list(range(1, len(c["train_loss"]) + 1))
        style = dict(mode="lines+markers", name=SCHEMES[scheme], legendgroup=scheme,
                     **styled(scheme))
        fig.add_trace(go.Scatter(x=x, y=_finite(c["train_loss"]), **style), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=c["val_acc"], showlegend=False, **style), row=1, col=2)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_xaxes(title_text="epoch", range=[0.5, epochs + 0.5], dtick=1 if epochs <= 12 else None)
    return layout(fig, 360)


def _finite(values: list[float]) -> list[float | None]:
    return [v if np.isfinite(v) else None for v in values]


def _number(value: float) -> str:
    return f"{value:.3g}" if np.isfinite(value) else "not a number (it overflowed)"
