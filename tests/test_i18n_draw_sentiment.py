"""Tabs 1 and 2 in Korean and English (issue #13): the answers, notes, alt texts and error messages in the request's
language, and in English, as before, for a request that asks for none. Each test runs once per language, with what
that language must say in a table beside it."""
import html
import io
import re
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from PIL import Image

from benchmarks.drawings import pad_value
from ink import strokes
from ink.strokes import from_points
from tests.helpers import handlers
from ui import i18n, inputs
from ui.draw import digit_check, examples

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
# a request in each language, and the language it must be answered in; English: a request that names none
BOTH = [pytest.param(KOREAN, "ko", id="ko"), pytest.param(None, "en", id="en")]
# words of the other language's answers, which an answer must not hold
FOREIGN = {"ko": re.compile(r"\b(reads|parameters|shipped|doesn't|cosine)\b"), "en": HANGUL}


@pytest.fixture(scope="module")
def lab(shipped):
    return handlers(shipped, {})


def alt_texts(fragment: str) -> list[str]:
    return [html.unescape(alt) for alt in re.findall(r'alt="([^"]*)"', fragment)]


# ---- tab 1 ------------------------------------------------------------------------------------------------------

SEVEN = {  # what a drawn 7 is told: the verdict, parts of the details, the starts of the two pictures' alt texts
    "ko": dict(verdict="DNN의 답: **7** · CNN의 답: **7**",
               details=["**DNN (완전 연결 신경망)**, 기본 제공 모델: 매개변수", "**숫자 판별**: 숫자일 확률"],
               strip="전처리 과정을 왼쪽부터 그림 다섯 장으로 보여 줘요.", saliency="CNN의 답 7에"),
    "en": dict(verdict="DNN reads **7** · CNN reads **7**",
               details=["**DNN (fully connected)**, shipped:", "**Digit check**: looks like a digit"],
               strip="The preprocessing in five pictures, left to right:", saliency="Your drawing coloured"),
}


@pytest.mark.parametrize("asked, language", [*BOTH, pytest.param(Request(), "en", id="en-no-header")])
def test_the_digit_answers_come_in_the_request_s_language(lab, asked, language):
    said = SEVEN[language]
    verdict, dnn, cnn, details, steps, saliency = lab.draw.predict_digit(pad_value("7"), {}, asked)
    assert verdict == said["verdict"]
    assert dnn["7"] > 0.5 and cnn["7"] > 0.5  # digits are the same in both languages
    assert all(part in details for part in said["details"]), details
    [strip], [described] = alt_texts(steps), alt_texts(saliency)
    assert strip.startswith(said["strip"]) and described.startswith(said["saliency"])
    assert not FOREIGN[language].search(" ".join([verdict, details, strip, described]))


@pytest.mark.parametrize("asked, said", [
    pytest.param(Request("en-US", cookie="ko"), "DNN의 답: **1**", id="ko-switch-in-an-english-browser"),
    pytest.param(Request("ko-KR", cookie="en"), "DNN reads **1**", id="en-switch-in-a-korean-browser"),
])
def test_the_switch_s_cookie_wins_over_the_browser_s_language(lab, asked, said):
    verdict, *_ = lab.draw.predict_digit(pad_value("1"), {}, asked)
    assert said in verdict


CROSS_SAID = {  # an X: the verdict's parts, and the digit check's line in the details
    "ko": (["🤔 **숫자로 보이지 않아요**(숫자가 아닐 확률 ", "DNN의 답:"], "**숫자 판별**: 숫자가 아닐 확률 "),
    "en": (["🤔 **That doesn't look like a digit** (", "% sure it is not). Both networks answer anyway", "DNN reads"],
           "**Digit check**: does not look like a digit ("),
}


