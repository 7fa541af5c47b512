"""Lesson 5: linear regression by gradient descent. Noisy points around y = 2x + 1; w and b start at zero and
follow the gradient of the loss, once with the mean squared error (MSE) and once with the mean absolute error (L1).

Gradient descent on the MSE converges only when the learning rate is below
2 / λ, where λ is the largest curvature of the loss (the top eigenvalue of its
Hessian, 2·[[mean x², mean x], [mean x, 1]]); above it every step overshoots
further and the loss grows without bound. The L1 loss's gradient is ±1 per
point whatever the error, so L1 never blows up, and one far-off point pulls on
it no harder than any other, while MSE pulls in proportion to the error.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
40 points, 150 steps, 15 redraws): 0.5–0.9 s, most of it building figures.
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from lessons import Clock, Result
from lessons.figures import LESSON_COLOURS, layout
from ui import i18n

T = i18n.Texts(
    "lessons-regression",
    mse=("MSE (squared error)", "MSE (제곱 오차)"),
    l1=("L1 (absolute error)", "L1 (절대 오차)"),
    step=("Step {step} of {steps}…", "스텝 {step}/{steps}…"),
    ended=("The points lie around **y = {w}x + {b}**. Gradient descent with learning rate {lr} ended at MSE: {mse}, "
           "L1: {l1}.",
           "점들은 **y = {w}x + {b}** 주변에 흩어져 있어요. 경사 하강법(학습률 {lr})으로 마지막에 찾은 "
           "직선은 다음과 같아요. MSE: {mse}, L1: {l1}."),
    diverged=("**The MSE run diverged** at step {step}: for this data, steps larger than {limit} overshoot the minimum "
              "by more than they approach it, so each one lands further away. L1's gradient is never larger than 1 "
              "per point, so it jumps around instead of blowing up.",
              "**MSE 쪽은 스텝 {step}에서 발산했어요.** 이 데이터에서는 학습률이 {limit}보다 크면 한 번 움직일 때마다 "
              "최솟값에 다가가는 것보다 더 멀리 지나쳐 버려서, 갈수록 멀어져요. L1의 기울기는 점 하나당 1을 넘지 "
              "않으니, 폭주하지 않고 이리저리 오락가락하기만 해요."),
    close=("This learning rate is close to the largest that converges for this data ({limit}): the MSE line "
           "overshoots back and forth before it settles. Try a little more and watch it diverge.",
           "이 학습률은 이 데이터에서 수렴하는 가장 큰 학습률({limit})에 가까워요. 그래서 MSE 직선이 자리를 잡기 "
           "전에 이쪽저쪽으로 넘나들어요. 조금만 더 올려서 발산하는 모습을 지켜보세요."),
    safe=("Learning rates above {limit} make the MSE run diverge for this data; try one.",
          "이 데이터에서는 학습률이 {limit}보다 크면 MSE 쪽이 발산해요. 한번 해 보세요."),
    outlier=("With the **outlier** at ({x}, {y}), MSE, which squares the error, tilts its line towards that one "
             "point; L1 counts every point's error the same way, so the line of the other points wins.",
             "({x}, {y})에 **이상치**가 있으면, 오차를 제곱하는 MSE 직선은 그 한 점 쪽으로 기울어요. L1은 모든 "
             "점의 오차를 똑같이 세니까, 나머지 점들이 이루는 직선을 따라가요."),
    data=("data", "데이터"),
    the_outlier=("the outlier", "이상치"),
    true_line=("the true line", "실제 직선"),
    fit=("{loss} fit", "{loss} 직선"),
    fit_title=("the fitted lines after step {step} (faint: where they were)",
               "스텝 {step} 후의 직선 (흐린 선: 지나온 자리)"),
    loss_axis=("loss (log scale)", "손실 (로그 스케일)"),
    step_axis=("step", "스텝"),
    loss_title=("loss while it learns", "학습하는 동안의 손실"),
)

TRUE_W, TRUE_B = 2.0, 1.0
POINTS = 40
OUTLIER = (1.8, -9.0)  # far below the line, at the right
DEFAULTS = dict(lr=0.1, steps=150, noise=0.5, outlier=True)
FRAMES = 15
LOSSES = {name: T.say(name, "en") for name in ("mse", "l1")}
BLOWN_UP = 1e6  # a loss past this has diverged; the run of that loss stops there


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


def run(lr: float = 0.1, steps: int = 150, noise: float = 0.5, outlier: bool = True, seed: int = 0, *,
        language: str = "en") -> Iterator[Result]:
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
            yield Result(T.say("step", language, step=step, steps=steps),
                         figures(x, y, state, step, outlier, language=language), clock(), done=False)
    limit = stable_below(x)
    yield Result(summary(state, lr, limit, outlier, language=language),
                 figures(x, y, state, steps, outlier, language=language), clock(),
                 extra={name: {"w": s["w"].item(), "b": s["b"].item(), "loss": s["losses"][-1],
                               "diverged_at": s["diverged_at"]} for name, s in state.items()} | {"limit": limit})


def summary(state: dict, lr: float, limit: float, outlier: bool, *, language: str = "en") -> str:
    mse, l1 = state["mse"], state["l1"]
    parts = [T.say("ended", language, w=f"{TRUE_W:g}", b=f"{TRUE_B:g}", lr=f"{lr:g}", mse=_line(mse), l1=_line(l1))]
    if mse["diverged_at"] is not None:
        parts.append(T.say("diverged", language, step=mse["diverged_at"], limit=f"{limit:.2f}"))
    elif lr > 0.8 * limit:
        parts.append(T.say("close", language, limit=f"{limit:.2f}"))
    else:
        parts.append(T.say("safe", language, limit=f"{limit:.2f}"))
    if outlier:
        parts.append(T.say("outlier", language, x=f"{OUTLIER[0]:g}", y=f"{OUTLIER[1]:g}"))
    return " ".join(parts)


def _line(s: dict) -> str:
    w, b = s["w"].item(), s["b"].item()
    return f"y = {w:.2f}x {'−' if b < 0 else '+'} {abs(b):.2f}"


def figures(x: np.ndarray, y: np.ndarray, state: dict, step: int, outlier: bool, *, language: str = "en"
            ) -> tuple[go.Figure, go.Figure]:
    line_x = np.array([-2.3, 2.3])
    fit = go.Figure(go.Scatter(x=x[:POINTS], y=y[:POINTS], mode="markers", name=T.say("data", language),
                               marker=dict(color="#374151", size=7)))
    if outlier:
        fit.add_trace(go.Scatter(x=x[POINTS:], y=y[POINTS:], mode="markers", name=T.say("the_outlier", language),
                                 marker=dict(color="#111827", size=12, symbol="x")))
    fit.add_trace(go.Scatter(x=line_x, y=TRUE_W * line_x + TRUE_B, mode="lines", name=T.say("true_line", language),
                             line=dict(color="#9ca3af", dash="dash")))
    for name, s in state.items():
        colour = LESSON_COLOURS[name]
        for w, b in s["path"][:-1]:  # where the line has been, faint
            fit.add_trace(go.Scatter(x=line_x, y=w * line_x + b, mode="lines", showlegend=False, hoverinfo="skip",
                                     line=dict(color=colour, width=1), opacity=0.25))
        w, b = s["w"].item(), s["b"].item()
        if np.isfinite(w) and np.isfinite(b):
            fit.add_trace(go.Scatter(x=line_x, y=w * line_x + b, mode="lines",
                                     name=T.say("fit", language, loss=T.say(name, language)),
                                     line=dict(color=colour, width=3)))
    low, high = float(min(y.min(), -4)), float(max(y.max(), 6))
    fit.update_yaxes(range=[low - 1, high + 1])
    layout(fit, 400, T.say("fit_title", language, step=step))
    curves = make_subplots(rows=1, cols=1)
    for name, s in state.items():
        curves.add_trace(go.Scatter(x=list(range(1, len(s["losses"]) + 1)), y=s["losses"], mode="lines",
                                    name=T.say(name, language), line=dict(color=LESSON_COLOURS[name])))
    curves.update_yaxes(type="log", title_text=T.say("loss_axis", language))
    curves.update_xaxes(title_text=T.say("step_axis", language))
    return fit, layout(curves, 300, T.say("loss_title", language))
