"""The lessons (lessons/, ui/lessons/layout.py): each experiment on small settings, its API through gradio_client,
bad input through the raw API, the Retrain tab's zeros note, and Fashion-MNIST from a tiny IDX file written here."""
import inspect
import math

import numpy as np
import pytest
import torch
from gradio_client import Client
from gradio_client.exceptions import AppError

import lessons
import models
from benchmarks.drawings import pad_value
from lessons import boundary, crops, final, initialisation, overfitting, recurrent, regression, weights
from tests.helpers import handlers, raw_call, still_answers
from training.datasets import mnist
from ui.retrain import report


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def shipped():
    return {kind: models.load(f"assets/{kind}") for kind in ("dnn", "cnn")}


# ---- 1. weight initialisation --------------------------------------------------------------------------------------

def test_the_lessons_gaussian_has_sigma_one_and_zeros_are_zero():
    torch.manual_seed(0)
    gaussian, zeros = initialisation.build("gaussian", 256, "relu"), initialisation.build("zeros", 256, "relu")
    first = gaussian.layers[1].weight
    assert 0.95 < first.std().item() < 1.05 and abs(first.mean().item()) < 0.01
    assert all(p.abs().sum() == 0 for p in zeros.parameters())


@pytest.mark.data
def test_from_zeros_the_units_stay_identical_and_accuracy_stays_at_the_majority_class():
    result = final(initialisation.run(epochs=2, examples=1_000, width=32))
    accuracy, spread = result.values["val_acc"], result.values["spread"]
    assert spread["zeros"] == 0 and spread["kaiming"] > 0.1
    assert accuracy["zeros"] < 0.15 and 0.09 < result.values["majority"] < 0.14  # one class at a time, at best
    assert min(accuracy["kaiming"], accuracy["xavier"]) > accuracy["zeros"] + 0.3
    shown = initialisation.show(result)
    assert "still one unit copied" in shown.text and "Gaussian σ = 1" in shown.text
    assert len(shown.figures[0].data) == 8  # loss and accuracy, four schemes


def init_values(start_loss: dict, accuracy: dict, *, majority=0.11, zero_hidden=0.0, batch_norm=False,
                activation="relu") -> dict:
    """A finished initialisation run's values, made up: one epoch per scheme."""
    curves = {s: {"train_loss": [start_loss[s]], "val_loss": [start_loss[s]], "val_acc": [accuracy[s]]}
              for s in initialisation.SCHEMES}
    return {"curves": curves, "epochs": 1, "width": 8, "spread": {s: 0.0 if s == "zeros" else 0.5 for s in curves},
            "majority": majority, "zero_hidden": zero_hidden, "activation": activation, "batch_norm": batch_norm}


@pytest.mark.parametrize("gaussian_loss, harmed", [(727.0, True), (2.31, True), (float("nan"), True), (1.9, False)])
def test_sigma_one_is_called_too_large_only_when_its_first_epoch_is_worse_than_guessing(gaussian_loss, harmed):
    values = init_values({"zeros": 2.3, "gaussian": gaussian_loss, "xavier": 0.6, "kaiming": 0.7},
                         {"zeros": 0.11, "gaussian": 0.9, "xavier": 0.93, "kaiming": 0.94})
    text = initialisation.summary(values)
    assert ("starts too large" in text) is harmed and ("already beat guessing" in text) is not harmed
    assert "against 94.0% for Kaiming" in text  # the better of the two scaled starts, by this run's numbers


@pytest.mark.parametrize("zeros_accuracy, stayed", [(0.12, True), (0.095, True), (0.208, False)])
def test_the_zero_start_stays_at_the_majority_only_when_its_accuracy_says_so(zeros_accuracy, stayed):
    values = init_values({s: 2.3 for s in initialisation.SCHEMES},
                         {"zeros": zeros_accuracy, "gaussian": 0.5, "xavier": 0.9, "kaiming": 0.9},
                         majority=0.113, zero_hidden=0.0 if stayed else 0.43, activation="sigmoid")
    text = initialisation.summary(values)
    assert ("about what always answering" in text) is stayed
    assert (f"reached {zeros_accuracy:.1%}" in text) is not stayed
    assert ("one unit wide" in text) is not stayed and ("only its biases learn" in text) is stayed


@pytest.mark.data
@pytest.mark.parametrize("activation, batch_norm", [("relu", False), ("tanh", True), ("sigmoid", False),
                                                    ("sigmoid", True)])
def test_at_the_smallest_settings_the_zero_start_text_follows_its_measured_hidden_outputs(activation, batch_norm):
    result = final(initialisation.run(epochs=1, log_lr=-4, width=8, examples=500, activation=activation,
                                      batch_norm=batch_norm))
    v = result.values
    text = initialisation.show(result).text
    assert v["spread"]["zeros"] == 0 and "still one unit copied" in text  # whatever the activation
    assert (v["zero_hidden"] == 0) is (activation != "sigmoid")  # ReLU(0) = tanh(0) = 0; sigmoid(0) = 0.5
    assert ("one unit wide" in text) is (activation == "sigmoid") and f"{activation}(0)" in text
    assert ("Batch normalisation is on" in text) is batch_norm
    for scheme in initialisation.SCHEMES:  # the table holds the run's own numbers
        assert f"| {v['val_acc'][scheme]:.1%} |" in text
    harmed = not v["curves"]["gaussian"]["train_loss"][0] < math.log(10)
    assert ("starts too large" in text) is harmed


