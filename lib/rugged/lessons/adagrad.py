r"""02 adaptive σ (Adagrad): experiments, figures, the Pokémon panel and the exercise checks.

The lecture divides η by a per-parameter σ_i^t, the root mean square of that parameter's
own past gradients:

    σ_i^t = sqrt( (1/(t+1)) Σ_{k=0..t} (g_i^k)² ),   θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t.

`optim.LectureAdagrad` is that formula; `optim.Adagrad` is torch's, which divides by
sqrt(Σ g²) instead (the "sum form"). The notebook writes the lecture's σ itself (its
`teaching` cells: `lecture_sigma`, `sum_sigma`, `lecture_adagrad`) and runs the optimizers;
this module turns the paths into tables and figures and holds what the notebook should not
show: the panel's wiring and the answer checks.
"""

import functools

import numpy as np

from .. import optim, plots, style, surfaces, widgets
from ..i18n import display_width, ntr, pad, tr, truth
from ..exercises import (Feedback, as_number, check, choose, close, right, rounding_note,
                         rounding_of, shown, wrong)
from ..runner import bursts, descend

ADAGRAD = style.FAMILY_COLORS["Adagrad"]


# ---------------------------------------------------------------------------------------
# Tables

def first_steps(path, names, rows=4):
    """A table of the first steps: g_i^t, σ_i^t and the effective step η/σ_i^t of each parameter."""
    head = f"{'t':>3} " + "".join(f"| {'g_' + n:>10} {'σ_' + n:>10} {'η/σ_' + n:>10} " for n in names)
    lines = [head, "-" * len(head)]
    for t in range(min(rows, len(path.sigma))):
        cells = "".join(f"| {path.grad[t, i]:>10.4g} {path.sigma[t, i]:>10.4g} {path.step_size[t, i]:>10.4g} "
                        for i in range(len(names)))
        lines.append(f"{t:>3} {cells}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Figures

# In lecture mode a figure is flatter: on a slide it shares the screen with its code, its printed
# lines and a heading.

def ravine_figure(surface, gd, adagrad, *, gd_label, ada_label):
    """GD's bounces (the band they sweep) and the lecture's Adagrad's path on the ravine."""
    fig, ax = plots.new_figure(figsize=(10, 3.2 if style.is_lecture() else 3.6))
    plots.surface_axes(surface, ax)
    plots.draw_band(ax, gd, gd_label)           # 300 bounces: the band they sweep
    plots.draw_path(ax, adagrad, ada_label).set_linewidth(2.2)
    ax.set_title(tr("{surface}: {steps} steps each").format(surface=surface.title, steps=gd.steps))
    ax.legend(loc="lower right", fontsize="small")
    return fig


def sigma_figure(path, names, *, title, sigma_label=r"$\sigma_i^t$", log_steps=True):
    """σ_i^t and η^t/σ_i^t per parameter (`plots.sigma_and_step`); returns the figure."""
    fig, axes = plots.new_figure(1, 2, figsize=(10, 2.7 if style.is_lecture() else 3.6))
    plots.sigma_and_step(path, names=names, axes=axes, title=title, sigma_label=sigma_label, log_steps=log_steps)
    return fig


def end_sigmas(path, names):
    """σ_i and η/σ_i of the last step for each parameter, and the ratio of the effective steps."""
    s, e = path.sigma[-1], path.step_size[-1]
    lines = [tr("after {steps:,} steps:").format(steps=len(path.sigma))]
    lines += [f"  {n}: σ = {s[i]:.4g}, η/σ = {e[i]:.4g}" for i, n in enumerate(names)]
    lines.append(f"  η/σ_{names[0]} / η/σ_{names[1]} = {e[0] / e[1]:.4g}")
    return "\n".join(lines)


def endpoints(surface, paths):
    """Start, every path's endpoint and loss, and the exact minimum, as a table."""
    b, w = surface.labels
    start = np.asarray(surface.start if not paths else next(iter(paths.values())).params[0])
    rows = [(tr("start"), start, surface.loss(start))]
    rows += [(label, p.endpoint, p.loss[-1]) for label, p in paths.items()]
    rows.append((tr("least-squares minimum"), surface.minima[0], surface.min_loss))
    width = max(display_width(r[0]) for r in rows)
    lines = [f"{'':{width}}  {b:>10} {w:>9} {'L(' + b + ', ' + w + ')':>14}"]
    lines += [f"{pad(name, width)}  {p[0]:>10.4f} {p[1]:>9.4f} {loss:>14.7g}" for name, p, loss in rows]
    return "\n".join(lines)


def pokemon_figure(surface, paths):
    """The Pokémon race: paths on the contour (left) and L − L* per step (right)."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11, 3.4 if style.is_lecture() else 4.3))
    plots.surface_axes(surface, left)
    for index, (label, path) in enumerate(paths.items()):
        color = style.color_of(label, index)
        plots.draw_path(left, path, label, color, keep=4000).set_linewidth(1.6)
        keep = plots.thin(len(path.loss))
        right.plot(keep + 1, path.gap(surface, 1e-12)[keep], label=label, color=color)
    left.set_title(tr("Pokémon: paths over {steps:,} updates").format(steps=next(iter(paths.values())).steps))
    left.legend(loc="lower left", fontsize="small")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel(tr("step t + 1"))
    right.set_ylabel(r"$L(\theta^t) - L^*$")
    right.set_title(tr("distance to the minimum loss"))
    right.legend(fontsize="small")
    plots.plain_log_ticks(right)
    return fig


def forms_figure(surface, torch_path, lecture_path, *, torch_label=None, lecture_label=None):
    """L − L* per step of torch's sum form and the lecture's mean form, over the lecture path's length.
    The legend names them "Adagrad: sum form (torch)" and "LectureAdagrad: mean form, constant η"
    unless `torch_label` / `lecture_label` are given."""
    if torch_label is None:
        torch_label = tr("Adagrad: sum form (torch)")
    if lecture_label is None:
        lecture_label = tr("LectureAdagrad: mean form, constant η")
    n = len(lecture_path.loss)
    fig, ax = plots.new_figure(figsize=(10, 2.7 if style.is_lecture() else 3.6))
    ax.plot(np.arange(n), lecture_path.gap(surface, 1e-12), color=ADAGRAD, lw=1.0, label=lecture_label)
    ax.plot(np.arange(n), torch_path.gap(surface, 1e-12)[:n], "--", color=ADAGRAD, lw=2.6, label=torch_label)
    ax.set_yscale("log")
    ax.set_xlim(0, n - 1)
    ax.set_xlabel(tr("step t"))
    ax.set_ylabel(r"$L(\theta^t) - L^*$")
    ax.set_title(tr("Pokémon, η = 1, constant: the mean form bursts, the sum form glides ({updates:,} updates)").format(
        updates=n - 1))
    # the mean form's bursts and dips fill the whole axes: the legend goes under it
    fig.legend(loc="outside lower center", ncol=2, fontsize="small")
    plots.plain_log_ticks(ax)
    return fig


def sigma_ratio(torch_path, lecture_path, steps=(0, 1, 3, 99, 999)):
    """σ_torch / σ_lecture at a few t, beside sqrt(t + 1), for two runs that follow the same path."""
    lines = [f"{'t':>6} {pad(tr('σ_torch/σ_lecture (b)'), 22, '>')} {'(w)':>8} {'sqrt(t+1)':>10}"]
    for t in steps:
        r = torch_path.sigma[t] / lecture_path.sigma[t]
        lines.append(f"{t:>6} {r[0]:>22.6g} {r[1]:>8.6g} {np.sqrt(t + 1):>10.6g}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The lines the notebooks print beside their runs (00's first race and 02's), in the student's
# language; the runs and the checks' comparisons stay in the notebooks' cells.

def describe_distances(paths, star, width=16):
    """00: for each run (label → path), its distance to the minimum `star` at the start and at
    the end, and its final loss, one line each."""
    return "\n".join(
        tr("{label} distance to ★: {start:.3g} at the start, {end:.3g} after {steps} steps; loss {loss:.3g}").format(
            label=pad(label, width), start=np.linalg.norm(path.params[0] - star), end=path.distance(star),
            steps=path.steps, loss=path.loss[-1])
        for label, path in paths.items())


def ravine_steps_title(steps):
    """00's contour title: "300 steps on the ravine"."""
    return tr("{steps} steps on the ravine").format(steps=steps)


def sigma_check_line(ok):
    """02: whether the σ LectureAdagrad records is the root of the mean of its g² (`ok`, computed
    in the notebook), as a sentence."""
    return tr("σ recorded by LectureAdagrad equals sqrt(mean of its g²) to 1e-12: {ok}").format(ok=truth(ok))


def by_hand_line(ok, steps):
    """02: whether the notebook's `lecture_adagrad` gives LectureAdagrad's `steps` updates (`ok`)."""
    return tr("lecture_adagrad gives LectureAdagrad's {steps} updates to 1e-12: {ok}").format(steps=steps, ok=truth(ok))


def distance_line(surface, gd, adagrad):
    """02: the distances of GD's and LectureAdagrad's endpoints to the surface's minimum."""
    star = surface.minima[0]
    return tr("distance to the minimum after {steps} updates: GD {gd:.4f}, LectureAdagrad {adagrad:.4f}").format(
        steps=gd.steps, gd=gd.distance(star), adagrad=adagrad.distance(star))


def sigma_title(surface):
    """02's titles of `sigma_figure`: "ravine" (LectureAdagrad) or "pokemon" (torch's Adagrad)."""
    titles = {"ravine": tr("LectureAdagrad on the ravine: σ and effective step per parameter"),
              "pokemon": tr("Adagrad (sum form) on Pokémon")}
    if surface not in titles:
        raise ValueError(f"Invalid surface: {surface!r} (choose one of {', '.join(map(repr, titles))})")
    return titles[surface]


def condition_line(cond):
    """02: the condition number of a Hessian (computed in the notebook), as a sentence."""
    return tr("condition number of the Hessian: {cond:.3g}").format(cond=cond)


def gap_lines(surface, paths, width=16):
    """02: L − L* at the end of each run (label → path), one line each."""
    return "\n".join(tr("{label} L − L* after {steps:,} updates: {gap:.4g}").format(
        label=pad(label, width), steps=path.steps, gap=path.loss[-1] - surface.min_loss)
        for label, path in paths.items())


def effective_step_line(name, ratio):
    """02: a parameter's effective step η/σ as a multiple of GD's η (`ratio`, computed in the notebook)."""
    return "  " + tr("{name}'s effective step / GD's η = {ratio:.4g}").format(name=name, ratio=ratio)


def forms_agree_line(ok):
    """02: whether the sum form and the mean form with η/sqrt(t+1) follow the same path (`ok`)."""
    return tr("the two paths agree to 1e-12 at every step: {ok}").format(ok=truth(ok))


def sum_sigma_line(ok):
    """02: whether torch's recorded σ is the notebook's `sum_sigma` of its gradients (`ok`)."""
    return tr("torch's σ is sum_sigma of its gradients to 1e-12: {ok}").format(ok=truth(ok))


def forms_bursts(surface, lecture_path, torch_path, shown=3):
    """02: the bursts (`runner.bursts`) of the mean form (with constant η) and of the sum form."""
    mean, total = bursts(lecture_path, surface), len(bursts(torch_path, surface))
    return "\n".join([
        tr("bursts (L − L* rises 100× above its running minimum; runner.bursts, as in 06):"),
        "  " + tr("mean form: {summary} in {steps:,} updates").format(
            summary=mean.summary(shown=shown), steps=lecture_path.steps),
        "  " + ntr("sum form:  {n} burst in {steps:,} updates", "sum form:  {n} bursts in {steps:,} updates",
                   total).format(n=total, steps=torch_path.steps),
    ])


def basin_line(entry, more, fresh):
    """02: where Adagrad entered the basin, and how many more updates it then needs with the cliff
    in σ (`more`) and with σ forgotten (`fresh`) to get within 0.05 of x*."""
    return tr("basin entered at t = {entry}; then |x − x*| < 0.05 after {more} more updates with the cliff "
              "in σ, after {fresh} with σ forgotten").format(entry=entry, more=more, fresh=fresh)


def sum_form_line(never_decreases, path):
    """02: whether torch's σ_x never decreased on the cliff surface (`never_decreases`), and where x ends."""
    return tr("torch's sum form: σ_x never decreases: {never}; x after {steps:,} updates: {x:.4f}").format(
        never=truth(never_decreases), steps=path.steps, x=path.endpoint[0])


# ---------------------------------------------------------------------------------------
# The limit: a plateau, a cliff and a basin

def plateau_figure(surface, adagrad, fresh, *, entry, eta):
    """x^t of Adagrad and of a fresh Adagrad started at the basin entry (left); σ_x^t against |g_x^t| (right)."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(11, 4.0))
    steps = adagrad.steps
    for (lo, hi), name, shade in ((surface.plateau, tr("plateau"), "0.93"), (surface.cliff, tr("cliff"), "0.78"),
                                  (surface.basin, tr("basin"), "0.93")):
        lo, hi = max(lo, surface.window[0][0]), min(hi, surface.window[0][1])
        left.axhspan(lo, hi, color=shade, zorder=0)
        left.text(steps * 0.99, (lo + hi) / 2, name, ha="right", va="center", fontsize="small", color="0.3")
    x_star = surface.minima[0, 0]
    left.axhline(x_star, color="black", lw=0.8, ls=":")
    left.plot([0], [x_star], linestyle="none", clip_on=False, **style.MINIMUM_STYLE)
    left.plot(np.arange(len(adagrad.params)), adagrad.params[:, 0], color=ADAGRAD, lw=2.2,
              label=tr("LectureAdagrad (η = {eta:g}) from the plateau").format(eta=eta))
    left.plot(entry + np.arange(len(fresh.params)), fresh.params[:, 0], color=style.OKABE_ITO["blue"],
              lw=1.6, ls="--", label=tr("same, but σ forgotten at t = {entry}").format(entry=entry))
    left.set_xlim(0, steps)
    left.set_ylim(surface.window[0])
    left.set_xlabel(tr("step t"))
    left.set_ylabel(r"$x^t$")
    left.set_title(tr("{surface}: where x is").format(surface=surface.title))
    left.legend(loc="center right", fontsize="small", bbox_to_anchor=(1.0, 0.36))
    t = np.arange(len(adagrad.sigma))
    right.plot(t, adagrad.sigma[:, 0], color=ADAGRAD, lw=2.2, label=r"$\sigma_x^t$ (LectureAdagrad)")
    right.plot(t, np.abs(adagrad.grad[:len(t), 0]), color="0.35", lw=1.2,
               label=tr(r"$|g_x^t|$, the newest gradient"))
    right.axvline(entry, color="0.4", lw=0.8, ls="--")
    right.text(entry + steps * 0.015, 2e-6, tr("basin reached\nat t = {entry}").format(entry=entry),
               fontsize="small", color="0.3")
    right.set_yscale("log")
    right.set_xlim(0, len(t))
    right.set_ylim(1e-6, 30)
    right.set_xlabel(tr("step t"))
    right.set_ylabel(tr(r"$\sigma_x^t$ and $|g_x^t|$"))
    right.set_title(tr("σ remembers the cliff"))
    right.legend(loc="upper right", fontsize="small")
    plots.plain_log_ticks(right)
    return fig


def memory_table(surface, path, steps, eta):
    """σ_x^t, |g_x^t| and the step actually taken, |x^{t+1} − x^t|, at a few t."""
    lines = [f"{'t':>6} {'x^t':>8} {'|g_x^t|':>10} {'σ_x^t':>8} {'η/σ_x^t':>9} {pad(tr('step |Δx|'), 10, '>')}"]
    for t in steps:
        lines.append(f"{t:>6} {path.params[t, 0]:>8.4f} {abs(path.grad[t, 0]):>10.3e} {path.sigma[t, 0]:>8.4f} "
                     f"{eta / path.sigma[t, 0]:>9.4f} {abs(path.params[t + 1, 0] - path.params[t, 0]):>10.3e}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Panel: Adagrad on the Pokémon surface

def form_options():
    """The panel's σ forms: (label shown, form), in the student's language."""
    return [(tr("torch (sum): σ = sqrt(Σ g²)"), "torch"),
            (tr("lecture (mean): σ = sqrt(Σ g² / (t+1))"), "lecture")]


def make_optimizer(form, eta):
    """torch's Adagrad (`"torch"`) or the lecture's (`"lecture"`) with learning rate η."""
    if form == "torch":
        return optim.Adagrad(lr=eta)
    if form == "lecture":
        return optim.LectureAdagrad(lr=eta)
    raise ValueError(f"unknown form {form!r}: choose 'torch' or 'lecture'")


@widgets.register("02 adagrad")
def pokemon_panel(eta=1.0, b=-120.0, w=-4.0, form="torch", steps=10_000, max_steps=100_000, batch_size=10, seed=0):
    """Panel: η (log), start (b, w), form and steps → Adagrad's path on the Pokémon contour and L − L* per step.

    The batch size (1 … 10) makes each gradient a minibatch estimate over that many of the 10
    Pokémon (`descend(batch_size=, seed=)`; 10: the exact gradient; the seed slider shows only
    below it): σ then sums noisy squares.

    The steps go up to the lecture's 100,000 updates. A setting of η, start and form runs
    `steps` updates; moving the steps slider past them runs `max_steps` once, and from then on
    the slider shows a part of that run (`widgets.Runs`). The path and the curve are drawn
    from about 2,000 of their points (`plots.thin`). A value outside a control's range (or
    `max_steps` outside 500 … 100,000) is a ValueError.
    """
    max_steps = widgets.check_number("max_steps", max_steps, 500, 100_000, integer=True)
    controls = dict(
        eta=widgets.log_slider("η", eta, -2, 2, step=0.1, readout_format=".2g"),
        b=widgets.described(widgets.slider("start b", b, -200, -100, 5, ".0f"), tr("start b")),
        w=widgets.described(widgets.slider("start w", w, -5, 5, 0.5, ".1f"), tr("start w")),
        form=widgets.described(widgets.choice("σ form", form_options(), form), tr("σ form")),
        steps=widgets.described(widgets.int_slider("steps", steps, 500, max_steps, 500), tr("steps")),
        batch=widgets.described(widgets.int_slider("batch size", batch_size, 1, 10), tr("batch size")),
        seed=widgets.described(widgets.int_slider("seed", seed, 0, widgets.MAX_SEED), tr("seed")),
    )
    surface = surfaces.pokemon()
    fig, (left, right) = plots.new_figure(1, 2, figsize=(10.5, 2.7 if style.is_lecture() else 4.2), static=False)
    plots.surface_axes(surface, left)
    path_line, ends = widgets.path_artists(left, ADAGRAD)
    (loss_line,) = right.plot([], [], color=ADAGRAD)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlim(1, max_steps)
    right.set_ylim(1e-12, 1e9)
    right.set_xlabel(tr("step t + 1"))
    right.set_ylabel(r"$L(\theta^t) - L^*$")
    right.set_title(tr("distance to the minimum loss"))
    plots.plain_log_ticks(right)
    b_star, w_star = surface.minima[0]
    def run(key, steps):
        form, eta, b, w, batch, seed = key
        noisy = batch < surface.n_examples
        return descend(surface, make_optimizer(form, eta), (b, w), steps,
                       batch_size=batch if noisy else None, seed=seed if noisy else None)

    runs = widgets.Runs(run, max_steps)

    def draw(eta, b, w, form, steps, batch, seed):
        noisy = batch < surface.n_examples
        controls["seed"].layout.display = None if noisy else "none"
        path = runs((form, eta, b, w, batch, seed if noisy else 0), int(steps))
        keep = plots.thin(len(path.params), keep=2000)
        widgets.set_path(path_line, path, ends)           # then the line keeps ~2,000 of its points
        path_line.set_data(path_line.get_xdata()[keep], path_line.get_ydata()[keep])
        widgets.set_curve(loss_line, path.gap(surface, 1e-12)[keep], keep + 1)
        name = "Adagrad" if form == "torch" else "LectureAdagrad"
        if noisy:
            title = tr("{name}, η = {eta:.2g}, {steps:,} steps, batch {batch}").format(
                name=name, eta=eta, steps=int(steps), batch=batch)
        else:
            title = tr("{name}, η = {eta:.2g}, {steps:,} steps").format(name=name, eta=eta, steps=int(steps))
        left.set_title(title)
        message = widgets.diverged_message(path, tr("{name} with η = {eta:.2g}").format(name=name, eta=eta))
        if message:
            return message
        end, leaves = path.endpoint, path.leaves(surface.window)
        note = "" if leaves is None else tr(" (the path leaves the plotted window at step {step})").format(step=leaves)
        noise = tr("minibatches of {batch} (seed {seed}): ").format(batch=batch, seed=seed) if noisy else ""
        return tr("{noise}after {steps:,} steps: (b, w) = ({b:.2f}, {w:.3f}), minimum ({b_star:.2f}, {w_star:.3f}); "
                  "L − L* = {gap:.3g}{note}").format(noise=noise, steps=path.steps, b=end[0], w=end[1], b_star=b_star,
                                                     w_star=w_star, gap=path.loss[-1] - surface.min_loss, note=note)

    animated = [path_line, *ends, left.title, loss_line]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("Adagrad on the Pokémon surface, up to {steps:,} updates").format(steps=max_steps))


# ---------------------------------------------------------------------------------------
# Exercises

@check
def sigma_zero(answer, g0=-3.0):
    """σ^0 for a parameter whose first gradient is g0: |g0|."""
    value = as_number(answer, "`sigma0`")
    if isinstance(value, Feedback):
        return value
    target = abs(g0)
    if close(value, target, 1e-6):
        return right(tr("Yes: with one gradient the mean of the squares is (g⁰)² = {square:g}, and its root is "
                        "|g⁰| = {target:g}. So the first step moves the parameter by exactly η.").format(
            square=g0 ** 2, target=target))
    if close(value, g0, 1e-6):
        return wrong(tr("σ is a root of a mean of squares, so it can't be negative: the sign of g⁰ = {g0:g} is lost "
                        "when it is squared.").format(g0=g0))
    if close(value, g0 ** 2, 1e-6):
        return wrong(tr("{value} is (g⁰)², the mean of the squares; σ is its square root.").format(value=shown(value)))
    if close(value, 1 / target, 1e-6) or close(value, 1.0, 1e-6):
        return wrong(tr("That looks like the step factor g/σ or 1/σ; the question asks for σ⁰ itself, "
                        "sqrt((1/1)·(g⁰)²)."))
    return wrong(tr("Not {value}. At t = 0 the sum has one term: σ⁰ = sqrt((1/(0+1))·(g⁰)²) with g⁰ = {g0:g}.").format(
        value=shown(value), g0=g0))


@check
def sigma_one(answer, grads=(3.0, 4.0)):
    """The lecture's σ^1 after the gradients g^0, g^1: sqrt(((g^0)² + (g^1)²)/2)."""
    squares = sum(g * g for g in grads)
    target = float(np.sqrt(squares / len(grads)))
    value = as_number(answer, "`sigma1`")
    if isinstance(value, Feedback):
        return value
    if close(value, target, 2e-3):
        return right(tr("Yes: σ¹ = sqrt(({g0:g}² + {g1:g}²)/2) = sqrt({half:g}) ≈ {target:.4f}. torch's sum form "
                        "would give sqrt({squares:g}) = {root:g}, √2 times more.").format(
            g0=grads[0], g1=grads[1], half=squares / 2, target=target, squares=squares, root=np.sqrt(squares)))
    slips = [
        (np.sqrt(squares), tr("{value} = sqrt(Σ g²) is torch's sum form. The lecture divides the sum of squares by "
                              "the number of gradients, t + 1 = 2, before the root.")),
        (np.mean(np.abs(grads)), tr("{value} is the mean of |g|. σ is the root of the mean of the squares, which "
                                    "weighs the larger gradient more.")),
        (squares / 2, tr("{value} is the mean of the squares, (σ¹)²; take its square root.")),
        (squares, tr("{value} is the sum of the squares: divide by t + 1 = 2 and take the root.")),
        (abs(grads[-1]), tr("{value} is only the newest |g|. Adagrad's σ averages over all past gradients.")),
        (np.sqrt(squares) / 2, tr("{value} = sqrt(Σ g²)/2 divides by t + 1 after the root; divide inside it: "
                                  "sqrt(Σ g² / 2).")),
    ]
    for slip, message in slips:
        if close(value, slip, 1e-3):
            return wrong(message.format(value=shown(value)) + rounding_note(value, target, 2e-3))
    return wrong(rounding_of(value, target, 2e-3)
                 or tr("Not {value}. Square both gradients, average the two squares, take the root.").format(
                     value=shown(value)))


