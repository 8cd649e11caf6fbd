"""07 warmup: ResNet's warmup and the Transformer schedule, why warmup helps (the variance
of Adam's adaptive learning rate in its first steps, RAdam's ρ and r), the same argument
measured with minibatch noise on the Pokémon surface (the spread over seeds of Adam's step
η^t/σ_i^t with and without warmup), a race of Adam, Adam with warmup and RAdam on a small
network, the schedule panel and the exercises.

Step counts: tables, figures and the notebook use the lecture's t, counted from 0 (as
`rugged.schedules` and `descend` do). The papers and torch count steps from 1: their step
k is the lecture's t + 1. Functions that take or return such a step say so
(`transformer_lr`, `transformer_peak`, `rectifier`, `first_rectified_step`).

The lesson's formulas are the notebook's teaching cells (`adaptive_lr`, `chi_variance`,
`adaptive_steps`, `saturation`); the notebook computes with them and passes them to this module's tables and
figures.
"""

import numpy as np

from .. import nets, optim, plots, schedules, style, widgets
from ..exercises import (STEP, Feedback, as_int, as_pair, check, close, plain_text, read_as, right, rounding_clause,
                         shown, unanswered, wrong)
from ..i18n import pad, tr
from ..runner import bad_points, side_by_side

PAPER_D_MODEL, PAPER_WARMUP = 512, 4000        # Vaswani et al. 2017
RESNET_BASE_LR, RESNET_WARMUP_LR, RESNET_WARMUP = 0.1, 0.01, 400   # He et al. 2016
TORCH_THRESHOLD, PAPER_THRESHOLD = 5.0, 4.0     # RAdam rectifies when ρ_t exceeds this

ADAM, RADAM = style.color_of("Adam"), style.color_of("RAdam")
REFERENCE = "0.55"                              # grey: the paper's setting, for comparison
METHOD_STYLE = {                                 # one colour per family; warmup is dashed
    "Adam": dict(color=ADAM, ls="-"),
    "Adam + warmup": dict(color=ADAM, ls="--"),
    "RAdam": dict(color=RADAM, ls="-"),
}


def _shown(name):
    """A method's name as the student reads it ("Adam + warmup" in the course's language); the
    optimizer's name stays first, and the name itself stays the key everywhere else."""
    return {"Adam + warmup": tr("Adam + warmup")}.get(name, name)


def _at(symbol, t):
    """`symbol` with the step t as a Unicode superscript, for printed text: η¹⁰⁰, ρ⁴."""
    return plain_text(f"{symbol}^{{{t}}}")


# ---------------------------------------------------------------------------------------
# 1 · The two warmups

def transformer_lr(step, d_model=PAPER_D_MODEL, warmup_steps=PAPER_WARMUP):
    """The Transformer's lr at the paper's `step` (counted from 1; an int or an int array)."""
    step = np.asarray(step)
    return schedules.TransformerSchedule(d_model, warmup_steps).lr_at(step - 1, 1.0)


def transformer_peak(d_model=PAPER_D_MODEL, warmup_steps=PAPER_WARMUP):
    """(step, lr) of the Transformer schedule's peak, step counted from 1 as in the paper.

    Both branches of the min meet at step = warmup_steps, where the lr is
    d_model^−0.5 · warmup_steps^−0.5.
    """
    steps = np.arange(1, 2 * warmup_steps + 2)
    lrs = transformer_lr(steps, d_model, warmup_steps)
    best = int(np.argmax(lrs))
    return int(steps[best]), float(lrs[best])


def schedule_table(base_lr=RESNET_BASE_LR):
    """Print the ResNet warmup's η^t at a few t and the Transformer's at a few t (with the
    paper's step k = t + 1 beside it)."""
    resnet = schedules.ResNetWarmup(RESNET_WARMUP_LR, RESNET_WARMUP)
    print(tr("ResNet, base η = {eta:g}:").format(eta=base_lr) + "  " + ",  ".join(
        f"{_at('η', t)} = {resnet.lr_at(t, base_lr):g}" for t in (0, 100, RESNET_WARMUP - 1, RESNET_WARMUP, 1000)))
    step, peak = transformer_peak()
    print(tr("Transformer, d_model = {d_model}, warmup_steps = {warmup} (the paper's step k = t + 1):").format(
        d_model=PAPER_D_MODEL, warmup=PAPER_WARMUP))
    print("   " + ",  ".join(f"{_at('η', k - 1)} = {transformer_lr(k):.4e}" for k in (1, 1000, 16_000, 100_000)))
    print("   " + tr("peak: {eta} = {peak:.4e} at t = {t:,} (the paper's step {step:,}); "
                     "1/√(d_model·warmup_steps) = {value:.4e}").format(
        eta=_at('η', step - 1), peak=peak, t=step - 1, step=step, value=(PAPER_D_MODEL * PAPER_WARMUP) ** -0.5))


