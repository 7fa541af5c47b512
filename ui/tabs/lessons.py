"""Tab 4: the tutorials' lessons, one sub-tab each: a few sentences on what to notice, one Run button (the
controls start at the lesson's defaults), its plots, and the controls to vary it.

The experiments live in lessons/; this module checks every value a client
sends (ui.inputs: a gr.Error naming the field, never a crash), runs the lesson
and streams its results. Lessons train in the server process, so all of them
share one slot (`concurrency_id="lessons"`, limit 1): thirty students pressing
Run wait in the queue instead of taking the CPU that serves digit predictions,
and torch uses the one intra-op thread app.py sets. At their defaults the lessons took
0.05–7.5 s each on the 2-core development machine (python -m benchmarks.lessons). A
missing data set comes back as the lesson's text.

Everything a handler returns (the lesson's text, its plots' titles, axes,
legends and hover text, a refused value) is in the language of the request
that asked (ui/i18n.py); the run history records the lesson's English title
and labels, whichever language the page shows.
"""
from collections.abc import Callable, Iterator

import gradio as gr
from gradio.i18n import I18nData

import lessons
from lessons import boundary, crops, initialisation, overfitting, recurrent, regression, weights
from ui import history, i18n, inputs, plots
from ui.handlers import Lab
from ui.tabs.lesson_list import LESSONS, Lesson

ORIGINS = ("shipped", "yours (retrained in tab 3)")  # the radio's values (and the API's); shown in the page's language
LESSON_EVENT = dict(concurrency_limit=1, concurrency_id="lessons", preprocess=False)


T = i18n.Texts(
    "lessons",
    tab=("4 · Lessons", "4 · 실습"),
    intro=("Seven short experiments from the tutorials this playground grew from. Each runs in seconds with one "
           "click; open *Vary it* to change it. Every plot comes from the run you just did.",
           "이 놀이터의 바탕이 된 튜토리얼에서 가져온 짧은 실험 일곱 가지예요. 버튼 한 번이면 몇 초 안에 끝나요. "
           "조건을 바꾸고 싶으면 *바꿔 보기*를 열어 보세요. 모든 그래프는 방금 실행한 결과로 그려져요."),
    run=("▶ Run this lesson", "▶ 이 실습 실행"),
    vary=("Vary it (the controls start at the lesson's defaults)", "바꿔 보기 (처음에는 실습의 기본값이에요)"),
    reset=("Back to the defaults", "기본값으로 되돌리기"),
    running=("⏳ {text} ({seconds} s)", "⏳ {text} ({seconds}초)"),
    no_data=("⚠️ This lesson needs its data set. {error}", "⚠️ 이 실습에는 데이터셋이 필요해요. {error}"),
    not_retrained=("You have not retrained a {missing} in tab 3 (or it was dropped after an hour), so the shipped one "
                   "is shown.\n\n",
                   "3번 탭에서 재학습한 {missing} 모델이 없어서 (또는 한 시간이 지나 지워져서) 기본 제공 모델을 "
                   "보여 줘요.\n\n"),
    either=(" or a ", " 또는 "),
    shipped=("shipped", "기본 제공"),
    yours=("your retrained", "직접 재학습한"),
    mixed=("shipped / your retrained", "기본 제공 / 직접 재학습한"),
    # the controls (the run history records their English labels)
    models=("models", "모델"),
    origin_shipped=("shipped", "기본 제공"),
    origin_yours=("yours (retrained in tab 3)", "내 모델 (3번 탭에서 다시 학습)"),
    epochs=("epochs", "에포크"),
    adam_lr=("learning rate (Adam): 10^x", "학습률 (Adam): 10^x"),
    halved_width=("hidden width (the second layer is half)", "은닉층 크기 (두 번째 층은 절반)"),
    training_examples=("training examples", "학습 예시 수"),
    activation=("activation", "활성화 함수"),
    relu=("ReLU", "ReLU"),
    tanh=("tanh", "tanh"),
    sigmoid=("sigmoid", "시그모이드"),
    tiles=("DNN units to show", "보여 줄 DNN 유닛 수"),
    test_digits=("test digits", "테스트 숫자 수"),
    smallest_crop=("smallest crop (pixels a side)", "가장 작은 자르기 크기 (한 변의 픽셀 수)"),
    largest_shift=("largest shift (pixels)", "가장 큰 이동 거리 (픽셀)"),
    dataset=("data set (scikit-learn)", "데이터셋 (scikit-learn)"),
    moons=("moons", "두 반달"),
    circles=("circles", "동심원"),
    blobs=("blobs", "두 덩어리"),
    hidden_units=("hidden units (0: logistic regression)", "은닉 유닛 수 (0이면 로지스틱 회귀)"),
    sgd_lr=("learning rate (SGD)", "학습률 (SGD)"),
    noise=("noise", "노이즈"),
    steps=("steps", "스텝 수"),
    lr=("learning rate", "학습률"),
    outlier=("add one outlier", "이상치 하나 추가"),
    patience=("early-stopping patience", "조기 종료 인내 횟수(patience)"),
    width=("hidden width (two layers)", "은닉층 크기 (두 층 모두)"),
    dropout=("dropout", "드롭아웃"),
    sentences_count=("training sentences", "학습 문장 수"),
    size=("embedding and state size", "임베딩·상태 크기"),
    sentences=(f"sentences to trace, one a line (up to {recurrent.MAX_SENTENCES})",
               f"단어별로 따라가 볼 문장, 한 줄에 하나씩 (최대 {recurrent.MAX_SENTENCES}개)"),
    # the fields as ui.inputs' messages name them (beside the labels above that name them the same way)
    lr_exponent=("learning rate exponent", "학습률 지수"),
    hidden_width=("hidden width", "은닉층 크기"),
    tile_count=("tiles", "보여 줄 유닛 수"),
    crop_field=("smallest crop", "가장 작은 자르기 크기"),
    shift_field=("largest shift", "가장 큰 이동 거리"),
    dataset_field=("data set", "데이터셋"),
    hidden_field=("hidden units", "은닉 유닛 수"),
    outlier_field=("outlier", "이상치"),
    patience_field=("patience", "인내 횟수"),
    sentences_field=("The sentences", "문장"),
    **{f"{lesson.key}_tab": lesson.tabs for lesson in LESSONS},
    **{f"{lesson.key}_title": lesson.titles for lesson in LESSONS},  # the run history's name for a lesson run
    **{f"{lesson.key}_about": tuple(f"### {title}\n{teaching}" for title, teaching in
                                    zip(lesson.titles, lesson.teaching, strict=True)) for lesson in LESSONS},
)


