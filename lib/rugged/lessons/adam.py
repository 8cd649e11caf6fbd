r"""05 Adam = RMSProp + momentum: experiments, figures, the Adam panel, exercises.

Adam (Kingma & Ba 2015, Algorithm 1) in the lecture's count, t = 0, 1, 2, … (the paper and
torch number the same step k = t + 1):

    m^t = β1 m^{t−1} + (1 − β1) g^t,  m^{−1} = 0      (momentum: keeps the direction)
    v^t = β2 v^{t−1} + (1 − β2) (g^t)²,  v^{−1} = 0   (RMSProp: keeps the magnitude)
    m̂^t = m^t / (1 − β1^{t+1}),  σ̂^t = sqrt(v^t / (1 − β2^{t+1})) + ε
    θ^{t+1} = θ^t − (η / σ̂^t) m̂^t

`optim.Adam` is the one rule of `optim.Optimizer` with the ingredients `optim.EMA(β1)` (m) and
`optim.RootEMA(β2)` (σ = sqrt(v) + ε), both bias-corrected; the notebook puts them together
itself, with each correction on or off, and holds the lesson's formulas in its teaching cells
(`moments`, `correction_steps`, `pure_memory`), which it passes to this module's figures and
tables.
"""

import math
import re

import numpy as np

from .. import i18n, optim, parity, plots, style, surfaces, tuning, widgets
from ..exercises import (TIMES, Feedback, as_number, as_pair, check, choose, close, reads, right,
                         rounding_of, shown, wrong)
from ..i18n import display_width, pad, tr
from ..parity import cases
from ..runner import descend, relative_error

__all__ = [
    "TORCH_SQUARE", "on_square", "first_steps",
    "step_ratio", "bias_figure", "first_steps_figure", "peak_losses",
    "defaults_table", "scale_check",
    "torch_version", "replay", "relative_error", "parity_rows", "parity_summary",
    "live_torch_parity", "error_bucket",
    "RACERS", "race", "saddle_race", "valley_race", "race_paths", "escape_step", "race_figure",
    "escape_table", "late_statistics", "late_steps", "largest_step", "adam_panel",
    "check_first_moment", "check_first_step", "check_memory",
    "by_hand_table", "ingredients_difference", "raw_first_step", "uncorrected_step", "only_m_step",
    "run_label", "largest_step_line",
]

#: torch 2.13's Adam(lr=0.1) on f(θ) = θ², θ^0 = 1, float64 (COURSE.md's sanity values).
TORCH_SQUARE = (0.9000000005, 0.8004122287, 0.7015862729)


# ---------------------------------------------------------------------------------------
# Adam from its ingredients, with the bias corrections switchable.

def _adam(lr, betas=(0.9, 0.999), eps=1e-8, correct=(True, True)):
    """Adam from its ingredients, `correct` = (correct m, correct v): (True, True) is `optim.Adam`."""
    (beta1, beta2), (correct_m, correct_v) = betas, correct
    return optim.Optimizer(lr, momentum=optim.EMA(beta1, bias_correction=correct_m),
                           sigma=optim.RootEMA(beta2, eps=eps, bias_correction=correct_v))


VARIANTS = {   # label → (correct_m, correct_v)
    "Adam (m and v corrected)": (True, True),
    "no bias correction": (False, False),
    "only m corrected": (True, False),
    "only v corrected": (False, True),
}
VARIANT_COLORS = {
    "Adam (m and v corrected)": style.FAMILY_COLORS["Adam"],
    "no bias correction": style.OKABE_ITO["vermillion"],
    "only m corrected": style.OKABE_ITO["black"],
    "only v corrected": style.OKABE_ITO["green"],
}


def variant_label(label):
    """A key of VARIANTS as shown to the learner."""
    return {"Adam (m and v corrected)": tr("Adam (m and v corrected)"), "no bias correction": tr("no bias correction"),
            "only m corrected": tr("only m corrected"), "only v corrected": tr("only v corrected")}.get(label, label)


