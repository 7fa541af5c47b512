"""Does a drawing look like a digit at all? A small CNN asked only that (assets/digit-check).

Why a separate model, not an 11th "not a digit" class in the DNN and CNN:
- students retrain the DNN and CNN in the Retrain tab (5,000 examples, a few
  epochs, sometimes *zeros* initialisation); their models must still work in
  tab 1, and the check must not get worse when theirs is worse. A separate
  detector works the same whichever digit models answer;
- the models' own confidence is a poor detector: their softmax is confident on
  an X or a star too (the benchmark prints the shipped CNN's top probability
  used as a detector beside this one: it flags far fewer non-digits at the
  same rate of digits wrongly flagged);
- it is cheap: 16-32-64 channels, 2 classes, about 0.2 ms a drawing on one
  CPU thread, a tenth of the digit CNN.

Measured with `python -m benchmarks.handwriting` (README, "Real handwriting").
The threshold was chosen on validation data only (the validation writers'
digits, MNIST's validation images and non-digits of the validation seed:
`python -m benchmarks.handwriting --validation`), never on the held-out writers.
"""
from dataclasses import dataclass

import numpy as np
import torch

from ui import i18n

KIND = "digit-check"  # the registry kind, and its checkpoint folder in assets/
# P(digit) below which a drawing is "not a digit": the detector's own argmax. On validation data it flags 0.10% of
# the digits and 98.3% of the non-digits; 0.89 would flag 0.5% and 99.2%. The margin is for writers unlike those.
THRESHOLD = 0.5
T = i18n.Texts("digit-check")


@dataclass(frozen=True)
class DigitCheck:
    looks_like_digit: bool
    score: float  # the detector's probability that the drawing is a digit, 0–1
    reason: str  # a short phrase for the notice, in the language asked for


@torch.inference_mode()
def scores(detector: torch.nn.Module, pixels: np.ndarray | torch.Tensor) -> np.ndarray:
    """P(digit) for each of `pixels` (N, 28, 28) or (N, 1, 28, 28): float in [0, 1] or uint8."""
    x = torch.as_tensor(pixels)
    x = x.view(-1, 1, 28, 28)
    detector.eval()
    return detector(x).float().softmax(dim=1)[:, 1].numpy()


def check(detector: torch.nn.Module, pixels: np.ndarray, *, language: str = "en") -> DigitCheck:
    """Whether the MNIST-style 28×28 `pixels` (ink.preprocess.to_mnist's, float in [0, 1]) look like a digit; the reason
    in `language`."""
    score = float(scores(detector, pixels)[0])
    if score >= THRESHOLD:
        return DigitCheck(True, score, T.say("digit", language, sure=score))
    return DigitCheck(False, score, T.say("not_digit", language, sure=1 - score))
