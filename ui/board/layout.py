"""Tab 5: the class board. A teacher creates a class; students with its code post a finished run and everyone
with the code sees the board, sorted and filtered, with test accuracy plotted against the setting studied.

The store is ui/board/store.py (a database); a student's run comes from the session's
history on the server (ui/history.py), so a post carries only numbers this
server measured. Every value a client sends is checked (a gr.Error naming the
field). API: board_create, board_post, board_show, board_delete, board_close, board_new_key, board_csv.

The teacher's tools: the key in a masked box with "show" and "copy" (never in the page's text, which is often on a
projector), a new key for a forgotten one with the class's teacher password, a QR code of the class link, the list
of who has posted, a CSV export, and a board that refreshes itself every REFRESH_SECONDS while its tab is open (a
`gr.Timer`; a refresh that finds nothing new sends nothing). A link with `tab=board&code=…` shows the board at once.
Messages, headers and the plot come in the language of the request (ui/i18n.py);
the values sent and stored (sort, model, study, nicknames) stay as they are.
"""
import csv
import hashlib
import html
import re
import tempfile
import time
from pathlib import Path

import gradio as gr
import plotly.graph_objects as go

from models import registry
from ui import i18n, inputs, settings
from ui.board.store import SORTS, STUDIES, STUDY_NAMES, BoardError, check_code, setting_of
from ui.history import layout, settings_text
from ui.state import AppState, client_of, session_of

ALL_MODELS = "all models"  # the models dropdown's value for no filter (an API value: stays English)
T = i18n.Texts("board-tab")
SORT_NAMES = {"test accuracy": "sort_accuracy", "newest": "sort_newest", "nickname": "sort_nickname",
              "setting": "sort_setting"}  # SORTS' values (the API's) → their names on the page
COLUMN_KEYS = ["col_post", "col_nickname", "col_model", "col_setting", "col_accuracy", "col_seconds", "col_settings",
               "col_posted"]
COLUMNS = [T.say(key, "en") for key in COLUMN_KEYS]
# the table's column widths (ui/history.py COLUMN_WIDTHS says why): 1,020 px, the settings wrapping
COLUMN_WIDTHS = ["60px", "150px", "80px", "90px", "100px", "80px", "360px", "100px"]
REFRESH_SECONDS = 10  # an open board asks for new posts this often (a refresh with nothing new sends nothing)
_exports: list[Path] = []  # this process's folder for CSV exports, one file per class, made on first use


def columns(language: str) -> list[str]:
    return [T.say(key, language) for key in COLUMN_KEYS]


def _refused(error: BoardError, language: str) -> gr.Error:
    return gr.Error(error.say(language))


def _checked(language: str, refusal: str, check, *args, **values):
    """`check(*args)` from ui/inputs.py, whose refusal is English: in another language, this tab's own words."""
    try:
        return check(*args)
    except gr.Error:
        if language == i18n.DEFAULT:
            raise
        raise gr.Error(T.say(refusal, language, **values)) from None


def postable(state: AppState, request: gr.Request | None) -> list:
    """This session's runs that can be posted (those with a test accuracy), newest first, as dropdown choices."""
    language = i18n.language(request)
    return [(r.labelled(language), r.number) for r in reversed(state.history.runs(session_of(request)))
            if r.test_accuracy is not None]


class Views:
    """Boards as last shown, by (class, sort, model filter, language), for `ttl` seconds.

    Thirty students refresh a board every few seconds, and each refresh built the same plotly figure again on the
    server's one Python thread, beside the class's drawings: with 30 board students the digit prediction's round
    trip rose to p95 2.3 s (benchmarks/load.py --board 30, on a shared machine). A post, a deletion or a closing
    made here clears that class at once; one made by another replica of the app shows within `ttl`."""

    def __init__(self, ttl: float = 2.0, most: int = 2_000):
        self.ttl, self.most = ttl, most
        self._shown: dict[tuple, tuple[float, tuple]] = {}

    def get(self, key: tuple) -> tuple | None:
        found = self._shown.get(key)
        return found[1] if found is not None and time.monotonic() - found[0] < self.ttl else None

    def put(self, key: tuple, view: tuple) -> None:
        if len(self._shown) >= self.most:
            self._shown.clear()
        self._shown[key] = (time.monotonic(), view)

    def forget(self, code) -> None:
        code = str(code).strip().upper()
        for key in [k for k in list(self._shown) if k[0] == code]:
            self._shown.pop(key, None)


