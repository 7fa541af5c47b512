"""The seven lessons as the Lessons tab lists them: each one's key (elem_id prefix, api_name stem and the stem of its
strings in the locale files: `lessons.<key>_tab`, `_title`, `_about`) and how many plots it shows. ui/lessons/layout.py
lays them out and runs them; their experiments live in lessons/.
"""
from dataclasses import dataclass


@dataclass
class Lesson:
    key: str  # elem_id prefix and api_name stem
    figures: int  # gr.Plot outputs


LESSONS = [Lesson("init", 1), Lesson("weights", 3), Lesson("crop", 2), Lesson("boundary", 2), Lesson("regression", 2),
           Lesson("overfit", 1), Lesson("recurrent", 2)]
