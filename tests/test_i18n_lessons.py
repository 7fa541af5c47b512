"""Tab 4 in Korean (issue #13): each lesson's text, plot titles, axis titles, legends and refusals answer in the
language of the request that asked, and in English, as before, when it names none."""
import re

import gradio as gr
import plotly.graph_objects as go
import pytest
from gradio.i18n import I18nData
from gradio_client import Client

import models
from tests.helpers import handlers
from ui.lessons import layout as tab

# Latin words a Korean lesson keeps: names of models, losses, functions, the SST-2 sentences it traces, units
KEPT = {"dnn", "cnn", "mlp", "rnn", "lstm", "gru", "mse", "xavier", "glorot", "kaiming", "he", "tanh", "relu",
        "patience", "dev", "good", "not", "bad", "px", "extra", "scikit", "learn",
        "never", "but"}  # the English words the recurrent lesson's Korean text is about (*not*, *never*, *but*)


class Request:
    def __init__(self, language: str | None = None):
        self.headers = {"accept-language": language} if language else {}
        self.session_hash = "lessons-i18n"


KO, EN = Request("ko"), Request()


@pytest.fixture(scope="module")
def lab():
    shipped = {kind: models.load(f"assets/{kind}") for kind in ("dnn", "cnn")}
    return handlers(shipped, {})


def last(outputs) -> tuple:
    return list(outputs)[-1]


def lesson(key: str, lab=None):
    """The handler of the lesson `key` (its API event's), over `lab`'s models when it reads them."""
    return tab.handler(tab.LESSON[key], lab.state if lab is not None else None)


def figure_texts(fig: go.Figure) -> list[str]:
    """Every text a reader sees on `fig`: titles, subplot and axis titles, legend names, hover, colour bar, summary."""
    layout = fig.layout
    found = [layout.title.text, layout.meta["summary"] if layout.meta else None]
    found += [a.text for a in layout.annotations]
    found += [axis.title.text for name in dir(layout) if re.fullmatch(r"[xy]axis\d*", name)
              for axis in [getattr(layout, name)]]
    for trace in fig.data:
        found += [trace.name, getattr(trace, "hovertemplate", None)]
        colorbar = getattr(trace, "colorbar", None)
        found.append(colorbar.title.text if colorbar is not None else None)
    return [text for text in found if text]


def english_words(*texts: str) -> set[str]:
    words = set()
    for text in texts:
        text = re.sub(r"%\{[^}]*\}|<[^>]+>", " ", text)  # plotly's hover fields and tags are not shown as words
        words |= {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in KEPT}
    return words


def assert_korean(text: str, figures: list) -> None:
    assert re.search(r"[\uac00-\ud7a3]", text), text
    shown = [t for fig in figures if fig is not None for t in figure_texts(fig)]
    assert shown and all(re.search(r"[\uac00-\ud7a3]", t) or not english_words(t) for t in shown), shown
    assert not english_words(text, *shown), english_words(text, *shown)


# ---- each lesson in Korean, and in English without a language ------------------------------------------------------

@pytest.mark.slow
def test_the_boundary_lesson_answers_in_korean_and_in_english_by_default():
    text, contour, curve = last(lesson("boundary")("moons", 0, 0.5, 0.2, 200, request=KO))
    assert "**은닉 유닛이 없으면** 로지스틱 회귀" in text and "두 반달을 나눌 수 없으니" in text
    assert contour.layout.title.text == "스텝 200 후의 결정 경계 (검은 선: P = 0.5)"
    assert {t.name for t in contour.data} >= {"결정 경계 (P = 0.5)", "클래스 0", "클래스 1"}
    assert curve.layout.yaxis.title.text == "이진 교차 엔트로피" and curve.layout.title.text == "학습 손실"
    assert_korean(text, [contour, curve])
    english, contour, _ = last(lesson("boundary")("moons", 0, 0.5, 0.2, 200))
    assert "With **no hidden units** this is logistic regression" in english and "moons apart" in english
    assert contour.layout.title.text == "decision boundary after step 200 (black: P = 0.5)"
    assert last(lesson("boundary")("moons", 0, 0.5, 0.2, 200, request=EN))[0] == english


def test_a_running_lesson_says_so_in_the_asked_language():
    first, *_ = next(iter(lesson("boundary")("moons", 8, 0.5, 0.2, 400, request=KO)))
    assert first.startswith("⏳ 스텝 ") and first.endswith("초)")
    first, *_ = next(iter(lesson("boundary")("moons", 8, 0.5, 0.2, 400)))
    assert first.startswith("⏳ Step ") and first.endswith(" s)")


@pytest.mark.parametrize("lr, expected", [(1.2, "**MSE 쪽은 스텝"), (0.1, "보다 크면 MSE 쪽이 발산해요")])
def test_the_regression_lesson_answers_in_korean(lr, expected):
    text, fit, curves = last(lesson("regression")(lr, 50, 0.5, True, request=KO))
    assert expected in text and ("**이상치**" in text) is (lr < 1)  # a diverged MSE line is not compared
    assert {"데이터", "이상치", "실제 직선"} <= {t.name for t in fit.data}
    assert curves.layout.xaxis.title.text == "스텝" and {t.name for t in curves.data} == {"MSE (제곱 오차)",
                                                                                       "L1 (절대 오차)"}
    assert_korean(text, [fit, curves])


