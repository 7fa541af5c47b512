"""Plotly figures for the app: training curves, confusion matrix, per-word sentiment trace.

Colours are Okabe and Ito's set for colour-vision deficiencies, and lines that
share a plot also differ in dash and marker, so no pair is told apart by a
red–green difference alone (tests/test_colours.py checks the pairs under
simulated protanopia, deuteranopia and tritanopia). Every figure carries a
text summary of what it shows in `layout.meta.summary`; the page writes it
under the plot (ui/page.py), so a screen reader reads it too.
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe-Ito's blue, orange, sky blue and vermillion, and near-black: the colours that share a plot stay at least
# ΔE 24 apart under each simulated deficiency (the reddish purple and bluish green came within 18 of each other)
COLOURS = {"train": "#0072b2", "val": "#e69f00", "rnn": "#56b4e9", "lstm": "#d55e00", "gru": "#111827"}
DASHES = {"train": "solid", "val": "dash", "rnn": "dot", "lstm": "dash", "gru": "solid"}
MARKERS = {"train": "circle", "val": "diamond", "rnn": "square", "lstm": "triangle-up", "gru": "circle"}
BEST_COLOUR, STOP_COLOUR = "#111827", "#56b4e9"  # the best epoch's line (dashed), an early stop's (dotted)

# The summaries, each one whole sentence with named fields, so each can be translated as it stands.
CURVES_SUMMARY = ("Training curves after epoch {epoch}: training loss {train_loss:.3f}, validation loss "
                  "{val_loss:.3f}; training accuracy {train_acc:.1%}, validation accuracy {val_acc:.1%}.")
CURVES_BEST = "The validation loss was lowest at epoch {best}, {best_loss:.3f}; those weights are kept."
CURVES_STOPPED = "Training stopped early after epoch {stopped}."
CONFUSION_SUMMARY = ("Confusion matrix of {total:,} test examples: {correct:,} ({accuracy:.1%}) on the diagonal, "
                     "read correctly.")
CONFUSION_MISTAKE = "The most common mistake: {true} read as {predicted}, {count:,} times."
TRACE_SUMMARY = ("{model}: positive probability {start:.2f} after “{first}” and {end:.2f} after “{last}”; the "
                 "biggest step, {step:+.2f}, came at “{word}”.")
LINE_SUMMARY = ("{name}: {count} points, from {first:.3g} to {last:.3g} (lowest {low:.3g}, highest {high:.3g}).")
PICTURE_SUMMARY = "A picture of {rows} × {columns} values, from {low:.3g} to {high:.3g}."


def _layout(fig: go.Figure, height: int, summary: str) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=40, r=20, t=70, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.2), meta=dict(summary=summary))
    return fig


def summary(fig: go.Figure) -> str:
    """The figure's text summary: the one it was made with, else its title and one sentence per line or picture."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("summary"):
        return meta["summary"]
    title = fig.layout.title.text
    sentences = [title[0].upper() + title[1:] + "."] if title else []
    for trace in fig.data:
        if trace.type in ("scatter", "bar") and trace.y is not None:
            values = np.array([np.nan if v is None else v for v in trace.y], dtype=float)
            if np.isfinite(values).any() and trace.name:
                finite = values[np.isfinite(values)]
                sentences.append(LINE_SUMMARY.format(name=trace.name, count=len(finite), first=finite[0],
                                                     last=finite[-1], low=finite.min(), high=finite.max()))
        elif trace.type in ("heatmap", "contour") and trace.z is not None:
            values = np.array(trace.z, dtype=float)
            if np.isfinite(values).any():
                sentences.append(PICTURE_SUMMARY.format(rows=values.shape[0], columns=values.shape[1],
                                                        low=np.nanmin(values), high=np.nanmax(values)))
    return " ".join(dict.fromkeys(sentences))  # a trace drawn twice (a contour and its 0.5 line) is told once


def described(fig: go.Figure | None) -> go.Figure | None:
    """`fig` with its text summary in `layout.meta.summary` (ui/page.py shows it under the plot)."""
    if fig is not None and isinstance(fig, go.Figure):
        fig.update_layout(meta=dict(summary=summary(fig)))
    return fig


