"""06 learning-rate decay: Adagrad's bursts, the η/sqrt(t+1) fix, a gallery of schedules,
the schedule panel and the exercises.

The lecture's Adagrad divides by the root *mean* square σ_i^t of past gradients. Once the
path has settled, new gradients are tiny, the mean keeps shrinking like 1/sqrt(t+1), the
effective step η/σ_i^t grows like sqrt(t+1) until the steep direction becomes unstable,
and the loss bursts up; the large gradients of the burst raise σ again and the path
recovers. `runner.bursts` (the course's one definition of a burst) finds these episodes;
the notebook's teaching code, `stability_number` (λ_max(D^t H), unstable above 2) and
`step_growth`, shows when each one is coming. This module draws and tabulates them and holds
the schedule panel and the exercise checks.
"""

import re

import numpy as np

from .. import optim, plots, runner, schedules, style, surfaces, widgets
from ..exercises import (Feedback, as_number, as_pair, check, close, right, rounded_digits, rounding_note,
                         rounding_of, shown, wrong)
from ..i18n import ntr, pad, tr, truth
from ..runner import descend

WINDOW = ((-200, -100), (-5, 7))   # the Pokémon window, taller: bursts throw w up to 6.6
BURST_MARK = dict(marker="^", markersize=9, color="black", markeredgecolor="white",
                  markeredgewidth=0.8, linestyle="none", zorder=6)

# One colour per schedule, in the order of `plots.schedule_curves`' cycle.
SCHEDULE_KINDS = ("constant", "1/sqrt(t+1)", "step", "exponential", "cosine")
SCHEDULE_COLORS = {kind: style.CYCLE[i] for i, kind in enumerate(SCHEDULE_KINDS)}


def schedule_name(kind):
    """A schedule kind (one of SCHEDULE_KINDS) or a run's label as the notebook writes it
    ("step: ×0.5 every 2000", "exponential: γ = 0.9998", "cosine: T_max = 20000", "constant η = 1")
    as shown to the learner; other labels as they are."""
    names = {"constant": tr("constant"), "1/sqrt(t+1)": "1/sqrt(t+1)", "step": tr("step"),
             "exponential": tr("exponential"), "cosine": tr("cosine")}
    if kind in names:
        return names[kind]
    if (match := re.fullmatch(r"step: ×(\S+) every (\S+)", kind)):
        return tr("step: ×{gamma} every {step_size}").format(gamma=match[1], step_size=match[2])
    if (match := re.fullmatch(r"exponential: γ = (\S+)", kind)):
        return tr("exponential: γ = {gamma}").format(gamma=match[1])
    if (match := re.fullmatch(r"cosine: T_max = (\S+)", kind)):
        return tr("cosine: T_max = {T_max}").format(T_max=match[1])
    if (match := re.fullmatch(r"constant η = (\S+)", kind)):
        return tr("constant η = {eta}").format(eta=match[1])
    return kind


def burst_lines(surface, path, bursts, shown=8):
    """Three lines on a run's bursts: the steps between the first successive ones, the highest
    burst's loss against the minimum L*, and the lowest L − L* the run reached."""
    peak = path.loss[bursts.peaks].max()
    return "\n".join((
        tr("steps between successive bursts: {gaps} …").format(
            gaps=", ".join(f"{d:,}" for d in np.diff(bursts.starts)[:shown])),
        tr("highest burst: L = {peak:.4g}, {ratio:.1f} × the minimum L* = {minimum:.7g}").format(
            peak=peak, ratio=peak / surface.min_loss, minimum=surface.min_loss),
        tr("lowest L − L* reached between bursts: {gap:.3g}").format(gap=(path.loss - surface.min_loss).min())))


def decayed_stability(calm, t=1000):
    """The stability number λ_max(D^t H) with the decay (`calm`, one value per step) at t = 0, at
    step `t` and at the last step, as a line."""
    return tr("with the decay: λ_max(D^t H) = {first:.3f} at t = 0, {middle:.4f} at t = {t:,}, "
              "{last:.4f} at t = {end:,}").format(first=calm[0], middle=calm[t], t=t, last=calm[-1],
                                                  end=len(calm) - 1)