def test_the_weights_lesson_names_its_models_and_drawing_in_korean(lab):
    text, dnn, cnn, maps = last(lesson("weights", lab)(32, "yours (retrained in tab 3)", {}, request=KO))
    assert text.startswith("3번 탭에서 다시 학습한 DNN 또는 CNN 모델이 없어서") and "예시 숫자 7을 대신" in text
    assert "CNN이 읽은 숫자: **7**" in text
    assert dnn.layout.title.text.startswith("기본 제공 DNN의 첫 번째 층 유닛")  # none retrained: both shipped
    assert dnn.layout.meta["summary"].startswith("기본 제공 DNN의") and "직접 다시 학습한" not in text
    assert_korean(text, [dnn, cnn, maps])
    english, dnn, *_ = last(lesson("weights", lab)(32, "shipped", {}))
    assert "sample seven stands in" in english and dnn.layout.title.text.startswith("the 32 of the shipped DNN's")


def test_a_refused_value_is_named_in_the_asked_language(lab):
    with pytest.raises(gr.Error, match="은닉 유닛 수 값은 0부터 32까지의 정수여야 해요"):
        last(lesson("boundary")("moons", 40, 0.5, 0.2, 100, request=KO))
    with pytest.raises(gr.Error, match="hidden units must be a whole number from 0 to 32, not 40"):
        last(lesson("boundary")("moons", 40, 0.5, 0.2, 100))
    with pytest.raises(gr.Error, match="모델 값은"):
        last(lesson("weights", lab)(32, "mine", {}, request=KO))


def test_a_missing_data_set_is_said_in_korean(monkeypatch, tmp_path):
    from training.datasets import mnist

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr(mnist, "reachable", lambda url, timeout=3.0: False)
    text, plot = last(lesson("init")(1, -3, 32, 500, "relu", False, request=KO))
    assert text.startswith("⚠️ 이 실습에는 MNIST 데이터셋이 필요한데, 이 서버에는 없고") and plot is None
    assert str(tmp_path) not in text


@pytest.mark.slow
@pytest.mark.data
def test_the_data_lessons_answer_in_korean(lab):
    text, plot = last(lesson("init")(1, -3, 32, 500, "relu", False, request=KO))
    assert "| 초기화 | 첫 에포크 학습 손실 | 최종 검증 정확도 |" in text and "**모두 0**에서 출발한" in text
    assert plot.layout.xaxis.title.text == "에포크"
    assert_korean(text, [plot])
    text, curves, pictures = last(lesson("crop", lab)(200, 20, 4, "shipped", 0, request=KO))
    assert "테스트 숫자 200개에 대한 기본 제공 모델의 정확도" in text and "| 원본 그대로 |" in text
    assert "튜토리얼의 MLP" in {t.name for t in curves.data}
    assert_korean(text, [curves, pictures])
    text, plot = last(lesson("overfit")(100, 5, 2, 64, 0.0, 0.0, 0.0, False, request=KO))
    assert "학습 이미지 100장에서 잰 손실" in text and "patience" in text
    assert_korean(text, [plot])  # figures.plots.training_curves in Korean too
    text, bars, trace = last(lesson("recurrent")(200, 1, 8, "bad\nnot bad", "sst2", False, request=KO))
    assert "| 셀 | 검증(dev) 정확도 |" in text and "*not*이 *bad*에 미친 영향" in text and "| not bad | 긍정 |" in text
    assert trace.layout.title.text == "단어를 하나씩 읽을 때마다의 긍정 확률"
    assert_korean(text, [bars, trace])


# ---- the page and the API ------------------------------------------------------------------------------------------

def test_every_lesson_has_its_tab_and_explanation_in_both_languages():
    for lesson in tab.LESSONS:
        for key in (f"{lesson.key}_tab", f"{lesson.key}_about"):
            english, korean = tab.T.say(key, "en"), tab.T.say(key, "ko")
            assert english and re.search(r"[\uac00-\ud7a3]", korean) or key == "recurrent_tab", key
        title = tab.T.say(f"{lesson.key}_title", "en")
        assert tab.T.say(f"{lesson.key}_about", "en").startswith(f"### {title}\n")


def test_the_run_history_records_english_labels_whatever_the_page_shows():
    assert tab._english(tab.T["adam_lr"]) == "learning rate (Adam): 10^x"
    assert tab._english("plain") == "plain"
    assert isinstance(tab.T["adam_lr"], I18nData)
    assert tab._english(tab.T["adam_lr"]) != tab.T.say("adam_lr", "ko")  # whatever the page's language

@pytest.mark.slow
def test_a_korean_api_client_gets_the_lesson_in_korean(app_url):
    korean = Client(app_url, verbose=False, headers={"Accept-Language": "ko"})
    text, fit, curve = korean.predict(1.2, 50, 0.5, False, api_name="/regression_lesson")
    assert "**MSE 쪽은 스텝" in text and fit is not None
    english = Client(app_url, verbose=False)
    text, *_ = english.predict(1.2, 50, 0.5, False, api_name="/regression_lesson")
    assert "**The MSE run diverged**" in text
