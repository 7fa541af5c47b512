"""The lessons as the Lessons tab lists them: each one's key (elem_id prefix, api_name stem and the stem of its
strings in the locale files: `lessons.<key>_tab`, `_title`, `_about`), its experiment in lessons/ (which declares its
controls), and how many plots it shows. ui/lessons/layout.py lays them out and runs them.
"""
from dataclasses import dataclass
from types import ModuleType

from lessons import (
    boundary,
    crops,
    initialisation,
    layers,
    metrics,
    optimisers,
    overfitting,
    recurrent,
    regression,
    weights,
)


@dataclass
class Lesson:
    key: str  # elem_id prefix and api_name stem
    experiment: ModuleType  # its module in lessons/: CONTROLS, run(**settings) and show(result, language)
    figures: int  # gr.Plot outputs
    drawing: bool = False  # it reads the session's last drawing (tab 1's): run(pixels=…), the session an extra input


LESSONS = [Lesson("init", initialisation, 1), Lesson("weights", weights, 3, drawing=True), Lesson("crop", crops, 2),
           Lesson("boundary", boundary, 2), Lesson("regression", regression, 2), Lesson("overfit", overfitting, 1),
           Lesson("recurrent", recurrent, 2), Lesson("optimiser", optimisers, 2), Lesson("layers", layers, 2),
           Lesson("metrics", metrics, 2)]
