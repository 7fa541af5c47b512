"""The page in Korean and English in a real browser (issue #13): the browser's language picks it, the switch
changes it at once and is remembered, a teacher's link can ask for it, and the server answers in it too.

Hangul needs a font in the browser: Debian's fonts-noto-cjk (.ci/run installs it); the screenshot shows it.
"""
import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import app
from tests.pages import ONE, draw_strokes, open_app, wait_for_pad
from ui import i18n

pytestmark = pytest.mark.slow

HANGUL = r"/[\uac00-\ud7a3]/"
# what a page in each language shows: its title, its verdict (a JavaScript regular expression it matches, and a
# Python one of the other language it must not), the pad's own words (the canvas's label, then its two buttons),
# and the name of its screenshot
TITLE = {"ko": "딥러닝 놀이터", "en": "Deep-learning playground"}
VERDICT = {"ko": HANGUL, "en": "/CNN reads/"}
NOT_IN_VERDICT = {"ko": r"reads", "en": r"[\uac00-\ud7a3]"}
PAD_WORDS = {"ko": ["그림판: 마우스, 손가락, 펜으로 숫자 하나를 그려 보세요", "↶ 되돌리기", "모두 지우기"],
             "en": ["Drawing pad: draw one digit with a mouse, a finger or a pen", "↶ Undo", "Clear"]}
SCREENSHOT = {"ko": "korean.png", "en": "english.png"}


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


def pad_words(page) -> list[str]:
    pad = page.locator("#pad")
    buttons = [text.strip() for text in pad.get_by_role("button").all_inner_texts()]
    return [pad.locator("canvas").get_attribute("aria-label"), *buttons]


def wait_for_pad_words(page, language: str) -> None:
    """The pad's words turn to `language`'s (its script follows the page's language as it changes)."""
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what the pad shows instead
        page.wait_for_function("""expected => {
            const pad = document.querySelector('#pad');
            const words = [pad.querySelector('canvas').getAttribute('aria-label'),
                           ...[...pad.querySelectorAll('button')].map(b => b.innerText.trim())];
            return words.join('|') === expected.join('|');
        }""", arg=PAD_WORDS[language], timeout=5_000)
    assert pad_words(page) == PAD_WORDS[language]


def wait_for_verdict_in(page, language: str) -> None:
    page.wait_for_function(f"document.querySelector('#verdict').innerText.match({VERDICT[language]})")


@pytest.mark.parametrize("locale, language", [("ko-KR", "ko"), ("en-US", "en")])
def test_the_browser_s_language_picks_the_page_s_and_the_answers(context_in, app_url, shots, locale, language):
    page = open_app(context_in(locale), app_url)
    wait_for_tabs(page, language)
    assert page.locator("#title").inner_text().strip() == TITLE[language]
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("#language input:checked").get_attribute("value") == language
    wait_for_pad_words(page, language)
    draw_strokes(page, ONE)  # the server's answer: in the language the browser asked for (Accept-Language)
    wait_for_verdict_in(page, language)
    assert not re.search(NOT_IN_VERDICT[language], page.locator("#verdict").inner_text())
    page.screenshot(path=shots / SCREENSHOT[language])


def test_the_switch_changes_the_page_at_once_and_the_next_visit_keeps_it(context_in, app_url):
    context = context_in("en-US")
    page = open_app(context, app_url)
    wait_for_tabs(page, "en")
    page.locator("#language label", has_text="한국어").click()
    wait_for_tabs(page, "ko")  # no reload
    wait_for_pad_words(page, "ko")
    # gradio's own locale changed: its texts follow once it has loaded the language's messages
    page.wait_for_function("document.querySelector('#title').innerText.trim() === '딥러닝 놀이터'")
    assert {"name": i18n.COOKIE, "value": "ko"}.items() <= next(
        c for c in context.cookies() if c["name"] == i18n.COOKIE).items()
    draw_strokes(page, ONE)  # the server reads the switch's cookie, though the browser asks for English
    wait_for_verdict_in(page, "ko")

    page.reload()
    wait_for_pad(page)
    wait_for_tabs(page, "ko")
    wait_for_pad_words(page, "ko")  # a saved choice: the pad's words too
    page.locator("#language label", has_text="English").click()
    wait_for_tabs(page, "en")
    wait_for_pad_words(page, "en")
    draw_strokes(page, ONE)
    wait_for_verdict_in(page, "en")


def test_a_teacher_s_link_can_open_the_page_in_korean(context_in, app_url):
    page = open_app(context_in("en-US"), app_url + "?lang=ko")
    wait_for_tabs(page, "ko")
    assert page.locator("#language input:checked").get_attribute("value") == "ko"
    page.goto(app_url + "?tab=retrain&lang=ko")  # a link copied from that page opens it in Korean too
    page.locator("#copy-link").click()
    page.wait_for_function("document.querySelector('#settings-link textarea').value.startsWith('http')")
    assert page.locator("#settings-link textarea").input_value().endswith("&lang=ko")
