"""What the app accepts, checked where it arrives: numbers, choices, text and images.

The browser's widgets keep their values in range, but the HTTP API takes any
JSON (NaN, strings, null) and any file. Each check here either returns a clean
value or raises `gr.Error` with a message naming the field and the limit; a
gr.Error reaches the browser as a notice and an API client as its error text,
and gradio goes on serving everyone else.

Every message comes in the language the handler asks for (`language`, ui/i18n.py); the field's `name` is given
by the caller, in that same language.
"""
import base64
import math
import os
import stat
from io import BytesIO
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder
from PIL import Image

from i18n import particles
from ui import i18n

MAX_TEXT_CHARS = 2_000  # the text boxes' own limit; a film review is a few hundred characters
MAX_UPLOAD = 5 * 2**20  # bytes of any upload (gradio refuses larger ones before a handler); a drawing is < 50 kB
MAX_IMAGE_SIDE = 4_096  # pixels; decoding a 4096² RGBA image takes 64 MB, a 12,000² one took 3.7 GB
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")

# In Korean the field's name takes "값은" ("its value"), "의" or a topic particle (`_topic`), so any name reads right.
T = i18n.Texts("inputs")


def number(value, name: str, low: float, high: float, whole: bool = False, *, language: str = "en") -> float | int:
    """`value` as a finite number within [low, high] (a whole one when `whole`), or a gr.Error naming `name`."""

    def refuse(shown: str) -> gr.Error:
        return gr.Error(T.say("whole" if whole else "number", language, name=name, low=f"{low:g}", high=f"{high:g}",
                              value=shown))

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise refuse(_show(value))
    if isinstance(value, int) and not -1e300 < value < 1e300:  # math.isfinite overflows on a 400-digit integer
        raise refuse(_show(value))
    if not math.isfinite(value) or not low <= value <= high:
        raise refuse(f"{value:g}")
    if whole:
        if value != round(value):
            raise refuse(f"{value:g}")
        return int(round(value))
    return float(value)


def choice(value, name: str, choices, *, language: str = "en") -> str:
    if not isinstance(value, str) or value not in choices:
        raise gr.Error(T.say("choice", language, name=name, choices=", ".join(map(str, choices)), value=_show(value)))
    return value


def flag(value, name: str, *, language: str = "en") -> bool:
    if not isinstance(value, bool):
        raise gr.Error(T.say("flag", language, name=name, value=_show(value)))
    return value


class Fields:
    """The checks above with each field named by its key in `texts` (an i18n.Texts), in `language`: a refusal
    comes wholly in that language."""

    def __init__(self, texts: i18n.Texts, language: str):
        self.texts, self.language = texts, language

    def number(self, value, field: str, low: float, high: float, whole: bool = False) -> float | int:
        return number(value, self.texts.say(field, self.language), low, high, whole, language=self.language)

    def choice(self, value, field: str, choices) -> str:
        return choice(value, self.texts.say(field, self.language), choices, language=self.language)

    def flag(self, value, field: str) -> bool:
        return flag(value, self.texts.say(field, self.language), language=self.language)


def text(value) -> str:
    """A text field's value as a string: None and non-strings count as empty."""
    return value if isinstance(value, str) else ""


def too_long(value: str, name: str, *, language: str = "en") -> str | None:
    """A message when `value` is longer than MAX_TEXT_CHARS, else None. Checked before any tokenising."""
    if len(value) <= MAX_TEXT_CHARS:
        return None
    return T.say("too_long", language, name=name, length=f"{len(value):,}", limit=f"{MAX_TEXT_CHARS:,}")


def uploaded(value, name: str, *, language: str = "en") -> str | bytes | None:
    """The file an unprocessed file input names, if the app may read it: a file gradio stored in its upload folder
    (a regular file, after following links), or the bytes of a base64 `data:` URL of at most MAX_UPLOAD bytes. None
    for no file at all. Anything else — a path elsewhere, a pipe, a device — is refused with one message that says
    nothing about the server's files."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise gr.Error(T.say("not_uploaded", language, name=_topic(name, language)))
    path, url = value.get("path"), value.get("url")
    if path is None and isinstance(url, str) and url.startswith("data:"):
        header, _, encoded = url.partition(",")
        if ";base64" not in header or len(encoded) > MAX_UPLOAD * 4 // 3 + 4:
            raise gr.Error(T.say("not_uploaded", language, name=_topic(name, language)))
        try:
            return base64.b64decode(encoded, validate=True)
        except ValueError:
            raise gr.Error(T.say("not_uploaded", language, name=_topic(name, language))) from None
    if path is None:
        return None
    if not isinstance(path, str):
        raise gr.Error(T.say("not_uploaded", language, name=_topic(name, language)))
    try:
        resolved = Path(path).resolve(strict=True)
        inside = resolved.is_relative_to(Path(get_upload_folder()).resolve()) and stat.S_ISREG(resolved.stat().st_mode)
    except (OSError, ValueError, RuntimeError):
        inside = False
    if not inside:
        raise gr.Error(T.say("not_uploaded", language, name=_topic(name, language)))
    return str(resolved)


def check_image(source, name: str, *, language: str = "en") -> None:
    """Refuse an upload that is not a PNG/JPEG/WebP image or is larger than MAX_IMAGE_SIDE on a side.

    `source` is a file path or bytes. Only the header is read here (PIL reads the size without decoding);
    the full decode that follows then fails only for a truncated file, which `decode_error` words.
    """
    try:
        size = len(source) if isinstance(source, (bytes, bytearray)) else os.path.getsize(source)
        with Image.open(BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as image:
            width, height, kind = image.width, image.height, image.format
    except Image.DecompressionBombError:  # its header claims more pixels than PIL will open (over 179 million)
        side = f"{MAX_IMAGE_SIDE:,}"
        raise gr.Error(T.say("far_too_big", language, name=_topic(name, language), side=side)) from None
    except (OSError, SyntaxError, ValueError):
        raise gr.Error(T.say("unreadable", language, name=_topic(name, language))) from None
    if kind not in IMAGE_FORMATS:
        raise gr.Error(T.say("format", language, name=_topic(name, language), kind=kind))
    if max(width, height) > MAX_IMAGE_SIDE:
        raise gr.Error(T.say("too_big", language, name=_topic(name, language), width=f"{width:,}",
                             height=f"{height:,}", size=f"{size:,}", side=f"{MAX_IMAGE_SIDE:,}"))


def decode_error(name: str, *, language: str = "en") -> gr.Error:
    return gr.Error(T.say("damaged", language, name=_topic(name, language)))


def _topic(name: str, language: str) -> str:
    """`name` as a sentence's topic: in Korean with 은 after a final consonant, else 는 ("파일은", "이미지는")."""
    if language != "ko" or not name:
        return name
    return particles.after(name, "은(는)")


def _show(value) -> str:
    try:
        shown = repr(value)
    except ValueError:  # an integer longer than Python will write out
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= 40 else shown[:37] + "…"
