"""Language-model pretraining: a sentence classifier's embedding and cell first learn to predict pieces of text.

Before the classifier sees a single label, its piece embeddings and its
bidirectional recurrent cell are trained on the training reviews as a language
model, the way ELMo and ULMFiT start: at every position the forward direction's
output predicts the next piece and the backward direction's the previous one.
The words around a piece are free supervision, so the cell learns what follows
"재미" or precedes "##네요" from all 145k reviews before it learns what
"positive" means. Then `fit` trains the whole classifier as usual from there.

A direction's output is projected to the embedding size and scored against the
candidates' own embeddings (tied weights, plus a bias per piece). Scoring all
16k pieces would take 2.0M multiply-adds per position and direction, against
131k for the LSTM step itself (arithmetic, not measured), so the softmax runs
over the pieces the batch has to predict plus NEGATIVES random ones (a sampled
softmax without correction: the scores are only a means to the
representations). The projections and biases are dropped afterwards.

Measured on 2 AMD EPYC cores, LSTM-KO, 135k training reviews, 15k held out
(5k validation and 10k of the training split): no pretraining 87.05% held-out
accuracy (validation loss 0.301); 3 pretraining epochs (7 min) then the same
fine-tuning 87.90% (0.288); with adversarial fine-tuning too (training/loop.py)
88.29% (0.279), and 88.43% (0.276) with 4 epochs of it, the recipe shipped
(models/registry.py).
"""
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from training.datasets import Split
from training.loop import FitConfig, Progress, batch_indices, get_lr

LR = 3e-3  # peak, cosine decay; the language-model loss went 8.4 -> 5.1 nats in 3 epochs
NEGATIVES = 2048  # random pieces scored besides the batch's targets
DROPOUT = 0.1  # on the embeddings and the cell's outputs; the language model has plenty of signal to fit


class Predictor(nn.Module):
    """What pretraining adds to a classifier and throws away afterwards: a projection per direction and biases."""

    def __init__(self, hidden_size: int, embedding_dim: int, vocabulary: int):
        super().__init__()
        self.forward_projection = nn.Linear(hidden_size, embedding_dim)
        self.backward_projection = nn.Linear(hidden_size, embedding_dim)
        self.bias = nn.Parameter(torch.zeros(vocabulary))


def language_model_loss(model: nn.Module, predictor: Predictor, ids: torch.Tensor,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    """Mean cross-entropy of predicting each piece of `ids` (B, L of one length, L >= 2) from either side."""
    outputs, _ = model.cell(F.dropout(model.embedding(ids), DROPOUT, model.training))
    outputs = F.dropout(outputs, DROPOUT, model.training)
    hidden = model.config.hidden_size
    queries = torch.cat([
        predictor.forward_projection(outputs[:, :-1, :hidden]).flatten(0, 1),  # reads up to t, predicts t + 1
        predictor.backward_projection(outputs[:, 1:, hidden:]).flatten(0, 1),  # reads from t on, predicts t - 1
    ])
    targets = torch.cat([ids[:, 1:].flatten(), ids[:, :-1].flatten()])
    vocabulary = model.embedding.num_embeddings
    sampled = torch.randint(2, vocabulary, (NEGATIVES,), device=ids.device, generator=generator)  # not pad, unk
    candidates = torch.unique(torch.cat([targets, sampled]))  # sorted
    logits = queries @ model.embedding.weight[candidates].T + predictor.bias[candidates]
    return F.cross_entropy(logits, torch.searchsorted(candidates, targets))


def pretrain(model: nn.Module, train: Split, config: FitConfig, on_progress: Callable | None = None,
             should_stop: Callable | None = None) -> tuple[list[float], bool]:
    """`config.pretrain_epochs` epochs of language modelling on `train`'s texts (its labels are not read).

    Batches of one length as `fit` makes them (`batch_indices`, by length); reviews of a single piece have no
    neighbour to predict and are skipped. Progress is reported with stage "pretrain". Returns the mean loss of
    each epoch and whether `should_stop` cancelled it.
    """
    if not model.config.bidirectional:
        raise ValueError("language-model pretraining needs a bidirectional cell (one direction a side)")
    device = train.labels.device
    generator = torch.Generator(device=device).manual_seed(config.seed)
    predictor = Predictor(model.config.hidden_size, model.config.embedding_dim, model.embedding.num_embeddings)
    predictor.to(device)
    head = set(model.head.parameters())
    trained = [p for p in model.parameters() if p not in head] + list(predictor.parameters())
    optimizer = torch.optim.AdamW(trained, lr=LR, weight_decay=config.weight_decay, fused=True)
    epochs = config.pretrain_epochs
    batches_per_epoch = math.ceil(len(train) / config.batch_size)
    total_steps, step, losses = epochs * batches_per_epoch, 0, []
    model.train()
    for epoch in range(1, epochs + 1):
        loss_sum, counted = torch.zeros((), device=device), 0
        indices = batch_indices(train, config.batch_size, by_length=True, generator=generator)
        for batch, index in enumerate(indices, start=1):
            if should_stop is not None and should_stop():
                return losses, True
            step += 1
            width = int(train.inputs[1][index].min())  # a batch at a border between lengths is cut to its shortest
            if width >= 2:
                for group in optimizer.param_groups:
                    group["lr"] = get_lr(step - 1, total_steps, LR)
                loss = language_model_loss(model, predictor, train.inputs[0][index, :width], generator)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                loss_sum += loss.detach()
                counted += 1
            if on_progress is not None and (batch % config.log_every == 0 or batch == len(indices)):
                on_progress(Progress(epoch, epochs, batch, len(indices), loss_sum.item() / max(1, counted),
                                     stage="pretrain"))
        losses.append(loss_sum.item() / max(1, counted))
    return losses, False
