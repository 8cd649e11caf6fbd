r"""03 RMSProp: a σ that forgets. Experiments, figures, the α/η panel and the exercise checks.

The lecture's RMSProp replaces Adagrad's plain mean of squared gradients by a weighted one:

    σ_i^0 = |g_i^0|,   σ_i^t = sqrt( α (σ_i^{t−1})² + (1 − α)(g_i^t)² ),   0 < α < 1,
    θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t.

α is the weight of the past. A small α lets σ follow the newest gradient: σ jumps up when
the gradient suddenly grows (the step brakes) and drops when it shrinks (the step speeds
up). `optim.LectureRMSProp` is that formula, `optim.LectureAdagrad` the plain mean and
`optim.RMSprop` torch's version (average from 0, eps outside the root, no bias correction).

The notebook runs the optimizers itself and holds the lesson's formulas in its teaching cells
(`memory_weights`, `half_memory`, `torch_overshoot`), which it passes to this module's figures
and tables; this module turns the paths into figures and tables and holds the panel's wiring
and the answer checks.
"""

import functools

import numpy as np
from matplotlib.patches import Rectangle

from .. import optim, plots, style, surfaces, tuning, widgets
from ..i18n import display_width, ntr, pad, tr, truth
from ..exercises import (Feedback, as_choice, as_number, check, close, reads, right, rounding_note,
                         rounding_of, shown, wrong)
from ..runner import bursts, descend

GREEN = style.FAMILY_COLORS["RMSProp"]
ADAGRAD = style.FAMILY_COLORS["Adagrad"]
CLIFF_GREY = "0.82"

CLIFF_ETA = 0.1            # the η of the plateau-and-cliff experiment
CLIFF_ALPHAS = (0.5, 0.9, 0.99)
X_TOLERANCE = 0.05         # "reached the basin minimum": |x − x*| ≤ this


# ---------------------------------------------------------------------------------------
# Colours: RMSProp is green in every notebook; its α's differ by shade and line style.

def _mix(colour, white):
    """`colour` mixed with white in proportion `white` (0: the colour, 1: white); a negative
    `white` mixes it with black instead (−0.5: half way to black)."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(rgb + (1 - rgb) * white if white >= 0 else rgb * (1 + white))


_DASHES = ("--", "-.", "-", ":")
_LIGHTNESS = (0.5, 0.0, -0.5, -0.7)      # light, the family green, dark, darker


def alpha_style(alpha, index=None):
    """Line style of RMSProp with this α: green, lighter and more broken for a smaller α,
    darker and solid for a larger one, so that the α's differ in lightness and in dashes."""
    alphas = sorted(set(CLIFF_ALPHAS) | {alpha})
    index = alphas.index(alpha) if index is None else index
    return dict(color=_mix(GREEN, _LIGHTNESS[min(index, 3)]), linestyle=_DASHES[min(index, 3)])


def run_style(label, index=0):
    """Colour and line style of a run from its label: 'Adagrad…', 'GD…' or 'RMSProp α=…'."""
    if label.startswith("RMSProp") and "α=" in label:
        alpha = float(label.split("α=")[1].split(",")[0].split(" ")[0])
        return alpha_style(alpha)
    return dict(color=style.color_of(label, index), linestyle="-")


# ---------------------------------------------------------------------------------------
# How much each past gradient counts in (σ^t)²: the weights w_k and the half memory come from
# the notebook's teaching cell (`memory_weights(t, alpha)`, `half_memory(alpha)`).

def memory_figure(memory_weights, t=40, alphas=CLIFF_ALPHAS):
    """Weight of each past gradient g^k in (σ^t)², Adagrad against RMSProp with several α.

    memory_weights(t, alpha): the weights w_0 … w_t with (σ^t)² = Σ_k w_k (g^k)², Adagrad's for
    alpha None (the notebook's teaching function).
    """
    # flatter on a slide (lecture mode), where it shares the screen with its code and printed lines
    fig, ax = plots.new_figure(figsize=(11, 2.8) if style.is_lecture() else (8.5, 3.6))
    k = np.arange(t + 1)
    ax.plot(k, memory_weights(t, None), color=ADAGRAD, marker="o", markersize=3.5,
            label=tr("Adagrad: every $g^k$ weighs 1/(t+1) = 1/{count}").format(count=t + 1))
    for alpha in alphas:
        ax.plot(k, memory_weights(t, alpha), marker="o", markersize=3.5, **alpha_style(alpha),
                label=tr("RMSProp α = {alpha}: newest weighs 1 − α = {newest:.2g}").format(alpha=alpha, newest=1 - alpha))
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 1.5)
    ax.set_xlim(-0.5, t + 0.5)
    ax.set_xlabel(tr("k: the gradient $g^k$, out of $g^0$ … $g^{{{t}}}$").format(t=t))
    ax.set_ylabel(tr("weight of $(g^k)^2$ in $(\\sigma^{{{t}}})^2$").format(t=t))
    ax.set_title(tr("What $\\sigma^{{{t}}}$ remembers: RMSProp forgets geometrically, by α per step").format(t=t))
    ax.legend(fontsize="small", loc="lower left")
    plots.no_minor_ticks(ax)
    return fig


