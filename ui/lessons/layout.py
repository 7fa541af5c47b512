"""Tab 4: the tutorials' lessons, one sub-tab each: a few sentences on what to notice, one Run button (the
controls start at the lesson's defaults), its plots, and the controls to vary it.

The experiments live in lessons/: each declares its controls once
(lessons/controls.py) and returns numbers and keys. From a lesson's controls
this module builds its widgets, its handler (the API's parameters, one per
control), the check of every value a client sends (ui.inputs: a gr.Error
naming the field, never a crash), the run history's names and the reset. It
runs the lesson and streams its results, each one put into words and figures
by the lesson's `show` in the language of the request.
Lessons train in lesson processes at the lowest priority
(ui/lessons/runner.py), runner.WORKERS at a time, so what runs never takes the
server's time from digit predictions; a run on the shipped models is shared by
everyone who asks for the same settings (ui/lessons/shared.py): thirty
students pressing Run at the defaults get one run's answer. At their defaults the lessons took
0.05–7.5 s each on the 2-core development machine (python -m benchmarks.lessons);
lesson 3, which now also trains a DNN without augmentation, about 11 CPU
seconds. A missing data set comes back as the lesson's text.

Everything a handler returns (the lesson's text, its plots' titles, axes,
legends and hover text, a refused value) is in the language of the request
that asked (ui/i18n.py); the run history records the lesson's English title
and labels, whichever language the page shows.
"""
import inspect
from collections.abc import Callable, Iterator

import gradio as gr
from gradio.i18n import I18nData

import lessons
from figures import plots
from lessons.controls import ORIGIN, Control, defaults
from lessons.points import PointsError, parse
from training.datasets import MissingData
from ui import history, i18n, inputs
from ui.lessons import points, runner
from ui.lessons.catalogue import LESSONS, Lesson
from ui.lessons.shared import Shared
from ui.state import AppState, session_of

LESSON = {lesson.key: lesson for lesson in LESSONS}
TEXT_LINES = 4  # a text control's box: one sentence a line (the recurrent lesson traces up to four)
# requests in the handler at once: runner.WORKERS run, the others join a run of the same settings or wait for a
# process (ui/lessons/shared.py); each holds one of gradio's threads while it waits (app.py's max_threads)
SHARING = 16
LESSON_EVENT = dict(concurrency_limit=SHARING, concurrency_id="lessons", preprocess=False)


T = i18n.Texts("lessons")


def outputs(result: lessons.Result, show: Callable, figures: int, language: str) -> tuple:
    """One of a lesson's results as its (text, *figures) outputs in `language` (`show`: the lesson's, lessons/);
    while it runs, figures it has not drawn yet stay as they are."""
    said = show(result, language)
    shown = [plots.described(f, language=language) if f is not None
             else (gr.update() if not result.done else None) for f in said.figures]
    shown += [gr.update() if not result.done else None] * (figures - len(shown))
    text = (said.text if result.done
            else T.say("running", language, text=said.text, seconds=f"{result.seconds:.0f}"))
    return text, *shown


def stream(results: Iterator[tuple], figures: int, *, language: str = "en") -> Iterator[tuple]:
    """A lesson's outputs as they come; a missing data set (training.datasets' MissingData) becomes the lesson's
    text, naming the data set but not the server's folder."""
    try:
        yield from results
    except MissingData as error:
        yield T.say("no_data", language, what=error.what), *([None] * figures)


def key(module: str, settings: dict) -> tuple:
    """What names a lesson's run for sharing: its module and settings (the shipped models by identity; where each
    model comes from, a dict, as its sorted items)."""
    return module, tuple(sorted((name, tuple(sorted(value.items())) if isinstance(value, dict) else value)
                                for name, value in settings.items()))


def _origin_models(state: AppState, origin: str, request: gr.Request | None, language: str
                   ) -> tuple[dict, dict, str]:
    """The DNN and CNN the student asked for (`origin`: "shipped" or "yours"): ({kind: model}, {kind: where that one
    comes from, "shipped" or "yours"}, a note when theirs is missing)."""
    session = session_of(request)
    chosen, origins, note, missing = {}, {}, "", []
    for kind in ("dnn", "cnn"):  # always the digit models: a Fashion-MNIST retrain never shows up here
        mine = state.retrained.get(session, kind) if origin != "shipped" else None
        if origin != "shipped" and mine is None:
            missing.append(kind.upper())
        chosen[kind] = mine.model if mine is not None else state.shipped.get(kind)
        origins[kind] = "yours" if mine is not None else "shipped"
    if missing:
        note = T.say("not_retrained", language, missing=T.say("either", language).join(missing))
    return chosen, origins, note


