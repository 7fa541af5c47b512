"""One hostile student cannot spoil the class (issue #20): what a student with a laptop sends through the raw HTTP
API, and what the app answers. Each case is one of the issue's reproductions.
"""
import asyncio
import base64
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio_client import Client, handle_file
from PIL import Image

import app
from benchmarks.probes import call, join
from ui import guard

ROOT = Path(__file__).resolve().parent.parent

BIG = int("9" * 400)  # a 400-digit integer: valid JSON, and math.isfinite overflows on it
SURROGATE = "\ud800"  # half of a UTF-16 pair: valid JSON ("\\ud800"), and no encoder takes it


def refused(answer, *words: str) -> bool:
    """An error answer whose message holds each of `words` (never gradio's blank generic error)."""
    event, data = answer
    message = data.get("error") if isinstance(data, dict) else data
    return event in ("error", "refused") and isinstance(message, str) and all(w in message for w in words)


# ---- 1. files: only what the client uploaded -----------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    {"path": "/etc/passwd"},
    {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}},
    {"path": "/no/such/file.png"},
    {"path": "/proc/self/fd/0"},  # a pipe the server holds: reading it would block a digit slot for good
    {"path": str(app.__file__)},
    {"path": 5},
])
def test_classify_image_reads_no_path_the_client_names_and_says_nothing_about_the_file(app_url, value):
    started = time.monotonic()
    answer = call(app_url, "classify_image", [value])
    assert refused(answer, "uploaded to this app") and time.monotonic() - started < 10
    message = answer[1]["error"]
    assert "passwd" not in message and "format" not in message.lower() and "bytes" not in message


def test_an_uploaded_image_and_a_data_url_are_read(app_url, tmp_path):
    seven = Image.new("L", (280, 280), 255)
    from PIL import ImageDraw
    ImageDraw.Draw(seven).line([(70, 60), (210, 60), (120, 240)], fill=0, width=22)
    seven.save(tmp_path / "seven.png")
    verdict, *_ = Client(app_url, verbose=False).predict(handle_file(str(tmp_path / "seven.png")),
                                                          api_name="/classify_image")
    assert "reads **7**" in verdict
    encoded = base64.b64encode((tmp_path / "seven.png").read_bytes()).decode()
    event, data = call(app_url, "classify_image", [{"url": f"data:image/png;base64,{encoded}"}])
    assert event == "complete" and "reads **7**" in data[0]


@pytest.mark.parametrize(("size", "header"), [((20_000, 20_000), "png"), ((65_500, 65_500), "jpeg")])
def test_an_image_whose_header_claims_a_giant_size_is_told_the_size_limit(app_url, tmp_path, size, header):
    small = io.BytesIO()
    Image.new("L", (8, 8), 255).save(small, format=header)
    data = bytearray(small.getvalue())
    if header == "png":  # IHDR's width and height, then its CRC recomputed
        import zlib
        data[16:24] = size[0].to_bytes(4, "big") + size[1].to_bytes(4, "big")
        data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    else:  # the SOF0 marker's height and width
        at = data.index(b"\xff\xc0")
        data[at + 5:at + 9] = size[1].to_bytes(2, "big") + size[0].to_bytes(2, "big")
    encoded = base64.b64encode(bytes(data)).decode()
    answer = call(app_url, "classify_image", [{"url": f"data:image/{header};base64,{encoded}"}])
    assert refused(answer, "4,096 pixels on a side"), answer


# ---- 4. request size, before anything parses it ---------------------------------------------------------------------

def test_a_body_over_the_limit_is_refused_before_it_is_parsed_and_the_server_answers_the_next(app_url):
    huge = "x" * (guard.MAX_BODY + 1)
    answer = httpx.post(f"{app_url}gradio_api/call/predict_sentiment", json={"data": [huge]}, timeout=30)
    assert answer.status_code == 413 and "larger than the server takes" in answer.json()["detail"]
    korean = httpx.post(f"{app_url}gradio_api/call/predict_sentiment", json={"data": [huge]}, timeout=30,
                        headers={"Accept-Language": "ko"})
    assert "서버가 받는 크기" in korean.json()["detail"]
    assert call(app_url, "predict_sentiment", ["a fine film"])[0] == "complete"


# ---- 6. every bad value gets a message naming what was wrong --------------------------------------------------------

def test_a_request_with_the_wrong_number_of_values_is_refused_without_echoing_them(app_url, capfd):
    bulky = "z" * 100_000
    answer = call(app_url, "predict_sentiment", [bulky, bulky, bulky])
    assert refused(answer, "sends 3 value(s); it takes")
    assert bulky not in capfd.readouterr().err


