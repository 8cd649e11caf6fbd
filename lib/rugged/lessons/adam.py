r"""04 Adam = RMSProp + momentum: experiments, figures, the Adam panel, exercises.

Adam (Kingma & Ba 2015, Algorithm 1), t counting steps from 1:

    m^t = β1 m^{t−1} + (1 − β1) g^t          (momentum: keeps the direction)
    v^t = β2 v^{t−1} + (1 − β2) (g^t)²       (RMSProp: keeps the magnitude)
    m̂^t = m^t / (1 − β1^t),  σ̂^t = sqrt(v^t / (1 − β2^t)) + ε
    θ^{t+1} = θ^t − (η / σ̂^t) m̂^t

`optim.Adam` builds it from `optim.EMA` (m) and `optim.SquareEMA` (v); `PartsAdam` below
does the same with the bias corrections switchable, to show what they are for.
"""

import importlib.util
import math
import pathlib
import sys

import numpy as np

from .. import optim, plots, style, surfaces, widgets
from ..exercises import Feedback, as_number, as_pair, close, right, unanswered, wrong
from ..runner import descend, relative_error

__all__ = [
    "DEFAULTS", "TORCH_SQUARE", "PartsAdam", "on_square", "first_steps", "moments",
    "step_ratio", "bias_figure", "first_steps_runs", "first_steps_figure", "peak_losses",
    "defaults_table", "Scaled", "scale_check",
    "golden_file", "replay", "relative_error", "parity_rows", "parity_summary",
    "live_torch_parity", "error_bucket",
    "race_optimizers", "saddle_race", "escape_step", "escape_table", "valley_grid",
    "valley_race", "race_figure", "late_steps", "largest_step", "adam_panel",
    "check_first_moment", "check_first_step", "check_memory",
]

#: Kingma & Ba's defaults, which are torch.optim.Adam's.
DEFAULTS = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

#: torch 2.13's Adam(lr=0.1) on f(θ) = θ², θ^0 = 1, float64 (COURSE.md's sanity values).
TORCH_SQUARE = (0.9000000005, 0.8004122287, 0.7015862729)


# ---------------------------------------------------------------------------------------
# Adam from its ingredients, with the bias corrections switchable.

class PartsAdam(optim.Optimizer):
    r"""Adam assembled from `optim.EMA` (m) and `optim.SquareEMA` (v).

    correct_m: divide m by 1 − β1^t (Adam does); correct_v: divide v by 1 − β2^t (Adam
    does). With both False this is "Adam without bias correction"; with both True it is
    Adam (equal to `optim.Adam` up to the last bits of float64, which does the same
    arithmetic in torch's order). After a step `m` is the m the step used (m̂ if
    corrected) and `sigma` is sqrt(v or v̂) + ε, so the step is −(η/σ)·m.
    """

    _arguments = ("lr", "betas", "eps", "correct_m", "correct_v")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, correct_m=True, correct_v=True):
        optim._check_eps(eps)
        optim._check_betas(betas)
        self.betas, self.eps = tuple(betas), eps
        self.correct_m, self.correct_v = bool(correct_m), bool(correct_v)
        super().__init__(lr)

    def init_state(self, shape):
        beta1, beta2 = self.betas
        self.first = optim.EMA(beta1, shape)
        self.second = optim.SquareEMA(beta2, shape)

    def rule(self, params, grad):
        beta1, beta2 = self.betas
        m = self.first.update(grad).copy()
        v = self.second.update(grad).copy()
        if self.correct_m:
            m /= 1 - beta1 ** self.t
        if self.correct_v:
            v /= 1 - beta2 ** self.t
        self.m, self.sigma = m, np.sqrt(v) + self.eps
        return params - self.lr * m / self.sigma


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


def on_square(optimizer, steps=3, theta0=1.0):
    """θ^1 … θ^steps of `optimizer` on f(θ) = θ² (gradient 2θ) from θ^0 = theta0."""
    optimizer.reset()
    theta, out = np.array([float(theta0)]), []
    for _ in range(steps):
        theta = optimizer.step(theta, 2 * theta)
        out.append(float(theta[0]))
    return np.array(out)


