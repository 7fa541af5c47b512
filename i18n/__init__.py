"""Every string the app shows, by key, one locale file per language, and the choice of a request's language.

    i18n/locales/en.json   {"draw.tab": "1 · Draw a digit", "draw-answer.reads": "{kind} reads **{answer}**", …}
    i18n/locales/ko.json   the same keys in Korean

    T = Texts("draw-answer")           # one module's keys, those that start with "draw-answer."
    T.say("reads", "ko", kind="CNN", answer="7")

English is complete and is the fallback: a key that a locale file lacks is said in
English, so a new language can start with a few strings and the app still starts.
Adding a language is adding its file here and its name to LANGUAGES (nothing else
names a language; tests/test_i18n.py adds a partial third one to show it).

Text is made where a request is answered, in that request's language; the code
below that edge (models, ink, training's loops and workers) returns numbers and
keys, never sentences: a `Message` is a key with its values, said later.

    error = Message("retrain.ended", {"code": -9})  # what a worker returns
    error.say("ko")                                # what a handler answering in Korean shows

gradio's static-text tables are built from the same files (ui/i18n.py).
"""
import json
import re
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from i18n import particles

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = {"en": "English", "ko": "한국어"}  # code: the language named in itself, as the switch shows it
DEFAULT = "en"  # complete; every other locale falls back to it key by key
COOKIE = "playground-language"  # set by the page's switch, sent with every request the page makes
# The page's tabs by id, in the order it shows them (ui/tabs.py builds them in this order). A text names a tab by
# `{tab_<id>}`, which becomes its number, so moving a tab renumbers every text that sends a student there.
TABS = ("draw", "sentiment", "retrain", "lessons", "board")
_TAB_FIELD = re.compile(r"\{tab_(\w+)\}")


def read_locales(languages=LANGUAGES) -> dict[str, dict[str, str]]:
    """{code: {key: text}} from the locale files of `languages`."""
    return {code: json.loads((LOCALES / f"{code}.json").read_text(encoding="utf-8")) for code in languages}


CATALOGUE = read_locales()


def text(key: str, language: str) -> str:
    """The text of `key` in `language`, else in English (KeyError when English has no such key either), with each
    `{tab_<id>}` replaced by that tab's number."""
    return with_tab_numbers(CATALOGUE.get(language, {}).get(key) or CATALOGUE[DEFAULT][key])


def with_tab_numbers(text: str) -> str:
    """`text` with each `{tab_<id>}` replaced by the number of that tab (TABS)."""
    return _TAB_FIELD.sub(lambda field: str(TABS.index(field[1]) + 1), text)


def numbered(position: int, title: str) -> str:
    """A tab's title as the page shows it: "3 · Retrain" for the third (counting from 0: position 2)."""
    return f"{position + 1} · {title}"


def say(key: str, language: str, /, **values) -> str:
    """`key`'s text in `language`, its `{fields}` filled with `values`, and each Korean particle written both ways
    after a field ("{kind}이(가)") reduced to the one that fits what the field became (particles.py)."""
    found = text(key, language)
    return particles.attach(found.format(**values)) if values else found


@dataclass
class Message:
    """A text not made yet: a catalogue key and the values that fill it. Training and its workers return these (plain
    data, so they cross a process queue), and the edge says them in the language of the request it answers."""

    key: str
    values: dict = field(default_factory=dict)

    def say(self, language: str) -> str:
        return say(self.key, language, **self.values)


class Texts:
    """One module's strings: the catalogue's keys under `prefix` ("prefix.name")."""

    def __init__(self, prefix: str):
        if not any(key.startswith(prefix + ".") for key in CATALOGUE[DEFAULT]):
            raise KeyError(f"no strings under {prefix!r} in {LOCALES / (DEFAULT + '.json')}")
        self.prefix = prefix

    def key(self, name: str) -> str:
        """The catalogue key of `name` (KeyError for a name the English file does not have)."""
        key = f"{self.prefix}.{name}"
        if key not in CATALOGUE[DEFAULT]:
            raise KeyError(key)
        return key

    def __contains__(self, name: str) -> bool:
        return f"{self.prefix}.{name}" in CATALOGUE[DEFAULT]

    def names(self) -> list[str]:
        start = self.prefix + "."
        return [key[len(start):] for key in CATALOGUE[DEFAULT] if key.startswith(start)]

    def say(self, name: str, language: str, /, **values) -> str:
        return say(self.key(name), language, **values)

    def each(self, name: str, /, **values) -> dict[str, str]:
        """`name` in every language: {code: text}."""
        return {code: self.say(name, code, **values) for code in LANGUAGES}


def choose(cookie: str = "", accept_language: str = "") -> str:
    """The language a request asks for: the switch's cookie, else the first of Accept-Language we have, else
    English. Both arguments are the raw header values."""
    try:
        chosen = SimpleCookie(cookie or "").get(COOKIE)
    except CookieError:
        chosen = None
    if chosen is not None and chosen.value in LANGUAGES:
        return chosen.value
    for tag in (accept_language or "").split(","):
        primary = tag.split(";")[0].strip().split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


# What the registry (models/registry.py, English: it also names kinds on the command line) calls each kind and class.
KIND_TITLES = Texts("kind")
CLASS_NAMES = Texts("class")


def kind_title(kind: str, language: str) -> str:
    return KIND_TITLES.say(kind, language) if kind in KIND_TITLES else kind


def class_name(name: str, language: str) -> str:
    """A class as the app shows it: digits as they are, words in `language`."""
    return CLASS_NAMES.say(name, language) if name in CLASS_NAMES else name
