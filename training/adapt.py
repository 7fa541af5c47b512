"""Fine-tune a copy of a digit model on one person's drawings without making it forget everyone else's digits.

A student's kept drawings are strokes. Each is replayed `copies` times through the
pad's path (ink.strokes.render → ink.preprocess.to_mnist), distorted a little
each time (training.datasets.pendigits.distort: rotation, shear, stretch, wobble),
so 20 drawings become a few hundred examples of that hand. Only the model's last
layers move (`trainable`): the features every writer shares stay as they are, and
the model stays in eval mode while it learns (BatchNorm keeps the statistics of
its training set: 20 drawings would re-estimate them and cost MNIST accuracy;
dropout stays off). A pull towards the starting weights (`anchor`, an L2 penalty
on the distance, "L2-SP") keeps the adapted model near the shipped one.

`fit` (training/loop.py) is not used: it puts the whole model in train mode
(BatchNorm statistics, dropout), and its early stopping needs a validation split
that 20 drawings cannot spare; the loop below is a few lines of the same shape.

The recipe's figures — which layers, how many steps, what learning rate, and
whether replayed MNIST digits are needed — were measured on the held-out pen-digit
writers by benchmarks/handwriting.py (`--adapt`); its docstring holds them. In short:
replayed MNIST digits in every batch are what keeps MNIST accuracy (without them the
DNN lost 0.44 points; a pull towards the starting weights did not help), and the
layers after the features learn a writer's habits as well as the whole network did.
"""
import copy
import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ink.preprocess import to_mnist
from ink.strokes import Drawing, render
from training.datasets.pendigits import distort, place


@dataclass
class AdaptConfig:
    copies: int = 8  # distorted replays of each drawing
    steps: int = 40  # optimiser steps
    batch_size: int = 64
    lr: float = 1e-3  # Adam
    trainable: str = "last"  # "last": the output layer; "head": every layer after the convolutions; "all"
    anchor: float = 0.0  # weight of the L2 pull towards the starting weights
    replay: int = 0  # examples of `replay` (other writers' digits) mixed into each batch
    seed: int = 0


# the app's recipe for each kind, measured by benchmarks/handwriting.py --adapt (the figures are in the README)
RECIPES = {"dnn": AdaptConfig(trainable="head", steps=80, lr=3e-4, replay=64),
           "cnn": AdaptConfig(trainable="head", steps=40, lr=1e-3, replay=32)}
REPLAY_EXAMPLES = 2_000  # MNIST training digits the replayed examples are drawn from
# what a model's frozen body makes of the replayed digits, by model and `trainable`: the same for every student
# who adapts that model, so it is computed once (the CNN's body over 2,000 digits is most of an adaptation's work)
_replayed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_replayed_lock = threading.Lock()


def examples(drawings: list[list[np.ndarray]], labels: list[int], copies: int, seed: int = 0
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """`copies` distorted replays of each drawing (strokes in any units) through the pad's path: uint8
    (N, 1, 28, 28) pixels and their labels. The first copy of each is the drawing as drawn."""
    rng = np.random.default_rng(seed)
    pixels, kept = [], []
    for strokes, label in zip(drawings, labels, strict=True):
        for copy_ in range(copies):
            moved = strokes if copy_ == 0 else distort(strokes, rng)
            pre = to_mnist(render(Drawing(280, 280, place(moved, rng))))
            if pre is not None:
                pixels.append(np.round(pre.pixels * 255).astype(np.uint8))
                kept.append(label)
    return torch.from_numpy(np.stack(pixels)[:, None]), torch.tensor(kept, dtype=torch.long)


def split(model: torch.nn.Module, which: str) -> tuple[torch.nn.Sequential, torch.nn.Sequential]:
    """The model as a frozen body and the top that learns, sharing its modules: the top starts at the output layer
    ("last"), at the linear layer before it ("head": the CNN's classifier, the DNN's last hidden layer), or holds
    everything ("all"). Its input is normalised pixels."""
    layers = [*model.features, *model.head] if hasattr(model, "features") else [*model.layers]
    linear = [i for i, m in enumerate(layers) if isinstance(m, torch.nn.Linear)]
    first = {"last": linear[-1], "head": linear[-2], "all": 0}[which]
    if which == "head" and hasattr(model, "features"):
        first = len(model.features)  # the whole classifier, its flatten and dropout included
    return torch.nn.Sequential(*layers[:first]), torch.nn.Sequential(*layers[first:])


def normalised(model: torch.nn.Module, pixels: torch.Tensor) -> torch.Tensor:
    x = pixels.float() / 255 if pixels.dtype == torch.uint8 else pixels
    return (x - model.config.mean) / model.config.std


def replayed(model: torch.nn.Module, body: torch.nn.Sequential, trainable: str, pixels: torch.Tensor
             ) -> torch.Tensor:
    """`body` (the frozen part of a copy of `model`) applied to the replayed `pixels`, kept while `model` lives."""
    with _replayed_lock:
        kept = _replayed.setdefault(model, {})
        key = (trainable, pixels.data_ptr(), len(pixels))
        if key not in kept:
            kept[key] = body(normalised(model, pixels))
        return kept[key]


def adapt(model: torch.nn.Module, pixels: torch.Tensor, labels: torch.Tensor, config: AdaptConfig,
          replay: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[torch.nn.Module, float]:
    """A fine-tuned copy of `model` (the original is untouched) and the seconds it took.

    The frozen body reads every example once; the steps then run the top alone, which is what makes the CNN's
    adaptation take a fraction of a second."""
    start = time.perf_counter()
    adapted = copy.deepcopy(model).eval()
    for p in adapted.parameters():
        p.requires_grad_(False)
    body, top = split(adapted, config.trainable)
    moving = [p for p in top.parameters()]
    for p in moving:
        p.requires_grad_(True)
    use_replay = replay is not None and config.replay > 0
    with torch.no_grad():
        x_own = body(normalised(adapted, pixels))
        x_other = replayed(model, body, config.trainable, replay[0]) if use_replay else None
    anchors = [p.detach().clone() for p in moving]
    optimizer = torch.optim.Adam(moving, lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    for _ in range(config.steps):
        index = torch.randint(len(labels), (min(config.batch_size, len(labels)),), generator=generator)
        x, y = x_own[index], labels[index]
        if use_replay:
            other = torch.randint(len(replay[1]), (config.replay,), generator=generator)
            x, y = torch.cat([x, x_other[other]]), torch.cat([y, replay[1][other]])
        loss = F.cross_entropy(top(x), y)
        if config.anchor:
            loss = loss + config.anchor * sum(((p - a) ** 2).sum() for p, a in zip(moving, anchors, strict=True))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    for p in moving:
        p.requires_grad_(False)
    return adapted.eval(), time.perf_counter() - start


def adapt_each(bases: dict[str, torch.nn.Module], drawings: list[list[np.ndarray]], labels: list[int],
               replay: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[dict[str, torch.nn.Module], float]:
    """A copy of each model of `bases` (by kind) adapted to the drawings with its kind's recipe (RECIPES), and the
    seconds it all took, the examples' making included (made once for recipes that replay alike)."""
    start = time.perf_counter()
    made, adapted = {}, {}
    for kind, base in bases.items():
        recipe = RECIPES[kind]
        if (recipe.copies, recipe.seed) not in made:
            made[recipe.copies, recipe.seed] = examples(drawings, labels, recipe.copies, recipe.seed)
        adapted[kind], _ = adapt(base, *made[recipe.copies, recipe.seed], recipe, replay)
    return adapted, time.perf_counter() - start
