"""Tab 3's handlers: train a model in a worker process and stream its status, curves and scores; stop it; push the
result to the Hub. Every value a client sends is checked first (ui.inputs); each answers in the request's language.
"""
import contextlib
import inspect
import math

import gradio as gr

from figures import plots
from models import registry
from ui import i18n, inputs, links, page, settings
from ui.history import Run
from ui.retrain import report
from ui.state import AppState, session_of

# the /train values, as a refusal names them (ui.inputs): "model", and each setting by its name (ui/settings.py)
FIELDS = i18n.Texts("retrain-fields")


def controls_for(kind: str):
    """Updates for the Retrain tab's controls that change with the kind, in settings.follow_kind()'s order."""
    entry = registry.get(kind)
    return tuple(gr.update(**settings.for_kind(setting, entry)) for setting in settings.follow_kind())


class Handlers:
    """train, stop and push_to_hub, over the server's state."""

    def __init__(self, state: AppState):
        self.state = state

    def train(self, *args, **kwargs):
        """Streams (status, curves, scores, confusion, download, session) while a model trains. Its parameters
        (TRAIN_PARAMETERS): the kind, each setting of ui/settings.py by its API name in the table's order, the
        session, gradio's request.

        Its event takes the values unprocessed (preprocess=False), so every one is checked here first.
        """
        given = TRAIN_PARAMETERS.bind(self, *args, **kwargs).arguments
        kind, session, request = given["kind"], given["session"], given.get("request")
        language = i18n.language(request)
        stacked = page.narrow(request)  # a phone's page: the two panels of the curves one above the other
        chosen = _retrain_settings(kind, *(given[s.api] for s in settings.in_order()), language=language)
        _within_locks(self.state.sessions.locks(session_of(request)), kind, chosen, language)
        entry = registry.get(kind)
        no_file = gr.update(visible=False)
        yield report.starting(kind, language=language), None, "", None, no_file, session
        last = None
        with (self.state.stops.running(session_of(request)) as stop,
              contextlib.closing(self.state.workers.stream(kind, chosen, stop, session=session_of(request))) as run):
            for last in run:  # closing the stream (a cancelled call, a closed tab) stops the worker's run
                if last.state == "waiting":
                    yield report.waiting(kind, last.line, language=language), gr.update(), "", None, no_file, session
                elif last.state == "running":
                    p = last.progress
                    curves = (plots.training_curves(last.history, last.best_epoch, language=language,
                                                    stacked=stacked) if p.stats else gr.update())
                    yield report.running(kind, p, last.line, language=language), curves, "", None, no_file, session
        if last is not None and last.state == "stopped":
            yield report.progress_html(last.message.say(language)), None, "", None, no_file, session
            return
        if last is None or last.state == "error":
            message = last.message if last is not None else report.NO_RESULT
            curves = (plots.training_curves(last.history, last.best_epoch, language=language, stacked=stacked)
                      if last and last.history else None)
            yield report.failed(message, language=language), curves, "", None, no_file, session
            return
        result = last.result
        fit = result.fit
        stopped_at = fit.history[-1].epoch if fit.stop_reason in ("early_stop", "diverged") else None
        curves = plots.training_curves(fit.history, fit.best_epoch, stopped_at, language=language, stacked=stacked)
        if fit.best_epoch is None:
            yield (report.progress_html(report.say("not_started", language)), curves, "", None, no_file, session)
            return
        model = result.model.to("cpu").eval()
        archive = self.state.retrained.put(session_of(request) or "", kind, model, result.report())
        self.state.history.add(session_of(request), Run.from_result(kind, chosen, result, last.cells))
        yield (report.finished(fit, language=language)
               + report.zeros_note(chosen.get("init"), result.metrics, language=language), curves,
               report.scores(result.metrics, kind, language=language),
               plots.confusion_heatmap(result.metrics["confusion_matrix"], list(entry.classes), language=language),
               gr.update(value=str(archive), visible=True), session)

    def stop(self, request: gr.Request):
        stopping = self.state.stops.stop(session_of(request))
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
            if no_network(error):
                return report.say("push_offline", language)
            message = str(error).replace(token, "***")
            return report.say("push_failed", language,
                              error=f"{type(error).__name__}: {message.splitlines()[0] if message else ''}")
        return report.say("pushed", language, repo=repo_id, url=url)


def no_network(error: BaseException) -> bool:
    """Whether `error`, or one it came from, is a failure to reach the network: a socket error (no DNS, refused,
    timed out) or the HTTP client's own network and timeout errors (httpx's ConnectError "Name or service not known"
    is what a push from a server without a connection raised), or huggingface_hub's offline mode."""
    seen = 0
    while error is not None and seen < 10:
        names = {cls.__name__ for cls in type(error).__mro__}
        if isinstance(error, OSError) or names & {"NetworkError", "TimeoutException", "OfflineModeIsEnabled"}:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


# /train's parameters, which gradio reads for the API's names and for where to pass the request: the kind, the
# settings table's (ui/settings.py) by their API names in its order, then the session
TRAIN_PARAMETERS = inspect.Signature(
    [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
     for name in ("self", "kind", *(s.api for s in settings.in_order()), "session")] +
    [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)])
Handlers.train.__signature__ = TRAIN_PARAMETERS
Handlers.train.__annotations__ = {"request": gr.Request}  # gradio finds where to pass the request by its type hint


def _retrain_settings(kind, *values, language: str = "en") -> dict:
    """The Retrain tab's values as /train takes them (the kind, then ui/settings.py's in its order), each checked
    (ui.inputs), as settings for training.settings.configs: those the kind shows, and how often to report."""
    fields = inputs.Fields(FIELDS, language)
    entry = registry.get(fields.choice(kind, "model", registry.retrainable()))
    # every value is checked, also one the kind does not show: a client learns what it sent wrong either way
    checked = [(setting, _checked(fields, setting, value, entry))
               for setting, value in zip(settings.in_order(), values, strict=True)]
    return {setting.name: value for setting, value in checked if setting.shown_for(entry)} | {"log_every": 5}


def _within_locks(locks: dict, kind: str, chosen: dict, language: str) -> None:
    """A gr.Error naming the first control a teacher's link locked (`locks`: link name → control value, ui/links.py)
    that this run sets otherwise: the server holds a lock whatever a page or an API client sends."""
    for name, locked in locks.items():
        setting = settings.by_link(name)
        if setting is None:
            wanted, got = locked, kind
        elif setting.name in chosen:
            wanted, got = setting.to_setting(locked), chosen[setting.name]
        else:
            continue  # a control the chosen kind does not have
        same = (math.isclose(float(wanted), float(got), rel_tol=1e-6) if isinstance(wanted, (int, float))
                and not isinstance(wanted, bool) and isinstance(got, (int, float)) else wanted == got)
        if not same:
            raise gr.Error(links.T.say("locked_refusal", language, name=settings.short_name(name, language),
                                       value=_shown(wanted), got=_shown(got)), print_exception=False)


def _shown(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _checked(fields: inputs.Fields, setting: settings.Setting, value, kind: registry.Kind):
    """`value` of `setting`'s control, checked, as the setting it gives."""
    if setting.form == "choice":
        return fields.choice(value, setting.name, setting.choices)
    if setting.form == "flag":
        return fields.flag(value, setting.name)
    number = fields.number(value, setting.name, setting.low, setting.highest(kind), whole=setting.form == "whole")
    return setting.to_setting(number)
