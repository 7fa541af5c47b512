"""The model kinds: one entry each, read by checkpoint loading, training, the command line and the app.

Adding a kind is one `register(Kind(...))` call here (or in a test) plus its
model file: the command line offers it with a flag for every config field that
has a `setting(...)`, the Retrain tab lists it with the controls it names, and
`training.settings.configs` + `training.run.train_model` train it.
"""
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from torch import nn

from models.cnn import CNN, CNNConfig
from models.dnn import DNN, DNNConfig
from models.rnn import KoreanRNNConfig, PhrasesRNNConfig, SentenceClassifier

TASKS = ("image", "text")  # image: (B, 1, 28, 28) pixels in [0, 1]; text: (ids, lengths) of a sentence
LANGUAGES = {"en": "English", "ko": "Korean"}  # what a text kind reads (ISO 639-1)
DIGITS = tuple(str(d) for d in range(10))
SENTIMENT = ("negative", "positive")
CLOTHES = ("T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot")
FASHION_NORMALISATION = {"mean": 0.2860, "std": 0.3530}  # Fashion-MNIST training-set pixel mean and std


@dataclass(frozen=True)
class Kind:
    name: str  # the kind in config.json, on the command line and in the app
    title: str  # how the app and the help text name it
    model: type[nn.Module]  # built as model(config)
    config: type  # a dataclass with a `kind` field; fields made with models.fields.setting are user settings
    task: str  # one of TASKS
    dataset: str  # a key of training.datasets.LOADERS
    classes: tuple[str, ...]  # class names, in label order
    training: dict  # training.loop.FitConfig values the shipped checkpoint was trained with
    retrain_controls: tuple[str, ...]  # which of the Retrain tab's per-kind settings it shows (ui/settings.py)
    retrain_subset: int  # training examples the Retrain tab starts with (a few seconds per epoch on a CPU)
    channels_last: bool = False  # train in channels-last memory layout (oneDNN's fast convolutions)
    language: str = "en"  # a text kind's language, a key of LANGUAGES: tab 2 reads a sentence with its language's kinds
    accuracy_goal: float | None = None  # the test accuracy the shipped checkpoint is meant to reach, when one is set
    retrain: bool = True  # offered in the Retrain tab; False for a helper model the app uses but students don't train
    other_datasets: tuple[str, ...] = ()  # data sets the command line may train it on instead (--dataset)
    # settings given in a simpler form than the config's fields, e.g. one width for the DNN's layers
    derive: Callable[[dict], dict] = field(default=lambda settings: {})

    def settings(self) -> dict[str, dict]:
        """The config fields a user may set, by name: {"default": …, "help": …, maybe "choices": …}."""
        defaults = self.config()
        return {f.name: {"default": getattr(defaults, f.name), **f.metadata}
                for f in fields(self.config) if "help" in f.metadata}


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, not {kind.task!r}")
    if kind.language not in LANGUAGES:
        raise ValueError(f"language must be one of {sorted(LANGUAGES)}, not {kind.language!r}")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown model kind {name!r}; choose one of {', '.join(KINDS)}") from None


def names(task: str | None = None, language: str | None = None) -> list[str]:
    """The registered kinds, in registration order; only those of `task` and of `language` when given.

    Text kinds of the same cell come in the same order in every language (rnn, lstm, gru; rnn-ko, lstm-ko, gru-ko),
    so tab 2 shows each language's answers in the same places."""
    return [k.name for k in KINDS.values()
            if (task is None or k.task == task) and (language is None or k.language == language)]


def retrainable() -> list[str]:
    """The kinds the Retrain tab offers, in registration order (not the app's helper models)."""
    return [k.name for k in KINDS.values() if k.retrain]


