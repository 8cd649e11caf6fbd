r"""Learning-rate schedules η^t: the third ingredient of the lecture's summary.

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t

A schedule maps an optimizer step t (counted from 0, as in the lecture) and the base
learning rate η to η^t. The classes carry torch.optim.lr_scheduler's names, arguments,
defaults and error messages, but need no optimizer:

* torch's: `StepLR`, `MultiStepLR`, `ExponentialLR`, `ConstantLR`, `LinearLR`,
  `CosineAnnealingLR`, `SequentialLR`, `OneCycleLR`;
* the lecture's and the papers': `Constant`, `InverseSqrtDecay` (the lecture's decay
  η/sqrt(t+1)), `ResNetWarmup` (He et al. 2016), `TransformerSchedule` (Vaswani et al.
  2017) and `WarmupCosine` (linear warmup, then cosine decay).

**Convention.** ``schedule.lr_at(t, base_lr)`` is the learning rate that torch's
optimizer, created with ``lr=base_lr``, uses in its (t+1)-th ``optimizer.step()`` when
``scheduler.step()`` is called after every ``optimizer.step()``: the value of
``optimizer.param_groups[0]['lr']`` after t scheduler steps (torch's ``last_epoch == t``).
t may be an int (the answer is a float) or an integer array (the answer is a float64
array of the same shape, for plotting). `OneCycleLR` ignores base_lr, because torch sets
the lr from ``max_lr``. With the default ``base_lr=1`` the answer is the factor η^t/η.

**Exactness.** Every schedule equals torch 2.13 (or, for the papers' schedules, its
``LambdaLR``/``SequentialLR`` equivalent) to a relative error below 1e-12; the values are
pinned by the values recorded in rugged.parity. `LinearLR` and `CosineAnnealingLR` are computed as
torch computes them, one step at a time from the previous lr, because their closed forms
drift from torch by rounding (cosine: 3.5e-12 after 1000 steps; a linear decay to
end_factor=0 ends at about ±1e-17·η in torch, not at 0). That recursion runs for
t < 2**15 only; beyond, they use the closed form, so that η^t costs O(1) for any t. There
they differ from torch by the rounding error of torch's recursion, not of the closed form:
below 1e-9·η in the cases tests/test_schedules.py measures. The one deliberate
difference: where torch's end value is negative, `LinearLR` gives 0.

Usage::

    warmup_cosine = SequentialLR([LinearLR(0.01, total_iters=20), CosineAnnealingLR(180)], [20])
    warmup_cosine.lr_at(np.arange(200), base_lr=0.1)     # η^0 … η^199, for a plot
    warmup_cosine.lr_at(0, base_lr=0.1)                  # η^0 = 0.001
"""

import inspect
import math
from itertools import pairwise

import numpy as np

from . import _checks

__all__ = [
    "Schedule", "Constant", "StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR",
    "LinearLR", "CosineAnnealingLR", "SequentialLR", "OneCycleLR", "InverseSqrtDecay",
    "ResNetWarmup", "TransformerSchedule", "WarmupCosine",
]


# Argument checks (rugged._checks, shared with the optimizers): a wrong type raises
# TypeError naming it, a value out of range ValueError in torch's wording; NaN and ±inf
# are out of every range. Each returns the value as a Python int or float.

_check = _checks.check


def _positive_int(name, value):
    return _checks.integer(name, value, lambda v: v > 0, f"Expected positive integer {name}, but got {{}}")


def _in_range(name, value, ok, kind):
    """`value` if ok(value); else ValueError "Expected <kind> <name>, but got <value>", which
    says "finite" for NaN and ±inf and "within the float range" for a larger int."""
    number = _checks.real(name, value)
    wording = f"{kind} {name}"
    if isinstance(number, int) and not _checks.is_finite(number):
        wording += " within the float range"
    elif not _checks.is_finite(number):
        wording = "finite " + wording
    return _checks.number(name, value, ok, f"Expected {wording}, but got {{}}")


def _positive(name, value):
    return _in_range(name, value, lambda v: v > 0, "positive")


def _non_negative(name, value):
    return _in_range(name, value, lambda v: v >= 0, "non-negative")


