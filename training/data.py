"""Datasets as whole tensors: MNIST digits and SST-2 sentences.

The data folder comes from `--data-dir`, else the DATA_DIR environment
variable, else ./data. MNIST is read by torchvision from `<dir>/MNIST/raw`
(downloaded there when missing and online). SST-2 is read from
`<dir>/sst2/{train,dev,test}.txt` — one "label sentence" a line — and when
missing, fetched from the Hub dataset SetFit/sst2 and written in that format.
Fashion-MNIST, a second image set for the Retrain tab, is read by torchvision
from `<dir>/FashionMNIST/raw` in MNIST's IDX format (downloaded when online).
Korean movie reviews are read from `<dir>/nsmc/ratings_{train,test}.txt`
(NSMC's format: a header, then id, review and label, tab-separated).
"""
import contextlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch

from models import korean
from models.text import PAD, UNK, build_vocab, encode

VALIDATION_SIZE = 5_000  # MNIST images held out of the 60k training set
SPLIT_SEED = 0  # fixed, so every run validates on the same images
MNIST_FILES = ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")


@dataclass
class Split:
    """One split of a dataset: model inputs (a tuple of tensors) and integer labels."""

    inputs: tuple[torch.Tensor, ...]
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index: torch.Tensor) -> "Split":
        return Split(tuple(t[index] for t in self.inputs), self.labels[index])

    def sample(self, n: int | None, seed: int = 0) -> "Split":
        """A random subset of `n` examples (all of them when n is None or too large)."""
        if n is None or n >= len(self):
            return self
        generator = torch.Generator().manual_seed(seed)
        return self.take(torch.randperm(len(self), generator=generator)[:n])

    def to(self, device) -> "Split":
        return Split(tuple(t.to(device) for t in self.inputs), self.labels.to(device))


