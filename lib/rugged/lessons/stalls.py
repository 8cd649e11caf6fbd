r"""01 critical points vs stalled training: experiments, figures, the ravine panel, exercises.

The lecture's first point: when the loss stops falling, look at the gradient before blaming
a critical point. Plain gradient descent on a small network (`nets.default_problem`)
flattens out while ‖∇L‖ stays far from zero; a search built to drive ∇L to zero
(`curvature.find_critical_point`) finds a true critical point some distance away. The
reason is a ravine: along its steep directions 1 − ηλ < 0, so every step overshoots and
the path bounces from wall to wall, while along its flat directions it hardly moves.

The notebook runs the optimizers and the search itself, and writes the lesson's two formulas
in its `teaching` cells: `bounce` (the Hessian where GD stalled, and how its gradient flips)
and `closed_form` (GD on a quadratic, (1 − ηλ_i)^N per parameter). This module turns their
results into tables and figures and holds the panel's wiring and the answer checks.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import nets, optim, plots, style, surfaces, widgets
from ..i18n import display_width, pad, tr, truth
from ..curvature import CRITICAL, EIG_TOL, find_critical_point, find_critical_points
from ..exercises import (COUNT, MISSING, Feedback, as_bool, as_number, check, close, pair_from_dict, pair_parts,
                         right, rounding_of, shown, unanswered, wrong)
from ..runner import descend

GD_COLOR = style.FAMILY_COLORS["GD"]
GD_LIGHT = "0.55"                             # a second GD run in the same figure: grey
POINT_COLOR = style.OKABE_ITO["vermillion"]   # a critical point found by the search
SADDLE_COLOR = style.OKABE_ITO["blue"]        # saddles in the census


# ---------------------------------------------------------------------------------------
# 1. The stall on a network

def run_line(problem, path, eta):
    """The run's size in one line: parameters, η and updates."""
    return tr("{n} parameters, η = {eta}, {steps:,} updates").format(n=problem.n_params, eta=eta, steps=path.steps)


def halves(path):
    """Slices of the first and the second half of a path's points."""
    half = path.steps // 2
    return slice(0, half + 1), slice(half, None)


def stall_summary(path):
    """How the loss and ‖∇L‖ behave over the second half of a run, next to a critical point's ‖∇L‖."""
    first, last = halves(path)
    half = path.steps // 2
    loss, norm = path.loss, path.grad_norm
    best_before, best_after = loss[first].min(), loss[last].min()
    return "\n".join([
        tr("loss at t = 0: {start:.5f}, t = {half:,}: {middle:.5f}, t = {steps:,}: {end:.5f}").format(
            start=loss[0], half=half, middle=loss[half], steps=path.steps, end=loss[-1]),
        tr("change of the loss over the second half: {change:+.2e} ({relative:+.1%})").format(
            change=loss[-1] - loss[half], relative=(loss[-1] - loss[half]) / loss[half]),
        tr("lowest loss in the first half {before:.5f}, in the second {after:.5f} ({relative:+.2%})").format(
            before=best_before, after=best_after, relative=(best_after - best_before) / best_before),
        tr("‖∇L‖ over the second half: between {low:.4f} and {high:.4f} (at the last step {end:.4f})").format(
            low=norm[last].min(), high=norm[last].max(), end=norm[-1]),
        tr("‖∇L‖ at a critical point: ≤ {critical:.0e}; the smallest value above is {times:.1e} times that").format(
            critical=CRITICAL, times=norm[last].min() / CRITICAL),
    ])


def stall_figure(path, *, label):
    """Loss (log) and gradient norm (linear, from 0) per step, the second half shaded."""
    axes = plots.loss_and_grad({label: path})
    fig = axes[0].figure
    fig.set_size_inches(9, 5)
    half = path.steps // 2
    for ax in axes:
        ax.axvspan(half, path.steps, color="0.85", alpha=0.5, lw=0, zorder=0)
        ax.set_xlim(0, path.steps)
    axes[1].set_yscale("linear")
    axes[1].set_ylim(0, 1.1 * path.grad_norm.max())
    axes[1].axhline(0, color=POINT_COLOR, lw=3, clip_on=False)
    axes[1].annotate(tr(r"a critical point has $\|\nabla L\| \leq 10^{{{exponent}}}$: on this line").format(
                         exponent=int(np.log10(CRITICAL))),
                     xy=(0.8 * path.steps, 0), xytext=(0.98 * path.steps, 0.45 * path.grad_norm.max()),
                     ha="right", va="bottom", color=POINT_COLOR,   # anchored inside the axes
                     arrowprops=dict(arrowstyle="->", color=POINT_COLOR, lw=1.5))
    axes[0].text(0.99, 0.95, tr("second half (shaded): the loss has stopped falling"), transform=axes[0].transAxes,
                 ha="right", va="top", fontsize="small")
    axes[1].text(0.99, 0.95, tr("… while ‖g‖ keeps bouncing far above 0"), transform=axes[1].transAxes,
                 ha="right", va="top", fontsize="small")
    axes[0].set_ylabel(tr(r"loss $L(\theta^t)$"))
    axes[1].set_ylabel(tr(r"gradient norm $\|g^t\|$"))
    axes[0].set_title(tr("{label}: loss and gradient norm per step").format(label=label))
    plots.plain_log_ticks(axes[0])
    return fig


# ---------------------------------------------------------------------------------------
# 2. The true critical point, and why GD does not get there

def search_without_decay(problem, start, chunks=(25, 25, 25, 25)):
    """`find_critical_point` on `problem` as it is (no weight decay) from `start`, stopped after
    each chunk of iterations and continued from there: rows (iterations so far, ‖θ‖,
    max |θ_i|, ‖∇L‖, converged), the first for `start` itself. It shows where the search goes
    when it does not converge."""
    theta = np.asarray(start, dtype=float)
    rows = [(0, float(np.linalg.norm(theta)), float(np.abs(theta).max()),
             float(np.linalg.norm(problem.grad(theta))), False)]
    done = 0
    for n in chunks:
        point = find_critical_point(problem, theta, max_iter=n)
        theta, done = point.theta, done + point.iterations
        rows.append((done, float(np.linalg.norm(theta)), float(np.abs(theta).max()), point.grad_norm,
                     point.converged))
        if point.converged or point.iterations < n:
            break
    return rows