def _center(text, width, fill):
    """str.center for text that may hold Chinese (display columns)."""
    if display_width(text) == len(text):
        return text.center(width, fill)
    room = max(0, width - display_width(text))
    return fill * (room // 2) + text + fill * (room - room // 2)


def on_square(optimizer, steps=3, theta0=1.0):
    """θ^1 … θ^steps of `optimizer` on f(θ) = θ² (gradient 2θ) from θ^0 = theta0."""
    optimizer.reset()
    theta, out = np.array([float(theta0)]), []
    for _ in range(steps):
        theta = optimizer.step(theta, 2 * theta)
        out.append(float(theta[0]))
    return np.array(out)


def by_hand_table(by_hand, library, torch=TORCH_SQUARE):
    """Print θ^{t+1} computed by hand beside the library's Adam and torch's recorded values (the
    first steps on f(θ) = θ²), then the largest difference between the hand's and the library's."""
    print(tr(" t   θᵗ⁺¹: by hand      optim.Adam     torch.optim.Adam 2.13"))
    for t, (a, b, c) in enumerate(zip(by_hand, library, torch)):
        print(f"{t:2d}      {a:.10f}    {b:.10f}   {c:.10f}")
    print(tr("largest |by hand − optim.Adam|: {error}").format(
        error=error_bucket(np.max(np.abs(np.asarray(by_hand, dtype=float) - library)))))


def ingredients_difference(error):
    """The line giving the largest difference between Adam built from its ingredients and optim.Adam."""
    return tr("largest |Adam from its ingredients − optim.Adam|: {error}").format(error=error_bucket(error))


def raw_first_step(step):
    """What the ingredients' Adam used at its first step (`optimizer.last`): raw m, lr = η/(1 − β1), σ."""
    return tr("m = {m:.4f} (raw),  lr = η/(1 − β1) = {lr:.4f},  σ = {sigma:.8f}").format(
        m=step.m[0], lr=step.lr, sigma=step.sigma[0])


def uncorrected_step(beta2, ratio):
    """For a constant gradient, the step over η of Adam without bias correction (`ratio`, one value
    per step): at t = 0 and at its largest."""
    return tr("β2 = {beta2}: without correction the step is {first:.3g} η at t = 0, "
              "at most {most:.3g} η (t = {t})").format(beta2=beta2, first=ratio[0], most=ratio.max(),
                                                       t=ratio.argmax())


def only_m_step(ratio, beta2=0.999):
    """For a constant gradient, the first step over η when only m is bias-corrected (`ratio`)."""
    return tr("correcting only m (β2 = {beta2}): {first:.3g} η at t = 0").format(beta2=beta2, first=ratio[0])


def run_label(label):
    """A run's label as the notebook writes it ("Adam (bias-corrected), β2 = 0.999",
    "no bias correction, β2 = 0.9999") in the student's language; other labels as they are."""
    if (match := re.fullmatch(r"Adam \(bias-corrected\), β2 = (\S+)", label)):
        return tr("Adam (bias-corrected), β2 = {beta2}").format(beta2=match[1])
    if (match := re.fullmatch(r"no bias correction, β2 = (\S+)", label)):
        return tr("no bias correction, β2 = {beta2}").format(beta2=match[1])
    return label


def first_steps(eta=0.1, steps=5, theta0=1.0):
    """Print Adam's first steps on f(θ) = θ² with and without bias correction, and what m and σ were
    (row t is the lecture's step t, from 0: torch's step t + 1)."""
    rows = {}
    for label, correct in (("corrected", (True, True)), ("uncorrected", (False, False))):
        opt = _adam(eta, correct=correct)
        theta, rows[label] = np.array([float(theta0)]), []
        for t in range(steps):
            g = 2 * theta
            new = opt.step(theta, g)
            used = opt.last        # the m, σ and ηᵗ of this step: with a corrected m, ηᵗ = η/(1 − β1ᵗ⁺¹)
            m = used.m[0] * used.lr / eta                # the m the step moves by: m̂ when corrected
            rows[label].append((t, g[0], m, used.sigma[0], (theta - new)[0] / eta, new[0]))
            theta = new
    widths = (7, 7, 9, 6, 7)       # g, m, σ, step/η, θ: the columns of each half, two spaces apart
    span = sum(widths) + 2 * (len(widths) - 1)
    print("    " + _center(" " + tr("with bias correction (Adam)") + " ", span, "-")
          + "  " + _center(" " + tr("without bias correction") + " ", span, "-"))
    heads = ("gᵗ", "m_hat", "sigma_hat", "step/η", "θᵗ⁺¹", "gᵗ", "m", "sigma", "step/η", "θᵗ⁺¹")
    print(" t  " + "  ".join(head.rjust(width) for head, width in zip(heads, widths * 2)))
    for a, b in zip(rows["corrected"], rows["uncorrected"]):
        print(f"{a[0]:2d}  {a[1]:7.4f}  {a[2]:7.4f}  {a[3]:9.5f}  {a[4]:6.3f}  {a[5]:7.4f}  "
              f"{b[1]:7.4f}  {b[2]:7.4f}  {b[3]:9.5f}  {b[4]:6.3f}  {b[5]:7.4f}")


def step_ratio(steps, betas=(0.9, 0.999), eps=1e-8, g=1.0):
    """Step size / η of each bias-correction variant under a constant gradient g (η = 1 on the slope
    L(θ) = g·θ): label → array (t = 0 … steps − 1)."""
    slope = surfaces.Slope(g)
    return {label: np.abs(np.diff(descend(slope, _adam(1.0, betas, eps, correct), slope.start, steps).params[:, 0]))
            for label, correct in VARIANTS.items()}


def bias_figure(moments, steps=3000, seed=0, betas=(0.9, 0.999), noise=0.3):
    """m and σ raw and corrected on noisy gradients g^t = 1 + noise·ξ, and the step/η of each variant.

    moments(grads, betas): dict of arrays m, m_hat, rms (sqrt v) and sigma_hat over the gradients
    (the notebook's teaching function).
    """
    rng = np.random.default_rng(seed)
    grads = 1 + noise * rng.standard_normal(steps)
    mo = moments(grads, betas)
    t = np.arange(1, steps + 1)          # t + 1, for the log axes
    fig, axes = plots.new_figure(1, 3, figsize=(12, 3.0) if style.is_lecture() else (9.5, 3.6))   # flatter on a slide
    blue, red = style.FAMILY_COLORS["Adam"], style.OKABE_ITO["vermillion"]
    axes[0].plot(t, grads, ".", color="0.7", ms=2, label=tr(r"$g^t$ (noisy, mean 1)"))
    axes[0].plot(t, mo["m"], color=red, label=tr(r"$m^t$ (raw, starts at 0)"))
    axes[0].plot(t, mo["m_hat"], color=blue, label=r"$\hat m^t = m^t/(1-\beta_1^{t+1})$")
    axes[0].axhline(1.0, color="black", ls=":", lw=1.2, label=tr("true mean 1"))
    axes[0].set_title(tr(r"momentum $m$, $\beta_1$ = {beta1:g}").format(beta1=betas[0]), fontsize="medium")
    rms = math.sqrt(1 + noise ** 2)
    axes[1].plot(t, mo["rms"], color=red, label=tr(r"$\sqrt{v^t}$ (raw, starts at 0)"))
    axes[1].plot(t, mo["sigma_hat"], color=blue, label=r"$\hat\sigma^t = \sqrt{v^t/(1-\beta_2^{t+1})}$")
    axes[1].axhline(rms, color="black", ls=":", lw=1.2, label=tr("true RMS {rms:.3f}").format(rms=rms))
    axes[1].set_title(tr(r"root mean square $\sigma$, $\beta_2$ = {beta2:g}").format(beta2=betas[1]),
                      fontsize="medium")
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_xlabel(tr("step t + 1"))
        ax.set_ylim(-0.05, 2.75)
        # on a white ground: the noisy gradients' dots pass under the legend
        ax.legend(fontsize="small", loc="upper right", frameon=True, facecolor="white", edgecolor="none",
                  framealpha=0.9)
    styles = {"only m corrected": "-.", "only v corrected": "--"}
    for label, r in step_ratio(steps, betas).items():
        axes[2].plot(t, r, styles.get(label, "-"), color=VARIANT_COLORS[label], label=variant_label(label))
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel(tr("step t + 1"))
    axes[2].set_ylabel(tr(r"step size / $\eta$"))
    axes[2].set_title(tr("step size, constant gradient"), fontsize="medium")
    axes[2].set_ylim(3e-3 if style.is_lecture() else 1e-2, 60)    # room for the legend under the lines
    axes[2].legend(fontsize="small", loc="lower right")
    plots.no_minor_ticks(*axes)
    return fig


def first_steps_figure(paths, surface=None, eta=0.1):
    """Adam's paths with and without bias correction (label → Path: Adam, then without correction
    with β2 = 0.999 and with a larger β2) on the contours, and their loss per step."""
    surface = surface or surfaces.rosenbrock()
    fig, axes = plots.new_figure(1, 2, figsize=(9.5, 3.5) if style.is_lecture() else (9.5, 4),   # flatter on a slide
                                 gridspec_kw=dict(width_ratios=[1.1, 1]))
    plots.surface_axes(surface, axes[0], window=((-2.5, 2.5), (-0.6, 3.3)))
    colors = [VARIANT_COLORS["Adam (m and v corrected)"], VARIANT_COLORS["no bias correction"],
              style.OKABE_ITO["purple"]]
    handles = []
    for (label, path), color, ls in zip(paths.items(), colors, ("-", "-", "--")):
        handles += axes[0].plot(*path.params.T, ls, marker="o", color=color, ms=2.5, lw=1.2, label=run_label(label))
        axes[1].plot(np.arange(len(path.loss)), path.loss, ls, color=color, label=run_label(label))
    axes[0].set_title(tr("first {steps} steps, η = {eta:g}").format(steps=len(path.loss) - 1, eta=eta))
    start = axes[1].axhline(paths[next(iter(paths))].loss[0], color="0.5", lw=1, ls=":",
                            label=tr("loss at the start"))
    # the paths and the loss curves fill both axes: one legend for both, under them
    fig.legend(handles=[*handles, start], loc="outside lower center", ncol=2, fontsize="small")
    axes[1].set_yscale("log")
    axes[1].set_xlabel(tr("step t"))
    axes[1].set_ylabel(tr(r"loss $L(\theta^t)$"))
    axes[1].set_title(surface.title)
    plots.no_minor_ticks(*axes)
    return fig


def peak_losses(paths):
    """Print each run's loss at the start, its highest loss and the step where it was reached."""
    print(f"{'':34s} {pad(tr('L at start'), 10, '>')} {pad(tr('highest L'), 10, '>')} "
          f"{pad(tr('at step'), 8, '>')} {pad(tr('L at the end'), 13, '>')}")
    for label, path in paths.items():
        print(f"{pad(run_label(label), 34)} {path.loss[0]:10.4g} {path.loss.max():10.4g} {int(path.loss.argmax()):8d} "
              f"{path.loss[-1]:13.4g}")


def defaults_table(correction_steps, betas=(0.9, 0.999), eps=1e-8):
    """Print what each default does, with the numbers computed here.

    correction_steps(beta): for how many steps the bias correction of an average with this β
    matters (the notebook's teaching function).
    """
    beta1, beta2 = betas
    first = step_ratio(1, betas, eps)["Adam (m and v corrected)"][0]
    sigma_1pct = eps * 99      # ε/(σ + ε) = 1 % at σ = 99ε
    print(f"{pad(tr('setting'), 8)} {pad(tr('default'), 8, '>')}   {tr('what it does, computed')}")
    print(f"{'η':8s} {1e-3:>8g}   "
          + tr("first step of every parameter = {first:.4f}·η, whatever g⁰ is").format(first=first))
    print(f"{'β₁':8s} {beta1:>8g}   "
          + tr("m averages ≈ 1/(1 − β₁) = {n:.0f} gradients; m_hat needs correcting for {steps} steps").format(
              n=1 / (1 - beta1), steps=correction_steps(beta1)))
    print(f"{'β₂':8s} {beta2:>8g}   "
          + tr("v averages ≈ 1/(1 − β₂) = {n:.0f} squared gradients; v_hat needs correcting for {steps} steps")
          .format(n=1 / (1 - beta2), steps=correction_steps(beta2)))
    print(f"{'ε':8s} {eps:>8g}   "
          + tr("shrinks a step by 1% only where sigma_hat ≈ {sigma:.0e}; keeps η/sigma_hat finite when g = 0")
          .format(sigma=sigma_1pct))


def scale_check(paths, c=1000):
    """Print how far each optimizer's path on c·L ends up from its path on L.

    paths: dict name → (path on L, path on c·L).
    """
    for name, (a, b) in paths.items():
        if b.diverged_at is not None:
            print(f"{pad(name, 26)} " + tr("on {c:g}·L: diverged at step {step}").format(c=c, step=b.diverged_at))
            continue
        gap = float(np.max(np.abs(a.params - b.params)))
        print(f"{pad(name, 26)} " + tr("largest |θ on L − θ on {c:g}·L| over {steps} steps: {gap:.0e}").format(
            c=c, steps=a.steps, gap=gap))


# ---------------------------------------------------------------------------------------
# Parity with torch.optim.Adam, on the values recorded with torch (rugged.parity).

PARITY_CASE = ("Adam", dict(lr=0.05))
PARITY_PROBLEM = "rosenbrock"


def _rugged_stepper(name, kwargs):
    def make_step(start):
        optimizer = getattr(optim, name)(**kwargs)
        params = [np.asarray(start, dtype=float)]

        def step(grad):
            params[0] = optimizer.step(params[0], grad)
            return params[0]
        return step
    return make_step


def _case_key(name, kwargs, problem):
    return f"{cases.case_id(name, kwargs)} on {problem}"


def replay(name, kwargs, problem):
    """(rugged trajectory, recorded torch trajectory) for one case of rugged.parity.cases."""
    reference = parity.golden_optim()[_case_key(name, kwargs, problem)]
    return cases.run(_rugged_stepper(name, kwargs), problem), reference


def error_bucket(error):
    """A difference as text that does not flicker between machines: '0', '< 1e-15', '< 1e-12' or '2e-09'."""
    if error == 0:
        return "0"
    for bound in (1e-15, 1e-12):
        if error < bound:
            return f"< {bound:.0e}"
    return f"{error:.0e}"


def torch_version():
    """The torch version the recorded values come from."""
    return parity.golden_optim()["torch_version"]


def parity_rows(steps=5, case=PARITY_CASE, problem=PARITY_PROBLEM):
    """Print θ^t from rugged and from torch (recorded) for the first steps of one 2-D case."""
    name, kwargs = case
    path, reference = replay(name, kwargs, problem)
    print(tr("{case} on {problem}, recorded with torch {version}: θᵗ = (x, y)").format(
        case=cases.case_id(name, kwargs), problem=surfaces.short_name(problem), version=torch_version()))
    print(f"{'t':>2s}  {'rugged.optim.Adam':>30s}  {'torch.optim.Adam':>30s}  {tr('|difference|')}")
    for t in range(steps + 1):
        a, b = path[t], reference[t]
        print(f"{t:2d}  ({a[0]:13.10f}, {a[1]:13.10f})  ({b[0]:13.10f}, {b[1]:13.10f})  "
              f"{error_bucket(float(np.max(np.abs(a - b)))):>8s}")


def _adam_cases():
    return [(name, kwargs, problem) for name, kwargs in cases.CASES if name in ("Adam", "AdamW")
            for problem in cases.PROBLEMS]


def parity_summary():
    """Largest relative error of rugged's Adam/AdamW against every recorded torch run; returns it."""
    errors = [relative_error(*replay(name, kwargs, problem)) for name, kwargs, problem in _adam_cases()]
    worst = max(errors)
    print(tr("{runs} recorded runs (Adam and AdamW, {settings} settings × {problems} problems, {steps} steps "
             "each): largest relative error {error}").format(
        runs=len(errors), settings=len(errors) // len(cases.PROBLEMS), problems=len(cases.PROBLEMS),
        steps=cases.STEPS, error=error_bucket(worst)))
    return worst


def live_torch_parity():
    """Run every Adam/AdamW case live with torch (needs torch) and return the largest relative error."""
    from ..parity import replay as torch_replay   # ModuleNotFoundError when torch is not installed
    torch_replay.torch.set_default_dtype(torch_replay.torch.float64)
    errors = []
    for name, kwargs, problem in _adam_cases():
        reference = cases.run(torch_replay.torch_stepper(name, kwargs), problem)
        errors.append(relative_error(cases.run(_rugged_stepper(name, kwargs), problem), reference))
    return max(errors)


# ---------------------------------------------------------------------------------------
# The race: SGD, momentum, RMSProp and Adam on a saddle and on a curved valley, each at its
# own best η (rugged.tuning's fair race, the one notebook 09 runs with seven optimizers).

RACERS = {   # name → make(lr); "Momentum" is torch's SGD with μ = 0.9
    "SGD": optim.SGD,
    "Momentum": lambda lr: optim.SGD(lr, momentum=0.9),
    "RMSprop": optim.RMSprop,
    "Adam": optim.Adam,
}


def race(surface):
    """The four racers tuned on `surface` with the course's race settings: name → `tuning.Tuned`."""
    return tuning.surface_race(surface, RACERS)


def saddle_race():
    """The race on the saddle (start (1, 10⁻³) and 4 starts near it): name → Tuned."""
    return race(surfaces.saddle())


def valley_race():
    """The race on Rosenbrock's valley (start (−1.5, 2) and 4 starts near it): name → Tuned."""
    return race(surfaces.rosenbrock())


def race_paths(results):
    """Each racer's run at its best η: 'name (η = …)' → batch Path over the race's starts."""
    return {t.label: t.path for t in results.values()}


def escape_step(path, y=0.5):
    """First t with |θ_y^t| > y (the path has left the saddle), None if never (start 0 of a batch)."""
    first = path.first(np.abs(path.params[..., 1]) > y)
    return first[0] if isinstance(first, tuple) else first


ESCAPE_SHOWN = 80   # steps shown by the escape curves of the saddle race


def race_figure(surface, results, *, escape=False):
    """plots.race for the racers at their best η: paths from the surface's start, a curve per
    step (L − L*, or |θ_y| with the line |θ_y| = 0.5 when `escape`) and the sensitivity to η."""
    curve = label = None
    if escape:
        def curve(path):
            return np.abs(plots._first_start(path)[0][:, 1])
        label = r"$|\theta_y^t|$"
    fig = plots.race(surface, race_paths(results), sensitivity=results, curve=curve, curve_label=label)
    if escape:
        ax = fig.axes[1]
        ax.set_xlim(-2, ESCAPE_SHOWN)
        ax.set_title(tr("the first {steps} steps, from the start ●").format(steps=ESCAPE_SHOWN), fontsize="medium")
        ax.axhline(0.5, color="0.4", ls=":", lw=1.2)
        ax.text(0.98, 0.45, tr(r"left the saddle: $|\theta_y| > 0.5$"), color="0.3", ha="right", va="top",
                transform=ax.get_yaxis_transform(), fontsize="small")
    return fig


def escape_table(results, y0s=(1e-2, 1e-4, 1e-6, 1e-8), steps=400, y=0.5):
    """Print the steps each racer, at its best η from `results`, needs to reach |θ_y| > y from
    (1, θ_y^0); returns {name: [steps]}."""
    surface = surfaces.saddle()
    table = {name: [escape_step(descend(surface, RACERS[name](t.best_eta), (1.0, y0), steps), y)
                    for y0 in y0s] for name, t in results.items()}
    print(tr("steps until |y| > {y:g} from (x, y) = (1, y⁰), each racer at its best η").format(y=y))
    print(f"{'y⁰':>9s}" + "".join(pad(style.racer_name(f"{name} ({t.best_eta:.3g})"), 18, ">")
                                  for name, t in results.items()))
    for i, y0 in enumerate(y0s):
        cells = [tr("never") if row[i] is None else str(row[i]) for row in table.values()]
        print(f"{y0:9.0e}" + "".join(pad(c, 18, ">") for c in cells))
    return table


def late_statistics(path, first=1000):
    """Steps `first` … end of one run: per coordinate, the share of steps whose gradient has the
    other sign than the one before, the median |g^t|, σ^t and |Δθ^t|/η, and σ at the end over σ
    at `first`. Returns a dict of arrays (x, y)."""
    g, sigma = path.grad[first:-1], path.sigma[first:]
    step = np.abs(np.diff(path.params, axis=0))[first:] / path.lr[first:, None]
    return dict(flips=np.mean(np.sign(g[1:]) != np.sign(g[:-1]), axis=0),
                grad=np.median(np.abs(g), axis=0), sigma=np.median(sigma, axis=0),
                step=np.median(step, axis=0), memory=sigma[-1] / sigma[0])


def late_steps(results, pure_memory, first=1000, names=("RMSprop", "Adam")):
    """Print, for RMSprop and Adam at their best η from the surface's start, what their steps
    look like from step `first` on (see `late_statistics`); returns name → statistics.

    pure_memory(first, last): σ̂^last/σ̂^first for Adam if no gradient after `first` counted (the
    notebook's teaching function), printed beside what Adam's σ did.
    """
    surface = surfaces.rosenbrock()
    out = {}
    budget = next(iter(results.values())).budget
    lines = [tr("steps t = {first} … {last} from {start}, per coordinate x and y:").format(
                 first=first, last=budget - 1, start=surface.start),
             f"{'':22s}{'L − L*':>11s}{pad(tr('share of steps'), 16, '>')}{pad(tr('median |gᵗ|'), 21, '>')}"
             f"{pad(tr('median σᵗ'), 17, '>')}{pad(tr('median |Δθᵗ|/η'), 21, '>')}",
             f"{'':22s}{pad(tr('at the end'), 11, '>')}{pad(tr('g flips sign'), 16, '>')}" + f"{'x':>11s}{'y':>10s}"
             + f"{'x':>9s}{'y':>8s}" + f"{'x':>11s}{'y':>10s}"]
    for name in names:
        t = results[name]
        path = descend(surface, RACERS[name](t.best_eta), surface.start, t.budget)
        stats = out[name] = late_statistics(path, first)
        gap = max(float(path.loss[-1] - surface.min_loss), 0.0)
        (fx, fy), (gx, gy), (sx, sy), (dx, dy) = (stats[k] for k in ("flips", "grad", "sigma", "step"))
        lines.append(f"{pad(style.racer_name(t.label), 22)}{gap:11.1e}{fx:9.2f}{fy:7.2f}{gx:11.2e}{gy:10.2e}{sx:9.3g}{sy:8.3g}"
                     f"{dx:11.2e}{dy:10.2e}")
    if "Adam" in out:
        memory = out["Adam"]["memory"]
        lines.append(tr("Adam's σ at t = {last} over σ at t = {first}: {x:.3f} (x), {y:.3f} (y); "
                        "if no gradient after t = {first} counted at all: {pure:.3f}").format(
                            last=budget - 1, first=first, x=memory[0], y=memory[1], pure=pure_memory(first, budget - 1)))
    print("\n".join(lines))
    return out


def largest_step(paths):
    """Largest |Δθ_i| / η over every step of the Adam paths among `paths` (label → Path)."""
    worst = 0.0
    for label, path in paths.items():
        if label.startswith("Adam"):
            worst = max(worst, float(np.nanmax(np.abs(np.diff(path.params, axis=0))
                                               / path.lr.reshape((-1,) + (1,) * (path.params.ndim - 1)))))
    return worst


def largest_step_line(step):
    """The line giving Adam's largest step in a race (`largest_step`'s value), in η per parameter."""
    return tr("Adam's largest step in this race: {step:.2f} η per parameter").format(step=step)


# ---------------------------------------------------------------------------------------
# The panel: η, β1, β2, ε and the surface → Adam's path and its loss.

PANEL_SURFACES = {   # name → steps
    "saddle": 150, "rosenbrock": 800, "zigzag": 300, "ravine": 400, "plateau_cliff": 400,
    "rugged": 300,
}
PANEL_DEFAULTS = dict(beta1=0.9, beta2=0.999, eps=1e-8)


def _surface_options():
    """The panel's surface drop-down: (shown, name) per surface of PANEL_SURFACES; in English the
    surface's name ("rosenbrock"), otherwise its translated title, as 09's composer shows it."""
    if i18n.language() == i18n.DEFAULT:
        return list(PANEL_SURFACES)
    every = surfaces.all_surfaces()
    return [(every[name].title, name) for name in PANEL_SURFACES]


@widgets.register("05 adam")
def adam_panel(eta=0.05, beta1=0.9, beta2=0.999, eps=1e-8, surface="saddle", noise=0.0, seed=0):
    """Panel: Adam's η, β1, β2, ε and a surface → the path on the contours and L − L* per step.

    A dashed path shows Adam with the default β1, β2, ε at the same η (and the same noise), for
    comparison. noise, seed: the gradient noise of 04's panel (`widgets.noise_controls`): s as a
    share of the surface's ‖∇L(θ⁰)‖ (0: the exact gradient) and the seed of its draw,
    `descend(noise=s, seed=seed)`; the seed is disabled at noise 0. With noise the status line
    gives where the run hovers at its end (the median L − L* over its last quarter,
    `widgets.hovering_end`).
    Only the paths, the curves and the title are redrawn on a slider move. Each surface is a
    scene with its own kept background: its contours are drawn when the panel is built, and
    its background is drawn in advance while the kernel is idle (or on the first visit). The β2 slider stops at values evenly
    spaced in log(1 − β2), from 0.5 to 0.9999. A value outside a control's range is a ValueError.
    """
    controls = dict(
        eta=widgets.log_slider("η", eta, -4, 0),
        beta1=widgets.slider("β₁", beta1, 0.0, 0.99, 0.01),
        beta2=widgets.StopSlider("β₂", beta2, widgets.forgetting_stops(0.5, 0.9999)),
        eps=widgets.log_slider("ε", eps, -12, 0, 0.5, ".0e"),
        surface=widgets.choice(tr("surface"), _surface_options(), surface),
        **widgets.noise_controls(noise, seed),
    )
    all_surfaces = {name: s for name, s in surfaces.all_surfaces().items() if name in PANEL_SURFACES}
    # on a slide the panel's controls and status line sit above the figure: a flatter figure leaves them room
    fig, axes = plots.new_figure(1, 2, figsize=(10, 2.4 if style.is_lecture() else 4), static=False,
                                 gridspec_kw=dict(width_ratios=[1.2, 1]))
    # The layout is made once, for the first surface shown (the saddle); keep room for the tick
    # labels of the others: half a last label at the loss axes' right edge (the "400" of a 400-step
    # surface) and wider labels left of the contours ("−0.75" where the saddle has "−1.5").
    fig.get_layout_engine().set(rect=(0.015, 0, 0.97, 1))
    left, right = axes
    blue = style.FAMILY_COLORS["Adam"]
    scenes = widgets.SurfaceScenes(left, all_surfaces, n=100)
    scenes.prepare()
    (ref_line,) = left.plot([], [], color="0.2", ls="--", lw=1.3, label=tr("Adam with default β₁, β₂, ε"))
    path_line, ends = widgets.path_artists(left, blue, lw=1.8, label=tr("your Adam"))
    (ref_curve,) = right.plot([], [], color="0.2", ls="--", lw=1.3, label=tr("default β₁, β₂, ε"))
    (loss_curve,) = right.plot([], [], color=blue, label=tr("your Adam"))
    # one legend for both axes, under them: a path or a curve may pass anywhere inside
    fig.legend(handles=[path_line, ref_line], loc="outside lower center", ncol=2, fontsize="small")
    right.set_yscale("log")
    right.set_xlabel(tr("step t"))
    right.set_ylabel(r"$L(\theta^t) - L^*$")
    plots.plain_log_ticks(right)
    floor = 1e-14
    reference = {}      # (surface, η) → Adam with the defaults, the last few kept

    def show_surface(name):
        """The static part of a surface's scene: contours, the loss axis' limits, titles."""
        surface = scenes.show(name)
        start_gap = float(surface.loss(surface.start) - surface.min_loss)
        top = 10 ** math.ceil(math.log10(start_gap) + 2)
        right.set_xlim(0, PANEL_SURFACES[name])
        right.set_ylim(floor, top)
        right.set_title(surface.title, fontsize="medium")
        return surface

    def run(surface, opt, steps, noise):
        path = descend(surface, opt, surface.start, steps, noise=noise[0], seed=noise[1])
        gap = np.clip(path.loss - surface.min_loss, floor, None)
        return path, gap

    def draw(eta, beta1, beta2, eps, surface, noise, seed):
        s, steps = show_surface(surface), PANEL_SURFACES[surface]
        widgets.show_noise(controls, noise)
        noisy = widgets.noise_setting(s, noise, seed)
        key = (surface, float(eta), noisy)
        if key not in reference:
            reference[key] = run(s, optim.Adam(lr=eta), steps, noisy)
            if len(reference) > 16:
                del reference[next(iter(reference))]
        ref, ref_gap = reference[key]
        if dict(beta1=beta1, beta2=beta2, eps=eps) == PANEL_DEFAULTS:
            path, gap = ref, ref_gap
        else:
            path, gap = run(s, optim.Adam(lr=eta, betas=(beta1, beta2), eps=eps), steps, noisy)
        widgets.set_path(ref_line, ref)
        widgets.set_curve(ref_curve, ref_gap)
        widgets.set_path(path_line, path, ends)
        widgets.set_curve(loss_curve, gap)
        left.set_title(f"η = {eta:.1e}, β₁ = {beta1:.2f}, β₂ = {beta2:.6g}, ε = {eps:.0e}"
                       + (tr(", noise {percent:.3g}%").format(percent=100 * noise) if noise else ""),
                       fontsize="medium")
        prefix = "" if noisy[0] is None else widgets.noise_text(noise, *noisy) + tr(": ")
        message = widgets.diverged_message(path, "Adam")
        if message:
            return prefix + message
        end = path.params[-1]
        text = tr("after {steps} steps: θ = ({x:.3g}, {y:.3g}), L − L* = {gap:.2e}").format(
            steps=path.steps, x=end[0], y=end[1], gap=gap[-1])
        if prefix:
            tail, level = widgets.hovering_end(path, s)
            text = prefix + tr("after {steps} steps hovers at L − L* ≈ {level:.2e} (median of the last {tail})").format(
                steps=path.steps, level=level, tail=tail)
        if surface == "saddle":
            escaped, ref_escaped = escape_step(path), escape_step(ref)
            text += (tr("; left the saddle (|θ_{{y}}| > 0.5) at step {step}").format(step=escaped)
                     if escaped is not None else tr("; still on the saddle (|θ_{{y}}| ≤ 0.5)").format())
            if ref_escaped is not None:
                text += tr(" (defaults: {step})").format(step=ref_escaped)
        leaves = path.leaves(s.window)
        if leaves is not None:
            text += tr("; the path leaves the window at step {step}").format(step=leaves)
        return text

    animated = [ref_line, path_line, *ends, left.title, ref_curve, loss_curve]
    return widgets.Panel(controls, fig, draw, animated=animated, scene=lambda surface, **_: surface,
                         stage=show_surface, scenes=list(PANEL_SURFACES), title="Adam: η, β_{1}, β_{2}, ε")


# ---------------------------------------------------------------------------------------
# Exercises

FIRST_MOMENT_NAMES = (("m", "m0", "m⁰", "m_0", "m^0", "m1", "m_1"),   # keys of a dict answer
                      ("m_hat", "m̂", "m̂⁰", "m_hat0", "m_hat_0", "mhat", "m_hat1", "m_hat_1"))


@check
@reads(as_pair, "`answer = (m, m_hat)`", names=FIRST_MOMENT_NAMES)
def check_first_moment(pair, g=2.0, beta1=0.9):
    """(m^0, m̂^0) after the first step (t = 0, torch's step 1) for a first gradient g:
    m^0 = (1 − β1) g, m̂^0 = m^0/(1 − β1) = g, as the library's `optim.EMA` computes them."""
    m0, m0_hat = pair
    first = np.array([float(g)])
    m_true = float(optim.EMA(beta1).values(first)[0])
    hat_true = float(optim.EMA(beta1, bias_correction=True).values(first)[0])
    ok_m, ok_hat = close(m0, m_true, 1e-3), close(m0_hat, hat_true, 1e-3)
    if ok_m and ok_hat:
        return right(tr("Yes: m⁰ = (1 − β₁)·g = {m:g}, only a tenth of the gradient because "
                        "m⁻¹ = 0; dividing by 1 − β₁ᵗ⁺¹ = {factor:g} gives back m̂⁰ = {m_hat:g} = g.").format(
                            m=m_true, factor=1 - beta1, m_hat=hat_true))
    if close(m0, hat_true, 1e-3) and close(m0_hat, m_true, 1e-3):
        return wrong(tr("The two are swapped: m⁰ = {m:g} is the raw average and m̂⁰ = {m_hat:g} the "
                        "corrected one; write (m, m_hat).").format(m=m_true, m_hat=hat_true))
    if not ok_m:
        if close(m0, beta1 * g, 1e-3):
            return wrong(tr("m⁰ = {m} = β₁·g: the weights are swapped. The old value m⁻¹ = 0 gets "
                            "β₁ and the new gradient gets 1 − β₁ = {factor:g}.").format(m=shown(m0), factor=1 - beta1))
        if close(m0, g, 1e-3):
            return wrong(tr("m⁰ = {m} = g would be right for the corrected m̂⁰, not for the raw "
                            "average: m starts at 0, so m⁰ = β₁·0 + (1 − β₁)·g.").format(m=shown(m0)))
        if ok_hat:
            return wrong(tr("m⁰ = {m} is not right: use m⁰ = β₁·m⁻¹ + (1 − β₁)·g⁰ with m⁻¹ = 0.").format(m=shown(m0)))
        return wrong(tr("m⁰ = {m} is not right: use m⁰ = β₁·m⁻¹ + (1 − β₁)·g⁰ with m⁻¹ = 0. "
                        "(And m̂⁰ = {m_hat} is not right either.)").format(m=shown(m0), m_hat=shown(m0_hat)))
    if close(m0_hat, m_true, 1e-3):
        return wrong(tr("m⁰ is right, but m̂⁰ = {m_hat} is still the raw average: the bias "
                        "correction divides by 1 − β₁ᵗ⁺¹ = {factor:g} at t = 0 (torch's step 1).").format(
                            m_hat=shown(m0_hat), factor=1 - beta1))
    if close(m0_hat, m_true / (1 - beta1 ** 2), 1e-3):
        return wrong(tr("m⁰ is right, but m̂⁰ = {m_hat} divides by 1 − β₁²: the first step is t = 0 "
                        "(torch's step 1), so it divides by 1 − β₁ᵗ⁺¹ = 1 − β₁.").format(m_hat=shown(m0_hat)))
    return wrong(tr("m⁰ is right, but m̂⁰ = {m_hat} is not: m̂⁰ = m⁰ / (1 − β₁).").format(m_hat=shown(m0_hat)))


@check
def check_first_step(answer, g=5.0, betas=(0.9, 0.999)):
    """The size of Adam's first step, in units of η, for gradient g ≠ 0 and ε ≈ 0: 1."""
    value = as_number(answer, tr("`answer` (the first step's size divided by η)"), units=(TIMES,), eta=1.0)
    if isinstance(value, Feedback):
        return value
    ratios = {label: r[0] for label, r in step_ratio(1, betas, 0.0, g).items()}
    target = ratios["Adam (m and v corrected)"]
    if close(value, target, 1e-3):
        return right(tr("Yes: m̂⁰ = g and σ̂⁰ = |g|, so the first step is η·g/|g|: exactly η in "
                        "every parameter, whatever the size of g (here {g:g}).").format(g=g))
    if close(value, abs(g), 1e-3):
        return wrong(tr("{value} = |g| would be gradient descent's step. Adam divides m̂⁰ = g by "
                        "σ̂⁰ = |g|, so the size of g cancels.").format(value=shown(value)))
    if close(value, ratios["no bias correction"], 1e-3):
        return wrong(tr("{value} = (1 − β₁)/sqrt(1 − β₂) is the first step WITHOUT bias "
                        "correction (m⁰ = 0.1g, sqrt(v⁰) ≈ 0.0316|g|). Adam corrects both.").format(value=shown(value)))
    if close(value, ratios["only m corrected"], 1e-3):
        return wrong(tr("{value} = 1/sqrt(1 − β₂) comes from correcting m but not v. Adam "
                        "divides v by 1 − β₂ too.").format(value=shown(value)))
    if close(value, ratios["only v corrected"], 1e-3):
        return wrong(tr("{value} = 1 − β₁ comes from correcting v but not m. Adam divides m by "
                        "1 − β₁ too.").format(value=shown(value)))
    return wrong(rounding_of(value, target, 1e-3)
                 or tr("{value} is not right. Work out m̂⁰ and σ̂⁰ for g⁰ = {g:g} (both moments "
                       "start at 0 and are bias-corrected), then the step η·m̂⁰/σ̂⁰.").format(value=shown(value), g=g))


_NAMES = {   # each default of Adam, and how a learner may write it (compared by exercises.name_key)
    "beta2": ("β₂", "β2", "b2", "beta 2", "beta two", "second beta", "betas[1]", "0.999"),
    "beta1": ("β₁", "β1", "b1", "beta 1", "beta one", "first beta", "betas[0]", "0.9"),
    "eta": ("η", "lr", "learning rate", "step size", "stepsize", "0.001"),
    "eps": ("ε", "epsilon", "1e-8"),
    "alpha": ("α",),
}


@check
def check_memory(answer):
    """Which default sets how long Adam remembers squared gradients: β2."""
    key = choose(answer, "`answer`", tr('to one of "eta", "beta1", "beta2", "eps"'), _NAMES,
                 tr('{answer} is not one of the defaults: answer "eta", "beta1", "beta2" or "eps".').format(
                     answer="{}"))
    if isinstance(key, Feedback):
        return key
    if key == "beta2":
        return right(tr("Yes: β₂ = 0.999 weighs the old v against the new g², so v (and σ̂) average "
                        "about 1/(1 − β₂) = 1000 squared gradients."))
    if key == "beta1":
        return wrong(tr("β₁ sets the memory of the gradients themselves (the momentum m, about "
                        "1/(1 − β₁) = 10 steps), not of their squares."))
    if key == "eta":
        return wrong(tr("η scales every step; it averages nothing. Look at the line that updates v."))
    if key == "alpha":
        return wrong(tr('Adam has no α of its own (Algorithm 1 calls the step size η "α"). RMSProp\'s α, the '
                        'memory of g², has another name in Adam: which?'))
    return wrong(tr("ε only keeps the division η/σ̂ finite when σ̂ ≈ 0; it remembers nothing. "
                    "Look at the line that updates v."))