def make_handlers(state: AppState) -> dict:
    views = Views()

    def board_create(title, study, request: gr.Request = None, password=None):
        language = i18n.language(request)
        study = _checked(language, "bad_study", inputs.choice, study, "setting studied", list(STUDIES),
                         choices=", ".join(STUDIES))
        title = inputs.text(title)
        if message := inputs.too_long(title, "The class name"):
            raise gr.Error(message if language == i18n.DEFAULT else
                           T.say("long_title", language, count=len(title), most=inputs.MAX_TEXT_CHARS))
        try:
            code, key = state.board.create(title or T.say("default_title", language), study,
                                           teacher=session_of(request), client=client_of(request),
                                           password=inputs.text(password))
        except BoardError as error:
            raise _refused(error, language) from None
        link = f"{_origin(request)}?tab=board&code={code}"
        created = T.say("created", language, code=code, study=STUDY_NAMES.say(study, language), link=link)
        return created, code, key

    def board_new_key(code, password, request: gr.Request = None):
        """A new teacher key for class `code` with its teacher password: (message, key)."""
        language = i18n.language(request)
        try:
            key = state.board.new_key(code, inputs.text(password), client=client_of(request),
                                      teacher=session_of(request))
        except BoardError as error:
            raise _refused(error, language) from None
        return T.say("new_key", language), key

    def board_qr(code, request: gr.Request = None) -> str:
        """The class link as a QR code (an inline SVG) with the link under it; nothing for a code that is not one."""
        try:
            code = check_code(code)
        except BoardError:
            return ""
        return qr_html(f"{_origin(request)}?tab=board&code={code}", T.say("qr_alt", i18n.language(request)))

    def board_csv(code, request: gr.Request = None) -> str:
        """The whole board of class `code` as a CSV file (UTF-8 with a BOM, which spreadsheets read as such)."""
        language = i18n.language(request)
        try:
            info, found = state.board.posts(code)
        except BoardError as error:
            raise _refused(error, language) from None
        path = _export_folder() / f"board-{info.code}.csv"
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["post", "nickname", "by_teacher", "model", info.study, "test_accuracy", "seconds",
                             "settings", "posted_utc"])
            for p in sorted(found, key=lambda p: p.id):
                writer.writerow([p.id, _cell(p.nickname), p.by_teacher, p.kind, _shown(setting_of(p, info.study)),
                                 f"{p.test_accuracy:.4f}", round(p.seconds, 1), _cell(settings_text(p.settings)),
                                 time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(p.posted))])
        return str(path)

    def board_refresh(code, sort, model, seen=None, request: gr.Request = None):
        """The timer's and a board link's refresh: board_show's (note, table, plot) and what was shown, or no
        change at all when the board is as `seen` last time (or the code is not a class's yet)."""
        try:
            shown = board_show(code, sort, model, request)
        except gr.Error:
            return gr.update(), gr.update(), gr.update(), seen
        mark = hashlib.sha256(repr((shown[0], shown[1]["data"])).encode()).hexdigest()
        if mark == seen:
            return gr.update(), gr.update(), gr.update(), seen
        return (*shown, mark)

    def board_post(code, nickname, run, request: gr.Request = None):
        """Post one of this session's finished runs (`run`: its number; None: the latest) under `nickname`."""
        language = i18n.language(request)
        session = session_of(request)
        runs = [r for r in state.history.runs(session) if r.test_accuracy is not None]
        if run is None and runs:
            chosen = runs[-1]
        else:
            number = _checked(language, "bad_run", inputs.number, run, "run", 1, 10**9, True) \
                if run is not None else None
            chosen = next((r for r in runs if r.number == number), None)
            if chosen is None:
                raise gr.Error(T.say("no_run", language) if not runs else
                               T.say("unknown_run", language, number=number))
        try:
            number = state.board.post(code, nickname, chosen, f"{session}:{chosen.number}", session or "")
            views.forget(code)
        except BoardError as error:
            raise _refused(error, language) from None
        return T.say("posted", language, number=number, run=chosen.labelled(language))

    def board_show(code, sort, model, request: gr.Request = None):
        """The board of class `code`: (note, table, plot), sorted by `sort` and keeping only `model` runs."""
        language = i18n.language(request)
        sort = _checked(language, "bad_sort", inputs.choice, sort, "sort", list(SORTS), choices=", ".join(SORTS))
        models = [ALL_MODELS, *registry.retrainable()]
        model = _checked(language, "bad_model", inputs.choice, model, "model", models, choices=", ".join(models))
        key = (str(code).strip().upper(), sort, model, language)
        if (shown := views.get(key)) is not None:
            return shown
        try:
            info, found = state.board.posts(code)
        except BoardError as error:
            raise _refused(error, language) from None
        if model != ALL_MODELS:
            found = [p for p in found if p.kind == model]
        newest_first = SORTS[sort] in ("test_accuracy", "posted")
        found = sorted(found, key=_sort_key(SORTS[sort], info.study), reverse=newest_first)
        best = max(found, key=lambda p: p.test_accuracy, default=None)
        best_text = "" if best is None else T.say(
            "best", language, accuracy=best.test_accuracy, nickname=plain(best.nickname),
            setting=_shown(setting_of(best, info.study)))
        note = T.say("board_note", language, title=plain(info.title), count=len(found),
                     study=STUDY_NAMES.say(info.study, language),
                     closed=T.say("is_closed", language) if info.closed else "", best=best_text)
        posters = list(dict.fromkeys(p.nickname for p in sorted(found, key=lambda p: p.posted)))
        if posters:  # who has posted, first to last: the teacher sees at a glance who has not yet
            note += "\n\n" + T.say("posters", language, count=len(posters),
                                    names=", ".join(plain(name) for name in posters))
        rows = [[p.id, _poster(p, language), p.kind, _shown(setting_of(p, info.study)), f"{p.test_accuracy:.2%}",
                 round(p.seconds, 1), settings_text(p.settings, language=language),
                 time.strftime("%H:%M", time.gmtime(p.posted))] for p in found]
        shown = note, _table(rows, language), plot(found, info.study, language=language)
        views.put(key, shown)
        return shown

    def board_delete(code, key, post, request: gr.Request = None):
        language = i18n.language(request)
        number = _checked(language, "bad_post", inputs.number, post, "post", 1, 2**31 - 1, True)  # an SQL INTEGER
        try:
            state.board.delete(code, inputs.text(key), number, teacher=session_of(request))
            views.forget(code)
        except BoardError as error:
            raise _refused(error, language) from None
        return T.say("deleted", language, number=number)

    def board_close(code, key, request: gr.Request = None):
        language = i18n.language(request)
        try:
            state.board.close(code, inputs.text(key), teacher=session_of(request))
            views.forget(code)
        except BoardError as error:
            raise _refused(error, language) from None
        return T.say("closed_note", language)

    def runs_to_post(table=None, request: gr.Request = None):
        """The run dropdown's choices for this browser, and an empty board's headers in its language (a
        gr.Dataframe shows its build-time headers as they are, untranslated)."""
        choices = postable(state, request)
        rows = table.get("data") if isinstance(table, dict) else None
        blank = not rows or all(cell in ("", None) for row in rows for cell in row)
        return (gr.update(choices=choices, value=choices[0][1] if choices else None),
                _table([], i18n.language(request)) if blank else gr.update())

    def board_cleared(request: gr.Request = None):
        """An empty board: what a refused board_show leaves on screen (else the last class's board stayed there)."""
        return "", _table([], i18n.language(request)), None

    return dict(board_create=board_create, board_post=board_post, board_show=board_show, board_delete=board_delete,
                board_close=board_close, runs_to_post=runs_to_post, board_new_key=board_new_key, board_qr=board_qr,
                board_csv=board_csv, board_refresh=board_refresh, board_cleared=board_cleared)


