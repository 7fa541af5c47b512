"""Fashion-MNIST: read from its IDX files and split like MNIST, trained by its own kinds, a clear message when it is
missing or damaged, and never read by tab 1."""
import math
import struct

import numpy as np
import pytest
import torch

from models import registry
from training import datasets
from training.datasets import mnist


def write_idx(folder, name: str, array: np.ndarray) -> None:
    """An IDX file: two zero bytes, the type (0x08: unsigned bytes), the number of dimensions, each size, the data."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    (folder / f"{name}-ubyte").write_bytes(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def tiny_fashion(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, n in (("train", 240), ("t10k", 60)):
        labels = np.arange(n) % 10
        images = rng.integers(0, 40, (n, 28, 28))
        for i, label in enumerate(labels):  # each class a bright bar at its own height: learnable in one epoch
            images[i, 2 + 2 * label: 4 + 2 * label, 4:24] = 250
        write_idx(raw, f"{split}-images-idx3", images)
        write_idx(raw, f"{split}-labels-idx1", labels)
    return tmp_path


def test_fashion_mnist_is_read_from_idx_files_and_split_like_mnist(tiny_fashion):
    splits, vocab = datasets.LOADERS["fashion"](str(tiny_fashion))
    assert vocab is None and {k: len(v) for k, v in splits.items()} == {"train": 220, "val": 20, "test": 60}
    assert splits["train"].inputs[0].shape[1:] == (1, 28, 28) and splits["train"].inputs[0].dtype == torch.uint8


def test_the_fashion_kinds_train_on_it_with_their_own_normalisation(tiny_fashion):
    from training.run import load_data, train_model
    from training.settings import configs

    entry = registry.get("fashion-dnn")
    assert entry.dataset == "fashion" and entry.classes[0] == "T-shirt/top" and len(entry.classes) == 10
    splits, _ = load_data("fashion-dnn", str(tiny_fashion))
    config, fit = configs("fashion-dnn", {"epochs": 3, "batch_size": 32, "hidden_size": 32, "lr": 3e-3})
    assert math.isclose(config.mean, 0.2860) and config.hidden_sizes == [32, 16]
    result = train_model(config, splits, fit)
    assert result.metrics["accuracy"] > 0.5  # ten bars at ten heights


def test_without_fashion_mnist_and_offline_the_message_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "reachable", lambda url, timeout=3.0: False)
    with pytest.raises(FileNotFoundError, match="Fashion-MNIST is not in .*FashionMNIST/raw and there is no "
                                                "connection to download it"):
        mnist.load_fashion(str(tmp_path))
    assert not (tmp_path / "FashionMNIST").exists()  # no empty folder left behind


def test_a_damaged_idx_file_is_a_clear_message(tiny_fashion):
    (tiny_fashion / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03\x00")
    with pytest.raises(FileNotFoundError, match="could not be read"):
        mnist.load_fashion(str(tiny_fashion))


def test_tab_one_never_reads_with_a_fashion_model():
    from ui.draw.handlers import DIGIT_KINDS

    assert all(registry.get(kind).dataset != "fashion" for kind in DIGIT_KINDS)


def test_the_retrain_tab_offers_fashion_only_where_its_data_is(tmp_path, tiny_fashion, monkeypatch):
    from ui.retrain.layout import _kind_choices

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "empty"))
    offered = [kind for _, kind in _kind_choices()]
    assert "fashion-cnn" not in offered and "fashion-dnn" not in offered and {"dnn", "lstm"} <= set(offered)
    monkeypatch.setenv("DATA_DIR", str(tiny_fashion))
    assert {"fashion-cnn", "fashion-dnn"} <= {kind for _, kind in _kind_choices()}


def test_missing_data_names_its_folder_for_the_log_and_crosses_a_process_queue_whole(tmp_path):
    import pickle

    from training.datasets import MissingData

    error = pickle.loads(pickle.dumps(MissingData("Fashion-MNIST", tmp_path / "FashionMNIST", "it is offline")))
    assert isinstance(error, FileNotFoundError) and error.what == "Fashion-MNIST" and str(tmp_path) in str(error)