def print_memory(memory_weights, half_memory, t=40, alphas=CLIFF_ALPHAS):
    """From the weights w_0 … w_t of (σ^t)²: the newest gradient's, their sum and how many recent
    gradients make half of (σ^t)².

    memory_weights(t, alpha): the weights, Adagrad's for alpha None; half_memory(alpha): that number
    for RMSProp once t is large (the notebook's teaching functions).
    """
    lines = [f"{pad(tr('σ kind'), 16)} {pad(tr('newest gᵗ weighs'), 18, '>')} {pad(tr('all together'), 14, '>')}   "
             + tr("half of (σᵗ)² is the newest …")]
    weights = memory_weights(t, None)
    newest = np.cumsum(weights[::-1])                  # what the newest 1, 2, … gradients weigh together
    half = np.flatnonzero(newest >= 0.5 - 1e-12)        # none if the weights add up to less than ½
    if len(half):
        n = tr("{n:>3d} gradients (grows with t)").format(n=half[0] + 1)
    else:
        n = tr("  – (they never make half) (grows with t)")
    lines.append(f"{'Adagrad, t=' + str(t):<16} {weights[-1]:>18.4f} {weights.sum():>14.4f}   {n}")
    for alpha in alphas:
        weights, n = memory_weights(t, alpha), half_memory(alpha)
        lines.append(f"{'RMSProp α=' + str(alpha):<16} {weights[-1]:>18.4f} {weights.sum():>14.4f}   "
                     + ntr("{n:>3d} gradient (for large t)", "{n:>3d} gradients (for large t)", n).format(n=n))
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# The plateau, the cliff and the basin

def x_profile_figure(surface):
    """L(x, 0) and |∂L/∂x| along x, with the plateau, cliff and basin marked."""
    fig, axes = plots.new_figure(1, 2, figsize=(11, 2.5 if style.is_lecture() else 3.6))   # flatter on a slide
    x = np.linspace(*surface.window[0], 600)
    points = np.stack([x, np.zeros_like(x)], axis=-1)
    slope = np.abs(surface.grad(points)[:, 0])
    axes[0].plot(x, surface.loss(points), color="black")
    axes[1].plot(x, slope, color="black")
    axes[1].set_yscale("log")
    x_star = surface.minima[0, 0]
    axes[0].plot(x_star, surface.min_loss, linestyle="none", **style.MINIMUM_STYLE)
    for ax in axes:
        ax.axvspan(*surface.cliff, color=CLIFF_GREY, zorder=0)
        ax.set_xlim(*surface.window[0])
        ax.set_xlabel("x")
    top = (surface.window[0][0] + surface.cliff[0]) / 2
    basin = (surface.cliff[1] + surface.window[0][1]) / 2
    for ax, y, y_cliff in ((axes[0], 6.0, 9.0), (axes[1], 30, 30)):
        ax.text(top, y, tr("plateau"), ha="center", va="top")
        ax.text(sum(surface.cliff) / 2 + 0.75, y_cliff, tr("cliff"), ha="center", va="top")   # beside the drop and the peak
        ax.text(basin, y, tr("basin"), ha="center", va="top")
    axes[0].set_ylim(-0.5, 11)
    axes[1].set_ylim(2e-5, 40)          # the lowest tick label (10⁻⁴) clear of the x axis' first label
    axes[0].set_ylabel("L(x, 0)")
    axes[1].set_ylabel(tr(r"$|\partial L/\partial x|$, the size of $g_x$"))
    axes[0].set_title(tr("The loss along x (★ the minimum)"))
    axes[1].set_title(tr("The gradient jumps ×100 at the cliff, then shrinks"))
    plots.no_minor_ticks(*axes)
    return fig


def print_profile(surface):
    """The size of the x-gradient in each region (at y = 0)."""
    def span(lo, hi):
        x = np.linspace(lo, hi, 401)
        g = np.abs(surface.grad(np.stack([x, np.zeros_like(x)], axis=-1))[:, 0])
        return g.min(), g.max()
    x0, x_star = surface.window[0][0], surface.minima[0, 0]
    lines = []
    low, high = span(x0, surface.cliff[0])
    lines.append(tr("plateau  x in [{lo:g}, {hi:g}]: |g_x| between {low:.3f} and {high:.3f}").format(
        lo=x0, hi=surface.cliff[0], low=low, high=high))
    low, high = span(*surface.cliff)
    lines.append(tr("cliff    x in [{lo:g}, {hi:g}]: |g_x| up to {high:.2f}").format(
        lo=surface.cliff[0], hi=surface.cliff[1], high=high))
    low, high = span(surface.cliff[1], x_star - 0.5)
    lines.append(tr("basin    x in [{lo:g}, {hi:.2f}]: |g_x| between {low:.4f} and {high:.4f}, then 0 at the "
                    "minimum").format(lo=surface.cliff[1], hi=x_star - 0.5, low=low, high=high))
    lines.append(tr("minimum  x* = {x_star:.4f}, y* = 0, L* = {loss:.3e}").format(x_star=x_star, loss=surface.min_loss))
    print("\n".join(lines))


def cliff_steps(surface, path):
    """(first t on the cliff, first t past it) for a path; None where it never gets there."""
    x = path.params[:, 0]
    return path.first(x > surface.cliff[0]), path.first(x >= surface.cliff[1])


def steps_to_x(surface, path, tol=X_TOLERANCE):
    """First t with |x^t − x*| ≤ tol (None if never)."""
    return path.first(np.abs(path.params[:, 0] - surface.minima[0, 0]) <= tol)


def x_steps(path):
    """|x^{t+1} − x^t| for every step: how far the x-parameter actually moved."""
    return np.abs(np.diff(path.params[:, 0]))


