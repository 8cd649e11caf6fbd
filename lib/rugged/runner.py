"""The runner: `descend` walks an optimizer over a surface and records every step in a `Path`."""

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from . import _checks, _compile, optim
from .i18n import ntr, tr

__all__ = ["descend", "Path", "relative_error", "minibatches", "gradient_noise", "side_by_side", "bad_points"]

CHECK_EVERY = 64   # steps between divergence checks inside the loop
FAST_DIM = 4       # a start of at most this many coordinates walks on floats, if the surface allows
MAX_RECORD_BYTES = 2 * 10**9   # descend refuses a run whose record would need more memory
RECORD_ARRAYS = 7   # float64 values per parameter and step that a run holds (params, grad, σ, m, …, noise)


@dataclass
class Path:
    """Everything `descend` saw, step by step.

    For one start of shape (d,): `params` and `grad` have shape (n + 1, d), `loss` (n + 1,);
    `lr` (n,), `sigma`, `m` and `step_size` (n, d) describe the n steps taken, step t going
    from params[t] to params[t + 1]. After a divergence the arrays stop at the last finite
    point and `diverged_at` is the index of the first bad one (None if there was none). It
    is never 0: `descend` refuses a start where no run can begin, so a Path always holds
    its start and `endpoint`, `distance` and `steps_to` always answer.

    For k starts of shape (k, d) a batch axis follows the time axis, the arrays keep their
    full length with NaN after each start's divergence, and `diverged_at` is a tuple with
    one entry per start.

    A minibatch run (`descend(…, batch_size=…)`) also keeps `batches`: the rows of the
    examples whose gradient g^t is, shape (n + 1, r), or (n + 1, k, r) with one seed per
    start; `grad` then holds those minibatch gradients, and `loss` the loss on every example.
    `batches` is None for a full-batch run.

    A run with gradient noise (`descend(…, noise=s)`) records in `grad` what the optimizer saw,
    the noisy gradient ∇L(θ^t) + s·ξ^t, and in `loss` the exact loss L(θ^t).
    """

    params: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    lr: np.ndarray
    sigma: np.ndarray
    m: np.ndarray
    step_size: np.ndarray
    diverged_at: object
    label: str = ""
    batches: object = None

    def __repr__(self):
        marks = self.diverged_at if isinstance(self.diverged_at, tuple) else (self.diverged_at,)
        end = "finite" if all(m is None for m in marks) else f"diverged at step {self.diverged_at}"
        return f"Path({self.label}: {self.steps} steps, params {self.params.shape}, {end})"

    @property
    def steps(self):
        """Number of steps recorded."""
        return len(self.params) - 1

    @property
    def grad_norm(self):
        """‖g^t‖ at every recorded point."""
        return np.linalg.norm(self.grad, axis=-1)

    @property
    def endpoint(self):
        """The last finite parameters."""
        return self.params[-1]

    def gap(self, surface, floor=1e-16):
        """L(θ^t) − L* at every point (L* the surface's minimum), floored for log axes."""
        return np.maximum(self.loss - surface.min_loss, floor)

    def distance(self, point):
        """‖θ^end − point‖: how far the last point is from `point` (e.g. a minimum)."""
        return float(np.linalg.norm(self.endpoint - np.asarray(point), axis=-1).max())

    def until(self, steps):
        """The first `steps` updates of a one-start path, as a Path (the whole path if it holds
        no more, having diverged): what a shorter run from the same start would have recorded."""
        if steps >= self.steps:
            return self
        n = len(self.params)
        return dataclasses.replace(self, diverged_at=None, **{
            field.name: value[:steps + 1] if len(value) == n else value[:steps]
            for field in dataclasses.fields(self) if isinstance(value := getattr(self, field.name), np.ndarray)})

    def first(self, condition):
        """The first t at which `condition` holds: None if it never does.

        condition: booleans per recorded point, shape (n + 1,) (or (n + 1, k) for a batch,
        giving one answer per start), e.g. `path.first(path.params[:, 0] > 3)`.
        """
        condition = np.asarray(condition, dtype=bool)
        first = np.where(condition.any(axis=0), condition.argmax(axis=0), -1)
        if first.ndim == 0:
            return None if first < 0 else int(first)
        return tuple(None if f < 0 else int(f) for f in first)

    def steps_to(self, threshold):
        """First t with loss ≤ threshold (per start for a batch); None where never reached."""
        return self.first(self.loss <= threshold)

    def leaves(self, window):
        """The first t at which θ^t is outside `window` ((x0, x1), (y0, y1)) on its first two
        coordinates (per start for a batch); None if the path stays inside."""
        (x0, x1), (y0, y1) = window
        x, y = self.params[..., 0], self.params[..., 1]
        finite = np.isfinite(x) & np.isfinite(y)
        return self.first(finite & ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)))