def first_steps(eta=0.1, steps=5, theta0=1.0):
    """Print Adam's first steps on f(θ) = θ² with and without bias correction, and what m and σ were."""
    rows = {}
    for label, (cm, cv) in (("corrected", (True, True)), ("uncorrected", (False, False))):
        opt = PartsAdam(lr=eta, correct_m=cm, correct_v=cv)
        theta, rows[label] = np.array([float(theta0)]), []
        for t in range(1, steps + 1):
            g = 2 * theta
            new = opt.step(theta, g)
            rows[label].append((t, g[0], opt.m[0], opt.sigma[0], (theta - new)[0] / eta, new[0]))
            theta = new
    print("        ----- with bias correction (Adam) -----     ------ without bias correction ------")
    print(" t      g^t      m̂^t       σ̂^t   step/η  new θ      g^t      m^t       σ^t   step/η   new θ")
    for a, b in zip(rows["corrected"], rows["uncorrected"]):
        print(f"{a[0]:2d}  {a[1]:7.4f}  {a[2]:7.4f}  {a[3]:8.5f}  {a[4]:5.3f}  {a[5]:6.4f}  "
              f" {b[1]:7.4f}  {b[2]:7.4f}  {b[3]:8.5f}  {b[4]:5.3f}  {b[5]:7.4f}")


def moments(grads, betas=(0.9, 0.999)):
    """Raw and bias-corrected moments over a sequence of gradients (t from 1).

    Returns a dict of arrays: m, m_hat, rms (sqrt v), sigma_hat (sqrt v̂), computed with
    `optim.EMA` and `optim.SquareEMA`.
    """
    beta1, beta2 = betas
    first, second = optim.EMA(beta1, 1), optim.SquareEMA(beta2, 1)
    out = {k: [] for k in ("m", "m_hat", "rms", "sigma_hat")}
    for t, g in enumerate(np.asarray(grads, dtype=float), start=1):
        m = float(first.update(np.array([g]))[0])
        v = float(second.update(np.array([g]))[0])
        out["m"].append(m)
        out["m_hat"].append(m / (1 - beta1 ** t))
        out["rms"].append(math.sqrt(v))
        out["sigma_hat"].append(math.sqrt(v / (1 - beta2 ** t)))
    return {k: np.array(v) for k, v in out.items()}


def step_ratio(steps, betas=(0.9, 0.999), eps=1e-8, g=1.0):
    """Step size / η of each bias-correction variant under a constant gradient g: label → array (t = 1 … steps)."""
    out = {}
    for label, (cm, cv) in VARIANTS.items():
        opt = PartsAdam(lr=1.0, betas=betas, eps=eps, correct_m=cm, correct_v=cv)
        theta, sizes = np.zeros(1), []
        for _ in range(steps):
            new = opt.step(theta, np.array([g]))
            sizes.append(abs(float(new[0] - theta[0])))
            theta = new
        out[label] = np.array(sizes)
    return out


def bias_figure(steps=3000, seed=0, betas=(0.9, 0.999), noise=0.3):
    """m and σ raw and corrected on noisy gradients g^t = 1 + noise·ξ, and the step/η of each variant."""
    rng = np.random.default_rng(seed)
    grads = 1 + noise * rng.standard_normal(steps)
    mo = moments(grads, betas)
    t = np.arange(1, steps + 1)
    fig, axes = plots.new_figure(1, 3, figsize=(13, 4))
    blue, red = style.FAMILY_COLORS["Adam"], style.OKABE_ITO["vermillion"]
    axes[0].plot(t, grads, ".", color="0.7", ms=2, label=r"$g^t$ (noisy, mean 1)")
    axes[0].plot(t, mo["m"], color=red, label=r"$m^t$ (raw, starts at 0)")
    axes[0].plot(t, mo["m_hat"], color=blue, label=r"$\hat m^t = m^t/(1-\beta_1^t)$")
    axes[0].axhline(1.0, color="black", ls=":", lw=1.2, label="true mean 1")
    axes[0].set_title(f"momentum m, β1 = {betas[0]:g}")
    rms = math.sqrt(1 + noise ** 2)
    axes[1].plot(t, mo["rms"], color=red, label=r"$\sqrt{v^t}$ (raw, starts at 0)")
    axes[1].plot(t, mo["sigma_hat"], color=blue, label=r"$\hat\sigma^t = \sqrt{v^t/(1-\beta_2^t)}$")
    axes[1].axhline(rms, color="black", ls=":", lw=1.2, label=f"true RMS {rms:.3f}")
    axes[1].set_title(f"root mean square σ, β2 = {betas[1]:g}")
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_xlabel("step t")
        ax.set_ylim(-0.05, 2.75)
        ax.legend(fontsize="small", loc="upper right")
    styles = {"only m corrected": "-.", "only v corrected": "--"}
    for label, r in step_ratio(steps, betas).items():
        axes[2].plot(t, r, styles.get(label, "-"), color=VARIANT_COLORS[label], label=label)
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel("step t")
    axes[2].set_ylabel("step size / η")
    axes[2].set_title("step size under a constant gradient")
    axes[2].legend(fontsize="small", loc="upper right")
    return fig


