"""The runner: `descend` walks an optimizer over a surface and records every step in a `Path`."""

from dataclasses import dataclass

import numpy as np

__all__ = ["descend", "Path", "relative_error"]

CHECK_EVERY = 64   # steps between divergence checks inside the loop


@dataclass
class Path:
    """Everything `descend` saw, step by step.

    For one start of shape (d,): `params` and `grad` have shape (n + 1, d), `loss` (n + 1,);
    `lr` (n,), `sigma`, `m` and `step_size` (n, d) describe the n steps taken, step t going
    from params[t] to params[t + 1]. After a divergence the arrays stop at the last finite
    point and `diverged_at` is the index of the first bad one (None if there was none).

    For k starts of shape (k, d) a batch axis follows the time axis, the arrays keep their
    full length with NaN after each start's divergence, and `diverged_at` is a tuple with
    one entry per start.
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

    def steps_to(self, threshold):
        """First t with loss ≤ threshold (per start for a batch); None where never reached."""
        reached = self.loss <= threshold
        first = np.where(reached.any(axis=0), reached.argmax(axis=0), -1)
        if first.ndim == 0:
            return None if first < 0 else int(first)
        return tuple(None if f < 0 else int(f) for f in first)


def relative_error(params, reference):
    """Largest over the steps of ‖params_t − reference_t‖∞ / ‖reference_t‖∞: how far two
    trajectories of shape (steps, d) drift apart (the measure of the torch-parity tests)."""
    scale = np.max(np.abs(reference), axis=1)
    return float(np.max(np.max(np.abs(params - reference), axis=1) / scale))


def _learning_rates(schedule, base_lr, steps):
    """η^t for t = 0 … steps−1 from a rugged schedule, a callable t → η^t, or an array."""
    t = np.arange(steps)
    if schedule is None:
        lrs = np.full(steps, float(base_lr))
    elif hasattr(schedule, "lr_at"):
        lrs = np.broadcast_to(np.asarray(schedule.lr_at(t, base_lr), dtype=float), (steps,))
    elif callable(schedule):
        lrs = np.array([schedule(int(i)) for i in t], dtype=float)
    else:
        lrs = np.asarray(schedule, dtype=float)
        if lrs.shape != (steps,):
            raise ValueError(f"a schedule given as an array must have shape ({steps},); got {lrs.shape}")
    if not np.all(np.isfinite(lrs) & (lrs >= 0)):
        bad = int(np.argmax(~(np.isfinite(lrs) & (lrs >= 0))))
        raise ValueError(f"the schedule gives an invalid learning rate {lrs[bad]} at step {bad}")
    return lrs


def _check_start(surface, start):
    start = np.asarray(start, dtype=float)
    dim = getattr(surface, "dim", None)
    d = dim if dim is not None else (start.shape[-1] if start.ndim else "d")
    if start.ndim not in (1, 2) or (dim is not None and start.shape[-1] != dim):
        raise ValueError(f"start must have shape ({d},) or (k, {d}); got {start.shape}")
    return start


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
    return ~(np.isfinite(params).all(axis=-1) & np.isfinite(grads).all(axis=-1)
             & (np.abs(params).max(axis=-1) <= limit))


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


def descend(surface, optimizer, start, steps, schedule=None, limit=1e10):
    """Run `optimizer` on `surface` for `steps` steps from `start` and return the `Path`.

    surface: any object with `loss(p)` and `grad(p)` (a rugged surface, a network problem…);
        if it has `fast_grad(p)` (the gradient without input checks) that is used instead.
    optimizer: a rugged.optim optimizer; its state is reset first, and its `lr` is the
        base η that a schedule scales.
    start: one point, shape (d,), or k points, shape (k, d), run side by side.
    schedule: None (constant η), a rugged.schedules schedule, a function t → η^t, or an
        array of `steps` learning rates; step t uses η^t (t counts from 0).
    limit: a point with any |θ_i| > limit counts as diverged, like a non-finite one.

    A run that diverges stops there (see `Path.diverged_at`); no overflow warning escapes.
    """
    start = _check_start(surface, start)
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"steps must be a non-negative integer; got {steps!r}")
    base_lr = optimizer.lr
    lrs = _learning_rates(schedule, base_lr, steps)
    with np.errstate(all="ignore"):
        try:
            record = _walk(getattr(surface, "fast_grad", surface.grad), optimizer, start, lrs, limit)
        finally:
            optimizer.lr = base_lr
        params, grads, sigma, m, effective_lr = record
        loss = _losses(surface, params)
        step_size = effective_lr.reshape(effective_lr.shape + (1,) * start.ndim) / sigma
    bad = _bad_rows(params, grads, limit) | ~np.isfinite(loss)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    per_step = (lrs[:len(sigma)], sigma, m, step_size)
    if start.ndim == 1:
        end = len(params) if first_bad < 0 else int(first_bad)
        steps_kept = max(end - 1, 0)
        return Path(params[:end], loss[:end], grads[:end], *(a[:steps_kept] for a in per_step),
                    None if first_bad < 0 else int(first_bad), repr(optimizer))
    after = np.arange(len(params))[:, None] >= np.where(first_bad < 0, len(params), first_bad)
    for array in (params, grads, loss) + per_step[1:]:
        array[after[:len(array)]] = np.nan
    diverged = tuple(None if f < 0 else int(f) for f in first_bad)
    return Path(params, loss, grads, *per_step, diverged, repr(optimizer))


def _walk(grad, optimizer, start, lrs, limit):
    """The loop itself: record θ^t and g^t at every point, σ^t, m^t and η^t at every step.

    Stops early once every start has diverged (checked every CHECK_EVERY steps). Returns
    the arrays cut to the points reached. This is the hot loop of the course: it does
    nothing that could be done once before or after it.
    """
    steps, shape = len(lrs), start.shape
    params = np.full((steps + 1,) + shape, np.nan)
    grads = np.full((steps + 1,) + shape, np.nan)
    sigma, m = np.full((steps,) + shape, np.nan), np.full((steps,) + shape, np.nan)
    effective_lr = np.full(steps, np.nan)
    optimizer.reset()
    optimizer.start(shape)
    update = optimizer.update
    p = start
    g, grad = _checked_first_gradient(grad(p), grad, shape)
    reached = steps
    for t, lr in enumerate(lrs.tolist()):       # Python floats: cheaper arithmetic in the rule
        params[t] = p
        grads[t] = g
        if not t % CHECK_EVERY and _bad_rows(p, g, limit).all():
            reached = t
            break
        optimizer.lr = lr
        p = update(p, g)
        sigma[t] = optimizer.sigma
        m[t] = optimizer.m
        effective_lr[t] = optimizer.effective_lr
        g = grad(p)
    else:
        params[steps], grads[steps] = p, g
    n = reached + 1
    return params[:n], grads[:n], sigma[:n - 1], m[:n - 1], effective_lr[:n - 1]
