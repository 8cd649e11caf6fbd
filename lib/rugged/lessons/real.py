"""Notebook 08 (training a real network): minibatch noise on the lecture's surface, and a
network trained on real data with every optimizer, each at its own tuned η.

Two experiments:

* **Noise on the Pokémon surface.** Its loss sums over 10 examples, so `descend(…,
  batch_size=r, seed=s)` with r = 1, 2, 5 is real minibatch SGD and r = 10 is the full
  gradient (`noise_runs`).
* **Digits.** A (64, 16, 10) tanh MLP (`nets.Classifier`) on the handwritten digits of
  `rugged.datasets`, trained with minibatches of 32 by seven of `rugged.optim`'s
  optimizers. `train` runs every (optimizer, η, seed) side by side as one row of a batch
  θ of shape (k, d): each row does the arithmetic `descend(problem, make(η), θ0, steps,
  batch_size=32, seed=seed)` does (tested), with the same batches for the same seed.
  `tune` picks each optimizer's η by the mean validation loss over the seeds, on a log
  grid; the test split is read once, by `test_table`, for the tuned settings.
"""

from dataclasses import dataclass
from importlib import resources
import sys

import numpy as np
from tqdm import tqdm          # a text bar, as the census of 01: no widget left behind in the output

from .. import datasets, descend, nets, optim, plots, schedules, style, surfaces, widgets
from ..curvature import one_blas_thread
from ..exercises import (COUNT, TIMES, Feedback, as_int, as_number, check, close, read_as, right, rounding_of,
                         shown, unanswered, wrong)
from ..i18n import ntr, pad, tr
from ..runner import minibatches, relative_error, side_by_side

# ---------------------------------------------------------------------------------------
# 1 · Noise on the Pokémon surface

NOISE_BATCHES = (1, 2, 5, 10)
NOISE_STEPS = 1500
NOISE_OPTIMIZERS = {           # the lecture's forms at the η the earlier notebooks use
    "GD": lambda: optim.GD(lr=1e-7),
    "Adagrad": lambda: optim.LectureAdagrad(lr=1.0),
    "RMSProp": lambda: optim.LectureRMSProp(lr=1.0, alpha=0.9),
    "Adam": lambda: optim.Adam(lr=1.0),
}
BATCH_COLORS = {1: style.OKABE_ITO["vermillion"], 2: style.OKABE_ITO["orange"],
                5: style.OKABE_ITO["sky"], 10: style.OKABE_ITO["black"]}


def spread_table(full, spreads):
    """Print the full gradient `full` = (∂L/∂b, ∂L/∂w) and, per batch size r, the spread (standard
    deviation over minibatches) of each component's estimate ÷ |full|. spreads: {r: (std of ∂L/∂b,
    std of ∂L/∂w)}, from the notebook's teaching function `minibatch_spread`."""
    print(tr("full gradient at the start: ∂L/∂b = {b:.4g}, ∂L/∂w = {w:.4g}").format(b=full[0], w=full[1]))
    print(f"{'r':>3}{pad(tr('spread of ∂L/∂b'), 20, '>')}{pad(tr('spread of ∂L/∂w'), 20, '>')}   "
          + tr("(standard deviation / |full|)"))
    for r, spread in spreads.items():
        print(f"{r:>3}{spread[0] / abs(full[0]):>20.3f}{spread[1] / abs(full[1]):>20.3f}")


def noise_runs(steps=NOISE_STEPS, seed=0, batch_sizes=NOISE_BATCHES):
    """{optimizer: {r: Path}}: each optimizer of NOISE_OPTIMIZERS from the lecture's start with
    minibatches of r of the 10 Pokémon (r = 10: the full gradient), the batches drawn by `seed`."""
    surface = surfaces.pokemon()
    return {name: {r: descend(surface, make(), surface.start, steps, batch_size=r, seed=seed)
                   for r in batch_sizes}
            for name, make in NOISE_OPTIMIZERS.items()}