def fix_table(surface, runs, step_growth):
    """Print per run (label → Path): its bursts, the largest growth of w's effective step from one
    update to the next (`step_growth`, the notebook's teaching function), L − L* at the end and the
    first step with L − L* < 1e-9 (`Path.steps_to`)."""
    print(f"{pad(tr('run'), 20)} {pad(tr('bursts'), 6, '>')} {pad(tr('max growth of η^t/σ_w^t'), 24, '>')} "
          f"{pad(tr('L − L* at the end'), 18, '>')} "
          f"{pad(tr('L − L* < 1e-9 from t'), 21, '>')}")
    for name, path in runs.items():
        reached = path.steps_to(surface.min_loss + 1e-9)
        print(f"{pad(schedule_name(name), 20)} {len(runner.bursts(path, surface)):6d} "
              f"{step_growth(path.step_size[:, 1]):>23.6f}× {gap_text(path, surface):>18s} "
              f"{pad(tr('never') if reached is None else f'{reached:,}', 21, '>')}")


def torch_endpoint(path, surface):
    """Two lines: where torch's Adagrad ended (L − L* and θ) above the minimum θ*."""
    return "\n".join((
        tr("torch's Adagrad after {steps:,} steps: L − L* = {gap}, θ = ({b:.3f}, {w:.4f})").format(
            steps=path.steps, gap=gap_text(path, surface), b=path.endpoint[0], w=path.endpoint[1]),
        " " * 30 + tr("the minimum: θ* = ({b:.3f}, {w:.4f})").format(b=surface.minima[0, 0], w=surface.minima[0, 1])))


# ---------------------------------------------------------------------------------------
# Bursts (found by `runner.bursts`) and why they come; `stability` below is the notebook's
# stability_number, λ_max(D^t H) at every step

def crossings(stability, bursts):
    """For each burst, the step where the stability number last rose above 2 before it."""
    above = stability > 2
    result = []
    for start in bursts.starts:
        below = np.flatnonzero(~above[:start])
        result.append(int(below[-1]) + 1 if len(below) else 0)
    return np.array(result, dtype=int)


GAP_FLOOR = 1e-10   # below this, L − L* is float64 rounding of a loss near 1e5


def warning_table(stability, bursts, shown=6, *, verdict=True):
    """Print, for the first bursts, when λ_max(D^t H) rose above 2 and when the burst began;
    then, unless `verdict` is False, `warning_verdict`'s line."""
    rose = crossings(stability, bursts)
    print(f"{pad(tr('burst'), 5, '>')}  {pad(tr('λ_max(D^t H) > 2 from t'), 24, '>')}  "
          f"{pad(tr('burst starts at t'), 17, '>')}  {pad(tr('steps between'), 13, '>')}")
    for k, (r, s) in enumerate(zip(rose[:shown], bursts.starts[:shown]), 1):
        print(f"{k:5d}  {r:24,d}  {s:17,d}  {s - r:13,d}")
    if verdict:
        warning_verdict(stability, bursts)


def warning_verdict(stability, bursts):
    """Print whether every burst starts after λ_max(D^t H) rose above 2 (and is still above 2
    at the step before it): the last line of `warning_table`, for a slide."""
    rose = crossings(stability, bursts)
    print(tr("every one of the {n} bursts starts after λ_max(D^t H) rose above 2: {verdict}").format(
        n=len(bursts), verdict=truth(bool(np.all(rose < bursts.starts) and np.all(stability[bursts.starts - 1] > 2)))))


def gap_text(path, surface):
    """The final L − L* as text: '< 1e-09' where it is rounding, else 3 significant digits."""
    value = path.loss[-1] - surface.min_loss
    return f"< {1e-9:.0e}" if value < 1e-9 else f"{value:.3g}"


# ---------------------------------------------------------------------------------------
# Figures

