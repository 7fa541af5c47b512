"""One training run end to end: data → model → `fit` → test metrics → checkpoint.

Shared by the command line (`python -m training`) and the app's Retrain tab,
so both train exactly the same way; the settings that lead here are turned into
configs by `training.settings.configs`.
"""
import contextlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

import models
from models import registry
from training.augment import augment_digits
from training.datasets import LOADERS, Split
from training.loop import FitConfig, FitResult, fit, predict
from training.metrics import classification_metrics
from training.pretrain import pretrain


def load_data(kind: str, data_dir: str | None = None, subset: int | None = None, seed: int = 0,
              device: torch.device | str = "cpu", vocab: list[str] | None = None, dataset: str | None = None,
              min_freq: int | None = None) -> tuple[dict[str, Split], list[str] | None]:
    """The train/val/test splits of `kind`'s dataset (or of `dataset`, one of its `other_datasets`) on `device`,
    each cut to a random `subset` if given.

    Text is encoded with `vocab` when given (a trained model's own), else with a
    vocabulary built from the training sentences (SST-2: of the words seen at least `min_freq` times, when given),
    which is returned.
    """
    entry = registry.get(kind)
    if dataset is not None and dataset not in (entry.dataset, *entry.other_datasets):
        raise ValueError(f"{kind} trains on {', '.join((entry.dataset, *entry.other_datasets))}, not {dataset!r}")
    splits, vocab = LOADERS[dataset or entry.dataset](data_dir, vocab, **({"min_freq": min_freq} if min_freq else {}))
    splits = {name: split.sample(subset, seed).to(device) for name, split in splits.items()}
    return splits, vocab


@dataclass
class RunResult:
    model: torch.nn.Module
    fit: FitResult
    metrics: dict | None  # test-set metrics; None when the run chose on the dev set only (`train_model(test=False)`)
    val_metrics: dict
    device: str  # where it trained, in words
    fit_config: FitConfig
    examples: dict[str, int]  # examples per split
    test_predicted: torch.Tensor | None = None  # the predicted class of each test example (the app shows them)
    pretraining: list[float] = field(default_factory=list)  # language-model loss of each pretraining epoch
    pretrain_seconds: float = 0.0

    def report(self) -> dict:
        """Everything worth keeping beside the checkpoint, as JSON-ready data."""
        return {
            "test": self.metrics,
            "val": self.val_metrics,
            "fit": asdict(self.fit_config),
            "examples": self.examples,
            "best_epoch": self.fit.best_epoch,
            "stop_reason": self.fit.stop_reason,
            "message": self.fit.message.say("en") if self.fit.message else "",  # English, as the CLI prints it
            "seconds": round(self.pretrain_seconds + self.fit.seconds, 1),  # both stages
            "pretraining": {"losses": [round(loss, 4) for loss in self.pretraining],
                            "seconds": round(self.pretrain_seconds, 1)},
            "history": [asdict(s) for s in self.fit.history],
            "device": self.device,
            "trained_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        }


def train_model(config, splits: dict[str, Split], fit_config: FitConfig,
                on_progress: Callable | None = None, should_stop: Callable | None = None,
                test: bool = True) -> RunResult:
    """Build a model from `config`, pretrain it when `fit_config` says so, fit it (with digit augmentation for image
    models), and score it. A cancelled pretraining leaves `fit` to see `should_stop` and stop before its first batch.

    `test=False` leaves the test set unread (a run that is one of several compared on the dev set); the one
    chosen is scored once afterwards (`python -m training evaluate --record`).
    """
    device = splits["train"].labels.device
    torch.manual_seed(fit_config.seed)
    model = trainable(config, device)
    augment = augment_digits if registry.get(config.kind).task == "image" else None
    began, pretraining = time.perf_counter(), []
    if fit_config.pretrain_epochs:
        pretraining, _ = pretrain(model, splits["train"], fit_config, on_progress, should_stop)
    pretrain_seconds = time.perf_counter() - began
    result = fit(model, splits["train"], splits["val"], fit_config, augment, on_progress, should_stop)
    # scored while a CNN is still channels-last: 1.5x faster than after the conversion below
    test_probs = predict(model, splits["test"]) if test else None
    test_metrics = classification_metrics(test_probs, splits["test"].labels) if test else None
    val_metrics = score(model, splits["val"])
    model = model.to(memory_format=torch.contiguous_format)  # safetensors stores contiguous tensors
    return RunResult(model, result, test_metrics, val_metrics, describe_device(device), fit_config,
                     {name: len(split) for name, split in splits.items()},
                     test_probs.argmax(dim=1).cpu() if test else None, pretraining, pretrain_seconds)


def model_card(config, report: dict) -> str:
    """The Hub model card (README.md) for a checkpoint: what it is, its data, settings, scores and hardware."""
    kind = registry.get(config.kind)
    settings = {k: v for k, v in asdict(config).items() if k != "vocab"}
    test, train = report["test"], report.get("examples", {}).get("train")
    history = report.get("history", [])
    pretraining = report.get("pretraining", {}).get("losses", [])
    pretrained = f", after {len(pretraining)} epoch(s) of language-model pretraining" if pretraining else ""
    lines = [
        "---", "library_name: pytorch", "tags:", "- pytorch_model_hub_mixin", "- deep-learning-playground",
        f"datasets:\n- {kind.dataset}", "metrics:\n- accuracy\n- f1", "---", "",
        f"# {kind.title} on {kind.dataset}", "",
        f"{'An' if kind.task[0] in 'aeiou' else 'A'} {kind.task} classifier ({', '.join(kind.classes)}) "
        "trained by the deep-learning playground "
        f"(`python -m training {kind.name}` or its Retrain tab) on {report['device']}, {report['trained_at']}.",
        "",
        "| split | examples | accuracy | macro F1 | ROC-AUC |", "| --- | --- | --- | --- | --- |",
    ]
    for split in ("val", "test"):
        if (m := report[split]) is None:
            lines.append(f"| {split} | not read yet | | | |")
            continue
        lines.append(f"| {split} | {m['n']:,} | {m['accuracy']:.2%} | {m['f1_macro']:.3f} | {m['roc_auc_ovr']:.3f} |")
    lines += [
        "", f"Trained on {f'{train:,}' if train else 'all the'} training examples for {len(history)} epoch(s)"
        f"{pretrained}, {report['seconds']} s in all; weights from epoch {report['best_epoch']} (lowest validation "
        f"loss); stopped: {report['stop_reason']}.", "",
        f"Model settings: `{json.dumps(settings)}`", "", f"Training settings: `{json.dumps(report['fit'])}`", "",
        "Load it with the playground's code (config.json + model.safetensors; nothing is unpickled):", "",
        "```python", "import models", "model = models.load('path/to/this/folder')", "```", "",
    ]
    if test is not None:
        lines += [f"Test confusion matrix (rows: true class): `{test['confusion_matrix']}`", ""]
    return "\n".join(lines)


def trainable(config, device: torch.device | str) -> torch.nn.Module:
    """A fresh model for `config` on `device`, in the memory layout that trains fastest."""
    model = models.build(config).to(device)
    if registry.get(config.kind).channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def score(model: torch.nn.Module, split: Split) -> dict:
    return classification_metrics(predict(model, split), split.labels)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({cpu_name()}, {torch.get_num_threads()} threads)"


def cpu_name() -> str:
    """The CPU's model name as Linux reports it, else what the platform module knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()

