"""Tab 4: the tutorials' lessons, one sub-tab each: a few sentences on what to notice, one Run button (the
controls start at the lesson's defaults), its plots, and the controls to vary it.

The experiments live in lessons/ and return numbers and keys; this module
checks every value a client sends (ui.inputs: a gr.Error naming the field,
never a crash), runs the lesson and streams its results, each one put into
words and figures by the lesson's `show` in the language of the request.
Lessons train in the server process, so all of them share one slot
(`concurrency_id="lessons"`, limit 1): thirty students pressing Run wait in
the queue instead of taking the CPU that serves digit predictions, and torch
uses the one intra-op thread app.py sets. At their defaults the lessons took
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
from figures import plots
from lessons import boundary, crops, initialisation, overfitting, recurrent, regression, weights
from ui import history, i18n, inputs
from ui.lessons.catalogue import LESSONS, Lesson
from ui.state import AppState

ORIGINS = ("shipped", "yours")  # the radio's values (and the API's); shown in the page's language
ORIGIN_ALIASES = {"yours (retrained in tab 3)": "yours"}  # what the API took before; still taken
LESSON_EVENT = dict(concurrency_limit=1, concurrency_id="lessons", preprocess=False)


T = i18n.Texts("lessons")


def stream(results: Iterator[lessons.Result], show: Callable, figures: int, *, language: str = "en"
           ) -> Iterator[tuple]:
    """A lesson's results as (text, *figures) outputs, each shown in `language` as it comes (`show`: the lesson's,
    lessons/); while it runs, figures it has not drawn yet stay as they are.

    A missing data set (FileNotFoundError from training.datasets) becomes the lesson's text."""
    try:
        for result in results:
            said = show(result, language)
            shown = [plots.described(f, language=language) if f is not None
                     else (gr.update() if not result.done else None) for f in said.figures]
            shown += [gr.update() if not result.done else None] * (figures - len(shown))
            text = (said.text if result.done
                    else T.say("running", language, text=said.text, seconds=f"{result.seconds:.0f}"))
            yield text, *shown
    except FileNotFoundError as error:
        yield T.say("no_data", language, error=error), *([None] * figures)


def _origin_models(state: AppState, origin, request: gr.Request | None, language: str) -> tuple[dict, str, str]:
    """The DNN and CNN the student asked for: ({kind: model}, where they come from ("shipped", "yours" or "mixed"),
    a note when theirs is missing)."""
    origin = inputs.Fields(T, language).choice(ORIGIN_ALIASES.get(origin, origin), "models", ORIGINS)
    session = getattr(request, "session_hash", None)
    chosen, note, missing = {}, "", []
    for kind in ("dnn", "cnn"):  # always the digit models: a Fashion-MNIST retrain never shows up here
        mine = state.retrained.get(session, kind) if origin != ORIGINS[0] else None
        if origin != ORIGINS[0] and mine is None:
            missing.append(kind.upper())
        chosen[kind] = mine.model if mine is not None else state.shipped.get(kind)
    if missing:
        note = T.say("not_retrained", language, missing=T.say("either", language).join(missing))
    return chosen, "shipped" if origin == ORIGINS[0] else ("yours" if not missing else "mixed"), note


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
                             activation=check.choice(activation, "activation", initialisation.ACTIVATIONS))
    yield from stream(run, initialisation.show, 1, language=language)


def make_weights_lesson(state: AppState) -> Callable:
    def weights_lesson(tiles, origin, session, request: gr.Request = None):
        language = i18n.language(request)
        count = inputs.Fields(T, language).number(tiles, "tile_count", 16, 128, whole=True)
        chosen, where, note = _origin_models(state, origin, request, language)
        drawing = session.get("last_digit") if isinstance(session, dict) else None
        run = weights.run(chosen["dnn"], chosen["cnn"], drawing, count, where)
        yield from _noted(note, stream(run, weights.show, 3, language=language))

    return weights_lesson


