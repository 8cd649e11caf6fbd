r"""07 summary: the general formula as a composer, why momentum and σ don't cancel, the
torch.optim optimizers as (m, σ, η^t), and a race of every optimizer on every surface.

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t

The composition itself is `rugged.compose.Composed`; this module holds the notebook's
experiments, figures, the "07 composer" panel and the exercise checks.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .. import optim, plots, schedules, style, surfaces, widgets
from ..compose import NO_NAME, Composed, known_name
from ..exercises import right, unanswered, wrong
from ..runner import descend, relative_error

# ---------------------------------------------------------------------------------------
# 1. The composer, built up one ingredient at a time (static figure next to the panel).

def run_recipes(surface, recipes, steps):
    """Run each (Composed, schedule) of `recipes` from the surface's start: name → Path.

    The name is the one `known_name` gives the combination (e.g. 'Adam + warmup').
    """
    return {optimizer.known_name(schedule): descend(surface, optimizer, surface.start, steps,
                                                     schedule=schedule)
            for optimizer, schedule in recipes}


def describe_names(combinations):
    """One line per (momentum, bias_correction, sigma, schedule): the name `known_name` gives it."""
    lines = [f"{'momentum m':24s} {'σ':9s} {'schedule η^t':18s} → named optimizer"]
    for momentum, corrected, sigma, schedule in combinations:
        m = "m = g" if momentum is None else f"EMA β1={momentum:g}" + (", corrected" if corrected else "")
        eta = "constant" if schedule is None else type(schedule).__name__
        lines.append(f"{m:24s} {sigma:9s} {eta:18s} → "
                     f"{known_name(momentum, sigma, schedule, bias_correction=corrected)}")
    return "\n".join(lines)


def dampening_gap(beta1=0.9, steps=200, seed=0):
    """torch's dampened buffer b (μ = β1, dampening = β1) minus the EMA m, on random gradients.

    torch: b^0 = g^0, b^t = μ b^{t−1} + (1 − dampening) g^t, so dampening = β1 gives the EMA's
    recursion, from a different start.

    Returns (max_t ‖(b^t − m^t) − β1^{t+1} g^0‖∞, max_t ‖b^t − m^t‖∞, max_t ‖b_undampened^t(1 − β1) − m^t‖∞):
    the first and last are rounding, the middle is not.
    """
    g = np.random.default_rng(seed).normal(size=(steps, 3))
    dampened, undampened = optim.Momentum(beta1, beta1), optim.Momentum(beta1)
    ema = optim.EMA(beta1, (3,))
    worst_identity = worst_gap = worst_scaled = 0.0
    for t, gt in enumerate(g):
        b, u, m = dampened.update(gt), undampened.update(gt), ema.update(gt)
        worst_identity = max(worst_identity, np.max(np.abs(b - m - beta1 ** (t + 1) * g[0])))
        worst_gap = max(worst_gap, np.max(np.abs(b - m)))
        worst_scaled = max(worst_scaled, np.max(np.abs(u * (1 - beta1) - m)))
    return float(worst_identity), float(worst_gap), float(worst_scaled)


def describe_dampening(beta1=0.9):
    """The two torch SGD buffers against the EMA, in words and numbers."""
    identity, gap, scaled = dampening_gap(beta1)
    return (f"200 random gradients, β1 = {beta1}:\n"
            f"  torch SGD(momentum=β1, dampening=β1):  max |b^t − m^t| = {gap:.3f}, and b^t − m^t = "
            f"β1^(t+1)·g^0 {'holds to 1e-12' if identity < 1e-12 else 'FAILS'}\n"
            f"  torch SGD(momentum=β1), undampened:    (1 − β1)·b^t = m^t "
            f"{'holds to 1e-12' if scaled < 1e-12 else 'FAILS'}")


def _family_style(name):
    """Colour and line style for a composed optimizer's name: its family's colour; dashed with a schedule."""
    family = ("Momentum" if "momentum" in name and name.startswith("SGD")
              else "GD" if name.startswith("SGD") else name.split(" ")[0])
    return style.color_of(family), ("--" if " + " in name else "-")


def build_up_figure(surface, runs):
    """Paths on the surface and L − L* per step for the runs of `run_recipes`."""
    fig, (left, right_ax) = plots.new_figure(1, 2, figsize=(11.5, 4.6))
    plots.surface_axes(surface, left, n=110)
    for name, path in runs.items():
        color, dash = _family_style(name)
        line = plots.draw_path(left, path, name, color)
        line.set_linestyle(dash)
        right_ax.plot(path.gap(surface), color=color, linestyle=dash, label=name)
    left.set_title("adding one ingredient at a time")
    left.legend(loc="lower right", fontsize="small")
    right_ax.set_yscale("log")
    right_ax.set_xlabel("step t")
    right_ax.set_ylabel("L(θ^t) − L*")
    right_ax.set_title(f"{surface.title}: {next(iter(runs.values())).steps} steps")
    return fig


def describe_runs(surface, runs, tol=1e-3):
    """One line per run: L − L* at the end, and the first t with L − L* ≤ tol·(L(θ^0) − L*)."""
    lines = [f"{'':38s} {'L − L* at the end':>18s}   first t with L − L* ≤ {tol:g}·(L(θ^0) − L*)"]
    for name, path in runs.items():
        reached = path.steps_to(surface.min_loss + tol * (path.loss[0] - surface.min_loss))
        lines.append(f"{name:38s} {path.loss[-1] - surface.min_loss:18.3e}   "
                     f"{reached if reached is not None else '— (not within ' + str(path.steps) + ' steps)'}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# 2. Momentum and σ don't cancel: the zig-zag.

ZIGZAG_STEPS = 40
STEEP = np.array([1.0, -1.0]) / np.sqrt(2)   # the zig-zag valley's steep direction
FLAT = np.array([1.0, 1.0]) / np.sqrt(2)     # and its flat one
BETA1, BETA2 = 0.9, 0.999


def zigzag_gradients(eta=0.18, steps=ZIGZAG_STEPS):
    """GD's gradients g^t on the zig-zag valley (η = 0.18: the steep factor is 1 − 10η = −0.8)."""
    surface = surfaces.zigzag()
    return descend(surface, optim.GD(lr=eta), surface.start, steps).grad[:-1]


