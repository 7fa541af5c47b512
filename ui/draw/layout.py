"""Tab 1: draw a digit; the DNN and the CNN answer while you draw, with the preprocessing and a saliency map.

A student who cannot draw with a pointer can pick an example digit (ui/draw/examples.py: its strokes go through
the same handler as a drawing and appear on the pad) or upload an image (`classify_image`), which is read the
same way; both work with the keyboard alone.
"""
import gradio as gr

from ui import i18n
from ui.draw import examples
from ui.draw.handlers import DRAW_PROMPT, Handlers
from ui.draw.pad import pad
from ui.state import AppState

T = i18n.Texts("draw")
UPLOAD_TITLE = T["upload"]
SALIENCY_TEXT = T["saliency"]

CSS = """
.caption-row p { font-size: 0.85em; color: var(--body-text-color-subdued); text-align: center; }
#steps img { height: 96px; max-width: 100%; object-fit: contain; }
#saliency img { width: 280px; max-width: 100%; }
#verdict { min-height: 2em; }
/* not a digit (ui/draw/handlers.py marks the verdict): the networks' guesses stay, greyed (no opacity: text keeps its
   contrast) */
body:has(#verdict .not-a-digit) #digit-answers { filter: grayscale(1); outline: 2px dashed #6b7280; }
@media (max-width: 640px) {
  #digit-answers { flex-wrap: nowrap !important; }
  #digit-answers > * { min-width: 0 !important; }
}
"""


def build(state: AppState, session: gr.State) -> None:
    handlers = Handlers(state)
    with gr.Tab(T.tab("tab", i18n.TABS.index("draw")), id="draw"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=300):
                drawing = pad(elem_id="pad", label=T["pad"])
            with gr.Column(scale=1, min_width=300):
                verdict = gr.Markdown(DRAW_PROMPT, elem_id="verdict")
                with gr.Row(elem_id="digit-answers"):
                    # short labels: a long one wraps on a phone and covers the answer; details give the titles
                    dnn_label = gr.Label(label="DNN", num_top_classes=3, elem_id="label-dnn")
                    cnn_label = gr.Label(label="CNN", num_top_classes=3, elem_id="label-cnn")
                details = gr.Markdown()
                # the ways in without a pen, under the answers: on a phone the pad and both answers fit one screen
                example = gr.Radio(list(examples.DIGITS), value=None, label=examples.CHOOSE_LABEL,
                                   elem_id="examples")
                with gr.Accordion(UPLOAD_TITLE, open=False):
                    image = gr.Image(label=T["image"],
                                     type="filepath", sources=["upload", "clipboard"], height=200, elem_id="upload")
        with gr.Row():
            with gr.Column(scale=2):
                gr.Markdown(T["seen"])
                # the images come inline in the answer (ui/html.py): a gr.Image would write
                # two files per stroke and every browser would then fetch them
                steps = gr.HTML(elem_id="steps")
                gr.Markdown(T["steps"], elem_classes="caption-row")
            with gr.Column(scale=1, min_width=240):
                gr.Markdown(SALIENCY_TEXT)
                saliency = gr.HTML(elem_id="saliency")
        outputs = [verdict, dnn_label, cnn_label, details, steps, saliency]
        # one pool of two for every digit event: answers while drawing, at the end of a stroke, and for images
        common = dict(show_progress="hidden", concurrency_limit=2, concurrency_id="digits")
        drawing.input(handlers.predict_digit, [drawing, session], outputs, api_name="predict_digit",
                      trigger_mode="always_last", **common)
        image.change(handlers.classify_image, [image, session], outputs, api_name="classify_image", preprocess=False,
                     **common)

        def show_example(digit, session, request: gr.Request = None):
            """The example's strokes on the pad, and the answers to them, as if the student had drawn them."""
            if digit not in examples.STROKES:
                return gr.update(), *handlers.predict_digit("", session, request)
            value = examples.pad_value(digit)
            return value, *handlers.predict_digit(value, session, request)

        # always_last: arrowing along the examples answers the one the student stops on
        example.input(show_example, [example, session], [drawing, *outputs], api_name=False,
                      trigger_mode="always_last", **common)
        # drawing on the pad unselects the example, in the browser alone
        drawing.input(None, None, example, js="() => null", api_name=False, queue=False)
