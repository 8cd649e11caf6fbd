r"""A fair race: every optimizer at its own best learning rate, and how much that choice matters.

Comparing optimizers at one shared η compares η more than the optimizers: each has its own
range of useful learning rates. The course's races therefore share one definition.

* **The score** of an optimizer at a learning rate η is the *median over several starts* of
  the number of steps it needs to get down to a goal and stay there: the first t from which
  L(θ^t) ≤ goal holds to the end of the budget. It counts only if **every** start gets there:
  otherwise the score is never (∞), so that a learning rate that works from a lucky start but
  not from its neighbours (typically one at the edge of divergence) cannot win. A start that
  is above the goal at the end does not get there, and neither does a *lost* one: a run that
  diverges, or whose path leaves the surface's window widened by half its size on each side
  (`BOX`; the surface is only drawn, and only meant, there). The number of starts that got
  there, the mean over the starts (one that did not counting as the budget) and the median
  final loss are kept to break ties.
* **The best η** has the lowest score on a log grid: first a coarse grid (`COARSE` points
  per decade) over a wide range, then a fine one (`FINE` per decade, 48 per 3 decades)
  between the coarse neighbours of the best coarse η. Ties go to more starts that reach the
  goal, then to the lower mean, then to the lower median final loss (which also ranks
  optimizers that never reach the goal from every start).
* **The winner** of a race (`winners`, `verdict`) is the racer with the lowest score among those
  that reach the goal from every start at their best η; every racer whose score is within
  `TIE_SHARE` (10%) or `TIE_STEPS` (1 step) of it ties with it. A difference that small is
  within what another grid, other starts or another machine's last bits could change.
* **The sensitivity curve** is the score at every η tried (`Tuned.etas`, `Tuned.steps`),
  drawn by `plots.sensitivity`; `Tuned.band` gives the range of η within a factor of the
  best score.

Every (optimizer, η, start) of a race runs side by side as one row of a batch, so a race
costs two passes over the budget (the coarse grid, then the fine one). The pass records
only what the score needs, not the whole path as `descend` does (that would be ~1000
rows × 3000 steps); each row does exactly the arithmetic `descend` does for that optimizer,
η and start alone, and `Tuned.path` re-runs `descend` at the best η for figures.

Usage::

    from rugged import optim, surfaces, tuning
    valley = surfaces.rosenbrock()
    results = tuning.race(valley, {"SGD": optim.SGD, "Adam": optim.Adam},
                          starts=tuning.starts_near(valley), steps=2000, goal=valley.min_loss + 1e-4)
    results["Adam"].best_eta, results["Adam"].best_steps
"""

import math
from dataclasses import dataclass, field

import numpy as np

from .i18n import display_width, ntr, pad, series, tr
from .runner import Path, descend, side_by_side
from .style import racer_name

__all__ = ["Tuned", "log_grid", "starts_near", "goal_fraction", "settle_steps", "scores", "sweep",
           "race", "settings", "surface_race", "surface_races", "winners", "verdict", "table", "COARSE", "FINE",
           "ETA_RANGE", "BOX", "STARTS", "BUDGET", "DEFAULT_BUDGET", "TOLERANCE", "DEFAULT_TOLERANCE", "TIE_SHARE",
           "TIE_STEPS"]

ETA_RANGE = (1e-4, 1e2)   # the first grid's lowest and highest η (`race`'s lo and hi)
COARSE = 3    # η per decade of the first, wide grid
FINE = 16     # η per decade of the second grid, around the best of the first (48 per 3 decades)
BOX = 0.5     # a path beyond the window widened by BOX × its size on each side is lost
LIMIT = 1e10  # without a box: lost beyond |θ_i| > LIMIT, as in `descend`
EXTEND = 3    # decades added to a grid whose best η is at one of its ends …
FARTHEST = (1e-12, 1e4)   # … as long as it stays within these

# The course's races on its surfaces (`settings`): STARTS starts, a budget of steps and the goal
# L − L* ≤ tol·(L(θ^0) − L*). Pokémon's start lies almost all in the steep w direction, so its
# goal is tighter; Rosenbrock's floor and Pokémon's valley are long, so their budgets are larger.
STARTS = 5
BUDGET = {"pokemon": 3000, "rosenbrock": 2000, "ravine": 1000}
DEFAULT_BUDGET = 500
TOLERANCE = {"pokemon": 1e-6}
DEFAULT_TOLERANCE = 1e-3

