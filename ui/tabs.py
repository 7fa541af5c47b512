"""The tabs, in the order the page shows them: each one's id (the `?tab=` of a teacher link) and its package's layout.

Each layout module has `build(state, session)`, which lays the tab out inside a gr.Tab of that id and wires its
events to its handlers, and may have `CSS` for the page.
"""
from dataclasses import dataclass
from types import ModuleType

from ui.board import layout as board
from ui.draw import layout as draw
from ui.lessons import layout as lessons
from ui.retrain import layout as retrain
from ui.sentiment import layout as sentiment


@dataclass(frozen=True)
class Tab:
    id: str
    layout: ModuleType


TABS = [Tab("draw", draw), Tab("sentiment", sentiment), Tab("retrain", retrain), Tab("lessons", lessons),
        Tab("board", board)]
CSS = "".join(getattr(tab.layout, "CSS", "") for tab in TABS)