def _gap_curve(ax, path, surface, color, *, lw, label=None, bursts=None, burst_label=None):
    """L − L* per step of `path` on `ax`, a log axis, with the peaks of its bursts ▲
    (`runner.bursts` unless `bursts` is given); returns the bursts."""
    bursts = runner.bursts(path, surface) if bursts is None else bursts
    gap = path.gap(surface, GAP_FLOOR)
    ax.plot(np.arange(len(gap)), gap, color=color, lw=lw, label=label)
    if len(bursts):
        ax.plot(bursts.peaks, gap[bursts.peaks], **BURST_MARK, label=burst_label)
    ax.set_yscale("log")
    ax.set_xlabel(tr("step t"))
    plots.plain_log_ticks(ax)
    return bursts


def burst_figure(surface, path, bursts, color=SCHEDULE_COLORS["constant"]):
    """The path with the bursts' peaks ▲ on the contours, and L − L* per step with the same marks."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(12, 4.6), width_ratios=(1, 1.35))
    plots.surface_axes(surface, left, window=WINDOW)
    plots.draw_path(left, path, label=tr("path"), color=color)
    left.plot(path.params[bursts.peaks, 0], path.params[bursts.peaks, 1], **BURST_MARK)
    _gap_curve(right, path, surface, color, lw=1.2, label=r"$L(\theta^t) - L^*$", bursts=bursts,
              burst_label=tr("burst"))
    left.set_title(tr("{optimizer} on the Pokémon surface").format(optimizer=path.label))
    right.set_ylabel(r"$L(\theta^t) - L^*$")
    right.set_title(tr("{n} bursts in {steps:,} steps (▲ = peak of a burst)").format(n=len(bursts), steps=path.steps))
    right.legend(loc="lower left", fontsize="small")
    return fig


def why_figure(surface, runs, bursts, until=5000):
    """σ_w^t, the effective step η^t/σ_w^t, and the stability number λ_max(D^t H), per step.

    runs: schedule kind → (path, its stability number per step); thin vertical lines mark
    the starts of `bursts` (from `runner.bursts`)."""
    # flatter on a slide, under its code and heading
    fig, axes = plots.new_figure(3, 1, figsize=(12, 4.6) if style.is_lecture() else (10, 6.6), sharex=True)
    for label, (path, stability) in runs.items():
        color = SCHEDULE_COLORS[label]
        t = np.arange(min(until, path.steps))
        axes[0].plot(t, path.sigma[t, 1], color=color, label=schedule_name(label))
        axes[1].plot(t, path.step_size[t, 1], color=color, label=schedule_name(label))
        axes[2].plot(t, stability[t], color=color, label=schedule_name(label))
    axes[1].axhline(2 / surface.H[1, 1], color="0.3", ls=":", lw=1.2)
    axes[1].annotate(r"$2/H_{ww}$", (until, 2 / surface.H[1, 1]), xytext=(4, 0),
                     textcoords="offset points", va="center", fontsize="small", color="0.3",
                     annotation_clip=False)
    axes[2].axhline(2, color="0.3", ls=":", lw=1.2)
    axes[2].annotate(tr("2: unstable above"), (until, 2), xytext=(4, 0), textcoords="offset points",
                     va="center", fontsize="small", color="0.3", annotation_clip=False)
    starts = bursts.starts[bursts.starts < until]
    for ax in axes:
        for s in starts:
            ax.axvline(s, color="black", lw=0.6, alpha=0.35)
    axes[0].set_ylabel(r"$\sigma_w^t$")
    axes[0].set_yscale("log")
    axes[1].set_ylabel(r"$\eta^t / \sigma_w^t$")
    axes[1].set_yscale("log")
    axes[2].set_ylabel(r"$\lambda_{\max}(D^t H)$")
    axes[2].set_ylim(0, 3)
    axes[2].set_xlabel(tr("step t   (thin vertical lines: starts of bursts)"))
    axes[0].set_title(tr("w, the steep parameter: σ shrinks, the step grows, the path becomes unstable"))
    axes[0].legend(loc="upper right", fontsize="small")
    axes[2].set_xlim(0, until)
    plots.plain_log_ticks(*axes)
    return fig


def fix_figure(surface, paths):
    """L − L* per step for several runs: a dict label → (path, colour)."""
    fig, ax = plots.new_figure(figsize=(10, 3.2 if style.is_lecture() else 4.2))   # flatter on a slide
    for label, (path, color) in paths.items():
        _gap_curve(ax, path, surface, color, lw=1.3, label=schedule_name(label))
    ax.set_ylabel(r"$L(\theta^t) - L^*$")
    ax.set_title(tr(r"Lecture Adagrad with and without the decay $\eta^t = \eta/\sqrt{t+1}$   (▲ = burst)"))
    ax.legend(loc="lower left", fontsize="small")
    return fig


def _relation(path, surface):
    text = gap_text(path, surface)
    return text if text.startswith("<") else f"= {text}"


def schedule_color(name):
    """The colour of a schedule, found by its kind at the start of `name`."""
    for kind in SCHEDULE_KINDS:
        if name.startswith(kind):
            return SCHEDULE_COLORS[kind]
    return style.CYCLE[-1]


def gallery_figure(surface, runs, ncols=3, *, shown=None, rates=True):
    """η^t of every run (the first panel; none with `rates=False`), then one panel per schedule
    named in `shown` (default: every run) with its L − L* per step and its bursts ▲, `ncols`
    panels to a row, so that each stays large enough to read. The L − L* axes span every run's
    values, so two figures showing different schedules share one scale."""
    shown = list(runs) if shown is None else list(shown)
    unknown = [name for name in shown if name not in runs]
    if unknown:
        raise ValueError(f"shown names no run: {', '.join(map(repr, unknown))}; "
                         f"the runs are {', '.join(map(repr, runs))}")
    if not shown and not rates:
        raise ValueError("nothing to show: shown is empty and rates is False")
    n = len(shown) + bool(rates)
    nrows = -(-n // ncols)
    # on a slide the rows are flatter (under its code and heading) and the text larger: the
    # lecture size is that of a three-panel row, so a slide shows at most one row legibly
    lecture = style.is_lecture()
    fig, axes = plots.new_figure(nrows, ncols, figsize=(9.6, 3.6 * nrows) if lecture else (11, 3.4 * nrows),
                                 squeeze=False)
    axes = axes.ravel()
    lr_ax, loss_axes = (axes[0], axes[1:n]) if rates else (None, axes[:n])
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax in loss_axes[1:]:
        ax.sharey(loss_axes[0])
    if lr_ax is not None:
        for name, path in runs.items():
            lr_ax.plot(np.arange(len(path.lr)), path.lr, color=schedule_color(name), label=schedule_name(name))
    for name, ax in zip(shown, loss_axes):
        path = runs[name]
        found = _gap_curve(ax, path, surface, schedule_color(name), lw=1.6 if lecture else 1.1)
        ax.set_title(ntr("{name}\n{n} burst, end $L - L^*$ {relation}", "{name}\n{n} bursts, end $L - L^*$ {relation}",
                         len(found)).format(name=schedule_name(name), n=len(found), relation=_relation(path, surface)),
                     fontsize="medium")
    if len(loss_axes):
        gaps = np.concatenate([runs[name].gap(surface, GAP_FLOOR) for name in runs])
        low, high = np.log10(gaps.min()), np.log10(gaps.max())
        margin = 0.05 * (high - low)
        loss_axes[0].set_ylim(10 ** (low - margin), 10 ** (high + margin))
    shown_axes = [ax for ax in (lr_ax, *loss_axes) if ax is not None]
    for ax in shown_axes:
        ax.xaxis.set_major_locator(plots.plt.MaxNLocator(3))
    if lr_ax is not None:
        lr_ax.set_xlabel(tr("step t"))
        lr_ax.set_yscale("log")
        lr_ax.set_ylabel(tr(r"learning rate $\eta^t$"))
        lr_ax.set_title(tr("the schedules"), fontsize="medium")
        # the schedules cross the whole axes (cosine falls to 0 at its end): the legend goes under the figure
        fig.legend(handles=lr_ax.get_lines(), loc="outside lower center", fontsize="small",
                   ncol=3 if lecture else min(len(runs), 5))
    first = int(bool(rates))                              # where the loss panels start
    for i in range(first, n):
        if i == first or i % ncols == 0:                  # the first loss panel of each row
            axes[i].set_ylabel(r"$L(\theta^t) - L^*$")
    plots.plain_log_ticks(*shown_axes)
    return fig


def gallery_table(surface, runs):
    """Print one line per schedule: bursts, the last burst's start, final θ and L − L*."""
    print(f"{pad(tr('schedule'), 28)} {pad(tr('bursts'), 6, '>')} {pad(tr('last at t'), 9, '>')} "
          f"{pad(tr('final b'), 9, '>')} {pad(tr('final w'), 8, '>')} {'L − L*':>10s}")
    for name, path in runs.items():
        b = runner.bursts(path, surface)
        last = f"{b.starts[-1]:,}" if len(b) else "–"
        end = path.params[-1]
        print(f"{pad(schedule_name(name), 28)} {len(b):6d} {last:>9s} {end[0]:9.3f} {end[1]:8.4f} "
              f"{gap_text(path, surface):>10s}")