# Scores within TIE_SHARE of the fastest, or within TIE_STEPS steps of it, are a tie (`winners`).
TIE_SHARE = 0.1
TIE_STEPS = 1


# ---------------------------------------------------------------------------------------
# Grids, starts and goals.

def log_grid(lo, hi, per_decade):
    """The η = 10^(k/per_decade) with lo ≤ η ≤ hi (so every power of ten in range is one of them)."""
    if not (isinstance(per_decade, (int, np.integer)) and not isinstance(per_decade, bool)
            and per_decade >= 1):
        raise ValueError(f"per_decade must be a positive integer; got {per_decade!r}")
    if not (_is_real(lo) and _is_real(hi) and 0 < lo <= hi < math.inf):
        raise ValueError(f"need 0 < lo ≤ hi < inf; got lo={lo!r}, hi={hi!r}")
    first = math.ceil(round(math.log10(lo) * per_decade, 9))
    last = math.floor(round(math.log10(hi) * per_decade, 9))
    return 10.0 ** (np.arange(first, last + 1) / per_decade)


def starts_near(surface, n=9, jitter=0.05, seed=0):
    """The surface's start and n − 1 starts near it (uniform within ±jitter × the window's size, seeded): (n, 2)."""
    if not (isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1):
        raise ValueError(f"n must be a positive integer; got {n!r}")
    span = np.array([hi - lo for lo, hi in surface.window])
    offsets = np.random.default_rng(seed).uniform(-jitter, jitter, (n - 1, 2)) * span
    return np.vstack([surface.start, np.array(surface.start) + offsets])


def goal_fraction(surface, tol):
    """The loss L* + tol·(L(θ^0) − L*): what is left when a share 1 − tol of the way from the
    surface's start to its minimum is done."""
    start_loss = float(surface.loss(np.array(surface.start)))
    return surface.min_loss + tol * (start_loss - surface.min_loss)


def settings(surface, n_starts=STARTS):
    """The course's race on `surface`: dict(starts, steps, goal) for `race` (see BUDGET, TOLERANCE)."""
    name = getattr(surface, "name", None)
    return dict(starts=starts_near(surface, n_starts), steps=BUDGET.get(name, DEFAULT_BUDGET),
                goal=goal_fraction(surface, TOLERANCE.get(name, DEFAULT_TOLERANCE)))


def settle_steps(path, goal):
    """The first t from which L(θ^t) ≤ goal holds to the end of `path`: an int, or None if the path
    ends above the goal or diverged; one per start (a tuple) for a batch path."""
    loss = np.asarray(path.loss, dtype=float)
    above = ~(loss <= goal)
    batch = loss.ndim == 2
    if not batch:
        above = above[:, None]
    diverged = path.diverged_at if batch else (path.diverged_at,)
    out = []
    for k in range(above.shape[1]):
        if diverged[k] is not None or above[-1, k]:
            out.append(None)
        else:
            hits = np.flatnonzero(above[:, k])
            out.append(int(hits[-1]) + 1 if len(hits) else 0)
    return tuple(out) if batch else out[0]


