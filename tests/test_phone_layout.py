"""Figures of two panels on a phone's page (ui/page.py `narrow`): one above the other, each the screen's width."""
from types import SimpleNamespace

from figures import plots
from training.loop import EpochStats
from ui import page
from ui.history import Run, overlay


def epochs() -> list:
    return [EpochStats(n, 1.0 / n, 0.5 + n / 10, 1.1 / n, 0.45 + n / 10, 1e-3, 1.0, n == 2) for n in (1, 2, 3)]


def test_a_phone_s_page_is_told_by_its_cookie():
    assert page.narrow(SimpleNamespace(headers={"cookie": "lang=ko; playground_narrow=1"}))
    assert not page.narrow(SimpleNamespace(headers={"cookie": "playground_narrow=0"}))
    assert not page.narrow(None)


def test_the_curves_and_the_overlay_stack_their_panels_on_a_phone():
    run = Run("dnn", "DNN", {"epochs": 3}, 1.0, 2, 0.9, 0.9, curves=[
        {"epoch": n, "train_loss": 1, "val_loss": 1, "train_acc": 0.5, "val_acc": 0.5} for n in (1, 2, 3)], number=1)
    for side_by_side, stacked in ((plots.training_curves(epochs(), 2, 3), plots.training_curves(epochs(), 2, 3,
                                                                                                stacked=True)),
                                  (overlay([run]), overlay([run], stacked=True))):
        assert side_by_side.layout.xaxis2.domain[0] > 0.5 and side_by_side.layout.yaxis.domain == (0.0, 1.0)
        assert stacked.layout.xaxis.domain == stacked.layout.xaxis2.domain == (0.0, 1.0)
        assert stacked.layout.yaxis.domain[0] > stacked.layout.yaxis2.domain[1]  # loss above accuracy
        assert len(stacked.data) == len(side_by_side.data) and stacked.layout.height > side_by_side.layout.height


def test_the_history_and_board_tables_fit_a_1280_px_window():
    from ui import history
    from ui.board import layout as board

    for widths, columns in ((history.COLUMN_WIDTHS, history.HEADERS), (board.COLUMN_WIDTHS, board.COLUMN_KEYS)):
        assert len(widths) == len(columns) and sum(int(w.removesuffix("px")) for w in widths) <= 1_150