FIRST_STEPS_RUNS = (   # label, (correct_m, correct_v), β2, line style
    ("Adam (bias-corrected), β2 = 0.999", (True, True), 0.999, "-"),
    ("no bias correction, β2 = 0.999", (False, False), 0.999, "-"),
    ("no bias correction, β2 = 0.9999", (False, False), 0.9999, "--"),
)


def first_steps_runs(eta=0.1, steps=80, surface=None):
    """Adam with and without bias correction from the surface's start: label → Path."""
    surface = surface or surfaces.rosenbrock()
    return {label: descend(surface, PartsAdam(lr=eta, betas=(0.9, beta2), correct_m=cm, correct_v=cv),
                           surface.start, steps)
            for label, (cm, cv), beta2, _ in FIRST_STEPS_RUNS}


def first_steps_figure(paths, surface=None, eta=0.1):
    """The paths of `first_steps_runs` on the contours, and their loss per step."""
    surface = surface or surfaces.rosenbrock()
    fig, axes = plots.new_figure(1, 2, figsize=(12, 4.3), gridspec_kw=dict(width_ratios=[1.1, 1]))
    plots.surface_axes(surface, axes[0], window=((-2.5, 2.5), (-0.6, 3.3)))
    colors = [VARIANT_COLORS["Adam (m and v corrected)"], VARIANT_COLORS["no bias correction"],
              style.OKABE_ITO["purple"]]
    for (label, path), color, (*_, ls) in zip(paths.items(), colors, FIRST_STEPS_RUNS):
        axes[0].plot(*path.params.T, ls, marker="o", color=color, ms=2.5, lw=1.2, label=label)
        axes[1].plot(np.arange(len(path.loss)), path.loss, ls, color=color, label=label)
    axes[0].set_title(f"first {len(path.loss) - 1} steps, η = {eta:g}")
    axes[0].legend(fontsize="small", loc="lower left")
    axes[1].axhline(paths[next(iter(paths))].loss[0], color="0.5", lw=1, ls=":", label="loss at the start")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("step t")
    axes[1].set_ylabel("loss L(θ^t)")
    axes[1].set_title(surface.title)
    axes[1].legend(fontsize="small", loc="upper right")
    return fig


def peak_losses(paths):
    """Print each run's loss at the start, its highest loss and the step where it was reached."""
    print(f"{'':34s} {'L at start':>10s} {'highest L':>10s} {'at step':>8s} {'L at the end':>13s}")
    for label, path in paths.items():
        print(f"{label:34s} {path.loss[0]:10.4g} {path.loss.max():10.4g} {int(path.loss.argmax()):8d} "
              f"{path.loss[-1]:13.4g}")


def defaults_table(betas=(0.9, 0.999), eps=1e-8):
    """Print what each default does, with the numbers computed here."""
    beta1, beta2 = betas

    def settle(beta):          # first t with 1 − β^t ≥ 0.99: when bias correction stops mattering
        return int(math.ceil(math.log(0.01) / math.log(beta)))

    first = step_ratio(1, betas, eps)["Adam (m and v corrected)"][0]
    sigma_1pct = eps * 99      # ε/(σ + ε) = 1 % at σ = 99ε
    print(f"{'setting':8s} {'default':>8s}   what it does, computed")
    print(f"{'η':8s} {1e-3:>8g}   first step of every parameter = {first:.4f}·η, whatever g^1 is")
    print(f"{'β1':8s} {beta1:>8g}   m averages ≈ 1/(1 − β1) = {1 / (1 - beta1):.0f} gradients; "
          f"m̂ needs correcting for {settle(beta1)} steps")
    print(f"{'β2':8s} {beta2:>8g}   v averages ≈ 1/(1 − β2) = {1 / (1 - beta2):.0f} squared gradients; "
          f"v̂ needs correcting for {settle(beta2)} steps")
    print(f"{'ε':8s} {eps:>8g}   shrinks a step by 1% only where σ̂ ≈ {sigma_1pct:.0e}; "
          f"keeps η/σ̂ finite when g = 0")


class Scaled:
    """The surface c·L: same minima and paths of steepest descent, gradients c times larger."""

    def __init__(self, surface, c):
        self.surface, self.c = surface, float(c)
        self.dim, self.start, self.window = surface.dim, surface.start, surface.window
        self.min_loss = None if surface.min_loss is None else self.c * surface.min_loss

    def loss(self, p):
        return self.c * self.surface.loss(p)

    def grad(self, p):
        return self.c * self.surface.grad(p)

    def fast_grad(self, p):
        return self.c * self.surface.fast_grad(p)


