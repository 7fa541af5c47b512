"""Tab 1: draw a digit; the DNN and the CNN answer while you draw, with the preprocessing and a saliency map.

A student who cannot draw with a pointer can pick an example digit (ui/examples.py: its strokes go through
the same handler as a drawing and appear on the pad) or upload an image (`classify_image`), which is read the
same way; both work with the keyboard alone.
"""
import gradio as gr

from ui import examples, i18n
from ui.handlers import DRAW_PROMPT, Lab
from ui.pad import pad

T = i18n.Texts(
    "draw",
    tab=("1 · Draw a digit", "1 · 숫자 그리기"),
    pad=("Draw one digit, 0–9", "0–9 중 숫자 하나를 그려 보세요"),
    upload=("Or upload an image of a digit", "또는 숫자 이미지 올리기"),
    image=("a digit: dark on light, light on dark, or a transparent PNG",
           "숫자 이미지: 밝은 바탕에 어두운 글씨, 어두운 바탕에 밝은 글씨, 또는 투명 PNG"),
    seen=("### What the networks see", "### 신경망이 보는 것"),
    steps=("your strokes, drawn by the server with a pen of fixed width → cropped to the ink → longest side 20 px "
           "(anti-aliased) → centred by mass in 28 × 28, like MNIST → the normalised input (blue low, yellow high)",
           "내가 그린 획(서버가 같은 굵기의 펜으로 다시 그려요) → 잉크 부분만 잘라 내기 → 긴 변을 20 px로 "
           "(안티에일리어싱) → MNIST처럼 28 × 28 안에서 무게중심을 가운데로 → 정규화된 입력(파란색은 낮은 값, "
           "노란색은 높은 값)"),
    saliency=("### Why the CNN says so\nRed strokes pushed it towards its answer, blue against "
              "(gradient × input); red and blue stay apart for red–green colour blindness too.",
              "### CNN은 왜 그렇게 답했을까?\n빨간 획은 CNN을 그 답 쪽으로 밀었고, 파란 획은 반대쪽으로 "
              "밀었어요(기울기 × 입력). 빨강과 파랑은 적록 색각 이상이 있어도 잘 구별돼요."),
)
UPLOAD_TITLE = T["upload"]
SALIENCY_TEXT = T["saliency"]

CSS = """
.caption-row p { font-size: 0.85em; color: var(--body-text-color-subdued); text-align: center; }
#steps img { height: 96px; max-width: 100%; object-fit: contain; }
#saliency img { width: 280px; max-width: 100%; }
#verdict { min-height: 2em; }
/* not a digit (ui.handlers marks the verdict): the networks' guesses stay, greyed (no opacity: text keeps its
   contrast) */
body:has(#verdict .not-a-digit) #digit-answers { filter: grayscale(1); outline: 2px dashed #6b7280; }
@media (max-width: 640px) {
  #digit-answers { flex-wrap: nowrap !important; }
  #digit-answers > * { min-width: 0 !important; }
}
"""


def build(lab: Lab, session: gr.State) -> None:
    with gr.Tab(T["tab"], id="draw"):
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
                # the images come inline in the answer (ui.digits.as_html_image): a gr.Image would write
                # two files per stroke and every browser would then fetch them
                steps = gr.HTML(elem_id="steps")
                gr.Markdown(T["steps"], elem_classes="caption-row")
            with gr.Column(scale=1, min_width=240):
                gr.Markdown(SALIENCY_TEXT)
                saliency = gr.HTML(elem_id="saliency")
        outputs = [verdict, dnn_label, cnn_label, details, steps, saliency]
        # one pool of two for every digit event: answers while drawing, at the end of a stroke, and for images
        common = dict(show_progress="hidden", concurrency_limit=2, concurrency_id="digits")
        drawing.input(lab.predict_digit, [drawing, session], outputs, api_name="predict_digit",
                      trigger_mode="always_last", **common)
        image.change(lab.classify_image, [image, session], outputs, api_name="classify_image", preprocess=False,
                     **common)

        def show_example(digit, session, request: gr.Request = None):
            """The example's strokes on the pad, and the answers to them, as if the student had drawn them."""
            if digit not in examples.STROKES:
                return gr.update(), *lab.predict_digit("", session, request)
            value = examples.pad_value(digit)
            return value, *lab.predict_digit(value, session, request)

        # always_last: arrowing along the examples answers the one the student stops on
        example.input(show_example, [example, session], [drawing, *outputs], api_name=False,
                      trigger_mode="always_last", **common)
        # drawing on the pad unselects the example, in the browser alone
        drawing.input(None, None, example, js="() => null", api_name=False, queue=False)
