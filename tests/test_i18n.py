"""Every string the page is built with exists in English and Korean (issue #13), and requests choose their language.

`untranslated()` walks the built app's config, the way the browser receives
it: a label, a Markdown text, a button, a tab or a choice that is neither a
gr.I18n key nor free of words fails the test, listed by tab.

    python -m tests.test_i18n   # prints what is left, by tab
"""
import re

import pytest

from ui import i18n

# props the page shows as text, by component type ("value" only where the value is text the app wrote)
SHOWN = ("label", "info", "placeholder", "title")
SHOWN_VALUE = {"markdown", "button", "downloadbutton", "html"}
# words that read the same in both languages: the networks' and data sets' names, units
NEUTRAL = re.compile(r"\b(DNN|CNN|RNN|LSTM|GRU|MLP|MNIST|Fashion-MNIST|SST-2|NSMC|PNG|JPEG|px|ms)\b")


def _has_words(text: str) -> bool:
    """Whether `text` holds a word of a language (two letters or more), names of networks and units aside."""
    text = re.sub(r"<[^>]+>", " ", NEUTRAL.sub(" ", text))  # tags are not shown
    return re.search(r"[A-Za-z]{2,}|[\uac00-\ud7a3]", text) is not None


def _texts(component: dict) -> list[tuple[str, str]]:
    props, kind = component.get("props", {}), component["type"]
    found = [(name, props.get(name)) for name in SHOWN]
    if kind in SHOWN_VALUE:
        found.append(("value", props.get("value")))
    for choice in props.get("choices") or []:
        found.append(("choice", choice[0] if isinstance(choice, list | tuple) else choice))
    return [(name, value) for name, value in found if isinstance(value, str) and value]


def untranslated(demo) -> dict[str, list[str]]:
    """What the built page shows that is no gr.I18n key and has words, by tab."""
    config = demo.get_config_file()
    components = {c["id"]: c for c in config["components"]}
    tab_of: dict[int, str] = {}

    def walk(node, tab):
        component = components.get(node["id"])
        if component and component["type"] == "tabitem":
            label = component["props"].get("label") or ""
            tab = getattr(label, "key", None) or str(label)  # an I18nData until the config is sent
        tab_of[node["id"]] = tab
        for child in node.get("children", []):
            walk(child, tab)

    walk(config["layout"], "page")
    left: dict[str, list[str]] = {}
    for component in config["components"]:
        if component["type"] == "state" or component["props"].get("elem_id") == "language":
            continue  # the switch names each language in itself
        for name, text in _texts(component):
            if "__i18n__" not in text and _has_words(text):
                left.setdefault(tab_of.get(component["id"], "page"), []).append(
                    f"{component['type']} {component['props'].get('elem_id') or ''} {name}: {text[:70]!r}")
    return left


def test_every_string_the_page_is_built_with_has_english_and_korean():
    import app

    left = untranslated(app.demo)
    assert not left, "\n".join(f"{tab}:\n  " + "\n  ".join(items) for tab, items in left.items())


def test_every_key_has_both_languages_and_the_same_fields():
    english, korean = i18n.I18N.translations["en"], i18n.I18N.translations["ko"]
    assert english.keys() == korean.keys()
    fields = re.compile(r"\{(\w*)[^{}]*\}")
    for key in english:
        assert korean[key].strip(), key
        assert sorted(fields.findall(english[key])) == sorted(fields.findall(korean[key])), key


class FakeRequest:
    def __init__(self, **headers):
        self.headers = headers


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, "en"),
    ({"accept-language": "ko-KR,ko;q=0.9,en-US;q=0.8"}, "ko"),
    ({"accept-language": "fr-FR,fr;q=0.9,ko;q=0.8"}, "ko"),  # the first language we have
    ({"accept-language": "fr-FR,de;q=0.9"}, "en"),
    ({"accept-language": "ko", "cookie": "playground-language=en"}, "en"),  # the switch wins
    ({"cookie": "other=1; playground-language=ko"}, "ko"),
    ({"cookie": "playground-language=xx"}, "en"),  # an unknown choice is ignored
    ({"cookie": "\x00;;=="}, "en"),
])
def test_a_request_s_language_comes_from_the_switch_then_the_browser(headers, expected):
    assert i18n.language(FakeRequest(**headers)) == expected
    assert i18n.language(None) == "en"


def test_texts_refuse_a_missing_translation_and_format_in_the_asked_language():
    with pytest.raises(ValueError):
        i18n.Texts("test-missing", greeting=("Hello", ""))
    texts = i18n.Texts("test-format", seen=("{n} strokes", "획 {n}개"))
    assert texts.say("seen", "ko", n=3) == "획 3개"
    assert texts.say("seen", "en", n=3) == "3 strokes"
    assert texts.say("seen", "de", n=3) == "3 strokes"  # a language we lack: English
    assert str(texts["seen"]).startswith("__i18n__")


if __name__ == "__main__":
    import app

    for tab, items in untranslated(app.demo).items():
        print(f"{tab}:\n  " + "\n  ".join(items))