def noise_table(runs):
    """Print, per optimizer and batch size, the level L − L* wanders at over the second half of
    the run (`noise_levels`)."""
    levels = noise_levels(runs)
    sizes = list(next(iter(levels.values())))
    steps = next(iter(next(iter(runs.values())).values())).steps
    print(tr("L − L*, geometric mean over updates {first:,} … {last:,}").format(first=steps // 2, last=steps))
    print(pad(tr("batch"), 8, ">") + "".join(f"{r:>11}" for r in sizes))
    for name, row in levels.items():
        print(f"{name:>8}" + "".join(f"{row[r]:>11.2e}" for r in sizes))


def noise_figure(runs, keep=400):
    """Top: the paths of the adaptive methods on the Pokémon contour, one colour per batch size;
    bottom: L − L* against t (GD at η = 1e-7 hardly moves, see `noise_table`). Each line draws
    `keep` evenly spaced steps (every step of a long noisy run draws slowly and reads no better)."""
    surface = surfaces.pokemon()
    runs = {name: paths for name, paths in runs.items() if name != "GD"}
    fig, axes = plots.new_figure(2, len(runs), figsize=(12, 5.4) if style.is_lecture() else (11, 6.2),
                                 sharex="row")
    levels = surface.levels()
    for column, (name, paths) in enumerate(runs.items()):
        top, bottom = axes[0, column], axes[1, column]
        plots.surface_axes(surface, top, levels=levels, n=50)
        for r, path in sorted(paths.items()):           # the full batch last, on top
            shown = np.unique(np.linspace(0, path.steps, keep).astype(int))
            full = r == max(paths)
            lw = 2.0 if full else 0.8
            top.plot(path.params[shown, 0], path.params[shown, 1], color=BATCH_COLORS[r], lw=lw,
                     alpha=1 if full else 0.8, label=tr("batch {r}").format(r=r))
            bottom.plot(shown, path.gap(surface)[shown], color=BATCH_COLORS[r], lw=lw,
                        alpha=1 if full else 0.8, label=tr("batch {r}").format(r=r))
        top.set_title(name)
        if column:
            top.set_ylabel("")
        else:
            bottom.set_ylabel(r"$L(\theta^t) - L^*$")
        bottom.set_yscale("log")
        bottom.set_xlabel(tr("update $t$"))
    plots.plain_log_ticks(*axes[1])
    axes[0, -1].legend(loc="lower left", title=tr("batch size"))
    return fig


def sigma_figure(runs, parameter=1, keep=300):
    """σ^t of one parameter (default w) for each batch size, against the full-batch σ^t (r = 10),
    on log axes (`keep` log-spaced steps per line)."""
    names = [name for name in runs if name != "GD"]
    fig, axes = plots.new_figure(1, len(names), figsize=(12, 3.4))
    label = surfaces.pokemon().labels[parameter]
    for ax, name in zip(axes, names):
        for r, path in sorted(runs[name].items(), reverse=True):
            shown = np.unique(np.geomspace(1, path.steps, keep).astype(int)) - 1
            ax.plot(shown + 1, path.sigma[shown, parameter], color=BATCH_COLORS[r],
                    lw=1.0 if r < 10 else 2.0,
                    label=tr("batch {r} (full)").format(r=r) if r == 10 else tr("batch {r}").format(r=r))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{name}: $\\sigma_{{{label}}}^t$")
        ax.set_xlabel(tr("update $t + 1$"))
        plots.plain_log_ticks(ax)
    axes[0].legend(title=tr("batch size"))
    return fig


def noise_levels(runs, last=0.5):
    """{optimizer: {r: the geometric mean of L − L* over the `last` share of the steps}}: the level
    the loss wanders at in the end (a single last value of a noisy run is luck)."""
    surface = surfaces.pokemon()
    levels = {}
    for name, paths in runs.items():
        levels[name] = {}
        for r, path in paths.items():
            gap = path.gap(surface)[int(path.steps * (1 - last)):]
            levels[name][r] = float(np.exp(np.mean(np.log(gap))))
    return levels


# ---------------------------------------------------------------------------------------
# 2 · A network on the digits

SIZES = (64, 16, 10)
BATCH = 32
STEPS = 200              # about 6 epochs of the 1,078 training images
SEEDS = (0, 1, 2)        # seed s: initial weights MLP.init(s) and minibatches drawn with seed s
RECORD_EVERY = 10
# a progress bar of fixed width (no rate, no time): the line that clears it is always the same
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar:20}| {n_fmt}/{total_fmt}"
RACERS = {
    "SGD": lambda lr: optim.SGD(lr=lr),
    "SGD + momentum": lambda lr: optim.SGD(lr=lr, momentum=0.9),
    "Adagrad": lambda lr: optim.Adagrad(lr=lr),
    "RMSprop": lambda lr: optim.RMSprop(lr=lr),
    "Adam": lambda lr: optim.Adam(lr=lr),
    "AdamW": lambda lr: optim.AdamW(lr=lr),
    "RAdam": lambda lr: optim.RAdam(lr=lr),
}
# The race's learning-rate decay: cosine annealing from η to 0 over the run (torch's
# CosineAnnealingLR(T_max=steps)); a racer with it is named "<racer> + decay".
DECAY = schedules.CosineAnnealingLR(T_max=STEPS)
DECAYED = " + decay"

# The search for each racer's η (`search`) moves on the lattice η = 10^(k/4), k an integer:
# it starts from three η half a decade apart (k0 − 2, k0, k0 + 2), adds one more half a
# decade out while the best is at an end, then halves the step once, on the better side of
# the best (a quarter of a decade). FIRST_GUESS is k0 for (constant η, decay): only where the
# search starts; where it ends is decided by the validation loss.
PER_DECADE = 4
FIRST_GUESS = {
    "SGD": (0, 0),
    "SGD + momentum": (-4, -2),
    "Adagrad": (-4, -4),
    "RMSprop": (-8, -8),
    "Adam": (-6, -6),
    "AdamW": (-6, -6),
    "RAdam": (-4, -2),
}
SEARCH_RANGE = (-24, 8)      # the lattice's ends: η from 1e-6 to 100


def digits_problems(sizes=SIZES):
    """The training, validation and test sets of the digits as `nets.Classifier`s of one MLP."""
    net = nets.MLP(sizes)
    split = datasets.split_digits()
    return tuple(nets.Classifier(net, part.X, part.y) for part in split)


def describe_digits(train, validation, test):
    """Print the size of each split and the network's number of parameters."""
    print(tr("training {train}, validation {validation}, test {test} images; {params:,} parameters").format(
        train=train.n_examples, validation=validation.n_examples, test=test.n_examples, params=train.n_params))


def digits_figure(count=20, per_row=10):
    """The first `count` training images with their labels, tiled into one picture (one image
    draws much faster than `count` small axes)."""
    train = datasets.split_digits().train
    rows = -(-count // per_row)
    tiles = np.zeros((rows * 10, per_row * 13))       # an 8 × 8 image and its label per tile
    for k, image in enumerate(train.X[:count]):
        r, c = divmod(k, per_row)
        tiles[r * 10 + 1:r * 10 + 9, c * 13:c * 13 + 8] = image.reshape(8, 8)
    fig, ax = plots.new_figure(figsize=(9, 2.0))
    ax.imshow(tiles, cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    for k, label in enumerate(train.y[:count]):
        r, c = divmod(k, per_row)
        ax.text(c * 13 + 8, r * 10 + 4.5, f"→{label}", color=style.OKABE_ITO["vermillion"],
                ha="left", va="center", fontweight="bold")
    ax.set_xticks([])               # no tick labels left behind by the hidden axes
    ax.set_yticks([])
    ax.set_axis_off()
    return fig


def torch_check(steps=50):
    """Print how far rugged is from torch on the recorded digits case (tools/make_net_golden.py):
    the gradient of the cross-entropy, and Adam's weights over the first `steps` minibatch steps."""
    with resources.files("rugged.parity").joinpath("data", "net.npz").open("rb") as file, \
            np.load(file) as recorded:
        golden = {key: recorded[key] for key in recorded.files}
    sizes = tuple(int(v) for v in golden["case_sizes"])
    lr, r, seed = float(golden["case_lr"]), int(golden["case_batch_size"]), int(golden["case_batch_seed"])
    checkpoints = golden["checkpoints"]
    keep = checkpoints <= steps
    train = digits_problems(sizes)[0]
    theta0 = train.net.init(int(golden["case_init_seed"]))
    path = descend(train, optim.Adam(lr=lr), theta0, int(checkpoints[keep][-1]), batch_size=r, seed=seed)
    rows = path.batches[0][:int(golden["case_grad_rows"])]
    gradient = relative_error(train.batch_grad(theta0, rows)[None], golden["grad_batch"][:1])
    run = relative_error(path.params[checkpoints[keep]], golden["params"][keep])
    print(tr("network {sizes}, {n:,} parameters, torch {version}, float64").format(
        sizes=sizes, n=train.n_params, version=golden['torch_version']))
    print(tr("gradient on a minibatch of {n}: relative error {error}").format(n=len(rows), error=_bound(gradient)))
    print(tr("Adam(lr={lr:g}), batches of {r}, {steps} steps: relative error {error}").format(
        lr=lr, r=r, steps=int(checkpoints[keep][-1]), error=_bound(run)))


def _bound(error):
    """A relative error as a bound, since its digits are rounding: '< 1e-12' (or the value if larger)."""
    return "< 1e-12" if error < 1e-12 else f"{error:.1e}"


@dataclass
class Training:
    """What `train` recorded for every row (an optimizer at one η from one seed).

    names, etas, seeds: the row's optimizer, η and seed, shape (k,). final: θ after the last
    step, (k, d). batch_loss: the minibatch loss before each step, (steps, k). params: θ every
    `every` steps (and at the end), (m, k, d), at the steps `recorded`.
    """

    names: np.ndarray
    etas: np.ndarray
    seeds: np.ndarray
    final: np.ndarray
    batch_loss: np.ndarray
    params: np.ndarray
    recorded: np.ndarray

    def rows(self, name, eta=None):
        """The rows of optimizer `name` (at η = eta, if given)."""
        keep = self.names == name
        if eta is not None:
            keep &= np.isclose(self.etas, eta, rtol=1e-12)
        return np.flatnonzero(keep)

    @staticmethod
    def joined(parts):
        """One `Training` holding the rows of `parts` (runs of the same steps) in order."""
        if len({tuple(part.recorded) for part in parts}) != 1:
            raise ValueError("only runs recorded at the same steps can be joined")
        return Training(*(np.concatenate([getattr(part, key) for part in parts], axis=axis)
                          for key, axis in (("names", 0), ("etas", 0), ("seeds", 0), ("final", 0),
                                            ("batch_loss", 1), ("params", 1))),
                        parts[0].recorded)


@one_blas_thread
def train(problem, blocks, seeds=SEEDS, steps=STEPS, batch_size=BATCH, every=RECORD_EVERY,
          progress=None, desc=None):
    """Run every (optimizer, η, seed) side by side on `problem` with minibatches; a `Training`.

    progress: show a text progress bar (None: yes, except in lecture mode, where a slide has no
    room for it). desc: the bar's label (None: "training", in the course's language).

    blocks: {name: (make, etas, schedule)} with make(lr) → a rugged optimizer and schedule None
    or a rugged schedule. Row (name, η, s) starts from net.init(s) and draws its batches with
    seed s (`runner.minibatches`): the same θ0 and batches as `descend(problem, make(η),
    net.init(s), steps, schedule=schedule, batch_size=batch_size, seed=s)`, and the same
    arithmetic, one optimizer rule per block with one η per row.
    """
    seeds = np.asarray(seeds)
    names, etas, row_seeds, racing = [], [], [], []
    for name, (make, grid, schedule) in blocks.items():
        grid = np.asarray(grid, dtype=float)
        names += [name] * (len(grid) * len(seeds))
        etas += list(np.repeat(grid, len(seeds)))
        row_seeds += list(np.tile(seeds, len(grid)))
        factor = np.ones(steps) if schedule is None else np.asarray(schedule.lr_at(np.arange(steps), 1.0), dtype=float)
        racing.append((make(1.0), np.repeat(grid, len(seeds))[None, :] * factor[:, None]))   # η per step and row
    row_seeds = np.array(row_seeds)
    order = {s: minibatches(problem.n_examples, batch_size, steps, s) for s in seeds.tolist()}
    batches = np.stack([order[s] for s in row_seeds.tolist()], axis=1)        # (steps, k, r)
    losses = np.empty((steps, len(names)))
    recorded, kept = [], []
    # a text bar on stdout that moves in eighths and stays (as the census of 01's): a stored
    # notebook then holds the same bar every run, and no empty error-coloured strip
    if progress is None:
        progress = not style.is_lecture()
    if desc is None:
        desc = tr("training")
    ticks = iter(tqdm(range(steps), disable=not progress, desc=desc, bar_format=BAR_FORMAT, file=sys.stdout,
                      miniters=max(1, steps // 8), mininterval=0))

    def gradient(t, params):
        next(ticks)                                   # the progress bar moves on to step t
        if t % every == 0:
            recorded.append(t)
            kept.append(params.copy())
        losses[t], g = problem.batch_loss_and_grad(params, batches[t])
        return g
    params = side_by_side(racing, np.stack([problem.net.init(s) for s in row_seeds.tolist()]), steps, gradient)
    next(ticks, None)                                 # the bar's end: it closes
    recorded.append(steps)
    kept.append(params.copy())
    return Training(np.array(names), np.array(etas), row_seeds, params, losses, np.array(kept),
                    np.array(recorded))


@dataclass
class Tuned:
    """One optimizer tuned on the validation split: the grid, the validation loss at every η
    for every seed (n_etas, n_seeds), and the best η (lowest mean over the seeds)."""

    name: str
    etas: np.ndarray
    validation: np.ndarray

    @property
    def best(self):
        """The index of the best η."""
        mean = np.where(np.isfinite(self.validation).all(axis=1), self.validation.mean(axis=1), np.inf)
        return int(np.argmin(mean))

    @property
    def best_eta(self):
        return float(self.etas[self.best])

    @property
    def at_edge(self):
        """True if the best η is the smallest or the largest of the grid (the grid should grow)."""
        return self.best in (0, len(self.etas) - 1)


@one_blas_thread
def tune(training, validation):
    """{name: Tuned}: each optimizer's validation loss at the end of every run of `training`."""
    loss = validation.loss(training.final)
    result = {}
    for name in dict.fromkeys(training.names.tolist()):
        rows = training.rows(name)
        etas = np.unique(training.etas[rows])
        table = np.array([loss[training.rows(name, eta)] for eta in etas])
        result[name] = Tuned(name, etas, np.where(np.isfinite(table), table, np.inf))
    return result


def lattice(k):
    """η = 10^(k / PER_DECADE) for lattice indices k."""
    return 10.0 ** (np.asarray(k, dtype=float) / PER_DECADE)


def race_starts(names=None, decay=True):
    """{label: (make, schedule, k0)}: the racers `names` (all of RACERS by default) with a
    constant η and, if `decay`, with DECAY ("<name> + decay"), each with its FIRST_GUESS."""
    names = list(RACERS) if names is None else names
    starts = {name: (RACERS[name], None, FIRST_GUESS[name][0]) for name in names}
    if decay:
        starts.update({name + DECAYED: (RACERS[name], DECAY, FIRST_GUESS[name][1]) for name in names})
    return starts


def _next_points(t, lo=SEARCH_RANGE[0], hi=SEARCH_RANGE[1]):
    """The lattice indices `search` tries next for a `Tuned` t: one half a decade beyond an end
    that holds the best η, else, once, the point halfway to the better neighbour of the best."""
    k = np.rint(np.log10(t.etas) * PER_DECADE).astype(int)
    step = 2
    if t.best == 0:
        return [k[0] - step] if k[0] - step >= lo else []
    if t.best == len(k) - 1:
        return [k[-1] + step] if k[-1] + step <= hi else []
    if np.diff(k).min() < step:                 # refined already
        return []
    mean = np.where(np.isfinite(t.validation).all(axis=1), t.validation.mean(axis=1), np.inf)
    side = -1 if mean[t.best - 1] < mean[t.best + 1] else 1
    return [k[t.best] + side * step // 2]


def search(problem, validation, starts=None, seeds=SEEDS, steps=STEPS, batch_size=BATCH, progress=None):
    """Tune every racer of `starts` ({label: (make, schedule, k0)}, default `race_starts()`) on the
    validation loss at the end, over the seeds: a search on the lattice η = 10^(k/4).

    Each racer first runs at k0 − 2, k0, k0 + 2 (half a decade apart); while its best η (lowest
    mean validation loss over the seeds) is at an end of what it ran, the next pass adds the
    point half a decade beyond that end; once the best is inside, one pass adds the point a
    quarter of a decade from it, towards its better neighbour, and the search stops. The best
    is then never at an end. Every pass trains the new (racer, η, seed) rows side by side
    (`train`). Returns (the joined `Training`, {label: `Tuned`})."""
    starts = race_starts() if starts is None else starts
    pending = {label: [k0 - 2, k0, k0 + 2] for label, (_, _, k0) in starts.items()}
    parts, tuned = [], {}
    while pending:
        blocks = {label: (starts[label][0], lattice(k), starts[label][1]) for label, k in pending.items()}
        parts.append(train(problem, blocks, seeds, steps, batch_size, progress=progress,
                           desc=tr("search, pass {n}").format(n=len(parts) + 1)))
        training = Training.joined(parts) if len(parts) > 1 else parts[0]
        tuned = tune(training, validation)
        pending = {label: k for label, k in ((label, _next_points(tuned[label])) for label in starts) if k}
    return training, {label: tuned[label] for label in starts}


def describe_search(training, tuned, steps=STEPS):
    """Print how many runs the search made (`search`'s Training) and how many settings it tuned."""
    print(tr("{runs} runs of {steps} updates, {tuned} optimizer settings tuned").format(
        runs=len(training.names), steps=steps, tuned=len(tuned)))


def sensitivity_figure(tuned):
    """Validation loss at the end against η, per optimizer: the mean over the seeds (line) and
    their range (band), the tuned η a large dot; with a constant η on the left and with DECAY
    on the right (one panel if `tuned` holds only one kind)."""
    groups = [group for group in ([label for label in tuned if not label.endswith(DECAYED)],
                                  [label for label in tuned if label.endswith(DECAYED)]) if group]
    fig, axes = plots.new_figure(1, len(groups), figsize=(12, 4.6), sharey=True, sharex=True, squeeze=False)
    for ax, group in zip(axes[0], groups):
        for label in group:
            t, name = tuned[label], _base(label)
            color = _color(name, list(RACERS).index(name) if name in RACERS else 0)
            shown = np.where(np.isfinite(t.validation), t.validation, np.nan)
            ax.plot(t.etas, np.nanmean(shown, axis=1), ".-", color=color, lw=1.6, label=_shown(name))
            ax.fill_between(t.etas, np.nanmin(shown, axis=1), np.nanmax(shown, axis=1), color=color, alpha=0.15)
            ax.plot(t.best_eta, shown[t.best].mean(), "o", color=color, markeredgecolor="black", ms=8)
        plots.log_scale(ax, "x")
        ax.set_yscale("log")
        ax.set_xlabel(tr(r"learning rate $\eta$"))
        ax.set_title(tr(r"cosine decay $\eta^t$ to 0") if group[0].endswith(DECAYED) else tr(r"constant $\eta$"))
    ax = axes[0, 0]
    ax.set_ylim(0.14, 0.6)             # the tuned region; the worst η end above it
    ticks = [0.15, 0.2, 0.3, 0.4, 0.5]
    ax.set_yticks(ticks, [f"{v:g}" for v in ticks])
    ax.minorticks_off()
    ax.set_ylabel(tr("validation loss after training"))
    ax.legend(ncols=2, fontsize="small", loc="upper left")
    return fig


def _base(label):
    """The racer of a label: "Adam + decay" → "Adam"."""
    return label[:-len(DECAYED)] if label.endswith(DECAYED) else label


def _shown(name):
    """A racer's name as the student reads it ("SGD + momentum" in the course's language,
    `style.racer_name`); the name itself stays the key everywhere else."""
    return style.racer_name(name)


def _color(name, index):
    name = _base(name)
    return style.OKABE_ITO["vermillion"] if name == "SGD + momentum" else style.color_of(name, index)


def tuned_rows(training, tuned):
    """{name: the rows of `training` at the tuned η} (one per seed)."""
    return {name: training.rows(name, t.best_eta) for name, t in tuned.items()}


@one_blas_thread
def test_table(training, tuned, test, decayed=False):
    """Print, for each optimizer at its tuned η (with DECAY if `decayed`, else a constant η), the
    validation loss and the test accuracy (mean ± standard deviation over the seeds): the one
    place where the test split is used."""
    accuracy = test.accuracy(training.final)
    labels = [label for label in tuned if label.endswith(DECAYED) == decayed]
    title = tr("cosine decay") if decayed else tr("constant η")
    print(pad(title, 16) + pad(tr("tuned η"), 9, ">") + pad(tr("validation loss"), 20, ">")
          + pad(tr("test accuracy"), 18, ">"))
    for label in labels:
        t, rows = tuned[label], training.rows(label, tuned[label].best_eta)
        val, acc = t.validation[t.best], 100 * accuracy[rows]
        edge = "  " + tr("(grid edge)") if t.at_edge else ""
        print(f"{pad(_shown(_base(label)), 16)}{t.best_eta:>9.3g}{val.mean():>11.4f} ± {val.std():.4f}"
              f"{acc.mean():>10.2f}% ± {acc.std():.2f}{edge}")


def curves_figure(training, tuned, names=None, window=10):
    """The minibatch loss of the tuned runs: every step (thin, noisy) and its running mean over
    `window` steps (thick), the mean over the seeds; one panel per optimizer."""
    names = [label for label in tuned if not label.endswith(DECAYED)] if names is None else names
    fig, axes = plots.new_figure(1, 2, figsize=(12, 3.8), sharey=True)
    rows = tuned_rows(training, tuned)
    t = np.arange(len(training.batch_loss))
    kernel = np.ones(window) / window
    for ax, group in zip(axes, (names[:len(names) // 2 + 1], names[len(names) // 2 + 1:])):
        for name in group:
            color = _color(name, names.index(name))
            loss = training.batch_loss[:, rows[name]].mean(axis=1)
            ax.plot(t, loss, color=color, lw=0.6, alpha=0.35)
            ax.plot(t[window - 1:], np.convolve(loss, kernel, mode="valid"), color=color, lw=2,
                    label=_shown(name))
        ax.set_yscale("log")
        ax.set_xlabel(tr("update $t$"))
        ax.legend(fontsize="small")
        plots.plain_log_ticks(ax)
    axes[0].set_ylabel(tr("minibatch loss (mean over seeds)"))
    return fig


@one_blas_thread
def full_measures(training, problem, rows, every=2):
    """The loss and the norm of the full gradient on every training example, at every `every`-th
    recorded step, for the runs `rows`: arrays (m, len(rows)) (minibatch losses only estimate them)."""
    points = training.params[::every, rows]
    loss, grad = problem.batch_loss_and_grad(points.reshape(-1, points.shape[-1]), None)
    return loss.reshape(points.shape[:2]), np.linalg.norm(grad, axis=-1).reshape(points.shape[:2])


def stall_figure(training, tuned, problem, names=("SGD + momentum", "Adam")):
    """Full training loss (log scale) and ‖∇L‖ (linear, from 0) at every other recorded step of
    the tuned runs of `names`, one line per seed."""
    fig, (left, right) = plots.new_figure(1, 2, figsize=(12, 3.6))
    rows = tuned_rows(training, tuned)
    for index, name in enumerate(names):
        loss, norm = full_measures(training, problem, rows[name])
        color = _color(name, index)
        left.plot(training.recorded[::2], loss, color=color, lw=1.4)
        right.plot(training.recorded[::2], norm, color=color, lw=1.4)
        left.plot([], [], color=color, label=_shown(name))
    left.set_yscale("log")
    right.set_ylim(0, None)             # linear, from 0: how far the norm is from a critical point
    left.set_ylabel(tr(r"training loss $L(\theta^t)$"))
    right.set_ylabel(r"$\|\nabla L(\theta^t)\|$")
    for ax in (left, right):
        ax.set_xlabel(tr("update $t$"))
    plots.plain_log_ticks(left)
    left.legend(fontsize="small")
    return fig


@one_blas_thread
def stall_table(training, tuned, problem, names=("SGD + momentum", "Adam"), at=(0, 50, 100, 200)):
    """Print the full training loss and ‖∇L‖ (mean over the seeds) of the tuned runs of `names`
    at the recorded steps `at`, and how much each shrank from the second of them to the last."""
    rows = tuned_rows(training, tuned)
    index = [int(np.flatnonzero(training.recorded == t)[0]) for t in at]
    print(f"{'':<16}{'':>8}" + "".join(f"{f't = {t}':>10}" for t in at)
          + pad(tr("t = {t} ÷ end").format(t=at[1]), 16, ">"))
    for name in names:
        points = training.params[index][:, rows[name]]
        loss, grad = problem.batch_loss_and_grad(points.reshape(-1, points.shape[-1]), None)
        loss = loss.reshape(points.shape[:2]).mean(axis=1)
        norm = np.linalg.norm(grad, axis=-1).reshape(points.shape[:2]).mean(axis=1)
        for label, values in (("L", loss), ("‖∇L‖", norm)):
            print(f"{pad(_shown(name) if label == 'L' else '', 16)}{label:>8}" + "".join(f"{v:>10.3f}" for v in values)
                  + f"{values[1] / values[-1]:>16.2f}")


# ---------------------------------------------------------------------------------------
# 3 · Warmup at a large η, over seeds

WARMUP_STEPS = 50
WARMUP_SEEDS = tuple(range(8))


def warmup_blocks(eta, warmup_steps=WARMUP_STEPS):
    """Adam at η with and without a linear warmup over `warmup_steps`, and RAdam at η."""
    warmup = schedules.LinearLR(start_factor=1 / warmup_steps, total_iters=warmup_steps)
    return {"Adam": (RACERS["Adam"], [eta], None),
            "Adam + warmup": (RACERS["Adam"], [eta], warmup),
            "RAdam": (RACERS["RAdam"], [eta], None)}


def rectification_table(at=(6, 50, 100, 200), beta2=0.999):
    """Print RAdam's r_t (the factor on Adam's step) at torch's steps `at` (counted from 1), shown
    as the course's t = step − 1: how much smaller RAdam's steps are than Adam's at the same η."""
    r = optim.radam_rectification(optim.radam_rho(np.asarray(at), beta2), beta2)
    values = tr(", ").join(tr("{r:.2f} at t = {t}").format(r=v, t=k - 1) for k, v in zip(at, r))
    print(tr("RAdam's factor r_t on Adam's step: {values}").format(values=values))


@one_blas_thread
def warmup_table(training, validation):
    """Print each method's validation loss after training: mean, spread and worst over the seeds."""
    loss = validation.loss(training.final)
    seeds = len(set(training.seeds))
    print(f"{'':<16}" + pad(tr("mean"), 10, ">") + pad(tr("std"), 10, ">") + pad(tr("worst"), 10, ">") + "   "
          + ntr("validation loss over {n} seed", "validation loss over {n} seeds", seeds).format(n=seeds))
    for name in dict.fromkeys(training.names.tolist()):
        values = loss[training.rows(name)]
        print(f"{pad(_shown(name), 16)}{values.mean():>10.4f}{values.std():>10.4f}{values.max():>10.4f}")


# ---------------------------------------------------------------------------------------
# The panel: minibatch noise on the Pokémon surface

PANEL_STEPS = 600


@widgets.register("08 real network")
def noise_panel(optimizer="Adam", batch_size=2, seed=0, steps=PANEL_STEPS):
    """A panel: one optimizer of NOISE_OPTIMIZERS on the Pokémon surface with minibatches of
    `batch_size` of the 10 examples drawn with `seed`, beside its full-batch path (grey):
    the path on the contour and L − L* against t. A value outside a control's range is a
    ValueError.

    Each move runs only the run it shows: one start, which `descend` walks on floats (a few
    milliseconds here, and fast enough in a browser's kernel too); the last runs are kept, so
    coming back to a setting only redraws."""
    steps = widgets.check_number("steps", steps, 10, 20_000, integer=True)
    # each control is made with its English name, which its range check names in an error, and
    # then shows its label in the course's language
    controls = dict(optimizer=widgets.described(widgets.choice("optimizer", list(NOISE_OPTIMIZERS), optimizer),
                                         tr("optimizer")),
                    batch_size=widgets.described(widgets.int_slider("batch size r", batch_size, 1, 10), tr("batch size r")),
                    seed=widgets.described(widgets.int_slider("seed", seed, 0, widgets.MAX_SEED), tr("seed")))
    surface = surfaces.pokemon()
    fig, (contour, curve) = plots.new_figure(1, 2, figsize=(10.5, 2.8 if style.is_lecture() else 4.0), static=False)
    plots.surface_axes(surface, contour, n=60)
    full_line, full_ends = widgets.path_artists(contour, "0.55", lw=1.2, label=tr("full batch (r = 10)"))
    line, ends = widgets.path_artists(contour, style.OKABE_ITO["vermillion"], lw=1.0, label=tr("minibatch"))
    contour.legend(loc="lower left", fontsize="small")
    (full_curve,) = curve.plot([], [], color="0.55", lw=1.2)
    (noisy_curve,) = curve.plot([], [], color=style.OKABE_ITO["vermillion"], lw=1.0)
    curve.set_yscale("log")
    curve.set_xlim(0, steps)
    curve.set_ylim(1e-2, 1e8)
    curve.set_xlabel(tr("update $t$"))
    curve.set_ylabel(r"$L(\theta^t) - L^*$")
    plots.plain_log_ticks(curve)
    def run(key, count):
        name, r, seed = key
        if r == surface.n_examples:            # the full batch: the exact gradient, no draw
            return descend(surface, NOISE_OPTIMIZERS[name](), surface.start, count)
        return descend(surface, NOISE_OPTIMIZERS[name](), surface.start, count, batch_size=r, seed=seed)

    runs = widgets.Runs(run, steps, size=16)

    def draw(optimizer, batch_size, seed):
        r, seed = int(batch_size), int(seed)
        full = runs((optimizer, surface.n_examples, 0), steps)
        path = runs((optimizer, r, seed if r < surface.n_examples else 0), steps)
        widgets.set_path(full_line, full, full_ends)
        widgets.set_path(line, path, ends)
        widgets.set_curve(full_curve, full.gap(surface))
        widgets.set_curve(noisy_curve, path.gap(surface))
        contour.set_title(tr("{optimizer}, batch {r}, seed {seed}").format(optimizer=optimizer, r=r, seed=seed))
        if path.diverged_at is not None:
            return tr("{optimizer} with batch {r} diverged at step {step}: the path stops there.").format(
                optimizer=optimizer, r=r, step=path.diverged_at)
        return tr("after {steps:,} steps: L − L* = {gap:.3g} with batch {r}, {full:.3g} with the full "
                  "gradient").format(steps=path.steps, gap=path.gap(surface)[-1], r=r, full=full.gap(surface)[-1])

    animated = [line, *ends, full_line, *full_ends, full_curve, noisy_curve, contour.title]
    return widgets.Panel(controls, fig, draw, animated=animated,
                         title=tr("Minibatch noise on the Pokémon surface"))


# ---------------------------------------------------------------------------------------
# Exercises

@check
def check_scale(answer, batch_size=2, n_examples=10):
    """The factor that makes the minibatch sum of a sum-loss unbiased: n / r."""
    if answer is None:
        return unanswered(tr("`scale` (a number)"))
    value = as_number(answer, "`scale`", units=(TIMES,))             # "5", "5 倍", "5 times"
    if isinstance(value, Feedback):
        return value
    target = n_examples / batch_size
    if close(value, target, 1e-6):
        return right(tr("Yes: a batch of {r} examples sums {r} of the {n} terms; times {target:g}, its average "
                        "over all batches is ∇L.").format(r=batch_size, n=n_examples, target=target))
    if close(value, batch_size / n_examples, 1e-6):
        return wrong(tr("{value} is r/N, upside down: the batch has fewer terms than L, so it must be scaled up, "
                        "not down.").format(value=shown(value)))
    if close(value, 1.0, 1e-6):
        return wrong(tr("Without scaling, a batch of {r} gives on average {r}/{n} of ∇L: L sums over all {n} "
                        "examples, not their mean.").format(r=batch_size, n=n_examples))
    if close(value, 1 / batch_size, 1e-6):
        return wrong(tr("{value} turns the sum into the batch's mean; L is a sum over {n} examples, so the mean "
                        "must still be multiplied by {n}.").format(value=shown(value), n=n_examples))
    return wrong(tr("Not {value}: compare how many terms the batch sums ({r}) with how many L sums ({n}).").format(
        value=shown(value), r=batch_size, n=n_examples))


@check
def check_updates_per_epoch(answer, n_examples=1078, batch_size=BATCH):
    """Updates in one epoch when the last incomplete batch is dropped: n // r."""
    if answer is None:
        return unanswered("`updates`")
    k = as_int(answer, "`updates`", units=(COUNT,))                  # "33", "33 次", "33 updates"
    if isinstance(k, Feedback):
        return k
    target = n_examples // batch_size
    note = read_as(answer, k)
    rest = n_examples - target * batch_size
    if k == target:
        return right(tr("Yes{note}: {target} batches of {r} use {used} of the {n} images; the other {rest} wait "
                        "for the next epoch's shuffle.").format(note=note, target=target, r=batch_size,
                                                                 used=target * batch_size, n=n_examples, rest=rest))
    if k == target + 1:
        return wrong(tr("{k}{note} counts the last, incomplete batch of {rest} images, which is dropped so that "
                        "every batch has {r}.").format(k=k, note=note, rest=rest, r=batch_size))
    if k == n_examples:
        return wrong(tr("{k}{note} would be one update per image (batch size 1); here each update uses {r} "
                        "images.").format(k=k, note=note, r=batch_size))
    return wrong(tr("Not {value}{note}: how many whole batches of {r} fit in {n} images?").format(
        value=shown(answer), note=note, r=batch_size, n=n_examples))


def spread_ratio(small=1, large=5, n_examples=10):
    """How many times larger the spread (standard deviation) of the minibatch estimate is with
    batches of `small` than of `large` examples, drawn without replacement out of `n_examples`:
    the variance of a batch mean is s²/r · (N − r)/(N − 1)."""
    return float(np.sqrt((n_examples - small) * large / (small * (n_examples - large))))


@check
def check_spread_ratio(answer, small=1, large=5, n_examples=10):
    """The ratio of the spreads of the minibatch gradient at r = small and r = large (`spread_ratio`)."""
    if answer is None:
        return unanswered(tr("`ratio` (a number)"))
    value = as_number(answer, "`ratio`", units=(TIMES,))             # "3", "3 倍", "√9"
    if isinstance(value, Feedback):
        return value
    target = spread_ratio(small, large, n_examples)
    n, r1, r2 = n_examples, small, large
    if close(value, target, 2e-3):
        return right(tr("Yes: the variances are s²/{r1}·{m1}/{n1} and s²/{r2}·{m2}/{n1}, so the spreads differ by "
                        "sqrt(({m1}/{r1}) / ({m2}/{r2})) = {target:.4g}. The table above measures about that from "
                        "2,000 random batches.").format(r1=r1, r2=r2, m1=n - r1, m2=n - r2, n1=n - 1, target=target))
    with_replacement = np.sqrt(r2 / r1)
    if close(value, with_replacement, 2e-3):
        return wrong(tr("{value} is sqrt({r2}/{r1}), the ratio for batches drawn with replacement. Without "
                        "replacement a batch never repeats an example, so a batch of {r2} of the {n} is less noisy "
                        "than that: the factor (N − r)/(N − 1) on the variance.").format(
                            value=shown(value), r1=r1, r2=r2, n=n))
    if close(value, target ** 2, 2e-3) or close(value, r2 / r1, 2e-3):
        return wrong(tr("{value} is a ratio of variances; the spread is the standard deviation, their square "
                        "root.").format(value=shown(value)))
    if close(value, 1 / target, 2e-3):
        return wrong(tr("{value} is upside down: the smaller batch has the larger spread.").format(value=shown(value)))
    if value <= 0:
        return wrong(tr("{value} cannot be a ratio of two standard deviations, which are positive.").format(
            value=shown(value)))
    if close(value, target, 0.05):
        return wrong(tr("{value} is close but not exact: a ratio read off the table carries the sampling error of "
                        "its 2,000 random batches. The formula gives the exact ratio.").format(value=shown(value)))
    return wrong(rounding_of(value, target, 2e-3)
                 or tr("Not {value}: write the spread for r = {r1} and for r = {r2} with the formula, then divide; "
                       "s² cancels.").format(value=shown(value), r1=r1, r2=r2))