def statistics(g, beta1=BETA1, beta2=BETA2):
    """m̂^t and σ^t that Adam's step (β1, β2, no ε) would use for a sequence of gradients g (T, d)."""
    g = np.asarray(g, dtype=float)
    adam = Composed(1.0, beta1, "adam", bias_correction=True, beta2=beta2, eps=0.0)
    params, m, sigma = np.zeros(g.shape[1:]), np.empty_like(g), np.empty_like(g)
    for t, gt in enumerate(g):
        adam.step(params, gt)
        m[t], sigma[t] = adam.m, adam.sigma
    return m, sigma


def split_directions(g):
    """Components of vectors g (…, 2) along the valley's steep and flat directions."""
    return {"steep": g @ STEEP, "flat": g @ FLAT}


def direction_statistics(g):
    """For the steep and flat components of g: the component g, m̂, σ and m̂/σ per step."""
    out = {}
    for name, component in split_directions(g).items():
        m, sigma = statistics(component[:, None])
        out[name] = dict(g=component, m=m[:, 0], sigma=sigma[:, 0], ratio=m[:, 0] / sigma[:, 0])
    return out


def sign_symmetry(g):
    """(max |σ(−g) − σ(g)|, max |m(−g) + m(g)|): σ ignores the sign, m flips with it."""
    m, sigma = statistics(g)
    m_neg, sigma_neg = statistics(-np.asarray(g))
    return float(np.max(np.abs(sigma_neg - sigma))), float(np.max(np.abs(m_neg + m)))


def describe_statistics(stats, start=5):
    """Printed summary: mean |g|, |m̂|, σ and |m̂/σ| over steps start … end, per direction."""
    lines = [f"averages over t = {start} … {len(stats['steep']['g']) - 1}:"
             "        |g^t|     |m̂^t|      σ^t    |m̂^t/σ^t|"]
    for name, s in stats.items():
        cut = slice(start, None)
        lines.append(f"  {name:5s} component" + " " * 21
                     + "".join(f"{np.mean(np.abs(s[k][cut])):10.4f}" for k in ("g", "m", "sigma", "ratio")))
    return "\n".join(lines)


def statistics_figure(stats):
    """g^t, m̂^t and σ^t against t for the steep and the flat component of GD's gradients."""
    fig, axes = plots.new_figure(1, 2, figsize=(11.5, 4.0), sharey=True)
    colors = dict(g=style.OKABE_ITO["black"], m=style.OKABE_ITO["sky"], sigma=style.OKABE_ITO["green"])
    titles = dict(steep="steep direction (1, −1): g flips sign every step",
                  flat="flat direction (1, 1): g keeps its sign")
    for ax, (name, s) in zip(axes, stats.items()):
        t = np.arange(len(s["g"]))
        ax.plot(t, s["g"], "o-", color=colors["g"], markersize=3.5, lw=1, label="gradient g^t")
        ax.plot(t, s["m"], color=colors["m"], lw=2.4, label="momentum m̂^t (β1 = 0.9)")
        ax.plot(t, s["sigma"], color=colors["sigma"], lw=2.4, label="σ^t (Adam's, β2 = 0.999)")
        ax.plot(t, -s["sigma"], color=colors["sigma"], lw=1, ls=":", label="−σ^t")
        ax.axhline(0, color="0.3", lw=0.7)
        ax.set_title(titles[name], fontsize="medium")
        ax.set_xlabel("step t")
    axes[0].set_ylabel("component of g, m̂, σ")
    axes[1].legend(loc="lower right", fontsize="small")
    return fig


