"""Tokenisation and vocabulary for the sentence classifiers.

SST-2's sentences come lower-cased and split the Penn-Treebank way
("it 's", "wo n't", "funny , but"). `tokenize` turns what a student types
into the same form, so the words a model learnt are found again at use time.
"""
import re
from collections import Counter
from collections.abc import Iterable

import torch

PAD, UNK = "<pad>", "<unk>"
MAX_TOKENS = 200  # longer input is cut; SST-2's longest sentence has 52 tokens

_CONTRACTIONS = re.compile(
    r"(?i)\b(ca|wo|do|does|did|is|are|was|were|have|has|had|could|would|should|must|need)(n't)\b"
)
_CLITICS = re.compile(r"(?i)('s|'re|'ve|'ll|'d|'m)\b")
_ABBREVIATIONS = r"(?:mr|mrs|ms|dr|jr|sr|st|vs|no|etc|inc|al)\."
_TOKEN = re.compile(
    r"n't|'[^\W\d_]+|'\d0s"  # clitics ('s, 're) and decades ('70s)
    rf"|(?:[^\W\d_]\.){{2,}}|{_ABBREVIATIONS}|\b[^\W\d_]\.(?=\s)"  # u.s., mr., j.
    r"|[^\W_]+(?:[-'/][^\W_]+)*"  # words, with inner hyphens, apostrophes, slashes
    r"|\.\.\.|--|!\?|[^\s\w]|_"  # punctuation, one mark a token
)
_PTB = {"(": "-lrb-", ")": "-rrb-", '"': "''"}


def tokenize(text: str) -> list[str]:
    """Lower-case and split `text` into SST-2-style tokens ("don't" → "do", "n't"; "(" → "-lrb-")."""
    text = text.lower().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = _CONTRACTIONS.sub(r"\1 \2", text)
    text = _CLITICS.sub(r" \1", text)
    return [_PTB.get(t, t.replace("/", "\\/")) for t in _TOKEN.findall(text + " ")]


def build_vocab(sentences: Iterable[list[str]], min_freq: int = 2) -> list[str]:
    """Words seen at least `min_freq` times, most frequent first, after <pad> (id 0) and <unk> (id 1)."""
    counts = Counter(token for sentence in sentences for token in sentence)
    words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    return [PAD, UNK, *words]


def encode(sentences: list[list[str]], vocab: list[str], max_tokens: int = MAX_TOKENS):
    """Token ids padded to the longest sentence, and the lengths.

    Returns (ids: LongTensor (N, L), lengths: LongTensor (N,)). Unknown words map to
    <unk>; an empty sentence gets length 0 (the model reads it as one <pad>).
    """
    index = {word: i for i, word in enumerate(vocab)}
    unk = index[UNK]
    rows = [[index.get(t, unk) for t in s[:max_tokens]] for s in sentences]
    width = max(1, max((len(r) for r in rows), default=1))
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.long)
    return ids, lengths
