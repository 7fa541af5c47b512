"""Plotly figures the lessons and the tabs share: the palette and layout (`style`), pictures (`images`), and the
app's plots (`plots`: training curves, confusion matrix, per-word trace, and the text summary of any figure)."""
