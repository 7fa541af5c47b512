"""Saving and loading checkpoints: a folder with config.json + model.safetensors.

The format is huggingface_hub's `PyTorchModelHubMixin` one, so a checkpoint can
be pushed to or pulled from the Hub as is. Loading never unpickles anything:
the config is JSON, the weights are safetensors, and the architecture is
rebuilt from the config's `kind` through the registry. Saving writes a sibling temporary folder and
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

from models import registry


class CheckpointError(Exception):
    """A checkpoint folder is missing, corrupted, or does not match its config.

    `reason` says what is wrong without the path, for messages shown to people who should not see the
    server's folders; str() gives both.
    """

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = Path(path), reason


def build(config) -> torch.nn.Module:
    """A freshly initialised model for a config dataclass."""
    return registry.get(config.kind).model(config)


def save(model: torch.nn.Module, directory: str | Path, extra_files: dict[str, dict] | None = None,
         card: str | None = None) -> Path:
    """Atomically write `model` (and any `extra_files` as JSON, e.g. metrics.json) to `directory`.

    `card` becomes README.md, the Hub's model card; without one no README.md is written (the mixin's
    default card is a list of "More Information Needed").
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        if card is not None:
            (staging / "README.md").write_text(card)  # save_pretrained keeps a README.md that exists
        model.save_pretrained(staging)
        if card is None:
            (staging / "README.md").unlink(missing_ok=True)
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
        config_class = registry.KINDS[data["kind"]].config
    except FileNotFoundError:
        raise CheckpointError(directory, "no config.json — is this a checkpoint folder?") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(path, f"not valid JSON ({error})") from None
    except (KeyError, TypeError):
        raise CheckpointError(path, f"no known 'kind' (expected one of {sorted(registry.KINDS)})") from None
    known = {f.name for f in fields(config_class)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise CheckpointError(path, f"unknown config fields {unknown} for a {data['kind']} model")
    return config_class(**data)


def load(directory: str | Path, device: str | torch.device = "cpu") -> torch.nn.Module:
    """Rebuild the model from config.json and load model.safetensors strictly, in eval mode."""
    config = load_config(directory)
    try:
        model = build(config)
    except (ValueError, TypeError, RuntimeError) as error:
        raise CheckpointError(directory, f"config.json describes no valid model ({error})") from None
    weights = Path(directory) / "model.safetensors"
    try:
        state = load_file(weights)
    except FileNotFoundError:
        raise CheckpointError(directory, "no model.safetensors") from None
    except Exception as error:  # safetensors raises its own error types for bad headers and truncation
        raise CheckpointError(weights, f"corrupted weights file ({error})") from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        first_line = str(error).splitlines()[0]
        raise CheckpointError(weights, f"weights do not match config.json ({first_line} …)") from None
    return model.to(device).eval()
