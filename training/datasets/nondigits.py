"""Drawings that are not digits, as pad strokes: letters, shapes, scribbles, a filled blob, a dot, a line.

Each category draws its strokes in a unit box (x to the right, y downwards),
then every drawing is jittered (rotated, sheared, stretched, each point
wobbled) and placed on the pad at a random size and position like the pen
digits (`training.datasets.pendigits.place`). Circles and ovals are left out: they are
zeros. So are letters that look like digits (O, I, l, S, Z, B, G, q, g, b)
and those that come close (C, D, J, L, P, T, U, r, y).

HELD_OUT_CATEGORIES are never trained on: the benchmark reports them apart,
to show how the detector does on kinds of drawing it has not seen. The seeds
for training, validation and measuring are kept apart (SEEDS).
"""
from pathlib import Path

import numpy as np
import torch

from training.datasets.common import Split
from training.datasets.mnist import load_mnist
from training.datasets.pendigits import (
    BRUSHES,
    PAD,
    TRAIN_COPIES,
    TRAINING_WRITER_DIGITS,
    as_image,
    as_pad,
    cached,
    pen_splits,
    place,
)

SEEDS = {"train": 10, "val": 20, "measure": 30}  # generation seeds: the benchmark never draws what trained
HELD_OUT_CATEGORIES = ("star", "hash")  # never in training: a five-pointed star, a # sign


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 10) -> list:
    """Points on an ellipse from angle `start` to `end` (degrees; with y downwards, 90° is the bottom)."""
    angles = np.radians(np.linspace(start, end, n))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles), strict=True))


