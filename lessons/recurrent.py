"""Lesson 7: RNN, LSTM and GRU side by side. The three cells train on the same sentences with the same budget
(epochs, learning rate, embedding and state sizes, one direction unless the student asks for both), then read
sentences where word order matters, one word at a time.

Every model here, like the shipped ones, takes for each feature the largest value its cell output at any word
(`models.rnn.SentenceClassifier.embed`), so an early word is never lost to later ones; what a cell adds is that
each word's output depends on the words before it (and after it, reading both ways): *bad* after *not* can give a
different output from *bad* alone. A model that only adds up words cannot do that: on SST-2 *not* is mostly a
negative word on its own, so counting scores *not bad* below *bad*. That pair, not *good* / *not good* (which
counting already gets right), is the probe that tells reading from counting; the text works it out from the run.
The trace after each word is the model's verdict on the prefix read so far (`models.rnn.prefix_trace`, tab 2's).

The data: SST-2's sentences (English) or NSMC's reviews (Korean, as the Korean models read them: subword pieces,
here a vocabulary learnt on the sample itself). The default probes come from `training.probes`, with the
reader's label, so the text says where each cell agrees with a reader.

The gap between the cells at the defaults is a small-data effect: measured with all 6,920 sentences, 3 epochs,
size 64, one direction, the three tied (80.8 / 80.6 / 80.0% dev accuracy, issue #22's run), and the text gives the
dev set's standard error so a student can judge a gap of their own.

Measured (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread, defaults:
2,000 sentences, 3 epochs, 64-d embeddings and states): 4.6 s for the three, before the probes (four sentences
traced instead of three) and the Korean data were added; the Korean data reads NSMC once per process and learns a
vocabulary on each run's sample, not yet timed on a quiet machine.
"""
import functools
import math
from collections.abc import Iterator

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

import i18n
from figures.style import LESSON_COLOURS, layout, styled
from lessons import Clock, Result, Shown, splits, vocabulary
from lessons.controls import Control, defaults
from models import korean, registry
from models.rnn import prefix_trace
from models.text import PAD, UNK, tokenize
from training.datasets import data_dir
from training.datasets.nsmc import NSMC_VOCAB, encode_reviews, nsmc_texts
from training.loop import FitConfig, fit
from training.probes import NEGATIVE, POSITIVE, probes
from training.run import score, trainable

T = i18n.Texts("lessons-recurrent")

CELLS = ("rnn", "lstm", "gru")
LANGUAGE = {"sst2": "en", "nsmc": "ko"}  # what each data set's sentences are written in
TRACED = {"sst2": ("bad", "not bad", "it is never boring", "the plot is thin, but the acting is superb"),
          "nsmc": ("지루하지 않았어요", "초반은 지루했는데 후반 30분이 미쳤다", "재미없을 줄 알았는데 아니었어요",
                   "배우들 연기는 좋았지만 스토리가 너무 뻔했다")}  # the default probes, each in training.probes
PROBES = TRACED["sst2"]
MAX_SENTENCES, MAX_WORDS = 4, 20
CONTROLS = (
    Control("examples", "whole", 2_000, "sentences_count", low=200, high=6_920, step=100),
    Control("epochs", "whole", 3, "epochs", low=1, high=5, step=1),
    Control("size", "whole", 64, "size", low=8, high=128, step=8),
    Control("sentences", "text", "\n".join(PROBES), "sentences", "sentences_field",
            label_values={"most": MAX_SENTENCES}),
    Control("data", "choice", "sst2", "recurrent_data", "recurrent_data_field", choices=("sst2", "nsmc"),
            shown=("recurrent_sst2", "recurrent_nsmc")),
    Control("bidirectional", "flag", False, "both_directions", "both_directions_field"),
)
DEFAULTS = defaults(CONTROLS)
LR, BATCH = 5e-3, 64  # batches of 64 took half the time per epoch of 32, for about the same accuracy
NOT = "not"  # the word whose share of negative sentences the text reports (English)


# ---- the experiment --------------------------------------------------------------------------------------------------


def in_language(line: str, language: str) -> bool:
    """Whether `line` has letters of `language` (Hangul for Korean, Latin for English)."""
    return (korean.hangul_letters(line) if language == "ko" else korean.latin_letters(line)) > 0


def sentences_from(text: str, data: str = "sst2") -> list[str]:
    """Up to MAX_SENTENCES non-empty lines of `text` written in `data`'s language, spaces tidied."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if line and in_language(line, LANGUAGE[data])][:MAX_SENTENCES]


@functools.cache
def _reviews(folder: str) -> dict:
    return nsmc_texts(folder)


def korean_data(examples: int, seed: int) -> tuple[dict, list[str]]:
    """`examples` NSMC training reviews and NSMC's validation ones, in pieces of a vocabulary learnt on the sample."""
    texts = _reviews(str(data_dir().resolve()))
    train_texts, train_labels = texts["train"]
    chosen = torch.randperm(len(train_texts), generator=torch.Generator().manual_seed(seed))[:examples].tolist()
    sample = [train_texts[i] for i in chosen]
    vocab = korean.learn_vocab(sample, NSMC_VOCAB, [PAD, UNK])
    return {"train": encode_reviews(sample, [train_labels[i] for i in chosen], vocab),
            "val": encode_reviews(*texts["val"], vocab)}, vocab


