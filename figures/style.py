"""The look every figure shares: one palette (colour, dash and marker per line), one layout.

Colours are Okabe and Ito's set for colour-vision deficiencies, and lines that
share a plot also differ in dash and marker, so no pair is told apart by a
red–green difference alone (tests/test_accessibility.py checks the pairs under
simulated protanopia, deuteranopia and tritanopia).
"""
import plotly.graph_objects as go

# Okabe-Ito's blue, orange, sky blue and vermillion, and near-black: the colours that share a plot stay at least
# ΔE 24 apart under each simulated deficiency (the reddish purple and bluish green came within 18 of each other)
COLOURS = {"train": "#0072b2", "val": "#e69f00", "rnn": "#56b4e9", "lstm": "#d55e00", "gru": "#111827"}
DASHES = {"train": "solid", "val": "dash", "rnn": "dot", "lstm": "dash", "gru": "solid"}
MARKERS = {"train": "circle", "val": "diamond", "rnn": "square", "lstm": "triangle-up", "gru": "circle"}
BEST_COLOUR, STOP_COLOUR = "#111827", "#56b4e9"  # the best epoch's line (dashed), an early stop's (dotted)


# Okabe-Ito and greys, like the above: the four initialisations share one plot, so they differ in lightness as well
# as hue (tests/test_accessibility.py checks them under simulated colour-vision deficiencies); the four optimisers
# (lesson 8) take the same four looks
LESSON_COLOURS = {**COLOURS, "dnn": "#0072b2", "cnn": "#d55e00", "mse": "#0072b2", "l1": "#e69f00",
                  "zeros": "#6b7280", "gaussian": "#d55e00", "xavier": "#56b4e9", "kaiming": "#111827",
                  "sgd": "#6b7280", "momentum": "#d55e00", "adam": "#56b4e9", "adamw": "#111827"}
LESSON_DASHES = {**DASHES, "dnn": "solid", "cnn": "dash", "zeros": "dot", "gaussian": "solid", "xavier": "dash",
                 "kaiming": "dashdot", "sgd": "dot", "momentum": "solid", "adam": "dash", "adamw": "dashdot"}
LESSON_MARKERS = {**MARKERS, "dnn": "circle", "cnn": "diamond", "zeros": "x", "gaussian": "circle",
                  "xavier": "diamond", "kaiming": "triangle-up", "sgd": "x", "momentum": "circle", "adam": "diamond",
                  "adamw": "triangle-up"}


def styled(name: str) -> dict:
    """The line and marker of `name`'s curve: its colour, and a dash and marker that tell it apart without colour."""
    return dict(line=dict(color=LESSON_COLOURS[name], dash=LESSON_DASHES.get(name)),
                marker=dict(symbol=LESSON_MARKERS.get(name, "circle"), size=8))


def layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=50, r=20, t=70 if title else 40, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=-0.18), title=title)
    return fig
