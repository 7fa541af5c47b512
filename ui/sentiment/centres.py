"""Where tab 2 measures sentence vectors from: each model's mean vector of its language's training sentences.

A recurrent model's sentence vectors (the maxima of its cell's outputs) all lie in one region: measured from the
origin, pairs of test reviews with opposite labels had a cosine of +0.33 to +0.64 on average (each shipped model, 600
test reviews a language) and at most 0.12% of them went below −0.4, so "opposite" never showed. Measured from the
mean vector of training sentences, the same models give −0.20 to −0.27 to such pairs on average (39–50% of them
below −0.4) and +0.21 to +0.31 to pairs with the same label.
The training sentences are a fixed sample shipped in
assets/sentences (training/sentence_sample.py made it), so the app needs no data set, and the mean is computed
from them for each model on its first comparison: it fits a shipped checkpoint, a newly trained one and a
student's retrained one alike.
"""
import functools
import weakref
from pathlib import Path

import torch

from models.rnn import sentence_vectors

SENTENCES = Path(__file__).resolve().parents[2] / "assets" / "sentences"
_CENTRES: "weakref.WeakKeyDictionary[torch.nn.Module, torch.Tensor]" = weakref.WeakKeyDictionary()


@functools.cache
def training_sentences(language: str) -> tuple[str, ...]:
    """The shipped sample of `language`'s training sentences (assets/sentences/<language>.txt)."""
    lines = (SENTENCES / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line.strip())


def centre(model: torch.nn.Module, language: str) -> torch.Tensor:
    """`model`'s mean sentence vector of `language`'s training sentences, computed once per model (a model that is
    dropped takes its mean with it)."""
    found = _CENTRES.get(model)
    if found is None:
        found = _CENTRES[model] = sentence_vectors(model, list(training_sentences(language))).mean(dim=0)
    return found
