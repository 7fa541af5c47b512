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

import i18n
from figures.images import image, mosaic
from ink import strokes
from ink.preprocess import to_mnist
from lessons import Clock, Result, Shown
from lessons.controls import ORIGIN, Control, defaults, origins

T = i18n.Texts("lessons-weights")
CONTROLS = (Control("tiles", "whole", 64, "tiles", "tile_count", low=16, high=128, step=8), ORIGIN)
DEFAULTS = defaults(CONTROLS)
SAMPLE_SEVEN = [[(70, 60), (210, 60), (120, 240)]]  # shown until the student has drawn something


# ---- the experiment --------------------------------------------------------------------------------------------------


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


def run(dnn: nn.Module | None, cnn: nn.Module | None, pixels: np.ndarray | None, tiles: int = DEFAULTS["tiles"],
        origin: str | dict = DEFAULTS["origin"]) -> Iterator[Result]:
    """What the models hold. `origin`: where they come from, "shipped" or "yours" (retrained), or that per model
    ({"dnn": …, "cnn": …}); the text names each one's. Without `pixels` (no drawing yet) the CNN reads a sample
    seven."""
    clock = Clock()
    drawn = pixels is not None
    pixels = pixels if drawn else sample_drawing()
    values = {"origin": origins(origin), "drawn": drawn, "pixels": pixels, "dnn": None, "cnn": None}
    if dnn is not None:
        shown, norms = dnn_tiles(dnn, tiles)
        values["dnn"] = {"tiles": shown, "norms": norms, "units": first_linear(dnn).out_features}
    if cnn is not None:
        filters, maps, answer = cnn_first_layer(cnn, pixels)
        silent = int((maps.max(axis=(1, 2)) <= 0).sum())  # filters that answer nothing anywhere on this drawing
        values["cnn"] = {"filters": filters, "maps": maps, "answer": answer, "silent": silent}
    yield Result(values, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    said = {kind: i18n.say(f"lessons.{where}", language) for kind, where in v["origin"].items()}  # "shipped", …
    notes, figures = [], [None, None, None]
    if (dnn := v["dnn"]) is not None:
        origin = said["dnn"]
        shown, norms, units = dnn["tiles"], dnn["norms"], dnn["units"]
        figures[0] = image(mosaic(shown, columns=min(8, len(shown))),
                           T.say("dnn_title", language, shown=len(shown), origin=origin, units=units), 560,
                           diverging=True, hover=T.say("weight_hover", language))
        notes.append(T.say("dnn_note", language, origin=origin, shown=len(shown), units=units,
                           low=f"{norms.min():.2f}", high=f"{norms.max():.2f}"))
    else:
        notes.append(T.say("dnn_missing", language))
    if (cnn := v["cnn"]) is not None:
        origin, filters, maps = said["cnn"], cnn["filters"], cnn["maps"]
        figures[1] = image(mosaic(filters / np.abs(filters).max(axis=(1, 2), keepdims=True), columns=8),
                           T.say("cnn_title", language, origin=origin, count=len(filters), height=filters.shape[1],
                                 width=filters.shape[2]), 300, diverging=True, hover=T.say("weight_hover", language))
        scaled = maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)  # each map to its own brightest
        figures[2] = image(mosaic(np.concatenate([v["pixels"][None], scaled]), columns=11, gap=2),
                           T.say("maps_title", language, drawing=T.say("yours" if v["drawn"] else "sample", language)),
                           420, hover=T.say("maps_hover", language))
        notes.append(T.say("cnn_note", language, origin=origin, silent=cnn["silent"], count=len(maps),
                           answer=cnn["answer"]))
    else:
        notes.append(T.say("cnn_missing", language))
    if not v["drawn"]:
        notes.append(T.say("not_drawn", language))
    return Shown("\n\n".join(notes), tuple(figures))