def read(model, line: str, data: str) -> list[str]:
    """The tokens `model` reads in `line`, cut to MAX_WORDS words (English words; Korean pieces of MAX_WORDS words)."""
    if data == "nsmc":
        return [piece for word in model.word_tokens(line)[:MAX_WORDS] for piece in word]
    return tokenize(line)[:MAX_WORDS]


def run(examples: int = DEFAULTS["examples"], epochs: int = DEFAULTS["epochs"], size: int = DEFAULTS["size"],
        sentences: str = DEFAULTS["sentences"], data: str = DEFAULTS["data"],
        bidirectional: bool = DEFAULTS["bidirectional"], seed: int = 0) -> Iterator[Result]:
    """Train each cell in turn on the same budget; after each, its row and its trace of each sentence so far."""
    clock = Clock()
    language = LANGUAGE[data]
    lines = sentences_from(sentences, data)
    # none of the student's own lines is in the data's language (the default is English): the data set's probes
    own = not lines and bool(sentences.strip()) and sentences != DEFAULTS["sentences"]
    lines = lines or list(TRACED[data])
    if data == "nsmc":
        data_splits, vocab = korean_data(examples, seed)
        train = data_splits["train"]
    else:
        data_splits, vocab = splits("sst2"), vocabulary()
        train = data_splits["train"].sample(examples, seed)
    val = data_splits["val"]
    known = {p.text.lower(): p for p in probes(language)}
    found = [known.get(line.lower()) for line in lines]
    readers = [p.label if p else None for p in found]  # a reader's label, where the line is a probe
    turns = [bool(p) and p.contrast != "plain" for p in found]  # a probe that turns on a negation or a contrast
    rows, traces, tokens = {}, {}, []
    for cell in CELLS:
        kind = cell if data == "sst2" else f"{cell}-ko"
        settings = {} if data == "sst2" else {"cell": cell}
        config = registry.get(kind).config(kind=kind, vocab=vocab, embedding_dim=size, hidden_size=size,
                                           bidirectional=bidirectional, dropout=0.3, **settings)
        torch.manual_seed(seed)  # each cell starts from the same random state, whatever ran before
        model = trainable(config, "cpu")
        fit_config = FitConfig(epochs=epochs, lr=LR, batch_size=BATCH, patience=epochs + 1, weight_decay=0.01,
                               seed=seed, log_every=10_000, by_length=data == "nsmc")
        result = fit(model, train, val, fit_config)
        recurrent = sum(p.numel() for p in model.cell.parameters())
        rows[cell] = dict(accuracy=score(model, val)["accuracy"], recurrent=recurrent,
                          parameters=sum(p.numel() for p in model.parameters()),
                          seconds=sum(s.seconds for s in result.history) / len(result.history))
        tokens = [read(model, line, data) for line in lines]
        traces[cell] = [prefix_trace(model, t).tolist() if t else [] for t in tokens]
        yield Result({"cell": cell, "rows": dict(rows), "traces": dict(traces), "probes": tokens, "lines": lines},
                     clock(), done=False)
    yield Result({"rows": rows, "traces": traces, "probes": tokens, "lines": lines, "readers": readers, "own": own,
                  "turns": turns,
                  "examples": len(train), "epochs": epochs, "n_val": len(val), "data": data,
                  "bidirectional": bidirectional, "not_share": _negative_share(train, vocab) if data == "sst2"
                  else None}, clock())


def _negative_share(train, vocab: list[str]) -> tuple[int, float] | None:
    """(training sentences holding *not*, the share of them that are negative), or None when *not* is unknown."""
    if NOT not in vocab:
        return None
    ids, _ = train.inputs
    holding = (ids == vocab.index(NOT)).any(dim=1)
    count = int(holding.sum())
    return (count, float((train.labels[holding] == NEGATIVE).float().mean())) if count else None


# ---- what it shows, in a language ------------------------------------------------------------------------------------


def show(result: Result, language: str = "en") -> Shown:
    v = result.values
    rows, traces, probes = v["rows"], v["traces"], v["probes"]
    pictures = (bars(rows, language=language), trace_figure(v["lines"], probes, traces, language=language))
    if not result.done:
        return Shown(T.say("trained", language, cell=v["cell"].upper()), pictures)
    return Shown(summary(v, language=language), pictures)