def zigzag_variants():
    """The four combinations of the zig-zag experiment: label → Composed (GD's η for m, η = 1 with σ)."""
    return {
        "GD": Composed(0.18),
        "momentum only": Composed(0.18, momentum=BETA1),
        "σ only": Composed(1.0, sigma="adam"),
        "momentum + σ": Composed(1.0, momentum=BETA1, sigma="adam", bias_correction=True),
    }


def reversals(path, steps=30):
    """How often the step's steep component changes sign in the first `steps` steps."""
    d = np.diff(path.params[: steps + 2], axis=0) @ STEEP
    return int(np.sum(np.sign(d[1:]) != np.sign(d[:-1])))


def zigzag_runs(steps=100):
    """Paths of the four variants on the zig-zag valley: label → Path."""
    surface = surfaces.zigzag()
    return surface, {label: descend(surface, opt, surface.start, steps)
                     for label, opt in zigzag_variants().items()}


def describe_zigzag(surface, runs, steps=100):
    """Per variant: its name, η, reversals of the steep component in 30 steps, steps to 1e-3·L(start).

    A last row runs σ only at half the η, where it no longer zig-zags (its steps are smaller).
    """
    lines = [f"{'':14s} {'named optimizer':52s} {'η':>5s}  reversals/30  steps to L ≤ 1e-3·L(θ^0)"]
    variants = dict(zigzag_variants())
    variants["σ only, η/2"] = Composed(0.5, sigma="adam")
    runs = dict(runs)
    runs["σ only, η/2"] = descend(surface, variants["σ only, η/2"], surface.start, steps)
    for label, opt in variants.items():
        path = runs[label]
        reached = path.steps_to(1e-3 * path.loss[0])
        lines.append(f"{label:14s} {opt.known_name():52s} {opt.lr:5.2f}  {reversals(path):12d}"
                     f"  {reached if reached is not None else '— (not in ' + str(path.steps) + ')'}")
    return "\n".join(lines)


def zigzag_figure(surface, runs):
    """The four paths side by side, each titled with its ingredients."""
    fig, axes = plots.new_figure(1, 4, figsize=(13, 3.6), sharey=True)
    colors = {"GD": style.color_of("GD"), "momentum only": style.color_of("Momentum"),
              "σ only": style.color_of("RMSprop"), "momentum + σ": style.color_of("Adam")}
    window = ((-4, 2), (-3.5, 2.5))
    for ax, (label, path) in zip(axes, runs.items()):
        plots.surface_axes(surface, ax, window=window, n=90)
        plots.draw_path(ax, path, label, colors[label])
        ax.set_title(f"{label} (η = {zigzag_variants()[label].lr:g})\n"
                     f"{reversals(path)} reversals in 30 steps", fontsize="medium")
        if ax is not axes[0]:
            ax.set_ylabel("")
    return fig


# ---------------------------------------------------------------------------------------
# 3. torch.optim as (m, σ, η^t).

TORCH_TABLE = [
    # torch.optim, m_i^t, σ_i^t, η^t, the Composed keyword arguments that equal it (None: none do)
    ("SGD", "g", "1", "η", dict(lr=1e-3)),
    ("SGD(momentum=μ)", "b = μb + g (b⁰ = g⁰)", "1", "η", dict(lr=1e-2, momentum=0.9)),
    ("SGD(nesterov=True)", "g + μb", "1", "η", None),
    ("Adagrad", "g", "√(Σ_k g_k²) + ε", "η/(1 + t·lr_decay)", dict(lr=0.1, sigma="adagrad")),
    ("RMSprop", "g", "√(EMA_α(g²)) + ε, from 0", "η", dict(lr=0.01, sigma="rmsprop")),
    ("Adam", "EMA_β1(g)/(1 − β1^{t+1})", "√(EMA_β2(g²)/(1 − β2^{t+1})) + ε", "η",
     dict(lr=0.05, momentum=0.9, sigma="adam", bias_correction=True)),
    ("AdamW", "as Adam", "as Adam", "η; θ ← θ(1 − ηλ) first", None),
    ("RAdam", "as Adam", "1 while ρ_t ≤ 5, then ≈ Adam's", "η·r_t once ρ_t > 5", None),
    ("NAdam", "Adam's, one step ahead", "as Adam", "η (μ_t ramps up)", None),
]
COMPOSER_CALLS = {  # how each composable row reads as a composition, with torch's lr η and momentum μ
    "SGD": "Composed(η)",
    "SGD(momentum=μ)": "Composed(η/(1 − μ), momentum=μ)",
    "Adagrad": "Composed(η, sigma='adagrad')",
    "RMSprop": "Composed(η, sigma='rmsprop')",
    "Adam": "Composed(η, momentum=β1, sigma='adam', bias_correction=True)",
}


