"""Tab 3 in Korean (issue #13): its status texts, plots, run history, confusion cells and teacher links answer in the
language of the request, and in English, as before, when a request names none."""
from types import SimpleNamespace

import gradio as gr
import pytest

from figures import plots
from i18n import Message
from tests.helpers import handlers
from training.loop import EpochStats, FitResult, Progress
from ui import history, links
from ui.retrain import confusion, report
from ui.retrain import layout as retrain_tab
from ui.retrain import runs as runs

KOREAN = {"accept-language": "ko-KR,ko;q=0.9,en;q=0.5"}


def request(headers=None, session="s1", query=None):
    return SimpleNamespace(headers=headers or {}, session_hash=session, query_params=query or {})


def epochs(n: int = 3) -> list[EpochStats]:
    return [EpochStats(e, 1.0 / e, 0.8 + e / 100, 1.1 / e, 0.75 + e / 100, 1e-3, 1.0, True) for e in range(1, n + 1)]


def lab_with_a_run():
    lab = handlers({}, {})
    curves = [{"epoch": s.epoch, "train_loss": s.train_loss, "val_loss": s.val_loss, "train_acc": s.train_acc,
               "val_acc": s.val_acc} for s in epochs()]
    matrix = [[5, 2], [0, 3]]
    cells = {(0, 0): ["좋은 영화"] * 5, (0, 1): ["great film", "so so"], (1, 1): ["bad"] * 3}
    run = history.Run("rnn", "RNN (vanilla recurrent)", {"lr": 0.003, "epochs": 3, "init": "zeros"}, 2.5, 3, 0.8, 0.8,
                      curves, matrix, ["negative", "positive"], cells)
    lab.state.history.add("s1", run)
    return lab.state


def test_the_training_status_and_scores_answer_in_korean():
    p = Progress(2, 5, 10, 40, 0.6931)
    assert report.running("cnn", p) == report.running("cnn", p, language="en")
    assert "Training CNN: epoch 2 of 5, batch 10/40, loss 0.693" in report.running("cnn", p)
    assert "CNN 학습 중: 에포크 2/5, 배치 10/40, 손실 0.693" in report.running("cnn", p, language="ko")
    fit = FitResult(history=epochs(), best_epoch=3, stop_reason="early_stop", seconds=4.0)
    assert "Done: stopped early (patience ran out) after 3 epoch(s) in 4.0 s; best weights from epoch 3." in \
        report.finished(fit)
    assert "조기 종료" in report.finished(fit, language="ko") and "에포크 3" in report.finished(fit, language="ko")
    metrics = {"n": 1000, "accuracy": 0.9, "precision_macro": 0.9, "recall_macro": 0.9, "f1_macro": 0.9,
               "roc_auc_ovr": float("nan"), "confusion_matrix": [[900, 0], [100, 0]]}
    assert "**Test set** (1,000 examples): accuracy **90.00%**" in report.scores(metrics, "dnn")
    korean = report.scores(metrics, "dnn", language="ko")
    assert "**테스트 세트** (샘플 1,000개): 정확도 **90.00%**" in korean and "ROC-AUC 없음" in korean
    stuck = {**metrics, "accuracy": 0.9}
    assert "Why it did not learn" in report.zeros_note("zeros", stuck)
    assert "왜 학습이 안 됐을까요" in report.zeros_note("zeros", stuck, language="ko")
    diverged = Message("training.loss_diverged", {"loss": float("nan"), "epoch": 1, "batch": 5, "lr": 1.0})
    english = "The loss reached nan in epoch 1, batch 5: training diverged. Try a smaller learning rate than 1."
    assert report.failed(diverged).startswith(f"<div>⚠️ {english} Your previous model is kept.")
    assert "학습률을 1보다 작게 해 보세요" in report.failed(diverged, language="ko")
    assert report.stop_answer(False, language="ko") == "<div>학습 중인 모델이 없어요.</div>"
    assert report.lr_text(-2.5) == "learning rate = 0.00316"


def test_the_plots_speak_korean_and_name_the_classes_in_it():
    curves = plots.training_curves(epochs(), best_epoch=2, stopped_early_at=3, language="ko")
    assert [t.name for t in curves.data][:2] == ["학습 손실", "검증 손실"]
    assert "에포크 3까지의 학습 곡선" in curves.layout.meta["summary"]
    assert curves.layout.xaxis.title.text == "에포크"
    heatmap = plots.confusion_heatmap([[5, 2], [0, 3]], ["negative", "positive"], language="ko")
    assert list(heatmap.data[0].x) == ["부정", "긍정"] and heatmap.layout.title.text == "혼동 행렬 (테스트 세트)"
    assert "실제 부정인데 긍정으로 읽은 경우로, 2번이에요" in heatmap.layout.meta["summary"]
    english = plots.confusion_heatmap([[5, 2], [0, 3]], ["negative", "positive"])
    assert list(english.data[0].x) == ["negative", "positive"] and "negative read as positive" in \
        english.layout.meta["summary"]
    trace = plots.token_trace(["not", "bad"], {"gru": [0.3, 0.8]}, language="ko")
    assert trace.layout.yaxis.title.text == "P(긍정)" and "GRU: 긍정 확률" in trace.layout.meta["summary"]


