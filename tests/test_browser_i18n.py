"""The page in Korean and English in a real browser (issue #13): the browser's language picks it, the switch
changes it at once and is remembered, a teacher's link can ask for it, and the server answers in it too.

Hangul needs a font in the browser: Debian's fonts-noto-cjk (.ci/run installs it); the screenshot shows it.
"""
import pytest

import app
from tests.pages import ONE, draw_strokes, open_app
from ui import i18n

pytestmark = pytest.mark.slow

HANGUL = r"/[\uac00-\ud7a3]/"


def tab_titles(language: str) -> list[str]:
    """The main tabs' titles as the page must show them in `language`, read from the built app."""
    config = app.demo.get_config_file()
    components = {c["id"]: c for c in config["components"]}
    tabs = next(node for node in _nodes(config["layout"])
                if components.get(node["id"], {}).get("type") == "tabs")  # the root is the Blocks, no component
    titles = []
    for node in tabs["children"]:
        label = components[node["id"]]["props"]["label"]  # an I18nData until the config is sent
        titles.append(i18n.I18N.translations[language][label.key])
    return titles


def _nodes(node):
    yield node
    for child in node.get("children", []):
        yield from _nodes(child)


def shown_tab_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#main-tabs > .tab-wrapper [role=tab]").all_inner_texts()]


def wait_for_tabs(page, language: str) -> None:
    expected = tab_titles(language)
    page.wait_for_function(
        "expected => [...document.querySelectorAll('#main-tabs > .tab-wrapper [role=tab]')]"
        ".map(t => t.innerText.trim()).join('|') === expected.join('|')", arg=expected)


def test_a_korean_browser_gets_the_page_and_the_answers_in_korean(context_in, app_url, shots):
    page = open_app(context_in("ko-KR"), app_url)
    wait_for_tabs(page, "ko")
    assert page.locator("#title").inner_text().strip() == "딥러닝 놀이터"
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.locator("#language input:checked").get_attribute("value") == "ko"
    draw_strokes(page, ONE)  # the server's answer: in the language the browser asked for (Accept-Language)
    page.wait_for_function(f"document.querySelector('#verdict').innerText.match({HANGUL})")
    assert "reads" not in page.locator("#verdict").inner_text()
    page.screenshot(path=shots / "korean.png")


def test_the_switch_changes_the_page_at_once_and_the_next_visit_keeps_it(context_in, app_url):
    context = context_in("en-US")
    page = open_app(context, app_url)
    wait_for_tabs(page, "en")
    page.locator("#language label", has_text="한국어").click()
    wait_for_tabs(page, "ko")  # no reload
    # gradio's own locale changed: its texts follow once it has loaded the language's messages
    page.wait_for_function("document.querySelector('#title').innerText.trim() === '딥러닝 놀이터'")
    assert {"name": i18n.COOKIE, "value": "ko"}.items() <= next(
        c for c in context.cookies() if c["name"] == i18n.COOKIE).items()
    draw_strokes(page, ONE)  # the server reads the switch's cookie, though the browser asks for English
    page.wait_for_function(f"document.querySelector('#verdict').innerText.match({HANGUL})")

    page.reload()
    page.locator("#pad canvas").wait_for()
    wait_for_tabs(page, "ko")
    page.locator("#language label", has_text="English").click()
    wait_for_tabs(page, "en")
    draw_strokes(page, ONE)
    page.wait_for_function("document.querySelector('#verdict').innerText.includes('CNN reads')")


def test_a_teacher_s_link_can_open_the_page_in_korean(context_in, app_url):
    page = open_app(context_in("en-US"), app_url + "?lang=ko")
    wait_for_tabs(page, "ko")
    assert page.locator("#language input:checked").get_attribute("value") == "ko"
    page.goto(app_url + "?tab=retrain&lang=ko")  # a link copied from that page opens it in Korean too
    page.locator("#copy-link").click()
    page.wait_for_function("document.querySelector('#settings-link textarea').value.startsWith('http')")
    assert page.locator("#settings-link textarea").input_value().endswith("&lang=ko")
