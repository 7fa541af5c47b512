"""Every string the app shows, in English and in Korean, and how each request's language is chosen.

Each module keeps its own strings in one `Texts`, English and Korean side by
side, so a translation is reviewed where the text is used:

    T = Texts("draw", tab=("1 · Draw a digit", "1 · 숫자 그리기"), seen=("{n} strokes", "획 {n}개"))
    gr.Tab(T["tab"])                # static text: the browser shows it in its language (gradio's gr.I18n)
    T.say("seen", language, n=3)   # text a handler returns: formatted on the server, in the request's language
    Texts("draw-limits", note=(f"at most {n}", f"최대 {n}개"))["note"]  # static text with figures known at build

Static text goes through gradio 6's gr.I18n: the page picks the language from
the browser's (navigator.language), and the switch at the top of the page
changes it at once, without a reload. gr.I18n translates only what the page
was built with, and a handler's I18nData when it returns one unformatted; a
message with figures in it, a plot's titles or a table's headers are made by
the handler in the language of the request that asked (`language`): the
switch's cookie, else the browser's Accept-Language, else English. API
clients choose with either header (gradio_client: `Client(url, headers=
{"Accept-Language": "ko"})`).
"""
import json
from http.cookies import CookieError, SimpleCookie

import gradio as gr
from gradio.i18n import I18nData

LANGUAGES = {"en": "English", "ko": "한국어"}  # each named in itself, as a language switch shows them
DEFAULT = "en"
COOKIE = "playground-language"  # set by the switch (SWITCH_JS), sent with every request the page makes
I18N = gr.I18n(en={}, ko={})  # filled by every Texts below; app.py passes it to launch()


class Texts:
    """One module's strings: for each key, its English and its Korean.

    A string may hold `{name}` fields for `say`; static text (`texts[key]`) should have none."""

    def __init__(self, prefix: str, **pairs: tuple[str, str]):
        self.prefix, self.pairs = prefix, pairs
        for key, pair in pairs.items():
            if len(pair) != len(LANGUAGES) or not all(isinstance(s, str) and s for s in pair):
                raise ValueError(f"{prefix}.{key}: give one non-empty string per language {tuple(LANGUAGES)}")
            for lang, text in zip(LANGUAGES, pair, strict=True):
                I18N.translations[lang][f"{prefix}.{key}"] = text

    def __getitem__(self, key: str) -> I18nData:
        if key not in self.pairs:
            raise KeyError(f"{self.prefix}.{key}")
        return I18nData(f"{self.prefix}.{key}")

    def say(self, key: str, language: str, **values) -> str:
        """The string in `language` (English for one it does not know), its fields filled with `values`."""
        pair = self.pairs[key]
        text = pair[1] if language == "ko" else pair[0]
        return text.format(**values) if values else text

    def both(self, key: str) -> tuple[str, ...]:
        return self.pairs[key]


def language(request: gr.Request | None) -> str:
    """The language a request asks for: the switch's cookie, else the first of Accept-Language we have, else English."""
    if request is None:
        return DEFAULT
    headers = getattr(request, "headers", None) or {}
    try:
        chosen = SimpleCookie(headers.get("cookie", "")).get(COOKIE)
    except CookieError:
        chosen = None
    if chosen is not None and chosen.value in LANGUAGES:
        return chosen.value
    for tag in headers.get("accept-language", "").split(","):
        primary = tag.split(";")[0].strip().split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


