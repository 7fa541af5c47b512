"""Bad input through the API and raw HTTP, bounded memory, clean shutdown: each gets a clear message and the app
keeps serving everyone else."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import torch
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

import models
from benchmarks.drawings import draw
from benchmarks.server import children
from models import registry
from tests.helpers import free_port, raw_call, still_answers
from training.datasets import TRAIN_SIZES
from training.loop import FitConfig
from ui.retrain.store import RetrainedModels

DIGITS_TRAIN = TRAIN_SIZES["digits"]

ROOT = Path(__file__).resolve().parent.parent


def train_args(**overrides) -> dict:
    args = dict(kind="dnn", log_lr=-2.5, epochs=1, patience=3, batch_size=64, hidden=32, dropout=0.1,
                init="default", bidirectional=True, subset=500)
    return {**args, **overrides}


# ---- drawings and images ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ('{"width": 280, "height": 280, "strokes": [[[NaN, 3]]]}', "not a finite number"),
    ('{"width": 280, "height": 280, "strokes": [[[-4, 3]]]}', "leaves the 280 × 280 canvas"),
    ('{"width": 1e9, "height": 280, "strokes": []}', "canvas width must be a number from 1 to 4,096"),
    # over the drawing's own limit and under the request's (a larger body is refused before parsing: test_hostile.py)
    ('{"width": 280, "height": 280, "strokes": ' + json.dumps([[[1, 1]] * 40_000]) + "}", "the limit is 200,000"),
    ("a drawing", "not valid JSON"),
    ('{"strokes": null}', "canvas width must be"),
])
def test_bad_strokes_through_the_api_get_a_message_and_the_server_stays_up(client, value, message):
    with pytest.raises(AppError, match=message):
        client.predict(value, api_name="/predict_digit")
    still_answers(client)


def test_a_single_point_gets_an_answer_not_an_error(client):
    verdict, *_ = client.predict('{"width": 280, "height": 280, "strokes": [[[140, 140]]]}', api_name="/predict_digit")
    assert verdict


def test_a_huge_image_is_refused_from_its_header_before_it_is_decoded(client, tmp_path):
    Image.new("L", (5000, 5000), 255).save(tmp_path / "huge.png")  # 25 megapixels, a few kB on disk
    with pytest.raises(AppError, match="5,000 × 5,000 pixels .* the largest accepted is 4,096 pixels"):
        client.predict(handle_file(str(tmp_path / "huge.png")), api_name="/classify_image")
    still_answers(client)


def test_an_upload_over_the_size_limit_is_refused(app_url, client, tmp_path):
    (tmp_path / "big.png").write_bytes(os.urandom(6 * 2**20))
    with pytest.raises(ValueError, match="exceeds the maximum file size of 5242880 bytes"):  # gradio_client checks
        client.predict(handle_file(str(tmp_path / "big.png")), api_name="/classify_image")
    with httpx.Client(base_url=app_url, timeout=60) as http:  # and the server refuses a raw upload itself
        answer = http.post("gradio_api/upload", files={"files": ("big.png", (tmp_path / "big.png").read_bytes())})
    assert answer.status_code == 413
    still_answers(client)


@pytest.mark.parametrize("case, message", [("text renamed .png", "not a readable image"),
                                           ("truncated png", "damaged or cut short"), ("gif", "GIF image")])
def test_a_malformed_image_gets_a_message_naming_the_problem(client, tmp_path, case, message):
    Image.fromarray(draw("1")).save(tmp_path / "one.png")
    if case == "text renamed .png":
        (tmp_path / "bad.png").write_text("this is not an image")
    elif case == "truncated png":
        (tmp_path / "bad.png").write_bytes((tmp_path / "one.png").read_bytes()[:400])
    else:
        Image.fromarray(draw("1")).save(tmp_path / "bad.png", format="GIF")
    with pytest.raises(AppError, match=message):
        client.predict(handle_file(str(tmp_path / "bad.png")), api_name="/classify_image")
    still_answers(client)


def test_no_image_asks_for_a_digit(client):
    assert "Draw a digit" in client.predict(None, api_name="/classify_image")[0]


# ---- text --------------------------------------------------------------------------------------------------------

def test_a_sentence_of_400_kb_is_refused_before_it_is_tokenised(client):
    huge = "great " * (400_000 // 6)  # 10 MB is refused before it is even parsed (tests/test_hostile.py)
    note, *labels, words, trace = client.predict(huge, api_name="/predict_sentiment")
    assert f"{len(huge):,} characters long; the limit is 2,000" in note and not any(labels)
    assert "Sentence B is" in client.predict("fine", huge, api_name="/compare_sentences")
    assert "positive" in str(client.predict("a wonderful film", api_name="/predict_sentiment")[1])


def test_the_unknown_word_note_shows_unk_as_text_not_as_a_tag(client):
    note, *_ = client.predict("the zxqv film", api_name="/predict_sentiment")
    assert "read as `<unk>`" in note  # a code span: Markdown shows it instead of swallowing it as HTML


# ---- retraining settings through the raw API ---------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("dropout", "NaN", "dropout must be a number from 0 to 0.9, not nan"),
    ("epochs", "NaN", "epochs must be a whole number from 1 to 30, not nan"),
    ("batch_size", "NaN", "batch size must be a whole number from 8 to 512, not nan"),
    ("subset", "NaN", f"training examples must be a whole number from 500 to {DIGITS_TRAIN}, not nan"),
    ("hidden", "NaN", "hidden size must be a whole number from 8 to 512, not nan"),
    ("epochs", '"five"', "epochs must be a whole number from 1 to 30, not 'five'"),
    ("epochs", "2.5", "epochs must be a whole number from 1 to 30, not 2.5"),
    ("kind", "null", f"model must be one of {', '.join(registry.retrainable())}, not None"),
    ("init", "null", "weight init must be one of default, gaussian, xavier, kaiming, zeros, not None"),
    ("subset", "null", f"training examples must be a whole number from 500 to {DIGITS_TRAIN}, not None"),
    ("bidirectional", '"yes"', "bidirectional must be true or false, not 'yes'"),
])
def test_bad_training_settings_get_a_message_naming_the_field_and_nothing_trains(app_url, field, value, message):
    args = train_args()
    body = "[" + ", ".join(value if name == field else json.dumps(v) for name, v in args.items()) + "]"
    event, data = raw_call(app_url, "train", body)
    assert event == "error" and message in data


@pytest.mark.slow
@pytest.mark.data
def test_a_second_training_in_one_session_is_refused_while_the_first_runs_and_stop_stops_it(app_url):
    student = Client(app_url, verbose=False)
    settings = train_args(kind="cnn", epochs=30, subset=20_000, batch_size=32).values()
    first = student.submit(*settings, api_name="/train")
    deadline = time.time() + 120
    while not any("Training" in str(status) for status, *_ in first.outputs()) and time.time() < deadline:
        time.sleep(0.2)  # past "Starting" and its place in line: it trains
    with pytest.raises(Exception, match="already have a training waiting or running"):
        student.predict(*settings, api_name="/train")
    assert "Stopping" in student.predict(api_name="/stop")
    status = first.result(timeout=120)[0]
    assert "stopped by you" in status or "before the first epoch finished" in status


# ---- state held by the server ------------------------------------------------------------------------------------

def tiny_model(width: int) -> torch.nn.Module:
    return models.build(models.DNNConfig(hidden_sizes=[width], batch_norm=False))


def report() -> dict:
    metrics = {"n": 1, "accuracy": 1.0, "f1_macro": 1.0, "roc_auc_ovr": 1.0, "confusion_matrix": [[1]]}
    return {"test": metrics, "val": metrics, "fit": {}, "examples": {"train": 1}, "best_epoch": 1, "seconds": 1,
            "stop_reason": "completed", "history": [], "device": "cpu", "trained_at": "now"}


def test_retrained_models_stay_within_one_bound_and_their_files_go_with_them():
    one = sum(t.numel() * t.element_size() for t in tiny_model(64).state_dict().values())
    store = RetrainedModels(max_bytes=2 * one + 1)
    archives = [store.put(f"student-{i}", "dnn", tiny_model(64), report()) for i in range(3)]
    assert store.get("student-0", "dnn") is None and not archives[0].parent.exists()  # the oldest went
    assert store.get("student-1", "dnn") is not None and store.get("student-2", "dnn") is not None
    assert store.total_bytes() <= store.max_bytes and archives[2].exists()
    store.put("student-1", "dnn", tiny_model(64), report())  # a new run replaces the session's old one
    assert not archives[1].parent.exists() and len(store) == 2


def test_retrained_models_unused_for_their_lifetime_are_dropped():
    store = RetrainedModels(ttl=0)
    archive = store.put("student", "dnn", tiny_model(8), report())
    time.sleep(0.01)
    assert store.get("student", "dnn") is None and not archive.parent.exists()


def test_a_run_that_diverges_after_good_epochs_keeps_and_offers_its_best_weights(monkeypatch):
    import training.loop as loop
    from tests.helpers import handlers
    from ui.retrain.store import RetrainedModels as Store
    from ui.retrain.workers import Update

    losses = iter([(1.0, 0.5), (0.8, 0.6), (float("nan"), 0.1)])
    monkeypatch.setattr(loop, "evaluate", lambda model, split: next(losses))
    model, snapshots = tiny_model(16), {}
    data = loop.Split((torch.rand(64, 1, 28, 28),), torch.randint(0, 10, (64,)))
    fit = loop.fit(model, data, data, FitConfig(epochs=5, batch_size=16), on_progress=lambda p: p.stats and
                   snapshots.setdefault(p.epoch, {k: v.clone() for k, v in model.state_dict().items()}))
    assert fit.stop_reason == "diverged" and fit.best_epoch == 2 and "diverged" in fit.message.say("en")
    assert all(torch.equal(v, snapshots[2][k]) for k, v in model.state_dict().items())

    class Pool:  # the worker's answer for that run, without a process
        def stream(self, kind, settings, stop, session=None):
            from training.run import RunResult
            metrics = report()["test"] | {"precision_macro": 1.0, "recall_macro": 1.0}
            yield Update("done", result=RunResult(model, fit, metrics, metrics, "cpu", FitConfig(), {"train": 64}))

    class Request:
        session_hash = "student"

    store = Store()
    *_, last = handlers(workers=Pool(), retrained=store).retrain.train(*train_args().values(), {}, Request())
    status, curves, scores, confusion, download, session = last
    assert "training diverged" in status and "best weights from epoch 2" in status
    assert download["visible"] and store.get("student", "dnn").model is model


# ---- the server process ------------------------------------------------------------------------------------------

def test_predictions_use_one_torch_thread_so_a_busy_neighbour_cannot_stall_them():
    import app  # noqa: F401  (setting the thread count is part of importing the app)

    assert torch.get_num_threads() == 1


@pytest.mark.slow
def test_sigterm_ends_the_app_and_its_training_workers(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                student = Client(f"http://127.0.0.1:{port}/", verbose=False)
                break
            except Exception:
                time.sleep(0.5)
        run = student.submit(*train_args(epochs=30, subset=20_000).values(), api_name="/train")
        while len(run.outputs()) < 2 and time.time() < deadline:
            time.sleep(0.2)  # a worker is training
        helpers = set(children(server.pid))
        assert helpers, "the retrain should have started a worker process"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.time() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in helpers) and time.time() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]
    finally:
        server.kill()
