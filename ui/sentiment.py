"""Tab 2's work: sentiment of a sentence, its per-word trace, and sentence similarity.

The per-word trace runs the model on every prefix of the sentence ("the",
"the film", "the film is", ...) in one batch, so it shows how the positive
probability moves as the model reads each word. Similarity is the cosine of
the two sentence embeddings — the vectors each model's classifier reads.

A sentence is read by the models of its script's language: Korean when it has
Hangul and at most twice as many Latin letters as Hangul ones, else English.
Korean models read subword pieces (models/korean.py), so their trace moves
word by word (space to space) while the unknown pieces are marked one by one.
"""
import numpy as np
import torch
import torch.nn.functional as F

from models import korean
from models.registry import LANGUAGES
from models.text import MAX_TOKENS, encode, tokenize
from ui import i18n

# The notes on which models read a sentence, in the language of the page (`language`); `reader` is the language
# whose models read it.
T = i18n.Texts(
    "sentiment",
    mixed_ko=("This sentence mixes Korean and English; the **Korean** models read it, as it is mostly Hangul. They "
              "learnt only a little English, so most English words are unknown pieces to them.",
              "한국어와 영어가 섞인 문장이에요. 대부분 한글이라 **한국어** 모델이 읽어요. 이 모델들은 영어를 조금밖에 "
              "배우지 않아서 영어 단어는 대부분 모르는 조각이에요."),
    mixed_en=("This sentence mixes English and Korean; the **English** models read it, as it is mostly Latin "
              "letters. They know no Korean: its words are unknown to them.",
              "영어와 한국어가 섞인 문장이에요. 대부분 로마자라 **영어** 모델이 읽어요. 이 모델들은 한국어를 전혀 "
              "몰라서 한국어 단어는 모두 모르는 말이에요."),
    korean=("Read by the **Korean** models (trained on Korean movie reviews, NSMC), piece by piece.",
            "**한국어** 모델이 조각(서브워드) 단위로 읽어요(한국어 영화 리뷰 NSMC로 학습한 모델)."),
    pair=("Sentence A is {first} and sentence B {second}: the **{reader}** models read both, and the words of the "
          "other language are unknown to them.",
          "문장 A는 {first}, 문장 B는 {second}예요. 두 문장 모두 **{reader}** 모델이 읽어서, 다른 언어의 단어는 "
          "모델이 모르는 말이에요."),
    en=("English", "영어"),
    ko=("Korean", "한국어"),
)
assert set(LANGUAGES) <= set(T.pairs)  # every language a text kind reads has its name here


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


@torch.inference_mode()
def prefix_trace(model, tokens: list[str], ends: list[int] | None = None) -> np.ndarray:
    """Positive probability after each prefix of `tokens` (len(tokens),), or only after the prefixes of
    `ends` tokens each (len(ends),), e.g. at the end of every word."""
    ends = ends or range(1, len(tokens) + 1)
    ids, lengths = encode([tokens[:end] for end in ends], model.config.vocab)
    return model(ids, lengths).softmax(dim=1)[:, 1].numpy()


@torch.inference_mode()
def cosine_similarity(model, first: str, second: str) -> float:
    ids, lengths = model.encode_text([first, second])
    embeddings = model.embed(ids, lengths)
    return F.cosine_similarity(embeddings[0:1], embeddings[1:2]).item()