def drift_summary(rows):
    """The rows of `search_without_decay` as a table, whether the search converged, and whether
    ‖θ‖ and max |θᵢ| grew from each printed row to the next after the first chunk (the first
    jump from the stall may go either way, so it is left out, and the line says so)."""
    lines = [tr("without weight decay, the search from the stall:"),
             f"{pad(tr('iterations'), 10, '>')} {'‖θ‖':>7s} {'max |θᵢ|':>10s} {'‖∇L‖':>10s}"]
    lines += [f"{n:10d} {norm:7.3f} {largest:10.3f} {grad:10.3e}" for n, norm, largest, grad, _ in rows]
    lines.append(tr("converged (‖∇L‖ ≤ 1e-10): {converged}").format(converged=truth(rows[-1][4])))
    if len(rows) >= 3:
        grew = all(b[1] > a[1] and b[2] > a[2] for a, b in zip(rows[1:], rows[2:]))
        lines.append(tr("from iteration {first} to {last}, ‖θ‖ and max |θᵢ| grew from every row "
                        "to the next: {grew}").format(first=rows[1][0], last=rows[-1][0], grew=truth(grew)))
    return "\n".join(lines)


def critical_summary(problem, regularised, stall, point):
    """The stall point and the critical point found from it, side by side.

    `problem` is the loss GD trained on; `regularised` the same loss plus weight decay, on
    which the search ran (its loss = the data loss + ½·weight_decay·‖θ‖²).
    """
    stall_data, point_data = float(problem.loss(stall)), float(problem.loss(point.theta))
    n, n_pos = len(point.eigenvalues), int(round(point.minimum_ratio * len(point.eigenvalues)))
    negative = point.eigenvalues[point.eigenvalues < 0]
    grad_point = f"≤ {1e-10:.0e}" if point.grad_norm <= 1e-10 else f"{point.grad_norm:.3g}"
    kind = tr("a local minimum") if point.is_local_min else tr("a saddle point")
    lines = [
        f"{'':24s} {'‖∇L‖':>10s} {pad(tr('L with decay'), 13, '>')} {pad(tr('data loss'), 10, '>')} {'‖θ‖':>7s}",
        f"{pad(tr('stall (GD, last step)'), 24)} {np.linalg.norm(regularised.grad(stall)):>10.4f} "
        f"{regularised.loss(stall):>13.5f} {stall_data:>10.5f} {np.linalg.norm(stall):>7.3f}",
        f"{pad(tr('critical point'), 24)} {grad_point:>10s} {point.loss:>13.5f} {point_data:>10.5f} "
        f"{np.linalg.norm(point.theta):>7.3f}",
        "",
        tr("search converged: {converged}; distance from the stall: {distance:.3f}").format(
            converged=truth(point.converged), distance=np.linalg.norm(point.theta - stall)),
        tr("Hessian at the critical point: {positive} of {n} eigenvalues positive → minimum ratio "
           "{ratio:.4f}: {kind}").format(positive=n_pos, n=n, ratio=point.minimum_ratio, kind=kind),
    ]
    if len(negative):
        lines.append(tr("  its negative eigenvalues: {values} (largest eigenvalue {largest:.4g})").format(
            values=", ".join(f"{v:.3g}" for v in negative), largest=point.eigenvalues.max()))
    return "\n".join(lines)


def bounce_summary(eigenvalues, share, flips, *, eta, window=100):
    """λ_max at the stall against GD's limit 2/η, the gradient's share in the steep directions
    and how often it flipped over the last `window` steps (what the notebook's `bounce` gives)."""
    lam = np.sort(eigenvalues)
    n_steep = int(np.sum(lam > 1 / eta))
    n_negative = int(np.sum(lam < -EIG_TOL * np.abs(lam).max()))
    return "\n".join([
        tr("at the stall: λₘₐₓ = {lam_max:.4f}, GD's limit 2/η = {limit:.4f}; 1 − ηλₘₐₓ = {factor:.3f}").format(
            lam_max=lam[-1], limit=2 / eta, factor=1 - eta * lam[-1]),
        tr("{steep} of {n} directions have λ > 1/η = {inverse:.4f} (1 − ηλ < 0: each step overshoots); "
           "they carry {share:.1%} of ‖g‖").format(steep=n_steep, n=len(lam), inverse=1 / eta, share=share),
        tr("gᵗ · v_max changes sign at {flips:.0%} of the last {window} steps").format(flips=flips, window=window),
        tr("{flat} of {n} eigenvalues have |λ| < 0.01 (flat: |ηλ| < {bound:.3g}); "
           "{negative} are negative (down to {lowest:.3f})").format(
            flat=int(np.sum(np.abs(lam) < 1e-2)), n=len(lam), bound=eta * 1e-2, negative=n_negative, lowest=lam[0]),
    ])


def critical_factor_line(lam_max, *, eta):
    """GD's factor along the steepest direction at the critical point (λ_max given by the notebook)."""
    return tr("at the critical point: λₘₐₓ = {lam_max:.4f}, 1 − ηλₘₐₓ = {factor:.3f}").format(
        lam_max=lam_max, factor=1 - eta * lam_max)


def spectrum_axes(ax, eigenvalues, *, eta, labels, colors):
    """Sorted Hessian eigenvalues (symlog) of several points, with GD's lines 1/η and 2/η."""
    for eigs, label, color in zip(eigenvalues, labels, colors):
        ax.plot(np.arange(1, len(eigs) + 1), np.sort(eigs)[::-1], "o", ms=3.5, color=color, label=label)
    ax.set_yscale("symlog", linthresh=1e-4)
    ax.axhline(2 / eta, color=GD_COLOR, ls="--", lw=1.2)
    ax.axhline(1 / eta, color=GD_COLOR, ls=":", lw=1.2)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.text(len(eigenvalues[0]), 2 / eta, " 2/η", va="bottom", ha="right", fontsize="small")
    ax.text(len(eigenvalues[0]), 1 / eta, " 1/η", va="top", ha="right", fontsize="small")
    ax.set_xlabel(tr("eigenvalue number (largest first)"))
    ax.set_ylabel(tr("eigenvalue λ (symlog)"))
    ax.legend(loc="lower left", fontsize="small")
    plots.no_minor_ticks(ax)
    return ax


