"""Lesson 9: batch normalisation, dropout and the activation: the tutorial's three switches on its configurable
DNN, here 2 → 32 → 32 → 1 on two rings of points (make_circles), so its decision boundary can be drawn.

Each hidden layer is Linear, then BatchNorm1d (a switch), then the activation
(ReLU, tanh, sigmoid or none), then Dropout (its probability). Without an
activation every layer is a multiply-and-add, and so is any chain of them: in
eval() mode the whole network is exactly one linear layer, which the lesson
recovers from three outputs (at the origin and one step along each axis) and
compares with the network on the test points. Its boundary is then a straight
line, and no straight line separates two rings.

train() and eval() differ in exactly these two layers: in train() dropout
zeroes a random share of the units (and scales the rest up), and batch norm
normalises with the mean and variance of the batch at hand; in eval() dropout
does nothing and batch norm uses the running averages it kept while training.
The lesson scores the same test points PASSES times in train() mode, each
time in batches of other random test points, and once in eval() mode.

Trained with Adam (learning rate 0.01) on 400 points in batches of 50; 400 more points to test.
Measured (benchmarks/lessons.py --only layers_lesson, 2-core AMD EPYC, 1 torch thread, defaults: 600 steps),
while other work held the load average near 30: 4.4 s wall (median of 3), 0.9 s of CPU time; the boundary lesson
beside it took 5.5 s wall and 0.9 s of CPU (0.5 s wall at load 2.5).
"""
import copy
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from sklearn.datasets import make_circles
from torch import nn

import i18n
from figures.style import COLOURS, layout
from lessons import Clock, Result, Shown
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-layers")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "none": nn.Identity}
NAMED = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "none": "no_activation"}  # each one's lessons.<key>
CONTROLS = (
    Control("activation", "choice", "relu", "activation", choices=tuple(ACTIVATIONS), shown=tuple(NAMED.values())),
    Control("batch_norm", "flag", True, "batch_norm", "batch_norm_field"),
    Control("dropout", "float", 0.2, "dropout", low=0, high=0.8, step=0.05),
    Control("steps", "whole", 600, "steps", low=50, high=3_000, step=50),
)
DEFAULTS = defaults(CONTROLS)
POINTS, WIDTH, BATCH, LR = 400, 32, 50, 0.01
UNBENT = 0.6  # an eval() accuracy below this has not found the rings' bend (a coin flip scores 50%)
PASSES = 20  # train()-mode scorings of the test points
TRACED = 12  # test points whose P(class 1) the second figure shows pass by pass
GRID = 60
FRAMES = 8


# ---- the experiment --------------------------------------------------------------------------------------------------


