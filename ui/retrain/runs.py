"""Tab 3's classroom parts: the clickable confusion matrix, the run history with overlaid curves, the way back to
the shipped model, and the "link to these settings" a teacher hands out.

The history itself is ui/history.py (kept per browser session on the server);
the link's format is ui/links.py. API: `runs` (this session's table) and
`use_shipped` (forget this session's retrained model of a kind).
"""
import inspect

import gradio as gr

from models import registry
from ui import history, i18n, inputs, links, page, settings
from ui.board.store import BoardError, check_code
from ui.retrain import confusion
from ui.state import AppState, session_of

T = i18n.Texts("runs")


def confusion_section() -> tuple[gr.Dataframe, gr.HTML]:
    """Laid out under the confusion plot: the matrix as a table whose cells can be clicked, and their examples."""
    gr.Markdown(T["confusion_help"])
    grid = gr.Dataframe(interactive=False, elem_id="confusion-table", label=T["confusion_table"])
    examples = gr.HTML(confusion.T["pick"], elem_id="confusion-examples")
    return grid, examples


def history_section() -> dict:
    gr.Markdown(T["history_title"])
    # its headers in English until the tab is opened, which fills the table in the browser's language
    table = gr.Dataframe(history.table([]), interactive=False, wrap=True, column_widths=history.COLUMN_WIDTHS,
                         elem_id="runs-table")
    compare = gr.CheckboxGroup([], label=T["compare"], elem_id="runs-compare")
    overlay = gr.Plot(show_label=False, elem_id="runs-overlay")
    return dict(table=table, compare=compare, overlay=overlay)


def link_section() -> tuple[gr.Button, gr.Button, gr.Textbox, gr.CheckboxGroup]:
    with gr.Row():
        button = gr.Button(T["copy_link"], size="sm", elem_id="copy-link")
        shipped = gr.Button(T["use_shipped"], size="sm", elem_id="use-shipped")
    # what the copied link locks: the server enforces it for every student who opens it (ui/links.py)
    short = i18n.Texts("setting-short")
    lock = gr.CheckboxGroup([(short[settings.by_link(n).name if n != "model" else n], n) for n in links.controls()],
                            label=T["lock"], elem_id="link-locks")
    link = gr.Textbox(label=T["link"], info=T["link_help"], buttons=["copy"], elem_id="settings-link")
    return button, shipped, link, lock


def make_handlers(state: AppState) -> dict:
    def runs(request: gr.Request = None):
        """This browser session's runs as a table, newest first."""
        return history.table(state.history.runs(session_of(request)), language=i18n.language(request))

    def refresh(chosen, request: gr.Request = None):
        """After a run: the overlay's choices (the new run ticked too), the clickable matrix, its examples cleared."""
        language = i18n.language(request)
        found = state.history.runs(session_of(request))
        latest = state.history.latest(session_of(request), retrain_only=True)
        options = history.choices(found, language=language)
        numbers = {n for _, n in options}
        ticked = [n for n in (chosen or []) if n in numbers]
        if latest is not None and latest is found[-1] and latest.number not in ticked:
            ticked.append(latest.number)
        grid = confusion.table(latest.confusion, latest.classes, language=language) if latest is not None else None
        return (gr.update(choices=options, value=ticked), _overlay(found, ticked, language, page.narrow(request)), grid,
                confusion.T.say("pick" if latest is not None else "no_run", language))

    def compare(chosen, request: gr.Request = None):
        return _overlay(state.history.runs(session_of(request)), chosen or [], i18n.language(request),
                        page.narrow(request))

    def cell(event: gr.SelectData, request: gr.Request = None):
        language = i18n.language(request)
        latest = state.history.latest(session_of(request), retrain_only=True)
        if latest is None:
            return confusion.T.say("no_run", language)
        row, column = event.index if isinstance(event.index, (list, tuple)) else (-1, -1)
        return confusion.show(latest.cells, latest.confusion, latest.classes, row, column, language=language)

    def use_shipped(kind, request: gr.Request = None):
        kind = inputs.choice(kind, "model", registry.retrainable())
        dropped = state.retrained.drop(session_of(request), kind)
        return T.say("shipped_again" if dropped else "nothing_to_drop", i18n.language(request), kind=kind.upper())

    return dict(runs=runs, refresh=refresh, compare=compare, cell=cell, use_shipped=use_shipped)


def _overlay(found: list, chosen: list, language: str = "en", stacked: bool = False):
    picked = [r for r in found if r.number in set(chosen) and r.curves]
    return history.overlay(picked, language=language, stacked=stacked) if picked else None


