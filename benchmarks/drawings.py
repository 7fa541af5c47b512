"""Digits drawn the way a student draws them: as the pad's strokes, or as line strokes on a transparent layer."""
import numpy as np
from PIL import Image, ImageDraw

STROKES = {
    "1": [[(150, 50), (140, 235)]],
    "7": [[(70, 60), (210, 60), (120, 240)]],
    "0": [[(140, 40), (200, 80), (210, 170), (150, 240), (90, 200), (75, 110), (140, 40)]],
}


def draw(digit: str, size: int = 280, width: int = 22, scale: float = 1.0, shift=(0, 0)) -> np.ndarray:
    """An RGBA layer (size, size, 4): black strokes, transparent elsewhere, like the sketch pad's layer."""
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    for stroke in STROKES[digit]:
        points = [((x - 140) * scale + 140 + shift[0], (y - 140) * scale + 140 + shift[1]) for x, y in stroke]
        pen.line(points, fill=(0, 0, 0, 255), width=width, joint="curve")
    return np.asarray(layer)


def composite(layer: np.ndarray) -> np.ndarray:
    """The layer flattened onto white, as the sketch pad's `composite`."""
    alpha = layer[..., 3:4].astype(np.float32) / 255
    rgb = 255 * (1 - alpha) + layer[..., :3] * alpha
    return np.concatenate([rgb, np.full_like(alpha, 255)], axis=2).astype(np.uint8)


def pad_value(digit: str, scale: float = 1.0, shift=(0, 0), size: int = 280) -> str:
    """The pad's value (strokes as JSON, ink/strokes.py) for the same strokes as `draw`."""
    from ink.strokes import from_points

    def place(x, y):
        return (min(size, max(0, (x - 140) * scale + 140 + shift[0])),
                min(size, max(0, (y - 140) * scale + 140 + shift[1])))

    return from_points([[place(x, y) for x, y in stroke] for stroke in STROKES[digit]], size, size)
