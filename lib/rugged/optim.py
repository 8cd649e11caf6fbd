r"""Optimizers, written as the lecture writes them and numerically equal to torch.optim.

The lecture's summary of every optimizer is one line,

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t,

with three ingredients: the **momentum** m (a weighted sum of past gradients: it keeps
their direction), the **denominator** σ (a root mean square of past gradients: it keeps
only their magnitude) and the **schedule** η^t. In this module that line is the code's
structure:

* the ingredients are objects, each written once: the momenta `Gradient`, `HeavyBall` and
  `EMA`, the denominators `Ones`, `RootSum`, `RootMean` and `RootEMA` (schedules live in
  `rugged.schedules`);
* `Optimizer(lr, momentum=…, sigma=…)` is the one rule θ − η^t·m/σ (with a weight-decay
  hook), shared by every optimizer;
* the named optimizers are presets of ingredients with torch.optim's signatures,
  defaults and error messages: `SGD`, `Adagrad`, `RMSprop`, `Adam`, `AdamW`, and the
  lecture's `GD`, `LectureAdagrad` (σ the root *mean* square, no eps) and
  `LectureRMSProp` (σ^0 = |g^0|). Three of torch's algorithms leave the formula and say
  how in their docstrings: `RAdam`, `NAdam` and `RMSprop` with momentum.

In float64 every optimizer reproduces torch 2.13's trajectories to a relative error
below 1e-12 (tests/test_optim_parity.py), because every ingredient does torch's arithmetic
in torch's order. An ingredient's arithmetic is written as Python statements on one
parameter's numbers; `rugged._compile` runs them on NumPy arrays (any shape) and, for a
point of a few coordinates, on plain floats (the fast path `rugged.descend` takes).

An optimizer works on a NumPy array of parameters of any shape (one point of shape (d,)
or several of shape (k, d): each element is a parameter i). `step(params, grad)` returns
the new parameters, and `last` is the step's record `Step(m, sigma, lr)`: the m^t and σ^t
it used and η^t, fresh arrays that no later step changes, so that the step taken is
−(lr/σ)·m. `m`, `sigma`, `effective_lr` and `step_size` (η^t/σ^t) read it.

Usage::

    opt = Adam(lr=0.1)
    theta = np.array([1.0])
    for t in range(3):
        theta = opt.step(theta, 2 * theta)   # gradient of f(x) = x²
    opt.last.sigma                            # σ of the third step

    # the same Adam, put together from its ingredients
    Optimizer(0.1, momentum=EMA(0.9, bias_correction=True),
              sigma=RootEMA(0.999, eps=1e-8, bias_correction=True))
"""

import functools
import inspect
from typing import NamedTuple

import numpy as np

from . import _checks, _compile

__all__ = [
    "Optimizer", "Step", "GD", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "RAdam", "NAdam",
    "LectureAdagrad", "LectureRMSProp", "Ingredient", "Momentum", "Denominator",
    "Gradient", "HeavyBall", "EMA", "Ones", "RootSum", "RootMean", "RootEMA",
    "radam_rho", "radam_rectification",
]


# ---------------------------------------------------------------------------------------
# Argument checks, with torch.optim's wording and in torch's order (lr first). A wrong type
# raises TypeError naming it; NaN and ±inf are invalid values (torch accepts ±inf, which
# makes every step NaN). The helpers live in rugged._checks, shared with the schedules.

def _non_negative(name, value, message):
    return _checks.number(name, value, lambda v: v >= 0, message)


def _check_lr(lr):
    return _non_negative("lr", lr, "Invalid learning rate: {}")


def _check_eps(eps):
    return _non_negative("eps", eps, "Invalid epsilon value: {}")


def _check_weight_decay(weight_decay):
    return _non_negative("weight_decay", weight_decay, "Invalid weight_decay value: {}")


def _check_momentum(momentum):
    return _non_negative("momentum", momentum, "Invalid momentum value: {}")


def _check_betas(betas):
    if isinstance(betas, np.ndarray) and betas.ndim == 1:
        betas = tuple(betas)
    if not isinstance(betas, (tuple, list)):
        raise TypeError(f"betas must be a pair of real numbers (beta1, beta2), "
                        f"got {_checks.describe(betas)}")
    _checks.check(len(betas) == 2, f"betas must be a pair (beta1, beta2); got {betas!r}")
    return tuple(_checks.number(f"betas[{index}]", beta, lambda v: 0 <= v < 1,
                                f"Invalid beta parameter at index {index}: {{}}")
                 for index, beta in enumerate(betas))


# ---------------------------------------------------------------------------------------
# Ingredients. Each keeps one running statistic of a parameter's gradients. Its arithmetic
# is written once, as Python statements on one parameter's numbers, in torch's order:
# `g` is the gradient, `state` names what is kept between steps (with its value before the
# first step), `first` the statements of the first step where they differ from `update`,
# and `value` the expression the rule reads (this ingredient's m_i^t or σ_i^t). Numbers
# that depend only on the step (bias corrections) come from `per_step(t)`, computed for
# every step at once, with t torch's step count (from 1).

