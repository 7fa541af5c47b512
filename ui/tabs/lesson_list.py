"""The seven lessons as the Lessons tab shows them: each one's key (elem_id prefix and api_name stem), its sub-tab
label, its title and what to notice, in a teacher's voice, in English and Korean. ui/tabs/lessons.py lays them out
and runs them; their experiments live in lessons/.
"""
from dataclasses import dataclass


@dataclass
class Lesson:
    key: str  # elem_id prefix and api_name stem
    tabs: tuple[str, str]  # the sub-tab's short label, English and Korean (seven long ones do not fit a laptop's width)
    titles: tuple[str, str]
    teaching: tuple[str, str]  # what to notice, in a teacher's voice
    figures: int  # gr.Plot outputs

    @property
    def tab(self) -> str:
        return self.tabs[0]


LESSONS = [
    Lesson("init", ("1 · Initialisation", "1 · 초기화"), ("Weight initialisation", "가중치 초기화"), (
        "Where a network starts decides whether it can learn at all. From all-zero weights every hidden unit "
        "computes the same thing and gets the same gradient, so the units never become different and the "
        "network stays at the accuracy of always guessing the most common digit (about 11%). Compare a start "
        "that is far too large (Gaussian, σ = 1) with Xavier and Kaiming, which scale each layer by its size.",
        "신경망이 어디에서 출발하느냐에 따라 학습이 될지 말지가 갈려요. 가중치를 모두 0으로 두고 시작하면 은닉층의 "
        "유닛이 전부 똑같은 값을 계산하고 똑같은 기울기를 받아요. 그래서 유닛들이 끝내 서로 달라지지 못하고, 정확도는 "
        "가장 흔한 숫자 하나만 계속 찍는 수준(약 11%)에 머물러요. 너무 크게 시작하는 경우(가우시안, σ = 1)와, 층의 "
        "크기에 맞춰 가중치 크기를 조절하는 Xavier·Kaiming 초기화를 비교해 보세요."), 1),
    Lesson("weights", ("2 · What they learnt", "2 · 무엇을 배웠나"),
           ("What the networks learnt", "신경망은 무엇을 배웠을까"), (
        "A trained network's first layer is a set of pictures. Each DNN unit has one weight per pixel: red where "
        "ink excites it, blue where ink inhibits it. The CNN's first filters are tiny 3×3 detectors slid over "
        "the whole image; below them, what each one makes of your last drawing from tab 1.",
        "학습을 마친 신경망의 첫 번째 층은 그림 여러 장으로 볼 수 있어요. DNN의 유닛 하나는 픽셀마다 가중치를 하나씩 "
        "가지고 있어요. 빨간색은 그 자리에 잉크가 있으면 유닛이 활성화되는 곳, 파란색은 오히려 억제되는 곳이에요. "
        "CNN의 첫 번째 필터들은 이미지 전체를 훑고 지나가는 3×3 크기의 작은 검출기예요. 그 아래에는 1번 탭에서 "
        "마지막으로 그린 숫자를 필터마다 어떻게 보는지 나와요."), 3),
    Lesson("crop", ("3 · Shifts & crops", "3 · 이동과 자르기"), ("Shifts and crops", "이동과 자르기"), (
        "A DNN learns what each pixel means; move the digit and the pixels change meaning. Test digits are cut "
        "to a random k×k window and blown back up, or shifted by k pixels, and both networks are scored as k "
        "grows. Notice where each one breaks, and how much later the CNN does.",
        "DNN은 픽셀 하나하나가 무슨 뜻인지를 배워요. 그래서 숫자를 옮기면 픽셀의 뜻이 달라져 버리죠. 테스트 숫자를 "
        "무작위 k×k 창으로 잘라 다시 확대하거나 k픽셀만큼 옮긴 뒤, k를 바꿔 가며 두 신경망의 정확도를 재 봐요. 각 "
        "신경망이 어디서 무너지는지, 그리고 CNN은 얼마나 더 버티는지 눈여겨보세요."), 2),
    Lesson("boundary", ("4 · Boundary", "4 · 결정 경계"), ("A decision boundary", "결정 경계"), (
        "A classifier splits the plane into regions; the line between them is its decision boundary. Watch it "
        "bend into shape as the small network trains, then set the hidden units to 0: without hidden units a "
        "network can only draw a straight line, and no straight line separates two moons.",
        "분류기는 평면을 여러 영역으로 나눠요. 그 영역 사이의 경계선을 결정 경계라고 해요. 작은 신경망이 학습하면서 "
        "경계가 점점 휘어 모양을 잡아 가는 걸 지켜보세요. 그다음 은닉 유닛을 0으로 바꿔 보세요. 은닉 유닛이 없으면 "
        "신경망은 직선밖에 그을 수 없는데, 두 개의 반달은 어떤 직선으로도 나눌 수 없어요."), 2),
    Lesson("regression", ("5 · Regression", "5 · 선형 회귀"), ("Linear regression", "선형 회귀"), (
        "The simplest model that learns: a line y = wx + b, fitted by stepping w and b down the slope of the "
        "loss. Push the learning rate up until the squared-error (MSE) line flies off — that is divergence — and "
        "see how one outlier drags the MSE fit but hardly moves the absolute-error (L1) one.",
        "학습하는 모델 가운데 가장 단순한 모델, 직선 y = wx + b예요. 손실의 기울기를 따라 내려가도록 w와 b를 조금씩 "
        "바꿔 가며 직선을 맞춰요. 학습률을 올려 가며 제곱 오차(MSE) 직선이 튕겨 나가는 순간을 찾아보세요. 그게 "
        "바로 발산이에요. 그리고 이상치 하나가 MSE 직선은 크게 끌어당기지만 절대 오차(L1) 직선은 거의 움직이지 "
        "못한다는 것도 확인해 보세요."), 2),
    Lesson("overfit", ("6 · Over-fitting", "6 · 과적합"), ("Over-fitting and early stopping", "과적합과 조기 종료"), (
        "Given few examples and many weights, a network memorises. Watch the training loss sink towards zero "
        "while the validation loss, on images it never saw, turns and climbs. Early stopping watches that second "
        "curve and keeps the weights from its lowest point; the patience is how long it waits for a new low.",
        "학습 예시는 적은데 가중치가 많으면 신경망은 답을 외워 버려요. 학습 손실은 0을 향해 떨어지는데, 한 번도 본 "
        "적 없는 이미지로 잰 검증 손실은 어느 순간 방향을 바꿔 올라가요. 그 모습을 지켜보세요. 조기 종료는 이 검증 "
        "손실 곡선을 지켜보다가 가장 낮았던 지점의 가중치를 남겨요. 인내 횟수(patience)는 새 최저점이 나오기를 몇 "
        "에포크까지 기다릴지 정하는 값이에요."),
        1),
    Lesson("recurrent", ("7 · RNN, LSTM, GRU", "7 · RNN, LSTM, GRU"), ("RNN, LSTM, GRU", "RNN, LSTM, GRU"), (
        "Three recurrent cells, the same sentences, the same budget. The vanilla RNN overwrites its memory at "
        "every word; the LSTM and the GRU have gates that choose what to keep. Compare accuracy, size and speed, "
        "then read the traces word by word: what does each one do with *not*?",
        "순환 셀 세 가지를 같은 문장으로, 같은 조건에서 학습시켜요. 기본 RNN은 단어를 하나 읽을 때마다 기억을 "
        "덮어써요. LSTM과 GRU에는 무엇을 남길지 고르는 게이트가 있고요. 정확도와 크기, 속도를 비교한 다음, 단어별 "
        "변화를 하나씩 읽어 보세요. 모델마다 *not*을 만나면 어떻게 반응하나요?"), 2),
]
