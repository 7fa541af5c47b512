"""Tab 1's handlers: a drawing (the pad's strokes) or an image, read by the DNN and the CNN, with the preprocessing
strip, the saliency overlay and the digit check. Each answers in the request's language.
"""
import io

import gradio as gr
import numpy as np
from PIL import Image

import models
from ink import strokes
from ink.preprocess import ink_from_image, to_mnist
from models import registry
from ui import i18n, inputs
from ui.draw import digit_check, digits
from ui.html import as_html_image
from ui.state import AppState

T = i18n.Texts("draw-answer")
STROKE_ERRORS = i18n.Texts("strokes")
DRAW_PROMPT = T["draw_prompt"]  # the verdict before anything is drawn (tab 1 builds with it)
DIGIT_KINDS = ("dnn", "cnn")  # tab 1 shows these two side by side
MAX_IMAGE_WORK = 560  # an image is shrunk to this many pixels a side before it is read (2x the pad)


class Handlers:
    """predict_digit and classify_image, over the server's state."""

    def __init__(self, state: AppState):
        self.state = state

    def _origin(self, kind: str, request: gr.Request | None, language: str = "en") -> str:
        if self.state.model(kind, request) is not self.state.unadapted(kind, request):
            return T.say("adapted", language)
        return T.say("retrained" if self.state.is_retrained(kind, request) else "shipped", language)

    def predict_digit(self, drawing, session, request: gr.Request = None):
        """The pad's strokes (ink/strokes.py), drawn by the server at a fixed pen width, then read by both models.

        Outputs: verdict, DNN label, CNN label, details, preprocessing strip, saliency overlay."""
        language = i18n.language(request)
        try:
            parsed = strokes.parse(drawing)
        except strokes.BadStrokes as error:
            why = STROKE_ERRORS.say(error.key, language, **error.values)
            raise gr.Error(T.say("unreadable_drawing", language, error=why)) from None
        if parsed is None:
            return self._answer(None, request)
        pre = to_mnist(strokes.render(parsed))
        session["last_digit"] = pre.pixels if pre is not None else session.get("last_digit")  # for the Lessons tab
        verdict, dnn, cnn, details, steps, overlay = self._answer(pre, request)
        if parsed.number is not None:  # which drawing this answers, for a page that sends many
            steps = f'<div data-drawing="{parsed.number}">{steps}</div>'
        return verdict, dnn, cnn, details, steps, overlay

    def classify_image(self, image, session, request: gr.Request = None):
        """Any image (PNG, JPEG or WebP; dark ink on light, light on dark, or an RGBA layer whose alpha is the ink),
        read like a drawing. Its event is unprocessed (preprocess=False): the file is checked before decoding.

        Outputs: the same as predict_digit's."""
        language = i18n.language(request)
        source = inputs.uploaded(image, T.say("image", language), language=language)
        if source is None:
            return self._answer(None, request)
        inputs.check_image(source, T.say("image", language), language=language)
        try:
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as opened:
                opened.thumbnail((MAX_IMAGE_WORK, MAX_IMAGE_WORK))  # decodes at a reduced size where it can
                pixels = np.asarray(opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "PA", "P") else "RGB"))
        except (OSError, SyntaxError, ValueError):
            raise inputs.decode_error(T.say("image", language), language=language) from None
        return self._answer(to_mnist(ink_from_image(pixels)), request)

    def _answer(self, pre, request):
        language = i18n.language(request)
        if pre is None:
            return T.say("draw_prompt", language), None, None, "", "", ""
        labels, lines, answers = {}, [], {}
        for kind in DIGIT_KINDS:
            model = self.state.model(kind, request)
            if model is None:
                labels[kind] = None
                reason = self.state.load_errors.get(kind) or T.say("not_loaded", language)  # the loader's own words
                lines.append(T.say("not_available", language, kind=kind.upper(), reason=reason))
                continue
            p = digits.predict(model, pre.pixels)
            classes = registry.get(kind).classes
            labels[kind] = {i18n.class_name(name, language): float(p.probs[i]) for i, name in enumerate(classes)}
            answers[kind] = classes[int(p.probs.argmax())]
            lines.append(T.say("model_line", language, title=i18n.kind_title(kind, language),
                               origin=self._origin(kind, request, language), parameters=f"{p.parameters:,}",
                               milliseconds=f"{p.milliseconds:.1f}"))
        verdict = (" · ".join(T.say("reads", language, kind=k.upper(), answer=i18n.class_name(v, language))
                              for k, v in answers.items()) or T.say("no_model", language))
        detector = self.state.shipped.get(digit_check.KIND)  # the shipped one always: students cannot retrain it
        if detector is not None and answers:
            check = digit_check.check(detector, pre.pixels, language=language)
            lines.append(T.say("digit_check", language, reason=check.reason))
            if not check.looks_like_digit:
                # the empty span greys the guesses (tab 1's CSS); the notice itself is the text
                verdict = ("<span class='not-a-digit'></span>" +
                           T.say("not_a_digit", language, sure=1 - check.score, verdict=verdict))
        cnn, dnn = self.state.model("cnn", request), self.state.model("dnn", request)
        norm = (cnn or dnn).config if (cnn or dnn) is not None else models.DNNConfig()
        steps = as_html_image(digits.strip(pre, norm.mean, norm.std), digits.strip_alt(language=language))
        overlay = ""
        if cnn is not None:
            attribution = digits.saliency(cnn, pre.pixels, int(answers["cnn"]))
            alt = digits.saliency_alt(attribution, pre.pixels, i18n.class_name(answers["cnn"], language),
                                      language=language)
            overlay = as_html_image(digits.overlay(pre, attribution), alt)
        return verdict, labels["dnn"], labels["cnn"], " · ".join(lines), steps, overlay
