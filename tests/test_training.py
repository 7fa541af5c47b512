import math

import pytest
import torch

import models
import training.loop as loop
from training.augment import augment_digits
from training.datasets import Split
from training.datasets.sst2 import read_sst2_file
from training.loop import FitConfig, TrainingDiverged, fit
from training.metrics import classification_metrics


def tiny_digits(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return Split((torch.rand(n, 1, 28, 28, generator=g),), torch.randint(0, 10, (n,), generator=g))


def tiny_model():
    torch.manual_seed(0)
    return models.build(models.DNNConfig(hidden_sizes=[16], batch_norm=False, dropout=0.0))


def test_early_stopping_waits_patience_epochs_and_restores_the_best_weights(monkeypatch):
    val_losses = iter([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    monkeypatch.setattr(loop, "evaluate", lambda model, split: (next(val_losses), 0.1))
    model, snapshots = tiny_model(), {}

    def on_progress(p):
        if p.stats is not None:
            snapshots[p.epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    result = fit(model, tiny_digits(), tiny_digits(), FitConfig(epochs=10, patience=2, batch_size=16),
                 on_progress=on_progress)
    assert result.stop_reason == "early_stop"
    assert [s.epoch for s in result.history] == [1, 2, 3, 4]
    assert result.best_epoch == 2 and [s.best for s in result.history] == [True, True, False, False]
    assert not torch.equal(snapshots[2]["layers.1.weight"], snapshots[4]["layers.1.weight"])
    for name, value in model.state_dict().items():
        assert torch.equal(value, snapshots[2][name])


def test_cancellation_stops_within_one_batch():
    checks, reported = [], []

    def should_stop():
        checks.append(1)
        return len(checks) > 5  # let five batches run, then ask to stop

    model = tiny_model()
    result = fit(model, tiny_digits(256), tiny_digits(), FitConfig(epochs=3, batch_size=16, log_every=1),
                 on_progress=lambda p: reported.append(p.batch), should_stop=should_stop)
    assert result.stop_reason == "cancelled"
    assert reported == [1, 2, 3, 4, 5]
    assert result.history == [] and not model.training


def test_a_nan_loss_stops_training_with_a_clear_error_and_finite_weights():
    poisoned = tiny_digits()
    poisoned.inputs[0][3] = float("nan")
    model = tiny_model()
    with pytest.raises(TrainingDiverged, match="diverged.*smaller learning rate"):
        fit(model, poisoned, tiny_digits(), FitConfig(epochs=2, batch_size=64))
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_a_huge_learning_rate_is_reported_as_divergence():
    model = tiny_model()
    with pytest.raises(TrainingDiverged, match="1e\\+12"):
        fit(model, tiny_digits(512), tiny_digits(), FitConfig(epochs=5, lr=1e12, batch_size=32, weight_decay=0))


def test_fit_learns_a_separable_problem():
    images = torch.zeros(200, 1, 28, 28)
    labels = torch.arange(200) % 2
    images[labels == 1, :, :14] = 1.0  # class 1: top half lit
    data = Split((images,), labels)
    result = fit(tiny_model(), data, data, FitConfig(epochs=5, lr=1e-2, batch_size=20))
    assert result.history[-1].val_acc == 1.0


def test_learning_rate_schedule_warms_up_then_decays():
    lrs = [loop.get_lr(step, 1000, 1.0) for step in range(1000)]
    assert lrs[0] < lrs[29] == pytest.approx(1.0, abs=0.01)
    assert lrs[-1] == pytest.approx(0.05, abs=0.01)
    assert all(a >= b for a, b in zip(lrs[30:-1], lrs[31:], strict=True))


def test_augmentation_keeps_shape_and_range_and_varies_images(mnist):
    images = mnist["train"].inputs[0][:256]
    out = augment_digits(images, generator=torch.Generator().manual_seed(1))
    assert out.shape == images.shape and out.dtype == torch.float32
    assert out.min() >= 0 and out.max() <= 1
    original = images.float() / 255
    assert (out - original).abs().mean() > 0.01
    ink_ratio = out.sum() / original.sum()  # scale, thickening and thinning roughly balance out
    assert 0.7 < ink_ratio < 1.3


def test_mnist_splits(mnist):
    sizes = {name: len(split) for name, split in mnist.items()}
    assert sizes == {"train": 55_000, "val": 5_000, "test": 10_000}
    assert mnist["train"].inputs[0].dtype == torch.uint8 and mnist["train"].inputs[0].shape[1:] == (1, 28, 28)


def test_sst2_splits_and_vocabulary(sst2):
    splits, vocab = sst2
    assert {name: len(split) for name, split in splits.items()} == {"train": 6920, "val": 872, "test": 1821}
    assert vocab[:2] == ["<pad>", "<unk>"] and "good" in vocab
    ids, lengths = splits["train"].inputs
    assert lengths.max() == 52 and ids.shape[1] == 52
    assert (ids[torch.arange(ids.shape[1]) >= lengths[:, None]] == 0).all()  # padding is <pad>
    assert (splits["test"].inputs[0] == 1).any()  # words unseen in training become <unk>


def test_sst2_file_parsing(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("1 a gorgeous , witty film .\n\n0 it does n't work\n")
    sentences, labels = read_sst2_file(path)
    assert labels == [1, 0]
    assert sentences[1] == ["it", "does", "n't", "work"]
    path.write_text("positive a bad line\n")
    with pytest.raises(ValueError, match="x.txt:1"):
        read_sst2_file(path)


def test_metrics_on_a_known_example():
    probs = torch.tensor([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.8, 0.2]])
    m = classification_metrics(probs, torch.tensor([0, 1, 0, 1]))
    assert m["accuracy"] == 0.5 and m["confusion_matrix"] == [[1, 1], [1, 1]]
    assert m["roc_auc_ovr"] == 0.5 and m["f1_macro"] == 0.5
    single_class = classification_metrics(probs, torch.tensor([0, 0, 0, 0]))
    assert math.isnan(single_class["roc_auc_ovr"])


def test_glue_s_sst2_archive_becomes_the_phrases_file_and_a_bad_row_is_named():
    """The download of the training phrases (training.datasets.sst2.fetch_phrases) writes GLUE's train.tsv in the
    form of the other SST-2 files: its header dropped, "label phrase" a line."""
    import io
    import zipfile

    from training.datasets.sst2 import phrases_from_glue

    def archive(rows: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            bundle.writestr("SST-2/train.tsv", "sentence\tlabel\n" + rows)
        return buffer.getvalue()

    assert phrases_from_glue(archive("hide new secretions \t0\nthe greatest musicians \t1\n")) == \
        "0 hide new secretions\n1 the greatest musicians\n"
    with pytest.raises(ValueError, match="expected a 0/1 label last"):
        phrases_from_glue(archive("no label here\n"))
