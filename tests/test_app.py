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

from benchmarks.drawings import draw, pad_value
from ink.strokes import from_points
from models.registry import DIGITS
from training.datasets import TRAIN_SIZES


def image_file(tmp_path, image: np.ndarray, name: str = "digit.png") -> dict:
    Image.fromarray(image).save(tmp_path / name)
    return handle_file(str(tmp_path / name))


def inline_image(html: str) -> Image.Image:
    """The image an <img src="data:image/png;base64,..."> holds."""
    return Image.open(io.BytesIO(base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html)[1])))


@pytest.mark.parametrize("digit", ["1", "7", "0"])
def test_drawn_strokes_get_the_right_class_from_both_models(client, digit):
    outputs = client.predict(pad_value(digit), api_name="/predict_digit")
    verdict, dnn, cnn, details, steps, saliency = outputs
    assert dnn["label"] == digit and cnn["label"] == digit
    assert f"DNN reads **{digit}**" in verdict and "parameters" in details and "ms" in details
    assert inline_image(steps).size[0] > 400 and inline_image(saliency).size == (280, 280)


@pytest.mark.parametrize("name, drawing", [
    ("an X", [[(40, 40), (240, 240)], [(240, 40), (40, 240)]]),
    ("a line across the pad", [[(20, 150), (140, 140), (260, 130)]]),
])
def test_a_drawing_that_is_no_digit_is_called_so_and_still_answered(client, name, drawing):
    verdict, dnn, cnn, details, *_ = client.predict(from_points(drawing), api_name="/predict_digit")
    assert "doesn't look like a digit" in verdict, name
    assert dnn["label"] in DIGITS and cnn["label"] in DIGITS  # the networks' guesses stay visible
    assert "**Digit check**: does not look like a digit" in details


@pytest.mark.parametrize("digit", ["1", "7", "0"])
def test_a_digit_passes_the_digit_check(client, digit):
    verdict, *_, details, _, _ = client.predict(pad_value(digit), api_name="/predict_digit")
    assert "look like a digit" not in verdict and "**Digit check**: looks like a digit" in details


@pytest.mark.parametrize("scale, shift", [(0.3, (-80, -80)), (1.2, (0, 0)), (0.5, (60, 40))])
def test_a_digit_reads_the_same_small_or_big_anywhere_on_the_pad(client, scale, shift):
    verdict, dnn, cnn, *_ = client.predict(pad_value("7", scale=scale, shift=shift), api_name="/predict_digit")
    assert dnn["label"] == cnn["label"] == "7"


@pytest.mark.parametrize("digit, background", [("7", "light"), ("1", "dark"), ("0", "transparent")])
def test_an_uploaded_image_is_read_like_a_drawing(client, tmp_path, digit, background):
    layer = draw(digit, width=14)  # black ink on a transparent layer
    if background == "light":
        image = 255 - layer[..., 3]
    elif background == "dark":  # an MNIST-style scan: light ink on black
        image = layer[..., 3]
    else:
        image = layer
    verdict, dnn, cnn, details, steps, saliency = client.predict(image_file(tmp_path, image),
                                                                 api_name="/classify_image")
    assert dnn["label"] == cnn["label"] == digit and inline_image(saliency).size == (280, 280)


@pytest.mark.parametrize("value", [None, "", '{"width": 280, "height": 280, "strokes": []}'])
def test_no_drawing_asks_for_a_digit(client, value):
    verdict, dnn, cnn, details, steps, saliency = client.predict(value, api_name="/predict_digit")
    assert "Draw a digit" in verdict
    assert not dnn and not cnn and steps == saliency == ""  # an empty Label comes back as {}


def test_sentiment_of_clear_sentences(client):
    note, rnn, lstm, gru, words, trace = client.predict("a gorgeous , witty , wonderful movie",
                                                        api_name="/predict_sentiment")
    for label in (rnn, lstm, gru):
        assert label["label"] == "positive"
    note, rnn, lstm, gru, words, trace = client.predict("a dull , tedious and boring mess",
                                                        api_name="/predict_sentiment")
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


@pytest.mark.slow
@pytest.mark.data
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
    wanted = f"training examples must be a whole number from 500 to {TRAIN_SIZES['digits']}, not 0"
    with pytest.raises(AppError, match=wanted):
        client.predict(*train_args(subset=0), api_name="/train")


@pytest.mark.slow
@pytest.mark.data
def test_a_diverging_learning_rate_gets_a_message_and_the_app_keeps_working(client, tmp_path):
    status, curves, scores, confusion, download, *_ = client.predict(
        *train_args(kind="cnn", log_lr=0, init="kaiming", hidden=512, dropout=0.0, batch_size=8, epochs=2),
        api_name="/train")
    assert "training diverged" in status and "Try a smaller learning rate than 1" in status
    assert "previous model is kept" in status and not scores
    verdict, dnn, cnn, *_ = client.predict(pad_value("1"), api_name="/predict_digit")
    assert cnn["label"] == "1"


@pytest.mark.slow
@pytest.mark.data
def test_cancelling_a_training_leaves_the_app_working(client, tmp_path):
    job = client.submit(*train_args(kind="cnn", epochs=30, subset=20000, batch_size=32), api_name="/train")
    deadline = time.time() + 60
    while len(job.outputs()) < 2 and time.time() < deadline:
        time.sleep(0.1)
    job.cancel()
    verdict, dnn, cnn, *_ = client.predict(pad_value("7"), api_name="/predict_digit")
    assert cnn["label"] == "7"
    job = client.submit(*train_args(epochs=1, subset=500), api_name="/train")
    assert "Done" in job.result()[0]


@pytest.mark.slow
@pytest.mark.data
def test_a_retrained_model_serves_only_its_own_session_and_pushes_without_leaking_the_token(app_url, tmp_path):
    mine, theirs = Client(app_url, verbose=False), Client(app_url, verbose=False)
    assert "Retrain a DNN first" in mine.predict("dnn", "me/mnist-dnn", "hf_not_a_real_token", api_name="/push_to_hub")
    status, *_ = mine.predict(*train_args(epochs=1, subset=500), api_name="/train")
    assert "Done" in status
    drawing = pad_value("7")
    assert "DNN (fully connected)**, your retrained" in mine.predict(drawing, api_name="/predict_digit")[3]
    assert "DNN (fully connected)**, shipped" in theirs.predict(drawing, api_name="/predict_digit")[3]
    answer = mine.predict("dnn", "me/mnist-dnn", "hf_not_a_real_token", api_name="/push_to_hub")
    assert answer.startswith(("Could not push", "Pushed to")) and "hf_not_a_real_token" not in answer
