"""Plotly figures for the app: training curves, confusion matrix, per-word sentiment trace.

Colours, dashes and markers come from figures/style.py. Every figure carries a
text summary of what it shows in `layout.meta.summary`; the page writes it
under the plot (ui/page.py), so a screen reader reads it too.
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import i18n
from figures.style import BEST_COLOUR, COLOURS, DASHES, MARKERS, STOP_COLOUR

# The summaries, each one whole sentence with named fields, so each is translated as it stands; and every other
# text a figure shows (titles, axis titles, legend names, hover text), in English and Korean.
T = i18n.Texts("plots")

def _layout(fig: go.Figure, height: int, summary: str) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=40, r=20, t=70, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.2), meta=dict(summary=summary))
    return fig


def summary(fig: go.Figure, *, language: str = "en") -> str:
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
                sentences.append(T.say("line_summary", language, name=trace.name, count=len(finite), first=finite[0],
                                       last=finite[-1], low=finite.min(), high=finite.max()))
        elif trace.type in ("heatmap", "contour") and trace.z is not None:
            values = np.array(trace.z, dtype=float)
            if np.isfinite(values).any():
                sentences.append(T.say("picture_summary", language, rows=values.shape[0], columns=values.shape[1],
                                       low=np.nanmin(values), high=np.nanmax(values)))
    return " ".join(dict.fromkeys(sentences))  # a trace drawn twice (a contour and its 0.5 line) is told once


def described(fig: go.Figure | None, *, language: str = "en") -> go.Figure | None:
    """`fig` with its text summary in `layout.meta.summary` (ui/page.py shows it under the plot)."""
    if fig is not None and isinstance(fig, go.Figure):
        fig.update_layout(meta=dict(summary=summary(fig, language=language)))
    return fig


def training_curves(history, best_epoch: int | None = None, stopped_early_at: int | None = None, *,
                    language: str = "en", stacked: bool = False) -> go.Figure:
    """Loss and accuracy per epoch, train and validation, with the best epoch and an early stop marked: side by
    side, or `stacked` one above the other (a phone's screen, where side by side their titles overlapped)."""
    fig = make_subplots(rows=2 if stacked else 1, cols=1 if stacked else 2, vertical_spacing=0.2,
                        subplot_titles=(T.say("loss_title", language), T.say("accuracy_title", language)))
    epochs = [s.epoch for s in history]
    for col, metric in ((1, "loss"), (2, "acc")):
        for split in ("train", "val"):
            fig.add_trace(go.Scatter(
                x=epochs, y=[getattr(s, f"{split}_{metric}") for s in history], mode="lines+markers",
                name=T.say(f"{split}_{metric}", language),
                line=dict(color=COLOURS[split], dash=DASHES[split]), marker=dict(symbol=MARKERS[split], size=8),
                legendgroup=split, showlegend=col == 1,
            ), **cell(col, stacked))
        if best_epoch is not None:
            fig.add_vline(x=best_epoch, line=dict(color=BEST_COLOUR, dash="dash"), **cell(col, stacked))
        if stopped_early_at is not None:
            fig.add_vline(x=stopped_early_at, line=dict(color=STOP_COLOUR, dash="dot"), **cell(col, stacked))
    if best_epoch is not None:
        fig.add_annotation(x=best_epoch, y=1.0, yref="paper", text=T.say("best_epoch", language, epoch=best_epoch),
                           showarrow=False, font=dict(color=BEST_COLOUR), xref="x")
    if stopped_early_at is not None:
        fig.add_annotation(x=stopped_early_at, y=0.36 if stacked else 0.92, yref="paper",
                           text=T.say("early_stop", language), showarrow=False, font=dict(color=STOP_COLOUR), xref="x2")
    fig.update_xaxes(title_text=T.say("epoch", language), dtick=1)
    return _layout(fig, 600 if stacked else 340, curves_summary(history, best_epoch, stopped_early_at,
                                                                language=language))


def cell(panel: int, stacked: bool) -> dict:
    """The subplot of panel 1 or 2 of a pair: side by side, or one above the other."""
    return dict(row=panel, col=1) if stacked else dict(row=1, col=panel)


def curves_summary(history, best_epoch: int | None = None, stopped_early_at: int | None = None, *,
                   language: str = "en") -> str:
    if not history:
        return ""
    last = history[-1]
    sentences = [T.say("curves_summary", language, epoch=last.epoch, train_loss=last.train_loss,
                       val_loss=last.val_loss, train_acc=last.train_acc, val_acc=last.val_acc)]
    if last.train_acc < last.val_acc:
        sentences.append(T.say("curves_train_below", language))
    best = next((s for s in history if s.epoch == best_epoch), None)
    if best is not None:
        sentences.append(T.say("curves_best", language, best=best.epoch, best_loss=best.val_loss))
    if stopped_early_at is not None:
        sentences.append(T.say("curves_stopped", language, stopped=stopped_early_at))
    return " ".join(sentences)


def confusion_heatmap(matrix: list[list[int]], class_names: list[str], *, language: str = "en") -> go.Figure:
    """The matrix as a heatmap, its classes named in `language` (digits stay digits)."""
    names = [i18n.class_name(name, language) for name in class_names]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=names, y=names, colorscale="Blues", text=matrix, texttemplate="%{text}",
        hovertemplate=T.say("confusion_hover", language) + "<extra></extra>", showscale=False,
    ))
    fig.update_yaxes(autorange="reversed", title_text=T.say("true_class", language))
    fig.update_xaxes(title_text=T.say("predicted_class", language), type="category")
    fig.update_yaxes(type="category")
    fig.update_layout(title=T.say("confusion_title", language))
    return _layout(fig, 380, confusion_summary(matrix, class_names, language=language))


