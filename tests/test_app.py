"""The app driven through its API with gradio_client, as a browser or a script would."""
import base64
import io
import re
import time
import zipfile

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from drawing import composite, draw


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def sketch(tmp_path, layer: np.ndarray) -> dict:
    Image.fromarray(layer).save(tmp_path / "layer.png")
    Image.fromarray(composite(layer)).save(tmp_path / "composite.png")
    return {"background": None, "layers": [handle_file(str(tmp_path / "layer.png"))],
            "composite": handle_file(str(tmp_path / "composite.png"))}


def inline_image(html: str) -> Image.Image:
    """The image an <img src="data:image/png;base64,..."> holds."""
    return Image.open(io.BytesIO(base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html)[1])))


@pytest.mark.parametrize("digit", ["1", "7", "0"])
def test_a_drawn_digit_gets_the_right_class_from_both_models(client, tmp_path, digit):
    verdict, dnn, cnn, details, steps, saliency = client.predict(sketch(tmp_path, draw(digit)), api_name="/predict_digit")
    assert dnn["label"] == digit and cnn["label"] == digit
    assert f"DNN reads **{digit}**" in verdict and "parameters" in details and "ms" in details
    assert inline_image(steps).size[0] > 400 and inline_image(saliency).size == (280, 280)


def test_an_empty_canvas_asks_for_a_digit(client, tmp_path):
    verdict, dnn, cnn, details, steps, saliency = client.predict(
        sketch(tmp_path, np.zeros((280, 280, 4), dtype=np.uint8)), api_name="/predict_digit")
    assert "Draw a digit" in verdict
    assert not dnn and not cnn and steps == saliency == ""  # an empty Label comes back as {}


def test_a_missing_sketch_asks_for_a_digit(client):
    verdict, *_ = client.predict(None, api_name="/predict_digit")
    assert "Draw a digit" in verdict


def test_sentiment_of_clear_sentences(client):
    note, rnn, lstm, gru, words, trace = client.predict("a gorgeous , witty , wonderful movie", api_name="/predict_sentiment")
    for label in (rnn, lstm, gru):
        assert label["label"] == "positive"
    note, rnn, lstm, gru, words, trace = client.predict("a dull , tedious and boring mess", api_name="/predict_sentiment")
    for label in (rnn, lstm, gru):
        assert label["label"] == "negative"
    assert trace is not None


def test_unknown_words_are_marked(client):
    note, *labels, words, trace = client.predict("the zxqv film was great", api_name="/predict_sentiment")
    marked = {entry["token"]: entry["class_or_confidence"] for entry in words}
    assert marked["zxqv"] == "unknown" and marked["great"] is None
    assert "1 of 5 words are unknown" in note


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "\x00\x07 \u202e", "great " * 5000])
def test_strange_text_gets_an_answer_not_an_error(client, text):
    note, *labels, words, trace = client.predict(text, api_name="/predict_sentiment")
    assert isinstance(note, str) and note


def test_similarity_answers_for_each_model(client):
    table = client.predict("a charming and funny film .", "a charming and funny film .", api_name="/compare_sentences")
    assert table.count("+1.000") == 3
    table = client.predict("a charming film", "", api_name="/compare_sentences")
    assert "Type two sentences" in table


def train_args(**overrides):
    args = dict(kind="dnn", log_lr=-2.5, epochs=3, patience=3, batch_size=64, hidden=32, dropout=0.1,
                init="default", bidirectional=True, subset=1000)
    args.update(overrides)
    return list(args.values())


def test_a_tiny_retrain_streams_updates_and_ends_with_test_metrics(client):
    job = client.submit(*train_args(), api_name="/train")
    outputs = list(job)
    assert len(outputs) >= 2
    status, curves, scores, confusion, download, *_ = job.outputs()[-1]
    assert "Done" in status and "accuracy" in scores and confusion is not None
    path = download["value"] if isinstance(download, dict) else download  # the button's update carries the file
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {"dnn-retrained/config.json", "dnn-retrained/model.safetensors", "dnn-retrained/metrics.json"} <= names


def test_out_of_range_settings_are_refused_with_a_message(client):
    with pytest.raises(AppError, match="less than minimum value 500"):
        client.predict(*train_args(subset=0), api_name="/train")


def test_a_diverging_learning_rate_gets_a_message_and_the_app_keeps_working(client, tmp_path):
    status, curves, scores, confusion, download, *_ = client.predict(
        *train_args(kind="cnn", log_lr=0, init="kaiming", hidden=512, dropout=0.0, batch_size=8, epochs=2),
        api_name="/train")
    assert "training diverged" in status and "Try a smaller learning rate than 1" in status
    assert "previous model is kept" in status and not scores
    verdict, dnn, cnn, *_ = client.predict(sketch(tmp_path, draw("1")), api_name="/predict_digit")
    assert cnn["label"] == "1"


def test_cancelling_a_training_leaves_the_app_working(client, tmp_path):
    job = client.submit(*train_args(kind="cnn", epochs=30, subset=20000, batch_size=32), api_name="/train")
    deadline = time.time() + 60
    while len(job.outputs()) < 2 and time.time() < deadline:
        time.sleep(0.1)
    job.cancel()
    verdict, dnn, cnn, *_ = client.predict(sketch(tmp_path, draw("7")), api_name="/predict_digit")
    assert cnn["label"] == "7"
    job = client.submit(*train_args(epochs=1, subset=500), api_name="/train")
    assert "Done" in job.result()[0]


def test_a_retrained_model_serves_only_its_own_session_and_pushes_without_leaking_the_token(app_url, tmp_path):
    mine, theirs = Client(app_url, verbose=False), Client(app_url, verbose=False)
    assert "Retrain a DNN first" in mine.predict("dnn", "me/mnist-dnn", "hf_not_a_real_token", api_name="/push_to_hub")
    status, *_ = mine.predict(*train_args(epochs=1, subset=500), api_name="/train")
    assert "Done" in status
    drawing = sketch(tmp_path, draw("7"))
    assert "DNN** (your retrained)" in mine.predict(drawing, api_name="/predict_digit")[3]
    assert "DNN** (shipped)" in theirs.predict(drawing, api_name="/predict_digit")[3]
    answer = mine.predict("dnn", "me/mnist-dnn", "hf_not_a_real_token", api_name="/push_to_hub")
    assert answer.startswith(("Could not push", "Pushed to")) and "hf_not_a_real_token" not in answer
