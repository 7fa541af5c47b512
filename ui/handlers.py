"""The app's event handlers: thin functions over ui.* and training.*, safe against bad input.

Each handler returns a complete set of outputs and turns every expected
failure (empty canvas, empty or odd text, missing data, diverging training)
into a message, so nothing a user does raises into the UI.

Tabs 1 and 2 answer in the language of the request (ui/i18n.py): their texts are in `T`, English and Korean.
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
from ui import digit_check, digits, i18n, inputs, plots, report, sentiment, strokes
from ui.board import Board
from ui.history import Run, RunHistory
from ui.retrain import StopRequests, WorkerPool
from ui.sketch import ink_from_image, to_mnist
from ui.store import RetrainedModels

T = i18n.Texts(
    "handlers",
    # tab 1
    draw_prompt=("✏️ **Draw a digit** on the pad: both networks answer while you draw.",
                 "✏️ 패드에 **숫자를 그려 보세요**. 그리는 동안 두 신경망이 바로 답해요."),
    unreadable_drawing=("The drawing could not be read: {error}.", "그림을 읽을 수 없어요: {error}."),
    image=("The image", "올린 이미지"),
    not_available=("**{kind}**: not available ({reason})", "**{kind}**: 사용할 수 없어요({reason})"),
    not_loaded=("not loaded", "불러오지 않음"),
    model_line=("**{title}**, {origin}: {parameters} parameters, {milliseconds} ms",
                "**{title}**, {origin}: 매개변수 {parameters}개, {milliseconds} ms"),
    retrained=("your retrained", "내가 다시 학습한 모델"),
    shipped=("shipped", "기본 모델"),
    reads=("{kind} reads **{answer}**", "{kind}의 답: **{answer}**"),
    no_model=("No model is available.", "사용할 수 있는 모델이 없어요."),
    digit_check=("**Digit check**: {reason}", "**숫자 판별**: {reason}"),
    not_a_digit=("🤔 **That doesn't look like a digit** ({reason}). Both networks answer anyway, because they only "
                 "know 0–9: {verdict}",
                 "🤔 **숫자로 보이지 않아요**({reason}). 두 신경망은 0–9밖에 모르기 때문에 그래도 답해요: {verdict}"),
    # tab 2
    sentence=("The sentence", "문장"),
    first=("Sentence A", "문장 A"),
    second=("Sentence B", "문장 B"),
    type_sentence=("Type a sentence to analyse.", "분석할 문장을 입력해 주세요."),
    no_sentiment_model=("No {which}sentiment model is available.", "사용할 수 있는 {which}감성 분석 모델이 없어요."),
    no_sentence_model=("No {which}sentence model is available.", "사용할 수 있는 {which}문장 모델이 없어요."),
    words=("words", "단어"),
    pieces=("pieces", "조각"),
    word=("word", "단어"),
    piece=("piece", "조각"),
    first_only=("Only the first {count} {unit} were read.", "앞의 {unit} {count}개만 읽었어요."),
    unknown=("{unknown} of {count} {unit} are unknown to the models and read as `<unk>`.",
             "{unit} {count}개 중 {unknown}개는 모델이 모르는 것이라 `<unk>`로 읽었어요."),
    guess=("With no known {unit}, the answer is a guess.", "아는 {unit} 하나 없이 내린 답이라 짐작일 뿐이에요."),
    all_known=("All {count} {unit} are in the models' vocabulary.", "{unit} {count}개가 모두 모델의 어휘에 있어요."),
    unknown_category=("unknown", "모름"),
    type_two=("Type two sentences to compare.", "비교할 두 문장을 입력해 주세요."),
    table_head=("| model | cosine similarity | reading |", "| 모델 | 코사인 유사도 | 해석 |"),
    same_sentiment=("These models were trained only to tell positive from negative, so sentences with the same "
                    "sentiment tend to point the same way even when they talk about different things.",
                    "이 모델들은 긍정과 부정을 가려내는 것만 배웠어요. 그래서 감성이 같은 문장은 서로 다른 이야기를 "
                    "하더라도 같은 방향을 가리키는 경향이 있어요."),
    same_direction=("nearly the same direction", "거의 같은 방향"),
    similar=("similar", "비슷함"),
    unrelated=("unrelated", "관련 없음"),
    opposite=("opposite", "반대 방향"),
)
# the Retrain tab's fields, as its checks name them (ui.inputs)
FIELDS = i18n.Texts(
    "handlers-fields",
    model=("model", "모델"),
    hidden_size=("hidden size", "은닉층 크기"),
    dropout=("dropout", "드롭아웃"),
    init=("weight init", "가중치 초기화"),
    bidirectional=("bidirectional", "양방향"),
    log_lr=("learning rate exponent", "학습률 지수"),
    epochs=("epochs", "에포크"),
    patience=("patience", "인내 횟수"),
    batch_size=("batch size", "배치 크기"),
    subset=("training examples", "학습 예시 수"),
)
DRAW_PROMPT = T["draw_prompt"]  # the verdict before anything is drawn (tab 1 builds with it)
DIGIT_KINDS = ("dnn", "cnn")  # tab 1 shows these two side by side
MAX_IMAGE_WORK = 560  # an image is shrunk to this many pixels a side before it is read (2x the pad)


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

    def _origin(self, kind: str, request: gr.Request | None, language: str = "en") -> str:
        retrained = self.retrained.get(_session(request), kind) is not None
        return T.say("retrained" if retrained else "shipped", language)

    # ---- tab 1: digits -------------------------------------------------------------------------------------------

    def predict_digit(self, drawing, session, request: gr.Request = None):
        """The pad's strokes (ui/strokes.py), drawn by the server at a fixed pen width, then read by both models.

        Outputs: verdict, DNN label, CNN label, details, preprocessing strip, saliency overlay."""
        language = i18n.language(request)
        try:
            parsed = strokes.parse(drawing)
        except strokes.BadStrokes as error:
            raise gr.Error(T.say("unreadable_drawing", language, error=error.say(language))) from None
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
        language = i18n.language(request)
        inputs.check_image(path, T.say("image", language), language=language)
        try:
            with Image.open(path) as opened:
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
            model = self._model(kind, request)
            if model is None:
                labels[kind] = None
                reason = self.load_errors.get(kind) or T.say("not_loaded", language)  # the loader's own words
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
        detector = self.shipped.get(digit_check.KIND)  # the shipped one always: students cannot retrain it
        if detector is not None and answers:
            check = digit_check.check(detector, pre.pixels, language=language)
            lines.append(T.say("digit_check", language, reason=check.reason))
            if not check.looks_like_digit:
                # the empty span greys the guesses (tab 1's CSS); the notice itself is the text
                verdict = ("<span class='not-a-digit'></span>" +
                           T.say("not_a_digit", language, reason=check.reason, verdict=verdict))
        cnn, dnn = self._model("cnn", request), self._model("dnn", request)
        norm = (cnn or dnn).config if (cnn or dnn) is not None else models.DNNConfig()
        steps = digits.as_html_image(digits.strip(pre, norm.mean, norm.std), digits.strip_alt(language=language))
        overlay = ""
        if cnn is not None:
            attribution = digits.saliency(cnn, pre.pixels, int(answers["cnn"]))
            alt = digits.saliency_alt(attribution, pre.pixels, i18n.class_name(answers["cnn"], language),
                                      language=language)
            overlay = digits.as_html_image(digits.overlay(pre, attribution), alt)
        return verdict, labels["dnn"], labels["cnn"], " · ".join(lines), steps, overlay

    # ---- tab 2: sentiment and similarity -------------------------------------------------------------------------

    def predict_sentiment(self, text, session, request: gr.Request = None):
        """Outputs: note, one label per cell (RNN, LSTM, GRU), highlighted tokens, per-word trace.

        The models of the sentence's language answer (ui/sentiment.language_of): Korean for Hangul. Every text is in
        the request's language (`language`); `reader` is the language whose models read the sentence."""
        language = i18n.language(request)
        text = inputs.text(text)
        reader = sentiment.language_of(text)
        kinds = registry.names("text", reader)
        empty = (None,) * (len(kinds) + 2)
        if message := inputs.too_long(text, T.say("sentence", language), language=language):
            return message, *empty
        available = {k: m for k in kinds if (m := self._model(k, request)) is not None}
        if not sentiment.clean_tokens(text):
            return T.say("type_sentence", language), *empty
        if not available:
            return T.say("no_sentiment_model", language, which=_language_word(reader, language)), *empty
        labels, traces = [], {}
        for kind in kinds:
            model = available.get(kind)
            if model is None:
                labels.append(None)
                continue
            words = sentiment.word_tokens(model, text)  # each model reads with its own vocabulary
            ends = list(itertools.accumulate(map(len, words))) if reader != "en" else None  # trace word by word
            trace = sentiment.prefix_trace(model, [t for word in words for t in word], ends)
            traces[getattr(model.config, "cell", kind)] = trace.tolist()  # rnn-ko's line looks like rnn's
            negative, positive = registry.get(kind).classes
            labels.append({i18n.class_name(positive, language): float(trace[-1]),
                           i18n.class_name(negative, language): float(1 - trace[-1])})
        model = next(iter(available.values()))  # one model's reading, for the notes and the highlighted words
        words = sentiment.word_tokens(model, text)
        tokens = [t for word in words for t in word]
        known = sentiment.known_words(model, tokens)
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
                       for piece in ((sentiment.shown(t), None if t in model.known_words else category),
                                     *([(" ", None)] if i == len(word) - 1 else []))]
        note = " ".join(notes) or T.say("all_known", language, count=len(tokens), unit=units)
        if heading := sentiment.language_note(text, reader, language=language):
            note = f"{heading} {note}"
        steps = ["".join(map(sentiment.shown, word)) for word in words] if reader != "en" else tokens
        return note, *labels, highlighted, plots.token_trace(steps, traces, language=language)

    def compare_sentences(self, first, second, session, request: gr.Request = None):
        language = i18n.language(request)
        first, second = inputs.text(first), inputs.text(second)
        if message := (inputs.too_long(first, T.say("first", language), language=language) or
                       inputs.too_long(second, T.say("second", language), language=language)):
            return message
        if not sentiment.clean_tokens(first) or not sentiment.clean_tokens(second):
            return T.say("type_two", language)
        reader = sentiment.language_of(f"{first}\n{second}")  # one set of models reads both
        rows = []
        for kind in registry.names("text", reader):
            model = self._model(kind, request)
            if model is None:
                continue
            cosine = sentiment.cosine_similarity(model, first, second)
            rows.append(f"| {kind.upper()} | {cosine:+.3f} | {_similarity_words(cosine, language)} |")
        if not rows:
            return T.say("no_sentence_model", language, which=_language_word(reader, language))
        heading = sentiment.pair_note(first, second, reader, language=language)
        return ((f"{heading}\n\n" if heading else "") + T.say("table_head", language) + "\n|---|---|---|\n" +
                "\n".join(rows) + "\n\n" + T.say("same_sentiment", language))

    # ---- tab 3: retraining ---------------------------------------------------------------------------------------

    def train(self, kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset,
              session, request: gr.Request = None):
        """Streams (status, curves, scores, confusion, download, session) while a model trains.

        Its event takes the values unprocessed (preprocess=False), so every one is checked here first.
        """
        language = i18n.language(request)
        settings = _retrain_settings(kind, log_lr, epochs, patience, batch_size, hidden, dropout, init,
                                     bidirectional, subset, language=language)
        entry = registry.get(kind)
        no_file = gr.update(visible=False)
        yield report.starting(kind, language=language), None, "", None, no_file, session
        last = None
        with (self.stops.running(_session(request)) as stop,
              contextlib.closing(self.workers.stream(kind, settings, stop, language=language)) as run):
            for last in run:  # closing the stream (a cancelled call, a closed tab) stops the worker's run
                if last.state == "running":
                    p = last.progress
                    curves = (plots.training_curves(last.history, last.best_epoch, language=language) if p.stats
                              else gr.update())
                    yield report.running(kind, p, language=language), curves, "", None, no_file, session
        if last is None or last.state == "error":
            message = last.message if last is not None else report.say("no_result", language)
            curves = (plots.training_curves(last.history, last.best_epoch, language=language)
                      if last and last.history else None)
            yield report.failed(message, language=language), curves, "", None, no_file, session
            return
        result = last.result
        fit = result.fit
        stopped_at = fit.history[-1].epoch if fit.stop_reason in ("early_stop", "diverged") else None
        curves = plots.training_curves(fit.history, fit.best_epoch, stopped_at, language=language)
        if fit.best_epoch is None:
            yield (report.progress_html(report.say("not_started", language)), curves, "", None, no_file, session)
            return
        model = result.model.to("cpu").eval()
        archive = self.retrained.put(_session(request) or "", kind, model, result.report())
        self.history.add(_session(request), Run.from_result(kind, settings, result, last.cells))
        yield (report.finished(fit, language=language)
               + report.zeros_note(settings.get("init"), result.metrics, language=language), curves,
               report.scores(result.metrics, kind, language=language),
               plots.confusion_heatmap(result.metrics["confusion_matrix"], list(entry.classes), language=language),
               gr.update(value=str(archive), visible=True), session)

    def stop(self, request: gr.Request):
        stopping = self.stops.stop(request.session_hash if request is not None else None)
        return report.stop_answer(bool(stopping), language=i18n.language(request))

    def push_to_hub(self, kind, repo_id, token, session, request: gr.Request = None):
        language = i18n.language(request)
        kind = inputs.Fields(FIELDS, language).choice(kind, "model", registry.retrainable())
        repo_id, token = inputs.text(repo_id).strip(), inputs.text(token).strip()
        entry = self.retrained.get(_session(request), kind)
        if entry is None:
            return report.say("push_first", language, kind=kind.upper())
        if "/" not in repo_id:
            return report.say("push_repo", language)
        if not token:
            return report.say("push_token", language)
        from huggingface_hub import HfApi

        try:  # the folder holds config.json, model.safetensors, metrics.json and a model card from the run
            api = HfApi(token=token)
            url = api.create_repo(repo_id, private=True, exist_ok=True)
            api.upload_folder(repo_id=repo_id, folder_path=entry.folder / f"{kind}-retrained")
        except Exception as error:  # network, authentication and permission errors all come back as text
            message = str(error).replace(token, "***")
            return report.say("push_failed", language,
                              error=f"{type(error).__name__}: {message.splitlines()[0] if message else ''}")
        return report.say("pushed", language, repo=repo_id, url=url)


