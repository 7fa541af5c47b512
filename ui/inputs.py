"""What the app accepts, checked where it arrives: numbers, choices, text and images.

The browser's widgets keep their values in range, but the HTTP API takes any
JSON (NaN, strings, null) and any file. Each check here either returns a clean
value or raises `gr.Error` with a message naming the field and the limit; a
gr.Error reaches the browser as a notice and an API client as its error text,
and gradio goes on serving everyone else.

Every message comes in the language the handler asks for (`language`, ui/i18n.py); the field's `name` is given
by the caller, in that same language.
"""
import math
import os
from io import BytesIO

import gradio as gr
from PIL import Image

from ui import i18n

MAX_TEXT_CHARS = 2_000  # the text boxes' own limit; a film review is a few hundred characters
MAX_UPLOAD = "5mb"  # any upload (gradio refuses larger ones before they reach a handler); a drawing is < 50 kB
MAX_IMAGE_SIDE = 4_096  # pixels; decoding a 4096² RGBA image takes 64 MB, a 12,000² one took 3.7 GB
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")

# In Korean the field's name takes "값은" ("its value"), "의" or a topic particle (`_topic`), so any name reads right.
T = i18n.Texts(
    "inputs",
    number=("{name} must be a number from {low} to {high}, not {value}.",
            "{name} 값은 {low}부터 {high}까지의 수여야 해요(받은 값: {value})."),
    whole=("{name} must be a whole number from {low} to {high}, not {value}.",
           "{name} 값은 {low}부터 {high}까지의 정수여야 해요(받은 값: {value})."),
    choice=("{name} must be one of {choices}, not {value}.",
            "{name} 값은 {choices} 중 하나여야 해요(받은 값: {value})."),
    flag=("{name} must be true or false, not {value}.", "{name} 값은 true나 false여야 해요(받은 값: {value})."),
    too_long=("{name} is {length} characters long; the limit is {limit}. Please shorten it.",
              "{name}의 길이가 {length}자예요. 최대 {limit}자까지 받을 수 있으니 줄여 주세요."),
    unreadable=("{name} is not a readable image: send a PNG or JPEG file.",
                "{name} 읽을 수 있는 이미지가 아니에요. PNG나 JPEG 파일을 보내 주세요."),
    format=("{name} is a {kind} image; send a PNG or JPEG file.",
            "{name} {kind} 이미지예요. PNG나 JPEG 파일을 보내 주세요."),
    too_big=("{name} is {width} × {height} pixels ({size} bytes); the largest accepted is {side} pixels on a side.",
             "{name} {width} × {height} 픽셀({size}바이트)이에요. 한 변이 최대 {side} 픽셀인 이미지까지 받아요."),
    damaged=("{name} could not be decoded: the file is damaged or cut short.",
             "{name} 열 수 없어요. 파일이 손상되었거나 중간에 잘린 것 같아요."),
)

# The Retrain tab's sliders: (lowest, highest) of each; the subset's highest is the kind's training-set size.
RETRAIN_RANGES = {
    "log_lr": (-5.0, 0.0), "epochs": (1, 30), "patience": (1, 10), "batch_size": (8, 512),
    "hidden": (8, 512), "dropout": (0.0, 0.9), "subset": (500, None),
}


def number(value, name: str, low: float, high: float, whole: bool = False, *, language: str = "en") -> float | int:
    """`value` as a finite number within [low, high] (a whole one when `whole`), or a gr.Error naming `name`."""

    def refuse(shown: str) -> gr.Error:
        return gr.Error(T.say("whole" if whole else "number", language, name=name, low=f"{low:g}", high=f"{high:g}",
                              value=shown))

    if isinstance(value, bool) or not isinstance(value, (int, float)):
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


def check_image(source, name: str, *, language: str = "en") -> None:
    """Refuse an upload that is not a PNG/JPEG/WebP image or is larger than MAX_IMAGE_SIDE on a side.

    `source` is a file path or bytes. Only the header is read here (PIL reads the size without decoding);
    the full decode that follows then fails only for a truncated file, which `decode_error` words.
    """
    try:
        size = len(source) if isinstance(source, (bytes, bytearray)) else os.path.getsize(source)
        with Image.open(BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as image:
            width, height, kind = image.width, image.height, image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
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
    last = name[-1]
    if "가" <= last <= "힣":
        closed = (ord(last) - ord("가")) % 28 != 0
    else:  # a digit or a Latin letter, as it is read aloud: 영, 일, 삼, 육, 칠, 팔; 엘, 엠, 엔, 알
        closed = last.lower() in "013678lmnr"
    return name + ("은" if closed else "는")


def _show(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"
