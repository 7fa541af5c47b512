"""The app's event handlers: thin functions over ui.* and training.*, safe against bad input.

Each handler returns a complete set of outputs and turns every expected
failure (empty canvas, empty or odd text, missing data, diverging training)
into a message, so nothing a user does raises into the UI.
"""
import contextlib
import math
import shutil
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

import models
from training.run import IMAGE_KINDS, TEXT_KINDS
from ui import digits, plots, retrain, sentiment
from ui.sketch import ink_from_sketch, to_mnist

DRAW_PROMPT = "✏️ **Draw a digit** on the pad: both networks answer after every stroke."
CLASS_NAMES = {"image": [str(d) for d in range(10)], "text": ["negative", "positive"]}


def lr_text(log_lr: float) -> str:
    return f"learning rate = {10 ** log_lr:.3g}"


def controls_for(kind: str):
    """Show the controls that apply to `kind`: weight init for image models, direction for text models."""
    image = kind in IMAGE_KINDS
    return (gr.update(visible=image), gr.update(visible=not image),
            gr.update(maximum=55_000 if image else 6_920, value=5_000 if image else 6_920))


def _progress_html(text: str, fraction: float | None = None) -> str:
    bar = "" if fraction is None else f'<progress value="{fraction:.3f}" max="1"></progress>'
    return f"<div>{text}</div>{bar}"


