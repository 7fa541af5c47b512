"""The tabs, in the order the page shows them (i18n.TABS, which also numbers them in every text): each one's id (the
`?tab=` of a teacher link) and its package's layout.

Each layout module has `build(state, session)`, which lays the tab out inside a gr.Tab of that id and wires its
events to its handlers, and may have `CSS` for the page.
"""
from dataclasses import dataclass
from types import ModuleType

import i18n
from ui.board import layout as board
from ui.draw import layout as draw
from ui.lessons import layout as lessons
from ui.retrain import layout as retrain
from ui.sentiment import layout as sentiment


@dataclass(frozen=True)
class Tab:
    id: str
    layout: ModuleType


LAYOUTS = {"draw": draw, "sentiment": sentiment, "retrain": retrain, "lessons": lessons, "board": board}
TABS = [Tab(id, LAYOUTS[id]) for id in i18n.TABS]
CSS = "".join(getattr(tab.layout, "CSS", "") for tab in TABS)
