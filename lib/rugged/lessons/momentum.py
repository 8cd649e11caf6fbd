r"""04 Momentum: the heavy ball, its exact rates on a quadratic, the (η, β) panel and the exercises.

torch's SGD with momentum μ (the lecture's β) keeps a buffer of past gradients and steps along it:

    b^0 = g^0,   b^t = β b^{t−1} + g^t,   θ^{t+1} = θ^t − η b^t,

so b^t = Σ_k β^{t−k} g^k: a weighted sum of past gradients that keeps their direction. On a
quadratic L = ½ (θ − θ*)ᵀ H (θ − θ*) the error along an eigenvector of H with curvature λ obeys
x^{t+1} = (1 + β − ηλ) x^t − β x^{t−1}: a 2×2 linear recursion whose two eigenvalues (the roots of
z² − (1 + β − ηλ) z + β) set how fast that direction converges. The slowest direction sets
the rate of the whole run.

The notebook holds the closed forms in its teaching cells (`rate(eta, beta, lams)`, the largest
root modulus over the curvatures, and `optimum(lam_min, lam_max)`, Polyak's (η*, β*)) and passes
them to this module's tables and figures. This module measures the same rates on runs
(`measured_rate`), computes the roots numerically from the 2×2 matrix (`roots`, for the panel's
map and for the regimes), and holds the network experiment, the panel and the answer checks.
"""

import math
import re

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D

from .. import nets, optim, plots, style, surfaces, tuning, widgets
from ..i18n import pad, tr, truth
from ..exercises import (as_number, check, close, reads, right, rounding_note, rounding_of, shown,
                         wrong)
from ..runner import descend, side_by_side

__all__ = [
    "ETA", "BETA", "FACTOR", "heavy_ball_figure", "heavy_ball_table",
    "transition", "roots", "regime", "eigen_errors", "measured_rate", "rate_table",
    "regime_runs", "regimes_figure", "regimes_table", "rate_grid", "grid_optimum", "rate_map_axes",
    "rate_map_figure", "steps_to_factor", "speedup_table", "conventions", "nesterov_table", "RACERS",
    "ravine_race", "race_figure", "STALL_BETAS", "STALL_ETAS", "STALL_SEEDS", "stall_runs",
    "stall_table", "stall_figure", "momentum_panel", "check_rate", "check_beta",
    "beta_run_steps", "check_ema_lr", "run_label", "optimum_lines", "ema_comparison",
]

MOMENTUM = style.FAMILY_COLORS["Momentum"]
GD = style.FAMILY_COLORS["GD"]
NESTEROV = style.OKABE_ITO["vermillion"]
DIRECTION_COLORS = (style.OKABE_ITO["blue"], style.OKABE_ITO["orange"])   # λ_min (flat), λ_max (steep)

ETA, BETA = 0.01, 0.9        # the heavy ball on the ravine: 01's bouncing η, torch's usual μ
FACTOR = 1e-6                # "converged": ‖θ^t − θ*‖ at most this share of ‖θ^0 − θ*‖
FLOOR = 1e-11                # a measured error below this share of ‖θ*‖∞ is rounding (1e-250 if θ* = 0)


# ---------------------------------------------------------------------------------------
# 1. The heavy ball on the ravine

def heavy_ball_figure(surface, runs, t_max=60):
    """Left: the paths on the ravine (GD's bounce as the band it sweeps). Middle and right: the
    gradient g^t and the buffer b^t, y (steep) and x (flat) components, over the first steps."""
    fig, axes = plots.new_figure(1, 3, figsize=(12, 3.9), width_ratios=(1.5, 1, 1))
    path_ax, y_ax, x_ax = axes
    plots.surface_axes(surface, path_ax, n=120)
    (gd_label, gd), (hb_label, hb) = runs.items()
    plots.draw_band(path_ax, gd, run_label(gd_label), color=GD)
    plots.draw_path(path_ax, hb, run_label(hb_label), color=MOMENTUM)
    path_ax.set_title(tr("{steps} steps at η = {eta:g}").format(steps=hb.steps, eta=hb.lr[0]), fontsize="medium")
    path_ax.legend(loc="lower right", fontsize="small")
    t = np.arange(t_max)
    for ax, i, title in ((y_ax, 1, tr("y (steep) component")), (x_ax, 0, tr("x (flat) component"))):
        ax.plot(t, hb.grad[:t_max, i], color="0.55", lw=1.2, marker=".", ms=3,
                label=tr("gradient $g^t$"))
        ax.plot(t, hb.m[:t_max, i], color=MOMENTUM, lw=2.2, label=tr(r"buffer $b^t$"))
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xlabel(tr("step t"))
        ax.set_title(title, fontsize="medium")
        ax.set_xlim(0, t_max - 1)
    y_ax.legend(loc="upper right", fontsize="small")
    x_ax.set_ylim(bottom=min(0, x_ax.get_ylim()[0]))
    fig.suptitle(tr("Momentum: the steep gradients flip sign and cancel in $b^t$, the flat ones add up"),
                 fontsize="medium")
    return fig


def _distance_steps(surface, path, factor):
    """First t from which ‖θ^t − θ*‖ ≤ factor·‖θ^0 − θ*‖ holds to the end of the path (None if never)."""
    e = np.linalg.norm(path.params - surface.minima[0], axis=-1)
    above = np.flatnonzero(~(e <= factor * e[0]))
    if path.diverged_at is not None or (len(above) and above[-1] == len(e) - 1):
        return None
    return int(above[-1]) + 1 if len(above) else 0


def heavy_ball_table(surface, runs, factors=(0.5, 0.1)):
    """Per run: the steps until the distance to ★ stays below each factor of the start's, and what
    the buffer holds at the end compared with the gradient (x component)."""
    head = pad(tr("run"), 16) + "".join(pad(tr("‖θ−θ*‖ ≤ {factor}·start").format(factor=format(f, "g")), 22, ">")
                                        for f in factors)
    lines = [head + pad(tr("bₓ / gₓ at the end"), 20, ">")]
    for label, path in runs.items():
        cells = "".join(f"{('—' if (n := _distance_steps(surface, path, f)) is None else n):>22}"
                        for f in factors)
        ratio = path.m[-1, 0] / path.grad[len(path.m) - 1, 0]
        lines.append(f"{pad(run_label(label), 16)}{cells}{ratio:>20.4f}")
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# 2. The exact dynamics per eigendirection

