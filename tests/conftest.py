import os
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/drawing.py
SHARED = ROOT.parent / "shared" / "datasets"

# Tests read the real data sets: $DATA_DIR if set, else ../shared/datasets beside the checkout,
# else ./data (downloaded there on a machine with internet).
if "DATA_DIR" not in os.environ and SHARED.exists():
    os.environ["DATA_DIR"] = str(SHARED)

torch.set_num_threads(min(2, torch.get_num_threads()))


@pytest.fixture(scope="session")
def mnist():
    from training.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def sst2():
    from training.data import load_sst2

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
