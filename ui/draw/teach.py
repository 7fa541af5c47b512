"""Teach it your handwriting (tab 1): keep a misread drawing with its right digit, adapt this session's copies of
the DNN and the CNN to the kept drawings, show what was gained and what it cost, and undo it.

`adapt_digits` holds back every HOLD_BACK_EVERY-th kept drawing, adapts copies of the
models that answer the session (training/adapt.py `adapt_each`, the measured recipes) to the
others, and measures both models before and after on the held-back drawings and on
MNIST_CHECK MNIST test digits. The adapted copies then answer that session's drawings
(ui/state.py `AppState.model`); "use the shipped models again" drops them.

It runs in the server's process, one adaptation at a time (its event's concurrency
limit is 1, and the app's torch runs one thread), its own pool of the queue ("adapt",
limited per session and address by ui/guard.py), so the digit answers of other students
keep theirs. Measured in one process on the 2-core machine, predictions (the whole
predict_digit handler) beside adaptations running back to back: p50 10 → 25 ms, p95
12 → 34 ms, and one adaptation to 20 kept drawings took 3.0 s, its MNIST checks included
(load average 2–4); while other jobs loaded it (14–16): p50 101 → 146 ms, p95 292 → 717 ms,
an adaptation 28 s (the training worker pool was not used: it trains a kind from
scratch on its data set, and adapting starts from this session's model).
"""
import threading

import gradio as gr
import torch

from ink import strokes
from training.adapt import REPLAY_EXAMPLES, adapt_each, examples
from training.datasets import Split
from training.datasets.mnist import load_mnist
from training.loop import predict
from ui import i18n
from ui.draw.handlers import DIGIT_KINDS, STROKE_ERRORS
from ui.draw.taught import Adapted, Full
from ui.state import AppState, session_of

T = i18n.Texts("teach")
MIN_TO_ADAPT = 4  # kept drawings before adapting: three to learn from, one held back
HOLD_BACK_EVERY = 4  # the 4th, 8th, … kept drawing is held back from the fine-tuning, to measure on
MNIST_CHECK = 1_000  # MNIST test digits measured before and after (a 0.1-point step)

_mnist: dict[str, Split | None] = {}  # "test": the check's digits, "replay": other writers' digits; None: no data
_mnist_lock = threading.Lock()


def mnist_digits() -> dict[str, Split | None]:
    """MNIST_CHECK test digits and REPLAY_EXAMPLES training digits from the data folder (DATA_DIR), read once;
    None for each when the server has no MNIST."""
    with _mnist_lock:
        if not _mnist:
            try:
                splits = load_mnist()
                _mnist.update(test=splits["test"].sample(MNIST_CHECK, seed=0),
                              replay=splits["train"].sample(REPLAY_EXAMPLES, seed=0))
            except FileNotFoundError:
                _mnist.update(test=None, replay=None)
        return dict(_mnist)


def accuracy(model: torch.nn.Module, pixels: torch.Tensor, labels: torch.Tensor) -> float:
    return (predict(model, Split((pixels,), labels)).argmax(dim=1) == labels).float().mean().item()


