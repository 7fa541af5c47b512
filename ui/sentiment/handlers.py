"""Tab 2's handlers: a sentence read by the three recurrent models of its language (labels, the words they know,
the per-word trace), and two sentences compared by the cosine of their vectors, each measured from the model's mean
vector of training sentences (ui/sentiment/centres.py). Each answers in the request's language.
"""
import itertools

import gradio as gr

from figures import plots
from models import registry
from models.rnn import cosine_similarity, prefix_trace
from ui import i18n, inputs
from ui.sentiment import centres, reading
from ui.state import AppState

T = i18n.Texts("sentiment-answer")


class Handlers:
    """predict_sentiment and compare_sentences, over the server's state."""

    def __init__(self, state: AppState):
        self.state = state

    def predict_sentiment(self, text, session, request: gr.Request = None):
        """Outputs: note, one label per cell (RNN, LSTM, GRU), highlighted tokens, per-word trace.

        The models of the sentence's language answer (ui/reading.language_of): Korean for Hangul. Every text is in
        the request's language (`language`); `reader` is the language whose models read the sentence."""
        language = i18n.language(request)
        text = inputs.text(text)
        reader = reading.language_of(text)
        kinds = registry.names("text", reader)
        empty = (None,) * (len(kinds) + 2)
        if message := inputs.too_long(text, T.say("sentence", language), language=language):
            return message, *empty
        available = {k: m for k in kinds if (m := self.state.model(k, request)) is not None}
        if not reading.clean_tokens(text):
            return T.say("type_sentence", language), *empty
        if not available:
            return T.say("no_sentiment_model", language, which=_language_word(reader, language)), *empty
        labels, traces = [], {}
        for kind in kinds:
            model = available.get(kind)
            if model is None:
                labels.append(None)
                continue
            words = reading.word_tokens(model, text)  # each model reads with its own vocabulary
            ends = list(itertools.accumulate(map(len, words))) if reader != "en" else None  # trace word by word
            trace = prefix_trace(model, [t for word in words for t in word], ends)
            traces[getattr(model.config, "cell", kind)] = trace.tolist()  # rnn-ko's line looks like rnn's
            negative, positive = registry.get(kind).classes
            labels.append({i18n.class_name(positive, language): float(trace[-1]),
                           i18n.class_name(negative, language): float(1 - trace[-1])})
        model = next(iter(available.values()))  # one model's reading, for the notes and the highlighted words
        words = reading.word_tokens(model, text)
        tokens = [t for word in words for t in word]
        known = reading.known_words(model, tokens)
        unknown = [t for t, k in zip(tokens, known, strict=True) if not k]
        units, unit = (("words", "word") if reader == "en" else ("pieces", "piece"))
        units, unit = T.say(units, language), T.say(unit, language)
        notes = []
        if len(model.tokenize(text)) > len(tokens):
            notes.append(T.say("first_only", language, count=len(tokens), unit=units))
        if unknown:
            notes.append(T.say("unknown", language, unknown=len(unknown), count=len(tokens), unit=units))
        if len(unknown) == len(tokens):
            notes.append(T.say("guess", language, unit=unit))
        category = T.say("unknown_category", language)  # the colour map of tab 2 holds it in each language
        highlighted = [piece for word in words for i, t in enumerate(word)
                       for piece in ((reading.shown(t), None if t in model.known_words else category),
                                     *([(" ", None)] if i == len(word) - 1 else []))]
        note = " ".join(notes) or T.say("all_known", language, count=len(tokens), unit=units)
        if heading := reading.language_note(text, reader, language=language):
            note = f"{heading} {note}"
        if turn := reading.contrast_note(text, reader, language=language):
            note = f"{note} {turn}"
        steps = ["".join(map(reading.shown, word)) for word in words] if reader != "en" else tokens
        return note, *labels, highlighted, plots.token_trace(steps, traces, language=language)

    def compare_sentences(self, first, second, session, request: gr.Request = None):
        language = i18n.language(request)
        first, second = inputs.text(first), inputs.text(second)
        if message := (inputs.too_long(first, T.say("first", language), language=language) or
                       inputs.too_long(second, T.say("second", language), language=language)):
            return message
        if not reading.clean_tokens(first) or not reading.clean_tokens(second):
            return T.say("type_two", language)
        reader = reading.language_of(f"{first}\n{second}")  # one set of models reads both
        rows = []
        for kind in registry.names("text", reader):
            model = self.state.model(kind, request)
            if model is None:
                continue
            cosine = cosine_similarity(model, first, second, centres.centre(model, reader))
            rows.append(f"| {kind.upper()} | {cosine:+.3f} | {_similarity_words(cosine, language)} |")
        if not rows:
            return T.say("no_sentence_model", language, which=_language_word(reader, language))
        heading = reading.pair_note(first, second, reader, language=language)
        return ((f"{heading}\n\n" if heading else "") + T.say("table_head", language) + "\n|---|---|---|\n" +
                "\n".join(rows) + "\n\n" + T.say("same_sentiment", language))


def _language_word(reader: str, language: str = "en") -> str:
    """"Korean " for a message about the Korean models (in `language`); nothing for the English ones, the app's
    first."""
    if reader == "en":
        return ""
    return reading.language_name(reader, language=language) + " "


# Bands of the cosine measured from the training sentences' mean (ui/sentiment/centres.py). On the shipped models
# (tests/test_handlers.py): paraphrases +0.73 to +0.99; reviews of opposite opinions −0.50 to −0.92; a review beside a
# plain fact −0.21 to +0.01.
VERY_SIMILAR, SIMILAR, OPPOSITE = 0.6, 0.3, -0.3


def _similarity_words(cosine: float, language: str = "en") -> str:
    if cosine >= VERY_SIMILAR:
        return T.say("very_similar", language)
    if cosine >= SIMILAR:
        return T.say("similar", language)
    if cosine > OPPOSITE:
        return T.say("unrelated", language)
    return T.say("opposite", language)
