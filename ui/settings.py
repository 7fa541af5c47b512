"""The Retrain tab's settings, each described once: the tab's controls, the checks of what /train receives, teacher
links and their locks, the run history and the class board all read this table.

A setting has three names, each fixed by what reads it from outside:

    name   the setting itself: a FitConfig field or a kind's config field (training/settings.py), or `subset`
    link   its query parameter in a teacher link (ui/links.py), and so its short name in English
    api    its parameter of the /train event (Handlers.train, ui/retrain/handlers.py), which API clients may name

/train takes the settings in this table's order, after the kind and before the session; the page shows them in
another (`on_page`). A setting's texts, in each i18n/locales/<language>.json, are keyed by its name:

    retrain-tab.<label>    its control's label (`label` is its name unless the entry says another)
    retrain-fields.<name>  what a refusal calls the value /train received ("learning rate exponent")
    setting-short.<name>   its short name in the history and the lock note: in English its link name
    board-studies.<name>   what the class board calls it, when a teacher can study it there

Adding a setting is an entry here and its texts in each locale file (/train's parameters follow the table). There is no
gradio here: the checks that answer with gr.Error are ui/inputs.py's, the components ui/retrain/layout.py's.
"""
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import i18n
from models import registry
from models.initialisation import SCHEMES
from training.datasets import TRAIN_SIZES

FORMS = ("whole", "number", "choice", "flag")
FIRST_KIND = "cnn"  # the kind the tab opens with, and a link's when it names none

SHORT = i18n.Texts("setting-short")


@dataclass(frozen=True)
class Setting:
    name: str  # the three names: see above
    link: str
    api: str
    form: str  # one of FORMS: how a value is checked, and which control holds it (slider, dropdown, checkbox)
    default: Any  # the control's first value, in the control's units; a function of the kind when it depends on it
    low: float | None = None  # a number's range, in the control's units
    high: float | Callable[[registry.Kind], float] | None = None  # a function of the kind when it depends on it
    step: float | None = None
    choices: tuple[str, ...] = ()
    choice_texts: str | None = None  # the prefix of the texts that name each choice on the page
    log10: bool = False  # the control holds the setting's power of ten
    per_kind: bool = False  # shown only for the kinds that name it in their retrain_controls (models/registry.py)
    studied: bool = True  # a teacher can study it on the class board
    # its label's key under retrain-tab, when not its name: the API's description (?view=api) shows the key
    label: str = ""

    def __post_init__(self):
        if self.form not in FORMS:
            raise ValueError(f"{self.name}: form must be one of {FORMS}, not {self.form!r}")
        if not self.label:
            object.__setattr__(self, "label", self.name)

    def to_setting(self, value):
        """The setting a control at `value` gives."""
        return 10 ** value if self.log10 else value

    def to_control(self, value):
        """The control's value for the setting `value`."""
        return math.log10(value) if self.log10 else value

    def highest(self, kind: registry.Kind) -> float | None:
        return self.high(kind) if callable(self.high) else self.high

    def first(self, kind: registry.Kind):
        return self.default(kind) if callable(self.default) else self.default

    @property
    def sized_by_kind(self) -> bool:
        """Whether its range or first value change with the kind."""
        return callable(self.high) or callable(self.default)

    def shown_for(self, kind: registry.Kind) -> bool:
        return not self.per_kind or self.name in kind.retrain_controls


SETTINGS: dict[str, Setting] = {setting.name: setting for setting in (
    # the slider spans five powers of ten in quarter steps: a student sees 0.001 and 0.1 as far apart as they are
    Setting("lr", "lr", "log_lr", "number", -2.5, -5.0, 0.0, 0.25, log10=True, label="learning_rate"),
    Setting("epochs", "epochs", "epochs", "whole", 5, 1, 30, 1),
    Setting("patience", "patience", "patience", "whole", 2, 1, 10, 1),
    Setting("batch_size", "batch", "batch_size", "whole", 128, 8, 512, 8),
    Setting("hidden_size", "hidden", "hidden", "whole", 128, 8, 512, 8, per_kind=True, label="hidden"),
    Setting("dropout", "dropout", "dropout", "number", 0.3, 0.0, 0.9, 0.05, per_kind=True),
    Setting("init", "init", "init", "choice", "default", choices=SCHEMES, choice_texts="retrain-tab-init",
            per_kind=True),
    Setting("bidirectional", "bidirectional", "bidirectional", "flag", True, per_kind=True, studied=False),
    # up to the kind's whole training set; it starts where an epoch takes a few seconds on a CPU
    Setting("subset", "examples", "subset", "whole", lambda kind: kind.retrain_subset, 500,
            lambda kind: TRAIN_SIZES[kind.dataset], 500),
)}


def in_order() -> list[Setting]:
    """Every setting, in the order /train takes them."""
    return list(SETTINGS.values())


def on_page() -> list[Setting]:
    """Every setting in the order the tab shows them: those of every kind, then those of some (its architecture)."""
    return [s for s in SETTINGS.values() if not s.per_kind] + [s for s in SETTINGS.values() if s.per_kind]


def by_link(link: str) -> Setting | None:
    return next((s for s in SETTINGS.values() if s.link == link), None)


def follow_kind() -> list[Setting]:
    """The settings whose control changes when another kind is chosen, in the order `for_kind` updates them: those
    of some kinds (shown or hidden), then those whose range the kind sets."""
    return ([s for s in SETTINGS.values() if s.per_kind] +
            [s for s in SETTINGS.values() if s.sized_by_kind and not s.per_kind])


def for_kind(setting: Setting, kind: registry.Kind) -> dict:
    """What choosing `kind` changes in `setting`'s control, as the control's properties."""
    changed = {}
    if setting.per_kind:
        changed["visible"] = setting.shown_for(kind)
    if setting.sized_by_kind:
        changed |= {"maximum": setting.highest(kind), "value": setting.first(kind)}
    return changed


def studied() -> list[str]:
    """The settings a teacher can study on the class board."""
    return [s.name for s in SETTINGS.values() if s.studied]


def short_name(link: str, language: str) -> str:
    """What a list calls the control of link name `link` ("model", or a setting's), in `language`."""
    setting = by_link(link)
    return SHORT.say(setting.name if setting is not None else link, language)


def check_controls(kind: registry.Kind) -> None:
    """ValueError when `kind`'s retrain_controls name a setting this table does not show for some kinds only."""
    known = [s.name for s in SETTINGS.values() if s.per_kind]
    unknown = sorted(set(kind.retrain_controls) - set(known))
    if unknown:
        raise ValueError(f"{kind.name}: unknown retrain controls {unknown}; known: {known}")