@pytest.mark.slow
@pytest.mark.data
def test_at_the_largest_learning_rate_every_sentence_still_matches_the_numbers():
    result = final(initialisation.run(epochs=2, log_lr=-1, width=512, examples=1_000, activation="relu"))
    v, text = result.values, initialisation.show(result).text
    harmed = not v["curves"]["gaussian"]["train_loss"][0] < math.log(10)
    assert ("starts too large" in text) is harmed and ("already beat guessing" in text) is not harmed
    stayed = v["val_acc"]["zeros"] <= v["majority"] + initialisation.STUCK_MARGIN
    assert ("about what always answering" in text) is stayed


# ---- 2. what the networks learnt -----------------------------------------------------------------------------------

def test_dnn_tiles_are_the_strongest_units_each_scaled_to_one(shipped):
    tiles, norms = weights.dnn_tiles(shipped["dnn"], 16)
    assert tiles.shape == (16, 28, 28) and np.allclose(np.abs(tiles).max(axis=(1, 2)), 1)
    all_norms = shipped["dnn"].layers[1].weight.norm(dim=1)
    assert np.isclose(norms[0], all_norms.max().item()) and (np.diff(norms) <= 1e-6).all()


def test_the_cnn_maps_are_its_first_block_on_the_drawing(shipped):
    pixels = weights.sample_drawing()
    filters, maps, answer = weights.cnn_first_layer(shipped["cnn"], pixels)
    assert filters.shape == (32, 3, 3) and maps.shape == (32, 28, 28) and (maps >= 0).all()  # after ReLU
    assert answer == 7
    _, blank, _ = weights.cnn_first_layer(shipped["cnn"], np.zeros((28, 28), np.float32))
    assert not np.allclose(blank, maps)  # the maps depend on the drawing


def test_the_weights_lesson_uses_the_last_drawing_when_there_is_one(shipped):
    lab = handlers(shipped, {})
    session = {}
    lab.draw.predict_digit(pad_value("1"), session)
    assert session["last_digit"].shape == (28, 28) and session["last_digit"].max() > 0.5
    drawn = final(weights.run(shipped["dnn"], shipped["cnn"], session["last_digit"]))
    sample = final(weights.run(shipped["dnn"], shipped["cnn"], None))
    said, sample_said = weights.show(drawn), weights.show(sample)
    assert drawn.values["drawn"] and "reads it as **1**" in said.text and "sample seven" not in said.text
    assert not sample.values["drawn"] and "sample seven stands in" in sample_said.text
    assert all(f is not None for f in said.figures)


def test_a_missing_retrained_model_is_named_shipped_and_the_other_one_retrained(shipped, monkeypatch):
    from types import SimpleNamespace

    from ui.lessons import layout as tab

    lab = handlers(shipped, {})
    mine = SimpleNamespace(model=shipped["cnn"])  # as if this session had retrained only a CNN
    monkeypatch.setattr(lab.state.retrained, "get", lambda session, kind: mine if kind == "cnn" else None)
    chosen, origins, note = tab._origin_models(lab.state, "yours", None, "en")
    assert origins == {"dnn": "shipped", "cnn": "yours"} and chosen["cnn"] is shipped["cnn"]
    assert "You have not retrained a DNN" in note
    text = weights.show(final(weights.run(shipped["dnn"], shipped["cnn"], None, origin=origins))).text
    assert "**DNN** (shipped)" in text and "**CNN** (retrained)" in text and "/" not in text.split("\n")[0]


@pytest.mark.parametrize("tiles", [16, 128])
def test_at_the_extremes_of_tiles_the_text_counts_what_it_shows(shipped, tiles):
    result = final(weights.run(shipped["dnn"], shipped["cnn"], None, tiles=tiles))
    dnn = result.values["dnn"]
    text = weights.show(result).text
    assert f"the {len(dnn['tiles'])} strongest of {dnn['units']} units" in text and len(dnn["tiles"]) == tiles
    assert f"(weight norms {dnn['norms'].min():.2f}–{dnn['norms'].max():.2f})" in text


# ---- 3. shifts and crops -------------------------------------------------------------------------------------------

def test_a_full_crop_and_a_zero_shift_change_nothing_and_a_shift_moves_by_whole_pixels():
    images = torch.rand(6, 1, 28, 28)
    generator = torch.Generator().manual_seed(0)
    assert torch.allclose(crops.crop(images, 28, generator), images, atol=1e-5)
    assert torch.allclose(crops.shift(images, 0, generator), images, atol=1e-5)
    moved = crops.shift(images, 3, torch.Generator().manual_seed(1))
    padded = torch.nn.functional.pad(images, (3, 3, 3, 3))
    for i in range(len(images)):
        candidates = [padded[i, :, 3 - dy:31 - dy, 3 - dx:31 - dx] for dx, dy in ((3, 0), (-3, 0), (0, 3), (0, -3))]
        assert min((c - moved[i]).abs().max().item() for c in candidates) < 1e-5