def relative_error(params, reference):
    """Largest over the steps of ‖params_t − reference_t‖∞ / ‖reference_t‖∞: how far two
    trajectories of shape (steps, d) drift apart (the measure of the torch-parity tests)."""
    scale = np.max(np.abs(reference), axis=1)
    return float(np.max(np.max(np.abs(params - reference), axis=1) / scale))


def _schedule_name(schedule):
    """How an error message names a schedule: its repr (a rugged schedule), a function's name, or a type."""
    if type(schedule).__module__.startswith("rugged."):
        return repr(schedule)
    name = getattr(schedule, "__name__", None)
    return name if isinstance(name, str) else type(schedule).__name__


def _learning_rates(schedule, base_lr, steps):
    """η^t for t = 0 … steps−1 from a rugged schedule, a callable t → η^t, or an array."""
    if schedule is None:
        return np.full(steps, float(base_lr))
    t = np.arange(steps)
    if hasattr(schedule, "lr_at"):
        name = _schedule_name(schedule)
        lrs = np.asarray(schedule.lr_at(t, base_lr))
        if lrs.dtype.kind not in "iuf" or lrs.shape not in ((), (1,), (steps,)):
            raise ValueError(f"the schedule {name}: lr_at(t, base_lr) must give one learning rate "
                             f"per step, shape ({steps},); got {_checks.describe(lrs)} of dtype {lrs.dtype}")
        lrs = np.broadcast_to(lrs.astype(float), (steps,))
    elif callable(schedule):
        name = _schedule_name(schedule)
        lrs = np.empty(steps)
        for i in range(steps):
            lr = schedule(i)
            if type(lr) is not float:
                try:
                    lr = _checks.real("lr", lr)
                except TypeError:
                    raise TypeError(f"the schedule {name} must return one learning rate, a real "
                                    f"number, for each step t; at t = {i} it returned "
                                    f"{_checks.describe(lr)}") from None
            try:
                lrs[i] = lr
            except OverflowError:     # an int beyond float64
                lrs[i] = np.inf if lr > 0 else -np.inf
    else:
        name = "given as an array"
        try:
            lrs = np.asarray(schedule, dtype=float) if not isinstance(schedule, (str, bytes)) else None
        except (TypeError, ValueError):
            lrs = None
        if lrs is None:
            raise TypeError("schedule must be None, a rugged schedule, a function t → η^t or an "
                            f"array of {steps} learning rates; got {_checks.describe(schedule)}")
        if lrs.shape != (steps,):
            raise ValueError(f"a schedule given as an array must have shape ({steps},); got {lrs.shape}")
    valid = np.isfinite(lrs) & (lrs >= 0)
    if not valid.all():
        bad = int(np.argmax(~valid))
        raise ValueError(f"the schedule {name} gives an invalid learning rate {lrs[bad]} at step {bad}")
    return lrs


def _point(p):
    """A point for an error message: (1.5, nan)."""
    return "(" + ", ".join(f"{x:.6g}" for x in np.ravel(p)) + ")"


def _check_start(surface, start):
    dim = getattr(surface, "dim", None)
    d = dim if dim is not None else "d"
    shapes = f"shape ({d},) or (k, {d})"
    try:
        raw = np.asarray(start)
    except ValueError:       # a ragged sequence
        raise ValueError(f"start must have {shapes}; got a ragged sequence") from None
    if raw.dtype.kind not in "iufO":
        raise TypeError(f"start must hold real numbers; got {_checks.describe(start)} of dtype {raw.dtype}")
    try:
        start = raw.astype(float)
    except OverflowError:
        raise ValueError("start must be finite; got a number beyond float64") from None
    except (TypeError, ValueError):
        raise TypeError(f"start must hold real numbers; got {_checks.describe(start)}") from None
    if dim is None and start.ndim:
        d = start.shape[-1]
    if start.ndim not in (1, 2) or (dim is not None and start.shape[-1] != dim):
        raise ValueError(f"start must have shape ({d},) or (k, {d}); got {start.shape}")
    if start.size == 0:
        raise ValueError(f"start holds no point: shape {start.shape}")
    finite = np.isfinite(start).all(axis=-1)
    if not finite.all():
        if start.ndim == 1:
            raise ValueError(f"start must be finite; got {_point(start)}")
        k = int(np.argmax(~finite))
        raise ValueError(f"every start must be finite; start[{k}] is {_point(start[k])}")
    return start


