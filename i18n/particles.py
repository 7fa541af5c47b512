"""Korean particles that change with the sound of the word before them: 이/가, 은/는, 을/를, 과/와, 으로/로.

A Korean text whose field can end either way writes both forms after it, as a Korean form letter does —
"{kind}이(가) 없어요", "{predicted}(으)로 읽은" — and `attach` keeps the one that fits the word the field became:
"DNN이 없어요", "긍정으로 읽은", "GRU가 없어요". i18n.say attaches them in every text it fills.

A word ends "closed" when its last sound is a consonant (a Hangul syllable with a final consonant). Digits and Latin
letters count as read aloud one by one: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔; L 엘, M 엠, N 엔, R 알 end closed, and 1, 7,
8, L and R end in ㄹ, which takes 로 like an open ending. Markup after the word (**, `, quotes, brackets, an HTML
closing tag) is looked past.
"""
import re

FORMS = {"이(가)": ("이", "가"), "은(는)": ("은", "는"), "을(를)": ("을", "를"), "과(와)": ("과", "와"),
         "(으)로": ("으로", "로")}
_CLOSED, _RIEUL = set("013678lmnr"), set("178lr")
_PATTERN = re.compile("(" + "|".join(map(re.escape, FORMS)) + ")")
_MARKUP = re.compile(r"(?:</\w+>|[*`_\"'”’»)\]>])+$")


def ending(word: str) -> str:
    """How `word` ends, looking past markup: "open", "closed", or "rieul" (a final ㄹ); "open" when unknown."""
    word = _MARKUP.sub("", word.rstrip())
    if not word:
        return "open"
    last = word[-1].lower()
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return "open" if final == 0 else "rieul" if final == 8 else "closed"
    if last in _RIEUL:
        return "rieul"
    return "closed" if last in _CLOSED else "open"


def after(word: str, form: str) -> str:
    """`word` followed by the particle of `form` (a key of FORMS) that fits it: after("파일", "은(는)") is "파일은"."""
    closed_form, open_form = FORMS[form]
    sound = ending(word)
    if form == "(으)로":
        return word + (closed_form if sound == "closed" else open_form)
    return word + (open_form if sound == "open" else closed_form)


def attach(text: str) -> str:
    """`text` with each paired particle ("이(가)", "(으)로", …) reduced to the form that fits the word before it."""
    if "(" not in text:
        return text
    pieces = _PATTERN.split(text)  # text, form, text, form, …, text
    out = pieces[0]
    for form, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        out = after(out, form) if out and not out[-1].isspace() else out + form
        out += rest
    return out
