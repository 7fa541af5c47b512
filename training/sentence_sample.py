"""The training sentences tab 2 measures sentence vectors from: a fixed random sample of each text language's
training set, shipped as assets/sentences/<language>.txt, one sentence a line.

    python -m training.sentence_sample --data-dir ../shared/datasets   # rewrites assets/sentences/{en,ko}.txt

A recurrent model's sentence vectors all lie in one region, so tab 2 compares two sentences by the cosine of their
vectors after subtracting the model's mean vector of these sentences (ui/sentiment/centres.py). The mean is computed
from the text, not stored, so it fits whatever checkpoint is loaded: a shipped one, a newly trained one, a student's
retrained one. For each shipped model, the means of two different samples of 300 training sentences were 2–9% of
the mean's length apart, of 1,000 sentences 2–7%.
"""
import argparse
import os
import random
from pathlib import Path

from training.datasets.common import data_dir
from training.datasets.nsmc import NSMC_FILES, read_nsmc_file
from training.datasets.sst2 import read_sst2_file

OUT = Path(__file__).resolve().parents[1] / "assets" / "sentences"
SIZE = 500  # sentences per language
SEED = 0


def training_sentences(language: str, folder: Path) -> list[str]:
    """Every training sentence of `language`'s data set in `folder` (DATA_DIR's layout), as raw text."""
    if language == "en":
        sentences, _ = read_sst2_file(folder / "sst2" / "train.txt")
        return [" ".join(tokens) for tokens in sentences]
    texts, _ = read_nsmc_file(folder / "nsmc" / NSMC_FILES["train"])
    return [" ".join(text.split()) for text in texts if text.strip()]


def sample(language: str, folder: Path, size: int = SIZE) -> list[str]:
    return random.Random(SEED).sample(training_sentences(language, folder), size)


def write(sentences: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.sentence_sample", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", help="folder holding sst2/ and nsmc/ (default: $DATA_DIR, else ./data)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder to write <language>.txt in (default: %(default)s)")
    args = parser.parse_args(argv)
    for language in ("en", "ko"):
        write(sample(language, data_dir(args.data_dir)), args.out / f"{language}.txt")
        print(f"wrote {SIZE} {language} training sentences to {args.out / f'{language}.txt'}")


if __name__ == "__main__":
    main()