def cliff_figure(surface, runs, t_max=200):
    """σ^t of x, the step |x^{t+1} − x^t| and x^t over t, for several runs, the cliff shaded.

    Top left: the paths, the cliff's x-range in grey. Top right: x^t with the cliff band.
    Bottom: σ_x^t and the step actually taken; grey marks the steps during which the runs
    cross the cliff (from the first run to enter it to the last to leave it). Each run is
    named at the right end of its σ curve as well as in the legend.
    """
    fig, axes = plots.new_figure(2, 2, figsize=(12, 5.4) if style.is_lecture() else (11.5, 6.6))
    (paths_ax, x_ax), (sigma_ax, step_ax) = axes
    plots.surface_axes(surface, paths_ax)
    paths_ax.axvspan(*surface.cliff, color=CLIFF_GREY, alpha=0.45, zorder=0)
    paths_ax.text(sum(surface.cliff) / 2, 0.97, tr("cliff"), ha="center", va="top", fontsize="small",
                  transform=paths_ax.get_xaxis_transform(),
                  bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.8))
    crossings = [cliff_steps(surface, p) for p in runs.values()]
    first = min(c[0] for c in crossings if c[0] is not None)
    last = max(c[1] for c in crossings if c[1] is not None)
    ends = []
    for index, (label, path) in enumerate(runs.items()):
        look = run_style(label, index)
        n = min(t_max, path.steps)
        paths_ax.plot(path.params[:n + 1, 0], path.params[:n + 1, 1], lw=1.6, label=label, **look)
        x_ax.plot(np.arange(n + 1), path.params[:n + 1, 0], label=label, **look)
        sigma_ax.plot(np.arange(n), path.sigma[:n, 0], label=label, **look)
        step_ax.plot(np.arange(n), x_steps(path)[:n], label=label, **look)
        ends.append((path.sigma[n - 1, 0], label, look["color"]))
    _label_ends(sigma_ax, ends, t_max, min_gap=2.8 if style.is_lecture() else 1.9)   # flatter on a slide
    paths_ax.plot(*surface.start, "o", color="black", markersize=6, zorder=4)
    paths_ax.set_title(tr("Paths, first {steps} steps").format(steps=t_max))
    x_ax.axhspan(*surface.cliff, color=CLIFF_GREY, zorder=0)
    x_ax.axhline(surface.minima[0, 0], color="black", lw=0.8, ls=":")
    x_ax.plot(t_max, surface.minima[0, 0], linestyle="none", clip_on=False, **style.MINIMUM_STYLE)
    x_ax.text(t_max * 0.02, sum(surface.cliff) / 2, tr("cliff"), ha="left", va="center")
    x_ax.set_ylabel(r"$x^t$")
    x_ax.set_title(tr("Where the x-parameter is"))
    for ax in (sigma_ax, step_ax):
        ax.axvspan(first, last, color=CLIFF_GREY, zorder=0)
        ax.text((first + last) / 2, 0.98, tr("runs on\nthe cliff"), ha="center", va="top", fontsize="small",
                transform=ax.get_xaxis_transform())
        ax.set_yscale("log")
        ax.set_xlabel(tr("step t"))
    sigma_ax.set_ylim(1e-4, 30)
    sigma_ax.set_ylabel(r"$\sigma_x^t$")
    sigma_ax.set_title(tr(r"$\sigma^t$ of the x-parameter"))
    eta = runs[next(iter(runs))].lr[0]
    step_ax.axhline(eta, color="black", lw=0.8, ls=":")
    step_ax.text(t_max * 0.98, eta * 1.15, "η", ha="right", va="bottom")
    step_ax.set_ylim(1e-3, 2)
    step_ax.set_ylabel(r"$|x^{t+1} - x^t|$")
    step_ax.set_title(tr("The step actually taken in x"))
    for ax in (x_ax, sigma_ax, step_ax):
        ax.set_xlim(0, t_max)
    for ax, curve in ((sigma_ax, lambda p, n: p.sigma[:n, 0]), (step_ax, lambda p, n: x_steps(p)[:n])):
        marked = [_mark_below(ax, curve(path, min(t_max, path.steps)), run_style(label, index)["color"])
                  for index, (label, path) in enumerate(runs.items())]
        if any(marked):
            ax.text(0.01, 0.02, tr("▼ leaves the frame"), ha="left", va="bottom", fontsize="small",
                    transform=ax.transAxes)
    x_ax.legend(fontsize="small", loc="lower right", handlelength=3.2)
    plots.no_minor_ticks(*fig.axes)
    return fig


def _mark_below(ax, values, color):
    """A ▼ on the bottom of the frame at every step where the curve `values` (one per step t)
    drops below the axis' lower limit; returns the steps marked."""
    below = np.asarray(values) < ax.get_ylim()[0]
    where = np.flatnonzero(below & ~np.r_[False, below[:-1]])
    if len(where):
        ax.plot(where, np.full(len(where), ax.get_ylim()[0]), "v", color=color, markeredgecolor="black",
                markersize=9, clip_on=False, zorder=6)
    return [int(t) for t in where]


def _label_ends(ax, ends, x, min_gap=1.9):
    """Name each curve at its right end, (value, label, colour) at `x`, on a log axis: labels
    closer than a factor `min_gap` are pushed apart, so that none covers another."""
    ends = sorted(ends)
    placed = []
    for value, label, color in ends:
        y = max(value, placed[-1] * min_gap) if placed else value
        placed.append(y)
        ax.annotate(label.replace("RMSProp ", ""), (x, value), xytext=(x * 1.02, y), textcoords="data",
                    va="center", ha="left", fontsize="small", color=_text_colour(color),
                    annotation_clip=False,
                    arrowprops=dict(arrowstyle="-", color=color, lw=0.8, shrinkA=0, shrinkB=0))