@pytest.mark.parametrize("asked, language", BOTH)
def test_a_cross_is_no_digit_in_the_request_s_language(lab, asked, language):
    verdict, dnn, cnn, details, *_ = lab.draw.predict_digit(CROSS, {}, asked)
    in_verdict, in_details = CROSS_SAID[language]
    assert "not-a-digit" in verdict  # the page's marker, the same in every language
    assert all(part in verdict for part in in_verdict) and in_details in details, (verdict, details)
    assert verdict.count("%") == 1  # the notice says how sure once, not the digit check's phrase inside its own
    assert not FOREIGN[language].search(verdict + details)


PROMPT = {"ko": "✏️ 패드에 **숫자를 그려 보세요**. 그리는 동안 두 신경망이 바로 답해요.",
          "en": "✏️ **Draw a digit** on the pad: both networks answer while you draw."}
EXAMPLE_THREE = {"ko": "DNN의 답: **3** · CNN의 답: **3**", "en": "DNN reads **3** · CNN reads **3**"}


@pytest.mark.parametrize("asked, language", BOTH)
def test_no_drawing_and_an_example_ask_in_the_request_s_language(lab, asked, language):
    for nothing in ("", None):
        assert lab.draw.predict_digit(nothing, {}, asked)[0] == PROMPT[language]
    verdict, *_ = lab.draw.predict_digit(examples.pad_value("3"), {}, asked)
    assert verdict == EXAMPLE_THREE[language]


REFUSED = {  # a drawing that is no JSON, one that leaves the canvas, and an upload that is no picture
    "ko": ("그림을 읽을 수 없어요: 그림이 올바른 JSON이 아니에요.", "1번째 획이 280 × 280 캔버스를 벗어나요",
           "올린 이미지는 읽을 수 있는 이미지가 아니에요. PNG나 JPEG 파일을 보내 주세요."),
    "en": ("The drawing could not be read: the drawing is not valid JSON.", "stroke 1 leaves the 280 × 280 canvas",
           "The image is not a readable image: send a PNG or JPEG file."),
}


@pytest.mark.parametrize("asked, language", BOTH)
def test_a_bad_drawing_is_refused_in_the_request_s_language(lab, asked, language):
    not_json, off_the_canvas, _ = REFUSED[language]
    with pytest.raises(gr.Error) as refused:
        lab.draw.predict_digit("{not json", {}, asked)
    assert refused.value.message == not_json
    with pytest.raises(gr.Error) as refused:
        lab.draw.predict_digit('{"width": 280, "height": 280, "strokes": [[[300, 10]]]}', {}, asked)
    assert off_the_canvas in refused.value.message


@pytest.mark.parametrize("asked, language", BOTH)
def test_a_bad_upload_is_refused_in_the_request_s_language(lab, tmp_path, asked, language):
    import tempfile

    from gradio.utils import get_upload_folder

    Path(get_upload_folder()).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=get_upload_folder()) as uploaded:  # where gradio keeps what a client sent
        text = Path(uploaded) / "digit.png"
        text.write_text("not a picture")
        with pytest.raises(gr.Error) as refused:
            lab.draw.classify_image({"path": str(text)}, {}, asked)
        assert refused.value.message == REFUSED[language][2]
    elsewhere = tmp_path / "digit.png"  # a path the client names: never read, whatever it holds
    elsewhere.write_text("not a picture")
    with pytest.raises(gr.Error) as refused:
        lab.draw.classify_image({"path": str(elsewhere)}, {}, asked)
    assert {"en": "The image must be a file uploaded to this app",
            "ko": "올린 이미지는 이 앱에 올린 파일"}[language] in refused.value.message


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '{"width": 0, "height": 280, "strokes": []}',
                                   '{"width": 280, "height": 280, "strokes": "line"}',
                                   '{"width": 280, "height": 280, "strokes": [[[1, null]]]}',
                                   '{"width": 280, "height": 280, "strokes": [[[NaN, 1]]]}'])
