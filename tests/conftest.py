import os
import tempfile
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"

# Tests read the real data sets: $DATA_DIR if set, else ../shared/datasets beside the checkout,
# else ./data (downloaded there on a machine with internet).
if "DATA_DIR" not in os.environ and SHARED.exists():
    os.environ["DATA_DIR"] = str(SHARED)

torch.set_num_threads(min(2, torch.get_num_threads()))

# The app's class boards (ui/board/store.py) go to a database of the test session's own, never ./class-board.sqlite3.
os.environ["PLAYGROUND_DATABASE"] = f"sqlite:///{tempfile.mkdtemp(prefix='board-tests-')}/board.sqlite3"


def missing_data() -> str | None:
    """Why the data-dependent tests cannot run here, or None when MNIST, SST-2 and NSMC are in the data folder."""
    from training.datasets import data_dir
    from training.datasets.mnist import MNIST_FILES
    from training.datasets.nsmc import NSMC_FILES

    folder = data_dir()
    wanted = [folder / "MNIST" / "raw" / f"{name}-ubyte" for name in MNIST_FILES] + [folder / "sst2" / "train.txt"]
    wanted += [folder / "nsmc" / name for name in NSMC_FILES.values()]
    absent = [str(path.relative_to(folder)) for path in wanted if not path.exists()]
    if not absent:
        return None
    return (f"MNIST, SST-2 and NSMC are needed, and {folder.resolve()} lacks {', '.join(absent)}: set DATA_DIR to a "
            "folder that holds them (README, 'Data'), or run once on a machine with internet")


def pytest_collection_modifyitems(config, items):
    """Tests marked `data` (or using the mnist / sst2 fixtures) skip with one reason when the data is absent,
    and fail the run instead where DATA_TESTS=required (CI)."""
    needing = [item for item in items if item.get_closest_marker("data") or {"mnist", "sst2"} & set(item.fixturenames)]
    reason = missing_data() if needing else None
    if reason is None:
        return
    if os.environ.get("DATA_TESTS") == "required":
        raise pytest.UsageError(reason)
    for item in needing:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def mnist():
    from training.datasets.mnist import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def sst2():
    from training.datasets.sst2 import load_sst2

    return load_sst2()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """The app, launched once for the whole test session on a free local port."""
    import app

    assert not app.LOAD_ERRORS, app.LOAD_ERRORS
    port = free_port()
    app.demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    yield f"http://127.0.0.1:{port}/"
    app.demo.close()
