"""Lesson 8: optimisers. SGD, SGD with momentum, Adam and AdamW on the same things: first a 2-D loss surface, a
long narrow valley, where each one's path can be drawn; then the same small network on the same data, each with a
constant learning rate and with cosine decay, their training losses side by side.

The valley is f(x, y) = ½(0.5·x² + 18·y²): steep across (curvature 18), gentle
along (0.5). Plain gradient descent on it converges only for a learning rate
below 2/18 ≈ 0.11, and zig-zags across the valley above half that; momentum
keeps a running sum of past steps; Adam divides each coordinate's step by the
size of its recent gradients, so a step moves each coordinate by at most about
the learning rate, whatever the slope (the lesson reports its largest). AdamW
is Adam whose weight decay shrinks the weights directly (PyTorch's default
0.01) instead of being added to the gradient; Adam here has none.

The network is 64 → 64 → 10 (ReLU) on scikit-learn's 8×8 digits (1,797
images shipped with scikit-learn, so the lesson needs no download): 1,297 to
train on in batches of 64, 500 to validate. Every run starts from the same
weights and sees the batches in the same order.

Measured (benchmarks/lessons.py --only optimiser_lesson, 2-core AMD EPYC, 1 torch thread, defaults: 10
epochs, 8 runs of the network), while other work held the load average near 30: 6.2 s wall (median of 3), 1.35 s
of CPU time; the boundary lesson beside it took 5.5 s wall and 0.9 s of CPU (0.5 s wall at load 2.5).
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from sklearn.datasets import load_digits
from torch import nn

import i18n
from figures.style import layout, styled
from lessons import Clock, Result, Shown
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-optimisers")
OPTIMISERS = ("sgd", "momentum", "adam", "adamw")  # each named by lessons-optimisers.<key>
SCHEDULES = ("constant", "cosine")
CONTROLS = (
    Control("sgd_lr", "float", 0.1, "sgd_family_lr", "sgd_family_field", low=0.001, high=1.0, step=0.001),
    Control("adam_lr", "float", 0.01, "adam_family_lr", "adam_family_field", low=0.0001, high=0.1, step=0.0001),
    Control("momentum", "float", 0.9, "momentum", low=0, high=0.99, step=0.01),
    Control("epochs", "whole", 10, "epochs", low=2, high=30, step=1),
)
DEFAULTS = defaults(CONTROLS)
CURVATURE = (0.5, 18.0)  # the valley's curvature along x and across it (y)
START = (-2.0, 0.8)
SURFACE_STEPS = 100
FLOWN_OFF = 1e3  # a point this far from the minimum has diverged; its path stops there
WEIGHT_DECAY = 0.01  # AdamW's, PyTorch's default
TRAIN, BATCH, HIDDEN = 1_297, 64, 64


# ---- the experiment --------------------------------------------------------------------------------------------------


def valley(point: torch.Tensor) -> torch.Tensor:
    return 0.5 * (CURVATURE[0] * point[0] ** 2 + CURVATURE[1] * point[1] ** 2)


def optimiser(name: str, parameters, sgd_lr: float, adam_lr: float, momentum: float) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=sgd_lr)
    if name == "momentum":
        return torch.optim.SGD(parameters, lr=sgd_lr, momentum=momentum)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=adam_lr)
    return torch.optim.AdamW(parameters, lr=adam_lr, weight_decay=WEIGHT_DECAY)


def surface_path(name: str, sgd_lr: float, adam_lr: float, momentum: float) -> dict:
    """The optimiser's SURFACE_STEPS steps on the valley from START: its path, where it ended, how often it crossed
    the valley's floor (y changed sign), and the step it flew off at (None when it did not)."""
    point = torch.tensor(START, requires_grad=True)
    step_with = optimiser(name, [point], sgd_lr, adam_lr, momentum)
    path, flown_off = [START], None
    for step in range(1, SURFACE_STEPS + 1):
        step_with.zero_grad()
        valley(point).backward()
        step_with.step()
        x, y = point.tolist()
        if not np.hypot(x, y) < FLOWN_OFF:
            flown_off = step
            break
        path.append((x, y))
    points = np.array(path)
    crossings = int((np.sign(points[1:, 1]) * np.sign(points[:-1, 1]) < 0).sum())
    steps = np.diff(points, axis=0)
    return {"path": path, "distance": float(np.hypot(*path[-1])), "crossings": crossings, "flown_off": flown_off,
            "largest_step": np.abs(np.diff(points, axis=0)).max(axis=0).tolist() if len(steps) else [0.0, 0.0]}


