"""Korean tokenisation without a morphological analyser: subwords over Hangul syllables, learnt on NSMC.

Movie reviews are informal: spacing is often missing ("정말재밌어요"), laughter
and tears are runs of letters ("ㅋㅋㅋㅋ", "ㅠㅠ"), and slang changes faster
than a dictionary. So the unit is the syllable, and a vocabulary of frequent
syllable sequences is learnt on the training split (WordPiece, with Hugging
Face's `tokenizers`). A word is cut greedily into its longest known pieces,
the first as is and the rest with a "##" mark ("영화는" → "영화", "##는"), the
way BERT reads text; a syllable the vocabulary lacks becomes <unk> alone,
not its whole word.

Reading text needs only the vocabulary — a list of strings in the model's
config.json — and this file: nothing else is loaded, nothing is executed.
"""
import re
import unicodedata
from collections.abc import Iterable

CONTINUATION = "##"  # marks a piece that continues a word
CACHE_SIZE = 500_000  # runs remembered with their pieces; then the memory starts again
MAX_PIECE = 12  # characters in the longest piece looked up; longer vocabulary entries are never matched
_REPEATS = re.compile(r"(\S)\1{2,}")  # ㅋㅋㅋㅋㅋ, !!!!!, ㅠㅠㅠㅠ
# Runs of one script are cut apart before the vocabulary is used: Hangul syllables, Hangul letters (ㅋ, ㅠ),
# Latin letters, digits; any other character (punctuation, emoji, hanja) stands alone.
_PRE_TOKEN = re.compile(r"[\uac00-\ud7a3]+|[\u3131-\u318e]+|[a-z]+|[0-9]+|\S")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]")
_LATIN = re.compile(r"[A-Za-z]")


def normalise(text: str) -> str:
    """Canonical Unicode (NFC), full-width Latin folded, lower case, a letter repeated more than twice cut to two."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text).lower()
    return _REPEATS.sub(r"\1\1", text)


def words(text: str) -> list[list[str]]:
    """The text's words (split at spaces), each as its runs of one script.

    "재밌다!!ㅋㅋ 최고" → [["재밌다", "!", "!", "ㅋㅋ"], ["최고"]]"""
    return [runs for word in normalise(text).split() if (runs := _PRE_TOKEN.findall(word))]


def hangul_letters(text: str) -> int:
    return len(_HANGUL.findall(text))


def latin_letters(text: str) -> int:
    return len(_LATIN.findall(text))


class Tokeniser:
    """Cuts text into pieces of `vocab` (a model's vocabulary) by greedy longest match, run by run."""

    def __init__(self, vocab: Iterable[str]):
        self.known = frozenset(vocab)
        self._cuts: dict[str, tuple[str, ...]] = {}  # reviews repeat their words a lot

    def _cut(self, run: str) -> tuple[str, ...]:
        pieces = self._cuts.get(run)  # one lookup, so a clear() by another request's thread cannot fail it
        if pieces is None:
            if len(self._cuts) >= CACHE_SIZE:
                self._cuts.clear()
            pieces = self._cuts[run] = self._cut_run(run)
        return pieces

    def _cut_run(self, run: str) -> tuple[str, ...]:
        pieces, start = [], 0
        while start < len(run):
            mark = CONTINUATION if start else ""
            for end in range(min(len(run), start + MAX_PIECE), start, -1):
                if mark + run[start:end] in self.known:
                    break
            else:
                end = start + 1  # no piece starts here: this one character, which the model reads as <unk>
            pieces.append(mark + run[start:end])
            start = end
        return tuple(pieces)

    def word_pieces(self, text: str) -> list[list[str]]:
        """The pieces of each word of `text`."""
        return [[piece for run in word for piece in self._cut(run)] for word in words(text)]

    def pieces(self, text: str) -> list[str]:
        return [piece for word in self.word_pieces(text) for piece in word]


def display(piece: str) -> str:
    """A piece as it appears in the text: without its continuation mark."""
    return piece.removeprefix(CONTINUATION)


def detokenize(pieces: list[str]) -> str:
    """Pieces joined back into words: "영화", "##는", "최고" → "영화는 최고"."""
    return "".join(display(p) if p.startswith(CONTINUATION) else " " + p for p in pieces).strip()


def learn_vocab(texts: Iterable[str], size: int, special: list[str], alphabet: int = 2_000) -> list[str]:
    """A WordPiece vocabulary of about `size` pieces learnt on `texts`: `special` first, then the pieces sorted
    (the trainer's ids follow hash-map order, which changes from run to run).

    `alphabet` caps the single characters kept (the most frequent ones); rarer ones are read as <unk>.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token=special[-1], continuing_subword_prefix=CONTINUATION))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()  # the runs below are the trainer's "words"
    trainer = trainers.WordPieceTrainer(vocab_size=size, special_tokens=special, limit_alphabet=alphabet,
                                        continuing_subword_prefix=CONTINUATION, show_progress=False)
    runs = (" ".join(run for word in words(text) for run in word) for text in texts)
    tokenizer.train_from_iterator(runs, trainer)
    return [*special, *sorted(set(tokenizer.get_vocab()) - set(special))]
