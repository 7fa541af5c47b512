"""MNIST and Fashion-MNIST as uint8 image tensors, read by torchvision from `<dir>/MNIST/raw` and
`<dir>/FashionMNIST/raw` (IDX files; downloaded there when missing and online).
"""
import torch

from training.datasets.common import SPLIT_SEED, VALIDATION_SIZE, Split, data_dir, missing, reachable, tidy

MNIST_FILES = ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")
TRAIN_SIZE = 60_000 - VALIDATION_SIZE  # both sets have 60,000 training images, of which VALIDATION_SIZE validate


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
        raise missing(what, raw, "there is no connection to download it")
    try:
        with tidy(raw):
            train = dataset(root, train=True, download=not present)
            test = dataset(root, train=False, download=not present)
    except (RuntimeError, OSError, ValueError) as error:  # ValueError: a damaged IDX file
        raise missing(what, raw, f"could not be read or downloaded ({error})") from None
    full = Split((train.data.unsqueeze(1),), train.targets)
    order = torch.randperm(len(full), generator=torch.Generator().manual_seed(SPLIT_SEED))
    held_out = min(VALIDATION_SIZE, len(full) // 12)  # 5,000 of 60,000; a tiny test file keeps most for training
    return {
        "train": full.take(order[held_out:]),
        "val": full.take(order[:held_out]),
        "test": Split((test.data.unsqueeze(1),), test.targets),
    }
