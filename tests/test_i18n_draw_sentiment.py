"""Tabs 1 and 2 in Korean (issue #13): the answers, notes, alt texts and error messages in the request's language,
and in English, as before, for a request that asks for none."""
import html
import io
import re

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from PIL import Image

import app
import models
from benchmarks.drawings import pad_value
from ink import strokes
from ink.strokes import from_points
from models import registry
from tests.helpers import handlers
from ui import i18n, inputs
from ui.draw import digit_check, digits, examples, pad
from ui.sentiment import reading as sentiment

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CROSS = from_points([[(60, 60), (220, 220)], [(220, 60), (60, 220)]])  # an X: no digit


class Request:
    """What a handler reads of gradio's request: the headers (the language) and the browser session."""

    def __init__(self, language: str | None = None, cookie: str | None = None):
        self.headers = {}
        if language:
            self.headers["accept-language"] = language
        if cookie:
            self.headers["cookie"] = f"{i18n.COOKIE}={cookie}"
        self.session_hash = "i18n-test"


KOREAN = Request("ko-KR,ko;q=0.9,en;q=0.8")


@pytest.fixture(scope="module")
def lab():
    shipped = {kind: models.load(app.ASSETS / kind) for kind in registry.names()}
    return handlers(shipped, {})


def alt_texts(fragment: str) -> list[str]:
    return [html.unescape(alt) for alt in re.findall(r'alt="([^"]*)"', fragment)]


# ---- tab 1 ------------------------------------------------------------------------------------------------------

def test_a_korean_request_gets_the_digit_answers_in_korean(lab):
    verdict, dnn, cnn, details, steps, saliency = lab.draw.predict_digit(pad_value("7"), {}, KOREAN)
    assert verdict == "DNN의 답: **7** · CNN의 답: **7**"
    assert dnn["7"] > 0.5 and cnn["7"] > 0.5  # digits are the same in both languages
    assert "**DNN (완전 연결 신경망)**, 기본 모델: 매개변수" in details and "**숫자 판별**: 숫자일 확률" in details
    assert "parameters" not in details and "shipped" not in details
    assert alt_texts(steps) == [digits.strip_alt(language="ko")]
    [alt] = alt_texts(saliency)
    assert alt.startswith("CNN의 답 7에") and HANGUL.search(alt)


def test_the_switch_s_cookie_wins_over_the_browser_s_language(lab):
    verdict, *_ = lab.draw.predict_digit(pad_value("1"), {}, Request("en-US", cookie="ko"))
    assert "의 답" in verdict
    verdict, *_ = lab.draw.predict_digit(pad_value("1"), {}, Request("ko-KR", cookie="en"))
    assert "DNN reads **1**" in verdict


def test_without_a_language_the_digit_answers_are_english_as_before(lab):
    for request in (None, Request()):
        verdict, dnn, cnn, details, steps, saliency = lab.draw.predict_digit(pad_value("7"), {}, request)
        assert verdict == "DNN reads **7** · CNN reads **7**"
        assert "**DNN (fully connected)**, shipped:" in details and "**Digit check**: looks like a digit" in details
        assert alt_texts(steps) == [digits.STRIP_ALT] and alt_texts(saliency)[0].startswith("Your drawing coloured")
        assert not HANGUL.search(verdict + details + steps + saliency)


def test_a_korean_request_is_told_in_korean_that_a_cross_is_no_digit(lab):
    verdict, dnn, cnn, details, *_ = lab.draw.predict_digit(CROSS, {}, KOREAN)
    assert "not-a-digit" in verdict and "🤔 **숫자로 보이지 않아요**(숫자가 아닐 확률 " in verdict
    assert "DNN의 답:" in verdict and "doesn't" not in verdict
    assert "**숫자 판별**: 숫자가 아닐 확률 " in details
    verdict, *_ = lab.draw.predict_digit(CROSS, {}, None)
    assert "🤔 **That doesn't look like a digit** (does not look like a digit (" in verdict


