"""The class board in Korean and in English (issue #13): its messages, refusals, table headers and plot follow the
language of the request; the values sent and stored stay the same, and nicknames stay text."""
import json
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


def test_a_korean_teacher_and_students_get_the_board_in_korean(lab):
    handlers = tab.make_handlers(lab)
    created, code, key = handlers["board_create"]("", "lr", FakeRequest(**KO))
    assert "반을 만들었어요" in created and "학습률" in created and code in created and key in created
    student = FakeRequest("ada", **KO)
    with pytest.raises(gr.Error, match="먼저 3번 탭에서"):
        handlers["board_post"](code, "Ada", None, student)
    lab.history.add("ada", finished(0.97, 0.003))
    with pytest.raises(gr.Error, match="7번이 없어요"):
        handlers["board_post"](code, "Ada", 7, student)
    with pytest.raises(gr.Error, match="닉네임은"):
        handlers["board_post"](code, "", None, student)
    posted = handlers["board_post"](code, "<b>Ada</b>", None, student)
    assert posted.startswith("1번 게시물로 올렸어요") and "테스트 97.0%" in posted, posted
    with pytest.raises(gr.Error, match="이미 게시판에"):
        handlers["board_post"](code, "Ada", 1, student)

    note, table, figure = handlers["board_show"](code, "test accuracy", "all models", student)
    assert "**우리 반**" in note and "게시물 1개" in note and "탐구 설정: *학습률*" in note
    assert r"&lt;b&gt;Ada&lt;/b&gt;의 **97.00%**" in note  # the nickname as text, in the Korean sentence
    assert table["headers"] == ["번호", "닉네임", "모델", "설정값", "테스트 정확도", "시간(초)", "전체 설정",
                                "올린 시각 (UTC)"]
    assert table["data"][0][1:4] == ["<b>Ada</b>", "dnn", "0.003"]  # values as stored
    assert "학습률=0.003" in table["data"][0][6]
    shown = texts(figure)
    assert shown["title"] == "학습률에 따른 테스트 정확도" and shown["x"] == "학습률" and shown["y"] == "테스트 정확도"
    assert shown["names"] == ["DNN", "반 평균"] and shown["labels"] == ["&lt;b&gt;Ada&lt;/b&gt;"]

    with pytest.raises(gr.Error, match="교사 키가 아니에요"):
        handlers["board_delete"](code, "wrong", 1, FakeRequest(**KO))
    with pytest.raises(gr.Error, match="게시물 번호를"):
        handlers["board_delete"](code, key, None, FakeRequest(**KO))
    with pytest.raises(gr.Error, match="5번 게시물이 없어요"):
        handlers["board_delete"](code, key, 5, FakeRequest(**KO))
    assert handlers["board_delete"](code, key, 1, FakeRequest(**KO)) == "1번 게시물을 지웠어요."
    assert "마감했어요" in handlers["board_close"](code, key, FakeRequest(**KO))
    assert "마감됨" in handlers["board_show"](code, "newest", "dnn", FakeRequest(**KO))[0]
    with pytest.raises(gr.Error, match="새 결과를 올릴 수 없어요"):
        handlers["board_post"](code, "Ada", 1, student)
    with pytest.raises(gr.Error, match="이 코드로 만든 반이 없어요"):
        handlers["board_show"]("ZZZZZZZZ", "newest", "all models", FakeRequest(cookie=f"{i18n.COOKIE}=ko"))
    with pytest.raises(gr.Error, match="정렬 기준은"):
        handlers["board_show"](code, "best", "all models", FakeRequest(**KO))


def test_without_a_language_the_board_answers_in_english_as_before(lab):
    handlers = tab.make_handlers(lab)
    created, code, key = handlers["board_create"]("", "epochs", None)
    assert created.startswith(f"Class **{code}** created (studying *epochs*)")
    assert lab.board.posts(code)[0].title == "Our class"
    with pytest.raises(gr.Error, match="Finish a training run"):
        handlers["board_post"](code, "Bo", None, FakeRequest("bo"))
    lab.history.add("bo", finished(0.9, 0.01))
    assert handlers["board_post"](code, "Bo", None, FakeRequest("bo")).startswith("Posted as post")
    note, table, figure = handlers["board_show"](code, "nickname", "all models", FakeRequest("bo"))
    assert "1 post(s) · studying *epochs*" in note and "best so far: **90.00%** by Bo (2)" in note
    assert table["headers"] == tab.COLUMNS[:] and tab.COLUMNS[0] == "post" and tab.COLUMNS[-1] == "posted (UTC)"
    assert "lr=0.01" in table["data"][0][6]
    shown = texts(figure)
    assert shown["title"] == "test accuracy against epochs" and shown["names"] == ["DNN", "class mean"]
    with pytest.raises(gr.Error, match="sort must be one of"):  # ui/inputs.py's English, unchanged
        handlers["board_show"](code, "best", "all models", None)
    assert handlers["board_close"](code, key, None) == "Board closed: it keeps its posts and takes no new ones."


def test_the_store_s_refusals_are_english_and_say_themselves_in_korean(tmp_path):
    store = Board(f"sqlite:///{tmp_path / 'board.sqlite3'}")
    with pytest.raises(BoardError) as refused:
        store.posts("ABC")
    assert str(refused.value) == "A class code is 8 letters and digits."
    assert refused.value.say("ko") == "반 코드는 영문자와 숫자 8자예요."
    with pytest.raises(BoardError, match="setting studied"):
        store.create("class", "colour")
    store.dispose()


def test_an_empty_board_s_headers_follow_the_browser_and_a_shown_board_stays(lab):
    runs_to_post = tab.make_handlers(lab)["runs_to_post"]
    lab.history.add("s1", finished(0.9, 0.01))
    run, table = runs_to_post({"headers": tab.COLUMNS, "data": [[""] * 8]}, FakeRequest(**KO))
    assert table["headers"][0] == "번호" and run["choices"] == [("#1 DNN (완전 연결 신경망): 학습률=0.01, 에포크=2, "
                                                                  "테스트 90.0%", 1)]
    _, kept = runs_to_post({"headers": tab.COLUMNS, "data": [[1, "Ada", "dnn"]]}, FakeRequest(**KO))
    assert kept == gr.update()  # a board on screen is left as it is
    assert runs_to_post(None, None)[1]["headers"] == tab.COLUMNS


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
    ko = i18n.I18N.translations["ko"]
    title = next(c["props"]["label"] for c in config["components"] if c["type"] == "tabitem")
    title_key = json.loads(title.removeprefix("__i18n__"))["key"]
    assert ko["board-studies.lr"] == "학습률" and ko[title_key] == "5 · 학급 게시판"


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