def test_a_crop_is_one_k_by_k_window_scaled_up():
    images = torch.rand(4, 1, 28, 28)
    zoomed = crops.crop(images, 14, torch.Generator().manual_seed(0))
    for image, out in zip(images, zoomed, strict=True):
        windows = [image[:, top:top + 14, left:left + 14] for top in range(15) for left in range(15)]
        scaled = [torch.nn.functional.interpolate(w[None], size=28, mode="bilinear")[0] for w in windows]
        # the same inside; at the edges grid_sample blends in the pixels just outside the window
        assert min((s[:, 1:-1, 1:-1] - out[:, 1:-1, 1:-1]).abs().max().item() for s in scaled) < 1e-5


@pytest.mark.slow
@pytest.mark.data
def test_accuracy_falls_as_the_crop_shrinks_and_the_shift_grows(shipped):
    result = final(crops.run(shipped["dnn"], shipped["cnn"], examples=300, smallest_crop=14, largest_shift=10,
                             plain_examples=0))
    scores = result.values["scores"]
    for name in ("dnn", "cnn"):
        assert scores["crop"][name][0] > 0.95 and scores["crop"][name][-1] < scores["crop"][name][0] - 0.3
        assert scores["shift"][name][-1] < scores["shift"][name][0] - 0.3
    assert result.values["crops"] == [28, 26, 24, 22, 20, 18, 16, 14]
    text = crops.show(result).text
    assert "fell from 97.9% to 41.5% on 22-pixel crops" in text and "| random 22-pixel crop |" in text


def crop_values(shift_scores: dict, crop_scores: dict | None = None, origin=None) -> dict:
    """A finished crops run's values, made up: crops of 28, 22 and 14 pixels, shifts of 0 and 10."""
    crop_scores = crop_scores or {net: [0.99, 0.9, 0.5] for net in shift_scores}
    return {"crops": [28, 22, 14], "shifts": [0, 10], "n": 100, "plain_examples": 10_000,
            "origin": origin or {"dnn": "shipped", "cnn": "shipped"}, "ink": {"crop": [1.0, 0.95, 0.47],
                                                                           "shift": [1.0, 0.76]},
            "scores": {"crop": crop_scores, "shift": {net: [0.99, last] for net, last in shift_scores.items()}}}


def test_scores_near_chance_are_called_chance_not_skill():
    text = crops.summary(crop_values({"dnn": 0.128, "cnn": 0.11, "plain": 0.105}))
    assert "every network scores below 20%: that is chance" in text and "76% of the digits' ink" in text
    assert "12.8% (chance)" in text and "DNN keeps" not in text  # no "the DNN keeps 12.8%"
    text = crops.summary(crop_values({"dnn": 0.128, "cnn": 0.342}))
    assert "the CNN keeps 34.2% and the DNN 12.8% (chance)" in text and "that is chance" not in text
    assert "34.2% (chance)" not in text
    text = crops.summary(crop_values({"dnn": 0.6, "cnn": 0.3}))
    assert "the DNN keeps 60.0% and the CNN 30.0%: in this run the DNN held up better" in text
    text = crops.summary(crop_values({"dnn": 0.5, "cnn": 0.5}, {n: [0.99, 0.5, 0.15] for n in ("dnn", "cnn")}))
    assert "Cut to 14×14, the windows hold 47% of the digits' ink and every network scores below 20%" in text


def test_while_the_un_augmented_dnn_trains_the_lesson_says_how_far_it_is():
    training = lessons.Result({"training": 0.5, "examples": 10_000, "crops": [28, 26], "shifts": [0, 2],
                               "scores": {"crop": {}, "shift": {}}}, 1.0, done=False)
    assert crops.show(training).text == "Training a DNN on 10,000 images without augmentation… (50% done)"
    assert "50% 완료" in crops.show(training, "ko").text


def test_each_model_is_named_by_where_it_comes_from():
    text = crops.summary(crop_values({"dnn": 0.5, "cnn": 0.5}, origin={"dnn": "shipped", "cnn": "yours"}))
    assert text.startswith("On 100 test digits, the shipped DNN and the retrained CNN:")
    assert crops.summary(crop_values({"dnn": 0.5, "cnn": 0.5})).startswith("On 100 test digits, the shipped models:")


def test_the_ink_left_is_all_of_it_unchanged_and_less_once_the_digit_leaves_the_frame():
    digits = mnist_like()
    generator = torch.Generator().manual_seed(0)
    assert crops.ink_kept(digits, crops.crop(digits, 28, generator), 28, "crop") == pytest.approx(1, abs=1e-4)
    assert crops.ink_kept(digits, crops.shift(digits, 0, generator), 0, "shift") == pytest.approx(1, abs=1e-4)
    assert crops.ink_kept(digits, crops.shift(digits, 14, generator), 14, "shift") < 0.8


def mnist_like() -> torch.Tensor:
    """Four 'digits': a 20×20 block of ink centred in 28×28, as MNIST centres its digits."""
    digits = torch.zeros(4, 1, 28, 28)
    digits[:, :, 4:24, 4:24] = 1.0
    return digits


