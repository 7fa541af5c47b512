"""Tab 5: the class board. A teacher creates a class; students with its code post a finished run and everyone
with the code sees the board, sorted and filtered, with test accuracy plotted against the setting studied.

The store is ui/board.py (a database); a student's run comes from the session's
history on the server (ui/history.py), so a post carries only numbers this
server measured. Every value a client sends is checked (a gr.Error naming the
field). API: board_create, board_post, board_show, board_delete, board_close.
"""
import html
import re
import time

import gradio as gr
import plotly.graph_objects as go

from models import registry
from ui import inputs
from ui.board import SORTS, STUDIES, BoardError, setting_of
from ui.handlers import Lab
from ui.history import layout, settings_text

ALL_MODELS = "all models"
INTRO = ("**Compare the class's results.** Your teacher creates a class and gives you its code. Train a model in "
         "tab 3, choose the run here, pick a nickname and post it; everyone with the code sees the board.")
TEACHER_INTRO = ("Create a class for your students. You get a **class code** to share and a **teacher key** to "
                 "keep: the key deletes posts and closes the board, and it is shown only once.")
CREATED = ("Class **{code}** created (studying *{study}*). Share the code, or this link: `{link}`\n\n"
           "Your teacher key (keep it; it is shown only once): `{key}`")
POSTED = "Posted as post {number}: {run}."
DELETED = "Post {number} deleted."
CLOSED_NOTE = "Board closed: it keeps its posts and takes no new ones."
BOARD_NOTE = "**{title}** · {count} post(s) · studying *{study}*{closed}{best}"
IS_CLOSED = " · closed"
BEST = " · best so far: **{accuracy:.2%}** by {nickname} ({setting})"
NO_RUN = "Finish a training run in tab 3 first: only runs this browser trained can be posted."
UNKNOWN_RUN = "You have no finished run number {number}; choose one from the list."
PLOT_TITLE = "test accuracy against {study}"
CLASS_MEAN = "class mean"
COLUMNS = ["post", "nickname", "model", "setting", "test accuracy", "seconds", "settings", "posted (UTC)"]


def _session(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None)


def _refused(error: BoardError) -> gr.Error:
    return gr.Error(str(error))


def postable(lab: Lab, request: gr.Request | None) -> list:
    """This session's runs that can be posted (those with a test accuracy), newest first, as dropdown choices."""
    return [(r.label, r.number) for r in reversed(lab.history.runs(_session(request))) if r.test_accuracy is not None]


