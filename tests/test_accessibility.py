"""Accessibility without a browser (issue #14): colours under colour-vision deficiencies, the text alternatives
of every image and plot the app makes, and the example digits for a student who cannot draw with a pointer.

The browser half (axe-core on every tab, the keyboard, live regions, 200% zoom) is tests/test_browser_a11y.py.
"""
import html
import re

import numpy as np
import pytest

from benchmarks.drawings import draw
from figures import images, plots, style
from ink.preprocess import ink_from_image, to_mnist
from lessons import boundary
from tests.helpers import handlers
from training.loop import EpochStats
from ui.draw import digits, examples

# ---- colour-vision deficiencies ----------------------------------------------------------------------------------
# Machado, Oliveira and Fernandes (2009), severity 1.0: dichromats' view of linear sRGB.
SIMULATIONS = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "normal vision": np.eye(3).tolist(),
}
# CIE76 ΔE: about 2.3 is just noticeable; 20 is two clearly different colours at a glance, for a plot legend
MIN_DELTA_E = 20


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str | tuple, deficiency: str) -> np.ndarray:
    """The CIELAB colour a person with `deficiency` sees for an sRGB colour ("#rrggbb" or an RGB tuple)."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)] if isinstance(colour, str) else colour, float)
    return _lab(np.clip(np.array(SIMULATIONS[deficiency]) @ _linear(rgb), 0, 1))


def saliency_colours() -> dict[str, tuple[int, int, int]]:
    """The colours the saliency overlay (ui.draw.digits.overlay) gives a fully inked stroke that pushed towards the
    answer, against it, or neither: its most inked pixel when a drawn one's saliency is +1, -1 or 0 everywhere."""
    drawn = to_mnist(ink_from_image(draw("1")))
    colours = {}
    for name, sign in (("towards", 1.0), ("against", -1.0), ("neutral", 0.0)):
        picture = digits.overlay(drawn, np.full((28, 28), sign, np.float32)).reshape(-1, 3)
        colours[name] = tuple(int(c) for c in picture[picture.sum(axis=1).argmin()])
    return colours


COLOURS_SHOWN_TOGETHER = {
    "training curves": [style.COLOURS["train"], style.COLOURS["val"], style.BEST_COLOUR, style.STOP_COLOUR],
    "word-by-word trace": [style.COLOURS[k] for k in ("rnn", "lstm", "gru")],
    "DNN and CNN (lessons)": [style.LESSON_COLOURS[k] for k in ("dnn", "cnn")],
    "initialisations (lesson 1)": [style.LESSON_COLOURS[k] for k in ("zeros", "gaussian", "xavier", "kaiming")],
    "MSE and L1 (lesson 5)": [style.LESSON_COLOURS[k] for k in ("mse", "l1")],
    "optimisers (lesson 8)": [style.LESSON_COLOURS[k] for k in ("sgd", "momentum", "adam", "adamw")],
    "saliency": list(saliency_colours().values()),
}


@pytest.mark.parametrize("deficiency", list(SIMULATIONS))
@pytest.mark.parametrize("group", list(COLOURS_SHOWN_TOGETHER))
def test_colours_shown_together_stay_apart_with_colour_vision_deficiencies(group, deficiency):
    colours = COLOURS_SHOWN_TOGETHER[group]
    for i, a in enumerate(colours):
        for b in colours[i + 1:]:
            distance = float(np.linalg.norm(seen(a, deficiency) - seen(b, deficiency)))
            assert distance >= MIN_DELTA_E, f"{group}: {a} and {b} are ΔE {distance:.1f} apart with {deficiency}"


def test_lines_that_share_a_plot_differ_in_dash_or_marker_too():
    curves = plots.training_curves(history(), best_epoch=2, stopped_early_at=3)
    trace = plots.token_trace(["not", "bad"], {"rnn": [0.4, 0.2], "lstm": [0.3, 0.5], "gru": [0.5, 0.8]})
    for fig in (curves, trace):
        panels = {}  # the lines each panel of the figure draws, as (name, dash, marker)
        for t in fig.data:
            panels.setdefault((t.xaxis, t.yaxis), []).append((t.name, t.line.dash, t.marker.symbol))
        for lines in panels.values():
            assert len(lines) > 1 and len({(dash, marker) for _, dash, marker in lines}) == len(lines), lines
    for names in (("dnn", "cnn"), ("zeros", "gaussian", "xavier", "kaiming"), ("sgd", "momentum", "adam", "adamw")):
        looks = {(style.styled(n)["line"]["dash"], style.styled(n)["marker"]["symbol"]) for n in names}
        assert len(looks) == len(names), names
    fig, _ = boundary.figures(_boundary_inputs())
    symbols = {t.marker.symbol for t in fig.data if t.type == "scatter"}
    assert len(symbols) == 2  # the two classes differ in shape as well as in colour


