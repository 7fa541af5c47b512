"""Training for the demo's models: data as tensors, one `fit` loop, metrics, and a CLI (`python -m training`)."""