def transition(eta, beta, lam):
    """The 2×2 matrix that takes (x^t, x^{t−1}) to (x^{t+1}, x^t) along a curvature λ."""
    return np.array([[1 + beta - eta * lam, -beta], [1.0, 0.0]])


def roots(eta, beta, lam):
    """The two eigenvalues of `transition` (numerically, from the matrix), any broadcastable shapes:
    shape (..., 2), complex, ordered by modulus (largest last)."""
    eta, beta, lam = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (eta, beta, lam)))
    matrices = np.zeros(eta.shape + (2, 2))
    matrices[..., 0, 0] = 1 + beta - eta * lam
    matrices[..., 0, 1] = -beta
    matrices[..., 1, 0] = 1.0
    values = np.linalg.eigvals(matrices)
    return np.take_along_axis(values, np.argsort(np.abs(values), axis=-1), axis=-1)


def regime(eta, beta, lam, tol=1e-9):
    """How the direction λ moves: 'underdamped' (complex roots: it spirals in), 'critical' (a double
    root), 'overdamped' (two positive real roots: it creeps in) or 'bounces' (a negative dominant root:
    its sign flips every step). The discriminant (1 + β − ηλ)² − 4β decides."""
    b = 1 + beta - eta * lam
    disc = b * b - 4 * beta
    if abs(disc) <= tol * max(1.0, b * b):
        return "critical"
    if disc < 0:
        return "underdamped"
    return "bounces" if b < 0 else "overdamped"


def _regime_name(name):
    """A regime of `regime` ('underdamped', 'critical', 'overdamped', 'bounces') in the student's language."""
    return {"underdamped": tr("underdamped"), "critical": tr("critical"), "overdamped": tr("overdamped"),
            "bounces": tr("bounces")}.get(name, name)


def run_label(label):
    """A run's or a setting's label as the notebook writes it ("Momentum β=0.9", "01's η, β = 0.9",
    "optimum (η*, β*)", "GD, best η") in the student's language; other labels as they are."""
    if label == "optimum (η*, β*)":
        return tr("optimum (η*, β*)")
    if label == "GD, best η":
        return tr("GD, best η")
    if re.fullmatch(r"Momentum β=(\S+)", label):
        return style.racer_name(label)
    if (match := re.fullmatch(r"01's η, β = (\S+)", label)):
        return tr("01's η, β = {beta}").format(beta=match[1])
    return label


def optimum_lines(formula, grid):
    """Polyak's (η*, β*, rate) from the formula above the best point of the grid search, two lines."""
    return "\n".join((
        tr("formula:     η* = {eta:.6f}, β* = {beta:.6f}, rate {rate:.6f}").format(
            eta=formula[0], beta=formula[1], rate=formula[2]),
        tr("grid search: η  = {eta:.6f}, β  = {beta:.6f}, rate {rate:.6f}  (lowest rate on the map)").format(
            eta=grid[0], beta=grid[1], rate=grid[2])))


def ema_comparison(same, ratio, difference, steps):
    """Two lines on the EMA form of momentum against torch's buffer: whether it follows torch's path
    with lr = η/(1 − β) (`same`, a bool), and with the same lr the first buffer ratio m⁰/b⁰ and the
    largest relative difference of the paths."""
    return "\n".join((
        tr("EMA with lr = η/(1 − β) against torch's buffer, max relative difference over {steps} steps "
           "< 1e-12: {same}").format(steps=steps, same=truth(same)),
        tr("EMA with the same lr:  m⁰/b⁰ = {ratio:.4f}, max relative difference {difference:.3f}").format(
            ratio=ratio, difference=difference)))


def eigen_errors(surface, path):
    """θ^t − θ* along each eigenvector of the quadratic's H (columns: λ_min, λ_max), shape (n + 1, 2)."""
    _, vectors = np.linalg.eigh(surface.H)
    return (path.params - surface.minima[0]) @ vectors


