"""Tab 3's handlers: train a model in a worker process and stream its status, curves and scores; stop it; push the
result to the Hub. Every value a client sends is checked first (ui.inputs); each answers in the request's language.
"""
import contextlib

import gradio as gr

from figures import plots
from models import registry
from models.initialisation import SCHEMES
from training.datasets import TRAIN_SIZES
from ui import i18n, inputs
from ui.history import Run
from ui.retrain import report
from ui.state import AppState, session_of

# the Retrain tab's fields, as its checks name them (ui.inputs)
FIELDS = i18n.Texts("retrain-fields")


def controls_for(kind: str):
    """Updates for the Retrain tab's controls of `kind`: one per registry.RETRAIN_CONTROLS, then the subset."""
    entry = registry.get(kind)
    shown = [gr.update(visible=name in entry.retrain_controls) for name in registry.RETRAIN_CONTROLS]
    return (*shown, gr.update(maximum=TRAIN_SIZES[entry.dataset], value=entry.retrain_subset))



class Handlers:
    """train, stop and push_to_hub, over the server's state."""

    def __init__(self, state: AppState):
        self.state = state

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
        with (self.state.stops.running(session_of(request)) as stop,
              contextlib.closing(self.state.workers.stream(kind, settings, stop)) as run):
            for last in run:  # closing the stream (a cancelled call, a closed tab) stops the worker's run
                if last.state == "running":
                    p = last.progress
                    curves = (plots.training_curves(last.history, last.best_epoch, language=language) if p.stats
                              else gr.update())
                    yield report.running(kind, p, language=language), curves, "", None, no_file, session
        if last is None or last.state == "error":
            message = last.message if last is not None else report.NO_RESULT
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
        archive = self.state.retrained.put(session_of(request) or "", kind, model, result.report())
        self.state.history.add(session_of(request), Run.from_result(kind, settings, result, last.cells))
        yield (report.finished(fit, language=language)
               + report.zeros_note(settings.get("init"), result.metrics, language=language), curves,
               report.scores(result.metrics, kind, language=language),
               plots.confusion_heatmap(result.metrics["confusion_matrix"], list(entry.classes), language=language),
               gr.update(value=str(archive), visible=True), session)

    def stop(self, request: gr.Request):
        stopping = self.state.stops.stop(request.session_hash if request is not None else None)
        return report.stop_answer(bool(stopping), language=i18n.language(request))

    def push_to_hub(self, kind, repo_id, token, session, request: gr.Request = None):
        language = i18n.language(request)
        kind = inputs.Fields(FIELDS, language).choice(kind, "model", registry.retrainable())
        repo_id, token = inputs.text(repo_id).strip(), inputs.text(token).strip()
        entry = self.state.retrained.get(session_of(request), kind)
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
