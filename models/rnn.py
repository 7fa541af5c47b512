"""Recurrent sentence classifiers: a vanilla RNN, an LSTM or a GRU over word embeddings.

Sentences of different lengths are packed (`pack_padded_sequence`), so the
recurrent cell never reads padding; a batch of sentences of one length (a single
sentence, or a training batch bucketed by length) is read as it is. The
sentence embedding — the vector the classifier head reads — is the element-wise
maximum of the cell's outputs over the words of the sentence (both directions
concatenated when bidirectional).
The model carries its vocabulary in its config, so it always tokenises text the
way it was trained: English words the SST-2 way (models/text.py), Korean text as
subword pieces of the vocabulary learnt on NSMC (models/korean.py).
"""
import functools
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from models import korean
from models.fields import setting
from models.text import UNK, encode, tokenize

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


@dataclass
class RNNConfig:
    kind: str = "lstm"  # rnn | lstm | gru
    vocab: list[str] = field(default_factory=lambda: ["<pad>", "<unk>"])
    embedding_dim: int = setting(300, "word-embedding size")
    hidden_size: int = setting(100, "recurrent state size per direction")
    num_layers: int = setting(1, "stacked recurrent layers")
    bidirectional: bool = setting(True, "read the sentence in both directions")
    # on the word embeddings and on the sentence embedding; SST-2 over-fits in 3 epochs
    dropout: float = setting(0.6, "dropout probability on the word and sentence embeddings")
    num_classes: int = 2


@dataclass
class PhrasesRNNConfig(RNNConfig):
    """The English networks trained on SST-2's labelled phrases. Their vocabulary is larger than the sentences'
    7,140 words (14,309 words seen in at least 2 training phrases), so a smaller embedding keeps a checkpoint under
    10 MB; the shipped RNN reads 8,044 words (at least 8 phrases) at 300. Both chosen on the dev set
    (assets/README.md, "English on phrases")."""

    kind: str = "lstm"
    embedding_dim: int = setting(150, "word-embedding size")
    dropout: float = setting(0.5, "dropout probability on the word and sentence embeddings")


@dataclass
class KoreanRNNConfig(RNNConfig):
    """The same networks for Korean (NSMC): a cell named apart from the kind, subword pieces instead of words."""

    kind: str = "lstm-ko"
    cell: str = "lstm"  # rnn | lstm | gru
    # a vocabulary of ~16k pieces; a wider embedding would pass the 10 MB a checkpoint may weigh
    embedding_dim: int = setting(128, "piece-embedding size")
    hidden_size: int = setting(128, "recurrent state size per direction")
    dropout: float = setting(0.3, "dropout probability on the piece and sentence embeddings")


class SentenceClassifier(nn.Module, PyTorchModelHubMixin):
    def __init__(self, config: RNNConfig):
        super().__init__()
        cell = getattr(config, "cell", config.kind)  # an English config's kind is its cell
        if cell not in CELLS:
            raise ValueError(f"kind must be one of {sorted(CELLS)}, not {cell!r}")
        self.config = config
        self.embedding = nn.Embedding(len(config.vocab), config.embedding_dim, padding_idx=0)
        # N(0, 1), PyTorch's default, is so large that AdamW's small steps barely move a word away from
        # its random start in the few epochs before over-fitting; a small start lets the learnt part dominate.
        nn.init.normal_(self.embedding.weight, std=0.1)
        self.embedding.weight.data[0] = 0
        self.cell = CELLS[cell](
            config.embedding_dim,
            config.hidden_size,
            num_layers=config.num_layers,
            bidirectional=config.bidirectional,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(config.dropout)
        directions = 2 if config.bidirectional else 1
        self.head = nn.Linear(directions * config.hidden_size, config.num_classes)

    def embed(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Sentence embeddings (B, directions × hidden_size) for padded ids (B, L)."""
        lengths = lengths.clamp(min=1)
        width = int(lengths.max())
        x = self.dropout(self.embedding(ids[:, :width]))  # the columns past the longest sentence are all padding
        if bool((lengths == width).all()):
            # No padding (one sentence, or a batch bucketed by length): the cell reads the tensor as it is, which on
            # a CPU lets the LSTM run oneDNN's fused kernel: a training step of 128 NSMC reviews of one length took
            # 11 ms against 16 ms packed (2 cores); the same outputs, as tests/test_korean.py checks.
            outputs, _ = self.cell(x)
            return outputs.max(dim=1).values
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        outputs, _ = self.cell(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, padding_value=float("-inf"))
        return outputs.max(dim=1).values

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.embed(ids, lengths)))

    @functools.cached_property
    def known_words(self) -> frozenset[str]:
        """The words this model has an embedding for (built on first use; the vocabulary never changes)."""
        return frozenset(self.config.vocab) - {UNK}

    @functools.cached_property
    def tokeniser(self) -> korean.Tokeniser | None:
        """The tokeniser of a Korean model (its own vocabulary's pieces); None for an English one."""
        return korean.Tokeniser(self.config.vocab) if isinstance(self.config, KoreanRNNConfig) else None

    def word_tokens(self, text: str) -> list[list[str]]:
        """The tokens this model reads in `text`, word by word: one token a word in English, pieces in Korean."""
        if self.tokeniser is not None:
            return self.tokeniser.word_pieces(text)
        return [[token] for token in tokenize(text)]

    def tokenize(self, text: str) -> list[str]:
        return [token for word in self.word_tokens(text) for token in word]

    def encode_text(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Tokenise raw strings with this model's own vocabulary: (ids, lengths) on the model's device."""
        device = self.embedding.weight.device
        ids, lengths = encode([self.tokenize(t) for t in texts], self.config.vocab)
        return ids.to(device), lengths.to(device)


# ---- reading a sentence ---------------------------------------------------------------------------------------------

@torch.inference_mode()
def prefix_trace(model, tokens: list[str], ends: list[int] | None = None) -> np.ndarray:
    """Positive probability after each prefix of `tokens` (len(tokens),), or only after the prefixes of
    `ends` tokens each (len(ends),), e.g. at the end of every word."""
    ends = ends or range(1, len(tokens) + 1)
    ids, lengths = encode([tokens[:end] for end in ends], model.config.vocab)
    return model(ids, lengths).softmax(dim=1)[:, 1].numpy()


@torch.inference_mode()
def sentence_vectors(model, texts: list[str], batch_size: int = 64) -> torch.Tensor:
    """The sentence embeddings (len(texts), width) of raw strings, `batch_size` at a time."""
    return torch.cat([model.embed(*model.encode_text(texts[start:start + batch_size]))
                      for start in range(0, len(texts), batch_size)])


@torch.inference_mode()
def cosine_similarity(model, first: str, second: str, centre: torch.Tensor | None = None) -> float:
    """The cosine of the two sentences' embeddings, each measured from `centre` when given (a point in the same space,
    e.g. the mean embedding of training sentences: sentence_vectors(...).mean(0)), else from the origin."""
    embeddings = sentence_vectors(model, [first, second])
    if centre is not None:
        embeddings = embeddings - centre
    return F.cosine_similarity(embeddings[0:1], embeddings[1:2]).item()
