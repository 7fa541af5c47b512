"""Saving and loading checkpoints: a folder with config.json + model.safetensors.

The format is huggingface_hub's `PyTorchModelHubMixin` one, so a checkpoint can
be pushed to or pulled from the Hub as is. Loading never unpickles anything:
the config is JSON, the weights are safetensors, and the architecture is
rebuilt from the config's `kind`. Saving writes a sibling temporary folder and
swaps it into place, so a crash mid-save never leaves a half-written checkpoint.
"""
import json
import os
import shutil
import tempfile
from dataclasses import fields
from pathlib import Path

import torch
from safetensors.torch import load_file

from models.cnn import CNN, CNNConfig
from models.mlp import MLP, MLPConfig
from models.rnn import SentenceClassifier, RNNConfig

ARCHITECTURES = {
    "dnn": (MLP, MLPConfig),
    "cnn": (CNN, CNNConfig),
    "rnn": (SentenceClassifier, RNNConfig),
    "lstm": (SentenceClassifier, RNNConfig),
    "gru": (SentenceClassifier, RNNConfig),
}


class CheckpointError(Exception):
    """A checkpoint folder is missing, corrupted, or does not match its config."""


def build(config) -> torch.nn.Module:
    """A freshly initialised model for a config dataclass."""
    model_class, _ = ARCHITECTURES[config.kind]
    return model_class(config)


def save(model: torch.nn.Module, directory: str | Path, extra_files: dict[str, dict] | None = None) -> Path:
    """Atomically write `model` (and any `extra_files` as JSON, e.g. metrics.json) to `directory`."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        model.save_pretrained(staging)
        for name, content in (extra_files or {}).items():
            (staging / name).write_text(json.dumps(content, indent=2))
        if directory.exists():
            retired = directory.with_name(f".{directory.name}-old-{os.getpid()}")
            os.replace(directory, retired)
            os.replace(staging, directory)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def load_config(directory: str | Path):
    """The config dataclass stored in `directory`/config.json."""
    path = Path(directory) / "config.json"
    try:
        data = json.loads(path.read_text())
        _, config_class = ARCHITECTURES[data["kind"]]
    except FileNotFoundError:
        raise CheckpointError(f"{directory}: no config.json — is this a checkpoint folder?") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: not valid JSON ({error})") from None
    except (KeyError, TypeError):
        raise CheckpointError(f"{path}: no known 'kind' (expected one of {sorted(ARCHITECTURES)})") from None
    known = {f.name for f in fields(config_class)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise CheckpointError(f"{path}: unknown config fields {unknown} for a {data['kind']} model")
    return config_class(**data)


def load(directory: str | Path, device: str | torch.device = "cpu") -> torch.nn.Module:
    """Rebuild the model from config.json and load model.safetensors strictly, in eval mode."""
    config = load_config(directory)
    try:
        model = build(config)
    except (ValueError, TypeError, RuntimeError) as error:
        raise CheckpointError(f"{directory}: config.json describes no valid model ({error})") from None
    weights = Path(directory) / "model.safetensors"
    try:
        state = load_file(weights)
    except FileNotFoundError:
        raise CheckpointError(f"{directory}: no model.safetensors") from None
    except Exception as error:  # safetensors raises its own error types for bad headers and truncation
        raise CheckpointError(f"{weights}: corrupted weights file ({error})") from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        first_line = str(error).splitlines()[0]
        raise CheckpointError(f"{weights}: weights do not match config.json ({first_line} …)") from None
    return model.to(device).eval()
