"""Tab 3: retrain any registered model with sliders and watch its curves; it then serves this browser only."""
import gradio as gr

from models import registry
from models.initialisation import SCHEMES
from training.data import TRAIN_SIZES
from ui import handlers, i18n, report
from ui.handlers import Lab
from ui.inputs import RETRAIN_RANGES
from ui.tabs import runs

CSS = "progress { width: 100%; height: 14px; }"
FIRST_KIND = "cnn"  # the kind the tab opens with
FIRST_LOG_LR = -2.5

T = i18n.Texts(
    "retrain-tab",
    tab=("3 · Retrain", "3 · 다시 학습"),
    intro=("Train a model yourself. It replaces the shipped one **in your browser only** — other students keep "
           "theirs. Use a small subset on a CPU: a few thousand examples train in seconds.",
           "직접 모델을 학습시켜 보세요. 새 모델은 **이 브라우저에서만** 기본 제공 모델을 대신해요. 다른 학생들은 "
           "원래 모델을 그대로 써요. CPU에서는 데이터를 조금만 쓰세요. 예시 몇천 개면 몇 초 만에 학습돼요."),
    model=("model", "모델"),
    learning_rate=("learning rate: 10^x", "학습률: 10^x"),
    epochs=("epochs (at most)", "에포크 (최대)"),
    patience=("patience: epochs without a better validation loss before stopping early",
              "인내 횟수(patience): 검증 손실이 나아지지 않을 때 조기 종료하기 전까지 기다릴 에포크 수"),
    batch_size=("batch size", "배치 크기"),
    subset=("training examples", "학습 예시 수"),
    architecture=("architecture", "구조"),
    hidden=("hidden size", "은닉층 크기"),
    dropout=("dropout", "드롭아웃"),
    init=("weight init (try zeros!)", "가중치 초기화 (‘모두 0’도 해 보세요!)"),
    bidirectional=("bidirectional (read both ways)", "양방향 (앞뒤 양쪽으로 읽기)"),
    train=("Train", "학습"),
    stop=("Stop", "중지"),
    status=("Choose settings and press <b>Train</b>.", "설정을 고르고 <b>학습</b>을 누르세요."),
    curves=("training curves", "학습 곡선"),
    confusion=("confusion matrix", "혼동 행렬"),
    download=("Download model (config + safetensors)", "모델 내려받기 (config + safetensors)"),
    hub=("Push to the Hugging Face Hub", "Hugging Face Hub에 올리기"),
    repo=("repository, e.g. your-name/mnist-cnn", "저장소 (예: your-name/mnist-cnn)"),
    token=("write token (used once, never stored)", "쓰기 토큰 (한 번만 쓰고 저장하지 않아요)"),
    push=("Push", "올리기"),
)
# the weight-init schemes as the dropdown names them (its values stay the schemes, models/initialisation.py)
SCHEME_NAMES = i18n.Texts(
    "retrain-tab-init",
    default=("default", "기본값 (PyTorch)"), gaussian=("gaussian", "가우시안 (작은 무작위 값)"),
    xavier=("xavier", "Xavier"), kaiming=("kaiming", "Kaiming (He)"), zeros=("zeros", "모두 0"),
)
FIRST_LR_NOTE = i18n.Texts("retrain-tab-lr", note=tuple(report.lr_text(FIRST_LOG_LR, language=language)
                                                        for language in i18n.LANGUAGES))["note"]


def _kind_choices() -> list[tuple]:
    """(title, kind) for the model dropdown: the title in the browser's language, the value the kind."""
    return [(i18n.KIND_TITLES[kind] if kind in i18n.KIND_TITLES.pairs else registry.get(kind).title, kind)
            for kind in registry.retrainable()]


def lr_note(log_lr: float, request: gr.Request = None) -> str:
    """The learning rate the slider gives, in the request's language."""
    return report.lr_text(log_lr, language=i18n.language(request))


