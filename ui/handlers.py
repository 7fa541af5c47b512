"""The app's event handlers: thin functions over ui.* and training.*, safe against bad input.

Each handler returns a complete set of outputs and turns every expected
failure (empty canvas, empty or odd text, missing data, diverging training)
into a message, so nothing a user does raises into the UI.
"""
import contextlib
import itertools

import gradio as gr
import numpy as np
from PIL import Image

import models
from models import registry
from models.initialisation import SCHEMES
from training.data import TRAIN_SIZES
from ui import digit_check, digits, inputs, plots, report, sentiment, strokes
from ui.board import Board
from ui.history import Run, RunHistory
from ui.retrain import StopRequests, WorkerPool
from ui.sketch import ink_from_image, to_mnist
from ui.store import RetrainedModels

DRAW_PROMPT = "✏️ **Draw a digit** on the pad: both networks answer while you draw."
DIGIT_KINDS = ("dnn", "cnn")  # tab 1 shows these two side by side
MAX_IMAGE_WORK = 560  # an image is shrunk to this many pixels a side before it is read (2x the pad)


def lr_text(log_lr: float) -> str:
    return f"learning rate = {10 ** log_lr:.3g}"


def controls_for(kind: str):
    """Updates for the Retrain tab's controls of `kind`: one per registry.RETRAIN_CONTROLS, then the subset."""
    entry = registry.get(kind)
    shown = [gr.update(visible=name in entry.retrain_controls) for name in registry.RETRAIN_CONTROLS]
    return (*shown, gr.update(maximum=TRAIN_SIZES[entry.dataset], value=entry.retrain_subset))


def _session(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None)


