"""The handlers called directly, without a server: the failure paths a user can reach."""
import shutil

import app
from benchmarks.drawings import pad_value
from tests.helpers import handlers


def test_a_corrupted_shipped_checkpoint_is_reported_and_the_rest_keeps_working(tmp_path):
    shutil.copytree(app.ASSETS, tmp_path / "assets")
    (tmp_path / "assets" / "cnn" / "model.safetensors").write_bytes(b"\x00" * 64)
    shipped, errors = app.load_shipped(tmp_path / "assets")
    assert set(errors) == {"cnn"} and "corrupted weights" in errors["cnn"]
    assert str(tmp_path) not in errors["cnn"]  # every visitor sees the reason: no server paths
    lab = handlers(shipped, errors)
    verdict, dnn, cnn, details, steps, saliency = lab.draw.predict_digit(pad_value("7"), {})
    assert dnn is not None and cnn is None and saliency == ""
    assert "DNN reads **7**" in verdict and "**CNN**: not available" in details and "corrupted weights" in details


def test_sentiment_without_any_text_model_says_so():
    lab = handlers({}, {"rnn": "x", "lstm": "x", "gru": "x"})
    note, *_ = lab.sentiment.predict_sentiment("a fine film", {})
    assert note == "No sentiment model is available."
    assert lab.sentiment.compare_sentences("a", "b", {}) == "No sentence model is available."


def test_stop_without_a_training_run_says_nothing_is_training():
    class Request:
        session_hash = "nobody"

    assert "Nothing is training" in handlers({}, {}).retrain.stop(Request())