def _text_colour(color):
    """A colour dark enough for text on white: light greens are drawn half way to black."""
    rgb = np.array(color[:3]) if not isinstance(color, str) else np.array(
        [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return tuple(rgb * 0.6) if rgb.mean() > 0.55 else tuple(rgb)


def cliff_table(surface, runs, tol=X_TOLERANCE):
    """Per run: σ before the cliff, the largest σ and step on it, the step after it, steps to x*."""
    # a column's heading is two rows: each cell is a message, the top one above the bottom one
    head = (f"{pad(tr('run'), 15)} {pad(tr('σₓ before'), 10, '>')} {pad(tr('max σₓ'), 9, '>')} "
            f"{pad(tr('largest step'), 13, '>')} {pad(tr('mean step, 20'), 14, '>')} {pad(tr('σₓ 20 steps'), 13, '>')} "
            f"{pad(tr('steps to'), 9, '>')}")
    sub = (f"{'':<15} {pad(tr('the cliff'), 10, '>')} {pad(tr('on cliff'), 9, '>')} {pad(tr('on cliff / η'), 13, '>')} "
           f"{pad(tr('after it / η'), 14, '>')} {pad(tr('after it'), 13, '>')} {'|x−x*|≤' + format(tol, 'g'):>9}")
    lines = [head, sub, "-" * display_width(head)]
    for label, path in runs.items():
        eta = path.lr[0]
        enter, leave = cliff_steps(surface, path)
        steps = x_steps(path)
        after = slice(leave, leave + 20)
        reach = steps_to_x(surface, path, tol)
        lines.append(
            f"{label:<15} {path.sigma[enter - 1, 0]:>10.4f} {path.sigma[enter:leave, 0].max():>9.3f} "
            f"{steps[enter:leave].max() / eta:>13.2f} {steps[after].mean() / eta:>14.3f} "
            f"{path.sigma[leave + 20, 0]:>13.4f} {pad(tr('never') if reach is None else str(reach), 9, '>')}")
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# The first steps: the lecture's σ^0 = |g^0| against torch's average from 0

def first_steps_table(paths, eta, names=("x", "y"), rows=3):
    """The first steps of several runs: θ_i^{t+1} − θ_i^t of each parameter, in units of η."""
    width = 14
    shown = {"lecture": tr("lecture")}     # the lecture's form, in the student's language; "torch" is a name
    head = f"{'t':>2} " + "".join(pad(shown.get(label, label) + ' Δ' + n + '/η', width, ">")
                                  for label in paths for n in names)
    lines = [head, "-" * display_width(head)]
    for t in range(rows):
        cells = ""
        for path in paths.values():
            delta = path.params[t + 1] - path.params[t]
            cells += "".join(f"{delta[i] / eta:>{width}.4f}" for i in range(len(names)))
        lines.append(f"{t:>2} {cells}")
    print("\n".join(lines))


def weights_check_line(ok, t):
    """Whether sqrt(Σₖ wₖ (gᵏ)²) with the notebook's `memory_weights` is the library's σᵗ up to `t`
    (`ok`, computed in the notebook), as a sentence."""
    return tr("σᵗ = sqrt(Σₖ wₖ (gᵏ)²) equals LectureAdagrad's and LectureRMSProp's σᵗ to 1e-12 (t ≤ {t}): "
              "{ok}").format(t=t, ok=truth(ok))


def transient_figure(alphas=(0.9, 0.99, 0.999), eta=0.01, steps=600):
    """Step/η on a constant slope (g = 1 every step): torch's RMSprop against the lecture form."""
    slope = surfaces.Slope(1.0)
    fig, ax = plots.new_figure(figsize=(11, 3.0) if style.is_lecture() else (8.5, 3.6))   # flatter on a slide
    for index, alpha in enumerate(alphas):
        path = descend(slope, optim.RMSprop(lr=eta, alpha=alpha, eps=0.0), slope.start, steps)
        look = alpha_style(alpha, index + 1)
        ax.plot(np.arange(1, steps + 1), -np.diff(path.params[:, 0]) / eta, **look,
                label=tr("torch RMSprop, α = {alpha}: starts at 1/sqrt(1 − α) = {start:.3g}").format(
                    alpha=alpha, start=1 / np.sqrt(1 - alpha)))
    lecture = descend(slope, optim.LectureRMSProp(lr=eta, alpha=alphas[-1]), slope.start, steps)
    ax.plot(np.arange(1, steps + 1), -np.diff(lecture.params[:, 0]) / eta, color="black", ls="--",
            label=tr("lecture RMSProp, any α: exactly 1"))
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_ylim(0.8, 50)
    ax.set_xlim(1, steps)
    ax.set_xlabel(tr("step t + 1"))
    ax.set_ylabel(tr("step size / η"))
    ax.set_title(tr("A constant gradient: torch's first steps are too large for about 1/(1 − α) steps"))
    ax.legend(fontsize="small", loc="upper right")
    plots.no_minor_ticks(ax)
    return fig


def print_overshoot(torch_overshoot, alphas=(0.9, 0.99, 0.999), within=0.1):
    """torch's first step on a constant gradient, in units of η, and the steps until it is within 10% of η.

    torch_overshoot(alpha, within): those steps (the notebook's teaching function).
    """
    print("\n".join(tr("α = {alpha:<5}: first step {first:6.2f}η; within {within:.0%} of η after {steps:4d} "
                       "steps").format(alpha=alpha, first=1 / np.sqrt(1 - alpha), within=within,
                                       steps=torch_overshoot(alpha, within)) for alpha in alphas))


# ---------------------------------------------------------------------------------------
# The race on Rosenbrock's valley

# rugged.tuning's fair race, the one notebooks 05 and 09 run: every racer at its own best η, from
# the valley's start and 4 starts near it, scored by the median steps to reach the goal and stay.
# The lecture's forms race; torch's Adagrad and RMSprop are notebook 09's racers, so that their
# rows here are the same as in 09's race on this valley.

RACERS = {
    "GD": lambda lr: optim.GD(lr=lr),
    "Adagrad": lambda lr: optim.LectureAdagrad(lr=lr),
    "RMSProp α=0.9": lambda lr: optim.LectureRMSProp(lr=lr, alpha=0.9),
    "Adagrad (torch)": lambda lr: optim.Adagrad(lr=lr),
    "RMSprop (torch, α=0.99)": lambda lr: optim.RMSprop(lr=lr),
}
LECTURE_RACERS = ("GD", "Adagrad", "RMSProp α=0.9")       # the lecture's forms: the figure's racers


def valley_race(surface=None):
    """The racers of `RACERS` tuned on Rosenbrock's valley with the course's race settings
    (`tuning.surface_race`): name → `tuning.Tuned`."""
    return tuning.surface_race(surface or surfaces.rosenbrock(), RACERS)


def race_figure(surface, results, names=LECTURE_RACERS):
    """`plots.race` for the racers `names` at their best η: paths from the surface's start, L − L*
    per step, and the score against η (the sensitivity)."""
    shown = {name: results[name] for name in names}
    fig = plots.race(surface, {name: t.path for name, t in shown.items()}, sensitivity=shown,
                     title=tr("Each racer at its best η"))
    scored = [t.steps[np.isfinite(t.steps)] for t in shown.values()]
    lowest = min((s.min() for s in scored if len(s)), default=None)
    if lowest is not None:                   # every score is near the budget: show that stretch
        fig.axes[2].set_ylim(bottom=min(lowest / 3, fig.axes[2].get_ylim()[1] / 10))
    return fig


def race_details(surface, results, last=500):
    """Print per racer at its best η: the steps to reach the goal and stay from each start, and
    from the surface's own start the highest loss, the number of bursts (`runner.bursts`) and the
    mean |θ_i^{t+1} − θ_i^t|/η over the last `last` steps."""
    some = next(iter(results.values()))
    goal = tuning.settings(surface)["goal"]              # the race's goal
    width = max(len(name) for name in results)
    k = some.n_starts
    x0, y0 = surface.start
    lines = [tr("each racer at its best η:"),
             tr("  steps: to reach the goal and stay, from each of the {k} starts (—: not within {budget:,})").format(
                 k=k, budget=some.budget),
             tr("  from the surface's start ({x0:g}, {y0:g}): the highest L, the bursts (runner.bursts) and\n"
                "  the mean |Δx|/η, |Δy|/η over the last {last} steps").format(x0=x0, y0=y0, last=last),
             f"{'':{width}s}  {pad(tr('best η'), 8, '>')}  {pad(tr('steps from each start'), 6 * k, '>')}  "
             f"{pad(tr('highest L'), 9, '>')}  {pad(tr('bursts'), 6, '>')}  {'|Δx|/η, |Δy|/η':>20s}"]
    for name, t in results.items():
        path = t.path
        settle = tuning.settle_steps(path, goal)
        cells = "".join(f"{'—' if n is None else n:>6}" for n in settle)
        loss = path.loss[:, 0]
        finite = loss[np.isfinite(loss)]
        burst = "—" if len(finite) < len(loss) else str(len(bursts(loss, surface)))
        moves = np.abs(np.diff(path.params[:, 0], axis=0))[-last:].mean(axis=0) / t.best_eta
        lines.append(f"{name:{width}s}  {t.best_eta:8.3g}  {cells}  {np.max(finite):9.4g}  {burst:>6s}  "
                     f"{moves[0]:>#9.3g}, {moves[1]:#.3g}")
    print("\n".join(lines))


def step_bound_table(surface, eta, alphas=CLIFF_ALPHAS, steps=4000):
    """Largest |θ_i^{t+1} − θ_i^t|/η of lecture RMSProp on `surface`, against the bound 1/sqrt(1 − α)."""
    lines = [f"{'α':>5} {pad(tr('largest step / η'), 17, '>')} {pad(tr('bound 1/sqrt(1 − α)'), 20, '>')}"]
    for alpha in alphas:
        path = descend(surface, optim.LectureRMSProp(lr=eta, alpha=alpha), surface.start, steps)
        largest = np.max(np.abs(np.diff(path.params, axis=0))) / eta
        lines.append(f"{alpha:>5} {largest:>17.4f} {1 / np.sqrt(1 - alpha):>20.4f}")
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# The panel: α and η on the plateau-and-cliff surface

@widgets.register("03 rmsprop")
def rmsprop_panel(alpha=0.9, eta=0.1, steps=400, noise=0.0, seed=0):
    """Panel: α (slider) and η (log slider) → RMSProp's path on the plateau and cliff, its σ_x^t
    and its step |x^{t+1} − x^t|, with Adagrad at the same η as the reference.

    The α slider stops at values evenly spaced in log(1 − α), from 0.5 to 0.999 (0.5, 0.7, 0.8,
    0.85, 0.9, …, 0.99, …, 0.999), so each of 0.5, 0.9, 0.99, 0.999 is one stop; a value outside
    a control's range is a ValueError.

    noise, seed: the gradient noise of 04's panel (`widgets.noise_controls`): s as a share of
    ‖∇L(θ⁰)‖ (0: the exact gradient) and the seed of its draw, `descend(noise=s, seed=seed)`; the
    seed is disabled at noise 0. Adagrad runs with the same noise and seed, so the comparison
    stays fair. With noise the status line gives where RMSProp hovers at its end (the median
    L − L* over its last quarter, `widgets.hovering_end`).
    """
    steps = widgets.check_number("steps", steps, 10, 5000, integer=True)
    controls = dict(alpha=widgets.StopSlider("α", alpha, widgets.forgetting_stops(0.5, 0.999)),
                    eta=widgets.log_slider("η", eta, -3, 0, readout_format=".2g"),
                    **widgets.noise_controls(noise, seed))
    surface = surfaces.plateau_cliff()
    # on a slide the panel's controls and status line sit above the figure: a flatter figure leaves them room
    fig, unused = plots.new_figure(static=False, figsize=(10, 2.9 if style.is_lecture() else 5))
    unused.remove()
    grid = fig.add_gridspec(2, 2, width_ratios=(1.25, 1))
    path_ax = fig.add_subplot(grid[:, 0])
    sigma_ax = fig.add_subplot(grid[0, 1])
    step_ax = fig.add_subplot(grid[1, 1], sharex=sigma_ax)
    plots.surface_axes(surface, path_ax, n=120)
    path_ax.axvspan(*surface.cliff, color=CLIFF_GREY, alpha=0.45, zorder=0)

    def lines(ax, **look):
        return ax.plot([], [], **look)[0]

    ada = dict(color=ADAGRAD, label=tr("Adagrad (same η)"))
    rms = dict(color=GREEN, label="RMSProp")
    ada_path = lines(path_ax, **ada)
    rms_path, rms_ends = widgets.path_artists(path_ax, GREEN, label="RMSProp")
    ada_sigma, rms_sigma = lines(sigma_ax, **ada), lines(sigma_ax, **rms)
    ada_step, rms_step = lines(step_ax, **ada), lines(step_ax, **rms)
    eta_line = step_ax.axhline(eta, color="black", lw=0.8, ls=":")
    # a Rectangle in data x and axes y, moved by each draw (axvspan gives a Polygon before matplotlib 3.9)
    spans = [ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.get_xaxis_transform(), color=CLIFF_GREY,
                                    zorder=0, lw=0)) for ax in (sigma_ax, step_ax)]
    for ax in (sigma_ax, step_ax):
        ax.set_ylim(1e-4, 40)               # the limits first: a log scale on the empty axes' (0, 1) warns
        ax.set_yscale("log")
        ax.set_xlim(0, steps)
    plots.plain_log_ticks(sigma_ax, step_ax)
    sigma_ax.set_ylabel(r"$\sigma_x^t$")
    step_ax.set_ylabel(r"$|x^{t+1} - x^t|$")
    step_ax.set_xlabel(tr("step t (grey: on the cliff)"))
    sigma_ax.tick_params(labelbottom=False)
    path_ax.legend(loc="lower left", fontsize="small")
    path_ax.set_title(tr("{steps} steps from ●").format(steps=steps))
    adagrad = widgets.Runs(lambda key, n: descend(surface, optim.LectureAdagrad(lr=key[0]), surface.start, n,
                                                  noise=key[1], seed=key[2]), steps, size=1)

    def draw(alpha, eta, noise, seed):
        widgets.show_noise(controls, noise)
        s, seed = widgets.noise_setting(surface, noise, seed)
        reference = adagrad((eta, s, seed), steps)
        path = descend(surface, optim.LectureRMSProp(lr=eta, alpha=alpha), surface.start, steps, noise=s, seed=seed)
        widgets.set_path(ada_path, reference)
        widgets.set_path(rms_path, path, rms_ends)
        widgets.set_curve(ada_sigma, reference.sigma[:, 0])
        widgets.set_curve(rms_sigma, path.sigma[:, 0])
        widgets.set_curve(ada_step, np.maximum(x_steps(reference), 1e-12))
        widgets.set_curve(rms_step, np.maximum(x_steps(path), 1e-12))
        eta_line.set_ydata([eta, eta])
        enter, leave = cliff_steps(surface, path)
        for span in spans:
            span.set_x(enter if enter is not None else steps)
            span.set_width(0 if enter is None else (leave if leave is not None else steps) - enter)
        problem = widgets.diverged_message(path, tr("RMSProp with α = {alpha:.4g}, η = {eta:.2g}").format(
            alpha=alpha, eta=eta))
        prefix = "" if s is None else tr("{noise}, for both: ").format(noise=widgets.noise_text(noise, s, seed))
        if problem:
            return prefix + problem
        leaves = path.leaves(surface.window) is not None
        if s is not None:
            if enter is None:
                cliff = tr("RMSProp never reaches the cliff")
            elif leave is None:
                cliff = tr("RMSProp on the cliff from step {enter}").format(enter=enter)
            else:
                ref_step = _largest_cliff_step(surface, reference) / eta
                step = _largest_cliff_step(surface, path) / eta
                if np.isfinite(ref_step):
                    cliff = tr("RMSProp on the cliff from step {enter}, largest step {step:.2f}η (Adagrad "
                               "{reference:.2f}η)").format(enter=enter, step=step, reference=ref_step)
                else:
                    cliff = tr("RMSProp on the cliff from step {enter}, largest step {step:.2f}η (Adagrad not "
                               "across it)").format(enter=enter, step=step)
            tail, level = widgets.hovering_end(path, surface)
            return tr("{prefix}α = {alpha:.4g}, η = {eta:.2g}. {cliff}; median L − L* of its last {tail} steps "
                      "≈ {level:.2g}.{leaves}").format(prefix=prefix, alpha=alpha, eta=eta, cliff=cliff, tail=tail,
                                                      level=level,
                                                      leaves=tr(" The path leaves the plot.") if leaves else "")
        reach, ref_reach = steps_to_x(surface, path), steps_to_x(surface, reference)

        def when(n):
            if n is not None:
                return tr("after {n} steps").format(n=n)
            return tr("not within {steps} steps").format(steps=steps)
        reached = tr("|x − x*| ≤ {tol:g}: RMSProp {rmsprop}, Adagrad {adagrad}").format(
            tol=X_TOLERANCE, rmsprop=when(reach), adagrad=when(ref_reach))
        if enter is not None and leave is not None:
            cliff = tr("largest step on the cliff {step:.2f}η (Adagrad {reference:.2f}η)").format(
                step=_largest_cliff_step(surface, path) / eta, reference=_largest_cliff_step(surface, reference) / eta)
        elif enter is None:
            cliff = tr("RMSProp never reaches the cliff")
        else:
            cliff = None
        if cliff is None:
            message = tr("α = {alpha:.4g}, η = {eta:.2g}. {reached}.").format(alpha=alpha, eta=eta, reached=reached)
        else:
            message = tr("α = {alpha:.4g}, η = {eta:.2g}. {reached}; {cliff}.").format(
                alpha=alpha, eta=eta, reached=reached, cliff=cliff)
        if leaves:
            message += tr(" The path leaves the plotted window.")
        return message

    animated = [*spans, ada_path, rms_path, *rms_ends, ada_sigma, rms_sigma, ada_step, rms_step,
                eta_line]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("RMSProp on the plateau and cliff: move α and η"))


