"""Plots of paths: contours with paths, curves per step, σ and step sizes, schedules, races.

Every function takes an optional `ax` (or makes its own figure) and returns what it drew,
so that a panel can keep the artists and update them in place. Paths are `rugged.Path`
objects; several are passed as a dict label → path.
"""

import math
import warnings

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator
import matplotlib.pyplot as plt

from . import style
from .exercises import _SUPERSCRIPTS
from .i18n import tr


def new_figure(nrows=1, ncols=1, *, figsize=None, static=True, mosaic=None, **kwargs):
    """A figure and its axes: through pyplot for a notebook's static figure, or a bare
    `Figure` (not shown by the notebook backend) for a panel that renders it itself.

    mosaic: a layout of named axes as `Figure.subplot_mosaic` takes it (e.g. one axes
    spanning two rows beside two stacked ones); the axes then come as a dict by name.
    In lecture mode (`style.use(lecture=True)`) the figure is sized for a slide
    (`style.lecture_figure`): larger than `figsize`, at a resolution that fits a 16:9 slide.
    """
    dpi = None
    if style.is_lecture():
        figsize, dpi = style.lecture_figure(figsize, panel=not static)
    fig = (plt.figure(figsize=figsize, dpi=dpi, layout="constrained") if static
           else Figure(figsize=figsize, dpi=dpi, layout="constrained"))
    if mosaic is not None:
        return fig, fig.subplot_mosaic(mosaic, **kwargs)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def surface_axes(surface, ax=None, *, window=None, levels=None, n=160, filled=True):
    """Contours of `surface` over its window (or `window`), its minima ★ and saddles ✕ marked."""
    if ax is None:
        ax = new_figure()[1]
    (x0, x1), (y0, y1) = window = window or surface.window
    points = surface.grid(n, window)
    X, Y = points[..., 0], points[..., 1]
    with np.errstate(all="ignore"):
        Z = surface.loss(points)
    levels = surface.levels() if levels is None else levels
    if filled:
        ax.contourf(X, Y, Z, levels=levels, cmap=style.SURFACE_CMAP, alpha=0.35, extend="both")
    ax.contour(X, Y, Z, levels=levels, colors="0.45", linewidths=0.6)
    for point in np.reshape(surface.minima, (-1, 2)):
        ax.plot(*point, linestyle="none", **style.MINIMUM_STYLE)
    for point in np.reshape(getattr(surface, "saddles", np.empty((0, 2))), (-1, 2)):
        ax.plot(*point, marker="X", markersize=11, color="white", markeredgecolor="black",
                linestyle="none", zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(surface.labels[0])
    ax.set_ylabel(surface.labels[1])
    ax.set_title(surface.title)
    ax.grid(False)
    return ax


def _shown(label):
    """A legend label as shown to the learner (`style.racer_name`); None stays None."""
    return label if label is None else style.racer_name(label)


def draw_path(ax, path, label=None, color=None, index=0, keep=None):
    """The path of the first two parameters as a line with its start ● and end ■; returns the line.

    A batch path (k starts) draws one line per start, all in one colour. keep: for a long
    path, draw about that many of its points (`thin`: every early one, then log-spaced).
    """
    label = path.label if label is None else label
    color = color or style.color_of(label, index)
    xy = path.params[..., :2]
    if xy.ndim == 3:
        lines = [draw_path(ax, _single(path, k), label if k == 0 else "_", color, keep=keep)
                 for k in range(xy.shape[1])]
        return lines[0]
    return _line_with_ends(ax, xy, color, _shown(label), keep=keep)


def _line_with_ends(ax, xy, color, label, lw=1.2, keep=None, sizes=(6, 7)):
    """Points xy (n, 2) as a line (about `keep` of them) with its start ● and end ■."""
    drawn = xy if keep is None else xy[thin(len(xy), keep)]
    (line,) = ax.plot(drawn[:, 0], drawn[:, 1], color=color, label=label, lw=lw, zorder=3)
    if len(xy):
        _ends(ax, xy, color, sizes)
    return line


def _ends(ax, xy, color, sizes=(6, 7)):
    """A path's start ● and end ■."""
    ax.plot(*xy[0], "o", color=color, markersize=sizes[0], zorder=4)
    ax.plot(*xy[-1], "s", color=color, markeredgecolor="black", markersize=sizes[1], zorder=4)


def draw_band(ax, path, label=None, color=None, index=0, alpha=0.3):
    """A path that bounces from wall to wall of a ravine, drawn as the band it sweeps; returns
    the band.

    Hundreds of bounces drawn as a line make a solid blot that matches nothing in the legend.
    A bouncing path alternates between the two walls, so its even points trace one edge of
    the band and its odd points the other: the band is the area between them, filled in the
    path's colour (its legend entry is the same patch), hatched with the bounces' direction,
    its edges drawn thin, with the start ●
    and end ■ as in `draw_path`.
    """
    label = path.label if label is None else label
    color = color or style.color_of(label, index)
    xy = path.params[..., :2]
    if xy.ndim != 2:                                    # a batch of starts: one line each
        return draw_path(ax, path, label, color, index)
    xy = xy[np.isfinite(xy).all(axis=-1)]
    if len(xy) < 3:
        return draw_path(ax, path, label, color, index)
    even, odd = xy[0::2], xy[1::2]
    outline = np.concatenate([even, odd[::-1]])
    face = matplotlib.colors.to_rgba(color, alpha)
    (band,) = ax.fill(outline[:, 0], outline[:, 1], facecolor=face, edgecolor=color, hatch="||||",
                      lw=0, label=_shown(label), zorder=2)
    for edge in (even, odd):
        ax.plot(edge[:, 0], edge[:, 1], color=color, lw=0.8, zorder=2)
    _ends(ax, xy, color)
    return band


def _single(path, k):
    """Start k of a batch path, as a path of one start (NaN rows after a divergence dropped)."""
    params = path.params[:, k]
    keep = np.isfinite(params).all(axis=-1)
    return type(path)(params[keep], path.loss[keep, k], path.grad[keep, k], path.lr,
                      path.sigma[:, k], path.m[:, k], path.step_size[:, k], None, path.label)


def contour(surface, paths=(), ax=None, *, title=None, legend=True, window=None, bands=()):
    """Contours of `surface` with `paths` (a dict label → Path, or a list of paths) drawn on them.

    bands: the labels of paths that bounce from wall to wall, drawn as the band they sweep
    (`draw_band`) instead of as a line.
    """
    ax = surface_axes(surface, ax, window=window)
    items = paths.items() if isinstance(paths, dict) else ((None, p) for p in paths)
    for index, (label, path) in enumerate(items):
        (draw_band if label is not None and label in bands else draw_path)(ax, path, label, index=index)
    if title is not None:
        ax.set_title(title)
    if legend and paths:
        ax.legend(loc="best", fontsize="small")
    return ax


def curves(paths, ax=None, *, what="loss", log=True):
    """`what` ("loss", "grad_norm" or any per-step array attribute) against t for each path."""
    if ax is None:
        ax = new_figure()[1]
    for index, (label, path) in enumerate(paths.items()):
        values = getattr(path, what)
        ax.plot(np.arange(len(values)), values, label=_shown(label), color=style.color_of(label, index))
    if log:
        log_scale(ax, "y")
    ax.set_xlabel(tr("step t"))
    ax.set_ylabel({"loss": tr(r"loss $L(\theta^t)$"), "grad_norm": tr(r"gradient norm $\|g^t\|$")}.get(what, what))
    if len(paths) > 1:
        ax.legend(fontsize="small")
    return ax


def loss_and_grad(paths, *, axes=None, log_steps=False):
    """Loss and gradient norm per step, stacked: a flat loss with a large ‖g‖ is a stall."""
    if axes is None:
        fig, axes = new_figure(2, 1, figsize=(8, 5.5), sharex=True)
    curves(paths, axes[0], what="loss")
    curves(paths, axes[1], what="grad_norm")
    axes[0].set_xlabel("")
    if log_steps:
        log_scale(axes[1], "x")
    return axes


def no_minor_ticks(*axes):
    """Drop the minor ticks of log axes: measuring their labels is most of a log figure's
    drawing time, and the major ticks and the grid show the decades."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() in ("log", "symlog"):
                axis.set_minor_locator(NullLocator())


_SUPERSCRIPT = str.maketrans({c: _SUPERSCRIPTS[c] for c in "0123456789-"})


def power_text(value):
    """A log axis' tick label as plain text: 10⁻⁴, 2×10³ (no mathtext, which is slow to lay out)."""
    if not (np.isfinite(value) and value > 0):
        return ""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = value / 10.0 ** exponent
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if abs(mantissa - 1) < 1e-6 else f"{mantissa:.3g}×{power}"


def plain_log_ticks(*axes):
    """Label the log axes of `axes` with `power_text` and drop their minor ticks.

    Matplotlib labels log axes with mathtext, and laying out a label it has not seen
    before takes tens of milliseconds: that, not the contours, is most of what the first
    drawing of a panel's scene costs, and a good part of a static figure's.
    """
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(FuncFormatter(lambda value, _: power_text(value)))
    no_minor_ticks(*axes)


def log_safe(*axes):
    """Give a log axis that has nothing positive and finite to show (a path that diverged at
    its first step, a loss that is exactly 0) the limits 1 … 10, instead of failing to draw
    with "Data cannot be log-scaled"; an axis with data keeps its limits."""
    for ax in axes:
        lines = ax.get_lines()
        for axis, data, set_lim in ((ax.xaxis, [ln.get_xdata() for ln in lines], ax.set_xlim),
                                    (ax.yaxis, [ln.get_ydata() for ln in lines], ax.set_ylim)):
            if axis.get_scale() != "log":
                continue
            values = np.concatenate([np.asarray(d, dtype=float).ravel() for d in data] or [np.empty(0)])
            if not np.any(np.isfinite(values) & (values > 0)):
                set_lim(1, 10, auto=None)      # later data still rescales the axis


def log_scale(ax, which="y"):
    """Put the `which` ("x" or "y") axis of `ax` on a log scale, labelled in plain text
    (`plain_log_ticks`); with nothing positive to show it gets the limits of `log_safe`
    instead of a warning and a failure to draw."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Data has no positive values")
        (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    plain_log_ticks(ax)
    log_safe(ax)


def thin(n, keep=4000):
    """Indices 0 … n−1 for drawing a long per-step curve on a log-t axis: all of the first
    `keep`/2, then log-spaced ones, and always the last (a 100,000-point line draws slowly)."""
    if n <= keep:
        return np.arange(n)
    tail = np.geomspace(keep // 2, n - 1, keep // 2).astype(int)
    return np.unique(np.concatenate([np.arange(keep // 2), tail, [n - 1]]))


PARAM_COLORS = (style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"])   # θ_0 (b or x), θ_1 (w or y)


def sigma_and_step(path, *, names=None, axes=None, log_steps=True, title=None,
                   sigma_label=r"$\sigma_i^t$"):
    """σ_i^t (left) and the effective step η^t/σ_i^t (right) of each parameter against t."""
    if axes is None:
        fig, axes = new_figure(1, 2, figsize=(10, 3.6))
    names = names or [rf"$\theta_{i}$" for i in range(path.sigma.shape[-1])]
    keep = thin(len(path.sigma)) if log_steps else np.arange(len(path.sigma))
    t = keep + 1 if log_steps else keep
    for i, name in enumerate(names):
        color = (PARAM_COLORS + tuple(style.CYCLE))[i]
        axes[0].plot(t, path.sigma[keep, i], color=color, label=tr(r"$\sigma$ of {name}").format(name=name))
        axes[1].plot(t, path.step_size[keep, i], color=color, label=tr(r"$\eta/\sigma$ of {name}").format(name=name))
    for ax, ylabel in zip(axes, (sigma_label, tr(r"effective step $\eta^t/\sigma_i^t$"))):
        log_scale(ax, "y")
        if log_steps:
            log_scale(ax, "x")
        ax.set_xlabel(tr("step t + 1") if log_steps else tr("step t"))
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    plain_log_ticks(*axes)
    if title:
        axes[0].figure.suptitle(title)
    return axes


def schedule_curves(lrs, ax=None, *, log=False):
    """Learning-rate schedules: a dict label → array of η^t (t from 0)."""
    if ax is None:
        ax = new_figure(figsize=(8, 3.5))[1]
    for index, (label, values) in enumerate(lrs.items()):
        ax.plot(np.arange(len(values)), values, label=label, color=style.CYCLE[index % len(style.CYCLE)])
    if log:
        log_scale(ax, "y")
    ax.set_xlabel(tr("step t"))
    ax.set_ylabel(tr(r"learning rate $\eta^t$"))
    ax.legend(fontsize="small")
    return ax


def _first_start(path):
    """(params, loss) of one start: the path itself, or start 0 of a batch path (finite rows only)."""
    params, loss = np.asarray(path.params), np.asarray(path.loss)
    if params.ndim == 3:
        params, loss = params[:, 0], loss[:, 0]
        keep = np.isfinite(params).all(axis=-1)
        params, loss = params[keep], loss[keep]
    return params, loss


def exits(xy, window):
    """Where a path leaves `window` ((x0, x1), (y0, y1)): [(point on the frame, side)] with side
    one of "left", "right", "bottom", "top", one entry per time it crosses the frame outward."""
    (x0, x1), (y0, y1) = window
    xy = np.asarray(xy, dtype=float)
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    out = []
    for t in np.flatnonzero(inside[:-1] & ~inside[1:]):
        (ax_, ay), (bx, by) = xy[t], xy[t + 1]
        best = None
        for side, value, along, a, b in (("left", x0, 0, ax_, bx), ("right", x1, 0, ax_, bx),
                                         ("bottom", y0, 1, ay, by), ("top", y1, 1, ay, by)):
            if (a - value) * (b - value) < 0 or b == value:
                s = (value - a) / (b - a)
                if best is None or s < best[0]:
                    best = (s, side)
        if best is None or not np.isfinite(best[0]):
            continue
        s, side = best
        point = xy[t] + s * (xy[t + 1] - xy[t]) if np.all(np.isfinite(xy[t + 1])) else xy[t]
        point = np.array([min(max(point[0], x0), x1), min(max(point[1], y0), y1)])
        out.append((point, side))
    return out


EXIT_MARKERS = {"left": "<", "right": ">", "bottom": "v", "top": "^"}


def mark_exits(ax, xy, window, color):
    """A triangle on the frame, pointing outward, wherever the path `xy` leaves `window`; returns them."""
    marks = []
    for point, side in exits(xy, window):
        marks += ax.plot(*point, EXIT_MARKERS[side], color=color, markeredgecolor="black",
                         markersize=9, clip_on=False, zorder=6)
    return marks


def sensitivity(results, ax=None, *, title=None, legend=True):
    """How each optimizer's score depends on η: median steps to the goal against η (log–log).

    results: dict name → `rugged.tuning.Tuned`. The best η of each is a large dot. An η at
    which not every start reaches the goal (so that it has no score) is drawn on the row
    "not all" at the top: × if a start was lost (diverged, or left the window), ○ if a start
    ends above the goal.
    """
    if ax is None:
        ax = new_figure(figsize=(6, 3.8))[1]
    budget = max(t.budget for t in results.values())
    never = budget * 3.0                               # the "not all" row, above every score
    for index, (name, t) in enumerate(results.items()):
        color = style.color_of(name, index)
        steps = np.where(np.isfinite(t.steps), np.maximum(t.steps, 1), np.nan)
        ax.plot(t.etas, steps, ".-", color=color, lw=1.6, ms=3, label=style.racer_name(name), zorder=3)
        missed = ~np.isfinite(t.steps)
        lost = missed & (t.lost > 0)
        ax.plot(t.etas[missed & ~lost], np.full((missed & ~lost).sum(), never), "o", mfc="none",
                color=color, ms=4, zorder=3)
        ax.plot(t.etas[lost], np.full(lost.sum(), never), "x", color=color, ms=4, zorder=3)
        if t.best_steps is not None:
            ax.plot(t.best_eta, max(t.best_steps, 1), "o", color=color, markeredgecolor="black",
                    ms=7, zorder=4)
    log_scale(ax, "x")
    ax.set_yscale("log")
    ax.set_ylim(0.7, never * 1.8)
    decades = 10.0 ** np.arange(0, np.floor(np.log10(budget)) + 1)
    ax.set_yticks(list(decades) + [never], [f"{d:,.0f}" for d in decades] + [tr("not all")])
    ax.axhline(budget * 1.7, color="0.6", lw=0.8)
    ax.set_xlabel(tr(r"learning rate $\eta$"))
    ax.set_ylabel(tr("median steps to the goal"))
    ax.set_title(title if title is not None else tr(r"sensitivity to $\eta$"), fontsize="medium")
    no_minor_ticks(ax)
    if legend:
        ax.legend(handles=ax.get_lines()[:0] + _sensitivity_keys() + [
            line for line in ax.get_lines() if not line.get_label().startswith("_")],
            fontsize="small", loc="lower left", ncol=2)
    return ax


def _sensitivity_keys():
    """Legend entries for the marks of `sensitivity`."""
    from matplotlib.lines import Line2D
    return [Line2D([], [], ls="none", marker="o", color="0.3", markeredgecolor="black", ms=7, label=tr("best η")),
            Line2D([], [], ls="none", marker="o", mfc="none", color="0.3", ms=4,
                   label=tr("not all: a start ends above")),
            Line2D([], [], ls="none", marker="x", color="0.3", ms=4, label=tr("not all: a start is lost"))]


def race(surface, paths, *, title=None, sensitivity=None, show=None, curve=None, curve_label=None,
         window=None):
    """A race on one surface: the paths on its contours, a curve per step and, given the tuning
    results, how sensitive each racer is to η; one row, readable at 900 px.

    paths: dict label → Path (for a batch path, its first start is drawn). show: the labels
    whose paths are drawn on the contours (default: all; the curves show every racer).
    sensitivity: dict name → `rugged.tuning.Tuned` for a third panel (see `sensitivity`).
    curve: a function path → array per step (default L(θ^t) − L*, or L without a minimum),
    with `curve_label` its axis label. A path that leaves the window is cut at the frame,
    where a triangle marks the exit. The legend shows each label as `style.racer_name` does.
    """
    columns = 3 if sensitivity is not None else 2
    fig, axes = new_figure(1, columns, figsize=(9.5, 3.6 if columns == 3 else 4.0),
                           gridspec_kw=dict(width_ratios=[1, 1, 1.1][:columns]))
    left, right = axes[0], axes[1]
    window = window or surface.window
    surface_axes(surface, left, window=window, n=90)
    shown = list(paths) if show is None else [label for label in paths if label in show]
    exited = False
    for index, label in enumerate(paths):
        path = paths[label]
        color = style.color_of(label, index)
        xy, loss = _first_start(path)
        if label in shown:
            _line_with_ends(left, xy, color, style.racer_name(label), lw=1.4, sizes=(5, 6))
            exited |= bool(mark_exits(left, xy, window, color))
        if curve is None:
            values = loss if surface.min_loss is None else np.maximum(loss - surface.min_loss, 1e-16)
        else:
            values = curve(path)
        right.plot(np.arange(len(values)), values, color=color, lw=1.4, label=style.racer_name(label))
    left.set_title(title if title is not None else surface.title, fontsize="medium")
    log_scale(right, "y")
    right.set_xlabel(tr("step t"))
    right.set_ylabel(curve_label or (r"$L(\theta^t) - L^*$" if surface.min_loss is not None
                                     else r"$L(\theta^t)$"))
    right.set_title(tr("per step, from the start ●"), fontsize="medium")
    no_minor_ticks(right)
    if sensitivity is not None:
        plot_sensitivity(sensitivity, axes[2], legend=False)
    handles, _ = right.get_legend_handles_labels()
    handles += _path_keys(exited) + (_sensitivity_keys() if sensitivity is not None else [])
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize="small")
    return fig


def _path_keys(exited):
    """Legend entries for the marks of a path: start, end and (if any) where it leaves the window."""
    from matplotlib.lines import Line2D
    keys = [Line2D([], [], ls="none", marker="o", color="0.3", ms=5, label=tr("start")),
            Line2D([], [], ls="none", marker="s", color="0.3", markeredgecolor="black", ms=6,
                   label=tr("end of the budget"))]
    if exited:
        keys.append(Line2D([], [], ls="none", marker="^", color="0.3", markeredgecolor="black", ms=8,
                           label=tr("leaves the window")))
    return keys


plot_sensitivity = sensitivity