def test_no_drawing_and_an_example_ask_in_the_request_s_language(lab):
    prompt = "✏️ 패드에 **숫자를 그려 보세요**. 그리는 동안 두 신경망이 바로 답해요."
    assert lab.draw.predict_digit("", {}, KOREAN)[0] == prompt
    assert "Draw a digit" in lab.draw.predict_digit(None, {}, None)[0]
    verdict, *_ = lab.draw.predict_digit(examples.pad_value("3"), {}, KOREAN)
    assert verdict == "DNN의 답: **3** · CNN의 답: **3**"


def test_a_bad_drawing_is_refused_in_korean(lab):
    with pytest.raises(gr.Error) as refused:
        lab.draw.predict_digit("{not json", {}, KOREAN)
    assert refused.value.message == "그림을 읽을 수 없어요: 그림이 올바른 JSON이 아니에요."
    with pytest.raises(gr.Error) as refused:
        lab.draw.predict_digit('{"width": 280, "height": 280, "strokes": [[[300, 10]]]}', {}, KOREAN)
    assert "1번째 획이 280 × 280 캔버스를 벗어나요" in refused.value.message
    with pytest.raises(gr.Error) as refused:
        lab.draw.predict_digit("{not json", {}, None)
    assert refused.value.message == "The drawing could not be read: the drawing is not valid JSON."


def test_a_bad_upload_is_refused_in_korean(lab, tmp_path):
    text = tmp_path / "digit.png"
    text.write_text("not a picture")
    with pytest.raises(gr.Error) as refused:
        lab.draw.classify_image({"path": str(text)}, {}, KOREAN)
    assert refused.value.message == "올린 이미지는 읽을 수 있는 이미지가 아니에요. PNG나 JPEG 파일을 보내 주세요."
    with pytest.raises(gr.Error) as refused:
        lab.draw.classify_image({"path": str(text)}, {}, None)
    assert refused.value.message == "The image is not a readable image: send a PNG or JPEG file."


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '{"width": 0, "height": 280, "strokes": []}',
                                   '{"width": 280, "height": 280, "strokes": "line"}',
                                   '{"width": 280, "height": 280, "strokes": [[[1, null]]]}',
                                   '{"width": 280, "height": 280, "strokes": [[[NaN, 1]]]}'])
def test_every_refused_drawing_has_a_korean_reason(value):
    with pytest.raises(strokes.BadStrokes) as refused:
        strokes.parse(value)
    said = {code: i18n.say(f"strokes.{refused.value.key}", code, **refused.value.values) for code in ("en", "ko")}
    assert HANGUL.search(said["ko"]) and not HANGUL.search(said["en"]) and not HANGUL.search(str(refused.value))


def test_the_digit_check_gives_its_reason_in_either_language(lab):
    pixels = digits_pixels(examples.pad_value("4"))
    assert digit_check.check(lab.state.shipped["digit-check"], pixels).reason.startswith("looks like a digit (")
    assert digit_check.check(lab.state.shipped["digit-check"], pixels, language="ko").reason.startswith("숫자일 확률 ")


def digits_pixels(value: str):
    from ink.preprocess import to_mnist

    return to_mnist(strokes.render(strokes.parse(value))).pixels


def test_the_pad_s_own_words_follow_the_page_s_language():
    assert pad.WORDS["ko"] == {"canvas": "그림판: 마우스, 손가락, 펜으로 숫자 하나를 그려 보세요", "undo": "↶ 되돌리기",
                               "clear": "모두 지우기"}
    # the template starts in English (an English page's tests click "Undo"); the script changes it with the page
    assert ">↶ Undo</button>" in pad.TEMPLATE and ">Clear</button>" in pad.TEMPLATE
    assert "MutationObserver" in pad.JS and "documentElement.lang" in pad.JS and "되돌리기" in pad.JS


