r"""Optimizers, written as the lecture writes them and numerically equal to torch.optim.

The lecture's summary of every optimizer is one line,

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t,

with three ingredients: the **momentum** m (a weighted sum of past gradients: it keeps
their direction), the **denominator** σ (a root mean square of past gradients: it keeps
only their magnitude) and the **schedule** η^t. In this module the ingredients are small
objects (`Momentum`, `EMA`, `SquareSum`, `SquareEMA`, ...) and each named optimizer is a
few lines that combine them. Schedules live in `rugged.schedules`; `rugged.descend` sets
`optimizer.lr` to η^t before every step.

Two families share the ingredients:

* torch.optim's optimizers, with its class names, argument names, defaults and error
  messages: `SGD`, `Adagrad`, `RMSprop`, `Adam`, `AdamW`, `RAdam`, `NAdam`. In float64
  they reproduce torch 2.13's trajectories to a relative error below 1e-12 (see
  tests/test_optim_parity.py), because every update line does torch's arithmetic in
  torch's order.
* the lecture's own forms: `GD`, `LectureAdagrad` (σ is the root *mean* square, no eps)
  and `LectureRMSProp` (σ^0 = |g^0|).

Every optimizer works on a NumPy array of parameters of any shape (one point of shape
(d,) or several of shape (k, d): each element is a parameter i) and, after each step,
exposes what the notebooks plot: `sigma` (σ^t, the per-parameter denominator), `m` (the
momentum the step used) and `step_size` (η^t/σ^t, the effective per-parameter learning
rate), so that the step taken is −step_size · m.

Usage::

    opt = Adam(lr=0.1)
    theta = np.array([1.0])
    for t in range(3):
        theta = opt.step(theta, 2 * theta)   # gradient of f(x) = x²
"""

import inspect

import numpy as np

from . import _checks

