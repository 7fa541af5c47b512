"""A reload in a real browser keeps the session (ui/sessions.py): a student trains, reloads the page, still sees the
run in the history, posts it to the class board, and a teacher's lock still holds after the address bar drops it."""
import pytest
from gradio_client import Client

from tests.pages import post_to_board

pytestmark = [pytest.mark.data, pytest.mark.slow]
LINK = "?tab=retrain&model=dnn&epochs=1&examples=500&lock=epochs"


def rows(page, table: str) -> int:
    return page.locator(f"#{table} .virtual-row").count()


def test_a_reload_keeps_the_runs_and_one_can_still_be_posted(context_in, app_url, shots):
    context = context_in()
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + LINK)
    page.get_by_role("tab", name="3 · Retrain", selected=True).wait_for()
    page.get_by_role("button", name="Train", exact=True).click()
    # the worker runs at nice 19: on a machine shared with other work a one-epoch run may take minutes
    page.wait_for_function("document.querySelector('#status').innerText.includes('Done')", timeout=600_000)
    page.wait_for_function("document.querySelectorAll('#runs-table .virtual-row').length === 1")

    page.close()  # the tab dropped (a phone does that to a background tab), opened again without the teacher's link
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    page.get_by_role("tab", name="3 · Retrain").click()
    page.wait_for_function("document.querySelectorAll('#runs-table .virtual-row').length === 1")
    assert page.locator("#runs-table [data-testid=cell-0-1]").inner_text().strip().startswith("DNN")
    epochs = page.get_by_label("epochs (at most)", exact=False).first
    assert epochs.input_value() == "1" and epochs.is_disabled()  # the lock outlived the link
    assert "epochs" in page.locator("#link-note").inner_text()

    _, code, _ = Client(app_url, verbose=False).predict("Reload", "epochs", api_name="/board_create")
    post_to_board(page, code, "reloader")
    assert page.locator("#board-table [data-testid=cell-0-1]").inner_text().strip() == "reloader"
    page.screenshot(path=shots / "reload-board.png", full_page=True)