def data_dir(path: str | None = None) -> Path:
    return Path(path or os.environ.get("DATA_DIR") or "data")


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether `url`'s host answers on its port: a quick check before a download that would retry for long."""
    parts = urlparse(url)
    try:
        socket.create_connection((parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)),
                                 timeout=timeout).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def _tidy(folder: Path):
    """Remove the empty folders a failed download leaves behind (`folder` and the parents it created)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        yield
    except BaseException:
        for p in missing:  # deepest first
            with contextlib.suppress(OSError):
                p.rmdir()  # only when empty
        raise


def _missing(what: str, folder: Path, why: str) -> FileNotFoundError:
    return FileNotFoundError(f"{what} is not in {folder} and {why}. Point --data-dir or DATA_DIR at a folder "
                             "that holds it (see the README's Data section).")


def load_mnist(path: str | None = None) -> dict[str, Split]:
    """MNIST as uint8 images (N, 1, 28, 28): train (55k), val (5k, fixed seed), test (10k)."""
    from torchvision.datasets import MNIST

    return _load_idx(MNIST, "MNIST", path)


def load_fashion(path: str | None = None) -> dict[str, Split]:
    """Fashion-MNIST (Zalando's clothes, same format and sizes as MNIST), split the same way."""
    from torchvision.datasets import FashionMNIST

    return _load_idx(FashionMNIST, "Fashion-MNIST", path)


def _load_idx(dataset, what: str, path: str | None) -> dict[str, Split]:
    """A torchvision MNIST-style `dataset` from `<dir>/<its class name>/raw`, downloaded when missing and online."""
    root = data_dir(path)
    raw = root / dataset.__name__ / "raw"
    present = all((raw / f"{name}-ubyte").exists() for name in MNIST_FILES)
    if not present and not reachable(dataset.mirrors[0]):
        raise _missing(what, raw, "there is no connection to download it")
    try:
        with _tidy(raw):
            train = dataset(root, train=True, download=not present)
            test = dataset(root, train=False, download=not present)
    except (RuntimeError, OSError, ValueError) as error:  # ValueError: a damaged IDX file
        raise _missing(what, raw, f"could not be read or downloaded ({error})") from None
    full = Split((train.data.unsqueeze(1),), train.targets)
    order = torch.randperm(len(full), generator=torch.Generator().manual_seed(SPLIT_SEED))
    held_out = min(VALIDATION_SIZE, len(full) // 12)  # 5,000 of 60,000; a tiny test file keeps most for training
    return {
        "train": full.take(order[held_out:]),
        "val": full.take(order[:held_out]),
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
    from huggingface_hub import constants, hf_hub_download

    if constants.HF_HUB_OFFLINE or not reachable(constants.ENDPOINT):
        raise OSError("there is no connection to the Hugging Face Hub")  # it would retry for about 30 s
    sources = {name: hf_hub_download("SetFit/sst2", remote, repo_type="dataset")
               for name, remote in HUB_FILES.items()}
    folder.mkdir(parents=True, exist_ok=True)  # only once everything is here: no empty folder when offline
    for name, source in sources.items():
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
            raise _missing("SST-2", folder, f"could not be downloaded ({error})") from None
    parsed = {split: read_sst2_file(folder / f"{name}.txt") for split, name in SST2_FILES.items()}
    vocab = vocab or build_vocab(parsed["train"][0], min_freq=min_freq)
    splits = {}
    for split, (sentences, labels) in parsed.items():
        ids, lengths = encode(sentences, vocab)
        splits[split] = Split((ids, lengths), torch.tensor(labels))
    return splits, vocab


NSMC_FILES = {"train": "ratings_train.txt", "test": "ratings_test.txt"}
NSMC_VOCAB = 16_000  # subword pieces learnt on the training reviews (models/korean.py); see load_nsmc


def read_nsmc_file(path: Path) -> tuple[list[str], list[int]]:
    """Reviews and labels of an NSMC file ("id<TAB>document<TAB>label" after a header line)."""
    texts, labels = [], []
    with path.open(encoding="utf-8") as lines:
        header = next(lines, "").rstrip("\n").split("\t")
        if header != ["id", "document", "label"]:
            raise ValueError(f"{path}:1: expected the header id, document, label; got {header}")
        for number, line in enumerate(lines, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[2] not in ("0", "1"):
                raise ValueError(f"{path}:{number}: expected id, review and a 0/1 label, tab-separated")
            texts.append(fields[1])
            labels.append(int(fields[2]))
    return texts, labels


def load_nsmc(path: str | None = None, vocab: list[str] | None = None) -> tuple[dict[str, Split], list[str]]:
    """NSMC as padded subword ids + lengths per split, and the vocabulary (learnt on train unless given).

    Validation is VALIDATION_SIZE reviews held out of the 150k training ones (fixed seed), test the 50k test ones.
    """
    folder = data_dir(path) / "nsmc"
    if not (folder / NSMC_FILES["train"]).exists():
        raise _missing("NSMC (Korean movie reviews)", folder, "it is not downloaded automatically")
    train_texts, train_labels = read_nsmc_file(folder / NSMC_FILES["train"])
    test_texts, test_labels = read_nsmc_file(folder / NSMC_FILES["test"])
    order = torch.randperm(len(train_texts), generator=torch.Generator().manual_seed(SPLIT_SEED)).tolist()
    val = order[: min(VALIDATION_SIZE, len(order) // 12)]  # 5,000 of 150,000; a tiny file keeps most for training
    held_out = set(val)
    texts = {"train": [t for i, t in enumerate(train_texts) if i not in held_out],
             "val": [train_texts[i] for i in val], "test": test_texts}
    labels = {"train": [y for i, y in enumerate(train_labels) if i not in held_out],
              "val": [train_labels[i] for i in val], "test": test_labels}
    vocab = vocab or korean.learn_vocab(texts["train"], NSMC_VOCAB, [PAD, UNK])
    tokeniser = korean.Tokeniser(vocab)
    splits = {}
    for split in texts:
        ids, lengths = encode([tokeniser.pieces(t) for t in texts[split]], vocab)
        splits[split] = Split((ids, lengths), torch.tensor(labels[split]))
    return splits, vocab


# A registry kind's `dataset` names its loader here: (path, vocab) -> (splits, vocab or None).
LOADERS = {
    "mnist": lambda path=None, vocab=None: (load_mnist(path), None),
    "sst2": load_sst2,
    "fashion": lambda path=None, vocab=None: (load_fashion(path), None),
    "nsmc": load_nsmc,
}
# training examples each loader gives
TRAIN_SIZES = {"mnist": 55_000, "sst2": 6_920, "fashion": 55_000, "nsmc": 150_000 - VALIDATION_SIZE}


def _digits(path=None, vocab=None):
    from training.pendigits import load_digits  # it reads MNIST through this module

    return load_digits(path), None


def _digit_or_not(path=None, vocab=None):
    from training.nondigits import load_digit_or_not

    return load_digit_or_not(path), None


# MNIST + pen digits of 21 writers replayed 4 times (training/pendigits.py); digits against non-digits
LOADERS |= {"digits": _digits, "digit-or-not": _digit_or_not}
TRAIN_SIZES |= {"digits": 55_000 + 4 * 5_245, "digit-or-not": 20_000 + 4 * 5_245 + 20_000}
