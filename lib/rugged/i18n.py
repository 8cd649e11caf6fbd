"""The course's languages: English (the source) and Chinese (中文).

Every string the library shows a student (figure titles, labels and legends, panel controls
and status lines, exercise feedback, printed tables and verdicts) is written in English and
passed through `tr` where it is shown:

    ax.set_title(tr("Loss along the path"))
    print(tr("{name} reaches the minimum in {steps} steps").format(name=name, steps=n))

`tr` returns the string itself in English and its translation from the package's catalog
(`rugged/locale/<lang>.mo`, compiled from the `.po` files beside it by `tools/i18n.py`)
otherwise. Messages are literals, so that `tools/i18n.py` can list them; numbers and names are
filled in with `str.format` after translation.

The language is, in this order: the last `set_language(...)` (or `style.use(lang=...)`); the
environment variable RUGGED_LANG; "zh" when the kernel runs in a folder named `zh` (where the
Chinese notebooks live: Jupyter, nbval and the browser edition all start a notebook's kernel
in the notebook's folder); otherwise English.
"""

import gettext
import os
from importlib import resources

LANGUAGES = ("en", "zh")
DEFAULT = "en"
# the folder a Chinese notebook lives in (notebooks/zh/)
FOLDERS = {"zh": "zh"}

_state = {"lang": None}
_catalogs = {}


def _check(lang):
    if not isinstance(lang, str) or lang.strip().lower() not in LANGUAGES:
        raise ValueError(f"Invalid language: {lang!r} (choose one of {', '.join(map(repr, LANGUAGES))})")
    return lang.strip().lower()


def _from_folder():
    try:
        parts = os.path.normpath(os.getcwd()).split(os.sep)
    except OSError:
        return None
    for lang, folder in FOLDERS.items():
        if parts and parts[-1] == folder:
            return lang
    return None


def language():
    """The language the library speaks now: "en" or "zh"."""
    if _state["lang"] is not None:
        return _state["lang"]
    env = os.environ.get("RUGGED_LANG", "").strip()
    if env:
        return _check(env)
    return _from_folder() or DEFAULT


def set_language(lang=None):
    """Speak `lang` ("en" or "zh") from now on; None goes back to the automatic choice."""
    _state["lang"] = None if lang is None else _check(lang)
    _use_fonts()
    return language()


def catalog(lang):
    """The compiled catalog of `lang` (a gettext translations object); English has none."""
    lang = _check(lang)
    if lang == DEFAULT:
        return gettext.NullTranslations()
    if lang not in _catalogs:
        path = resources.files("rugged") / "locale" / f"{lang}.mo"
        with path.open("rb") as stream:
            _catalogs[lang] = gettext.GNUTranslations(stream)
    return _catalogs[lang]


def tr(message):
    """`message` (an English literal) in the current language."""
    lang = language()
    if lang == DEFAULT:
        return message
    return catalog(lang).gettext(message)


def ntr(singular, plural, n):
    """The singular or plural form for the count `n`, in the current language."""
    lang = language()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return catalog(lang).ngettext(singular, plural, n)


def truth(value):
    """A yes-or-no value printed inside a sentence ("converged: True"): the value itself in English
    (so it prints as Python prints it), "是" or "否" in Chinese."""
    if language() == DEFAULT:
        return value
    return tr("yes") if value else tr("no")


def series(items):
    """Names in a row as a sentence lists them: "A, B, C" in English, "A、B、C" in Chinese."""
    items = [str(item) for item in items]
    if not items:
        return ""
    text = items[0]
    for item in items[1:]:
        text = tr("{first}, {second}").format(first=text, second=item)
    return text


def tidy(text):
    """`text` with the spaces between two Chinese characters taken out, and those beside full-width
    punctuation: a name filled into a Chinese sentence ("{what} 在第 9 步发散") keeps the space it
    needs beside a Latin word ("Adam 在第 9 步") and loses the one it does not ("重球在第 9 步",
    "（…） + 预热" → "（…）+ 预热"). English text is returned as it is. Not for a table's
    padded lines."""
    text = str(text)
    if language() == DEFAULT:
        return text
    import re
    cjk, punctuation = "\u2e80-\u9fff\uff00-\uffef", "\u3000-\u303f\uff00-\uffef"
    text = re.sub(rf"(?<=[{cjk}]) +(?=[{cjk}])", "", text)
    return re.sub(rf"(?<=[{punctuation}]) +| +(?=[{punctuation}])", "", text)


def wide(char):
    """A full-width character: a CJK ideograph or full-width punctuation (，。（）：), which a
    monospaced output draws two columns wide and Chinese text sets without spaces."""
    import unicodedata
    return unicodedata.east_asian_width(char) in "WF"


def display_width(text):
    """How many columns `text` takes in a monospaced output: a CJK character (or a full-width
    form) takes two, as browsers and terminals draw it."""
    return sum(2 if wide(c) else 1 for c in str(text))


def pad(text, width, align="<"):
    """`text` padded with spaces to `width` display columns ("<" left, ">" right, "^" centre),
    like format(text, f"{align}{width}") for text that may hold Chinese."""
    text = str(text)
    room = max(0, width - display_width(text))
    if align == ">":
        return " " * room + text
    if align == "^":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


# Chinese figures: a subset of Noto Sans CJK SC (SIL Open Font Licence; made by
# tools/make_cjk_font.py, with the glyphs the catalogs and the figures use) ships in the
# package. In English it follows DejaVu Sans in matplotlib's font list, so figures look as
# they always did and a Chinese character (the glossary's) comes from it. In Chinese it comes
# first: matplotlib draws the plain text of a label that also holds maths ("学习率 $\eta$")
# with the first font only, so that font must have the Chinese glyphs (and Latin ones).
CJK_FONT = "rugged-cjk-sc.otf"
CJK_FONTS = (CJK_FONT, "rugged-cjk-sc-bold.otf")
CJK_FAMILY = "Rugged CJK SC"
LATIN_FAMILY = "DejaVu Sans"


def font_path():
    """The path of the Chinese font that ships with the package."""
    return resources.files("rugged") / "fonts" / CJK_FONT


def _use_fonts():
    """Register the package's Chinese font (once) and order the font list for the language."""
    import matplotlib as mpl
    from matplotlib import font_manager
    if CJK_FAMILY not in {font.name for font in font_manager.fontManager.ttflist}:
        for name in CJK_FONTS:
            font_manager.fontManager.addfont(str(resources.files("rugged") / "fonts" / name))
    families = [f for f in mpl.rcParams["font.family"] if f not in (CJK_FAMILY, LATIN_FAMILY, "sans-serif")]
    pair = [CJK_FAMILY, LATIN_FAMILY] if language() == "zh" else [LATIN_FAMILY, CJK_FAMILY]
    mpl.rcParams["font.family"] = pair + families