def scale_check(paths, c=1000):
    """Print how far each optimizer's path on c·L ends up from its path on L.

    paths: dict name → (path on L, path on c·L).
    """
    for name, (a, b) in paths.items():
        if b.diverged_at is not None:
            print(f"{name:26s} on {c:g}·L: diverged at step {b.diverged_at}")
            continue
        gap = float(np.max(np.abs(a.params - b.params)))
        print(f"{name:26s} largest |θ on L − θ on {c:g}·L| over {a.steps} steps: {gap:.0e}")


# ---------------------------------------------------------------------------------------
# Parity with torch.optim.Adam, on the recorded values of tests/golden/optim.npz.

PARITY_CASE = ("Adam", dict(lr=0.05))
PARITY_PROBLEM = "rosenbrock"


def _tests_dir():
    import rugged
    return pathlib.Path(rugged.__file__).resolve().parents[2] / "tests"


def golden_file():
    """The recorded torch trajectories, tests/golden/optim.npz of the source checkout."""
    path = _tests_dir() / "golden" / "optim.npz"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the parity demo needs rugged's source checkout "
                                f"(pip install -e . from the repository)")
    return path


def _tests_module(name):
    """Import tests/<name>.py (optim_cases, make_golden_optim) from the source checkout."""
    if name in sys.modules:
        return sys.modules[name]
    directory = _tests_dir()
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))   # make_golden_optim imports optim_cases by name
    spec = importlib.util.spec_from_file_location(name, directory / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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
    return f"{_tests_module('optim_cases').case_id(name, kwargs)} on {problem}"


def replay(name, kwargs, problem):
    """(rugged trajectory, recorded torch trajectory) for one case of tests/optim_cases.py."""
    cases = _tests_module("optim_cases")
    with np.load(golden_file()) as golden:
        reference = golden[_case_key(name, kwargs, problem)]
    return cases.run(_rugged_stepper(name, kwargs), problem), reference


def error_bucket(error):
    """A difference as text that does not flicker between machines: '0', '< 1e-15', '< 1e-12' or '2e-09'."""
    if error == 0:
        return "0"
    for bound in (1e-15, 1e-12):
        if error < bound:
            return f"< {bound:.0e}"
    return f"{error:.0e}"


def parity_rows(steps=5, case=PARITY_CASE, problem=PARITY_PROBLEM):
    """Print θ^t from rugged and from torch (recorded) for the first steps of one 2-D case."""
    name, kwargs = case
    path, reference = replay(name, kwargs, problem)
    print(f"{_case_key(name, kwargs, problem)}, recorded with torch "
          f"{_torch_version()}: θ^t = (x, y)")
    print(f"{'t':>2s}  {'rugged.optim.Adam':>30s}  {'torch.optim.Adam':>30s}  |difference|")
    for t in range(steps + 1):
        a, b = path[t], reference[t]
        print(f"{t:2d}  ({a[0]:13.10f}, {a[1]:13.10f})  ({b[0]:13.10f}, {b[1]:13.10f})  "
              f"{error_bucket(float(np.max(np.abs(a - b)))):>8s}")


def _torch_version():
    with np.load(golden_file()) as golden:
        return str(golden["torch_version"])


def _adam_cases():
    cases = _tests_module("optim_cases")
    return [(name, kwargs, problem) for name, kwargs in cases.CASES if name in ("Adam", "AdamW")
            for problem in cases.PROBLEMS]


def parity_summary():
    """Largest relative error of rugged's Adam/AdamW against every recorded torch run; returns it."""
    cases = _tests_module("optim_cases")
    errors = [relative_error(*replay(name, kwargs, problem)) for name, kwargs, problem in _adam_cases()]
    worst = max(errors)
    print(f"{len(errors)} recorded runs (Adam and AdamW, {len(errors) // len(cases.PROBLEMS)} settings "
          f"× {len(cases.PROBLEMS)} problems, {cases.STEPS} steps each): "
          f"largest relative error {error_bucket(worst)}")
    return worst


def live_torch_parity():
    """Run every Adam/AdamW case live with torch (needs torch) and return the largest relative error."""
    import torch   # noqa: F401  (ModuleNotFoundError when torch is not installed)
    torch.set_default_dtype(torch.float64)
    cases, golden = _tests_module("optim_cases"), _tests_module("make_golden_optim")
    errors = []
    for name, kwargs, problem in _adam_cases():
        reference = cases.run(golden.torch_stepper(name, kwargs), problem)
        errors.append(relative_error(cases.run(_rugged_stepper(name, kwargs), problem), reference))
    return max(errors)


# ---------------------------------------------------------------------------------------
# The race: SGD, momentum, RMSProp and Adam on a saddle and on a curved valley.

def race_optimizers(eta):
    """The four racers with learning rate η (a number, or a dict label → η)."""
    lr = eta if isinstance(eta, dict) else dict.fromkeys(("SGD", "Momentum", "RMSprop", "Adam"), eta)
    return {f"SGD (η = {lr['SGD']:g})": optim.SGD(lr=lr["SGD"]),
            f"Momentum (SGD, μ = 0.9, η = {lr['Momentum']:g})": optim.SGD(lr=lr["Momentum"], momentum=0.9),
            f"RMSprop (η = {lr['RMSprop']:g})": optim.RMSprop(lr=lr["RMSprop"]),
            f"Adam (η = {lr['Adam']:g})": optim.Adam(lr=lr["Adam"])}


def escape_step(path, y=0.5):
    """First t with |θ_y^t| > y (the path has left the saddle), None if never."""
    out = np.abs(path.params[:, 1]) > y
    return int(np.argmax(out)) if out.any() else None


def saddle_race(eta=0.05, steps=150, start=None):
    """The four racers on the saddle from `start` (default: the surface's, (1, 10⁻³)); label → Path."""
    surface = surfaces.saddle()
    start = surface.start if start is None else start
    return {label: descend(surface, opt, start, steps) for label, opt in race_optimizers(eta).items()}


def escape_table(eta=0.05, y0s=(1e-2, 1e-4, 1e-6, 1e-8), steps=400, y=0.5):
    """Print the steps each racer needs to reach |θ_y| > y from (1, y0); returns {label: [steps]}."""
    surface = surfaces.saddle()
    table = {}
    for label, opt in race_optimizers(eta).items():
        table[label.split(" (")[0]] = [escape_step(descend(surface, opt, (1.0, y0), steps), y)
                                       for y0 in y0s]
    print(f"steps until |θ_y| > {y:g}, start (1, θ_y^0), η = {eta:g} for all")
    print(f"{'θ_y^0':>9s}" + "".join(f"{name:>10s}" for name in table))
    for i, y0 in enumerate(y0s):
        cells = ["never" if row[i] is None else str(row[i]) for row in table.values()]
        print(f"{y0:9.0e}" + "".join(f"{c:>10s}" for c in cells))
    return table


VALLEY_GRID = (1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3)


def valley_grid(etas=VALLEY_GRID, steps=2000, threshold=1e-4):
    """Print, for each racer and η, the steps to L − L* ≤ threshold on Rosenbrock's valley.

    Returns {name: {η: steps, None (not reached) or "diverged"}} and each racer's best η:
    the fastest to the threshold, or, for a racer that never reaches it, the η with the
    lowest final loss (which is printed).
    """
    surface = surfaces.rosenbrock()
    results, final = {}, {}
    for eta in etas:
        for label, opt in race_optimizers(eta).items():
            path = descend(surface, opt, surface.start, steps)
            name = label.split(" (")[0]
            reached = path.steps_to(surface.min_loss + threshold)
            results.setdefault(name, {})[eta] = "diverged" if path.diverged_at is not None else reached
            if path.diverged_at is None:
                final.setdefault(name, {})[eta] = float(path.loss[-1] - surface.min_loss)
    print(f"steps until L − L* ≤ {threshold:g} on Rosenbrock's valley from {surface.start} "
          f"(—: not within {steps} steps)")
    print(f"{'η':>8s}" + "".join(f"{name:>10s}" for name in results))
    for eta in etas:
        cells = ["—" if results[name][eta] is None else str(results[name][eta]) for name in results]
        print(f"{eta:8g}" + "".join(f"{c:>10s}" for c in cells))
    best = {}
    for name, row in results.items():
        ok = {eta: r for eta, r in row.items() if isinstance(r, int)}
        if ok:
            best[name] = min(ok, key=ok.get)
        else:
            best[name] = min(final[name], key=final[name].get)
            print(f"{name} never gets there; its lowest L − L* after {steps} steps is "
                  f"{final[name][best[name]]:.2g} (η = {best[name]:g})")
    return results, best


def valley_race(best, steps=2000):
    """The four racers on Rosenbrock's valley, each with its own η (dict name → η); label → Path."""
    surface = surfaces.rosenbrock()
    return {label: descend(surface, opt, surface.start, steps)
            for label, opt in race_optimizers(best).items()}


def race_figure(surface, paths, *, what="loss", window=None, steps_shown=None):
    """One small contour panel per racer (top) and one curve per racer (bottom).

    what: "loss" plots L(θ^t) − L*; "escape" plots |θ_y^t| with the line |θ_y| = 0.5.
    """
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 6.6), layout="constrained")
    grid = fig.add_gridspec(2, len(paths), height_ratios=[1.15, 1])
    bottom = fig.add_subplot(grid[1, :])
    for k, (label, path) in enumerate(paths.items()):
        ax = fig.add_subplot(grid[0, k])
        plots.surface_axes(surface, ax, window=window, n=120)
        color = style.color_of(label, k)
        plots.draw_path(ax, path, label, color)
        ax.set_title(label.replace(" (", "\n(", 1), fontsize="medium")
        if k:
            ax.set_ylabel("")
        shown = path.params if steps_shown is None else path.params[:steps_shown + 1]
        t = np.arange(len(shown))
        if what == "escape":
            bottom.plot(t, np.abs(shown[:, 1]), color=color, label=label)
        else:
            gap = np.maximum(path.loss[:len(shown)] - surface.min_loss, 1e-16)
            bottom.plot(t, gap, color=color, label=label)
    bottom.set_yscale("log")
    bottom.set_xlabel("step t")
    if what == "escape":
        bottom.axhline(0.5, color="0.4", ls=":", lw=1.2)
        bottom.text(0.6, 0.45, "left the saddle: |θ_y| > 0.5", color="0.3", ha="left", va="top",
                    transform=bottom.get_yaxis_transform(), fontsize="small")
        bottom.set_ylabel("|θ_y^t|")
    else:
        bottom.set_ylabel("L(θ^t) − L*")
    bottom.legend(fontsize="small", loc="best", ncol=2)
    return fig