def test_every_refused_drawing_has_a_korean_reason(value):
    with pytest.raises(strokes.BadStrokes) as refused:
        strokes.parse(value)
    said = {code: i18n.say(f"strokes.{refused.value.key}", code, **refused.value.values) for code in ("en", "ko")}
    assert HANGUL.search(said["ko"]) and not HANGUL.search(said["en"]) and not HANGUL.search(str(refused.value))


@pytest.mark.parametrize("language, reason", [("ko", "숫자일 확률 "), ("en", "looks like a digit (")])
def test_the_digit_check_gives_its_reason_in_either_language(lab, language, reason):
    pixels = digits_pixels(examples.pad_value("4"))
    assert digit_check.check(lab.state.shipped["digit-check"], pixels, language=language).reason.startswith(reason)


def digits_pixels(value: str):
    from ink.preprocess import to_mnist

    return to_mnist(strokes.render(strokes.parse(value))).pixels


# ---- tab 2 ------------------------------------------------------------------------------------------------------

NOTES = {  # "the zxqv film was great": its note, the class names, zxqv's mark; then a sentence all known, and none
    "ko": ("단어 5개 중 1개는 모델이 모르는 것이라 `<unk>`로 읽었어요.", {"긍정", "부정"}, "모름",
           "단어 3개가 모두 모델의 어휘에 있어요.", "분석할 문장을 입력해 주세요."),
    "en": ("1 of 5 words are unknown to the models and read as `<unk>`.", {"positive", "negative"}, "unknown",
           "All 3 words are in the models' vocabulary.", "Type a sentence to analyse."),
}


@pytest.mark.parametrize("asked, language", BOTH)
def test_the_sentiment_notes_and_class_names_come_in_the_request_s_language(lab, asked, language):
    unknown_note, classes, unknown, all_known, nothing = NOTES[language]
    note, rnn, lstm, gru, words, trace = lab.sentiment.predict_sentiment("the zxqv film was great", {}, asked)
    assert note == unknown_note
    assert set(rnn) == set(lstm) == set(gru) == classes
    assert ("zxqv", unknown) in words and ("great", None) in words
    assert trace is not None
    assert lab.sentiment.predict_sentiment("a fine film", {}, asked)[0] == all_known
    assert lab.sentiment.predict_sentiment("  ", {}, asked)[0] == nothing


READ_BY = {  # how the note of a Korean or a mixed sentence starts, by the language of the request
    "진짜 재밌게 봤어요 ㅋㅋ 강추!": {"ko": "**한국어** 모델이 조각(서브워드) 단위로 읽어요",
                                "en": "Read by the **Korean** models"},
    "연기는 good 인데 스토리는 별로": {"ko": "한국어와 영어가 섞인 문장이에요.",
                                "en": "This sentence mixes Korean and English; the **Korean** models read it"},
    "the film was good 최고": {"ko": "영어와 한국어가 섞인 문장이에요. 대부분 로마자라 **영어** 모델이 읽어요.",
                             "en": "This sentence mixes English and Korean; the **English** models read it"},
}


@pytest.mark.parametrize("asked, language", BOTH)
@pytest.mark.parametrize("sentence", list(READ_BY))
def test_korean_and_mixed_sentences_are_explained_in_the_request_s_language(lab, sentence, asked, language):
    note, *_ = lab.sentiment.predict_sentiment(sentence, {}, asked)
    assert note.startswith(READ_BY[sentence][language]), note
    assert not FOREIGN[language].search(note)


TURNS = {"ko": "이 문장은 “는데”에서 흐름이 바뀌어요. 한국어 모델은 지루, 재미없, 뻔 같은",
         "en": "This sentence turns at “는데”. The Korean models follow surface words such as 지루"}