class Ingredient:
    """One of the lecture's ingredients (see the comment above); `values` runs it alone."""

    state = {}
    first = None
    update = ()
    value = ""
    eps = 0.0

    def constants(self):
        """Numbers fixed for the run, by the names the statements use."""
        return {}

    def per_step(self, t):
        """Arrays over torch's steps t = 1, 2, … by the names the statements use."""
        return {}

    def lr_divisor(self, t):
        """What η^t is divided by at torch's step t, or None (torch folds Adam's 1 − β1^t into η)."""
        return None

    def arguments(self):
        """The constructor's arguments, as a dict."""
        return {}

    def values(self, grads):
        """The statistic at each step for gradients g^0 … g^{n−1} (shape (n,) or (n, d)).

        For a momentum m^t (m̂^t = m^t/(1 − β^{t+1}) when bias-corrected, as the lecture
        writes it), for a denominator σ^t; fresh arrays shaped like `grads`.
        """
        grads = np.asarray(grads, dtype=float)
        if grads.ndim not in (1, 2):
            raise ValueError(f"grads must have shape (n,) or (n, d): one gradient per step; got {grads.shape}")
        momentum = isinstance(self, Momentum)      # run alone under the one rule, the other ingredient neutral
        optimizer = Optimizer(1.0, momentum=self) if momentum else Optimizer(1.0, sigma=self)
        params = np.zeros(grads.shape[1:])
        out = np.empty_like(grads)
        for k, g in enumerate(grads):
            optimizer.step(params, g)
            out[k] = optimizer.last.m if momentum else optimizer.last.sigma
        divisor = self.lr_divisor(np.arange(1.0, len(grads) + 1))
        if divisor is not None:
            out /= divisor.reshape((-1,) + (1,) * (grads.ndim - 1))
        return out

    def _key(self):
        return (type(self).__name__, tuple(sorted(self.arguments().items())))

    def __eq__(self, other):
        return isinstance(other, Ingredient) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments().items()
                         if k not in defaults or defaults[k] is inspect.Parameter.empty or defaults[k] != v)
        return f"{type(self).__name__}({args})"


class Momentum(Ingredient):
    """A momentum m: a weighted sum of past gradients, which keeps their direction."""


class Denominator(Ingredient):
    """A denominator σ: a root mean square of past gradients, which keeps only their magnitude."""


class Gradient(Momentum):
    """No momentum: m^t = g^t."""

    value = "g"

    def __init__(self):
        pass


class HeavyBall(Momentum):
    """torch's SGD momentum buffer: b^0 = g^0, b^t = μ b^{t−1} + (1 − dampening) g^t.

    m^t = b^t, or g^t + μ b^t with Nesterov's look-ahead. With dampening 0 the buffer is
    the plain sum Σ_k μ^{t−k} g^k: an EMA of the gradients times 1/(1 − μ).
    """

    state = {"b": 0.0}
    first = ("b = g",)
    update = ("b = b * mu + damp1 * g",)

    def __init__(self, momentum, dampening=0.0, nesterov=False):
        self.momentum = _check_momentum(momentum)
        self.dampening = _checks.number("dampening", dampening, lambda v: True, "Invalid dampening value: {}")
        self.nesterov = _checks.flag("nesterov", nesterov)
        self.value = "g + mu * b" if self.nesterov else "b"

    def arguments(self):
        return {"momentum": self.momentum, "dampening": self.dampening, "nesterov": self.nesterov}

    def constants(self):
        return {"mu": self.momentum, "damp1": 1 - self.dampening}


def _lerp(name, weight):
    """torch's lerp(x, g, w) = x + w (g − x) for |w| < 0.5, else g − (g − x)(1 − w)."""
    if abs(weight) < 0.5:
        return (f"{name} = {name} + (g - {name}) * w1",)
    return (f"{name} = g - (g - {name}) * (1 - w1)",)


class EMA(Momentum):
    """m^t = β m^{t−1} + (1 − β) g^t from m^{−1} = 0, as torch's lerp computes it.

    With bias correction the lecture's m̂^t = m^t/(1 − β^{t+1}) (t from 0) is what the rule
    uses; as in torch, the factor is folded into the learning rate (`lr_divisor`).
    """

    state = {"m": 0.0}
    value = "m"

    def __init__(self, beta, bias_correction=False):
        self.beta = _checks.number("beta", beta, lambda v: 0 <= v < 1, "Invalid beta: {}; allowed: 0 ≤ beta < 1")
        self.bias_correction = _checks.flag("bias_correction", bias_correction)
        self.update = _lerp("m", 1 - self.beta)

    def arguments(self):
        return {"beta": self.beta, "bias_correction": self.bias_correction}

    def constants(self):
        return {"w1": 1 - self.beta}

    def lr_divisor(self, t):
        return _bias_correction(t, self.beta) if self.bias_correction else None


