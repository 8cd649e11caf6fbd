"""The course's look: colour-blind-safe colours, one per optimizer, and a lecture mode for projectors.

Call `use()` once at the top of a notebook. `use(lecture=True)` (or the environment
variable RUGGED_LECTURE=1) switches to the projector look: large fonts and thick lines in
the figures, each figure sized for a 16:9 slide (`plots.new_figure` asks `lecture_figure`),
and, in a notebook, a `<style>` shown by the setup cell that enlarges the markdown, the maths,
the code and the panels' labels, readouts and status lines. Without lecture mode `use()`
shows nothing.
"""

import os
import re

import matplotlib as mpl

# Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
CYCLE = [OKABE_ITO[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

# One colour per optimizer family, the same in every notebook.
FAMILY_COLORS = {
    "GD": OKABE_ITO["black"], "SGD": OKABE_ITO["black"], "Momentum": OKABE_ITO["sky"],
    "Adagrad": OKABE_ITO["orange"], "RMSprop": OKABE_ITO["green"], "RMSProp": OKABE_ITO["green"],
    "Adam": OKABE_ITO["blue"], "AdamW": OKABE_ITO["sky"], "RAdam": OKABE_ITO["purple"],
    "NAdam": OKABE_ITO["vermillion"], "Nesterov": OKABE_ITO["vermillion"],
}

SURFACE_CMAP = "Greys"
MINIMUM_STYLE = dict(marker="*", markersize=16, color=OKABE_ITO["yellow"], markeredgecolor="black", zorder=5)

_BASE = {
    "figure.figsize": (8.0, 4.5), "figure.dpi": 100, "savefig.dpi": 100,
    "axes.prop_cycle": mpl.cycler(color=CYCLE), "axes.grid": True, "grid.alpha": 0.3,
    "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
    "font.size": 11, "lines.linewidth": 1.8, "image.cmap": "viridis",
}
_LECTURE = {"font.size": 15, "axes.titlesize": "medium", "legend.fontsize": "small",
            "xtick.labelsize": "small", "ytick.labelsize": "small", "xtick.major.pad": 5,
            "ytick.major.pad": 5, "lines.linewidth": 3.0, "lines.markersize": 9,
            "figure.figsize": (8.0, 4.5), "savefig.dpi": "figure"}

# A lecture figure is the notebook's figure enlarged by LECTURE_SCALE, so that 15-pt text
# (11 pt in self-study) takes about the share of it that 11-pt text takes of the original and
# nothing that fits there collides here; it is then rendered at the resolution that fits it in
# the part of a 1280×720 slide left under a heading: at most SLIDE_FIGURE_PX wide and high.
LECTURE_SCALE = 1.25
SLIDE_FIGURE_PX = (1200, 540)
# a panel (shown at its pixel width): 1280 px less the prompt and margins of its cell, and clear
# of the slideshow's arrows in the bottom right corner
SLIDE_PANEL_PX = (1080, 520)
LECTURE_DPI = 100

# The page's part of lecture mode: JupyterLab's own sizes (which RISE's slides use too),
# raised for the back row of a lecture hall, for the notebooks on the page. Printed output is
# 16 px, so that a printed table of up to about 120 characters a line fits a 1280-px slide
# without wrapping in the middle of a number. On a slide the cells' prompts are hidden (their
# numbers would be cut at the slide's edge; a figure stays as wide as it was beside them), so
# is RISE's big "?" button (it covers the text
# of a full slide; docs/presenting.md lists the slideshow's keys), and on a larger screen the
# slide's content is zoomed as a whole (1.25× from 1600×900, 1.5× from 1920×1080, 2× from 2560×1440), so a
# slide made for 1280×720 looks the same, only larger.
LECTURE_CSS = """
.jp-Notebook {
  --jp-content-font-size1: 24px; --jp-content-line-height: 1.35;
  --jp-content-font-size3: 1.15em; --jp-content-font-size4: 1.3em; --jp-content-font-size5: 1.5em;
  --jp-content-heading-margin-top: 0.4em; --jp-content-heading-margin-bottom: 0.4em;
  --jp-code-font-size: 18px; --jp-code-line-height: 1.3;
  --jp-widgets-font-size: 21px; --jp-widgets-inline-height: 38px;
  --jp-widgets-inline-label-width: 110px; --jp-widgets-inline-width: 420px;
  --jp-widgets-slider-handle-size: 24px; --jp-widgets-slider-track-thickness: 6px;
}
.jp-Notebook .jp-RenderedMarkdown mjx-container, .jp-Notebook .jp-RenderedHTMLCommon mjx-container { font-size: 100% !important; }
.jp-Notebook .jp-RenderedHTMLCommon p, .jp-Notebook .jp-RenderedHTMLCommon li { font-size: var(--jp-content-font-size1); }
.jp-Notebook .jp-RenderedHTMLCommon td, .jp-Notebook .jp-RenderedHTMLCommon th { font-size: 20px; padding: 2px 8px; }
.jp-Notebook .jp-OutputArea-output pre { font-size: 16px; line-height: 1.3; }
.jp-Notebook .cm-content { white-space: pre-wrap !important; word-break: break-word; overflow-wrap: anywhere !important; flex-shrink: 1 !important; }
.jp-Notebook .widget-readout { min-width: 5.5em; }
.jp-Notebook .widget-html-content, .jp-Notebook .widget-label { font-size: var(--jp-widgets-font-size); }
.jp-Notebook .jupyter-widgets .widget-slider .noUi-handle:focus { outline: 3px solid #0072B2; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none !important; }
.reveal .jp-RenderedImage img { max-width: min(100%, 1080px) !important; }
#help-b { display: none !important; }
@media (min-width: 1600px) and (min-height: 900px) { .reveal .slides section:not(.stack) > * { zoom: 1.25; } }
@media (min-width: 1920px) and (min-height: 1080px) { .reveal .slides section:not(.stack) > * { zoom: 1.5; } }
@media (min-width: 2560px) and (min-height: 1440px) { .reveal .slides section:not(.stack) > * { zoom: 2; } }
"""

_state = {"lecture": False}


def lecture_from_env():
    """Whether $RUGGED_LECTURE asks for lecture mode (set and not 0/false)."""
    return os.environ.get("RUGGED_LECTURE", "").strip().lower() not in ("", "0", "false", "no", "off")


def use(lecture=None, lang=None):
    """Apply the course style; `lecture=True` for the projector look (default: $RUGGED_LECTURE).

    `lang` ("en" or "zh") sets the language of the library's figures, panels and messages
    (default: `i18n.language()`, which is Chinese in the Chinese notebooks' folder). The
    package's Chinese font is registered either way.

    In lecture mode, inside a notebook, the cell shows the page's part of the look (a
    `<style>` output); otherwise nothing is shown.
    """
    from . import i18n
    if lang is not None:
        i18n.set_language(lang)
    if lecture is None:
        lecture = lecture_from_env()
    if not isinstance(lecture, (bool, int)) or isinstance(lecture, float):
        raise TypeError(f"lecture must be True or False, got {type(lecture).__name__} {lecture!r}")
    lecture = bool(lecture)
    mpl.rcParams.update(_BASE)
    if lecture:
        mpl.rcParams.update(_LECTURE)
    _state["lecture"] = lecture
    i18n._use_fonts()
    _draw_once()
    if lecture:
        _show_lecture_css()


def is_lecture():
    """Whether the last `use()` switched lecture mode on."""
    return _state["lecture"]


def lecture_figure(figsize=None, panel=False):
    """(figsize, dpi) of a figure drawn at `figsize` (inches; default: the rc size) in lecture
    mode: LECTURE_SCALE times larger, at the dpi that fits it in SLIDE_FIGURE_PX, or for a
    live panel in SLIDE_PANEL_PX (a panel's picture is not shrunk to the slide as a figure's
    is, and sits right of the cell's prompt)."""
    width, height = mpl.rcParams["figure.figsize"] if figsize is None else figsize
    width, height = width * LECTURE_SCALE, height * LECTURE_SCALE
    box = SLIDE_PANEL_PX if panel else SLIDE_FIGURE_PX
    dpi = min(LECTURE_DPI, box[0] / width, box[1] / height)
    return (width, height), dpi


def _shell():
    """The running IPython shell, or None (IPython is not imported unless something already did)."""
    import sys
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython else None


def _show_lecture_css():
    """Show the lecture `<style>` as the cell's output, when running in a notebook."""
    shell = _shell()
    if shell is None or not getattr(shell, "kernel", None):
        return
    from IPython.display import HTML, display
    display(HTML(f'<style id="rugged-lecture">{LECTURE_CSS}</style>'))


def _draw_once():
    """Draw each notebook figure once, not three times.

    After every cell, pyplot draws each changed figure (a hook meant for windows on screen);
    with the notebook's inline backend that picture is thrown away, and the backend then draws
    the figure twice more to make its PNG: once to measure a tight bounding box, once for the
    picture. The course's figures lay themselves out (constrained layout) and fill their
    canvas, so there is nothing to crop: the backend is told not to measure, and pyplot's hook
    is removed. Other backends are left alone.
    """
    shell = _shell()
    if shell is None or "inline" not in mpl.get_backend():
        return
    import matplotlib.pyplot as plt
    hook = getattr(plt, "_draw_all_if_interactive", None)
    if hook is not None and hook in shell.events.callbacks.get("post_execute", []):
        shell.events.unregister("post_execute", hook)
    from matplotlib_inline.backend_inline import InlineBackend, set_matplotlib_formats
    InlineBackend.instance().print_figure_kwargs["bbox_inches"] = None
    set_matplotlib_formats(*InlineBackend.instance().figure_formats)


def _racer_names():
    """The racers the course names in words rather than by an optimizer's Latin name, as the
    learner reads them: English name → shown name."""
    from .i18n import tr
    return {"Momentum": tr("Momentum"), "SGD + momentum": tr("SGD + momentum"),
            "Adam + warmup": tr("Adam + warmup")}


def racer_name(label):
    """A racer's name or label as shown to the learner: "Momentum", "Momentum β=0.9",
    "Momentum (η = 0.1)" or "SGD + momentum" with the name in the current language and the rest
    as it is (in Chinese "动量 β=0.9"); every other label, and every label in English, unchanged.

    The English name stays the key of the dicts the races use and what `color_of` reads, so
    that the course has one shown name per optimizer and each figure, table and verdict shows it.
    """
    label = str(label)
    for english, shown in sorted(_racer_names().items(), key=lambda item: len(item[0]), reverse=True):
        if label == english or label.startswith(english + " "):
            return shown + label[len(english):]
    return label


def color_of(label, index=0):
    """The colour of an optimizer, found by its family name at the start of `label` (in English or
    as `racer_name` shows it); else the cycle."""
    label = str(label)
    for english, shown in sorted(_racer_names().items(), key=lambda item: len(item[1]), reverse=True):
        if shown != english and (label == shown or label.startswith(shown + " ")):
            label = english + label[len(shown):]
            break
    name = re.split(r"[\s(,:（，：]", label, maxsplit=1)[0]
    for family in sorted(FAMILY_COLORS, key=len, reverse=True):
        if name.replace("Lecture", "") == family:
            return FAMILY_COLORS[family]
    return CYCLE[index % len(CYCLE)]