@pytest.mark.slow
@pytest.mark.data
def test_a_dnn_trained_without_augmentation_collapses_on_crops_and_the_shipped_one_does_not(shipped):
    result = final(crops.run(shipped["dnn"], shipped["cnn"], examples=300, smallest_crop=22, largest_shift=2,
                             plain_examples=10_000))
    crop_scores = result.values["scores"]["crop"]
    assert crop_scores["plain"][0] > 0.9 and crop_scores["plain"][-1] < 0.6  # the tutorial's MLP: 97.9% → 41.5%
    assert crop_scores["dnn"][-1] > crop_scores["plain"][-1] + 0.3
    text = crops.show(result).text
    assert f"scores {crop_scores['plain'][0]:.1%} on unchanged digits and {crop_scores['plain'][-1]:.1%}" in text


@pytest.mark.data
@pytest.mark.parametrize("smallest_crop, largest_shift", [(26, 2), (8, 14)])
def test_at_the_extremes_of_crops_and_shifts_the_table_is_the_runs_numbers(shipped, smallest_crop, largest_shift):
    result = final(crops.run(shipped["dnn"], shipped["cnn"], examples=100, smallest_crop=smallest_crop,
                             largest_shift=largest_shift, plain_examples=0))
    v = result.values
    text = crops.show(result).text
    shift_row = f"| moved exactly {largest_shift} px | " + " | ".join(
        crops._score(v["scores"]["shift"][net][-1], "en") for net in ("dnn", "cnn")) + " |"
    assert shift_row in text
    at_chance = all(v["scores"]["shift"][net][-1] < crops.NEAR_CHANCE for net in ("dnn", "cnn"))
    assert ("that is chance (guessing scores 10%), not skill" in text) is at_chance
    assert "give the DNN without augmentation some training images" in text  # none was trained


# ---- 4. decision boundary ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_no_hidden_units_cannot_separate_moons_and_eight_can():
    line = final(boundary.run(dataset="moons", hidden=0, steps=600))
    bent = final(boundary.run(dataset="moons", hidden=8, steps=600))
    assert line.values["accuracy"] < 0.9 < bent.values["accuracy"]
    text = boundary.show(line).text
    assert "straight line" in text and "moons apart" in text
    assert boundary.show(bent).figures[0].data[0].type == "contour"


def test_the_boundary_is_redrawn_while_it_trains():
    results = list(boundary.run(steps=400))  # each result keeps its own frame, however long it waits to be shown
    assert len(results) >= 10 and not results[0].done and results[-1].done
    first, last = boundary.show(results[0]), boundary.show(results[-1])
    assert first.figures[0].layout.title.text != last.figures[0].layout.title.text


def test_a_huge_learning_rate_is_called_out():
    assert "Try a smaller one" in boundary.show(final(boundary.run(lr=50.0, steps=200))).text


# ---- 5. linear regression ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_gradient_descent_finds_the_line_and_diverges_above_two_over_the_curvature():
    good = final(regression.run(lr=0.1, steps=300, noise=0.3, outlier=False)).values
    assert abs(good["mse"]["w"] - 2) < 0.15 and abs(good["mse"]["b"] - 1) < 0.15
    limit = good["limit"]
    below = final(regression.run(lr=0.95 * limit, steps=300, noise=0.3, outlier=False)).values
    above = final(regression.run(lr=1.1 * limit, steps=300, noise=0.3, outlier=False))
    assert below["mse"]["diverged_at"] is None and abs(below["mse"]["w"] - 2) < 0.15
    assert above.values["mse"]["diverged_at"] is not None and "diverged" in regression.show(above).text
    assert above.values["l1"]["diverged_at"] is None  # L1's gradient does not grow with the error
    assert "±x for each point" in regression.show(above).text


@pytest.mark.parametrize("lr, steps, noise, outlier", [(0.001, 5, 0.0, False), (1.5, 500, 3.0, True),
                                                       (0.001, 500, 3.0, True), (1.5, 5, 0.0, False)])
def test_at_the_extremes_of_regression_each_sentence_matches_the_run(lr, steps, noise, outlier):
    result = final(regression.run(lr=lr, steps=steps, noise=noise, outlier=outlier))
    v, text = result.values, regression.show(result).text
    diverged = v["mse"]["diverged_at"] is not None
    assert ("**The MSE run diverged** at step" in text) is diverged
    assert ("close to the largest that converges" in text) is (not diverged and lr > 0.8 * v["limit"])
    assert f"{v['limit']:.2f}" in text and ("**outlier**" in text) is (outlier and not diverged)
    assert v["l1"]["diverged_at"] is None  # L1's steps do not grow with the error, at any rate the slider allows
    if not diverged:
        assert f"MSE: y = {v['mse']['w']:.2f}x" in text
    assert f"L1: y = {v['l1']['w']:.2f}x" in text


@pytest.mark.slow
def test_one_outlier_drags_the_squared_error_fit_more_than_the_absolute_one():
    fitted = final(regression.run(lr=0.1, steps=400, outlier=True)).values
    assert abs(fitted["mse"]["w"] - 2) > 2 * abs(fitted["l1"]["w"] - 2)
    text = regression.show(final(regression.run(lr=0.1, steps=400, outlier=True))).text
    assert "tilts its line towards that one point" in text
    early = regression.show(final(regression.run(lr=0.001, steps=5, outlier=True))).text
    assert "not clearly apart yet" in early and "tilts" not in early


