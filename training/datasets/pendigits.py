"""Pen-drawn digits (UNIPEN trajectories, 30 writers) replayed the way the app reads a drawing.

`read` parses `<data dir>/pendigits/pendigits-train` into strokes, label and
writer. A digit is replayed on a pad-sized canvas at a random size and
position in one of two ways, each ending in `ink.preprocess.to_mnist` exactly as
the app does:

- `as_pad`: the strokes as the drawing pad sends them → `ink.strokes.render`
  (a pen of fixed width relative to the digit) → `to_mnist`;
- `as_image`: the strokes painted with a random brush width on a transparent
  layer (what the image endpoint receives) → `ink.preprocess.ink_from_image` → `to_mnist`.

Writers are split once, before any measurement, by a fixed rule:
HELD_OUT_WRITERS (every fifth) are never trained on and never used for a
choice; VALIDATION_WRITERS, three of the training writers, serve early
stopping and the detector's threshold. The remaining 21 writers train.

Replaying costs about 4 ms a digit (mostly PIL's round joints in
`ink.strokes.render`), so the training replays are cached as a .npz in
CACHE_DIR: the first load of `load_digits` takes about a minute, later ones
under a second.
"""
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from ink.preprocess import ink_from_image, to_mnist
from ink.strokes import Drawing, render
from training.datasets.common import Split, data_dir
from training.datasets.mnist import TRAIN_SIZE as MNIST_TRAIN_SIZE
from training.datasets.mnist import load_mnist

HELD_OUT_WRITERS = (5, 10, 15, 20, 25, 30)  # 1,499 digits the shipped models never see: the benchmark's writers
VALIDATION_WRITERS = (3, 13, 23)  # training writers kept for early stopping and for choosing thresholds
PAD = 280  # the drawing pad's canvas (ui/draw/pad.py), in pixels
SIZES = (0.3, 0.9)  # a replayed drawing's longest side, as a fraction of the pad
BRUSHES = (6, 24)  # brush widths in pad pixels for the image path (the pad's own pen is 14)
TRAIN_COPIES = 2  # replays per training digit and path: distorted differently each time
TRAINING_WRITER_DIGITS = 5_245  # digits the 21 training writers wrote in pendigits-train
# load_digits' training examples: MNIST's, then each training writer's digit replayed TRAIN_COPIES times on each path
TRAIN_SIZE = MNIST_TRAIN_SIZE + 2 * TRAIN_COPIES * TRAINING_WRITER_DIGITS
CACHE_DIR = Path(os.environ.get("PLAYGROUND_CACHE") or Path.home() / ".cache" / "deep-learning-playground")
CACHE_VERSION = 1  # bump when the replay changes, so stale caches are not read


@dataclass
class PenDigit:
    strokes: list[np.ndarray]  # each (n, 2) float: x to the right, y downwards (flipped from the tablet's)
    label: int
    writer: int