class Ones(Denominator):
    """σ = 1: no adaptive learning rate."""

    value = None

    def __init__(self):
        pass


class RootSum(Denominator):
    """torch's Adagrad: s^t = s^{t−1} + (g^t)² from s^{−1} = initial, σ^t = sqrt(s^t) + eps."""

    update = ("s = s + g * g",)

    def __init__(self, eps=1e-10, initial=0.0):
        self.eps = _check_eps(eps)
        self.initial = _non_negative("initial", initial, "Invalid initial_accumulator_value value: {}")
        self.state = {"s": float(self.initial)}
        self.value = "sqrt(s)" + (" + eps" if self.eps else "")

    def arguments(self):
        return {"eps": self.eps, "initial": self.initial}

    def constants(self):
        return {"eps": self.eps}


class RootMean(Denominator):
    """The lecture's Adagrad: σ^t = sqrt((1/(t+1)) Σ_{k≤t} (g^k)²), the root of the running
    mean of squares, so σ^0 = |g^0| (plus eps, 0 in the lecture)."""

    state = {"v": 0.0}
    first = ("v = g * g",)
    update = ("v = v + (g * g - v) / n",)

    def __init__(self, eps=0.0):
        self.eps = _check_eps(eps)
        self.value = "sqrt(v)" + (" + eps" if self.eps else "")

    def arguments(self):
        return {"eps": self.eps}

    def constants(self):
        return {"eps": self.eps}

    def per_step(self, t):
        return {"n": np.asarray(t, dtype=float)}


class RootEMA(Denominator):
    """σ^t = sqrt(v^t) (+ eps) with v^t = α v^{t−1} + (1 − α)(g^t)²: RMSProp's and Adam's σ.

    start: "zero" (torch: v^{−1} = 0) or "first" (the lecture: v^0 = (g^0)², σ^0 = |g^0|);
    bias_correction: σ = sqrt(v^t)/sqrt(1 − α^{t+1}) + eps (Adam's, in torch's order);
    centered: sqrt(v − ḡ²), ḡ the same average of g (torch's RMSprop);
    amsgrad: the running maximum of v instead of v (torch's Adam).
    """

    state = {"v": 0.0}

    def __init__(self, alpha, eps=0.0, start="zero", bias_correction=False, centered=False,
                 amsgrad=False):
        self.alpha = _checks.number("alpha", alpha, lambda v: 0 <= v <= 1, "Invalid alpha value: {}")
        self.eps = _check_eps(eps)
        if start not in ("zero", "first"):
            raise ValueError(f"Invalid start: {start!r}; allowed: 'zero' (torch) or 'first' (the lecture)")
        self.start = start
        self.bias_correction = _checks.flag("bias_correction", bias_correction)
        self.centered = _checks.flag("centered", centered)
        self.amsgrad = _checks.flag("amsgrad", amsgrad)
        if start == "first":                  # the lecture's form, in its own order
            self.first, self.update = ("v = g * g",), ("v = alpha * v + w2 * (g * g)",)
        else:
            self.update = ("v = v * alpha + w2 * g * g",)
        root = "v"
        if self.centered:
            self.state = {"v": 0.0, "ga": 0.0}
            self.update += tuple(s.replace("w1", "w2") for s in _lerp("ga", 1 - self.alpha))
            root = "v + -1 * ga * ga"
        if self.amsgrad:
            self.state = {**self.state, "vmax": 0.0}
            self.update += ("vmax = maximum(vmax, v)",)
            root = "vmax"
        if self.first is not None and (self.centered or self.amsgrad):
            self.first += self.update[1:]
        self.value = (f"sqrt({root})" + (" / rc2" if self.bias_correction else "")
                      + (" + eps" if self.eps else ""))

    def arguments(self):
        return {"alpha": self.alpha, "eps": self.eps, "start": self.start,
                "bias_correction": self.bias_correction, "centered": self.centered,
                "amsgrad": self.amsgrad}

    def constants(self):
        return {"alpha": self.alpha, "w2": 1 - self.alpha, "eps": self.eps}

    def per_step(self, t):
        return {"rc2": _root_bias_correction(t, self.alpha)} if self.bias_correction else {}


@functools.lru_cache(maxsize=8)
def run_steps(n):
    """torch's steps t = 1, 2, …, n of a whole run, as `descend` passes them to `per_step`
    (one read-only array per n, so that what depends only on t can be remembered)."""
    t = np.arange(1.0, n + 1)
    t.flags.writeable = False
    return t


def _whole_run(function):
    """`function(t, *numbers)`, remembered for whole runs: when t is `run_steps(n)` the
    result for (n, *numbers) is kept (read-only). The powers of a 100,000-step run cost
    milliseconds, and a panel asks for the same ones again at every move."""
    @functools.lru_cache(maxsize=64)
    def remembered(n, *numbers):
        out = function(run_steps(n), *numbers)
        out.flags.writeable = False
        return out

    @functools.wraps(function)
    def wrapper(t, *numbers, **keywords):
        if not keywords and getattr(t, "ndim", 0) == 1 and len(t) > 1 and t is run_steps(len(t)):
            return remembered(len(t), *numbers)
        return function(t, *numbers, **keywords)
    return wrapper