def _dnn_widths(settings: dict) -> dict:
    """The Retrain tab's one "hidden size" h gives the DNN two layers, h and h/2, as the shipped one has."""
    if settings.get("hidden_size") is None or settings.get("hidden_sizes") is not None:
        return {}
    width = int(settings["hidden_size"])
    return {"hidden_sizes": [width, max(1, width // 2)]}


register(Kind(
    "dnn", "DNN (fully connected)", DNN, DNNConfig, "image", "digits", DIGITS,
    training=dict(epochs=30, lr=2e-3, batch_size=256, patience=5, cpu_bf16=True),
    retrain_controls=("hidden_size", "dropout", "init"), retrain_subset=5_000, derive=_dnn_widths,
))
# 25 epochs of cosine decay: with 15 the CNN was still improving at its last epoch (assets/README.md)
register(Kind(
    "cnn", "CNN (convolutional)", CNN, CNNConfig, "image", "digits", DIGITS,
    training=dict(epochs=25, lr=3e-3, batch_size=256, patience=4, cpu_bf16=True),
    retrain_controls=("hidden_size", "dropout", "init"), retrain_subset=5_000,
    channels_last=True,  # 2.3x faster convolutions on the CPU (oneDNN)
))
# Tab 1's "that doesn't look like a digit": a small CNN, digit or not, trained on digits against generated non-digits
# (training/datasets/nondigits.py). Shipped in assets/digit-check and used by ui/draw/digit_check.py; not offered
# for retraining.
register(Kind(
    "digit-check", "Digit or not (detector)", CNN, CNNConfig, "image", "digit-or-not", ("not a digit", "digit"),
    training=dict(epochs=8, lr=3e-3, batch_size=256, patience=3, cpu_bf16=True),
    retrain_controls=(), retrain_subset=5_000, channels_last=True, retrain=False,
    derive=lambda s: {"num_classes": 2, "channels": s.get("channels") or [16, 32, 64],
                      "hidden_size": s.get("hidden_size") or 64},
))
# English: SST-2's 67,349 labelled training phrases (validated and tested on the sentences), in batches of one
# length; --dataset sst2 trains on the 6,920 sentences instead. How each choice was made on the dev set, with the
# runs: assets/README.md, "English on phrases".
for _name, _title in (("rnn", "RNN (vanilla recurrent)"), ("lstm", "LSTM"), ("gru", "GRU")):
    register(Kind(
        _name, _title, SentenceClassifier, PhrasesRNNConfig, "text", "sst2-phrases", SENTIMENT,
        training=dict(epochs=4, lr=3e-3, batch_size=256, patience=2, weight_decay=0.01, by_length=True),
        retrain_controls=("hidden_size", "dropout", "bidirectional"), retrain_subset=6_920,
        accuracy_goal=0.83 if _name == "rnn" else 0.86,  # issue #24, on SST-2's 1,821 test sentences
        other_datasets=("sst2",),
    ))
# The same three cells on Korean movie reviews (NSMC), read as subword pieces learnt on its training split
# (models/korean.py): batches of one length (by_length), language-model pretraining, then classification with
# adversarial pushes on the embeddings. How each of these was chosen, with the runs: assets/README.md.
for _cell, _title in (("rnn", "RNN (vanilla recurrent)"), ("lstm", "LSTM"), ("gru", "GRU")):
    register(Kind(
        f"{_cell}-ko", f"{_title}, Korean", SentenceClassifier, KoreanRNNConfig, "text", "nsmc", SENTIMENT,
        training=dict(epochs=4, lr=2e-3, batch_size=128, patience=2, weight_decay=0.01, by_length=True,
                      pretrain_epochs=4 if _cell == "gru" else 3, adversarial=1.0),
        retrain_controls=("hidden_size", "dropout", "bidirectional"), retrain_subset=10_000, language="ko",
        accuracy_goal=0.85 if _cell == "rnn" else 0.88,  # issue #13, on NSMC's 50k test reviews
        derive=lambda settings, cell=_cell: {"cell": cell},
    ))
# The same two networks on Fashion-MNIST (clothes, not digits): Retrain offers them; tab 1 never reads with them.
register(Kind(
    "fashion-dnn", "DNN on Fashion-MNIST", DNN, DNNConfig, "image", "fashion", CLOTHES,
    training=dict(epochs=30, lr=2e-3, batch_size=256, patience=5, cpu_bf16=True),
    retrain_controls=("hidden_size", "dropout", "init"), retrain_subset=5_000,
    derive=lambda settings: _dnn_widths(settings) | FASHION_NORMALISATION,
))
register(Kind(
    "fashion-cnn", "CNN on Fashion-MNIST", CNN, CNNConfig, "image", "fashion", CLOTHES,
    training=dict(epochs=15, lr=3e-3, batch_size=256, patience=4, cpu_bf16=True),
    retrain_controls=("hidden_size", "dropout", "init"), retrain_subset=5_000, channels_last=True,
    derive=lambda settings: dict(FASHION_NORMALISATION),
))
