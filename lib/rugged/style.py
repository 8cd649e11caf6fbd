"""The course's look: colour-blind-safe colours, one per optimizer, and a lecture mode for projectors.

Call `use()` once at the top of a notebook. `use(lecture=True)` (or the environment
variable RUGGED_LECTURE=1) switches to large fonts and thick lines for a projector.
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
    "NAdam": OKABE_ITO["vermillion"],
}

SURFACE_CMAP = "Greys"
MINIMUM_STYLE = dict(marker="*", markersize=16, color=OKABE_ITO["yellow"], markeredgecolor="black", zorder=5)

_BASE = {
    "figure.figsize": (8.0, 4.5), "figure.dpi": 100, "savefig.dpi": 100,
    "axes.prop_cycle": mpl.cycler(color=CYCLE), "axes.grid": True, "grid.alpha": 0.3,
    "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
    "font.size": 11, "lines.linewidth": 1.8, "image.cmap": "viridis",
}
_LECTURE = {"font.size": 17, "lines.linewidth": 3.2, "lines.markersize": 9,
            "figure.figsize": (11.0, 6.0), "axes.titleweight": "bold"}


def use(lecture=None):
    """Apply the course style; `lecture=True` for the projector look (default: $RUGGED_LECTURE)."""
    if lecture is None:
        lecture = os.environ.get("RUGGED_LECTURE", "") not in ("", "0", "false", "False")
    mpl.rcParams.update(_BASE)
    if lecture:
        mpl.rcParams.update(_LECTURE)
    _draw_once()


def _draw_once():
    """Draw each notebook figure once, not three times.

    After every cell, pyplot draws each changed figure (a hook meant for windows on screen);
    with the notebook's inline backend that picture is thrown away, and the backend then draws
    the figure twice more to make its PNG: once to measure a tight bounding box, once for the
    picture. The course's figures lay themselves out (constrained layout) and fill their
    canvas, so there is nothing to crop: the backend is told not to measure, and pyplot's hook
    is removed. Other backends are left alone.
    """
    import sys
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    if shell is None or "inline" not in mpl.get_backend():
        return
    import matplotlib.pyplot as plt
    hook = getattr(plt, "_draw_all_if_interactive", None)
    if hook is not None and hook in shell.events.callbacks.get("post_execute", []):
        shell.events.unregister("post_execute", hook)
    from matplotlib_inline.backend_inline import InlineBackend, set_matplotlib_formats
    InlineBackend.instance().print_figure_kwargs["bbox_inches"] = None
    set_matplotlib_formats(*InlineBackend.instance().figure_formats)


def color_of(label, index=0):
    """The colour of an optimizer, found by its family name at the start of `label`; else the cycle."""
    name = re.split(r"[\s(,:]", str(label), maxsplit=1)[0]
    for family in sorted(FAMILY_COLORS, key=len, reverse=True):
        if name.replace("Lecture", "") == family:
            return FAMILY_COLORS[family]
    return CYCLE[index % len(CYCLE)]
