"""What every data set shares: the `Split` of tensors a loader returns, the data folder, and the checks that turn
a missing file into a message saying where it should be.

The data folder comes from `--data-dir`, else the DATA_DIR environment
variable, else ./data. Each data set has a module of its own beside this one;
`training.datasets.LOADERS` names them by the registry's `dataset`.
"""
import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch

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
def tidy(folder: Path):
    """Remove the empty folders a failed download leaves behind (`folder` and the parents it created)."""
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        yield
    except BaseException:
        for p in created:  # deepest first
            with contextlib.suppress(OSError):
                p.rmdir()  # only when empty
        raise


class MissingData(FileNotFoundError):
    """A data set that is not here. str() names the folder, for the command line and the server's log; `what` names
    only the data set, for a page every visitor sees. It crosses a process queue whole (the lessons' workers)."""

    def __init__(self, what: str, folder: Path | str, why: str):
        super().__init__(f"{what} is not in {folder} and {why}. Point --data-dir or DATA_DIR at a folder that holds "
                         "it (see the README's Data section).")
        self.what, self.folder, self.why = what, str(folder), why

    def __reduce__(self):
        return type(self), (self.what, self.folder, self.why)


def missing(what: str, folder: Path, why: str) -> MissingData:
    return MissingData(what, folder, why)
