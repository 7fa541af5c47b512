"""The pad's strokes: read, checked, and drawn the same way whatever brush, size or place the student used."""
import json

import numpy as np
import pytest

import i18n
from benchmarks.drawings import pad_value
from ink import strokes
from ink.preprocess import to_mnist


def pixels(value: str) -> np.ndarray:
    return to_mnist(strokes.render(strokes.parse(value))).pixels


def test_a_digit_looks_the_same_small_or_big_anywhere_on_any_canvas():
    reference = pixels(pad_value("7"))
    for scale, shift, size in [(0.25, (-90, -90), 280), (1.2, (0, 0), 280), (0.5, (60, 70), 280), (1.0, (0, 0), 400)]:
        assert np.abs(pixels(pad_value("7", scale, shift, size)) - reference).mean() < 0.02
    assert np.abs(pixels(pad_value("1")) - reference).mean() > 0.05


def test_the_pen_is_a_fixed_fraction_of_the_digit_whatever_brush_the_pad_showed():
    ink = strokes.render(strokes.parse(pad_value("1")))  # a vertical bar: its width is the pen's
    columns = np.flatnonzero(ink[140] > 0.5)
    assert abs(len(columns) - strokes.PEN * strokes.DIGIT_PX) <= 2


def test_no_drawing_is_none_not_an_error():
    assert strokes.parse(None) is None and strokes.parse("") is None
    assert strokes.parse('{"width": 280, "height": 280, "strokes": []}') is None
    assert strokes.parse('{"width": 280, "height": 280, "strokes": [[]]}') is None


def test_a_single_point_is_a_small_dot_not_a_giant_blob():
    ink = strokes.render(strokes.parse('{"width": 280, "height": 280, "strokes": [[[100, 100]]]}'))
    assert 0 < (ink > 0.5).mean() < 0.6


def drawing(**fields) -> str:
    return json.dumps({"width": 280, "height": 280, "strokes": [[[10, 10], [50, 60]]], **fields})


@pytest.mark.parametrize("value, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be {"),
    (drawing(width=0), "canvas width must be a number from 1 to 4,096"),
    (drawing(height=1e9), "canvas height must be a number from 1 to 4,096"),
    (drawing(width="wide"), "canvas width must be a number"),
    (drawing(strokes="line"), "'strokes' must be a list"),
    (drawing(strokes=[[[1, 2, 3]]]), "stroke 1 must be a list of [x, y] points"),
    (drawing(strokes=[[[1, None]]]), "stroke 1 must be a list of [x, y] points"),
    (drawing(strokes=[[[1, 2]], [[-5, 10]]]), "stroke 2 leaves the 280 × 280 canvas"),
    (drawing(strokes=[[[300, 10]]]), "stroke 1 leaves the 280 × 280 canvas"),
    ('{"width": 280, "height": 280, "strokes": [[[NaN, 1]]]}', "not a finite number"),
    (drawing(strokes=[[[1, 1]] * 1_000_000]), "characters of JSON; the limit is 200,000"),
    (drawing(strokes=[[[1, 1]] * 6_000]), "6,000 points; the limit is 5,000"),
    (drawing(strokes=[[[1, 1]]] * 101), "101 strokes; the limit is 100"),
])
def test_bad_values_are_refused_with_a_message_naming_the_problem(value, message):
    with pytest.raises(strokes.BadStrokes) as refused:
        strokes.parse(value)
    assert message in i18n.say(f"strokes.{refused.value.key}", "en", **refused.value.values)
