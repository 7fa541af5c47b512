"""Points a student gives the decision-boundary lesson: a small CSV of `x, y, label`, one point a line.

The plane on the Lessons tab (ui/lessons/points.py) writes this text as the
student clicks, taps or presses Enter, and a student may paste or load one; the
API takes the same text. It is read here, line by line, before anything
trains: a line that is not two finite numbers and a class 0 or 1 is refused
with its number and what was wrong (`PointsError`, an i18n.Message to be said
in the asker's language), and so is a text over MAX_CHARS characters or with
more than MAX_POINTS points.

    x, y, label        an optional first line of names
    -1.2, 0.5, 0       commas, semicolons, tabs or spaces between the three values
    # a comment        blank lines and lines starting with # are skipped
"""
import math
import re

from i18n import Message

MAX_POINTS = 400  # twice the presets' 200; a class of thirty clicking stays far below it
MAX_CHARS = 20_000  # characters of the whole text: 400 lines of 50 characters
MAX_ABS = 1e6  # largest coordinate accepted; the lesson standardises them, so any units up to this will do
MIN_PER_CLASS = 4  # points of each class the lesson needs: a quarter of them is held out for testing
_SEPARATORS = re.compile(r"\s*[,;\t]\s*|\s+")


class PointsError(ValueError):
    """A text the lesson cannot train on; `message` says what was wrong, and where."""

    def __init__(self, message: Message):
        super().__init__(message.key)
        self.message = message


def parse(text: str) -> list[tuple[float, float, int]]:
    """The points of `text` as (x, y, label), in its order; a PointsError for the first thing wrong with it."""
    if len(text) > MAX_CHARS:
        raise PointsError(Message("lessons-points.too_long", {"length": f"{len(text):,}", "limit": f"{MAX_CHARS:,}"}))
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        values = _SEPARATORS.split(line)
        if not found and number == _first_line(text) and not _is_number(values[0]):
            continue  # a header such as "x, y, label"
        where = {"line": number, "text": line if len(line) <= 40 else line[:37] + "…"}
        if len(values) != 3:
            raise PointsError(Message("lessons-points.count", where | {"count": len(values)}))
        for name, value in zip(("x", "y"), values[:2], strict=True):
            if not _is_number(value):
                raise PointsError(Message("lessons-points.not_number", where | {"name": name, "value": value}))
            if not abs(float(value)) <= MAX_ABS:
                raise PointsError(Message("lessons-points.too_far", where | {"name": name, "value": value,
                                                                             "limit": f"{MAX_ABS:g}"}))
        if values[2] not in ("0", "1"):
            raise PointsError(Message("lessons-points.label", where | {"value": values[2]}))
        if len(found) == MAX_POINTS:
            raise PointsError(Message("lessons-points.too_many", {"line": number, "limit": MAX_POINTS}))
        found.append((float(values[0]), float(values[1]), int(values[2])))
    return found


def too_few(points: list[tuple[float, float, int]]) -> Message | None:
    """Why the lesson cannot train on `points` (fewer than MIN_PER_CLASS of a class), or None."""
    counts = [sum(label == c for *_, label in points) for c in (0, 1)]
    if min(counts) >= MIN_PER_CLASS:
        return None
    return Message("lessons-points.too_few", {"least": MIN_PER_CLASS, "zero": counts[0], "one": counts[1]})


def _first_line(text: str) -> int:
    """The number of the first line that is neither blank nor a comment (0 when there is none)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.strip().startswith("#"):
            return number
    return 0


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False