def _fit_rate(e, floor):
    """(rate, k) from one error series e^t ≥ 0, or None if it is above `floor` for fewer than 20 steps."""
    low = np.flatnonzero(~(e > floor))
    n = int(low[0]) if len(low) else len(e)
    if n < 20:
        return None
    peaks = np.flatnonzero(e[:n] >= np.maximum.accumulate(e[:n][::-1])[::-1])
    t = peaks[peaks >= n // 2].astype(float)
    if len(t) < 3:
        return None
    design = np.stack([np.ones_like(t), t, np.log(t + 1)], axis=1)
    (_, slope, k), *_ = np.linalg.lstsq(design, np.log(e[t.astype(int)]), rcond=None)
    return float(np.exp(slope)), float(k)


def measured_rate(surface, path):
    """(rate, k): the convergence rate measured on a run of a quadratic, and the power of t it carries.

    Along each eigenvector of H the error |x^t| is one mode of the 2×2 recursion. Where its roots are
    complex it oscillates, so the fit reads only its peaks: the steps at which |x^t| is at least every
    later value (every step, for an error that only falls). A least-squares fit of
    log |x^t| = a + t·log r + k·log(t + 1) at those steps, in the second half of the run up to where
    the error reaches rounding (FLOOR × ‖θ*‖∞, or 10⁻²⁵⁰ for θ* = 0), gives r and k; the slowest
    direction's is the run's. k is about 0 for two distinct roots and about 1 at a double root, whose
    error is (A + Bt) r^t.
    """
    floor = FLOOR * float(np.abs(surface.minima[0]).max()) or 1e-250
    fits = [fit for e in np.abs(eigen_errors(surface, path)).T if (fit := _fit_rate(e, floor)) is not None]
    if not fits:
        raise ValueError("the run reaches rounding (or has too few peaks) in every direction: "
                         "too few steps to measure a rate")
    return max(fits)


def _run_for_rate(surface, eta, beta, predicted, most=20000):
    """A run long enough to measure a rate near `predicted`: until the error would be 10⁻¹⁰⁰ of the
    start's, at most `most` steps (the fit stops where rounding starts)."""
    steps = most if not 0 < predicted < 1 else int(min(most, max(200, math.log(1e-100) / math.log(predicted))))
    return descend(surface, optim.SGD(lr=eta, momentum=beta), surface.start, steps)


def rate_table(rate, surface, settings):
    """Closed-form rate (the notebook's `rate`) beside the rate measured on a run, for each
    (label, η, β), with each eigendirection's regime."""
    lams = surface.eigenvalues
    lines = [f"{pad(tr('setting'), 22)} {'η':>9} {'β':>8} {pad(tr('closed form'), 12, '>')} "
             f"{pad(tr('measured'), 12, '>')} {'k':>6}   " + tr("regime along λₘᵢₙ / λₘₐₓ")]
    for label, eta, beta in settings:
        closed = float(rate(eta, beta, lams))
        path = _run_for_rate(surface, eta, beta, closed)
        measured, k = measured_rate(surface, path)
        regimes = " / ".join(_regime_name(regime(eta, beta, lam)) for lam in lams)
        lines.append(f"{pad(run_label(label), 22)} {eta:>9.4g} {beta:>8.5f} {closed:>12.7f} {measured:>12.7f} {k:>6.2f}   {regimes}")
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# The three regimes, along the ravine's flat direction alone

REGIME_ETA = 0.1             # ηλ_min = 0.01 along x: critical at β = (1 − sqrt(0.01))² = 0.81


def regime_runs(surface, betas, eta=REGIME_ETA, steps=150):
    """Runs from (x^0, 0): y stays exactly 0, so x alone moves, as one eigendirection with λ_min."""
    start = (surface.start[0], 0.0)
    return {beta: descend(surface, optim.SGD(lr=eta, momentum=beta), start, steps) for beta in betas}


def regimes_figure(runs, lam, eta=REGIME_ETA):
    """Left: the moduli of the two roots against β for one curvature λ (ηλ fixed). Right: x^t for the
    runs (β → path), one per regime."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11, 3.4 if style.is_lecture() else 3.9))   # flatter on a slide
    betas = np.linspace(0, 0.999, 800)
    moduli = np.abs(roots(eta, betas, lam))
    critical = (1 - math.sqrt(eta * lam)) ** 2
    left.plot(betas, moduli[:, 1], color=MOMENTUM, lw=2.2, label=tr("larger modulus: the rate"))
    left.plot(betas, moduli[:, 0], color=MOMENTUM, lw=1.2, ls="--", label=tr("smaller modulus"))
    left.plot(betas, np.sqrt(betas), color="0.5", lw=0.9, ls=":", label=r"$\sqrt{\beta}$")
    left.axvline(critical, color="black", lw=0.8)
    left.text(critical / 2, 0.05, tr("overdamped:\nreal roots"), ha="center", va="bottom", fontsize="small")
    left.text((critical + 1) / 2, 0.05, tr("underdamped:\ncomplex"), ha="center", va="bottom", fontsize="small")
    left.text(critical, 1.03, tr("critical β = {beta:.3g}").format(beta=critical), ha="center", va="bottom",
              fontsize="small")
    left.set_xlim(0, 1)
    left.set_ylim(0, 1.12)
    left.set_xlabel(r"$\beta$")
    left.set_ylabel(tr("|root| of the 2×2 recursion"))
    left.set_title(tr(r"one direction with $\eta\lambda$ = {value:g}").format(value=eta * lam), fontsize="medium")
    left.legend(loc="center left", fontsize="small")
    shades = (0.45, 0.0, -0.45)
    for (beta, path), shade, ls in zip(runs.items(), shades, ("--", "-", "-.")):
        color = _shade(MOMENTUM, shade)
        right.plot(path.params[:, 0], color=color, ls=ls, lw=1.8,
                   label=tr("β = {beta:g}: {regime}").format(beta=beta, regime=_regime_name(regime(eta, beta, lam))))
    right.axhline(0, color="black", lw=0.6)
    right.set_xlabel(tr("step t"))
    right.set_ylabel(tr(r"$x^t$ (minimum at 0)"))
    right.set_title(tr("the flat direction alone, from x = −9"), fontsize="medium")
    right.legend(loc="lower right", fontsize="small")
    return fig


def _shade(colour, amount):
    """`colour` mixed with white (amount > 0) or black (amount < 0)."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(rgb + (1 - rgb) * amount if amount >= 0 else rgb * (1 + amount))


def regimes_table(rate, surface, runs, eta=REGIME_ETA):
    """For each β of `runs` (along x alone): the two roots, the closed-form rate and the rate measured
    on a run of 6,000 steps from the same start."""
    lam = float(surface.eigenvalues[0])
    lines = [f"{'β':>6} {pad(tr('regime'), 12, '>')} {pad(tr('roots z₁, z₂'), 30, '>')} "
             f"{pad(tr('closed form'), 12, '>')} {pad(tr('measured'), 10, '>')}"]
    for beta in runs:
        z = roots(eta, beta, lam)
        path = descend(surface, optim.SGD(lr=eta, momentum=beta), (surface.start[0], 0.0), 6000)
        shown_roots = ", ".join(f"{v.real:.4f}{v.imag:+.4f}i" if abs(v.imag) > 1e-12 else f"{v.real:.4f}"
                                for v in z)
        measured, _ = measured_rate(surface, path)
        lines.append(f"{beta:>6g} {pad(_regime_name(regime(eta, beta, lam)), 12, '>')} {shown_roots:>30} "
                     f"{float(rate(eta, beta, [lam])):>12.5f} {measured:>10.5f}")
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# The rate over the (η, β) plane

ONE_MINUS_BETA = (1e-3, 1.0)     # the map's β axis: 1 − β from 10⁻³ (β = 0.999) to 1 (β = 0, GD)


def _default_rate(eta, beta, lams):
    """The rate from the numerically computed roots (the panel's map when no `rate` is given)."""
    eta, beta = np.asarray(eta, dtype=float)[..., None], np.asarray(beta, dtype=float)[..., None]
    return np.abs(roots(eta, beta, np.asarray(lams, dtype=float)))[..., -1].max(axis=-1)


def rate_grid(rate, lams, eta_range, n=160):
    """(etas, betas, rates): the rate at every point of a log grid of η and a grid of β even in log(1 − β)."""
    etas = np.geomspace(*eta_range, n)
    betas = 1 - np.geomspace(ONE_MINUS_BETA[1], ONE_MINUS_BETA[0], n)
    E, B = np.meshgrid(etas, betas)
    return etas, betas, np.asarray(rate(E, B, lams), dtype=float)


def grid_optimum(rate, lams, eta_range, n=200, zooms=4):
    """(η, β, rate) of the lowest rate found by search: the best point of a grid over the map
    (log η, log(1 − β)), then of finer grids around it, `zooms` times."""
    log_eta = np.log10(eta_range)
    log_gap = np.log10(ONE_MINUS_BETA)
    for _ in range(zooms + 1):
        etas = 10.0 ** np.linspace(*log_eta, n)
        betas = 1 - 10.0 ** np.linspace(*log_gap, n)
        E, B = np.meshgrid(etas, betas)
        rates = np.asarray(rate(E, B, lams), dtype=float)
        i, j = np.unravel_index(np.argmin(rates), rates.shape)
        step_eta, step_gap = np.diff(log_eta)[0] / (n - 1), np.diff(log_gap)[0] / (n - 1)
        centre_eta, centre_gap = np.log10(etas[j]), np.log10(1 - betas[i])
        log_eta = (centre_eta - 3 * step_eta, centre_eta + 3 * step_eta)
        log_gap = (centre_gap - 3 * step_gap, centre_gap + 3 * step_gap)
    return float(etas[j]), float(betas[i]), float(rates[i, j])


def _beta_axis(ax):
    """The β axis spaced evenly in log(1 − β), labelled in β."""
    forward = lambda b: -np.log10(np.clip(1 - np.asarray(b, dtype=float), 1e-12, None))  # noqa: E731
    inverse = lambda y: 1 - 10.0 ** -np.asarray(y, dtype=float)                          # noqa: E731
    ax.set_yscale("function", functions=(forward, inverse))
    ticks = [0, 0.5, 0.9, 0.99, 0.999]
    ax.set_yticks(ticks, [f"{b:g}" for b in ticks])
    ax.set_ylim(0, 1 - ONE_MINUS_BETA[0])
    ax.set_ylabel(tr(r"momentum $\beta$"))


def rate_map_axes(ax, rate, lams, eta_range, optimum=None, n=160):
    """The steps to cut the error tenfold, ln 10/(−ln rate), over the (η, β) plane, with the divergence
    boundary rate = 1 and (η*, β*) ★; returns the colour mesh."""
    etas, betas, rates = rate_grid(rate, lams, eta_range, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        tenfold = np.where(rates < 1, np.log(10) / -np.log(rates), np.nan)
    mesh = ax.pcolormesh(etas, betas, tenfold, norm=LogNorm(10, 1e5), cmap="viridis_r", shading="auto",
                         rasterized=True)
    ax.contourf(etas, betas, (rates >= 1).astype(float), levels=[0.5, 1.5], colors=["0.85"])
    ax.contour(etas, betas, rates, levels=[1.0], colors="black", linewidths=1.6)
    ax.set_xscale("log")
    _beta_axis(ax)
    ax.set_xlim(*eta_range)
    ax.set_xlabel(tr(r"learning rate $\eta$"))
    ax.text(0.97, 0.5, tr("diverges\n(rate ≥ 1)"), transform=ax.transAxes, ha="right", va="center",
            fontsize="small")
    if optimum is not None:
        ax.plot(optimum[0], optimum[1], linestyle="none", **style.MINIMUM_STYLE)
    plots.no_minor_ticks(ax)
    return mesh


def rate_map_figure(rate, surfaces_, optima, eta_ranges, points=(), n=100):
    """One rate map per surface (dict name → surface), each with its (η*, β*) ★ and the extra
    `points` (label, η, β) marked, and a shared colour bar."""
    height = 3.4 if style.is_lecture() else 4.2         # flatter on a slide, under its code and heading
    fig, axes = plots.new_figure(1, len(surfaces_), figsize=(5.6 * len(surfaces_), height), squeeze=False)
    for ax, (name, surface) in zip(axes[0], surfaces_.items()):
        mesh = rate_map_axes(ax, rate, surface.eigenvalues, eta_ranges[name], optima[name], n=n)
        kappa = surface.eigenvalues[1] / surface.eigenvalues[0]
        ax.set_title(f"{surface.title}: κ = {kappa:,.0f}", fontsize="medium")
        for label, eta, beta in (p for p in points if p[0] == name):
            ax.plot(eta, beta, "o", color="white", markeredgecolor="black", ms=7, zorder=6)
    bar = fig.colorbar(mesh, ax=axes[0], shrink=0.9)
    bar.set_label(tr("steps to cut the error ×10"))
    return fig


# ---------------------------------------------------------------------------------------
# How many iterations: GD at its best η against momentum at (η*, β*)

def steps_to_factor(surface, path, factor=FACTOR):
    """First t from which ‖θ^t − θ*‖ ≤ factor·‖θ^0 − θ*‖ holds to the end of the run (None if never)."""
    return _distance_steps(surface, path, factor)


def speedup_table(rate, optimum, surfaces_, factor=FACTOR, most=20000):
    """For each surface: GD at its best η = 2/(λ_min + λ_max) and momentum at (η*, β*) (the
    notebook's `optimum`): closed-form rate and steps ln(factor)/ln(rate), the rate measured on a run
    and the steps counted on it. A run that would need more than `most` steps is measured on its
    first `most` and its steps extrapolated from the measured rate (marked ≈)."""
    lines = [f"{pad(tr('surface'), 9)} {pad(tr('method'), 18)} {'η':>10} {'β':>8} {pad(tr('rate'), 11, '>')} "
             f"{pad(tr('measured'), 11, '>')} {pad(tr('steps, formula'), 15, '>')} {pad(tr('steps, run'), 12, '>')}"]
    for name, surface in surfaces_.items():
        lam_min, lam_max = surface.eigenvalues
        eta_star, beta_star = optimum(lam_min, lam_max)[:2]
        for method, eta, beta in ((tr("GD, best η"), 2 / (lam_min + lam_max), 0.0),
                                  (tr("momentum (η*, β*)"), eta_star, beta_star)):
            closed = float(rate(eta, beta, [lam_min, lam_max]))
            predicted = math.ceil(math.log(factor) / math.log(closed))
            path = _run_for_rate(surface, eta, beta, closed, most)
            measured = measured_rate(surface, path)[0]
            counted = steps_to_factor(surface, path, factor)
            run = (f"{counted:,}" if counted is not None
                   else f"≈ {math.ceil(math.log(factor) / math.log(measured)):,}")
            lines.append(f"{pad(surfaces.short_name(name), 9)} {pad(method, 18)} {eta:>10.4g} {beta:>8.5f} {closed:>11.7f} {measured:>11.7f} "
                         f"{predicted:>15,} {run:>12}")
    lines.append(tr("steps: until ‖θᵗ − θ*‖ stays below {factor:g} × ‖θ⁰ − θ*‖; ≈: more than {most:,} steps, "
                    "extrapolated from the rate measured on the first {most:,}").format(factor=factor, most=most))
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# 4. Two conventions, and Nesterov

def conventions(surface, eta=ETA, beta=BETA, steps=300):
    """torch's buffer with η against the EMA with η/(1 − β) (and with the same η): the paths."""
    return {"torch SGD(lr=η, momentum=β)": descend(surface, optim.SGD(lr=eta, momentum=beta), surface.start, steps),
            "EMA, lr = η/(1 − β)": descend(surface, optim.Optimizer(eta / (1 - beta), momentum=optim.EMA(beta)),
                                            surface.start, steps),
            "EMA, lr = η": descend(surface, optim.Optimizer(eta, momentum=optim.EMA(beta)), surface.start, steps)}


def nesterov_table(surface, settings, factor=FACTOR, steps=5000):
    """Steps until the error stays below `factor` of the start's, for GD, the heavy ball and
    Nesterov at each (label, η, β)."""
    lines = [f"{pad(tr('setting'), 22)} {'η':>9} {'β':>8} {'GD':>9} {pad(tr('heavy ball'), 11, '>')} {'Nesterov':>9}"]
    for label, eta, beta in settings:
        counts = []
        for make in (lambda: optim.GD(lr=eta), lambda: optim.SGD(lr=eta, momentum=beta),
                     lambda: optim.SGD(lr=eta, momentum=beta, nesterov=True)):
            path = descend(surface, make(), surface.start, steps)
            n = steps_to_factor(surface, path, factor)
            counts.append(tr("diverges") if path.diverged_at is not None else "—" if n is None else f"{n:,}")
        lines.append(f"{pad(run_label(label), 22)} {eta:>9.4g} {beta:>8.4g} {pad(counts[0], 9, '>')} {pad(counts[1], 11, '>')} "
                     f"{pad(counts[2], 9, '>')}")
    lines.append(tr("steps until ‖θᵗ − θ*‖ stays below {factor:g} × the start's (—: not within {steps:,})").format(
        factor=factor, steps=steps))
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------
# 7. A fair race on the ravine

RACERS = {
    "GD": optim.GD,
    "Momentum β=0.9": lambda lr: optim.SGD(lr, momentum=0.9),
    "Nesterov β=0.9": lambda lr: optim.SGD(lr, momentum=0.9, nesterov=True),
}


def ravine_race(surface=None):
    """GD, the heavy ball and Nesterov, each at its own best η, with the course's race settings."""
    return tuning.surface_race(surface or surfaces.ravine(), RACERS)


def race_figure(surface, results):
    """`plots.race` at each racer's best η, with the sensitivity to η."""
    return plots.race(surface, {name: t.path for name, t in results.items()}, sensitivity=results,
                      title=tr("Each racer at its best η"))


# ---------------------------------------------------------------------------------------
# 5. Back to the stall of 01: the small network

STALL_BETAS = (0.0, 0.5, 0.9, 0.99)
STALL_ETAS = (0.15, 0.3, 0.7)        # 0.7: the η at which 01's GD stalls
STALL_SEEDS = (5, 6)                 # 5: 01's initialisation
STALL_STEPS = 1000
STALL_EVERY = 10                     # the loss is recorded every this many steps


def stall_runs(problem=None, betas=STALL_BETAS, etas=STALL_ETAS, seeds=STALL_SEEDS, steps=STALL_STEPS,
               every=STALL_EVERY):
    """torch's SGD with momentum β at every η and from every initialisation, side by side.

    Each (β, η, seed) is one row of a batch: every step computes the network's gradient for all
    rows at once and each β's optimizer (the library's compiled rule) steps its rows with their own
    η. Returns dict(loss=array (recorded steps, β, η, seed), grad_norm=‖∇L‖ at the end, same
    axes without the first, t=the recorded steps).
    """
    if problem is None:
        problem = nets.default_problem()[0]
    starts = np.array([problem.net.init(seed) for seed in seeds])
    k = len(starts)
    lrs = np.repeat(np.asarray(etas, dtype=float), k)          # one η per (η, seed) row
    blocks = [(optim.SGD(1.0, momentum=beta), lrs) for beta in betas]
    losses, recorded = [], []

    def gradient(t, params):
        if t % every == 0:
            losses.append(problem.loss(params))
            recorded.append(t)
        return problem.grad(params)
    params = side_by_side(blocks, np.tile(starts, (len(betas) * len(etas), 1)), steps, gradient)
    with np.errstate(all="ignore"):
        losses.append(problem.loss(params))
        g = problem.grad(params)
    recorded.append(steps)
    shape = (len(betas), len(etas), k)
    return dict(loss=np.array(losses).reshape((-1,) + shape), t=np.array(recorded),
                grad_norm=np.linalg.norm(g, axis=-1).reshape(shape), betas=tuple(betas),
                etas=tuple(etas), seeds=tuple(seeds))


def _best_etas(runs):
    """Per β, the index of the η with the lowest median final loss over the seeds (a diverged run
    counting as worst)."""
    final = np.where(np.isfinite(runs["loss"][-1]), runs["loss"][-1], np.inf)
    return np.argmin(np.median(final, axis=-1), axis=1)


def stall_table(runs):
    """Per β: the final loss at every η (median over the seeds), the best η, and there the final loss
    and ‖∇L‖ from each seed and how much the loss fell over the second half of the run."""
    loss, etas, seeds = runs["loss"], runs["etas"], runs["seeds"]
    best = _best_etas(runs)
    half = len(runs["t"]) // 2
    head = f"{'β':>5}  " + "".join(f"{'η=' + format(e, 'g'):>9}" for e in etas)
    lines = [tr("final loss after {steps:,} steps, median over seeds {seeds} (—: a seed diverged)").format(
                 steps=runs["t"][-1], seeds=", ".join(map(str, seeds))),
             head + f"   {pad(tr('best η'), 6, '>')}  {pad(tr('final loss per seed'), 20, '>')}  "
                    f"{pad(tr('‖∇L‖ per seed'), 17, '>')}  {pad(tr('fall over 2nd half'), 18, '>')}"]
    for i, beta in enumerate(runs["betas"]):
        cells = ""
        for j in range(len(etas)):
            values = loss[-1, i, j]
            cells += f"{'—' if not np.all(np.isfinite(values)) else format(np.median(values), '.5f'):>9}"
        j = best[i]
        finals = " ".join(f"{v:.5f}" for v in loss[-1, i, j])
        norms = " ".join(f"{v:.1e}" for v in runs["grad_norm"][i, j])
        fall = np.median(1 - loss[-1, i, j] / loss[half, i, j])
        lines.append(f"{beta:>5g}  {cells}   {etas[j]:>6g}  {finals:>20}  {norms:>17}  {fall:>17.1%}")
    print("\n".join(lines))


def stall_figure(runs, reference=(0.0, 0.7)):
    """Loss per step for each β at its best η (one line per seed), and GD at 01's η for reference
    when that is not GD's best."""
    fig, ax = plots.new_figure(figsize=(11, 3.4) if style.is_lecture() else (9, 3.9))   # flatter on a slide
    best = _best_etas(runs)
    t = runs["t"]
    colors = ["black"] + [_shade(MOMENTUM, s) for s in (0.3, -0.3, -0.65)]
    handles = []
    i_ref, j_ref = runs["betas"].index(reference[0]), runs["etas"].index(reference[1])
    if best[i_ref] != j_ref:               # GD at 01's η, when that is not its best η
        for s in range(len(runs["seeds"])):
            ax.plot(t, runs["loss"][:, i_ref, j_ref, s], color="0.6", lw=1.2, ls="-" if s == 0 else "--")
        handles.append(Line2D([], [], color="0.6", label=tr("GD at 01's η = {eta:g}").format(eta=reference[1])))
    for i, beta in enumerate(runs["betas"]):
        j = best[i]
        color = colors[i % len(colors)]
        for s in range(len(runs["seeds"])):
            ax.plot(t, runs["loss"][:, i, j, s], color=color, lw=1.6, ls="-" if s == 0 else "--")
        name = "GD" if beta == 0 else f"β = {beta:g}"
        handles.append(Line2D([], [], color=color, lw=1.6,
                              label=tr("{name}, best η = {eta:g}").format(name=name, eta=runs["etas"][j])))
    handles += [Line2D([], [], color="0.3", ls="-", label=tr("seed {seed} (01's)").format(seed=runs["seeds"][0])),
                Line2D([], [], color="0.3", ls="--", label=tr("seed {seed}").format(seed=runs["seeds"][1]))]
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 0.3)
    ax.set_xlim(0, t[-1])
    ax.set_xlabel(tr("step t"))
    ax.set_ylabel(tr(r"training loss $L(\theta^t)$"))
    ax.set_title(tr("01's network: each β at its best η"), fontsize="medium")
    ax.legend(handles=handles, fontsize="small", ncol=2, loc="upper right")
    plots.plain_log_ticks(ax)
    return fig


# ---------------------------------------------------------------------------------------
# 3. The panel

PANEL_ETAS = (-4, -1)            # the η slider and the map: 10⁻⁴ … 10⁻¹


def _status_regimes(eta, beta, lams):
    return tr(", ").join(tr("{direction}: {regime}").format(direction=name, regime=_regime_name(regime(eta, beta, lam)))
                         for name, lam in zip(("x", "y"), lams))


@widgets.register("04 momentum")
def momentum_panel(eta=ETA, beta=BETA, steps=400, rate=None, noise=0.0, seed=0):
    """Panel: η (log slider) and β (stops even in log(1 − β), 0 … 0.999) → the heavy ball's path on
    the ravine, the error along each eigendirection over t (log scale) with the closed-form rate^t
    beside it, and the map of the rate over the (η, β) plane with the current point and (η*, β*) ★.

    rate: the notebook's closed-form `rate(eta, beta, lams)`; without it the map uses the moduli of
    the roots computed from the 2×2 matrix (`roots`). The map is computed once; a slider move runs
    one path and moves the marker. A value outside a control's range is a ValueError.

    noise, seed: the gradient noise (`widgets.noise_controls`): s as a share of ‖∇L(θ⁰)‖ (0 … 1, 0 the
    exact gradient) and the seed of its draw, `descend(noise=s, seed=seed)`; the seed is disabled
    at noise 0. With noise the status line gives where the run hovers at its end (the median
    L − L* over its last quarter, `widgets.hovering_end`) instead of when the error fell below 10⁻⁶.
    """
    if rate is not None and not callable(rate):
        raise TypeError(f"rate must be a function rate(eta, beta, lams), got {shown(rate)}")
    rate = _default_rate if rate is None else rate
    steps = widgets.check_number("steps", steps, 20, 3000, integer=True)
    controls = dict(eta=widgets.log_slider("η", eta, *PANEL_ETAS, step=0.05, readout_format=".3g"),
                    beta=widgets.StopSlider("β", beta, widgets.forgetting_stops(0.0, 0.999)),
                    **widgets.noise_controls(noise, seed))
    surface = surfaces.ravine()
    lams = surface.eigenvalues
    k = math.sqrt(lams[1] / lams[0])
    star = ((2 / (math.sqrt(lams[1]) + math.sqrt(lams[0]))) ** 2, ((k - 1) / (k + 1)) ** 2)
    # on a slide the two rows of controls sit above the figure: a flatter figure leaves them room
    fig, axes = plots.new_figure(static=False, figsize=(12, 3.6 if style.is_lecture() else 4.2),
                                 mosaic=[["path", "path", "map"], ["error", "error", "map"]],
                                 width_ratios=(1, 0.55, 1.05))
    path_ax, error_ax, map_ax = axes["path"], axes["error"], axes["map"]
    plots.surface_axes(surface, path_ax, n=100)
    path_ax.set_title("")
    line, ends = widgets.path_artists(path_ax, MOMENTUM, label=tr("heavy ball"))
    errors = [error_ax.plot([], [], color=c, lw=1.6, label=tr(r"$|x^t|$ along $\lambda_{{{n}}}$").format(n=n))[0]
              for c, n in zip(DIRECTION_COLORS, ("min", "max"))]
    (envelope,) = error_ax.plot([], [], color="black", lw=1.0, ls=":", label=tr(r"rate$^t$ (closed form)"))
    error_ax.set_yscale("log")
    error_ax.set_xlim(0, steps)
    error_ax.set_ylim(1e-8, 1e6)                     # room above the curves for the legend
    error_ax.set_xlabel(tr("step t"))
    error_ax.set_ylabel(tr("error per direction"))
    error_ax.legend(loc="upper right", fontsize="small", ncol=3)
    plots.plain_log_ticks(error_ax)
    mesh = rate_map_axes(map_ax, rate, lams, tuple(10.0 ** e for e in PANEL_ETAS), star, n=100)
    bar = fig.colorbar(mesh, ax=map_ax, shrink=0.85)
    bar.set_label(tr("steps to cut the error ×10"))
    (marker,) = map_ax.plot([], [], "o", color="white", markeredgecolor="black", ms=9, zorder=7)
    map_ax.set_title(tr("rate over (η, β): ● you, ★ (η*, β*)"), fontsize="medium")
    runs = widgets.Runs(lambda key, n: descend(surface, optim.SGD(lr=key[0], momentum=key[1]),
                                               surface.start, n, noise=key[2], seed=key[3]), steps)
    start_errors = np.abs(eigen_errors(surface, descend(surface, optim.GD(lr=0.0), surface.start, 0))[0])

    def draw(eta, beta, noise, seed):
        widgets.show_noise(controls, noise)
        s, seed = widgets.noise_setting(surface, noise, seed)
        path = runs((eta, beta, s, seed), steps)
        widgets.set_path(line, path, ends)
        e = np.abs(eigen_errors(surface, path))
        for artist, values in zip(errors, e.T):
            widgets.set_curve(artist, values)
        r = float(np.asarray(rate(eta, beta, lams)))
        t = np.arange(steps + 1)
        with np.errstate(over="ignore", under="ignore"):
            widgets.set_curve(envelope, start_errors.max() * r ** t)
        marker.set_data([eta], [beta])
        regimes = _status_regimes(eta, beta, lams)
        problem = widgets.diverged_message(path, tr("The heavy ball with η = {eta:.3g}, β = {beta:.4g}").format(
            eta=eta, beta=beta))
        if s is not None:
            prefix = widgets.noise_text(noise, s, seed)
            if problem:
                return tr("{prefix}: {message} Rate {rate:.4f}.").format(
                    prefix=prefix, message=widgets.diverged_message(path, tr("the heavy ball")), rate=r)
            tail, level = widgets.hovering_end(path, surface)
            leaves = tr(" It leaves the plotted window.") if path.leaves(surface.window) is not None else ""
            return tr("{prefix}: η = {eta:.3g}, β = {beta:.4g}, rate {rate:.4f}; the run hovers at L − L* ≈ "
                      "{level:.3g} (median of its last {tail} steps).{leaves}").format(
                prefix=prefix, eta=eta, beta=beta, rate=r, level=level, tail=tail, leaves=leaves)
        if problem:
            return tr("{message} Rate {rate:.4f} ≥ 1 ({regimes}).").format(message=problem, rate=r, regimes=regimes)
        if r >= 1:
            return tr("η = {eta:.3g}, β = {beta:.4g}: rate {rate:.4f} ≥ 1, the error does not shrink "
                      "({regimes}).").format(eta=eta, beta=beta, rate=r, regimes=regimes)
        n = steps_to_factor(surface, path, FACTOR)
        if n is not None:
            message = tr("η = {eta:.3g}, β = {beta:.4g}: rate {rate:.5f}; {regimes}; error below 10⁻⁶ of the "
                         "start's from step {n}.").format(eta=eta, beta=beta, rate=r, regimes=regimes, n=n)
        else:
            message = tr("η = {eta:.3g}, β = {beta:.4g}: rate {rate:.5f}; {regimes}; error not below 10⁻⁶ of the "
                         "start's within {steps} steps (the rate predicts {predicted:,}).").format(
                eta=eta, beta=beta, rate=r, regimes=regimes, steps=steps,
                predicted=math.ceil(math.log(FACTOR) / math.log(r)))
        if path.leaves(surface.window) is not None:
            message += tr(" The path leaves the plotted window.")
        return message

    animated = [line, *ends, *errors, envelope, marker]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("The heavy ball on the ravine: find (η*, β*) and the edge of divergence"))


