"""The class board in Korean and in English (issue #13): its messages, refusals, table headers and plot follow the
language of the request; the values sent and stored stay the same, and nicknames stay text. A class's life on the
board runs once per language, with what that language must say in a table beside it."""
import json
import re
from types import SimpleNamespace

import gradio as gr
import pytest

from ui import i18n
from ui.board import layout as tab
from ui.board.store import Board, BoardError
from ui.history import Run, RunHistory

KO = {"accept-language": "ko-KR,ko;q=0.9"}


class FakeRequest:
    def __init__(self, session: str = "s1", **headers):
        self.headers, self.session_hash = headers, session


@pytest.fixture
def lab(tmp_path):
    made = SimpleNamespace(board=Board(f"sqlite:///{tmp_path / 'board.sqlite3'}"), history=RunHistory())
    yield made
    made.board.dispose()


def finished(accuracy: float, lr: float) -> Run:
    return Run("dnn", "DNN", {"lr": lr, "epochs": 2}, 3.0, 2, accuracy - 0.01, accuracy)


def texts(figure) -> dict:
    shown = json.loads(figure.to_json())
    return {"title": shown["layout"]["title"]["text"], "x": shown["layout"]["xaxis"]["title"]["text"],
            "y": shown["layout"]["yaxis"]["title"]["text"], "names": [t["name"] for t in shown["data"]],
            "labels": [label for t in shown["data"] for label in t.get("text") or []]}


BOARD = {  # one class's life on the board, by the language of its teacher's and students' requests: what they send
    # (the headers, the setting studied, a finished run's accuracy and learning rate, a nickname), then what they read
    "ko": dict(
        headers=KO, study="lr", run=(0.97, 0.003), nickname="<b>Ada</b>",
        created=["반을 만들었어요", "학습률", "{code}"], title="우리 반",
        no_run="먼저 3번 탭에서", no_such_run="7번이 없어요", no_nickname="닉네임은",
        posted=["1번 게시물로 올렸어요", "테스트 97.0%"], again="이미 게시판에",
        note=["**우리 반**", "게시물 1개", "탐구 설정: *학습률*", r"&lt;b&gt;Ada&lt;/b&gt;의 **97.00%**"],
        columns=["번호", "닉네임", "모델", "설정값", "테스트 정확도", "시간(초)", "전체 설정", "올린 시각 (UTC)"],
        row=["<b>Ada</b>", "dnn", "0.003"], settings="학습률=0.003",
        figure={"title": "학습률에 따른 테스트 정확도", "x": "학습률", "y": "테스트 정확도",
                "names": ["DNN", "반 평균"], "labels": ["&lt;b&gt;Ada&lt;/b&gt;"]},
        wrong_key="교사 키가 아니에요", no_number="게시물 번호를", no_post="5번 게시물이 없어요",
        deleted="1번 게시물을 지웠어요.",
        closed="게시판을 마감했어요. 올라온 게시물은 그대로 남고, 새 게시물은 더 받지 않아요.",
        closed_note="마감됨", closed_post="새 결과를 올릴 수 없어요",
        by_cookie=FakeRequest(cookie=f"{i18n.COOKIE}=ko"), no_class="이 코드로 만든 반이 없어요",
        bad_sort="정렬 기준은"),
    "en": dict(
        headers={}, study="epochs", run=(0.9, 0.01), nickname="Bo",
        created=["Class **{code}** created (studying *epochs*)"], title="Our class",
        no_run="Finish a training run", no_such_run="no finished run number 7", no_nickname="A nickname is",
        posted=["Posted as post 1", "test 90.0%"], again="on the board already",
        note=["**Our class**", "1 post(s) · studying *epochs*", "best so far: **90.00%** by Bo (2)"],
        columns=["post", "nickname", "model", "setting", "test accuracy", "seconds", "settings", "posted (UTC)"],
        row=["Bo", "dnn", "2"], settings="lr=0.01",
        figure={"title": "test accuracy against epochs", "x": "epochs", "y": "test accuracy",
                "names": ["DNN", "class mean"], "labels": ["Bo"]},
        wrong_key="That teacher key does not belong", no_number="post must be a whole number", no_post="no post 5",
        deleted="Post 1 deleted.", closed="Board closed: it keeps its posts and takes no new ones.",
        closed_note="closed", closed_post="it no longer takes posts",
        by_cookie=None, no_class="There is no class with that code",
        bad_sort="sort must be one of"),  # ui/inputs.py's English, unchanged
}


