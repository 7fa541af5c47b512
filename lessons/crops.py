"""Lesson 3: shifts and crops. MNIST test digits cut to a random k×k crop and scaled back to 28×28, or moved by
exactly k pixels up, down, left or right; how the DNN's and the CNN's accuracy falls as k changes, beside a DNN
the lesson trains itself without augmentation.

Both transformations are one `grid_sample` over the whole batch (bilinear,
zeros outside the image): a crop is an affine map that zooms by 28/k about a
random corner, a shift a translation by exactly k pixels in one of the four
directions, picked at random per image. Every image gets its own random crop or
direction, the same for every model. The run also measures how much of the
digits' ink is still in the picture at each k (a crop's window, a shift's
frame), so the text can tell a network that fails from a digit that is gone.

The shipped models (and those retrained in tab 3, training/run.py) were trained
with small random shifts (±2 px), rotations and zooms (training/augment.py), so
they hold up better than the tutorial's plain MLP, which fell from 97.9% to
41.5% on random 22-pixel crops. To see that collapse happen, the lesson trains
a DNN of the shipped shape on `plain_examples` training images for two epochs
with no augmentation (0: none). Measured on 1 torch thread of a 2-core AMD EPYC
(shared): 10,000 images 1.2 s (94.7% unchanged, 34.0% on 22-pixel crops),
55,000 images 10–18 s (97.3% and 42.3%).

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
1,000 test digits, 8 crop sizes and 6 shifts): 7.5 s before the un-augmented
DNN was added, the slowest lesson (the CNN's 28 passes over 500 images are most
of it); 11.3 CPU seconds with it, at its 10,000 images, on a machine too shared
(load 20–28) for its wall clock to mean anything.
"""
from collections.abc import Iterator

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

import i18n
import models
from figures.images import image, mosaic
from figures.style import LESSON_COLOURS, layout, styled
from lessons import Clock, Result, Shown, splits
from lessons.controls import ORIGIN, Control, defaults, origins
from models import registry

T = i18n.Texts("lessons-crops")
CONTROLS = (
    Control("examples", "whole", 1_000, "test_digits", low=100, high=5_000, step=100),
    Control("smallest_crop", "whole", 14, "smallest_crop", "crop_field", low=8, high=26, step=2),
    Control("largest_shift", "whole", 10, "largest_shift", "shift_field", low=2, high=14, step=2),
    ORIGIN,
    Control("plain_examples", "whole", 10_000, "plain_examples", "plain_field", low=0, high=55_000, step=5_000),
)
DEFAULTS = defaults(CONTROLS)
TUTORIAL = (22, 0.415)  # the tutorial's MLP on random 22-pixel crops (97.9% uncropped)
SIZE = 28
CHANCE = 0.1  # ten digits: what guessing scores
NEAR_CHANCE = 0.2  # below this a score is called chance, not skill: within 10 points of guessing
PLAIN_EPOCHS, PLAIN_BATCH, PLAIN_LR = 2, 128, 1e-3  # the un-augmented DNN: Adam, enough for ~95% at 10,000 images


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


def ink_kept(original: torch.Tensor, changed: torch.Tensor, k: int, what: str) -> float:
    """The share of the digits' ink still in the picture: a shift's frame keeps what did not slide out; a crop
    shows its k×k window blown up (28/k)² times, so its ink is divided by that."""
    scale = (k / SIZE) ** 2 if what == "crop" else 1.0
    return min(1.0, changed.sum().item() * scale / original.sum().item())


def train_plain(examples: int, seed: int, clock: Clock) -> Iterator[tuple[float, nn.Module | None]]:
    """A DNN of the shipped shape trained on `examples` images with no augmentation: (share done, None) while it
    trains, then (1.0, the model)."""
    train = splits("mnist")["train"].sample(examples, seed)
    images, labels = train.inputs[0].float() / 255, train.labels
    torch.manual_seed(seed)
    model = models.build(registry.get("dnn").config())  # 784 → 512 → 256 → 10 with BatchNorm, as shipped
    optimiser = torch.optim.Adam(model.parameters(), lr=PLAIN_LR)
    order = torch.Generator().manual_seed(seed)
    batches = [torch.randperm(len(labels), generator=order).split(PLAIN_BATCH) for _ in range(PLAIN_EPOCHS)]
    total, done = sum(len(b) for b in batches), 0
    model.train()
    for epoch in batches:
        for index in epoch:
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            done += 1
            if clock.due():
                yield done / total, None
    yield 1.0, model


