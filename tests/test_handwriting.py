"""Pen digits as data, the non-digit generator, the digit check, and the shipped models on unseen writers."""
import os

import numpy as np
import pytest
import torch
from gradio_client.exceptions import AppError

from benchmarks.drawings import pad_value
from ink import strokes
from ink.preprocess import to_mnist
from models import registry
from training.datasets import LOADERS, TRAIN_SIZES, data_dir, nondigits, pendigits
from ui.draw import digit_check

SNIPPET = """.INCLUDE        dene.doc

.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 12  224
.PEN_DOWN
 100  300
 200  300
 150  100
.PEN_UP
.PEN_DOWN
 120  200
 180  200
.PEN_UP
.DT 100

.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 5  3
.PEN_DOWN
 150  300
 150  100
.PEN_UP
"""


def pixels_of(value: str) -> np.ndarray:
    """The 28×28 input the app makes of a pad value."""
    return to_mnist(strokes.render(strokes.parse(value))).pixels


def test_parse_reads_strokes_labels_and_writers_with_y_flipped():
    seven, one = pendigits.parse(SNIPPET)
    assert (seven.label, seven.writer, len(seven.strokes)) == (7, 12, 2)
    assert (one.label, one.writer, len(one.strokes)) == (1, 5, 1)
    top_bar, foot = seven.strokes[0][:2], seven.strokes[0][2]
    assert (top_bar[:, 1] < foot[1]).all(), "the 7's bar (tablet y 300) must be above its foot (y 100) on screen"


def test_writer_split_is_fixed_and_has_no_overlap():
    fake = [pendigits.PenDigit([np.zeros((1, 2))], label=w % 10, writer=w) for w in range(1, 31)]
    roles = pendigits.by_role(fake)
    writers = {role: {d.writer for d in digits} for role, digits in roles.items()}
    assert writers["held_out"] == set(pendigits.HELD_OUT_WRITERS)
    assert writers["val"] == set(pendigits.VALIDATION_WRITERS)
    assert not (writers["train"] & writers["held_out"]) and not (writers["train"] & writers["val"])
    assert not (writers["val"] & writers["held_out"])
    assert writers["train"] | writers["val"] | writers["held_out"] == set(range(1, 31))


@pytest.mark.parametrize("path", ["pad", "image"])
def test_replay_gives_mnist_shaped_input_wherever_and_however_big_it_was_drawn(path):
    seven = pendigits.parse(SNIPPET)[0].strokes
    pixels = pendigits.replay([seven] * 4, seed=0, path=path)
    assert pixels.shape == (4, 1, 28, 28) and pixels.dtype == np.uint8
    for image in pixels[:, 0].astype(float):
        rows, cols = np.nonzero(image > 25)
        assert max(np.ptp(rows), np.ptp(cols)) in range(17, 22)  # fitted to 20 px, like MNIST
        mass = image / image.sum()
        assert abs((mass.sum(axis=1) * np.arange(28)).sum() - 13.5) < 1.5  # centred by mass
    assert (pendigits.replay([seven], 3, path) == pendigits.replay([seven], 3, path)).all(), "seeded"


def test_the_generator_draws_every_category_on_the_pad():
    drawings, names = nondigits.generate(3 * len(nondigits.CATEGORIES), seed=1, categories=nondigits.CATEGORIES)
    assert sorted(set(names)) == sorted(nondigits.CATEGORIES)
    for drawing in drawings:
        every = np.concatenate(drawing)
        assert every.min() >= 0 and every.max() <= pendigits.PAD
    pixels = nondigits.replayed(drawings, seed=0)
    assert (pixels.reshape(len(pixels), -1).max(axis=1) > 200).all(), "every drawing leaves ink"
    assert set(nondigits.HELD_OUT_CATEGORIES) <= set(nondigits.CATEGORIES)
    assert not set(nondigits.HELD_OUT_CATEGORIES) & set(nondigits.TRAIN_CATEGORIES)
    assert len(set(nondigits.SEEDS.values())) == len(nondigits.SEEDS), "training and measuring seeds differ"


