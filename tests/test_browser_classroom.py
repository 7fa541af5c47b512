"""The classroom tools in a real browser: a teacher link, the run history, the clickable confusion matrix, the board.

One page, in order: it opens from a teacher's link (settings set, two locked,
an unknown parameter noted), trains twice, sees both runs in the history and
their curves overlaid, clicks a confusion cell and sees its digits, copies a
link to its settings, goes back to the shipped model, and posts to a class
board with a nickname that is markup, shown as text.
"""
import pytest
from gradio_client import Client

from tests.pages import post_to_board

pytestmark = [pytest.mark.data, pytest.mark.slow]
LINK = "?tab=retrain&model=dnn&init=zeros&epochs=2&examples=500&lock=init,epochs&colour=red"


@pytest.fixture(scope="module")
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + LINK)
    yield page
    context.close()


def train(page, runs: int) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("document.querySelector('#status').innerText.includes('Done')", timeout=120_000)
    page.wait_for_function(f"document.querySelectorAll('#runs-table .virtual-row').length === {runs}",
                           timeout=30_000)


def cell(page, table: str, row: int, column: int):
    """A cell of a gr.Dataframe (gradio 6 draws its rows as div role=row / gridcell, not a <tbody>)."""
    return page.locator(f"#{table} [data-testid=cell-{row}-{column}]")


def test_a_teacher_link_opens_the_retrain_tab_with_its_settings_locked_and_a_note(page):
    page.get_by_role("tab", name="3 · Retrain", selected=True).wait_for()
    note = page.locator("#link-note")
    note.wait_for()
    assert "colour is not a setting" in note.inner_text() and "init, epochs" in note.inner_text()
    epochs = page.get_by_label("epochs (at most)", exact=False).first
    assert epochs.input_value() == "2" and epochs.is_disabled()
    assert page.locator("#status").is_visible()


def test_two_runs_fill_the_history_and_their_curves_overlay(page, shots):
    train(page, 1)
    train(page, 2)
    assert [cell(page, "runs-table", row, 0).inner_text().strip() for row in range(2)] == ["2", "1"]  # newest first
    assert "init=zeros" in cell(page, "runs-table", 0, 2).inner_text()
    assert cell(page, "runs-table", 0, 5).inner_text().strip().endswith("%")  # test accuracy
    page.wait_for_function("document.querySelectorAll('#runs-overlay .js-plotly-plot .scatterlayer .trace')"
                           ".length === 4")  # two runs × (loss, accuracy)
    page.screenshot(path=shots / "tab3-history.png", full_page=True)


def test_a_click_on_a_confusion_cell_shows_its_test_digits(page, shots):
    page.locator("#confusion-table").scroll_into_view_if_needed()
    counts = page.locator("#confusion-table [role=gridcell]:not([data-col='0'])")
    for i in range(counts.count()):  # a cell with examples: an all-zeros start answers one class for everything
        if counts.nth(i).inner_text().strip().isdigit() and int(counts.nth(i).inner_text()) > 0:
            counts.nth(i).click()
            break
    page.locator("#confusion-examples img").wait_for()
    text = page.locator("#confusion-examples").inner_text()
    assert "test example(s) of true class" in text and "predicted as" in text
    page.locator("#confusion-examples").screenshot(path=shots / "tab3-confusion-cell.png")


def test_the_copy_button_links_to_these_settings_and_the_shipped_model_comes_back(page):
    page.locator("#copy-link").click()
    link = page.locator("#settings-link textarea")
    page.wait_for_function("document.querySelector('#settings-link textarea').value.startsWith('http')")
    value = link.input_value()
    assert "?tab=retrain&model=dnn" in value and "init=zeros" in value and "epochs=2" in value
    page.locator("#use-shipped").click()
    page.wait_for_function("document.querySelector('#status').innerText.includes('shipped DNN again')")


def test_a_post_to_the_class_board_shows_a_markup_nickname_as_text(page, app_url):
    _, code, _ = Client(app_url, verbose=False).predict("8A", "epochs", api_name="/board_create")
    post_to_board(page, code, "<img src=x onerror=z()>")
    table = page.locator("#board-table")
    assert cell(page, "board-table", 0, 1).text_content().strip() == "<img src=x onerror=z()>"
    assert table.locator("img").count() == 0
    page.locator("#board-plot .js-plotly-plot").wait_for()
