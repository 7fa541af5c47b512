"""Lesson 5: linear regression by gradient descent. Noisy points around y = 2x + 1; w and b start at zero and
follow the gradient of the loss, once with the mean squared error (MSE) and once with the mean absolute error (L1).

Gradient descent on the MSE converges only when the learning rate is below
2 / λ, where λ is the largest curvature of the loss (the top eigenvalue of its
Hessian, 2·[[mean x², mean x], [mean x, 1]]); above it every step overshoots
further and the loss grows without bound. The L1 loss's gradient is ±x per
point (the sign of its error times its x): it does not grow with the error, so
L1's steps stay the same size however far off the line is and it never blows
up, and one far-off point pulls on it no harder than a near one at the same x,
while MSE pulls in proportion to the error.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
40 points, 150 steps, 15 redraws): 0.95 s, most of it building figures.
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

import i18n
from figures.style import LESSON_COLOURS, layout
from lessons import Clock, Result, Shown
from lessons.controls import Control, defaults

T = i18n.Texts("lessons-regression")

TRUE_W, TRUE_B = 2.0, 1.0
POINTS = 40
OUTLIER = (1.8, -9.0)  # far below the line, at the right
CONTROLS = (
    Control("lr", "float", 0.1, "lr", low=0.001, high=1.5, step=0.001),
    Control("steps", "whole", 150, "steps", low=5, high=500, step=5),
    Control("noise", "float", 0.5, "noise", low=0, high=3, step=0.1),
    Control("outlier", "flag", True, "outlier", "outlier_field"),
)
DEFAULTS = defaults(CONTROLS)
FRAMES = 15
LOSSES = ("mse", "l1")  # by key; each is named by lessons-regression.<key>
BLOWN_UP = 1e6  # a loss past this has diverged; the run of that loss stops there
PULLED = 0.25  # the MSE line "tilts towards" the outlier when it passes it this much lower than the L1 line


# ---- the experiment --------------------------------------------------------------------------------------------------


def points(noise: float, outlier: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, POINTS)
    y = TRUE_W * x + TRUE_B + rng.normal(0, noise, POINTS)
    if outlier:
        x, y = np.append(x, OUTLIER[0]), np.append(y, OUTLIER[1])
    return x.astype(np.float32), y.astype(np.float32)


def stable_below(x: np.ndarray) -> float:
    """The largest learning rate for which gradient descent on this data's MSE converges: 2 / λ_max."""
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    return 2 / float(np.linalg.eigvalsh(hessian).max())