@pytest.mark.parametrize(("api_name", "data", "words"), [
    ("init_lesson", [BIG, -3, 32, 500, "relu", False], "epochs must be a whole number"),
    ("board_post", ["ABCDEFGH", "Ada", BIG], ""),
    ("train", ["dnn", BIG, 1, 1, 32, 64, 0.1, "default", True, 500], "learning rate exponent must be a number"),
    ("predict_digit", ['{"width": 280, "height": 280, "strokes": [[[1' + "0" * 5000 + ', 2]]]}'], "drawing"),
    ("predict_sentiment", [f"a fine {SURROGATE} film"], None),
    ("board_create", [f"class {SURROGATE}", "lr", ""], None),
])
def test_huge_integers_and_lone_surrogates_get_an_answer_not_a_blank_error(app_url, api_name, data, words):
    event, message = call(app_url, api_name, data)
    if words is None:
        assert event == "complete", message
    else:
        assert event == "error" and isinstance(message, dict) and words in message["error"], message


@pytest.mark.slow
def test_every_event_answers_junk_with_a_message_the_page_s_private_ones_too(app_url, capfd):
    """Each of the app's events, by its index as the page sends it, with every input None, a 400-digit integer, a
    lone surrogate, an object, and one value too few or too many: never gradio's blank error, never a traceback."""
    failures = []
    for index, fn in app.demo.fns.items():
        if fn.fn is None:
            continue
        n = len(fn.inputs)
        for name, data in {"none": [None] * n, "big": [BIG] * n, "surrogate": [SURROGATE] * n,
                           "object": [{"x": 1}] * n, "short": [None] * max(0, n - 1), "long": [None] * (n + 1)}.items():
            event, message = join(app_url, index, data)
            if event == "error" and not (isinstance(message, str) and message):
                failures.append(f"{fn.api_name} ({index}), {name}: {message!r}")
    assert not failures, "\n".join(failures)
    assert "Traceback" not in capfd.readouterr().err


# ---- 2 and 5. one session, one training and one lesson; a flood fills only its own line -----------------------------

def test_a_second_lesson_from_the_same_session_waits_for_the_first_with_a_message(app_url):
    session = "one-student"
    first = httpx.post(f"{app_url}gradio_api/queue/join", timeout=30, json={
        "data": [15, -3, 256, 5000, "relu", False], "fn_index": _index("init_lesson"), "session_hash": session})
    assert first.status_code == 200
    second = join(app_url, _index("init_lesson"), [1, -3, 32, 500, "relu", False], session=session)
    assert refused(second, "already have a lesson waiting or running")
    httpx.post(f"{app_url}gradio_api/cancel", timeout=30, json={
        "session_hash": session, "fn_index": _index("init_lesson"), "event_id": first.json()["event_id"]})


def _index(api_name: str) -> int:
    return next(i for i, fn in app.demo.fns.items() if fn.api_name == api_name)


def _capped_app(gate: bool = False) -> tuple[gr.Blocks, str]:
    """A small app behind the app's queue checks (and its Gate, with `gate`): event 0 a two-second "lesson" (one at
    a time, in the lessons' pool), event 1 a quick one in the digits' pool; launched on a free port."""
    from starlette.middleware import Middleware

    from tests.helpers import free_port

    async def slow(x):
        await asyncio.sleep(2)
        return x

    with gr.Blocks() as demo:
        box, out = gr.Textbox(), gr.Textbox()
        box.submit(slow, box, out, api_name="slow", concurrency_id="lessons", concurrency_limit=1)
        box.change(lambda x: x, box, out, api_name="quick", concurrency_id="digits", concurrency_limit=2)
    demo.queue(max_size=guard.QUEUE_SIZE)
    guard.cap_queue(demo)
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True,
                app_kwargs={"middleware": [Middleware(guard.Gate)]} if gate else None)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.mark.slow
def test_a_flood_of_one_pool_fills_its_own_line_and_the_others_still_answer():
    """A small app with a slow lessons-like pool and a quick one, its lessons' line capped at 3: eight sessions
    flood the slow pool; the fifth and later are told the lessons are busy, and the quick pool still answers."""
    old = dict(guard.WAITING), dict(guard.PER_ADDRESS)
    guard.WAITING["lessons"], guard.PER_ADDRESS["lessons"] = 3, 3
    demo, url = _capped_app()
    try:
        def flood(i: int):
            time.sleep(0.5 if i == 1 else 0)  # the first one starts running before the rest arrive
            return httpx.post(f"{url}gradio_api/queue/join", timeout=10, json={
                "data": ["x"], "fn_index": 0, "session_hash": f"flood-{i}"})

        answers = [flood(i) for i in range(8)]
        statuses = [a.status_code for a in answers]
        assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {422}  # as the page shows a message
        assert "lessons are busy" in str(answers[-1].json()["detail"])
        started = time.monotonic()
        assert call(url, "quick", ["still here"]) == ("complete", ["still here"])
        assert time.monotonic() - started < 1.5
    finally:
        guard.WAITING.update(old[0])
        guard.PER_ADDRESS.update(old[1])
        demo.close()




