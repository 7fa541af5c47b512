"""What the app accepts, checked where it arrives: numbers, choices, text and images.

The browser's widgets keep their values in range, but the HTTP API takes any
JSON (NaN, strings, null) and any file. Each check here either returns a clean
value or raises `gr.Error` with a message naming the field and the limit; a
gr.Error reaches the browser as a notice and an API client as its error text,
and gradio goes on serving everyone else.
"""
import math
import os
from io import BytesIO

import gradio as gr
from PIL import Image

MAX_TEXT_CHARS = 2_000  # the text boxes' own limit; a film review is a few hundred characters
MAX_UPLOAD = "5mb"  # any upload (gradio refuses larger ones before they reach a handler); a drawing is < 50 kB
MAX_IMAGE_SIDE = 4_096  # pixels; decoding a 4096² RGBA image takes 64 MB, a 12,000² one took 3.7 GB
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")

# The Retrain tab's sliders: (lowest, highest) of each; the subset's highest is the kind's training-set size.
RETRAIN_RANGES = {
    "log_lr": (-5.0, 0.0), "epochs": (1, 30), "patience": (1, 10), "batch_size": (8, 512),
    "hidden": (8, 512), "dropout": (0.0, 0.9), "subset": (500, None),
}


def number(value, name: str, low: float, high: float, whole: bool = False) -> float | int:
    """`value` as a finite number within [low, high] (a whole one when `whole`), or a gr.Error naming `name`."""
    wanted = f"{name} must be a {'whole ' if whole else ''}number from {low:g} to {high:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise gr.Error(f"{wanted}, not {_show(value)}.")
    if not math.isfinite(value) or not low <= value <= high:
        raise gr.Error(f"{wanted}, not {value:g}.")
    if whole:
        if value != round(value):
            raise gr.Error(f"{wanted}, not {value:g}.")
        return int(round(value))
    return float(value)


def choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise gr.Error(f"{name} must be one of {', '.join(map(str, choices))}, not {_show(value)}.")
    return value


def flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise gr.Error(f"{name} must be true or false, not {_show(value)}.")
    return value


def text(value) -> str:
    """A text field's value as a string: None and non-strings count as empty."""
    return value if isinstance(value, str) else ""


def too_long(value: str, name: str) -> str | None:
    """A message when `value` is longer than MAX_TEXT_CHARS, else None. Checked before any tokenising."""
    if len(value) <= MAX_TEXT_CHARS:
        return None
    return f"{name} is {len(value):,} characters long; the limit is {MAX_TEXT_CHARS:,}. Please shorten it."


def check_image(source, name: str) -> None:
    """Refuse an upload that is not a PNG/JPEG/WebP image or is larger than MAX_IMAGE_SIDE on a side.

    `source` is a file path or bytes. Only the header is read here (PIL reads the size without decoding);
    the full decode that follows then fails only for a truncated file, which `decode_error` words.
    """
    try:
        size = len(source) if isinstance(source, (bytes, bytearray)) else os.path.getsize(source)
        with Image.open(BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as image:
            width, height, kind = image.width, image.height, image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise gr.Error(f"{name} is not a readable image: send a PNG or JPEG file.") from None
    if kind not in IMAGE_FORMATS:
        raise gr.Error(f"{name} is a {kind} image; send a PNG or JPEG file.")
    if max(width, height) > MAX_IMAGE_SIDE:
        raise gr.Error(f"{name} is {width:,} × {height:,} pixels ({size:,} bytes); the largest accepted is "
                       f"{MAX_IMAGE_SIDE:,} pixels on a side.")


def decode_error(name: str) -> gr.Error:
    return gr.Error(f"{name} could not be decoded: the file is damaged or cut short.")


def _show(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"
