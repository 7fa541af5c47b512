"""Lesson 2: what the networks learnt — the DNN's first-layer weights as images, the CNN's first filters and
what they make of a drawing.

Each DNN unit in the first layer has one weight per pixel, so its weights are
a 28×28 picture of the pattern that excites it (red) or inhibits it (blue).
The CNN's first layer is 3×3 filters slid over the image; its feature maps are
those filters' answers (after BatchNorm and ReLU) at every position. Nothing is
trained here: it reads the models it is given (shipped or retrained) and the
student's last drawing: 0.05 s (benchmarks/lessons.py, 2-core AMD EPYC, 1 torch thread).
"""
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from lessons import Clock, Result
from lessons.figures import image, mosaic
from ui import i18n, strokes
from ui.sketch import to_mnist

# {origin}: the tab's words for where the models come from ("shipped", "your retrained"), in the same language
T = i18n.Texts(
    "lessons-weights",
    dnn_title=("the {shown} of the {origin} DNN's {units} first-layer units with the largest weights (red excites, "
               "blue inhibits)",
               "{origin} DNN의 첫 번째 층 유닛 {units}개 중 가중치가 가장 큰 {shown}개 (빨강: 활성화, 파랑: 억제)"),
    weight_hover=("weight / largest", "가중치 / 최댓값"),
    dnn_note=("**DNN** ({origin}): the {shown} strongest of {units} units (weight norms {low}–{high}), each scaled to "
              "its own largest weight. A unit adds up its pixels times these weights: ink on red pixels raises its "
              "output, ink on blue lowers it, so the red-and-blue strokes are the pieces of digits it looks for and "
              "against.",
              "**DNN** ({origin} 모델): 유닛 {units}개 가운데 가장 강한 {shown}개예요 (가중치 노름 {low}–{high}). "
              "그림마다 자기의 가장 큰 가중치에 맞춰 밝기를 조절했어요. 유닛은 픽셀 값에 이 가중치를 곱해서 모두 "
              "더해요. 빨간 자리에 잉크가 있으면 출력이 커지고, 파란 자리에 있으면 작아지죠. 그러니까 빨간 무늬는 "
              "유닛이 찾는 숫자 조각이고, 파란 무늬는 있으면 안 되는 숫자 조각이에요."),
    dnn_missing=("**DNN**: not available.", "**DNN**: 사용할 수 없어요."),
    cnn_title=("the {origin} CNN's {count} first-layer filters ({height}×{width})",
               "{origin} CNN의 첫 번째 층 필터 {count}개 ({height}×{width})"),
    yours=("your last drawing", "마지막으로 그린 숫자"),
    sample=("a sample seven (draw in tab 1 to see yours)", "예시 숫자 7 (1번 탭에서 그리면 내 숫자가 나와요)"),
    maps_title=("{drawing}, then what each filter answers (each map scaled to its own brightest)",
                "{drawing}, 그 옆은 필터마다의 반응 (맵마다 가장 밝은 값에 맞춤)"),
    maps_hover=("activation / its largest", "활성값 / 최댓값"),
    cnn_note=("**CNN** ({origin}): the maps are the drawing seen through each filter — some light up on edges of one "
              "direction, some on the stroke's body; {silent} of {count} stay dark for this drawing. The CNN reads it "
              "as **{answer}**.",
              "**CNN** ({origin} 모델): 각 맵은 그림을 필터 하나로 들여다본 모습이에요. 어떤 필터는 한쪽 방향의 "
              "가장자리에서, 어떤 필터는 획의 몸통에서 밝아져요. 이 그림에서는 {count}개 중 {silent}개가 어두운 채로 "
              "남았어요. CNN이 읽은 숫자: **{answer}**."),
    cnn_missing=("**CNN**: not available.", "**CNN**: 사용할 수 없어요."),
    not_drawn=("You have not drawn a digit yet in tab 1, so a sample seven stands in.",
               "아직 1번 탭에서 숫자를 그리지 않아서 예시 숫자 7을 대신 보여 줘요."),
)
DEFAULTS = dict(tiles=64)
SAMPLE_SEVEN = [[(70, 60), (210, 60), (120, 240)]]  # shown until the student has drawn something


