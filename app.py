"""Deep-learning playground: draw digits for a DNN and a CNN, probe RNN sentiment models, retrain any of them.

    python app.py                 # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT to change)
    python app.py --share         # a public link for a classroom (needs internet)

The shipped checkpoints in assets/ load once at start-up. Everything a user
retrains lives in that browser session's gr.State only: it never replaces the
shipped models or another user's. Every event has an api_name, so the same
handlers are an API for gradio_client (see tests/test_app.py).
"""
import argparse
import os
import threading
from pathlib import Path

import gradio as gr

import models
from training.run import KINDS, TEXT_KINDS
from ui import handlers

ASSETS = Path(__file__).resolve().parent / "assets"

# gradio summarises its event log with pandas after every event, for a monitoring page this app does not open:
# about 2 ms of the server's one Python thread per event, 6 ms once the log holds its 10,000 events. The queue
# reads this when build() creates it.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")

EXAMPLE_PAIRS = [
    ["a gorgeous , witty , seductive movie .", "a charming and funny film ."],
    ["a gorgeous , witty , seductive movie .", "the plot is a dull , tedious mess ."],
    ["i loved every minute of it", "i hated every minute of it"],
    ["the acting is wonderful", "the weather was cloudy on tuesday"],
]
EXAMPLE_SENTENCES = [
    "a masterpiece of quiet , understated beauty .",
    "it's not a bad film, but it's not a good one either.",
    "the plot is a dull, tedious mess that never comes alive",
    "I didn't expect to love it this much!",
]

CSS = """
#sketchpad { max-width: 420px; margin: 0 auto; }
#sketchpad canvas { touch-action: none; }  /* a thumb on a phone draws instead of scrolling the page */
.caption-row p { font-size: 0.85em; color: var(--body-text-color-subdued); text-align: center; }
progress { width: 100%; height: 14px; }
#steps img { height: 96px; max-width: 100%; object-fit: contain; }
#saliency img { width: 280px; max-width: 100%; }
"""

# The sketch pad opens with no tool selected ("select the draw tool"); click its Brush as soon as it exists,
# and again whenever the pad is rebuilt (after Clear), so a student can draw straight away.
JS = """
() => {
  const ready = () => {
    const brush = document.querySelector('#sketchpad button[aria-label="Brush"]');
    if (brush && brush.getAttribute('aria-pressed') !== 'true' && !brush.classList.contains('selected')) brush.click();
  };
  new MutationObserver(ready).observe(document.body, { childList: true, subtree: true });
  ready();
}
"""


CLICK_CLEAR = """() => { document.querySelector('#sketchpad button[aria-label="Clear canvas"]')?.click(); }"""


def load_shipped(folder: Path = ASSETS) -> tuple[dict, dict]:
    """The checkpoints in `folder`: (models by kind, error messages by kind for any that failed to load)."""
    loaded, errors = {}, {}
    for kind in KINDS:
        try:
            loaded[kind] = models.load(folder / kind)
        except models.CheckpointError as error:
            errors[kind] = str(error)
    return loaded, errors


SHIPPED, LOAD_ERRORS = load_shipped()
STOP_EVENTS: dict[str, threading.Event] = {}  # one per browser session, for the Stop button