# ---- 6. over-fitting -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("losses, patience, expected", [
    ([3, 2, 1, 2, 3, 4, 0.5], 3, (6, 3)),  # stops before the late low
    ([3, 2, 1], 3, (3, 3)),  # never waits long enough: the last epoch
    ([1, 2, 3], 1, (2, 1)),
])
def test_early_stopping_replayed_on_a_loss_curve(losses, patience, expected):
    assert overfitting.early_stop(losses, patience) == expected


@pytest.mark.data
def test_a_big_network_on_few_images_overfits_and_early_stopping_keeps_an_earlier_epoch():
    result = final(overfitting.run(examples=200, epochs=20, patience=3, width=256))
    val, train = result.values["val_loss"], result.values["train_loss"]
    assert train[-1] < 0.05 and val[-1] > min(val)
    assert result.values["kept"] == int(np.argmin(val[:result.values["stopped"]])) + 1
    assert f"kept the weights of epoch {result.values['kept']}" in overfitting.show(result).text


def history(val_loss, val_acc, train_acc=None):
    """EpochStats of a made-up run, one per validation loss."""
    from training.loop import EpochStats

    train_acc = train_acc or [1.0] * len(val_loss)
    return [EpochStats(epoch=i + 1, train_loss=0.01, train_acc=t, val_loss=loss, val_acc=acc, lr=1e-3, seconds=0.1)
            for i, (loss, acc, t) in enumerate(zip(val_loss, val_acc, train_acc, strict=True))]


def overfit_values(h, patience=2, **settings) -> dict:
    stopped, kept = overfitting.early_stop([s.val_loss for s in h], patience)
    return {"history": h, "stopped": stopped, "kept": kept, "patience": patience, "examples": 2_000, "wrong": 0,
            "dropout": 0.0, "weight_decay": 0.0, "augment": False} | settings


def test_a_tiny_rise_in_validation_loss_is_not_called_a_rise():
    text = overfitting.summary(overfit_values(history([0.5, 0.287, 0.29, 0.289], [0.8, 0.86, 0.87, 0.87])))
    assert "no real rise" in text and "over-fitting" not in text and "over-confidence" not in text
    assert "has not over-fitted yet" in text


def test_a_loss_lowest_at_the_last_epoch_is_still_falling():
    text = overfitting.summary(overfit_values(history([0.5, 0.4, 0.3], [0.8, 0.85, 0.86])))
    assert "still falling: its lowest, 0.300, came at the last epoch, 3" in text and "no real rise" not in text


def test_a_rising_loss_with_a_steady_accuracy_is_over_confidence_and_early_stopping_says_what_it_costs():
    text = overfitting.summary(overfit_values(history([0.5, 0.4, 0.5, 0.6, 0.7], [0.8, 0.85, 0.86, 0.87, 0.875])))
    assert "rose to 0.700 by epoch 5" in text and "accuracy** did not fall" in text and "over-confidence" in text
    assert "kept the weights of epoch 2" in text and "Here it costs 2.5 points of accuracy" in text
    assert "Make some labels wrong on purpose" in text
    noisy = overfitting.summary(overfit_values(history([0.5, 0.4, 0.5, 0.6, 0.7], [0.8, 0.85, 0.86, 0.87, 0.875]),
                                               wrong=200))
    assert "Make more labels wrong" in noisy and "200 of them carry a wrong label" in noisy


def test_a_falling_accuracy_is_over_fitting_and_early_stopping_gains():
    text = overfitting.summary(overfit_values(history([0.5, 0.4, 0.5, 0.6, 0.7], [0.8, 0.82, 0.8, 0.79, 0.77])))
    assert "fell to 77.0% by epoch 5" in text and "**over-fitting**" in text
    assert "Here that gains 5.0 points of accuracy" in text


def test_a_network_that_has_not_learnt_its_own_images_is_not_called_over_fitted():
    h = history([2.2, 2.1, 2.3], [0.16, 0.2, 0.13], train_acc=[0.1, 0.12, 0.11])
    text = overfitting.summary(overfit_values(h))
    assert "has not learnt its own training images either" in text and "**over-fitting**" not in text


def test_one_epoch_is_singular_and_korean_counts_have_separators():
    h = history([0.5, 0.6, 0.7], [0.8, 0.79, 0.7])
    english = overfitting.summary(overfit_values(h, patience=1))
    assert "(1 epoch without" in english and "1 epochs" not in english
    korean = overfitting.summary(overfit_values(h, patience=1), language="ko")
    assert "학습 이미지 2,000장" in korean and "2000장" not in korean


@pytest.mark.data
def test_noisy_labels_make_validation_accuracy_fall_and_the_text_says_so():
    result = final(overfitting.run(examples=300, epochs=30, label_noise=0.3, width=256))
    v = result.values
    accuracy = v["val_acc"]
    fell = accuracy[-1] <= max(accuracy) - overfitting.FALL
    assert fell and v["wrong"] == 90
    text = overfitting.show(result).text
    assert f"fell to {accuracy[-1]:.1%} by epoch 30" in text and "**over-fitting**" in text