@functools.lru_cache(maxsize=1)
def _pokemon_adagrad():
    """The notebook's Pokémon run: torch's Adagrad, η = 1, 100,000 updates."""
    surface = surfaces.pokemon()
    return descend(surface, optim.Adagrad(lr=1.0), surface.start, 100_000)


PARAMETER_NAMES = {"b": ("bias", "intercept", "θ_b", "theta b", "param b"),
                   "w": ("weight", "slope", "θ_w", "theta w", "param w")}


@check
def larger_step(answer, path=None):
    """Which Pokémon parameter, 'b' or 'w', gets the larger effective step η/σ (from the Adagrad path).

    `path` is the notebook's Adagrad run on the Pokémon surface (computed here if not given).
    """
    choice = choose(answer, "`which`", tr("to 'b' or 'w'"), PARAMETER_NAMES,
                    tr("Answer with the name of a parameter, 'b' or 'w'; got {}."),
                    filler=("step", "size", "stepsize", "larger", "bigger", "effective", "has", "gets", "lr",
                            "learning", "rate"))      # "b has the larger step", "b 的步长更大"
    if isinstance(choice, Feedback):
        return choice
    steps = (path if path is not None else _pokemon_adagrad()).step_size[-1]
    ratio = steps[0] / steps[1]
    if choice == "b":
        return right(tr("Yes: at the end η/σ_{{b}} is {ratio:.0f}× η/σ_{{w}}. g_{{w}} = Σ −2(ŷₙ − yₙ)·xₙ carries the "
                        "factor xₙ (CP values of a few hundred), so w's gradients, and its σ, are hundreds of times "
                        "larger than b's, and its step hundreds of times smaller.").format(ratio=ratio))
    return wrong(tr("It is the other way round here: η/σ_{{w}} is {ratio:.2g}× η/σ_{{b}}. Compare the gradients: "
                    "∂L/∂w = Σ −2(ŷₙ − yₙ)·xₙ has the extra factor xₙ (hundreds), so σ_{{w}} is large and w's "
                    "effective step small.").format(ratio=1 / ratio))
