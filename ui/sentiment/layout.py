"""Tab 2: how the recurrent models read a sentence, word by word, and how similar two sentences look to them."""
import gradio as gr

from models import registry
from ui import i18n
from ui.inputs import MAX_TEXT_CHARS
from ui.sentiment import centres
from ui.sentiment.handlers import OPPOSITE, SIMILAR, VERY_SIMILAR, Handlers
from ui.sentiment.handlers import T as ANSWERS
from ui.state import AppState

T = i18n.Texts("sentiment-tab")
UNKNOWN = "#d1d5db"  # the unknown words' grey, under the category's name in each language (handlers.py)

EXAMPLE_PAIRS = [  # in each language: similar, opposite, unrelated (tests/test_i18n_draw_sentiment.py PAIRS)
    ["a gorgeous , witty , seductive movie .", "a charming and funny film ."],
    ["a gorgeous , witty , seductive movie .", "the plot is a dull , tedious mess ."],
    ["a masterpiece", "the movie is two hours long"],
    # Korean pairs are read by the Korean models (chosen by the script)
    ["배우들 연기가 정말 최고였어요", "스토리도 탄탄하고 재밌네요"],
    ["배우들 연기가 정말 최고였어요", "시간 아깝다 진짜 지루함"],
    ["최고의 명작", "상영 시간은 두 시간이다"],
]
EXAMPLE_SENTENCES = [
    "a masterpiece of quiet , understated beauty .",
    "it's not a bad film, but it's not a good one either.",
    "the plot is a dull, tedious mess that never comes alive",
    "I didn't expect to love it this much!",
    "진짜 재밌게 봤어요 ㅋㅋ 강추!",  # "really enjoyed it lol, highly recommended!"
    "스토리가 너무 뻔하고 지루했다",  # "the story was too predictable and boring"
    "기대 안 했는데 생각보다 괜찮네",  # "didn't expect much, better than I thought"
    "연기는 good 인데 스토리는 별로",  # both scripts: the Korean models read it, and say so
]


def build(state: AppState, session: gr.State) -> None:
    handlers = Handlers(state)
    with gr.Tab(T.tab("tab", i18n.TABS.index("sentiment")), id="sentiment"):
        with gr.Row():
            with gr.Column():
                sentence = gr.Textbox(label=T["sentence"], lines=2, max_length=MAX_TEXT_CHARS,
                                      value=EXAMPLE_SENTENCES[1])
                analyse = gr.Button(T["analyse"], variant="primary")
                i18n.examples([[s] for s in EXAMPLE_SENTENCES], [sentence], T["examples"])
            with gr.Column():
                note = gr.Markdown(elem_id="sentiment-note")
                with gr.Row():
                    labels = [gr.Label(label=kind.upper(), num_top_classes=2, elem_id=f"label-{kind}")
                              for kind in registry.names("text", "en")]  # the Korean kinds answer here too
        words = gr.HighlightedText(label=T["words"], show_legend=False, combine_adjacent=False,
                                   color_map=dict.fromkeys(ANSWERS.each("unknown_category").values(), UNKNOWN))
        trace = gr.Plot(label=T["trace"])
        outputs = [note, *labels, words, trace]
        analyse.click(handlers.predict_sentiment, [sentence, session], outputs, api_name="predict_sentiment",
                      concurrency_limit=8)
        sentence.submit(handlers.predict_sentiment, [sentence, session], outputs, api_name=False, concurrency_limit=8)

        gr.Markdown(T.static("similarity", count=len(centres.training_sentences("en")), very_similar=VERY_SIMILAR,
                             similar=SIMILAR, opposite=f"{OPPOSITE:+g}".replace("-", "−")))
        with gr.Row():
            first = gr.Textbox(label=T["first"], value=EXAMPLE_PAIRS[0][0], max_length=MAX_TEXT_CHARS)
            second = gr.Textbox(label=T["second"], value=EXAMPLE_PAIRS[0][1], max_length=MAX_TEXT_CHARS)
        compare = gr.Button(T["compare"])
        similarity = gr.Markdown(elem_id="similarity")
        i18n.examples(EXAMPLE_PAIRS, [first, second], T["example_pairs"])
        compare.click(handlers.compare_sentences, [first, second, session], similarity, api_name="compare_sentences",
                      concurrency_limit=8)