def torch_table():
    """The table: each torch.optim optimizer as (m, σ, η^t), t counted from 0 as in the lecture."""
    rows = [("torch.optim", "m_i^t", "σ_i^t", "η^t")] + [row[:4] for row in TORCH_TABLE]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def verify_table(steps=50):
    """Each composable row: its Composed and the named optimizer `match` builds, run on Rosenbrock.

    Returns row → (the name `known_name` gives, relative error between the two paths).
    """
    surface = surfaces.rosenbrock()
    errors = {}
    for row, _, _, _, kwargs in TORCH_TABLE:
        if kwargs is None:
            continue
        composed = Composed(**kwargs)
        match = composed.match()
        mine = descend(surface, composed, surface.start, steps)
        theirs = descend(surface, match.optimizer, surface.start, steps)
        errors[row] = (match.name, relative_error(mine.params, theirs.params))
    return errors


def describe_verification(errors, tolerance=1e-12):
    """One line per composable row: its composition, its name, and whether the paths agree."""
    lines = [f"checked on {surfaces.rosenbrock().title}, 50 steps: path of the composition vs the "
             f"named rugged.optim optimizer (= torch.optim)"]
    for row, (name, err) in errors.items():
        verdict = "same path (relative error ≤ 1e-12)" if err <= tolerance else f"DIFFERENT: {err:.1e}"
        lines.append(f"  {row:16s} {COMPOSER_CALLS[row]:60s} {verdict}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# 4. The race: every optimizer on every surface.

RACE_OPTIMIZERS = {
    "GD": lambda lr: optim.GD(lr),
    "Momentum": lambda lr: optim.SGD(lr, momentum=0.9),
    "Adagrad": lambda lr: optim.Adagrad(lr),
    "RMSprop": lambda lr: optim.RMSprop(lr),
    "Adam": lambda lr: optim.Adam(lr),
    "RAdam": lambda lr: optim.RAdam(lr),
    "NAdam": lambda lr: optim.NAdam(lr),
}
BUDGET = {"pokemon": 3000, "rosenbrock": 2000}   # steps; other surfaces get DEFAULT_BUDGET
DEFAULT_BUDGET = 1000
TOLERANCE = {"pokemon": 1e-6}  # reach L − L* ≤ tol · (L(θ^0) − L*); others DEFAULT_TOLERANCE
DEFAULT_TOLERANCE = 1e-3
JITTER, EXTRA_STARTS = 0.05, 8

# η per surface and optimizer, from `tune_eta` (grid {1, 2, 5}·10^k; see its docstring).
ETA = {
    "pokemon": {"GD": 1e-06, "Momentum": 1e-06, "Adagrad": 10, "RMSprop": 0.05,
                "Adam": 10, "RAdam": 2e-07, "NAdam": 1},
    "ravine": {"GD": 0.005, "Momentum": 0.01, "Adagrad": 2, "RMSprop": 0.05,
               "Adam": 0.5, "RAdam": 0.01, "NAdam": 0.5},
    "zigzag": {"GD": 0.1, "Momentum": 0.02, "Adagrad": 2, "RMSprop": 0.05,
               "Adam": 1, "RAdam": 0.2, "NAdam": 0.5},
    "rosenbrock": {"GD": 0.001, "Momentum": 0.001, "Adagrad": 2, "RMSprop": 0.005,
                   "Adam": 0.5, "RAdam": 0.002, "NAdam": 0.01},
    "saddle": {"GD": 0.5, "Momentum": 0.5, "Adagrad": 0.5, "RMSprop": 0.05,
               "Adam": 1, "RAdam": 0.2, "NAdam": 0.1},
    "plateau_cliff": {"GD": 1, "Momentum": 0.05, "Adagrad": 2, "RMSprop": 0.2,
                      "Adam": 1, "RAdam": 10, "NAdam": 1},
    "rugged": {"GD": 0.2, "Momentum": 0.2, "Adagrad": 2, "RMSprop": 0.2,
               "Adam": 0.002, "RAdam": 1, "NAdam": 1},
}


def budget(name):
    """The race's step budget on a surface."""
    return BUDGET.get(name, DEFAULT_BUDGET)


def threshold(surface):
    """The loss to reach: L* + tol·(L(θ^0) − L*)."""
    start_loss = float(surface.loss(np.array(surface.start)))
    tol = TOLERANCE.get(surface.name, DEFAULT_TOLERANCE)
    return surface.min_loss + tol * (start_loss - surface.min_loss)


def race_starts(surface):
    """The surface's start and 8 starts near it (±5% of the window, seeded): shape (9, 2)."""
    span = np.array([hi - lo for lo, hi in surface.window])
    jitter = np.random.default_rng(0).uniform(-JITTER, JITTER, (EXTRA_STARTS, 2)) * span
    return np.vstack([surface.start, np.array(surface.start) + jitter])


def steps_reached(path, surface):
    """Per start: the first t with L ≤ threshold, if the run also ends below it; else None."""
    limit = threshold(surface)
    first = path.steps_to(limit)
    ends = path.loss[-1] <= limit
    return [f if (f is not None and e) else None for f, e in zip(first, ends)]


def median_steps(path, surface):
    """Median over the starts of `steps_reached` (unreached count as ∞); None if most never reach."""
    steps = [math.inf if s is None else s for s in steps_reached(path, surface)]
    value = float(np.median(steps))
    return None if math.isinf(value) else int(round(value))


def tune_eta(surface, label, grid=None):
    """The race's η for one optimizer on one surface (how `ETA` was made; ~1 s per call).

    Over η in {1, 2, 5}·10^k (10^−8 … 500 on Pokémon, 10^−4 … 500 elsewhere), run the 9
    race starts and keep the η whose paths stay within the window widened by half its
    size on each side, with the fewest median steps to the threshold (a start counts
    only if it also ends below it); ties and total failures go to the lowest median
    final loss.
    """
    low = -8 if surface.name == "pokemon" else -4
    grid = grid or [m * 10.0**k for k in range(low, 3) for m in (1, 2, 5)]
    lo = np.array([w[0] for w in surface.window])
    hi = np.array([w[1] for w in surface.window])
    span, starts, best = hi - lo, race_starts(surface), None
    for lr in grid:
        path = descend(surface, RACE_OPTIMIZERS[label](lr), starts, budget(surface.name))
        p = path.params
        if not np.all(np.isfinite(p) & (p >= lo - span / 2) & (p <= hi + span / 2)):
            continue
        steps = [math.inf if s is None else s for s in steps_reached(path, surface)]
        score = (float(np.median(steps)), float(np.median(path.loss[-1])))
        if best is None or score < best[0]:
            best = (score, lr)
    return None if best is None else best[1]


def run_race():
    """Every race optimizer on every surface with its η: surface name → (surface, label → Path)."""
    results = {}
    for name, surface in surfaces.all_surfaces().items():
        starts = race_starts(surface)
        results[name] = (surface, {label: descend(surface, make(ETA[name][label]), starts, budget(name))
                                   for label, make in RACE_OPTIMIZERS.items()})
    return results


def race_steps(results):
    """surface → label → median steps to the threshold (None: not within the budget)."""
    return {name: {label: median_steps(path, surface) for label, path in paths.items()}
            for name, (surface, paths) in results.items()}


def _grid_table(title, rows, cell):
    labels = list(RACE_OPTIMIZERS)
    width = max(9, max(len(label) for label in labels) + 1)
    head = f"{'surface':14s}" + "".join(f"{label:>{width}s}" for label in labels)
    lines = [title, head, "─" * len(head)]
    for name, values in rows.items():
        lines.append(f"{name:14s}" + "".join(f"{cell(values[label]):>{width}s}" for label in labels))
    return "\n".join(lines)


def eta_table():
    """The η each optimizer uses on each surface."""
    return _grid_table("η used (tuned per surface and optimizer, see tune_eta):", ETA, lambda v: f"{v:g}")


def steps_table(steps):
    """Steps to the threshold per surface and optimizer ('—' when not within the budget), the fastest."""
    fastest = {}
    for name, row in steps.items():
        reached = {label: n for label, n in row.items() if n is not None}
        low = min(reached.values(), default=None)
        fastest[name] = ", ".join(label for label, n in reached.items() if n == low) if reached else "none"
    table = _grid_table("steps to reach L − L* ≤ tol·(L(θ^0) − L*), median over 9 starts:",
                        steps, lambda v: "—" if v is None else f"{v:d}")
    lines = table.split("\n")
    lines[1] += "   fastest"
    lines[2] += "─" * 10
    lines[3:] = [line + f"   {fastest[name]}" for line, name in zip(lines[3:], steps)]
    reached = {label: sum(steps[name][label] is not None for name in steps) for label in RACE_OPTIMIZERS}
    width = max(9, max(len(label) for label in RACE_OPTIMIZERS) + 1)
    lines.append(f"{'reached':14s}" + "".join(f"{f'{n}/{len(steps)}':>{width}s}" for n in reached.values()))
    budgets = ", ".join(f"{name} {budget(name):,}" for name in steps if name in BUDGET)
    tolerances = ", ".join(f"{name} {TOLERANCE[name]:g}" for name in steps if name in TOLERANCE)
    lines.append(f"tol = {DEFAULT_TOLERANCE:g} ({tolerances}); budget {DEFAULT_BUDGET:,} steps ({budgets})")
    return "\n".join(lines)


def final_gaps(results, name):
    """L − L* at the end of the budget from the surface's own start, per optimizer."""
    surface, paths = results[name]
    return {label: float(surface.loss(_first_start(path)[-1]) - surface.min_loss)
            for label, path in paths.items()}


def describe_rugged(results, name="rugged"):
    """Where the race ends on the rugged bowl, where no optimizer reaches the threshold."""
    surface = results[name][0]
    gaps = final_gaps(results, name)
    best = min(gaps, key=gaps.get)
    return (f"{surface.title}: from its start, the lowest L − L* at the end is {gaps[best]:.2g} "
            f"({best}); the threshold is {threshold(surface) - surface.min_loss:.2g}.")


def _first_start(path):
    """The (finite) parameters of start 0 of a batch path."""
    xy = path.params[:, 0]
    return xy[np.isfinite(xy).all(axis=1)]


def race_figure(results):
    """A 2 × 4 grid: each surface with every optimizer's path from the surface's start."""
    fig, axes = plt.subplots(2, 4, figsize=(15, 7.4))   # a fixed grid: constrained layout costs a second here
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.06, top=0.95, wspace=0.3, hspace=0.3)
    axes = axes.ravel()
    for ax, (name, (surface, paths)) in zip(axes, results.items()):
        plots.surface_axes(surface, ax, n=70)
        for label, path in paths.items():
            xy = _first_start(path)
            color = style.color_of(label)
            ax.plot(xy[:, 0], xy[:, 1], color=color, lw=1.2, label=label, zorder=3)
            ax.plot(*xy[-1], "s", color=color, markeredgecolor="black", markersize=6, zorder=4)
        ax.plot(*surface.start, "o", color="black", markersize=6, zorder=4)
        ax.set_title(surface.title, fontsize="medium")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[-1].axis("off")
    axes[-1].legend(handles, [f"{label}" for label in labels], loc="center", fontsize="medium",
                    title="● start   ■ end of the budget")
    return fig