def _boundary_inputs():
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    axis = np.linspace(-2, 2, 9, dtype=np.float32)
    grid = torch.from_numpy(np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2))
    x = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    with torch.no_grad():
        probability = model(grid).reshape(len(axis), len(axis)).numpy()
    return {"points": x, "labels": (x[:, 0] > 0).astype(int), "held": np.arange(20) % 4 == 0, "xs": axis, "ys": axis,
            "probability": probability, "losses": [0.7, 0.5], "step": 2, "own": False}


# ---- text alternatives ------------------------------------------------------------------------------------------


def history(epochs: int = 3) -> list[EpochStats]:
    return [EpochStats(e, 1.0 / e, 0.8 + e / 100, 1.2 / e + (0.3 if e == 3 else 0), 0.75 + e / 100, 1e-3, 1.0)
            for e in range(1, epochs + 1)]


def test_every_figure_of_the_app_carries_a_summary_of_what_it_shows():
    curves = plots.training_curves(history(), best_epoch=2, stopped_early_at=3)
    text = curves.layout.meta["summary"]
    assert "after epoch 3" in text and "validation accuracy 78.0%" in text
    assert "lowest at epoch 2" in text and "stopped early after epoch 3" in text

    matrix = [[50, 2, 0], [9, 40, 1], [0, 0, 30]]
    text = plots.confusion_heatmap(matrix, ["0", "1", "2"]).layout.meta["summary"]
    assert "132 test examples" in text and "120 (90.9%)" in text and "1 read as 0, 9 times" in text

    fig = plots.token_trace(["not", "bad", "at", "all"], {"rnn": [0.4, 0.2, 0.25, 0.3], "gru": [0.5, 0.8, 0.8, 0.9]})
    text = fig.layout.meta["summary"]
    assert "RNN: positive probability 0.40 after “not” and 0.30 after “all”" in text
    assert "GRU" in text and "+0.30, came at “bad”" in text


def test_a_figure_without_its_own_summary_is_described_from_its_title_and_data():
    fig, curve = boundary.figures(_boundary_inputs())
    plots.described(fig)
    text = fig.layout.meta["summary"]
    assert text.startswith("Decision boundary after step 2") and "A picture of 9 × 9 values" in text
    plots.described(curve)
    assert "loss: 2 points, from 0.7 to 0.5" in curve.layout.meta["summary"]
    tiles = images.image(np.zeros((4, 4)), "the 16 first-layer units (red excites, blue inhibits)", 100, True)
    assert plots.described(tiles).layout.meta["summary"].startswith("The 16 first-layer units (red excites")
    assert plots.described(None) is None


@pytest.fixture(scope="module")
def lab(shipped):
    return handlers(shipped)


def alt_texts(html_images: str) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', html_images)]


@pytest.mark.parametrize("digit", examples.DIGITS)
def test_every_example_digit_is_read_as_itself_by_both_networks_with_its_pictures_described(lab, digit):
    verdict, dnn, cnn, details, steps, saliency = lab.draw.predict_digit(examples.pad_value(digit), {})
    assert max(dnn, key=dnn.get) == digit and max(cnn, key=cnn.get) == digit, (verdict, dnn, cnn)
    assert f"DNN reads **{digit}**" in verdict and f"CNN reads **{digit}**" in verdict
    assert "doesn't look like a digit" not in verdict
    [strip] = alt_texts(steps)
    assert strip.startswith("The preprocessing in five pictures, left to right:")
    [described] = alt_texts(saliency)
    assert f"made the CNN answer {digit}" in described and re.search(r"\d+% pushed towards the answer", described)


def test_the_lessons_weight_tiles_say_what_they_show(lab):
    from lessons import weights
    from ui.lessons.layout import outputs

    results = weights.run(lab.state.shipped["dnn"], lab.state.shipped["cnn"], None)
    text, *figures = outputs(list(results)[-1], weights.show, 3, "en")
    summaries = [fig.layout.meta["summary"] for fig in figures]
    assert summaries[0].startswith("The 64 of the shipped DNN's") and "red excites, blue inhibits" in summaries[0]
    assert summaries[1].startswith("The shipped CNN's") and "first-layer filters" in summaries[1]
    assert all("A picture of" in s for s in summaries)
