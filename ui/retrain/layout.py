"""Tab 3: retrain any registered model with sliders and watch its curves; it then serves this browser only."""
import gradio as gr

from models import registry
from training import datasets
from ui import i18n, settings
from ui.retrain import report, runs, workers
from ui.retrain.handlers import Handlers, controls_for
from ui.state import AppState

CSS = """progress { width: 100%; height: 14px; }
/* on a phone (390 px wide) the controls come first, about 1,200 px of them: Train and Stop stay at the foot of the
   screen while this tab is open (a sticky row does not stick inside gradio's columns), and pressing Train brings the
   status and curves into view (SHOW_CURVES) */
@media (max-width: 640px) {
  #retrain-controls { gap: 6px; }
  #retrain-controls .block { padding-top: 4px; padding-bottom: 4px; }
  #train-row { position: fixed; left: 0; right: 0; bottom: 0; z-index: 20; margin: 0; padding: 8px 16px;
               background: var(--background-fill-primary); box-shadow: 0 -2px 8px rgba(0, 0, 0, 0.15); }
  #retrain-outputs, #runs-overlay { padding-bottom: 64px; }
}
"""
# on a narrow screen, after Train: scroll to the status, with the curves under it
SHOW_CURVES = """() => { if (window.innerWidth <= 640) {
    document.getElementById('status')?.scrollIntoView({behavior: 'smooth', block: 'start'}); } }"""

T = i18n.Texts("retrain-tab")
LR = settings.SETTINGS["lr"]
FIRST_LR_NOTE = report.T.static("learning_rate", lr=LR.to_setting(LR.default))


def _kind_choices() -> list[tuple]:
    """(title, kind) for the model dropdown: the title in the browser's language, the value the kind; only kinds
    whose data set is in the data folder (or one the server downloads itself: training.datasets.on_hand)."""
    return [(i18n.KIND_TITLES[kind] if kind in i18n.KIND_TITLES else registry.get(kind).title, kind)
            for kind in registry.retrainable() if offered(kind)]


def offered(kind: str) -> bool:
    name = registry.get(kind).dataset
    return name in datasets.OFFERED_WITHOUT_FILES or datasets.on_hand(name)


def lr_note(log_lr: float, request: gr.Request = None) -> str:
    """The learning rate the slider gives, in the request's language."""
    return report.lr_text(log_lr, language=i18n.language(request))


def build(state: AppState, session: gr.State) -> dict:
    """The tab; returns, for teacher links (ui/retrain/runs.py wire_links), its settings controls by their link names
    (ui/links.py controls()) as "controls", and the copy button, its link box and its locks as "copy"."""
    handlers = Handlers(state)
    first = registry.get(settings.FIRST_KIND)
    for name in registry.retrainable():  # a kind names the controls it shows; a misspelt one stops the app here
        settings.check_controls(registry.get(name))
    shown = {}  # each setting's control, by setting name
    with gr.Tab(T.tab("tab", i18n.TABS.index("retrain")), id="retrain") as tab:
        gr.Markdown(T["intro"])
        with gr.Row():
            with gr.Column(scale=1, min_width=280, elem_id="retrain-controls"):
                kind = gr.Dropdown(_kind_choices(), value=first.name, label=T["model"], elem_id="retrain-model")
                for setting in (s for s in settings.on_page() if not s.per_kind):
                    shown[setting.name] = control(setting, first)
                    if setting is LR:  # the slider shows a power of ten; the rate it gives, under it
                        lr_text = gr.Markdown(FIRST_LR_NOTE)
                with gr.Accordion(T["architecture"], open=True):
                    for setting in (s for s in settings.on_page() if s.per_kind):
                        shown[setting.name] = control(setting, first)
                with gr.Row(elem_id="train-row"):
                    train = gr.Button(T["train"], variant="primary")
                    stop = gr.Button(T["stop"], variant="stop")
                link_button, shipped_button, link, lock = runs.link_section()
            with gr.Column(scale=2, elem_id="retrain-outputs"):
                status = gr.HTML(T["status"], elem_id="status")
                curves = gr.Plot(label=T["curves"], elem_id="curves")
                scores = gr.Markdown()
                confusion = gr.Plot(label=T["confusion"])
                grid, examples = runs.confusion_section()
                download = gr.DownloadButton(T["download"], visible=False)
                with gr.Accordion(T["hub"], open=False):
                    repo = gr.Textbox(label=T["repo"])
                    token = gr.Textbox(label=T["token"], type="password")
                    push = gr.Button(T["push"])
                    pushed = gr.Markdown()
        history = runs.history_section()
        shown[LR.name].change(lr_note, shown[LR.name], lr_text, api_name=False, show_progress="hidden")
        # .input, not .change: a teacher link sets the kind and its own subset together (ui/retrain/runs.py)
        kind.input(controls_for, kind, [shown[s.name] for s in settings.follow_kind()], api_name=False)
        inputs = [kind, *(shown[s.name] for s in settings.in_order()), session]
        # preprocess=False: the values reach the handler as sent, and it checks each (gradio's own checks let
        # NaN through and answer a string or a null with a generic error)
        trained = train.click(handlers.train, inputs, [status, curves, scores, confusion, download, session],
                              api_name="train", concurrency_limit=workers.SHARED_RUNS, concurrency_id="train",
                              preprocess=False)  # every run in line shares the workers (ui/retrain/workers.py)
        train.click(None, None, None, js=SHOW_CURVES, api_name=False, queue=False)
        stop.click(handlers.stop, None, status, api_name="stop", queue=False)
        push.click(handlers.push_to_hub, [kind, repo, token, session], pushed, api_name="push_to_hub")
        controls = {"model": kind, **{s.link: shown[s.name] for s in settings.on_page()}}
        runs.wire(state, trained, tab, grid, examples, history, shipped_button, status, controls)
    return {"controls": controls, "copy": (link_button, link, lock)}


def control(setting: settings.Setting, kind: registry.Kind):
    """The component that holds `setting` when the tab shows `kind`: a slider, a dropdown or a checkbox."""
    label, visible, value = T[setting.label], setting.shown_for(kind), setting.first(kind)
    if setting.form == "choice":  # its values stay the choices; the page names them in its language
        names = i18n.Texts(setting.choice_texts)
        return gr.Dropdown([(names[choice], choice) for choice in setting.choices], value=value, label=label,
                           visible=visible)
    if setting.form == "flag":
        return gr.Checkbox(value, label=label, visible=visible)
    return gr.Slider(setting.low, setting.highest(kind), value=value, step=setting.step, label=label,
                     visible=visible)