def _noted(note: str, outputs: Iterator[tuple]) -> Iterator[tuple]:
    for text, *figures in outputs:
        yield (note + text if isinstance(text, str) else text), *figures


# ---- the checks and the handler, from the lesson's controls ----------------------------------------------------------


def checked(controls: tuple[Control, ...], values: list, language: str) -> dict:
    """{name: value} of `controls`, each raw value checked as its kind asks (a gr.Error naming the first one refused,
    in `language`); a choice's old value (its aliases) taken as the one it means now."""
    check, settings = inputs.Fields(T, language), {}
    for control, value in zip(controls, values, strict=True):
        if control.kind in ("whole", "float"):
            value = check.number(value, control.refused_as, control.low, control.high, whole=control.kind == "whole")
        elif control.kind == "choice":
            value = check.choice(control.aliases.get(value, value) if isinstance(value, str) else value,
                                 control.refused_as, control.choices)
        elif control.kind == "flag":
            value = check.flag(value, control.refused_as)
        elif control.kind == "points":  # read here to name a bad line; the lesson reads the same text again
            value = inputs.text(value)
            try:
                parse(value)
            except PointsError as error:
                raise gr.Error(error.message.say(language)) from None
        else:
            value = inputs.text(value)  # None and non-text count as empty: the lesson then uses its own
            if message := inputs.too_long(value, T.say(control.refused_as, language), language=language):
                raise gr.Error(message)
        settings[control.name] = value
    return settings


def _completed(lesson: Lesson, state: AppState | None, settings: dict, session, request: gr.Request | None,
               language: str) -> tuple[dict, str]:
    """A lesson's checked `settings` with what its run also reads: the models its `origin` picks, the session's last
    drawing; and a note when the student's own models are missing."""
    settings, note = dict(settings), ""
    if ORIGIN in lesson.experiment.CONTROLS:
        chosen, settings["origin"], note = _origin_models(state, settings["origin"], request, language)
        settings.update(dnn=chosen["dnn"], cnn=chosen["cnn"])
    if lesson.drawing:
        settings["pixels"] = session.get("last_digit") if isinstance(session, dict) else None
    return settings, note


def warm(state: AppState):
    """Compute every lesson at its defaults in the background (one lesson process, lowest priority), so the first
    class to press Run finds the answers ready; the thread doing it, or None when the lessons are not shared."""
    if not isinstance(state.lessons, Shared):
        return None
    jobs = []
    for lesson in LESSONS:
        settings, _ = _completed(lesson, state, defaults(lesson.experiment.CONTROLS), {}, None, i18n.DEFAULT)
        jobs.append((key(lesson.experiment.__name__, settings), lesson.experiment.__name__, settings))
    return state.lessons.warm(jobs)


def handler(lesson: Lesson, state: AppState | None = None) -> Callable:
    """The Run button's handler, also the API's `<key>_lesson`: one parameter per control, named as the control,
    then the session for a lesson that reads the last drawing, then gradio's request. Every value is checked, the
    lesson run with them (and with the models its `origin` control picks from `state`), and its results streamed
    in the request's language."""
    experiment = lesson.experiment
    controls = experiment.CONTROLS
    given_defaults = {control.name: control.default for control in controls} | ({"session": None} if lesson.drawing
                                                                                   else {})
    # gradio reads a handler's parameters for the API's names and for where to pass the request: these are the
    # controls', however many the lesson declares
    signature = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
         for name, default in given_defaults.items()] +
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)])

    def run_lesson(*args, **kwargs) -> Iterator[tuple]:
        given = signature.bind(*args, **kwargs)
        given.apply_defaults()
        request = given.arguments.get("request")
        language = i18n.language(request)
        settings = checked(controls, [given.arguments[control.name] for control in controls], language)
        settings, note = _completed(lesson, state, settings, given.arguments.get("session"), request, language)
        pool = state.lessons if state is not None else runner.InProcess()  # a process of its own in the app
        module = experiment.__name__

        def render(result: lessons.Result, language: str) -> tuple:
            return outputs(result, experiment.show, lesson.figures, language)

        # a run on the shipped models and no drawing of the student's is the same for everyone: shared
        origins = settings.get("origin", {})  # where each model comes from (_origin_models)
        shareable = set(origins.values() if isinstance(origins, dict) else [origins]) <= {"shipped"} and \
            settings.get("pixels") is None
        if isinstance(pool, Shared) and shareable:
            shown = pool.outputs(key(module, settings), module, settings, render, language)
        else:
            shown = (render(result, language) for result in pool.run(module, settings))
        yield from _noted(note, stream(shown, lesson.figures, language=language))

    run_lesson.__signature__ = signature
    run_lesson.__annotations__ = {"request": gr.Request}
    run_lesson.__name__ = run_lesson.__qualname__ = f"{lesson.key}_lesson"
    return run_lesson