@pytest.mark.parametrize("language", list(BOARD))
def test_a_teacher_and_students_get_the_board_in_their_language(lab, language):
    said = BOARD[language]
    handlers = tab.make_handlers(lab)

    def refused(message: str):
        return pytest.raises(gr.Error, match=re.escape(message))

    teacher, student = FakeRequest("teacher", **said["headers"]), FakeRequest("ada", **said["headers"])
    created, code, key = handlers["board_create"]("", said["study"], teacher)
    assert all(part.format(code=code) in created for part in said["created"]), created
    assert key not in created  # the key goes to its masked box only: the page's text is often on a projector
    assert lab.board.posts(code)[0].title == said["title"]  # stored as the teacher read it
    with refused(said["no_run"]):
        handlers["board_post"](code, "Ada", None, student)
    lab.history.add("ada", finished(*said["run"]))
    with refused(said["no_such_run"]):
        handlers["board_post"](code, "Ada", 7, student)
    with refused(said["no_nickname"]):
        handlers["board_post"](code, "", None, student)
    posted = handlers["board_post"](code, said["nickname"], None, student)
    assert posted.startswith(said["posted"][0]) and said["posted"][1] in posted, posted
    with refused(said["again"]):
        handlers["board_post"](code, "Ada", 1, student)

    note, table, figure = handlers["board_show"](code, "test accuracy", "all models", student)
    assert all(part in note for part in said["note"]), note  # a nickname as text, in the language's sentence
    assert table["headers"] == said["columns"]
    assert table["data"][0][1:4] == said["row"]  # values as stored
    assert said["settings"] in table["data"][0][6]
    assert texts(figure) == said["figure"]

    with refused(said["wrong_key"]):
        handlers["board_delete"](code, "wrong", 1, teacher)
    with refused(said["no_number"]):
        handlers["board_delete"](code, key, None, teacher)
    with refused(said["no_post"]):
        handlers["board_delete"](code, key, 5, teacher)
    assert handlers["board_delete"](code, key, 1, teacher) == said["deleted"]
    assert handlers["board_close"](code, key, teacher) == said["closed"]
    assert said["closed_note"] in handlers["board_show"](code, "newest", "dnn", teacher)[0]
    with refused(said["closed_post"]):
        handlers["board_post"](code, "Ada", 1, student)
    with refused(said["no_class"]):
        handlers["board_show"]("ZZZZZZZZ", "newest", "all models", said["by_cookie"])
    with refused(said["bad_sort"]):
        handlers["board_show"](code, "best", "all models", said["by_cookie"])


def test_the_store_s_refusals_are_english_and_say_themselves_in_korean(tmp_path):
    store = Board(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    with pytest.raises(BoardError) as refused:
        store.posts("ABC")
    assert str(refused.value) == "A class code is 8 letters and digits."
    assert refused.value.say("ko") == "반 코드는 영문자와 숫자 8자예요."
    with pytest.raises(BoardError, match="setting studied"):
        store.create("class", "colour")
    store.dispose()


@pytest.mark.parametrize("language", list(BOARD))
def test_an_empty_board_s_headers_follow_the_browser_and_a_shown_board_stays(lab, language):
    runs_to_post, asked = tab.make_handlers(lab)["runs_to_post"], FakeRequest(**BOARD[language]["headers"])
    lab.history.add("s1", finished(0.9, 0.01))
    run, table = runs_to_post({"headers": tab.COLUMNS, "data": [[""] * 8]}, asked)
    assert table["headers"] == BOARD[language]["columns"]
    assert run["choices"] == [({"ko": "#1 DNN (완전 연결 신경망): 학습률=0.01, 에포크=2, 테스트 90.0%",
                                "en": "#1 DNN (fully connected): lr=0.01, epochs=2, test 90.0%"}[language], 1)]
    _, kept = runs_to_post({"headers": tab.COLUMNS, "data": [[1, "Ada", "dnn"]]}, asked)
    assert kept == gr.update()  # a board on screen is left as it is
    assert runs_to_post(None, None)[1]["headers"] == BOARD["en"]["columns"]  # no request: English, as before


def test_the_tab_is_built_with_translated_text_only_and_api_values_unchanged(lab):
    with gr.Blocks() as demo:
        tab.build(lab, gr.State())
    config = json.loads(json.dumps(demo.get_config_file(), default=str))
    dropdowns = {c["props"].get("label"): c["props"]["choices"] for c in config["components"]
                 if c["type"] == "dropdown" and c["props"].get("choices")}
    values = {json.loads(label.removeprefix("__i18n__"))["key"]: [v for _, v in choices]
              for label, choices in dropdowns.items()}
    assert values["board-tab.sort"] == ["test accuracy", "newest", "nickname", "setting"]
    assert values["board-tab.models"][0] == "all models" and "dnn" in values["board-tab.models"]
    assert values["board-tab.study"][0] == "lr"
    assert all("__i18n__" in name for choices in dropdowns.values() for name, _ in choices)
    # what a page in each language shows: the tab's numbered title, and the study choice of the value "lr"
    board = next(block for block in demo.blocks.values() if isinstance(block, gr.Tab))
    study = next(block for block in demo.blocks.values()
                 if isinstance(block, gr.Dropdown) and block.label.key == "board-tab.study")
    lr = next(name for name, value in study.choices if value == "lr")
    shown = {code: (i18n.translated(board.label, code), i18n.translated(lr, code)) for code in ("en", "ko")}
    assert shown == {"en": ("5 · Class board", "learning rate"), "ko": ("5 · 학급 게시판", "학습률")}


def test_through_the_api_a_korean_client_gets_korean_and_others_english(app_url):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    korean, english = Client(app_url, verbose=False, headers={"Accept-Language": "ko"}), Client(app_url, verbose=False)
    created, code, _ = korean.predict("3반", "dropout", api_name="/board_create")
    assert "반을 만들었어요" in created and "드롭아웃" in created
    note, table, _ = korean.predict(code, "newest", "all models", api_name="/board_show")
    assert "게시물 0개" in note and table["headers"][:2] == ["번호", "닉네임"]
    note, table, _ = english.predict(code, "newest", "all models", api_name="/board_show")
    assert "0 post(s) · studying *dropout*" in note and table["headers"][:2] == ["post", "nickname"]
    with pytest.raises(AppError, match="먼저 3번 탭에서"):
        korean.predict(code, "Ada", None, api_name="/board_post")
    with pytest.raises(AppError, match="Finish a training run"):
        english.predict(code, "Ada", None, api_name="/board_post")
