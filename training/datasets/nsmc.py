"""Korean movie reviews in NSMC's format, from `<dir>/nsmc/ratings_{train,test}.txt` (a header, then id, review
and label, tab-separated); never downloaded.
"""
from pathlib import Path

import torch

from models import korean
from models.text import PAD, UNK, encode
from training.datasets.common import SPLIT_SEED, VALIDATION_SIZE, Split, data_dir, missing

TRAIN_SIZE = 150_000 - VALIDATION_SIZE  # reviews in ratings_train.txt, less those that validate
NSMC_FILES = {"train": "ratings_train.txt", "test": "ratings_test.txt"}
NSMC_VOCAB = 16_000  # subword pieces learnt on the training reviews (models/korean.py); see load_nsmc


def read_nsmc_file(path: Path) -> tuple[list[str], list[int]]:
    """Reviews and labels of an NSMC file ("id<TAB>document<TAB>label" after a header line)."""
    texts, labels = [], []
    with path.open(encoding="utf-8") as lines:
        header = next(lines, "").rstrip("\n").split("\t")
        if header != ["id", "document", "label"]:
            raise ValueError(f"{path}:1: expected the header id, document, label; got {header}")
        for number, line in enumerate(lines, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[2] not in ("0", "1"):
                raise ValueError(f"{path}:{number}: expected id, review and a 0/1 label, tab-separated")
            texts.append(fields[1])
            labels.append(int(fields[2]))
    return texts, labels


def nsmc_texts(path: str | None = None) -> dict[str, tuple[list[str], list[int]]]:
    """NSMC's reviews and labels per split, as text: validation is VALIDATION_SIZE reviews held out of the 150k
    training ones (fixed seed), test the 50k test ones."""
    folder = data_dir(path) / "nsmc"
    if not (folder / NSMC_FILES["train"]).exists():
        raise missing("NSMC (Korean movie reviews)", folder, "it is not downloaded automatically")
    train_texts, train_labels = read_nsmc_file(folder / NSMC_FILES["train"])
    order = torch.randperm(len(train_texts), generator=torch.Generator().manual_seed(SPLIT_SEED)).tolist()
    val = order[: min(VALIDATION_SIZE, len(order) // 12)]  # 5,000 of 150,000; a tiny file keeps most for training
    held_out = set(val)
    return {"train": ([t for i, t in enumerate(train_texts) if i not in held_out],
                      [y for i, y in enumerate(train_labels) if i not in held_out]),
            "val": ([train_texts[i] for i in val], [train_labels[i] for i in val]),
            "test": read_nsmc_file(folder / NSMC_FILES["test"])}


def encode_reviews(texts: list[str], labels: list[int], vocab: list[str]) -> Split:
    """Reviews as padded subword ids + lengths, cut into `vocab`'s pieces."""
    tokeniser = korean.Tokeniser(vocab)
    return Split(encode([tokeniser.pieces(t) for t in texts], vocab), torch.tensor(labels))


def load_nsmc(path: str | None = None, vocab: list[str] | None = None) -> tuple[dict[str, Split], list[str]]:
    """NSMC as padded subword ids + lengths per split (`nsmc_texts`), and the vocabulary (learnt on train unless
    given)."""
    texts = nsmc_texts(path)
    vocab = vocab or korean.learn_vocab(texts["train"][0], NSMC_VOCAB, [PAD, UNK])
    return {split: encode_reviews(*texts[split], vocab) for split in texts}, vocab