@_whole_run
def _bias_correction(t, beta):
    """1 − β^t, in torch's arithmetic (Python's β ** t is the C library's pow, as NumPy's)."""
    return 1 - beta ** np.asarray(t, dtype=float)


@_whole_run
def _root_bias_correction(t, beta):
    """sqrt(1 − β^t) as torch computes it: `_root`."""
    return _root(_bias_correction(t, beta))


def _root(x):
    """x ** 0.5 for every element as torch's Python code computes it: the C library's pow,
    which is not always the correctly rounded square root (NumPy's `x ** 0.5` is `sqrt`).
    In 1 step of 100 the two differ in the last bit, enough to part a long path from torch's."""
    x = np.asarray(x, dtype=float)
    return np.power(x, np.full_like(x, 0.5))


# ---------------------------------------------------------------------------------------
# The one rule

class Step(NamedTuple):
    """What one step used: m^t and σ^t (per parameter) and η^t, so the step was −(lr/σ)·m."""

    m: np.ndarray
    sigma: np.ndarray
    lr: float


class Optimizer:
    r"""θ^{t+1} = θ^t − (η^t/σ^t)·m^t, with the momentum and the denominator as ingredients.

    lr: the base η (a schedule given to `rugged.descend` scales it into η^t);
    momentum: a `Momentum` ingredient (default `Gradient()`: m = g);
    sigma: a `Denominator` ingredient (default `Ones()`: σ = 1);
    weight_decay: λ, the weight-decay hook: g ← g + λθ before the ingredients see g, or,
        with decoupled_weight_decay, θ ← θ(1 − η^tλ) first (AdamW's).

    `step(params, grad)` returns the new parameters and leaves its inputs alone; `last`
    is the step's `Step` record. The state (the ingredients' running statistics) is
    created at the first step, shaped like `params`; `reset()` forgets it; `t` counts the
    steps taken (torch's `state['step']`). Where σ = 0 (eps = 0, before any non-zero
    gradient) the step is 0; torch's presets keep torch's inf and NaN instead.
    """

    _arguments = None           # the presets list their constructor's arguments
    torch_form = False          # True for torch's presets: no guard where σ = 0
    lr_decay = 0                # Adagrad's built-in decay η/(1 + (t − 1)·lr_decay)
    rule_state = {}             # what an overriding rule keeps between steps

    def __init__(self, lr, momentum=None, sigma=None, weight_decay=0, decoupled_weight_decay=False):
        lr = _check_lr(lr)
        momentum = Gradient() if momentum is None else momentum
        sigma = Ones() if sigma is None else sigma
        if not isinstance(momentum, Momentum):
            raise TypeError(f"momentum must be a momentum ingredient (Gradient, HeavyBall or EMA); "
                            f"got {_checks.describe(momentum)}")
        if not isinstance(sigma, Denominator):
            raise TypeError(f"sigma must be a denominator ingredient (Ones, RootSum, RootMean or "
                            f"RootEMA); got {_checks.describe(sigma)}")
        self._build(lr, momentum, sigma, weight_decay, decoupled_weight_decay)

    def _build(self, lr, momentum, sigma, weight_decay=0, decoupled_weight_decay=False):
        """Set the ingredients and the weight decay (checked here) and forget any state."""
        self.lr = lr
        self.momentum_part, self.sigma_part = momentum, sigma
        self.weight_decay = _check_weight_decay(weight_decay)
        self.decoupled_weight_decay = _checks.flag("decoupled_weight_decay", decoupled_weight_decay)
        self._program_cache = None
        self.reset()

    # --- the statements -----------------------------------------------------------------

    def parts(self):
        """The ingredients: (momentum, denominator)."""
        return (self.momentum_part, self.sigma_part)

    def rule(self):
        """The rule's statements: m and σ from the ingredients, then θ − η^t·m/σ."""
        m, s = self.momentum_part.value, self.sigma_part.value
        if s is None:
            return (f"m_ = {m}", "s_ = 1.0", "p = p - lr_t * m_")
        if self.sigma_part.eps == 0 and not self.torch_form:    # σ may be 0: that step is 0
            return (f"m_ = {m}", f"s_ = {s}", "p = p - lr_t * guarded(m_, s_)")
        return (f"m_ = {m}", f"s_ = {s}", "p = p - lr_t * m_ / s_")

    def rule_constants(self):
        """Numbers an overriding rule uses."""
        return {}

    def _decay(self):
        if not self.weight_decay:
            return ()
        return ("p = p * shrink",) if self.decoupled_weight_decay else ("g = g + wd * p",)

    def program(self):
        """(state, first, update, per-step names, constants): the statements of a step."""
        if self._program_cache is None:
            parts, decay, rule = self.parts(), self._decay(), self.rule()
            first = decay + sum((tuple(p.first if p.first is not None else p.update) for p in parts), ()) + rule
            update = decay + sum((tuple(p.update) for p in parts), ()) + rule
            state = {}
            constants = {"wd": self.weight_decay, **self.rule_constants()}
            for part in parts:
                state.update(part.state)
                constants.update(part.constants())
            state.update(self.rule_state)
            names = tuple(self.per_step(np.ones(1), np.ones(1)))
            self._program_cache = (state, first, update, names, constants)
        return self._program_cache

    def per_step(self, lrs, t):
        """The numbers of each step, by name, for scheduled rates `lrs` at torch's steps `t`.

        lr: η^t as scheduled; lr_t: η^t as the rule uses it (divided by the ingredients'
        bias corrections and by Adagrad's decay); the ingredients' own numbers.
        """
        lrs = np.asarray(lrs, dtype=float)
        t = np.asarray(t, dtype=float)
        lr_t = lrs
        if self.lr_decay:
            lr_t = lr_t / (1 + (t - 1) * self.lr_decay)
        for part in self.parts():
            divisor = part.lr_divisor(t)
            if divisor is not None:
                lr_t = lr_t / divisor
        out = {"lr": lrs, "lr_t": lr_t}
        if self.weight_decay and self.decoupled_weight_decay:
            out["shrink"] = 1 - lrs * self.weight_decay      # torch's θ·(1 − η^t·λ), once per step
        for part in self.parts():
            out.update(part.per_step(t))
        return out

    def compiled(self):
        """(first_step, step) on arrays: f(state, p, g, *per-step numbers) → (p, m, σ)."""
        return _array_steps(*self._program_key())

    def float_walk(self, dim, gradient=None, data=()):
        """The whole-path walk on floats for `dim` coordinates (see `rugged._compile.float_walk`);
        gradient: None, or (statements, numbers) that compute the gradient inside the loop;
        data: the names of per-step numbers those statements read (a minibatch's examples)."""
        statements, numbers = gradient or ((), {})
        return _float_walk(dim, *self._program_key(), tuple(statements), tuple(sorted(numbers.items())),
                           tuple(data))

    def _program_key(self):
        state, first, update, names, constants = self.program()
        return (tuple(state.items()), first, update, names, tuple(sorted(constants.items())))

    def fresh_state(self, shape):
        """The ingredients' state before the first step, for parameters of this shape."""
        return {name: np.full(shape, float(value)) for name, value in self.program()[0].items()}

    # --- stepping -----------------------------------------------------------------------

    def reset(self):
        """Forget all state: the next step is a first step."""
        self.t = 0
        self.shape = None
        self.last = None
        self._state = None

    def step(self, params, grad):
        """Take one step from `params` with gradient `grad`; return the new parameters."""
        params = np.asarray(params, dtype=float)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != params.shape:
            raise ValueError(
                f"grad must have the shape of the parameters, {params.shape}; got {grad.shape}")
        if self.shape is None:
            self.shape, self._state = params.shape, self.fresh_state(params.shape)
        elif params.shape != self.shape:
            raise ValueError(
                f"params must keep the shape of the first step, {self.shape}; got {params.shape}")
        self.lr = _check_lr(self.lr)
        self.t += 1
        numbers = self.per_step([self.lr], [self.t])
        names = self.program()[3]
        first, later = self.compiled()
        with np.errstate(all="ignore"):          # an inf or NaN gradient gives inf or NaN, quietly
            p, m, s = (first if self.t == 1 else later)(self._state, params, grad,
                                                         *(float(numbers[n][0]) for n in names))
        shape = params.shape
        self.last = Step(np.array(np.broadcast_to(m, shape), dtype=float),
                         np.array(np.broadcast_to(s, shape), dtype=float), float(numbers["lr_t"][0]))
        return np.array(np.broadcast_to(p, shape), dtype=float)

    @property
    def m(self):
        """m^t of the last step (None before any)."""
        return None if self.last is None else self.last.m

    @property
    def sigma(self):
        """σ^t of the last step (None before any)."""
        return None if self.last is None else self.last.sigma

    @property
    def effective_lr(self):
        """η^t as the last step's rule used it (None before any)."""
        return None if self.last is None else self.last.lr

    @property
    def step_size(self):
        """η^t / σ_i^t of the last step: the effective learning rate of each parameter (inf where σ = 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.last.lr / self.last.sigma

    # --- description --------------------------------------------------------------------

    def hyperparameters(self):
        """The constructor's arguments, as a dict."""
        if self._arguments is None:
            return {"lr": self.lr, "momentum": self.momentum_part, "sigma": self.sigma_part,
                    "weight_decay": self.weight_decay,
                    "decoupled_weight_decay": self.decoupled_weight_decay}
        return {name: getattr(self, name) for name in self._arguments}

    def __repr__(self):
        """The class and the arguments that differ from the defaults (lr always), e.g. Adam(lr=0.1)."""
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        if self._arguments is None:                  # None stands for these ingredients
            defaults.update(momentum=Gradient(), sigma=Ones())
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items()
                         if k == "lr" or defaults.get(k) != v)
        return f"{type(self).__name__}({args})"


