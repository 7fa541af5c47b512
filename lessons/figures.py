"""Plotly pieces the lessons share: a mosaic of small images as one heatmap, and the common layout.

Sixty-four 28×28 tiles drawn as one heatmap (tiles separated by NaN gaps)
render at once in the browser; sixty-four subplots took seconds to lay out.
"""
import numpy as np
import plotly.graph_objects as go

from ui.plots import COLOURS, DASHES, MARKERS

# Okabe-Ito and greys, like ui/plots.py: the four initialisations share one plot, so they differ in lightness as well
# as hue (tests/test_accessibility.py checks them under simulated colour-vision deficiencies)
LESSON_COLOURS = {**COLOURS, "dnn": "#0072b2", "cnn": "#d55e00", "mse": "#0072b2", "l1": "#e69f00",
                  "zeros": "#6b7280", "gaussian": "#d55e00", "xavier": "#56b4e9", "kaiming": "#111827"}
LESSON_DASHES = {**DASHES, "dnn": "solid", "cnn": "dash", "zeros": "dot", "gaussian": "solid", "xavier": "dash",
                 "kaiming": "dashdot"}
LESSON_MARKERS = {**MARKERS, "dnn": "circle", "cnn": "diamond", "zeros": "x", "gaussian": "circle",
                  "xavier": "diamond", "kaiming": "triangle-up"}


def styled(name: str) -> dict:
    """The line and marker of `name`'s curve: its colour, and a dash and marker that tell it apart without colour."""
    return dict(line=dict(color=LESSON_COLOURS[name], dash=LESSON_DASHES.get(name)),
                marker=dict(symbol=LESSON_MARKERS.get(name, "circle"), size=8))


def layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=50, r=20, t=70 if title else 40, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.18), title=title)
    return fig


def mosaic(tiles: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """Tiles (N, h, w) laid out in rows of `columns`, `gap` NaN pixels between them (shown as background)."""
    n, h, w = tiles.shape
    rows = -(-n // columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, dtype=np.float32)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = tile
    return out


def image(values: np.ndarray, title: str, height: int, diverging: bool = False, hover: str = "value") -> go.Figure:
    """A heatmap drawn like an image (row 0 on top, square pixels, no axes).

    Diverging: red above zero, blue below, white at zero, symmetric about it; else grey from black (0) to white.
    """
    if diverging:
        bound = float(np.nanmax(np.abs(values))) or 1.0
        colours = dict(colorscale="RdBu", reversescale=True, zmid=0, zmin=-bound, zmax=bound)
    else:
        colours = dict(colorscale="gray", zmin=0, zmax=1, showscale=False)
    fig = go.Figure(go.Heatmap(z=values, hovertemplate=f"{hover} %{{z:.3f}}<extra></extra>", **colours))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_layout(plot_bgcolor="#f3f4f6")
    return layout(fig, height, title)