@pytest.mark.data
def test_at_the_smallest_settings_with_every_regulariser_each_sentence_matches_the_numbers():
    result = final(overfitting.run(examples=100, epochs=5, patience=1, width=16, dropout=0.8, label_noise=0.5,
                                   weight_decay=1.0, augment=True))
    v, text = result.values, overfitting.show(result).text
    h = v["history"]
    lowest = min(v["val_loss"])
    assert ("rose to" in text) is (v["val_loss"][-1] >= lowest * (1 + overfitting.RISE))
    assert ("fell to" in text) is (v["val_acc"][-1] <= max(v["val_acc"]) - overfitting.FALL)
    assert ("**over-fitting**" in text) <= (h[-1].train_acc >= h[-1].val_acc + overfitting.GAP)
    assert "With dropout 0.8, weight decay 1, augmentation" in text and "(1 epoch without" in text


# ---- 7. recurrent cells --------------------------------------------------------------------------------------------

def test_sentences_are_tidied_limited_and_kept_in_the_datas_language():
    assert recurrent.sentences_from("Good,  not bad\n\nnot good\n") == ["Good, not bad", "not good"]
    assert len(recurrent.sentences_from("a\nb\nc\nd\ne")) == recurrent.MAX_SENTENCES
    assert recurrent.sentences_from("재밌다\nfun", "nsmc") == ["재밌다"]
    assert recurrent.sentences_from("재밌다\n123") == []  # no Latin letter: not an English sentence


def agrees(text: str, values: dict) -> None:
    """The lesson's text says what its numbers say: each row's accuracy, each trace's end, each ✓ / ✗."""
    rows, traces, lines, readers = values["rows"], values["traces"], values["lines"], values["readers"]
    for cell, row in rows.items():
        assert f"| {cell.upper()} | {row['accuracy']:.1%} |" in text
    for i, line in enumerate(lines):
        row = next(r for r in text.splitlines() if r.startswith(f"| {line} |"))
        for cell in rows:
            end = traces[cell][i][-1]
            assert f"{end:.2f}" in row
            if readers[i] is not None:
                right = (end > 0.5) == (readers[i] == 1)
                assert f"{end:.2f} {'✓' if right else '✗'}" in row
    misread = [line for i, line in enumerate(lines) if values["turns"][i]  # a negation or a contrast
               and any((traces[c][i][-1] > 0.5) != (readers[i] == 1) for c in rows)]
    for line in misread:
        assert f"*{line}* (" in text
    accuracies = [r["accuracy"] for r in rows.values()]
    gap = max(accuracies) - min(accuracies)
    assert f"differ by {100 * gap:.1f} points" in text


@pytest.mark.data
@pytest.mark.parametrize("settings", [
    dict(examples=200, epochs=1, size=8),  # every control at its low end
    dict(examples=200, epochs=5, size=8, sentences="Bad\nnot bad\nnothing new\nslow at first, but worth it"),
    dict(examples=300, epochs=1, size=128, bidirectional=True),  # the largest size, both ways
    dict(examples=6_920, epochs=1, size=8, sentences="bad\nnot bad"),  # all the sentences: no small-data note
])
def test_the_three_cells_train_on_the_same_budget_and_the_text_agrees_with_the_run(settings):
    result = final(recurrent.run(**settings))
    values = result.values
    rows, traces = values["rows"], values["traces"]
    assert list(rows) == ["rnn", "lstm", "gru"]
    assert rows["rnn"]["recurrent"] < rows["gru"]["recurrent"] < rows["lstm"]["recurrent"]
    assert rows["lstm"]["recurrent"] == 4 * rows["rnn"]["recurrent"]
    assert all(len(traces[c][1]) == 2 and 0 <= traces[c][1][-1] <= 1 for c in rows)  # "not bad": two words
    text = recurrent.show(result).text
    agrees(text, values)
    assert "What *not* did to *bad*" in text
    count, share = values["not_share"]
    assert f"Of the {count:,} training sentences with *not*, " in text and f"{share:.0%}" in text
    lifted = [c.upper() for c in rows if traces[c][1][-1] > 0.5]
    assert (f"as a reader does: {', '.join(lifted)}." in text) if lifted else "None of the three" in text
    assert ("small-data effect" in text) == (values["examples"] < 6_920)
    assert ("reading both ways" in text) == settings.get("bidirectional", False)
    assert "never lost" in text and "overwrites" not in text


@pytest.mark.data
def test_the_korean_reviews_train_the_same_cells_and_say_where_a_contrast_was_missed():
    result = final(recurrent.run(examples=200, epochs=1, size=8, sentences="not bad", data="nsmc"))
    values = result.values
    assert values["own"] and values["lines"] == list(recurrent.TRACED["nsmc"])  # an English line: its own probes
    assert values["n_val"] == 5_000 and values["not_share"] is None
    text = recurrent.show(result).text
    agrees(text, values)
    assert "None of your lines is written in the language" in text and "*not* did to" not in text
    korean = recurrent.show(result, "ko").text
    assert "리뷰 200개로" in korean and "사람이 읽으면" in korean


# ---- the tab through the API ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_boundary_and_regression_lessons_answer_through_the_api(client):
    text, contour, loss = client.predict("circles", 0, 1.0, 0.1, 100, api_name="/boundary_lesson")
    assert "no hidden units" in text.lower() and contour is not None and loss is not None
    text, fit, curve = client.predict(1.2, 50, 0.5, False, api_name="/regression_lesson")
    assert "diverged" in text and fit is not None