# ---------------------------------------------------------------------------------------
# 5. The "07 composer" panel.

MOMENTUM_OPTIONS = [("off: m = g", "off"), ("EMA of g (β1)", "ema"),
                    ("EMA, bias-corrected m̂", "corrected")]
SIGMA_OPTIONS = [("none: σ = 1", ("none", "torch")),
                 ("Adagrad: √Σg² + ε (torch)", ("adagrad", "torch")),
                 ("Adagrad: RMS of all g (lecture)", ("adagrad", "lecture")),
                 ("RMSProp: √EMA(g²) + ε (torch)", ("rmsprop", "torch")),
                 ("RMSProp: σ⁰ = |g⁰| (lecture)", ("rmsprop", "lecture")),
                 ("Adam's: bias-corrected √EMA(g²) + ε", ("adam", "torch"))]
SCHEDULE_OPTIONS = [("constant", "constant"), ("decay η/√(t+1)", "decay"),
                    ("warmup (linear, first 10%)", "warmup"), ("warmup + cosine", "warmup_cosine")]
PANEL_STEPS = {"pokemon": 1000}   # every other surface: PANEL_DEFAULT_STEPS
PANEL_DEFAULT_STEPS = 500


def panel_steps(name):
    """Steps the panel runs on a surface."""
    return PANEL_STEPS.get(name, PANEL_DEFAULT_STEPS)


