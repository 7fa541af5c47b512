"""gradio's side of the text catalogue (i18n/): static text as gr.I18n keys, the request's language, the switch.

    T = Texts("draw")                     # i18n.Texts, and T["tab"] for gradio components
    gr.Tab(T["tab"])                      # static text: the browser shows it in its language (gradio's gr.I18n)
    T.say("seen", language(request), n=3) # text a handler returns: made on the server, in the request's language
    T.static("note", n=MAX)               # static text with figures known when the page is built

Static text goes through gradio 6's gr.I18n, whose tables are the locale files
(with English filling any key a locale lacks): the page picks the language from
the browser's (navigator.language), and the switch at the top of the page
changes it at once, without a reload. gr.I18n translates only what the page
was built with, and a handler's I18nData when it returns one unformatted; a
message with figures in it, a plot's titles or a table's headers are made by
the handler in the language of the request that asked (`language`): the
switch's cookie, else the browser's Accept-Language, else English. API
clients choose with either header (gradio_client: `Client(url, headers=
{"Accept-Language": "ko"})`).
"""
import hashlib
import json

import gradio as gr
from gradio.i18n import I18nData

import i18n
from i18n import COOKIE, DEFAULT, LANGUAGES, TABS, class_name, kind_title, say

__all__ = ["CLASS_NAMES", "DEFAULT", "I18N", "KIND_TITLES", "LANGUAGES", "TABS", "Texts", "class_name", "examples",
           "kind_title", "language", "say", "static", "switch", "translated", "wire"]



def tables(catalogue: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """gradio's translation tables for a catalogue: every language complete (the keys its file lacks in English),
    each text as i18n.text gives it (tabs named by their numbers)."""
    return {code: {key: i18n.with_tab_numbers(texts.get(key) or english) for key, english in catalogue[DEFAULT].items()}
            for code, texts in catalogue.items()}


# app.py passes it to launch(). Besides the app's own keys it holds "common.complete", which gradio 6.31's status
# tracker says to screen readers when an event finishes but its own tables lack (a hidden live region read the key).
I18N = gr.I18n(**tables(i18n.CATALOGUE))


class Texts(i18n.Texts):
    """A module's strings, also as gradio's I18nData for the components it builds."""

    def __getitem__(self, name: str) -> I18nData:
        return I18nData(self.key(name))

    def tab(self, name: str, position: int) -> I18nData:
        """The title of a tab at `position` (from 0), numbered as the page shows it: "3 · Retrain"."""
        return static({code: i18n.numbered(position, self.say(name, code)) for code in LANGUAGES}, self.key(name))

    def static(self, name: str, /, **values) -> I18nData:
        """Static text whose `{fields}` are known when the page is built: each language's text, formatted, under a
        key of its own in gradio's tables."""
        return static(self.each(name, **values), self.key(name))


def static(texts: dict[str, str], stem: str = "static") -> I18nData:
    """Text made when the page is built, one string per language, as a key of its own in gradio's tables."""
    key = f"{stem}#{hashlib.sha1(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:8]}"
    for code, text in texts.items():
        I18N.translations[code][key] = text
    return I18nData(key)


def translated(text, language: str) -> str:
    """`text` in `language`: an I18nData looked up in gradio's tables (static keys too), a string as it is."""
    if isinstance(text, I18nData):
        return I18N.translations.get(language, {}).get(text.key) or I18N.translations[DEFAULT].get(text.key, text.key)
    return str(text)


def examples(samples: list, inputs: list, label: I18nData) -> gr.Examples:
    """gr.Examples under a translated heading (gradio's own "Examples" stays English) and without column headers:
    gradio 6.31 makes them from the inputs' labels and translates a component's label, info, placeholder,
    description, title and value only, so I18nData labels showed as raw `__i18n__{…}` text."""
    made = gr.Examples(samples, inputs, label=label)
    made.dataset.headers = []
    return made


# the registry's kinds and classes, as gradio components show them (i18n says them in a handler's text)
KIND_TITLES, CLASS_NAMES = Texts("kind"), Texts("class")


def language(request: gr.Request | None) -> str:
    """The language a request asks for (i18n.choose): the switch's cookie, else Accept-Language, else English."""
    headers = getattr(request, "headers", None) or {}
    return i18n.choose(headers.get("cookie", ""), headers.get("accept-language", ""))


# The switch: gradio 6.31 keeps the page's locale in a store of its core module and offers no call to change it
# from outside, so this imports that module (the page loaded it; the browser returns the same instance) and calls
# its changeLocale. It also keeps the choice in a cookie, which the server reads (`language`) and the next visit
# restores. A locale changed after the page has loaded leaves the titles of tabs that were not shown yet as they
# were (gradio translates those once, when the page starts): `relabel` writes them from TABS, the tab titles in
# every language, now and whenever gradio draws tab buttons again. tests/test_browser_i18n.py checks the page.
_APPLY = """
  const tabs = TABS;
  const relabel = () => {
    const lang = Math.max(0, CODES.indexOf(document.documentElement.lang));
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
""".replace("COOKIE", COOKIE).replace("CODES", json.dumps(list(LANGUAGES))).replace("DEFAULT", json.dumps(DEFAULT))
# on load: ?lang= in the address (a teacher's link), else the cookie, else the browser's language
_LOAD_JS = """
async () => {""" + _APPLY + """
  const saved = (document.cookie.match(/(?:^|; )COOKIE=(\\w+)/) || [])[1];
  const asked = new URLSearchParams(location.search).get('lang') || saved;
  const wanted = (asked || navigator.language || DEFAULT).slice(0, 2);
  const lang = CODES.includes(wanted) ? wanted : DEFAULT;
  if (asked) await apply(lang);
  else document.documentElement.lang = lang;
  return lang;
}""".replace("COOKIE", COOKIE).replace("CODES", json.dumps(list(LANGUAGES))).replace("DEFAULT", json.dumps(DEFAULT))
_SWITCH_JS = "async (lang) => {" + _APPLY + "  await apply(lang);\n  return lang;\n}"


def switch() -> gr.Radio:
    """The visible language switch; each language named in itself, so every reader finds theirs. `wire` makes it
    work once every tab is built."""
    return gr.Radio([(name, code) for code, name in LANGUAGES.items()], value=DEFAULT,
                    label=" · ".join(i18n.say("page.language", code) for code in LANGUAGES),
                    elem_id="language", container=False, show_label=False, scale=0, min_width=170)


def wire(demo: gr.Blocks, radio: gr.Radio) -> None:
    """The switch changes the page's language; on load it shows the page's language (and applies a ?lang= or a
    saved choice)."""
    titles = [[I18N.translations[code].get(block.label.key, "") for code in LANGUAGES]
              for block in demo.blocks.values() if isinstance(block, gr.Tab) and isinstance(block.label, I18nData)]
    tabs = json.dumps(titles, ensure_ascii=False)
    radio.input(None, radio, radio, js=_SWITCH_JS.replace("TABS", tabs), api_name=False, queue=False)
    demo.load(None, None, radio, js=_LOAD_JS.replace("TABS", tabs), api_name=False, queue=False)
