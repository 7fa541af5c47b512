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

from lessons import Clock, Result
from lessons.figures import layout
from ui import i18n

T = i18n.Texts(
    "lessons-boundary",
    step=("Step {step} of {steps}: loss {loss}", "스텝 {step}/{steps}: 손실 {loss}"),
    result=("After {steps} steps the network classifies **{accuracy}** of the {points} points correctly (loss {last}, "
            "from {first}).",
            "{steps}스텝 학습한 뒤, 점 {points}개 중 **{accuracy}**를 바르게 분류했어요(손실 {first} → {last})."),
    overshoot=(" The loss ended higher than it started: with a learning rate of {lr} each step overshoots, and the "
               "tanh units saturate. Try a smaller one.",
               " 손실이 처음보다 오히려 커졌어요. 학습률 {lr}에서는 한 걸음 내디딜 때마다 목표를 지나쳐 버리고, tanh "
               "유닛도 포화돼요. 더 작은 학습률로 해 보세요."),
    straight=(" With **no hidden units** this is logistic regression: the boundary is the straight line where "
              "w·x + b = 0.",
              " **은닉 유닛이 없으면** 로지스틱 회귀와 같아요. 결정 경계는 w·x + b = 0인 직선이에요."),
    moons=("the two moons apart", "두 반달을"),
    circles=("the inner ring from the outer one", "안쪽 고리와 바깥쪽 고리를"),
    inseparable=(" No straight line can separate {shapes}, so {wrong} of the points stay on the wrong side however "
                 "long it trains. Give it hidden units and the boundary can bend.",
                 " 어떤 직선으로도 {shapes} 나눌 수 없으니, 아무리 오래 학습해도 점의 {wrong}는 잘못된 쪽에 "
                 "남아요. 은닉 유닛을 넣어 주면 경계가 휘어질 수 있어요."),
    bent=(" Each of the {hidden} tanh units draws one soft line; the output layer adds them up, and their sum can "
          "bend around the data.",
          " tanh 유닛 {hidden}개가 저마다 부드러운 선을 하나씩 긋고, 출력층이 이 선들을 더해요. 그 합은 데이터를 "
          "감싸듯이 휘어질 수 있어요."),
    probability=("P(class 1)", "P(클래스 1)"),
    boundary=("boundary (P = 0.5)", "결정 경계 (P = 0.5)"),
    cls=("class {label}", "클래스 {label}"),
    title=("decision boundary after step {step} (black: P = 0.5)", "스텝 {step} 후의 결정 경계 (검은 선: P = 0.5)"),
    loss=("loss", "손실"),
    steps_axis=("step (all points at once)", "스텝 (모든 점을 한 번에)"),
    bce=("binary cross-entropy", "이진 교차 엔트로피"),
    loss_title=("training loss", "학습 손실"),
)
DATASETS = ("moons", "circles", "blobs")
DEFAULTS = dict(dataset="moons", hidden=8, lr=0.5, noise=0.2, steps=800)
POINTS = 200
GRID = 70  # the probability is drawn on GRID × GRID points
FRAMES = 16  # redraws while training (about 0.1 s of figure-building each)


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


def run(dataset: str = "moons", hidden: int = 8, lr: float = 0.5, noise: float = 0.2, steps: int = 800,
        seed: int = 0, *, language: str = "en") -> Iterator[Result]:
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
            yield Result(T.say("step", language, step=step, steps=steps, loss=f"{losses[-1]:.3f}"),
                         figures(model, x, y, axis, grid, losses, step, language=language), clock(), done=False)
    with torch.no_grad():
        accuracy = ((model(inputs) > 0.5).float() == targets).float().mean().item()
    yield Result(summary(dataset, hidden, accuracy, losses, lr, language=language),
                 figures(model, x, y, axis, grid, losses, steps, language=language), clock(),
                 extra={"accuracy": accuracy, "loss": losses[-1]})


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


def figures(model: nn.Module, x: np.ndarray, y: np.ndarray, axis: np.ndarray, grid: torch.Tensor,
            losses: list[float], step: int, *, language: str = "en") -> tuple[go.Figure, go.Figure]:
    with torch.no_grad():
        probability = model(grid).reshape(len(axis), len(axis)).numpy()
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