def _language_word(reader: str, language: str = "en") -> str:
    """"Korean " for a message about the Korean models (in `language`); nothing for the English ones, the app's
    first."""
    if reader == "en":
        return ""
    return sentiment.language_name(reader, language=language) + " "


def _similarity_words(cosine: float, language: str = "en") -> str:
    if cosine > 0.8:
        return T.say("same_direction", language)
    if cosine > 0.4:
        return T.say("similar", language)
    if cosine > -0.4:
        return T.say("unrelated", language)
    return T.say("opposite", language)


def _retrain_settings(kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional,
                      subset, *, language: str = "en") -> dict:
    """The Retrain tab's values, each checked (ui.inputs), as settings for training.settings.configs."""
    fields = inputs.Fields(FIELDS, language)
    kind = fields.choice(kind, "model", registry.retrainable())
    entry, ranges = registry.get(kind), inputs.RETRAIN_RANGES
    controls = {
        "hidden_size": fields.number(hidden, "hidden_size", *ranges["hidden"], whole=True),
        "dropout": fields.number(dropout, "dropout", *ranges["dropout"]),
        "init": fields.choice(init, "init", SCHEMES),
        "bidirectional": fields.flag(bidirectional, "bidirectional"),
    }
    return {
        "lr": 10 ** fields.number(log_lr, "log_lr", *ranges["log_lr"]),
        "epochs": fields.number(epochs, "epochs", *ranges["epochs"], whole=True),
        "patience": fields.number(patience, "patience", *ranges["patience"], whole=True),
        "batch_size": fields.number(batch_size, "batch_size", *ranges["batch_size"], whole=True),
        "subset": fields.number(subset, "subset", ranges["subset"][0], TRAIN_SIZES[entry.dataset], whole=True),
        "log_every": 5,
        **{name: value for name, value in controls.items() if name in entry.retrain_controls},
    }
