"""Lesson 4: a decision boundary in 2-D. A small network 2 → hidden → 1 (tanh, sigmoid output) learns to
separate two classes of points, trained with BCELoss and plain SGD on all points at once.

With zero hidden units it is logistic regression: the output is
sigmoid(w·x + b), so the boundary (output 0.5, where w·x + b = 0) is a straight
line, whatever the training — and no straight line separates two moons or two
rings. Each hidden unit adds one line's worth of bend.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
200 points, 8 hidden units, 800 steps, 16 redraws): 0.5–0.9 s, most of it building figures.
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from sklearn.datasets import make_blobs, make_circles, make_moons
from torch import nn

import i18n
from figures.style import layout
from lessons import Clock, Result, Shown
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-boundary")
DATASETS = ("moons", "circles", "blobs")
CONTROLS = (
    Control("dataset", "choice", "moons", "dataset", "dataset_field", choices=DATASETS),
    Control("hidden", "whole", 8, "hidden_units", "hidden_field", low=0, high=32, step=1),
    Control("lr", "float", 0.5, "sgd_lr", "lr", low=0.01, high=10, step=0.01),
    Control("noise", "float", 0.2, "noise", low=0, high=0.5, step=0.05),
    Control("steps", "whole", 800, "steps", low=10, high=3_000, step=10),
)
DEFAULTS = defaults(CONTROLS)
POINTS = 200
GRID = 70  # the probability is drawn on GRID × GRID points
FRAMES = 16  # redraws while training (about 0.1 s of figure-building each)


# ---- the experiment --------------------------------------------------------------------------------------------------


def points(dataset: str, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 2) standardised, y (n,) of 0/1) from scikit-learn's generators."""
    if dataset == "moons":
        x, y = make_moons(POINTS, noise=noise, random_state=seed)
    elif dataset == "circles":
        x, y = make_circles(POINTS, noise=noise, factor=0.5, random_state=seed)
    else:  # two blobs whose spread grows with the noise
        x, y = make_blobs(POINTS, centers=[(-1.5, -1.0), (1.5, 1.0)], cluster_std=0.5 + 3 * noise, random_state=seed)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x.astype(np.float32), y.astype(np.float32)


def network(hidden: int) -> nn.Module:
    if hidden == 0:
        return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())  # logistic regression
    return nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1), nn.Sigmoid())


def run(dataset: str = DEFAULTS["dataset"], hidden: int = DEFAULTS["hidden"], lr: float = DEFAULTS["lr"],
        noise: float = DEFAULTS["noise"], steps: int = DEFAULTS["steps"], seed: int = 0) -> Iterator[Result]:
    """Train on all points at once; FRAMES times while it trains, the network's probability over the plane."""
    clock = Clock(every=0.0)  # a frame per FRAMES-th of training: cheap, and the point of the lesson
    x, y = points(dataset, noise, seed)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)[:, None]
    torch.manual_seed(seed)
    model = network(hidden)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    span = np.abs(x).max() + 0.5
    axis = np.linspace(-span, span, GRID, dtype=np.float32)
    grid = torch.from_numpy(np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2))
    losses: list[float] = []
    redraw = max(1, steps // FRAMES)
    for step in range(1, steps + 1):
        loss = loss_fn(model(inputs), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        if step % redraw == 0 and step < steps and clock.due():
            yield Result(frame(model, x, y, axis, grid, losses, step, steps), clock(), done=False)
    with torch.no_grad():
        accuracy = ((model(inputs) > 0.5).float() == targets).float().mean().item()
    yield Result(frame(model, x, y, axis, grid, losses, steps, steps) | {
        "dataset": dataset, "hidden": hidden, "lr": lr, "accuracy": accuracy, "loss": losses[-1]}, clock())


@torch.no_grad()
def frame(model: nn.Module, x: np.ndarray, y: np.ndarray, axis: np.ndarray, grid: torch.Tensor, losses: list[float],
          step: int, steps: int) -> dict:
    """What a frame draws: the points, the probability of class 1 on the grid, the losses until `step`."""
    probability = model(grid).reshape(len(axis), len(axis)).numpy()
    return {"points": x, "labels": y, "axis": axis, "probability": probability, "losses": list(losses), "step": step,
            "steps": steps}


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    pictures = figures(v["points"], v["labels"], v["axis"], v["probability"], v["losses"], v["step"],
                       language=language)
    if not result.done:
        return Shown(T.say("step", language, step=v["step"], steps=v["steps"], loss=f"{v['losses'][-1]:.3f}"),
                     pictures)
    return Shown(summary(v["dataset"], v["hidden"], v["accuracy"], v["losses"], v["lr"], language=language), pictures)


def summary(dataset: str, hidden: int, accuracy: float, losses: list[float], lr: float, *,
            language: str = "en") -> str:
    text = T.say("result", language, steps=len(losses), accuracy=f"{accuracy:.1%}", points=POINTS,
                 last=f"{losses[-1]:.3f}", first=f"{losses[0]:.3f}")
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        return text + T.say("overshoot", language, lr=f"{lr:g}")
    if hidden == 0:
        text += T.say("straight", language)
        if dataset != "blobs":
            text += T.say("inseparable", language, shapes=T.say(dataset, language), wrong=f"{1 - accuracy:.1%}")
    else:
        text += T.say("bent", language, hidden=hidden)
    return text


def figures(x: np.ndarray, y: np.ndarray, axis: np.ndarray, probability: np.ndarray, losses: list[float], step: int,
            *, language: str = "en") -> tuple[go.Figure, go.Figure]:
    """The probability over the plane with the points and the 0.5 line; the loss until `step`."""
    boundary = go.Figure(go.Contour(
        x=axis, y=axis, z=probability, zmin=0, zmax=1, colorscale="RdBu", reversescale=True, opacity=0.75,
        contours=dict(start=0, end=1, size=0.1), colorbar=dict(title=T.say("probability", language)),
        hovertemplate=T.say("probability", language) + " = %{z:.2f}<extra></extra>",
    ))
    boundary.add_trace(go.Contour(x=axis, y=axis, z=probability, showscale=False, hoverinfo="skip",
                                  contours=dict(start=0.5, end=0.5, coloring="none"), line=dict(width=3, color="#111"),
                                  name=T.say("boundary", language), showlegend=True))
    # blue circles and red diamonds: the shape tells the classes apart where the colour does not
    for label, colour, symbol in ((0, "#2563eb", "circle"), (1, "#dc2626", "diamond")):
        chosen = y == label
        boundary.add_trace(go.Scatter(x=x[chosen, 0], y=x[chosen, 1], mode="markers",
                                      name=T.say("cls", language, label=label),
                                      marker=dict(color=colour, size=8, symbol=symbol,
                                                  line=dict(color="white", width=1))))
    boundary.update_yaxes(scaleanchor="x", range=[axis[0], axis[-1]])
    boundary.update_xaxes(range=[axis[0], axis[-1]], constrain="domain")
    layout(boundary, 460, T.say("title", language, step=step))
    curve = go.Figure(go.Scatter(x=list(range(1, len(losses) + 1)), y=[v if np.isfinite(v) else None for v in losses],
                                 mode="lines", name=T.say("loss", language), line=dict(color="#2563eb")))
    curve.update_xaxes(title_text=T.say("steps_axis", language))
    curve.update_yaxes(title_text=T.say("bce", language))
    return boundary, layout(curve, 300, T.say("loss_title", language))