def run(dnn: nn.Module | None, cnn: nn.Module | None, examples: int = DEFAULTS["examples"],
        smallest_crop: int = DEFAULTS["smallest_crop"], largest_shift: int = DEFAULTS["largest_shift"], seed: int = 0,
        origin: str | dict = DEFAULTS["origin"], plain_examples: int = DEFAULTS["plain_examples"]
        ) -> Iterator[Result]:
    """Each model's accuracy at every crop size, then every shift; while it runs, the scores so far and the size
    under test. `origin`: where the models come from, "shipped" or "yours" (retrained), or that per model; the text
    names it. With `plain_examples` > 0 it first trains a DNN on that many images without augmentation ("plain")."""
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
    if plain_examples:
        for share, plain in train_plain(plain_examples, seed, clock):
            if plain is None:
                yield Result({"training": share, "examples": plain_examples, "crops": crops, "shifts": shifts,
                              "scores": {"crop": {}, "shift": {}}}, clock(), done=False)
        nets["plain"] = plain
    scores = {"crop": {n: [] for n in nets}, "shift": {n: [] for n in nets}}
    ink = {"crop": [], "shift": []}
    examples_shown = {"crop": [], "shift": []}
    for what, sizes, transform in (("crop", crops, crop), ("shift", shifts, shift)):
        for k in sizes:
            changed = transform(images, k, torch.Generator().manual_seed(seed + k))
            examples_shown[what].append(changed[:4, 0].numpy())
            ink[what].append(ink_kept(images, changed, k, what))
            for name, model in nets.items():
                scores[what][name].append(accuracy(model, changed, labels))
            if clock.due():
                so_far = {w: {n: list(s) for n, s in by_net.items()} for w, by_net in scores.items()}
                yield Result({"testing": what, "k": k, "crops": crops, "shifts": shifts, "scores": so_far}, clock(),
                             done=False)
    yield Result({"crops": crops, "shifts": shifts, "scores": scores, "shown": examples_shown, "n": len(labels),
                  "origin": origins(origin), "ink": ink, "plain_examples": plain_examples}, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    plot = curves(v["crops"], v["shifts"], v["scores"], language=language)
    if not result.done:
        if "training" in v:
            return Shown(T.say("training", language, examples=f"{v['examples']:,}", share=f"{v['training']:.0%}"),
                         (plot, None))
        return Shown(T.say(f"testing_{v['testing']}", language, k=v["k"]), (plot, None))
    return Shown(summary(v, language=language), (plot, strip(v["shown"], v["crops"], v["shifts"], language=language)))


def name(net: str, language: str) -> str:
    """A model's name in the table and the legend: "DNN", "CNN", or the un-augmented DNN trained here."""
    return T.say("plain", language) if net == "plain" else net.upper()


def summary(v: dict, *, language: str = "en") -> str:
    """The run's table (each score marked when it is no better than chance) and what it showed, from its numbers."""
    scores, crops, shifts, ink = v["scores"], v["crops"], v["shifts"], v["ink"]
    said = {kind: i18n.say(f"lessons.{where}", language) for kind, where in v["origin"].items()}  # "shipped", …
    header = (T.say("header", language, n=f"{v['n']:,}", origin=said["dnn"]) if said["dnn"] == said["cnn"]
              else T.say("header_each", language, n=f"{v['n']:,}", dnn=said["dnn"], cnn=said["cnn"]))
    nets = list(scores["crop"])
    lines = [header, "", "| | " + " | ".join(name(net, language) for net in nets) + f" | {T.say('ink', language)} |",
             "|---|" + "---|" * (len(nets) + 1)]
    rows = [(T.say("unchanged", language), "crop", 0)]
    if 22 in crops[1:-1]:
        rows.append((T.say("cropped", language, k=22), "crop", crops.index(22)))
    rows.append((T.say("cropped", language, k=crops[-1]), "crop", len(crops) - 1))
    rows.append((T.say("shifted", language, k=shifts[-1]), "shift", len(shifts) - 1))
    for label, what, i in rows:
        cells = [_score(scores[what][net][i], language) for net in nets]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ink[what][i]:.0%} |")
    parts = [T.say("moves", language)]
    if "plain" in scores["crop"]:
        k = 22 if 22 in crops else crops[-1]
        i = crops.index(k)
        parts.append(T.say("plain_scored", language, examples=f"{v['plain_examples']:,}",
                           clean=f"{scores['crop']['plain'][0]:.1%}", k=k, cropped=f"{scores['crop']['plain'][i]:.1%}"))
        if "dnn" in scores["crop"]:
            parts.append(T.say("augmented", language, origin=said["dnn"], k=k,
                               cropped=f"{scores['crop']['dnn'][i]:.1%}"))
    else:
        parts.append(T.say("no_plain", language))
    if nets and all(scores["crop"][net][-1] < NEAR_CHANCE for net in nets):
        parts.append(T.say("crop_chance", language, k=crops[-1], ink=f"{ink['crop'][-1]:.0%}",
                           near=f"{NEAR_CHANCE:.0%}", chance=f"{CHANCE:.0%}"))
    if nets and all(scores["shift"][net][-1] < NEAR_CHANCE for net in nets):
        parts.append(T.say("shift_chance", language, shift=shifts[-1], ink=f"{ink['shift'][-1]:.0%}",
                           near=f"{NEAR_CHANCE:.0%}", chance=f"{CHANCE:.0%}"))
    elif "dnn" in scores["shift"] and "cnn" in scores["shift"]:
        dnn, cnn = scores["shift"]["dnn"][-1], scores["shift"]["cnn"][-1]
        parts.append(T.say("why", language))
        held = "cnn_held" if cnn > dnn + 0.01 else ("dnn_held" if dnn > cnn + 0.01 else "both_held")
        parts.append(T.say(held, language, shift=shifts[-1], dnn=_score(dnn, language), cnn=_score(cnn, language),
                           ink=f"{ink['shift'][-1]:.0%}"))
    return "\n".join(lines) + "\n\n" + " ".join(parts)