def bounce_figure(eigenvalues, along, point, *, eta, steps=40):
    """Left: the Hessian spectra at the stall (`eigenvalues`) and at the critical point `point`.
    Right: `along`, the gradient's component g^t · v_max along the steepest direction, over the
    last `steps` steps, flipping sign."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11, 4.2), width_ratios=(1.25, 1))
    spectrum_axes(left, [eigenvalues, point.eigenvalues], eta=eta,
                  labels=[tr("at the stall (data loss)"), tr("at the critical point (with decay)")],
                  colors=[GD_COLOR, POINT_COLOR])
    left.set_title(tr("Hessian eigenvalues"), fontsize="medium")
    n = len(along)
    t = np.arange(n - steps, n)
    right.plot(t, along[-steps:], "-o", color=GD_COLOR, ms=3.5, lw=0.8)
    right.axhline(0, color="0.4", lw=0.8)
    right.set_xlabel(tr("step t"))
    right.set_ylabel(r"$g^t \cdot v_{\max}$")
    right.set_title(tr("gradient along the steepest direction"), fontsize="medium")
    return fig


# ---------------------------------------------------------------------------------------
# The 2-D ravine: the same picture, where it can be seen

def ravine_layout(surface, *, static=True, figsize=(11, 4.4)):
    """A figure with the surface's contours on the left and loss / ‖g‖ stacked on the right."""
    fig, axes = plots.new_figure(figsize=figsize, static=static, width_ratios=(1.5, 1),
                                 mosaic=[["contour", "loss"], ["contour", "grad"]])
    contour, loss_ax, grad_ax = axes["contour"], axes["loss"], axes["grad"]
    grad_ax.sharex(loss_ax)
    plots.surface_axes(surface, contour)
    loss_ax.set_yscale("log")
    grad_ax.set_yscale("log")
    loss_ax.set_ylabel(tr(r"loss $L(\theta^t)$"))
    grad_ax.set_ylabel(r"$\|g^t\|$")
    grad_ax.set_xlabel(tr("step t"))
    loss_ax.tick_params(labelbottom=False)
    return fig, contour, loss_ax, grad_ax


def ravine_figure(surface, path, *, label, zoom_steps=12):
    """GD's path on the ravine with a zoom on its first steps (left); its loss and gradient norm
    per step on linear axes from 0 (right)."""
    fig, contour, loss_ax, grad_ax = ravine_layout(surface)
    plots.draw_band(contour, path, label, color=GD_COLOR)
    contour.set_title(tr("{label}, {steps} steps").format(label=label, steps=path.steps), fontsize="medium")
    inset = contour.inset_axes([0.55, 0.05, 0.43, 0.36])
    xy = path.params[:zoom_steps + 1]
    inset.plot(xy[:, 0], xy[:, 1], "-o", color=GD_COLOR, ms=3, lw=0.9)
    x_lo, x_hi = xy[:, 0].min(), xy[:, 0].max()
    inset.set_xlim(x_lo - 0.3 * (x_hi - x_lo), x_hi + 0.05 * (x_hi - x_lo))   # room for the labels, left
    for t in (0, 1):
        inset.annotate(f"t = {t}", xy[t], xytext=(-5, 0), textcoords="offset points", ha="right", va="center",
                       fontsize="small")
    inset.set_facecolor("white")
    inset.set_title(tr("first {steps} steps, x zoomed").format(steps=zoom_steps), fontsize="small")
    inset.tick_params(labelsize="small")
    # no x tick labels: the zoom's x values would sit on the main x-axis labels just below
    inset.tick_params(axis="x", bottom=False, labelbottom=False)
    lo, hi = inset.get_ylim()
    # only the ticks inside the zoom: a label just outside it would sit on the other axis' labels
    inset.yaxis.set_ticks([v for v in MaxNLocator(3).tick_values(lo, hi) if lo <= v <= hi])
    inset.grid(False)
    t = np.arange(len(path.loss))
    loss_ax.plot(t, path.loss, color=GD_COLOR)
    grad_ax.plot(t, path.grad_norm, color=GD_COLOR)
    for ax, values in ((loss_ax, path.loss), (grad_ax, path.grad_norm)):
        ax.set_yscale("linear")
        ax.set_ylim(0, 1.08 * values.max())
    loss_ax.set_xlim(0, path.steps)
    loss_ax.set_title(tr("loss and gradient norm"), fontsize="medium")
    return fig


def ravine_summary(surface, path, eta):
    """The two GD factors, the first points, and where the path is after its steps."""
    lam_min, lam_max = surface.eigenvalues
    p = path.params
    return "\n".join([
        tr("λₘᵢₙ = {lam_min:g}, λₘₐₓ = {lam_max:g}: factors per step 1 − ηλₘᵢₙ = {f_min:.4f}, "
           "1 − ηλₘₐₓ = {f_max:.4f}").format(lam_min=lam_min, lam_max=lam_max, f_min=1 - eta * lam_min,
                                              f_max=1 - eta * lam_max),
        tr("first points (x, y): {points}").format(points=", ".join(f"({x:.3f}, {y:+.4f})" for x, y in p[:4])),
        tr("after {steps} steps: (x, y) = ({x:.4f}, {y:+.4f}), |y| = {share:.3f} of its start; "
           "loss {loss_start:.2f} → {loss_end:.2f}, ‖g‖ {g_start:.1f} → {g_end:.1f}").format(
            steps=path.steps, x=p[-1, 0], y=p[-1, 1], share=abs(p[-1, 1]) / abs(p[0, 1]), loss_start=path.loss[0],
            loss_end=path.loss[-1], g_start=path.grad_norm[0], g_end=path.grad_norm[-1]),
        tr("at the last step |g_y| = {g_y:.2f} (the bouncing y), |g_x| = {g_x:.3f} "
           "(the flat x, where ★ is {away:.2f} away)").format(
            g_y=abs(path.grad[-1, 1]), g_x=abs(path.grad[-1, 0]), away=abs(p[-1, 0] - surface.minima[0, 0])),
    ])


# ---------------------------------------------------------------------------------------
# 3. The census of critical points

CENSUS_SIZES = (1, 15, 1)      # the census's networks: 46 parameters
CENSUS_DECAY = 1e-2            # its weight decay λ_wd


@dataclass
class Census:
    """The critical points a census reached (one entry per point) and what it tried."""

    theta: np.ndarray            # (points, d): where each point is
    loss: np.ndarray             # the training loss, with the weight decay
    minimum_ratio: np.ndarray
    grad_norm: np.ndarray
    eigenvalues: np.ndarray      # (points, d), each row ascending
    n_nets: int                  # searches started
    sizes: tuple

    @property
    def is_local_min(self):
        """True where every Hessian eigenvalue is positive (minimum ratio 1)."""
        return self.minimum_ratio == 1.0

    @property
    def n_negative(self):
        """How many eigenvalues at each point are not positive (d − d · minimum ratio)."""
        return np.rint(self.eigenvalues.shape[1] * (1 - self.minimum_ratio)).astype(int)


def census_problem(weight_decay=CENSUS_DECAY, sizes=CENSUS_SIZES):
    """The census's loss: `sizes` fitting section 1's 40 points, with weight decay."""
    return nets.Regression(nets.MLP(sizes), *nets.synthetic_data(40, seed=0), weight_decay=weight_decay)


