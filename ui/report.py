"""Text for a training run: the status line with its progress bar, the test scores, and the Retrain tab's messages.

Every function takes the request's `language` (ui/i18n.py); the handlers of tab 3 (ui/handlers.py Lab.train,
Lab.stop, Lab.push_to_hub) take their messages from here, so the tab's wording is in one place.
"""
import math
import re

from training.loop import FitResult, Progress
from ui import i18n

T = i18n.Texts(
    "report",
    completed=("finished all epochs", "모든 에포크를 마쳤어요"),
    early_stop=("stopped early (patience ran out)", "조기 종료했어요 (인내 횟수를 다 썼어요)"),
    cancelled=("stopped by you", "직접 중지했어요"),
    diverged=("stopped because training diverged", "학습이 발산해서 멈췄어요"),
    running=("Training {kind}: epoch {epoch} of {epochs}", "{kind} 학습 중: 에포크 {epoch}/{epochs}"),
    pretraining=("Pretraining {kind} as a language model (predicting each piece from its neighbours): epoch {epoch} "
                 "of {epochs}", "{kind} 사전 학습 중 (언어 모델: 앞뒤 조각으로 각 조각 예측): 에포크 "
                 "{epoch}/{epochs}"),
    batch=(", batch {batch}/{batches}, loss {loss:.3f}", ", 배치 {batch}/{batches}, 손실 {loss:.3f}"),
    finished=("Done: {why} after {epochs} epoch(s) in {seconds:.1f} s; best weights from epoch {best}.",
              "완료: 에포크 {epochs}번, {seconds:.1f}초 만에 {why}. 가중치는 가장 좋았던 에포크 {best}의 것을 "
              "써요."),
    zeros_note=("⚠️ <b>Why it did not learn:</b> every weight started at zero, so every hidden unit computed the same "
                "output and received the same gradient; they never became different, and with zero weights no "
                "signal reached the output layer, whose biases alone learnt how common each class is. Test accuracy "
                "{accuracy:.1%} is about what always answering the most common class scores ({majority:.1%}). "
                "Choose another weight init to break the symmetry.",
                "⚠️ <b>왜 학습이 안 됐을까요?</b> 모든 가중치가 0에서 시작하면 은닉층의 모든 유닛이 같은 값을 "
                "내고 같은 기울기를 받아요. 그래서 유닛들이 끝까지 서로 달라지지 못하고, 가중치가 0이라 출력층까지 "
                "신호도 전달되지 않아요. 출력층의 편향만 각 클래스가 얼마나 흔한지를 배웠죠. 테스트 정확도 "
                "{accuracy:.1%}는 늘 가장 흔한 클래스로 답할 때의 점수({majority:.1%})와 비슷해요. 다른 가중치 "
                "초기화를 골라 대칭을 깨 보세요."),
    scores=("**Test set** ({n:,} examples): accuracy **{accuracy:.2%}** · macro precision {precision:.3f} · recall "
            "{recall:.3f} · F1 {f1:.3f} · ROC-AUC {auc}\n\nTabs 1 and 2 now use this {kind} in your browser session.",
            "**테스트 세트** (예시 {n:,}개): 정확도 **{accuracy:.2%}** · 매크로 정밀도 {precision:.3f} · 재현율 "
            "{recall:.3f} · F1 {f1:.3f} · ROC-AUC {auc}\n\n이제 이 브라우저에서는 1번과 2번 탭이 방금 학습한 "
            "{kind} 모델을 써요."),
    not_available=("n/a", "없음"),
    starting=("Starting a {kind} run (the first one also starts a training process and loads the data: a few "
              "seconds)…", "{kind} 학습을 시작해요 (처음에는 학습 프로세스를 띄우고 데이터를 불러오느라 몇 초 "
              "걸려요)…"),
    failed=("⚠️ {message} Your previous model is kept.", "⚠️ {message} 이전 모델은 그대로 남아 있어요."),
    no_result=("Training produced no result.", "학습 결과가 나오지 않았어요."),
    not_started=("Stopped before the first epoch finished: your previous model is kept.",
                 "첫 에포크가 끝나기 전에 멈췄어요. 이전 모델은 그대로 남아 있어요."),
    nothing_training=("Nothing is training.", "학습 중인 모델이 없어요."),
    stopping=("Stopping after this batch; the best weights so far are kept…",
              "이번 배치가 끝나면 멈춰요. 지금까지 가장 좋았던 가중치는 남겨 둬요…"),
    learning_rate=("learning rate = {lr:.3g}", "학습률 = {lr:.3g}"),
    push_first=("Retrain a {kind} first: only your own models can be pushed.",
                "먼저 {kind} 모델을 다시 학습하세요. 직접 학습한 모델만 올릴 수 있어요."),
    push_repo=("Give a repository as owner/name.", "저장소를 소유자/이름 형식으로 적어 주세요."),
    push_token=("Paste a write token from your Hugging Face settings.",
                "Hugging Face 설정에서 쓰기 토큰을 복사해 붙여 넣어 주세요."),
    push_failed=("Could not push: {error}", "올리지 못했어요: {error}"),
    pushed=("Pushed to [{repo}]({url}) (private).", "[{repo}]({url})에 올렸어요 (비공개)."),
    # training/loop.py's messages (English: the command line prints them too), as the tab shows them
    loss_diverged=("The loss reached {loss} in epoch {epoch}, batch {batch}: training diverged. Try a smaller "
                   "learning rate than {lr}.",
                   "에포크 {epoch}의 배치 {batch}에서 손실이 {loss}까지 커졌어요. 학습이 발산했어요. 학습률을 "
                   "{lr}보다 작게 해 보세요."),
    val_diverged=("The validation loss reached {loss} after epoch {epoch}: training diverged. Try a smaller "
                  "learning rate than {lr}.",
                  "에포크 {epoch} 뒤에 검증 손실이 {loss}까지 커졌어요. 학습이 발산했어요. 학습률을 {lr}보다 "
                  "작게 해 보세요."),
)
_TRAINING_MESSAGES = {  # each English message of training/loop.py as a pattern, by its key in T
    "loss_diverged": re.compile(r"The loss reached (?P<loss>\S+) in epoch (?P<epoch>\d+), batch (?P<batch>\d+): "
                                r"training diverged\. Try a smaller learning rate than (?P<lr>\S+)\."),
    "val_diverged": re.compile(r"The validation loss reached (?P<loss>\S+) after epoch (?P<epoch>\d+): training "
                               r"diverged\. Try a smaller learning rate than (?P<lr>\S+)\."),
}


