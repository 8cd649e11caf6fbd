"""Checks on the text of a matplotlib figure, shared by the lesson tests (build the figure
inside `course_style()`, as a notebook does after `style.use()`).

`too_small(fig)`: text that shrinks below 9 px when the figure is shown 900 px wide (a
notebook beside JupyterLab's file browser on a laptop). `raw_notation(fig)`: caret or
underscore notation (σ_w^t, λ_max) written as plain text instead of mathtext ($\\sigma_w^t$).
"""

import contextlib
import inspect
import re

import matplotlib
from matplotlib.text import Text

from rugged import optim, schedules, style

SHOWN_WIDTH_PX = 900
SMALLEST_PX = 9


@contextlib.contextmanager
def course_style():
    """Build figures as the notebooks do, after `style.use()` (11-pt text); restore afterwards."""
    with matplotlib.rc_context():
        style.use()
        yield


def texts(fig):
    """Every visible, non-empty text of `fig` (titles, labels, tick labels, legends,
    annotations), after a draw so that tick labels exist."""
    fig.canvas.draw()
    return [t for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and _shown(t)]


def _shown(text):
    axes = text.axes
    return axes is None or axes.get_visible()


def shown_px(text, fig, width_px=SHOWN_WIDTH_PX):
    """The height in screen pixels of `text`'s font when `fig` is shown `width_px` wide."""
    return text.get_fontsize() * width_px / (fig.get_figwidth() * 72)


def too_small(fig, width_px=SHOWN_WIDTH_PX, smallest=SMALLEST_PX):
    """[(text, px)] for every text smaller than `smallest` px at `width_px` of width."""
    return [(t.get_text(), round(shown_px(t, fig, width_px), 1)) for t in texts(fig)
            if shown_px(t, fig, width_px) < smallest]


def _parameter_names():
    """Keyword names of the library's optimizers and schedules (T_max, warmup_steps, …):
    code, which may keep its underscore outside mathtext."""
    names = set()
    for module in (optim, schedules):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            try:
                names.update(inspect.signature(cls).parameters)
            except (TypeError, ValueError):
                pass
    return {n for n in names if "_" in n}


CODE_NAMES = _parameter_names() | {"d_model"}     # d_model: the Transformer paper's name


def raw_notation(fig):
    """Texts with '^' or '_' outside $…$ (apart from the library's parameter names)."""
    bad = []
    for t in texts(fig):
        plain = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", t.get_text())
        for name in CODE_NAMES:
            plain = re.sub(rf"\b{re.escape(name)}\b", "", plain)
        if "^" in plain or "_" in plain:
            bad.append(t.get_text())
    return bad
