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
from dataclasses import dataclass

import gradio as gr
from gradio.i18n import I18nData

import lessons
from lessons import boundary, crops, initialisation, overfitting, recurrent, regression, weights
from ui import history, i18n, inputs, plots
from ui.handlers import Lab

ORIGINS = ("shipped", "yours (retrained in tab 3)")  # the radio's values (and the API's); shown in the page's language
LESSON_EVENT = dict(concurrency_limit=1, concurrency_id="lessons", preprocess=False)


@dataclass
class Lesson:
    key: str  # elem_id prefix and api_name stem
    tabs: tuple[str, str]  # the sub-tab's short label, English and Korean (seven long ones do not fit a laptop's width)
    titles: tuple[str, str]
    teaching: tuple[str, str]  # what to notice, in a teacher's voice
    figures: int  # gr.Plot outputs

    @property
    def tab(self) -> str:
        return self.tabs[0]


LESSONS = [
    Lesson("init", ("1 · Initialisation", "1 · 초기화"), ("Weight initialisation", "가중치 초기화"), (
        "Where a network starts decides whether it can learn at all. From all-zero weights every hidden unit "
        "computes the same thing and gets the same gradient, so the units never become different and the "
        "network stays at the accuracy of always guessing the most common digit (about 11%). Compare a start "
        "that is far too large (Gaussian, σ = 1) with Xavier and Kaiming, which scale each layer by its size.",
        "신경망이 어디에서 출발하느냐에 따라 학습이 될지 말지가 갈려요. 가중치를 모두 0으로 두고 시작하면 은닉층의 "
        "유닛이 전부 똑같은 값을 계산하고 똑같은 기울기를 받아요. 그래서 유닛들이 끝내 서로 달라지지 못하고, 정확도는 "
        "가장 흔한 숫자 하나만 계속 찍는 수준(약 11%)에 머물러요. 너무 크게 시작하는 경우(가우시안, σ = 1)와, 층의 "
        "크기에 맞춰 가중치 크기를 조절하는 Xavier·Kaiming 초기화를 비교해 보세요."), 1),
    Lesson("weights", ("2 · What they learnt", "2 · 무엇을 배웠나"),
           ("What the networks learnt", "신경망은 무엇을 배웠을까"), (
        "A trained network's first layer is a set of pictures. Each DNN unit has one weight per pixel: red where "
        "ink excites it, blue where ink inhibits it. The CNN's first filters are tiny 3×3 detectors slid over "
        "the whole image; below them, what each one makes of your last drawing from tab 1.",
        "학습을 마친 신경망의 첫 번째 층은 그림 여러 장으로 볼 수 있어요. DNN의 유닛 하나는 픽셀마다 가중치를 하나씩 "
        "가지고 있어요. 빨간색은 그 자리에 잉크가 있으면 유닛이 활성화되는 곳, 파란색은 오히려 억제되는 곳이에요. "
        "CNN의 첫 번째 필터들은 이미지 전체를 훑고 지나가는 3×3 크기의 작은 검출기예요. 그 아래에는 1번 탭에서 "
        "마지막으로 그린 숫자를 필터마다 어떻게 보는지 나와요."), 3),
    Lesson("crop", ("3 · Shifts & crops", "3 · 이동과 자르기"), ("Shifts and crops", "이동과 자르기"), (
        "A DNN learns what each pixel means; move the digit and the pixels change meaning. Test digits are cut "
        "to a random k×k window and blown back up, or shifted by k pixels, and both networks are scored as k "
        "grows. Notice where each one breaks, and how much later the CNN does.",
        "DNN은 픽셀 하나하나가 무슨 뜻인지를 배워요. 그래서 숫자를 옮기면 픽셀의 뜻이 달라져 버리죠. 테스트 숫자를 "
        "무작위 k×k 창으로 잘라 다시 확대하거나 k픽셀만큼 옮긴 뒤, k를 바꿔 가며 두 신경망의 정확도를 재 봐요. 각 "
        "신경망이 어디서 무너지는지, 그리고 CNN은 얼마나 더 버티는지 눈여겨보세요."), 2),
    Lesson("boundary", ("4 · Boundary", "4 · 결정 경계"), ("A decision boundary", "결정 경계"), (
        "A classifier splits the plane into regions; the line between them is its decision boundary. Watch it "
        "bend into shape as the small network trains, then set the hidden units to 0: without hidden units a "
        "network can only draw a straight line, and no straight line separates two moons.",
        "분류기는 평면을 여러 영역으로 나눠요. 그 영역 사이의 경계선을 결정 경계라고 해요. 작은 신경망이 학습하면서 "
        "경계가 점점 휘어 모양을 잡아 가는 걸 지켜보세요. 그다음 은닉 유닛을 0으로 바꿔 보세요. 은닉 유닛이 없으면 "
        "신경망은 직선밖에 그을 수 없는데, 두 개의 반달은 어떤 직선으로도 나눌 수 없어요."), 2),
    Lesson("regression", ("5 · Regression", "5 · 선형 회귀"), ("Linear regression", "선형 회귀"), (
        "The simplest model that learns: a line y = wx + b, fitted by stepping w and b down the slope of the "
        "loss. Push the learning rate up until the squared-error (MSE) line flies off — that is divergence — and "
        "see how one outlier drags the MSE fit but hardly moves the absolute-error (L1) one.",
        "학습하는 모델 가운데 가장 단순한 모델, 직선 y = wx + b예요. 손실의 기울기를 따라 내려가도록 w와 b를 조금씩 "
        "바꿔 가며 직선을 맞춰요. 학습률을 올려 가며 제곱 오차(MSE) 직선이 튕겨 나가는 순간을 찾아보세요. 그게 "
        "바로 발산이에요. 그리고 이상치 하나가 MSE 직선은 크게 끌어당기지만 절대 오차(L1) 직선은 거의 움직이지 "
        "못한다는 것도 확인해 보세요."), 2),
    Lesson("overfit", ("6 · Over-fitting", "6 · 과적합"), ("Over-fitting and early stopping", "과적합과 조기 종료"), (
        "Given few examples and many weights, a network memorises. Watch the training loss sink towards zero "
        "while the validation loss, on images it never saw, turns and climbs. Early stopping watches that second "
        "curve and keeps the weights from its lowest point; the patience is how long it waits for a new low.",
        "학습 예시는 적은데 가중치가 많으면 신경망은 답을 외워 버려요. 학습 손실은 0을 향해 떨어지는데, 한 번도 본 "
        "적 없는 이미지로 잰 검증 손실은 어느 순간 방향을 바꿔 올라가요. 그 모습을 지켜보세요. 조기 종료는 이 검증 "
        "손실 곡선을 지켜보다가 가장 낮았던 지점의 가중치를 남겨요. 인내 횟수(patience)는 새 최저점이 나오기를 몇 "
        "에포크까지 기다릴지 정하는 값이에요."),
        1),
    Lesson("recurrent", ("7 · RNN, LSTM, GRU", "7 · RNN, LSTM, GRU"), ("RNN, LSTM, GRU", "RNN, LSTM, GRU"), (
        "Three recurrent cells, the same sentences, the same budget. The vanilla RNN overwrites its memory at "
        "every word; the LSTM and the GRU have gates that choose what to keep. Compare accuracy, size and speed, "
        "then read the traces word by word: what does each one do with *not*?",
        "순환 셀 세 가지를 같은 문장으로, 같은 조건에서 학습시켜요. 기본 RNN은 단어를 하나 읽을 때마다 기억을 "
        "덮어써요. LSTM과 GRU에는 무엇을 남길지 고르는 게이트가 있고요. 정확도와 크기, 속도를 비교한 다음, 단어별 "
        "변화를 하나씩 읽어 보세요. 모델마다 *not*을 만나면 어떻게 반응하나요?"), 2),
]

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
