"""Lesson 2: what the networks learnt — the DNN's first-layer weights as images, the CNN's first filters and
what they make of a drawing.

Each DNN unit in the first layer has one weight per pixel, so its weights are
a 28×28 picture of the pattern that excites it (red) or inhibits it (blue).
The CNN's first layer is 3×3 filters slid over the image; its feature maps are
those filters' answers (after BatchNorm and ReLU) at every position. Nothing is
trained here: it reads the models it is given (shipped or retrained) and the
student's last drawing: 0.05 s (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread).
"""
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from lessons import Clock, Result
from lessons.figures import image, mosaic
from ui import strokes
from ui.sketch import to_mnist

DEFAULTS = dict(tiles=64)
SAMPLE_SEVEN = [[(70, 60), (210, 60), (120, 240)]]  # shown until the student has drawn something


def sample_drawing() -> np.ndarray:
    """A seven, drawn through the same pipeline as the pad's strokes: (28, 28) in [0, 1]."""
    return to_mnist(strokes.render(strokes.parse(strokes.from_points(SAMPLE_SEVEN)))).pixels


def first_linear(model: nn.Module) -> nn.Linear:
    return next(m for m in model.modules() if isinstance(m, nn.Linear))


def dnn_tiles(model: nn.Module, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The `count` first-layer units with the largest weight norm, as (count, 28, 28) tiles each scaled to
    [-1, 1] by its own largest |weight|, and their norms."""
    weight = first_linear(model).weight.detach().float()  # (units, 784)
    norms = weight.norm(dim=1)
    top = norms.argsort(descending=True)[:count]
    tiles = weight[top].reshape(-1, 28, 28)
    tiles = tiles / tiles.abs().amax(dim=(1, 2), keepdim=True).clamp_min(1e-12)
    return tiles.numpy(), norms[top].numpy()


@torch.no_grad()
def cnn_first_layer(model: nn.Module, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The first conv layer's filters (C, k, k), its feature maps for `pixels` after BatchNorm and ReLU (C, 28, 28),
    and the CNN's answer for the drawing."""
    model.eval()
    conv = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    x = torch.as_tensor(pixels, dtype=torch.float32)[None, None]
    first_block = model.features[:3]  # conv → BatchNorm → ReLU (models/cnn.py)
    maps = first_block((x - model.config.mean) / model.config.std)[0]
    answer = int(model(x).argmax(dim=1))
    return conv.weight.detach().float()[:, 0].numpy(), maps.numpy(), answer


def run(dnn: nn.Module | None, cnn: nn.Module | None, pixels: np.ndarray | None, tiles: int = 64,
        origin: str = "shipped") -> Iterator[Result]:
    clock = Clock()
    drawn = pixels is not None
    pixels = pixels if drawn else sample_drawing()
    notes, figures = [], [None, None, None]
    if dnn is not None:
        shown, norms = dnn_tiles(dnn, tiles)
        units = first_linear(dnn).out_features
        figures[0] = image(mosaic(shown, columns=min(8, len(shown))),
                           f"the {len(shown)} of the {origin} DNN's {units} first-layer units with the largest "
                           "weights (red excites, blue inhibits)", 560, diverging=True, hover="weight / largest")
        notes.append(f"**DNN** ({origin}): the {len(shown)} strongest of {units} units (weight norms "
                     f"{norms.min():.2f}–{norms.max():.2f}), each scaled to its own largest weight. A unit adds up "
                     "its pixels times these weights: ink on red pixels raises its output, ink on blue lowers it, so "
                     "the red-and-blue strokes are the pieces of digits it looks for and against.")
    else:
        notes.append("**DNN**: not available.")
    if cnn is not None:
        filters, maps, answer = cnn_first_layer(cnn, pixels)
        figures[1] = image(mosaic(filters / np.abs(filters).max(axis=(1, 2), keepdims=True), columns=8),
                           f"the {origin} CNN's {len(filters)} first-layer filters ({filters.shape[1]}×"
                           f"{filters.shape[2]})", 300, diverging=True, hover="weight / largest")
        scaled = maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)  # each map to its own brightest
        figures[2] = image(mosaic(np.concatenate([pixels[None], scaled]), columns=11, gap=2),
                           f"{'your last drawing' if drawn else 'a sample seven (draw in tab 1 to see yours)'}, "
                           "then what each filter answers (each map scaled to its own brightest)", 420,
                           hover="activation / its largest")
        silent = int((maps.max(axis=(1, 2)) <= 0).sum())
        notes.append(f"**CNN** ({origin}): the maps are the drawing seen through each filter — some light up on "
                     f"edges of one direction, some on the stroke's body; {silent} of {len(maps)} stay dark for "
                     f"this drawing. The CNN reads it as **{answer}**.")
    else:
        notes.append("**CNN**: not available.")
    if not drawn:
        notes.append("You have not drawn a digit yet in tab 1, so a sample seven stands in.")
    yield Result("\n\n".join(notes), tuple(figures), clock(), extra={"drawn": drawn})
