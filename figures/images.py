"""Pictures as plotly heatmaps: a mosaic of small images as one heatmap, and a heatmap drawn like an image.

Sixty-four 28×28 tiles drawn as one heatmap (tiles separated by NaN gaps)
render at once in the browser; sixty-four subplots took seconds to lay out.
"""
import numpy as np
import plotly.graph_objects as go

from figures.style import layout


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