def build(lab: Lab, session: gr.State) -> dict:
    """The tab; returns its settings controls by their link names (ui/links.py CONTROLS), for teacher links."""
    first = registry.get(FIRST_KIND)
    shows = {name: name in first.retrain_controls for name in registry.RETRAIN_CONTROLS}
    with gr.Tab(T["tab"], id="retrain") as tab:
        gr.Markdown(T["intro"])
        with gr.Row():
            with gr.Column(scale=1, min_width=280):
                kind = gr.Dropdown(_kind_choices(), value=first.name, label=T["model"], elem_id="retrain-model")
                log_lr = gr.Slider(*RETRAIN_RANGES["log_lr"], value=FIRST_LOG_LR, step=0.25, label=T["learning_rate"])
                lr_text = gr.Markdown(FIRST_LR_NOTE)
                epochs = gr.Slider(*RETRAIN_RANGES["epochs"], value=5, step=1, label=T["epochs"])
                patience = gr.Slider(*RETRAIN_RANGES["patience"], value=2, step=1, label=T["patience"])
                batch_size = gr.Slider(*RETRAIN_RANGES["batch_size"], value=128, step=8, label=T["batch_size"])
                subset = gr.Slider(RETRAIN_RANGES["subset"][0], TRAIN_SIZES[first.dataset],
                                   value=first.retrain_subset, step=500, label=T["subset"])
                with gr.Accordion(T["architecture"], open=True):
                    # one component per name in registry.RETRAIN_CONTROLS, in that order
                    hidden = gr.Slider(*RETRAIN_RANGES["hidden"], value=128, step=8, label=T["hidden"],
                                       visible=shows["hidden_size"])
                    dropout = gr.Slider(*RETRAIN_RANGES["dropout"], value=0.3, step=0.05, label=T["dropout"],
                                        visible=shows["dropout"])
                    init = gr.Dropdown([(SCHEME_NAMES[scheme], scheme) for scheme in SCHEMES], value="default",
                                       label=T["init"], visible=shows["init"])
                    bidirectional = gr.Checkbox(True, label=T["bidirectional"], visible=shows["bidirectional"])
                with gr.Row():
                    train = gr.Button(T["train"], variant="primary")
                    stop = gr.Button(T["stop"], variant="stop")
                link_button, shipped_button, link = runs.link_section()
            with gr.Column(scale=2):
                status = gr.HTML(T["status"], elem_id="status")
                curves = gr.Plot(label=T["curves"], elem_id="curves")
                scores = gr.Markdown()
                confusion = gr.Plot(label=T["confusion"])
                grid, examples = runs.confusion_section()
                download = gr.DownloadButton(T["download"], visible=False)
                with gr.Accordion(T["hub"], open=False):
                    repo = gr.Textbox(label=T["repo"])
                    token = gr.Textbox(label=T["token"], type="password")
                    push = gr.Button(T["push"])
                    pushed = gr.Markdown()
        history = runs.history_section()
        log_lr.change(lr_note, log_lr, lr_text, api_name=False, show_progress="hidden")
        # .input, not .change: a teacher link sets the kind and its own subset together (ui/tabs/runs.py)
        kind.input(handlers.controls_for, kind, [hidden, dropout, init, bidirectional, subset], api_name=False)
        settings = [kind, log_lr, epochs, patience, batch_size, hidden, dropout, init, bidirectional, subset, session]
        # preprocess=False: the values reach the handler as sent, and it checks each (gradio's own checks let
        # NaN through and answer a string or a null with a generic error)
        trained = train.click(lab.train, settings, [status, curves, scores, confusion, download, session],
                              api_name="train", concurrency_limit=2, concurrency_id="train", preprocess=False)
        stop.click(lab.stop, None, status, api_name="stop", queue=False)
        push.click(lab.push_to_hub, [kind, repo, token, session], pushed, api_name="push_to_hub")
        controls = dict(model=kind, lr=log_lr, epochs=epochs, patience=patience, batch=batch_size, examples=subset,
                        hidden=hidden, dropout=dropout, init=init, bidirectional=bidirectional)
        runs.wire(lab, trained, tab, grid, examples, history, link_button, shipped_button, link, status, controls)
    return controls