def make_schedule(kind, steps):
    """The panel's schedules, by kind, for a run of `steps` steps (None = constant)."""
    if kind == "constant":
        return None
    if kind == "decay":
        return schedules.InverseSqrtDecay()
    if kind == "warmup":
        return schedules.LinearLR(start_factor=0.01, end_factor=1.0, total_iters=max(1, steps // 10))
    if kind == "warmup_cosine":
        return schedules.WarmupCosine(max(1, steps // 10), steps)
    allowed = ", ".join(repr(value) for _, value in SCHEDULE_OPTIONS)
    raise ValueError(f"Invalid schedule: {kind!r}; allowed: {allowed}")


def composed_from(momentum, beta1, sigma, eta):
    """The panel's Composed for its control values."""
    kind, form = sigma
    return Composed(eta, None if momentum == "off" else beta1, kind,
                    bias_correction=momentum == "corrected", form=form)


def composer_panel(surface="rosenbrock", momentum="corrected", beta1=0.9, sigma=("adam", "torch"),
                   schedule="warmup_cosine", eta=0.5):
    """Panel: compose m, σ and η^t, pick a surface; the path, L − L* and η^t/η, and the optimizer's name.

    Each surface is a scene (see `widgets.Panel`) with its own axes, built the first time it
    is chosen and kept: contours, and loss axes whose limits are fixed per surface
    (L − L* from 10^−10 to 10^2 times its start value), so a redraw only moves lines.
    """
    all_surfaces = surfaces.all_surfaces()
    fig = Figure(figsize=(11, 4.4), dpi=90)
    scenes = {}
    blue, vermillion = style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
    name_text = fig.text(0.5, 0.95, "", ha="center", va="center", fontsize=13, fontweight="bold")
    name_text.set_animated(True)

    def scene(name):
        """The axes of a surface with their changing artists, built on first use."""
        if name not in scenes:
            surface_ = all_surfaces[name]
            steps = panel_steps(name)
            ax = fig.add_axes((0.065, 0.12, 0.40, 0.74))
            plots.surface_axes(surface_, ax, n=140)
            (line,) = ax.plot([], [], color=blue, lw=1.8, zorder=3)
            (start,) = ax.plot([], [], "o", color=blue, markersize=6, zorder=4)
            (end,) = ax.plot([], [], "s", color=blue, markeredgecolor="black", markersize=7, zorder=4)
            loss_ax = fig.add_axes((0.57, 0.42, 0.41, 0.44))
            (loss_line,) = loss_ax.plot([], [], color=blue, lw=1.8)
            start_gap = float(surface_.loss(np.array(surface_.start))) - surface_.min_loss
            loss_ax.set(yscale="log", ylim=(1e-10 * start_gap, 1e2 * start_gap), xlim=(0, steps),
                        ylabel="L(θ^t) − L*")
            loss_ax.tick_params(labelbottom=False)
            lr_ax = fig.add_axes((0.57, 0.12, 0.41, 0.2))
            (lr_line,) = lr_ax.plot([], [], color=vermillion, lw=1.8)
            lr_ax.set(xlim=(0, steps), ylim=(0, 1.1), xlabel="step t", ylabel="η^t / η")
            changing = [line, start, end, name_text, loss_line, lr_line]
            for artist in changing:
                artist.set_animated(True)
            scenes[name] = dict(surface=surface_, axes=(ax, loss_ax, lr_ax), changing=changing)
        for other, s in scenes.items():
            for ax in s["axes"]:
                ax.set_visible(other == name)
        return scenes[name]

    def draw(surface, momentum, beta1, sigma, schedule, eta):
        s = scene(surface)
        line, start, end, title, loss_line, lr_line = s["changing"]
        steps = panel_steps(surface)
        sched = make_schedule(schedule, steps)
        optimizer = composed_from(momentum, beta1, sigma, eta)
        match = optimizer.match(sched)
        title.set_text(match.name)
        path = descend(s["surface"], optimizer, s["surface"].start, steps, schedule=sched)
        widgets.set_path(line, path, (start, end))
        widgets.set_curve(loss_line, path.gap(s["surface"]))
        widgets.set_curve(lr_line, path.lr / eta)
        diverged = widgets.diverged_message(path, match.name)
        if diverged:
            return diverged
        return (f"<b>{match.name}</b> — {match.torch} · after {path.steps} steps: "
                f"L − L* = {path.loss[-1] - s['surface'].min_loss:.3g}")

    controls = dict(
        surface=widgets.choice("surface", [(sf.title, n) for n, sf in all_surfaces.items()], surface),
        momentum=widgets.choice("momentum m", MOMENTUM_OPTIONS, momentum),
        beta1=widgets.slider("β1", beta1, 0.5, 0.99, 0.01),
        sigma=widgets.choice("σ", SIGMA_OPTIONS, sigma),
        schedule=widgets.choice("schedule η^t", SCHEDULE_OPTIONS, schedule),
        eta=widgets.log_slider("η", eta, -7, 2),
    )
    return widgets.Panel(controls, fig, draw, animated=lambda name: scene(name)["changing"],
                         scene=lambda surface, **_: surface,
                         title="The composer: θ^{t+1} = θ^t − (η^t/σ^t) m^t")


widgets.register("07 composer")(composer_panel)


# ---------------------------------------------------------------------------------------
# 6. Exercises.

ADAM_OPTIONS = {
    "A": dict(momentum=None, sigma="adagrad", bias_correction=False),
    "B": dict(momentum=0.9, sigma="rmsprop", bias_correction=False),
    "C": dict(momentum=0.9, sigma="none", bias_correction=False),
    "D": dict(momentum=0.9, sigma="adam", bias_correction=True),
    "E": dict(momentum=None, sigma="rmsprop", bias_correction=False),
}
ADAM_OPTION_TEXT = {   # (m, σ) of each option; η^t = η for all
    "A": ("m = g", "σ = √(Σ_k g_k²) + ε"),
    "B": ("m = EMA_β1(g) from 0, no correction", "σ = √(EMA_α(g²)) + ε, no correction"),
    "C": ("m = EMA_β1(g) from 0", "σ = 1"),
    "D": ("m = EMA_β1(g)/(1 − β1^{t+1})", "σ = √(EMA_β2(g²)/(1 − β2^{t+1})) + ε"),
    "E": ("m = g", "σ = √(EMA_α(g²)) + ε"),
}


def adam_options():
    """The choices of exercise 1, one per line."""
    width = max(len(m) for m, _ in ADAM_OPTION_TEXT.values())
    return "\n".join(f"{key}:  {m:{width}s}   {sigma}" for key, (m, sigma) in ADAM_OPTION_TEXT.items()) + \
        "\n(η^t = η, constant, in every option)"


def check_adam_ingredients(answer):
    """Exercise 1: which (m, σ, η^t) is Adam? Answer a letter A–E."""
    if answer is None:
        return unanswered("`answer` to one of the letters 'A' … 'E'")
    key = str(answer).strip().upper()
    if key not in ADAM_OPTIONS:
        return wrong(f"Answer with one of the letters {', '.join(ADAM_OPTIONS)}; got {answer!r}.")
    chosen = ADAM_OPTIONS[key]
    name = known_name(chosen["momentum"], chosen["sigma"], bias_correction=chosen["bias_correction"])
    if name == "Adam":
        return right(f"Yes: {key} is Adam — momentum with bias correction over Adam's σ, bias-corrected "
                     f"too, and a constant η (known_name says: {name!r}).")
    if chosen["momentum"] is None:
        why = "it has no momentum (m = g), and Adam = RMSProp + momentum"
    elif chosen["sigma"] == "none":
        why = "σ = 1: that is momentum SGD; Adam also divides by a root mean square of past g"
    elif not chosen["bias_correction"]:
        why = ("both averages start at 0 and nothing corrects that, so the first steps are off "
               "(m⁰ = 0.1·g⁰); Adam divides m by 1 − β1^{t+1} and v by 1 − β2^{t+1}")
    else:
        why = "its σ is not Adam's"
    return wrong(f"{key} is not Adam: {why}. (known_name calls {key} {name!r}.)")


ZIGZAG_ANSWERS = {"momentum": "momentum", "m": "momentum", "sigma": "sigma", "σ": "sigma",
                  "schedule": "schedule", "eta": "schedule", "η": "schedule", "lr": "schedule"}


def check_zigzag_ingredient(answer):
    """Exercise 2: which ingredient removes the zig-zag, 'momentum', 'sigma' or 'schedule'?"""
    if answer is None:
        return unanswered("`answer` to 'momentum', 'sigma' or 'schedule'")
    key = ZIGZAG_ANSWERS.get(str(answer).strip().lower())
    if key is None:
        return wrong(f"Answer 'momentum', 'sigma' or 'schedule'; got {answer!r}.")
    stats = direction_statistics(zigzag_gradients())
    steep, flat = (np.mean(np.abs(stats[d]["ratio"][5:])) for d in ("steep", "flat"))
    surface, runs = zigzag_runs()
    counts = {label: reversals(path) for label, path in runs.items()}
    if key == "momentum":
        return right(f"Yes: m sums signed gradients, so the flipping steep component cancels "
                     f"(|m̂/σ| ≈ {steep:.2f} there, {flat:.2f} along the valley): "
                     f"{counts['momentum only']} reversals in 30 steps instead of GD's {counts['GD']}.")
    if key == "sigma":
        return wrong(f"σ is a root mean square: it is the same for +g and −g, so it cannot tell a "
                     f"flipping gradient from a steady one. With σ only the path still reverses "
                     f"{counts['σ only']} times in 30 steps; it can only shrink every step alike.")
    return wrong("A schedule scales every step by the same η^t, flipping or not: a smaller η^t damps the "
                 "zig-zag only by also slowing the walk along the valley. Which ingredient looks at the "
                 "sign of past gradients?")


def _normalized(text):
    return " ".join(str(text).lower().replace("torch.optim.", "").replace("_", " ").split())


def check_name_the_optimizer(answer):
    """Exercise 3: name m = g, σ = the lecture's mean-form Adagrad, η^t = η/√(t+1)."""
    if answer is None:
        return unanswered("`answer` to the name of an optimizer, e.g. 'SGD'")
    name = known_name(None, "adagrad", schedules.InverseSqrtDecay(), form="lecture")
    target = name.split(" (")[0]                                # "Adagrad", torch's
    given = _normalized(answer)
    if given in (_normalized(target), "torch adagrad"):
        return right(f"Yes: (η/√(t+1)) / √(Σ g²/(t+1)) = η/√(Σ g²): the decay turns the lecture's mean "
                     f"into torch's sum. known_name: {name!r}.")
    if "lecture" in given and "adagrad" in given:
        return wrong("The lecture's Adagrad has a constant η. Here η^t = η/√(t+1) as well: multiply it "
                     "out with σ = √(Σ g²/(t+1)) and see which optimizer divides by √(Σ g²).")
    if "rmsprop" in given or "adam" in given:
        return wrong("That optimizer forgets old gradients (an exponential average). This σ averages "
                     "all past g² with equal weights; which optimizer does that?")
    if given.startswith("sgd") or given in ("gd", "gradient descent"):
        return wrong("SGD has σ = 1; here σ is the root mean square of all past gradients.")
    if NO_NAME in given or "none" == given:
        return wrong("There is one: write η^t/σ^t = (η/√(t+1)) / √(Σ g²/(t+1)) and simplify.")
    return wrong(f"{answer!r} is not it. Write η^t/σ^t = (η/√(t+1)) / √(Σ_k g_k²/(t+1)) and simplify.")
