import os
import tempfile
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright's own browser downloads do not work here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

# Tests read the real data sets: $DATA_DIR if set, else ../shared/datasets beside the checkout,
# else ./data (downloaded there on a machine with internet).
if "DATA_DIR" not in os.environ and SHARED.exists():
    os.environ["DATA_DIR"] = str(SHARED)

torch.set_num_threads(min(2, torch.get_num_threads()))

# The whole suite is one address (127.0.0.1) opening thousands of sessions: its servers let them all in
# (ui/guard.py NEW_SESSIONS; tests/test_hostile.py checks the limit on an app of its own).
os.environ["PLAYGROUND_NEW_SESSIONS"] = "1000000/1000"

# The app's class boards (ui/board/store.py) go to a database of the test session's own, never ./class-board.sqlite3.
os.environ["PLAYGROUND_DATABASE"] = f"sqlite:///{tempfile.mkdtemp(prefix='board-tests-')}/board.sqlite3"


def missing_data() -> str | None:
    """Why the data-dependent tests cannot run here, or None when MNIST, SST-2 and NSMC are in the data folder."""
    from training.datasets import data_dir
    from training.datasets.mnist import MNIST_FILES
    from training.datasets.nsmc import NSMC_FILES

    folder = data_dir()
    wanted = [folder / "MNIST" / "raw" / f"{name}-ubyte" for name in MNIST_FILES]
    wanted += [folder / "sst2" / name for name in ("train.txt", "train-phrases.txt")]
    wanted += [folder / "nsmc" / name for name in NSMC_FILES.values()]
    absent = [str(path.relative_to(folder)) for path in wanted if not path.exists()]
    if not absent:
        return None
    return (f"MNIST, SST-2 and NSMC are needed, and {folder.resolve()} lacks {', '.join(absent)}: set DATA_DIR to a "
            "folder that holds them (README, 'Data'); a training run on a machine with internet downloads MNIST and "
            "SST-2, never NSMC")


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


@pytest.fixture(scope="session")
def app_url():
    """The app, launched once for the whole test session on a free local port."""
    import app
    from tests.helpers import free_port  # imported here: the app's modules read the environment set above

    assert not app.LOAD_ERRORS, app.LOAD_ERRORS
    port = free_port()
    app.demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    yield f"http://127.0.0.1:{port}/"
    app.demo.close()


@pytest.fixture(scope="module")
def client(app_url):
    """A gradio_client of the test app, one browser session for the module."""
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="session")
def shipped():
    """Every shipped model, loaded once (in eval mode) from assets/, as the app loads them."""
    import app

    models, errors = app.load_shipped()
    assert not errors, errors
    return models


# ---- the browser ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")  # one Chromium per module: Playwright's sync API holds an event loop while it runs
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context_in(browser):
    """`context_in(locale, **options)`: a new browser context (a 1280 × 1100 window unless `viewport` says
    otherwise), closed after the test whatever its outcome."""
    made = []

    def make(locale: str = "en-US", **options):
        context = browser.new_context(locale=locale, **({"viewport": {"width": 1280, "height": 1100}} | options))
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Where the browser tests' screenshots go: $SCREENSHOT_DIR (docs/ holds the README's), else a temporary
    folder."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
