"""Helpers the tests share: every tab's handlers over one application state, as app.py builds them."""
from types import SimpleNamespace

from ui.draw.handlers import Handlers as Draw
from ui.lessons.runner import InProcess
from ui.retrain.handlers import Handlers as Retrain
from ui.sentiment.handlers import Handlers as Sentiment
from ui.state import AppState


def handlers(shipped: dict | None = None, load_errors: dict | None = None, **parts) -> SimpleNamespace:
    """`.state` (an AppState with these shipped models, load errors and any other parts given; lessons run in the
    test's own process unless `lessons` is given) and the handlers of tabs 1–3 over it: `.draw`, `.sentiment`,
    `.retrain`."""
    state = AppState(shipped or {}, load_errors or {}, **{"lessons": InProcess()} | parts)
    return SimpleNamespace(state=state, draw=Draw(state), sentiment=Sentiment(state), retrain=Retrain(state))
