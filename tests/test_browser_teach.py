"""Teach it your handwriting in a real browser: draw a 4 both networks misread, tap 4 until enough are kept, adapt,
and see the new answer with the before/after figures; then use the shipped models again."""
import pytest

from tests.pages import draw_strokes, open_app, wait_for_verdict
from ui.draw.teach import MIN_TO_ADAPT

pytestmark = [pytest.mark.slow, pytest.mark.data]

# tests/test_teach.py's CLOSED_FOUR, in the pad's [-1, 1] coordinates around its centre
CLOSED_FOUR = [[(0.27, 0.89), (0.27, -0.71), (-0.45, -0.71), (-0.54, 0.0), (0.27, 0.0)]]


def test_a_misread_four_is_taught_adapted_to_and_then_read_as_four(browser, app_url, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    try:
        page = open_app(context, app_url)
        draw_strokes(page, CLOSED_FOUR)
        wait_for_verdict(page, "DNN reads 9 · CNN reads 9")  # answers come while drawing: this is the whole 4's
        page.get_by_text("Teach it your handwriting").click()
        for count in range(1, MIN_TO_ADAPT + 1):
            page.locator("#teach-4").click()
            page.wait_for_function(f"document.querySelector('#teach-kept input').value === '{count}'")
        assert "Kept as a 4" in page.locator("#teach-status").inner_text()
        page.locator("#teach-adapt").click()
        # the first adaptation reads MNIST's test and replay digits first; a busy 2-core machine needs a while
        page.wait_for_function("document.querySelector('#teach-report').innerText.includes('before → after')",
                               timeout=120_000)
        wait_for_verdict(page, "DNN reads 4 · CNN reads 4")
        assert "MNIST test digits" in page.locator("#teach-report").inner_text()
        page.screenshot(path=shots / "tab1-teach.png", full_page=True)
        page.locator("#teach-undo").click()
        wait_for_verdict(page, "DNN reads 9 · CNN reads 9")
    finally:
        context.close()