def make_handlers(lab: Lab) -> dict:
    def board_create(title, study, request: gr.Request = None):
        study = inputs.choice(study, "setting studied", list(STUDIES))
        title = inputs.text(title)
        if message := inputs.too_long(title, "The class name"):
            raise gr.Error(message)
        code, key = lab.board.create(title or "Our class", study)
        link = f"{_origin(request)}?tab=board&code={code}"
        return CREATED.format(code=code, study=STUDIES[study], link=link, key=key), code, key

    def board_post(code, nickname, run, request: gr.Request = None):
        """Post one of this session's finished runs (`run`: its number; None: the latest) under `nickname`."""
        session = _session(request)
        runs = [r for r in lab.history.runs(session) if r.test_accuracy is not None]
        if run is None and runs:
            chosen = runs[-1]
        else:
            number = inputs.number(run, "run", 1, 10**9, whole=True) if run is not None else None
            chosen = next((r for r in runs if r.number == number), None)
            if chosen is None:
                raise gr.Error(NO_RUN if not runs else UNKNOWN_RUN.format(number=number))
        try:
            number = lab.board.post(code, nickname, chosen, f"{session}:{chosen.number}")
        except BoardError as error:
            raise _refused(error) from None
        return POSTED.format(number=number, run=chosen.label)

    def board_show(code, sort, model):
        """The board of class `code`: (note, table, plot), sorted by `sort` and keeping only `model` runs."""
        sort = inputs.choice(sort, "sort", list(SORTS))
        model = inputs.choice(model, "model", [ALL_MODELS, *registry.retrainable()])
        try:
            info, found = lab.board.posts(code)
        except BoardError as error:
            raise _refused(error) from None
        if model != ALL_MODELS:
            found = [p for p in found if p.kind == model]
        newest_first = SORTS[sort] in ("test_accuracy", "posted")
        found = sorted(found, key=_sort_key(SORTS[sort], info.study), reverse=newest_first)
        best = max(found, key=lambda p: p.test_accuracy, default=None)
        best_text = "" if best is None else BEST.format(
            accuracy=best.test_accuracy, nickname=plain(best.nickname), setting=_shown(setting_of(best, info.study)))
        note = BOARD_NOTE.format(title=plain(info.title), count=len(found), study=STUDIES[info.study],
                                 closed=IS_CLOSED if info.closed else "", best=best_text)
        rows = [[p.id, p.nickname, p.kind, _shown(setting_of(p, info.study)), f"{p.test_accuracy:.2%}",
                 round(p.seconds, 1), settings_text(p.settings), time.strftime("%H:%M", time.gmtime(p.posted))]
                for p in found]
        table = {"headers": COLUMNS, "data": rows or [[""] * len(COLUMNS)]}
        return note, table, plot(found, info.study)

    def board_delete(code, key, post):
        number = inputs.number(post, "post", 1, 2**31 - 1, whole=True)  # an SQL INTEGER
        try:
            lab.board.delete(code, inputs.text(key), number)
        except BoardError as error:
            raise _refused(error) from None
        return DELETED.format(number=number)

    def board_close(code, key):
        try:
            lab.board.close(code, inputs.text(key))
        except BoardError as error:
            raise _refused(error) from None
        return CLOSED_NOTE

    def runs_to_post(request: gr.Request = None):
        choices = postable(lab, request)
        return gr.update(choices=choices, value=choices[0][1] if choices else None)

    return dict(board_create=board_create, board_post=board_post, board_show=board_show, board_delete=board_delete,
                board_close=board_close, runs_to_post=runs_to_post)


def plain(text: str) -> str:
    """`text` shown as typed inside Markdown: HTML escaped, and every Markdown sign taken literally (a nickname
    like ![x](http://…) must not load an image on thirty screens)."""
    return re.sub(r"([\\`*_\[\]()#+\-.!|~{}])", r"\\\1", html.escape(text))


def _origin(request: gr.Request | None) -> str:
    """The page's address as the browser sees it, for links (from the request's headers; relative without one)."""
    headers = getattr(request, "headers", None) or {}
    origin = headers.get("origin")
    if not origin and headers.get("host"):
        origin = f"http://{headers['host']}"
    return f"{origin}/" if origin else "/"


def _sort_key(column: str, study: str):
    if column == "setting":
        return lambda p: (_number_or_text(setting_of(p, study)), -p.test_accuracy)
    return lambda p: getattr(p, column) if column != "nickname" else p.nickname.casefold()


def _number_or_text(value) -> tuple:
    return (0, float(value), "") if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        (1, 0.0, str(value))


