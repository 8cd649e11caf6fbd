"""What the Chinese-edition tests read from figures and printed output."""

import contextlib
import io
import re
import warnings

import matplotlib.text

from rugged import i18n

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_tr(message):
    """`message` in Chinese, without changing the language."""
    return i18n.catalog("zh").gettext(message)


def texts(fig):
    """Every text drawn in a figure: titles, labels, legends, annotations, tick labels."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


@contextlib.contextmanager
def every_glyph():
    """A missing glyph (matplotlib warns "Glyph … missing from font(s) …") fails inside this block;
    other warnings (a dependency's deprecations, say) do not."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?s).*[Gg]lyph.*missing")
        yield


def drawn(fig):
    """Draw the figure, failing on a missing glyph; its texts."""
    with every_glyph():
        fig.canvas.draw()
    return texts(fig)


def printed(function, *args, **kwargs):
    """What `function(*args, **kwargs)` prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        function(*args, **kwargs)
    return out.getvalue()