def _largest_cliff_step(surface, path):
    enter, leave = cliff_steps(surface, path)
    if enter is None or leave is None:
        return float("nan")
    return float(x_steps(path)[enter:leave].max())


# ---------------------------------------------------------------------------------------
# Exercises

def rmsprop_sigma(sigma_prev, g, alpha):
    """σ^1 of the lecture's RMSProp from σ^0 = sigma_prev and the gradient g^1 = g, as the library
    computes it (`optim.RootEMA` from its first gradient, σ^0 = |g^0|)."""
    grads = np.array([sigma_prev, g], dtype=float)
    return float(optim.RootEMA(alpha, start="first").values(grads)[-1])


@check
@reads(as_number, "`sigma_1`")
def check_sigma_update(value, sigma_prev=2.0, g=6.0, alpha=0.9):
    """σ^1 = sqrt(α(σ^0)² + (1 − α)(g^1)²), with feedback for the usual slips."""
    target = rmsprop_sigma(sigma_prev, g, alpha)
    a, b = alpha, 1 - alpha
    if close(value, target, 0.005):
        return right(tr("Yes: σ¹ = sqrt({a:g}·{sigma_prev:g}² + {b:.2g}·{g:g}²) = sqrt({past:.4g} + {new:.4g}) = "
                        "{target:.4f}. One gradient {times:g}× larger than σ⁰ moves σ {share:.0%} of the way from σ⁰ "
                        "to |g¹|.").format(a=a, sigma_prev=sigma_prev, b=b, g=g, past=a * sigma_prev**2,
                                           new=b * g**2, target=target, times=g / sigma_prev,
                                           share=(target - sigma_prev) / (abs(g) - sigma_prev)))
    if value < 0:
        return wrong(tr("σ is a root of a weighted mean of squares, so it can't be negative."))
    slips = [
        (a * sigma_prev**2 + b * g**2, tr("That is (σ¹)²: you forgot the square root.")),
        (np.sqrt(b * sigma_prev**2 + a * g**2),
         tr("You put α on the new gradient. α = {a:g} weighs the past, (σ⁰)²; the newest (g¹)² gets 1 − α = "
            "{b:.2g}.").format(a=a, b=b)),
        (b * sigma_prev**2 + a * g**2, tr("You put α on the new gradient and forgot the square root.")),
        (np.sqrt(a * sigma_prev + b * g**2),
         tr("You used σ⁰ where the formula has (σ⁰)²: square the old σ before weighting it.")),
        (a * sigma_prev + b * abs(g),
         tr("You averaged σ⁰ and |g¹| themselves; RMSProp averages their squares, then takes the root.")),
        (np.sqrt((sigma_prev**2 + g**2) / 2),
         tr("That is Adagrad's σ¹, the plain mean of (g⁰)² and (g¹)². RMSProp weighs them α and 1 − α.")),
        (abs(g), tr("That would be α = 0 (σ = |g|): the past weighs α = {a:g} here.").format(a=a)),
    ]
    for slip, message in slips:
        if close(value, slip, 0.005):
            return wrong(tr("{value} is not it. {message}").format(value=shown(value), message=message)
                         + rounding_note(value, target, 0.005))
    return wrong(rounding_of(value, target, 0.005)
                 or tr("{value} is not it. Compute sqrt(α·(σ⁰)² + (1 − α)·(g¹)²) with σ⁰ = {sigma_prev:g}, "
                       "g¹ = {g:g}, α = {a:g}.").format(value=shown(value), sigma_prev=sigma_prev, g=g, a=a))


