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
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gradio as gr

import lessons
from lessons import boundary, crops, initialisation, overfitting, recurrent, regression, weights
from ui import history, inputs, plots
from ui.handlers import Lab

ORIGINS = ("shipped", "yours (retrained in tab 3)")
LESSON_EVENT = dict(concurrency_limit=1, concurrency_id="lessons", preprocess=False)


@dataclass
class Lesson:
    key: str  # elem_id prefix and api_name stem
    tab: str  # the sub-tab's short label (seven long ones do not fit a laptop's width)
    title: str
    teaching: str  # what to notice, in a teacher's voice
    figures: int  # gr.Plot outputs


LESSONS = [
    Lesson("init", "1 · Initialisation", "1 · Weight initialisation",
           "Where a network starts decides whether it can learn at all. From all-zero weights every hidden unit "
           "computes the same thing and gets the same gradient, so the units never become different and the "
           "network stays at the accuracy of always guessing the most common digit (about 11%). Compare a start "
           "that is far too large (Gaussian, σ = 1) with Xavier and Kaiming, which scale each layer by its size.", 1),
    Lesson("weights", "2 · What they learnt", "2 · What the networks learnt",
           "A trained network's first layer is a set of pictures. Each DNN unit has one weight per pixel: red where "
           "ink excites it, blue where ink inhibits it. The CNN's first filters are tiny 3×3 detectors slid over "
           "the whole image; below them, what each one makes of your last drawing from tab 1.", 3),
    Lesson("crop", "3 · Shifts & crops", "3 · Shifts and crops",
           "A DNN learns what each pixel means; move the digit and the pixels change meaning. Test digits are cut "
           "to a random k×k window and blown back up, or shifted by k pixels, and both networks are scored as k "
           "grows. Notice where each one breaks, and how much later the CNN does.", 2),
    Lesson("boundary", "4 · Boundary", "4 · A decision boundary",
           "A classifier splits the plane into regions; the line between them is its decision boundary. Watch it "
           "bend into shape as the small network trains, then set the hidden units to 0: without hidden units a "
           "network can only draw a straight line, and no straight line separates two moons.", 2),
    Lesson("regression", "5 · Regression", "5 · Linear regression",
           "The simplest model that learns: a line y = wx + b, fitted by stepping w and b down the slope of the "
           "loss. Push the learning rate up until the squared-error (MSE) line flies off — that is divergence — and "
           "see how one outlier drags the MSE fit but hardly moves the absolute-error (L1) one.", 2),
    Lesson("overfit", "6 · Over-fitting", "6 · Over-fitting and early stopping",
           "Given few examples and many weights, a network memorises. Watch the training loss sink towards zero "
           "while the validation loss, on images it never saw, turns and climbs. Early stopping watches that second "
           "curve and keeps the weights from its lowest point; the patience is how long it waits for a new low.", 1),
    Lesson("recurrent", "7 · RNN, LSTM, GRU", "7 · RNN, LSTM, GRU",
           "Three recurrent cells, the same sentences, the same budget. The vanilla RNN overwrites its memory at "
           "every word; the LSTM and the GRU have gates that choose what to keep. Compare accuracy, size and speed, "
           "then read the traces word by word: what does each one do with *not*?", 2),
]


def stream(results: Iterator[lessons.Result], figures: int) -> Iterator[tuple]:
    """A lesson's results as (text, *figures) outputs; while it runs, figures it has not drawn yet stay as they are.

    A missing data set (FileNotFoundError from training.data) becomes the lesson's text."""
    try:
        for result in results:
            shown = [plots.described(f) if f is not None else (gr.update() if not result.done else None)
                     for f in result.figures]
            shown += [gr.update() if not result.done else None] * (figures - len(shown))
            text = result.text if result.done else f"⏳ {result.text} ({result.seconds:.0f} s)"
            yield text, *shown
    except FileNotFoundError as error:
        yield f"⚠️ This lesson needs its data set. {error}", *([None] * figures)


def _origin_models(lab: Lab, origin, request: gr.Request | None) -> tuple[dict, str, str]:
    """The DNN and CNN the student asked for: ({kind: model}, the origin in words, a note when theirs is missing)."""
    origin = inputs.choice(origin, "models", ORIGINS)
    session = getattr(request, "session_hash", None)
    chosen, note, missing = {}, "", []
    for kind in ("dnn", "cnn"):  # always the digit models: a Fashion-MNIST retrain never shows up here
        mine = lab.retrained.get(session, kind) if origin != ORIGINS[0] else None
        if origin != ORIGINS[0] and mine is None:
            missing.append(kind.upper())
        chosen[kind] = mine.model if mine is not None else lab.shipped.get(kind)
    if missing:
        note = (f"You have not retrained a {' or a '.join(missing)} in tab 3 (or it was dropped after an hour), so "
                "the shipped one is shown.\n\n")
    words = "shipped" if origin == ORIGINS[0] else ("your retrained" if not missing else "shipped / your retrained")
    return chosen, words, note


