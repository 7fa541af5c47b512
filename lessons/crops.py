"""Lesson 3: shifts and crops. MNIST test digits cut to a random k×k crop and scaled back to 28×28, or moved by
k pixels; how the DNN's and the CNN's accuracy falls as k changes.

Both transformations are one `grid_sample` over the whole batch (bilinear,
zeros outside the image): a crop is an affine map that zooms by 28/k about a
random corner, a shift a translation by k pixels up, down, left or right.
Every image gets its own random crop or direction, the same for both models.

The shipped models were trained with small random shifts (±2 px), rotations
and zooms (training/augment.py), so they hold up better than the tutorial's
plain MLP, which fell from 97.9% to 41.5% on random 22-pixel crops.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
1,000 test digits, 8 crop sizes and 6 shifts): 7.5 s, the slowest lesson; the CNN's
28 passes over 500 images are most of it.
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

import i18n
from figures.images import image, mosaic
from figures.style import layout, styled
from lessons import Clock, Result, Shown, splits
from lessons.controls import ORIGIN, Control, defaults

T = i18n.Texts("lessons-crops")
CONTROLS = (
    Control("examples", "whole", 1_000, "test_digits", low=100, high=5_000, step=100),
    Control("smallest_crop", "whole", 14, "smallest_crop", "crop_field", low=8, high=26, step=2),
    Control("largest_shift", "whole", 10, "largest_shift", "shift_field", low=2, high=14, step=2),
    ORIGIN,
)
DEFAULTS = defaults(CONTROLS)
TUTORIAL = (22, 0.415)  # the tutorial's MLP on random 22-pixel crops (97.9% uncropped)
SIZE = 28


# ---- the experiment --------------------------------------------------------------------------------------------------


def crop(images: torch.Tensor, k: int, generator: torch.Generator) -> torch.Tensor:
    """A random k×k window of each image (N, 1, 28, 28), scaled back up to 28×28 (bilinear)."""
    n = len(images)
    left = torch.randint(0, SIZE - k + 1, (n,), generator=generator).float()
    top = torch.randint(0, SIZE - k + 1, (n,), generator=generator).float()
    s = k / SIZE  # output pixel u (in [-1, 1]) reads input at s·u + (2·left + k)/28 − 1
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = s, s
    theta[:, 0, 2], theta[:, 1, 2] = (2 * left + k) / SIZE - 1, (2 * top + k) / SIZE - 1
    return _warp(images, theta)


def shift(images: torch.Tensor, k: int, generator: torch.Generator) -> torch.Tensor:
    """Each image moved k pixels up, down, left or right (at random), zeros coming in."""
    n = len(images)
    directions = torch.tensor([[1, 0], [-1, 0], [0, 1], [0, -1]], dtype=torch.float32)
    d = directions[torch.randint(0, 4, (n,), generator=generator)]
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, :, 2] = -2 * k * d / SIZE  # reading k pixels back moves the content k pixels forward
    return _warp(images, theta)


def _warp(images: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


@torch.inference_mode()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> float:
    model.eval()
    correct = sum((model(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum().item()
                  for i in range(0, len(labels), batch))
    return correct / len(labels)


def run(dnn: nn.Module | None, cnn: nn.Module | None, examples: int = DEFAULTS["examples"],
        smallest_crop: int = DEFAULTS["smallest_crop"], largest_shift: int = DEFAULTS["largest_shift"], seed: int = 0,
        origin: str = DEFAULTS["origin"]) -> Iterator[Result]:
    """Each model's accuracy at every crop size, then every shift; while it runs, the scores so far and the size
    under test. `origin`: where the models come from, "shipped", "yours" (retrained) or "mixed"; the text names it."""
    clock = Clock()
    test = splits("mnist")["test"].sample(examples, seed)
    images, labels = test.inputs[0].float() / 255, test.labels
    nets = {name: m for name, m in (("dnn", dnn), ("cnn", cnn)) if m is not None}
    crops = list(range(SIZE, smallest_crop - 1, -2))
    if crops[-1] != smallest_crop:
        crops.append(smallest_crop)
    shifts = list(range(0, largest_shift + 1, 2))
    if shifts[-1] != largest_shift:
        shifts.append(largest_shift)
    scores = {"crop": {n: [] for n in nets}, "shift": {n: [] for n in nets}}
    examples_shown = {"crop": [], "shift": []}
    for what, sizes, transform in (("crop", crops, crop), ("shift", shifts, shift)):
        for k in sizes:
            changed = transform(images, k, torch.Generator().manual_seed(seed + k))
            examples_shown[what].append(changed[:4, 0].numpy())
            for name, model in nets.items():
                scores[what][name].append(accuracy(model, changed, labels))
            if clock.due():
                so_far = {w: {n: list(s) for n, s in by_net.items()} for w, by_net in scores.items()}
                yield Result({"testing": what, "k": k, "crops": crops, "shifts": shifts, "scores": so_far}, clock(),
                             done=False)
    yield Result({"crops": crops, "shifts": shifts, "scores": scores, "shown": examples_shown, "n": len(labels),
                  "origin": origin}, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    plot = curves(v["crops"], v["shifts"], v["scores"], language=language)
    if not result.done:
        return Shown(T.say(f"testing_{v['testing']}", language, k=v["k"]), (plot, None))
    origin = i18n.say(f"lessons.{v['origin']}", language)  # the tab's words: "shipped", "your retrained"
    return Shown(summary(v["scores"], v["crops"], v["shifts"], v["n"], origin, language=language),
                 (plot, strip(v["shown"], v["crops"], v["shifts"], language=language)))


def summary(scores: dict, crops: list[int], shifts: list[int], n: int, origin: str, *, language: str = "en") -> str:
    lines = [T.say("header", language, n=f"{n:,}", origin=origin), "", "| | " + " | ".join(
        name.upper() for name in scores["crop"]) + " |", "|---|" + "---|" * len(scores["crop"])]
    rows = [(T.say("unchanged", language), "crop", 0)]
    if 22 in crops:
        rows.append((T.say("cropped", language, k=22), "crop", crops.index(22)))
    rows.append((T.say("cropped", language, k=crops[-1]), "crop", len(crops) - 1))
    rows.append((T.say("shifted", language, k=shifts[-1]), "shift", len(shifts) - 1))
    for label, what, i in rows:
        lines.append(f"| {label} | " + " | ".join(f"{s[i]:.1%}" for s in scores[what].values()) + " |")
    text = "\n".join(lines)
    if "dnn" in scores["crop"] and "cnn" in scores["crop"]:
        dnn, cnn = scores["shift"]["dnn"][-1], scores["shift"]["cnn"][-1]
        text += "\n\n" + T.say("why", language, shift=shifts[-1], dnn=f"{dnn:.1%}", cnn=f"{cnn:.1%}")
    return text


def curves(crops: list[int], shifts: list[int], scores: dict, *, language: str = "en") -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(T.say("crop_title", language), T.say("shift_title", language)))
    for col, (what, xs) in enumerate((("crop", crops), ("shift", shifts)), start=1):
        for name, values in scores[what].items():
            fig.add_trace(go.Scatter(x=xs[:len(values)], y=values, mode="lines+markers", name=name.upper(),
                                     legendgroup=name, showlegend=col == 1, **styled(name)),
                          row=1, col=col)
    fig.add_trace(go.Scatter(x=[TUTORIAL[0]], y=[TUTORIAL[1]], mode="markers", name=T.say("tutorial", language),
                             marker=dict(symbol="x", size=11, color="#111827")), row=1, col=1)
    fig.update_xaxes(title_text=T.say("crop_axis", language), autorange="reversed", row=1, col=1)
    fig.update_xaxes(title_text=T.say("shift_axis", language), row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return layout(fig, 360)


def strip(shown: dict, crops: list[int], shifts: list[int], *, language: str = "en") -> go.Figure:
    """Four example digits (rows) at every crop size, then every shift (columns)."""
    columns = [shown["crop"][i] for i in range(len(crops))] + [shown["shift"][i] for i in range(len(shifts))]
    tiles = np.stack(columns, axis=1).reshape(-1, SIZE, SIZE)  # row-major: digit by digit
    fig = image(mosaic(tiles, columns=len(columns), gap=2),
                T.say("examples", language, crops=", ".join(map(str, crops)), shifts=", ".join(map(str, shifts))), 300,
                hover=T.say("pixel", language))
    return fig