# ---------------------------------------------------------------------------------------
# 6. Exercises

@check
@reads(as_number, "`predicted_rate`")
def check_rate(value, eta=ETA, beta=BETA):
    """The heavy ball's rate on the ravine at (η, β): the larger root modulus over both curvatures."""
    lams = surfaces.ravine().eigenvalues
    moduli = np.abs(roots(eta, beta, lams))           # (2 curvatures, 2 roots)
    target = float(moduli[:, -1].max())
    tol = 0.02 * (1 - target)                          # 2% of the distance to 1: four digits here
    if abs(value - target) <= tol:
        return right(tr("Yes: the rate is {target:.5f}. Along λ_{{max}} the roots are complex, of modulus sqrt(β) = "
                        "{modulus:.4f}; along λ_{{min}} they are real and the larger is {larger:.5f}. The slower "
                        "direction sets the rate: the error shrinks ×10 about every {steps:.0f} steps.").format(
            target=target, modulus=math.sqrt(beta), larger=moduli[0, -1], steps=math.log(10) / -math.log(target)))
    if value >= 1:
        return wrong(tr("{value} would mean no convergence; this (η, β) converges (the rate is below 1).").format(
            value=shown(value)))
    slips = [
        (math.sqrt(beta), tr("That is sqrt(β), the modulus of the complex roots along λ_{max}. The flat direction "
                             "λ_{min} has real roots, and its larger one is closer to 1.")),
        (beta, tr("β is the weight of the past in the buffer, not the rate: solve z² − (1 + β − ηλ)z + β = 0.")),
        (abs(1 - eta * lams[0]), tr("That is GD's factor 1 − ηλ_{min}: without momentum. With β the recursion is "
                                    "x^{t+1} = (1 + β − ηλ)x^t − βx^{t−1}.")),
        (float(moduli[0, 0]), tr("That is the smaller root along λ_{min}: the slower one, the larger, sets the rate.")),
    ]
    for slip, message in slips:
        if abs(value - slip) <= 0.02 * max(1 - slip, 1e-6):
            return wrong(tr("{value} is not it. {message}").format(value=shown(value), message=message)
                         + rounding_note(value, target, tol / target))
    return wrong(rounding_of(value, target, tol / target)
                 or tr("{value} is not it. For each λ in ({lam_min:g}, {lam_max:g}) take the roots of "
                       "z² − (1 + β − ηλ)z + β with η = {eta:g}, β = {beta:g}; the rate is the largest modulus.").format(
                     value=shown(value), lam_min=lams[0], lam_max=lams[1], eta=eta, beta=beta))


