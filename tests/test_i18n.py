"""Every string the page is built with exists in English and Korean (issue #13), and requests choose their language.

`untranslated()` walks the built app's config, the way the browser receives
it: a label, a Markdown text, a button, a tab or a choice that is neither a
gr.I18n key nor free of words fails the test, listed by tab.

    python -m tests.test_i18n   # prints what is left, by tab
"""
import json
import re

import pytest

import i18n as catalogue
from i18n import particles
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


def test_korean_has_every_key_and_each_locale_the_fields_of_the_english():
    english, korean = catalogue.CATALOGUE["en"], catalogue.CATALOGUE["ko"]
    assert english.keys() == korean.keys()  # Korean is complete; another language may start with a few keys
    fields = re.compile(r"\{(\w*)[^{}]*\}")
    for code, texts in catalogue.CATALOGUE.items():
        for key, text in texts.items():
            assert key in english and text.strip(), (code, key)
            assert sorted(fields.findall(english[key])) == sorted(fields.findall(text)), (code, key)


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


def test_texts_format_in_the_asked_language_and_refuse_a_key_english_lacks():
    texts = i18n.Texts("draw-answer")
    assert texts.say("reads", "ko", kind="CNN", answer="7") == "CNN의 답: **7**"
    assert texts.say("reads", "en", kind="CNN", answer="7") == "CNN reads **7**"
    assert texts.say("reads", "de", kind="CNN", answer="7") == "CNN reads **7**"  # a language we lack: English
    assert str(texts["reads"]).startswith("__i18n__")
    with pytest.raises(KeyError):
        texts.say("no-such-key", "en")
    with pytest.raises(KeyError):
        i18n.Texts("no-such-prefix")


def test_a_third_language_is_one_file_and_its_name_and_says_english_where_it_has_no_string(tmp_path, monkeypatch):
    """What a teacher adding Japanese does: a locale file with the strings they have so far, and the name in
    LANGUAGES. Nothing else in the code names a language."""
    for code in ("en", "ko"):
        (tmp_path / f"{code}.json").write_text((catalogue.LOCALES / f"{code}.json").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    (tmp_path / "ja.json").write_text(json.dumps({"draw-answer.reads": "{kind}の答え: **{answer}**"}), encoding="utf-8")
    monkeypatch.setattr(catalogue, "LOCALES", tmp_path)
    monkeypatch.setattr(catalogue, "LANGUAGES", {**catalogue.LANGUAGES, "ja": "日本語"})
    monkeypatch.setattr(catalogue, "CATALOGUE", catalogue.read_locales(catalogue.LANGUAGES))
    texts = catalogue.Texts("draw-answer")
    assert texts.say("reads", "ja", kind="CNN", answer="7") == "CNNの答え: **7**"  # its own string
    assert texts.say("no_model", "ja") == texts.say("no_model", "en")  # English where it has none yet
    assert catalogue.choose("", "ja-JP,ja;q=0.9") == "ja" and catalogue.choose("playground-language=ja", "") == "ja"
    page = i18n.tables(catalogue.CATALOGUE)  # what gradio shows: every key, Japanese where there is one
    assert page["ja"]["draw-answer.reads"] == "{kind}の答え: **{answer}**"
    assert page["ja"]["draw.tab"] == page["en"]["draw.tab"] and page.keys() == {"en", "ko", "ja"}


if __name__ == "__main__":
    import app

    for tab, items in untranslated(app.demo).items():
        print(f"{tab}:\n  " + "\n  ".join(items))


@pytest.mark.parametrize("word, form, said", [
    ("DNN", "이(가)", "DNN이"), ("GRU", "이(가)", "GRU가"), ("**긍정**", "(으)로", "**긍정**으로"),
    ("<b>숫자 아님</b>", "(으)로", "<b>숫자 아님</b>으로"), ("바지", "(으)로", "바지로"), ("샌들", "(으)로", "샌들로"),
    ("7", "(으)로", "7로"), ("3", "(으)로", "3으로"), ("이미지", "은(는)", "이미지는"),
    ("“지만”", "(으)로", "“지만”으로"),
])
def test_a_korean_particle_fits_the_word_before_it(word, form, said):
    assert particles.after(word, form) == said
    assert particles.attach(f"실제로 {word}{form} 읽은 경우") == f"실제로 {said} 읽은 경우"


def test_no_korean_text_shows_a_particle_written_both_ways():
    """Every text with a field is said with the particle that fits (i18n.say); the locale files write both forms
    only right after a field."""
    both = re.compile("|".join(map(re.escape, particles.FORMS)))
    for key, text in catalogue.read_locales()["ko"].items():
        for found in both.finditer(text):
            assert text[:found.start()].endswith(("}", "}**", "}`", "}”", "}</b>")), (key, text)


def test_example_tables_have_translated_headings_and_no_raw_keys_and_gradio_s_missing_word_is_filled():
    """gradio 6.31 shows a gr.Examples' headers as given (raw `__i18n__{…}` for I18nData labels) and says its own
    key "common.complete" to screen readers, which its tables lack."""
    import app

    datasets = [c["props"] for c in app.demo.get_config_file()["components"] if c["type"] == "dataset"]
    assert datasets and all(not any("__i18n__" in str(h) for h in props["headers"]) for props in datasets)
    assert all("__i18n__" in str(props["label"]) for props in datasets)
    assert i18n.I18N.translations["en"]["common.complete"] == "Complete"
    assert i18n.I18N.translations["ko"]["common.complete"] == "완료"