def late_steps(paths, last=100):
    """Print each racer's final L − L* and its mean largest |Δθ_i|/η over the last `last` steps."""
    surface = surfaces.rosenbrock()
    print(f"{'':44s} {'L − L* at the end':>18s}  {'step/η, last %d steps' % last:>22s}")
    for label, path in paths.items():
        size = np.abs(np.diff(path.params, axis=0)).max(axis=1) / path.lr
        gap = max(float(path.loss[-1] - surface.min_loss), 0.0)
        print(f"{label:44s} {gap:18.1e}  {size[-last:].mean():22.1e}")


def largest_step(paths):
    """Largest |Δθ_i| / η over every step of the Adam paths among `paths` (label → Path)."""
    worst = 0.0
    for label, path in paths.items():
        if label.startswith("Adam"):
            worst = max(worst, float(np.nanmax(np.abs(np.diff(path.params, axis=0)) / path.lr[:, None])))
    return worst


# ---------------------------------------------------------------------------------------
# The panel: η, β1, β2, ε and the surface → Adam's path and its loss.

PANEL_SURFACES = {   # name → steps
    "saddle": 150, "rosenbrock": 800, "zigzag": 300, "ravine": 400, "plateau_cliff": 400,
    "rugged": 300,
}
PANEL_DEFAULTS = dict(beta1=0.9, beta2=0.999, eps=1e-8)