def sample_drawing() -> np.ndarray:
    """A seven, drawn through the same pipeline as the pad's strokes: (28, 28) in [0, 1]."""
    return to_mnist(strokes.render(strokes.parse(strokes.from_points(SAMPLE_SEVEN)))).pixels


def first_linear(model: nn.Module) -> nn.Linear:
    return next(m for m in model.modules() if isinstance(m, nn.Linear))


def dnn_tiles(model: nn.Module, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The `count` first-layer units with the largest weight norm, as (count, 28, 28) tiles each scaled to
    [-1, 1] by its own largest |weight|, and their norms."""
    weight = first_linear(model).weight.detach().float()  # (units, 784)
    norms = weight.norm(dim=1)
    top = norms.argsort(descending=True)[:count]
    tiles = weight[top].reshape(-1, 28, 28)
    tiles = tiles / tiles.abs().amax(dim=(1, 2), keepdim=True).clamp_min(1e-12)
    return tiles.numpy(), norms[top].numpy()


@torch.no_grad()
def cnn_first_layer(model: nn.Module, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The first conv layer's filters (C, k, k), its feature maps for `pixels` after BatchNorm and ReLU (C, 28, 28),
    and the CNN's answer for the drawing."""
    model.eval()
    conv = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    x = torch.as_tensor(pixels, dtype=torch.float32)[None, None]
    first_block = model.features[:3]  # conv → BatchNorm → ReLU (models/cnn.py)
    maps = first_block((x - model.config.mean) / model.config.std)[0]
    answer = int(model(x).argmax(dim=1))
    return conv.weight.detach().float()[:, 0].numpy(), maps.numpy(), answer


def run(dnn: nn.Module | None, cnn: nn.Module | None, pixels: np.ndarray | None, tiles: int = 64,
        origin: str = "shipped", *, language: str = "en") -> Iterator[Result]:
    """`origin`: where the models come from, in words of `language` (the tab's)."""
    clock = Clock()
    drawn = pixels is not None
    pixels = pixels if drawn else sample_drawing()
    notes, figures = [], [None, None, None]
    if dnn is not None:
        shown, norms = dnn_tiles(dnn, tiles)
        units = first_linear(dnn).out_features
        figures[0] = image(mosaic(shown, columns=min(8, len(shown))),
                           T.say("dnn_title", language, shown=len(shown), origin=origin, units=units), 560,
                           diverging=True, hover=T.say("weight_hover", language))
        notes.append(T.say("dnn_note", language, origin=origin, shown=len(shown), units=units,
                           low=f"{norms.min():.2f}", high=f"{norms.max():.2f}"))
    else:
        notes.append(T.say("dnn_missing", language))
    if cnn is not None:
        filters, maps, answer = cnn_first_layer(cnn, pixels)
        figures[1] = image(mosaic(filters / np.abs(filters).max(axis=(1, 2), keepdims=True), columns=8),
                           T.say("cnn_title", language, origin=origin, count=len(filters), height=filters.shape[1],
                                 width=filters.shape[2]), 300, diverging=True, hover=T.say("weight_hover", language))
        scaled = maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)  # each map to its own brightest
        figures[2] = image(mosaic(np.concatenate([pixels[None], scaled]), columns=11, gap=2),
                           T.say("maps_title", language, drawing=T.say("yours" if drawn else "sample", language)), 420,
                           hover=T.say("maps_hover", language))
        silent = int((maps.max(axis=(1, 2)) <= 0).sum())
        notes.append(T.say("cnn_note", language, origin=origin, silent=silent, count=len(maps), answer=answer))
    else:
        notes.append(T.say("cnn_missing", language))
    if not drawn:
        notes.append(T.say("not_drawn", language))
    yield Result("\n\n".join(notes), tuple(figures), clock(), extra={"drawn": drawn})