def build() -> gr.Blocks:
    lab = handlers.Lab(SHIPPED, LOAD_ERRORS, STOP_EVENTS)
    with gr.Blocks(title="Deep-learning playground") as demo:
        session = gr.State({}, time_to_live=3 * 3600)  # this browser's retrained models, by kind
        gr.Markdown(
            "# Deep-learning playground\n"
            "Draw a digit for a **DNN** and a **CNN**, see how **RNN / LSTM / GRU** read a sentence, "
            "and retrain any of them right here."
        )
        if LOAD_ERRORS:
            gr.Markdown("⚠️ " + " ".join(f"The shipped **{k}** model could not be loaded: {e}."
                                         for k, e in LOAD_ERRORS.items()))

        with gr.Tab("1 · Draw a digit"):
            with gr.Row():
                with gr.Column(scale=1, min_width=300):
                    pad = gr.Sketchpad(
                        elem_id="sketchpad", label="Draw one digit, 0–9", canvas_size=(280, 280),
                        brush=gr.Brush(default_size=11, colors=["#000000"], color_mode="fixed"),
                        format="png", layers=False, transforms=(), type="numpy", image_mode="RGBA",
                        buttons=[],
                    )
                    clear = gr.Button("Clear", variant="secondary")
                with gr.Column(scale=1, min_width=300):
                    verdict = gr.Markdown(handlers.DRAW_PROMPT, elem_id="verdict")
                    with gr.Row():
                        dnn_label = gr.Label(label="DNN (multi-layer perceptron)", num_top_classes=3)
                        cnn_label = gr.Label(label="CNN (convolutional)", num_top_classes=3)
                    details = gr.Markdown()
            with gr.Row():
                with gr.Column(scale=2):
                    gr.Markdown("### What the networks see")
                    # the images come inline in the answer (ui.digits.as_html_image): a gr.Image would write
                    # two files per stroke and every browser would then fetch them
                    steps = gr.HTML(elem_id="steps", js_on_load=None)
                    gr.Markdown("your ink → cropped to the ink → longest side 20 px (anti-aliased) → centred by "
                                "mass in 28 × 28, like MNIST → the normalised input (blue low, yellow high)",
                                elem_classes="caption-row")
                with gr.Column(scale=1, min_width=240):
                    gr.Markdown("### Why the CNN says so\nRed strokes pushed it towards its answer, blue against "
                                "(gradient × input).")
                    saliency = gr.HTML(elem_id="saliency", js_on_load=None)
            digit_outputs = [verdict, dnn_label, cnn_label, details, steps, saliency]
            pad.change(lab.predict_digit, [pad, session], digit_outputs, api_name="predict_digit",
                       trigger_mode="always_last", show_progress="hidden", concurrency_limit=2)
            # Returning None to a Sketchpad leaves it stuck on "processing" (gradio issue 9978, seen in 6.31):
            # press the pad's own "Clear canvas" instead, whose change event then resets the answers.
            clear.click(None, js=CLICK_CLEAR)

        with gr.Tab("2 · Sentiment & similarity"):
            with gr.Row():
                with gr.Column():
                    sentence = gr.Textbox(label="A sentence (a film review works best)", lines=2, max_length=2000,
                                          value=EXAMPLE_SENTENCES[1])
                    analyse = gr.Button("Analyse", variant="primary")
                    gr.Examples([[s] for s in EXAMPLE_SENTENCES], [sentence])
                with gr.Column():
                    sentiment_note = gr.Markdown(elem_id="sentiment-note")
                    with gr.Row():
                        text_labels = [gr.Label(label=kind.upper(), num_top_classes=2, elem_id=f"label-{kind}")
                                   for kind in TEXT_KINDS]
            words = gr.HighlightedText(label="What the models read (grey: unknown words, ignored as <unk>)",
                                       color_map={"unknown": "#d1d5db"}, show_legend=False, combine_adjacent=False)
            trace = gr.Plot(label="word by word")
            sentiment_outputs = [sentiment_note, *text_labels, words, trace]
            analyse.click(lab.predict_sentiment, [sentence, session], sentiment_outputs,
                          api_name="predict_sentiment", concurrency_limit=8)
            sentence.submit(lab.predict_sentiment, [sentence, session], sentiment_outputs, api_name=False,
                            concurrency_limit=8)

            gr.Markdown("### Similarity of two sentences\nEach model turns a sentence into a vector (the one its "
                        "classifier reads). The cosine of two vectors is 1 when they point the same way, 0 when "
                        "they are unrelated (orthogonal) and −1 when opposite.")
            with gr.Row():
                first = gr.Textbox(label="Sentence A", value=EXAMPLE_PAIRS[0][0], max_length=2000)
                second = gr.Textbox(label="Sentence B", value=EXAMPLE_PAIRS[0][1], max_length=2000)
            compare = gr.Button("Compare")
            similarity = gr.Markdown(elem_id="similarity")
            gr.Examples(EXAMPLE_PAIRS, [first, second])
            compare.click(lab.compare_sentences, [first, second, session], similarity, api_name="compare_sentences",
                          concurrency_limit=8)

        with gr.Tab("3 · Retrain"):
            gr.Markdown("Train a model yourself. It replaces the shipped one **in your browser only** — other "
                        "students keep theirs. Use a small subset on a CPU: a few thousand examples train in seconds.")
            with gr.Row():
                with gr.Column(scale=1, min_width=280):
                    kind = gr.Dropdown(list(KINDS), value="cnn", label="model")
                    log_lr = gr.Slider(-5, 0, value=-2.5, step=0.25, label="learning rate: 10^x")
                    lr_note = gr.Markdown("learning rate = 0.00316")
                    epochs = gr.Slider(1, 30, value=5, step=1, label="epochs (at most)")
                    patience = gr.Slider(1, 10, value=2, step=1, label="patience: epochs without a better "
                                         "validation loss before stopping early")
                    batch_size = gr.Slider(8, 512, value=128, step=8, label="batch size")
                    subset = gr.Slider(500, 55_000, value=5_000, step=500, label="training examples")
                    with gr.Accordion("architecture", open=True):
                        hidden = gr.Slider(8, 512, value=128, step=8, label="hidden size")
                        dropout = gr.Slider(0, 0.9, value=0.3, step=0.05, label="dropout")
                        init = gr.Dropdown(["default", "gaussian", "xavier", "kaiming", "zeros"], value="default",
                                           label="weight init (try zeros!)")
                        bidirectional = gr.Checkbox(True, label="bidirectional (read both ways)", visible=False)
                    with gr.Row():
                        train = gr.Button("Train", variant="primary")
                        stop = gr.Button("Stop", variant="stop")
                with gr.Column(scale=2):
                    status = gr.HTML("Choose settings and press <b>Train</b>.", elem_id="status")
                    curves = gr.Plot(label="training curves", elem_id="curves")
                    scores = gr.Markdown()
                    confusion = gr.Plot(label="confusion matrix")
                    download = gr.DownloadButton("Download model (config + safetensors)", visible=False)
                    with gr.Accordion("Push to the Hugging Face Hub", open=False):
                        repo = gr.Textbox(label="repository, e.g. your-name/mnist-cnn")
                        token = gr.Textbox(label="write token (used once, never stored)", type="password")
                        push = gr.Button("Push")
                        pushed = gr.Markdown()
            log_lr.change(handlers.lr_text, log_lr, lr_note, api_name=False, show_progress="hidden")
            kind.change(handlers.controls_for, kind, [init, bidirectional, subset], api_name=False)
            settings = [kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset,
                        session]
            train.click(lab.train, settings,
                        [status, curves, scores, confusion, download, session],
                        api_name="train", concurrency_limit=2, concurrency_id="train")
            stop.click(lab.stop, None, status, api_name="stop", queue=False)
            push.click(lab.push_to_hub, [kind, repo, token, session], pushed, api_name="push_to_hub")
    demo.queue(max_size=256, default_concurrency_limit=8)  # beyond 256 waiting events: "queue is full"
    return demo


demo = build()
LAUNCH_OPTIONS = dict(css=CSS, js=JS, theme=gr.themes.Soft())


def main() -> None:
    parser = argparse.ArgumentParser(description="Start the deep-learning playground.")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link (needs internet)")
    args = parser.parse_args()
    demo.launch(share=args.share, **LAUNCH_OPTIONS)


if __name__ == "__main__":
    main()
