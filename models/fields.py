"""Config fields a user may set, with their meaning: the command line's flags and help come from here."""
from dataclasses import field


def setting(default, help: str, **more):
    """A dataclass field with a default and a one-line meaning (`more`: e.g. `choices`)."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help, **more})
    return field(default=default, metadata={"help": help, **more})