def rings(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """2 × POINTS points on two rings (the inner half the size), with a little noise; labels 1 for the inner."""
    x, y = make_circles(2 * POINTS, noise=0.1, factor=0.5, random_state=seed)
    return torch.tensor(x / x.std(axis=0), dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def network(activation: str, batch_norm: bool, dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = 2
    for _ in range(2):
        layers.append(nn.Linear(width, WIDTH))
        if batch_norm:
            layers.append(nn.BatchNorm1d(WIDTH))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = WIDTH
    layers.append(nn.Linear(width, 1))  # a logit
    return nn.Sequential(*layers)


@torch.no_grad()
def as_one_linear_layer(model: nn.Module, points: torch.Tensor) -> tuple[np.ndarray, float, float]:
    """(w, b, gap): the linear layer logit = w·x + b that matches the eval()-mode network at the origin and one step
    along each axis, and the largest difference between the two on `points` (zero, up to rounding, exactly when
    the network is one linear layer)."""
    model.eval()
    anchors = model(torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))[:, 0]
    b = anchors[0].item()
    w = np.array([anchors[1].item() - b, anchors[2].item() - b])
    straight = points.numpy() @ w + b
    return w, b, float(np.abs(model(points)[:, 0].numpy() - straight).max())


@torch.no_grad()
def passes(model: nn.Module, points: torch.Tensor, seed: int) -> np.ndarray:
    """P(class 1) of every point in PASSES train()-mode scorings, (PASSES, n), each pass in batches of BATCH
    random points; on a copy, so the model's batch-norm averages stay as training left them."""
    scorer = copy.deepcopy(model).train()
    generator = torch.Generator().manual_seed(seed + 1)
    probabilities = np.zeros((PASSES, len(points)), np.float32)
    for i in range(PASSES):
        for batch in torch.randperm(len(points), generator=generator).split(BATCH):
            probabilities[i, batch.numpy()] = torch.sigmoid(scorer(points[batch])[:, 0]).numpy()
    return probabilities


def run(activation: str = DEFAULTS["activation"], batch_norm: bool = DEFAULTS["batch_norm"],
        dropout: float = DEFAULTS["dropout"], steps: int = DEFAULTS["steps"], seed: int = 0) -> Iterator[Result]:
    """Train on the training rings, redrawing the boundary up to FRAMES times; then the one-linear-layer check and
    the test points scored in train() and in eval() mode."""
    clock = Clock(every=0.5)  # a redraw of the plane at most twice a second
    x, y = rings(seed)
    train_x, train_y, test_x, test_y = x[:POINTS], y[:POINTS], x[POINTS:], y[POINTS:]
    torch.manual_seed(seed)
    model = network(activation, batch_norm, dropout)
    optimiser = torch.optim.Adam(model.parameters(), lr=LR)
    order = torch.Generator().manual_seed(seed)
    axis = np.linspace(-2.5, 2.5, GRID, dtype=np.float32)
    grid = torch.from_numpy(np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2))
    settings = {"activation": activation, "batch_norm": batch_norm, "dropout": dropout, "steps": steps}
    losses: list[float] = []
    batches = iter(())
    for step in range(1, steps + 1):
        batch = next(batches, None)
        if batch is None:
            batches = iter(torch.randperm(POINTS, generator=order).split(BATCH))
            batch = next(batches)
        model.train()
        loss = nn.functional.binary_cross_entropy_with_logits(model(train_x[batch])[:, 0], train_y[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        if step % max(1, steps // FRAMES) == 0 and step < steps and clock.due():
            yield Result(frame(model, test_x, test_y, axis, grid, losses, step) | settings, clock(), done=False)
    model.eval()
    with torch.no_grad():
        eval_probability = torch.sigmoid(model(test_x)[:, 0]).numpy()
    w, b, gap = as_one_linear_layer(model, test_x)
    train_probability = passes(model, test_x, seed)
    labels = test_y.numpy()
    yield Result(frame(model, test_x, test_y, axis, grid, losses, steps) | settings | {
        "accuracy": float(((eval_probability > 0.5) == labels).mean()),
        "pass_accuracy": ((train_probability > 0.5) == labels).mean(axis=1).tolist(),
        "eval_probability": eval_probability, "train_probability": train_probability,
        "moved": float((train_probability.max(axis=0) - train_probability.min(axis=0)).max()),
        "w": w, "b": b, "gap": gap}, clock())


@torch.no_grad()
def frame(model: nn.Module, x: torch.Tensor, y: torch.Tensor, axis: np.ndarray, grid: torch.Tensor,
          losses: list[float], step: int) -> dict:
    """The eval()-mode P(class 1) over the plane, the test points, the losses until `step`."""
    model.eval()
    probability = torch.sigmoid(model(grid)[:, 0]).reshape(len(axis), len(axis)).numpy()
    return {"points": x.numpy(), "labels": y.numpy(), "axis": axis, "probability": probability,
            "losses": list(losses), "step": step}


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    boundary = boundary_figure(v["points"], v["labels"], v["axis"], v["probability"], v["step"], language=language)
    if not result.done:
        return Shown(T.say("step", language, step=v["step"], steps=v["steps"], loss=f"{v['losses'][-1]:.3f}"),
                     (boundary, None))
    modes = modes_figure(v["train_probability"], v["eval_probability"], v["labels"], language=language)
    return Shown(summary(v, language=language), (boundary, modes))


def summary(v: dict, *, language: str = "en") -> str:
    named = i18n.say(f"lessons.{NAMED[v['activation']]}", language)
    text = T.say("result", language, steps=v["steps"], activation=named, points=POINTS,
                 accuracy=f"{v['accuracy']:.1%}")
    if v["activation"] == "none":
        w, b = v["w"], v["b"]
        text += T.say("collapsed", language, formula=f"{w[0]:.3f}·x₁ {'−' if w[1] < 0 else '+'} {abs(w[1]):.3f}·x₂ "
                                                     f"{'−' if b < 0 else '+'} {abs(b):.3f}", gap=f"{v['gap']:.1e}")
    else:
        text += T.say("bent", language, activation=named, gap=f"{v['gap']:.3g}")
        if v["accuracy"] < UNBENT:
            text += T.say("unbent", language, accuracy=f"{v['accuracy']:.1%}")
    low, high = min(v["pass_accuracy"]), max(v["pass_accuracy"])
    text += "\n\n" + T.say("modes", language, passes=PASSES, low=f"{low:.1%}", high=f"{high:.1%}",
                           moved=f"{v['moved']:.3f}", accuracy=f"{v['accuracy']:.1%}")
    if v["dropout"] > 0:
        text += T.say("dropout", language, dropout=f"{v['dropout']:.0%}")
    if v["batch_norm"]:
        text += T.say("batch_norm", language)
    if v["dropout"] == 0 and not v["batch_norm"]:
        text += T.say("neither", language)
    return text


def boundary_figure(x: np.ndarray, y: np.ndarray, axis: np.ndarray, probability: np.ndarray, step: int, *,
                    language: str = "en") -> go.Figure:
    """The eval()-mode P(class 1) over the plane, its 0.5 line and the test points."""
    fig = go.Figure(go.Contour(x=axis, y=axis, z=probability, zmin=0, zmax=1, colorscale="RdBu", reversescale=True,
                               opacity=0.75, contours=dict(start=0, end=1, size=0.1),
                               colorbar=dict(title=T.say("probability", language)),
                               hovertemplate=T.say("probability", language) + " = %{z:.2f}<extra></extra>"))
    fig.add_trace(go.Contour(x=axis, y=axis, z=probability, showscale=False, hoverinfo="skip",
                             contours=dict(start=0.5, end=0.5, coloring="none"), line=dict(width=3, color="#111"),
                             name=T.say("boundary", language), showlegend=True))
    for label, colour, symbol in ((0, "#2563eb", "circle"), (1, "#dc2626", "diamond")):
        chosen = y == label
        fig.add_trace(go.Scatter(x=x[chosen, 0], y=x[chosen, 1], mode="markers",
                                 name=T.say("outer" if label == 0 else "inner", language),
                                 marker=dict(color=colour, size=6, symbol=symbol, line=dict(color="white", width=1))))
    fig.update_yaxes(scaleanchor="x", range=[axis[0], axis[-1]])
    fig.update_xaxes(range=[axis[0], axis[-1]], constrain="domain")
    return layout(fig, 440, T.say("title", language, step=step))


def modes_figure(train_probability: np.ndarray, eval_probability: np.ndarray, labels: np.ndarray, *,
                 language: str = "en") -> go.Figure:
    """For the first TRACED test points: P(class 1) in each train()-mode pass (dots) and in eval() mode."""
    shown = np.arange(TRACED)
    names = [T.say("point_inner" if labels[i] == 1 else "point_outer", language, n=i + 1) for i in shown]
    fig = go.Figure(go.Scatter(x=np.repeat(names, PASSES), y=train_probability[:, shown].T.reshape(-1),
                               mode="markers", name=T.say("train_mode", language),
                               marker=dict(color=COLOURS["train"], symbol="circle", size=6, opacity=0.5)))
    fig.add_trace(go.Scatter(x=names, y=eval_probability[shown], mode="markers", name=T.say("eval_mode", language),
                             marker=dict(color=COLOURS["val"], symbol="diamond", size=12,
                                         line=dict(color="#111827", width=1))))
    fig.add_hline(y=0.5, line=dict(color="#6b7280", dash="dash"))
    fig.update_yaxes(range=[-0.02, 1.02], title_text=T.say("probability", language))
    fig.update_xaxes(title_text=T.say("points_axis", language))
    layout(fig, 360, T.say("modes_title", language, passes=PASSES))
    return fig.update_layout(legend=dict(y=-0.3))