def confusion_summary(matrix: list[list[int]], class_names: list[str], *, language: str = "en") -> str:
    counts = np.asarray(matrix)
    total, correct = int(counts.sum()), int(np.trace(counts))
    sentences = [T.say("confusion_summary", language, total=total, correct=correct,
                       accuracy=correct / max(total, 1))]
    mistakes = counts - np.diag(np.diag(counts))
    if mistakes.max() > 0:
        true, predicted = np.unravel_index(int(mistakes.argmax()), mistakes.shape)
        sentences.append(T.say("confusion_mistake", language, true=i18n.class_name(class_names[true], language),
                               predicted=i18n.class_name(class_names[predicted], language),
                               count=int(mistakes[true, predicted])))
    return " ".join(sentences)


def token_trace(tokens: list[str], traces: dict[str, list[float]], *, language: str = "en") -> go.Figure:
    """Positive probability after each word, one line per model, with 0.5 marked."""
    fig = go.Figure()
    positions = list(range(len(tokens)))
    for name, values in traces.items():
        fig.add_trace(go.Scatter(x=positions, y=values, mode="lines+markers", name=name.upper(),
                                 line=dict(color=COLOURS.get(name), dash=DASHES.get(name)),
                                 marker=dict(symbol=MARKERS.get(name, "circle"), size=8)))
    fig.add_hline(y=0.5, line=dict(color="#6b7280", dash="dash"))
    rotated = len(tokens) > 8
    fig.update_xaxes(tickvals=positions, ticktext=tokens, tickangle=-45 if rotated else 0)
    fig.update_yaxes(range=[0, 1], title_text=T.say("positive_axis", language))
    fig.update_layout(title=T.say("trace_title", language))
    _layout(fig, 340 if rotated else 320, trace_summary(tokens, traces, language=language))
    # the legend above the plot, right of the title: below it, the slanted words of a long sentence ran into it
    return fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
                             margin=dict(b=90 if rotated else 40))


def trace_summary(tokens: list[str], traces: dict[str, list[float]], *, language: str = "en") -> str:
    sentences = []
    for name, values in traces.items():
        steps = np.diff([0.5, *values])  # the first word's step is from an even 0.5
        biggest = int(np.abs(steps).argmax())
        sentences.append(T.say("trace_summary", language, model=name.upper(), start=values[0], first=tokens[0],
                               end=values[-1], last=tokens[-1], step=steps[biggest], word=tokens[biggest]))
    return " ".join(sentences)