def cliff_brakes(surface=None, eta=CLIFF_ETA, alphas=(0.5, 0.99), steps=300):
    """Largest step |x^{t+1} − x^t| on the cliff for each α (lecture RMSProp on plateau_cliff)."""
    surface = surface or surfaces.plateau_cliff()
    return {alpha: _largest_cliff_step(
        surface, descend(surface, optim.LectureRMSProp(lr=eta, alpha=alpha), surface.start, steps))
        for alpha in alphas}


@functools.lru_cache(maxsize=8)
def _cliff_brakes_for(choices):
    return cliff_brakes(alphas=choices)


@check
def check_brakes_hardest(answer, choices=(0.5, 0.99)):
    """Which α brakes hardest at the cliff: the one whose largest step on the cliff is smallest."""
    value = as_choice(answer, tuple(choices), "`alpha`")
    if isinstance(value, Feedback):
        return value
    largest = _cliff_brakes_for(tuple(choices))
    best = min(largest, key=largest.get)
    summary = tr(", ").join(tr("α = {alpha:g}: {step:.2f}η").format(alpha=a, step=s / CLIFF_ETA)
                            for a, s in largest.items())
    if value == best:
        return right(tr("Yes: with α = {best:g} the newest gradient weighs 1 − α = {newest:.2g}, so σ jumps with the "
                        "gradient and the step stays near η. Largest step on the cliff: {summary}.").format(
            best=best, newest=1 - best, summary=summary))
    return wrong(tr("No: α = {value:g} keeps {value:.0%} of the old, small σ² from the plateau, so σ lags behind the "
                    "cliff's large gradient and the step grows. Largest step on the cliff: {summary}.").format(
        value=value, summary=summary))


