"""Teacher links: URL query parameters that open a tab with given settings, some of them locked.

    /?tab=retrain&model=dnn&init=zeros&epochs=5&lock=init,epochs
    /?tab=board&code=K7M2QX9P

Every parameter is checked against the Retrain tab's own settings (ui/settings.py)
and the registry; one that is unknown or out of range is left out and named in
a note on the page, never an error, so a mistyped link still opens the app.
`settings_query` builds the query from the tab's current controls for the
"copy a link" button; the browser puts its own address in front (COPY).

Locks hold on the server too: the page records a link's locks under the student's session (ui/sessions.py, which
outlives a reload) and /train refuses a locked control at any other value, from the page or the API. A link the
copy button makes for a teacher of a class is signed (`sig`, an HMAC of its parameters, the class code among them,
under the server's secret, ui/board/store.py `Board.secret`, shared by replicas through the database): its locks
replace the session's, a teacher's next worksheet. Any other link is unsigned: it may add locks but never changes
or frees a locked value.
"""
import hashlib
import hmac
import json
import math
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode

from models import registry
from ui import i18n, settings
from ui.board.store import BoardError, check_code

# gradio's own (?view=api; __theme=dark and the like start with _), and lang, which the page reads itself on load
# (ui/i18n.py LOAD_JS): a teacher's link may carry lang=ko
GRADIO_PARAMETERS = ("view", "lang")
SECRET = "teacher-links"  # the name of the server's secret that signs links (ui/board/store.py Board.secret)

T = i18n.Texts("links")


def controls() -> tuple[str, ...]:
    """The link's name of each Retrain control, in the order the tab shows them: the model, then each setting."""
    return ("model", *(setting.link for setting in settings.on_page()))


class Invalid(ValueError):
    """A link value that is wrong: what it must be, as a key of T and its fields, so a note can say it in any
    language; str() is the English."""

    def __init__(self, key: str, **values):
        super().__init__(T.say(key, "en", **values))
        self.key, self.values = key, values

    def say(self, language: str) -> str:
        return T.say(self.key, language, **self.values)


# the copy button's second step, in the browser: the page's address + the query (+ lang=<code> when the page is not
# in the default language, ui/i18n.py sets <html lang>), put on the clipboard
COPY = """(query) => {
    if (!query || !query.startsWith("?")) return query;
    const lang = document.documentElement.lang !== DEFAULT ? `&lang=${document.documentElement.lang}` : "";
    const url = window.location.origin + window.location.pathname + query + lang;
    try { navigator.clipboard.writeText(url).catch(() => {}); } catch (error) {}
    return url;
}""".replace("DEFAULT", json.dumps(i18n.DEFAULT))


@dataclass
class Opened:
    tab: str | None = None
    values: dict = field(default_factory=dict)  # Retrain control's link name (controls()) → the component's value
    locked: list[str] = field(default_factory=list)
    code: str | None = None
    ignored: list[tuple[str, dict]] = field(default_factory=list)  # (key of T, its fields): said in any language
    signed: bool = False  # the link carried a valid signature of the server's (see `sign`)

    @property
    def note(self) -> str:
        return self.note_in("en")

    def note_in(self, language: str) -> str:
        """What the page says about the link, in `language`: what it ignored, what the teacher locked."""
        parts = []
        if self.ignored:
            said = [T.say(key, language, **{k: v.say(language) if isinstance(v, Invalid) else v
                                            for k, v in values.items()}) for key, values in self.ignored]
            parts.append(T.say("note", language, ignored="; ".join(said)))
        if self.locked:
            # in English their link names, in Korean the names the tab shows
            names = ", ".join(settings.short_name(name, language) for name in self.locked)
            parts.append(T.say("locked_note", language, names=names))
        return "\n\n".join(parts)


def _signature(params: dict[str, str], secret: bytes) -> str:
    text = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def sign(query: str, secret: bytes) -> str:
    """`query` (as settings_query makes it, "?…") with its signature appended: `parse` with the same secret then
    trusts its locks."""
    pairs = (pair.split("=", 1) for pair in query.lstrip("?").split("&") if "=" in pair)
    params = {unquote_plus(k).strip().lower(): unquote_plus(v).strip() for k, v in pairs}
    return f"{query}&sig={_signature(params, secret)}"


