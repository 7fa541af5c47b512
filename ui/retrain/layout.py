"""Tab 3: retrain any registered model with sliders and watch its curves; it then serves this browser only."""
import gradio as gr

from models import registry
from models.initialisation import SCHEMES
from training.datasets import TRAIN_SIZES
from ui import i18n
from ui.inputs import RETRAIN_RANGES
from ui.retrain import report, runs
from ui.retrain.handlers import Handlers, controls_for
from ui.state import AppState

CSS = "progress { width: 100%; height: 14px; }"
FIRST_KIND = "cnn"  # the kind the tab opens with
FIRST_LOG_LR = -2.5

T = i18n.Texts("retrain-tab")
# the weight-init schemes as the dropdown names them (its values stay the schemes, models/initialisation.py)
SCHEME_NAMES = i18n.Texts("retrain-tab-init")
FIRST_LR_NOTE = report.T.static("learning_rate", lr=10 ** FIRST_LOG_LR)


def _kind_choices() -> list[tuple]:
    """(title, kind) for the model dropdown: the title in the browser's language, the value the kind."""
    return [(i18n.KIND_TITLES[kind] if kind in i18n.KIND_TITLES else registry.get(kind).title, kind)
            for kind in registry.retrainable()]


def lr_note(log_lr: float, request: gr.Request = None) -> str:
    """The learning rate the slider gives, in the request's language."""
    return report.lr_text(log_lr, language=i18n.language(request))


def build(state: AppState, session: gr.State) -> dict:
    """The tab; returns its settings controls by their link names (ui/links.py CONTROLS), for teacher links."""
    handlers = Handlers(state)
    first = registry.get(FIRST_KIND)
    shows = {name: name in first.retrain_controls for name in registry.RETRAIN_CONTROLS}
    with gr.Tab(T.tab("tab", i18n.TABS.index("retrain")), id="retrain") as tab:
        gr.Markdown(T["intro"])
        with gr.Row():
            with gr.Column(scale=1, min_width=280):
                kind = gr.Dropdown(_kind_choices(), value=first.name, label=T["model"], elem_id="retrain-model")
                log_lr = gr.Slider(*RETRAIN_RANGES["log_lr"], value=FIRST_LOG_LR, step=0.25, label=T["learning_rate"])
                lr_text = gr.Markdown(FIRST_LR_NOTE)
                epochs = gr.Slider(*RETRAIN_RANGES["epochs"], value=5, step=1, label=T["epochs"])
                patience = gr.Slider(*RETRAIN_RANGES["patience"], value=2, step=1, label=T["patience"])
                batch_size = gr.Slider(*RETRAIN_RANGES["batch_size"], value=128, step=8, label=T["batch_size"])
                subset = gr.Slider(RETRAIN_RANGES["subset"][0], TRAIN_SIZES[first.dataset],
                                   value=first.retrain_subset, step=500, label=T["subset"])
                with gr.Accordion(T["architecture"], open=True):
                    # one component per name in registry.RETRAIN_CONTROLS, in that order
                    hidden = gr.Slider(*RETRAIN_RANGES["hidden"], value=128, step=8, label=T["hidden"],
                                       visible=shows["hidden_size"])
                    dropout = gr.Slider(*RETRAIN_RANGES["dropout"], value=0.3, step=0.05, label=T["dropout"],
                                        visible=shows["dropout"])
                    init = gr.Dropdown([(SCHEME_NAMES[scheme], scheme) for scheme in SCHEMES], value="default",
                                       label=T["init"], visible=shows["init"])
                    bidirectional = gr.Checkbox(True, label=T["bidirectional"], visible=shows["bidirectional"])
                with gr.Row():
                    train = gr.Button(T["train"], variant="primary")
                    stop = gr.Button(T["stop"], variant="stop")
                link_button, shipped_button, link = runs.link_section()
            with gr.Column(scale=2):
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
        log_lr.change(lr_note, log_lr, lr_text, api_name=False, show_progress="hidden")
        # .input, not .change: a teacher link sets the kind and its own subset together (ui/retrain/runs.py)
        kind.input(controls_for, kind, [hidden, dropout, init, bidirectional, subset], api_name=False)
        settings = [kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset, session]
        # preprocess=False: the values reach the handler as sent, and it checks each (gradio's own checks let
        # NaN through and answer a string or a null with a generic error)
        trained = train.click(handlers.train, settings, [status, curves, scores, confusion, download, session],
                              api_name="train", concurrency_limit=2, concurrency_id="train", preprocess=False)
        stop.click(handlers.stop, None, status, api_name="stop", queue=False)
        push.click(handlers.push_to_hub, [kind, repo, token, session], pushed, api_name="push_to_hub")
        controls = dict(model=kind, lr=log_lr, epochs=epochs, patience=patience, batch=batch_size, examples=subset,
                        hidden=hidden, dropout=dropout, init=init, bidirectional=bidirectional)
        runs.wire(state, trained, tab, grid, examples, history, link_button, shipped_button, link, status, controls)
    return controls