@pytest.mark.slow
@pytest.mark.data
def test_the_data_lessons_answer_through_the_api(client):
    text, plot = client.predict(1, -3, 32, 500, "relu", api_name="/init_lesson")
    assert "zeros" in text and plot is not None
    text, curves, pictures = client.predict(200, 20, 4, "shipped", api_name="/crop_lesson")
    assert "| unchanged |" in text and pictures is not None
    text, plot = client.predict(100, 5, 2, 64, 0.0, api_name="/overfit_lesson")
    assert "epoch" in text and plot is not None
    text, bars, trace = client.predict(200, 1, 8, "not good", api_name="/recurrent_lesson")  # its first four inputs
    assert "| RNN |" in text and "| not good | negative |" in text and trace is not None


def test_the_weights_lesson_reads_this_sessions_last_drawing(app_url):
    student = Client(app_url, verbose=False)
    text, *_ = student.predict(32, "shipped", api_name="/weights_lesson")
    assert "sample seven stands in" in text
    student.predict(pad_value("0"), api_name="/predict_digit")
    text, dnn, cnn, maps = student.predict(32, "shipped", api_name="/weights_lesson")
    assert "reads it as **0**" in text and "sample seven" not in text and maps is not None
    text, *_ = student.predict(32, "yours (retrained in tab 3)", api_name="/weights_lesson")
    assert "the shipped one is shown" in text


@pytest.mark.parametrize("api_name, body, message", [
    ("boundary_lesson", '["moons", NaN, 0.5, 0.2, 100]', "hidden units must be a whole number from 0 to 32, not nan"),
    ("boundary_lesson", '["spirals", 8, 0.5, 0.2, 100]', "data set must be one of moons, circles, blobs"),
    ("boundary_lesson", '["moons", 8, "fast", 0.2, 100]', "learning rate must be a number from 0.01 to 10, not 'fast'"),
    ("regression_lesson", "[null, 50, 0.5, true]", "learning rate must be a number from 0.001 to 1.5, not None"),
    ("regression_lesson", '[0.1, 50, 0.5, "yes"]', "outlier must be true or false, not 'yes'"),
    ("regression_lesson", "[0.1, 1e9, 0.5, true]", "steps must be a whole number from 5 to 500, not 1e+09"),
    ("init_lesson", '[Infinity, -3, 32, 500, "relu", false]', "epochs must be a whole number from 1 to 15, not inf"),
    ("init_lesson", '[1, -3, 32, 500, "softmax", false]', "activation must be one of relu, tanh, sigmoid, not 'soft"),
    ("weights_lesson", '[1000, "shipped"]', "tiles must be a whole number from 16 to 128, not 1000"),
    ("weights_lesson", '[64, null]', "models must be one of shipped"),
    ("crop_lesson", '[200, 2, 4, "shipped", 0]', "smallest crop must be a whole number from 8 to 26, not 2"),
    ("overfit_lesson", "[500, 50, -1, 512, 0.0, 0.0, 0.0, false]", "patience must be a whole number from 1 to 20"),
    ("overfit_lesson", "[500, 50, 5, 512, NaN, 0.0, 0.0, false]", "dropout must be a number from 0 to 0.8, not nan"),
    ("overfit_lesson", "[500, 50, 5, 512, 0.0, 0.9, 0.0, false]", "label noise must be a number from 0 to 0.5"),
    ("init_lesson", '[1, -3, 32, 500, "relu", "yes"]', "batch normalisation after each hidden layer"),
    ("crop_lesson", '[200, 20, 4, "shipped", 60000]', "training images of the DNN without augmentation"),
    ("recurrent_lesson", '[2000, 3, "big", "good", "sst2", false]', "embedding and state size must be a whole number"),
    ("recurrent_lesson", '[2000, 3, 64, "good", "french", false]', "data must be one of sst2, nsmc, not 'french'"),
    ("optimiser_lesson", "[5, 0.01, 0.9, 10]", "SGD learning rate must be a number from 0.001 to 1, not 5"),
    ("optimiser_lesson", '[0.1, "fast", 0.9, 10]', "Adam learning rate must be a number from 0.0001 to 0.1"),
    ("optimiser_lesson", "[0.1, 0.01, 0.9, 2.5]", "epochs must be a whole number from 2 to 30, not 2.5"),
    ("layers_lesson", '["softmax", true, 0.2, 600]', "activation must be one of relu, tanh, sigmoid, none"),
    ("layers_lesson", '["relu", "yes", 0.2, 600]', "batch norm must be true or false, not 'yes'"),
    ("layers_lesson", '["relu", true, NaN, 600]', "dropout must be a number from 0 to 0.8, not nan"),
    ("metrics_lesson", "[1.5, 1000]", "threshold must be a number from 0.01 to 0.99, not 1.5"),
    ("metrics_lesson", "[0.5, 1e9]", "training examples must be a whole number from 100 to 10000"),
])
def test_bad_lesson_settings_get_a_message_naming_the_field(app_url, client, api_name, body, message):
    event, data = raw_call(app_url, api_name, body)
    assert event == "error" and message in data, data[:300]
    still_answers(client)