def _score(value: float, language: str) -> str:
    """An accuracy, marked as chance when it is below NEAR_CHANCE (guessing one of ten digits scores 10%)."""
    return f"{value:.1%}" + (T.say("at_chance", language) if value < NEAR_CHANCE else "")


def curves(crops: list[int], shifts: list[int], scores: dict, *, language: str = "en") -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(T.say("crop_title", language), T.say("shift_title", language)))
    for col, (what, xs) in enumerate((("crop", crops), ("shift", shifts)), start=1):
        for net, values in scores[what].items():
            fig.add_trace(go.Scatter(x=xs[:len(values)], y=values, mode="lines+markers", name=name(net, language),
                                     legendgroup=net, showlegend=col == 1, **_styled(net)),
                          row=1, col=col)
    fig.add_trace(go.Scatter(x=[TUTORIAL[0]], y=[TUTORIAL[1]], mode="markers", name=T.say("tutorial", language),
                             marker=dict(symbol="x", size=11, color="#111827")), row=1, col=1)
    fig.update_xaxes(title_text=T.say("crop_axis", language), autorange="reversed", row=1, col=1)
    fig.update_xaxes(title_text=T.say("shift_axis", language), row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return layout(fig, 360)


def _styled(net: str) -> dict:
    """The DNN's colour for both DNNs; the un-augmented one dotted, with squares."""
    if net == "plain":
        return dict(line=dict(color=LESSON_COLOURS["dnn"], dash="dot"), marker=dict(symbol="square", size=8))
    return styled(net)


def strip(shown: dict, crops: list[int], shifts: list[int], *, language: str = "en") -> go.Figure:
    """Four example digits (rows) at every crop size, then every shift (columns)."""
    columns = [shown["crop"][i] for i in range(len(crops))] + [shown["shift"][i] for i in range(len(shifts))]
    tiles = np.stack(columns, axis=1).reshape(-1, SIZE, SIZE)  # row-major: digit by digit
    fig = image(mosaic(tiles, columns=len(columns), gap=2),
                T.say("examples", language, crops=", ".join(map(str, crops)), shifts=", ".join(map(str, shifts))), 300,
                hover=T.say("pixel", language))
    return fig
