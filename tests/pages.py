"""The app's page in a real browser: open it, draw on the pad, read the verdict (the fixtures that launch
Chromium and make its contexts are in conftest.py)."""
import io

import numpy as np
from PIL import Image

ONE = [[(0.05, -0.8), (-0.05, 0.8)]]  # a one, as mouse strokes in [-1, 1] around the centre of the pad


def open_app(context, url):
    """A new page of `context` at `url`, once its pad is drawn; `.empty_pad_dark_pixels` counts the empty pad."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_for_pad(page)
    page.empty_pad_dark_pixels = dark_pixels(page)
    return page


def wait_for_pad(page) -> None:
    """Until the pad listens (ui/draw/pad.py marks its canvas data-ready): on a loaded machine the canvas can be
    shown seconds before its script runs, and strokes drawn in between are lost (a CI run timed out so)."""
    page.locator("#pad canvas[data-ready]").wait_for()


def draw_strokes(page, strokes, steps: int = 20):
    """Mouse strokes given in [-1, 1] coordinates around the centre of the pad."""
    box = page.locator("#pad canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    half = 0.4 * min(box["width"], box["height"])
    for stroke in strokes:
        page.mouse.move(cx + stroke[0][0] * half, cy + stroke[0][1] * half)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(cx + x * half, cy + y * half, steps=steps)
        page.mouse.up()


def post_to_board(page, code: str, nickname: str) -> None:
    """Open the class board, post the session's first run to class `code` as `nickname`, and wait for the post."""
    page.get_by_role("tab", name="5 · Class board").click()
    page.locator("#board-code textarea, #board-code input").first.fill(code)
    page.locator("#board-nickname textarea, #board-nickname input").first.fill(nickname)
    page.locator("#board-run input").first.click()
    page.get_by_role("option").first.click()
    page.locator("#board-post").click()
    page.wait_for_function("document.querySelector('#board-note').innerText.includes('1 post(s)')")


def verdict(page):
    return page.locator("#verdict")


def wait_for_verdict(page, text: str) -> str:
    page.wait_for_function(f"document.querySelector('#verdict').innerText.includes({text!r})")
    return verdict(page).inner_text()


def dark_pixels(page) -> int:
    png = page.locator("#pad canvas").screenshot()
    return int((np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 100).sum())
