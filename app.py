"""Deep-learning playground: draw digits for a DNN and a CNN, probe RNN sentiment models, retrain any of them.

    python app.py                 # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT to change)
    python app.py --share         # a public link for a classroom (needs internet)
    python app.py --database URL  # the class board in any SQLAlchemy database (default: ./class-board.sqlite3)

This file only composes: each tab is a package under ui/ (its layout and its
handlers side by side), in the order ui/tabs.py lists them; the server's state
is ui/state.py. The shipped checkpoints in assets/ load once at start-up.
What a student retrains serves that browser session only (ui/retrain/store.py): it
never replaces the shipped models or another student's. Every event has an
api_name, so the same handlers are an API for gradio_client (tests/test_app.py).
"""
import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

DATABASE_ENVIRONMENT = "PLAYGROUND_DATABASE"  # ui/board/store.py reads it (tests/test_cli.py checks the two agree)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line. It is read before gradio, torch and the app's modules are imported (7 s of CPU), so
    `--help` answers at once and --data-dir is in DATA_DIR before the Retrain tab looks for the data sets."""
    parser = argparse.ArgumentParser(description="Start the deep-learning playground.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on; 0.0.0.0 for every interface (default: %(default)s)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", 7860)),
                        help="port to listen on (default: %(default)s)")
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or "data",
                        help="folder holding the data sets that retraining and the lessons read: MNIST/, pendigits/ "
                             "(added to MNIST where present), FashionMNIST/, sst2/ and nsmc/ (default: $DATA_DIR, "
                             "else ./data)")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link (needs internet)")
    parser.add_argument("--database", default=os.environ.get(DATABASE_ENVIRONMENT),
                        help="SQLAlchemy URL of the class boards' database, shared by replicas of the app, e.g. "
                             "postgresql+psycopg://user:password@host/playground (default: $"
                             f"{DATABASE_ENVIRONMENT}, else a SQLite file class-board.sqlite3 here)")
    found = parser.parse_args(argv)
    os.environ["DATA_DIR"] = found.data_dir  # the Retrain tab and the training workers, started later, read it
    if found.database:
        os.environ[DATABASE_ENVIRONMENT] = found.database  # the board connects on first use (ui/board/store.py)
    return found


if __name__ == "__main__":
    OPTIONS = options()

import gradio as gr  # noqa: E402  (after the command line: see options)
import torch  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

import models  # noqa: E402
from models import registry  # noqa: E402
from ui import guard, i18n, page, sessions, tabs  # noqa: E402
from ui.board import layout as board  # noqa: E402
from ui.inputs import MAX_UPLOAD  # noqa: E402
from ui.lessons import layout as lessons_tab  # noqa: E402
from ui.retrain import runs  # noqa: E402
from ui.state import AppState  # noqa: E402

ASSETS = Path(__file__).resolve().parent / "assets"
# gradio summarises its event log with pandas after every event, for a monitoring page this app does not open:
# about 2 ms of the server's one Python thread per event, 6 ms once the log holds its 10,000 events. The queue
# reads this when build() creates it.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
# One intra-op thread per prediction: with other processes busy on 2 cores, the digit handler took p50 119-458 ms
# with 2 threads (OpenMP threads wait for each other when a core is taken) and 6 ms with 1, measured side by side.
torch.set_num_threads(1)


def load_shipped(folder: Path = ASSETS) -> tuple[dict, dict]:
    """The checkpoints in `folder`: (models by kind, what is wrong by kind for any that failed to load).

    The reasons name no server path (every visitor sees them); the full error goes to the server's log.
    """
    loaded, errors = {}, {}
    for kind in registry.names():
        try:
            loaded[kind] = models.load(folder / kind)
        except models.CheckpointError as error:
            print(f"warning: the shipped {kind} model did not load: {error}", file=sys.stderr)
            errors[kind] = error.reason
    return loaded, errors


def build(state: AppState) -> gr.Blocks:
    # gradio keeps a copy of every file it serves (the retrained models' zips): files older than an hour go,
    # checked every ten minutes
    with gr.Blocks(title="Deep-learning playground · 딥러닝 놀이터", delete_cache=(600, 3600)) as demo:
        session = gr.State({}, time_to_live=3 * 3600)  # this browser's small per-session values
        language = page.header(state.load_errors)
        # a teacher link's note: ignored parameters, locked controls (ui/links.py)
        link_note = gr.Markdown(visible=False, elem_id="link-note")
        # "wrap": every tab one tap away on a phone (gradio's default hides those that do not fit behind a "⋯" menu)
        with gr.Tabs(elem_id="main-tabs", overflow_behavior="wrap") as tabbed:
            built = {tab.id: tab.layout.build(state, session) for tab in tabs.TABS}
        resumed = sessions.wire(demo)  # the session's id, kept by the browser across reloads (ui/sessions.py)
        opened = runs.wire_links(state, resumed, tabbed, built["retrain"], built["board"]["code"], link_note)
        board.open_at_once(opened, built["board"])  # a board link shows its board at once
        board.follow_tabs(tabbed, built["board"])  # which refreshes itself while its tab is open
        i18n.wire(demo, language)
    demo.queue(max_size=guard.QUEUE_SIZE, default_concurrency_limit=8)
    guard.cap_queue(demo)  # per-session and per-pool limits before an event is queued (ui/guard.py)
    guard.guard_handlers(demo)  # every failure answered with a message
    return demo


# The page and what it serves, built on first use of app.demo (app.SHIPPED, app.LOAD_ERRORS, app.STATE): after
# main() has read its options (`--help` answers before any model loads, and --data-dir is set before the Retrain tab
# looks for the data sets), and never in a training or lesson process, which imports this file again as __mp_main__
# and needs none of the page (its checkpoints and components cost about 3 s of CPU to build).
_BUILT: dict = {}


def __getattr__(name: str):
    if name not in ("SHIPPED", "LOAD_ERRORS", "STATE", "demo"):
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    if not _BUILT:
        shipped, errors = load_shipped()
        state = AppState(shipped, errors)
        _BUILT.update(SHIPPED=shipped, LOAD_ERRORS=errors, STATE=state, demo=build(state))
    return _BUILT[name]

# ui/page.py: the theme, CSS and script that make every tab accessible (issue #14).
# run_history=False: gradio 6.31's browser-side run history rewrites its last 100 runs, inputs and outputs with our
# inline images, to localStorage about four times per event; the pad sends up to 8 events a second, and the page's
# main thread fell behind (stroke-end to answers p50 453 ms; 33 ms without it, benchmarks/browser.py, no retrain).
# state_session_capacity: how many sessions' state gradio keeps (ui/guard.py SESSIONS; its own default is 10,000).
# max_threads: a run waiting for its turn or a shared lesson holds one of gradio's threads (a class's trainings and
# lessons at once, each of their pools' limits), and the digits must still find one free; its default is 40.
LAUNCH_OPTIONS = dict(css=page.CSS + tabs.CSS, theme=page.THEME, js=page.JS,
                      max_file_size=MAX_UPLOAD, run_history=False, i18n=i18n.I18N, max_threads=100,
                      state_session_capacity=guard.SESSIONS, app_kwargs={"middleware": [Middleware(guard.Gate)]})


def main(args: argparse.Namespace) -> None:
    # Docker, Spaces and systemd stop a server with SIGTERM: end it like Ctrl-C, so gradio closes and the
    # training workers (daemon processes) are ended at exit instead of living on under PID 1.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    demo, state = __getattr__("demo"), __getattr__("STATE")
    started = time.monotonic()
    warming = lessons_tab.warm(state)  # every lesson's defaults, in the background (ui/lessons/shared.py)
    state.workers.start()  # the training processes, before the first student presses Train
    # quiet unless sharing: gradio's own greeting would tell a teacher to "set `share=True` in `launch()`"; this
    # app's switch for that is --share
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, quiet=not args.share,
                prevent_thread_lock=True, **LAUNCH_OPTIONS)
    if not args.share:
        print(f"* Running on local URL:  {demo.local_url}\n* For a public link (needs internet), start it with --share")
    if warming is not None:  # a teacher (and tests/test_replicas.py) can wait for this line before the class comes
        threading.Thread(target=_say_when_warm, args=(warming, started), daemon=True).start()
    demo.block_thread()


def _say_when_warm(warming: threading.Thread, started: float) -> None:
    warming.join()
    print(f"* Lessons ready at their defaults after {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main(OPTIONS)