__all__ = [
    "Optimizer", "GD", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "RAdam", "NAdam",
    "LectureAdagrad", "LectureRMSProp",
    "Momentum", "EMA", "SquareSum", "SquareEMA", "LectureSquareMean",
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
# Ingredients. Each holds one running statistic of the gradients, shaped like the
# parameters, and updates it with torch's arithmetic.

class Momentum:
    """Heavy-ball momentum, torch's SGD buffer: b^0 = g^0, b^t = μ b^{t−1} + (1 − dampening) g^t."""

    def __init__(self, momentum, dampening=0.0):
        self.momentum, self.dampening = momentum, dampening
        self.value = None

    def update(self, g):
        if self.value is None:
            self.value = g.copy()
        else:
            self.value = self.value * self.momentum + (1 - self.dampening) * g
        return self.value


# The three running statistics below are updated in place, in a scratch array: the
# runner calls them a hundred thousand times on arrays of two numbers, where NumPy's
# cost is per call, not per number. Each line still does torch's arithmetic in its order.

class EMA:
    """Exponential moving average from 0: m^t = β m^{t−1} + (1 − β) g^t (torch's `lerp_`).

    torch evaluates lerp(m, g, w) with w = 1 − β as m + w (g − m) when w < 0.5 and as
    g − (g − m)(1 − w) otherwise; both are done here, in that order, for parity.
    """

    def __init__(self, beta, shape):
        self.beta = beta
        self.value, self.scratch = np.zeros(shape), np.empty(shape)

    def update(self, g):
        weight, m, scratch = 1 - self.beta, self.value, self.scratch
        np.subtract(g, m, out=scratch)          # g − m
        if abs(weight) < 0.5:
            scratch *= weight
            m += scratch                        # m + w (g − m)
        else:
            scratch *= 1 - weight
            np.subtract(g, scratch, out=m)      # g − (g − m)(1 − w)
        return m


class SquareSum:
    """Adagrad's accumulator: s^t = s^{t−1} + (g^t)², so sqrt(s^t) grows with every gradient."""

    def __init__(self, shape, initial=0.0):
        self.value, self.scratch = np.full(shape, float(initial)), np.empty(shape)

    def update(self, g):
        self.value += np.multiply(g, g, out=self.scratch)
        return self.value


class SquareEMA:
    """Moving average of squared gradients from 0: v^t = α v^{t−1} + (1 − α)(g^t)²."""

    def __init__(self, alpha, shape):
        self.alpha = alpha
        self.value, self.scratch = np.zeros(shape), np.empty(shape)

    def update(self, g):
        v, square = self.value, self.scratch
        np.multiply(g, 1 - self.alpha, out=square)
        square *= g                             # (1 − α) g²
        v *= self.alpha
        v += square                             # α v + (1 − α) g²
        return v


class LectureSquareMean:
    """The lecture's σ² as a running average of squared gradients.

    With `alpha=None` it is the plain mean (Adagrad): (σ^t)² = (1/(t+1)) Σ_{k≤t} (g^k)².
    With 0 < alpha < 1 it is RMSProp's weighting: (σ^0)² = (g^0)² and
    (σ^t)² = α (σ^{t−1})² + (1 − α)(g^t)².
    """

    def __init__(self, alpha=None):
        self.alpha = alpha
        self.value, self.count = None, 0

    def update(self, g):
        square = g * g
        if self.value is None:
            self.value = square
        elif self.alpha is None:
            self.value = self.value + (square - self.value) / (self.count + 1)
        else:
            self.value = self.alpha * self.value + (1 - self.alpha) * square
        self.count += 1
        return self.value


# ---------------------------------------------------------------------------------------
# The optimizers.

class Optimizer:
    """What every optimizer shares: the learning rate, the step count and the last step's record.

    `step(params, grad)` returns the new parameters and leaves its inputs alone. The state
    (momentum, accumulators) is created at the first step, shaped like `params`; `reset()`
    forgets it. `t` counts the steps taken so far (torch's `state['step']`).
    After a step, `sigma`, `m` and `step_size` describe it (see the module docstring).
    """

    def __init__(self, lr):
        self.lr = _check_lr(lr)
        self.reset()

    def reset(self):
        """Forget all state: the next step is a first step."""
        self.t = 0
        self.shape = None
        self.sigma = self.m = self.effective_lr = None

    def step(self, params, grad):
        """Take one step from `params` with gradient `grad`; return the new parameters."""
        params = np.asarray(params, dtype=float)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != params.shape:
            raise ValueError(
                f"grad must have the shape of the parameters, {params.shape}; got {grad.shape}")
        if self.shape is None:
            self.start(params.shape)
        elif params.shape != self.shape:
            raise ValueError(
                f"params must keep the shape of the first step, {self.shape}; got {params.shape}")
        with np.errstate(all="ignore"):     # an inf or NaN gradient gives inf or NaN, quietly
            return self.update(params, grad)

    def start(self, shape):
        """Create the state for parameters of this shape (called by the first step)."""
        self.shape = shape
        self.t = 0
        self.init_state(shape)

    def init_state(self, shape):
        """Subclasses create their ingredients here."""

    def update(self, params, grad):
        """One step on arrays already checked: count it, then apply the optimizer's rule.

        `effective_lr`, the η^t the step divides by σ, is the lr unless the rule changes it.
        """
        self.t += 1
        self.effective_lr = self.lr
        return self.rule(params, grad)

    def rule(self, params, grad):
        raise NotImplementedError

    @property
    def step_size(self):
        """η^t / σ_i^t of the last step: the effective learning rate of each parameter (inf where σ = 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.effective_lr / self.sigma

    def hyperparameters(self):
        """The constructor's arguments, as a dict."""
        return {name: getattr(self, name) for name in self._arguments}

    def __repr__(self):
        """The class and the arguments that differ from the defaults (lr always), e.g. Adam(lr=0.1)."""
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items()
                         if k == "lr" or defaults.get(k) != v)
        return f"{type(self).__name__}({args})"


class _WeightDecay:
    """Mixin for L2 weight decay: coupled (g ← g + λθ) or decoupled (θ ← θ(1 − ηλ))."""

    decoupled_weight_decay = False

    def decay(self, params, grad):
        if self.weight_decay == 0:
            return params, grad
        if self.decoupled_weight_decay:
            return params * (1 - self.lr * self.weight_decay), grad
        return params, grad + self.weight_decay * params


class _Moments:
    """Mixin for the Adam family: the running averages m (of g, with β1) and v (of g², with β2)."""

    def init_state(self, shape):
        beta1, beta2 = self.betas
        self.first = EMA(beta1, shape)
        self.second = SquareEMA(beta2, shape)