def parity_table(lecture, torch_form, shown=(0, 1, 2, 10, 1000), *, verdict=True):
    """θ^t of two runs side by side at a few steps; then, unless `verdict` is False,
    `parity_gap`'s line."""
    n = min(len(lecture.params), len(torch_form.params))
    a_all, b_all = lecture.params[:n], torch_form.params[:n]
    print(f"{'t':>7s}  {pad(tr('lecture + η/sqrt(t+1)'), 30, '>')}  {'Adagrad(lr=1, eps=0)':>30s}")
    for t in (*shown, n - 1):
        a, b = a_all[t], b_all[t]
        print(f"{t:7,d}  ({a[0]:12.6f}, {a[1]:10.6f})  ({b[0]:12.6f}, {b[1]:10.6f})")
    if verdict:
        parity_gap(lecture, torch_form)


def parity_gap(lecture, torch_form):
    """Print the largest relative gap between two runs over every point both have: the last
    line of `parity_table`, for a slide."""
    n = min(len(lecture.params), len(torch_form.params))
    relative = runner.relative_error(lecture.params[:n], torch_form.params[:n])
    shown_gap = tr("< 1e-12 (rounding)") if relative < 1e-12 else f"{relative:.1e}"
    print(tr("largest relative gap over all {n:,} points: {gap}").format(n=n, gap=shown_gap))


