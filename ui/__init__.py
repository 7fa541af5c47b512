"""The app's pieces, each testable without a browser: sketch preprocessing, text analysis, plots, retraining."""