def _noted(note: str, outputs: Iterator[tuple]) -> Iterator[tuple]:
    for text, *figures in outputs:
        yield (note + text if isinstance(text, str) else text), *figures


# ---- the handlers: every value checked, then the lesson streamed -----------------------------------------------------


def init_lesson(epochs, log_lr, width, examples, activation):
    run = initialisation.run(
        epochs=inputs.number(epochs, "epochs", 1, 15, whole=True),
        lr=10 ** inputs.number(log_lr, "learning rate exponent", -4, -1),
        width=inputs.number(width, "hidden width", 8, 512, whole=True),
        examples=inputs.number(examples, "training examples", 500, 10_000, whole=True),
        activation=inputs.choice(activation, "activation", initialisation.ACTIVATIONS))
    yield from stream(run, 1)


def make_weights_lesson(lab: Lab) -> Callable:
    def weights_lesson(tiles, origin, session, request: gr.Request = None):
        count = inputs.number(tiles, "tiles", 16, 128, whole=True)
        chosen, words, note = _origin_models(lab, origin, request)
        drawing = session.get("last_digit") if isinstance(session, dict) else None
        yield from _noted(note, stream(weights.run(chosen["dnn"], chosen["cnn"], drawing, count, words), 3))

    return weights_lesson


def make_crop_lesson(lab: Lab) -> Callable:
    def crop_lesson(examples, smallest_crop, largest_shift, origin, request: gr.Request = None):
        settings = dict(examples=inputs.number(examples, "test digits", 100, 5_000, whole=True),
                        smallest_crop=inputs.number(smallest_crop, "smallest crop", 8, 26, whole=True),
                        largest_shift=inputs.number(largest_shift, "largest shift", 2, 14, whole=True))
        chosen, words, note = _origin_models(lab, origin, request)
        yield from _noted(note, stream(crops.run(chosen["dnn"], chosen["cnn"], origin=words, **settings), 2))

    return crop_lesson


def boundary_lesson(dataset, hidden, lr, noise, steps):
    run = boundary.run(dataset=inputs.choice(dataset, "data set", boundary.DATASETS),
                       hidden=inputs.number(hidden, "hidden units", 0, 32, whole=True),
                       lr=inputs.number(lr, "learning rate", 0.01, 10.0),
                       noise=inputs.number(noise, "noise", 0.0, 0.5),
                       steps=inputs.number(steps, "steps", 10, 3_000, whole=True))
    yield from stream(run, 2)


def regression_lesson(lr, steps, noise, outlier):
    run = regression.run(lr=inputs.number(lr, "learning rate", 0.001, 1.5),
                         steps=inputs.number(steps, "steps", 5, 500, whole=True),
                         noise=inputs.number(noise, "noise", 0.0, 3.0),
                         outlier=inputs.flag(outlier, "outlier"))
    yield from stream(run, 2)


def overfit_lesson(examples, epochs, patience, width, dropout):
    run = overfitting.run(examples=inputs.number(examples, "training examples", 100, 5_000, whole=True),
                          epochs=inputs.number(epochs, "epochs", 5, 100, whole=True),
                          patience=inputs.number(patience, "patience", 1, 20, whole=True),
                          width=inputs.number(width, "hidden width", 16, 1_024, whole=True),
                          dropout=inputs.number(dropout, "dropout", 0.0, 0.8))
    yield from stream(run, 1)


def recurrent_lesson(examples, epochs, size, sentences):
    sentences = inputs.text(sentences)
    if message := inputs.too_long(sentences, "The sentences"):
        raise gr.Error(message)
    run = recurrent.run(examples=inputs.number(examples, "training sentences", 200, 6_920, whole=True),
                        epochs=inputs.number(epochs, "epochs", 1, 5, whole=True),
                        size=inputs.number(size, "embedding and state size", 8, 128, whole=True),
                        sentences=sentences)
    yield from stream(run, 2)


# ---- layout ----------------------------------------------------------------------------------------------------------


def _lesson_tab(lab: Lab, lesson: Lesson, handler: Callable, controls: Callable[[], list],
                extra_inputs: list) -> None:
    with gr.Tab(lesson.tab, elem_id=f"lesson-{lesson.key}"):
        gr.Markdown(f"### {lesson.title.split(' · ', 1)[1]}\n{lesson.teaching}")
        run = gr.Button("▶ Run this lesson", variant="primary", elem_id=f"run-{lesson.key}")
        with gr.Accordion("Vary it (the controls start at the lesson's defaults)", open=False):
            values = controls()
            reset = gr.Button("Back to the defaults", size="sm")
        text = gr.Markdown(elem_id=f"text-{lesson.key}")
        plots = [gr.Plot(show_label=False, elem_id=f"plot-{lesson.key}-{i}") for i in range(lesson.figures)]
        defaults = [v.value for v in values]
        reset.click(lambda: defaults, None, values, api_name=False, queue=False)
        ran = run.click(handler, values + extra_inputs, [text, *plots], api_name=f"{lesson.key}_lesson",
                        **LESSON_EVENT)
        # a finished lesson joins the run history (ui/history.py) with the values it ran with
        ran.success(history.lesson_recorder(lab.history, lesson.key, lesson.title.split(" · ", 1)[1],
                                            [v.label for v in values]), values, None, api_name=False, queue=False)