def wire(state: AppState, trained, tab: gr.Tab, grid, examples, parts: dict, shipped_button, status,
         controls: dict) -> None:
    """The events of these parts; `trained` is the Train button's event, `controls` the tab's settings by name."""
    handlers = make_handlers(state)
    after = [parts["compare"], parts["overlay"], grid, examples]
    # show_progress="hidden": a refresh must not fade the tables while it runs (faded text fails WCAG contrast)
    quiet = dict(show_progress="hidden")
    trained.then(handlers["runs"], None, parts["table"], api_name="runs", **quiet).then(
        handlers["refresh"], parts["compare"], after, api_name=False, **quiet)
    tab.select(handlers["runs"], None, parts["table"], api_name=False, **quiet).then(
        handlers["refresh"], parts["compare"], after, api_name=False, **quiet)
    parts["compare"].input(handlers["compare"], parts["compare"], parts["overlay"], api_name=False)
    grid.select(handlers["cell"], None, examples, api_name=False)
    shipped_button.click(handlers["use_shipped"], controls["model"], status, api_name="use_shipped")



def open_link(request: gr.Request = None, state: AppState | None = None) -> tuple:
    """On page load: the tab, Retrain controls and class code a link's query parameters ask for, and the note. With
    the server's `state`, the link's locks are recorded for the session and the page shows every lock in force
    (those of an earlier link too: editing the address bar frees none, ui/sessions.py).

    Outputs: tabs, the controls in links.controls()' order, the board's class code, the note."""
    params = dict(getattr(request, "query_params", None) or {})
    secret = state.board.secret(links.SECRET) if state is not None and "sig" in params else None
    opened = links.parse(params, secret) if params else links.Opened()
    if state is not None:
        locks = state.sessions.lock(session_of(request), links.locked_values(opened), opened.signed)
        opened.values |= locks
        opened.locked = list(locks)  # the link's order, then any earlier lock
        if locks and opened.tab is None:
            opened.tab = "retrain"
    kind = registry.get(opened.values.get("model", settings.FIRST_KIND))
    updates = {name: {} for name in links.controls()}
    if "model" in opened.values:  # what choosing the kind by hand does (handlers.controls_for)
        for setting in settings.follow_kind():
            updates[setting.link] |= settings.for_kind(setting, kind)
    for name, value in opened.values.items():
        updates[name]["value"] = value
    for name in opened.locked:
        updates[name]["interactive"] = False
    note = opened.note_in(i18n.language(request))
    return (gr.update(selected=opened.tab) if opened.tab else gr.update(),
            *(gr.update(**u) for u in updates.values()),
            gr.update(value=opened.code) if opened.code else gr.update(),
            gr.update(value=note, visible=bool(note)))


def teacher_link(state: AppState, values: list, locked, code, request: gr.Request | None) -> str:
    """The copy button's query: these settings and the ticked locks. Signed, with the class code, only for a teacher
    of the class in the board's code box (who created it, or proved its key, ui/board/store.py): a student's copy
    must not free the locks their teacher's link set."""
    query = links.settings_query(*values, locked=[n for n in (locked or []) if n in links.controls()])
    try:
        code = check_code(code)
    except BoardError:
        return query
    if not state.board.is_teacher(code, session_of(request)):
        return query
    return links.sign(f"{query}&code={code}", state.board.secret(links.SECRET))


def wire_links(state: AppState, resumed, tabs: gr.Tabs, retrain: dict, code: gr.Textbox, note: gr.Markdown):
    """Open a link's tab and settings once the page has resumed its session (`resumed`, ui/sessions.py wire), and
    make the copy button's links (`teacher_link`); returns the opening event. `retrain`: what the Retrain tab's
    build returned."""
    controls, (button, link, lock) = retrain["controls"], retrain["copy"]

    def copied(*values):
        *values, locked, class_code, request = values
        return teacher_link(state, values, locked, class_code, request)

    # gradio reads a handler's parameters for where to pass the request (by its type hint): one per input, then it
    names = [*links.controls(), "locked", "class_code"]
    copied.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names] +
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)])
    copied.__annotations__ = {"request": gr.Request}

    button.click(copied, [*(controls[n] for n in links.controls()), lock, code], link, api_name=False,
                 queue=False).then(None, link, link, js=links.COPY, api_name=False)

    def opened(request: gr.Request):
        return open_link(request, state)

    return resumed.then(opened, None, [tabs, *(controls[n] for n in links.controls()), code, note], api_name=False,
                        queue=False)