def beta_run_steps(beta, eta=ETA, steps=400, factor=1e-3):
    """(steps until the error stays below `factor` of the start's, or None; the run) for the heavy
    ball with this β on the ravine."""
    surface = surfaces.ravine()
    path = descend(surface, optim.SGD(lr=eta, momentum=beta), surface.start, steps)
    return steps_to_factor(surface, path, factor), path


@check
@reads(as_number, "`beta`")
def check_beta(value, eta=ETA, steps=400, factor=1e-3):
    """Choose β so that the heavy ball with η on the ravine gets its error below `factor` of the
    start's within `steps` steps; checked by running that β."""
    if value < 0:
        return wrong(tr("β = {value} is negative: torch refuses it (Invalid momentum value). Try 0 ≤ β < 1.").format(
            value=shown(value)))
    if value >= 1:
        return wrong(tr("β = {value}: with β ≥ 1 the buffer never forgets, and the roots' product is β ≥ 1, so the "
                        "error can't shrink. Try 0 ≤ β < 1.").format(value=shown(value)))
    lams = surfaces.ravine().eigenvalues
    n, path = beta_run_steps(value, eta, steps, factor)
    moduli = np.abs(roots(eta, value, lams))[:, -1]
    slow = int(np.argmax(moduli))
    what = tr("rate {rate:.4f}, set by λ_{{{which}}} ({regime})").format(
        rate=moduli.max(), which="min" if slow == 0 else "max", regime=_regime_name(regime(eta, value, lams[slow])))
    if n is not None and n <= steps:
        return right(tr("Yes: with β = {value} the error stays below {factor:g} of the start's from step {n} ({what}). "
                        "The best β for η = {eta:g} makes the flat direction critically damped: "
                        "(1 − sqrt(ηλ_{{min}}))² = {best:.4f}.").format(
            value=shown(value), factor=factor, n=n, what=what, eta=eta, best=(1 - math.sqrt(eta * lams[0])) ** 2))
    if slow == 0:
        hint = tr("the flat direction still creeps (overdamped): a larger β lets the buffer build up "
                  "more speed along x")
    else:
        hint = tr("the buffer keeps too much of the past, so both directions spiral for long: take a smaller β")
    return wrong(tr("Not within {steps} steps: with β = {value} the run ends at {share:.2g} of the start's distance "
                    "({what}); {hint}.").format(steps=steps, value=shown(value), what=what, hint=hint,
                                                share=np.linalg.norm(path.params[-1]) / np.linalg.norm(path.params[0])))