def test_the_run_history_and_a_confusion_cell_answer_in_the_request_s_language():
    handlers = runs.make_handlers(lab_with_a_run())
    table = handlers["runs"](request(KOREAN))
    assert table["headers"][:3] == ["실행", "모델", "설정"]
    assert table["data"][0][1] == "RNN (기본 순환 신경망)" and "학습률=0.003" in table["data"][0][2]
    assert handlers["runs"](request())["headers"][:3] == ["run", "model", "settings"]  # English by default
    choices, overlay, grid, note = handlers["refresh"]([], request(KOREAN))
    assert grid["headers"] == ["실제 ↓ / 예측 →", "부정", "긍정"] and "클릭" in note
    assert overlay.layout.title.text == "고른 실행들의 검증 곡선" and "테스트 80.0%" in choices["choices"][0][0]
    clicked = handlers["cell"](gr.SelectData(None, {"index": [0, 2], "value": 2}), request(KOREAN))
    assert "실제 클래스가 <b>부정</b>인데 <b>긍정</b>으로 예측한 테스트 샘플 <b>2</b>개" in clicked
    assert "great film" in clicked
    english = handlers["cell"](gr.SelectData(None, {"index": [0, 2], "value": 2}), request())
    assert "test example(s) of true class <b>negative</b> predicted as <b>positive</b>" in english
    assert "학습" in handlers["cell"](gr.SelectData(None, {"index": [0, 1], "value": 5}), request(KOREAN,
                                                                                                     session="s2"))
    assert handlers["use_shipped"]("dnn", request(KOREAN)) == \
        "다시 학습한 DNN이 없어요. 이미 기본 제공 모델을 쓰고 있어요."
    assert "no retrained DNN" in handlers["use_shipped"]("dnn", request())


def test_a_teacher_link_notes_in_korean_and_lang_passes_quietly():
    opened = links.parse({"model": "dnn", "epochs": "99", "colour": "red", "lock": "init,epochs", "lang": "ko"})
    assert "lang" not in opened.note and opened.values == {"model": "dnn"}
    korean = opened.note_in("ko")
    assert "`epochs=99`: 1부터 30까지의 정수여야 해요" in korean and "`colour`은 링크로" in korean
    assert "선생님이 고정한 설정: 가중치 초기화, 에포크" in korean
    assert "`epochs=99`: must be a whole number from 1 to 30" in opened.note
    note = runs.open_link(request(KOREAN, query={"tab": "retrain", "lock": "init", "lang": "ko"}))[-1]
    assert note["value"] == "🔒 선생님이 고정한 설정: 가중치 초기화."


def test_the_tab_is_built_with_translation_keys_and_keeps_its_values():
    lab = handlers({}, {})
    with gr.Blocks() as demo:
        retrain_tab.build(lab.state, gr.State({}))
    model = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "retrain-model")
    assert [value for _, value in model.choices][:2] == ["dnn", "cnn"] and model.value == "cnn"
    assert str(model.label).startswith("__i18n__") and str(model.choices[0][0]).startswith("__i18n__")
    init = next(b for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b is not model)
    assert [value for _, value in init.choices] == ["default", "gaussian", "xavier", "kaiming", "zeros"]
    assert retrain_tab.lr_note(-2.75, request(KOREAN)) == "학습률 = 0.00178"
    assert retrain_tab.lr_note(-2.75, None) == "learning rate = 0.00178"
    assert confusion.T.say("pick", "ko").startswith("표의 칸을 클릭하면")


@pytest.mark.parametrize("language, says", [("en", "Training accuracy is below validation accuracy because"),
                                            ("ko", "학습 정확도가 검증 정확도보다 낮은 건")])
def test_training_accuracy_below_validation_is_explained_only_when_it_is(language, says):
    below = [EpochStats(e, 0.5, 0.80, 0.3, 0.93, 1e-3, 1.0, True) for e in (1, 2)]
    assert says in plots.training_curves(below, language=language).layout.meta["summary"]
    assert says not in plots.training_curves(epochs(), language=language).layout.meta["summary"]  # 0.83 ≥ 0.78


@pytest.mark.parametrize("language, says", [
    ("en", "Could not push: this server cannot reach the Hugging Face Hub (it has no network connection)."),
    ("ko", "올리지 못했어요. 이 서버는 네트워크에 연결되어 있지 않아서")])
def test_a_push_without_a_network_says_so_plainly(language, says, monkeypatch, tmp_path):
    import socket

    from huggingface_hub import HfApi

    def offline(*args, **kwargs):  # what huggingface_hub raised here: httpx's ConnectError over the DNS failure
        raise RuntimeError("[Errno -2] Name or service not known") from socket.gaierror(-2, "Name or service not known")

    lab = handlers({}, {})
    monkeypatch.setattr(lab.state.retrained, "get", lambda session, kind: SimpleNamespace(folder=tmp_path))
    monkeypatch.setattr(HfApi, "create_repo", offline)
    asked = request(KOREAN) if language == "ko" else request()
    answer = lab.retrain.push_to_hub("dnn", "me/mnist-dnn", "hf_secret", {}, asked)
    assert says in answer and "Errno" not in answer and "hf_secret" not in answer