@pytest.mark.parametrize("asked, language", BOTH)
def test_a_korean_sentence_that_turns_is_flagged_and_the_flag_s_example_holds(lab, shipped, asked, language):
    note, *labels, words, trace = lab.sentiment.predict_sentiment("초반은 지루했는데 후반 30분이 미쳤다", {}, asked)
    assert TURNS[language] in note
    note, *labels, words, trace = lab.sentiment.predict_sentiment("재미없을 줄 알았는데 아니었어요", {}, asked)
    negative, positive = (i18n.class_name(name, language) for name in ("negative", "positive"))
    assert [label[negative] > label[positive] for label in labels] == [True] * 3  # "all three read it as negative"
    assert TURNS[language][:5] not in lab.sentiment.predict_sentiment("진짜 재밌게 봤어요", {}, asked)[0]


def test_the_korean_models_know_every_latin_letter_as_the_mixed_note_says(shipped):
    for kind in ("rnn-ko", "lstm-ko", "gru-ko"):
        known = shipped[kind].known_words
        assert all(letter in known and f"##{letter}" in known for letter in "abcdefghijklmnopqrstuvwxyz")
        assert {"good", "love", "movie"} <= known


SIMILARITY = {  # the table's header, a row of two same sentences, the caveat below, two sentences of two
    # languages, and a missing sentence
    "ko": ("| 모델 | 코사인 유사도 (평균 기준) | 해석 |", "| +1.000 | 매우 비슷함 |", "긍정과 부정",
           "문장 A는 영어, 문장 B는 한국어예요. 두 문장 모두 **", "비교할 두 문장을 입력해 주세요."),
    "en": ("| model | cosine (from the mean) | reading |", "| +1.000 | very similar |",
           "positive from negative", "Sentence A is English and sentence B Korean: the **",
           "Type two sentences to compare."),
}


@pytest.mark.parametrize("asked, language", BOTH)
def test_the_similarity_table_comes_in_the_request_s_language(lab, asked, language):
    header, same, caveat, two_languages, missing = SIMILARITY[language]
    table = lab.sentiment.compare_sentences("a charming and funny film .", "a charming and funny film .", {}, asked)
    assert header in table and table.count(same) == 3 and caveat in table
    assert not FOREIGN[language].search(table)
    assert lab.sentiment.compare_sentences("i loved it", "배우들 연기가 정말 최고였어요", {}, asked).startswith(
        two_languages)
    assert lab.sentiment.compare_sentences("a charming film", "", {}, asked) == missing


# Pairs of each kind, in each language the models read: paraphrases, opposite opinions, and an opinion beside a
# plain fact. Every model of the pair's language must read each so (ui/sentiment/centres.py measures the vectors from
# the mean of training sentences; from the origin, the opposite pairs read "unrelated" and the rest "very similar").
PAIRS = {
    "very_similar": [("a gorgeous , witty , seductive movie .", "a charming and funny film ."),
                     ("a wonderful , moving film", "a beautiful and touching movie"),
                     ("정말 재밌게 봤어요", "진짜 재미있게 봤어요"),
                     ("최고의 영화 강추합니다", "정말 훌륭한 영화예요 추천해요")],
    "opposite": [("a gorgeous , witty , seductive movie .", "the plot is a dull , tedious mess ."),
                 ("배우들 연기가 정말 최고였어요", "시간 아깝다 진짜 지루함"),
                 ("진짜 재밌게 봤어요 ㅋㅋ 강추!", "스토리가 너무 뻔하고 지루했다")],
    "unrelated": [("a masterpiece", "the movie is two hours long"),
                  ("최고의 명작", "상영 시간은 두 시간이다"),
                  ("스토리가 너무 뻔하고 지루했다", "금요일에 개봉한다")],
}


@pytest.mark.parametrize("asked, language", BOTH)
@pytest.mark.parametrize("reading", list(PAIRS))
def test_paraphrases_opposite_opinions_and_unrelated_sentences_are_read_so(lab, asked, language, reading):
    word = i18n.say(f"sentiment-answer.{reading}", language)
    for first, second in PAIRS[reading]:
        table = lab.sentiment.compare_sentences(first, second, {}, asked)
        cells = [[cell.strip() for cell in line.split("|")[1:4]] for line in table.splitlines() if line.count("|") == 4]
        rows = [row for row in cells if re.fullmatch(r"[+-]\d\.\d{3}", row[1])]
        assert len(rows) == 3, table
        for kind, cosine, said in rows:
            assert said == word, f"{kind} reads {first!r} and {second!r} as {said} ({cosine})"


