"""Lesson 4: a decision boundary in 2-D. A small network 2 → hidden (→ hidden) → 1 (tanh, sigmoid output) learns to
separate two classes of points, trained with BCELoss and plain SGD on all its training points at once; a quarter of
the points (scikit-learn's train_test_split default) is held out and only tested, so the lesson shows both accuracies.

With zero hidden units it is logistic regression: the output is
sigmoid(w·x + b), so the boundary (output 0.5, where w·x + b = 0) is a straight
line, whatever the training — and no straight line separates two moons, two
rings, XOR's diagonal corners or a spiral's arms. Each unit of the first hidden
layer adds one line's worth of bend; with one hidden layer a boundary closed
around the inner ring needs at least three of them (three lines are the fewest
that enclose a region), which `summary` says only when the run is on the rings
with one hidden layer.

The student's own points (dataset "own", lessons/points.py) are trained on in
their own units: they are standardised for the network with their training
points' mean and spread, and drawn as placed.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
200 points, 8 hidden units, 800 steps, 16 redraws): 0.98 s the first run, 1.30 s again (median), most of it
building figures.
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
from lessons import points as own
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-boundary")
DATASETS = ("moons", "circles", "blobs", "xor", "spiral", "own")
CONTROLS = (
    Control("dataset", "choice", "moons", "dataset", "dataset_field", choices=DATASETS),
    Control("hidden", "whole", 8, "hidden_units", "hidden_field", low=0, high=32, step=1),
    Control("lr", "float", 0.5, "sgd_lr", "lr", low=0.01, high=10, step=0.01),
    Control("noise", "float", 0.2, "noise", low=0, high=0.5, step=0.05),
    Control("steps", "whole", 800, "steps", low=10, high=3_000, step=10),
    Control("layers", "whole", 1, "hidden_layers", "layers_field", low=1, high=2, step=1),
    Control("points", "points", "", "own_points", "points_field", selects=("dataset", "own")),
)
DEFAULTS = defaults(CONTROLS)
POINTS = 200  # of each preset
TEST_SHARE = 0.25  # held out of training, of each class
CLOSED = 3  # the fewest lines that enclose a region: first-layer units a boundary around the inner ring needs
GRID = 70  # the probability is drawn on GRID × GRID points
FRAMES = 16  # redraws while training (about 0.1 s of figure-building each)


# ---- the experiment --------------------------------------------------------------------------------------------------


def preset(dataset: str, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, 2) standardised, y (n,) of 0/1) of a preset: scikit-learn's generators, XOR and a spiral."""
    rng = np.random.default_rng(seed)
    if dataset == "moons":
        x, y = make_moons(POINTS, noise=noise, random_state=seed)
    elif dataset == "circles":
        x, y = make_circles(POINTS, noise=noise, factor=0.5, random_state=seed)
    elif dataset == "blobs":  # two blobs whose spread grows with the noise
        x, y = make_blobs(POINTS, centers=[(-1.5, -1.0), (1.5, 1.0)], cluster_std=0.5 + 3 * noise, random_state=seed)
    elif dataset == "xor":  # the tutorial's four points, POINTS // 4 times each, scattered by the noise
        corners = np.array([(0, 0), (0, 1), (1, 0), (1, 1)], dtype=np.float64)
        y = np.repeat([0, 1, 1, 0], POINTS // 4)
        x = np.repeat(corners, POINTS // 4, axis=0) + rng.normal(scale=noise, size=(POINTS, 2))
    else:  # two arms of a spiral, one and a half turns each, the second the first turned half a turn
        turn = np.sqrt(rng.uniform(0.05, 1, POINTS)) * 3 * np.pi
        y = np.arange(POINTS) % 2
        x = np.stack([turn * np.cos(turn + np.pi * y), turn * np.sin(turn + np.pi * y)], axis=1) / (3 * np.pi)
        x = x + rng.normal(scale=noise / 2, size=(POINTS, 2))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x.astype(np.float32), y.astype(np.float32)


def split(y: np.ndarray, seed: int = 0) -> np.ndarray:
    """True for the points held out for testing: TEST_SHARE of each class (at least one), chosen at random."""
    rng = np.random.default_rng(seed)
    held = np.zeros(len(y), dtype=bool)
    for label in (0, 1):
        members = np.flatnonzero(y == label)
        held[rng.permutation(members)[:max(1, round(TEST_SHARE * len(members)))]] = True
    return held


def network(hidden: int, layers: int = 1) -> nn.Module:
    if hidden == 0:
        return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())  # logistic regression
    stack = [nn.Linear(2, hidden), nn.Tanh()]
    for _ in range(layers - 1):
        stack += [nn.Linear(hidden, hidden), nn.Tanh()]
    return nn.Sequential(*stack, nn.Linear(hidden, 1), nn.Sigmoid())


def run(dataset: str = DEFAULTS["dataset"], hidden: int = DEFAULTS["hidden"], lr: float = DEFAULTS["lr"],
        noise: float = DEFAULTS["noise"], steps: int = DEFAULTS["steps"], layers: int = DEFAULTS["layers"],
        points: str = DEFAULTS["points"], seed: int = 0) -> Iterator[Result]:
    """Train on the training points all at once; FRAMES times while it trains, the network's probability over the
    plane. `points` is the student's CSV (lessons/points.py), read when `dataset` is "own"."""
    clock = Clock(every=0.0)  # a frame per FRAMES-th of training: cheap, and the point of the lesson
    if dataset == "own":
        placed = own.parse(points)
        if (missing := own.too_few(placed)) is not None:
            yield Result({"too_few": missing}, clock())
            return
        x = np.array([p[:2] for p in placed], dtype=np.float32)
        y = np.array([p[2] for p in placed], dtype=np.float32)
    else:
        x, y = preset(dataset, noise, seed)
    held = split(y, seed)
    centre, spread = x[~held].mean(axis=0), x[~held].std(axis=0)
    spread[spread == 0] = 1.0  # points on one line: that coordinate is only centred
    inputs = torch.from_numpy((x[~held] - centre) / spread)
    targets = torch.from_numpy(y[~held])[:, None]
    tests, test_targets = torch.from_numpy((x[held] - centre) / spread), torch.from_numpy(y[held])[:, None]
    torch.manual_seed(seed)
    model = network(hidden, layers)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    low, high = x.min(axis=0), x.max(axis=0)
    margin = np.maximum(0.5 * x.std(axis=0), 0.1 * (high - low))
    margin[margin == 0] = 1.0  # every point at one coordinate: a unit either side
    xs, ys = (np.linspace(low[i] - margin[i], high[i] + margin[i], GRID, dtype=np.float32) for i in (0, 1))
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    grid = torch.from_numpy(((grid - centre) / spread).astype(np.float32))
    losses: list[float] = []
    redraw = max(1, steps // FRAMES)
    drawn = {"points": x, "labels": y, "held": held, "xs": xs, "ys": ys, "own": dataset == "own"}
    for step in range(1, steps + 1):
        loss = loss_fn(model(inputs), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        if step % redraw == 0 and step < steps and clock.due():
            yield Result(frame(model, drawn, grid, losses, step, steps), clock(), done=False)
    with torch.no_grad():
        accuracy = ((model(inputs) > 0.5).float() == targets).float().mean().item()
        test_accuracy = ((model(tests) > 0.5).float() == test_targets).float().mean().item()
    yield Result(frame(model, drawn, grid, losses, steps, steps) | {
        "dataset": dataset, "hidden": hidden, "layers": layers, "lr": lr, "accuracy": accuracy,
        "test_accuracy": test_accuracy, "trained": int((~held).sum()), "tested": int(held.sum()),
        "loss": losses[-1]}, clock())


@torch.no_grad()
def frame(model: nn.Module, drawn: dict, grid: torch.Tensor, losses: list[float], step: int, steps: int) -> dict:
    """What a frame draws: the points (`drawn`: which are held out, the grid's axes), the probability of class 1
    on the grid, the losses until `step`."""
    probability = model(grid).reshape(len(drawn["ys"]), len(drawn["xs"])).numpy()
    return drawn | {"probability": probability, "losses": list(losses), "step": step, "steps": steps}


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    if "too_few" in v:
        return Shown(v["too_few"].say(language), (None, None))
    pictures = figures(v, language=language)
    if not result.done:
        return Shown(T.say("step", language, step=v["step"], steps=v["steps"], loss=f"{v['losses'][-1]:.3f}"),
                     pictures)
    return Shown(summary(v, language=language), pictures)


def summary(v: dict, *, language: str = "en") -> str:
    """What a finished run showed, every number from `v` (its final Result's values)."""
    losses, accuracy, tested = v["losses"], v["accuracy"], v["test_accuracy"]
    text = T.say("result", language, steps=len(losses), accuracy=f"{accuracy:.1%}", trained=v["trained"],
                 test=f"{tested:.1%}", tested=v["tested"], last=f"{losses[-1]:.3f}", first=f"{losses[0]:.3f}")
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        return text + T.say("overshoot", language, lr=f"{v['lr']:g}")
    gap = accuracy - tested
    if gap > 0.05:
        text += T.say("test_lower", language, gap=f"{100 * gap:.1f}", tested=v["tested"], each=f"{1 / v['tested']:.1%}")
    elif gap < -0.05:
        text += T.say("test_higher", language, tested=v["tested"], each=f"{1 / v['tested']:.1%}")
    else:
        text += T.say("test_same", language)
    hidden, dataset = v["hidden"], v["dataset"]
    if hidden == 0:
        text += T.say("straight", language)
        if dataset not in ("blobs", "own"):
            text += T.say("inseparable", language, shapes=T.say(dataset, language), wrong=f"{1 - accuracy:.1%}")
        return text
    text += T.say("bent" if v["layers"] == 1 else "bent_deep", language, hidden=hidden)
    if dataset == "circles" and v["layers"] == 1:
        text += T.say("closed" if hidden >= CLOSED else f"open_{hidden}", language, hidden=hidden, least=CLOSED,
                      accuracy=f"{accuracy:.1%}")
    return text


def figures(v: dict, *, language: str = "en") -> tuple[go.Figure, go.Figure]:
    """The probability over the plane with the points (training ones filled, test ones hollow) and the 0.5 line;
    the loss until the frame's step."""
    xs, ys, probability, x, y, held = v["xs"], v["ys"], v["probability"], v["points"], v["labels"], v["held"]
    boundary = go.Figure(go.Contour(
        x=xs, y=ys, z=probability, zmin=0, zmax=1, colorscale="RdBu", reversescale=True, opacity=0.75,
        contours=dict(start=0, end=1, size=0.1), colorbar=dict(title=T.say("probability", language)),
        hovertemplate=T.say("probability", language) + " = %{z:.2f}<extra></extra>",
    ))
    boundary.add_trace(go.Contour(x=xs, y=ys, z=probability, showscale=False, hoverinfo="skip",
                                  contours=dict(start=0.5, end=0.5, coloring="none"), line=dict(width=3, color="#111"),
                                  name=T.say("boundary", language), showlegend=True))
    # blue circles and red diamonds: the shape tells the classes apart where the colour does not; test points hollow
    for label, colour, symbol in ((0, "#2563eb", "circle"), (1, "#dc2626", "diamond")):
        for tested in (False, True):
            chosen = (y == label) & (held == tested)
            boundary.add_trace(go.Scatter(
                x=x[chosen, 0], y=x[chosen, 1], mode="markers",
                name=T.say("cls_test" if tested else "cls", language, label=label),
                marker=dict(color="white" if tested else colour, size=8, symbol=symbol,
                            line=dict(color=colour if tested else "white", width=2 if tested else 1.5))))
    if not v["own"]:  # the presets are standardised: one unit is one unit both ways
        boundary.update_yaxes(scaleanchor="x")
    boundary.update_yaxes(range=[ys[0], ys[-1]])
    boundary.update_xaxes(range=[xs[0], xs[-1]], constrain="domain")
    layout(boundary, 460, T.say("title_own" if v["own"] else "title", language, step=v["step"]))
    losses = v["losses"]
    curve = go.Figure(go.Scatter(x=list(range(1, len(losses) + 1)), y=[e if np.isfinite(e) else None for e in losses],
                                 mode="lines", name=T.say("loss", language), line=dict(color="#2563eb")))
    curve.update_xaxes(title_text=T.say("steps_axis", language))
    curve.update_yaxes(title_text=T.say("bce", language))
    return boundary, layout(curve, 300, T.say("loss_title", language))
