"""Figures and panels of 02, 04, 05 and 06 as the back row of a lecture hall sees them.

- a legend covers no data: no point of a line (its vertices and the segments between them)
  falls inside a legend's box, in the notebook's style and in lecture mode;
- 06's gallery shows on a slide as two figures of at most three panels, with no text smaller
  than 16 px at the size the slide shows it;
- 04's status line keeps to its two lines: no raised text (a superscript makes its first line
  taller and pushes the second out of the fixed-height line) and at most two lines of 21-px
  text (lecture mode's size for a status line) in 1,150 px, for settings across the sliders.
"""

import contextlib

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.lines import Line2D

from rugged import descend, optim, schedules, style, surfaces
from rugged.lessons import adagrad, adam, decay, momentum

from figure_checks import texts

SLIDE_TEXT_PX = 16          # the smallest text of a figure on a slide, in screen pixels
STATUS_PX, STATUS_WIDTH_PX = 21, 1150


@contextlib.contextmanager
def mode(lecture):
    with matplotlib.rc_context():
        style.use(lecture=lecture)
        try:
            yield
        finally:
            style.use(lecture=False)


def _points(ax, line):
    """A line's points in screen pixels, with 8 more along each segment, inside the axes."""
    xy = np.column_stack([np.asarray(v, dtype=float) for v in line.get_data()])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return xy
    xy = line.get_transform().transform(xy)
    if len(xy) > 1:
        steps = np.linspace(0, 1, 10)[:-1, None, None]
        xy = np.concatenate([(xy[:-1] + steps * (xy[1:] - xy[:-1])).reshape(-1, 2), xy[-1:]])
    box = ax.get_window_extent()
    inside = ((xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1))
    return xy[inside]