# ---------------------------------------------------------------------------------------
# The panel

def make_schedule(kind, *, step_size=500, step_gamma=0.5, exp_gamma=0.999, T_max=2500):
    """A rugged schedule from the panel's choices; only the parameters of `kind` are used."""
    if kind == "constant":
        return schedules.Constant()
    if kind == "1/sqrt(t+1)":
        return schedules.InverseSqrtDecay()
    if kind == "step":
        return schedules.StepLR(step_size=int(step_size), gamma=step_gamma)
    if kind == "exponential":
        return schedules.ExponentialLR(gamma=exp_gamma)
    if kind == "cosine":
        return schedules.CosineAnnealingLR(T_max=int(T_max))
    raise ValueError(f"unknown schedule {kind!r}; choose one of {', '.join(SCHEDULE_KINDS)}")


NOISY_TAIL = 500     # with minibatch noise the panel reports the median L − L* of the last steps
RELEVANT = {"constant": (), "1/sqrt(t+1)": (), "step": ("step_size", "step_gamma"),
            "exponential": ("exp_gamma",), "cosine": ("T_max",)}


@widgets.register("06 decay")
def decay_panel(kind="constant", eta=1.0, steps=2500, batch_size=10, seed=0):
    """Panel: a schedule and its parameters → η^t, Lecture Adagrad's path on the Pokémon
    surface with its bursts ▲, and L − L* per step; the status line counts the bursts.

    Only the sliders of the chosen schedule are shown (step: step_size and γ;
    exponential: γ; cosine: T_max; constant and 1/sqrt(t+1): none besides η). The batch
    size (1 … 10) makes the gradient a minibatch estimate over that many of the 10 Pokémon
    (`descend(batch_size=, seed=)`; 10 is the exact gradient, and the seed slider shows only
    below it): with noise, the status line also gives the median L − L* of the last NOISY_TAIL
    steps, where a constant η keeps hovering and a decay settles. A value outside a
    control's range (or `steps` outside 300 … 20,000) is a ValueError.
    """
    steps = widgets.check_number("steps", steps, 300, 20_000, integer=True)
    n_examples = surfaces.pokemon().n_examples
    controls = dict(
        kind=widgets.choice(tr("schedule"), [(schedule_name(k), k) for k in SCHEDULE_KINDS], kind),
        eta=widgets.log_slider("η", eta, -1, 1, readout_format=".2g"),
        step_size=widgets.int_slider(tr("step_size"), 500, 100, 1500, 50),
        step_gamma=widgets.slider(tr("γ (step)"), 0.5, 0.1, 0.9, 0.05),
        exp_gamma=widgets.slider(tr("γ (exponential)"), 0.999, 0.997, 0.9999, 0.0001, ".4f"),
        T_max=widgets.int_slider("T_max", 2500, 300, 5000, 100),
        batch=widgets.int_slider(tr("batch size"), batch_size, 1, n_examples),
        seed=widgets.int_slider(tr("seed"), seed, 0, widgets.MAX_SEED),
    )
    surface = surfaces.pokemon()
    t = np.arange(steps)
    # on a slide the panel's controls and status line sit above the figure: a flatter figure leaves them room
    fig, (ax_lr, ax_path, ax_loss) = plots.new_figure(1, 3, figsize=(11.5, 3.4 if style.is_lecture() else 3.8),
                                                        static=False, width_ratios=(1, 1.15, 1.2))
    plots.surface_axes(surface, ax_path, window=WINDOW, n=120)
    (lr_line,) = ax_lr.plot([], [], lw=2)
    path_line, ends = widgets.path_artists(ax_path, lw=1.4)
    (path_bursts,) = ax_path.plot([], [], **BURST_MARK)
    (loss_line,) = ax_loss.plot([], [], lw=1.2)
    (loss_bursts,) = ax_loss.plot([], [], **BURST_MARK)
    ax_lr.set_yscale("log")
    ax_lr.set_ylim(1e-5, 60)      # fixed, so the axes are drawn once
    ax_lr.set_xlim(0, steps)
    ax_lr.set_xlabel(tr("step t"))
    ax_lr.set_ylabel(tr(r"learning rate $\eta^t$"))
    ax_loss.set_yscale("log")
    ax_loss.set_xlim(0, steps)
    ax_loss.set_ylim(GAP_FLOOR / 3, 1e9)
    ax_loss.set_xlabel(tr("step t"))
    ax_loss.set_ylabel(r"$L(\theta^t) - L^*$")
    ax_loss.set_title(tr("loss gap (▲ = burst)"))
    plots.plain_log_ticks(ax_lr, ax_loss)
    def run(key, n):
        kind, eta, params, batch, seed = key
        noisy = batch < surface.n_examples
        return descend(surface, optim.LectureAdagrad(lr=eta), surface.start, n, schedule=make_schedule(kind, **dict(params)),
                       batch_size=batch if noisy else None, seed=seed if noisy else None)

    runs = widgets.Runs(run, steps, size=64)

    def draw(kind, eta, step_size, step_gamma, exp_gamma, T_max, batch, seed):
        values = dict(step_size=step_size, step_gamma=step_gamma, exp_gamma=exp_gamma, T_max=T_max)
        for name in values:
            controls[name].layout.display = None if name in RELEVANT[kind] else "none"
        noisy = batch < surface.n_examples
        controls["seed"].layout.display = None if noisy else "none"
        params = tuple((name, values[name]) for name in RELEVANT[kind])
        path = runs((kind, eta, params, batch, seed if noisy else 0), steps)
        lrs = make_schedule(kind, **dict(params)).lr_at(t, eta)
        color = SCHEDULE_COLORS[kind]
        for artist in (lr_line, path_line, *ends, loss_line):
            artist.set_color(color)
        widgets.set_curve(lr_line, lrs)
        ax_lr.set_title(tr("{schedule}, η = {eta:.2g}").format(schedule=schedule_name(kind), eta=eta))
        widgets.set_path(path_line, path, ends)
        loss_gap = path.gap(surface, GAP_FLOOR)
        widgets.set_curve(loss_line, loss_gap)
        bursts = runner.bursts(path, surface)
        path_bursts.set_data(path.params[bursts.peaks, 0], path.params[bursts.peaks, 1])
        loss_bursts.set_data(bursts.peaks, loss_gap[bursts.peaks])
        ax_path.set_title(tr("Lecture Adagrad, batch {batch}, {n} bursts").format(batch=batch, n=len(bursts)) if noisy
                          else tr("Lecture Adagrad, {n} bursts").format(n=len(bursts)))
        diverged = widgets.diverged_message(path, tr("Lecture Adagrad with η = {eta:.2g}").format(eta=eta))
        if diverged:
            return diverged
        if noisy:
            tail, level = widgets.hovering(loss_gap, NOISY_TAIL)
            return tr("minibatches of {batch} (seed {seed}): median L − L* over the last {tail:,} steps "
                      "{level:.3g}; {bursts}").format(batch=batch, seed=seed, tail=tail, level=level,
                                                       bursts=bursts.summary(shown=3))
        return tr("{bursts}; after {steps:,} steps L − L* = {gap:.3g}").format(
            bursts=bursts.summary(shown=5), steps=steps, gap=path.loss[-1] - surface.min_loss)

    animated = [lr_line, ax_lr.title, path_line, *ends, path_bursts, ax_path.title, loss_line, loss_bursts]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("Decay schedules for the lecture's Adagrad on the Pokémon surface"))