def _integers(name, values, ok, message):
    """A list of ints from a list, tuple or 1-D array `values`, each satisfying ok."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be a list of integers, got {_checks.describe(values)}")
    whole = message.format(values).replace("{", "{{").replace("}", "}}")   # names the whole list
    return [_checks.integer(f"{name}[{i}]", v, ok, whole) for i, v in enumerate(values)]


def _times_power(base_lr, gamma, k):
    """base_lr · γ^k, 0 for base_lr = 0 even where γ^k overflows to inf (γ > 1, k large)."""
    return base_lr * gamma ** k if base_lr else np.zeros(np.shape(k))


class Schedule:
    """A learning-rate schedule: η^t for the optimizer step t, given the base lr η.

    Subclasses implement `_lr(t, base_lr)` for a 1-D int64 array of steps t ≥ 0.
    """

    def lr_at(self, t, base_lr=1.0):
        """η^t for step t (an int, or an integer array for many steps at once).

        Costs O(1) per step, whatever t: no schedule iterates up to t. Where η^t overflows
        (an ExponentialLR with γ > 1, far out) the answer is inf, without a warning.
        """
        if isinstance(t, int) and not isinstance(t, bool) and not -2**63 <= t < 2**63:
            raise ValueError(f"Expected steps t below 2**63, but got {_checks.shown(t)}")
        steps = np.asarray(t)
        if steps.dtype.kind not in "iu":
            text = repr(t) if steps.size <= 10 else f"an array of dtype {steps.dtype}"
            raise TypeError(f"Expected integer steps t, but got {text}")
        _check(steps.size == 0 or steps.min() >= 0,
               f"Expected non-negative steps t, but got {steps.min() if steps.size else t}")
        _check(steps.size == 0 or steps.max() < 2**63,       # uint64 beyond int64
               f"Expected steps t below 2**63, but got {steps.max() if steps.size else t}")
        base_lr = float(_checks.number("base_lr", base_lr, lambda v: v >= 0, "Invalid learning rate: {}"))
        with np.errstate(over="ignore", under="ignore"):
            lrs = self._lr(steps.astype(np.int64).ravel(), base_lr)
        lrs = np.asarray(lrs, dtype=np.float64).reshape(steps.shape)
        return float(lrs) if lrs.ndim == 0 else lrs

    __call__ = lr_at

    def _lr(self, t, base_lr):
        raise NotImplementedError

    def __repr__(self):
        names = inspect.signature(type(self)).parameters
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({args})"


class _Chainable(Schedule):
    """A schedule computed as torch computes it, each step's lr from the previous one, for
    t < EXACT_STEPS, and from its closed form beyond.

    Subclasses implement `_next(t, lr, base_lr)`, torch's ``get_lr`` for step t, where lr
    is the lr of step t − 1 (base_lr when t = 0), and `_closed(t, base_lr)`, the closed
    form for an int64 array of steps. One call runs the recursion at most EXACT_STEPS
    times (a few milliseconds), so η^t costs O(1) in t. The closed form differs from
    torch's recursion only by the recursion's accumulated rounding error (below 1e-9·η;
    tests/test_schedules.py measures it).
    """

    EXACT_STEPS = 2**15

    def _next(self, t, lr, base_lr):
        raise NotImplementedError

    def _closed(self, t, base_lr):
        raise NotImplementedError

    def _lr(self, t, base_lr):
        lrs = np.empty(t.shape)
        near = t < self.EXACT_STEPS
        if near.any():
            recursion = np.empty(t[near].max() + 1)
            lr = base_lr
            for step in range(len(recursion)):
                lr = recursion[step] = self._next(step, lr, base_lr)
            lrs[near] = recursion[t[near]]
        if not near.all():
            lrs[~near] = self._closed(t[~near], base_lr)
        return lrs


class Constant(Schedule):
    """η^t = η: no schedule (torch: no scheduler, or ``LambdaLR(lambda t: 1)``)."""

    def _lr(self, t, base_lr):
        return np.full(t.shape, base_lr)


class StepLR(Schedule):
    """η^t = η · γ^⌊t / step_size⌋: multiply by γ every step_size steps (torch: StepLR)."""

    def __init__(self, step_size, gamma=0.1):
        step_size = _positive_int("step_size", step_size)
        gamma = _positive("gamma", gamma)
        self.step_size, self.gamma = step_size, gamma

    def _lr(self, t, base_lr):
        return _times_power(base_lr, self.gamma, t // self.step_size)


class MultiStepLR(Schedule):
    """η^t = η · γ^(number of milestones ≤ t) (torch: MultiStepLR).

    A milestone listed twice multiplies by γ twice, as in torch.
    """

    def __init__(self, milestones, gamma=0.1):
        milestones = _integers("milestones", milestones, lambda v: v >= 0,
                               "Expected non-negative integer milestones, but got {}")
        gamma = _positive("gamma", gamma)
        self.milestones, self.gamma = milestones, gamma

    def _lr(self, t, base_lr):
        passed = np.searchsorted(np.sort(self.milestones), t, side="right")
        return _times_power(base_lr, self.gamma, passed)


class ExponentialLR(Schedule):
    """η^t = η · γ^t (torch: ExponentialLR)."""

    def __init__(self, gamma):
        self.gamma = _positive("gamma", gamma)

    def _lr(self, t, base_lr):
        return _times_power(base_lr, self.gamma, t)


class ConstantLR(Schedule):
    """η^t = factor · η for t < total_iters, then η: a constant warmup (torch: ConstantLR)."""

    def __init__(self, factor=1.0 / 3, total_iters=5):
        factor = _checks.number("factor", factor, lambda v: 0 <= v <= 1,
                                "Constant multiplicative factor expected to be between 0 and 1.")
        total_iters = _positive_int("total_iters", total_iters)
        self.factor, self.total_iters = factor, total_iters

    def _lr(self, t, base_lr):
        return np.where(t < self.total_iters, base_lr * self.factor, base_lr)


class LinearLR(_Chainable):
    """η^t = η · (s + (e − s) · min(t, T) / T), s = start_factor, e = end_factor,
    T = total_iters: a linear warmup (s < e) or decay (s > e) (torch: LinearLR).

    Computed as torch does, multiplying the previous lr by
    1 + (e − s) / (T·s + (t − 1)(e − s)). With e = 0 that leaves η^T at about ±1e-17·η
    rather than 0; where torch's value is negative (a tiny step uphill), this gives 0.
    """

    def __init__(self, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        start_factor = _checks.number("start_factor", start_factor, lambda v: 0 < v <= 1,
                                      "Starting multiplicative factor expected to be "
                                      "greater than 0 and less or equal to 1.")
        end_factor = _checks.number("end_factor", end_factor, lambda v: 0 <= v <= 1,
                                    "Ending multiplicative factor expected to be between 0 and 1.")
        total_iters = _positive_int("total_iters", total_iters)
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters

    def _next(self, t, lr, base_lr):
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        if t == 0:
            return lr * s
        if t > T:
            return lr
        return max(0.0, lr * (1.0 + (e - s) / (T * s + (t - 1) * (e - s))))

    def _lr(self, t, base_lr):
        return super()._lr(np.minimum(t, self.total_iters), base_lr)   # constant after T

    def _closed(self, t, base_lr):   # torch's _get_closed_form_lr, for T ≥ EXACT_STEPS only
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        return np.maximum(0.0, base_lr * (s + (e - s) * np.minimum(T, t) / T))


class CosineAnnealingLR(_Chainable):
    """η^t = η_min + (η − η_min) · (1 + cos(π t / T_max)) / 2 (torch: CosineAnnealingLR).

    η^t falls from η to η_min = eta_min at t = T_max and, as in torch, then rises again:
    the schedule is periodic with period 2·T_max. Computed as torch does, from the
    previous lr with the ratio (1 + cos(π t/T_max)) / (1 + cos(π (t−1)/T_max)).
    """

    def __init__(self, T_max, eta_min=0.0):
        T_max = _positive_int("T_max", T_max)
        eta_min = _non_negative("eta_min", eta_min)
        self.T_max, self.eta_min = T_max, eta_min

    def _next(self, t, lr, base_lr):
        T, eta_min = self.T_max, self.eta_min
        if t == 0:
            return lr
        if (t - 1 - T) % (2 * T) == 0:   # just past a minimum, where the ratio would be x/0
            return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
        return ((1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - eta_min) + eta_min)

    def _closed(self, t, base_lr):
        # t reduced modulo the period 2·T_max first (exact in integers), so that the angle
        # stays accurate for any t
        T, eta_min = self.T_max, self.eta_min
        reduced = t % (2 * T) if 2 * T < 2**63 else t     # every t is below 2**63
        return eta_min + (base_lr - eta_min) * (1 + np.cos(math.pi * reduced / T)) / 2


class SequentialLR(Schedule):
    """η^t = schedulers[i].lr_at(t − milestones[i−1]) for milestones[i−1] ≤ t < milestones[i]
    (torch: SequentialLR): each schedule starts afresh from η at its milestone.

    The typical warmup + cosine: ``SequentialLR([LinearLR(0.01, total_iters=w),
    CosineAnnealingLR(T − w)], milestones=[w])``.
    """

    def __init__(self, schedulers, milestones):
        if not isinstance(schedulers, (list, tuple)):
            raise TypeError(f"schedulers must be a list of Schedules, got {_checks.describe(schedulers)}")
        _check(len(schedulers) >= 1,
               "SequentialLR expects at least one scheduler, but got no scheduler.")
        for i, schedule in enumerate(schedulers):
            if not isinstance(schedule, Schedule):
                raise TypeError(f"SequentialLR at index {i} should be a Schedule, "
                                f"but got {type(schedule).__name__}.")
        message = "Expected increasing positive integer milestones, but got {}"
        milestones = _integers("milestones", milestones, lambda v: True, message)
        _check(len(milestones) == len(schedulers) - 1,
               "Sequential Schedulers expects number of schedulers provided to be one more than "
               "the number of milestone points, but got number of schedulers "
               f"{len(schedulers)} and the number of milestones to be equal to {len(milestones)}")
        _check(all(a < b for a, b in pairwise([0, *milestones])), message.format(milestones))
        self.schedulers, self.milestones = schedulers, milestones

    def _lr(self, t, base_lr):
        starts = [0, *self.milestones]
        which = np.searchsorted(self.milestones, t, side="right")
        lrs = np.empty(t.shape)
        for i, (schedule, start) in enumerate(zip(self.schedulers, starts)):
            here = which == i
            lrs[here] = schedule.lr_at(t[here] - start, base_lr)
        return lrs


class OneCycleLR(Schedule):
    """The 1cycle policy (Smith & Topin 2017) (torch: OneCycleLR), without momentum cycling.

    η^t anneals from max_lr/div_factor up to max_lr at t = pct_start·total_steps − 1, then
    down to max_lr/(div_factor·final_div_factor) at t = total_steps − 1; with three_phase,
    it comes back to max_lr/div_factor at t = 2·pct_start·total_steps − 2 before the
    descent. Each piece is a half cosine (anneal_strategy='cos') or a line ('linear').
    base_lr is ignored: torch sets the lr from max_lr. As in torch, t may go up to
    total_steps (extrapolating the last piece, which 'linear' can take below 0); beyond
    that it raises. torch also cycles the optimizer's momentum inversely to η^t; this
    schedule gives only η^t.
    """

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
                 div_factor=25.0, final_div_factor=1e4, three_phase=False):
        total_steps = _positive_int("total_steps", total_steps)
        message = "Expected float between 0 and 1 pct_start, but got {}"
        pct_start = _checks.number("pct_start", pct_start, lambda v: 0 <= v <= 1, message)
        _check(isinstance(pct_start, float), message.format(pct_start))   # as torch: 1 is not a float
        _check(isinstance(anneal_strategy, str) and anneal_strategy in ("cos", "linear"),
               f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        # torch checks none of these: a negative max_lr gives negative learning rates and
        # div_factor=0 a ZeroDivisionError
        max_lr = _non_negative("max_lr", max_lr)
        div_factor = _positive("div_factor", div_factor)
        final_div_factor = _positive("final_div_factor", final_div_factor)
        three_phase = _checks.flag("three_phase", three_phase)
        self.max_lr, self.total_steps, self.pct_start = max_lr, total_steps, pct_start
        self.anneal_strategy, self.div_factor = anneal_strategy, div_factor
        self.final_div_factor, self.three_phase = final_div_factor, three_phase
        initial_lr = max_lr / div_factor
        min_lr = initial_lr / final_div_factor
        _check(math.isfinite(initial_lr), f"max_lr/div_factor = {initial_lr} is not a finite learning rate")
        rise_end = float(pct_start * total_steps) - 1
        # phase i goes from lrs[i] at step starts[i] to lrs[i + 1] at step ends[i]
        if three_phase:
            ends = [rise_end, float(2 * pct_start * total_steps) - 2, total_steps - 1]
            lrs = [initial_lr, max_lr, initial_lr, min_lr]
        else:
            ends, lrs = [rise_end, total_steps - 1], [initial_lr, max_lr, min_lr]
        self._starts, self._ends, self._lrs = np.array([0.0, *ends[:-1]]), np.array(ends), np.array(lrs)
        _check(np.all(self._starts != self._ends),   # torch would divide by 0
               f"pct_start={pct_start} gives a phase of zero steps for total_steps={total_steps}")

    def _lr(self, t, base_lr):
        last = t.max(initial=0)
        _check(last <= self.total_steps, f"Tried to step {last} times. "
                                         f"The specified number of total steps is {self.total_steps}")
        # torch's phase: the first whose end is ≥ t, else the last one
        phase = np.argmax(t[:, None] <= np.append(self._ends[:-1], np.inf), axis=1)
        start_step, end_step = self._starts[phase], self._ends[phase]
        pct = (t - start_step) / (end_step - start_step)
        start, end = self._lrs[phase], self._lrs[phase + 1]
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
        return (end - start) * pct + start


class InverseSqrtDecay(Schedule):
    """η^t = η / sqrt(t + 1): the lecture's learning-rate decay.

    torch: ``LambdaLR(lambda t: 1 / math.sqrt(t + 1))``.
    """

    def _lr(self, t, base_lr):
        return base_lr / np.sqrt(t + 1.0)


class ResNetWarmup(Schedule):
    """η^t = warmup_lr for t < warmup_steps, then η: the constant warmup of He et al. 2016.

    Their 110-layer ResNet on CIFAR-10 trains at 0.01 until the training error is below
    80% (about 400 iterations), then at 0.1. torch: ``LambdaLR(lambda t: warmup_lr / η
    if t < warmup_steps else 1)``, or ``ConstantLR(warmup_lr / η, warmup_steps)``.
    """

    def __init__(self, warmup_lr=0.01, warmup_steps=400):
        warmup_lr = _non_negative("warmup_lr", warmup_lr)
        warmup_steps = _positive_int("warmup_steps", warmup_steps)
        self.warmup_lr, self.warmup_steps = warmup_lr, warmup_steps

    def _lr(self, t, base_lr):
        return np.where(t < self.warmup_steps, self.warmup_lr, base_lr)


class TransformerSchedule(Schedule):
    """η^t = η · d_model^−0.5 · min(s^−0.5, s · warmup_steps^−1.5), s = t + 1 (Vaswani 2017).

    The Transformer's schedule (Vaswani et al. 2017): a linear warmup for warmup_steps
    steps, then a decay as 1/sqrt(s); the peak is at t = warmup_steps − 1. With η = 1 it
    is the paper's absolute lr (d_model = 512, warmup_steps = 4000, used with Adam
    β = (0.9, 0.98), ε = 1e-9).
    torch: ``LambdaLR(lambda t: d_model**-0.5 * min((t+1)**-0.5, (t+1) * warmup_steps**-1.5))``.
    """

    def __init__(self, d_model=512, warmup_steps=4000):
        d_model = _positive_int("d_model", d_model)
        warmup_steps = _positive_int("warmup_steps", warmup_steps)
        self.d_model, self.warmup_steps = d_model, warmup_steps

    def _lr(self, t, base_lr):
        s = t + 1.0   # the paper's step, counted from 1
        factor = self.d_model ** -0.5 * np.minimum(s ** -0.5, s * self.warmup_steps ** -1.5)
        return base_lr * factor


class WarmupCosine(Schedule):
    """Linear warmup from 0, then cosine decay to η_min; w = warmup_steps, T = total_steps:

        η^t = η · (t + 1) / w                                          for t < w,
        η^t = η_min + (η − η_min) · (1 + cos(π (t − w) / (T − w))) / 2   for w ≤ t ≤ T,
        η^t = η_min                                                    for t > T.

    torch, for t ≤ T: ``SequentialLR([LambdaLR(lambda t: (t + 1) / w),
    CosineAnnealingLR(T - w, eta_min)], milestones=[w])``.
    """

    def __init__(self, warmup_steps, total_steps, eta_min=0.0):
        warmup_steps = _positive_int("warmup_steps", warmup_steps)
        total_steps = _positive_int("total_steps", total_steps)
        _check(total_steps > warmup_steps, f"Expected total_steps > warmup_steps, but got "
                                           f"total_steps={total_steps}, warmup_steps={warmup_steps}")
        eta_min = _non_negative("eta_min", eta_min)
        self.warmup_steps, self.total_steps, self.eta_min = warmup_steps, total_steps, eta_min

    def _lr(self, t, base_lr):
        w, T, eta_min = self.warmup_steps, self.total_steps, self.eta_min
        angle = np.pi * (np.minimum(t, T) - w) / (T - w)   # in torch's order of operations
        decay = eta_min + (base_lr - eta_min) * (1 + np.cos(angle)) / 2
        return np.where(t < w, base_lr * (t + 1.0) / w, decay)