def _check_steps(steps, start):
    """steps as an int; refused before anything is allocated if the record would not fit."""
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an integer, got {_checks.describe(steps)}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be a non-negative integer; got {steps}")
    per_step = RECORD_ARRAYS * 8 * start.size
    most = MAX_RECORD_BYTES // per_step - 1
    if steps > most:
        try:
            need = f"about {(steps + 1) * per_step / 1e9:.3g} GB"
        except OverflowError:
            need = "more memory than any machine has"
        raise ValueError(f"steps={_checks.shown(steps)} would need {need} to record {start.size} "
                         f"parameters at every step; at most {most:,} steps fit in "
                         f"{MAX_RECORD_BYTES / 1e9:g} GB")
    return steps


def _check_limit(limit):
    limit = _checks.real("limit", limit, "a positive real number (inf for no limit)")
    _checks.check(limit > 0, f"limit must be positive (inf for no limit); got {limit}")
    return limit


def _checked_first_gradient(g, grad, shape):
    """Check the first gradient's shape; wrap `grad` if it does not return float arrays."""
    converted = np.asarray(g, dtype=float)
    if converted.shape != shape:
        raise ValueError(f"grad(p) must have the shape of p, {shape}; got {converted.shape}")
    if converted is not g:
        raw = grad
        grad = lambda p: np.asarray(raw(p), dtype=float)  # noqa: E731
    return converted, grad


def _bad_rows(params, grads, limit):
    """True where a point or its gradient is non-finite or the point is beyond `limit`."""
    if np.abs(params).max(initial=0.0) <= limit and np.isfinite(grads).all():   # NaN fails
        return np.zeros(params.shape[:-1], dtype=bool)      # the usual case, at a fraction of the cost
    return ~(np.isfinite(params).all(axis=-1) & np.isfinite(grads).all(axis=-1)
             & (np.abs(params).max(axis=-1) <= limit))


def bad_points(params, grads, loss, limit):
    """True where `descend` counts a point θ^t as diverged: a coordinate of it or of its gradient
    is not finite, a coordinate is beyond ±limit, or its loss is not finite (one per point)."""
    return _bad_rows(params, grads, limit) | ~np.isfinite(loss)


def _losses(surface, params):
    """The loss at every recorded point: one vectorized call if the surface allows it."""
    batch_shape = params.shape[:-1]
    try:
        loss = np.asarray(surface.loss(params), dtype=float)
        if loss.shape == batch_shape:
            return loss
    except (ValueError, TypeError, IndexError):
        pass
    flat = params.reshape(-1, params.shape[-1])
    return np.array([surface.loss(p) for p in flat], dtype=float).reshape(batch_shape)


