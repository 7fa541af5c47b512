"""Datasets as whole tensors: MNIST digits and SST-2 sentences.

The data folder comes from `--data-dir`, else the DATA_DIR environment
variable, else ./data. MNIST is read by torchvision from `<dir>/MNIST/raw`
(downloaded there when missing and online). SST-2 is read from
`<dir>/sst2/{train,dev,test}.txt` — one "label sentence" a line — and when
missing, fetched from the Hub dataset SetFit/sst2 and written in that format.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from models.text import build_vocab, encode

VALIDATION_SIZE = 5_000  # MNIST images held out of the 60k training set
SPLIT_SEED = 0  # fixed, so every run validates on the same images


@dataclass
class Split:
    """One split of a dataset: model inputs (a tuple of tensors) and integer labels."""

    inputs: tuple[torch.Tensor, ...]
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index: torch.Tensor) -> "Split":
        return Split(tuple(t[index] for t in self.inputs), self.labels[index])

    def head(self, n: int | None, seed: int = 0) -> "Split":
        """A random subset of `n` examples (all of them when n is None or too large)."""
        if n is None or n >= len(self):
            return self
        generator = torch.Generator().manual_seed(seed)
        return self.take(torch.randperm(len(self), generator=generator)[:n])

    def to(self, device) -> "Split":
        return Split(tuple(t.to(device) for t in self.inputs), self.labels.to(device))


def data_dir(path: str | None = None) -> Path:
    return Path(path or os.environ.get("DATA_DIR") or "data")


def load_mnist(path: str | None = None) -> dict[str, Split]:
    """MNIST as uint8 images (N, 1, 28, 28): train (55k), val (5k, fixed seed), test (10k)."""
    from torchvision.datasets import MNIST

    root = data_dir(path)
    try:
        train = MNIST(root, train=True, download=True)
        test = MNIST(root, train=False, download=True)
    except (RuntimeError, OSError) as error:
        raise FileNotFoundError(
            f"MNIST not found under {root}/MNIST/raw and could not be downloaded ({error}). "
            "Point --data-dir or DATA_DIR at a folder that holds it."
        ) from None
    full = Split((train.data.unsqueeze(1),), train.targets)
    order = torch.randperm(len(full), generator=torch.Generator().manual_seed(SPLIT_SEED))
    return {
        "train": full.take(order[VALIDATION_SIZE:]),
        "val": full.take(order[:VALIDATION_SIZE]),
        "test": Split((test.data.unsqueeze(1),), test.targets),
    }


SST2_FILES = {"train": "train", "val": "dev", "test": "test"}
HUB_FILES = {"train": "train.jsonl", "dev": "validation.jsonl", "test": "test.jsonl"}


def read_sst2_file(path: Path) -> tuple[list[list[str]], list[int]]:
    """Parse "label sentence" lines into token lists and labels; blank lines are skipped."""
    sentences, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        label, _, text = line.strip().partition(" ")
        if label not in ("0", "1"):
            raise ValueError(f"{path}:{number}: expected a 0/1 label first, got {label!r}")
        sentences.append(text.split())  # the files are tokenised already
        labels.append(int(label))
    return sentences, labels


def fetch_sst2(folder: Path) -> None:
    """Download the sentence-level SST-2 split from the Hub and write it as train/dev/test.txt."""
    from huggingface_hub import hf_hub_download

    folder.mkdir(parents=True, exist_ok=True)
    for name, remote in HUB_FILES.items():
        source = hf_hub_download("SetFit/sst2", remote, repo_type="dataset")
        rows = [json.loads(line) for line in Path(source).read_text().splitlines() if line.strip()]
        lines = [f"{row['label']} {row['text']}" for row in rows]
        tmp = folder / f".{name}.txt.tmp"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, folder / f"{name}.txt")


def load_sst2(path: str | None = None, vocab: list[str] | None = None,
              min_freq: int = 2) -> tuple[dict[str, Split], list[str]]:
    """SST-2 as padded token ids + lengths per split, and the vocabulary (built from train unless given)."""
    folder = data_dir(path) / "sst2"
    if not (folder / "train.txt").exists():
        try:
            fetch_sst2(folder)
        except Exception as error:
            raise FileNotFoundError(
                f"SST-2 not found in {folder} and could not be downloaded ({error}). "
                "Point --data-dir or DATA_DIR at a folder that holds sst2/train.txt."
            ) from None
    parsed = {split: read_sst2_file(folder / f"{name}.txt") for split, name in SST2_FILES.items()}
    vocab = vocab or build_vocab(parsed["train"][0], min_freq=min_freq)
    splits = {}
    for split, (sentences, labels) in parsed.items():
        ids, lengths = encode(sentences, vocab)
        splits[split] = Split((ids, lengths), torch.tensor(labels))
    return splits, vocab
