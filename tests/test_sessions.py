"""A session that survives a reload (ui/sessions.py) and the locks the server holds for it (ui/links.py): ids only the
server issues, bounded, and a teacher link's locked values that /train refuses to change, from the page or the API."""
from types import SimpleNamespace

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from tests.helpers import handlers
from ui import links, sessions
from ui.board.store import Board
from ui.history import Run
from ui.retrain import runs
from ui.sessions import Sessions
from ui.state import session_of


def page(hash_, query=None):
    return SimpleNamespace(headers={}, session_hash=hash_, query_params=query or {})


def test_a_reloaded_page_resumes_its_id_and_with_it_the_history(tmp_path):
    state = handlers(board=Board(f"sqlite:///{tmp_path / 'b.sqlite3'}")).state
    first = sessions.SESSIONS.resume(None, "page-1")
    state.history.add(session_of(page("page-1")), Run("dnn", "DNN", {"epochs": 1}, 1.0, test_accuracy=0.9))
    again = sessions.SESSIONS.resume(first, "page-2")  # the reload: a new session hash, the id the browser kept
    assert again == first and session_of(page("page-2")) == first
    assert [r.test_accuracy for r in state.history.runs(session_of(page("page-2")))] == [0.9]


def test_a_client_cannot_claim_an_id_it_was_not_given():
    store = Sessions()
    issued = store.resume(None, "mine")
    assert len(issued) >= 40 and store.resume("made-up", "theirs") != "made-up"  # an unknown id gets a new one
    assert store.of("theirs") != issued
    assert store.of(issued) is None  # a session hash equal to an issued id answers as nobody
    assert store.of("an-api-client") == "an-api-client"  # a page that resumed nothing answers as itself


def test_ids_are_bounded_in_number_and_forgotten_when_idle(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(sessions.time, "monotonic", lambda: now[0])
    store = Sessions(idle=3600, max_ids=3, max_pages=4)
    ids = [store.resume(None, f"p{n}") for n in range(5)]
    assert len(store) == 3 and store.resume(ids[0], "again") != ids[0]  # the oldest went first
    now[0] += 3601
    assert store.of("p4") == "p4" and store.resume(ids[4], "p5") != ids[4]  # idle past the hour and more: gone


def test_a_signed_link_replaces_the_locks_and_an_edited_one_changes_none():
    store = Sessions()
    me = store.resume(None, "p")
    assert store.lock(me, {"epochs": 2}, signed=False) == {"epochs": 2}
    assert store.lock(me, {"epochs": 30, "init": "zeros"}, signed=False) == {"epochs": 2, "init": "zeros"}
    assert store.lock(me, {}, signed=False) == {"epochs": 2, "init": "zeros"}  # dropping `lock` frees nothing
    assert store.lock(me, {"lr": -2.0}, signed=True) == {"lr": -2.0}  # the teacher's next worksheet


def test_the_copy_button_signs_its_link_and_an_edit_breaks_the_signature():
    secret = b"k" * 32
    query = links.sign(links.settings_query("dnn", -2.5, 2.0, 2.0, 128.0, 500.0, 64.0, 0.3, "zeros", False,
                                            locked=["epochs", "init"]), secret)
    params = dict(pair.split("=") for pair in query[1:].split("&"))
    opened = links.parse(params, secret)
    assert opened.signed and opened.locked == ["epochs", "init"] and links.locked_values(opened) == {
        "epochs": 2, "init": "zeros"}
    assert not links.parse(params | {"epochs": "30"}, secret).signed
    assert not links.parse(params, b"x" * 32).signed and not links.parse(params).signed


def test_a_page_keeps_its_locks_after_the_address_bar_drops_them(tmp_path):
    state = handlers(board=Board(f"sqlite:///{tmp_path / 'b.sqlite3'}")).state
    me = state.sessions.resume(None, "first")
    runs.open_link(page("first", {"model": "dnn", "epochs": "2", "lock": "model,epochs"}), state)
    state.sessions.resume(me, "edited")
    outputs = runs.open_link(page("edited", {"epochs": "30"}), state)
    epochs = outputs[1 + links.controls().index("epochs")]
    assert epochs["value"] == 2 and epochs["interactive"] is False and "epochs" in outputs[-1]["value"]


@pytest.mark.slow
def test_train_through_the_api_refuses_a_locked_value(app_url):
    import app

    resume = next(i for i, fn in app.demo.fns.items() if fn.name == "resume")
    opened = next(i for i, fn in app.demo.fns.items() if fn.name == "opened")
    with httpx.Client(base_url=app_url, timeout=30) as http:  # what the page does when it opens a teacher's link
        for index, data in ((resume, [None]), (opened, [])):
            http.post("gradio_api/run/predict?tab=retrain&model=dnn&epochs=2&lock=model,epochs",
                      json={"fn_index": index, "data": data, "session_hash": "locked-page"}).raise_for_status()
    client = Client(app_url, verbose=False)
    client.session_hash = "locked-page"  # the same page's session, now driven through the API
    values = dict(kind="dnn", log_lr=-2.5, epochs=30, patience=2, batch_size=128, hidden=64, dropout=0.3,
                  init="default", bidirectional=False, subset=500)
    with pytest.raises(AppError, match="Your teacher locked epochs at 2: this run asked for 30"):
        client.predict(**values, api_name="/train")
    with pytest.raises(AppError, match="Your teacher locked model at dnn: this run asked for cnn"):
        client.predict(**values | {"kind": "cnn", "epochs": 2}, api_name="/train")


def test_only_a_teacher_of_the_class_gets_a_signed_link(tmp_path):
    state = handlers(board=Board(f"sqlite:///{tmp_path / 'b.sqlite3'}")).state
    teacher = state.sessions.resume(None, "t")
    state.sessions.resume(None, "s")
    code, _ = state.board.create("9A", "lr", teacher=teacher)
    values = ["dnn", -2.5, 2.0, 2.0, 128.0, 500.0, 64.0, 0.3, "zeros", False]
    signed = runs.teacher_link(state, values, ["epochs"], code, page("t"))
    assert f"lock=epochs&code={code}&sig=" in signed
    params = dict(pair.split("=") for pair in signed[1:].split("&"))
    assert links.parse(params, state.board.secret(links.SECRET)).signed
    for who, class_code in (("s", code), ("t", ""), ("t", "NOTACODE")):  # a student, or no class named
        assert "sig=" not in runs.teacher_link(state, values, ["epochs"], class_code, page(who))
