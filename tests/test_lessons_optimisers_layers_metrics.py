"""Lessons 8–10 (optimisers, batch norm / dropout / activation, precision / recall / ROC): each at the extremes of
its controls, its text against its own numbers, in English and in Korean; their API names, and bad values through
the raw API."""
import numpy as np
import pytest
import torch

from lessons import final, layers, metrics, optimisers
from tests import test_i18n_lessons as korean

# Latin words these lessons' Korean keeps: optimisers' and functions' names, and the measures' usual abbreviations
KEPT = {"sgd", "adam", "adamw", "train", "eval", "logit", "roc", "auc"}


@pytest.fixture
def keeps_names(monkeypatch):
    monkeypatch.setattr(korean, "KEPT", korean.KEPT | KEPT)


def tables(text: str) -> list[dict[str, list[str]]]:
    """A Markdown text's tables, each its rows by their first cell (the header row too)."""
    found = []
    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.splitlines() if line.startswith("| ") and not line.startswith("|---")]
        if lines:
            cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
            found.append({row[0]: row[1:] for row in cells})
    return found


# ---- 8. optimisers -------------------------------------------------------------------------------------------------

def test_plain_sgd_zig_zags_across_the_valley_above_half_its_limit_and_flies_off_above_it():
    limit = 2 / optimisers.CURVATURE[1]  # gradient descent on a quadratic: stable below 2 / curvature
    above_half = optimisers.surface_path("sgd", 0.75 * limit, 0.01, 0.9)
    below_half = optimisers.surface_path("sgd", 0.4 * limit, 0.01, 0.9)
    beyond = optimisers.surface_path("sgd", 1.1 * limit, 0.01, 0.9)
    assert above_half["crossings"] == optimisers.SURFACE_STEPS and above_half["flown_off"] is None
    assert below_half["crossings"] == 0 and below_half["flown_off"] is None
    assert beyond["flown_off"] is not None
    for lr in (0.0001, 0.1):  # Adam: about its learning rate a step in each coordinate, however steep the slope
        assert 0.9 * lr < max(optimisers.surface_path("adam", 0.1, lr, 0.9)["largest_step"]) < 1.1 * lr
    no_momentum = optimisers.surface_path("momentum", 0.1, 0.01, 0.0)
    assert no_momentum["path"] == optimisers.surface_path("sgd", 0.1, 0.01, 0.9)["path"]


@pytest.mark.parametrize("settings", [
    dict(sgd_lr=1.0, adam_lr=0.1, momentum=0.99, epochs=2),
    dict(sgd_lr=0.001, adam_lr=0.0001, momentum=0.0, epochs=2),
])
def test_the_optimiser_lesson_says_its_own_numbers_at_the_extremes(settings):
    result = final(optimisers.run(**settings))
    v = result.values
    text = optimisers.show(result).text
    table = tables(text)[0]  # the valley's; the network's follows
    for name in optimisers.OPTIMISERS:
        path, shown = v["paths"][name], table[optimisers.T.say(name, "en")]
        if path["flown_off"] is not None:
            assert shown[1] == f"flew off at step {path['flown_off']}"
        else:
            assert shown[1] == f"{path['distance']:.3f}"
        assert shown[2] == str(path["crossings"])
        assert len(v["runs"]["constant"][name]["losses"]) == settings["epochs"]
    x, y = v["paths"]["adam"]["largest_step"]
    lr = settings["adam_lr"]
    assert f"Adam's largest step moved x by {x:.4f} and y by {y:.4f}, with its learning rate at {lr:g}" in text
    finals = {name: v["runs"]["constant"][name]["final_loss"] for name in optimisers.OPTIMISERS}
    finite = {name: loss for name, loss in finals.items() if np.isfinite(loss)}
    best = min(finite, key=finite.get)
    assert f"{optimisers.T.say(best, 'en')} ended with the lowest training loss ({finite[best]:.4f})" in text
    lowered = sum(v["runs"]["cosine"][n]["final_loss"] < finals[n] for n in optimisers.OPTIMISERS)
    network = tables(text)[1]
    for name in optimisers.OPTIMISERS:
        shown, trained = network[optimisers.T.say(name, "en")], v["runs"]["constant"][name]
        assert shown[0] == (f"{trained['final_loss']:.4f}" if np.isfinite(trained["final_loss"]) else "diverged")
        assert shown[2] == f"{trained['accuracy']:.1%}"
    assert f"for {lowered} of the 4 optimisers" in text
    if settings["sgd_lr"] == 1.0:
        assert v["paths"]["sgd"]["flown_off"] is not None and v["paths"]["adam"]["distance"] < 0.05
    else:
        assert all(p["flown_off"] is None for p in v["paths"].values())
    surface, curves = optimisers.show(result).figures
    assert len(surface.data) == 6 and len(curves.data) == 8  # contours, four paths, the minimum; 4 × 2 curves


