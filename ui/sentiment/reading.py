"""Tab 2's work: sentiment of a sentence, its per-word trace, and sentence similarity.

The per-word trace runs the model on every prefix of the sentence ("the",
"the film", "the film is", ...) in one batch, so it shows how the positive
probability moves as the model reads each word. Similarity is the cosine of
the two sentence embeddings — the vectors each model's classifier reads —
each measured from the model's mean vector of training sentences (centres.py).

A sentence is read by the models of its script's language: Korean when it has
Hangul and at most twice as many Latin letters as Hangul ones, else English.
Korean models read subword pieces (models/korean.py), so their trace moves
word by word (space to space) while the unknown pieces are marked one by one.
"""
import re

from models import korean
from models.registry import LANGUAGES
from models.text import MAX_TOKENS, tokenize
from ui import i18n

# The notes on which models read a sentence, in the language of the page (`language`); `reader` is the language
# whose models read it.
T = i18n.Texts("sentiment")
assert all(code in T for code in LANGUAGES)  # every language a text kind reads has its name here


def known_words(model, tokens: list[str]) -> list[bool]:
    return [t in model.known_words for t in tokens]


def clean_tokens(text: str) -> list[str]:
    """The tokens the models will read: lower-cased, split, and cut at MAX_TOKENS."""
    return tokenize(text or "")[:MAX_TOKENS]


def language_of(text: str) -> str:
    """"ko" when `text` has Hangul and no more than twice as many Latin letters as Hangul ones, else "en"."""
    hangul = korean.hangul_letters(text or "")
    return "ko" if hangul and korean.latin_letters(text) <= 2 * hangul else "en"


def language_note(text: str, reader: str, *, language: str = "en") -> str | None:
    """Which models (those of `reader`, a language_of) read `text`, when it is not plain English: Korean, or both
    scripts mixed; in `language`."""
    if korean.hangul_letters(text or "") and korean.latin_letters(text or ""):
        return T.say(f"mixed_{reader}", language)
    return T.say("korean", language) if reader == "ko" else None


def pair_note(first: str, second: str, reader: str, *, language: str = "en") -> str | None:
    """Which models (those of `reader`) compare two sentences, when they are not both plain English; in `language`."""
    first_language, second_language = language_of(first), language_of(second)
    if first_language != second_language:
        return T.say("pair", language, first=T.say(first_language, language), second=T.say(second_language, language),
                     reader=T.say(reader, language))
    return language_note(f"{first}\n{second}", reader, language=language)


# Where a Korean review turns ("…지만", "…는데", "…줄 알았는데"): the Korean models follow surface words and often
# miss the turn; the note says so with an example, which tests/test_korean.py reads with the shipped models.
CONTRAST = re.compile(r"지만|[는은]데|줄 ?알았")


def contrast_note(text: str, reader: str, *, language: str = "en") -> str | None:
    """A warning, in `language`, when the Korean models read `text` and it turns at a contrast ending."""
    found = CONTRAST.search(text or "") if reader == "ko" else None
    return T.say("contrast", language, marker=found[0]) if found else None


def language_name(code: str, *, language: str = "en") -> str:
    """The name of the language `code` (a key of models.registry.LANGUAGES), in `language`."""
    return T.say(code, language)


def word_tokens(model, text: str) -> list[list[str]]:
    """The tokens `model` reads in `text`, grouped by word, cut at MAX_TOKENS tokens (a word may be cut short)."""
    words, count = [], 0
    for word in model.word_tokens(text or ""):
        if count >= MAX_TOKENS:
            break
        words.append(word[: MAX_TOKENS - count])
        count += len(words[-1])
    return words


def shown(token: str) -> str:
    """A token as the text shows it (a Korean piece without its "##")."""
    return korean.display(token)