class SGD(_WeightDecay, Optimizer):
    r"""Gradient descent with optional momentum: torch.optim.SGD.

    Lecture: θ^{t+1} = θ^t − η m^t, where m^t = g^t without momentum, and with momentum
    μ: b^t = μ b^{t−1} + (1 − dampening) g^t (b^0 = g^0) and m^t = b^t, or, with
    nesterov, m^t = g^t + μ b^t. σ = 1 for every parameter.
    """

    _arguments = ("lr", "momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        lr = _check_lr(lr)
        momentum = _check_momentum(momentum)
        weight_decay = _check_weight_decay(weight_decay)
        dampening = _checks.number("dampening", dampening, lambda v: True,
                                   "Invalid dampening value: {}")
        nesterov = _checks.flag("nesterov", nesterov)
        _checks.check(not nesterov or (momentum > 0 and dampening == 0),
                      "Nesterov momentum requires a momentum and zero dampening")
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov
        super().__init__(lr)

    def init_state(self, shape):
        self.sigma = np.ones(shape)
        self.buffer = Momentum(self.momentum, self.dampening) if self.momentum else None

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        m = g
        if self.buffer is not None:
            b = self.buffer.update(g)
            m = g + self.momentum * b if self.nesterov else b
        self.m = m
        return params - self.lr * m


class GD(SGD):
    """The lecture's plain gradient descent, θ^{t+1} = θ^t − η g^t (SGD with no options)."""

    _arguments = ("lr",)

    def __init__(self, lr=1e-3):
        super().__init__(lr)


class Adagrad(_WeightDecay, Optimizer):
    r"""Adagrad as torch.optim.Adagrad computes it.

    s^t = s^{t−1} + (g^t)² (s^{−1} = initial_accumulator_value),
    σ^t = sqrt(s^t) + eps,  η^t = lr / (1 + t·lr_decay),  θ^{t+1} = θ^t − (η^t/σ^t) g^t.

    The lecture's σ is the root *mean* square, sqrt(s^t/(t+1)); since
    sqrt(s^t) = sqrt(t+1)·σ_lecture, this is the lecture's Adagrad with the decay
    η/sqrt(t+1) built in (see `LectureAdagrad` and notebook 05).
    """

    _arguments = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10):
        lr = _check_lr(lr)
        lr_decay = _non_negative("lr_decay", lr_decay, "Invalid lr_decay value: {}")
        weight_decay = _check_weight_decay(weight_decay)
        initial_accumulator_value = _non_negative(
            "initial_accumulator_value", initial_accumulator_value,
            "Invalid initial_accumulator_value value: {}")
        eps = _check_eps(eps)
        self.lr_decay, self.weight_decay = lr_decay, weight_decay
        self.initial_accumulator_value, self.eps = initial_accumulator_value, eps
        super().__init__(lr)

    def init_state(self, shape):
        self.squares = SquareSum(shape, self.initial_accumulator_value)

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        self.m = g
        self.sigma = np.sqrt(self.squares.update(g)) + self.eps
        self.effective_lr = self.lr / (1 + (self.t - 1) * self.lr_decay)   # torch's clr, t from 1
        return params - self.effective_lr * g / self.sigma


class RMSprop(_WeightDecay, Optimizer):
    r"""RMSprop as torch.optim.RMSprop computes it.

    v^t = α v^{t−1} + (1 − α)(g^t)² with v^{−1} = 0; σ^t = sqrt(v^t) + eps, or, when
    centered, sqrt(v^t − (ḡ^t)²) + eps with ḡ^t the moving average of g.
    θ^{t+1} = θ^t − (η/σ^t) g^t. With momentum μ > 0 torch keeps the momentum of the
    already divided gradient, b^t = μ b^{t−1} + g^t/σ^t, and steps θ^{t+1} = θ^t − η b^t;
    then `m` is b^t, the step is −η·m, and `step_size` η/σ is what the newest gradient
    gets.

    Differences from the lecture's RMSProp (`LectureRMSProp`): v starts at 0 instead of
    (g^0)², eps sits outside the square root, and there is no bias correction, so the
    first step is g^0/(sqrt(1 − α)|g^0|) times η: about 10η for α = 0.99.
    """

    _arguments = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        momentum = _check_momentum(momentum)
        weight_decay = _check_weight_decay(weight_decay)
        alpha = _non_negative("alpha", alpha, "Invalid alpha value: {}")
        centered = _checks.flag("centered", centered)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered
        super().__init__(lr)

    def init_state(self, shape):
        self.squares = SquareEMA(self.alpha, shape)
        self.mean = EMA(self.alpha, shape) if self.centered else None
        self.buffer = np.zeros(shape)

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        v = self.squares.update(g)
        if self.mean is not None:
            mean = self.mean.update(g)
            v = v + -1 * mean * mean
        self.sigma = np.sqrt(v) + self.eps
        if self.momentum > 0:
            self.m = self.buffer = self.buffer * self.momentum + g / self.sigma
            return params - self.lr * self.m
        self.m = g
        return params - self.lr * g / self.sigma