def qr_html(link: str, alt: str) -> str:
    """`link` as a QR code students scan from the projected screen (segno, pure Python: an SVG inline), the link
    written under it."""
    import segno

    svg = segno.make(link, error="m").svg_data_uri(scale=6, border=2)
    return (f'<div id="board-qr-code"><img src="{svg}" alt="{html.escape(alt)}" width="240" height="240">'
            f'<p><code>{html.escape(link)}</code></p></div>')


def _export_folder() -> Path:
    if not _exports:
        import atexit
        import shutil

        _exports.append(Path(tempfile.mkdtemp(prefix="playground-boards-")))
        atexit.register(shutil.rmtree, _exports[0], ignore_errors=True)
    return _exports[0]


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with = + - @ would be read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(rows: list, language: str) -> dict:
    headers = columns(language)
    return {"headers": headers, "data": rows or [[""] * len(headers)]}


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


def _poster(post, language: str) -> str:
    """The nickname as the table shows it: the teacher's marked by the key they proved, not by what they typed."""
    return T.say("by_teacher", language, nickname=post.nickname) if post.by_teacher else post.nickname


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


def plot(found: list, study: str, *, language: str = "en") -> go.Figure:
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
    xs = sorted(by_value, key=_number_or_text)
    if by_value:
        fig.add_trace(go.Scatter(x=xs, y=[sum(by_value[x]) / len(by_value[x]) for x in xs], mode="lines+markers",
                                 name=T.say("class_mean", language), line=dict(color="#6b7280", dash="dash")))
    if numeric and study in settings.SETTINGS and settings.SETTINGS[study].log10:
        # ticks at the values posted, written out: plotly's own log ticks read "3 … 0.01 … 3" over 0.003–0.03
        fig.update_xaxes(type="log", tickvals=xs, ticktext=[_shown(x) for x in xs])
    elif not numeric:
        fig.update_xaxes(type="category")
    study_name = STUDY_NAMES.say(study, language)
    fig.update_xaxes(title_text=study_name)
    fig.update_yaxes(title_text=T.say("accuracy_axis", language), tickformat=_percent_format(found))
    fig.update_layout(title=T.say("plot_title", language, study=study_name))
    return layout(fig, 380)


