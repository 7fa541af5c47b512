"""The registry is the one place a model kind is declared: a toy sixth kind, registered here only, is offered by
the command line and the Retrain tab and trained by the same function as the shipped ones. ui/settings.py is the
one place a Retrain setting is: an extra one, entered there with its texts, is checked, linked and listed."""
import inspect
from dataclasses import dataclass, replace

import gradio as gr
import pytest
import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

import i18n
import models
from models import registry
from models.fields import setting
from tests.helpers import handlers
from training.__main__ import main, parse_args
from training.datasets import TRAIN_SIZES
from training.settings import FIT_FIELDS, configs
from ui import history, links, settings
from ui.retrain import layout as retrain_tab
from ui.retrain.handlers import Handlers, _retrain_settings, controls_for


@dataclass
class ToyConfig:
    kind: str = "toy"
    hidden_size: int = setting(16, "width of the one hidden layer")
    dropout: float = setting(0.0, "dropout before the output layer")


class Toy(nn.Module, PyTorchModelHubMixin):
    def __init__(self, config: ToyConfig):
        super().__init__()
        self.config = config
        self.layers = nn.Sequential(nn.Flatten(), nn.Linear(784, config.hidden_size), nn.ReLU(),
                                    nn.Dropout(config.dropout), nn.Linear(config.hidden_size, 10))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.layers(pixels.float() / 255 if pixels.dtype == torch.uint8 else pixels)


@pytest.fixture
def toy(monkeypatch):
    kind = registry.Kind("toy", "Toy MLP", Toy, ToyConfig, "image", "mnist", registry.DIGITS,
                         training=dict(epochs=2, lr=1e-2, batch_size=64, patience=2),
                         retrain_controls=("hidden_size", "dropout"), retrain_subset=1_000)
    monkeypatch.setitem(registry.KINDS, "toy", kind)
    return kind


@pytest.mark.data
def test_the_command_line_offers_a_registered_kind_with_its_settings_and_trains_it(toy, tmp_path, capsys):
    args = parse_args(["toy", "--hidden-size", "8"])
    assert args.command == "toy" and args.hidden_size == 8
    with pytest.raises(SystemExit):
        parse_args(["toy", "--help"])
    assert "width of the one hidden layer (default: 16)" in capsys.readouterr().out
    assert main(["toy", "--epochs", "1", "--subset", "400", "--hidden-size", "8", "--out", str(tmp_path / "t")]) == 0
    loaded = models.load(tmp_path / "t")
    assert isinstance(loaded, Toy) and loaded.config == ToyConfig(hidden_size=8)


def test_settings_become_the_kinds_configs(toy):
    config, fit = configs("toy", {"hidden_size": 4, "lr": 0.5, "subset": 10, "bidirectional": True})
    assert config == ToyConfig(hidden_size=4) and fit.lr == 0.5 and fit.epochs == 2 and fit.batch_size == 64


def test_the_retrain_tab_offers_a_registered_kind_and_only_its_controls(toy):
    lab = handlers({}, {})
    with gr.Blocks() as demo:
        retrain_tab.build(lab.state, gr.State({}))
    dropdowns = [b for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b.elem_id == "retrain-model"]
    assert "toy" in [value for _, value in dropdowns[0].choices]
    hidden, dropout, init, bidirectional, subset = controls_for("toy")
    assert hidden["visible"] and dropout["visible"] and not init["visible"] and not bidirectional["visible"]
    assert subset["value"] == 1_000 and subset["maximum"] == TRAIN_SIZES["mnist"]  # its data set's, whatever it is


# ---- the Retrain settings ----------------------------------------------------------------------------------------

DECAY_TEXTS = {"en": {"retrain-tab.weight_decay": "weight decay", "retrain-fields.weight_decay": "weight decay",
                      "setting-short.weight_decay": "decay", "board-studies.weight_decay": "weight decay"},
               "ko": {"retrain-tab.weight_decay": "가중치 감쇠", "retrain-fields.weight_decay": "가중치 감쇠",
                      "setting-short.weight_decay": "가중치 감쇠", "board-studies.weight_decay": "가중치 감쇠"}}