@functools.lru_cache(maxsize=256)
def _array_steps(state, first, update, names, constants):
    return _compile.array_steps(dict(state), first, update, names, dict(constants))


@functools.lru_cache(maxsize=256)
def _float_walk(dim, state, first, update, names, constants, gradient, numbers, data):
    return _compile.float_walk(dim, dict(state), first, update, names, {**dict(numbers), **dict(constants)},
                               ("m_", "s_"), gradient, data)[0]


# ---------------------------------------------------------------------------------------
# The presets: torch.optim's optimizers and the lecture's forms, as ingredients

class SGD(Optimizer):
    r"""Gradient descent with optional momentum: torch.optim.SGD.

    m^t = g^t without momentum; with momentum μ, torch's buffer `HeavyBall`:
    b^t = μ b^{t−1} + (1 − dampening) g^t (b^0 = g^0) and m^t = b^t, or, with nesterov,
    m^t = g^t + μ b^t. σ = 1.
    """

    _arguments = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
    torch_form = True

    def __init__(self, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        lr = _check_lr(lr)
        momentum = _check_momentum(momentum)
        weight_decay = _check_weight_decay(weight_decay)
        dampening = _checks.number("dampening", dampening, lambda v: True, "Invalid dampening value: {}")
        nesterov = _checks.flag("nesterov", nesterov)
        _checks.check(not nesterov or (momentum > 0 and dampening == 0),
                      "Nesterov momentum requires a momentum and zero dampening")
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov
        m = HeavyBall(momentum, dampening, nesterov) if momentum else Gradient()
        self._build(lr, m, Ones(), weight_decay)


class GD(SGD):
    """The lecture's plain gradient descent, θ^{t+1} = θ^t − η g^t (SGD with no options)."""

    _arguments = ("lr",)

    def __init__(self, lr=1e-3):
        super().__init__(lr)


class Adagrad(Optimizer):
    r"""Adagrad as torch.optim.Adagrad computes it: m = g, σ = `RootSum`.

    s^t = s^{t−1} + (g^t)² (s^{−1} = initial_accumulator_value),
    σ^t = sqrt(s^t) + eps,  η^t = lr / (1 + t·lr_decay),  θ^{t+1} = θ^t − (η^t/σ^t) g^t.

    The lecture's σ is the root *mean* square, sqrt(s^t/(t+1)); since
    sqrt(s^t) = sqrt(t+1)·σ_lecture, this is the lecture's Adagrad with the decay
    η/sqrt(t+1) built in (see `LectureAdagrad` and notebook 06).
    """

    _arguments = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")
    torch_form = True

    def __init__(self, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
        lr = _check_lr(lr)
        lr_decay = _non_negative("lr_decay", lr_decay, "Invalid lr_decay value: {}")
        weight_decay = _check_weight_decay(weight_decay)
        initial_accumulator_value = _non_negative(
            "initial_accumulator_value", initial_accumulator_value,
            "Invalid initial_accumulator_value value: {}")
        eps = _check_eps(eps)
        self.lr_decay, self.initial_accumulator_value, self.eps = lr_decay, initial_accumulator_value, eps
        self._build(lr, Gradient(), RootSum(eps, initial_accumulator_value), weight_decay)


class RMSprop(Optimizer):
    r"""RMSprop as torch.optim.RMSprop computes it: m = g, σ = `RootEMA` from 0.

    v^t = α v^{t−1} + (1 − α)(g^t)² with v^{−1} = 0; σ^t = sqrt(v^t) + eps, or, when
    centered, sqrt(v^t − (ḡ^t)²) + eps with ḡ^t the moving average of g.
    θ^{t+1} = θ^t − (η/σ^t) g^t.

    **Where it leaves the formula:** with momentum μ > 0 torch keeps the momentum of the
    already divided gradient, b^t = μ b^{t−1} + g^t/σ^t, and steps θ^{t+1} = θ^t − η b^t:
    the momentum comes after σ, not before. Then `m` is b^t and the step is −η·m
    (`sigma` is still σ^t, what the newest gradient is divided by).

    Differences from the lecture's RMSProp (`LectureRMSProp`): v starts at 0 instead of
    (g^0)², eps sits outside the square root, and there is no bias correction, so the
    first step is g^0/(sqrt(1 − α)|g^0|) times η: about 10η for α = 0.99.
    """

    _arguments = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")
    torch_form = True

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        momentum = _check_momentum(momentum)
        weight_decay = _check_weight_decay(weight_decay)
        alpha = _non_negative("alpha", alpha, "Invalid alpha value: {}")
        centered = _checks.flag("centered", centered)
        self.alpha, self.eps, self.momentum, self.centered = alpha, eps, momentum, centered
        self.rule_state = {"b": 0.0} if momentum > 0 else {}
        self._build(lr, Gradient(), RootEMA(alpha, eps, centered=centered), weight_decay)

    def rule(self):
        if self.momentum <= 0:
            return super().rule()
        return (f"s_ = {self.sigma_part.value}", "b = b * mu + g / s_", "m_ = b", "p = p - lr_t * b")

    def rule_constants(self):
        return {"mu": self.momentum}


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015, Algorithm 1) as torch.optim.Adam computes it: RMSProp + momentum.

    m = `EMA`(β1, bias-corrected), σ = `RootEMA`(β2, bias-corrected):
    m^t = β1 m^{t−1} + (1 − β1) g^t,   v^t = β2 v^{t−1} + (1 − β2)(g^t)²  (both from 0),
    m̂^t = m^t/(1 − β1^{t+1}), σ^t = sqrt(v^t)/sqrt(1 − β2^{t+1}) + eps (t from 0),
    θ^{t+1} = θ^t − (η/σ^t) m̂^t.

    With amsgrad, v is replaced by its running maximum. weight_decay adds λθ to the
    gradient, or, with decoupled_weight_decay (AdamW), shrinks θ by (1 − ηλ) first.
    As in torch, the bias correction of m is folded into the learning rate: the record's
    `lr` is η/(1 − β1^t) (t from 1) and its `m` the raw average m^t.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "amsgrad", "decoupled_weight_decay")
    torch_form = True

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        amsgrad = _checks.flag("amsgrad", amsgrad)
        self.betas, self.eps, self.amsgrad = betas, eps, amsgrad
        self._build(lr, EMA(betas[0], bias_correction=True),
                    RootEMA(betas[1], eps, bias_correction=True, amsgrad=amsgrad),
                    weight_decay, decoupled_weight_decay)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019): torch.optim.AdamW."""

    _arguments = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)


@_whole_run
def radam_rho(t, beta2=0.999):
    r"""RAdam's ρ_t = ρ∞ − 2tβ2^t/(1 − β2^t) with ρ∞ = 2/(1 − β2) − 1 (t counts steps from 1).

    ρ_t approximates the number of gradients the second moment effectively averages; the
    variance of the adaptive learning rate is finite only for ρ_t > 4.
    """
    t = np.asarray(t, dtype=float)
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)


def radam_rectification(rho_t, beta2=0.999):
    r"""r_t = sqrt((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)), defined for ρ_t > 4 (NaN elsewhere)."""
    rho_t = np.asarray(rho_t, dtype=float)
    rho_inf = 2 / (1 - beta2) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        return _root(np.where(rho_t > 4, ratio, np.nan))


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., ICLR 2020) as torch.optim.RAdam computes it.

    Ingredients m = `EMA`(β1), σ = `RootEMA`(β2), with m̂ = m/(1 − β1^t) (t from 1).
    **Where it leaves the formula:** while ρ_t ≤ 5 (`radam_rho`; torch's threshold, the
    paper says 4) the step is momentum SGD, θ^{t+1} = θ^t − η m̂^t (σ = 1). After that
    the adaptive step is rectified by r_t (`radam_rectification`):
    σ^t = (sqrt(v^t) + eps) / (sqrt(1 − β2^t) r_t) and θ^{t+1} = θ^t − (η/σ^t) m̂^t.
    With β2 = 0.999 the first rectified step is the 6th. eps is added before the bias
    correction, unlike Adam.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay")
    torch_form = True
    threshold = 5.0

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        self.betas, self.eps = betas, eps
        self._build(lr, EMA(betas[0]), RootEMA(betas[1], eps), weight_decay, decoupled_weight_decay)

    @property
    def rectified(self):
        """Whether the last step was rectified (ρ_t > threshold), False before any step."""
        return bool(self.t and radam_rho(self.t, self.betas[1]) > self.threshold)

    def rule(self):
        return ("m_ = m / bc1",
                "u = rc2 / (sqrt(v) + eps) if rect else 0.0",     # torch's adaptive factor, once
                "s_ = 1 / (u * rect) if rect else 1.0",
                "p = p - m_ * lr * u * rect if rect else p - m_ * lr")

    def per_step(self, lrs, t):
        out = super().per_step(lrs, t)
        beta1, beta2 = self.betas
        out["bc1"] = _bias_correction(t, beta1)
        out["rc2"] = _root_bias_correction(t, beta2)
        out["rect"] = _radam_rect(t, beta2, self.threshold)
        return out


@_whole_run
def _radam_rect(t, beta2, threshold):
    """RAdam's r_t where ρ_t > threshold (the step is rectified), else 0."""
    rho = radam_rho(np.asarray(t, dtype=float), beta2)
    return np.where(rho > threshold, np.nan_to_num(radam_rectification(rho, beta2)), 0.0)