@pytest.fixture(scope="module")
def detector(shipped):
    return shipped[digit_check.KIND]


@pytest.mark.parametrize("name, drawing", [
    ("an X", [[(40, 40), (240, 240)], [(240, 40), (40, 240)]]),
    ("a dot", [[(140, 140), (141, 141)]]),
    ("a line across the pad", [[(20, 150), (140, 140), (260, 130)]]),
    ("a filled blob", [[(100 + 80 * (i % 2), 80 + 6 * i) for i in range(20)]]),
])
def test_the_digit_check_flags_what_is_not_a_digit(detector, name, drawing):
    result = digit_check.check(detector, pixels_of(strokes.from_points(drawing)))
    assert not result.looks_like_digit, f"{name}: {result}"
    assert result.score < digit_check.THRESHOLD and "not" in result.reason


@pytest.mark.parametrize("digit", ["0", "1", "7"])
def test_the_digit_check_passes_drawn_digits(detector, digit):
    result = digit_check.check(detector, pixels_of(pad_value(digit)))
    assert result.looks_like_digit, result
    assert result.score >= digit_check.THRESHOLD


def test_the_detector_is_shipped_but_the_retrain_tab_neither_offers_nor_trains_it(shipped, client):
    import app

    assert digit_check.KIND in shipped
    picker = next(block for block in app.demo.blocks.values() if getattr(block, "elem_id", None) == "retrain-model")
    offered = [value for _, value in picker.choices]
    assert {"dnn", "cnn"} <= set(offered) and digit_check.KIND not in offered
    settings = dict(kind=digit_check.KIND, log_lr=-2.5, epochs=1, patience=1, batch_size=64, hidden=32, dropout=0.0,
                    init="default", bidirectional=True, subset=500)
    with pytest.raises(AppError, match="model must be one of"):
        client.predict(*settings.values(), api_name="/train")  # asked through the API all the same


def test_every_kind_s_data_set_has_a_loader_and_a_training_size():
    for kind in registry.KINDS.values():  # the command line loads it; the Retrain tab offers up to its size
        assert kind.dataset in LOADERS and kind.dataset in TRAIN_SIZES, kind.name


# ---- with the real pen digits ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pen_digits():
    if not (data_dir() / "pendigits" / "pendigits-train").exists():
        reason = f"pendigits/pendigits-train is not in {data_dir().resolve()} (README, 'Data')"
        if os.environ.get("DATA_TESTS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    return pendigits.read()


@pytest.mark.data
def test_the_file_holds_30_writers_and_the_sizes_the_loader_promises(pen_digits):
    assert len(pen_digits) == 7_494 and {d.writer for d in pen_digits} == set(range(1, 31))
    train = pendigits.by_role(pen_digits)["train"]
    assert TRAIN_SIZES["digits"] == 55_000 + 2 * pendigits.TRAIN_COPIES * len(train)


@pytest.mark.data
def test_the_shipped_models_read_held_out_writers_digits(pen_digits, shipped, detector):
    held_out = pendigits.by_role(pen_digits)["held_out"]
    sample = [d for label in range(10) for d in [d for d in held_out if d.label == label][:8]]  # 80 digits
    labels = np.array([d.label for d in sample])
    pixels = pendigits.replay([d.strokes for d in sample], seed=5, path="pad")
    x = torch.from_numpy(pixels)
    with torch.inference_mode():
        for kind, floor in (("cnn", 0.95), ("dnn", 0.9)):
            model = shipped[kind]
            accuracy = (model(x).argmax(dim=1).numpy() == labels).mean()
            assert accuracy >= floor, f"{kind}: {accuracy:.1%} of 80 held-out pen digits"
    passed = digit_check.scores(detector, pixels) >= digit_check.THRESHOLD
    assert passed.mean() >= 0.97, f"the digit check passed only {passed.mean():.1%} of 80 held-out pen digits"
