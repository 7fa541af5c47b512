"""A small probe set: sentences whose sentiment a reader gets from word order, not from counting words.

Each probe is a sentence, its language and the label a reader gives it. Plain
negations ("not bad", "never boring") flip a word a word-counting model scores
on its own; "X, but Y" contrasts put the verdict after "but"; the Korean ones
carry it past a contrast ending (-는데, -지만, "…줄 알았는데 아니었어요"), where
the surface words (지루, 재미없, 뻔) point the other way. They were written for
this project, not drawn from any data set, and no model was tuned on them.

`python -m training.probes` prints how the shipped models read them, as the
table in assets/README.md ("Probes"); tests/test_probes.py checks that the
shipped checkpoints still answer as that table says. The recurrent lesson
traces them (lessons/recurrent.py).
"""
import argparse
from dataclasses import dataclass
from pathlib import Path

import torch

import models
from models import registry

POSITIVE, NEGATIVE = 1, 0


@dataclass(frozen=True)
class Probe:
    text: str
    language: str  # a key of models.registry.LANGUAGES
    label: int  # what a reader says: POSITIVE or NEGATIVE
    contrast: str  # what it tests: "negation", "but" (the verdict after a contrast) or "plain" (no trick)


PROBES = (
    Probe("bad", "en", NEGATIVE, "plain"),
    Probe("not bad", "en", POSITIVE, "negation"),
    Probe("good", "en", POSITIVE, "plain"),
    Probe("not good", "en", NEGATIVE, "negation"),
    Probe("not bad at all", "en", POSITIVE, "negation"),
    Probe("it is never boring", "en", POSITIVE, "negation"),
    Probe("nothing new", "en", NEGATIVE, "negation"),
    Probe("there is not a single dull moment in it", "en", POSITIVE, "negation"),
    Probe("the plot is thin, but the acting is superb", "en", POSITIVE, "but"),
    Probe("the acting is superb, but the plot is thin", "en", NEGATIVE, "but"),
    Probe("slow at first, but worth it", "en", POSITIVE, "but"),
    Probe("beautiful to look at, but dull", "en", NEGATIVE, "but"),
    Probe("I didn't expect to like it, but I did", "en", POSITIVE, "but"),
    Probe("최고의 영화", "ko", POSITIVE, "plain"),
    Probe("최악의 영화", "ko", NEGATIVE, "plain"),
    Probe("지루하지 않았어요", "ko", POSITIVE, "negation"),
    Probe("초반은 지루했는데 후반 30분이 미쳤다", "ko", POSITIVE, "but"),
    Probe("재미없을 줄 알았는데 아니었어요", "ko", POSITIVE, "but"),
    Probe("배우들 연기는 좋았지만 스토리가 너무 뻔했다", "ko", NEGATIVE, "but"),
)


def probes(language: str) -> tuple[Probe, ...]:
    return tuple(p for p in PROBES if p.language == language)


@torch.inference_mode()
def positive(model: torch.nn.Module, texts: list[str]) -> list[float]:
    """P(positive) of each text as `model` reads it (its own tokeniser and vocabulary), in eval mode."""
    model.eval()
    return model(*model.encode_text(texts)).softmax(dim=1)[:, 1].tolist()


def answers(checkpoints: dict[str, torch.nn.Module], language: str) -> dict[str, list[float]]:
    """{kind: P(positive) of each probe of `language`} for the given models."""
    texts = [p.text for p in probes(language)]
    return {kind: positive(model, texts) for kind, model in checkpoints.items()}


def table(checkpoints: dict[str, torch.nn.Module], language: str) -> str:
    """A Markdown table: each probe, the reader's label, each model's P(positive) and whether it agrees (✓ / ✗)."""
    found = answers(checkpoints, language)
    lines = ["| sentence | reader | " + " | ".join(found) + " |", "|---|---|" + "---|" * len(found)]
    for i, probe in enumerate(probes(language)):
        cells = [f"{p[i]:.2f} {'✓' if (p[i] > 0.5) == (probe.label == POSITIVE) else '✗'}" for p in found.values()]
        reader = "positive" if probe.label == POSITIVE else "negative"
        lines.append(f"| {probe.text} | {reader} | " + " | ".join(cells) + " |")
    agree = {kind: sum((p[i] > 0.5) == (probe.label == POSITIVE) for i, probe in enumerate(probes(language)))
             for kind, p in found.items()}
    lines.append("| **agrees with the reader** | | " + " | ".join(f"**{n} of {len(probes(language))}**"
                                                         for n in agree.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="How the shipped sentiment models read the probe set.")
    parser.add_argument("--assets", default="assets", help="folder of the shipped checkpoints (default: assets)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for language in ("en", "ko"):
        kinds = registry.names("text", language)
        print(table({kind: models.load(Path(args.assets) / kind) for kind in kinds}, language), end="\n\n")


if __name__ == "__main__":
    main()