# ---------------------------------------------------------------------------------------
# Exercises

@check
def inverse_sqrt_lr(answer, eta=1.0, t=99):
    """η^t of the lecture's decay η/sqrt(t+1) at step t."""
    value = as_number(answer, "`eta_t`")
    if isinstance(value, Feedback):
        return value
    target = schedules.InverseSqrtDecay().lr_at(t, eta)
    if close(value, target, 1e-3):
        return right(tr("Yes: η^{{{t}}} = η/sqrt({t}+1) = {eta:g}/sqrt({t1}) = {target:g}.").format(
            t=t, eta=eta, t1=t + 1, target=target))
    if close(value, eta / np.sqrt(t), 1e-3):
        return wrong(tr("{value} is η/sqrt({t}): t counts from 0, so step t divides by sqrt(t+1).").format(
            value=shown(value), t=t) + rounding_note(value, target, 1e-3))
    if close(value, eta / (t + 1), 1e-3) or close(value, eta / t, 1e-3):
        return wrong(tr("{value} divides by t+1 itself; the decay divides by its square root.").format(value=shown(value)))
    if close(value, eta, 1e-3):
        return wrong(tr("{value} is η, undecayed: at step t the schedule gives η/sqrt(t+1).").format(value=shown(value)))
    return wrong(rounding_of(value, target, 1e-3)
                 or tr("{value} is not η/sqrt(t+1) at t = {t} with η = {eta:g}. Put t = {t} into ηᵗ = η/sqrt(t+1).")
                 .format(value=shown(value), t=t, eta=eta))


