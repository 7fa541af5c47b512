import json

import pytest
import torch

import models
from models.rnn import PhrasesRNNConfig


@pytest.mark.parametrize("config", [
    models.DNNConfig(hidden_sizes=[32, 16]),
    models.CNNConfig(channels=[4, 8]),
    PhrasesRNNConfig(kind="gru", vocab=["<pad>", "<unk>", "good"], embedding_dim=8, hidden_size=6),  # the gru kind's
], ids=lambda c: c.kind)
def test_save_then_load_gives_identical_outputs(tmp_path, config):
    model = models.build(config).eval()
    models.save(model, tmp_path / "ck", {"metrics.json": {"accuracy": 0.5}})
    loaded = models.load(tmp_path / "ck")
    assert loaded.config == config
    if config.kind in ("dnn", "cnn"):
        inputs = (torch.rand(4, 1, 28, 28),)
    else:
        inputs = model.encode_text(["good", "good good unseen"])
    with torch.no_grad():
        assert torch.equal(model(*inputs), loaded(*inputs))
    assert json.loads((tmp_path / "ck" / "metrics.json").read_text()) == {"accuracy": 0.5}


def test_save_replaces_an_existing_checkpoint_and_leaves_no_temporaries(tmp_path):
    models.save(models.build(models.DNNConfig(hidden_sizes=[8])), tmp_path / "ck")
    models.save(models.build(models.DNNConfig(hidden_sizes=[16])), tmp_path / "ck")
    assert models.load(tmp_path / "ck").config.hidden_sizes == [16]
    assert [p.name for p in tmp_path.iterdir()] == ["ck"]


@pytest.fixture
def checkpoint(tmp_path):
    return models.save(models.build(models.DNNConfig(hidden_sizes=[8])), tmp_path / "ck")


def test_truncated_weights_give_a_clear_error(checkpoint):
    weights = checkpoint / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(models.CheckpointError, match="corrupted weights"):
        models.load(checkpoint)


def test_garbage_weights_give_a_clear_error(checkpoint):
    (checkpoint / "model.safetensors").write_bytes(b"\x80\x04not a tensor file at all" * 10)
    with pytest.raises(models.CheckpointError, match="corrupted weights"):
        models.load(checkpoint)


def test_weights_that_do_not_match_the_config_give_a_clear_error(checkpoint):
    config = json.loads((checkpoint / "config.json").read_text())
    config["hidden_sizes"] = [9]
    (checkpoint / "config.json").write_text(json.dumps(config))
    with pytest.raises(models.CheckpointError, match="do not match"):
        models.load(checkpoint)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"kind": "transformer"}', "no known 'kind'"),
    ('{"kind": "dnn", "layers": 3}', "unknown config fields"),
    ('{"kind": "dnn", "activation": "swish"}', "no valid model"),
])
def test_bad_config_gives_a_clear_error(checkpoint, text, message):
    (checkpoint / "config.json").write_text(text)
    with pytest.raises(models.CheckpointError, match=message):
        models.load(checkpoint)


def test_missing_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(models.CheckpointError, match="no config.json"):
        models.load(tmp_path / "nowhere")
