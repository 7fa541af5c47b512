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
from ui.draw.teach import Teach
from ui.state import AppState

T = i18n.Texts("draw")
UPLOAD_TITLE = T["upload"]
SALIENCY_TEXT = T["saliency"]
TEACH = i18n.Texts("teach")

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
                with gr.Accordion(TEACH["title"], open=False, elem_id="teach"):
                    gr.Markdown(TEACH["intro"])
                    # the digit a button stands for reaches the handler through this hidden number (set in the page)
                    label = gr.Number(visible=False, precision=None, label=TEACH["label"])
                    gr.Markdown(TEACH["really"])
                    with gr.Row(elem_id="teach-digits"):
                        digit_buttons = [gr.Button(str(d), size="sm", min_width=40, elem_id=f"teach-{d}")
                                         for d in range(10)]
                    kept = gr.Number(0, label=TEACH["kept_label"], interactive=False, elem_id="teach-kept")
                    taught = gr.Markdown(elem_id="teach-status")
                    with gr.Row():
                        adapt = gr.Button(TEACH["adapt"], variant="primary", elem_id="teach-adapt")
                        undo = gr.Button(TEACH["undo"], elem_id="teach-undo")
                    adapted = gr.Markdown(elem_id="teach-report")
                    figures = gr.JSON(visible=False)
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

        teach = Teach(state)
        for digit, button in enumerate(digit_buttons):
            # the page sends the button's digit; the API takes (drawing, label) as they are
            button.click(teach.teach_digit, [drawing, label], [kept, taught], js=f"(d, l) => [d, {digit}]",
                         api_name="teach_digit" if digit == 0 else False, **common)
        adapt.click(teach.adapt_digits, None, [adapted, figures], api_name="adapt_digits", concurrency_limit=1,
                    concurrency_id="adapt").then(handlers.predict_digit, [drawing, session], outputs, api_name=False,
                                                 **common)
        undo.click(teach.use_shipped, None, adapted, api_name="use_shipped_digits", **common).then(
            handlers.predict_digit, [drawing, session], outputs, api_name=False, **common)

        # always_last: arrowing along the examples answers the one the student stops on
        example.input(show_example, [example, session], [drawing, *outputs], api_name=False,
                      trigger_mode="always_last", **common)
        # drawing on the pad unselects the example, in the browser alone
        drawing.input(None, None, example, js="() => null", api_name=False, queue=False)
