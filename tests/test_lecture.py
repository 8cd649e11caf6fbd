"""Lecture mode (`style.use(lecture=True)` / RUGGED_LECTURE=1): one switch for the projector.

- the switch: the environment variable and the argument agree; normal mode shows nothing
  (stored outputs stay as they are), lecture mode shows a `<style>` that makes the page's
  text large;
- every figure of every notebook, built in lecture mode by running the notebook's code in
  this process (as a kernel would, but with the Agg backend): it fits the part of a slide
  left for a figure, no two texts overlap and no text leaves the canvas.

The browser side (slides that fit, panels driven by the keyboard in RISE) is in
tests/browser/test_slides.py.
"""

import ast
import contextlib
import io
import pathlib
import re
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import pytest
from matplotlib.text import Text

from rugged import plots, style, widgets

REPO = pathlib.Path(__file__).resolve().parents[1]
# Every notebook's figures are checked in lecture mode.
FIGURES_FIT = sorted(path.stem for path in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = [REPO / "notebooks" / f"{name}.ipynb" for name in FIGURES_FIT
             if (REPO / "notebooks" / f"{name}.ipynb").exists()]
TOLERANCE_PX = 1.0        # two boxes may share an edge pixel (rounding), not more


# ---------------------------------------------------------------------------------------
# The switch

@pytest.fixture
def restore_style():
    with matplotlib.rc_context():
        yield
    style.use(lecture=False)


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("yes", True), ("", False),
                                             ("0", False), ("false", False), ("False", False), ("off", False)])
def test_the_environment_variable_switches_lecture_mode(monkeypatch, restore_style, value, expected):
    monkeypatch.setenv("RUGGED_LECTURE", value)
    style.use()
    assert style.is_lecture() is expected
    assert (matplotlib.rcParams["font.size"] > 11) is expected


def test_the_argument_wins_over_the_environment(monkeypatch, restore_style):
    monkeypatch.setenv("RUGGED_LECTURE", "1")
    style.use(lecture=False)
    assert not style.is_lecture() and matplotlib.rcParams["font.size"] == 11
    monkeypatch.delenv("RUGGED_LECTURE")
    style.use(lecture=True)
    assert style.is_lecture() and matplotlib.rcParams["font.size"] > 11


@pytest.mark.parametrize("bad", ["yes", 1.0, [True]])
def test_a_lecture_flag_that_is_not_a_bool_is_refused(restore_style, bad):
    with pytest.raises(TypeError, match="lecture must be True or False"):
        style.use(lecture=bad)


def test_lecture_figures_fit_a_slide_and_normal_figures_are_unchanged(restore_style):
    style.use(lecture=False)
    fig, _ = plots.new_figure(figsize=(11, 4.2))
    assert tuple(fig.get_size_inches()) == (11, 4.2) and fig.dpi == 100
    plt.close(fig)
    style.use(lecture=True)
    for size in [(11, 4.2), (10, 6.6), (13, 3.6), None]:
        fig, _ = plots.new_figure(figsize=size)
        width, height = fig.get_size_inches() * fig.dpi
        assert width <= style.SLIDE_FIGURE_PX[0] + 0.5 and height <= style.SLIDE_FIGURE_PX[1] + 0.5, size
        if size is not None:
            assert fig.get_size_inches()[0] / fig.get_size_inches()[1] == pytest.approx(size[0] / size[1])
        plt.close(fig)
    panel_fig, _ = plots.new_figure(figsize=(10, 4), static=False)
    assert panel_fig.get_size_inches()[0] * panel_fig.dpi <= style.SLIDE_PANEL_PX[0] + 0.5 < style.SLIDE_FIGURE_PX[0]


def _setup_cell_outputs(lecture):
    """The outputs of a notebook's setup cell run in a real IPython kernel's shell."""
    script = "\n".join([
        "from IPython.testing.globalipapp import start_ipython",
        "shell = start_ipython()",
        "shell.kernel = True",                 # what ipykernel's shell has: a kernel ...
        "shell.display_formatter.active_types = ['text/plain', 'text/html', 'image/png']",   # ... and a page
        "shown = []",
        "shell.display_pub.publish = lambda data, metadata=None, **kw: shown.append(data)",
        "shell.run_line_magic('matplotlib', 'inline')",
        "from rugged import style",
        f"style.use(lecture={lecture})",
        "import json; print('SHOWN' + json.dumps(shown))",
    ])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    import json
    return json.loads(out.split("SHOWN", 1)[1])