@pytest.mark.data  # the lesson trains on SST-2
def test_sentences_that_are_not_text_count_as_none_and_the_lesson_traces_its_own(app_url):
    event, data = raw_call(app_url, "recurrent_lesson", '[200, 1, 8, 12, "sst2", false]')
    assert event == "complete" and "| not bad | positive |" in data, data[:300]


def test_a_sentence_list_over_the_limit_is_refused(client):
    with pytest.raises(AppError, match="2,000"):
        client.predict(500, 1, 8, "good " * 1_000, api_name="/recurrent_lesson")


def test_a_missing_data_set_is_the_lessons_text_not_an_error(monkeypatch, tmp_path):
    from ui.lessons import layout as tab

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr(mnist, "reachable", lambda url, timeout=3.0: False)
    text, plot = list(tab.handler(tab.LESSON["init"])(1, -3, 32, 500, "relu", False))[-1]  # a failed read is not kept
    assert text.startswith("⚠️ This lesson needs MNIST, which this server does not have") and plot is None
    assert str(tmp_path) not in text  # every visitor sees it: no server folder


# ---- the controls, declared once beside each experiment ----------------------------------------------------------

def test_every_control_fills_its_lessons_run_and_is_its_default_there():
    from ui.lessons.catalogue import LESSONS

    for lesson in LESSONS:
        parameters = inspect.signature(lesson.experiment.run).parameters
        for control in lesson.experiment.CONTROLS:
            assert parameters[control.name].default == control.default, (lesson.key, control.name)


def test_a_control_added_to_a_declaration_is_a_widget_an_api_parameter_a_check_a_history_name_and_reset(monkeypatch):
    import gradio as gr

    from i18n import CATALOGUE
    from lessons.controls import Control
    from ui.history import RunHistory
    from ui.i18n import I18N
    from ui.lessons import layout as tab
    from ui.state import AppState

    monkeypatch.setitem(CATALOGUE["en"], "lessons.seed", "random seed")  # its label, as a locale file would hold it
    monkeypatch.setitem(I18N.translations["en"], "lessons.seed", "random seed")
    seed = Control("seed", "whole", 0, "seed", low=0, high=9, step=1)  # boundary.run already takes a seed
    monkeypatch.setattr(boundary, "CONTROLS", (*boundary.CONTROLS, seed))
    state = AppState({}, history=RunHistory())
    with gr.Blocks() as demo, gr.Tabs():
        tab.build(state, gr.State({}))

    (event,) = [fn for fn in demo.fns.values() if fn.api_name == "boundary_lesson"]
    slider = event.inputs[-1]
    assert isinstance(slider, gr.Slider) and (slider.minimum, slider.maximum, slider.step, slider.value) == (0, 9, 1, 0)
    parameters = demo.get_api_info()["named_endpoints"]["/boundary_lesson"]["parameters"]
    names = ["dataset", "hidden", "lr", "noise", "steps", "layers", "points", "seed"]
    assert [p["parameter_name"] for p in parameters] == names
    assert parameters[-1]["parameter_default"] == 0

    run = event.fn
    with pytest.raises(gr.Error, match="random seed must be a whole number from 0 to 9, not 12"):
        list(run("moons", 8, 0.5, 0.2, 20, 1, "", 12))
    other = list(run("moons", 8, 0.5, 0.2, 20, 1, "", 3))[-1][0]
    same = list(run("moons", 8, 0.5, 0.2, 20, seed=0))[-1][0]  # the controls added since keep their defaults
    assert other != same == list(tab.handler(tab.LESSON["boundary"])("moons", 8, 0.5, 0.2, 20, seed=0))[-1][0]

    (reset,) = [fn for fn in demo.fns.values() if fn.outputs == event.inputs and not fn.inputs]
    assert reset.fn() == ["moons", 8, 0.5, 0.2, 800, 1, "", 0]
    (record,) = [fn for fn in demo.fns.values() if fn.inputs == event.inputs and fn.fn.__name__ == "record"]
    record.fn(type("Request", (), {"session_hash": "a student"})(), "moons", 8, 0.5, 0.2, 20, 1, "", 3)
    assert state.history.runs("a student")[-1].settings["random seed"] == 3


# ---- the Retrain tab: why a zeros run did not learn ----------------------------------------------------------------

def test_the_zeros_note_explains_symmetry_only_when_a_zeros_run_stayed_at_chance():
    matrix = [[0] * 10 for _ in range(10)]
    for true in range(10):  # always answers 1; 12 of the 102 test images are ones
        matrix[true][1] = 12 if true == 1 else 10
    stuck = {"n": 102, "accuracy": 12 / 102, "confusion_matrix": matrix}
    note = report.zeros_note("zeros", stuck)
    assert "Why it did not learn" in note and "same gradient" in note and "11.8%" in note
    assert report.zeros_note("kaiming", stuck) == ""
    assert report.zeros_note("zeros", {**stuck, "accuracy": 0.9}) == ""


@pytest.mark.slow
@pytest.mark.data
def test_a_zeros_retrain_says_why_it_did_not_learn(client):
    *_, last = client.submit("dnn", -2.5, 1, 2, 128, 64, 0.0, "zeros", True, 1_000, api_name="/train")
    status = last[0]
    assert "Why it did not learn" in status and "same gradient" in status