@check
def adagrad_sigmas(answer, gradients=(3.0, 4.0)):
    """(σ of torch's Adagrad, σ of the lecture's Adagrad) after the given gradients, eps = 0."""
    pair = as_pair(answer, "`sigmas = (torch_sigma, lecture_sigma)`")
    if isinstance(pair, Feedback):
        return pair
    torch_value, lecture_value = pair
    torch_opt, lecture_opt = optim.Adagrad(lr=1.0, eps=0.0), optim.LectureAdagrad(lr=1.0)
    theta = np.zeros(1)
    for g in gradients:
        torch_opt.step(theta, np.array([g]))
        lecture_opt.step(theta, np.array([g]))
    torch_sigma, lecture_sigma = float(torch_opt.sigma[0]), float(lecture_opt.sigma[0])
    squares = sum(g * g for g in gradients)
    n = len(gradients)
    torch_ok, lecture_ok = close(torch_value, torch_sigma, 2e-3), close(lecture_value, lecture_sigma, 2e-3)
    if torch_ok and lecture_ok:
        return right(tr("Yes: torch's σ = sqrt({squares:g}) = {torch:g} (root of the sum), the "
                        "lecture's σ = sqrt({squares:g}/{n}) = {lecture:.4g} (root of the mean). "
                        "Their ratio is sqrt(t+1) = sqrt({n}), the decay torch builds in.").format(
                            squares=squares, torch=torch_sigma, n=n, lecture=lecture_sigma))
    if close(torch_value, lecture_sigma, 2e-3) and close(lecture_value, torch_sigma, 2e-3):
        return wrong(tr("The two are swapped: torch divides by the root of the SUM of squares, "
                        "the lecture by the root of the MEAN, which is smaller."))
    problems = []
    listed = tr(" and ").join(f"{g:g}²" for g in gradients)
    for value, target, who, kind in ((torch_value, torch_sigma, tr("torch's σ"), "sum"),
                                     (lecture_value, lecture_sigma, tr("the lecture's σ"), "mean")):
        if close(value, target, 2e-3):
            continue
        slips = ((target**2, tr("is the sum of squares itself: take its square root") if kind == "sum"
                  else tr("is the mean of squares itself: take its square root")),
                 (np.mean(np.abs(gradients)), tr("averages or adds |g|; σ is a root of squares")),
                 (sum(np.abs(gradients)), tr("averages or adds |g|; σ is a root of squares")),
                 (np.sqrt(squares) / n, tr("divides the root by {n}; the lecture divides the squares by "
                                           "t+1 = {n} under the root").format(n=n)))
        slip = next((text for slip_value, text in slips if close(value, slip_value, 2e-3)), None)
        rounded = rounded_digits(value, target, 2e-3)
        if slip is not None:
            problems.append(tr("{who} = {value} {slip}").format(who=who, value=shown(value), slip=slip)
                            + ("" if rounded is None else
                               tr(" (or, if you rounded the right σ to {digits} digits, give at least {need})").format(
                                   digits=rounded[1], need=rounded[2])))
        else:
            problems.append((rounding_of(value, target, 2e-3, what=who) or
                             (tr("{who} = {value} is not the root of the sum of the squares {squares}") if kind == "sum"
                              else tr("{who} = {value} is not the root of the mean of the squares {squares}")).format(
                                 who=who, value=shown(value), squares=listed)).rstrip("."))
    return wrong(tr("; ").join(problems) + tr("."))