class Adam(_Moments, _WeightDecay, Optimizer):
    r"""Adam (Kingma & Ba 2015, Algorithm 1) as torch.optim.Adam computes it: RMSProp + momentum.

    m^t = β1 m^{t−1} + (1 − β1) g^t,   v^t = β2 v^{t−1} + (1 − β2)(g^t)²  (both from 0),
    bias correction m̂^t = m^t/(1 − β1^{t+1}), v̂^t = v^t/(1 − β2^{t+1}) (t from 0),
    σ^t = sqrt(v̂^t) + eps,   θ^{t+1} = θ^t − (η/σ^t) m̂^t.

    With amsgrad, v is replaced by its running maximum. weight_decay adds λθ to the
    gradient, or, with decoupled_weight_decay (AdamW), shrinks θ by (1 − ηλ) first.
    As in torch, the bias correction of m is folded into the learning rate:
    `effective_lr` = η/(1 − β1^t) (t from 1), `m` is the raw average m^t and `sigma` the
    bias-corrected σ, so the step −(effective_lr/σ)·m is the lecture's −(η/σ)·m̂.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "amsgrad", "decoupled_weight_decay")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        amsgrad = _checks.flag("amsgrad", amsgrad)
        decoupled_weight_decay = _checks.flag("decoupled_weight_decay", decoupled_weight_decay)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self.amsgrad, self.decoupled_weight_decay = amsgrad, decoupled_weight_decay
        super().__init__(lr)

    def init_state(self, shape):
        super().init_state(shape)
        self.max_second = np.zeros(shape)

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        beta1, beta2 = self.betas
        m = self.first.update(g)
        v = self.second.update(g)
        if self.amsgrad:
            v = self.max_second = np.maximum(self.max_second, v)
        correction2 = 1 - beta2 ** self.t
        sigma = self.sigma = np.sqrt(v)
        sigma /= correction2 ** 0.5
        sigma += self.eps                       # σ = sqrt(v / (1 − β2^t)) + eps
        self.m = m
        self.effective_lr = self.lr / (1 - beta1 ** self.t)   # m̂ = m/(1 − β1^t), folded into η
        return params - self.effective_lr * m / sigma


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019): torch.optim.AdamW."""

    _arguments = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)


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
    ratio = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
    return np.sqrt(np.where(rho_t > 4, ratio, np.nan))