def say(key: str, language: str, **values) -> str:
    """One of this module's messages (T) in `language`, for the handlers that answer with it."""
    return T.say(key, language, **values)


def training_message(message: str, *, language: str = "en") -> str:
    """A message of the training code (English) in `language`; one it does not know stays as it is."""
    if language == "en":
        return message
    for key, pattern in _TRAINING_MESSAGES.items():
        found = pattern.fullmatch(message.strip())
        if found:
            return T.say(key, language, **found.groupdict())
    return message


def progress_html(text: str, fraction: float | None = None) -> str:
    bar = "" if fraction is None else f'<progress value="{fraction:.3f}" max="1"></progress>'
    return f"<div>{text}</div>{bar}"


def starting(kind: str, *, language: str = "en") -> str:
    """The status as a run is sent to a worker."""
    return progress_html(T.say("starting", language, kind=kind.upper()), 0)


def failed(message: str, *, language: str = "en") -> str:
    """The status of a run that ended with an error (`message`, possibly English from training/loop.py)."""
    return progress_html(T.say("failed", language, message=training_message(message, language=language)))


def running(kind: str, p: Progress, *, language: str = "en") -> str:
    """The status while training: epoch, batch and loss, and a bar for the whole run."""
    done = (p.epoch - 1 + (p.batch / p.batches if p.batches else 1)) / p.epochs
    stage = "pretraining" if p.stage == "pretrain" else "running"
    text = T.say(stage, language, kind=kind.upper(), epoch=p.epoch, epochs=p.epochs) + (
        T.say("batch", language, batch=p.batch, batches=p.batches, loss=p.loss) if p.stats is None else "")
    return progress_html(text, done)


def finished(fit: FitResult, *, language: str = "en") -> str:
    why = f" {training_message(fit.message, language=language)}" if fit.message else ""
    text = T.say("finished", language, why=T.say(fit.stop_reason, language), epochs=len(fit.history),
                 seconds=fit.seconds, best=fit.best_epoch)
    return progress_html(text + why, 1)


def zeros_note(init: str | None, metrics: dict, *, language: str = "en") -> str:
    """Why a run that started from all-zero weights did not learn, when it did not; "" otherwise."""
    matrix = metrics["confusion_matrix"]
    majority = max(sum(row) for row in matrix) / max(1, metrics["n"])  # always answering the most common class
    if init != "zeros" or metrics["accuracy"] > majority + 0.05:
        return ""
    note = T.say("zeros_note", language, accuracy=metrics["accuracy"], majority=majority)
    return f"<div id='zeros-note'>{note}</div>"


def scores(metrics: dict, kind: str, *, language: str = "en") -> str:
    """The test metrics in one paragraph, and what the retrained model now does."""
    m = metrics
    return T.say("scores", language, n=m["n"], accuracy=m["accuracy"], precision=m["precision_macro"],
                 recall=m["recall_macro"], f1=m["f1_macro"], auc=_number(m["roc_auc_ovr"], language),
                 kind=kind.upper())


def stop_answer(stopping: bool, *, language: str = "en") -> str:
    """What the Stop button answers: stopping, or nothing was training."""
    return progress_html(T.say("stopping" if stopping else "nothing_training", language))


def lr_text(log_lr: float, *, language: str = "en") -> str:
    """The learning rate a slider at 10^`log_lr` gives."""
    return T.say("learning_rate", language, lr=10 ** log_lr)


def _number(value: float, language: str) -> str:
    return T.say("not_available", language) if math.isnan(value) else f"{value:.3f}"