def census(n_nets=150, seed=0, sizes=CENSUS_SIZES, weight_decay=CENSUS_DECAY, train_steps=(20, 60, 200),
           eta=0.3, tol=1e-13):
    """The lecture's census on networks of `sizes` (one tanh hidden layer) fitting section 1's data.

    Every network fits the same 40 noisy points of sin 2x (`nets.synthetic_data(40, seed=0)`) with
    the loss ½ mean (f − y)² + ½ · weight_decay · ‖θ‖², so the points are critical points of ONE
    loss surface. Network i starts from its own Xavier initialisation, takes
    train_steps[i % len(train_steps)] steps of gradient descent with step η (all networks side by
    side), and `curvature.find_critical_points` then drives ‖∇L‖ towards `tol` from there, with
    the exact Hessians of `nets.one_hidden_layer_hessians`. The census keeps the points with
    ‖∇L‖ ≤ CRITICAL (1e-8); deterministic given `seed`. `census_problem(weight_decay, sizes)` is the loss
    it searched.
    """
    problem = census_problem(weight_decay, sizes)
    net = problem.net
    seeds = np.random.default_rng(seed).integers(2 ** 32, size=n_nets)
    theta = np.array([net.init(s) for s in seeds])
    steps = np.array([train_steps[i % len(train_steps)] for i in range(n_nets)])
    for t in range(int(steps.max(initial=0))):
        training = t < steps
        theta[training] -= eta * problem.grad(theta[training])
    found = find_critical_points(problem, theta, nets.one_hidden_layer_hessians, tol=tol, max_iter=40, max_rounds=60)
    keep = found.grad_norm <= CRITICAL
    return Census(theta=found.theta[keep], loss=found.loss[keep], minimum_ratio=found.minimum_ratio[keep],
                  grad_norm=found.grad_norm[keep], eigenvalues=found.eigenvalues[keep], n_nets=n_nets,
                  sizes=tuple(sizes))


def census_margin(c):
    """The eigenvalue nearest zero at any point, relative to its point's largest |λ|: how far the
    sign count is from the tolerance EIG_TOL that `curvature.minimum_ratio` uses."""
    return float(np.min(np.abs(c.eigenvalues).min(axis=1) / np.abs(c.eigenvalues).max(axis=1)))


def census_groups(c):
    """True for the points above the widest gap between neighbouring losses (on a log scale)."""
    order = np.sort(np.log(c.loss))
    if len(order) < 2:
        return np.zeros(len(c.loss), dtype=bool)
    cut = int(np.argmax(np.diff(order)))
    return np.log(c.loss) > (order[cut] + order[cut + 1]) / 2


def census_summary(c):
    """How many searches reached a critical point, how far the eigenvalues are from the sign
    tolerance, the minimum ratios and the negative eigenvalues, minima against saddles."""
    d = c.eigenvalues.shape[1]
    ratios = np.unique(c.minimum_ratio)
    negative, counts = np.unique(c.n_negative, return_counts=True)
    minima, saddles = c.loss[c.is_local_min], c.loss[~c.is_local_min]
    worst = c.grad_norm.max()
    pairs = [f"{m} ({k})" for m, k in zip(negative, counts)]
    head = tr("negative eigenvalues (points):") + " "
    lines = [      # short lines: a slide's printout must not wrap
        tr("network {sizes} ({d} parameters): {found} of {tried} searches reached a critical point").format(
            sizes=" → ".join(map(str, c.sizes)), d=d, found=len(c.loss), tried=c.n_nets),
        tr("the largest ‖∇L‖ among them: {worst}").format(
            worst=f"< {1e-12:.0e}" if worst < 1e-12 else f"{worst:.2g}"),
        tr("a sign counts above {tol:.0e} × the largest |λ|; the eigenvalue nearest 0 is {margin:.0f}× above "
           "that").format(tol=EIG_TOL, margin=census_margin(c) / EIG_TOL),
        tr("minimum ratio: {count} different values, from {low:.3f} to {high:.3f}").format(
            count=len(ratios), low=ratios.min(), high=ratios.max()),
        *[(head if i == 0 else " " * display_width(head)) + ", ".join(pairs[i:i + 7])
          for i in range(0, len(pairs), 7)],
        tr("true local minima (ratio 1): {minima}; saddle points: {saddles}").format(
            minima=len(minima), saddles=len(saddles)),
    ]
    high = census_groups(c)
    groups = ((tr("high-loss group: {n} points, loss {low:.4f} … {high:.4f}, ratio {r_low:.3f} … {r_high:.3f}"), high),
              (tr("low-loss group: {n} points, loss {low:.4f} … {high:.4f}, ratio {r_low:.3f} … {r_high:.3f}"), ~high))
    for line, group in groups:
        if group.any():
            lines.append(line.format(n=int(group.sum()), low=c.loss[group].min(), high=c.loss[group].max(),
                                     r_low=c.minimum_ratio[group].min(), r_high=c.minimum_ratio[group].max()))
    if len(minima) and len(saddles):
        lines.append(tr("lowest loss: minimum {minimum:.4f}, saddle {saddle:.4f}; saddles below the best "
                        "minimum: {below}").format(minimum=minima.min(), saddle=saddles.min(),
                                                   below=int(np.sum(saddles < minima.min()))))
    return "\n".join(lines)


def census_positions(ratios, spread=0.018, seed=0):
    """Where to draw each minimum ratio in the census scatter: the ratio moved sideways by at
    most `spread` (so that equal ratios don't hide each other), but never out of [0, 1]:
    a ratio near 1 moves only left, one near 0 only right."""
    ratios = np.asarray(ratios, dtype=float)
    rng = np.random.default_rng(seed)
    size = rng.uniform(0, spread, ratios.shape)
    side = np.where(rng.random(ratios.shape) < 0.5, -1.0, 1.0)
    side = np.where(ratios + size > 1, -1.0, np.where(ratios - size < 0, 1.0, side))
    return np.clip(ratios + side * size, 0.0, 1.0)