class Lab:
    """Handlers bound to the server's state: the shipped models and why any failed to load (a reason without
    paths, by kind), the training workers, the stop requests and the models students retrained."""

    def __init__(self, shipped: dict, load_errors: dict[str, str], workers: WorkerPool, stops: StopRequests,
                 retrained: RetrainedModels, history: RunHistory | None = None, board: Board | None = None):
        self.shipped, self.load_errors = shipped, load_errors
        self.workers, self.stops, self.retrained = workers, stops, retrained
        self.history = history or RunHistory()  # every finished run of each browser session (ui/history.py)
        self.board = board or Board()  # the class boards, in the database (ui/board.py)

    def _model(self, kind: str, request: gr.Request | None):
        entry = self.retrained.get(_session(request), kind)
        return entry.model if entry is not None else self.shipped.get(kind)

    def _origin(self, kind: str, request: gr.Request | None) -> str:
        return "your retrained" if self.retrained.get(_session(request), kind) is not None else "shipped"

    # ---- tab 1: digits -------------------------------------------------------------------------------------------

    def predict_digit(self, drawing, session, request: gr.Request = None):
        """The pad's strokes (ui/strokes.py), drawn by the server at a fixed pen width, then read by both models.

        Outputs: verdict, DNN label, CNN label, details, preprocessing strip, saliency overlay."""
        try:
            parsed = strokes.parse(drawing)
        except strokes.BadStrokes as error:
            raise gr.Error(f"The drawing could not be read: {error}.") from None
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
        path = image.get("path") if isinstance(image, dict) else None
        if path is None:
            return self._answer(None, request)
        inputs.check_image(path, "The image")
        try:
            with Image.open(path) as opened:
                opened.thumbnail((MAX_IMAGE_WORK, MAX_IMAGE_WORK))  # decodes at a reduced size where it can
                pixels = np.asarray(opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "PA", "P") else "RGB"))
        except (OSError, SyntaxError, ValueError):
            raise inputs.decode_error("The image") from None
        return self._answer(to_mnist(ink_from_image(pixels)), request)

    def _answer(self, pre, request):
        if pre is None:
            return DRAW_PROMPT, None, None, "", "", ""
        labels, lines, answers = {}, [], {}
        for kind in DIGIT_KINDS:
            model = self._model(kind, request)
            if model is None:
                labels[kind] = None
                lines.append(f"**{kind.upper()}**: not available ({self.load_errors.get(kind, 'not loaded')})")
                continue
            p = digits.predict(model, pre.pixels)
            classes = registry.get(kind).classes
            labels[kind] = {name: float(p.probs[i]) for i, name in enumerate(classes)}
            answers[kind] = classes[int(p.probs.argmax())]
            lines.append(f"**{registry.get(kind).title}**, {self._origin(kind, request)}: {p.parameters:,} "
                         f"parameters, {p.milliseconds:.1f} ms")
        verdict = " · ".join(f"{k.upper()} reads **{v}**" for k, v in answers.items()) or "No model is available."
        detector = self.shipped.get(digit_check.KIND)  # the shipped one always: students cannot retrain it
        if detector is not None and answers:
            check = digit_check.check(detector, pre.pixels)
            lines.append(f"**Digit check**: {check.reason}")
            if not check.looks_like_digit:
                # the empty span greys the guesses (tab 1's CSS); the notice itself is the text
                verdict = (f"<span class='not-a-digit'></span>🤔 **That doesn't look like a digit** ({check.reason}). "
                           f"Both networks answer anyway, "
                           f"because they only know 0–9: {verdict}")
        cnn, dnn = self._model("cnn", request), self._model("dnn", request)
        norm = (cnn or dnn).config if (cnn or dnn) is not None else models.DNNConfig()
        steps = digits.as_html_image(digits.strip(pre, norm.mean, norm.std), digits.STRIP_ALT)
        overlay = ""
        if cnn is not None:
            attribution = digits.saliency(cnn, pre.pixels, int(answers["cnn"]))
            overlay = digits.as_html_image(digits.overlay(pre, attribution),
                                           digits.saliency_alt(attribution, pre.pixels, answers["cnn"]))
        return verdict, labels["dnn"], labels["cnn"], " · ".join(lines), steps, overlay

    # ---- tab 2: sentiment and similarity -------------------------------------------------------------------------

    def predict_sentiment(self, text, session, request: gr.Request = None):
        """Outputs: note, one label per cell (RNN, LSTM, GRU), highlighted tokens, per-word trace.

        The models of the sentence's language answer (ui/sentiment.language_of): Korean for Hangul."""
        text = inputs.text(text)
        language = sentiment.language_of(text)
        kinds = registry.names("text", language)
        empty = (None,) * (len(kinds) + 2)
        if message := inputs.too_long(text, "The sentence"):
            return message, *empty
        available = {k: m for k in kinds if (m := self._model(k, request)) is not None}
        if not sentiment.clean_tokens(text):
            return "Type a sentence to analyse.", *empty
        if not available:
            return f"No {_language_word(language)}sentiment model is available.", *empty
        labels, traces = [], {}
        for kind in kinds:
            model = available.get(kind)
            if model is None:
                labels.append(None)
                continue
            words = sentiment.word_tokens(model, text)  # each model reads with its own vocabulary
            ends = list(itertools.accumulate(map(len, words))) if language != "en" else None  # trace word by word
            trace = sentiment.prefix_trace(model, [t for word in words for t in word], ends)
            traces[getattr(model.config, "cell", kind)] = trace.tolist()  # rnn-ko's line looks like rnn's
            negative, positive = registry.get(kind).classes
            labels.append({positive: float(trace[-1]), negative: float(1 - trace[-1])})
        reader = next(iter(available.values()))
        words = sentiment.word_tokens(reader, text)
        tokens = [t for word in words for t in word]
        known = sentiment.known_words(reader, tokens)
        unknown = [t for t, k in zip(tokens, known, strict=True) if not k]
        unit = "words" if language == "en" else "pieces"
        notes = []
        if len(reader.tokenize(text)) > len(tokens):
            notes.append(f"Only the first {len(tokens)} {unit} were read.")
        if unknown:
            notes.append(f"{len(unknown)} of {len(tokens)} {unit} are unknown to the models and read as `<unk>`.")
        if len(unknown) == len(tokens):
            notes.append(f"With no known {unit[:-1]}, the answer is a guess.")
        highlighted = [piece for word in words for i, t in enumerate(word)
                       for piece in ((sentiment.shown(t), None if t in reader.known_words else "unknown"),
                                     *([(" ", None)] if i == len(word) - 1 else []))]
        note = " ".join(notes) or f"All {len(tokens)} {unit} are in the models' vocabulary."
        if heading := sentiment.language_note(text, language):
            note = f"{heading} {note}"
        steps = ["".join(map(sentiment.shown, word)) for word in words] if language != "en" else tokens
        return note, *labels, highlighted, plots.token_trace(steps, traces)

    def compare_sentences(self, first, second, session, request: gr.Request = None):
        first, second = inputs.text(first), inputs.text(second)
        if message := inputs.too_long(first, "Sentence A") or inputs.too_long(second, "Sentence B"):
            return message
        if not sentiment.clean_tokens(first) or not sentiment.clean_tokens(second):
            return "Type two sentences to compare."
        language = sentiment.language_of(f"{first}\n{second}")  # one set of models reads both
        rows = []
        for kind in registry.names("text", language):
            model = self._model(kind, request)
            if model is None:
                continue
            cosine = sentiment.cosine_similarity(model, first, second)
            rows.append(f"| {kind.upper()} | {cosine:+.3f} | {_similarity_words(cosine)} |")
        if not rows:
            return f"No {_language_word(language)}sentence model is available."
        heading = sentiment.pair_note(first, second, language)
        return ((f"{heading}\n\n" if heading else "") + "| model | cosine similarity | reading |\n|---|---|---|\n" +
                "\n".join(rows) +
                "\n\nThese models were trained only to tell positive from negative, so sentences with the "
                "same sentiment tend to point the same way even when they talk about different things.")

    # ---- tab 3: retraining ---------------------------------------------------------------------------------------

    def train(self, kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset,
              session, request: gr.Request = None):
        """Streams (status, curves, scores, confusion, download, session) while a model trains.

        Its event takes the values unprocessed (preprocess=False), so every one is checked here first.
        """
        settings = _retrain_settings(kind, log_lr, epochs, patience, batch_size, hidden, dropout, init,
                                     bidirectional, subset)
        entry = registry.get(kind)
        no_file = gr.update(visible=False)
        yield report.progress_html(f"Starting a {kind.upper()} run (the first one also starts a training process "
                                   "and loads the data: a few seconds)…", 0), None, "", None, no_file, session
        last = None
        with (self.stops.running(_session(request)) as stop,
              contextlib.closing(self.workers.stream(kind, settings, stop)) as run):
            for last in run:  # closing the stream (a cancelled call, a closed tab) stops the worker's run
                if last.state == "running":
                    p = last.progress
                    curves = plots.training_curves(last.history, last.best_epoch) if p.stats else gr.update()
                    yield report.running(kind, p), curves, "", None, no_file, session
        if last is None or last.state == "error":
            message = last.message if last is not None else "Training produced no result."
            curves = plots.training_curves(last.history, last.best_epoch) if last and last.history else None
            yield (report.progress_html(f"⚠️ {message} Your previous model is kept."), curves, "", None, no_file,
                   session)
            return
        result = last.result
        fit = result.fit
        stopped_at = fit.history[-1].epoch if fit.stop_reason in ("early_stop", "diverged") else None
        curves = plots.training_curves(fit.history, fit.best_epoch, stopped_at)
        if fit.best_epoch is None:
            yield (report.progress_html("Stopped before the first epoch finished: your previous model is kept."),
                   curves, "", None, no_file, session)
            return
        model = result.model.to("cpu").eval()
        archive = self.retrained.put(_session(request) or "", kind, model, result.report())
        self.history.add(_session(request), Run.from_result(kind, settings, result, last.cells))
        yield (report.finished(fit) + report.zeros_note(settings.get("init"), result.metrics), curves,
               report.scores(result.metrics, kind),
               plots.confusion_heatmap(result.metrics["confusion_matrix"], list(entry.classes)),
               gr.update(value=str(archive), visible=True), session)

    def stop(self, request: gr.Request):
        if not self.stops.stop(request.session_hash if request is not None else None):
            return report.progress_html("Nothing is training.")
        return report.progress_html("Stopping after this batch; the best weights so far are kept…")

    def push_to_hub(self, kind, repo_id, token, session, request: gr.Request = None):
        kind = inputs.choice(kind, "model", registry.retrainable())
        repo_id, token = inputs.text(repo_id).strip(), inputs.text(token).strip()
        entry = self.retrained.get(_session(request), kind)
        if entry is None:
            return f"Retrain a {kind.upper()} first: only your own models can be pushed."
        if "/" not in repo_id:
            return "Give a repository as owner/name."
        if not token:
            return "Paste a write token from your Hugging Face settings."
        from huggingface_hub import HfApi

        try:  # the folder holds config.json, model.safetensors, metrics.json and a model card from the run
            api = HfApi(token=token)
            url = api.create_repo(repo_id, private=True, exist_ok=True)
            api.upload_folder(repo_id=repo_id, folder_path=entry.folder / f"{kind}-retrained")
        except Exception as error:  # network, authentication and permission errors all come back as text
            message = str(error).replace(token, "***")
            return f"Could not push: {type(error).__name__}: {message.splitlines()[0] if message else ''}"
        return f"Pushed to [{repo_id}]({url}) (private)."