# ---- tab 2 ------------------------------------------------------------------------------------------------------

def test_a_korean_request_gets_the_sentiment_notes_and_class_names_in_korean(lab):
    note, rnn, lstm, gru, words, trace = lab.sentiment.predict_sentiment("the zxqv film was great", {}, KOREAN)
    assert note == "단어 5개 중 1개는 모델이 모르는 것이라 `<unk>`로 읽었어요."
    assert set(rnn) == set(lstm) == set(gru) == {"긍정", "부정"}
    assert ("zxqv", "모름") in words and ("great", None) in words
    assert trace is not None
    note, *_ = lab.sentiment.predict_sentiment("a fine film", {}, KOREAN)
    assert note == "단어 3개가 모두 모델의 어휘에 있어요."
    note, *_ = lab.sentiment.predict_sentiment("  ", {}, KOREAN)
    assert note == "분석할 문장을 입력해 주세요."


def test_korean_and_mixed_sentences_are_explained_in_the_page_s_language(lab):
    note, *labels, words, trace = lab.sentiment.predict_sentiment("진짜 재밌게 봤어요 ㅋㅋ 강추!", {}, KOREAN)
    assert note.startswith("**한국어** 모델이 조각(서브워드) 단위로 읽어요")
    assert note.startswith(sentiment.language_note("진짜", "ko", language="ko"))
    note, *_ = lab.sentiment.predict_sentiment("진짜 재밌게 봤어요 ㅋㅋ 강추!", {}, None)
    assert note.startswith("Read by the **Korean** models")
    note, *_ = lab.sentiment.predict_sentiment("연기는 good 인데 스토리는 별로", {}, KOREAN)
    assert note.startswith("한국어와 영어가 섞인 문장이에요.")
    note, *_ = lab.sentiment.predict_sentiment("the film was good 최고", {}, KOREAN)
    assert note.startswith("영어와 한국어가 섞인 문장이에요. 대부분 로마자라 **영어** 모델이 읽어요.")


def test_without_a_language_the_sentiment_answers_are_english_as_before(lab):
    note, rnn, lstm, gru, words, trace = lab.sentiment.predict_sentiment("the zxqv film was great", {}, None)
    assert note == "1 of 5 words are unknown to the models and read as `<unk>`."
    assert set(rnn) == {"positive", "negative"} and ("zxqv", "unknown") in words


def test_a_korean_request_gets_the_similarity_table_in_korean(lab):
    table = lab.sentiment.compare_sentences("a charming and funny film .", "a charming and funny film .", {}, KOREAN)
    assert "| 모델 | 코사인 유사도 | 해석 |" in table and table.count("| +1.000 | 거의 같은 방향 |") == 3
    assert "긍정과 부정" in table and "cosine" not in table
    table = lab.sentiment.compare_sentences("i loved it", "배우들 연기가 정말 최고였어요", {}, KOREAN)
    assert table.startswith("문장 A는 영어, 문장 B는 한국어예요. 두 문장 모두 **")
    assert lab.sentiment.compare_sentences("a charming film", "", {}, KOREAN) == "비교할 두 문장을 입력해 주세요."
    table = lab.sentiment.compare_sentences("a charming film", "a funny film", {}, None)
    assert "| model | cosine similarity | reading |" in table