def test_every_optimiser_starts_from_the_same_weights():
    first, second = optimisers.network(0), optimisers.network(0)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters(), strict=True))


# ---- 9. batch norm, dropout, activation ----------------------------------------------------------------------------

def test_without_an_activation_the_network_is_the_product_of_its_layers():
    torch.manual_seed(0)
    model = layers.network("none", batch_norm=False, dropout=0.0)
    first, second, last = (m for m in model if isinstance(m, torch.nn.Linear))
    weight = (last.weight @ second.weight @ first.weight).detach().numpy()[0]
    bias = (last.weight @ (second.weight @ first.bias + second.bias) + last.bias).item()
    points = torch.randn(50, 2)
    w, b, gap = layers.as_one_linear_layer(model, points)
    assert np.allclose(w, weight, atol=1e-5) and np.isclose(b, bias, atol=1e-5) and gap < 1e-5
    assert layers.as_one_linear_layer(layers.network("relu", True, 0.0), points)[2] > 1e-3


def test_no_activation_draws_a_straight_line_and_fails_on_the_rings():
    result = final(layers.run(activation="none", batch_norm=True, dropout=0.8, steps=50))
    v, text = result.values, layers.show(result).text
    assert v["gap"] < 1e-4 and v["accuracy"] < 0.65
    assert "is the single linear layer logit = " in text and f"differ by at most {v['gap']:.1e}" in text
    assert f"classifies **{v['accuracy']:.1%}**" in text and "no straight line separates" in text
    assert "has not found that bend" not in text  # that sentence is for a network that could bend


def test_an_activation_bends_round_the_rings_and_train_mode_changes_the_answers():
    result = final(layers.run(activation="relu", batch_norm=True, dropout=0.2, steps=600))
    v, text = result.values, layers.show(result).text
    assert v["accuracy"] > 0.9 and v["gap"] > 0.1 and "can bend round the inner ring" in text
    low, high = min(v["pass_accuracy"]), max(v["pass_accuracy"])
    assert low < high and v["moved"] > 0.01
    assert f"ranged from {low:.1%} to {high:.1%}" in text and f"eval() mode gives {v['accuracy']:.1%}" in text
    assert "dropout switches off a random 20%" in text and "Batch norm in train() mode" in text
    boundary, modes = layers.show(result).figures
    assert len(modes.data[0].y) == layers.PASSES * layers.TRACED


def test_without_dropout_or_batch_norm_the_two_modes_agree():
    result = final(layers.run(activation="sigmoid", batch_norm=False, dropout=0.0, steps=50))
    v, text = result.values, layers.show(result).text
    assert set(v["pass_accuracy"]) == {v["accuracy"]} and v["moved"] < 1e-5
    assert "every pass agrees with eval()" in text and "dropout switches off" not in text
    assert ("has not found that bend" in text) == (v["accuracy"] < layers.UNBENT)


@pytest.mark.slow
def test_the_layers_lesson_at_its_most_steps():
    result = final(layers.run(activation="tanh", batch_norm=False, dropout=0.8, steps=3_000))
    assert result.values["steps"] == 3_000 and len(result.values["losses"]) == 3_000
    assert "dropout switches off a random 80%" in layers.show(result).text


# ---- 10. precision, recall, ROC ------------------------------------------------------------------------------------

def test_the_counts_at_a_threshold():
    scores = np.array([0.9, 0.8, 0.4, 0.3, 0.2, 0.1])
    is_nine = np.array([True, False, True, False, False, False])
    c = metrics.counts(scores, is_nine, 0.5)
    assert (c["tp"], c["fp"], c["fn"], c["tn"]) == (1, 1, 1, 3)
    assert c["precision"] == 0.5 and c["recall"] == 0.5 and c["f1"] == 0.5 and c["fpr"] == 0.25
    nothing = metrics.counts(scores, is_nine, 0.95)
    assert nothing["precision"] is None and nothing["recall"] == 0 and nothing["f1"] == 0


