"""Lesson 7: RNN, LSTM and GRU side by side. The three cells train on the same SST-2 sentences with the same
budget (epochs, learning rate, embedding and state sizes, one direction), then read sentences where word
order matters, one word at a time.

A vanilla RNN rewrites its whole state at every word, so what it read a few
words ago fades; the LSTM and the GRU have gates that decide what to keep, at
the price of 4× and 3× the recurrent weights. Reading one direction only, the
trace after each word is what the model thinks of the sentence so far. The run
is `training.loop.fit`, the app's own loop; the per-word trace is tab 2's
(`models.rnn.prefix_trace`).

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
2,000 sentences, 3 epochs, 64-d embeddings and states): 4.6 s for the three.
"""
from collections.abc import Iterator

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

import i18n
from figures.style import LESSON_COLOURS, layout, styled
from lessons import Clock, Result, Shown, splits, vocabulary
from lessons.controls import Control, defaults
from models import registry
from models.rnn import prefix_trace
from models.text import tokenize
from training.loop import FitConfig, fit
from training.run import score, trainable

T = i18n.Texts("lessons-recurrent")

CELLS = ("rnn", "lstm", "gru")
PROBES = ("good", "not good", "good , not bad")
MAX_SENTENCES, MAX_WORDS = 4, 20
CONTROLS = (
    Control("examples", "whole", 2_000, "sentences_count", low=200, high=6_920, step=100),
    Control("epochs", "whole", 3, "epochs", low=1, high=5, step=1),
    Control("size", "whole", 64, "size", low=8, high=128, step=8),
    Control("sentences", "text", "\n".join(PROBES), "sentences", "sentences_field",
            label_values={"most": MAX_SENTENCES}),
)
DEFAULTS = defaults(CONTROLS)
LR, BATCH = 5e-3, 64  # batches of 64 took half the time per epoch of 32, for about the same accuracy


# ---- the experiment --------------------------------------------------------------------------------------------------


def sentences_from(text: str) -> list[list[str]]:
    """Up to MAX_SENTENCES non-empty lines of `text`, each tokenised like SST-2 and cut to MAX_WORDS."""
    lines = [tokenize(line)[:MAX_WORDS] for line in text.splitlines()]
    return [tokens for tokens in lines if tokens][:MAX_SENTENCES]


def run(examples: int = DEFAULTS["examples"], epochs: int = DEFAULTS["epochs"], size: int = DEFAULTS["size"],
        sentences: str = DEFAULTS["sentences"], seed: int = 0) -> Iterator[Result]:
    """Train each cell in turn on the same budget; after each, its row and its trace of each sentence so far."""
    clock = Clock()
    probes = sentences_from(sentences) or [tokenize(p) for p in PROBES]
    data, vocab = splits("sst2"), vocabulary()
    train, val = data["train"].sample(examples, seed), data["val"]
    rows, traces = {}, {}
    for cell in CELLS:
        config = registry.get(cell).config(kind=cell, vocab=vocab, embedding_dim=size, hidden_size=size,
                                           bidirectional=False, dropout=0.3)
        torch.manual_seed(seed)  # each cell starts from the same random state, whatever ran before
        model = trainable(config, "cpu")
        fit_config = FitConfig(epochs=epochs, lr=LR, batch_size=BATCH, patience=epochs + 1, weight_decay=0.01,
                               seed=seed, log_every=10_000)
        result = fit(model, train, val, fit_config)
        recurrent = sum(p.numel() for p in model.cell.parameters())
        rows[cell] = dict(accuracy=score(model, val)["accuracy"], recurrent=recurrent,
                          parameters=sum(p.numel() for p in model.parameters()),
                          seconds=sum(s.seconds for s in result.history) / len(result.history))
        traces[cell] = [prefix_trace(model, tokens).tolist() for tokens in probes]
        yield Result({"cell": cell, "rows": dict(rows), "traces": dict(traces), "probes": probes}, clock(),
                     done=False)
    yield Result({"rows": rows, "traces": traces, "probes": probes, "examples": examples, "epochs": epochs,
                  "n_val": len(val)}, clock())


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    rows, traces, probes = v["rows"], v["traces"], v["probes"]
    pictures = (bars(rows, language=language), trace_figure(probes, traces, language=language))
    if not result.done:
        return Shown(T.say("trained", language, cell=v["cell"].upper()), pictures)
    return Shown(summary(rows, traces, probes, v["examples"], v["epochs"], v["n_val"], language=language), pictures)


def summary(rows: dict, traces: dict, probes: list[list[str]], examples: int, epochs: int, n_val: int, *,
            language: str = "en") -> str:
    lines = [T.say("budget", language, examples=f"{examples:,}", epochs=epochs, n_val=n_val), "",
             T.say("header", language), "|---|---|---|---|---|"]
    lines += [f"| {c.upper()} | {r['accuracy']:.1%} | {r['recurrent']:,} | {r['parameters']:,} | {r['seconds']:.2f} |"
              for c, r in rows.items()]
    lines += ["", T.say("after", language), "",
              f"| {T.say('sentence', language)} | " + " | ".join(c.upper() for c in rows) + " |",
              "|---|" + "---|" * len(rows)]
    for i, tokens in enumerate(probes):
        lines.append(f"| {' '.join(tokens)} | " + " | ".join(f"{traces[c][i][-1]:.2f}" for c in rows) + " |")
    texts = [" ".join(t) for t in probes]
    if "good" in texts and "not good" in texts:
        good, negated = texts.index("good"), texts.index("not good")
        moves = ", ".join(f"{c.upper()} {traces[c][negated][-1] - traces[c][good][-1]:+.2f}" for c in rows)
        lines += ["", T.say("negated", language, moves=moves)]
    lines += ["", T.say("read", language)]
    return "\n".join(lines)


def bars(rows: dict, *, language: str = "en") -> go.Figure:
    fig = make_subplots(rows=1, cols=3, subplot_titles=[T.say(key, language) for key in ("accuracy", "recurrent",
                                                                                          "seconds")])
    names = [c.upper() for c in rows]
    colours = [LESSON_COLOURS[c] for c in rows]
    for col, key in enumerate(("accuracy", "recurrent", "seconds"), start=1):
        values = [r[key] for r in rows.values()]
        fig.add_trace(go.Bar(x=names, y=values, marker_color=colours, showlegend=False,
                             text=[f"{v:.1%}" if key == "accuracy" else f"{v:,.0f}" if key == "recurrent"
                                   else f"{v:.2f}" for v in values], textposition="auto"), row=1, col=col)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=1)
    return layout(fig, 300)


def trace_figure(probes: list[list[str]], traces: dict, *, language: str = "en") -> go.Figure:
    fig = make_subplots(rows=1, cols=len(probes), subplot_titles=[" ".join(t) for t in probes], shared_yaxes=True)
    for col, tokens in enumerate(probes, start=1):
        for cell, per_sentence in traces.items():
            fig.add_trace(go.Scatter(x=list(range(len(tokens))), y=per_sentence[col - 1], mode="lines+markers",
                                     name=cell.upper(), legendgroup=cell, showlegend=col == 1,
                                     **styled(cell)), row=1, col=col)
        fig.update_xaxes(tickvals=list(range(len(tokens))), ticktext=tokens, row=1, col=col)
        fig.add_hline(y=0.5, line=dict(color="#9ca3af", dash="dash"), row=1, col=col)
    fig.update_yaxes(range=[0, 1], row=1, col=1, title_text=T.say("so_far", language))
    return layout(fig, 340, T.say("trace_title", language))
