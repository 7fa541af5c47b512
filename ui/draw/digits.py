"""Tab 1's work: predict a drawn digit with the DNN and the CNN, and explain the CNN's answer.

The saliency map is gradient × input for the CNN's top class: how much each
inked pixel of the 28×28 input pushed the class score up (red) or down (blue).
It is drawn back onto the student's own strokes through the inverse of the
preprocessing, so the colours sit where the student drew.
"""
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ink.preprocess import Preprocessed, to_canvas_grid
from ui import i18n

STRIP_PANEL = 96  # pixels per panel in the preprocessing strip
OVERLAY_SIZE = 280
SALIENT = 0.15  # a 28 × 28 pixel whose saliency is at least this share of the largest counts as red or blue

# The images' text alternatives, each whole sentences with named fields, so each can be translated as it stands.
T = i18n.Texts("digits")
STRIP_ALT = T.say("strip_alt", "en")
SALIENCY_ALT = T.say("saliency_alt", "en")


@dataclass
class Prediction:
    probs: np.ndarray  # (10,)
    milliseconds: float
    parameters: int


@torch.inference_mode()
def predict(model: torch.nn.Module, pixels: np.ndarray) -> Prediction:
    start = time.perf_counter()
    logits = model(torch.from_numpy(pixels).view(1, 1, 28, 28))
    probs = logits.softmax(dim=1)[0].numpy()
    elapsed = (time.perf_counter() - start) * 1000
    return Prediction(probs, elapsed, sum(p.numel() for p in model.parameters()))


def saliency(model: torch.nn.Module, pixels: np.ndarray, target: int) -> np.ndarray:
    """Gradient × input (28, 28) of the `target` logit, scaled to [-1, 1]."""
    x = torch.from_numpy(pixels).view(1, 1, 28, 28).clone().requires_grad_(True)
    with torch.enable_grad():
        model(x)[0, target].backward()
    attribution = (x.grad * x).detach()[0, 0].numpy()
    peak = np.abs(attribution).max()
    return attribution / peak if peak > 0 else attribution


def overlay(pre: Preprocessed, attribution: np.ndarray, size: int = OVERLAY_SIZE) -> np.ndarray:
    """The drawing (size × size RGB) with each stroke pixel coloured by the saliency under it."""
    rows, cols = to_canvas_grid(pre)
    step = max(1, pre.ink.shape[0] // size)
    rows, cols, ink = rows[::step], cols[::step], pre.ink[::step, ::step]
    grid = torch.empty(1, len(rows), len(cols), 2)
    grid[..., 0] = torch.from_numpy((cols + 0.5) / 14 - 1).float()  # pixel centres → grid_sample's [-1, 1]
    grid[..., 1] = torch.from_numpy((rows + 0.5) / 14 - 1).float()[:, None]
    blurred = F.avg_pool2d(torch.from_numpy(attribution).view(1, 1, 28, 28), 3, 1, 1, count_include_pad=False)
    heat = F.grid_sample(blurred, grid, align_corners=False)[0, 0].numpy()
    heat = np.clip(heat / max(np.abs(heat).max(), 1e-6), -1, 1)
    # a stroke is red (pushed towards the answer), blue (against) or dark grey (neutral); paper is white
    away_from_white = np.empty((*ink.shape, 3), dtype=np.float32)
    away_from_white[..., 0] = 0.8 - 0.8 * np.maximum(heat, 0)
    away_from_white[..., 1] = 0.8 + 0.2 * np.abs(heat)
    away_from_white[..., 2] = 0.8 - 0.8 * np.maximum(-heat, 0)
    away_from_white *= ink[..., None]
    return (255 - 255 * away_from_white).astype(np.uint8)


def strip_alt(*, language: str = "en") -> str:
    """The text alternative of the preprocessing strip."""
    return T.say("strip_alt", language)


def saliency_alt(attribution: np.ndarray, pixels: np.ndarray, answer: str, *, language: str = "en") -> str:
    """The text alternative of the saliency overlay: what the colours mean, and how much of the ink is each."""
    inked = pixels > 0.1
    share = inked.sum() or 1
    return T.say("saliency_alt", language, answer=answer, towards=((attribution >= SALIENT) & inked).sum() / share,
                 against=((attribution <= -SALIENT) & inked).sum() / share)


def strip(pre: Preprocessed, mean: float, std: float) -> np.ndarray:
    """The preprocessing steps side by side: ink, crop, 20 px fit, centred 28×28, normalised input."""
    top, left, height, width = pre.box
    crop = pre.ink[top : top + height, left : left + width]
    normalised = (pre.pixels - mean) / std
    panels = [
        _panel(pre.ink, smooth=True),
        _panel(crop, smooth=True),
        _panel(pre.fitted, pad_to=20),
        _panel(pre.pixels),
        _colour_panel((normalised - normalised.min()) / max(np.ptp(normalised), 1e-6)),
    ]
    gap = np.full((STRIP_PANEL, 8, 3), 255, dtype=np.uint8)
    pieces = [p for panel in panels for p in (panel, gap)][:-1]
    return np.concatenate(pieces, axis=1)


def _panel(image: np.ndarray, smooth: bool = False, pad_to: int | None = None) -> np.ndarray:
    """Dark ink on white, fitted into a STRIP_PANEL square (pixelated for small images)."""
    if pad_to is not None:
        padded = np.zeros((pad_to, pad_to), dtype=np.float32)
        padded[: image.shape[0], : image.shape[1]] = image
        image = padded
    h, w = image.shape
    scale = STRIP_PANEL / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resample = Image.BILINEAR if smooth else Image.NEAREST
    resized = np.asarray(Image.fromarray((255 - image * 255).astype(np.uint8)).resize(size, resample))
    panel = np.full((STRIP_PANEL, STRIP_PANEL), 255, dtype=np.uint8)
    y, x = (STRIP_PANEL - size[1]) // 2, (STRIP_PANEL - size[0]) // 2
    panel[y : y + size[1], x : x + size[0]] = resized
    panel = np.stack([panel] * 3, axis=-1)
    panel[[0, -1], :] = panel[:, [0, -1]] = 200  # a thin frame shows each panel's extent
    return panel


def _colour_panel(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] on a dark-blue → yellow scale, pixelated to STRIP_PANEL."""
    low, high = np.array([30, 40, 110]), np.array([250, 220, 60])
    image = (low + values[..., None] * (high - low)).astype(np.uint8)
    return np.kron(image, np.ones((STRIP_PANEL // 28 + 1, STRIP_PANEL // 28 + 1, 1), dtype=np.uint8))[
        :STRIP_PANEL, :STRIP_PANEL
    ]