def training_curves(history, best_epoch: int | None = None, stopped_early_at: int | None = None) -> go.Figure:
    """Loss and accuracy per epoch, train and validation, with the best epoch and an early stop marked."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss (cross-entropy)", "accuracy"))
    epochs = [s.epoch for s in history]
    for col, metric in ((1, "loss"), (2, "acc")):
        for split in ("train", "val"):
            fig.add_trace(go.Scatter(
                x=epochs, y=[getattr(s, f"{split}_{metric}") for s in history], mode="lines+markers",
                name=f"{split} {'loss' if metric == 'loss' else 'accuracy'}",
                line=dict(color=COLOURS[split], dash=DASHES[split]), marker=dict(symbol=MARKERS[split], size=8),
                legendgroup=split, showlegend=col == 1,
            ), row=1, col=col)
        if best_epoch is not None:
            fig.add_vline(x=best_epoch, line=dict(color=BEST_COLOUR, dash="dash"), row=1, col=col)
        if stopped_early_at is not None:
            fig.add_vline(x=stopped_early_at, line=dict(color=STOP_COLOUR, dash="dot"), row=1, col=col)
    if best_epoch is not None:
        fig.add_annotation(x=best_epoch, y=1.0, yref="paper", text=f"best epoch {best_epoch}", showarrow=False,
                           font=dict(color=BEST_COLOUR), xref="x")
    if stopped_early_at is not None:
        fig.add_annotation(x=stopped_early_at, y=0.92, yref="paper", text="early stop", showarrow=False,
                           font=dict(color=STOP_COLOUR), xref="x2")
    fig.update_xaxes(title_text="epoch", dtick=1)
    return _layout(fig, 340, curves_summary(history, best_epoch, stopped_early_at))


def curves_summary(history, best_epoch: int | None = None, stopped_early_at: int | None = None) -> str:
    if not history:
        return ""
    last = history[-1]
    sentences = [CURVES_SUMMARY.format(epoch=last.epoch, train_loss=last.train_loss, val_loss=last.val_loss,
                                       train_acc=last.train_acc, val_acc=last.val_acc)]
    best = next((s for s in history if s.epoch == best_epoch), None)
    if best is not None:
        sentences.append(CURVES_BEST.format(best=best.epoch, best_loss=best.val_loss))
    if stopped_early_at is not None:
        sentences.append(CURVES_STOPPED.format(stopped=stopped_early_at))
    return " ".join(sentences)


def confusion_heatmap(matrix: list[list[int]], class_names: list[str]) -> go.Figure:
    fig = go.Figure(go.Heatmap(
        z=matrix, x=class_names, y=class_names, colorscale="Blues", text=matrix, texttemplate="%{text}",
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>", showscale=False,
    ))
    fig.update_yaxes(autorange="reversed", title_text="true class")
    fig.update_xaxes(title_text="predicted class", type="category")
    fig.update_yaxes(type="category")
    fig.update_layout(title="confusion matrix (test set)")
    return _layout(fig, 380, confusion_summary(matrix, class_names))


def confusion_summary(matrix: list[list[int]], class_names: list[str]) -> str:
    counts = np.asarray(matrix)
    total, correct = int(counts.sum()), int(np.trace(counts))
    sentences = [CONFUSION_SUMMARY.format(total=total, correct=correct, accuracy=correct / max(total, 1))]
    mistakes = counts - np.diag(np.diag(counts))
    if mistakes.max() > 0:
        true, predicted = np.unravel_index(int(mistakes.argmax()), mistakes.shape)
        sentences.append(CONFUSION_MISTAKE.format(true=class_names[true], predicted=class_names[predicted],
                                                  count=int(mistakes[true, predicted])))
    return " ".join(sentences)


def token_trace(tokens: list[str], traces: dict[str, list[float]]) -> go.Figure:
    """Positive probability after each word, one line per model, with 0.5 marked."""
    fig = go.Figure()
    positions = list(range(len(tokens)))
    for name, values in traces.items():
        fig.add_trace(go.Scatter(x=positions, y=values, mode="lines+markers", name=name.upper(),
                                 line=dict(color=COLOURS.get(name), dash=DASHES.get(name)),
                                 marker=dict(symbol=MARKERS.get(name, "circle"), size=8)))
    fig.add_hline(y=0.5, line=dict(color="#6b7280", dash="dash"))
    fig.update_xaxes(tickvals=positions, ticktext=tokens, tickangle=-45 if len(tokens) > 8 else 0)
    fig.update_yaxes(range=[0, 1], title_text="P(positive)")
    fig.update_layout(title="positive probability after each word")
    return _layout(fig, 320, trace_summary(tokens, traces))


def trace_summary(tokens: list[str], traces: dict[str, list[float]]) -> str:
    sentences = []
    for name, values in traces.items():
        steps = np.diff([0.5, *values])  # the first word's step is from an even 0.5
        biggest = int(np.abs(steps).argmax())
        sentences.append(TRACE_SUMMARY.format(model=name.upper(), start=values[0], first=tokens[0], end=values[-1],
                                              last=tokens[-1], step=steps[biggest], word=tokens[biggest]))
    return " ".join(sentences)