def stream(results: Iterator[lessons.Result], figures: int, *, language: str = "en") -> Iterator[tuple]:
    """A lesson's results as (text, *figures) outputs; while it runs, figures it has not drawn yet stay as they are.

    A missing data set (FileNotFoundError from training.data) becomes the lesson's text."""
    try:
        for result in results:
            shown = [plots.described(f, language=language) if f is not None
                     else (gr.update() if not result.done else None) for f in result.figures]
            shown += [gr.update() if not result.done else None] * (figures - len(shown))
            text = (result.text if result.done
                    else T.say("running", language, text=result.text, seconds=f"{result.seconds:.0f}"))
            yield text, *shown
    except FileNotFoundError as error:
        yield T.say("no_data", language, error=error), *([None] * figures)


def _origin_models(lab: Lab, origin, request: gr.Request | None, language: str) -> tuple[dict, str, str]:
    """The DNN and CNN the student asked for: ({kind: model}, the origin in words, a note when theirs is missing)."""
    origin = inputs.Fields(T, language).choice(origin, "models", ORIGINS)
    session = getattr(request, "session_hash", None)
    chosen, note, missing = {}, "", []
    for kind in ("dnn", "cnn"):  # always the digit models: a Fashion-MNIST retrain never shows up here
        mine = lab.retrained.get(session, kind) if origin != ORIGINS[0] else None
        if origin != ORIGINS[0] and mine is None:
            missing.append(kind.upper())
        chosen[kind] = mine.model if mine is not None else lab.shipped.get(kind)
    if missing:
        note = T.say("not_retrained", language, missing=T.say("either", language).join(missing))
    words = T.say("shipped" if origin == ORIGINS[0] else ("yours" if not missing else "mixed"), language)
    return chosen, words, note


def _noted(note: str, outputs: Iterator[tuple]) -> Iterator[tuple]:
    for text, *figures in outputs:
        yield (note + text if isinstance(text, str) else text), *figures


# ---- the handlers: every value checked, then the lesson streamed -----------------------------------------------------