def test_missing_models_and_long_text_are_told_in_korean():
    lab = handlers({}, {"rnn": "x"})
    assert lab.sentiment.predict_sentiment("a fine film", {}, KOREAN)[0] == "사용할 수 있는 감성 분석 모델이 없어요."
    korean = lab.sentiment.predict_sentiment("좋은 영화", {}, KOREAN)[0]
    assert korean == "사용할 수 있는 한국어 감성 분석 모델이 없어요."
    assert lab.sentiment.predict_sentiment("좋은 영화", {}, None)[0] == "No Korean sentiment model is available."
    assert lab.sentiment.compare_sentences("a", "b", {}, KOREAN) == "사용할 수 있는 문장 모델이 없어요."
    verdict, *_ = lab.draw.predict_digit(pad_value("7"), {}, KOREAN)
    assert verdict == "사용할 수 있는 모델이 없어요."
    long = "좋아 " * 1500
    assert lab.sentiment.predict_sentiment(long, {}, KOREAN)[0] == (
        "문장의 길이가 4,500자예요. 최대 2,000자까지 받을 수 있으니 줄여 주세요.")
    assert lab.sentiment.compare_sentences("a", long, {}, KOREAN).startswith("문장 B의 길이가 4,500자예요.")


# ---- the checks every tab calls --------------------------------------------------------------------------------

def gif() -> bytes:
    picture = io.BytesIO()
    Image.new("L", (2, 2)).save(picture, "gif")
    return picture.getvalue()


@pytest.mark.parametrize("check, english, korean", [
    (lambda language: inputs.number(float("nan"), "epochs" if language == "en" else "에포크", 1, 30, whole=True,
                                    language=language),
     "epochs must be a whole number from 1 to 30, not nan.", "에포크 값은 1부터 30까지의 정수여야 해요(받은 값: nan)."),
    (lambda language: inputs.number("x", "dropout" if language == "en" else "드롭아웃", 0, 0.9, language=language),
     "dropout must be a number from 0 to 0.9, not 'x'.", "드롭아웃 값은 0부터 0.9까지의 수여야 해요(받은 값: 'x')."),
    (lambda language: inputs.choice(None, "model" if language == "en" else "모델", ["dnn", "cnn"], language=language),
     "model must be one of dnn, cnn, not None.", "모델 값은 dnn, cnn 중 하나여야 해요(받은 값: None)."),
    (lambda language: inputs.flag("yes", "outlier" if language == "en" else "이상치", language=language),
     "outlier must be true or false, not 'yes'.", "이상치 값은 true나 false여야 해요(받은 값: 'yes')."),
    (lambda language: inputs.check_image(gif(), "The file" if language == "en" else "파일", language=language),
     "The file is a GIF image; send a PNG or JPEG file.", "파일은 GIF 이미지예요. PNG나 JPEG 파일을 보내 주세요."),
])
def test_the_input_checks_refuse_in_the_language_asked_for(check, english, korean):
    for language, message in (("en", english), ("ko", korean)):
        with pytest.raises(gr.Error) as refused:
            check(language)
        assert refused.value.message == message


def test_a_korean_name_takes_the_right_particle():
    assert inputs.decode_error("올린 파일", language="ko").message.startswith("올린 파일은 열 수 없어요.")
    assert inputs.decode_error("이미지", language="ko").message.startswith("이미지는 열 수 없어요.")
    english = inputs.decode_error("The image").message
    assert english == "The image could not be decoded: the file is damaged or cut short."


# ---- through the API, as a Korean client asks ----------------------------------------------------------------

def test_an_api_client_asking_for_korean_gets_korean(app_url):
    korean = Client(app_url, verbose=False, headers={"Accept-Language": "ko"})
    verdict, dnn, cnn, details, steps, saliency = korean.predict(pad_value("7"), api_name="/predict_digit")
    assert verdict == "DNN의 답: **7** · CNN의 답: **7**" and dnn["label"] == "7"
    note, rnn, *_ = korean.predict("a gorgeous , witty , wonderful movie", api_name="/predict_sentiment")
    assert rnn["label"] == "긍정" and HANGUL.search(note)
    with pytest.raises(AppError, match="그림을 읽을 수 없어요"):
        korean.predict("{not json", api_name="/predict_digit")
    english = Client(app_url, verbose=False)
    assert english.predict(pad_value("7"), api_name="/predict_digit")[0] == "DNN reads **7** · CNN reads **7**"