def test_normal_mode_shows_nothing_and_lecture_mode_shows_its_style():
    assert _setup_cell_outputs(False) == []
    shown = _setup_cell_outputs(True)
    assert len(shown) == 1 and "text/html" in shown[0]
    css = shown[0]["text/html"]
    sizes = {name: int(px) for name, px in re.findall(r"--jp-(content-font-size1|widgets-font-size|code-font-size):\s*(\d+)px", css)}
    assert sizes["content-font-size1"] >= 24 and sizes["widgets-font-size"] >= 20 and sizes["code-font-size"] >= 16


# ---------------------------------------------------------------------------------------
# Every figure of every notebook, in lecture mode

class _Shell:
    """What a notebook's code asks of `get_ipython()` (the `%matplotlib inline` magic)."""

    def run_line_magic(self, *args, **kwargs):
        return None


def run_notebook(path):
    """Run the notebook's code cells in order, in this process, after switching lecture mode on;
    yield (cell index, figures the cell made, the cell's value) after each code cell."""
    from IPython.core.inputtransformer2 import TransformerManager
    notebook = nbformat.read(path, as_version=4)
    namespace = {"get_ipython": _Shell, "__name__": "__main__"}
    transform = TransformerManager().transform_cell
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tree = ast.parse(transform(cell.source))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        before = set(plt.get_fignums())
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(tree, f"<{path.name} cell {index}>", "exec"), namespace)
                value = eval(compile(ast.Expression(last.value), f"<{path.name} cell {index}>", "eval"),
                             namespace) if last else None
            except Exception:
                if "raises-exception" in cell.metadata.get("tags", []):
                    continue
                raise
        figures = [plt.figure(n) for n in plt.get_fignums() if n not in before]
        yield index, figures, value
        for fig in figures:
            plt.close(fig)


def text_boxes(fig):
    """(text, its box in display pixels) for each text that is drawn."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()          # labels of ticks outside the view, which matplotlib keeps but does not draw
    axes, seen = list(fig.axes), []
    while axes:             # the figure's axes and their insets (an inset is a child of its axes)
        ax = axes.pop()
        seen.append(ax)
        axes.extend(ax.child_axes)
    for ax in seen:
        for axis in ax._axis_map.values():
            drawn = {id(tick) for tick in axis._update_ticks()}
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if id(tick) not in drawn:
                    hidden.update((id(tick.label1), id(tick.label2)))
    boxes = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text, box))
    return boxes


def _overlap(a, b):
    return min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX


def layout_problems(fig, where):
    """Texts that overlap or leave the canvas."""
    problems = []
    boxes = text_boxes(fig)
    canvas = fig.bbox
    for text, box in boxes:
        label = f"{where}: {text.get_text()!r}"
        if (box.x0 < canvas.x0 - TOLERANCE_PX or box.y0 < canvas.y0 - TOLERANCE_PX
                or box.x1 > canvas.x1 + TOLERANCE_PX or box.y1 > canvas.y1 + TOLERANCE_PX):
            problems.append(f"{label} runs out of the figure")
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if _overlap(box_a, box_b):
                problems.append(f"{where}: {a.get_text()!r} overlaps {b.get_text()!r}")
    return problems


def lecture_figures(path):
    """(where, figure) for every figure the notebook shows, panels' figures included."""
    for index, figures, value in run_notebook(path):
        for k, fig in enumerate(figures):
            yield f"{path.name} cell {index} figure {k}", fig
        if isinstance(value, widgets.Panel):
            yield f"{path.name} cell {index} panel", value.figure


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_lecture_figure_has_room_for_its_text(monkeypatch, restore_style, notebook):
    monkeypatch.setenv("RUGGED_LECTURE", "1")
    monkeypatch.chdir(notebook.parent)
    matplotlib.use("Agg")
    problems, count = [], 0
    for where, fig in lecture_figures(notebook):
        count += 1
        assert style.is_lecture(), f"{where}: the notebook's setup did not switch lecture mode on"
        width, height = fig.get_size_inches() * fig.dpi
        if width > style.SLIDE_FIGURE_PX[0] + 0.5 or height > style.SLIDE_FIGURE_PX[1] + 0.5:
            problems.append(f"{where}: {width:.0f}×{height:.0f} px does not fit {style.SLIDE_FIGURE_PX}")
        problems += layout_problems(fig, where)
    assert count > 0, f"{notebook.name} made no figure"
    assert not problems, "\n".join(problems)
