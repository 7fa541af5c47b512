"""The confusion matrix you can click: the test examples behind each cell, gathered once per run.

The training worker holds the test set, so it picks the examples there
(`cell_examples`) and sends them with the run's result: up to PER_CELL per
(true, predicted) cell, images as 28×28 uint8 arrays, sentences as text. The
server then never loads a data set to answer a click, and a click costs one
small PNG. At most 100 cells × 36 images × 784 bytes = 2.8 MB per run (MNIST
with 10 classes); the run history keeps them for a session's latest runs only.

Why a table and not the plotly heatmap: in gradio 6.31 `gr.Plot` has one event,
`change` (gradio/components/plot.py, `EVENTS = [Events.change]`), so a click on
a plotly figure never reaches Python. `gr.Dataframe.select` does, with the
cell's (row, column) in `gr.SelectData.index`, from a mouse or the keyboard.
"""
import html

import numpy as np
import torch

from models.korean import detokenize
from ui import i18n
from ui.html import as_html_image

PER_CELL = 36  # examples shown for one cell: a few dozen, one PNG of 12 columns
COLUMNS = 12
SCALE = 2  # each 28×28 digit drawn 56×56

T = i18n.Texts("confusion")


def cell_examples(test, predicted: torch.Tensor, vocab: list[str] | None,
                  per_cell: int = PER_CELL) -> dict[tuple[int, int], list]:
    """The first `per_cell` test examples of each (true, predicted) cell: uint8 images or sentences."""
    cells: dict[tuple[int, int], list] = {}
    for index, key in enumerate(zip(test.labels.tolist(), predicted.tolist(), strict=True)):  # 10k: ~5 ms
        found = cells.setdefault(key, [])
        if len(found) < per_cell:
            found.append(index)
    chosen = {}
    for key, indices in cells.items():
        rows = torch.tensor(indices)
        if vocab is None:  # an image set: (N, 1, 28, 28) uint8
            chosen[key] = list(test.inputs[0][rows].cpu().reshape(len(indices), 28, 28).numpy().astype(np.uint8))
        else:
            ids, lengths = (t[rows].cpu() for t in test.inputs[:2])
            # words joined by spaces, and a Korean word's "##" pieces joined back onto it (models/korean.py)
            chosen[key] = [detokenize([vocab[i] for i in ids[n, : lengths[n]].tolist()]) for n in range(len(indices))]
    return chosen


def table(matrix: list[list[int]], classes: list[str], *, language: str = "en") -> dict:
    """The matrix as a gr.Dataframe value: a first column naming the true class, one column per predicted class."""
    names = [i18n.class_name(name, language) for name in classes]
    headers = [T.say("corner", language), *names]
    return {"headers": headers, "data": [[name, *row] for name, row in zip(names, matrix, strict=True)]}


def show(cells: dict | None, matrix: list[list[int]], classes: list[str], row: int, column: int, *,
         language: str = "en") -> str:
    """HTML for the clicked cell: a title and its examples (one PNG of digits, or a list of sentences)."""
    if not 0 <= row < len(classes) or not 1 <= column <= len(classes):
        return T.say("pick", language)  # the first column names the class: nothing to show there
    true, predicted = (i18n.class_name(classes[n], language) for n in (row, column - 1))
    count = matrix[row][column - 1]
    if count == 0:
        return _markdown(T.say("empty_cell", language, true=html.escape(true), predicted=html.escape(predicted)))
    if cells is None:
        return T.say("no_examples", language)
    examples = cells.get((row, column - 1), [])
    shown = T.say("shown", language, shown=len(examples)) if len(examples) < count else ""
    title = _markdown(T.say("cell_title", language, count=count, true=html.escape(true),
                            predicted=html.escape(predicted), shown=shown))
    if examples and isinstance(examples[0], str):
        items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in examples)
        return f'<div id="cell-examples">{title}<ol>{items}</ol></div>'
    alt = T.say("alt", language, count=len(examples), true=true, predicted=predicted)
    return f'<div id="cell-examples">{title}{as_html_image(montage(examples), html.escape(alt))}</div>'


def montage(images: list[np.ndarray]) -> np.ndarray:
    """Digits side by side, COLUMNS a row, dark ink on white, each scaled SCALE times."""
    rows = -(-len(images) // COLUMNS)
    side = 28 * SCALE + 4
    canvas = np.full((rows * side, min(len(images), COLUMNS) * side), 255, dtype=np.uint8)
    for n, image in enumerate(images):
        r, c = divmod(n, COLUMNS)
        big = np.kron(255 - image, np.ones((SCALE, SCALE), dtype=np.uint8))
        canvas[r * side + 2 : r * side + 2 + 28 * SCALE, c * side + 2 : c * side + 2 + 28 * SCALE] = big
    return canvas


def _markdown(text: str) -> str:
    """**bold** in a title as <b>, for an HTML output."""
    parts = text.split("**")
    return "<p>" + "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts)) + "</p>"
