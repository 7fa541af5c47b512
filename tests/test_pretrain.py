"""Language-model pretraining (training/pretrain.py) and adversarial training on the embeddings (training/loop.py)."""
import pytest
import torch

import models
from models import korean
from models.rnn import KoreanRNNConfig
from models.text import encode
from training import pretrain as lm
from training.datasets import Split
from training.loop import FitConfig, Progress, adversarial_loss, fit
from training.run import model_card, train_model
from ui.retrain import report as status

VOCAB = ["<pad>", "<unk>", "영화", "##는", "최고", "##다", "재밌", "!", "ㅋㅋ", "지루", "##해", "별로"]
REVIEWS = [("영화는 최고다 재밌 !", 1), ("최고다 ㅋㅋ", 1), ("영화는 지루해 별로", 0), ("별로 지루해 !", 0)] * 16


def reviews() -> Split:
    tokeniser = korean.Tokeniser(VOCAB)
    ids, lengths = encode([tokeniser.pieces(text) for text, _ in REVIEWS], VOCAB)
    return Split((ids, lengths), torch.tensor([label for _, label in REVIEWS]))


def small_model(cell: str = "lstm", bidirectional: bool = True):
    torch.manual_seed(0)
    return models.build(KoreanRNNConfig(kind=f"{cell}-ko", cell=cell, vocab=VOCAB, embedding_dim=8, hidden_size=8,
                                         bidirectional=bidirectional))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_pretraining_learns_the_order_of_pieces_and_leaves_the_head_alone(cell, monkeypatch):
    monkeypatch.setattr(lm, "NEGATIVES", 4)  # a 12-piece vocabulary
    monkeypatch.setattr(lm, "LR", 3e-2)  # 160 steps, not thousands
    model, data = small_model(cell), reviews()
    head = model.head.weight.detach().clone()
    reported = []
    losses, cancelled = lm.pretrain(model, data, FitConfig(pretrain_epochs=20, batch_size=8, log_every=1),
                                    reported.append)
    assert not cancelled and len(losses) == 20
    assert losses[-1] < 0.85 * losses[0]  # the order of the pieces is learnt, as far as it can be
    torch.testing.assert_close(model.head.weight, head)
    assert {p.stage for p in reported} == {"pretrain"} and reported[-1].epoch == 20
    assert reported[-1].batch == reported[-1].batches


def test_pretraining_needs_a_cell_that_reads_both_ways():
    with pytest.raises(ValueError, match="bidirectional"):
        lm.pretrain(small_model(bidirectional=False), reviews(), FitConfig(pretrain_epochs=1))


def test_a_cancelled_pretraining_ends_the_run_before_fit_trains():
    data = reviews()
    config = KoreanRNNConfig(vocab=VOCAB, embedding_dim=8, hidden_size=8)
    run = train_model(config, {"train": data, "val": data, "test": data},
                      FitConfig(pretrain_epochs=3, epochs=3, batch_size=8), should_stop=lambda: True)
    assert run.fit.stop_reason == "cancelled" and run.fit.best_epoch is None and run.pretraining == []


def test_a_run_with_pretraining_reports_its_losses_and_time():
    data = reviews()
    config = KoreanRNNConfig(vocab=VOCAB, embedding_dim=8, hidden_size=8)
    run = train_model(config, {"train": data, "val": data, "test": data},
                      FitConfig(pretrain_epochs=2, epochs=2, batch_size=8, lr=1e-2))
    report = run.report()
    assert len(report["pretraining"]["losses"]) == 2 and run.pretrain_seconds > 0
    assert report["seconds"] == round(run.pretrain_seconds + run.fit.seconds, 1)
    assert "after 2 epoch(s) of language-model pretraining" in model_card(config, report)


def test_the_status_line_names_the_pretraining_stage_in_both_languages():
    progress = Progress(1, 3, 10, 40, 6.1, stage="pretrain")
    assert "Pretraining LSTM-KO as a language model" in status.running("lstm-ko", progress)
    assert "LSTM-KO 사전 학습 중" in status.running("lstm-ko", progress, language="ko")
    assert "Training LSTM-KO" in status.running("lstm-ko", Progress(1, 3, 10, 40, 0.6))


def test_the_adversarial_copy_costs_more_than_the_batch_and_nothing_at_epsilon_zero():
    model, data = small_model(), reviews()
    model.eval()  # no dropout: the two passes differ only by the push
    inputs, labels = data.inputs, data.labels
    logits, clean, unmoved = adversarial_loss(model, inputs, labels, 0.0)
    torch.testing.assert_close(clean, torch.nn.functional.cross_entropy(logits, labels))
    torch.testing.assert_close(unmoved, clean)
    _, clean, pushed = adversarial_loss(model, inputs, labels, 0.5)
    assert pushed > clean  # moved along the gradient, the loss rises
    (clean + pushed).backward()
    assert model.embedding.weight.grad is not None


def test_a_model_learns_with_adversarial_training():
    model, data = small_model(), reviews()
    result = fit(model, data, data, FitConfig(epochs=15, lr=1e-2, batch_size=8, patience=15, by_length=True,
                                              adversarial=0.5))
    assert result.history[-1].val_acc == 1.0
