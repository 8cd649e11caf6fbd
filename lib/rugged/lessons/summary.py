r"""09 summary: the general formula as a composer, why momentum and σ don't cancel, the
torch.optim optimizers as (m, σ, η^t), and a race of every optimizer on every surface.

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t

The composition itself is `rugged.compose.Composed` (an `optim.Optimizer` built from named
ingredients) and `rugged.compose.match` names it; this module holds the notebook's experiments,
figures, the "09 composer" panel and the exercise checks. The statistics m̂ and σ that Adam's
step uses are the notebook's teaching cell (`statistics`), which it passes to this module.
"""


import numpy as np

from .. import compose, optim, plots, schedules, style, surfaces, tuning, widgets
from ..compose import NO_NAME, Composed, known_name
from ..exercises import Feedback, as_name, check, choose, name_key, right, shown, unanswered, wrong
from ..i18n import display_width, pad, series, tidy, tr
from ..runner import descend, relative_error

# ---------------------------------------------------------------------------------------
# 1. The composer, built up one ingredient at a time (static figure next to the panel).

def run_recipes(surface, recipes, steps):
    """Run each (Composed, schedule) of `recipes` from the surface's start: name → Path.

    The name is the one `compose.match` gives the combination (e.g. 'Adam + warmup').
    """
    return {compose.match(optimizer, schedule).name: descend(surface, optimizer, surface.start, steps,
                                                             schedule=schedule)
            for optimizer, schedule in recipes}