def torch_first_step(lr, alpha, g, eps=1e-8):
    """How far torch's RMSprop moves θ at its first step with the gradient g, as the library's
    `optim.RMSprop` (torch's arithmetic) moves it."""
    return float(abs(optim.RMSprop(lr=lr, alpha=alpha, eps=eps).step(np.zeros(1), np.array([float(g)]))[0]))


@check
def check_torch_first_step(answer, lr=0.01, alpha=0.99, g=5.0):
    """The size of torch's first RMSprop step, with feedback for the usual slips ("10η" is 10·lr)."""
    value = as_number(answer, "`first_step`", eta=lr)
    if isinstance(value, Feedback):
        return value
    target = torch_first_step(lr, alpha, g)
    note, typed = "", value
    if value < 0:
        value = abs(value)
        note = (tr(" (The step itself is −{target:.4g} since g > 0; its size is what was asked.)").format(target=target)
                if close(value, target, 0.01) else tr(" (Its size, a positive number, is what was asked.)"))
    if close(value, target, 0.01):
        return right(tr("Yes: v⁰ = (1 − α)g² = {v0:.4g}, sqrt(v⁰) = {root:.4g}, so the step is η·|g|/sqrt(v⁰) = "
                        "η/sqrt(1 − α) = {target:.4g}: {times:.3g} times η.{note}").format(
            v0=(1 - alpha) * g * g, root=np.sqrt((1 - alpha) * g * g), target=target, times=target / lr, note=note))
    slips = [
        (lr, tr("That is the lecture's first step, η·sign(g) (σ⁰ = |g⁰|). torch starts its average at 0, so "
                "v⁰ = (1 − α)g², not g². (Putting α on the new term gives about the same, also wrong.)")),
        (lr * abs(g), tr("That is plain gradient descent, η·g: divide by σ⁰ = sqrt(v⁰).")),
        (lr * abs(g) / ((1 - alpha) * g * g), tr("You divided by v⁰ = (1 − α)g²: take its square root first.")),
        (lr * abs(g) / ((1 - alpha) * abs(g)), tr("You divided by (1 − α)|g|; σ⁰ = sqrt(v⁰) = sqrt(1 − α)·|g|.")),
        (lr * abs(g) / np.sqrt(1 - alpha), tr("You divided by sqrt(1 − α) only; σ⁰ = sqrt(1 − α)·|g| includes |g|.")),
        (lr * np.sqrt(1 - alpha), tr("You multiplied by sqrt(1 − α); the step divides by σ⁰ = sqrt(1 − α)·|g|.")),
    ]
    for slip, message in slips:
        if close(value, slip, 0.01):
            return wrong(tr("{value} is not it. {message}{note}").format(value=shown(typed), message=message, note=note))
    return wrong((rounding_of(value, target, 0.01) if typed > 0 else None)
                 or tr("{value} is not it. torch: v⁰ = α·0 + (1 − α)g², σ⁰ = sqrt(v⁰) + eps, step = η·g/σ⁰ with "
                       "η = {lr:g}, α = {alpha:g}, g = {g:g}.{note}").format(value=shown(typed), lr=lr, alpha=alpha,
                                                                              g=g, note=note))


__all__ = [
    "memory_figure", "print_memory", "x_profile_figure",
    "print_profile", "cliff_steps", "steps_to_x", "x_steps", "cliff_figure", "cliff_table",
    "first_steps_table", "weights_check_line", "transient_figure", "print_overshoot", "RACERS",
    "LECTURE_RACERS", "valley_race", "race_figure", "race_details",
    "step_bound_table", "rmsprop_panel", "rmsprop_sigma",
    "check_sigma_update", "cliff_brakes", "check_brakes_hardest", "torch_first_step",
    "check_torch_first_step",
]