class NAdam(Optimizer):
    r"""Adam with Nesterov momentum (Dozat 2016) as torch.optim.NAdam computes it.

    Ingredients m = `EMA`(β1), σ = `RootEMA`(β2) with σ^t = sqrt(v^t/(1 − β2^t)) + eps.
    **Where it leaves the formula:** the momentum is looked at one step ahead, with a
    momentum coefficient that changes with the step, μ_t = β1 (1 − 0.5·0.96^{t·momentum_decay})
    (t from 1), Π_t = μ_1⋯μ_t:
    θ^{t+1} = θ^t − η(1 − μ_t)/(1 − Π_t) · g^t/σ^t − η μ_{t+1}/(1 − Π_{t+1}) · m^t/σ^t.
    The record's `m` is (1 − μ_t)/(1 − Π_t) g^t + μ_{t+1}/(1 − Π_{t+1}) m^t, what the step
    multiplies by η/σ.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay")
    torch_form = True

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        momentum_decay = _non_negative("momentum_decay", momentum_decay, "Invalid momentum_decay value: {}")
        self.betas, self.eps, self.momentum_decay = betas, eps, momentum_decay
        self._products = np.empty(0)
        self._build(lr, EMA(betas[0]), RootEMA(betas[1], eps), weight_decay, decoupled_weight_decay)

    def mu(self, t):
        """μ_t, the momentum coefficient of torch's step t (from 1)."""
        return _nadam_mu(t, self.betas[0], self.momentum_decay)

    def _mu_product(self, n):
        """Π_{k≤t} μ_k for t = 1 … n (at least), multiplied in torch's order, and kept."""
        if len(self._products) < n:
            self._products = np.cumprod(self.mu(np.arange(1, max(n, 2 * len(self._products)) + 1)))
        return self._products

    def rule(self):
        return ("s_ = sqrt(v / bc2) + eps", "m_ = k_g * g + k_m * m",
                "p = p + c_g * g / s_", "p = p + c_m * m / s_")

    def per_step(self, lrs, t):
        out = super().per_step(lrs, t)
        lr = out["lr"]
        if getattr(t, "ndim", 0) == 1 and t is run_steps(len(t)):     # a whole run: remembered
            rows = _nadam_whole_run(t, self.betas[0], self.momentum_decay)
        else:                                     # a step at a time: the products kept so far
            t = np.asarray(t, dtype=float)
            rows = _nadam_rows(self.mu(t), self.mu(t + 1), self._mu_product(int(t.max()))[t.astype(int) - 1])
        one_minus_mu, one_minus_product, mu_next, one_minus_next = rows
        out["bc2"] = _bias_correction(t, self.betas[1])
        out["c_g"] = (-lr * one_minus_mu) / one_minus_product
        out["c_m"] = (-lr * mu_next) / one_minus_next
        out["k_g"] = one_minus_mu / one_minus_product
        out["k_m"] = mu_next / one_minus_next
        return out