def schedules_figure(base_lr=RESNET_BASE_LR, resnet_iters=1500, transformer_steps=100_000):
    """ResNet's constant warmup; the Transformer schedule against t (linear axes) and against
    t + 1, the paper's step (log-log axes)."""
    # flatter on a slide, under its code and table
    fig, axes = plots.new_figure(1, 3, figsize=(12, 3.4 if style.is_lecture() else 3.9), width_ratios=(1, 1.2, 1))
    t = np.arange(resnet_iters)
    resnet = schedules.ResNetWarmup(RESNET_WARMUP_LR, RESNET_WARMUP).lr_at(t, base_lr)
    axes[0].plot(t, resnet, color=ADAM)
    axes[0].axvline(RESNET_WARMUP, color=REFERENCE, ls=":", lw=1.2)
    axes[0].annotate(f"t = {RESNET_WARMUP}:\n0.01 → 0.1", (RESNET_WARMUP, 0.05), xytext=(8, 0),
                     textcoords="offset points", fontsize="small", va="center")
    axes[0].set_ylim(0, 0.11)
    axes[0].set_xlabel(tr("iteration t"))
    axes[0].set_ylabel(tr(r"learning rate $\eta^t$"))
    axes[0].set_title("ResNet-110, CIFAR-10", fontsize="medium")

    steps = np.unique(np.geomspace(1, transformer_steps, 3000).astype(int))     # the paper's k
    lrs = transformer_lr(steps)
    peak_step, peak = transformer_peak()
    for ax, shift in ((axes[1], 1), (axes[2], 0)):
        ax.plot(steps - shift, lrs, color=ADAM)
        ax.plot(peak_step - shift, peak, "v", color="black", markersize=8, zorder=5)
    axes[1].annotate(tr("peak {peak:.3e}\nat t = {t:,}").format(peak=peak, t=peak_step - 1), (peak_step - 1, peak), xytext=(12, -6),
                     textcoords="offset points", fontsize="small", va="top")
    axes[1].set_xlabel(tr("step t"))
    axes[1].set_ylabel(tr(r"learning rate $\eta^t$"))
    axes[1].set_xlim(0, transformer_steps)
    axes[1].set_ylim(0, peak * 1.12)
    axes[1].set_title(tr("Transformer: d_model {d_model}, warmup {warmup}").format(d_model=PAPER_D_MODEL,
                                                                                   warmup=PAPER_WARMUP),
                      fontsize="medium")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel(tr("t + 1 (the paper's step)"))
    axes[2].set_title(tr("log-log: slopes +1, −½"), fontsize="medium")
    axes[1].xaxis.set_major_formatter(plots.plt.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    axes[1].xaxis.set_major_locator(plots.plt.MaxNLocator(4))
    plots.no_minor_ticks(*fig.axes)
    return fig


VARIANTS = {"warmup_steps": (1000, 4000, 16_000), "d_model": (128, 512, 2048)}


def variants_figure(steps=50_000):
    """The Transformer schedule against t for three warmup lengths (left) and three widths (right)."""
    # flatter on a slide, under its code and table
    fig, axes = plots.new_figure(1, 2, figsize=(11, 2.8 if style.is_lecture() else 3.8), sharey=True)
    s = np.unique(np.linspace(1, steps, 4000).astype(int))          # the paper's steps k = t + 1
    for ax, (name, values) in zip(axes, VARIANTS.items()):
        for k, value in enumerate(values):
            kwargs = {"d_model": PAPER_D_MODEL, "warmup_steps": PAPER_WARMUP, name: value}
            paper = (kwargs["d_model"], kwargs["warmup_steps"]) == (PAPER_D_MODEL, PAPER_WARMUP)
            color = REFERENCE if paper else style.CYCLE[1 + k]
            peak_step, peak = transformer_peak(**kwargs)
            s_k = np.union1d(s, [peak_step])
            ax.plot(s_k - 1, transformer_lr(s_k, **kwargs), color=color, lw=3 if paper else 1.8,
                    label=f"{name} = {value:,}" + ("  " + tr("(paper)") if paper else ""), zorder=3 - paper)
            ax.plot(peak_step - 1, peak, "v", color=color, markeredgecolor="black", markersize=8, zorder=5)
        ax.set_xlabel(tr("step t"))
        ax.set_xlim(0, steps)
        ax.legend(fontsize="small")
        ax.xaxis.set_major_formatter(plots.plt.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    axes[0].set_ylabel(tr(r"learning rate $\eta^t$"))
    axes[0].set_title(tr("d_model = {d_model}: a longer warmup, a lower and later peak").format(d_model=PAPER_D_MODEL),
                      fontsize="medium")
    axes[1].set_title(tr("warmup_steps = {warmup}: a wider model, a lower curve").format(warmup=PAPER_WARMUP),
                      fontsize="medium")
    return fig


def variants_table(at=50_000):
    """Print the peak (t, η^t) of each variant in `variants_figure` and η^t at t = `at`."""
    print(f"{'d_model':>8s} {'warmup_steps':>13s} {pad(tr('peak at t'), 10, '>')} {pad(tr('peak ηᵗ'), 11, '>')} "
          f"{pad(tr('ηᵗ at t = {at:,}').format(at=at), 18, '>')}")
    seen = set()
    for name, values in VARIANTS.items():
        for value in values:
            kwargs = {"d_model": PAPER_D_MODEL, "warmup_steps": PAPER_WARMUP, name: value}
            key = (kwargs["d_model"], kwargs["warmup_steps"])
            if key in seen:
                continue
            seen.add(key)
            step, peak = transformer_peak(**kwargs)
            print(f"{key[0]:8d} {key[1]:13,d} {step - 1:10,d} {peak:11.4e} "
                  f"{transformer_lr(at + 1, **kwargs):18.4e}")


# ---------------------------------------------------------------------------------------
# The panel

PANEL_TOPS = (1e-3, 2e-3, 5e-3, 1e-2, 2e-2)    # the y-axis' top: one kept background each


def panel_top(d_model, warmup_steps):
    """The y-axis' top for a setting: the first of PANEL_TOPS above both peaks (with room)."""
    need = 1.1 * max(transformer_peak()[1], (int(d_model) * int(warmup_steps)) ** -0.5)
    return next((top for top in PANEL_TOPS if top >= need), PANEL_TOPS[-1])


@widgets.register("07 transformer schedule")
def transformer_panel(d_model=PAPER_D_MODEL, warmup_steps=PAPER_WARMUP, steps=50_000):
    """Panel: d_model and warmup_steps → the Transformer schedule, with the paper's curve
    (d_model = 512, warmup_steps = 4000) as a fixed grey reference; the peak is marked ▼.

    The y-axis has a few fixed heights (`PANEL_TOPS`), each a scene with its own kept
    background (drawn in advance while the kernel is idle), so a slider move redraws only the
    curve, its marker and the title. A value outside a control's range is a ValueError.
    """
    steps = widgets.check_number("steps", steps, 1_000, 1_000_000, integer=True)
    controls = dict(
        d_model=widgets.int_slider("d_model", d_model, 64, 4096, 64),
        warmup_steps=widgets.int_slider("warmup_steps", warmup_steps, 100, 20_000, 100),
    )
    grid = np.unique(np.linspace(1, steps, 1500).astype(int))
    # on a slide the panel's controls and status line sit above the figure: a flatter figure leaves them room
    fig, ax = plots.new_figure(figsize=(11, 3.3) if style.is_lecture() else (9, 3.9), static=False)
    ref_step, ref_peak = transformer_peak()
    ref_steps = np.union1d(grid, [ref_step])
    ax.plot(ref_steps, transformer_lr(ref_steps), color=REFERENCE, lw=3,
            label=tr("paper: d_model = {d_model}, warmup_steps = {warmup}").format(d_model=PAPER_D_MODEL,
                                                                                    warmup=PAPER_WARMUP))
    ax.plot(ref_step, ref_peak, "v", color=REFERENCE, markersize=8)
    (curve,) = ax.plot([], [], color=ADAM, lw=2, label=tr("your setting"))
    (marker,) = ax.plot([], [], "v", color=ADAM, markeredgecolor="black", markersize=9, zorder=5)
    ax.set_xlim(0, steps)
    ax.set_ylim(0, PANEL_TOPS[-1])          # the widest tick labels, for the layout
    ax.set_xlabel(tr("step (from 1)"))
    ax.set_ylabel("lr")
    ax.legend(loc="upper right", fontsize="small")
    ax.xaxis.set_major_formatter(plots.plt.FuncFormatter(lambda x, _: f"{x:,.0f}"))

    def draw(d_model, warmup_steps):
        d_model, warmup_steps = int(d_model), int(warmup_steps)
        peak_step = warmup_steps                 # both branches of the min meet there
        s = np.union1d(grid, [peak_step]) if peak_step <= steps else grid
        lrs = transformer_lr(s, d_model, warmup_steps)
        curve.set_data(s, lrs)
        peak = float(transformer_lr(peak_step, d_model, warmup_steps))
        marker.set_data([peak_step], [peak])
        ax.set_ylim(0, panel_top(d_model, warmup_steps))
        ax.set_title(f"d_model = {d_model:,}, warmup_steps = {warmup_steps:,}")
        where = "" if peak_step <= steps else tr(" (beyond the {steps:,} steps shown)").format(steps=steps)
        return tr("peak lr = {peak:.4e} at step {step:,}{where}, {ratio:.3g}× the paper's {paper:.4e}; "
                  "lr at step {steps:,} = {last:.4e}").format(peak=peak, step=peak_step, where=where,
                                                            ratio=peak / ref_peak, paper=ref_peak, steps=steps,
                                                            last=lrs[-1])

    return widgets.Panel(controls, fig, draw, animated=[curve, marker, ax.title], scene=panel_top,
                         stage=lambda top: ax.set_ylim(0, top), scenes=PANEL_TOPS,
                         title=tr("The Transformer's schedule"))


# ---------------------------------------------------------------------------------------
# 2 · Why warmup: the variance of the adaptive learning rate

def random_gradients(runs=10_000, steps=50, seed=0):
    """Gradients g ~ N(0, 1), i.i.d.: shape (steps, runs), row t is the gradient g^t of step t."""
    return np.random.default_rng(seed).standard_normal((steps, runs))


def rho_inf(beta2=0.999):
    """ρ∞ = 2/(1 − β2) − 1."""
    return 2 / (1 - beta2) - 1


def rho_at(t, beta2=0.999):
    """ρ^t, the number of gradients v̂^t is worth, at the lecture's step t (from 0): the
    paper's ρ_k at its step k = t + 1."""
    return optim.radam_rho(np.asarray(t) + 1, beta2)


def rectifier(k, beta2=0.999, threshold=PAPER_THRESHOLD):
    """r at torch's steps k = t + 1 (k from 1), NaN wherever ρ ≤ threshold (r needs ρ > 4)."""
    rho = optim.radam_rho(k, beta2)
    r = optim.radam_rectification(rho, beta2)
    return np.where(rho > threshold, r, np.nan)


def first_rectified_step(beta2=0.999, threshold=TORCH_THRESHOLD, t_max=10_000):
    """torch's first step k (from 1; the lecture's t = k − 1) with ρ > threshold: torch's
    RAdam uses 5, the paper 4."""
    t = np.arange(1, t_max + 1)
    above = optim.radam_rho(t, beta2) > threshold
    if not above.any():
        raise ValueError(f"ρ_t never exceeds {threshold} for β2 = {beta2} (ρ∞ = {rho_inf(beta2):.4g})")
    return int(t[np.argmax(above)])


def model_gap(adam, chi_variance, beta2=0.999):
    """(χ² model / Monte Carlo) − 1 of Var[1/σ^t] at every t (inf where the model is infinite).

    adam: 1/σ^t, shape (steps, runs); chi_variance(ρ): the model's Var[1/σ] with ρ degrees of
    freedom (the notebook's teaching function).
    """
    return chi_variance(rho_at(np.arange(len(adam)), beta2)) / adam.var(axis=1) - 1


def variance_table(adam, radam, chi_variance, beta2=0.999, shown=(0, 1, 2, 3, 4, 5, 6, 9, 19, 49), close_from=5,
                   *, verdict=True):
    """Print, for a few t (from 0, torch's step k = t + 1): ρ^t, the Monte-Carlo Var[1/σ^t] of
    Adam, the χ² model's value and how far it is from the Monte Carlo, r and the Monte-Carlo
    Var[1/σ^t] of RAdam (rectified; '–' while torch does not rectify), and the model's
    long-run value. Then, unless `verdict` is False, `model_verdict`'s line: the largest gap
    between model and Monte Carlo from t = `close_from` on. chi_variance: see `model_gap`."""
    t = np.arange(len(adam))
    rho = rho_at(t, beta2)
    model = chi_variance(rho)
    gap = model_gap(adam, chi_variance, beta2)
    r = rectifier(t + 1, beta2)
    var_adam, var_radam = adam.var(axis=1), radam.var(axis=1)
    print(f"{'t':>3s} {'k':>3s} {'ρᵗ':>7s} {'Var[1/σᵗ] Adam':>16s} {pad(tr('χ² model'), 10, '>')} {pad(tr('vs MC'), 9, '>')} "
          f"{'r':>8s} {'Var[1/σᵗ] RAdam':>17s}")
    for i in shown:
        model_text = "∞" if np.isinf(model[i]) else f"{model[i]:.4g}"
        gap_text = "–" if np.isinf(gap[i]) else f"{gap[i]:+.1%}"
        rect = rho[i] > TORCH_THRESHOLD
        r_text = f"{r[i]:.4f}" if np.isfinite(r[i]) else "–"
        print(f"{i:3d} {i + 1:3d} {rho[i]:7.3f} {var_adam[i]:16.4g} {model_text:>10s} {gap_text:>9s} "
              f"{r_text:>8s} {pad(f'{var_radam[i]:.4g}' if rect else tr('– (SGD step)'), 17, '>')}")
    print(tr("(k = t + 1: torch's step.) long run (ρ∞ = {rho:.0f}): χ² model Var[1/σ] = {var:.4g}").format(
        rho=rho_inf(beta2), var=chi_variance(rho_inf(beta2))[0]))
    if verdict:
        model_verdict(adam, chi_variance, beta2, close_from)


def model_verdict(adam, chi_variance, beta2=0.999, close_from=5):
    """Print how far the χ² model is from the Monte Carlo at t = 2, and at most from
    t = `close_from` on: the last line of `variance_table`, for a slide. chi_variance: see
    `model_gap`."""
    gap = model_gap(adam, chi_variance, beta2)
    later = np.abs(gap[close_from:])
    print(tr("the χ² model against the Monte Carlo: {gap:+.1%} at t = 2; within ±{most:.1%} "
             "for t = {first} … {last}").format(gap=gap[2], most=later.max(), first=close_from, last=len(adam) - 1))


def spread_table(adam, shown=(0, 1, 2, 5, 19, 49)):
    """Print, for a few t (from 0; t + 1 gradients behind σ^t), quantiles of Adam's 1/σ^t over
    the runs and the share above 2 (a step more than twice the size it would have with the
    true σ = 1)."""
    print(f"{'t':>3s} {pad(tr('1% quantile'), 12, '>')} {pad(tr('median'), 8, '>')} "
          f"{pad(tr('99% quantile'), 13, '>')} {pad(tr('largest'), 10, '>')} {pad(tr('share > 2'), 10, '>')}")
    for t in shown:
        x = adam[t]
        low, mid, high = np.quantile(x, [0.01, 0.5, 0.99])
        print(f"{t:3d} {low:12.3f} {mid:8.3f} {high:13.3f} {x.max():10.4g} {np.mean(x > 2):10.1%}")


def settling_table(adam, shown=(0, 1, 4, 19), runs=(100, 1_000, 10_000)):
    """Print the Monte-Carlo Var[1/σ^t] from the first 100, 1,000, 10,000 runs: it settles
    where the true variance is finite and keeps jumping where it is infinite (t = 0, 1)."""
    print(pad(tr("runs"), 7, ">") + "".join(f"{f'Var, t = {t}':>14s}" for t in shown))
    for n in runs:
        print(f"{n:7,d}" + "".join(f"{adam[t, :n].var():14.4g}" for t in shown))


def variance_figure(adam, radam, chi_variance, beta2=0.999, hist_steps=(0, 5, 49)):
    """Left: histograms of 1/σ^t at a few t. Right: Var[1/σ^t] over t (log y) for Adam and
    RAdam (Monte Carlo) with the χ² model (`chi_variance`, see `model_gap`) and its long-run level."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(12, 4.3), width_ratios=(1, 1.25))
    bins = np.geomspace(0.1, 1e4, 61)
    hist_colors = (style.OKABE_ITO["orange"], style.OKABE_ITO["green"], style.OKABE_ITO["black"])
    for k, t in enumerate(hist_steps):
        color = hist_colors[k % 3]
        left.hist(adam[t], bins=bins, histtype="step", lw=2, color=color,
                  label=tr("t = {t}: {share:.1%} above 2").format(t=t, share=np.mean(adam[t] > 2)))
    left.axvline(1, color="black", ls=":", lw=1.2, label=tr(r"the true $1/\sigma = 1$"))
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel(tr(r"Adam's adaptive lr $1/\sigma^t$  (gradients ~ N(0, 1))"))
    left.set_ylabel(tr("runs (of {runs:,})").format(runs=adam.shape[1]))
    left.set_title(tr(r"$1/\sigma^t$ from $t + 1$ gradients"), fontsize="medium")
    left.legend(fontsize="small", loc="upper right")

    t = np.arange(len(adam))
    rho = rho_at(t, beta2)
    model = chi_variance(rho)
    limit = chi_variance(rho_inf(beta2))[0]
    rect = rho > TORCH_THRESHOLD
    right.axvspan(-0.5, t[~rect].max() + 0.5, color="0.9", zorder=0)
    right.text(t[~rect].max() + 0.1, 0.97, tr("RAdam: no 1/σ yet"), ha="right", va="top", rotation=90,
               fontsize="small", transform=right.get_xaxis_transform())
    right.plot(t, adam.var(axis=1), "o", color=ADAM, markersize=5, label=tr("Adam, Monte Carlo"))
    finite = np.isfinite(model)
    right.plot(t[finite], model[finite], color=ADAM, lw=1.2, alpha=0.7,
               label=tr(r"$\chi^2$ model with $\rho^t$ degrees of freedom"))
    for k in t[~finite]:
        right.annotate("∞", (k, adam[k].var()), xytext=(0, 8), textcoords="offset points",
                       ha="center", fontsize="medium", color=ADAM)
    right.plot(t[rect], radam[rect].var(axis=1), "s", color=RADAM, markersize=5,
               label=tr("RAdam (rectified), Monte Carlo"))
    right.axhline(limit, color="black", ls="--", lw=1.2)
    right.annotate(tr("long run (ρ∞): {limit:.2e}").format(limit=limit), (len(t) * 0.6, limit), xytext=(0, 6),
                   textcoords="offset points", ha="center", va="bottom", fontsize="small")
    right.set_yscale("log")
    right.set_ylim(top=adam.var(axis=1).max() * 30)     # room for the ∞ marks
    right.set_xlim(-0.5, len(t) - 0.5)
    right.set_xlabel(tr("step t"))
    right.set_ylabel(tr(r"Var$[1/\sigma^t]$ over the runs"))
    right.set_title(tr("variance of the adaptive lr, β2 = {beta2}").format(beta2=beta2), fontsize="medium")
    right.legend(fontsize="small", loc="upper right")
    plots.no_minor_ticks(*fig.axes)
    return fig


def rectification_start(k, k_paper, beta2=0.999):
    """Print where rectification starts: ρ at the last step before torch's step k and at the
    lecture's t = k − 1, then the lecture's t of torch's first rectified step k (ρ > 5) and of
    the paper's k_paper (ρ > 4). k, k_paper: `first_rectified_step` with each threshold."""
    print(tr("β2 = {beta2:g}: {rho_before} = {before:.4f}, {rho_from} = {at:.4f}; torch rectifies from "
             "t = {t} (its step {k}), the paper's ρ > 4 from t = {t_paper}").format(
        beta2=beta2, rho_before=_at("ρ", k - 2), before=rho_at(k - 2, beta2), rho_from=_at("ρ", k - 1),
        at=rho_at(k - 1, beta2), t=k - 1, k=k, t_paper=k_paper - 1))


def rho_figure(beta2=0.999, steps=50):
    """ρ^t with the paper's and torch's thresholds (left, t from 0) and r (right, against
    t + 1, torch's step, on a log axis)."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11, 3.8))
    t = np.arange(steps)
    rho = rho_at(t, beta2)
    left.plot(t, rho, "o-", color=RADAM, markersize=4, lw=1.2)
    for level, text, ls in ((PAPER_THRESHOLD, tr(r"paper: $\rho > 4$"), ":"),
                            (TORCH_THRESHOLD, "torch: $\\rho > 5$", "--")):
        left.axhline(level, color="0.3", ls=ls, lw=1.2)
        left.annotate(text, (15, level), xytext=(0, 3 if level > 4.5 else -3),
                      textcoords="offset points", ha="right",
                      va="bottom" if level > 4.5 else "top", fontsize="small")
    for k in (4, 5):
        left.annotate(rf"$\rho^{k}$ = {rho[k]:.3f}", (k, rho[k]),
                      xytext=(30, -40) if k == 4 else (-70, 14), textcoords="offset points",
                      fontsize="small", arrowprops=dict(arrowstyle="-", color="0.3", lw=0.8))
    left.set_xlim(-1, 15.5)
    left.set_ylim(0, 17)
    left.set_xlabel(tr("step t"))
    left.set_ylabel(r"$\rho^t$")
    left.set_title(tr(r"$\rho^t \approx t + 1$ early on ($\rho_\infty$ = {rho:.0f})").format(rho=rho_inf(beta2)),
                   fontsize="medium")

    k = np.arange(1, 10_001)                      # torch's steps k = t + 1
    r = rectifier(k, beta2, TORCH_THRESHOLD)
    right.plot(k, r, color=RADAM)
    first = first_rectified_step(beta2)
    right.plot(first, r[first - 1], "o", color=RADAM, markeredgecolor="black")
    right.annotate(tr("t = {t} (torch's step {step}): r = {r:.4f}").format(t=first - 1, step=first, r=r[first - 1]), (first, r[first - 1]),
                   xytext=(12, 28), textcoords="offset points", fontsize="small",
                   arrowprops=dict(arrowstyle="-", color="0.3", lw=0.8))
    right.set_xscale("log")
    right.set_ylim(0, 1.05)
    right.set_xlabel(tr("t + 1 (torch's step)"))
    right.set_ylabel(tr("rectifier r"))
    right.set_title(tr("r: the rectifier grows to 1 over thousands of steps"), fontsize="medium")
    plots.no_minor_ticks(*fig.axes)
    return fig


def rho_table(beta2s=(0.9, 0.98, 0.999), steps=(0, 1, 2, 3, 4, 5, 6)):
    """Print ρ^t at a few t (from 0) and the first rectified t (torch, paper) for several β2."""
    print(f"{'β2':>6s} {'ρ∞':>6s}" + "".join(f"{_at('ρ', t):>8s}" for t in steps)
          + pad(tr("torch (ρ > 5) from"), 20, ">") + pad(tr("paper (ρ > 4) from"), 20, ">"))
    for b2 in beta2s:
        rho = rho_at(np.array(steps), b2)
        cells = [first_rectified_step(b2, threshold) for threshold in (TORCH_THRESHOLD, PAPER_THRESHOLD)]
        print(f"{b2:6g} {rho_inf(b2):6.0f}" + "".join(f"{x:8.3f}" for x in rho)
              + "".join(pad(tr("t = {t} (step {step})").format(t=k - 1, step=k), 20, ">") for k in cells))


# ---------------------------------------------------------------------------------------
# 4 · The argument measured with noise: minibatch Adam on the Pokémon surface

NOISY = ("Adam", "Adam + warmup")        # the two runs the section compares, by name


def _noisy_parts(runs, adaptive_steps, eta, beta2):
    """What the noise table and figure share: t, the warmup's factor η^t/η, RAdam's r at t
    (NaN while torch's RAdam does not rectify), and each run's η^t/σ_i^t, shape (n, seeds, d)."""
    adam, warm = (adaptive_steps(runs[name]) for name in NOISY)
    t = np.arange(len(adam))
    factor = runs[NOISY[1]].lr / eta
    r = np.where(rho_at(t, beta2) > TORCH_THRESHOLD, rectifier(t + 1, beta2), np.nan)
    return t, factor, r, adam, warm


def noise_table(runs, adaptive_steps, eta, names=("b", "w"), shown=(0, 1, 2, 3, 5, 9, 19, 29), beta2=0.999,
                *, verdict=True):
    """Print, for a few t (from 0): the warmup's factor η^t/η, RAdam's r^t (torch rectifies from
    t = 5), how unreliable Adam's 1/σ_i^t is (standard deviation over the seeds ÷ mean), the
    spread (standard deviation over the seeds) of the step η^t/σ_i^t with warmup ÷ without,
    and the same ratio for 1/σ_i^t alone (the first ratio ÷ η^t/η). Then, unless `verdict` is
    False, `noise_verdict`'s two lines.

    runs: {"Adam": Path, "Adam + warmup": Path}, minibatch runs over many seeds (one per start);
    adaptive_steps(path): η^t/σ_i^t, shape (steps, seeds, d) (the notebook's teaching function).
    """
    t, factor, r, adam, warm = _noisy_parts(runs, adaptive_steps, eta, beta2)
    relative = adam.std(axis=1) / adam.mean(axis=1)          # η^t cancels: the spread of 1/σ_i^t
    ratio = _spread_ratio(adam, warm)
    alone = ratio / factor[:, None]
    d = adam.shape[-1]
    group = 9 * d
    own = tr("Adam's 1/σᵢᵗ")
    print(f"{'':20s}  {pad(own, group, '>')}  {pad(tr('spread with warmup ÷ without'), 2 * group + 2, '>')}")
    print(f"{'':4s}{pad(tr('warmup'), 8, '>')}{'RAdam':>8s}  {pad(tr('std ÷ mean'), group, '>')}  "
          f"{pad(tr('of ηᵗ/σᵢᵗ'), group, '>')}  {pad(tr('of 1/σᵢᵗ'), group, '>')}")
    print(f"{'t':>4s}{'ηᵗ/η':>8s}{'rᵗ':>8s}" + ("  " + "".join(f"{n:>9s}" for n in names[:d])) * 3)
    for i in shown:
        r_text = f"{r[i]:.4f}" if np.isfinite(r[i]) else "–"
        print(f"{i:4d}{factor[i]:8.4f}{r_text:>8s}"
              + "".join("  " + "".join(f"{x:9.4f}" for x in row) for row in (relative[i], ratio[i], alone[i])))
    if verdict:
        noise_verdict(runs, adaptive_steps, eta, names, beta2)


def _spread_ratio(adam, warm):
    """The spread (standard deviation over the seeds) of η^t/σ_i^t with warmup ÷ without."""
    return warm.std(axis=1) / adam.std(axis=1)


def noise_verdict(runs, adaptive_steps, eta, names=("b", "w"), beta2=0.999):
    """Print whether the spread of η^t/σ_i^t with warmup is below the spread without at every
    t, and RAdam's r^t below the warmup's η^t/η wherever torch rectifies: the last two lines of
    `noise_table`, for a slide. runs, adaptive_steps: see `noise_table`."""
    t, factor, r, adam, warm = _noisy_parts(runs, adaptive_steps, eta, beta2)
    ratio = _spread_ratio(adam, warm)
    d = adam.shape[-1]
    below = ", ".join(f"{n} {tr('yes') if np.all(ratio[:, k] < 1) else tr('no')}" for k, n in enumerate(names[:d]))
    print(tr("spread with warmup below without at every t = 0 … {last}: {below} (largest ratio {ratio:.4f})").format(
        last=t[-1], below=below, ratio=ratio.max()))
    rect = np.isfinite(r)
    print(tr("RAdam's rᵗ below the warmup's ηᵗ/η at every t = {first} … {last}: {verdict}").format(
        first=t[rect][0], last=t[-1], verdict=tr("yes") if np.all(r[rect] < factor[rect]) else tr("no")))


def noise_figure(runs, adaptive_steps, eta, names=("b", "w"), band=(0.05, 0.95), beta2=0.999):
    """Left, middle: η^t/σ_i^t over the seeds for each parameter (median and the `band`
    quantiles), Adam and Adam + warmup. Right: the spread (standard deviation over the seeds)
    with warmup ÷ without, for each parameter, beside the warmup's factor η^t/η and RAdam's r^t.
    runs, adaptive_steps: see `noise_table`."""
    t, factor, r, adam, warm = _noisy_parts(runs, adaptive_steps, eta, beta2)
    fig, axes = plots.new_figure(1, 3, figsize=(12, 4))
    low, high = band
    seeds = adam.shape[1]
    for i, ax in enumerate(axes[:2]):
        for name, steps in zip(NOISY, (adam, warm)):
            kw = METHOD_STYLE[name]
            q = np.quantile(steps[:, :, i], [low, 0.5, high], axis=1)
            ax.fill_between(t, q[0], q[2], color=kw["color"], alpha=0.25 if name == NOISY[0] else 0.12,
                            edgecolor=kw["color"], lw=0)
            ax.plot(t, q[1], label=tr("{name}: median").format(name=_shown(name)), **kw)
        ax.set_yscale("log")
        ax.set_xlabel(tr("step t"))
        ax.set_ylabel(tr("$\\eta^t/\\sigma_{name}^t$ over {seeds} seeds").format(name=names[i], seeds=seeds))
        ax.set_title(tr("step of {name}: median, {low:.0%}–{high:.0%} band").format(name=names[i], low=low, high=high),
                     fontsize="medium")
    axes[0].legend(fontsize="small", loc="lower right")
    right = axes[2]
    ratio = _spread_ratio(adam, warm)
    for i, marker in zip(range(adam.shape[-1]), "os"):
        right.plot(t, ratio[:, i], marker, color=ADAM, markersize=5, mfc="none" if i else ADAM,
                   label=tr("spread ratio, {name}").format(name=names[i]))
    right.plot(t, factor, color="black", ls="--", lw=1.5, label=tr(r"warmup's $\eta^t/\eta$"))
    rect = np.isfinite(r)
    right.plot(t[rect], r[rect], color=RADAM, lw=2, label=tr(r"RAdam's $r^t$"))
    right.axhline(1, color="0.4", ls=":", lw=1)
    right.set_yscale("log")
    right.set_xlabel(tr("step t"))
    right.set_ylabel(tr("spread ratio; factor on the step"))
    right.set_title(tr("spread with ÷ without warmup"), fontsize="medium")
    right.legend(fontsize="small", loc="lower right")
    plots.no_minor_ticks(*fig.axes)
    return fig


# ---------------------------------------------------------------------------------------
# 5 · A small network: Adam, Adam + warmup, RAdam

NOISE_FLOOR = 0.5 * 0.1 ** 2     # ½·E[noise²] for synthetic_data's noise of std 0.1
FAILED = 0.03                    # a run whose late loss is above this has not fitted the sine


def network_problem(n=40, seed=0, sizes=(1, 16, 16, 1)):
    """The regression of notebook 07: a tanh MLP fitted to synthetic sine data."""
    X, y = nets.synthetic_data(n, seed, "sine")
    return nets.Regression(nets.MLP(sizes, "tanh"), X, y)


def network_starts(problem, seeds=6):
    """`seeds` initialisations θ^0 (Xavier, seeds 0 … seeds − 1), shape (seeds, d)."""
    return np.stack([problem.net.init(seed) for seed in range(seeds)])


def update_sizes(path):
    """|Δθ_i^t| = |θ_i^{t+1} − θ_i^t| over the parameters: (largest, median) per step and
    start, each of shape (steps, starts)."""
    delta = np.abs(np.diff(path.params, axis=0))
    return np.max(delta, axis=-1), np.median(delta, axis=-1)


def late_loss(path, last=50):
    """Median loss over the last `last` steps, per start: robust to single spikes.
    `path` is a Path or its losses."""
    return np.median(getattr(path, "loss", path)[-last:], axis=0)


def early_peak(path, first=30):
    """max over t ≤ first of L(θ^t) / L(θ^0), per start: how far the loss jumps up early.
    `path` is a Path or its losses."""
    loss = getattr(path, "loss", path)
    return np.max(loss[:first + 1], axis=0) / loss[0]


def race_table(problem, runs, saturation, at=10):
    """Print per method (medians over the starts): the first step's smallest, median and
    largest |Δθ_i|, the early jump of the loss, the saturated share after `at` steps, the late
    loss, and how many starts failed (late loss above FAILED).

    saturation(problem, params): the share of saturated units of the last hidden layer, per
    start (the notebook's teaching function).
    """
    print(f"{'':14s} {pad(tr('|Δθᵢ| at t = 0 (over i):'), 26, '>')} {pad(tr('early peak'), 11, '>')} "
          f"{pad(tr('saturated'), 10, '>')} {pad(tr('late'), 8, '>')} {pad(tr('failed'), 7, '>')}")
    print(f"{'':14s} {pad(tr('smallest'), 8, '>')} {pad(tr('median'), 8, '>')} {pad(tr('largest'), 8, '>')} "
          f"{'L/L(θ⁰)':>11s} {pad(tr('at t = {t}').format(t=at), 10, '>')} {pad(tr('loss'), 8, '>')}")
    for name, path in runs.items():
        first = np.abs(path.params[1] - path.params[0])
        late = late_loss(path)
        print(f"{pad(_shown(name), 14)} {np.median(first.min(axis=-1)):8.4f} {np.median(np.median(first, axis=-1)):8.4f} "
              f"{np.median(first.max(axis=-1)):8.4f} {np.median(early_peak(path)):11.3g} "
              f"{np.median(saturation(problem, path.params[at])):10.0%} {np.median(late):8.4f} "
              + tr("{failed:3d} of {runs}").format(failed=int(np.sum(late > FAILED)), runs=late.size))


def failures(runs):
    """Print, per method, how many starts failed (late loss above FAILED) and how. A failed run
    that was never below FAILED never fitted; one that was, fitted and then lost it: the line gives
    its lowest loss, the step t of that lowest loss and the first step after it at which the loss
    was back above FAILED. `runs`: name → Path or losses, shape (steps + 1, starts)."""
    print(tr("how the failed runs (late loss above {failed:g}) failed:").format(failed=FAILED))
    for name, path in runs.items():
        loss = getattr(path, "loss", path)
        late = late_loss(loss)
        failed = np.flatnonzero(late > FAILED)
        if not len(failed):
            print(f"{pad(_shown(name), 14)} " + tr("none of {runs}").format(runs=late.size))
            continue
        never, lost = [], []
        for k in failed:
            if np.all(loss[:, k] > FAILED):
                never.append(k)
                continue
            best = int(np.argmin(loss[:, k]))
            lost.append(tr("lowest {low:.2g} at t = {t}, above {failed:g} again from t = {again}").format(
                low=loss[best, k], t=best, failed=FAILED, again=best + int(np.argmax(loss[best:, k] > FAILED))))
        parts = []
        if never:
            parts.append(tr("{n} never below {failed:g} (late loss {low:.3g} … {high:.3g})").format(
                n=len(never), failed=FAILED, low=late[never].min(), high=late[never].max()))
        if lost:
            parts.append(tr("{n} fitted, then lost it ({how})").format(n=len(lost), how=tr("; ").join(lost)))
        print(f"{pad(_shown(name), 14)} " + tr("{failed} of {runs}: {how}").format(failed=len(failed), runs=late.size,
                                                                        how=tr("; ").join(parts)))


def race_figure(problem, runs, eta, saturation, first=40):
    """Top: L(θ^t) per start, one panel per method. Bottom: the largest and median |Δθ_i^t|
    in the first steps, and the saturated share of the last hidden layer (`saturation`, see
    `race_table`)."""
    fig, (top, (sizes_ax, median_ax, sat_ax)) = plots.new_figure(2, 3, figsize=(12.5, 5.6) if style.is_lecture() else (12, 7.2))
    for ax in top[1:]:
        ax.sharey(top[0])
    for ax, (name, path) in zip(top, runs.items()):
        kw = METHOD_STYLE[name]
        ax.plot(path.loss, color=kw["color"], lw=0.9, alpha=0.85)
        failed = int(np.sum(late_loss(path) > FAILED))
        ax.set_title(tr("{name}: {failed} of {runs} failed").format(name=_shown(name), failed=failed, runs=path.loss.shape[1]),
                     fontsize="medium")
        ax.axhline(NOISE_FLOOR, color="black", ls=":", lw=1)
        ax.set_yscale("log")
        ax.set_xlabel(tr("step t"))
    top[0].set_ylabel(rf"$L(\theta^t)$, η = {eta:g}")
    top[0].annotate(tr("noise level"), (0, NOISE_FLOOR), xytext=(2, -2), textcoords="offset points",
                    va="top", fontsize="small")
    for name, path in runs.items():
        largest, median = update_sizes(path)
        kw = METHOD_STYLE[name]
        t = np.arange(first)
        sizes_ax.plot(t, np.median(largest[:first], axis=1), label=_shown(name), **kw)
        median_ax.plot(t, np.median(median[:first], axis=1), label=_shown(name), **kw)
        sat = saturation(problem, path.params[:first + 1])
        sat_ax.plot(np.arange(first + 1), np.median(sat, axis=1), label=_shown(name), **kw)
    for ax in (sizes_ax, median_ax):
        ax.axhline(eta, color="0.4", ls=":", lw=1)
        # named just right of the axes, at its height: inside, it would meet the title when η is near the top
        ax.annotate("η", (1, eta), xycoords=ax.get_yaxis_transform(), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize="small")
        ax.set_yscale("log")
    sat_ax.set_ylim(0, 1)
    for ax, ylabel, title in ((sizes_ax, tr(r"largest $|\Delta\theta_i^t|$ over $i$"), tr("largest update (median over starts)")),
                              (median_ax, tr(r"median $|\Delta\theta_i^t|$ over $i$"), tr("typical update (median over starts)")),
                              (sat_ax, tr("share with |z| > 3"), tr("saturated tanh units, layer 2"))):
        ax.set_xlabel(tr("step t"))
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize="medium")
    sizes_ax.legend(fontsize="small", loc="lower right")
    plots.no_minor_ticks(*fig.axes)
    return fig


SWEEP_METHODS = {    # name → (optimizer for a given η, whether the warmup schedule applies)
    "Adam": (lambda lr: optim.Adam(lr=lr), False),
    "Adam + warmup": (lambda lr: optim.Adam(lr=lr), True),
    "RAdam": (lambda lr: optim.RAdam(lr=lr), False),
}


def eta_sweep(problem, starts, etas, steps, warmup, known=None, limit=1e10):
    """{η: {"Adam": losses, "Adam + warmup": losses, "RAdam": losses}} for each η, all starts
    at once: L(θ^t) of every point and start, (steps + 1, starts) (all the sweep uses; a whole
    Path of this network would keep tens of MB of parameters and gradients in the kernel).

    `known` (η → {name: Path}) reuses runs already made. The others run side by side
    (`runner.side_by_side`), one row per (method, η, start): each row is the run
    `descend(problem, make(η), start, steps, schedule=…)` makes, and as there its loss is NaN
    from the first point that is not finite or beyond ±limit.
    """
    known = known or {}
    todo = [eta for eta in etas if eta not in known]
    starts = np.asarray(starts, dtype=float)
    k = len(starts)
    t = np.arange(steps)
    warmed_lrs = np.stack([np.asarray(warmup.lr_at(t, eta), dtype=float) for eta in todo], axis=1)  # (steps, η)
    blocks = [(make(1.0), np.repeat(warmed_lrs if warmed else np.broadcast_to(todo, (steps, len(todo))), k, axis=1))
              for make, warmed in SWEEP_METHODS.values()]
    losses = np.empty((steps + 1, len(blocks) * len(todo) * k))
    bad = np.zeros(losses.shape, dtype=bool)

    def gradient(t, params):                # L(θ^t), whether θ^t counts as diverged, ∇L(θ^t)
        losses[t], g = problem.loss_and_grad(params)
        bad[t] = bad_points(params, g, losses[t], limit)
        return g
    if todo:
        with np.errstate(all="ignore"):
            gradient(steps, side_by_side(blocks, np.tile(starts, (len(blocks) * len(todo), 1)), steps, gradient))
    losses[np.cumsum(bad, axis=0) > 0] = np.nan
    rows = losses.reshape(steps + 1, len(blocks), len(todo), k)
    out = {}
    for eta in etas:
        if eta in known:
            out[eta] = {name: path.loss for name, path in known[eta].items()}
        else:
            out[eta] = {name: rows[:, b, todo.index(eta)] for b, name in enumerate(SWEEP_METHODS)}
    return out


def sweep_table(sweep):
    """Print per η and method: the early peak L/L(θ^0) (median), the late loss (median) and
    the number of failed starts."""
    names = list(next(iter(sweep.values())))
    print(f"{'η':>6s}" + "".join(pad(_shown(name), 25, ">") for name in names))
    print(f"{'':6s}" + "".join(pad(tr("peak ×   late  failed"), 25, ">") for _ in names))
    for eta, runs in sweep.items():
        cells = []
        for name in names:
            path = runs[name]
            late = late_loss(path)
            cells.append(f"{np.median(early_peak(path)):7.3g} {np.median(late):8.4f} "
                         f"{int(np.sum(late > FAILED)):3d}/{late.size}")
        print(f"{eta:6g}" + "".join(f"{c:>25s}" for c in cells))


def rectifier_values(t, beta2=0.999):
    """Print RAdam's rectifier r at the lecture's steps t (torch's steps t + 1), 3 decimals."""
    t = np.atleast_1d(t)
    print(tr("RAdam's rectifier r at t = {t} (torch's steps t + 1 = {k}): {r}").format(
        t=", ".join(str(s) for s in t), k=", ".join(str(s + 1) for s in t),
        r=", ".join(f"{r:.3f}" for r in rectifier(t + 1, beta2))))


def sweep_figure(sweep):
    """Early peak L/L(θ^0) (left) and late loss (right) against η, medians with every start."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(12, 4))
    etas = np.array(list(sweep))
    names = list(next(iter(sweep.values())))
    spread = dict(zip(names, (0.93, 1.0, 1.07)))    # side by side, so the dots don't hide each other
    for name in names:
        kw = METHOD_STYLE[name]
        peaks = np.array([early_peak(sweep[e][name]) for e in etas])
        lates = np.array([late_loss(sweep[e][name]) for e in etas])
        for ax, values in ((left, peaks), (right, lates)):
            ax.plot(etas * spread[name], np.median(values, axis=1), marker="o", label=_shown(name), **kw)
            x = np.repeat(etas * spread[name], values.shape[1])
            ax.plot(x, values.ravel(), ".", color=kw["color"], alpha=0.35, markersize=5)
    left.axhline(1, color="0.4", ls=":", lw=1)
    right.axhline(FAILED, color="0.4", ls=":", lw=1)
    right.annotate(tr("failed above"), (etas[0] * 0.8, FAILED), xytext=(0, 3), textcoords="offset points",
                   fontsize="small", va="bottom")
    right.axhline(NOISE_FLOOR, color="black", ls=":", lw=1)
    right.annotate(tr("noise level"), (etas[0] * 0.8, NOISE_FLOOR), xytext=(0, -3),
                   textcoords="offset points", fontsize="small", va="top")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(tr("base learning rate η"))
    left.set_ylabel(tr(r"largest $L(\theta^t) / L(\theta^0)$, $t \leq 30$"))
    left.set_title(tr("how far the loss jumps up early"), fontsize="medium")
    right.set_ylabel(tr("late loss (median of the last 50 steps)"))
    right.set_title(tr("where it ends (dots: the starts)"), fontsize="medium")
    left.legend(fontsize="small")
    plots.no_minor_ticks(*fig.axes)
    return fig


# ---------------------------------------------------------------------------------------
# Exercises

def _whole(number):
    """A Number that is a whole number up to rounding (3999.999999999998) as an int, else None."""
    if not np.isfinite(number):
        return None
    nearest = round(number)
    return int(nearest) if abs(number - nearest) <= 1e-6 * max(1.0, abs(number)) else None


@check
def check_transformer_peak(answer, d_model=PAPER_D_MODEL, warmup_steps=PAPER_WARMUP):
    """(step, lr) of the Transformer schedule's peak, step counted from 1 as in the paper."""
    pair = as_pair(answer, "`peak = (step, lr)`")
    if isinstance(pair, Feedback):
        return pair
    step, lr = pair
    true_step, true_lr = transformer_peak(d_model, warmup_steps)
    whole = _whole(step)
    step_ok, lr_ok = whole == true_step, close(lr, true_lr, 2e-3)
    if step_ok and lr_ok:
        return right(tr("Yes: the two branches of the min meet where 1/√step = step/√(warmup_steps³), "
                        "at step = warmup_steps = {step:,}; there lr = 1/√(d_model·warmup_steps) "
                        "= {lr:.4e}.").format(step=true_step, lr=true_lr))
    if _whole(lr) == true_step and close(step, true_lr, 2e-3):
        return wrong(tr("The two are swapped: the step {step:,} comes first, then the lr; write (step, lr).").format(
            step=true_step))
    if _whole(lr) is not None and true_lr < 1 <= lr and 0 < step < 1:
        return wrong(tr("The two look swapped: a step is a whole number 1, 2, 3, … and the peak lr is below 1, "
                        "but got step {step} and lr {lr}. Write (step, lr), the step first.").format(
                            step=shown(step), lr=shown(lr)))
    problems = []
    if not step_ok:
        if whole is None and not step.huge:
            problems.append(tr("step {step} is not a whole step: steps are counted 1, 2, 3, …").format(step=shown(step)))
        elif whole == true_step - 1:
            problems.append(tr("step {step} is the peak counted from 0 (the library's t = {t:,}); the paper counts "
                               "steps from 1, so it is step {true:,}").format(step=shown(step), t=true_step - 1,
                                                                              true=true_step))
        elif whole == true_step + 1:
            problems.append(tr("step {step} is one too late: at step {true:,} itself both "
                               "branches are equal, and after it the lr already falls").format(
                                   step=shown(step), true=true_step))
        elif lr_ok:
            problems.append(tr("step {step} is not where the peak is: the warmup branch grows "
                               "until it meets the decay branch").format(step=shown(step)))
        else:
            problems.append(tr("step {step} is not the peak: solve 1/√step = "
                               "step/√(warmup_steps³) for the step").format(step=shown(step)))
    if not lr_ok:
        candidates = {
            tr("forgets the factor 1/√d_model"): warmup_steps ** -0.5,
            tr("uses √d_model instead of 1/√d_model"): d_model ** 0.5 * warmup_steps ** -0.5,
            tr("is the lr at step 1, where the warmup starts"): d_model ** -0.5 * warmup_steps ** -1.5,
            tr("is 1/√d_model alone"): d_model ** -0.5,
        }
        reason = (next((why for why, value in candidates.items() if close(lr, value, 2e-3)), None)
                  or rounding_clause(lr, true_lr, 2e-3, tr("the peak value"))
                  or tr("is not the peak value: put the peak step into min(1/√step, step/√(warmup_steps³))/√d_model"))
        problems.append(tr("lr = {lr} {reason}").format(lr=shown(lr), reason=reason))
    message = tr("; ").join(problems) + tr(".")
    return wrong("S" + message[1:] if message.startswith("step") else message)


@check
def check_rectify_step(answer, beta2=0.999):
    """The first of torch's steps (k = t + 1, from 1) at which torch's RAdam rectifies (ρ > 5)."""
    if answer is None:
        return unanswered("`first_step`")
    k = as_int(answer, tr("`first_step` (one of torch's steps, counted 1, 2, 3, …)"), units=(STEP,))
    if isinstance(k, Feedback):
        return k
    target = first_rectified_step(beta2, TORCH_THRESHOLD)
    paper = first_rectified_step(beta2, PAPER_THRESHOLD)
    rho = optim.radam_rho(np.arange(1, target + 1), beta2)
    note = read_as(answer, k)
    if k == target:
        return right(tr("Yes{note}: at torch's step {before} (t = {t_before}) ρ = {rho_before:.4f} ≤ 5, "
                        "at torch's step {step} (t = {t}) ρ = {rho:.4f} > 5; so torch's "
                        "steps 1–{before} are momentum SGD and step {step} is the first with the "
                        "adaptive, rectified lr.").format(
                            note=note, before=target - 1, t_before=target - 2, rho_before=rho[target - 2],
                            step=target, t=target - 1, rho=rho[target - 1]))
    if k == paper:
        return wrong(tr("Torch's step {paper}{note} is where the paper's threshold ρ > 4 is first met "
                        "(ρ = {rho:.4f}); {paper} is also the right answer written as the lecture's "
                        "t. torch needs ρ > 5, and the question counts torch's steps: one step later.").format(
                            paper=paper, note=note, rho=rho[paper - 1]))
    if k < 1:
        return wrong(tr("{answer} comes before torch's first step: torch counts its steps 1, 2, 3, …").format(
            answer=shown(answer)))
    if k < paper:
        return wrong(tr("Too early{note}: at torch's step {step}, ρ = {rho:.4f}, not even "
                        "above the paper's 4. Early on ρ is about torch's step number.").format(
                            note=note, step=k, rho=optim.radam_rho(k, beta2)))
    return wrong(tr("Too late{note}: at torch's step {step} already ρ = {rho:.4f} > 5.").format(
        note=note, step=target, rho=rho[target - 1]))


@check
def check_resnet_lr(answer, base_lr=RESNET_BASE_LR):
    """(η at iteration 100, η at iteration 1000) of ResNet's warmup with base η = 0.1."""
    pair = as_pair(answer, "`lrs = (lr_100, lr_1000)`")
    if isinstance(pair, Feedback):
        return pair
    a, b = pair
    schedule = schedules.ResNetWarmup(RESNET_WARMUP_LR, RESNET_WARMUP)
    lr_100, lr_1000 = schedule.lr_at(100, base_lr), schedule.lr_at(1000, base_lr)
    ok_a, ok_b = close(a, lr_100, 1e-6), close(b, lr_1000, 1e-6)
    if ok_a and ok_b:
        return right(tr("Yes: iteration 100 is inside the {warmup}-iteration warmup, so "
                        "η = {lr_100:g}; at iteration 1000 the warmup is over and η = {lr_1000:g}.").format(
                            warmup=RESNET_WARMUP, lr_100=lr_100, lr_1000=lr_1000))
    if close(a, lr_1000, 1e-6) and close(b, lr_100, 1e-6):
        return wrong(tr("The two are swapped: the warmup lr {lr_100:g} comes first, the base η = {lr_1000:g} after.")
                     .format(lr_100=lr_100, lr_1000=lr_1000))
    problems = []
    if not ok_a:
        if close(a, base_lr, 1e-6):
            problems.append(tr("at iteration 100 the warmup (the first {warmup} iterations) "
                               "is still on: η is {lr_100:g}, not the base {base:g}").format(
                                   warmup=RESNET_WARMUP, lr_100=lr_100, base=base_lr))
        elif close(a, RESNET_WARMUP_LR * base_lr, 1e-6):
            problems.append(tr("the warmup lr {lr:g} is the lr itself, not a factor of the base η").format(
                lr=RESNET_WARMUP_LR))
        else:
            problems.append(tr("{value} is not the lr at iteration 100 (within the warmup)").format(value=shown(a)))
    if not ok_b:
        if close(b, RESNET_WARMUP_LR, 1e-6):
            problems.append(tr("at iteration 1000 the warmup is over (it ends after iteration "
                               "{last}): η is back to {lr_1000:g}").format(last=RESNET_WARMUP - 1, lr_1000=lr_1000))
        else:
            problems.append(tr("{value} is not the lr at iteration 1000 (after the warmup: the base η)").format(
                value=shown(b)))
    message = tr("; ").join(problems) + tr(".")
    return wrong(message[0].upper() + message[1:])
