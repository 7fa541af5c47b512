"""Each lesson in a real browser: open tab 4 and the lesson, press its one Run button at the defaults, see its plot.

Screenshots of each lesson go to $SCREENSHOT_DIR (default: pytest's temporary
folder) as lesson-<name>.png; docs/ holds the ones the README shows.
"""
import pytest

import i18n
from tests.pages import draw_strokes, open_app, wait_for_verdict
from ui.lessons.layout import LESSONS

pytestmark = pytest.mark.slow

DATA_LESSONS = {"init", "crop", "overfit", "recurrent", "metrics"}  # these read MNIST or SST-2


@pytest.fixture(scope="module")
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = open_app(context, app_url)
    draw_strokes(page, [[(-0.5, -0.4), (0.0, -0.8), (0.5, -0.4), (-0.5, 0.8), (0.6, 0.8)]])  # a two
    wait_for_verdict(page, "CNN reads")  # the weights lesson then shows this drawing
    page.get_by_role("tab", name="4 · Lessons").click()
    yield page
    context.close()


def open_lesson(page, name: str) -> None:
    """Click a lesson's sub-tab; on a narrow screen gradio puts the tabs that do not fit behind a "…" menu."""
    tab = page.locator("#lessons").get_by_role("tab", name=name)
    if not tab.is_visible():
        page.locator("#lessons .overflow-menu button").first.click()
        tab = page.locator("#lessons .overflow-dropdown").get_by_text(name)
    tab.click()


@pytest.mark.parametrize("lesson", [pytest.param(lesson, id=lesson.key, marks=[pytest.mark.data] * (
    lesson.key in DATA_LESSONS)) for lesson in LESSONS])
def test_a_lesson_runs_at_its_defaults_with_one_click_and_shows_its_plot(page, shots, lesson):
    open_lesson(page, i18n.numbered(LESSONS.index(lesson), i18n.say(f"lessons.{lesson.key}_tab", "en")))
    page.locator(f"#run-{lesson.key}").click()
    text = page.locator(f"#text-{lesson.key}")
    page.wait_for_function(f"""() => {{
        const t = document.querySelector('#text-{lesson.key}').innerText.trim();
        return t.length > 40 && !t.startsWith('⏳');
    }}""", timeout=120_000)
    for i in range(lesson.figures):
        page.locator(f"#plot-{lesson.key}-{i} .js-plotly-plot").wait_for(timeout=30_000)
    assert "⚠️" not in text.inner_text()  # no missing data, no error
    if lesson.key == "weights":
        assert "sample seven" not in text.inner_text()  # it shows the drawing made in tab 1
    page.wait_for_timeout(500)  # let plotly finish drawing before the picture
    page.locator(f"#lesson-{lesson.key}").screenshot(path=shots / f"lesson-{lesson.key}.png")
