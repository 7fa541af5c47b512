"""A drawing as strokes: read the pad's value, check it, and draw it the same way whoever drew it.

The pad sends point lists, not pixels. The server draws them itself with a
round pen whose width is a fixed fraction of the digit's own size, so a thin
or a fat brush, a small digit in a corner or a big one across the pad all
become the same picture before the MNIST-style steps (`ink.preprocess.to_mnist`).
MNIST's strokes are about 2–3 px in its 20-px digit box, hence a pen of 11% of
the digit's longest side (22 px on the 200-px digit drawn here).

The value, as JSON: {"width": W, "height": H, "strokes": [[[x, y], ...], ...]}
with the canvas size and the points in canvas pixels (0 ≤ x ≤ W, 0 ≤ y ≤ H);
the pad adds "n", its count of drawings sent, which the answer carries back so
a page (and benchmarks/browser.py) can tell which drawing an answer is for.
"""
import json
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

MAX_VALUE_CHARS = 200_000  # a digit is a few hundred points (a few kB); refused before parsing when larger
MAX_POINTS = 5_000
MAX_STROKES = 100
MAX_CANVAS = 4_096  # pixels on a side
DIGIT_PX = 200  # the drawing's longest side once drawn here
PEN = 0.11  # pen width as a fraction of DIGIT_PX
CANVAS_PX = 280  # the drawn canvas: the digit plus a margin for the pen
MIN_EXTENT = 0.04  # a drawing spanning less than 4% of the canvas side is a dot, drawn at that size


FORM = '{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}'


class BadStrokes(ValueError):
    """The value is not a drawing this app can read: `key` names what is wrong and `values` its figures; the app
    says it in the request's language (the locale files' `strokes.<key>`)."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(f"{key} {values}" if values else key)


@dataclass
class Drawing:
    width: float  # the canvas the student drew on
    height: float
    strokes: list[np.ndarray]  # each (n, 2) float: x, y in canvas pixels
    number: int | None = None  # the pad's count of drawings sent ("n"), if given

    @property
    def points(self) -> int:
        return sum(len(s) for s in self.strokes)


def parse(value) -> Drawing | None:
    """The pad's value (a JSON string, or the decoded dict) as a Drawing; None for no drawing at all.

    Raises BadStrokes with a message naming the problem for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise BadStrokes("too_long", length=f"{len(value):,}", limit=f"{MAX_VALUE_CHARS:,}")
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # JSONDecodeError, and integers longer than Python reads
            raise BadStrokes("not_json") from None
    if not isinstance(value, dict):
        raise BadStrokes("form", form=FORM)
    width, height = value.get("width"), value.get("height")
    for name, side in (("width", width), ("height", height)):
        if isinstance(side, bool) or not isinstance(side, (int, float)) or not 1 <= side <= MAX_CANVAS:
            raise BadStrokes(f"canvas_{name}", limit=f"{MAX_CANVAS:,}", side=side)
    strokes = value.get("strokes")
    if not isinstance(strokes, list):
        raise BadStrokes("not_a_list")
    if len(strokes) > MAX_STROKES:
        raise BadStrokes("strokes", count=f"{len(strokes):,}", limit=MAX_STROKES)
    total = sum(len(s) if isinstance(s, list) else 0 for s in strokes)
    if total > MAX_POINTS:
        raise BadStrokes("points", count=f"{total:,}", limit=f"{MAX_POINTS:,}")
    arrays = []
    for i, stroke in enumerate(strokes, start=1):
        if not isinstance(stroke, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(_is_number(c) for c in p) for p in stroke):
            raise BadStrokes("stroke", i=i)
        if not stroke:
            continue
        points = np.asarray(stroke, dtype=np.float64)
        if not np.isfinite(points).all():
            raise BadStrokes("infinite", i=i)
        if (points < 0).any() or (points[:, 0] > width).any() or (points[:, 1] > height).any():
            raise BadStrokes("outside", i=i, width=width, height=height)
        arrays.append(points)
    number = value.get("n") if isinstance(value.get("n"), int) and not isinstance(value.get("n"), bool) else None
    return Drawing(float(width), float(height), arrays, number) if arrays else None


def _is_number(c) -> bool:
    return isinstance(c, (int, float)) and not isinstance(c, bool)


def render(drawing: Drawing) -> np.ndarray:
    """The strokes drawn with a round pen at a fixed size: ink (CANVAS_PX, CANVAS_PX) float in [0, 1].

    The drawing is scaled so its longest side is DIGIT_PX (a tiny one as if it spanned MIN_EXTENT of
    its canvas) and centred; the pen is PEN × DIGIT_PX wide.
    """
    every = np.concatenate(drawing.strokes)
    low, high = every.min(axis=0), every.max(axis=0)
    extent = max(float((high - low).max()), MIN_EXTENT * max(drawing.width, drawing.height))
    scale = DIGIT_PX / extent
    centre = (low + high) / 2
    pen = PEN * DIGIT_PX
    image = Image.new("L", (CANVAS_PX, CANVAS_PX), 0)
    draw = ImageDraw.Draw(image)
    for stroke in drawing.strokes:
        points = [tuple(p) for p in (stroke - centre) * scale + CANVAS_PX / 2]
        if len(points) > 1:
            draw.line(points, fill=255, width=round(pen), joint="curve")
        for x, y in (points[0], points[-1]):  # round ends (and a dot for a one-point stroke)
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    return np.asarray(image, dtype=np.float32) / 255


def from_points(strokes: list[list[tuple[float, float]]], width: float = 280, height: float = 280) -> str:
    """A pad value (JSON) for strokes given as point lists: what the pad sends, for tests and API users."""
    clean = [[[round(float(x), 1), round(float(y), 1)] for x, y in stroke] for stroke in strokes]
    assert all(math.isfinite(c) for s in clean for p in s for c in p)
    return json.dumps({"width": width, "height": height, "strokes": clean})