def _language_word(language: str) -> str:
    """"Korean " for a message about the Korean models; nothing for the English ones, the app's first."""
    return "" if language == "en" else f"{registry.LANGUAGES[language]} "


def _similarity_words(cosine: float) -> str:
    if cosine > 0.8:
        return "nearly the same direction"
    if cosine > 0.4:
        return "similar"
    if cosine > -0.4:
        return "unrelated"
    return "opposite"


def _retrain_settings(kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional,
                      subset) -> dict:
    """The Retrain tab's values, each checked (ui.inputs), as settings for training.settings.configs."""
    kind = inputs.choice(kind, "model", registry.retrainable())
    entry, ranges = registry.get(kind), inputs.RETRAIN_RANGES
    controls = {
        "hidden_size": inputs.number(hidden, "hidden size", *ranges["hidden"], whole=True),
        "dropout": inputs.number(dropout, "dropout", *ranges["dropout"]),
        "init": inputs.choice(init, "weight init", SCHEMES),
        "bidirectional": inputs.flag(bidirectional, "bidirectional"),
    }
    return {
        "lr": 10 ** inputs.number(log_lr, "learning rate exponent", *ranges["log_lr"]),
        "epochs": inputs.number(epochs, "epochs", *ranges["epochs"], whole=True),
        "patience": inputs.number(patience, "patience", *ranges["patience"], whole=True),
        "batch_size": inputs.number(batch_size, "batch size", *ranges["batch_size"], whole=True),
        "subset": inputs.number(subset, "training examples", ranges["subset"][0], TRAIN_SIZES[entry.dataset],
                                whole=True),
        "log_every": 5,
        **{name: value for name, value in controls.items() if name in entry.retrain_controls},
    }