def build(lab: Lab, session: gr.State) -> None:
    by_key = {lesson.key: lesson for lesson in LESSONS}
    with gr.Tab("4 · Lessons", id="lessons"):
        gr.Markdown("Seven short experiments from the tutorials this playground grew from. Each runs in seconds "
                    "with one click; open *Vary it* to change it. Every plot comes from the run you just did.")
        with gr.Tabs(elem_id="lessons"):
            d = initialisation.DEFAULTS
            _lesson_tab(lab, by_key["init"], init_lesson, lambda: [
                gr.Slider(1, 15, value=d["epochs"], step=1, label="epochs"),
                gr.Slider(-4, -1, value=-3, step=0.25, label="learning rate (Adam): 10^x"),
                gr.Slider(8, 512, value=d["width"], step=8, label="hidden width (the second layer is half)"),
                gr.Slider(500, 10_000, value=d["examples"], step=500, label="training examples"),
                gr.Radio(list(initialisation.ACTIVATIONS), value=d["activation"], label="activation"),
            ], [])
            _lesson_tab(lab, by_key["weights"], make_weights_lesson(lab), lambda: [
                gr.Slider(16, 128, value=weights.DEFAULTS["tiles"], step=8, label="DNN units to show"),
                gr.Radio(list(ORIGINS), value=ORIGINS[0], label="models"),
            ], [session])
            d = crops.DEFAULTS
            _lesson_tab(lab, by_key["crop"], make_crop_lesson(lab), lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label="test digits"),
                gr.Slider(8, 26, value=d["smallest_crop"], step=2, label="smallest crop (pixels a side)"),
                gr.Slider(2, 14, value=d["largest_shift"], step=2, label="largest shift (pixels)"),
                gr.Radio(list(ORIGINS), value=ORIGINS[0], label="models"),
            ], [])
            d = boundary.DEFAULTS
            _lesson_tab(lab, by_key["boundary"], boundary_lesson, lambda: [
                gr.Radio(list(boundary.DATASETS), value=d["dataset"], label="data set (scikit-learn)"),
                gr.Slider(0, 32, value=d["hidden"], step=1, label="hidden units (0: logistic regression)"),
                gr.Slider(0.01, 10, value=d["lr"], step=0.01, label="learning rate (SGD)"),
                gr.Slider(0, 0.5, value=d["noise"], step=0.05, label="noise"),
                gr.Slider(10, 3_000, value=d["steps"], step=10, label="steps"),
            ], [])
            d = regression.DEFAULTS
            _lesson_tab(lab, by_key["regression"], regression_lesson, lambda: [
                gr.Slider(0.001, 1.5, value=d["lr"], step=0.001, label="learning rate"),
                gr.Slider(5, 500, value=d["steps"], step=5, label="steps"),
                gr.Slider(0, 3, value=d["noise"], step=0.1, label="noise"),
                gr.Checkbox(value=d["outlier"], label="add one outlier"),
            ], [])
            d = overfitting.DEFAULTS
            _lesson_tab(lab, by_key["overfit"], overfit_lesson, lambda: [
                gr.Slider(100, 5_000, value=d["examples"], step=100, label="training examples"),
                gr.Slider(5, 100, value=d["epochs"], step=5, label="epochs"),
                gr.Slider(1, 20, value=d["patience"], step=1, label="early-stopping patience"),
                gr.Slider(16, 1_024, value=d["width"], step=16, label="hidden width (two layers)"),
                gr.Slider(0, 0.8, value=d["dropout"], step=0.05, label="dropout"),
            ], [])
            d = recurrent.DEFAULTS
            _lesson_tab(lab, by_key["recurrent"], recurrent_lesson, lambda: [
                gr.Slider(200, 6_920, value=d["examples"], step=100, label="training sentences"),
                gr.Slider(1, 5, value=d["epochs"], step=1, label="epochs"),
                gr.Slider(8, 128, value=d["size"], step=8, label="embedding and state size"),
                gr.Textbox(value=d["sentences"], lines=4, max_lines=4, max_length=inputs.MAX_TEXT_CHARS,
                           label=f"sentences to trace, one a line (up to {recurrent.MAX_SENTENCES})"),
            ], [])