@check
def cosine_lr(answer, T_max=100, base_lr=0.1, t=50):
    """η^t of CosineAnnealingLR(T_max) with base lr `base_lr` at step t."""
    value = as_number(answer, "`lr_50`")
    if isinstance(value, Feedback):
        return value
    target = schedules.CosineAnnealingLR(T_max).lr_at(t, base_lr)
    if close(value, target, 1e-3):
        return right(tr("Yes: η^{{{t}}} = η (1 + cos(π·{t}/{T_max}))/2 = {eta:g}·(1 + 0)/2 = {target:g}: "
                        "halfway through, the cosine has lost half of η.").format(
                            t=t, T_max=T_max, eta=base_lr, target=target))
    if close(value, base_lr, 1e-3):
        return wrong(tr("{value} is the starting η; by t = {t} the cosine has gone a quarter turn.").format(
            value=shown(value), t=t))
    if abs(value) < 1e-9:
        if value == 0:
            return wrong(tr("0 is where it ends, at t = T_max = {T_max}; t = {t} is halfway.").format(T_max=T_max, t=t))
        return wrong(tr("{value} is about 0, where it ends, at t = T_max = {T_max}; t = {t} is halfway.").format(
            value=shown(value), T_max=T_max, t=t))
    if close(value, base_lr * np.cos(np.pi * t / T_max / 2), 1e-3):
        return wrong(tr("{value} uses cos(π t / (2 T_max)); the schedule is η (1 + cos(π t / T_max))/2.").format(
            value=shown(value)))
    return wrong(rounding_of(value, target, 1e-3)
                 or tr("{value} is not η (1 + cos(π t/T_max))/2 with η = {eta:g}, t = {t}, T_max = {T_max}.").format(
                     value=shown(value), eta=base_lr, t=t, T_max=T_max))
