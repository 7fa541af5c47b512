"""From settings to configs: the one path the command line's flags and the Retrain tab's values both take.

Settings are a flat dict: any FitConfig field (epochs, lr, batch_size, …), any
config field of the kind's model that a user may set (see `Kind.settings`),
and what the kind derives from simpler settings (the DNN's one hidden size).
None means "the kind's default"; keys that neither config knows (subset,
device, data_dir, …) are left to the caller.
"""
from dataclasses import fields

from models import registry
from training.loop import FitConfig

FIT_FIELDS = tuple(f.name for f in fields(FitConfig))


def fit_defaults(kind: str) -> FitConfig:
    """The fit settings the shipped checkpoint of `kind` was trained with."""
    return FitConfig(**registry.get(kind).training)


def configs(kind: str, settings: dict, vocab: list[str] | None = None):
    """(model config, FitConfig) for `kind` from `settings`; a text model's config gets `vocab`."""
    entry = registry.get(kind)
    given = {name: value for name, value in settings.items() if value is not None}
    fit = FitConfig(**{**entry.training, **{name: given[name] for name in FIT_FIELDS if name in given}})
    model = {name: given[name] for name in entry.settings() if name in given} | entry.derive(given)
    if entry.task == "text":
        model["vocab"] = vocab
    return entry.config(kind=kind, **model), fit