def _shown(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def plot(found: list, study: str) -> go.Figure:
    """Test accuracy against the studied setting: one point per post (nickname on hover), one colour per model,
    and the class mean at each value."""
    fig = go.Figure()
    numeric = all(isinstance(setting_of(p, study), (int, float)) and not isinstance(setting_of(p, study), bool)
                  for p in found if setting_of(p, study) is not None)
    for kind in sorted({p.kind for p in found}):
        mine = [p for p in found if p.kind == kind and setting_of(p, study) is not None]
        fig.add_trace(go.Scatter(
            x=[setting_of(p, study) if numeric else str(setting_of(p, study)) for p in mine],
            y=[p.test_accuracy for p in mine], mode="markers", name=kind.upper(), marker=dict(size=10),
            text=[html.escape(p.nickname) for p in mine],  # plotly reads <b>, <a>… in labels: a nickname stays text
            hovertemplate="%{text}: %{y:.2%}<extra>" + kind.upper() + "</extra>"))
    by_value: dict = {}
    for p in found:
        if (value := setting_of(p, study)) is not None:
            by_value.setdefault(value if numeric else str(value), []).append(p.test_accuracy)
    if by_value:
        xs = sorted(by_value, key=_number_or_text)
        fig.add_trace(go.Scatter(x=xs, y=[sum(by_value[x]) / len(by_value[x]) for x in xs], mode="lines+markers",
                                 name=CLASS_MEAN, line=dict(color="#6b7280", dash="dash")))
    if numeric and study == "lr":
        fig.update_xaxes(type="log")
    elif not numeric:
        fig.update_xaxes(type="category")
    fig.update_xaxes(title_text=STUDIES[study])
    fig.update_yaxes(title_text="test accuracy", tickformat=".0%")
    fig.update_layout(title=PLOT_TITLE.format(study=STUDIES[study]))
    return layout(fig, 380)


def build(lab: Lab, session: gr.State) -> dict:
    """The tab; returns the components the teacher links fill (ui/links.py)."""
    handlers = make_handlers(lab)
    with gr.Tab("5 · Class board", id="board") as tab:
        gr.Markdown(INTRO)
        with gr.Row():
            code = gr.Textbox(label="class code", max_length=16, elem_id="board-code")
            nickname = gr.Textbox(label="your nickname (shown to the class)", max_length=24, elem_id="board-nickname")
            run = gr.Dropdown([], label="your run", elem_id="board-run")
        with gr.Row():
            post = gr.Button("Post my run", variant="primary", elem_id="board-post")
            show = gr.Button("Show / refresh the board", elem_id="board-show")
        with gr.Row():
            sort = gr.Dropdown(list(SORTS), value="test accuracy", label="sort by")
            model = gr.Dropdown([ALL_MODELS, *registry.retrainable()], value=ALL_MODELS, label="models")
        message = gr.Markdown(elem_id="board-message")
        note = gr.Markdown(elem_id="board-note")
        table = gr.Dataframe(headers=COLUMNS, interactive=False, wrap=True, show_search="search", elem_id="board-table")
        figure = gr.Plot(show_label=False, elem_id="board-plot")
        with gr.Accordion("For teachers", open=False):
            gr.Markdown(TEACHER_INTRO)
            with gr.Row():
                title = gr.Textbox(label="class name", max_length=80)
                study = gr.Dropdown([(words, name) for name, words in STUDIES.items()], value="lr",
                                    label="setting the class studies (the plot's x axis)")
            create = gr.Button("Create a class")
            created = gr.Markdown(elem_id="board-created")
            key = gr.Textbox(label="teacher key", type="password")
            with gr.Row():
                post_number = gr.Number(label="post number", precision=0, minimum=1)
                delete = gr.Button("Delete this post", variant="stop")
                close = gr.Button("Close the board", variant="stop")
            teacher_note = gr.Markdown()
    # preprocess=False: values reach the handlers as sent and each is checked there (the run dropdown's choices
    # differ per browser; gradio's own check would compare an API client's run with the empty initial list)
    raw = dict(preprocess=False)
    board, shown = [note, table, figure], [code, sort, model]
    tab.select(handlers["runs_to_post"], None, run, api_name=False, queue=False, show_progress="hidden")
    create.click(handlers["board_create"], [title, study], [created, code, key], api_name="board_create", **raw)
    post.click(handlers["board_post"], [code, nickname, run], message, api_name="board_post", **raw).success(
        handlers["board_show"], shown, board, api_name=False, **raw)
    show.click(handlers["board_show"], shown, board, api_name="board_show", **raw)
    for control in (sort, model):
        control.input(handlers["board_show"], shown, board, api_name=False, **raw)
    delete.click(handlers["board_delete"], [code, key, post_number], teacher_note, api_name="board_delete",
                 **raw).success(handlers["board_show"], shown, board, api_name=False, **raw)
    close.click(handlers["board_close"], [code, key], teacher_note, api_name="board_close", **raw).success(
        handlers["board_show"], shown, board, api_name=False, **raw)
    return {"code": code, "tab": tab}
