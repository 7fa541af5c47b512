"""Tab 2's work: sentiment of a sentence, its per-word trace, and sentence similarity.

The per-word trace runs the model on every prefix of the sentence ("the",
"the film", "the film is", ...) in one batch, so it shows how the positive
probability moves as the model reads each word. Similarity is the cosine of
the two sentence embeddings — the vectors each model's classifier reads.
"""
import numpy as np
import torch
import torch.nn.functional as F

from models.text import MAX_TOKENS, encode, tokenize


def known_words(model, tokens: list[str]) -> list[bool]:
    return [t in model.known_words for t in tokens]


def clean_tokens(text: str) -> list[str]:
    """The tokens the models will read: lower-cased, split, and cut at MAX_TOKENS."""
    return tokenize(text or "")[:MAX_TOKENS]


@torch.inference_mode()
def prefix_trace(model, tokens: list[str]) -> np.ndarray:
    """Positive probability after each prefix of `tokens` (len(tokens),)."""
    ids, lengths = encode([tokens[: i + 1] for i in range(len(tokens))], model.config.vocab)
    return model(ids, lengths).softmax(dim=1)[:, 1].numpy()


@torch.inference_mode()
def cosine_similarity(model, first: str, second: str) -> float:
    ids, lengths = model.encode_text([first, second])
    embeddings = model.embed(ids, lengths)
    return F.cosine_similarity(embeddings[0:1], embeddings[1:2]).item()
