"""Plots of paths: contours with paths, curves per step, σ and step sizes, schedules, races.

Every function takes an optional `ax` (or makes its own figure) and returns what it drew,
so that a panel can keep the artists and update them in place. Paths are `rugged.Path`
objects; several are passed as a dict label → path.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
import matplotlib.pyplot as plt

from . import style


def new_figure(nrows=1, ncols=1, *, figsize=None, static=True, **kwargs):
    """A figure and its axes: through pyplot for a notebook's static figure, or a bare
    `Figure` (not shown by the notebook backend) for a panel that renders it itself."""
    if static:
        return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kwargs)


def surface_axes(surface, ax=None, *, window=None, levels=None, n=160, filled=True):
    """Contours of `surface` over its window (or `window`), its minima ★ and saddles ✕ marked."""
    if ax is None:
        ax = new_figure()[1]
    (x0, x1), (y0, y1) = window or surface.window
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        Z = surface.loss(np.stack([X, Y], axis=-1))
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


def draw_path(ax, path, label=None, color=None, index=0):
    """The path of the first two parameters as a line with its start ● and end ■; returns the line.

    A batch path (k starts) draws one line per start, all in one colour.
    """
    label = path.label if label is None else label
    color = color or style.color_of(label, index)
    xy = path.params[..., :2]
    if xy.ndim == 3:
        lines = [draw_path(ax, _single(path, k), label if k == 0 else "_", color) for k in range(xy.shape[1])]
        return lines[0]
    (line,) = ax.plot(xy[:, 0], xy[:, 1], color=color, label=label, lw=1.2, zorder=3)
    if len(xy):
        ax.plot(*xy[0], "o", color=color, markersize=6, zorder=4)
        ax.plot(*xy[-1], "s", color=color, markeredgecolor="black", markersize=7, zorder=4)
    return line


def _single(path, k):
    """Start k of a batch path, as a path of one start (NaN rows after a divergence dropped)."""
    params = path.params[:, k]
    keep = np.isfinite(params).all(axis=-1)
    return type(path)(params[keep], path.loss[keep, k], path.grad[keep, k], path.lr,
                      path.sigma[:, k], path.m[:, k], path.step_size[:, k], None, path.label)


def contour(surface, paths=(), ax=None, *, title=None, legend=True, window=None):
    """Contours of `surface` with `paths` (a dict label → Path, or a list of paths) drawn on them."""
    ax = surface_axes(surface, ax, window=window)
    items = paths.items() if isinstance(paths, dict) else ((None, p) for p in paths)
    for index, (label, path) in enumerate(items):
        draw_path(ax, path, label, index=index)
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
        ax.plot(np.arange(len(values)), values, label=label, color=style.color_of(label, index))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel({"loss": "loss L(θ^t)", "grad_norm": "gradient norm ‖g^t‖"}.get(what, what))
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
        axes[1].set_xscale("log")
    return axes


def no_minor_ticks(*axes):
    """Drop the minor ticks of log axes: measuring their labels is most of a log figure's
    drawing time, and the major ticks and the grid show the decades."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() in ("log", "symlog"):
                axis.set_minor_locator(NullLocator())


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
    names = names or [f"θ_{i}" for i in range(path.sigma.shape[-1])]
    keep = thin(len(path.sigma)) if log_steps else np.arange(len(path.sigma))
    t = keep + 1 if log_steps else keep
    for i, name in enumerate(names):
        color = (PARAM_COLORS + tuple(style.CYCLE))[i]
        axes[0].plot(t, path.sigma[keep, i], color=color, label=rf"$\sigma$ of {name}")
        axes[1].plot(t, path.step_size[keep, i], color=color, label=rf"$\eta/\sigma$ of {name}")
    for ax, ylabel in zip(axes, (sigma_label, r"effective step $\eta^t/\sigma_i^t$")):
        ax.set_yscale("log")
        if log_steps:
            ax.set_xscale("log")
        ax.set_xlabel("step t + 1" if log_steps else "step t")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    no_minor_ticks(*axes)
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
        ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("learning rate η^t")
    ax.legend(fontsize="small")
    return ax


def race(surface, paths, *, title=None):
    """Side by side: the paths on the surface, and L(θ^t) − L* per step (or L, without a minimum)."""
    fig, (left, right) = new_figure(1, 2, figsize=(11, 4.3))
    contour(surface, paths, left, title=title)
    for index, (label, path) in enumerate(paths.items()):
        values = path.loss if surface.min_loss is None else path.gap(surface)
        right.plot(np.arange(len(values)), values, label=label, color=style.color_of(label, index))
    right.set_yscale("log")
    right.set_xlabel("step t")
    right.set_ylabel("L(θ^t) − L*" if surface.min_loss is not None else "loss")
    right.legend(fontsize="small")
    return fig