def descend(surface, optimizer, start, steps, schedule=None, limit=1e10, batch_size=None, seed=None,
            noise=None):
    """Run `optimizer` on `surface` for `steps` steps from `start` and return the `Path`.

    surface: any object with `loss(p)` and `grad(p)` (a rugged surface, a network problem…);
        if it has `fast_grad(p)` (the gradient without input checks) that is used instead,
        and one start of at most FAST_DIM coordinates walks on Python floats if it has
        `scalar_grad(x, y, …)` (the gradient's coordinates as floats, in `grad`'s arithmetic).
    optimizer: a rugged.optim optimizer: its `lr` is the base η that a schedule scales. The
        run keeps its own state and leaves the optimizer as it was.
    start: one point, shape (d,), or k points, shape (k, d), run side by side.
    schedule: None (constant η), a rugged.schedules schedule, a function t → η^t, or an
        array of `steps` learning rates; step t uses η^t (t counts from 0).
    limit: a point with any |θ_i| > limit counts as diverged, like a non-finite one.
    batch_size: None (every step sees the full gradient), or r, for minibatch SGD on a
        surface made of examples (one with `n_examples` and `batch_grad(p, rows)`, and
        maybe its unchecked twin `fast_batch_grad(p, rows)`: a
        `surfaces.LeastSquares` such as `surfaces.pokemon()`, a `nets.Regression`, a
        `nets.Classifier`): g^t is the gradient on r examples drawn by `minibatches`
        (without replacement, a fresh permutation every epoch). r = n_examples is the full
        gradient, and the path is then the full-batch path to the last bit.
    seed: the seed of the minibatches or of the noise (default 0), an integer, so that a run
        is repeatable; for k starts, either one integer (every start sees the same batches, or
        the same noise) or k integers (start j draws its own with seed[j]). Only with
        batch_size or noise.
    noise: None (the exact gradient), or s ≥ 0, the standard deviation of Gaussian noise added
        to every coordinate of every gradient, on any surface: the optimizer sees
        g^t = ∇L(θ^t) + s·ξ^t, ξ^t ~ N(0, I), drawn by `gradient_noise` (ξ^t is row t of
        np.random.default_rng(seed).standard_normal((steps + 1, d)), the same on every
        platform; a shorter run sees the same first rows). `Path.grad` records the noisy
        gradients, as a minibatch run records its minibatch gradients. s = 0 is the exact
        run, bit for bit. Not with batch_size, which is noise of another kind.

    A run that diverges stops there (see `Path.diverged_at`); no overflow warning escapes.
    Bad input raises before the run: TypeError for a wrong type, ValueError for a start
    that is not finite, beyond `limit` or empty, for a run whose record would need more
    than MAX_RECORD_BYTES, and for a start where the gradient or the loss is not finite
    (a run that cannot begin), so every Path has its start point.
    """
    start = _check_start(surface, start)
    steps = _check_steps(steps, start)
    limit = _check_limit(limit)
    beyond = np.abs(start).max(axis=-1) > limit
    if beyond.any():
        k = int(np.argmax(beyond)) if start.ndim == 2 else None
        point = _point(start if k is None else start[k])
        raise ValueError(f"start{'' if k is None else f'[{k}]'} = {point} is beyond limit={limit:g}, "
                         f"where descend counts a point as diverged; pass a larger limit")
    if not isinstance(optimizer, optim.Optimizer):
        raise TypeError(f"optimizer must be a rugged.optim optimizer (e.g. optim.Adam(lr=0.1)); "
                        f"got {_checks.describe(optimizer)}")
    base_lr = optimizer.lr
    _checks.number("the optimizer's lr", base_lr, lambda v: v >= 0, "Invalid learning rate: {}")
    lrs = _learning_rates(schedule, base_lr, steps)
    noisy = _noise(start, steps, noise, seed, batch_size)
    batches = _batches(surface, start, steps, batch_size, None if noise is not None else seed)
    with np.errstate(all="ignore"):
        record = None
        scalar_grad = getattr(surface, "scalar_grad", None)
        one_fast = start.ndim == 1 and len(start) <= FAST_DIM     # one start of a few coordinates
        if noisy is not None:
            statements = getattr(surface, "gradient_statements", None)
            if one_fast and statements is not None:
                statements, numbers = statements()
                added = tuple(f"g_{i} = g_{i} + noise_{i}" for i in range(len(start)))
                record = _walk_floats(None, optimizer, start, lrs, limit, (tuple(statements) + added, numbers),
                                      {f"noise_{i}": noisy[:, i] for i in range(len(start))})
            elif one_fast and scalar_grad is not None:
                record = _walk_floats(_noisy_scalar_gradient(scalar_grad, noisy), optimizer, start, lrs, limit)
            if record is None:
                record = _walk(_noisy_gradient(getattr(surface, "fast_grad", surface.grad), noisy),
                               optimizer, start, lrs, limit)
        elif batches is not None:
            batch_statements = getattr(surface, "batch_gradient_statements", None)
            if one_fast and batch_statements is not None:
                statements, numbers, data = batch_statements(batches)
                record = _walk_floats(None, optimizer, start, lrs, limit, (statements, numbers), data)
            if record is None:
                record = _walk(_minibatch_gradient(surface, batches), optimizer, start, lrs, limit)
        elif one_fast and scalar_grad is not None:
            statements = getattr(surface, "gradient_statements", None)
            record = _walk_floats(scalar_grad, optimizer, start, lrs, limit,
                                  statements() if statements is not None else None)
        if record is None:
            record = _walk(getattr(surface, "fast_grad", surface.grad), optimizer, start, lrs, limit)
        params, grads, sigma, m, effective_lr = record
        loss = _losses(surface, params)
        step_size = effective_lr.reshape(effective_lr.shape + (1,) * start.ndim) / sigma
    bad = bad_points(params, grads, loss, limit)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    if np.any(first_bad == 0):
        _cannot_start(params[0], grads[0], loss[0], np.ravel(first_bad) == 0)
    per_step = (lrs[:len(sigma)], sigma, m, step_size)
    if batches is not None:
        batches = batches[:len(params)]
    if start.ndim == 1:
        end = len(params) if first_bad < 0 else int(first_bad)
        steps_kept = max(end - 1, 0)
        return Path(params[:end], loss[:end], grads[:end], *(a[:steps_kept] for a in per_step),
                    None if first_bad < 0 else int(first_bad), repr(optimizer),
                    None if batches is None else batches[:end])
    after = np.arange(len(params))[:, None] >= np.where(first_bad < 0, len(params), first_bad)
    for array in (params, grads, loss) + per_step[1:]:
        array[after[:len(array)]] = np.nan
    diverged = tuple(None if f < 0 else int(f) for f in first_bad)
    return Path(params, loss, grads, *per_step, diverged, repr(optimizer), batches)