# ---- layout ----------------------------------------------------------------------------------------------------------


def label(control: Control) -> I18nData:
    """A control's label, shown in the page's language."""
    return T.static(control.label, **control.label_values) if control.label_values else T[control.label]


def widget(control: Control) -> gr.components.Component:
    """A control's widget, at its default: a slider, a radio, a checkbox or a text box."""
    if control.kind in ("whole", "float"):
        return gr.Slider(control.low, control.high, value=control.default, step=control.step, label=label(control))
    if control.kind == "choice":  # shown in the page's language, their values (the API's) unchanged
        words = control.shown or control.choices
        return gr.Radio([(T[key], value) for key, value in zip(words, control.choices, strict=True)],
                        value=control.default, label=label(control))
    if control.kind == "flag":
        return gr.Checkbox(value=control.default, label=label(control))
    if control.kind == "points":
        return points.plane(label=label(control), elem_id=f"points-{control.name}")
    return gr.Textbox(value=control.default, lines=TEXT_LINES, max_lines=TEXT_LINES,
                      max_length=inputs.MAX_TEXT_CHARS, label=label(control))


def _lesson_tab(state: AppState, lesson: Lesson, extra_inputs: list) -> None:
    controls = lesson.experiment.CONTROLS
    with gr.Tab(T.tab(f"{lesson.key}_tab", LESSONS.index(lesson)), elem_id=f"lesson-{lesson.key}"):
        gr.Markdown(T[f"{lesson.key}_about"])
        run = gr.Button(T["run"], variant="primary", elem_id=f"run-{lesson.key}")
        with gr.Accordion(T["vary"], open=False):
            values = [widget(control) for control in controls]
            reset = gr.Button(T["reset"], size="sm")
        text = gr.Markdown(elem_id=f"text-{lesson.key}")
        plots = [gr.Plot(show_label=False, elem_id=f"plot-{lesson.key}-{i}") for i in range(lesson.figures)]
        by_name = dict(zip([control.name for control in controls], values, strict=True))
        for control, value in zip(controls, values, strict=True):
            if control.selects:  # e.g. placing a point picks "your points" as the data set
                target, chosen = control.selects
                value.input(_selecting(control, chosen), value, by_name[target], api_name=False)
        defaults = [control.default for control in controls]
        reset.click(lambda: defaults if len(defaults) > 1 else defaults[0], None, values, api_name=False, queue=False)
        ran = run.click(handler(lesson, state), values + extra_inputs, [text, *plots], api_name=f"{lesson.key}_lesson",
                        **LESSON_EVENT)
        # a finished lesson joins the run history (ui/history.py) with the values it ran with
        record = history.lesson_recorder(state.history, lesson.key, T[f"{lesson.key}_title"],
                                         [_english(label(control)) for control in controls])
        ran.success(record, values, None, api_name=False, queue=False)


def _selecting(control: Control, chosen) -> Callable:
    """The listener of a student's edit of `control`: checks the value (a refusal, such as a point list's bad line,
    is shown at once rather than at Run) and sets the control its `selects` names to `chosen`."""

    def select(value, request: gr.Request):
        checked((control,), [value], i18n.language(request))
        return chosen

    return select


def _english(text) -> str:
    """A control's label as the run history records it: in English, whichever language the page shows."""
    return i18n.translated(text, i18n.DEFAULT)


def build(state: AppState, session: gr.State) -> None:
    with gr.Tab(T.tab("tab", i18n.TABS.index("lessons")), id="lessons"):
        gr.Markdown(T["intro"])
        with gr.Tabs(elem_id="lessons"):
            for lesson in LESSONS:
                _lesson_tab(state, lesson, [session] if lesson.drawing else [])
