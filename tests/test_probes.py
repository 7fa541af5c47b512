"""The probe set (training/probes.py): the shipped sentiment models answer it as assets/README.md's "Probes" tables
say, and the recurrent lesson's default sentences are probes with a reader's label."""
import re
from pathlib import Path

import pytest

import models
from lessons import recurrent
from models import registry
from training import probes

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def marks(table: str) -> list[tuple[str, list[str]]]:
    """Each row's sentence and its ✓ / ✗ marks, probabilities left out (they may differ in the last digit)."""
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and any(m in line for m in "✓✗"):
            rows.append((cells[0], [m for c in cells[2:] for m in c if m in "✓✗"]))
    return rows


@pytest.fixture(scope="module")
def readme() -> str:
    return (ASSETS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_shipped_models_answer_the_probes_as_the_readme_says(readme, language):
    kinds = registry.names("text", language)
    table = probes.table({kind: models.load(ASSETS / kind) for kind in kinds}, language)
    header = table.splitlines()[0]
    assert header in readme, header
    written = readme[readme.index(header):].split("\n\n")[0]
    assert marks(written) == marks(table)
    assert re.findall(r"\*\*(\d+) of", written) == re.findall(r"\*\*(\d+) of", table)  # the counts too


def test_every_probe_is_labelled_and_in_a_known_language():
    assert {p.language for p in probes.PROBES} == set(registry.LANGUAGES)
    assert all(p.label in (probes.POSITIVE, probes.NEGATIVE) for p in probes.PROBES)
    texts = [p.text for p in probes.PROBES]
    assert len(set(texts)) == len(texts)
    assert {"not bad", "not good", "it is never boring", "nothing new"} <= set(texts)  # the plain negations


def test_the_lessons_default_sentences_are_probes_of_their_language():
    for data, lines in recurrent.TRACED.items():
        known = {p.text for p in probes.probes(recurrent.LANGUAGE[data])}
        assert set(lines) <= known and len(lines) <= recurrent.MAX_SENTENCES