def summary(v: dict, *, language: str = "en") -> str:
    rows, traces, lines, readers = v["rows"], v["traces"], v["lines"], v["readers"]
    data = v["data"]
    lines_out = [T.say("budget", language, examples=f"{v['examples']:,}", epochs=v["epochs"], n_val=f"{v['n_val']:,}",
                       what=T.say(f"what_{data}", language),
                       direction=T.say("both_ways" if v["bidirectional"] else "one_way", language)), "",
                 T.say("header", language), "|---|---|---|---|---|"]
    lines_out += [f"| {c.upper()} | {r['accuracy']:.1%} | {r['recurrent']:,} | {r['parameters']:,} | "
                  f"{r['seconds']:.2f} |" for c, r in rows.items()]
    accuracies = [r["accuracy"] for r in rows.values()]
    mean = sum(accuracies) / len(accuracies)
    error = math.sqrt(mean * (1 - mean) / v["n_val"])  # the standard error of one accuracy on this dev set
    gap = max(accuracies) - min(accuracies)
    lines_out += ["", T.say("gap" if gap < 2 * error else "gap_wide", language, gap=f"{100 * gap:.1f}",
                            error=f"{100 * error:.1f}", twice=f"{200 * error:.1f}")]
    if data == "sst2" and v["examples"] < CONTROLS[0].high:
        lines_out.append(T.say("small_data", language, most=f"{CONTROLS[0].high:,}"))
    if v["own"]:
        lines_out += ["", T.say("own_probes", language, what=T.say(f"what_{data}", language))]
    lines_out += ["", T.say("after", language), "",
                  f"| {T.say('sentence', language)} | {T.say('reader', language)} | "
                  + " | ".join(c.upper() for c in rows) + " |", "|---|---|" + "---|" * len(rows)]
    for i, line in enumerate(lines):
        reader = "" if readers[i] is None else T.say("positive" if readers[i] == POSITIVE else "negative", language)
        cells = [_answer(traces[c][i], readers[i]) for c in rows]
        lines_out.append(f"| {line} | {reader} | " + " | ".join(cells) + " |")
    lines_out += ["", *_negation(v, language), *_misread(v, language), T.say(f"read_{data}", language)]
    return "\n".join(lines_out)


def _answer(trace: list[float], reader: int | None) -> str:
    if not trace:
        return "–"
    if reader is None:
        return f"{trace[-1]:.2f}"
    return f"{trace[-1]:.2f} {'✓' if (trace[-1] > 0.5) == (reader == POSITIVE) else '✗'}"


def _negation(v: dict, language: str) -> list[str]:
    """What *not* did to *bad*, when both were traced: the counting argument from the run's own sentences."""
    lines, traces = [line.lower() for line in v["lines"]], v["traces"]
    if "bad" not in lines or "not bad" not in lines:
        return []
    plain, negated = lines.index("bad"), lines.index("not bad")
    moves = ", ".join(f"{c.upper()} {traces[c][negated][-1] - traces[c][plain][-1]:+.2f}" for c in traces)
    said = []
    if v["not_share"] is not None:
        count, share = v["not_share"]
        said.append(T.say("counting" if share > 0.5 else "counting_not", language, count=f"{count:,}",
                          share=f"{share:.0%}"))
    lifted = [c.upper() for c in traces if traces[c][negated][-1] > 0.5]
    said.append(T.say("negated", language, moves=moves) + " " +
                (T.say("lifted", language, cells=", ".join(lifted)) if lifted else T.say("none_lifted", language)))
    return [*said, ""]


def _misread(v: dict, language: str) -> list[str]:
    """The traced probes that turn on a negation or a contrast and that a cell read against the reader."""
    wrong = []
    for i, (line, reader) in enumerate(zip(v["lines"], v["readers"], strict=True)):
        cells = [c.upper() for c, t in v["traces"].items() if v["turns"][i] and t[i]
                 and (t[i][-1] > 0.5) != (reader == POSITIVE)]
        if cells:
            wrong.append(f"*{line}* ({', '.join(cells)})")
    if not any(v["turns"]):
        return []
    key = "misread" if wrong else "all_agree"
    return [T.say(f"{key}_{v['data']}", language, misread="; ".join(wrong)), ""]


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


def trace_figure(lines: list[str], probes: list[list[str]], traces: dict, *, language: str = "en") -> go.Figure:
    """One panel per sentence (titled with the sentence as written), P(positive) after each of its tokens."""
    fig = make_subplots(rows=1, cols=len(probes), subplot_titles=lines, shared_yaxes=True)
    for col, tokens in enumerate(probes, start=1):
        for cell, per_sentence in traces.items():
            fig.add_trace(go.Scatter(x=list(range(len(tokens))), y=per_sentence[col - 1], mode="lines+markers",
                                     name=cell.upper(), legendgroup=cell, showlegend=col == 1,
                                     **styled(cell)), row=1, col=col)
        # a Korean piece that continues a word is shown as written ("##는" as "는")
        fig.update_xaxes(tickvals=list(range(len(tokens))), ticktext=[korean.display(t) for t in tokens],
                         row=1, col=col)
        fig.add_hline(y=0.5, line=dict(color="#9ca3af", dash="dash"), row=1, col=col)
    fig.update_yaxes(range=[0, 1], row=1, col=1, title_text=T.say("so_far", language))
    return layout(fig, 340, T.say("trace_title", language))