def run(lr: float = DEFAULTS["lr"], steps: int = DEFAULTS["steps"], noise: float = DEFAULTS["noise"],
        outlier: bool = DEFAULTS["outlier"], seed: int = 0) -> Iterator[Result]:
    """Gradient descent on the MSE and on the L1 loss side by side; FRAMES times while it runs, both lines so far."""
    clock = Clock(every=0.0)
    x, y = points(noise, outlier, seed)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    state = {name: {"w": torch.zeros((), requires_grad=True), "b": torch.zeros((), requires_grad=True),
                    "losses": [], "path": [], "diverged_at": None} for name in LOSSES}
    redraw = max(1, steps // FRAMES)
    for step in range(1, steps + 1):
        for name, s in state.items():
            if s["diverged_at"] is not None:
                continue
            error = s["w"] * xs + s["b"] - ys
            loss = (error ** 2).mean() if name == "mse" else error.abs().mean()
            w_grad, b_grad = torch.autograd.grad(loss, (s["w"], s["b"]))
            with torch.no_grad():  # the whole of gradient descent: step against the gradient
                s["w"] -= lr * w_grad
                s["b"] -= lr * b_grad
            s["losses"].append(loss.item())
            if not loss.item() < BLOWN_UP:
                s["diverged_at"] = step
            if step % redraw == 0 or step == 1:
                s["path"].append((s["w"].item(), s["b"].item()))
        if step % redraw == 0 and step < steps:
            yield Result(frame(x, y, state, step, steps, outlier, lr), clock(), done=False)
    yield Result(frame(x, y, state, steps, steps, outlier, lr) | {"limit": stable_below(x)}, clock())


def frame(x: np.ndarray, y: np.ndarray, state: dict, step: int, steps: int, outlier: bool, lr: float) -> dict:
    """The run after `step`: the points, and for each loss ("mse", "l1") its line, losses, path and divergence."""
    fits = {name: {"w": s["w"].item(), "b": s["b"].item(), "loss": s["losses"][-1], "losses": list(s["losses"]),
                   "path": list(s["path"]), "diverged_at": s["diverged_at"]} for name, s in state.items()}
    return fits | {"points": x, "targets": y, "outlier": outlier, "lr": lr, "step": step, "steps": steps}


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    fits = {name: v[name] for name in LOSSES}
    pictures = figures(v["points"], v["targets"], fits, v["step"], v["outlier"], language=language)
    if not result.done:
        return Shown(T.say("step", language, step=v["step"], steps=v["steps"]), pictures)
    return Shown(summary(fits, v["lr"], v["limit"], v["outlier"], language=language), pictures)


def summary(fits: dict, lr: float, limit: float, outlier: bool, *, language: str = "en") -> str:
    mse, l1 = fits["mse"], fits["l1"]
    parts = [T.say("ended", language, w=f"{TRUE_W:g}", b=f"{TRUE_B:g}", lr=f"{lr:g}", mse=_line(mse), l1=_line(l1))]
    if mse["diverged_at"] is not None:
        parts.append(T.say("diverged", language, step=mse["diverged_at"], limit=f"{limit:.2f}"))
    elif lr > 0.8 * limit:
        parts.append(T.say("close", language, limit=f"{limit:.2f}"))
    else:
        parts.append(T.say("safe", language, limit=f"{limit:.2f}"))
    if outlier and mse["diverged_at"] is None:
        at = {name: fit["w"] * OUTLIER[0] + fit["b"] for name, fit in fits.items()}  # each line's height at the outlier
        pulled = at["l1"] - at["mse"] > PULLED  # the MSE line passes clearly nearer the outlier, far below both
        parts.append(T.say("outlier" if pulled else "outlier_even", language, x=f"{OUTLIER[0]:g}",
                           y=f"{OUTLIER[1]:g}", mse=f"{at['mse']:.2f}", l1=f"{at['l1']:.2f}"))
    return " ".join(parts)


def _line(fit: dict) -> str:
    w, b = fit["w"], fit["b"]
    return f"y = {w:.2f}x {'−' if b < 0 else '+'} {abs(b):.2f}"


def figures(x: np.ndarray, y: np.ndarray, fits: dict, step: int, outlier: bool, *, language: str = "en"
            ) -> tuple[go.Figure, go.Figure]:
    line_x = np.array([-2.3, 2.3])
    fit = go.Figure(go.Scatter(x=x[:POINTS], y=y[:POINTS], mode="markers", name=T.say("data", language),
                               marker=dict(color="#374151", size=7)))
    if outlier:
        fit.add_trace(go.Scatter(x=x[POINTS:], y=y[POINTS:], mode="markers", name=T.say("the_outlier", language),
                                 marker=dict(color="#111827", size=12, symbol="x")))
    fit.add_trace(go.Scatter(x=line_x, y=TRUE_W * line_x + TRUE_B, mode="lines", name=T.say("true_line", language),
                             line=dict(color="#9ca3af", dash="dash")))
    for name, s in fits.items():
        colour = LESSON_COLOURS[name]
        for w, b in s["path"][:-1]:  # where the line has been, faint
            fit.add_trace(go.Scatter(x=line_x, y=w * line_x + b, mode="lines", showlegend=False, hoverinfo="skip",
                                     line=dict(color=colour, width=1), opacity=0.25))
        w, b = s["w"], s["b"]
        if np.isfinite(w) and np.isfinite(b):
            fit.add_trace(go.Scatter(x=line_x, y=w * line_x + b, mode="lines",
                                     name=T.say("fit", language, loss=T.say(name, language)),
                                     line=dict(color=colour, width=3)))
    low, high = float(min(y.min(), -4)), float(max(y.max(), 6))
    fit.update_yaxes(range=[low - 1, high + 1])
    layout(fit, 400, T.say("fit_title", language, step=step))
    curves = make_subplots(rows=1, cols=1)
    for name, s in fits.items():
        curves.add_trace(go.Scatter(x=list(range(1, len(s["losses"]) + 1)), y=s["losses"], mode="lines",
                                    name=T.say(name, language), line=dict(color=LESSON_COLOURS[name])))
    curves.update_yaxes(type="log", title_text=T.say("loss_axis", language))
    curves.update_xaxes(title_text=T.say("step_axis", language))
    return fit, layout(curves, 300, T.say("loss_title", language))