def census_figure(c, *, title=None):
    """Training loss against minimum ratio at every critical point; true local minima as ★.
    Equal ratios are spread sideways by at most a third of the gap 1/d between two ratios, so
    the columns stay apart; the top axis counts the negative eigenvalues. The title is `title`,
    by default "N critical points of networks 1 → 15 → 1" (the census's count and sizes)."""
    if title is None:
        title = tr("{n} critical points of networks {sizes}").format(n=len(c.loss), sizes=" → ".join(map(str, c.sizes)))
    # on a slide, flatter: it shares the screen with a heading and a line of text
    fig, ax = plots.new_figure(figsize=(10.5, 3.6) if style.is_lecture() else (8.5, 4.4))
    d = c.eigenvalues.shape[1]
    saddle = ~c.is_local_min
    x = np.where(saddle, census_positions(c.minimum_ratio, spread=1 / (3 * d)), c.minimum_ratio)
    ax.plot(x[saddle], c.loss[saddle], "o", color=SADDLE_COLOR, alpha=0.6, ms=5,
            label=tr("saddle point ({n})").format(n=saddle.sum()))
    ax.plot(x[~saddle], c.loss[~saddle], linestyle="none", **style.MINIMUM_STYLE,
            label=tr("true local minimum ({n})").format(n=(~saddle).sum()))
    ax.set_yscale("log")
    low = np.floor(c.minimum_ratio.min() * 20) / 20
    ax.set_xlim(low - 0.5 / d, 1 + 0.5 / d)
    ax.set_xticks(np.arange(low, 1.0001, 0.05))
    top = ax.secondary_xaxis("top", functions=(lambda r: d * (1 - r), lambda m: 1 - m / d))
    top.set_xticks([m for m in range(0, d + 1, 2) if 1 - m / d >= low - 0.5 / d])
    top.set_xlabel(tr("negative eigenvalues"), fontsize="small")
    plots.no_minor_ticks(ax)
    span = np.log10(c.loss.max() / c.loss.min())
    # a log axis labelled 1, 1.5, 2, 3, 5, 7 per decade: a loss axis spanning less than a decade
    # then still has labels inside each group of points
    ticks = [v * 10.0 ** e for e in range(-3, 2) for v in (1, 1.5, 2, 3, 5, 7)]
    ticks = [v for v in ticks if c.loss.min() / 1.2 <= v <= c.loss.max() * 1.2] if span > 0.3 else ticks
    ax.set_yticks(ticks, [f"{v:g}" for v in ticks])
    ax.set_ylim(c.loss.min() / 1.15, c.loss.max() * 1.15)
    ax.set_xlabel(tr("minimum ratio = share of positive Hessian eigenvalues"))
    ax.set_ylabel(tr("training loss (log scale)"))
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize="small")
    return fig


# ---------------------------------------------------------------------------------------
# 4. One learning rate for a flat and a steep direction
# (`closed_form(surface, eta, steps)`, GD's point after `steps` updates on a quadratic with a
# diagonal Hessian, is the notebook's teaching code; the tables below are given it.)

def steps_to_reach(surface, eta, closed_form, tol=1e-2, limit=10**9):
    """First N with ‖θ^N − θ*‖ ≤ tol for GD with η on the diagonal quadratic, from the notebook's
    `closed_form`; None if GD never gets there (it diverges, or bounces without decaying:
    |1 − ηλ| ≥ 1) or N would exceed `limit`."""
    def far(n):
        return not np.linalg.norm(closed_form(surface, eta, n) - surface.minima[0]) <= tol

    if far(limit):
        return None
    low, high = 0, limit                      # far(low) is True, far(high) is False
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if far(mid) else (low, mid)
    return high


def one_rate_summary(surface, paths, closed_form):
    """For each GD run (label → (η, path)): endpoint, distance to ★ and the notebook's
    `closed_form` endpoint."""
    lines = [f"{'':18s} {pad(tr('steps'), 8, '>')} {pad(tr('final x'), 9, '>')} {pad(tr('final y'), 9, '>')} "
             f"{pad(tr('distance to ★'), 14, '>')} {pad(tr('closed form (x, y)'), 22, '>')}"]
    for label, (eta, path) in paths.items():
        x, y = path.endpoint
        cx, cy = closed_form(surface, eta, path.steps)
        lines.append(f"{label:18s} {path.steps:>8,} {x:>9.4f} {y:>+9.4f} {path.distance(surface.minima[0]):>14.4f} "
                     f"{f'({cx:.4f}, {cy:+.4f})':>22s}")
    return "\n".join(lines)


def closed_form_reason(surface, eta, steps, closed_form):
    """Why GD with η ends where it does after `steps` steps: the factor (1 − ηλ_i)^N per parameter,
    read off the notebook's `closed_form` as (θ_i^N − θ_i*)/(θ_i^0 − θ_i*)."""
    start = np.asarray(surface.start, dtype=float)
    factors = (closed_form(surface, eta, steps) - surface.minima[0]) / (start - surface.minima[0])
    lines = []
    for i, (name, lam) in enumerate(zip(surface.labels, np.diag(surface.H))):
        f, gap = factors[i], start[i] - surface.minima[0, i]
        lines.append(tr("{name}: (1 − ηλ)ᴺ with N = {steps:,}: (1 − {rate:.4g})ᴺ ≈ exp(−{exponent:.4g}) = "
                        "{f:.4f}, so the final {name} − {name}* = {f:.4f} × ({gap:+g}) = {moved:+.4f}").format(
            name=name, steps=steps, rate=eta * lam, exponent=eta * lam * steps, f=f, gap=gap, moved=f * gap))
    return "\n".join(lines)


def rate_table(surface, etas, closed_form, tol=1e-2):
    """For each η: both GD factors and the steps to get within `tol` of the minimum (from the
    notebook's `closed_form`)."""
    lam_min, lam_max = surface.eigenvalues
    lines = [f"{'η':>10s} {'1 − ηλₘᵢₙ':>12s} {'1 − ηλₘₐₓ':>12s}   "
             + tr("steps until ‖θ − θ*‖ ≤ {tol:g}").format(tol=tol)]
    for eta in etas:
        n = steps_to_reach(surface, eta, closed_form, tol)
        f_max = 1 - eta * lam_max
        if n is None:
            what = tr("never: diverges") if abs(f_max) > 1 else tr("more than 10⁹")
        else:
            what = tr("{n:,}  (bounces: 1 − ηλₘₐₓ < 0)").format(n=n) if f_max < 0 else f"{n:,}"
        lines.append(f"{eta:>10.4g} {1 - eta * lam_min:>12.8f} {f_max:>12.4f}   {what}")
    return "\n".join(lines)