UNAVAILABLE = {  # without models: sentiment, Korean sentiment, sentences, digits; then a sentence too long, alone
    # and as sentence B
    "ko": ("사용할 수 있는 감성 분석 모델이 없어요.", "사용할 수 있는 한국어 감성 분석 모델이 없어요.",
           "사용할 수 있는 문장 모델이 없어요.", "사용할 수 있는 모델이 없어요.",
           "문장의 길이가 4,500자예요. 최대 2,000자까지 받을 수 있으니 줄여 주세요.", "문장 B의 길이가 4,500자예요."),
    "en": ("No sentiment model is available.", "No Korean sentiment model is available.",
           "No sentence model is available.", "No model is available.",
           "The sentence is 4,500 characters long; the limit is 2,000. Please shorten it.",
           "Sentence B is 4,500 characters long;"),
}


@pytest.mark.parametrize("asked, language", BOTH)
def test_missing_models_and_long_text_are_told_in_the_request_s_language(asked, language):
    no_sentiment, no_korean, no_sentences, no_digits, too_long, b_too_long = UNAVAILABLE[language]
    lab = handlers({}, {"rnn": "x"})
    assert lab.sentiment.predict_sentiment("a fine film", {}, asked)[0] == no_sentiment
    assert lab.sentiment.predict_sentiment("좋은 영화", {}, asked)[0] == no_korean
    assert lab.sentiment.compare_sentences("a", "b", {}, asked) == no_sentences
    assert lab.draw.predict_digit(pad_value("7"), {}, asked)[0] == no_digits
    long = "좋아 " * 1500
    assert lab.sentiment.predict_sentiment(long, {}, asked)[0] == too_long
    assert lab.sentiment.compare_sentences("a", long, {}, asked).startswith(b_too_long)


# ---- the checks every tab calls --------------------------------------------------------------------------------

def gif() -> bytes:
    picture = io.BytesIO()
    Image.new("L", (2, 2)).save(picture, "gif")
    return picture.getvalue()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("check, messages", [
    (lambda language: inputs.number(float("nan"), "epochs" if language == "en" else "에포크", 1, 30, whole=True,
                                    language=language),
     {"en": "epochs must be a whole number from 1 to 30, not nan.",
      "ko": "에포크 값은 1부터 30까지의 정수여야 해요(받은 값: nan)."}),
    (lambda language: inputs.number("x", "dropout" if language == "en" else "드롭아웃", 0, 0.9, language=language),
     {"en": "dropout must be a number from 0 to 0.9, not 'x'.",
      "ko": "드롭아웃 값은 0부터 0.9까지의 수여야 해요(받은 값: 'x')."}),
    (lambda language: inputs.choice(None, "model" if language == "en" else "모델", ["dnn", "cnn"], language=language),
     {"en": "model must be one of dnn, cnn, not None.", "ko": "모델 값은 dnn, cnn 중 하나여야 해요(받은 값: None)."}),
    (lambda language: inputs.flag("yes", "outlier" if language == "en" else "이상치", language=language),
     {"en": "outlier must be true or false, not 'yes'.", "ko": "이상치 값은 true나 false여야 해요(받은 값: 'yes')."}),
    (lambda language: inputs.check_image(gif(), "The file" if language == "en" else "파일", language=language),
     {"en": "The file is a GIF image; send a PNG or JPEG file.",
      "ko": "파일은 GIF 이미지예요. PNG나 JPEG 파일을 보내 주세요."}),
], ids=["whole-number", "number", "choice", "flag", "image"])
def test_the_input_checks_refuse_in_the_language_asked_for(check, messages, language):
    with pytest.raises(gr.Error) as refused:
        check(language)
    assert refused.value.message == messages[language]


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