@pytest.fixture
def decay(monkeypatch):
    """A tenth setting, AdamW's weight decay, entered in the table and its texts in the catalogue, nowhere else."""
    entry = settings.Setting("weight_decay", "decay", "weight_decay", "number", 0.0, 0.0, 0.1, 0.01)
    monkeypatch.setitem(settings.SETTINGS, "weight_decay", entry)
    for language, texts in DECAY_TEXTS.items():
        for key, text in texts.items():
            monkeypatch.setitem(i18n.CATALOGUE[language], key, text)
    return entry


def test_a_setting_entered_in_the_table_is_checked_linked_and_listed(toy, decay):
    values = [-2.0, 3, 2, 64, 16, 0.1, "default", True, 1_000]  # what /train takes today, in its order
    checked = _retrain_settings("toy", *values, 0.05)
    assert checked["weight_decay"] == 0.05 and checked["hidden_size"] == 16 and "init" not in checked
    assert configs("toy", checked)[1].weight_decay == 0.05  # and training takes it as it is
    with pytest.raises(gr.Error, match="weight decay must be a number from 0 to 0.1, not 0.5"):
        _retrain_settings("toy", *values, 0.5)
    with pytest.raises(gr.Error, match="가중치 감쇠 값은 0부터 0.1까지의 수여야 해요"):
        _retrain_settings("toy", *values, float("nan"), language="ko")

    opened = links.parse({"model": "toy", "decay": "0.02", "lock": "decay"})
    assert opened.values == {"model": "toy", "decay": 0.02} and opened.locked == ["decay"]
    assert "fixed: decay" in opened.note and "선생님이 고정한 설정: 가중치 감쇠" in opened.note_in("ko")
    assert "`decay=1`: must be a number from 0 to 0.1" in links.parse({"decay": "1"}).note
    page = ["toy", *values[:4], 1_000, 0.02, 16, 0.1, "default", True]  # the tab's order: it comes before hidden
    assert "&examples=1000&decay=0.02&hidden=16&dropout=0.1" in links.settings_query(*page)

    assert history.settings_text(checked) == "lr=0.01, epochs=3, patience=2, batch=64, examples=1000, decay=0.05, " \
                                             "hidden=16, dropout=0.1"
    assert "가중치 감쇠=0.05" in history.settings_text(checked, language="ko")
    assert len(controls_for("toy")) == 5  # it is shown for every kind and sized by none: choosing a kind leaves it


def test_train_takes_the_tables_settings_in_its_order():
    """/train's parameters are Handlers.train's: API clients name them, and send them in this order."""
    assert list(inspect.signature(Handlers.train).parameters) == [
        "self", "kind", *(s.api for s in settings.in_order()), "session", "request"]
    assert [s.api for s in settings.in_order()] == ["log_lr", "epochs", "patience", "batch_size", "hidden", "dropout",
                                                    "init", "bidirectional", "subset"]


def test_every_setting_has_its_texts_and_reaches_training():
    for s in settings.in_order():
        keys = [f"retrain-tab.{s.label}", f"retrain-fields.{s.name}", f"setting-short.{s.name}"]
        keys += [f"board-studies.{s.name}"] if s.studied else []
        for language in i18n.LANGUAGES:
            assert all(key in i18n.CATALOGUE[language] for key in keys), (language, keys)
        for kind in map(registry.get, registry.retrainable()):
            if s.shown_for(kind):  # a setting training ignored would leave a slider that changes nothing
                assert (s.name in FIT_FIELDS or s.name in kind.settings() or kind.derive({s.name: s.first(kind)})
                        or s.name == "subset"), (kind.name, s.name)  # subset: ui/retrain/workers.py samples it


def test_a_kind_may_name_only_the_tables_per_kind_settings(toy, monkeypatch):
    monkeypatch.setitem(registry.KINDS, "toy", replace(toy, retrain_controls=("hidden_size", "width")))
    with pytest.raises(ValueError, match=r"toy: unknown retrain controls \['width'\]"), gr.Blocks():
        retrain_tab.build(handlers({}, {}).state, gr.State({}))