def minibatches(n_examples, batch_size, count, seed=0):
    """The rows of `count` minibatches of `batch_size` examples out of `n_examples`, (count, r).

    Sampling without replacement, epoch by epoch as torch's DataLoader(shuffle=True,
    drop_last=True) does: each epoch is a fresh random permutation of the examples, cut into
    n_examples // batch_size batches (the rest of the permutation is dropped, so that every
    batch has the same size; the next epoch's permutation includes those examples again).
    Each batch's rows are sorted (the order inside a batch does not change its gradient).
    The permutations come from np.random.default_rng(seed), the same on every platform;
    seed: a non-negative integer.
    """
    n = _checks.integer("n_examples", n_examples, lambda v: v >= 1,
                        "n_examples must be a positive integer; got {}")
    r = _checks.integer("batch_size", batch_size, lambda v: 1 <= v <= n,
                        f"batch_size must be an integer from 1 to the number of examples, {n}; got {{}}")
    count = _checks.integer("count", count, lambda v: v >= 0, "count must be a non-negative integer; got {}")
    seed = _checks.integer("seed", seed, lambda v: v >= 0, "seed must be a non-negative integer; got {}")
    per_epoch = n // r
    epochs = -(-count // per_epoch)
    rng = np.random.default_rng(seed)
    orders = rng.permuted(np.broadcast_to(np.arange(n), (epochs, n)), axis=1)
    batches = orders[:, :per_epoch * r].reshape(epochs * per_epoch, r)[:count]
    return np.sort(batches, axis=1)


def _batches(surface, start, steps, batch_size, seed):
    """The rows of every gradient of a minibatch run, (steps + 1, r) or (steps + 1, k, r); None
    for a full-batch run. Checks that the surface is made of examples and the seed's form."""
    if batch_size is None:
        if seed is not None:
            raise ValueError("seed chooses the minibatches, so it needs batch_size; or the gradient "
                             "noise, so it needs noise; a run with neither has no randomness")
        return None
    n = getattr(surface, "n_examples", None)
    if n is None or not callable(getattr(surface, "batch_grad", None)):
        raise TypeError(f"batch_size needs a surface made of examples, with n_examples and "
                        f"batch_grad(p, rows) (e.g. surfaces.pokemon(), a nets.Classifier); "
                        f"got {_checks.describe(surface)}")
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an integer, got {_checks.describe(batch_size)}")
    seeds = _seeds(start, seed)
    if seeds is None:
        return minibatches(n, batch_size, steps + 1, 0 if seed is None else seed)
    return np.stack([minibatches(n, batch_size, steps + 1, s) for s in seeds], axis=1)


def _seeds(start, seed):
    """None for one seed (an integer or None), else the list of a seed per start; a ValueError
    for a list that does not give one seed per start."""
    if np.ndim(seed) == 0:
        return None
    seeds = list(np.asarray(seed, dtype=object).ravel()) if np.ndim(seed) == 1 else None
    if seeds is None or start.ndim != 2 or len(seeds) != len(start):
        k = f"an integer, or {len(start)} integers, one per start" if start.ndim == 2 else "one integer for one start"
        raise ValueError(f"seed must be {k}; got {_checks.describe(seed)}")
    return seeds


def gradient_noise(count, dim, seed=0):
    """The standard normal ξ^0 … ξ^{count−1} that `descend(…, noise=s)` scales by s and adds to
    the gradients at θ^0 … θ^{count−1}, shape (count, dim): np.random.default_rng(seed)
    .standard_normal((count, dim)), row by row (row t is ξ^t), the same on every platform.
    seed: a non-negative integer."""
    count = _checks.integer("count", count, lambda v: v >= 0, "count must be a non-negative integer; got {}")
    dim = _checks.integer("dim", dim, lambda v: v >= 1, "dim must be a positive integer; got {}")
    seed = _checks.integer("seed", seed, lambda v: v >= 0, "seed must be a non-negative integer; got {}")
    return np.random.default_rng(seed).standard_normal((count, dim))


def _noise(start, steps, noise, seed, batch_size):
    """s·ξ^t at every point of a run with gradient noise, (steps + 1, d) or (steps + 1, k, d);
    None without noise and at s = 0 (the exact run). Checks s and the seed's form."""
    if noise is None:
        return None
    if batch_size is not None:
        raise ValueError("noise and batch_size are two kinds of gradient noise, pass one: batch_size "
                         "draws minibatches of the surface's examples, noise adds Gaussian noise to "
                         "the exact gradient")
    s = _checks.number("noise", noise, lambda v: v >= 0,
                       "Invalid noise: {}; the standard deviation of the gradient noise must be a "
                       "non-negative finite number")
    seeds = _seeds(start, seed)
    count, d = (steps + 1 if s else 0), start.shape[-1]     # at s = 0 only the seeds are checked
    if seeds is None:
        xi = gradient_noise(count, d, 0 if seed is None else seed)
        if start.ndim == 2:
            xi = np.broadcast_to(xi[:, None, :], (count,) + start.shape)
    else:
        xi = np.stack([gradient_noise(count, d, one) for one in seeds], axis=1)
    return None if s == 0 else s * xi


def _noisy_gradient(grad, noise):
    """grad(p) for `_walk` with noise: its i-th call is grad(p) + noise[i]."""
    order = iter(noise)
    return lambda p: grad(p) + next(order)


def _noisy_scalar_gradient(scalar_grad, noise):
    """scalar_grad(*p) for `_walk_floats` with noise: its i-th call adds noise[i] to each coordinate."""
    order = iter(noise.tolist())

    def grad(*p):
        return [g + n for g, n in zip(scalar_grad(*p), next(order))]
    return grad


def _minibatch_gradient(surface, batches):
    """grad(p) for `_walk`: its i-th call is the gradient on the examples batches[i] (the
    surface's unchecked `fast_batch_grad` if it has one: the batches are valid by construction)."""
    batch_grad = getattr(surface, "fast_batch_grad", surface.batch_grad)
    order = iter(batches)
    return lambda p: batch_grad(p, next(order))


def _cannot_start(p, g, loss, where):
    """Raise the ValueError for a start whose gradient or loss is not finite."""
    k = int(np.argmax(where)) if p.ndim == 2 else None
    if k is not None:
        p, g, loss = p[k], g[k], loss[k]
    name = "start" if k is None else f"start[{k}]"
    problem = (f"the gradient there is {_point(g)}" if not np.isfinite(g).all()
               else f"the loss there is {loss:g}")
    raise ValueError(f"descend cannot begin at {name} = {_point(p)}: {problem}")


def _step_numbers(optimizer, lrs):
    """The optimizer's per-step numbers for the whole run, and their names in its order."""
    numbers = optimizer.per_step(lrs, optim.run_steps(len(lrs)))
    return numbers, optimizer.program()[3]


def side_by_side(blocks, params, steps, gradient, ends=None):
    """Many runs at once, one per row of `params` (rows, d): blocks of rows, each stepped by its
    own optimizer, with its own η on every row. Returns the rows' points after `steps` steps.

    blocks: [(optimizer, lrs), …], in the order of the rows: the optimizer's compiled rule (its
        own lr is not used) steps the next lrs.shape[-1] rows; lrs holds each row's η, shape
        (rows,), or each step's and row's, shape (steps, rows) (a schedule);
    gradient(t, params): the gradient of every row at step t (t = 0 … steps − 1), (rows, d);
        whatever the caller records about θ^t (losses, a copy, the batch it drew) it records here.
    ends: None, or each row's own number of steps (≤ steps; within a block, never increasing
        from one row to the next): a row stops at its end, and the returned points are each
        row's θ at its end. Rows that have stopped are no longer stepped, so runs with different
        budgets share one pass. Then the callback is gradient(t, params, rows): params holds
        only the rows still running (those whose end is after t), and `rows` their indices
        among all rows, increasing (a new array only when a row stops).

    Each row's run is the one `descend(problem, make(η), row, steps, schedule)` makes, step for
    step and bit for bit: the same per-step numbers (torch's t from 1) and the same rule. The
    course's races (`tuning.scores`), 04's stalled networks and 08's training use it.
    """
    params = np.array(params, dtype=float)
    runs, first = [], 0
    t = np.arange(1.0, steps + 1).reshape(-1, 1, 1)
    for optimizer, lrs in blocks:
        lrs = np.asarray(lrs, dtype=float)
        rows = np.arange(first, first + lrs.shape[-1])
        lr = np.broadcast_to(lrs.reshape(-1, lrs.shape[-1], 1), (steps, lrs.shape[-1], 1))
        numbers = optimizer.per_step(lr, t)
        numbers = [numbers[name] for name in optimizer.program()[3]]      # (steps, rows or 1, 1)
        runs.append([rows, optimizer.fresh_state((len(rows),) + params.shape[1:]), optimizer.compiled(), numbers])
        first += len(rows)
    if first != len(params):
        raise ValueError(f"the blocks' learning rates cover {first} rows; params has {len(params)}")
    if ends is None:
        stops = [steps]
    else:
        ends = np.asarray(ends)
        if ends.shape != (first,) or not np.all((ends >= 0) & (ends <= steps)):
            raise ValueError(f"ends must hold one number of steps (0 … {steps}) per row; got shape {ends.shape}")
        if any(np.any(np.diff(ends[rows]) > 0) for rows, *_ in runs):
            raise ValueError("ends must not increase from one row of a block to the next")
        stops = sorted(set(ends.tolist()) | {steps})
        done = np.array(params)
    step = 0
    with np.errstate(all="ignore"):
        for stop in stops:
            if ends is not None:           # the rows still running: a prefix of every block
                for run in runs:
                    keep = int(np.count_nonzero(ends[run[0]] > step))
                    run[0] = run[0][:keep]
                    run[1] = {name: value[:keep] for name, value in run[1].items()}
                    run[3] = [value[:, :keep] for value in run[3]]
                runs = [run for run in runs if len(run[0])]
                alive = np.concatenate([run[0] for run in runs]) if runs else np.arange(0)
                params = done[alive]
                call = lambda step, params: gradient(step, params, alive)  # noqa: E731
            else:
                call = gradient
            stepping, first = [], 0
            for rows, state, (rule, later), numbers in runs:
                stepping.append((slice(first, first + len(rows)), state, rule, later,
                                 list(zip(*(value[step:stop] for value in numbers)))))
                first += len(rows)
            new = np.empty_like(params)
            for now in range(step, stop):
                g = call(now, params)
                for rows, state, rule, later, numbers in stepping:
                    new[rows] = (rule if now == 0 else later)(state, params[rows], g[rows], *numbers[now - step])[0]
                params, new = new, params
            step = stop
            if ends is not None:
                done[alive] = params
    return params if ends is None else done


def _walk(grad, optimizer, start, lrs, limit):
    """The loop on arrays: record θ^t and g^t at every point, σ^t, m^t and η^t at every step.

    Each step is the optimizer's compiled rule, called with the step's numbers: the record
    it returns (p, m, σ) is written into the path, and the optimizer itself is not changed.
    Stops early once every start has diverged (checked every CHECK_EVERY steps). Returns
    the arrays cut to the points reached.
    """
    steps, shape = len(lrs), start.shape
    params = np.full((steps + 1,) + shape, np.nan)
    grads = np.full((steps + 1,) + shape, np.nan)
    sigma, m = np.full((steps,) + shape, np.nan), np.full((steps,) + shape, np.nan)
    numbers, names = _step_numbers(optimizer, lrs)
    rule, later = optimizer.compiled()
    state = optimizer.fresh_state(shape)
    p = start
    g, grad = _checked_first_gradient(grad(p), grad, shape)
    reached = steps
    for t, step_numbers in enumerate(zip(*(numbers[n].tolist() for n in names))):
        params[t] = p
        grads[t] = g
        if not t % CHECK_EVERY and _bad_rows(p, g, limit).all():
            reached = t
            break
        p, m[t], sigma[t] = rule(state, p, g, *step_numbers)
        rule = later
        g = grad(p)
    else:
        params[steps], grads[steps] = p, g
    n = reached + 1
    return params[:n], grads[:n], sigma[:n - 1], m[:n - 1], numbers["lr_t"][:n - 1]


def _floats(numbers):
    """A 1-D array's numbers as Python floats, one at a time as a loop asks for them (a
    memoryview: no list of 100,000 floats built first)."""
    return memoryview(np.ascontiguousarray(numbers, dtype=float))


def _walk_floats(grad, optimizer, start, lrs, limit, gradient=None, data=None):
    """The same loop on Python floats, for one start of a few coordinates (the fast path).

    grad(*coordinates) gives the gradient's coordinates; `gradient` (statements, numbers), if
    the surface has them, computes it inside the loop instead; `data` (name → array, one entry
    per point) are per-step numbers those statements read: a minibatch's examples. None where
    the arithmetic raises (a division by zero, the root of a negative number: NumPy's inf or
    NaN is wanted there), and the caller then runs `_walk`.
    """
    steps = len(lrs)
    data = data or {}
    numbers, names = _step_numbers(optimizer, lrs)
    walk = optimizer.float_walk(len(start), gradient, tuple(data))
    try:
        k, points, gradients, (ms, sigmas) = walk(tuple(start.tolist()), grad, steps, limit, *(
            _floats(numbers[n]) if n in walk.uses else None for n in names),
            *(_floats(values[:steps]) for values in data.values()))
    except _compile.FLOAT_ERRORS:
        return None
    columns = lambda buffers, n: np.column_stack([np.frombuffer(b)[:n] for b in buffers])  # noqa: E731
    params = columns(points, k + 1)
    if gradients is None:          # the walk computed them in its loop; the same lines again
        grads = np.column_stack(_compile.gradients_of(gradient[0], gradient[1], params.T,
                                                      {name: values[:k + 1] for name, values in data.items()}))
    else:
        grads = columns(gradients, k + 1)

    def record(buffers):              # "g": the gradient itself; a number: that constant
        if isinstance(buffers, tuple) and isinstance(buffers[0], str):   # computed afterwards
            expression, source, stored = buffers
            given = {**optimizer.program()[4], **{name: numbers[name][:k] for name in names}}
            return np.column_stack([np.broadcast_to(_compile.record_afterwards(
                expression, {**given, "g": grads[:k, i], source: np.frombuffer(b)[:k]}), (k,))
                for i, b in enumerate(stored)])
        if isinstance(buffers, str) and buffers == "g":
            return grads[:k].copy()
        if isinstance(buffers, float):
            return np.full((k, len(start)), buffers)
        return columns(buffers, k)
    return params, grads, record(sigmas), record(ms), numbers["lr_t"][:k]


# ---------------------------------------------------------------------------------------
# Bursts: the loss gap shoots up and comes back (one definition for every notebook)

BURST_FACTOR = 100.0    # a burst: L − L* at least this many times its running minimum
ROUNDING = 1e-13        # gaps below ROUNDING · max(1, |L*|) count as that: float64 rounding of L


@dataclass
class Bursts:
    """The bursts `bursts` found in one run.

    starts[k]: the first step t of burst k; peaks[k]: the step of its largest L − L*;
    ends[k]: the first step back below the level that started it (the run's length if it
    never came back). factor: how far above its running minimum L − L* had to rise.
    """

    starts: np.ndarray
    peaks: np.ndarray
    ends: np.ndarray
    factor: float

    def __len__(self):
        return len(self.starts)

    def summary(self, shown=8):
        """'N bursts, starting at t = a, b, c, …' (the first `shown` starts)."""
        if not len(self):
            return tr("no burst (L − L* never rose {factor:g}× above its running minimum)").format(factor=self.factor)
        at = ", ".join(f"{s:,}" for s in self.starts[:shown])
        more = ", …" if len(self) > shown else ""
        return ntr("{n} burst, starting at t = {at}{more}", "{n} bursts, starting at t = {at}{more}",
                   len(self)).format(n=len(self), at=at, more=more)


def bursts(path, surface, factor=BURST_FACTOR, floor=None):
    """The bursts of a run: episodes in which the loss gap L(θ^t) − L* shoots up and comes back.

    A burst starts at the first step t where L(θ^t) − L* is at least `factor` (100) times
    the lowest gap since the previous burst ended (or since t = 0); it ends at the first step
    where the gap is back below that level, and the running minimum starts afresh there. A
    rise that never comes back is one burst that lasts to the end of the run. Working on the
    gap, not on L, a rise from 1e-6 to 1e2 above L* counts even though L itself barely moves.

    path: a `Path` of one start, or its losses as a 1-D array. surface: anything with
    `min_loss` (L*), or L* itself as a number. floor: gaps below it count as `floor`, since
    they are float64 rounding of L (default 1e-13 · max(1, |L*|)). Returns a `Bursts`.
    """
    loss = np.asarray(getattr(path, "loss", path), dtype=float)
    if loss.ndim != 1:
        raise ValueError(f"bursts needs the losses of one run, shape (n,); got shape {loss.shape} "
                         f"(for a batch of starts, pass one start at a time)")
    min_loss = getattr(surface, "min_loss", surface)
    if min_loss is None or isinstance(min_loss, bool) or not np.isscalar(min_loss) \
            or not np.isfinite(min_loss):
        raise ValueError(f"bursts measures L − L*, so it needs a finite minimum loss L*; got {min_loss!r}")
    if isinstance(factor, bool) or not np.isscalar(factor) or not np.isfinite(factor) or factor <= 1:
        raise ValueError(f"factor must be a finite number above 1; got {factor!r}")
    if not np.all(np.isfinite(loss)):
        raise ValueError(f"the losses must be finite; the first bad one is at step "
                         f"{int(np.argmax(~np.isfinite(loss)))}")
    floor = ROUNDING * max(1.0, abs(float(min_loss))) if floor is None else float(floor)
    if not floor > 0:
        raise ValueError(f"floor must be positive; got {floor!r}")
    gap = np.maximum(loss - float(min_loss), floor).tolist()
    starts, peaks, ends = [], [], []
    low = gap[0] if gap else floor
    level = peak_value = None
    for t, value in enumerate(gap):
        if level is None:                       # calm: follow the running minimum
            if value < low:
                low = value
            elif value >= factor * low:
                level, peak_value = factor * low, value
                starts.append(t)
                peaks.append(t)
        else:                                   # inside a burst: until back below its level
            if value > peak_value:
                peak_value, peaks[-1] = value, t
            if value < level:
                ends.append(t)
                level, low = None, value
    if level is not None:
        ends.append(len(gap))
    as_array = lambda steps: np.array(steps, dtype=int)  # noqa: E731
    return Bursts(as_array(starts), as_array(peaks), as_array(ends), float(factor))