@pytest.mark.slow
def test_the_download_folders_go_when_the_server_stops(tmp_path):
    """SIGTERM, as Docker or a Space stops the app: the retrained models' export folders do not outlive it."""
    script = textwrap.dedent("""
        import signal, time
        from ui.retrain.store import exports
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # as app.py does
        (exports() / "run-1").mkdir()
        (exports() / "run-1" / "model.safetensors").write_bytes(b"weights")
        print(exports(), flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "TMPDIR": str(tmp_path)})
    folder = Path(child.stdout.readline().strip())
    assert folder.is_relative_to(tmp_path) and (folder / "run-1" / "model.safetensors").exists()
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=30)
    assert not list(tmp_path.glob("playground-*"))


# ---- 3. descriptors -------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_retrained_models_kept_by_the_server_hold_no_file_descriptors():
    """Runs through a real training process, on examples passed in (no data set): the models kept afterwards, as the
    store keeps them for an hour, hold no shared-memory descriptors."""
    import torch

    from training.datasets import Split
    from ui.retrain.workers import StopRequests, WorkerPool

    def digits(n, seed):
        g = torch.Generator().manual_seed(seed)
        return Split((torch.randint(0, 256, (n, 1, 28, 28), generator=g, dtype=torch.uint8),),
                     torch.randint(0, 10, (n,), generator=g))

    examples = {"train": digits(96, 0), "val": digits(32, 1), "test": digits(40, 2)}, None
    settings = {"epochs": 1, "hidden_size": 16, "batch_size": 32, "subset": 96, "log_every": 2, "lr": 1e-3,
                "patience": 1}
    pool, stops, kept = WorkerPool(), StopRequests(), []

    def run_once():
        with stops.running("s") as stop:
            *_, last = pool.stream("dnn", settings, stop, data=examples)
        assert last.state == "done", last.message
        kept.append(last.result.model)

    run_once()  # the worker process and its channels are open from here on
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(4):
        run_once()
    assert len(os.listdir("/proc/self/fd")) - before <= 2, "each kept model holds descriptors"


# ---- 5. the class board: one student, one teacher -------------------------------------------------------------------

def _run(number: int, accuracy: float = 0.9):
    from ui.history import Run

    run = Run("dnn", "DNN", {"lr": 0.01, "epochs": 2}, 3.0, 2, accuracy - 0.01, accuracy)
    run.number = number
    return run


def test_one_student_posts_at_most_a_dozen_runs_and_the_teacher_is_marked_by_the_key(tmp_path):
    from ui.board import store
    from ui.board.store import Board, BoardError

    board = Board(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    code, key = board.create("7B", "lr", teacher="teacher-tab")
    for n in range(store.MAX_POSTS_EACH):
        board.post(code, "Ada", _run(n + 1), f"ada:{n + 1}", "ada-tab")
    with pytest.raises(BoardError, match="the most one student may"):
        board.post(code, "Ada", _run(99), "ada:99", "ada-tab")
    board.post(code, "Teacher", _run(1, 0.5), "bo:1", "bo-tab")  # a student who calls themself Teacher
    board.post(code, "Ms Kim", _run(1, 0.95), "teacher-tab:1", "teacher-tab")  # the session that made the class
    marked = {p.nickname: p.by_teacher for p in board.posts(code)[1]}
    assert marked["Ms Kim"] and not marked["Teacher"] and not marked["Ada"]
    board.close(code, key, teacher="laptop-tab")  # the key proves the teacher from another device too
    board.dispose()


def test_one_computer_creates_at_most_ten_classes_an_hour_and_others_still_can(tmp_path):
    from ui.board import store
    from ui.board.store import Board, BoardError

    board = Board(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    for _ in range(store.MAX_CLASSES_PER_HOUR):
        board.create("7B", "lr", client="10.0.0.7")
    with pytest.raises(BoardError, match="created 10 classes in the last hour"):
        board.create("7B", "lr", client="10.0.0.7")
    assert board.create("8A", "lr", client="10.0.0.8")[0]
    board.dispose()


def test_a_board_database_from_before_gets_the_new_columns_and_keeps_its_posts(tmp_path):
    import sqlalchemy as sa

    from ui.board.store import Board

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = sa.create_engine(url)
    with old.begin() as db:  # the schema as the first boards made it
        db.execute(sa.text("CREATE TABLE board_classes (code VARCHAR(8) PRIMARY KEY, teacher_key_sha256 VARCHAR(64) "
                           "NOT NULL, title VARCHAR(80) NOT NULL, study VARCHAR(20) NOT NULL, created FLOAT NOT NULL, "
                           "closed BOOLEAN NOT NULL)"))
        db.execute(sa.text("CREATE TABLE board_posts (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(8) NOT NULL, "
                           "nickname VARCHAR(24) NOT NULL, kind VARCHAR(40) NOT NULL, settings TEXT NOT NULL, "
                           "test_accuracy FLOAT NOT NULL, seconds FLOAT NOT NULL, run_key VARCHAR(64) NOT NULL, "
                           "posted FLOAT NOT NULL, UNIQUE (code, run_key))"))
        db.execute(sa.text("INSERT INTO board_classes VALUES ('ABCDEFGH', 'x', 'Old class', 'lr', 0, 0)"))
        db.execute(sa.text("INSERT INTO board_posts (code, nickname, kind, settings, test_accuracy, seconds, run_key, "
                           "posted) VALUES ('ABCDEFGH', 'Ada', 'dnn', '{}', 0.9, 3, 'k', 0)"))
    old.dispose()
    board = Board(url)
    info, posts = board.posts("ABCDEFGH")
    assert [p.nickname for p in posts] == ["Ada"] and not posts[0].by_teacher
    board.post("ABCDEFGH", "Bo", _run(1), "bo:1", "bo-tab")
    assert len(board.posts("ABCDEFGH")[1]) == 2
    board.dispose()


@pytest.mark.slow
def test_one_address_inventing_sessions_fills_only_its_share_of_a_line():
    """Sessions are the client's to invent: from one address at most PER_ADDRESS lessons wait, while a student at
    another address (X-Forwarded-For from a proxy on this machine, which uvicorn trusts) still gets in line."""
    old = dict(guard.PER_ADDRESS)
    guard.PER_ADDRESS["lessons"] = 2
    demo, url = _capped_app()

    def join_as(session: str, address: str) -> int:
        return httpx.post(f"{url}gradio_api/queue/join", timeout=10, headers={"x-forwarded-for": address},
                          json={"data": ["x"], "fn_index": 0, "session_hash": session}).status_code

    try:
        flood = [join_as("invented-0", "10.0.0.66")]
        time.sleep(0.5)  # it starts running before the rest arrive
        flood += [join_as(f"invented-{i}", "10.0.0.66") for i in range(1, 6)]
        assert flood[:3] == [200] * 3 and set(flood[3:]) == {422}  # one runs, two wait, the rest are refused
        assert join_as("a-student", "10.0.0.7") == 200
    finally:
        guard.PER_ADDRESS.update(old)
        demo.close()


def _join(url: str, session: str, forwarded: str = "10.0.0.66") -> httpx.Response:
    """The quick event of `_capped_app` joined by `session`, as a proxy on this machine forwards `forwarded`."""
    return httpx.post(f"{url}gradio_api/queue/join", timeout=10, headers={"x-forwarded-for": forwarded},
                      json={"data": ["x"], "fn_index": 1, "session_hash": session})


@pytest.mark.slow
def test_a_client_inventing_sessions_is_answered_at_the_door_and_known_sessions_still_pass(monkeypatch):
    """Issue #20's floods each invented a session per request: past NEW_SESSIONS (here three, none refilled) an
    address's new sessions are answered 429 before gradio reads them; its sessions let in before still pass, and so
    does another address's new one. The simple API makes a session per call, so it counts each call."""
    monkeypatch.setattr(guard, "NEW_SESSIONS", (3, 0.0))
    demo, url = _capped_app(gate=True)
    try:
        assert [_join(url, f"invented-{i}").status_code for i in range(3)] == [200] * 3
        refused = _join(url, "invented-3")
        assert refused.status_code == 429 and "Too many new connections" in refused.json()["detail"]
        assert _join(url, "invented-0").status_code == 200
        assert _join(url, "a-student", forwarded="10.0.0.7").status_code == 200
        assert [call(url, "quick", ["x"])[0] for _ in range(4)] == ["complete"] * 3 + ["refused"]  # 127.0.0.1's
    finally:
        demo.close()


@pytest.mark.slow
def test_a_forwarded_for_header_is_not_an_address_unless_a_trusted_proxy_sent_it(monkeypatch):
    """A client writes any address into X-Forwarded-For: from a peer uvicorn does not trust (FORWARDED_ALLOW_IPS
    names another machine here) the header is ignored, and three "addresses" are one, sharing one budget."""
    monkeypatch.setattr(guard, "NEW_SESSIONS", (2, 0.0))
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.9.9.9")
    demo, url = _capped_app(gate=True)
    try:
        codes = [_join(url, f"forged-{i}", forwarded=f"10.0.0.{i}").status_code for i in range(3)]
        assert codes == [200, 200, 429]
    finally:
        demo.close()
