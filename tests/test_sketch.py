import numpy as np
import pytest

from benchmarks.drawings import composite, draw
from ink.preprocess import ink_from_image, to_canvas_grid, to_mnist


def test_empty_or_missing_canvas_is_not_a_digit():
    blank = np.zeros((280, 280, 4), dtype=np.uint8)
    assert to_mnist(None) is None
    assert to_mnist(ink_from_image(blank)) is None and to_mnist(ink_from_image(composite(blank))) is None
    dot = blank.copy()
    dot[100:102, 100:102, 3] = 255  # a slip of the finger
    assert to_mnist(ink_from_image(dot)) is None


def test_ink_comes_from_layer_alpha_or_darkness_or_lightness_on_a_dark_page():
    layer = draw("7")
    from_layer = ink_from_image(layer)
    assert from_layer.shape == (280, 280)
    assert np.abs(from_layer - ink_from_image(composite(layer))).max() < 0.01  # dark ink on white
    assert np.abs(from_layer - ink_from_image(layer[..., 3])).max() < 0.01  # white ink on black, like MNIST


def test_result_is_mnist_shaped():
    pre = to_mnist(ink_from_image(draw("0")))
    assert pre.pixels.shape == (28, 28) and pre.pixels.dtype == np.float32
    assert 0 <= pre.pixels.min() and pre.pixels.max() <= 1
    assert max(pre.fitted.shape) == 20
    rows, cols = np.nonzero(pre.pixels > 0.05)
    mass = pre.pixels.sum()
    centre = ((pre.pixels.sum(axis=1) * np.arange(28)).sum() / mass,
              (pre.pixels.sum(axis=0) * np.arange(28)).sum() / mass)
    assert abs(centre[0] - 13.5) <= 0.6 and abs(centre[1] - 13.5) <= 0.6


@pytest.mark.parametrize("scale, shift", [(0.4, (-70, -60)), (0.5, (80, 70)), (1.0, (0, 0))])
def test_small_large_and_off_centre_drawings_give_nearly_the_same_input(scale, shift):
    reference = to_mnist(ink_from_image(draw("7"))).pixels
    # a smaller drawing keeps the same stroke width, so it is relatively bolder: compare shapes, not ink
    layer = draw("7", scale=scale, shift=shift, width=round(22 * scale))
    variant = to_mnist(ink_from_image(layer)).pixels
    other_digit = to_mnist(ink_from_image(draw("1"))).pixels
    assert np.abs(variant - reference).mean() < 0.5 * np.abs(other_digit - reference).mean()


def test_canvas_grid_maps_the_box_onto_the_pasted_digit():
    pre = to_mnist(ink_from_image(draw("1")))
    rows, cols = to_canvas_grid(pre)
    top, left, height, width = pre.box
    assert rows[top] == pytest.approx(pre.offset[0], abs=0.5)
    assert rows[top + height - 1] == pytest.approx(pre.offset[0] + pre.fitted.shape[0] - 1, abs=0.5)
    assert cols[left] == pytest.approx(pre.offset[1], abs=0.5)
