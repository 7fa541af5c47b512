"""Tab 3: retrain any registered model with sliders and watch its curves; it then serves this browser only."""
import gradio as gr

from models import registry
from models.initialisation import SCHEMES
from training.data import TRAIN_SIZES
from ui import handlers
from ui.handlers import Lab
from ui.inputs import RETRAIN_RANGES
from ui.tabs import runs

CSS = "progress { width: 100%; height: 14px; }"
FIRST_KIND = "cnn"  # the kind the tab opens with


def build(lab: Lab, session: gr.State) -> dict:
    """The tab; returns its settings controls by their link names (ui/links.py CONTROLS), for teacher links."""
    first = registry.get(FIRST_KIND)
    shows = {name: name in first.retrain_controls for name in registry.RETRAIN_CONTROLS}
    with gr.Tab("3 · Retrain", id="retrain") as tab:
        gr.Markdown("Train a model yourself. It replaces the shipped one **in your browser only** — other "
                    "students keep theirs. Use a small subset on a CPU: a few thousand examples train in seconds.")
        with gr.Row():
            with gr.Column(scale=1, min_width=280):
                kind = gr.Dropdown(registry.retrainable(), value=first.name, label="model")
                log_lr = gr.Slider(*RETRAIN_RANGES["log_lr"], value=-2.5, step=0.25, label="learning rate: 10^x")
                lr_note = gr.Markdown(handlers.lr_text(-2.5))
                epochs = gr.Slider(*RETRAIN_RANGES["epochs"], value=5, step=1, label="epochs (at most)")
                patience = gr.Slider(*RETRAIN_RANGES["patience"], value=2, step=1,
                                     label="patience: epochs without a better validation loss before stopping early")
                batch_size = gr.Slider(*RETRAIN_RANGES["batch_size"], value=128, step=8, label="batch size")
                subset = gr.Slider(RETRAIN_RANGES["subset"][0], TRAIN_SIZES[first.dataset],
                                   value=first.retrain_subset, step=500, label="training examples")
                with gr.Accordion("architecture", open=True):
                    # one component per name in registry.RETRAIN_CONTROLS, in that order
                    hidden = gr.Slider(*RETRAIN_RANGES["hidden"], value=128, step=8, label="hidden size",
                                       visible=shows["hidden_size"])
                    dropout = gr.Slider(*RETRAIN_RANGES["dropout"], value=0.3, step=0.05, label="dropout",
                                        visible=shows["dropout"])
                    init = gr.Dropdown(list(SCHEMES), value="default", label="weight init (try zeros!)",
                                       visible=shows["init"])
                    bidirectional = gr.Checkbox(True, label="bidirectional (read both ways)",
                                                visible=shows["bidirectional"])
                with gr.Row():
                    train = gr.Button("Train", variant="primary")
                    stop = gr.Button("Stop", variant="stop")
                link_button, shipped_button, link = runs.link_section()
            with gr.Column(scale=2):
                status = gr.HTML("Choose settings and press <b>Train</b>.", elem_id="status")
                curves = gr.Plot(label="training curves", elem_id="curves")
                scores = gr.Markdown()
                confusion = gr.Plot(label="confusion matrix")
                grid, examples = runs.confusion_section()
                download = gr.DownloadButton("Download model (config + safetensors)", visible=False)
                with gr.Accordion("Push to the Hugging Face Hub", open=False):
                    repo = gr.Textbox(label="repository, e.g. your-name/mnist-cnn")
                    token = gr.Textbox(label="write token (used once, never stored)", type="password")
                    push = gr.Button("Push")
                    pushed = gr.Markdown()
        history = runs.history_section()
        log_lr.change(handlers.lr_text, log_lr, lr_note, api_name=False, show_progress="hidden")
        # .input, not .change: a teacher link sets the kind and its own subset together (ui/tabs/runs.py)
        kind.input(handlers.controls_for, kind, [hidden, dropout, init, bidirectional, subset], api_name=False)
        settings = [kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset, session]
        # preprocess=False: the values reach the handler as sent, and it checks each (gradio's own checks let
        # NaN through and answer a string or a null with a generic error)
        trained = train.click(lab.train, settings, [status, curves, scores, confusion, download, session],
                              api_name="train", concurrency_limit=2, concurrency_id="train", preprocess=False)
        stop.click(lab.stop, None, status, api_name="stop", queue=False)
        push.click(lab.push_to_hub, [kind, repo, token, session], pushed, api_name="push_to_hub")
        controls = dict(model=kind, lr=log_lr, epochs=epochs, patience=patience, batch=batch_size, examples=subset,
                        hidden=hidden, dropout=dropout, init=init, bidirectional=bidirectional)
        runs.wire(lab, trained, tab, grid, examples, history, link_button, shipped_button, link, status, controls)
    return controls
