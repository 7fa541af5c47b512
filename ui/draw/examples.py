"""Example digits for a student who cannot draw with a pointer: one prepared drawing of each, as the pad's strokes.

Picking one sends these strokes through the same handler as a drawing
(`Lab.predict_digit`), so the answers, the preprocessing strip and the
saliency are the ones a student who drew it would see, and the pad shows the
strokes. The points are in the pad's 280 × 280 canvas pixels, drawn the way
a hand draws each digit (tests/test_accessibility.py checks that both shipped
networks read every one as its digit).
"""
from ink.strokes import from_points
from ui import i18n

CANVAS = 280
STROKES = {
    "0": [[(140, 40), (185, 55), (208, 100), (210, 170), (185, 225), (140, 242), (95, 225), (72, 170), (74, 100),
           (97, 55), (140, 40)]],
    "1": [[(150, 50), (140, 235)]],
    "2": [[(80, 95), (100, 60), (140, 45), (185, 60), (198, 100), (180, 145), (85, 235), (205, 235)]],
    "3": [[(80, 65), (125, 45), (175, 52), (195, 85), (180, 120), (130, 138), (185, 155), (200, 195), (180, 232),
           (130, 245), (80, 228)]],
    "4": [[(165, 240), (165, 45), (70, 170), (215, 170)]],
    "5": [[(195, 48), (105, 48), (95, 130), (145, 120), (190, 145), (200, 195), (175, 235), (130, 245), (85, 228)]],
    "6": [[(185, 50), (135, 70), (100, 125), (90, 185), (110, 235), (150, 245), (188, 220), (192, 175), (165, 145),
           (120, 145), (95, 175)]],
    "7": [[(70, 60), (210, 60), (120, 240)]],
    "8": [[(180, 70), (140, 42), (100, 60), (100, 105), (140, 135), (185, 165), (190, 215), (140, 245), (92, 215),
           (97, 165), (140, 135), (178, 105), (180, 70)]],
    "9": [[(185, 90), (160, 50), (115, 48), (90, 85), (100, 125), (145, 135), (185, 105), (185, 90), (178, 170),
           (160, 240)]],
}
DIGITS = tuple(STROKES)
T = i18n.Texts("examples")
CHOOSE_LABEL = T["choose"]


def pad_value(digit: str) -> str:
    """The pad's value (strokes as JSON, ink/strokes.py) for the example of `digit`."""
    return from_points(STROKES[digit], CANVAS, CANVAS)