def _percent_format(found: list) -> str:
    """A tick format with as many decimals as the spread of the accuracies needs: with whole percents, posts
    between 79.2% and 80.6% put the ticks 80%, 80%, 79%… on the axis."""
    accuracies = [p.test_accuracy for p in found]
    spread = max(accuracies) - min(accuracies) if accuracies else 1.0
    return ".0%" if spread >= 0.1 else ".1%" if spread >= 0.005 else ".2%"


def _kind_title(kind: str):
    return i18n.KIND_TITLES[kind] if kind in i18n.KIND_TITLES else kind


def build(state: AppState, session: gr.State) -> dict:
    """The tab; returns the components the teacher links fill (ui/links.py)."""
    handlers = make_handlers(state)
    with gr.Tab(T.tab("tab", i18n.TABS.index("board")), id="board") as tab:
        gr.Markdown(T["intro"])
        with gr.Row():
            code = gr.Textbox(label=T["code"], max_length=16, elem_id="board-code")
            nickname = gr.Textbox(label=T["nickname"], max_length=24, elem_id="board-nickname")
            run = gr.Dropdown([], label=T["run"], elem_id="board-run")
        with gr.Row():
            post = gr.Button(T["post"], variant="primary", elem_id="board-post")
            show = gr.Button(T["show"], elem_id="board-show")
        with gr.Row():
            sort = gr.Dropdown([(T[SORT_NAMES[name]], name) for name in SORTS], value="test accuracy",
                               label=T["sort"])
            model = gr.Dropdown([(T["all_models"], ALL_MODELS)] + [(_kind_title(kind), kind)
                                                                   for kind in registry.retrainable()],
                                value=ALL_MODELS, label=T["models"])
        message = gr.Markdown(elem_id="board-message")
        note = gr.Markdown(elem_id="board-note")
        table = gr.Dataframe(headers=COLUMNS, interactive=False, wrap=True, show_search="search",
                             column_widths=COLUMN_WIDTHS, elem_id="board-table")
        figure = gr.Plot(show_label=False, elem_id="board-plot")
        with gr.Accordion(T["teachers"], open=False):
            gr.Markdown(T["teacher_intro"])
            with gr.Row():
                title = gr.Textbox(label=T["title"], max_length=80)
                study = gr.Dropdown([(STUDY_NAMES[name], name) for name in STUDIES], value="lr", label=T["study"])
            password = gr.Textbox(label=T["password"], info=T["password_help"], type="password", max_length=128,
                                  elem_id="board-password")
            create = gr.Button(T["create"])
            created = gr.Markdown(elem_id="board-created")
            qr = gr.HTML(elem_id="board-qr")
            with gr.Row(equal_height=True):  # masked on a projected screen: shown on demand, copied in one click
                key = gr.Textbox(label=T["key"], type="password", buttons=["copy"], elem_id="board-key")
                show_key = gr.Checkbox(label=T["show_key"], elem_id="board-show-key")
            with gr.Row():
                post_number = gr.Number(label=T["post_number"], precision=0, minimum=1)
                delete = gr.Button(T["delete"], variant="stop")
                close = gr.Button(T["close"], variant="stop")
            with gr.Row():
                new_key = gr.Button(T["new_key_button"], elem_id="board-new-key")
                export = gr.Button(T["csv"], elem_id="board-csv")
            exported = gr.File(label=T["csv_file"], visible=False, elem_id="board-csv-file")
            teacher_note = gr.Markdown()
        timer = gr.Timer(REFRESH_SECONDS, active=False)  # on while the board tab is open (follow_tabs)
        seen = gr.State(None)  # what the last refresh showed (board_refresh)
    # preprocess=False: values reach the handlers as sent and each is checked there (the run dropdown's choices
    # differ per browser; gradio's own check would compare an API client's run with the empty initial list)
    raw = dict(preprocess=False)
    # boards are drawn two at a time, however many students refresh: the rest wait in the queue, not on the CPU
    showing = dict(raw, concurrency_id="board", concurrency_limit=2)
    board, shown = [note, table, figure], [code, sort, model]
    tab.select(handlers["runs_to_post"], table, [run, table], api_name=False, queue=False, show_progress="hidden",
               **raw)
    create.click(handlers["board_create"], [title, study, password], [created, code, key], api_name="board_create",
                 **raw).success(handlers["board_qr"], code, qr, api_name=False, queue=False, **raw)
    show_key.change(lambda shown: gr.update(type="text" if shown else "password"), show_key, key, api_name=False,
                    queue=False, show_progress="hidden")
    new_key.click(handlers["board_new_key"], [code, password], [teacher_note, key], api_name="board_new_key", **raw)
    export.click(handlers["board_csv"], code, exported, api_name="board_csv", **raw).success(
        lambda: gr.update(visible=True), None, exported, api_name=False, queue=False)
    refreshing = dict(showing, api_name=False, show_progress="hidden")
    timer.tick(handlers["board_refresh"], [*shown, seen], [*board, seen], **refreshing)
    post.click(handlers["board_post"], [code, nickname, run], message, api_name="board_post", **raw).success(
        handlers["board_show"], shown, board, api_name=False, **showing)
    show.click(handlers["board_show"], shown, board, api_name="board_show", **showing).failure(
        handlers["board_cleared"], None, board, api_name=False, queue=False)
    for control in (sort, model):
        control.input(handlers["board_show"], shown, board, api_name=False, **showing).failure(
            handlers["board_cleared"], None, board, api_name=False, queue=False)
    delete.click(handlers["board_delete"], [code, key, post_number], teacher_note, api_name="board_delete",
                 **raw).success(handlers["board_show"], shown, board, api_name=False, **showing)
    close.click(handlers["board_close"], [code, key], teacher_note, api_name="board_close", **raw).success(
        handlers["board_show"], shown, board, api_name=False, **showing)
    return {"code": code, "tab": tab, "timer": timer, "refresh": (handlers["board_refresh"], [*shown, seen],
                                                                 [*board, seen])}


def follow_tabs(tabbed: gr.Tabs, parts: dict) -> None:
    """The board refreshes itself only while its tab is open: each tab's select turns the timer on or off."""
    for tab in (child for child in tabbed.children if isinstance(child, gr.Tab)):
        tab.select(lambda on=tab.id == "board": gr.Timer(active=on), None, parts["timer"], api_name=False,
                   queue=False, show_progress="hidden")


def open_at_once(opened, parts: dict) -> None:
    """After the page opened a link (`opened`, its load event): a board link's board shows at once, and refreshes."""
    refresh, inputs, outputs = parts["refresh"]

    def show(code, sort, model, seen, request: gr.Request):
        if not code:
            return gr.update(), gr.update(), gr.update(), seen, gr.update()
        return *refresh(code, sort, model, seen, request), gr.Timer(active=True)

    opened.then(show, inputs, [*outputs, parts["timer"]], api_name=False, preprocess=False,
                concurrency_id="board", show_progress="hidden")