@check
@reads(as_number, "`lr_ema`")
def check_ema_lr(value, eta=ETA, beta=BETA):
    """The η of the EMA form (m^t = βm^{t−1} + (1 − β)g^t) that walks torch's SGD(lr=η, momentum=β) path."""
    target = eta / (1 - beta)
    if close(value, target, 1e-6):
        return right(tr("Yes: m^t = (1 − β)b^t for every t (m⁰ = (1 − β)g⁰ and b⁰ = g⁰), so η·b^t = (η/(1 − β))·m^t: "
                        "lr = {eta:g}/{share:.2g} = {target:.4g}, the same path to rounding.").format(
            eta=eta, share=1 - beta, target=target))
    slips = [(eta * (1 - beta), tr("You multiplied by 1 − β: m is the smaller one, so its η must be larger.")),
             (eta, tr("With the same η the EMA's steps are 1 − β times torch's: a different, slower path.")),
             (eta / beta, tr("Divide by 1 − β, the weight of the newest gradient in m, not by β.")),
             (eta * beta, tr("m^t = (1 − β)b^t: divide η by 1 − β."))]
    for slip, message in slips:
        if close(value, slip, 1e-6):
            return wrong(tr("{value} is not it. {message}").format(value=shown(value), message=message))
    return wrong(rounding_of(value, target, 1e-6)
                 or tr("{value} is not it. Write mᵗ in terms of bᵗ, starting from m⁰ = (1 − β)g⁰.").format(
                     value=shown(value)))