@widgets.register("04 adam")
def adam_panel(eta=0.05, beta1=0.9, beta2=0.999, eps=1e-8, surface="saddle"):
    """Panel: Adam's η, β1, β2, ε and a surface → the path on the contours and L − L* per step.

    A dashed path shows Adam with the default β1, β2, ε at the same η, for comparison.
    Only the paths, the curves and the title are redrawn on a slider move; a new surface
    redraws the whole figure once (its contours and its loss axis).
    """
    all_surfaces = {name: s for name, s in surfaces.all_surfaces().items() if name in PANEL_SURFACES}
    fig, axes = plots.new_figure(1, 2, figsize=(10, 4), static=False,
                                 gridspec_kw=dict(width_ratios=[1.2, 1]))
    left, right = axes
    blue = style.FAMILY_COLORS["Adam"]
    (ref_line,) = left.plot([], [], color="0.2", ls="--", lw=1.3, label="Adam with default β1, β2, ε")
    (path_line,) = left.plot([], [], color=blue, lw=1.8, label="your Adam")
    start_marker = left.plot([], [], "o", color=blue, zorder=4)[0]
    end_marker = left.plot([], [], "s", color=blue, markeredgecolor="black", zorder=4)[0]
    (ref_curve,) = right.plot([], [], color="0.2", ls="--", lw=1.3, label="default β1, β2, ε")
    (loss_curve,) = right.plot([], [], color=blue, label="your Adam")
    right.set_yscale("log")
    right.set_xlabel("step t")
    right.set_ylabel("L(θ^t) − L*")
    right.legend(loc="lower left", fontsize="small")
    state = {"surface": None, "contours": [], "floor": 1e-14}
    reference = {}

    def show_surface(name):
        surface = all_surfaces[name]
        for artist in state["contours"]:
            artist.remove()
        before = set(left.get_children())
        plots.surface_axes(surface, left)
        state["contours"] = [a for a in left.get_children() if a not in before]
        left.set_title("")
        left.legend(handles=[path_line, ref_line], loc="lower right", fontsize="small", framealpha=0.8,
                    frameon=True)
        start_gap = float(surface.loss(surface.start) - surface.min_loss)
        top = 10 ** math.ceil(math.log10(start_gap) + 2)
        right.set_xlim(0, PANEL_SURFACES[name])
        right.set_ylim(state["floor"], top)
        right.set_title(surface.title, fontsize="medium")
        state["surface"] = name
        panel = state.get("panel")
        if panel is not None:      # lay the figure out again and redraw its background
            panel.rebuild()

    def run(surface, opt, steps):
        path = descend(surface, opt, surface.start, steps)
        gap = np.clip(path.loss - surface.min_loss, state["floor"], None)
        return path, gap

    def draw(eta, beta1, beta2, eps, surface):
        if surface != state["surface"]:
            show_surface(surface)
        s, steps = all_surfaces[surface], PANEL_SURFACES[surface]
        key = (surface, float(eta))
        if key not in reference:
            reference[key] = run(s, optim.Adam(lr=eta), steps)
        ref, ref_gap = reference[key]
        if dict(beta1=beta1, beta2=beta2, eps=eps) == PANEL_DEFAULTS:
            path, gap = ref, ref_gap
        else:
            path, gap = run(s, optim.Adam(lr=eta, betas=(beta1, beta2), eps=eps), steps)
        widgets.set_path(ref_line, ref)
        widgets.set_curve(ref_curve, ref_gap)
        widgets.set_path(path_line, path, (start_marker, end_marker))
        widgets.set_curve(loss_curve, gap)
        left.set_title(f"η = {eta:.1e}, β1 = {beta1:.2f}, β2 = {beta2:.4f}, ε = {eps:.0e}",
                       fontsize="medium")
        message = widgets.diverged_message(path, "Adam")
        if message:
            return message
        end = path.params[-1]
        text = f"after {path.steps} steps: θ = ({end[0]:.3g}, {end[1]:.3g}), L − L* = {gap[-1]:.2e}"
        if surface == "saddle":
            escaped, ref_escaped = escape_step(path), escape_step(ref)
            text += (f"; left the saddle (|θ_y| > 0.5) at step {escaped}" if escaped is not None
                     else "; still on the saddle (|θ_y| ≤ 0.5)")
            if ref_escaped is not None:
                text += f" (defaults: {ref_escaped})"
        (x0, x1), (y0, y1) = s.window
        outside = ((path.params[:, 0] < x0) | (path.params[:, 0] > x1)
                   | (path.params[:, 1] < y0) | (path.params[:, 1] > y1))
        if outside.any():
            text += f"; the path leaves the window at step {int(np.argmax(outside))}"
        return text

    controls = dict(
        eta=widgets.log_slider("η", eta, -4, 0),
        beta1=widgets.slider("β1", beta1, 0.0, 0.99, 0.01),
        beta2=widgets.slider("β2", beta2, 0.5, 0.9999, 0.0001, ".4f"),
        eps=widgets.log_slider("ε", eps, -12, 0, 0.5, ".0e"),
        surface=widgets.choice("surface", list(PANEL_SURFACES), surface),
    )
    show_surface(surface)
    animated = [ref_line, path_line, start_marker, end_marker, left.title, ref_curve, loss_curve]
    panel = widgets.Panel(controls, fig, draw, animated=animated, title="Adam: η, β1, β2, ε")
    state["panel"] = panel
    return panel


