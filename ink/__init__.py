"""Digit ink, as training and the app both need it: a drawing as strokes, drawn with the fixed pen
(`strokes`), and the MNIST-style steps that turn ink into a 28×28 input (`preprocess`). No gradio, no text."""
