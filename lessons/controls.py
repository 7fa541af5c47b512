"""What a student can vary in a lesson, declared once, beside the experiment it feeds.

Each lesson module lists its `CONTROLS`. A control names the run() keyword it
fills (which is also the API's name for it), its kind, default and range, and
the keys of its texts under "lessons." in the locale files: its label, and the
shorter name a refused value is given ("hidden units must be a whole number
from 0 to 32"). The Lessons tab (ui/lessons/layout.py) builds each control's
widget, the check of a raw API value, its name in the run history and the
reset from this; the lesson's `DEFAULTS`, and so its run()'s defaults, come
from it too. Nothing here knows about gradio.
"""
from dataclasses import dataclass, field

# a slider of whole numbers or floats, a radio, a checkbox, text, and labelled points on a plane (as the CSV text
# lessons/points.py reads: the Lessons tab shows a plane to click and a box to paste into, ui/lessons/points.py)
KINDS = ("whole", "float", "choice", "flag", "text", "points")


@dataclass
class Control:
    name: str  # the run() keyword it fills, and the API's parameter name
    kind: str  # one of KINDS
    default: object
    label: str  # key of the widget's label
    short: str = ""  # key of its short name, which a refusal gives it; the label's key when empty
    low: float | None = None  # a number's range, both ends allowed
    high: float | None = None
    step: float | None = None  # a number's slider step
    choices: tuple[str, ...] = ()  # a choice's values, as the API takes them
    shown: tuple[str, ...] = ()  # keys of the choices' words on the page, one per choice; the values when empty
    aliases: dict[str, str] = field(default_factory=dict)  # values the API took before, and the choice each means now
    label_values: dict = field(default_factory=dict)  # the label's {fields}, known when the page is built
    # (control, value): what a student's edit of this one sets another to, e.g. placing a point picks "own" points
    selects: tuple[str, str] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is none of {', '.join(KINDS)}")
        if self.kind in ("whole", "float") and not self.low <= self.default <= self.high:
            raise ValueError(f"{self.name}: default {self.default} is outside [{self.low}, {self.high}]")
        if self.kind == "choice" and self.default not in self.choices:
            raise ValueError(f"{self.name}: default {self.default!r} is none of {self.choices}")
        if self.shown and len(self.shown) != len(self.choices):
            raise ValueError(f"{self.name}: {len(self.choices)} choices, words for {len(self.shown)}")

    @property
    def refused_as(self) -> str:
        """The key of the name a refusal gives this control."""
        return self.short or self.label


def defaults(controls) -> dict:
    """{name: default} of `controls`: a lesson's run() at its defaults is run(**defaults(CONTROLS))."""
    return {control.name: control.default for control in controls}


# Lessons 2 and 3 read the digit models the student picks: the shipped ones, or those they retrained in tab 3. Their
# run() also takes {"dnn": …, "cnn": …} (set by the tab, which falls back to a shipped model where the student has no
# retrained one) and names each model's origin in words.
ORIGIN = Control("origin", "choice", "shipped", "models", choices=("shipped", "yours"),
                 shown=("origin_shipped", "origin_yours"), aliases={"yours (retrained in tab 3)": "yours"})


def origins(origin: str | dict) -> dict[str, str]:
    """{"dnn": …, "cnn": …}: where each digit model comes from, "shipped" or "yours"; one word means both."""
    return dict(origin) if isinstance(origin, dict) else {"dnn": origin, "cnn": origin}
