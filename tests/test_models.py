import pytest
import torch
import torch.nn.functional as F

import models
from models.text import build_vocab, encode, tokenize

VOCAB = ["<pad>", "<unk>", "a", "good", "bad", "film", "not"]


def image_configs():
    return [
        models.DNNConfig(),
        models.DNNConfig(hidden_sizes=[64], batch_norm=False, activation="tanh", init="xavier"),
        models.CNNConfig(),
        models.CNNConfig(channels=[8, 16], init="kaiming"),
    ]


def text_configs():
    return [models.RNNConfig(kind=k, vocab=VOCAB, bidirectional=b, num_layers=n, embedding_dim=16, hidden_size=12)
            for k, b, n in [("rnn", False, 1), ("lstm", True, 2), ("gru", True, 1)]]


@pytest.mark.parametrize("config", image_configs(), ids=lambda c: c.kind)
def test_image_models_output_logits_per_class(config):
    model = models.build(config)
    assert model(torch.rand(5, 1, 28, 28)).shape == (5, 10)
    assert model(torch.randint(0, 256, (5, 1, 28, 28), dtype=torch.uint8)).shape == (5, 10)


@pytest.mark.parametrize("config", text_configs(), ids=lambda c: c.kind)
def test_text_models_output_logits_and_embeddings(config):
    model = models.build(config).eval()
    ids, lengths = model.encode_text(["a good film", "bad", "not a good film at all"])
    directions = 2 if config.bidirectional else 1
    assert model(ids, lengths).shape == (3, 2)
    assert model.embed(ids, lengths).shape == (3, directions * config.hidden_size)


def test_text_model_ignores_padding():
    model = models.build(text_configs()[1]).eval()
    ids, lengths = model.encode_text(["good film"])
    padded = torch.cat([ids, torch.zeros(1, 7, dtype=torch.long)], dim=1)
    with torch.no_grad():
        assert torch.allclose(model(ids, lengths), model(padded, lengths), atol=1e-6)


@pytest.mark.parametrize("config", image_configs()[::2] + text_configs()[:1], ids=lambda c: c.kind)
def test_one_optimizer_step_lowers_the_loss(config):
    torch.manual_seed(0)
    model = models.build(config).eval()  # no dropout noise between the two measurements
    if config.kind in ("dnn", "cnn"):
        inputs, labels = (torch.rand(32, 1, 28, 28),), torch.randint(0, 10, (32,))
    else:
        inputs = model.encode_text(["a good film", "bad film", "not good", "good"] * 8)
        labels = torch.tensor([1, 0, 0, 1] * 8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    before = F.cross_entropy(model(*inputs), labels)
    before.backward()
    optimizer.step()
    after = F.cross_entropy(model(*inputs), labels)
    assert after.item() < before.item()


def test_zeros_init_leaves_every_weight_zero():
    model = models.build(models.DNNConfig(init="zeros"))
    assert all(not m.weight.any() for m in model.modules() if isinstance(m, torch.nn.Linear))


def test_bad_config_values_are_rejected_clearly():
    with pytest.raises(ValueError, match="activation"):
        models.build(models.DNNConfig(activation="swish"))
    with pytest.raises(ValueError, match="init"):
        models.build(models.CNNConfig(init="ones"))


def test_tokenize_matches_sst2_conventions():
    assert tokenize("It's NOT bad, I don't think… can't wait!") == \
        ["it", "'s", "not", "bad", ",", "i", "do", "n't", "think", "…", "ca", "n't", "wait", "!"]
    assert tokenize("a well-made film that wo n't quit .") == \
        ["a", "well-made", "film", "that", "wo", "n't", "quit", "."]
    assert tokenize("   ") == []


def test_vocab_and_unknown_words():
    vocab = build_vocab([["good", "film"], ["good", "bad"], ["film"]], min_freq=2)
    assert vocab[:2] == ["<pad>", "<unk>"] and set(vocab[2:]) == {"good", "film"}
    ids, lengths = encode([["good", "zebra"], []], vocab)
    assert ids.tolist() == [[vocab.index("good"), 1], [0, 0]]
    assert lengths.tolist() == [2, 0]