def one_rate_figure(surface, runs):
    """Left: the GD runs (label → (η, path)) on the ravine. Right: |x^t| and |y^t| per step, log t."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11.5, 4.2), width_ratios=(1.5, 1))
    plots.surface_axes(surface, left)
    shades = (GD_COLOR, GD_LIGHT)
    for index, ((label, (eta, path)), color) in enumerate(zip(runs.items(), shades)):
        if index == 0:                      # the first run bounces: the band it sweeps
            plots.draw_band(left, path, label, color=color)
        else:
            line = plots.draw_path(left, path, label, color=color, keep=4000)
            line.set_linewidth(3.0)
            line.set_zorder(6)
        t = np.arange(1, len(path.params) + 1)
        keep = plots.thin(len(t))
        for i, (name, ls) in enumerate((("x", "-"), ("y", "--"))):
            right.plot(t[keep], np.abs(path.params[keep, i] - surface.minima[0, i]), ls, color=color,
                       lw=1.8 if color == GD_COLOR else 2.6, label=rf"$|{name}^t - {name}^*|$, {label}")
    left.set_title(tr("one η for both directions"), fontsize="medium")
    left.legend(loc="lower right", fontsize="small")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_ylim(1e-2, 20)
    right.set_xlabel(tr("step t + 1"))
    right.set_ylabel(tr("distance to ★"))
    right.set_title(tr("x flat, y steep"), fontsize="medium")
    right.legend(loc="lower left", fontsize="small")
    plots.plain_log_ticks(right)
    return fig


# ---------------------------------------------------------------------------------------
# The panel

def factor(eta, lam):
    """1 − ηλ as text: "1 − 1e-09" when ηλ is too small for the digits, else 4 decimals."""
    return f"1 − {eta * lam:.2g}" if eta * lam < 1e-3 else f"{1 - eta * lam:.4f}"


@widgets.register("01 ravine")
def ravine_panel(eta=1e-2, steps=300, max_steps=100_000, noise=0.0, seed=0):
    """Panel: η on a log slider and the number of steps → GD's path on the ravine, its loss and
    gradient norm per step, and in the status line the two factors 1 − ηλ and the distance to ★.

    The steps go up to section 5's 100,000 updates; moving the steps slider shows part of
    one run (`widgets.Runs`), and the lines are drawn from about 2,000 of their points
    (`plots.thin`). The loss and ‖g‖ axes are fixed (log t from 1 to `max_steps`, log values
    over ranges that hold every stable run; a diverging run leaves through the top), so a
    slider move redraws only the lines, the markers and the title. A path that bounces from
    wall to wall (η > 1/λ_max) is drawn as the band it sweeps, as in the static figure
    (`plots.draw_band`). A value outside a control's range is a ValueError.

    noise, seed: the gradient noise of 04's panel (`widgets.noise_controls`): s as a share of
    ‖∇L(θ⁰)‖ (0: the exact gradient) and the seed of its draw, `descend(noise=s, seed=seed)`; the
    seed is disabled at noise 0. The ‖g‖ line then shows the noisy gradients GD steps with, and
    the status line gives where the run hovers at its end (the median L − L* over its last
    quarter, `widgets.hovering_end`).
    """
    from matplotlib.colors import to_rgba

    max_steps = widgets.check_number("max_steps", max_steps, 10, 100_000, integer=True)
    controls = dict(eta=widgets.log_slider("η", eta, -8, -1, step=0.05, readout_format=".2e"),
                    steps=widgets.described(widgets.int_slider("steps", steps, 10, max_steps, 10), tr("steps")),
                    **widgets.noise_controls(noise, seed))
    surface = surfaces.ravine()
    lam_min, lam_max = surface.eigenvalues
    # on a slide the panel's controls and status line sit above the figure: a lower figure leaves them room
    fig, contour, loss_ax, grad_ax = ravine_layout(surface, static=False,
                                                   figsize=(10.5, 3.0 if style.is_lecture() else 4.2))
    path_line, ends = widgets.path_artists(contour, GD_COLOR, lw=1.2)
    (band,) = contour.fill(np.empty(0), np.empty(0), facecolor=to_rgba(GD_COLOR, 0.3), edgecolor=GD_COLOR,
                           hatch="||||", lw=0, zorder=2)
    edges = [contour.plot([], [], color=GD_COLOR, lw=0.8, zorder=2)[0] for _ in range(2)]
    (loss_line,) = loss_ax.plot([], [], color=GD_COLOR)
    (grad_line,) = grad_ax.plot([], [], color=GD_COLOR)
    loss_ax.set_xscale("log")
    loss_ax.set_xlim(1, max_steps + 1)
    loss_ax.set_ylim(1e-5, 1e5)
    grad_ax.set_ylim(1e-3, 1e5)
    grad_ax.set_xlabel(tr("step t + 1"))
    loss_ax.set_title(tr("loss and gradient norm"), fontsize="medium")
    plots.plain_log_ticks(loss_ax, grad_ax)
    runs = widgets.Runs(lambda key, steps: descend(surface, optim.GD(lr=key[0]), surface.start, steps,
                                                   noise=key[1], seed=key[2]), max_steps)

    def draw(eta, steps, noise, seed):
        steps = int(steps)
        widgets.show_noise(controls, noise)
        s, seed = widgets.noise_setting(surface, noise, seed)
        path = runs((eta, s, seed), steps)
        keep = plots.thin(len(path.params), keep=2000)
        widgets.set_path(path_line, path, ends)
        xy = path.params[:, :2]
        if eta * lam_max > 1 and len(xy) >= 3:     # 1 − ηλ_max < 0: y changes sign every step
            even, odd = (side[plots.thin(len(side), keep=1000)] for side in (xy[0::2], xy[1::2]))
            band.set_xy(np.concatenate([even, odd[::-1]]))
            for edge, points in zip(edges, (even, odd)):
                edge.set_data(points[:, 0], points[:, 1])
            path_line.set_data([], [])
        else:
            band.set_xy(np.empty((0, 2)))
            for edge in edges:
                edge.set_data([], [])
            path_line.set_data(xy[keep, 0], xy[keep, 1])
        widgets.set_curve(loss_line, path.loss[keep], keep + 1)
        widgets.set_curve(grad_line, path.grad_norm[keep], keep + 1)
        if noise:
            title = tr("GD, η = {eta:.2e}: {steps:,} steps, noise {noise:.3g}%").format(
                eta=eta, steps=steps, noise=100 * noise)
        else:
            title = tr("GD, η = {eta:.2e}: {steps:,} steps").format(eta=eta, steps=steps)
        contour.set_title(title)
        factors = f"1 − ηλ_{{min}} = {factor(eta, lam_min)}, 1 − ηλ_{{max}} = {factor(eta, lam_max)}"
        message = widgets.diverged_message(path, tr("GD with η = {eta:.2e}").format(eta=eta))
        prefix = "" if s is None else tr("{noise}: ").format(noise=widgets.noise_text(noise, s, seed))
        if message:
            return tr("{prefix}{message} ({factors}: |1 − ηλ_{{max}}| > 1, every step makes |y| larger)").format(
                prefix=prefix, message=message, factors=factors)
        if s is not None:
            tail, level = widgets.hovering_end(path, surface)
            return tr("{prefix}{factors}; after {steps:,} steps GD hovers at L − L* ≈ {level:.3g} "
                      "(median of its last {tail:,} steps)").format(prefix=prefix, factors=factors, steps=path.steps,
                                                                     level=level, tail=tail)
        x, y = path.endpoint
        return tr("{factors}; after {steps:,} steps (x, y) = ({x:.3f}, {y:+.3f}), distance to ★ {distance:.3g}, "
                  "‖g‖ {grad:.3g}").format(factors=factors, steps=path.steps, x=x, y=y,
                                           distance=path.distance(surface.minima[0]), grad=path.grad_norm[-1])

    animated = [band, *edges, path_line, *ends, contour.title, loss_line, grad_line]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("Gradient descent on the ravine: one η for a flat x and a steep y"))


# ---------------------------------------------------------------------------------------
# Exercises

def _factor_text(factor):
    """' = 1 − ηλ' as text that never rounds to a contradiction (−1.0002 is not shown as −1)."""
    if not np.isfinite(factor):
        return ""
    for digits in range(4, 16):
        text = f"{factor:.{digits}g}"
        if float(text) != -1.0 or factor == -1.0:
            return " = " + text.replace("-", "−")
    return " = " + repr(factor)


@check
def largest_stable_lr(answer, surface=None):
    """The largest η for which GD converges on a quadratic surface: 2/λ_max.

    The question is a limit, so the check is one-sided: any η above 2/λ_max diverges and
    is refused, η from 0.95·2/λ_max up to the limit is accepted (the limit itself, 2/λ_max
    computed exactly, too: it is the supremum the question asks for).
    """
    surface = surface if surface is not None else surfaces.ravine()
    value = as_number(answer, "`eta_max`")
    if isinstance(value, Feedback):
        return value
    lam_min, lam_max = float(surface.eigenvalues.min()), float(surface.eigenvalues.max())
    limit = 2 / lam_max
    if value <= 0:
        return wrong(tr("η must be positive; got {value}.").format(value=shown(value)))
    factor = 1 - value * lam_max
    if close(value, limit, 1e-9):
        return right(tr("Yes: η_{{max}} = 2/λ_{{max}} = 2/{lam_max:g} = {limit:.4g}. At exactly this η the "
                        "steep factor 1 − ηλ_{{max}} is −1 and the bounce keeps its size; every η below it "
                        "converges, every η above it diverges.").format(lam_max=lam_max, limit=limit))
    if value > limit:
        if close(value, 2 / lam_min, 0.02):
            return wrong(tr("That is 2/λ_{{min}}, the limit of the flat direction. With η = {value} the steep "
                            "direction is multiplied by 1 − ηλ_{{max}}{factor} per step: GD explodes. The "
                            "steepest direction sets the limit.").format(value=shown(value),
                                                                          factor=_factor_text(factor)))
        return wrong(tr("That diverges: 2/λ_{{max}} = {limit:.6g}, and η = {value} is above it, so the steep "
                        "factor 1 − ηλ_{{max}}{factor} is below −1 and the bounce grows every step.").format(
            limit=limit, value=shown(value), factor=_factor_text(factor)))
    if value >= 0.95 * limit:
        return right(tr("Yes: η = {value} is just below the limit 2/λ_{{max}} = 2/{lam_max:g} = {limit:.6g}. "
                        "Above it the steep factor 1 − ηλ_{{max}} drops below −1 and GD diverges.").format(
            value=shown(value), lam_max=lam_max, limit=limit))
    if close(value, 1 / lam_max, 0.02):
        return wrong(tr("1/λ_{max} is where GD stops overshooting (1 − ηλ_{max} = 0), not where it stops "
                        "converging: it still converges, bouncing, up to the η where 1 − ηλ_{max} = −1."))
    return wrong(tr("Stable, but not the largest: 1 − ηλ_{{max}}{factor} is still above −1. "
                    "Look for the η where it reaches −1 (λ_{{max}} = {lam_max:g}).").format(
        factor=_factor_text(factor), lam_max=lam_max))


@check
def steps_to_halve(answer, surface=None, eta=1e-2):
    """Steps GD with η needs to halve the distance along the flattest direction: ln 2 / −ln(1 − ηλ_min)."""
    surface = surface if surface is not None else surfaces.ravine()
    value = as_number(answer, "`steps`", units=(COUNT,))          # "693", "693 次", "693 steps"
    if isinstance(value, Feedback):
        return value
    lam_min, lam_max = float(surface.eigenvalues.min()), float(surface.eigenvalues.max())
    target = np.log(2) / -np.log1p(-eta * lam_min)
    if close(value, target, 0.02):
        return right(tr("Yes: each step keeps a factor 1 − ηλ_{{min}} = {kept:.6g} of the distance, so halving "
                        "takes ln 2 / −ln(1 − ηλ_{{min}}) ≈ {target:,.0f} steps.").format(
            kept=1 - eta * lam_min, target=target))
    if value <= 0:
        return wrong(tr("A number of steps is positive; got {value}.").format(value=shown(value)))
    steep = np.log(2) / -np.log(abs(1 - eta * lam_max))
    if close(value, steep, 0.05):
        return wrong(tr("{value} halves the steep direction y (factor |1 − ηλ_{{max}}| = {kept:.4g}); the "
                        "question asks about the flat direction x, λ_{{min}} = {lam_min:g}.").format(
            value=shown(value), kept=abs(1 - eta * lam_max), lam_min=lam_min))
    if close(value, 1 / (eta * lam_min), 0.05):
        return wrong(tr("1/(ηλ_{{min}}) = {steps:,.0f} is the number of steps to shrink the distance by a factor "
                        "e ≈ 2.718, not 2. Solve (1 − ηλ_{{min}})ⁿ = 1/2.").format(steps=1 / (eta * lam_min)))
    if close(value, np.log(2), 0.01):
        return wrong(tr("{value} is ln 2 alone: divide it by −ln(1 − ηλ_{{min}}), the distance lost per step "
                        "(about ηλ_{{min}} = {lost:g}).").format(value=shown(value), lost=eta * lam_min))
    near = rounding_of(value, target, 0.02)
    if near:
        return wrong(near)
    if value < target:
        message = tr("{value} is too few. Along the flat direction the distance shrinks by the factor "
                     "1 − ηλ_{{min}} = 1 − {eta:g}·{lam_min:g} per step; solve (1 − ηλ_{{min}})ⁿ = 1/2.")
    else:
        message = tr("{value} is too many. Along the flat direction the distance shrinks by the factor "
                     "1 − ηλ_{{min}} = 1 − {eta:g}·{lam_min:g} per step; solve (1 − ηλ_{{min}})ⁿ = 1/2.")
    return wrong(message.format(value=shown(value), eta=eta, lam_min=lam_min))


# A Hessian at a critical point for exercise 3: every diagonal entry is positive, yet the
# 2×2 block [[2, 3], [3, 2]] has eigenvalues 5 and −1, so the point is a saddle.
EXERCISE_HESSIAN = np.array([[2.0, 3.0, 0.0, 0.0],
                             [3.0, 2.0, 0.0, 0.0],
                             [0.0, 0.0, 1.0, 0.0],
                             [0.0, 0.0, 0.0, 0.5]])


def exercise_hessian():
    """The Hessian of exercise 3 (a copy, so the learner can't change the check's matrix)."""
    return EXERCISE_HESSIAN.copy()


_MISSING = MISSING
RATIO_NAMES = (("ratio", "min_ratio", "minimum_ratio", "minimum ratio", "ratio_answer"),   # keys of a dict answer
               ("is_minimum", "minimum", "is_min", "min", "local_minimum", "is_local_minimum", "local_min",
                "is_local_min"))


def _ratio_and_minimum(answer):
    """Split an answer of exercise 3 into (ratio, is_minimum); _MISSING for a half not given.

    A dict is read as `as_pair` reads one (`exercises.pair_from_dict`): by its keys' names,
    or, with two entries keyed otherwise, in insertion order. A string is split at a ";" or
    "," ("0.75, no"); without one ("saddle point"), or when the comma may be a decimal comma
    ("0,75"), it is a ratio alone.
    """
    if isinstance(answer, dict):
        return pair_from_dict(answer, RATIO_NAMES)
    if isinstance(answer, (str, np.str_)) and any(mark in str(answer) for mark in ";,；，、"):
        parts = pair_parts(str(answer))
        if len(parts) == 2 and not parts[1].isdigit():      # "0,75" is a decimal comma, not (0, 75)
            return parts[0], parts[1]
    if isinstance(answer, (tuple, list)) and len(answer) == 2:
        return answer[0], answer[1]
    return answer, _MISSING


def _is_truth(value):
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, str) and not isinstance(as_bool(value, ""), Feedback))


@check
def minimum_ratio_answer(answer, hessian=EXERCISE_HESSIAN):
    """Exercise 3: (minimum ratio, is it a local minimum?) for a Hessian at a critical point.

    The answer is a pair (ratio, is_minimum), e.g. (0.5, True); the minimum ratio is the
    share of positive eigenvalues. A ratio alone is judged, then the second half is asked for.
    """
    ratio, minimum = _ratio_and_minimum(answer)
    given = minimum is not None and minimum is not _MISSING
    if ratio is None and not given:
        return unanswered(tr("`ratio` and `is_minimum`"))
    if given and _is_truth(ratio) and not _is_truth(minimum):
        return wrong(tr("The two are swapped: write (ratio, is_minimum), the number first; got {answer}.").format(
            answer=shown(answer)))
    if ratio is _MISSING:
        return wrong(tr("Give the ratio too: (ratio, is_minimum); got {answer}.").format(answer=shown(answer)))
    value = as_number(ratio, "`ratio`")
    if isinstance(value, Feedback):
        return value
    eigs = np.linalg.eigvalsh(hessian)
    n, n_pos = len(eigs), int(np.sum(eigs > 0))
    target = n_pos / n
    is_min = n_pos == n
    listed = ", ".join(f"{v:g}" for v in eigs)
    kind = tr("a local minimum") if is_min else tr("a saddle point")
    if not close(value, target, 1e-3):
        verdict = as_bool(minimum, "`is_minimum`") if given else None
        if isinstance(verdict, Feedback):                  # [1, 2]: not (ratio, True or False) at all
            return wrong(tr("{answer} is not of the form (ratio, is_minimum), a share and True or False: "
                            "{verdict}").format(answer=shown(answer), verdict=verdict.message))
        if close(value, 1 - target, 1e-3):
            return wrong(tr("{value} is the share of negative eigenvalues; the minimum ratio counts the positive "
                            "ones.").format(value=shown(value)))
        diagonal = np.mean(np.diag(hessian) > 0)
        if close(value, diagonal, 1e-3):
            return wrong(tr("The diagonal entries are all positive, but they are not the eigenvalues: a large "
                            "off-diagonal entry can bend a direction downwards. Use `np.linalg.eigvalsh(H)`."))
        if not 0 <= value <= 1:
            return wrong(tr("A minimum ratio is a share, between 0 and 1; got {value}.").format(value=shown(value)))
        near = rounding_of(value, target, 1e-3)
        if near:
            return wrong(near)
        return wrong(tr("The ratio {value} is not it. Take the eigenvalues with `np.linalg.eigvalsh(H)` and count "
                        "the positive ones out of {n}.").format(value=shown(value), n=n))
    if not given:
        return wrong(tr("The ratio {target:g} is right. Now the second half: is the point a local minimum? Set "
                        "`is_minimum` to True or False.").format(target=target))
    verdict = as_bool(minimum, "`is_minimum`")
    if isinstance(verdict, Feedback):
        return wrong(tr("The ratio {target:g} is right. {verdict}").format(target=target, verdict=verdict.message))
    if verdict != is_min:
        if is_min:
            return wrong(tr("The ratio {target:g} is right, and it says the opposite: all {n} eigenvalues are "
                            "positive, so every direction curves upwards: a local minimum.").format(target=target, n=n))
        negative = ", ".join(f"{v:g}" for v in eigs[eigs < 0])
        if negative:
            return wrong(tr("The ratio {target:g} is right, but the point is not a local minimum: the eigenvalue "
                            "{negative} is negative, so along its eigenvector the loss goes down. A minimum needs "
                            "ratio 1.").format(target=target, negative=negative))
        return wrong(tr("The ratio {target:g} is right, but below 1: not every eigenvalue ({listed}) is positive, "
                        "so the Hessian does not show a local minimum.").format(target=target, listed=listed))
    return right(tr("Yes: the eigenvalues are {listed}; {positive} of {n} are positive, so the minimum ratio is "
                    "{target:g} and the point is {kind}.").format(listed=listed, positive=n_pos, n=n, target=target,
                                                                 kind=kind))