class Teach:
    """teach_digit, adapt_digits and use_shipped over the server's state."""

    def __init__(self, state: AppState):
        self.state = state

    def _session(self, request: gr.Request | None, language: str) -> str:
        key = session_of(request)
        if not key:
            raise gr.Error(T.say("no_session", language), print_exception=False)
        return key

    def teach_digit(self, drawing, label, request: gr.Request = None):
        """Keep the pad's drawing as `label` (an int 0–9) for this session.

        Outputs: how many drawings the session keeps, and a sentence saying so."""
        language = i18n.language(request)
        key = self._session(request, language)
        if isinstance(label, float) and label.is_integer():  # the page's hidden number sends 7.0
            label = int(label)
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label <= 9:
            raise gr.Error(T.say("bad_label", language, label=str(label)[:20]), print_exception=False)
        try:
            parsed = strokes.parse(drawing)
        except strokes.BadStrokes as error:
            why = STROKE_ERRORS.say(error.key, language, **error.values)
            raise gr.Error(T.say("unreadable", language, error=why), print_exception=False) from None
        if parsed is None:
            raise gr.Error(T.say("empty", language), print_exception=False)
        try:
            count = self.state.taught.keep(key, parsed.strokes, label)
        except Full as full:
            raise gr.Error(T.say(full.key, language, limit=full.limit, digit=label), print_exception=False) from None
        more = max(0, MIN_TO_ADAPT - count)
        return count, T.say("kept" if more == 0 else "kept_more", language, count=count, digit=label, more=more)

    def adapt_digits(self, request: gr.Request = None):
        """Fine-tune this session's copies of the DNN and the CNN on its kept drawings.

        Outputs: the before/after report (Markdown) and its figures (a dict: drawings learnt from and held back,
        seconds, and per model [before, after] accuracy on the held-back drawings and on MNIST test digits)."""
        language = i18n.language(request)
        key = self._session(request, language)
        kept = self.state.taught.kept(key)
        if len(kept) < MIN_TO_ADAPT:
            raise gr.Error(T.say("too_few", language, count=len(kept), least=MIN_TO_ADAPT), print_exception=False)
        held = kept[HOLD_BACK_EVERY - 1 :: HOLD_BACK_EVERY]
        learn = [k for i, k in enumerate(kept) if (i + 1) % HOLD_BACK_EVERY]
        data = mnist_digits()
        x_held, y_held = examples([k.strokes for k in held], [k.label for k in held], 1)
        replay = (data["replay"].inputs[0], data["replay"].labels) if data["replay"] is not None else None
        bases = {kind: self.state.unadapted(kind, request) for kind in DIGIT_KINDS}
        bases = {kind: base for kind, base in bases.items() if base is not None}
        if not bases:
            raise gr.Error(T.say("no_model", language), print_exception=False)
        models, seconds = adapt_each(bases, [k.strokes for k in learn], [k.label for k in learn], replay)
        figures = {"learnt_from": len(learn), "held_back": len(held), "mnist_digits": 0, "seconds": seconds,
                   "models": {}}
        test = data["test"]
        for kind, base in bases.items():
            entry = {"held_back": [accuracy(base, x_held, y_held), accuracy(models[kind], x_held, y_held)]}
            if test is not None:
                entry["mnist"] = [accuracy(base, test.inputs[0], test.labels),
                                  accuracy(models[kind], test.inputs[0], test.labels)]
                figures["mnist_digits"] = len(test)
            figures["models"][kind] = entry
        adapted = {kind: Adapted(models[kind], base) for kind, base in bases.items()}
        self.state.taught.put_adapted(key, adapted, figures)
        return report(figures, language), figures

    def use_shipped(self, request: gr.Request = None):
        """Drop this session's adapted models. Output: a sentence saying what answers now."""
        language = i18n.language(request)
        had = self.state.taught.forget_adapted(session_of(request))
        return T.say("undone" if had else "nothing_to_undo", language)


def report(figures: dict, language: str) -> str:
    """The before/after figures as a short Markdown table, in `language`."""
    def arrow(pair):
        return f"{pair[0]:.1%} → **{pair[1]:.1%}**"

    digits = f"{figures['mnist_digits']:,}"
    lines = [T.say("report_intro", language, learnt=figures["learnt_from"], held=figures["held_back"],
                   seconds=f"{figures['seconds']:.1f}"), "",
             f"| | {T.say('held_back_column', language, held=figures['held_back'])} | "
             f"{T.say('mnist_column', language, digits=digits)} |",
             "|---|---|---|"]
    for kind, entry in figures["models"].items():
        mnist = arrow(entry["mnist"]) if "mnist" in entry else T.say("no_mnist", language)
        lines.append(f"| {i18n.kind_title(kind, language)} | {arrow(entry['held_back'])} | {mnist} |")
    lines += ["", T.say("report_after", language)]
    return "\n".join(lines)
