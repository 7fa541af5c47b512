"""SST-2 at the sentence level, from `<dir>/sst2/{train,dev,test}.txt` (one "label sentence" a line); when
missing and online, fetched from the Hub dataset SetFit/sst2 and written in that form.

`load_sst2_phrases` trains on the treebank's 67,349 labelled training phrases instead (GLUE's SST-2 training set,
`<dir>/sst2/train-phrases.txt`, same form; when missing and online, fetched from GLUE's SST-2.zip), and validates
and tests on the same sentences: the phrases hold none of the 872 dev sentences and one short test sentence (the
data's README).
"""
import io
import json
import os
import zipfile
from pathlib import Path

import torch

from models.text import build_vocab, encode
from training.datasets.common import Split, data_dir, missing, reachable

TRAIN_SIZE = 6_920  # sentences in train.txt (the split of Kim 2014 and most papers since)
PHRASES_SIZE = 67_349  # labelled phrases in train-phrases.txt, the training sentences among them
PHRASES_FILE = "train-phrases.txt"
PHRASES_MIN_FREQ = 2  # the LSTM's and GRU's choice on the dev set (the RNN's: 8); assets/README.md
SST2_FILES = {"train": "train", "val": "dev", "test": "test"}
HUB_FILES = {"train": "train.jsonl", "dev": "validation.jsonl", "test": "test.jsonl"}
GLUE_SST2 = "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip"  # its SST-2/train.tsv: "sentence<TAB>label" rows


def read_sst2_file(path: Path) -> tuple[list[list[str]], list[int]]:
    """Parse "label sentence" lines into token lists and labels; blank lines are skipped."""
    sentences, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        label, _, text = line.strip().partition(" ")
        if label not in ("0", "1"):
            raise ValueError(f"{path}:{number}: expected a 0/1 label first, got {label!r}")
        sentences.append(text.split())  # the files are tokenised already
        labels.append(int(label))
    return sentences, labels


def fetch_sst2(folder: Path) -> None:
    """Download the sentence-level SST-2 split from the Hub and write it as train/dev/test.txt."""
    from huggingface_hub import constants, hf_hub_download

    if constants.HF_HUB_OFFLINE or not reachable(constants.ENDPOINT):
        raise OSError("there is no connection to the Hugging Face Hub")  # it would retry for about 30 s
    sources = {name: hf_hub_download("SetFit/sst2", remote, repo_type="dataset")
               for name, remote in HUB_FILES.items()}
    folder.mkdir(parents=True, exist_ok=True)  # only once everything is here: no empty folder when offline
    for name, source in sources.items():
        rows = [json.loads(line) for line in Path(source).read_text().splitlines() if line.strip()]
        lines = [f"{row['label']} {row['text']}" for row in rows]
        tmp = folder / f".{name}.txt.tmp"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, folder / f"{name}.txt")


def phrases_from_glue(archive: bytes) -> str:
    """GLUE's SST-2.zip as the lines of train-phrases.txt ("label phrase"; its train.tsv has a header row and
    "phrase<TAB>label" rows, lower-cased and tokenised as the sentence files are)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        rows = bundle.read("SST-2/train.tsv").decode("utf-8").splitlines()[1:]
    lines = []
    for row in rows:
        text, _, label = row.rpartition("\t")
        if label.strip() not in ("0", "1"):
            raise ValueError(f"GLUE's SST-2 train.tsv: expected a 0/1 label last, got {label!r}")
        lines.append(f"{label.strip()} {text.strip()}")
    return "\n".join(lines) + "\n"


def fetch_phrases(folder: Path) -> None:
    """Download GLUE's SST-2 and write its training phrases as train-phrases.txt (atomically)."""
    import httpx

    if not reachable(GLUE_SST2):
        raise OSError("there is no connection to dl.fbaipublicfiles.com")
    answer = httpx.get(GLUE_SST2, timeout=120, follow_redirects=True)
    answer.raise_for_status()
    tmp = folder / f".{PHRASES_FILE}.tmp"
    tmp.write_text(phrases_from_glue(answer.content), encoding="utf-8")
    os.replace(tmp, folder / PHRASES_FILE)


def sst2_folder(path: str | None = None) -> Path:
    """The data folder's sst2/, its sentence files fetched first when they are missing (and the Hub answers)."""
    folder = data_dir(path) / "sst2"
    if not (folder / "train.txt").exists():
        try:
            fetch_sst2(folder)
        except Exception as error:
            raise missing("SST-2", folder, f"could not be downloaded ({error})") from None
    return folder


def load_sst2(path: str | None = None, vocab: list[str] | None = None,
              min_freq: int = 2) -> tuple[dict[str, Split], list[str]]:
    """SST-2 as padded token ids + lengths per split, and the vocabulary (built from train unless given)."""
    folder = sst2_folder(path)
    parsed = {split: read_sst2_file(folder / f"{name}.txt") for split, name in SST2_FILES.items()}
    return _encoded(parsed, vocab or build_vocab(parsed["train"][0], min_freq=min_freq))


def load_sst2_phrases(path: str | None = None, vocab: list[str] | None = None,
                      min_freq: int | None = None) -> tuple[dict[str, Split], list[str]]:
    """SST-2 trained on its labelled phrases: train from train-phrases.txt, val and test the sentences of
    dev.txt and test.txt; the vocabulary (unless given) the words seen in at least `min_freq` training phrases."""
    folder = sst2_folder(path)  # the dev and test sentences first, fetched as load_sst2 fetches them
    if not (folder / PHRASES_FILE).exists():
        try:
            fetch_phrases(folder)
        except Exception as error:
            raise missing(f"{PHRASES_FILE} (SST-2's labelled training phrases)", folder,
                          f"could not be downloaded ({error})") from None
    parsed = {split: read_sst2_file(folder / f"{name}.txt") for split, name in SST2_FILES.items()}
    parsed["train"] = read_sst2_file(folder / PHRASES_FILE)
    return _encoded(parsed, vocab or build_vocab(parsed["train"][0], min_freq=min_freq or PHRASES_MIN_FREQ))


def _encoded(parsed: dict, vocab: list[str]) -> tuple[dict[str, Split], list[str]]:
    splits = {}
    for split, (sentences, labels) in parsed.items():
        ids, lengths = encode(sentences, vocab)
        splits[split] = Split((ids, lengths), torch.tensor(labels))
    return splits, vocab
