"""The teacher's tools in a real browser: a class created on the page shows its QR code and keeps its key out of the
page's text; a board link shows the board at once, and an open board shows a change by itself (its timer)."""
import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow


def test_a_teacher_creates_a_class_and_an_open_board_follows_it_by_itself(context_in, app_url):
    teacher = context_in().new_page()
    teacher.set_default_timeout(60_000)
    teacher.goto(app_url + "?tab=board")
    teacher.get_by_role("tab", name="5 · Class board", selected=True).wait_for()
    teacher.get_by_text("For teachers").click()
    teacher.locator("#board-password input").fill("correct horse")
    teacher.get_by_role("button", name="Create a class").click()
    teacher.locator("#board-qr img").wait_for()
    key_box = teacher.locator("#board-key input")
    key = key_box.input_value()
    assert key_box.get_attribute("type") == "password" and len(key) >= 20
    assert key not in teacher.locator("body").inner_text()  # not in the page's text: it is often projected
    teacher.locator("#board-show-key input").check()
    teacher.wait_for_function(f"document.body.innerText.includes({key!r}) || "
                              f"[...document.querySelectorAll('#board-key textarea, #board-key input')]"
                              f".some(e => e.value === {key!r} && e.type !== 'password')")
    code = teacher.locator("#board-code input, #board-code textarea").first.input_value()

    student = context_in().new_page()
    student.set_default_timeout(60_000)
    student.goto(app_url + f"?tab=board&code={code}")
    student.wait_for_function("(document.querySelector('#board-note')?.innerText || '').includes('0 post(s)')")
    Client(app_url, verbose=False).predict(code, key, api_name="/board_close")
    # nobody touches the student's page: its timer (every 10 s while the tab is open) brings the change
    student.wait_for_function("document.querySelector('#board-note').innerText.includes('closed')", timeout=60_000)