def parse(text: str) -> list[PenDigit]:
    """The digits of a UNIPEN file's text: `.SEGMENT DIGIT … "<label>"`, `.COMMENT <label> <writer> <k>`,
    then strokes as `.PEN_DOWN`, `x y` lines, `.PEN_UP`."""
    digits: list[PenDigit] = []
    label = writer = None
    stroke: list[tuple[float, float]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if words[0] == ".SEGMENT":
            label = int(words[-1].strip('"'))
            writer = None
        elif words[0] == ".COMMENT" and label is not None and writer is None:
            if int(words[1]) != label:
                raise ValueError(f"line {number}: the comment's label {words[1]} is not the segment's {label}")
            writer = int(words[2])
            digits.append(PenDigit([], label, writer))
        elif words[0] == ".PEN_DOWN":
            stroke = []
        elif words[0] == ".PEN_UP":
            if stroke and digits:
                points = np.asarray(stroke, dtype=np.float64)
                points[:, 1] *= -1  # the tablet's y grows upwards, a screen's downwards
                digits[-1].strokes.append(points)
            stroke = None
        elif stroke is not None and not words[0].startswith("."):
            stroke.append((float(words[0]), float(words[1])))
    return [d for d in digits if d.strokes]


def read(path: str | None = None) -> list[PenDigit]:
    """The 7,494 digits of `<data dir>/pendigits/pendigits-train`."""
    file = data_dir(path) / "pendigits" / "pendigits-train"
    if not file.exists():
        raise FileNotFoundError(f"the pen digits are not in {file}. Point --data-dir or DATA_DIR at a folder that "
                                "holds pendigits/pendigits-train (see the README's Data section).")
    return parse(file.read_text(encoding="latin-1"))


def by_role(digits: list[PenDigit]) -> dict[str, list[PenDigit]]:
    """The digits of the training, validation and held-out writers."""
    return {
        "train": [d for d in digits if d.writer not in HELD_OUT_WRITERS + VALIDATION_WRITERS],
        "val": [d for d in digits if d.writer in VALIDATION_WRITERS],
        "held_out": [d for d in digits if d.writer in HELD_OUT_WRITERS],
    }


# ---- replaying a drawing ---------------------------------------------------------------------------------------------

def distort(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Another hand's version of the same strokes: rotated ±10°, sheared ±0.25, stretched 0.8–1.2, a little wobble."""
    angle, shear = rng.uniform(-10, 10) * np.pi / 180, rng.uniform(-0.25, 0.25)
    stretch = rng.uniform(0.8, 1.2)
    matrix = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    matrix = matrix @ np.array([[1, shear], [0, 1]]) @ np.diag([stretch, 1 / stretch])
    size = np.ptp(np.concatenate(strokes), axis=0).max() or 1
    return [s @ matrix.T + rng.normal(0, 0.01 * size, s.shape) for s in strokes]


def place(strokes: list[np.ndarray], rng: np.random.Generator, canvas: float = PAD,
          sizes: tuple[float, float] = SIZES) -> list[np.ndarray]:
    """The strokes scaled so their longest side is a random fraction `sizes` of the canvas, at a random place on it."""
    every = np.concatenate(strokes)
    low, extent = every.min(axis=0), np.ptp(every, axis=0)
    scale = rng.uniform(*sizes) * canvas / max(extent.max(), 1e-9)
    room = canvas - extent * scale
    corner = rng.uniform(0, 1, 2) * room
    return [((s - low) * scale + corner).clip(0, canvas) for s in strokes]


def as_pad(strokes: list[np.ndarray], canvas: float = PAD) -> np.ndarray | None:
    """28×28 float pixels as the app reads the pad's strokes (None for an empty drawing)."""
    pre = to_mnist(render(Drawing(canvas, canvas, strokes)))
    return None if pre is None else pre.pixels


def as_image(strokes: list[np.ndarray], brush: float, canvas: int = PAD) -> np.ndarray | None:
    """28×28 float pixels as the app reads an image of the strokes painted with a round brush `brush` px wide."""
    layer = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    for stroke in strokes:
        points = [tuple(p) for p in stroke]
        if len(points) > 1:
            pen.line(points, fill=(0, 0, 0, 255), width=max(1, round(brush)), joint="curve")
        for x, y in (points[0], points[-1]):
            pen.ellipse((x - brush / 2, y - brush / 2, x + brush / 2, y + brush / 2), fill=(0, 0, 0, 255))
    pre = to_mnist(ink_from_image(np.asarray(layer)))
    return None if pre is None else pre.pixels


def replay(drawings: list[list[np.ndarray]], seed: int, path: str = "pad", distorted: bool = False,
           canvas: int = PAD) -> np.ndarray:
    """Each drawing placed at a random size and position and read through `path` ("pad" or "image", the latter
    with a random brush from BRUSHES): uint8 (N, 1, 28, 28). Same seed, same pixels."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(drawings), 1, 28, 28), dtype=np.uint8)
    for i, strokes in enumerate(drawings):
        strokes = distort(strokes, rng) if distorted else strokes
        placed = place(strokes, rng, canvas)
        pixels = as_pad(placed, canvas) if path == "pad" else as_image(placed, rng.uniform(*BRUSHES), canvas)
        if pixels is not None:
            out[i, 0] = np.round(pixels * 255)
    return out


# ---- as training data ------------------------------------------------------------------------------------------------

def cached(name: str, source: Path, make) -> tuple[np.ndarray, np.ndarray]:
    """`make()`'s (pixels, labels), kept in CACHE_DIR under a key of `name`, the source file's size and time, and
    CACHE_VERSION."""
    stat = source.stat()
    key = hashlib.sha1(f"{name} {stat.st_size} {stat.st_mtime_ns} {CACHE_VERSION}".encode()).hexdigest()[:16]
    file = CACHE_DIR / f"{name}-{key}.npz"
    if file.exists():
        try:
            with np.load(file, allow_pickle=False) as saved:
                return saved["pixels"], saved["labels"]
        except (OSError, ValueError, KeyError):
            pass  # damaged: made again below
    pixels, labels = make()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, pixels=pixels, labels=labels)
        os.replace(tmp, file)
    except OSError as error:  # a read-only home: it works, only slower next time
        print(f"note: could not cache replayed drawings in {CACHE_DIR} ({error})", file=sys.stderr)
    return pixels, labels


def replayed(digits: list[PenDigit], seed: int, copies: int, distorted: bool) -> tuple[np.ndarray, np.ndarray]:
    """`copies` replays of each digit through the pad and `copies` through an image: (pixels, labels)."""
    strokes = [d.strokes for d in digits]
    pixels = [replay(strokes, seed + 1000 * copy + offset, path, distorted)
              for copy in range(copies) for offset, path in ((0, "pad"), (500, "image"))]
    labels = np.tile(np.array([d.label for d in digits]), 2 * copies)
    return np.concatenate(pixels), labels


def pen_splits(path: str | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Replayed pen digits of the training writers (TRAIN_COPIES distorted replays per path) and of the validation
    writers (one plain replay per path): {"train": (pixels, labels), "val": …}, cached."""
    source = data_dir(path) / "pendigits" / "pendigits-train"
    if not source.exists():
        read(path)  # raises the FileNotFoundError that says where the file should be
    roles: dict[str, list[PenDigit]] = {}

    def make(role: str, seed: int, copies: int, distorted: bool):
        if not roles:
            roles.update(by_role(read(path)))
        return replayed(roles[role], seed, copies, distorted)

    return {role: cached(f"pen-{role}", source, lambda r=role, s=seed, c=copies, d=distorted: make(r, s, c, d))
            for role, seed, copies, distorted in (("train", 1, TRAIN_COPIES, True), ("val", 2, 1, False))}


def load_digits(path: str | None = None) -> dict[str, Split]:
    """MNIST plus the training writers' pen digits: train = MNIST's 55k + the replays, val = MNIST's 5k + the
    validation writers' replays, test = MNIST's 10k test images (so test accuracy stays MNIST's).

    Without the pen digits (a machine that has only MNIST) it is MNIST alone, and says so.
    """
    mnist = load_mnist(path)
    try:
        pen = pen_splits(path)
    except FileNotFoundError as error:
        print(f"note: training on MNIST alone: {error}", file=sys.stderr)
        return mnist
    out = dict(mnist)
    for role in ("train", "val"):
        pixels, labels = pen[role]
        out[role] = Split((torch.cat([mnist[role].inputs[0], torch.from_numpy(pixels)]),),
                          torch.cat([mnist[role].labels, torch.from_numpy(labels).long()]))
    return out
