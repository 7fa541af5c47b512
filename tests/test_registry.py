"""The registry is the one place a model kind is declared: a toy sixth kind, registered here only, is offered by
the command line and the Retrain tab and trained by the same function as the shipped ones."""
from dataclasses import dataclass

import gradio as gr
import pytest
import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

import models
from models import registry
from models.fields import setting
from tests.helpers import handlers
from training.__main__ import main, parse_args
from training.settings import configs
from ui.retrain import layout as retrain_tab
from ui.retrain.handlers import controls_for


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
    assert subset["value"] == 1_000 and subset["maximum"] == 55_000