def _is_real(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


# ---------------------------------------------------------------------------------------
# The batch pass.

def _box(surface, box, dim=2):
    """(lowest, highest) allowed point: the window widened by box × its size, or ±LIMIT in each of
    the `dim` coordinates (box None: any problem, a network's θ too)."""
    if box is None:
        return np.full(dim, -LIMIT), np.full(dim, LIMIT)
    if dim != 2:
        raise ValueError(f"box is a margin around a 2-D surface's window; a problem with {dim} "
                         f"parameters needs box=None")
    (x0, x1), (y0, y1) = surface.window
    lo = np.array([x0 - box * (x1 - x0), y0 - box * (y1 - y0)])
    hi = np.array([x1 + box * (x1 - x0), y1 + box * (y1 - y0)])
    return np.maximum(lo, -LIMIT), np.minimum(hi, LIMIT)


def scores(surface, blocks, starts, steps, goal, box=BOX):
    """Run every (make, etas) of `blocks` from every start for `steps` steps, side by side.

    Returns per block a dict of arrays of shape (len(etas), len(starts)): `settle`, the first t
    from which L(θ^t) ≤ goal holds to the end (inf if not at the end, or lost); `final`, L at
    the end (inf if lost); `lost`, True where the run diverged or left the box.
    """
    return _scores_together([(surface, blocks, starts, steps, goal, box)])[0]


class _Watch:
    """What a pass records of one problem's rows: for each row the box of its points so far and
    the last t at which it was above the goal, and at the end its loss."""

    def __init__(self, surface, blocks, starts, steps, goal, box):
        self.rows = np.concatenate(blocks) if blocks else np.zeros(0, dtype=int)
        edges = np.cumsum([0] + [len(rows) for rows in blocks])
        self.blocks = [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]     # each block's share of rows
        self.steps, self.goal, self.k = steps, goal, len(starts)
        self.lo, self.hi = _box(surface, box, starts.shape[1])
        # the unchecked formulas when the surface has them (as `descend` uses fast_grad): inside
        # the loop the points are float arrays of the right shape, and an overflow only needs to
        # count as "above the goal", which NaN does as well as inf
        self.grad = getattr(surface, "fast_grad", surface.grad)
        self.loss = getattr(surface, "_loss", surface.loss)

    def begin(self, params):
        self.last_above = np.where(self.loss(params) <= self.goal, -1.0, 0.0)
        self.low, self.high = params.copy(), params.copy()

    def observe(self, t, params):             # θ^t: its box so far, and whether it is above the goal
        np.minimum(self.low, params, out=self.low)         # a NaN, once there, stays
        np.maximum(self.high, params, out=self.high)
        np.copyto(self.last_above, t, where=~(self.loss(params) <= self.goal))

    def result(self, params):
        if self.steps:
            self.observe(self.steps, params)
        final = self.loss(params)
        lost = (~np.isfinite(self.low).all(axis=1) | ~np.isfinite(self.high).all(axis=1)
                | (self.low < self.lo).any(axis=1) | (self.high > self.hi).any(axis=1) | ~np.isfinite(final))
        settle = np.where((self.last_above < self.steps) & ~lost, self.last_above + 1, np.inf)
        final = np.where(lost, np.inf, final)
        return [{name: value[block].reshape(-1, self.k) for name, value in
                 (("settle", settle), ("final", final), ("lost", lost))} for block in self.blocks]


def _scores_together(problems):
    """`scores` for several problems [(surface, blocks, starts, steps, goal, box), …] in one pass:
    the rows of every problem that one make (the same function object) steps form one block of
    `side_by_side`, and a problem's rows stop at its own budget. The same results, bit for bit,
    as one `scores` call per problem, in fewer NumPy calls a step."""
    problems = [(surface, blocks, np.asarray(starts, dtype=float), steps, goal, box)
                for surface, blocks, starts, steps, goal, box in problems]
    makes = list(dict.fromkeys(make for _, blocks, *_ in problems for make, _ in blocks))
    # the rows: by make, then by problem from the largest budget down (a block's ends never increase)
    by_budget = sorted(range(len(problems)), key=lambda i: -problems[i][3])
    racing, ends, params, owner, first = [], [], [], {}, 0
    for make in makes:
        lrs = []
        for i in by_budget:
            _, blocks, starts, steps, _, _ = problems[i]
            for b, (block_make, etas) in enumerate(blocks):
                if block_make is make:
                    lrs.append(np.repeat(np.asarray(etas, dtype=float), len(starts)))     # one η per row
                    owner[i, b] = np.arange(first, first + len(lrs[-1]))
                    ends.append(np.full(len(lrs[-1]), steps))
                    params.append(np.tile(starts, (len(etas), 1)))
                    first += len(lrs[-1])
        racing.append((make(1.0), np.concatenate(lrs)))
    ends = np.concatenate(ends) if ends else np.zeros(0, dtype=int)
    params = np.concatenate(params) if params else np.zeros((0, 2))
    watches = [_Watch(surface, [owner[i, b] for b in range(len(blocks))], starts, steps, goal, box)
               for i, (surface, blocks, starts, steps, goal, box) in enumerate(problems)]
    found = {}

    def running(t, alive):
        """[(watch, the runs of its rows among the running rows: [(slice there, slice in its rows)])]."""
        if found.get("alive") is not alive:
            found["alive"] = alive
            found["at"] = []
            for w in watches:
                if w.steps and len(w.rows) and np.isin(w.rows[0], alive):
                    at = np.searchsorted(alive, w.rows)
                    cuts = [0, *(np.flatnonzero(np.diff(at) != 1) + 1).tolist(), len(at)]
                    found["at"].append((w, [(slice(int(at[a]), int(at[a]) + b - a), slice(a, b))
                                            for a, b in zip(cuts[:-1], cuts[1:])]))
        return [(w, runs) for w, runs in found["at"] if w.steps > t]

    def gradient(t, params, alive):
        todo = running(t, alive)
        if len(todo) == 1 and todo[0][1][0][0] == slice(0, len(params)):     # one problem, every row
            w = todo[0][0]
            if t:
                w.observe(t, params)
            return w.grad(params)
        g = np.empty_like(params)
        for w, runs in todo:
            mine = params[runs[0][0]] if len(runs) == 1 else np.concatenate([params[there] for there, _ in runs])
            if t:
                w.observe(t, mine)
            grad = w.grad(mine)
            for there, here in runs:
                g[there] = grad[here]
        return g
    with np.errstate(all="ignore"):
        for w in watches:
            w.begin(params[w.rows])
        params = side_by_side(racing, params, int(ends.max(initial=0)), gradient, ends)
        return [w.result(params[w.rows]) for w in watches]


# ---------------------------------------------------------------------------------------
# The result.

@dataclass
class Tuned:
    """One optimizer tuned on one surface: its score at every η tried, and the best η.

    etas: every η tried, increasing. steps: the score at each, the median over the starts of
    the steps to reach the goal and stay (inf unless every start did). mean_steps: the mean
    over the starts, a start that did not counting as the budget. reached, lost: how many
    starts reached the goal to stay, and how many were lost (diverged or left the box).
    final: the median over the starts of L at the end of the budget (inf if most were lost).
    """

    name: str
    etas: np.ndarray
    steps: np.ndarray
    mean_steps: np.ndarray
    reached: np.ndarray
    lost: np.ndarray
    final: np.ndarray
    best_eta: float
    budget: int
    surface: object = field(repr=False, default=None)
    make: object = field(repr=False, default=None)
    starts: np.ndarray = field(repr=False, default=None)
    _path: Path = field(repr=False, default=None)

    @property
    def n_starts(self):
        return len(self.starts)

    @property
    def best(self):
        """Index of the best η in `etas`."""
        return int(np.flatnonzero(self.etas == self.best_eta)[0])

    @property
    def best_steps(self):
        """The score at the best η: median steps to reach the goal and stay; None if not every
        start gets there at any η (the racer is then not ranked)."""
        value = self.steps[self.best]
        return None if math.isinf(value) else int(round(value))

    @property
    def best_reached(self):
        """How many starts reach the goal (and stay) at the best η."""
        return int(self.reached[self.best])

    @property
    def ranked(self):
        """True if every start reaches the goal at the best η: only then does the racer compete."""
        return self.best_steps is not None

    @property
    def label(self):
        """'name (η = best η)'."""
        return f"{self.name} (η = {self.best_eta:.3g})"

    @property
    def path(self):
        """`descend` at the best η from every start (a batch Path), computed on first use."""
        if self._path is None:
            self._path = descend(self.surface, self.make(self.best_eta), self.starts, self.budget)
            self._path.label = self.label
        return self._path

    def band(self, factor=2.0):
        """(lowest, highest) η of the unbroken run of grid points around the best η whose score is
        at most `factor` × the best; None if the best η does not reach the goal."""
        if self.best_steps is None:
            return None
        ok = self.steps <= factor * max(self.steps[self.best], 1)
        lo = hi = self.best
        while lo > 0 and ok[lo - 1]:
            lo -= 1
        while hi < len(ok) - 1 and ok[hi + 1]:
            hi += 1
        return float(self.etas[lo]), float(self.etas[hi])

    def decades(self, factor=2.0):
        """The width of `band(factor)` in decades of η (0 for one grid point); None if not reached."""
        band = self.band(factor)
        return None if band is None else math.log10(band[1] / band[0])

    @property
    def at_edge(self):
        """True if the best η is the lowest or the highest η tried: the grid may not bracket the best."""
        return self.best in (0, len(self.etas) - 1)

    def working(self):
        """(lowest, highest) η at which every start reaches the goal; None if at none."""
        ok = np.isfinite(self.steps)
        return None if not ok.any() else (float(self.etas[ok][0]), float(self.etas[ok][-1]))


def _key(t, i):
    """What makes η = t.etas[i] better: the score, then more starts reaching the goal, the mean,
    the median final loss and the lower η."""
    return (t.steps[i], -t.reached[i], t.mean_steps[i], t.final[i], t.etas[i])


def _summarize(name, make, etas, result, surface, starts, steps):
    settle, final, lost = result["settle"], result["final"], result["lost"]
    every = np.isfinite(settle).all(axis=1)
    score = np.where(every, np.median(settle, axis=1), np.inf)
    mean = np.minimum(settle, steps).mean(axis=1)
    tuned = Tuned(name, np.asarray(etas, dtype=float), score, mean, np.isfinite(settle).sum(axis=1),
                  lost.sum(axis=1), np.median(final, axis=1), float(etas[0]), steps, surface, make, starts)
    tuned.best_eta = float(tuned.etas[min(range(len(etas)), key=lambda i: _key(tuned, i))])
    return tuned


def _merge(a, b):
    """The union of two sweeps of one optimizer; the best η is the better of their two bests."""
    etas = np.concatenate([a.etas, b.etas])
    keep = np.argsort(etas, kind="stable")
    keep = keep[np.r_[True, np.diff(etas[keep]) > 0]]

    def pick(name):
        return np.concatenate([getattr(a, name), getattr(b, name)])[keep]
    key = lambda t: _key(t, t.best)  # noqa: E731
    return Tuned(a.name, etas[keep], pick("steps"), pick("mean_steps"), pick("reached"), pick("lost"),
                 pick("final"), min(a, b, key=key).best_eta, a.budget, a.surface, a.make, a.starts)


def _check(surface, optimizers, starts, steps, goal, box, coarse=COARSE, fine=FINE):
    if not isinstance(optimizers, dict) or not optimizers:
        raise ValueError("optimizers must be a non-empty dict name → make(lr), e.g. {'Adam': optim.Adam}")
    starts = np.asarray(starts, dtype=float)
    if starts.ndim == 1:
        starts = starts[None, :]
    if starts.ndim != 2 or not len(starts) or starts.shape[1] != getattr(surface, "dim", starts.shape[1]):
        raise ValueError(f"starts must have shape (2,) or (k, 2) with k ≥ 1; got {starts.shape}")
    if not np.isfinite(starts).all():
        raise ValueError("starts must be finite")
    if not (isinstance(steps, (int, np.integer)) and not isinstance(steps, bool) and steps >= 1):
        raise ValueError(f"steps must be a positive integer; got {steps!r}")
    if not (_is_real(goal) and math.isfinite(goal)):
        raise ValueError(f"goal must be a finite loss; got {goal!r}")
    if box is not None and not (_is_real(box) and 0 <= box < math.inf):
        raise ValueError(f"box must be None or a number ≥ 0; got {box!r}")
    for name, value in (("coarse", coarse), ("fine", fine)):
        if not (isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1):
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if coarse > fine:
        raise ValueError(f"coarse must be at most fine; got coarse={coarse}, fine={fine}")
    return starts


def _grids(optimizers, etas):
    grids = {name: np.unique(np.asarray(etas[name] if isinstance(etas, dict) else etas, dtype=float))
             for name in optimizers}
    for name, grid in grids.items():
        if grid.ndim != 1 or not len(grid) or not np.all(np.isfinite(grid) & (grid > 0)):
            raise ValueError(f"Invalid learning rate in the grid of {name}: every η must be finite and > 0")
    return grids


def sweep(surface, optimizers, etas, *, starts, steps, goal, box=BOX):
    """Score every optimizer of `optimizers` (dict name → make(lr)) at every η of `etas` (one
    list for all, or a dict name → list): a dict name → `Tuned`, best η the best of its list."""
    starts = _check(surface, optimizers, starts, steps, goal, box)
    return _sweep_together([(surface, optimizers, _grids(optimizers, etas),
                             dict(starts=starts, steps=steps, goal=goal, box=box))])[0]


def _sweep_together(sweeps):
    """`sweep` for several [(surface, optimizers, grids, dict(starts, steps, goal, box))], in one
    pass (`_scores_together`)."""
    results = _scores_together([(surface, [(optimizers[name], grids[name]) for name in optimizers],
                                 run["starts"], run["steps"], run["goal"], run["box"])
                                for surface, optimizers, grids, run in sweeps])
    return [{name: _summarize(name, optimizers[name], grids[name], result, surface, run["starts"], run["steps"])
             for name, result in zip(optimizers, result)}
            for (surface, optimizers, grids, run), result in zip(sweeps, results)]


def _refinement(tuned, coarse, fine):
    """The η of the fine grid between the coarse neighbours of the best coarse η, not yet tried."""
    step = 10 ** (1 / coarse)
    around = log_grid(tuned.best_eta / step, tuned.best_eta * step, fine)
    tried = np.isclose(around[:, None], tuned.etas[None, :], rtol=1e-9, atol=0).any(axis=1)
    return around[~tried]


def race(surface, optimizers, *, starts, steps, goal, lo=ETA_RANGE[0], hi=ETA_RANGE[1], coarse=COARSE, fine=FINE,
         box=BOX):
    """Tune every optimizer of `optimizers` (a dict name → make(lr), e.g. {"Adam": optim.Adam}) on
    the same starts, budget and goal: a dict name → `Tuned` holding every η tried.

    Per optimizer: a log grid of η from lo to hi with `coarse` points per decade, extended by
    EXTEND decades beyond an end that holds the best η (within FARTHEST), then a grid with
    `fine` per decade between the coarse neighbours of the best coarse η. lo and hi are
    numbers, the same for every optimizer, or dicts name → number.
    """
    return _race_together([(surface, dict(starts=starts, steps=steps, goal=goal, box=box, lo=lo, hi=hi))],
                          optimizers, coarse, fine)[0]


def _race_together(races, optimizers, coarse=COARSE, fine=FINE):
    """`race` on several [(surface, dict(starts, steps, goal, box, lo, hi))] with the same
    optimizers, each pass shared by all of them (`_sweep_together`): the same results."""
    runs = []
    for surface, options in races:
        starts = _check(surface, optimizers, options["starts"], options["steps"], options["goal"],
                        options["box"], coarse, fine)
        runs.append(dict(starts=starts, steps=options["steps"], goal=options["goal"], box=options["box"]))

    def of(value, name):
        return value[name] if isinstance(value, dict) else value

    def sweeps(todo):                   # todo: per race, name → grid (or nothing to run)
        jobs = [(surface, {name: optimizers[name] for name in grids}, _grids(grids, grids), run)
                for (surface, _), run, grids in zip(races, runs, todo) if grids]
        done = iter(_sweep_together(jobs))
        return [next(done) if grids else {} for grids in todo]
    first = sweeps([{name: log_grid(of(options["lo"], name), of(options["hi"], name), coarse) for name in optimizers}
                    for _, options in races])
    while True:                              # widen a grid whose best η sits at one of its ends
        wider = [{} for _ in races]
        for tuned, grids in zip(first, wider):
            for name, t in tuned.items():
                low, high = t.etas[0], t.etas[-1]
                if t.best == 0 and low / 10 ** (1 / coarse) >= FARTHEST[0]:
                    grids[name] = log_grid(max(low / 10 ** EXTEND, FARTHEST[0]), low / 10 ** (0.5 / coarse), coarse)
                elif t.best == len(t.etas) - 1 and high * 10 ** (1 / coarse) <= FARTHEST[1]:
                    grids[name] = log_grid(high * 10 ** (0.5 / coarse), min(high * 10 ** EXTEND, FARTHEST[1]), coarse)
        if not any(wider):
            break
        for tuned, more in zip(first, sweeps(wider)):
            tuned.update({name: _merge(tuned[name], more[name]) for name in more})
    extra = [{name: grid for name, t in tuned.items() for grid in [_refinement(t, coarse, fine)] if len(grid)}
             for tuned in first]
    second = sweeps(extra)
    return [{name: _merge(t, more[name]) if name in more else t for name, t in tuned.items()}
            for tuned, more in zip(first, second)]


def surface_race(surface, optimizers, n_starts=STARTS, **options):
    """`race` with the course's `settings` for `surface`; options (lo, hi, steps, goal, …) override them."""
    return race(surface, optimizers, **{**settings(surface, n_starts), **options})


def surface_races(surfaces, optimizers, n_starts=STARTS):
    """`surface_race` on each of `surfaces` (a dict name → surface) with the course's settings,
    run together: a dict name → results, the same as one `surface_race` call each would give,
    in about half the time (one pass steps every surface's rows of an optimizer at once)."""
    defaults = dict(lo=ETA_RANGE[0], hi=ETA_RANGE[1], box=BOX)
    results = _race_together([(surface, {**defaults, **settings(surface, n_starts)})
                              for surface in surfaces.values()], optimizers)
    return dict(zip(surfaces, results))


# ---------------------------------------------------------------------------------------
# Reading the result.

def _is_tie_rule(share, steps):
    if not (_is_real(share) and 0 <= share < math.inf and _is_real(steps) and 0 <= steps < math.inf):
        raise ValueError(f"share and steps must be numbers ≥ 0; got share={share!r}, steps={steps!r}")


def winners(results, share=TIE_SHARE, steps=TIE_STEPS):
    """The fastest racers of `results` (name → Tuned), fastest first: every ranked racer (one that
    reaches the goal from every start) whose score is at most max((1 + share) × the lowest score,
    the lowest + steps). One name: a win; several: a tie; none: no racer reaches the goal from
    every start."""
    _is_tie_rule(share, steps)
    ranked = {name: t.best_steps for name, t in results.items() if t.ranked}
    if not ranked:
        return []
    best = min(ranked.values())
    limit = max(best * (1 + share), best + steps)
    return sorted((name for name, n in ranked.items() if n <= limit), key=ranked.get)


def verdict(results, share=TIE_SHARE, steps=TIE_STEPS):
    """`winners` as a line of text: 'fastest: X', 'tie: X, Y' or 'fastest: none …'."""
    names = winners(results, share, steps)
    if not names:
        return tr("fastest: none (no racer reaches the goal from every start)")
    names = [racer_name(name) for name in names]
    if len(names) == 1:
        return tr("fastest: {name}").format(name=names[0])
    return ntr("tie: {names} (within {share:.0%} or {steps:g} step)",
               "tie: {names} (within {share:.0%} or {steps:g} steps)",
               1 if steps == 1 else 2).format(names=series(names), share=share, steps=steps)


def table(results, factor=2.0):
    """One line per optimizer: its best η, the score there, how many starts got there, the range
    of η whose score is within `factor` × the best (and its width as a factor), and the lowest
    and highest η at which every start reaches the goal; then the winner or the tie."""
    some = next(iter(results.values()))
    width = max(9, max(display_width(racer_name(name)) for name in results))
    band_head = tr("η with ≤ {factor}× the best steps").format(factor=format(factor, "g"))
    lines = [f"{'':{width}s}  {pad(tr('best η'), 8, '>')}  {pad(tr('steps'), 5, '>')}  "
             f"{pad(tr('reached'), 7, '>')}  {pad(band_head, 29, '>')}  {pad(tr('η where all reach the goal'), 26, '>')}"]
    for name, t in results.items():
        band, works = t.band(factor), t.working()
        steps = "—" if t.best_steps is None else str(t.best_steps)
        reached = f"{t.best_reached}/{t.n_starts}"
        within = "—" if band is None else f"{band[0]:.3g} … {band[1]:.3g} (×{band[1] / band[0]:.2g})"
        where = tr("none") if works is None else f"{works[0]:.3g} … {works[1]:.3g}"
        lines.append(f"{pad(racer_name(name), width)}  {t.best_eta:8.3g}  {steps:>5s}  {reached:>7s}  {within:>29s}  "
                     f"{pad(where, 26, '>')}")
    lines.append(verdict(results))
    lines.append(tr("steps: median over the {n} starts of the steps to reach the goal and stay there "
                    "(budget {budget:,}),\n  counted only if all {n} get there (—: at no η); reached: starts that "
                    "get there").format(n=some.n_starts, budget=some.budget))
    lines.append(tr("η: a log grid, {coarse} per decade, then {fine} per decade around the best")
                 .format(coarse=COARSE, fine=FINE))
    return "\n".join(lines)