def parse(params: dict[str, str], secret: bytes | None = None) -> Opened:
    """What a link's query parameters ask for, each value checked; what is wrong goes to `ignored`. With the
    server's `secret`, `signed` says whether the link carries its valid signature (`sign`).

    gradio's own parameters, and `lang` (the page reads it itself, ui/i18n.py LOAD_JS), pass quietly."""
    opened = Opened()
    params = {str(k).strip().lower(): str(v).strip() for k, v in params.items()}
    params = {k: v for k, v in params.items() if not k.startswith("_") and k not in GRADIO_PARAMETERS}
    signature = params.pop("sig", "")
    opened.signed = secret is not None and hmac.compare_digest(signature, _signature(params, secret))
    if "tab" in params:
        tab = params.pop("tab").lower()
        if tab in i18n.TABS:
            opened.tab = tab
        else:
            opened.ignored.append(("ignored_value", dict(name="tab", value=tab, why=_one_of(i18n.TABS))))
    if "code" in params:
        try:
            opened.code = check_code(params.pop("code"))
        except BoardError as error:
            opened.ignored.append(("ignored_value", dict(name="code", value="…", why=str(error))))
    kind = registry.get(settings.FIRST_KIND)
    if "model" in params:
        value = params.pop("model").lower()
        if value in registry.retrainable():
            kind = registry.get(value)
            opened.values["model"] = value
        else:
            opened.ignored.append(("ignored_value", dict(name="model", value=value,
                                                         why=_one_of(registry.retrainable()))))
    lock = [n.strip().lower() for n in params.pop("lock", "").split(",") if n.strip()]
    for name, value in params.items():
        if settings.by_link(name) is None:
            opened.ignored.append(("ignored_unknown", dict(name=name)))
            continue
        try:
            opened.values[name] = _value(settings.by_link(name), value, kind)
        except Invalid as error:
            opened.ignored.append(("ignored_value", dict(name=name, value=value, why=error)))
    for name in lock:
        if name in controls():
            opened.locked.append(name)
        else:
            opened.ignored.append(("ignored_lock", dict(name=name)))
    if (opened.values or opened.locked) and opened.tab is None:
        opened.tab = "retrain"
    return opened


def locked_values(opened: Opened) -> dict:
    """Each locked control's value (link name → the control's value): the link's, else the control's first value
    for the link's kind."""
    kind = registry.get(opened.values.get("model", settings.FIRST_KIND))
    return {name: opened.values[name] if name in opened.values else
            (kind.name if name == "model" else settings.by_link(name).first(kind)) for name in opened.locked}


def _value(setting: settings.Setting, text: str, kind):
    """The control's value for `setting` given as `text` in a link, or Invalid saying what it must be."""
    if setting.form == "choice":
        if text not in setting.choices:
            raise _one_of(setting.choices)
        return text
    if setting.form == "flag":
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise Invalid("must_be_flag")
        return text.lower() in ("true", "1", "yes")
    low, high = setting.low, setting.highest(kind)
    if setting.log10:  # a link gives the rate itself (lr=0.003); the slider holds its power of ten, in steps
        number = _number(text, setting.to_setting(low), setting.to_setting(high), False)
        return round(setting.to_control(number) / setting.step) * setting.step
    return _number(text, low, high, setting.form == "whole")


def _number(text: str, low: float, high: float, whole: bool):
    why = Invalid("must_be_whole" if whole else "must_be_number", low=low, high=high)
    try:
        number = float(text)
    except ValueError:
        raise why from None
    if not math.isfinite(number) or not low <= number <= high or (whole and number != round(number)):
        raise why
    return int(number) if whole else number


def _one_of(choices) -> Invalid:
    return Invalid("must_be_one_of", choices=", ".join(choices))


def settings_query(*values, locked: list[str] = ()) -> str:
    """The query of a link to the Retrain tab with these control values (in controls()' order), locking the
    controls named in `locked` (their link names)."""
    chosen = dict(zip(controls(), values, strict=True))
    kind = registry.get(chosen["model"] if chosen["model"] in registry.retrainable() else settings.FIRST_KIND)
    query = {"tab": "retrain", "model": kind.name}
    for name, value in chosen.items():
        setting = settings.by_link(name)
        if setting is None or value is None or not setting.shown_for(kind):
            continue  # the model, named above; or a control this kind does not have
        if setting.log10:
            value = f"{setting.to_setting(float(value)):.3g}"
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, float) and value == round(value) and setting.form == "whole":
            value = int(value)
        query[name] = value
    locked = [name for name in controls() if name in (locked or ()) and (name == "model" or name in query)]
    if locked:
        query["lock"] = ",".join(locked)
    return "?" + urlencode(query, safe=",")