# ---------------------------------------------------------------------------------------
# Exercises

def check_first_moment(answer, g=2.0, beta1=0.9):
    """(m^1, m̂^1) for a first gradient g: m^1 = (1 − β1) g, m̂^1 = m^1/(1 − β1) = g."""
    pair = as_pair(answer, "`answer = (m1, m1_hat)`")
    if isinstance(pair, Feedback):
        return pair
    m1, m1_hat = pair
    m_true, hat_true = (1 - beta1) * g, (1 - beta1) * g / (1 - beta1)
    ok_m, ok_hat = close(m1, m_true, 1e-3), close(m1_hat, hat_true, 1e-3)
    if ok_m and ok_hat:
        return right(f"Yes: m^1 = (1 − β1)·g = {m_true:g}, only a tenth of the gradient because "
                     f"m^0 = 0; dividing by 1 − β1^1 = {1 - beta1:g} gives back m̂^1 = {hat_true:g} = g.")
    if not ok_m:
        if close(m1, beta1 * g, 1e-3):
            return wrong(f"m^1 = {m1:g} = β1·g: the weights are swapped. The old value m^0 = 0 gets "
                         f"β1 and the new gradient gets 1 − β1 = {1 - beta1:g}.")
        if close(m1, g, 1e-3):
            return wrong(f"m^1 = {m1:g} = g would be right for the corrected m̂^1, not for the raw "
                         f"average: m starts at 0, so m^1 = β1·0 + (1 − β1)·g.")
        return wrong(f"m^1 = {m1:g} is not right: use m^1 = β1·m^0 + (1 − β1)·g^1 with m^0 = 0.")
    if close(m1_hat, m_true, 1e-3):
        return wrong(f"m^1 is right, but m̂^1 = {m1_hat:g} is still the raw average: the bias "
                     f"correction divides by 1 − β1^t = {1 - beta1:g} at t = 1.")
    if close(m1_hat, m_true / (1 - beta1 ** 2), 1e-3):
        return wrong(f"m^1 is right, but m̂^1 = {m1_hat:g} divides by 1 − β1²: t counts from 1 in "
                     f"Algorithm 1, so the first step divides by 1 − β1^1.")
    return wrong(f"m^1 is right, but m̂^1 = {m1_hat:g} is not: m̂^1 = m^1 / (1 − β1^1).")