# The switch: gradio 6.31 keeps the page's locale in a store of its core module and offers no call to change it
# from outside, so this imports that module (the page loaded it; the browser returns the same instance) and calls
# its changeLocale. It also keeps the choice in a cookie, which the server reads (`language`) and the next visit
# restores. A locale changed after the page has loaded leaves the titles of tabs that were not shown yet as they
# were (gradio translates those once, when the page starts): `relabel` writes them from TABS, the tab titles in
# every language, now and whenever gradio draws tab buttons again. tests/test_browser_i18n.py checks the page.
_APPLY = """
  const tabs = TABS;
  const relabel = () => {
    const lang = document.documentElement.lang === 'ko' ? 1 : 0;
    for (const button of document.querySelectorAll('.tab-wrapper button, .overflow-dropdown button')) {
      const text = button.textContent.trim();
      const pair = tabs.find(p => p.includes(text));
      if (pair && text !== pair[lang]) button.textContent = pair[lang];
    }
  };
  const apply = async (lang) => {
    document.cookie = `COOKIE=${lang}; path=/; max-age=31536000; SameSite=Lax`;
    document.documentElement.lang = lang;
    const core = performance.getEntriesByType('resource').map(e => e.name).find(n => /\\/core-[^/]*\\.js$/.test(n));
    if (core) (await import(core)).changeLocale(lang);
    relabel();
    if (!window.playgroundRelabel) {
      window.playgroundRelabel = new MutationObserver(relabel);
      window.playgroundRelabel.observe(document.body, {childList: true, subtree: true});
    }
  };
""".replace("COOKIE", COOKIE)
# on load: ?lang= in the address (a teacher's link), else the cookie, else the browser's language
_LOAD_JS = """
async () => {""" + _APPLY + """
  const saved = (document.cookie.match(/(?:^|; )COOKIE=(\\w+)/) || [])[1];
  const asked = new URLSearchParams(location.search).get('lang') || saved;
  const lang = (asked || navigator.language || 'en').slice(0, 2) === 'ko' ? 'ko' : 'en';
  if (asked) await apply(lang);
  else document.documentElement.lang = lang;
  return lang;
}""".replace("COOKIE", COOKIE)
_SWITCH_JS = "async (lang) => {" + _APPLY + "  await apply(lang);\n  return lang;\n}"


def switch() -> gr.Radio:
    """The visible language switch; each language named in itself, so either reader finds theirs. `wire` makes it
    work once every tab is built."""
    return gr.Radio([(name, code) for code, name in LANGUAGES.items()], value=DEFAULT, label="Language · 언어",
                    elem_id="language", container=False, show_label=False, scale=0, min_width=170)


def wire(demo: gr.Blocks, radio: gr.Radio) -> None:
    """The switch changes the page's language; on load it shows the page's language (and applies a ?lang= or a
    saved choice)."""
    titles = [tuple(I18N.translations[lang].get(block.label.key, "") for lang in LANGUAGES)
              for block in demo.blocks.values() if isinstance(block, gr.Tab) and isinstance(block.label, I18nData)]
    tabs = json.dumps(titles, ensure_ascii=False)
    radio.input(None, radio, radio, js=_SWITCH_JS.replace("TABS", tabs), api_name=False, queue=False)
    demo.load(None, None, radio, js=_LOAD_JS.replace("TABS", tabs), api_name=False, queue=False)


# What the registry (models/registry.py, English: it also names kinds on the command line) calls each kind and class.
KIND_TITLES = Texts("kind", **{
    "dnn": ("DNN (fully connected)", "DNN (완전 연결 신경망)"),
    "cnn": ("CNN (convolutional)", "CNN (합성곱 신경망)"),
    "digit-check": ("Digit or not (detector)", "숫자 판별기 (숫자인지 아닌지)"),
    "rnn": ("RNN (vanilla recurrent)", "RNN (기본 순환 신경망)"),
    "lstm": ("LSTM", "LSTM"),
    "gru": ("GRU", "GRU"),
    "rnn-ko": ("RNN (vanilla recurrent), Korean", "한국어 RNN (기본 순환 신경망)"),
    "lstm-ko": ("LSTM, Korean", "한국어 LSTM"),
    "gru-ko": ("GRU, Korean", "한국어 GRU"),
    "fashion-dnn": ("DNN on Fashion-MNIST", "Fashion-MNIST DNN"),
    "fashion-cnn": ("CNN on Fashion-MNIST", "Fashion-MNIST CNN"),
})
CLASS_NAMES = Texts("class", **{
    "negative": ("negative", "부정"), "positive": ("positive", "긍정"),
    "not a digit": ("not a digit", "숫자 아님"), "digit": ("digit", "숫자"),
    "T-shirt/top": ("T-shirt/top", "티셔츠/상의"), "trouser": ("trouser", "바지"), "pullover": ("pullover", "스웨터"),
    "dress": ("dress", "원피스"), "coat": ("coat", "코트"), "sandal": ("sandal", "샌들"), "shirt": ("shirt", "셔츠"),
    "sneaker": ("sneaker", "운동화"), "bag": ("bag", "가방"), "ankle boot": ("ankle boot", "앵클부츠"),
})


def kind_title(kind: str, language: str) -> str:
    return KIND_TITLES.say(kind, language) if kind in KIND_TITLES.pairs else kind


def class_name(name: str, language: str) -> str:
    """A class as the app shows it: digits as they are, words in `language`."""
    return CLASS_NAMES.say(name, language) if name in CLASS_NAMES.pairs else name