@pytest.mark.data
def test_the_threshold_moves_the_point_along_one_roc_curve():
    low_result, high_result = (final(metrics.run(threshold=t, examples=100)) for t in (0.01, 0.99))
    low, high = low_result.values, high_result.values
    assert low["auc"] == high["auc"] and 0.5 < low["auc"] <= 1
    assert low["recall"] >= high["recall"] and low["fpr"] >= high["fpr"]
    for result in (low_result, high_result):
        v = result.values
        fpr, tpr = v["roc"]
        assert np.isclose(fpr, v["fpr"]).any() and np.isclose(tpr[np.isclose(fpr, v["fpr"])], v["recall"]).any()
        assert v["tp"] + v["fn"] == v["nines"] and v["tp"] + v["fp"] + v["fn"] + v["tn"] == v["n"]
        assert np.isclose(v["baseline"], 1 - v["nines"] / v["n"])
        text = metrics.show(result).text
        (table,) = tables(text)
        value = {cell.split("**")[1]: shown[0] for cell, shown in table.items() if cell.startswith("**")}
        assert value["accuracy"] == f"{v['accuracy']:.1%}" and value["recall"] == f"{v['recall']:.1%}"
        assert value["F1"] == f"{v['f1']:.3f}" and value["AUC"] == f"{v['auc']:.3f}"
        assert value["precision"] == (f"{v['precision']:.1%}" if v["precision"] is not None
                                      else "undefined (it called nothing a 9)")
        assert f"its “9” answers: {v['tp'] + v['fp']} — {v['tp']} right" in text
        assert f"never says 9 would be right on {v['baseline']:.1%}" in text


@pytest.mark.slow
@pytest.mark.data
def test_the_metrics_lesson_on_its_most_examples():
    v = final(metrics.run(threshold=0.5, examples=10_000)).values
    assert v["auc"] > 0.95 and v["examples"] == 10_000


# ---- in Korean, through the API, and bad values --------------------------------------------------------------------

@pytest.mark.data
def test_the_three_lessons_answer_in_korean(keeps_names):
    text, surface, curves = korean.last(korean.lesson("optimiser")(0.1, 0.01, 0.9, 2, request=korean.KO))
    assert "**골짜기에서**" in text and "| 옵티마이저 | 학습률 |" in text
    assert curves.layout.xaxis.title.text == "에포크"
    korean.assert_korean(text, [surface, curves])
    text, boundary, modes = korean.last(korean.lesson("layers")("none", True, 0.2, 50, request=korean.KO))
    assert "활성화 함수 **없음**" in text and "선형층 하나" in text and "**train()과 eval().**" in text
    korean.assert_korean(text, [boundary, modes])
    text, roc, confusion = korean.last(korean.lesson("metrics")(0.3, 200, request=korean.KO))
    assert "| 지표: 무엇을 묻나 | 이 임계값에서 |" in text and "| **재현율**: " in text
    assert confusion.layout.title.text == "임계값 0.30에서의 혼동 행렬"
    korean.assert_korean(text, [roc, confusion])
    english, *_ = korean.last(korean.lesson("metrics")(0.3, 200))
    assert "| measure: what it asks | at this threshold |" in english


@pytest.mark.slow
@pytest.mark.data
def test_the_three_lessons_answer_through_the_api(client):
    text, surface, curves = client.predict(0.1, 0.01, 0.9, 2, api_name="/optimiser_lesson")
    assert "| SGD + momentum | 0.1 |" in text and surface is not None and curves is not None
    text, boundary, modes = client.predict("none", False, 0.0, 50, api_name="/layers_lesson")
    assert "is the single linear layer" in text and modes is not None
    text, roc, confusion = client.predict(0.5, 200, api_name="/metrics_lesson")
    assert "| **AUC**: " in text and roc is not None


def test_the_readme_lists_every_lesson_by_its_number_and_api_name():
    from pathlib import Path

    from ui.lessons.catalogue import LESSONS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").splitlines()
    for number, lesson in enumerate(LESSONS, start=1):  # its row: | n · title | what it shows | `api_name` |
        assert any(line.startswith(f"| {number} · ") and line.endswith(f"| `{lesson.key}_lesson` |")
                   for line in readme), lesson.key
