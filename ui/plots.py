"""Plotly figures for the app: training curves, confusion matrix, per-word sentiment trace."""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

COLOURS = {"train": "#2563eb", "val": "#f97316", "rnn": "#7c3aed", "lstm": "#059669", "gru": "#dc2626"}


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=40, r=20, t=70, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.2))
    return fig


def training_curves(history, best_epoch: int | None = None, stopped_early_at: int | None = None) -> go.Figure:
    """Loss and accuracy per epoch, train and validation, with the best epoch and an early stop marked."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss (cross-entropy)", "accuracy"))
    epochs = [s.epoch for s in history]
    for col, metric in ((1, "loss"), (2, "acc")):
        for split in ("train", "val"):
            fig.add_trace(go.Scatter(
                x=epochs, y=[getattr(s, f"{split}_{metric}") for s in history], mode="lines+markers",
                name=f"{split} {'loss' if metric == 'loss' else 'accuracy'}", line=dict(color=COLOURS[split]),
                legendgroup=split, showlegend=col == 1,
            ), row=1, col=col)
        if best_epoch is not None:
            fig.add_vline(x=best_epoch, line=dict(color="#16a34a", dash="dash"), row=1, col=col)
        if stopped_early_at is not None:
            fig.add_vline(x=stopped_early_at, line=dict(color="#991b1b", dash="dot"), row=1, col=col)
    if best_epoch is not None:
        fig.add_annotation(x=best_epoch, y=1.0, yref="paper", text=f"best epoch {best_epoch}", showarrow=False,
                           font=dict(color="#16a34a"), xref="x")
    if stopped_early_at is not None:
        fig.add_annotation(x=stopped_early_at, y=0.92, yref="paper", text="early stop", showarrow=False,
                           font=dict(color="#991b1b"), xref="x2")
    fig.update_xaxes(title_text="epoch", dtick=1)
    return _layout(fig, 340)


def confusion_heatmap(matrix: list[list[int]], class_names: list[str]) -> go.Figure:
    fig = go.Figure(go.Heatmap(
        z=matrix, x=class_names, y=class_names, colorscale="Blues", text=matrix, texttemplate="%{text}",
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>", showscale=False,
    ))
    fig.update_yaxes(autorange="reversed", title_text="true class")
    fig.update_xaxes(title_text="predicted class", type="category")
    fig.update_yaxes(type="category")
    fig.update_layout(title="confusion matrix (test set)")
    return _layout(fig, 380)


def token_trace(tokens: list[str], traces: dict[str, list[float]]) -> go.Figure:
    """Positive probability after each word, one line per model, with 0.5 marked."""
    fig = go.Figure()
    positions = list(range(len(tokens)))
    for name, values in traces.items():
        fig.add_trace(go.Scatter(x=positions, y=values, mode="lines+markers", name=name.upper(),
                                 line=dict(color=COLOURS.get(name))))
    fig.add_hline(y=0.5, line=dict(color="#9ca3af", dash="dash"))
    fig.update_xaxes(tickvals=positions, ticktext=tokens, tickangle=-45 if len(tokens) > 8 else 0)
    fig.update_yaxes(range=[0, 1], title_text="P(positive)")
    fig.update_layout(title="positive probability after each word")
    return _layout(fig, 320)