def _nadam_mu(t, beta1, momentum_decay):
    """NAdam's μ_t = β1 (1 − 0.5·0.96^{t·momentum_decay}) (t from 1)."""
    return beta1 * (1.0 - 0.5 * (0.96 ** (np.asarray(t, dtype=float) * momentum_decay)))


def _nadam_rows(mu, mu_next, product):
    """1 − μ_t, 1 − Π_t, μ_{t+1}, 1 − Π_{t+1}: NAdam's numbers of a step before η."""
    return np.stack([1.0 - mu, 1.0 - product, mu_next, 1.0 - product * mu_next])


@_whole_run
def _nadam_whole_run(t, beta1, momentum_decay):
    """`_nadam_rows` for a whole run, t = 1 … n (Π multiplied in torch's order)."""
    mu = _nadam_mu(t, beta1, momentum_decay)
    return _nadam_rows(mu, _nadam_mu(t + 1, beta1, momentum_decay), np.cumprod(mu))


class LectureAdagrad(Optimizer):
    r"""The lecture's Adagrad: m = g, σ = `RootMean`, σ_i^t = sqrt((1/(t+1)) Σ_{k=0..t} (g_i^k)²).

    θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t, no eps, so σ_i^0 = |g_i^0| and the first step
    moves every parameter by exactly η. torch's Adagrad divides by sqrt(Σ g²) instead: the
    same thing with the decay η/sqrt(t+1) built in.
    """

    _arguments = ("lr",)

    def __init__(self, lr=1e-2):
        self._build(_check_lr(lr), Gradient(), RootMean())


class LectureRMSProp(Optimizer):
    r"""The lecture's RMSProp: m = g, σ = `RootEMA`(α, start="first"):
    σ_i^0 = |g_i^0|, σ_i^t = sqrt(α(σ_i^{t−1})² + (1 − α)(g_i^t)²).

    θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t, 0 < α < 1. A small α forgets fast: σ follows the
    newest gradient, braking when it grows and speeding up when it shrinks.
    """

    _arguments = ("lr", "alpha")

    def __init__(self, lr=1e-2, alpha=0.9):
        lr = _check_lr(lr)
        self.alpha = _checks.number("alpha", alpha, lambda v: 0 < v < 1,
                                    "Invalid alpha value: {} (the lecture's α is in (0, 1))")
        self._build(lr, Gradient(), RootEMA(self.alpha, start="first"))