def make_crop_lesson(state: AppState) -> Callable:
    def crop_lesson(examples, smallest_crop, largest_shift, origin, request: gr.Request = None):
        language = i18n.language(request)
        check = inputs.Fields(T, language)
        settings = dict(examples=check.number(examples, "test_digits", 100, 5_000, whole=True),
                        smallest_crop=check.number(smallest_crop, "crop_field", 8, 26, whole=True),
                        largest_shift=check.number(largest_shift, "shift_field", 2, 14, whole=True))
        chosen, where, note = _origin_models(state, origin, request, language)
        run = crops.run(chosen["dnn"], chosen["cnn"], origin=where, **settings)
        yield from _noted(note, stream(run, crops.show, 2, language=language))

    return crop_lesson


def boundary_lesson(dataset, hidden, lr, noise, steps, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = boundary.run(dataset=check.choice(dataset, "dataset_field", boundary.DATASETS),
                       hidden=check.number(hidden, "hidden_field", 0, 32, whole=True),
                       lr=check.number(lr, "lr", 0.01, 10.0),
                       noise=check.number(noise, "noise", 0.0, 0.5),
                       steps=check.number(steps, "steps", 10, 3_000, whole=True))
    yield from stream(run, boundary.show, 2, language=language)


def regression_lesson(lr, steps, noise, outlier, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = regression.run(lr=check.number(lr, "lr", 0.001, 1.5),
                         steps=check.number(steps, "steps", 5, 500, whole=True),
                         noise=check.number(noise, "noise", 0.0, 3.0),
                         outlier=check.flag(outlier, "outlier_field"))
    yield from stream(run, regression.show, 2, language=language)


def overfit_lesson(examples, epochs, patience, width, dropout, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    run = overfitting.run(examples=check.number(examples, "training_examples", 100, 5_000, whole=True),
                          epochs=check.number(epochs, "epochs", 5, 100, whole=True),
                          patience=check.number(patience, "patience_field", 1, 20, whole=True),
                          width=check.number(width, "hidden_width", 16, 1_024, whole=True),
                          dropout=check.number(dropout, "dropout", 0.0, 0.8))
    yield from stream(run, overfitting.show, 1, language=language)


def recurrent_lesson(examples, epochs, size, sentences, request: gr.Request = None):
    language = i18n.language(request)
    check = inputs.Fields(T, language)
    sentences = inputs.text(sentences)
    if message := inputs.too_long(sentences, T.say("sentences_field", language), language=language):
        raise gr.Error(message)
    run = recurrent.run(examples=check.number(examples, "sentences_count", 200, 6_920, whole=True),
                        epochs=check.number(epochs, "epochs", 1, 5, whole=True),
                        size=check.number(size, "size", 8, 128, whole=True),
                        sentences=sentences)
    yield from stream(run, recurrent.show, 2, language=language)


# ---- layout ----------------------------------------------------------------------------------------------------------


def _lesson_tab(state: AppState, lesson: Lesson, handler: Callable, controls: Callable[[], list],
                extra_inputs: list) -> None:
    with gr.Tab(T.tab(f"{lesson.key}_tab", LESSONS.index(lesson)), elem_id=f"lesson-{lesson.key}"):
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
        record = history.lesson_recorder(state.history, lesson.key, T[f"{lesson.key}_title"],
                                         [_english(v.label) for v in values])
        ran.success(record, values, None, api_name=False, queue=False)


def _english(label) -> str:
    """A control's label as the run history records it: in English, whichever language the page shows."""
    return i18n.translated(label, i18n.DEFAULT)


def _choices(*values: str) -> list[tuple[I18nData, str]]:
    """Radio choices shown in the page's language, their values (the API's) unchanged."""
    return [(T[value], value) for value in values]


def build(state: AppState, session: gr.State) -> None:
    by_key = {lesson.key: lesson for lesson in LESSONS}
    origins = [(T["origin_shipped"], ORIGINS[0]), (T["origin_yours"], ORIGINS[1])]
    with gr.Tab(T.tab("tab", i18n.TABS.index("lessons")), id="lessons"):
        gr.Markdown(T["intro"])
        with gr.Tabs(elem_id="lessons"):
            d = initialisation.DEFAULTS
            _lesson_tab(state, by_key["init"], init_lesson, lambda: [
                gr.Slider(1, 15, value=d["epochs"], step=1, label=T["epochs"]),
                gr.Slider(-4, -1, value=-3, step=0.25, label=T["adam_lr"]),
                gr.Slider(8, 512, value=d["width"], step=8, label=T["halved_width"]),
                gr.Slider(500, 10_000, value=d["examples"], step=500, label=T["training_examples"]),
                gr.Radio(_choices(*initialisation.ACTIVATIONS), value=d["activation"], label=T["activation"]),
            ], [])
            _lesson_tab(state, by_key["weights"], make_weights_lesson(state), lambda: [
                gr.Slider(16, 128, value=weights.DEFAULTS["tiles"], step=8, label=T["tiles"]),
                gr.Radio(origins, value=ORIGINS[0], label=T["models"]),
            ], [session])
            d = crops.DEFAULTS
            _lesson_tab(state, by_key["crop"], make_crop_lesson(state), lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label=T["test_digits"]),
                gr.Slider(8, 26, value=d["smallest_crop"], step=2, label=T["smallest_crop"]),
                gr.Slider(2, 14, value=d["largest_shift"], step=2, label=T["largest_shift"]),
                gr.Radio(origins, value=ORIGINS[0], label=T["models"]),
            ], [])
            d = boundary.DEFAULTS
            _lesson_tab(state, by_key["boundary"], boundary_lesson, lambda: [
                gr.Radio(_choices(*boundary.DATASETS), value=d["dataset"], label=T["dataset"]),
                gr.Slider(0, 32, value=d["hidden"], step=1, label=T["hidden_units"]),
                gr.Slider(0.01, 10, value=d["lr"], step=0.01, label=T["sgd_lr"]),
                gr.Slider(0, 0.5, value=d["noise"], step=0.05, label=T["noise"]),
                gr.Slider(10, 3_000, value=d["steps"], step=10, label=T["steps"]),
            ], [])
            d = regression.DEFAULTS
            _lesson_tab(state, by_key["regression"], regression_lesson, lambda: [
                gr.Slider(0.001, 1.5, value=d["lr"], step=0.001, label=T["lr"]),
                gr.Slider(5, 500, value=d["steps"], step=5, label=T["steps"]),
                gr.Slider(0, 3, value=d["noise"], step=0.1, label=T["noise"]),
                gr.Checkbox(value=d["outlier"], label=T["outlier"]),
            ], [])
            d = overfitting.DEFAULTS
            _lesson_tab(state, by_key["overfit"], overfit_lesson, lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label=T["training_examples"]),
                gr.Slider(5, 100, value=d["epochs"], step=5, label=T["epochs"]),
                gr.Slider(1, 20, value=d["patience"], step=1, label=T["patience"]),
                gr.Slider(16, 1_024, value=d["width"], step=16, label=T["width"]),
                gr.Slider(0, 0.8, value=d["dropout"], step=0.05, label=T["dropout"]),
            ], [])
            d = recurrent.DEFAULTS
            _lesson_tab(state, by_key["recurrent"], recurrent_lesson, lambda: [
                gr.Slider(200, 6_920, value=d["examples"], step=100, label=T["sentences_count"]),
                gr.Slider(1, 5, value=d["epochs"], step=1, label=T["epochs"]),
                gr.Slider(8, 128, value=d["size"], step=8, label=T["size"]),
                gr.Textbox(value=d["sentences"], lines=4, max_lines=4, max_length=inputs.MAX_TEXT_CHARS,
                           label=T.static("sentences", most=recurrent.MAX_SENTENCES)),
            ], [])
