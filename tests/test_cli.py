"""End to end through the command line, on small subsets of the real data."""
import json

import pytest

import models
from training.__main__ import main


@pytest.mark.slow
@pytest.mark.data
def test_train_then_evaluate_a_dnn(tmp_path, capsys):
    out = tmp_path / "dnn"
    assert main(["dnn", "--epochs", "2", "--subset", "600", "--hidden-sizes", "32", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "epoch   2" in printed.err + printed.out and "test: accuracy" in printed.out
    card = (out / "README.md").read_text()  # the Hub model card, written from the run
    assert "More Information Needed" not in card and "| test | " in card and "Trained on 600 training" in card
    report = json.loads((out / "metrics.json").read_text())
    assert len(report["history"]) == 2 and report["fit"]["epochs"] == 2
    assert models.load(out).config.hidden_sizes == [32]

    assert main(["evaluate", str(out), "--subset", "300"]) == 0
    printed = capsys.readouterr().out
    assert "test: accuracy" in printed and "(n=300)" in printed
    assert json.loads(printed.strip().splitlines()[-1])["n"] == 300


@pytest.mark.slow
@pytest.mark.data
def test_train_a_cnn_and_a_gru_on_subsets(tmp_path):
    assert main(["cnn", "--epochs", "1", "--subset", "300", "--channels", "4", "8",
                 "--out", str(tmp_path / "cnn")]) == 0
    assert main(["gru", "--epochs", "1", "--subset", "300", "--hidden-size", "16", "--no-bidirectional",
                 "--out", str(tmp_path / "gru")]) == 0
    gru = models.load(tmp_path / "gru")
    assert gru.config.kind == "gru" and gru.config.bidirectional is False


@pytest.mark.slow
@pytest.mark.data
def test_a_run_chosen_on_dev_reads_the_test_set_only_when_recorded(tmp_path, capsys):
    out = tmp_path / "rnn"
    assert main(["rnn", "--epochs", "1", "--subset", "300", "--hidden-size", "8", "--embedding-dim", "8",
                 "--dev-only", "--out", str(out)]) == 0
    assert "val: accuracy" in (printed := capsys.readouterr().out) and "test:" not in printed
    assert json.loads((out / "metrics.json").read_text())["test"] is None
    assert "| test | not read yet |" in (out / "README.md").read_text()
    assert main(["evaluate", str(out), "--record", "--subset", "100"]) == 1  # a record is of the whole test set
    assert main(["evaluate", str(out), "--record"]) == 0
    report = json.loads((out / "metrics.json").read_text())
    assert report["test"]["n"] == 1821 and len(report["history"]) == 1  # the run's own figures are kept
    card = (out / "README.md").read_text()
    assert f"| test | 1,821 | {report['test']['accuracy']:.2%} |" in card and "Test confusion matrix" in card


@pytest.mark.slow
@pytest.mark.data
def test_divergence_exits_with_a_message(tmp_path, capsys):
    code = main(["dnn", "--epochs", "3", "--subset", "600", "--lr", "1e12", "--no-batch-norm",
                 "--out", str(tmp_path / "x")])
    assert code == 1
    assert "diverged" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_evaluate_reports_a_corrupted_checkpoint(tmp_path, capsys):
    models.save(models.build(models.DNNConfig(hidden_sizes=[8])), tmp_path / "ck")
    (tmp_path / "ck" / "model.safetensors").write_bytes(b"garbage")
    assert main(["evaluate", str(tmp_path / "ck")]) == 1
    assert "corrupted weights" in capsys.readouterr().err


def test_offline_a_missing_data_set_fails_at_once_and_leaves_no_empty_folders(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("training.datasets.mnist.reachable", lambda url, timeout=3.0: False)
    for kind, name in (("lstm", "SST-2"), ("cnn", "MNIST")):
        assert main([kind, "--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "x")]) == 1
        assert f"{name} is not in" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_help_gives_each_flag_its_default(capsys):
    with pytest.raises(SystemExit):
        main(["dnn", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "most epochs to train (default: 30)" in text and "widths of the hidden layers (default: 512 256)" in text
    assert "--batch-norm, --no-batch-norm BatchNorm after each hidden layer (default: True)" in text


def test_a_missing_data_folder_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("training.datasets.sst2.fetch_sst2", lambda folder: (_ for _ in ()).throw(OSError("offline")))
    assert main(["lstm", "--data-dir", str(tmp_path / "empty"), "--out", str(tmp_path / "x")]) == 1
    assert "SST-2 is not in" in capsys.readouterr().err


def test_the_app_s_help_answers_before_gradio_torch_or_a_model_loads():
    """`python app.py --help` reads its options first: it imported gradio and torch and loaded every model before."""
    import subprocess
    import sys
    from pathlib import Path

    probe = ("import runpy, sys\nsys.argv = ['app.py', '--help']\ntry:\n    runpy.run_path('app.py', "
             "run_name='__main__')\nexcept SystemExit:\n    print(sorted({'gradio', 'torch'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[1], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr
    helped = " ".join(done.stdout.split())
    assert all(name in helped for name in ("MNIST/", "pendigits/", "FashionMNIST/", "sst2/", "nsmc/"))
    assert "--share" in helped


def test_the_app_names_the_board_s_database_variable_as_the_board_reads_it():
    import app
    from ui.board import store

    assert app.DATABASE_ENVIRONMENT == store.ENVIRONMENT