LETTERS = {  # strokes in a unit box, y downwards
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.22, 0.6), (0.78, 0.6)]],
    "E": [[(0.9, 0), (0, 0), (0, 1), (0.9, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(0.9, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(0.8, 0), (0.8, 1)], [(0, 0.5), (0.8, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(0.8, 0), (0, 0.55), (0.8, 1)]],
    "M": [[(0, 1), (0.05, 0), (0.5, 0.7), (0.95, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (0.8, 1), (0.8, 0)]],
    "R": [[(0, 1), (0, 0)], [(0, 0), (0.5, 0), *_arc(0.5, 0.25, 0.3, 0.25, -90, 90), (0, 0.5)],
          [(0.35, 0.5), (0.85, 1)]],
    "V": [[(0, 0), (0.5, 1), (1, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "e": [[(0.1, 0.55), (0.9, 0.55), *_arc(0.5, 0.55, 0.4, 0.45, 0, -310, 16)]],
    "h": [[(0, 0), (0, 1)], [(0, 0.65), *_arc(0.35, 0.65, 0.35, 0.25, 180, 360), (0.7, 1)]],
    "k": [[(0, 0), (0, 1)], [(0.7, 0.4), (0, 0.75), (0.7, 1)]],
    "m": [[(0, 1), (0, 0.45), *_arc(0.25, 0.45, 0.25, 0.25, 180, 360), (0.5, 1), (0.5, 0.45),
           *_arc(0.75, 0.45, 0.25, 0.25, 180, 360), (1, 1)]],
    "n": [[(0, 1), (0, 0.45), *_arc(0.4, 0.45, 0.4, 0.3, 180, 360), (0.8, 1)]],
}


def _polygon(corners: int, rng: np.random.Generator) -> list:
    """A closed polygon of `corners` roughly even corners, drawn in one stroke from a random corner."""
    start = rng.uniform(0, 360)
    angles = start + np.arange(corners + 1) * 360 / corners + rng.normal(0, 6, corners + 1)
    angles[-1] = angles[0]
    return [_arc(0.5, 0.5, 0.5, 0.5, a, a, 1)[0] for a in angles]


def _chaikin(points: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Chaikin's corner cutting: a smooth curve, as a hand draws, through the corners of `points`."""
    for _ in range(rounds):
        q = 0.75 * points[:-1] + 0.25 * points[1:]
        r = 0.25 * points[:-1] + 0.75 * points[1:]
        points = np.concatenate([points[:1], np.stack([q, r], axis=1).reshape(-1, 2), points[-1:]])
    return points


def _shape(category: str, rng: np.random.Generator) -> list[list]:
    """The strokes of one drawing of `category` in a unit box (before jitter)."""
    u = rng.uniform
    if category == "letter":
        return LETTERS[list(LETTERS)[rng.integers(len(LETTERS))]]
    if category == "x":
        return [[(0, 0), (1, 1)], [(1, 0), (0, 1)]] if u() < 0.5 else [[(0, 0), (1, 1), (1, 0), (0, 1)]]
    if category == "triangle":
        return [_polygon(3, rng)]
    if category == "square":
        return [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]] if u() < 0.6 else [_polygon(4, rng)]
    if category == "plus":
        return [[(0.5, 0), (0.5, 1)], [(0, 0.5), (1, 0.5)]]
    if category == "spiral":
        turns = u(2, 4)
        angles = np.linspace(0, turns * 2 * np.pi, int(turns * 24)) * (1 if u() < 0.5 else -1)
        radius = np.linspace(0.05, 0.5, len(angles))
        return [list(zip(0.5 + radius * np.cos(angles), 0.5 + radius * np.sin(angles), strict=True))]
    if category == "zigzag":
        corners = rng.integers(6, 11)
        x = np.linspace(0, 1, corners)
        y = 0.5 + (np.arange(corners) % 2 - 0.5) * u(0.2, 0.6)
        return [list(zip(x, y, strict=True))]
    if category == "wave":
        x = np.linspace(0, 1, 60)
        return [list(zip(x, 0.5 + u(0.08, 0.25) * np.sin(2 * np.pi * u(2, 4) * x + u(0, 6.3)), strict=True))]
    if category == "scribble":
        points = _chaikin(rng.uniform(0, 1, (rng.integers(10, 26), 2)))
        return [list(map(tuple, points))]
    if category == "blob":  # back and forth many times inside an ellipse: a filled patch of ink
        passes = rng.integers(10, 25)
        t = np.linspace(-1, 1, passes)
        half = np.sqrt(1 - t**2) * 0.5
        side = np.where(np.arange(passes) % 2 == 0, -1, 1)
        points = np.stack([0.5 + side * half, 0.5 + t * 0.5], axis=1)
        return [list(map(tuple, _chaikin(points, 2)))]
    if category == "star":
        angles = -90 + np.arange(6) * 144.0 + u(0, 72)
        return [[_arc(0.5, 0.5, 0.5, 0.5, a, a, 1)[0] for a in angles]]
    if category == "hash":
        return [[(0.35, 0), (0.3, 1)], [(0.7, 0), (0.65, 1)], [(0, 0.33), (1, 0.3)], [(0, 0.67), (1, 0.64)]]
    raise ValueError(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")


CATEGORIES = ("letter", "x", "triangle", "square", "plus", "spiral", "zigzag", "wave", "scribble", "blob", "dot",
              "line", "star", "hash")
TRAIN_CATEGORIES = tuple(c for c in CATEGORIES if c not in HELD_OUT_CATEGORIES)


def _jitter(strokes: list[list], rng: np.random.Generator) -> list[np.ndarray]:
    """A hand's version: rotated ±12°, sheared, stretched, each stroke resampled and wobbled."""
    angle, shear = np.radians(rng.uniform(-12, 12)), rng.uniform(-0.2, 0.2)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    matrix = rotation @ np.array([[1, shear], [0, 1]]) @ np.diag([rng.uniform(0.75, 1.3), 1])
    wobble = rng.uniform(0.003, 0.015)
    out = []
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64)
        if len(points) > 1:  # about 30 points per unit of length, as a pad samples a moving pen
            lengths = np.r_[0, np.cumsum(np.hypot(*np.diff(points, axis=0).T))]
            at = np.linspace(0, lengths[-1], max(2, int(lengths[-1] * 30)))
            points = np.stack([np.interp(at, lengths, points[:, 0]), np.interp(at, lengths, points[:, 1])], axis=1)
        out.append(points @ matrix.T + rng.normal(0, wobble, points.shape))
    return out


def drawing(category: str, rng: np.random.Generator, canvas: int = PAD) -> list[np.ndarray]:
    """One jittered drawing of `category`, placed on a `canvas`-pixel pad: strokes in pad pixels."""
    if category == "dot":  # a tap: one point, or a few within a pixel or two
        centre = rng.uniform(0.1, 0.9, 2) * canvas
        return [(centre + rng.normal(0, rng.uniform(0, 1), (rng.integers(1, 5), 2))).clip(0, canvas)]
    if category == "line":  # across the pad, within 40° of horizontal (a steep line is a 1)
        length, angle = rng.uniform(0.6, 0.95) * canvas, np.radians(rng.uniform(-40, 40))
        centre = canvas / 2 + rng.uniform(-0.15, 0.15, 2) * canvas
        half = np.array([np.cos(angle), np.sin(angle)]) * length / 2
        t = np.linspace(-1, 1, 30)[:, None]
        return [(centre + t * half + rng.normal(0, 1.0, (30, 2))).clip(0, canvas)]
    return place(_jitter(_shape(category, rng), rng), rng, canvas)


def generate(n: int, seed: int, categories: tuple[str, ...] = TRAIN_CATEGORIES,
             canvas: int = PAD) -> tuple[list[list[np.ndarray]], list[str]]:
    """`n` drawings, the categories taken in turn: (strokes of each, category of each)."""
    rng = np.random.default_rng(seed)
    names = [categories[i % len(categories)] for i in range(n)]
    return [drawing(name, rng, canvas) for name in names], names


def replayed(drawings: list[list[np.ndarray]], seed: int, path: str = "pad", canvas: int = PAD) -> np.ndarray:
    """The drawings read as the app reads them (pad strokes or a brushed image): uint8 (N, 1, 28, 28)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(drawings), 1, 28, 28), dtype=np.uint8)
    for i, strokes in enumerate(drawings):
        pixels = as_pad(strokes, canvas) if path == "pad" else as_image(strokes, rng.uniform(*BRUSHES), canvas)
        if pixels is not None:
            out[i, 0] = np.round(pixels * 255)
    return out


# ---- the detector's data set -----------------------------------------------------------------------------------------

DETECTOR_SIZES = {"train": 10_000, "val": 1_000, "measure": 50}  # non-digits per path (per category for "measure")
DETECTOR_MNIST = {"train": 20_000, "val": 2_000}  # MNIST digits beside the pen digits
# load_digit_or_not's training examples: those MNIST digits, the training writers' replays, non-digits on both paths
TRAIN_SIZE = DETECTOR_MNIST["train"] + 2 * TRAIN_COPIES * TRAINING_WRITER_DIGITS + 2 * DETECTOR_SIZES["train"]


def nondigit_pixels(role: str) -> tuple[np.ndarray, np.ndarray]:
    """Non-digits of `role` (train / val: the training categories; measure: every category, DETECTOR_SIZES per
    category) read through the pad and through an image, cached: (pixels, category index per drawing)."""
    categories = CATEGORIES if role == "measure" else TRAIN_CATEGORIES
    n = DETECTOR_SIZES[role] * (len(categories) if role == "measure" else 1)

    def make():
        drawings, names = generate(n, SEEDS[role], categories)
        pixels = np.concatenate([replayed(drawings, SEEDS[role] + 1, "pad"),
                                 replayed(drawings, SEEDS[role] + 2, "image")])
        index = np.array([CATEGORIES.index(name) for name in names])
        return pixels, np.tile(index, 2)

    return cached(f"nondigits-{role}", Path(__file__), make)


def load_digit_or_not(path: str | None = None) -> dict[str, Split]:
    """Digits (label 1: MNIST and the training writers' pen digits) against non-digits (label 0).

    train: 20k MNIST + the training writers' replays + 20k non-digits; val: 2k MNIST val + the validation writers'
    replays + 2k non-digits of another seed; test: MNIST's 10k test images + the measuring seed's non-digits,
    held-out categories included. The held-out writers are in none of them.
    """
    mnist, pen = load_mnist(path), pen_splits(path)
    out = {}
    for role, generated in (("train", "train"), ("val", "val"), ("test", "measure")):
        digits = mnist[role].sample(DETECTOR_MNIST.get(role), seed=1).inputs[0]
        if role in pen:
            digits = torch.cat([digits, torch.from_numpy(pen[role][0])])
        others = torch.from_numpy(nondigit_pixels(generated)[0])
        labels = torch.cat([torch.ones(len(digits)), torch.zeros(len(others))]).long()
        out[role] = Split((torch.cat([digits, others]),), labels)
    return out