def check_first_step(answer, g=5.0, betas=(0.9, 0.999)):
    """The size of Adam's first step, in units of η, for gradient g ≠ 0 and ε ≈ 0: 1."""
    value = as_number(answer, "`answer` (the first step's size divided by η)")
    if isinstance(value, Feedback):
        return value
    beta1, beta2 = betas
    ratios = {label: r[0] for label, r in step_ratio(1, betas, 0.0, g).items()}
    target = ratios["Adam (m and v corrected)"]
    if close(value, target, 1e-3):
        return right(f"Yes: m̂^1 = g and σ̂^1 = |g|, so the first step is η·g/|g|: exactly η in "
                     f"every parameter, whatever the size of g (here {g:g}).")
    if close(value, abs(g), 1e-3):
        return wrong(f"{value:g} = |g| would be gradient descent's step. Adam divides m̂^1 = g by "
                     f"σ̂^1 = |g|, so the size of g cancels.")
    if close(value, ratios["no bias correction"], 1e-3):
        return wrong(f"{value:.4g} = (1 − β1)/sqrt(1 − β2) is the first step WITHOUT bias "
                     f"correction (m^1 = 0.1g, sqrt(v^1) ≈ 0.0316|g|). Adam corrects both.")
    if close(value, ratios["only m corrected"], 1e-3):
        return wrong(f"{value:.4g} = 1/sqrt(1 − β2) comes from correcting m but not v. Adam "
                     f"divides v by 1 − β2^1 too.")
    if close(value, ratios["only v corrected"], 1e-3):
        return wrong(f"{value:.4g} = 1 − β1 comes from correcting v but not m. Adam divides m by "
                     f"1 − β1^1 too.")
    return wrong(f"{value:g} is not right. Work out m̂^1 and σ̂^1 for g^1 = {g:g} (both moments "
                 f"start at 0 and are bias-corrected), then the step η·m̂^1/σ̂^1.")


_NAMES = {
    "beta2": ("beta2", "β2", "b2", "beta_2", "β_2", "0.999"),
    "beta1": ("beta1", "β1", "b1", "beta_1", "β_1", "0.9"),
    "eta": ("eta", "η", "lr", "learning rate", "0.001", "1e-3"),
    "eps": ("eps", "ε", "epsilon", "1e-8", "1e-08"),
}


def check_memory(answer):
    """Which default sets how long Adam remembers squared gradients: β2."""
    if answer is None:
        return unanswered('`answer` to one of "eta", "beta1", "beta2", "eps"')
    text = str(answer).strip().lower()
    name = next((key for key, spellings in _NAMES.items() if text in spellings), None)
    if name is None:
        return wrong(f'{answer!r} is not one of the defaults: answer "eta", "beta1", "beta2" or "eps".')
    if name == "beta2":
        return right("Yes: β2 = 0.999 weighs the old v against the new g², so v (and σ̂) average "
                     "about 1/(1 − β2) = 1000 squared gradients.")
    if name == "beta1":
        return wrong("β1 sets the memory of the gradients themselves (the momentum m, about "
                     "1/(1 − β1) = 10 steps), not of their squares.")
    if name == "eta":
        return wrong("η scales every step; it averages nothing. Look at the line that updates v.")
    return wrong("ε only keeps the division η/σ̂ finite when σ̂ ≈ 0; it remembers nothing. "
                 "Look at the line that updates v.")
