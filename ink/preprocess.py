"""From a sketch-pad drawing to an MNIST-style 28×28 input, step by step.

MNIST digits were made by fitting each digit's bounding box into 20×20 pixels
(keeping its aspect ratio, with anti-aliasing) and pasting it into a 28×28
field so that its centre of mass sits at the centre. Doing the same to a
drawing is what lets a model trained on MNIST read digits drawn small, large
or off-centre. Every step is kept so the app can show it.
"""
from dataclasses import dataclass

import numpy as np
from PIL import Image

INK_THRESHOLD = 0.1  # ink above which a canvas pixel counts as ink
MIN_INK_PIXELS = 20  # fewer than this is a dot or a slip, not a digit


@dataclass
class Preprocessed:
    ink: np.ndarray  # (H, W) float in [0, 1], the canvas's ink
    box: tuple[int, int, int, int]  # top, left, height, width of the ink's bounding box
    fitted: np.ndarray  # (h, w) ≤ 20×20, the box scaled so its longest side is 20 px
    offset: tuple[float, float]  # where `fitted`'s top-left corner sits in the 28×28 field
    pixels: np.ndarray  # (28, 28) float in [0, 1], the model input


def ink_from_image(image: np.ndarray) -> np.ndarray:
    """The ink of an image as (H, W) floats in [0, 1]: dark ink on a light background, light ink on a dark one
    (an MNIST scan), or an RGBA layer whose alpha is the ink (the pad's own export, a transparent PNG)."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] in (2, 4):  # with alpha: transparent paper, opaque ink
        alpha = image[..., -1].astype(np.float32) / 255
        if alpha.min() < 0.98:
            light = image[..., :-1].astype(np.float32).mean(axis=2) / 255
            return alpha * (1 - light) if (alpha * (1 - light)).max() > 0.1 else alpha
        image = image[..., :-1]
    grey = image.astype(np.float32).mean(axis=2) if image.ndim == 3 else image.astype(np.float32)
    ink = 1 - grey / 255
    return 1 - ink if np.median(ink) > 0.5 else ink  # a dark page: the ink is the light part


def to_mnist(ink: np.ndarray | None) -> Preprocessed | None:
    """MNIST-style 28×28 input for `ink`, or None when the canvas is (nearly) empty."""
    if ink is None or (ink > INK_THRESHOLD).sum() < MIN_INK_PIXELS:
        return None
    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    top, left = rows[0], cols[0]
    height, width = rows[-1] - top + 1, cols[-1] - left + 1
    crop = ink[top : top + height, left : left + width]
    scale = 20 / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    fitted = np.asarray(Image.fromarray(crop).resize(size, Image.LANCZOS)).clip(0, 1)
    pixels, offset = _centre_by_mass(fitted)
    return Preprocessed(ink, (int(top), int(left), int(height), int(width)), fitted, offset, pixels)


def _centre_by_mass(fitted: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """Paste `fitted` into 28×28 with its centre of mass at the centre, shifting by sub-pixel amounts."""
    h, w = fitted.shape
    total = fitted.sum()
    cy = (fitted.sum(axis=1) * np.arange(h)).sum() / total
    cx = (fitted.sum(axis=0) * np.arange(w)).sum() / total
    top = float(np.clip(13.5 - cy, 0, 28 - h))
    left = float(np.clip(13.5 - cx, 0, 28 - w))
    shifted = Image.fromarray(fitted).transform(
        (28, 28), Image.AFFINE, (1, 0, -left, 0, 1, -top), resample=Image.BILINEAR
    )
    return np.asarray(shifted, dtype=np.float32).clip(0, 1), (top, left)


def to_canvas_grid(pre: Preprocessed) -> tuple[np.ndarray, np.ndarray]:
    """For every canvas pixel, its (row, column) in the 28×28 field: the inverse of `to_mnist`'s mapping."""
    top, left, height, width = pre.box
    scale = 20 / max(height, width)
    rows = (np.arange(pre.ink.shape[0]) - top + 0.5) * scale - 0.5 + pre.offset[0]
    cols = (np.arange(pre.ink.shape[1]) - left + 0.5) * scale - 0.5 + pre.offset[1]
    return rows, cols