def digits(seed: int = 0) -> tuple[torch.Tensor, ...]:
    """(train images, train labels, validation images, validation labels): scikit-learn's 8×8 digits, scaled to
    [0, 1], split at random once."""
    images, labels = load_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(labels))
    images = torch.tensor(images[order] / 16, dtype=torch.float32)
    labels = torch.tensor(labels[order])
    return images[:TRAIN], labels[:TRAIN], images[TRAIN:], labels[TRAIN:]


def network(seed: int) -> nn.Module:
    torch.manual_seed(seed)  # the same starting weights for every optimiser
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def train(name: str, schedule: str, data: tuple, epochs: int, sgd_lr: float, adam_lr: float, momentum: float,
          seed: int) -> dict:
    """Train the network with one optimiser and schedule: its mean training loss over each epoch's batches, and
    at the end, its loss on the whole training set and its validation accuracy."""
    x, y, val_x, val_y = data
    model = network(seed)
    step_with = optimiser(name, model.parameters(), sgd_lr, adam_lr, momentum)
    steps = epochs * -(-len(y) // BATCH)
    decay = torch.optim.lr_scheduler.CosineAnnealingLR(step_with, T_max=steps) if schedule == "cosine" else None
    order = torch.Generator().manual_seed(seed)  # the same batches in the same order for every run
    losses = []
    for _ in range(epochs):
        total = 0.0
        for batch in torch.randperm(len(y), generator=order).split(BATCH):
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            step_with.zero_grad()
            loss.backward()
            step_with.step()
            if decay is not None:
                decay.step()
            total += loss.item() * len(batch)
        losses.append(total / len(y))
    with torch.no_grad():
        final_loss = nn.functional.cross_entropy(model(x), y).item()  # the weights it ended with, on every image
        accuracy = (model(val_x).argmax(dim=1) == val_y).float().mean().item()
    return {"losses": losses, "final_loss": final_loss, "accuracy": accuracy}


def run(sgd_lr: float = DEFAULTS["sgd_lr"], adam_lr: float = DEFAULTS["adam_lr"],
        momentum: float = DEFAULTS["momentum"], epochs: int = DEFAULTS["epochs"], seed: int = 0) -> Iterator[Result]:
    """The four paths on the valley, then the network trained eight times (four optimisers, two schedules); a
    result before the first and then at most one a second."""
    clock = Clock(every=1.0)  # each update redraws both figures: at most one a second
    paths = {name: surface_path(name, sgd_lr, adam_lr, momentum) for name in OPTIMISERS}
    settings = {"sgd_lr": sgd_lr, "adam_lr": adam_lr, "momentum": momentum, "epochs": epochs}
    data = digits(seed)
    runs: dict = {schedule: {} for schedule in SCHEDULES}
    for schedule in SCHEDULES:
        for name in OPTIMISERS:
            if clock.due() or not runs["constant"]:  # the valley's paths at once, then the curves as they come
                so_far = {each: dict(trained) for each, trained in runs.items()}  # this result's own, as it is now
                yield Result({"paths": paths, "runs": so_far, "training": (name, schedule)} | settings, clock(),
                             done=False)
            runs[schedule][name] = train(name, schedule, data, epochs, sgd_lr, adam_lr, momentum, seed)
    yield Result({"paths": paths, "runs": runs, "val": len(data[3])} | settings, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    pictures = figures(v["paths"], v["runs"], v["epochs"], language=language)
    if not result.done:
        name, schedule = v["training"]
        return Shown(T.say("training", language, optimiser=T.say(name, language),
                           schedule=T.say(schedule, language)), pictures)
    return Shown(summary(v, language=language), pictures)


def learning_rate(name: str, v: dict) -> float:
    return v["sgd_lr"] if name in ("sgd", "momentum") else v["adam_lr"]


def summary(v: dict, *, language: str = "en") -> str:
    paths, runs = v["paths"], v["runs"]
    text = T.say("surface", language, steps=SURFACE_STEPS, start=f"({START[0]:g}, {START[1]:g})")
    text += "\n\n" + T.say("surface_header", language) + "\n|---|---|---|---|"
    for name in OPTIMISERS:
        path = paths[name]
        left = (T.say("flew_off", language, step=path["flown_off"]) if path["flown_off"] is not None
                else f"{path['distance']:.3f}")
        text += f"\n| {T.say(name, language)} | {learning_rate(name, v):g} | {left} | {path['crossings']} |"
    adam = paths["adam"]
    if adam["flown_off"] is None:
        x, y = adam["largest_step"]
        text += "\n\n" + T.say("adam_pace", language, x=f"{x:.4f}", y=f"{y:.4f}", lr=f"{v['adam_lr']:g}")
    text += "\n\n" + T.say("network", language, epochs=v["epochs"], train=f"{TRAIN:,}", val=v["val"])
    text += "\n\n" + T.say("header", language) + "\n|---|---|---|---|---|"
    for name in OPTIMISERS:
        constant, cosine = runs["constant"][name], runs["cosine"][name]
        text += (f"\n| {T.say(name, language)} | {_loss(constant, language)} | "
                 f"{_loss(cosine, language)} | {constant['accuracy']:.1%} | {cosine['accuracy']:.1%} |")
    finite = {name: runs["constant"][name]["final_loss"] for name in OPTIMISERS
              if np.isfinite(runs["constant"][name]["final_loss"])}
    if finite:
        best = min(finite, key=finite.get)
        text += "\n\n" + T.say("lowest", language, optimiser=T.say(best, language), loss=f"{finite[best]:.4f}")
    lowered = [name for name in OPTIMISERS if runs["cosine"][name]["final_loss"] < runs["constant"][name]["final_loss"]]
    text += T.say("decay", language, lowered=len(lowered), of=len(OPTIMISERS))
    return text


def _loss(run: dict, language: str) -> str:
    last = run["final_loss"]
    return f"{last:.4f}" if np.isfinite(last) else T.say("diverged", language)


def figures(paths: dict, runs: dict, epochs: int, *, language: str = "en") -> tuple[go.Figure, go.Figure]:
    """The valley's contours with each optimiser's path; the network's training loss per epoch, one panel per
    schedule."""
    xs, ys = np.linspace(-2.5, 2.5, 101), np.linspace(-1.2, 1.2, 61)
    grid_x, grid_y = np.meshgrid(xs, ys)
    heights = 0.5 * (CURVATURE[0] * grid_x ** 2 + CURVATURE[1] * grid_y ** 2)
    surface = go.Figure(go.Contour(x=xs, y=ys, z=np.log10(heights + 1e-3), colorscale="Greys", reversescale=True,
                                   showscale=False, contours=dict(coloring="lines"), hoverinfo="skip"))
    for name, path in paths.items():
        points = np.array(path["path"])
        surface.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="lines+markers",
                                     name=T.say(name, language), **_look(name, 4)))
    surface.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name=T.say("minimum", language),
                                 marker=dict(symbol="star", size=14, color="#111827")))
    surface.update_xaxes(range=[xs[0], xs[-1]], title_text="x")
    surface.update_yaxes(range=[ys[0], ys[-1]], title_text="y")
    layout(surface, 420, T.say("surface_title", language, steps=SURFACE_STEPS))
    curves = make_subplots(rows=1, cols=2, shared_yaxes=True,
                           subplot_titles=[T.say(f"{schedule}_title", language) for schedule in SCHEDULES])
    for column, schedule in enumerate(SCHEDULES, start=1):
        for name, trained in runs.get(schedule, {}).items():
            losses = [loss if np.isfinite(loss) else None for loss in trained["losses"]]
            curves.add_trace(go.Scatter(x=list(range(1, len(losses) + 1)), y=losses, mode="lines+markers",
                                        name=T.say(name, language), legendgroup=name, showlegend=column == 1,
                                        **_look(name, 7)), row=1, col=column)
    curves.update_xaxes(title_text=T.say("epoch", language), range=[0.5, epochs + 0.5])
    curves.update_yaxes(type="log", title_text=T.say("loss_axis", language), col=1)
    return surface, layout(curves, 340, T.say("network_title", language))


def _look(name: str, size: int) -> dict:
    look = styled(name)
    look["marker"]["size"] = size
    return look