def init_lesson(epochs, log_lr, width, examples, activation, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = initialisation.run(epochs=check.number(epochs, "epochs", 1, 15, whole=True),
                             lr=10 ** check.number(log_lr, "lr_exponent", -4, -1),
                             width=check.number(width, "hidden_width", 8, 512, whole=True),
                             examples=check.number(examples, "training_examples", 500, 10_000, whole=True),
                             activation=check.choice(activation, "activation", initialisation.ACTIVATIONS),
                             language=language)
    yield from stream(run, 1, language=language)


def make_weights_lesson(lab: Lab) -> Callable:
    def weights_lesson(tiles, origin, session, request: gr.Request = None):
        language = i18n.language(request)
        count = inputs.Fields(T, language).number(tiles, "tile_count", 16, 128, whole=True)
        chosen, words, note = _origin_models(lab, origin, request, language)
        drawing = session.get("last_digit") if isinstance(session, dict) else None
        run = weights.run(chosen["dnn"], chosen["cnn"], drawing, count, words, language=language)
        yield from _noted(note, stream(run, 3, language=language))

    return weights_lesson


def make_crop_lesson(lab: Lab) -> Callable:
    def crop_lesson(examples, smallest_crop, largest_shift, origin, request: gr.Request = None):
        language = i18n.language(request)
        check = inputs.Fields(T, language)
        settings = dict(examples=check.number(examples, "test_digits", 100, 5_000, whole=True),
                        smallest_crop=check.number(smallest_crop, "crop_field", 8, 26, whole=True),
                        largest_shift=check.number(largest_shift, "shift_field", 2, 14, whole=True))
        chosen, words, note = _origin_models(lab, origin, request, language)
        run = crops.run(chosen["dnn"], chosen["cnn"], origin=words, language=language, **settings)
        yield from _noted(note, stream(run, 2, language=language))

    return crop_lesson


def boundary_lesson(dataset, hidden, lr, noise, steps, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = boundary.run(dataset=check.choice(dataset, "dataset_field", boundary.DATASETS),
                       hidden=check.number(hidden, "hidden_field", 0, 32, whole=True),
                       lr=check.number(lr, "lr", 0.01, 10.0),
                       noise=check.number(noise, "noise", 0.0, 0.5),
                       steps=check.number(steps, "steps", 10, 3_000, whole=True), language=language)
    yield from stream(run, 2, language=language)


def regression_lesson(lr, steps, noise, outlier, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = regression.run(lr=check.number(lr, "lr", 0.001, 1.5),
                         steps=check.number(steps, "steps", 5, 500, whole=True),
                         noise=check.number(noise, "noise", 0.0, 3.0),
                         outlier=check.flag(outlier, "outlier_field"), language=language)
    yield from stream(run, 2, language=language)


def overfit_lesson(examples, epochs, patience, width, dropout, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = overfitting.run(examples=check.number(examples, "training_examples", 100, 5_000, whole=True),
                          epochs=check.number(epochs, "epochs", 5, 100, whole=True),
                          patience=check.number(patience, "patience_field", 1, 20, whole=True),
                          width=check.number(width, "hidden_width", 16, 1_024, whole=True),
                          dropout=check.number(dropout, "dropout", 0.0, 0.8), language=language)
    yield from stream(run, 1, language=language)


def recurrent_lesson(examples, epochs, size, sentences, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    sentences = inputs.text(sentences)
    if message := inputs.too_long(sentences, T.say("sentences_field", language), language=language):
        raise gr.Error(message)
    run = recurrent.run(examples=check.number(examples, "sentences_count", 200, 6_920, whole=True),
                        epochs=check.number(epochs, "epochs", 1, 5, whole=True),
                        size=check.number(size, "size", 8, 128, whole=True),
                        sentences=sentences, language=language)
    yield from stream(run, 2, language=language)


# ---- layout ----------------------------------------------------------------------------------------------------------


def _lesson_tab(lab: Lab, lesson: Lesson, handler: Callable, controls: Callable[[], list],
                extra_inputs: list) -> None:
    with gr.Tab(T[f"{lesson.key}_tab"], elem_id=f"lesson-{lesson.key}"):
        gr.Markdown(T[f"{lesson.key}_about"])
        run = gr.Button(T["run"], variant="primary", elem_id=f"run-{lesson.key}")
        with gr.Accordion(T["vary"], open=False):
            values = controls()
            reset = gr.Button(T["reset"], size="sm")
        text = gr.Markdown(elem_id=f"text-{lesson.key}")
        plots = [gr.Plot(show_label=False, elem_id=f"plot-{lesson.key}-{i}") for i in range(lesson.figures)]
        defaults = [v.value for v in values]
        reset.click(lambda: defaults, None, values, api_name=False, queue=False)
        ran = run.click(handler, values + extra_inputs, [text, *plots], api_name=f"{lesson.key}_lesson",
                        **LESSON_EVENT)
        # a finished lesson joins the run history (ui/history.py) with the values it ran with
        record = history.lesson_recorder(lab.history, lesson.key, T[f"{lesson.key}_title"],
                                         [_english(v.label) for v in values])
        ran.success(record, values, None, api_name=False, queue=False)


def _english(label) -> str:
    """A control's label as the run history records it: in English, whichever language the page shows."""
    return T.say(label.key.removeprefix("lessons."), "en") if isinstance(label, I18nData) else label


def _choices(*values: str) -> list[tuple[I18nData, str]]:
    """Radio choices shown in the page's language, their values (the API's) unchanged."""
    return [(T[value], value) for value in values]


def build(lab: Lab, session: gr.State) -> None:
    by_key = {lesson.key: lesson for lesson in LESSONS}
    origins = [(T["origin_shipped"], ORIGINS[0]), (T["origin_yours"], ORIGINS[1])]
    with gr.Tab(T["tab"], id="lessons"):
        gr.Markdown(T["intro"])
        with gr.Tabs(elem_id="lessons"):
            d = initialisation.DEFAULTS
            _lesson_tab(lab, by_key["init"], init_lesson, lambda: [
                gr.Slider(1, 15, value=d["epochs"], step=1, label=T["epochs"]),
                gr.Slider(-4, -1, value=-3, step=0.25, label=T["adam_lr"]),
                gr.Slider(8, 512, value=d["width"], step=8, label=T["halved_width"]),
                gr.Slider(500, 10_000, value=d["examples"], step=500, label=T["training_examples"]),
                gr.Radio(_choices(*initialisation.ACTIVATIONS), value=d["activation"], label=T["activation"]),
            ], [])
            _lesson_tab(lab, by_key["weights"], make_weights_lesson(lab), lambda: [
                gr.Slider(16, 128, value=weights.DEFAULTS["tiles"], step=8, label=T["tiles"]),
                gr.Radio(origins, value=ORIGINS[0], label=T["models"]),
            ], [session])
            d = crops.DEFAULTS
            _lesson_tab(lab, by_key["crop"], make_crop_lesson(lab), lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label=T["test_digits"]),
                gr.Slider(8, 26, value=d["smallest_crop"], step=2, label=T["smallest_crop"]),
                gr.Slider(2, 14, value=d["largest_shift"], step=2, label=T["largest_shift"]),
                gr.Radio(origins, value=ORIGINS[0], label=T["models"]),
            ], [])
            d = boundary.DEFAULTS
            _lesson_tab(lab, by_key["boundary"], boundary_lesson, lambda: [
                gr.Radio(_choices(*boundary.DATASETS), value=d["dataset"], label=T["dataset"]),
                gr.Slider(0, 32, value=d["hidden"], step=1, label=T["hidden_units"]),
                gr.Slider(0.01, 10, value=d["lr"], step=0.01, label=T["sgd_lr"]),
                gr.Slider(0, 0.5, value=d["noise"], step=0.05, label=T["noise"]),
                gr.Slider(10, 3_000, value=d["steps"], step=10, label=T["steps"]),
            ], [])
            d = regression.DEFAULTS
            _lesson_tab(lab, by_key["regression"], regression_lesson, lambda: [
                gr.Slider(0.001, 1.5, value=d["lr"], step=0.001, label=T["lr"]),
                gr.Slider(5, 500, value=d["steps"], step=5, label=T["steps"]),
                gr.Slider(0, 3, value=d["noise"], step=0.1, label=T["noise"]),
                gr.Checkbox(value=d["outlier"], label=T["outlier"]),
            ], [])
            d = overfitting.DEFAULTS
            _lesson_tab(lab, by_key["overfit"], overfit_lesson, lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label=T["training_examples"]),
                gr.Slider(5, 100, value=d["epochs"], step=5, label=T["epochs"]),
                gr.Slider(1, 20, value=d["patience"], step=1, label=T["patience"]),
                gr.Slider(16, 1_024, value=d["width"], step=16, label=T["width"]),
                gr.Slider(0, 0.8, value=d["dropout"], step=0.05, label=T["dropout"]),
            ], [])
            d = recurrent.DEFAULTS
            _lesson_tab(lab, by_key["recurrent"], recurrent_lesson, lambda: [
                gr.Slider(200, 6_920, value=d["examples"], step=100, label=T["sentences_count"]),
                gr.Slider(1, 5, value=d["epochs"], step=1, label=T["epochs"]),
                gr.Slider(8, 128, value=d["size"], step=8, label=T["size"]),
                gr.Textbox(value=d["sentences"], lines=4, max_lines=4, max_length=inputs.MAX_TEXT_CHARS,
                           label=T["sentences"]),
            ], [])