def describe_names(combinations):
    """One line per (momentum, bias_correction, sigma, schedule): the name `known_name` gives it."""
    lines = [f"{pad(tr('momentum m'), 24)} {'σ':9s} {pad(tr('schedule ηᵗ'), 18)} → {tr('named optimizer')}"]
    for momentum, corrected, sigma, schedule in combinations:
        m = ("m = g" if momentum is None else tr("EMA β₁={beta1:g}, corrected").format(beta1=momentum)
             if corrected else f"EMA β₁={momentum:g}")
        eta = tr("constant") if schedule is None else type(schedule).__name__
        lines.append(f"{pad(m, 24)} {sigma:9s} {pad(eta, 18)} → "
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
    b = optim.HeavyBall(beta1, dampening=beta1).values(g)      # torch's buffer, dampened
    u = optim.HeavyBall(beta1).values(g)                       # and undampened
    m = optim.EMA(beta1).values(g)
    first = beta1 ** np.arange(1, steps + 1)[:, None] * g[0]    # β1^{t+1} g^0
    return (float(np.max(np.abs(b - m - first))), float(np.max(np.abs(b - m))),
            float(np.max(np.abs(u * (1 - beta1) - m))))


def describe_dampening(beta1=0.9):
    """The two torch SGD buffers against the EMA, in words and numbers."""
    identity, gap, scaled = dampening_gap(beta1)

    def verdict(error):
        return tr("holds to 1e-12") if error < 1e-12 else tr("FAILS")
    return (tr("200 random gradients, β₁ = {beta1}:").format(beta1=beta1) + "\n  "
            + tr("torch SGD(momentum=β₁, dampening=β₁):  max |bᵗ − mᵗ| = {gap:.3f}, and bᵗ − mᵗ = "
                 "β₁ᵗ⁺¹·g⁰ {verdict}").format(gap=gap, verdict=verdict(identity)) + "\n  "
            + tr("torch SGD(momentum=β₁), undampened:    (1 − β₁)·bᵗ = mᵗ {verdict}").format(
                verdict=verdict(scaled)))


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
    left.set_title(tr("adding one ingredient at a time"))
    left.legend(loc="lower right", fontsize="small")
    right_ax.set_yscale("log")
    right_ax.set_xlabel(tr("step t"))
    right_ax.set_ylabel(r"$L(\theta^t) - L^*$")
    right_ax.set_title(tr("{surface}: {steps} steps").format(surface=surface.title,
                                                             steps=next(iter(runs.values())).steps))
    plots.no_minor_ticks(right_ax)
    return fig


def describe_runs(surface, runs, tol=1e-3):
    """One line per run: L − L* at the end, and the first t with L − L* ≤ tol·(L(θ^0) − L*)."""
    lines = [f"{'':38s} {pad(tr('L − L* at the end'), 18, '>')}   "
             + tr("first t with L − L* ≤ {tol:g}·(L(θ⁰) − L*)").format(tol=tol)]
    for name, path in runs.items():
        reached = path.steps_to(surface.min_loss + tol * (path.loss[0] - surface.min_loss))
        lines.append(f"{pad(name, 38)} {path.loss[-1] - surface.min_loss:18.3e}   "
                     f"{reached if reached is not None else tr('— (not within {steps} steps)').format(steps=path.steps)}")
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


def split_directions(g):
    """Components of vectors g (…, 2) along the valley's steep and flat directions."""
    return {"steep": g @ STEEP, "flat": g @ FLAT}


def direction_statistics(g, statistics):
    """For the steep and flat components of g: the component g, m̂, σ and m̂/σ per step.

    statistics(g): (m̂, σ) that Adam's step uses for gradients g of shape (T, d) (the notebook's
    teaching function).
    """
    out = {}
    for name, component in split_directions(g).items():
        m, sigma = statistics(component[:, None])
        out[name] = dict(g=component, m=m[:, 0], sigma=sigma[:, 0], ratio=m[:, 0] / sigma[:, 0])
    return out


def describe_statistics(stats, start=5):
    """Printed summary: mean |g|, |m_hat|, σ and |m_hat/σ| over steps start … end, per direction."""
    title = tr("averages over t = {start} … {end}:").format(start=start, end=len(stats['steep']['g']) - 1)
    heads = ("|g|", "|m_hat|", "σ", "|m_hat/σ|")
    lines = [pad(title, 38) + "".join(h.rjust(10) for h in heads)]
    directions = {"steep": tr("steep"), "flat": tr("flat")}
    for name, s in stats.items():
        cut = slice(start, None)
        component = tr("{direction} component").format(direction=pad(directions.get(name, name), 5))
        lines.append("  " + pad(component, 36)
                     + "".join(f"{np.mean(np.abs(s[k][cut])):10.4f}" for k in ("g", "m", "sigma", "ratio")))
    return "\n".join(lines)


def describe_sign_check(sigma_gap, m_gap):
    """The sentence of the sign check: sigma_gap = max |σ(−g) − σ(g)|, m_gap = max |m(−g) + m(g)|
    (computed in the notebook)."""
    return tr("σ computed from −g equals σ from g: max difference {sigma_gap:.1e};  m from −g equals −m: "
              "max difference {m_gap:.1e}").format(sigma_gap=sigma_gap, m_gap=m_gap)


def statistics_figure(stats):
    """g^t, m̂^t and σ^t against t for the steep and the flat component of GD's gradients."""
    fig, axes = plots.new_figure(1, 2, figsize=(11.5, 4.0), sharey=True)
    colors = dict(g=style.OKABE_ITO["black"], m=style.OKABE_ITO["sky"], sigma=style.OKABE_ITO["green"])
    titles = dict(steep=tr("steep direction (1, −1): g flips sign every step"),
                  flat=tr("flat direction (1, 1): g keeps its sign"))
    for ax, (name, s) in zip(axes, stats.items()):
        t = np.arange(len(s["g"]))
        ax.plot(t, s["g"], "o-", color=colors["g"], markersize=3.5, lw=1, label=tr(r"gradient $g^t$"))
        ax.plot(t, s["m"], color=colors["m"], lw=2.4, label=tr(r"momentum $\hat m^t$ ($\beta_1$ = 0.9)"))
        ax.plot(t, s["sigma"], color=colors["sigma"], lw=2.4,
                label=tr(r"$\sigma^t$ (Adam's, $\beta_2$ = 0.999)"))
        ax.plot(t, -s["sigma"], color=colors["sigma"], lw=1, ls=":", label=r"$-\sigma^t$")
        ax.axhline(0, color="0.3", lw=0.7)
        ax.set_title(titles[name], fontsize="medium")
        ax.set_xlabel(tr("step t"))
    axes[0].set_ylabel(tr(r"component of $g$, $\hat m$, $\sigma$"))
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


def variant_label(label):
    """A zig-zag variant's label (a key of `zigzag_variants`, or "σ only, η/2") as shown to the learner."""
    return {"momentum only": tr("momentum only"), "σ only": tr("σ only"), "momentum + σ": tr("momentum + σ"),
            "σ only, η/2": tr("σ only, η/2")}.get(label, label)


def describe_variants(variants):
    """One line per zig-zag variant ({label: optimizer}, `zigzag_variants`): its label as shown
    (`variant_label`) and the optimizer's repr."""
    return "\n".join(f"{pad(variant_label(label), 14)} {optimizer!r}" for label, optimizer in variants.items())


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
    """Per variant: its name, η, reversals of the steep component in 30 steps, and the steps to reach
    the race's goal L ≤ 1e-3·L(θ^0) and stay there (`tuning.settle_steps`, as in the race of §4).

    A last row runs σ only at half the η, where it no longer zig-zags (its steps are smaller).
    """
    goal = tuning.goal_fraction(surface, tuning.DEFAULT_TOLERANCE)
    lines = [f"{'':14s} {pad(tr('named optimizer'), 48)} {'η':>5s}  {pad(tr('reversals/30'), 12)}  "
             f"{pad(tr('reaches'), 7, '>')}  {pad(tr('stays'), 5, '>')}"]
    variants = dict(zigzag_variants())
    variants["σ only, η/2"] = Composed(0.5, sigma="adam")
    runs = dict(runs)
    runs["σ only, η/2"] = descend(surface, variants["σ only, η/2"], surface.start, steps)
    for label, opt in variants.items():
        path = runs[label]
        first, settled = path.steps_to(goal), tuning.settle_steps(path, goal)
        lines.append(f"{pad(variant_label(label), 14)} {pad(compose.match(opt).name, 48)} {opt.lr:5.2f}  "
                     f"{reversals(path):12d}  "
                     f"{'—' if first is None else first:>7}  {'—' if settled is None else settled:>5}")
    lines.append(tr("reaches: first t with L ≤ 1e-3·L(θ⁰); stays: first t from which L stays that low up to "
                    "step {steps}; —: never").format(steps=steps))
    return "\n".join(lines)


def zigzag_figure(surface, runs):
    """The four paths side by side, each titled with its ingredients."""
    fig, axes = plots.new_figure(1, 4, figsize=(13, 3.6), sharey=True)
    colors = {"GD": style.color_of("GD"), "momentum only": style.color_of("Momentum"),
              "σ only": style.color_of("RMSprop"), "momentum + σ": style.color_of("Adam")}
    window = ((-4, 2), (-3.5, 2.5))
    for ax, (label, path) in zip(axes, runs.items()):
        plots.surface_axes(surface, ax, window=window, n=90)
        plots.draw_path(ax, path, variant_label(label), colors[label])
        ax.set_title(tr("{label} (η = {eta:g})\n{reversals} reversals in 30 steps").format(
            label=variant_label(label), eta=zigzag_variants()[label].lr, reversals=reversals(path)),
            fontsize="medium")
        ax.set_xticks(range(-3, 2))         # none at the edges, where two panels' labels would meet
        if ax is not axes[0]:
            ax.set_ylabel("")
    return fig


# ---------------------------------------------------------------------------------------
# 3. torch.optim as (m, σ, η^t).

TORCH_TABLE = [
    # torch.optim, mᵢᵗ, σᵢᵗ, ηᵗ (the lecture's t, from 0; torch's step is t + 1), the Composed keyword
    # arguments that equal it (None: none do). EMA(x, β): the moving average β·EMA + (1 − β)·xᵗ from 0.
    ("SGD", "gᵗ", "1", "η", dict(lr=1e-3)),
    ("SGD(momentum=μ)", "bᵗ = μbᵗ⁻¹ + gᵗ, b⁰ = g⁰", "1", "η", dict(lr=1e-2, momentum=0.9)),
    ("SGD(nesterov=True)", "gᵗ + μbᵗ", "1", "η", None),
    ("Adagrad", "gᵗ", "√(Σₖ (gᵏ)²) + ε", "η/(1 + t·lr_decay)", dict(lr=0.1, sigma="adagrad")),
    ("RMSprop", "gᵗ", "√(EMA(g², α)) + ε", "η", dict(lr=0.01, sigma="rmsprop")),
    ("Adam", "EMA(g, β₁)/(1 − β₁ᵗ⁺¹)", "√(EMA(g², β₂)/(1 − β₂ᵗ⁺¹)) + ε", "η",
     dict(lr=0.05, momentum=0.9, sigma="adam", bias_correction=True)),
    ("AdamW", "as Adam", "as Adam", "η; θ ← θ(1 − ηλ) first", None),
    ("RAdam", "as Adam", "1 while ρᵗ ≤ 5, then ≈ Adam's", "η·rᵗ once ρᵗ > 5", None),
    ("NAdam", "Adam's, one step ahead", "as Adam", "η (μᵗ ramps up)", None),
]


TORCH_HEADER = ("torch.optim", "mᵢᵗ", "σᵢᵗ", "ηᵗ")


def _torch_words():
    """The cells of TORCH_TABLE written in words, as shown to the learner."""
    return {"as Adam": tr("as Adam"), "η; θ ← θ(1 − ηλ) first": tr("η; θ ← θ(1 − ηλ) first"),
            "1 while ρᵗ ≤ 5, then ≈ Adam's": tr("1 while ρᵗ ≤ 5, then ≈ Adam's"),
            "η·rᵗ once ρᵗ > 5": tr("η·rᵗ once ρᵗ > 5"), "Adam's, one step ahead": tr("Adam's, one step ahead"),
            "η (μᵗ ramps up)": tr("η (μᵗ ramps up)")}


def _torch_rows():
    """The header and each optimizer's (name, m, σ, ηᵗ): the cells of both forms of the table."""
    words = _torch_words()
    return [TORCH_HEADER] + [tuple(words.get(cell, cell) for cell in row[:4]) for row in TORCH_TABLE]


def torch_table():
    """The table: each torch.optim optimizer as (m, σ, ηᵗ), t counted from 0 as in the lecture."""
    rows = _torch_rows()
    widths = [max(display_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def torch_table_markdown():
    """`torch_table` as a Markdown table, the same cells in the same order: on a slide a rendered
    table reads in larger type than printed text. Show it with `IPython.display.Markdown`."""
    def cell(text):
        for special in ("\\", "|", "*", "_", "`"):
            text = text.replace(special, "\\" + special)
        return text

    rows = _torch_rows()
    lines = ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(TORCH_HEADER))
    return "\n".join(lines)


def verify_table(steps=50):
    """Each composable row: its Composed and the named optimizer `match` builds, run on Rosenbrock.

    Returns row → (the `compose.NAMES` row name of the match, relative error between the two paths).
    """
    surface = surfaces.rosenbrock()
    errors = {}
    for row, _, _, _, kwargs in TORCH_TABLE:
        if kwargs is None:
            continue
        composed = Composed(**kwargs)
        match = compose.match(composed)
        mine = descend(surface, composed, surface.start, steps)
        theirs = descend(surface, match.optimizer, surface.start, steps)
        errors[row] = (match.row.name, relative_error(mine.params, theirs.params))
    return errors


def describe_verification(errors, tolerance=1e-12):
    """One line per composable row: its composition (as `compose.NAMES` writes it, with torch's lr η
    and momentum μ) and whether its path is the named optimizer's."""
    lines = [tidy(tr("checked on {surface}, 50 steps: path of the composition vs the named rugged.optim "
                     "optimizer (= torch.optim)").format(surface=surfaces.rosenbrock().title))]
    for row, (name, err) in errors.items():
        verdict = (tr("same path (relative error ≤ 1e-12)") if err <= tolerance
                   else tr("DIFFERENT: {error:.1e}").format(error=err))
        lines.append(f"  {pad(row, 16)} {pad(compose.combination(name).composed, 60)} {verdict}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# 4. The race: every optimizer on every surface, each at its own best η (rugged.tuning).

RACE_OPTIMIZERS = {
    "GD": lambda lr: optim.GD(lr),
    "Momentum": lambda lr: optim.SGD(lr, momentum=0.9),
    "Adagrad": lambda lr: optim.Adagrad(lr),
    "RMSprop": lambda lr: optim.RMSprop(lr),
    "Adam": lambda lr: optim.Adam(lr),
    "RAdam": lambda lr: optim.RAdam(lr),
    "NAdam": lambda lr: optim.NAdam(lr),
}


def run_race():
    """Every race optimizer tuned on every surface with the course's race settings
    (`tuning.surface_race`, all surfaces in shared passes: `tuning.surface_races`): surface name →
    (surface, optimizer name → `tuning.Tuned`)."""
    every = surfaces.all_surfaces()
    return {name: (every[name], tuned) for name, tuned in tuning.surface_races(every, RACE_OPTIMIZERS).items()}


def race_steps(results):
    """surface → optimizer → median steps to the goal at its best η (None: not within the budget)."""
    return {name: {label: t.best_steps for label, t in tuned.items()} for name, (_, tuned) in results.items()}


def fastest(results, name):
    """The winner on surface `name`, or the racers that tie for it, fastest first (`tuning.winners`:
    only racers that reach the goal from every start count, and scores within 10% or 1 step of the
    fastest tie); empty if no racer reaches the goal from every start."""
    return tuning.winners(results[name][1])


def _winner_text(names):
    return tr("none") if not names else " = ".join(style.racer_name(name) for name in names)   # A = B: a tie


def _grid_table(title, rows, cell, width=9):
    labels = list(RACE_OPTIMIZERS)
    head = pad(tr("surface"), 14) + "".join(pad(style.racer_name(label), width, ">") for label in labels)
    lines = [title, head, "─" * display_width(head)]
    for name, values in rows.items():
        lines.append(pad(surfaces.short_name(name), 14) + "".join(f"{cell(values[label]):>{width}s}" for label in labels))
    return "\n".join(lines)


def steps_table(results):
    """Per surface and optimizer at its best η: the score (median steps to the goal over the starts,
    '—' unless every start gets there) beside how many starts get there; the winner on each surface
    or the racers that tie (`fastest`), and on how many surfaces each optimizer is ranked."""
    steps = race_steps(results)
    rows = {name: tuned for name, (_, tuned) in results.items()}

    def cell(t):
        return f"{'—' if t.best_steps is None else t.best_steps} {t.best_reached}/{t.n_starts}"
    table = _grid_table(tr("steps to reach the goal and stay there: the median over the starts, counted only "
                           "if all get there;\nbeside it, how many starts get there; each optimizer at its own "
                           "best η:"), rows, cell, width=10)
    lines = table.split("\n")
    lines[2] += "   " + tr("fastest")
    lines[3] += "─" * 12
    lines[4:] = [line + f"   {_winner_text(fastest(results, name))}" for line, name in zip(lines[4:], steps)]
    ranked = {label: sum(steps[name][label] is not None for name in steps) for label in RACE_OPTIMIZERS}
    lines.append(pad(tr("ranked on"), 14) + "".join(f"{f'{n}/{len(steps)}':>10s}" for n in ranked.values()))
    some = next(iter(results.values()))[1]["GD"]
    budgets = series(f"{surfaces.short_name(name)} {tuning.BUDGET[name]:,}" for name in steps if name in tuning.BUDGET)
    tolerances = series(f"{surfaces.short_name(name)} {tuning.TOLERANCE[name]:g}"
                        for name in steps if name in tuning.TOLERANCE)
    lines.append(tr("goal: L − L* ≤ tol·(L(θ⁰) − L*), tol = {tol:g} ({tolerances}); {starts} starts;").format(
        tol=tuning.DEFAULT_TOLERANCE, tolerances=tolerances, starts=some.n_starts))
    lines.append(tr("budget {budget:,} steps ({budgets});").format(budget=tuning.DEFAULT_BUDGET, budgets=budgets))
    lines.append(tr("fastest: the lowest score; scores within {share:.0%} or {steps} step of it tie (A = B);")
                 .format(share=tuning.TIE_SHARE, steps=tuning.TIE_STEPS))
    lines.append(tr("ranked on: the surfaces where the optimizer gets every start to the goal"))
    return "\n".join(lines)


def band_factor(tuned, factor=2.0):
    """How far η can move around the best, as a factor (highest/lowest η of `Tuned.band`), or None."""
    band = tuned.band(factor)
    return None if band is None else band[1] / band[0]


def _factor(ratio):
    return "—" if ratio is None else f"×{ratio:.1f}" if ratio < 9.95 else f"×{ratio:.0f}"


def eta_table(results):
    """The best η per surface and optimizer (from a fine log grid)."""
    rows = {name: tuned for name, (_, tuned) in results.items()}
    return _grid_table(tr("best η of each optimizer on each surface (fine log grid):"), rows,
                       lambda t: f"{t.best_eta:.3g}", width=10)


def sensitivity_table(results, factor=2.0):
    """Per surface and optimizer: by what factor η may vary around the best while the steps stay
    within `factor` × the best (×1.0: only the best η of the grid; —: the goal is not reached)."""
    rows = {name: tuned for name, (_, tuned) in results.items()}
    return _grid_table(tr("how far η may move (highest/lowest η) with at most {factor:g}× the best steps:")
                       .format(factor=factor),
                       rows, lambda t: _factor(band_factor(t, factor)))


def final_gaps(results, name):
    """Median over the starts of L − L* at the end of the budget, at each optimizer's best η."""
    surface, tuned = results[name]
    return {label: float(t.final[t.best] - surface.min_loss) for label, t in tuned.items()}


def describe_rugged(results, name="rugged"):
    """Where the race ends on the rugged bowl, where no optimizer reaches the goal."""
    surface = results[name][0]
    gaps = final_gaps(results, name)
    best = min(gaps, key=gaps.get)
    return tr("{surface}: the lowest median L − L* at the end is {gap:.2g} ({best}); the goal is {goal:.2g}.").format(
        surface=surface.title, gap=gaps[best], best=style.racer_name(best),
        goal=tuning.goal_fraction(surface, tuning.DEFAULT_TOLERANCE) - surface.min_loss)


def race_figure(results, name, show=None):
    """plots.race for one surface: paths of `show` (default: GD, the fastest and Adam), every
    optimizer's L − L* per step from the surface's start, and the sensitivity to η."""
    surface, tuned = results[name]
    show = show or ["GD"] + fastest(results, name) + ["Adam"]
    paths = {t.label: t.path for t in tuned.values()}
    return plots.race(surface, paths, sensitivity=tuned, show=[tuned[n].label for n in show])


# ---------------------------------------------------------------------------------------
# 5. The "09 composer" panel.

MOMENTUM_OPTIONS = [("off: m = g", "off"), ("EMA of g (β₁)", "ema"),
                    ("EMA, bias-corrected m̂", "corrected")]
SIGMA_OPTIONS = [("none: σ = 1", ("none", "torch")),
                 ("Adagrad: √Σg² + ε (torch)", ("adagrad", "torch")),
                 ("Adagrad: RMS of all g (lecture)", ("adagrad", "lecture")),
                 ("RMSProp: √EMA(g²) + ε (torch)", ("rmsprop", "torch")),
                 ("RMSProp: σ⁰ = |g⁰| (lecture)", ("rmsprop", "lecture")),
                 ("Adam's: bias-corrected √EMA(g²) + ε", ("adam", "torch"))]
SCHEDULE_OPTIONS = [("constant", "constant"), ("decay η/√(t+1)", "decay"),
                    ("warmup (linear, first 10%)", "warmup"), ("warmup + cosine", "warmup_cosine")]


def _option_labels():
    """The panel's option labels (MOMENTUM_OPTIONS, SIGMA_OPTIONS, SCHEDULE_OPTIONS) as shown."""
    return {"off: m = g": tr("off: m = g"), "EMA of g (β₁)": tr("EMA of g (β₁)"),
            "EMA, bias-corrected m̂": tr("EMA, bias-corrected m̂"), "none: σ = 1": tr("none: σ = 1"),
            "Adagrad: √Σg² + ε (torch)": tr("Adagrad: √Σg² + ε (torch)"),
            "Adagrad: RMS of all g (lecture)": tr("Adagrad: RMS of all g (lecture)"),
            "RMSProp: √EMA(g²) + ε (torch)": tr("RMSProp: √EMA(g²) + ε (torch)"),
            "RMSProp: σ⁰ = |g⁰| (lecture)": tr("RMSProp: σ⁰ = |g⁰| (lecture)"),
            "Adam's: bias-corrected √EMA(g²) + ε": tr("Adam's: bias-corrected √EMA(g²) + ε"),
            "constant": tr("constant"), "decay η/√(t+1)": tr("decay η/√(t+1)"),
            "warmup (linear, first 10%)": tr("warmup (linear, first 10%)"),
            "warmup + cosine": tr("warmup + cosine")}


def shown_options(options):
    """(label, value) options with their labels in the learner's language."""
    labels = _option_labels()
    return [(labels.get(label, label), value) for label, value in options]


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


NOISE_SURFACE = "pokemon"       # the one surface of the panel made of examples
NOISY_TAIL = 100                # with minibatches the status also gives the median L − L* of the last steps
NO_EXAMPLES = "exact gradient: batch size and seed need examples (Pokémon only)"
NO_EXAMPLES_TIP = ("Only the Pokémon surface is a sum over examples (10 Pokémon), so only there can a "
                   "step use a minibatch; every other surface has one exact gradient.")
FULL_BATCH_TIP = "Batch size 10 is all 10 Pokémon, the exact gradient: no minibatch is drawn, so no seed."
NOISE_TIP = "A step's gradient is the estimate from this many of the 10 Pokémon (10: the exact gradient)."
SEED_TIP = "The seed of the minibatches' draw: the same seed gives the same batches and the same path."


def _noise_texts():
    """NO_EXAMPLES and the tooltips above, as shown to the learner."""
    return {
        "exact": tr("exact gradient: batch size and seed need examples (Pokémon only)"),
        "no examples": tr("Only the Pokémon surface is a sum over examples (10 Pokémon), so only there can a "
                          "step use a minibatch; every other surface has one exact gradient."),
        "full batch": tr("Batch size 10 is all 10 Pokémon, the exact gradient: no minibatch is drawn, so no seed."),
        "noise": tr("A step's gradient is the estimate from this many of the 10 Pokémon (10: the exact gradient)."),
        "seed": tr("The seed of the minibatches' draw: the same seed gives the same batches and the same path."),
    }


def check_noise(surface, batch_size, seed):
    """The panel's batch size and seed as ints, or a ValueError for a setting that cannot act:
    a batch size below all examples on a surface that has none (only `NOISE_SURFACE` has), or a
    seed other than 0 without minibatches (as `descend` refuses a seed without batch_size)."""
    n = surfaces.all_surfaces()[NOISE_SURFACE].n_examples
    batch_size = widgets.check_number("batch size", batch_size, 1, n, integer=True)
    seed = widgets.check_number("seed", seed, 0, widgets.MAX_SEED, integer=True)
    if surface != NOISE_SURFACE and batch_size != n:
        raise ValueError(f"Invalid batch size: {batch_size} on the surface {surface!r}; minibatches need a "
                         f"surface made of examples, and only {NOISE_SURFACE!r} is (batch size {n} there "
                         f"is its exact gradient)")
    if batch_size == n and seed != 0:
        raise ValueError(f"Invalid seed: {seed}; the seed chooses the minibatches, so it needs a batch size "
                         f"below {n} on {NOISE_SURFACE!r} (batch size {n}, or another surface, is the exact "
                         f"gradient)")
    return batch_size, seed


@widgets.register("09 composer")
def composer_panel(surface="rosenbrock", momentum="corrected", beta1=0.9, sigma=("adam", "torch"),
                   schedule="warmup_cosine", eta=0.5, batch_size=10, seed=0):
    """Panel: compose m, σ and η^t, pick a surface; the path, L − L* and η^t/η, and the optimizer's name.

    The surfaces share one set of axes: every surface's contours are drawn when the panel is
    built and shown when it is chosen, and the loss axes' limits are fixed per surface
    (L − L* from 10^−10 to 10^2 times its start value). Each surface is a scene (see
    `widgets.Panel`) with its own kept background, drawn in advance while the kernel is idle,
    so a redraw only moves lines. A value a control cannot take is a ValueError.

    On the Pokémon surface (the only one made of examples) the batch size (1 … 10) makes each
    gradient a minibatch estimate over that many of the 10 Pokémon, drawn with the seed
    (`descend(batch_size=, seed=)`; 10 is the exact gradient and the full-batch path). On every
    other surface the two controls are disabled and the status line says why; at batch size
    10 the seed is disabled. With minibatches the status line adds the median L − L* of the
    last NOISY_TAIL steps, steadier than the last step's. Given to the factory, a batch size
    below 10 off the Pokémon surface, or a seed other than 0 without minibatches, is a
    ValueError (`check_noise`).
    """
    all_surfaces = surfaces.all_surfaces()
    controls = dict(
        surface=widgets.choice(tr("surface"), [(sf.title, n) for n, sf in all_surfaces.items()], surface),
        momentum=widgets.choice(tr("momentum m"), shown_options(MOMENTUM_OPTIONS), momentum),
        beta1=widgets.slider("β₁", beta1, 0.5, 0.99, 0.01),
        sigma=widgets.choice("σ", shown_options(SIGMA_OPTIONS), sigma),
        batch=widgets.int_slider(tr("batch size"), batch_size, 1, all_surfaces[NOISE_SURFACE].n_examples),
        schedule=widgets.choice(tr("schedule ηᵗ"), shown_options(SCHEDULE_OPTIONS), schedule),
        eta=widgets.log_slider("η", eta, -7, 2),
        seed=widgets.int_slider(tr("seed"), seed, 0, widgets.MAX_SEED),
    )
    check_noise(controls["surface"].value, batch_size, seed)
    # Narrower, so that each ends a row of two wide controls on a slide; after β₁, so that the
    # first slider (the one a keyboard test moves) is never a disabled one.
    widgets.narrow(controls["batch"], controls["seed"])
    lecture = style.is_lecture()            # on a slide: flatter, under the panel's many controls
    fig, unused = plots.new_figure(static=False, figsize=(11, 2.9) if lecture else (11, 4.4))
    unused.remove()
    fig.set_layout_engine("none")           # the axes are placed by hand below
    if not lecture:                         # lecture mode has already sized it for a slide
        fig.set_dpi(90)
    blue, vermillion = style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
    name_text = fig.text(0.5, 0.95, "", ha="center", va="center", fontsize=13, fontweight="bold")
    bottom = 0.19 if lecture else 0.12      # room for the tick labels and "step t" on a flatter figure
    top = 0.83 if lecture else 0.86         # and for the name above the surface's title
    ax = fig.add_axes((0.065, bottom, 0.40, top - bottom))
    contours = widgets.SurfaceScenes(ax, all_surfaces, n=100)
    contours.prepare()
    line, ends = widgets.path_artists(ax, blue, lw=1.8)
    loss_ax = fig.add_axes((0.57, bottom + 0.30, 0.41, top - 0.30 - bottom))
    (loss_line,) = loss_ax.plot([], [], color=blue, lw=1.8)
    loss_ax.set(yscale="log", ylabel=r"$L(\theta^t) - L^*$")
    loss_ax.tick_params(labelbottom=False)
    plots.plain_log_ticks(loss_ax)
    lr_ax = fig.add_axes((0.57, bottom, 0.41, 0.2))
    (lr_line,) = lr_ax.plot([], [], color=vermillion, lw=1.8)
    lr_ax.set(ylim=(0, 1.1), xlabel=tr("step t"), ylabel=r"$\eta^t/\eta$")
    changing = [line, *ends, name_text, loss_line, lr_line]

    def stage(name):
        """The static part of a surface's scene: its contours and the axes' limits."""
        surface_ = contours.show(name)
        ax.set_title(surface_.title)
        steps = panel_steps(name)
        start_gap = float(surface_.loss(np.array(surface_.start))) - surface_.min_loss
        loss_ax.set(ylim=(1e-10 * start_gap, 1e2 * start_gap), xlim=(0, steps))
        lr_ax.set_xlim(0, steps)
        return surface_

    def draw(surface, momentum, beta1, sigma, batch, schedule, eta, seed):
        surface_ = stage(surface)
        steps = panel_steps(surface)
        examples = getattr(surface_, "n_examples", None)
        noisy = examples is not None and batch < examples
        set_noise_controls(examples is not None, noisy)
        sched = make_schedule(schedule, steps)
        optimizer = composed_from(momentum, beta1, sigma, eta)
        match = compose.match(optimizer, sched)
        name_text.set_text(tr("{name} · batch {batch}, seed {seed}").format(name=match.name, batch=batch, seed=seed)
                           if noisy else match.name)
        path = descend(surface_, optimizer, surface_.start, steps, schedule=sched,
                       batch_size=batch if noisy else None, seed=seed if noisy else None)
        widgets.set_path(line, path, ends)
        widgets.set_curve(loss_line, path.gap(surface_))
        widgets.set_curve(lr_line, path.lr / eta)
        noise = tr("minibatches of {batch} (seed {seed}): ").format(batch=batch, seed=seed) if noisy else ""
        exact = "" if examples is not None else " · " + _noise_texts()["exact"]
        diverged = widgets.diverged_message(path, match.name)
        if diverged:
            return noise + diverged + exact
        gap = path.loss - surface_.min_loss
        tail = (tr(", median of the last {n}: {median:.3g}").format(
            **dict(zip(("n", "median"), widgets.hovering(gap, NOISY_TAIL)))) if noisy else "")
        return noise + tr("{name} — {torch} · after {steps} steps: L − L* = {gap:.3g}{tail}").format(
            name=match.name, torch=match.torch, steps=path.steps, gap=gap[-1], tail=tail) + exact

    def set_noise_controls(examples, noisy):
        """Enable the batch size on a surface made of examples, the seed only below all of them;
        a disabled control's tooltip says why."""
        controls["batch"].disabled = not examples
        texts = _noise_texts()
        controls["batch"].tooltip = texts["noise"] if examples else texts["no examples"]
        controls["seed"].disabled = not noisy
        controls["seed"].tooltip = (texts["seed"] if noisy else texts["no examples"] if not examples
                                    else texts["full batch"])

    return widgets.Panel(controls, fig, draw, animated=changing, scene=lambda surface, **_: surface,
                         stage=stage, scenes=list(all_surfaces),
                         title=tr("The composer: θᵗ⁺¹ = θᵗ − (ηᵗ/σᵗ)·mᵗ"))


# ---------------------------------------------------------------------------------------
# 6. Exercises.

ADAM_OPTIONS = {
    "A": dict(momentum=None, sigma="adagrad", bias_correction=False),
    "B": dict(momentum=0.9, sigma="rmsprop", bias_correction=False),
    "C": dict(momentum=0.9, sigma="none", bias_correction=False),
    "D": dict(momentum=0.9, sigma="adam", bias_correction=True),
    "E": dict(momentum=None, sigma="rmsprop", bias_correction=False),
}
ADAM_OPTION_TEXT = {   # (m, σ) of each option; ηᵗ = η for all (EMA as in TORCH_TABLE)
    "A": ("m = gᵗ", "σ = √(Σₖ (gᵏ)²) + ε"),
    "B": ("m = EMA(g, β₁), no correction", "σ = √(EMA(g², α)) + ε, no correction"),
    "C": ("m = EMA(g, β₁)", "σ = 1"),
    "D": ("m = EMA(g, β₁)/(1 − β₁ᵗ⁺¹)", "σ = √(EMA(g², β₂)/(1 − β₂ᵗ⁺¹)) + ε"),
    "E": ("m = gᵗ", "σ = √(EMA(g², α)) + ε"),
}


def _option_words():
    """The cells of ADAM_OPTION_TEXT written in words, as shown to the learner."""
    return {"m = EMA(g, β₁), no correction": tr("m = EMA(g, β₁), no correction"),
            "σ = √(EMA(g², α)) + ε, no correction": tr("σ = √(EMA(g², α)) + ε, no correction")}


def adam_options():
    """The choices of exercise 1, one per line."""
    words = _option_words()
    texts = {key: (words.get(m, m), words.get(sigma, sigma)) for key, (m, sigma) in ADAM_OPTION_TEXT.items()}
    width = max(display_width(m) for m, _ in texts.values())
    return "\n".join(f"{key}:  {pad(m, width)}   {sigma}" for key, (m, sigma) in texts.items()) + "\n" + \
        tr("(ηᵗ = η, constant, in every option; EMA(x, β): exponential moving average of x started from 0)")


@check
def check_adam_ingredients(answer):
    """Exercise 1: which (m, σ, η^t) is Adam? Answer a letter A–E."""
    key = choose(answer, "`answer`", tr("to one of the letters 'A' … 'E'"), {letter: () for letter in ADAM_OPTIONS},
                 tr("Answer with one of the letters {letters}; got {answer}.").format(
                     letters=", ".join(ADAM_OPTIONS), answer="{}"))
    if isinstance(key, Feedback):
        return key
    chosen = ADAM_OPTIONS[key]
    name = known_name(chosen["momentum"], chosen["sigma"], bias_correction=chosen["bias_correction"])
    if name == "Adam":
        return right(tr("Yes: {key} is Adam — momentum with bias correction over Adam's σ, bias-corrected "
                        "too, and a constant η (known_name says: {name!r}).").format(key=key, name=name))
    if chosen["momentum"] is None:
        why = tr("it has no momentum (m = g), and Adam = RMSProp + momentum")
    elif chosen["sigma"] == "none":
        why = tr("σ = 1: that is momentum SGD; Adam also divides by a root mean square of past g")
    elif not chosen["bias_correction"]:
        why = tr("both averages start at 0 and nothing corrects that, so the first steps are off "
                 "(m⁰ = 0.1·g⁰); Adam divides m by 1 − β₁ᵗ⁺¹ and v by 1 − β₂ᵗ⁺¹")
    else:
        why = tr("its σ is not Adam's")
    return wrong(tr("{key} is not Adam: {why}. (known_name calls {key} {name!r}.)").format(key=key, why=why, name=name))


ZIGZAG_ANSWERS = {   # each ingredient and how a learner may write it (compared by exercises.name_key)
    "momentum": ("m", "mᵗ", "m^t", "heavy ball", "β₁", "beta1", "EMA of g"),
    "sigma": ("σ", "σᵗ", "σ^t", "rms", "root mean square", "adaptive lr", "adaptive learning rate", "denominator"),
    "schedule": ("η", "ηᵗ", "η^t", "eta", "lr", "learning rate", "lr schedule", "learning rate schedule",
                 "decay", "lr decay", "warmup"),
}


@check
def check_zigzag_ingredient(answer):
    """Exercise 2: which ingredient removes the zig-zag, 'momentum', 'sigma' or 'schedule'?"""
    key = choose(answer, "`answer`", tr("to 'momentum', 'sigma' or 'schedule'"), ZIGZAG_ANSWERS,
                 tr("Answer 'momentum', 'sigma' or 'schedule'; got {answer}.").format(answer="{}"))
    if isinstance(key, Feedback):
        return key
    surface, runs = zigzag_runs()
    counts = {label: reversals(path) for label, path in runs.items()}
    if key == "momentum":
        return right(tr("Yes: m sums signed gradients, so the steep component, which flips sign every step, "
                        "cancels, while the flat one, which keeps its sign, adds up: "
                        "{momentum} reversals in 30 steps instead of GD's {gd}.").format(
                            momentum=counts['momentum only'], gd=counts['GD']))
    if key == "sigma":
        return wrong(tr("σ is a root mean square: it is the same for +g and −g, so it cannot tell a "
                        "flipping gradient from a steady one. With σ only the path still reverses "
                        "{sigma} times in 30 steps; it can only shrink every step alike.").format(
                            sigma=counts['σ only']))
    return wrong(tr("A schedule scales every step by the same ηᵗ, flipping or not: a smaller ηᵗ damps the "
                    "zig-zag only by also slowing the walk along the valley. Which ingredient looks at the "
                    "sign of past gradients?"))


@check
def check_name_the_optimizer(answer):
    """Exercise 3: name m = g, σ = the lecture's mean-form Adagrad, η^t = η/√(t+1).

    Every reasonable spelling of torch's name counts ("Adagrad", "optim.Adagrad",
    "torch.optim.Adagrad", "Adagrad()", "Adagrad (torch)", "torch's Adagrad", the class itself).
    """
    if answer is None:
        return unanswered(tr("`answer` to the name of an optimizer, e.g. 'SGD'"))
    given = as_name(answer, "`answer`")
    if isinstance(given, Feedback):
        return given
    name = known_name(None, "adagrad", schedules.InverseSqrtDecay(), form="lecture")
    target = name_key(name.split(" (")[0])                       # "adagrad", torch's
    if given == target and "lecture" not in given.full:
        return right(tr("Yes: (η/√(t+1)) / √(Σ g²/(t+1)) = η/√(Σ g²): the decay turns the lecture's mean "
                        "into torch's sum. known_name: {name!r}.").format(name=name))
    if "lecture" in given.full and "adagrad" in given.full:
        return wrong(tr("The lecture's Adagrad has a constant η. Here ηᵗ = η/√(t+1) as well: multiply it "
                        "out with σ = √(Σ g²/(t+1)) and see which optimizer divides by √(Σ g²)."))
    if "rmsprop" in given or "adam" in given:
        return wrong(tr("That optimizer forgets old gradients (an exponential average). This σ averages "
                        "all past g² with equal weights; which optimizer does that?"))
    if given.startswith("sgd") or given in ("gd", "gradientdescent"):
        return wrong(tr("SGD has σ = 1; here σ is the root mean square of all past gradients."))
    if name_key(NO_NAME) in given or given in ("none", "noname", "nothing"):
        return wrong(tr("There is one: write ηᵗ/σᵗ = (η/√(t+1)) / √(Σ g²/(t+1)) and simplify."))
    if target in given:
        return wrong(tr("{answer} describes it, but torch's optimizer has the decay built in: "
                        "answer with its torch.optim name alone.").format(answer=shown(answer)))
    return wrong(tr("{answer} is not it. Write ηᵗ/σᵗ = (η/√(t+1)) / √(Σₖ (gᵏ)²/(t+1)) and simplify.").format(
        answer=shown(answer)))