def covered(fig):
    """[(legend's first entry, axes' title, points)] for every legend that covers a line's points."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    found = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            for line in ax.get_lines():
                if not line.get_visible():
                    continue
                xy = _points(ax, line)
                hits = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)).sum()
                if hits:
                    found.append((legend.get_texts()[0].get_text(), ax.get_title(), int(hits)))
    return found


@pytest.fixture(scope="module")
def pokemon():
    return surfaces.pokemon()


# ---------------------------------------------------------------------------------------
# Legends off the data

@pytest.mark.parametrize("lecture", [False, True])
def test_02_forms_figure_legend_covers_no_data(pokemon, lecture):
    torch_form = descend(pokemon, optim.Adagrad(lr=1.0), pokemon.start, 100_000)
    lecture_form = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 20_000)
    with mode(lecture):
        fig = adagrad.forms_figure(pokemon, torch_form, lecture_form, torch_label="sum form",
                                   lecture_label="mean form")
        try:
            assert not covered(fig), covered(fig)
        finally:
            matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("lecture", [False, True])
def test_05_first_steps_figure_legend_covers_no_data(lecture):
    valley = surfaces.rosenbrock()
    runs = {"Adam": descend(valley, optim.Adam(lr=0.1), valley.start, 80)}
    for beta2 in (0.999, 0.9999):
        runs[f"no bias correction, β2 = {beta2}"] = descend(
            valley, optim.Optimizer(0.1, momentum=optim.EMA(0.9), sigma=optim.RootEMA(beta2, eps=1e-8)),
            valley.start, 80)
    with mode(lecture):
        fig = adam.first_steps_figure(runs)
        try:
            assert not covered(fig), covered(fig)
        finally:
            matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("lecture", [False, True])
@pytest.mark.parametrize("surface", ["saddle", "rosenbrock", "ravine"])
def test_05_panel_legend_covers_no_data(lecture, surface):
    with mode(lecture):
        panel = adam.adam_panel(eta=0.05, surface=surface)
        assert not panel.error, panel.message
        for line in panel.figure.findobj(Line2D):   # drawn as the panel shows them
            line.set_animated(False)
        assert not covered(panel.figure), covered(panel.figure)


def gallery_runs(pokemon, n=20_000):
    runs = {"constant": descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, n)}
    for name, schedule in {"1/sqrt(t+1)": schedules.InverseSqrtDecay(),
                           "step: ×0.5 every 2000": schedules.StepLR(step_size=2000, gamma=0.5),
                           "exponential: γ = 0.9998": schedules.ExponentialLR(gamma=0.9998),
                           "cosine: T_max = 20000": schedules.CosineAnnealingLR(T_max=n)}.items():
        runs[name] = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, n, schedule=schedule)
    return runs


@pytest.fixture(scope="module")
def gallery(pokemon):
    return gallery_runs(pokemon)


# ---------------------------------------------------------------------------------------
# 06's gallery on a slide

@pytest.mark.parametrize("lecture", [False, True])
def test_06_gallery_as_two_figures_reads_on_a_slide(pokemon, gallery, lecture):
    names = list(gallery)
    with mode(lecture):
        figures = [decay.gallery_figure(pokemon, gallery, shown=names[:2]),
                   decay.gallery_figure(pokemon, gallery, shown=names[2:], rates=False)]
        try:
            titles = []
            for fig in figures:
                shown = [ax for ax in fig.axes if ax.get_visible()]
                assert len(shown) <= 3
                titles += [ax.get_title() for ax in shown]
                assert not covered(fig), covered(fig)
                if lecture:
                    width, height = fig.get_size_inches() * fig.dpi
                    assert width <= style.SLIDE_FIGURE_PX[0] + 0.5 and height <= style.SLIDE_FIGURE_PX[1] + 0.5
                    small = [(t.get_text(), round(t.get_fontsize() * fig.dpi / 72, 1)) for t in texts(fig)
                             if t.get_fontsize() * fig.dpi / 72 < SLIDE_TEXT_PX]
                    assert not small, small
            # nothing lost: η^t, then one panel per schedule, each once
            assert titles[0] == "the schedules"
            assert [t.split("\n")[0] for t in titles[1:]] == names
            # the two figures share one L − L* scale
            limits = {tuple(np.round(np.log10(ax.get_ylim()), 6)) for fig in figures
                      for ax in fig.axes if ax.get_visible() and ax.get_title() != "the schedules"}
            assert len(limits) == 1
        finally:
            for fig in figures:
                matplotlib.pyplot.close(fig)


def test_06_gallery_rejects_what_it_cannot_show(pokemon, gallery):
    with pytest.raises(ValueError, match="no run"):
        decay.gallery_figure(pokemon, gallery, shown=["linear"])
    with pytest.raises(ValueError, match="nothing to show"):
        decay.gallery_figure(pokemon, gallery, shown=[], rates=False)


# ---------------------------------------------------------------------------------------
# 04's status line

def _wrapped_lines(text, px=STATUS_PX, width=STATUS_WIDTH_PX):
    """How many lines `text` wraps into at `px` in DejaVu Sans (matplotlib's own font, a wide one)."""
    font = font_manager.get_font(font_manager.findfont("DejaVu Sans"))
    font.set_size(px, 72)

    def length(s):
        font.set_text(s)
        return font.get_width_height()[0] / 64

    lines, current = 1, ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and length(candidate) > width:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines


@pytest.fixture(scope="module")
def momentum_panel():
    with mode(True):
        yield momentum.momentum_panel()


@pytest.mark.parametrize("eta", [1e-4, 1e-3, 0.00794328, 0.01, 0.0191534, 0.05, 0.1])
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99, 0.999])
def test_04_status_keeps_to_two_lines(momentum_panel, eta, beta):
    momentum_panel.set(eta=eta, beta=beta)
    status = momentum_panel.status.value
    assert "<sup" not in status and "<sub" not in status, status
    assert _wrapped_lines(momentum_panel.message) <= 2, momentum_panel.message


def test_a_raised_part_does_not_make_a_status_line_taller(momentum_panel):
    """A status with 10^{−6} or θ_{y}: its <sup>/<sub> get line-height 0, so that the second of the
    status's two fixed-height lines is not pushed out of its box."""
    from rugged.exercises import html_text
    text = "error below 10^{-6} of the start's; left the saddle at |θ_{y}| > 0.5"
    momentum_panel._show(text, html_text(text))
    status = momentum_panel.status.value
    assert '<sup style="line-height:0">' in status and '<sub style="line-height:0">' in status, status
    assert "<sup>" not in status and "<sub>" not in status
