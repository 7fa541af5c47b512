"""The class board: its store on SQLite and PostgreSQL, and the app's API with students in two classes.

The PostgreSQL server is started by the test from the machine's own binaries
(Debian's `postgresql` package, which .ci/run installs); without them these
tests skip, or fail where DATABASE_TESTS=required (CI).
"""
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from ui.board import store
from ui.board.store import Board, BoardError
from ui.history import Run, RunHistory


def postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of its own in a temporary folder, on a free port; its URL."""
    from tests.helpers import free_port

    folder = postgres_bin()
    if folder is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("DATABASE_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    data = Path(tempfile.mkdtemp(prefix="board-pg-"))
    as_user = []
    if os.geteuid() == 0:  # postgres refuses to run as root: run it as Debian's postgres user
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, str(folder / "initdb"), "-D", str(data / "db"), "-U", "board", "--auth=trust",
                    "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, str(folder / "pg_ctl"), "-D", str(data / "db"), "-w", "-l", str(data / "log"),
                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://board@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(folder / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])  # a server of its own
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def finished(accuracy: float, lr: float, kind: str = "dnn") -> Run:
    return Run(kind, kind.upper(), {"lr": lr, "epochs": 2}, 3.0, 2, accuracy - 0.01, accuracy, number=1)


# ---- the store -------------------------------------------------------------------------------------------------------


def test_a_board_keeps_its_posts_per_class_and_only_the_teacher_deletes_and_closes(database_url):
    board = Board(database_url)
    code, key = board.create("7B physics", "lr")
    other, other_key = board.create("7C", "epochs")
    first = board.post(code, "Ada", finished(0.97, 0.003), "session-a:1")
    board.post(code, "Bo", finished(0.91, 0.1), "session-b:1")
    board.post(other, "Cy", finished(0.5, 0.01), "session-c:1")
    info, posts = board.posts(code)
    assert info.title == "7B physics" and info.study == "lr"
    assert {p.nickname for p in posts} == {"Ada", "Bo"} and {p.test_accuracy for p in posts} == {0.97, 0.91}
    assert [p.nickname for p in board.posts(other)[1]] == ["Cy"]
    with pytest.raises(BoardError, match="already"):
        board.post(code, "Ada again", finished(0.97, 0.003), "session-a:1")
    with pytest.raises(BoardError, match="teacher key"):
        board.delete(code, other_key, first)  # another class's key
    with pytest.raises(BoardError, match="no post"):
        board.delete(other, other_key, first)  # a post of another class, through one's own class
    board.delete(code, key, first)
    assert [p.nickname for p in board.posts(code)[1]] == ["Bo"]
    with pytest.raises(BoardError, match="teacher key"):
        board.close(code, "not-the-key")
    board.close(code, key)
    with pytest.raises(BoardError, match="closed"):
        board.post(code, "Di", finished(0.9, 0.01), "session-d:1")
    assert board.posts(code)[0].closed and len(board.posts(code)[1]) == 1  # a closed board is still shown
    board.dispose()
    again = Board(database_url)  # as after a restart: a new engine on the same database
    assert [p.nickname for p in again.posts(code)[1]] == ["Bo"] and again.posts(code)[0].closed
    again.dispose()


@pytest.mark.parametrize("nickname", ["", " ", "x" * 25, "tab\tin\x00side", "\u200b"])
def test_nicknames_must_be_short_plain_text(tmp_path, nickname):
    board = Board(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    code, _ = board.create("class", "lr")
    with pytest.raises(BoardError, match="nickname"):
        board.post(code, nickname, finished(0.9, 0.01), "s:1")


@pytest.mark.parametrize("code", ["", "ABC", "abcdefgh!", "OOOOOOOO", None, 12345678])
def test_malformed_class_codes_are_refused_before_any_query(tmp_path, code):
    with pytest.raises(BoardError, match="class code"):
        Board(f"sqlite:///{tmp_path / 'board.sqlite3'}").posts(code)


# ---- through the app's API -------------------------------------------------------------------------------------------

TRAIN = dict(kind="dnn", log_lr=-2.5, epochs=1, patience=1, batch_size=64, hidden=32, dropout=0.0, init="default",
             bidirectional=True, subset=500)


@contextlib.contextmanager
def serving(url: str):
    """The app with its boards in the database at `url`, on a free port (sharing the test app's training workers)."""
    import app
    from tests.helpers import free_port
    from ui.state import AppState

    state = AppState(app.SHIPPED, app.LOAD_ERRORS, app.STATE.workers, app.STATE.stops, app.STATE.retrained,
                     RunHistory(), Board(url))
    demo = app.build(state)
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        state.board.dispose()


def student(url: str) -> Client:
    client = Client(url, verbose=False)
    status, *_ = client.predict(*TRAIN.values(), api_name="/train")
    assert "Done" in status, status
    return client


@pytest.mark.slow
@pytest.mark.data
def test_students_post_their_own_runs_to_their_class_only_and_the_board_survives_a_restart(database_url):
    with serving(database_url) as url:
        teacher = Client(url, verbose=False)
        _, code, key = teacher.predict("7B", "lr", api_name="/board_create")
        _, other, other_key = teacher.predict("7C", "lr", api_name="/board_create")
        ada, bo, cy = student(url), student(url), student(url)
        table = ada.predict(api_name="/runs")
        assert len(table["data"]) == 1 and table["data"][0][1] == "DNN (fully connected)" \
            and table["data"][0][5].endswith("%")
        with pytest.raises(AppError, match="no finished run number 7"):
            ada.predict(code, "Ada", 7, api_name="/board_post")  # a run this browser never finished
        with pytest.raises(AppError, match="Finish a training run"):
            teacher.predict(code, "Teach", None, api_name="/board_post")  # no run at all in this session
        assert "Posted as post" in ada.predict(code, "Ada", 1, api_name="/board_post")
        assert "Posted as post" in bo.predict(code, "<b>Bo</b>", None, api_name="/board_post")
        assert "Posted as post" in cy.predict(other, "Cy", None, api_name="/board_post")
        with pytest.raises(AppError, match="already"):
            ada.predict(code, "Ada", 1, api_name="/board_post")
        note, board, figure = bo.predict(code, "test accuracy", "all models", api_name="/board_show")
        assert "2 post(s)" in note and "best so far" in note
        assert sorted(row[1] for row in board["data"]) == ["<b>Bo</b>", "Ada"]  # plain text, as typed
        mine = ada.predict(api_name="/runs")["data"][0]
        assert any(row[4] == mine[5] for row in board["data"])  # the accuracy the server measured, not a client's
        labels = [t for trace in json.loads(figure["plot"])["data"] for t in trace.get("text") or []]
        assert sorted(labels) == ["&lt;b&gt;Bo&lt;/b&gt;", "Ada"]  # escaped: plotly reads some tags in labels
        note, board, _ = cy.predict(other, "newest", "all models", api_name="/board_show")
        assert [row[1] for row in board["data"]] == ["Cy"]
        post_of_ada = next(row[0] for row in ada.predict(code, "nickname", "dnn", api_name="/board_show")[1]["data"]
                           if row[1] == "Ada")
        with pytest.raises(AppError, match="teacher key"):
            cy.predict(code, other_key, post_of_ada, api_name="/board_delete")  # class 2's key, class 1's board
        with pytest.raises(AppError, match="no post"):
            cy.predict(other, other_key, post_of_ada, api_name="/board_delete")  # class 1's post via class 2
        assert "deleted" in teacher.predict(code, key, post_of_ada, api_name="/board_delete")
        assert "closed" in teacher.predict(code, key, api_name="/board_close")
        with pytest.raises(AppError, match="closed"):
            ada.predict(code, "Ada", 1, api_name="/board_post")
        with pytest.raises(AppError, match="no class"):
            ada.predict("ZZZZZZZZ", "test accuracy", "all models", api_name="/board_show")
    with serving(database_url) as url:  # a restart: new process state, the same database
        note, board, _ = Client(url, verbose=False).predict(code, "test accuracy", "all models",
                                                            api_name="/board_show")
        assert [row[1] for row in board["data"]] == ["<b>Bo</b>"] and "closed" in note


def test_a_nickname_in_the_boards_note_is_text_not_markdown_or_html():
    from ui.board.layout import plain

    assert plain("![x](http://e/y.png)") == r"\!\[x\]\(http://e/y\.png\)"
    assert plain("<b>Bo</b> **x**") == r"&lt;b&gt;Bo&lt;/b&gt; \*\*x\*\*"


def test_a_board_refreshed_by_many_is_drawn_once_a_moment_and_a_change_made_here_shows_at_once(tmp_path):
    from types import SimpleNamespace

    from ui.board.layout import make_handlers

    lab = SimpleNamespace(board=Board(f"sqlite:///{tmp_path / 'board.sqlite3'}"), history=RunHistory())
    handlers = make_handlers(lab)
    show = handlers["board_show"]
    code, key = lab.board.create("7B", "lr")
    lab.board.post(code, "Ada", finished(0.9, 0.01), "a:1")
    first = show(code, "test accuracy", "all models")
    assert show(code.lower(), "test accuracy", "all models") is first  # the same board: not drawn again
    assert show(code, "newest", "all models") is not first  # another view of it is drawn
    lab.board.post(code, "Bo", finished(0.8, 0.1), "b:1")  # as another replica of the app would
    assert "1 post(s)" in show(code, "test accuracy", "all models")[0]  # shown within the cache's few seconds
    handlers["board_close"](code, key)  # a change made here: the next refresh shows it, and the other post
    note, table, _ = show(code, "test accuracy", "all models")
    assert "closed" in note and "2 post(s)" in note


def test_the_board_plot_writes_each_learning_rate_once_and_accuracies_that_differ(tmp_path):
    from types import SimpleNamespace

    from ui.board.layout import make_handlers

    lab = SimpleNamespace(board=Board(f"sqlite:///{tmp_path / 'board.sqlite3'}"), history=RunHistory())
    code, _ = lab.board.create("7B", "lr")
    for number, (accuracy, lr) in enumerate([(0.792, 0.003), (0.80, 0.01), (0.806, 0.03)]):
        lab.board.post(code, f"s{number}", finished(accuracy, lr), f"s{number}:1")
    figure = make_handlers(lab)["board_show"](code, "test accuracy", "all models")[2]
    assert figure.layout.xaxis.type == "log"
    assert list(figure.layout.xaxis.tickvals) == [0.003, 0.01, 0.03]
    assert list(figure.layout.xaxis.ticktext) == ["0.003", "0.01", "0.03"]
    ticks = [format(0.79 + step * 0.005, figure.layout.yaxis.tickformat) for step in range(4)]
    assert len(set(ticks)) == len(ticks), ticks  # whole percents wrote 79%, 80%, 80%, 81%


def test_an_unknown_class_code_clears_the_board_on_screen():
    """board_show refuses the code (a notice); the page's next step empties the note, table and plot, which would
    otherwise keep the last class's board beside the new code."""
    import app

    config = app.demo.config
    ids = {block["id"]: block.get("props", {}).get("elem_id") for block in config["components"]}
    show = next(d for d in config["dependencies"] if d.get("api_name") == "board_show")
    after = [d for d in config["dependencies"] if d.get("trigger_after") == show["id"]
             and d.get("trigger_only_on_failure")]
    assert len(after) == 1 and [ids[i] for i in after[0]["outputs"]] == ["board-note", "board-table", "board-plot"]
    cleared = app.demo.fns[after[0]["id"]].fn()
    assert cleared[0] == "" and cleared[1]["data"] == [["", "", "", "", "", "", "", ""]] and cleared[2] is None


# ---- the teacher's tools ---------------------------------------------------------------------------------------------


def test_a_lost_key_is_replaced_with_the_teacher_password_and_the_old_one_stops_working(database_url):
    board = Board(database_url)
    code, key = board.create("8A", "lr", password="correct horse")
    bare, _ = board.create("8B", "lr")
    with pytest.raises(BoardError, match="teacher password does not belong"):
        board.new_key(code, "wrong horse")
    with pytest.raises(BoardError, match="without a teacher password"):
        board.new_key(bare, "correct horse")
    with pytest.raises(BoardError, match="8 to 128 characters"):
        board.create("8C", "lr", password="short")
    assert not board.is_teacher(code, "another-device")
    fresh = board.new_key(code, "correct horse", teacher="another-device")
    assert board.is_teacher(code, "another-device")  # who may sign links for the class (ui/retrain/runs.py)
    with pytest.raises(BoardError, match="teacher key"):
        board.close(code, key)
    board.close(code, fresh)
    assert board.info(code).closed


def test_password_tries_are_limited_per_address(tmp_path):
    board = Board(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    code, _ = board.create("8A", "lr", password="correct horse")
    for _ in range(store.MAX_RECOVERIES):
        with pytest.raises(BoardError, match="does not belong"):
            board.new_key(code, "guess guess", client="10.0.0.9")
    with pytest.raises(BoardError, match="tried 10 teacher passwords"):
        board.new_key(code, "correct horse", client="10.0.0.9")
    assert board.new_key(code, "correct horse", client="10.0.0.10")


def test_the_teacher_sees_who_posted_exports_csv_and_gets_a_qr_code(tmp_path):
    from types import SimpleNamespace

    from ui.board import layout

    lab = SimpleNamespace(board=Board(f"sqlite:///{tmp_path / 'b.sqlite3'}"), history=RunHistory())
    handlers = layout.make_handlers(lab)
    request = SimpleNamespace(headers={"host": "school:7860"}, session_hash="teacher")
    _, code, _ = handlers["board_create"]("8A", "lr", request)
    for n, nickname in enumerate(["Ada", "=HYPERLINK(1)", "Ada"]):
        lab.history.add(nickname + str(n), finished(0.9 + n / 100, 0.01))
        handlers["board_post"](code, nickname, None, SimpleNamespace(headers={}, session_hash=nickname + str(n)))
    note, table, _ = handlers["board_show"](code, "newest", "all models", request)
    assert "Posted so far (2):** Ada, =HYPERLINK\\(1\\)" in note
    rows = Path(handlers["board_csv"](code, request)).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("post,nickname,by_teacher,model,lr,test_accuracy") and len(rows) == 4
    assert rows[2].split(",")[1] == "'=HYPERLINK(1)"  # a spreadsheet shows it as text, never runs it
    qr = handlers["board_qr"](code, request)
    assert qr.count("data:image/svg+xml") == 1 and f"http://school:7860/?tab=board&amp;code={code}" in qr
    seen = handlers["board_refresh"](code, "newest", "all models", None, request)[-1]
    assert all(part == {"__type__": "update"} for part in
               handlers["board_refresh"](code, "newest", "all models", seen, request)[:3])  # nothing new: no resend