class Lab:
    """Handlers bound to the shipped models, their load errors, and the per-session stop flags."""

    def __init__(self, shipped: dict, load_errors: dict, stop_events: dict[str, threading.Event]):
        self.shipped, self.load_errors, self.stop_events = shipped, load_errors, stop_events

    def _model(self, kind: str, session: dict | None):
        return (session or {}).get(kind) or self.shipped.get(kind)

    def _origin(self, kind: str, session: dict | None) -> str:
        return "your retrained" if (session or {}).get(kind) is not None else "shipped"

    # ---- tab 1: digits -------------------------------------------------------------------------------------------

    def predict_digit(self, sketch, session):
        """Outputs: verdict, DNN label, CNN label, details, preprocessing strip, saliency overlay."""
        pre = to_mnist(ink_from_sketch(sketch))
        if pre is None:
            return DRAW_PROMPT, None, None, "", "", ""
        labels, lines, answers = {}, [], {}
        for kind in IMAGE_KINDS:
            model = self._model(kind, session)
            if model is None:
                labels[kind] = None
                lines.append(f"**{kind.upper()}**: not available ({self.load_errors.get(kind, 'not loaded')})")
                continue
            p = digits.predict(model, pre.pixels)
            labels[kind] = {str(d): float(p.probs[d]) for d in range(10)}
            answers[kind] = int(p.probs.argmax())
            lines.append(f"**{kind.upper()}** ({self._origin(kind, session)}): {p.parameters:,} parameters, "
                         f"{p.milliseconds:.1f} ms")
        verdict = " · ".join(f"{k.upper()} reads **{v}**" for k, v in answers.items()) or "No model is available."
        cnn, dnn = self._model("cnn", session), self._model("dnn", session)
        norm = (cnn or dnn).config if (cnn or dnn) is not None else models.MLPConfig()
        steps = digits.as_html_image(digits.strip(pre, norm.mean, norm.std), "the preprocessing steps")
        overlay = "" if cnn is None else digits.as_html_image(
            digits.overlay(pre, digits.saliency(cnn, pre.pixels, answers["cnn"])), "the CNN's saliency on the drawing")
        return verdict, labels["dnn"], labels["cnn"], " · ".join(lines), steps, overlay

    # ---- tab 2: sentiment and similarity -------------------------------------------------------------------------

    def predict_sentiment(self, text, session):
        """Outputs: note, RNN / LSTM / GRU labels, highlighted words, per-word trace."""
        tokens = sentiment.clean_tokens(text if isinstance(text, str) else "")
        available = {k: m for k in TEXT_KINDS if (m := self._model(k, session)) is not None}
        if not tokens:
            return "Type a sentence to analyse.", None, None, None, None, None
        if not available:
            return "No sentiment model is available.", None, None, None, None, None
        labels, traces = [], {}
        for kind in TEXT_KINDS:
            model = available.get(kind)
            if model is None:
                labels.append(None)
                continue
            trace = sentiment.prefix_trace(model, tokens)
            traces[kind] = trace.tolist()
            labels.append({"positive": float(trace[-1]), "negative": float(1 - trace[-1])})
        known = sentiment.known_words(next(iter(available.values())), tokens)
        unknown = [t for t, k in zip(tokens, known) if not k]
        notes = []
        if len(sentiment.tokenize(text)) > len(tokens):
            notes.append(f"Only the first {len(tokens)} words were read.")
        if unknown:
            notes.append(f"{len(unknown)} of {len(tokens)} words are unknown to the models and read as <unk>.")
        if len(unknown) == len(tokens):
            notes.append("With no known word, the answer is a guess.")
        highlighted = [piece for t, k in zip(tokens, known) for piece in ((t, None if k else "unknown"), (" ", None))]
        note = " ".join(notes) or f"All {len(tokens)} words are in the models' vocabulary."
        return note, *labels, highlighted, plots.token_trace(tokens, traces)

    def compare_sentences(self, first, second, session):
        first = first if isinstance(first, str) else ""
        second = second if isinstance(second, str) else ""
        if not sentiment.clean_tokens(first) or not sentiment.clean_tokens(second):
            return "Type two sentences to compare."
        rows = []
        for kind in TEXT_KINDS:
            model = self._model(kind, session)
            if model is None:
                continue
            cosine = sentiment.cosine_similarity(model, first[:20_000], second[:20_000])
            rows.append(f"| {kind.upper()} | {cosine:+.3f} | {_similarity_words(cosine)} |")
        if not rows:
            return "No sentence model is available."
        return ("| model | cosine similarity | reading |\n|---|---|---|\n" + "\n".join(rows) +
                "\n\nThese models were trained only to tell positive from negative, so sentences with the "
                "same sentiment tend to point the same way even when they talk about different things.")

    # ---- tab 3: retraining ---------------------------------------------------------------------------------------

    def train(self, kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset,
              session, request: gr.Request):
        """Streams (status, curves, scores, confusion, download, session) while a model trains."""
        session = dict(session or {})
        stop = threading.Event()
        key = request.session_hash if request is not None else None
        if key:
            self.stop_events[key] = stop
        settings = retrain.Settings(
            kind=kind, lr=10 ** float(log_lr), epochs=int(epochs), patience=int(patience),
            batch_size=int(batch_size), hidden_size=int(hidden), dropout=float(dropout), init=init,
            bidirectional=bool(bidirectional), subset=int(subset),
        )
        no_file = gr.update(visible=False)
        yield _progress_html(f"Starting a {kind.upper()} run (the first one also starts a training process and "
                             "loads the data: a few seconds)…", 0), None, "", None, no_file, session
        last_sent, last = 0.0, None
        try:
            with contextlib.closing(retrain.stream(settings, stop)) as updates:  # closed → the worker stops
                for update in updates:
                    last = update
                    if update.state != "running":
                        continue
                    p = update.progress
                    done = (p.epoch - 1 + (p.batch / p.batches if p.batches else 1)) / p.epochs
                    now = time.monotonic()
                    if p.stats is None and now - last_sent < 0.25:
                        continue  # batch reports come faster than a browser wants them
                    last_sent = now
                    text = f"Training {kind.upper()}: epoch {p.epoch} of {p.epochs}" + (
                        f", batch {p.batch}/{p.batches}, loss {p.loss:.3f}" if p.stats is None else "")
                    curves = plots.training_curves(update.history, update.best_epoch) if p.stats else gr.update()
                    yield _progress_html(text, done), curves, "", None, no_file, session
        finally:
            if key and self.stop_events.get(key) is stop:
                del self.stop_events[key]
        if last is None or last.state == "error":
            message = last.message if last is not None else "Training produced no result."
            curves = plots.training_curves(last.history, last.best_epoch) if last and last.history else None
            yield _progress_html(f"⚠️ {message} Your previous model is kept."), curves, "", None, no_file, session
            return
        result = last.result
        stopped_at = result.fit.history[-1].epoch if result.fit.stop_reason == "early_stop" else None
        curves = plots.training_curves(result.fit.history, result.fit.best_epoch, stopped_at)
        if result.fit.best_epoch is None:
            yield (_progress_html("Stopped before the first epoch finished: your previous model is kept."),
                   curves, "", None, no_file, session)
            return
        model = result.model.to("cpu").eval()
        session[kind] = model
        m = result.metrics
        reason = {"completed": "finished all epochs", "early_stop": "stopped early (patience ran out)",
                  "cancelled": "stopped by you"}[result.fit.stop_reason]
        scores = (f"**Test set** ({m['n']:,} examples): accuracy **{m['accuracy']:.2%}** · macro precision "
                  f"{m['precision_macro']:.3f} · recall {m['recall_macro']:.3f} · F1 {m['f1_macro']:.3f} · "
                  f"ROC-AUC {_fmt(m['roc_auc_ovr'])}\n\nTabs 1 and 2 now use this {kind.upper()} in your "
                  f"browser session.")
        names = CLASS_NAMES["image" if kind in IMAGE_KINDS else "text"]
        path = _export(model, result.report(settings.fit_config()))
        yield (_progress_html(f"Done: {reason} after {len(result.fit.history)} epoch(s) in "
                              f"{result.fit.seconds:.1f} s; best weights from epoch {result.fit.best_epoch}.", 1),
               curves, scores, plots.confusion_heatmap(m["confusion_matrix"], names),
               gr.update(value=path, visible=True), session)

    def stop(self, request: gr.Request):
        event = self.stop_events.get(request.session_hash) if request is not None else None
        if event is None:
            return _progress_html("Nothing is training.")
        event.set()
        return _progress_html("Stopping after this batch; the best weights so far are kept…")

    def push_to_hub(self, kind, repo_id, token, session):
        model = (session or {}).get(kind)
        if model is None:
            return f"Retrain a {kind.upper()} first: only your own models can be pushed."
        if not repo_id or "/" not in repo_id.strip():
            return "Give a repository as owner/name."
        if not token:
            return "Paste a write token from your Hugging Face settings."
        try:
            url = model.push_to_hub(repo_id.strip(), token=token.strip(), private=True)
        except Exception as error:  # network, authentication and permission errors all come back as text
            message = str(error).replace(token.strip(), "***")
            return f"Could not push: {type(error).__name__}: {message.splitlines()[0] if message else ''}"
        return f"Pushed to [{repo_id.strip()}]({getattr(url, 'repo_url', url)}) (private)."


def _similarity_words(cosine: float) -> str:
    if cosine > 0.8:
        return "nearly the same direction"
    if cosine > 0.4:
        return "similar"
    if cosine > -0.4:
        return "unrelated"
    return "opposite"


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _export(model, report: dict) -> str:
    """A zip of the model's checkpoint folder (config.json, model.safetensors, metrics.json), for download."""
    folder = Path(tempfile.mkdtemp(prefix="playground-"))
    name = f"{model.config.kind}-retrained"
    models.save(model, folder / name, {"metrics.json": report})
    return shutil.make_archive(str(folder / name), "zip", folder, name)