class RAdam(_Moments, _WeightDecay, Optimizer):
    r"""Rectified Adam (Liu et al., ICLR 2020) as torch.optim.RAdam computes it.

    m̂^t as in Adam. While ρ_t ≤ 5 (torch's threshold; the paper says 4) the step is
    momentum SGD, θ^{t+1} = θ^t − η m̂^t (σ = 1). After that,
    σ^t = (sqrt(v^t) + eps) / (sqrt(1 − β2^t) r_t) and θ^{t+1} = θ^t − (η/σ^t) m̂^t,
    with r_t from `radam_rectification`. With β2 = 0.999 the first rectified step is the
    6th. Note eps is added before the bias correction, unlike Adam.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay")
    threshold = 5.0

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        decoupled_weight_decay = _checks.flag("decoupled_weight_decay", decoupled_weight_decay)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self.decoupled_weight_decay = decoupled_weight_decay
        super().__init__(lr)

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        beta1, beta2 = self.betas
        self.m = self.first.update(g) / (1 - beta1 ** self.t)
        v = self.second.update(g)
        correction2 = 1 - beta2 ** self.t
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * self.t * (beta2 ** self.t) / correction2
        self.rectified = rho_t > self.threshold
        if not self.rectified:
            self.sigma = np.ones(self.shape)
            return params - self.m * self.lr
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = correction2 ** 0.5 / (np.sqrt(v) + self.eps)
        self.sigma = 1 / (adaptive * rect)
        return params - self.m * self.lr * adaptive * rect


class NAdam(_Moments, _WeightDecay, Optimizer):
    r"""Adam with Nesterov momentum (Dozat 2016) as torch.optim.NAdam computes it.

    μ_t = β1 (1 − 0.5·0.96^{t·momentum_decay}) (t from 1), Π_t = μ_1⋯μ_t,
    σ^t = sqrt(v^t/(1 − β2^t)) + eps and
    θ^{t+1} = θ^t − η(1 − μ_t)/(1 − Π_t) · g^t/σ^t − η μ_{t+1}/(1 − Π_{t+1}) · m^t/σ^t:
    the momentum is looked at one step ahead. `m` is the combination
    (1 − μ_t)/(1 − Π_t) g^t + μ_{t+1}/(1 − Π_{t+1}) m^t that the step multiplies by η/σ.
    """

    _arguments = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay")

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False):
        lr = _check_lr(lr)
        eps = _check_eps(eps)
        betas = _check_betas(betas)
        weight_decay = _check_weight_decay(weight_decay)
        momentum_decay = _non_negative("momentum_decay", momentum_decay,
                                       "Invalid momentum_decay value: {}")
        decoupled_weight_decay = _checks.flag("decoupled_weight_decay", decoupled_weight_decay)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self.momentum_decay = momentum_decay
        self.decoupled_weight_decay = decoupled_weight_decay
        super().__init__(lr)

    def init_state(self, shape):
        super().init_state(shape)
        self.mu_product = 1.0

    def mu(self, t):
        """μ_t, the momentum coefficient of step t (from 1)."""
        return self.betas[0] * (1.0 - 0.5 * (0.96 ** (t * self.momentum_decay)))

    def rule(self, params, grad):
        params, g = self.decay(params, grad)
        beta2 = self.betas[1]
        correction2 = 1 - beta2 ** self.t
        mu, mu_next = self.mu(self.t), self.mu(self.t + 1)
        self.mu_product *= mu
        m = self.first.update(g)
        v = self.second.update(g)
        self.sigma = np.sqrt(v / correction2) + self.eps
        mu_product_next = self.mu_product * mu_next
        self.m = (1.0 - mu) / (1.0 - self.mu_product) * g + mu_next / (1.0 - mu_product_next) * m
        params = params + (-self.lr * (1.0 - mu) / (1.0 - self.mu_product)) * g / self.sigma
        return params + ((-self.lr * mu_next) / (1.0 - mu_product_next)) * m / self.sigma


class _LectureForm(Optimizer):
    """θ^{t+1} = θ^t − (η/σ^t) g^t with σ from `LectureSquareMean`; where σ = 0 (every past g was 0) the step is 0."""

    alpha = None

    def init_state(self, shape):
        self.squares = LectureSquareMean(self.alpha)

    def rule(self, params, grad):
        self.m = grad
        self.sigma = np.sqrt(self.squares.update(grad))
        step = np.divide(grad, self.sigma, out=np.zeros(self.shape), where=self.sigma > 0)
        return params - self.lr * step


class LectureAdagrad(_LectureForm):
    r"""The lecture's Adagrad: σ_i^t = sqrt((1/(t+1)) Σ_{k=0..t} (g_i^k)²), so σ_i^0 = |g_i^0|.

    θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t, no eps. The first step moves every parameter by
    exactly η. torch's Adagrad divides by sqrt(Σ g²) instead: the same thing with the
    decay η/sqrt(t+1) built in.
    """

    _arguments = ("lr",)

    def __init__(self, lr=1e-2):
        super().__init__(lr)


class LectureRMSProp(_LectureForm):
    r"""The lecture's RMSProp: σ_i^0 = |g_i^0|, σ_i^t = sqrt(α(σ_i^{t−1})² + (1 − α)(g_i^t)²).

    θ_i^{t+1} = θ_i^t − (η/σ_i^t) g_i^t, 0 < α < 1. A small α forgets fast: σ follows the
    newest gradient, braking when it grows and speeding up when it shrinks.
    """

    _arguments = ("lr", "alpha")

    def __init__(self, lr=1e-2, alpha=0.9):
        lr = _check_lr(lr)
        self.alpha = _checks.number("alpha", alpha, lambda v: 0 < v < 1,
                                    "Invalid alpha value: {} (the lecture's α is in (0, 1))")
        super().__init__(lr)
