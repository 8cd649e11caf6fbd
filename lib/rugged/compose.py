r"""The lecture's summary as one optimizer you put together from its three ingredients.

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t

* **momentum m** — `momentum=None`: m^t = g^t; `momentum=β1`: m^t = β1 m^{t−1} + (1 − β1) g^t
  from m^{−1} = 0 (`optim.EMA`), divided by 1 − β1^{t+1} when `bias_correction=True`.
  A weighted sum of past gradients: it keeps their **direction**.
* **denominator σ** — `sigma="none"`: σ = 1; `"adagrad"`: σ = sqrt(Σ_k (g^k)²) + eps
  (`optim.SquareSum`, torch's sum form; `form="lecture"` gives the lecture's root *mean*
  square, `optim.LectureSquareMean`); `"rmsprop"`: σ = sqrt(v^t) + eps with
  v^t = α v^{t−1} + (1 − α)(g^t)² from v^{−1} = 0 (`optim.SquareEMA`, torch's form;
  `form="lecture"` starts at σ^0 = |g^0|); `"adam"`: σ = sqrt(v^t / (1 − β2^{t+1})) + eps,
  the bias-corrected average. A root mean square of past gradients: it keeps only their
  **magnitude**.
* **schedule η^t** — any `rugged.schedules` schedule, given to `descend(…, schedule=…)`.

`Composed` is that optimizer; `Composed.match(schedule)` (or `known_name`) says which
torch.optim / lecture optimizer a combination is, and builds the `rugged.optim`
optimizer (and schedule) whose path is the same, so the claim can be checked.

One correspondence needs care. torch's SGD momentum buffer starts at b^0 = g^0 and then
b^t = μ b^{t−1} + (1 − dampening) g^t. With μ = dampening = β1 that is the EMA's recursion,
but not the EMA: b^t − m^t = β1^{t+1} g^0 for every t, because torch starts at g^0 instead
of (1 − β1) g^0. The exact match is the *undampened* buffer: with μ = β1,
b^t = Σ_k β1^{t−k} g^k = m^t / (1 − β1), so EMA momentum at η is
`torch.optim.SGD(lr=(1 − β1)·η, momentum=β1)`.

Usage::

    from rugged import descend, schedules, surfaces
    adam_with_warmup = Composed(lr=0.1, momentum=0.9, sigma="adam", bias_correction=True)
    adam_with_warmup.match(schedules.WarmupCosine(10, 200)).name   # 'Adam + warmup + cosine decay'
    path = descend(surfaces.zigzag(), adam_with_warmup, (-3.5, -1), 200,
                   schedule=schedules.WarmupCosine(10, 200))
"""

import math
from dataclasses import dataclass

import numpy as np

from . import _checks, optim, schedules

__all__ = ["Composed", "Match", "known_name", "schedule_name", "MOMENTUM", "SIGMAS", "FORMS",
           "NO_NAME"]

SIGMAS = ("none", "adagrad", "rmsprop", "adam")
FORMS = ("torch", "lecture")
MOMENTUM = "None (m = g) or β1 with 0 < β1 < 1"
NO_NAME = "no named optimizer"

# eps when none is given: torch's defaults; the lecture's forms have none.
_DEFAULT_EPS = {("adagrad", "torch"): 1e-10, ("adagrad", "lecture"): 0.0,
                ("rmsprop", "torch"): 1e-8, ("rmsprop", "lecture"): 0.0,
                ("adam", "torch"): 1e-8, ("none", "torch"): 0.0}
_DEFAULT_ALPHA = {("rmsprop", "torch"): 0.99, ("rmsprop", "lecture"): 0.9}


_require = _checks.check


def _number(name, value, ok, allowed, expected=None):
    """`value` as a Python number: TypeError if it is not a real number, ValueError naming
    what is allowed if it is not finite or not ok."""
    return _checks.number(name, value, ok, f"Invalid {name}: {{}}; allowed: {allowed}",
                          expected=expected or f"a real number ({allowed})")


def _choice(name, value, choices):
    """`value` if it is one of the strings `choices`: TypeError for a non-string, ValueError otherwise."""
    allowed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {allowed}; got {_checks.describe(value)}")
    _require(value in choices, f"Invalid {name}: {value!r}; allowed: {allowed}")
    return value


class Composed(optim.Optimizer):
    r"""θ_i^{t+1} = θ_i^t − (η^t/σ_i^t) m_i^t, with m, σ chosen by name (see the module docstring).

    lr: the base η (a schedule passed to `descend` scales it into η^t).
    momentum: None (m = g) or β1 in (0, 1): m is the EMA of g from 0.
    bias_correction: divide m by 1 − β1^{t+1} (needs a momentum).
    sigma: "none", "adagrad", "rmsprop" or "adam" (bias-corrected average of g²).
    form: "torch" (default) or "lecture" (for "adagrad": root mean square instead of the
        sum; for "rmsprop": σ^0 = |g^0|); the lecture's forms default to eps = 0.
    alpha: RMSProp's α (default 0.99 for torch's form, 0.9 for the lecture's).
    beta2: Adam's β2 (default 0.999).
    eps: added to σ (default: torch's for the kind, 0 for the lecture's forms). Where
        σ = 0 (only possible with eps = 0, before any non-zero gradient) the step is 0.

    After a step, `m` is the m^t the step used (m̂ when bias-corrected), `sigma` σ^t and
    `effective_lr` η^t, so the step is −(η^t/σ^t)·m^t.
    """

    _arguments = ("lr", "momentum", "bias_correction", "sigma", "form", "alpha", "beta2", "eps")

    def __init__(self, lr=1e-2, momentum=None, sigma="none", *, bias_correction=False,
                 form="torch", alpha=None, beta2=None, eps=None):
        lr = optim._check_lr(lr)                 # torch's first check
        if momentum is not None:
            momentum = _number("momentum", momentum, lambda v: 0 < v < 1, MOMENTUM,
                               expected="None or a real number β1 with 0 < β1 < 1")
        sigma = _choice("sigma", sigma, SIGMAS)
        form = _choice("form", form, FORMS)
        _require(form == "torch" or sigma in ("adagrad", "rmsprop"),
                 f"Invalid form: {form!r} for sigma={sigma!r}; the lecture form exists only "
                 f"for sigma='adagrad' or 'rmsprop'")
        bias_correction = _checks.flag("bias_correction", bias_correction)
        _require(not bias_correction or momentum is not None,
                 "Invalid bias_correction: True corrects the momentum's start from 0, "
                 "so it needs momentum=β1; allowed with momentum=None: False")
        _require(alpha is None or sigma == "rmsprop",
                 f"Invalid alpha: {alpha!r} for sigma={sigma!r}; alpha is RMSProp's and is "
                 f"allowed only with sigma='rmsprop' (Adam's is beta2)")
        _require(beta2 is None or sigma == "adam",
                 f"Invalid beta2: {beta2!r} for sigma={sigma!r}; beta2 is allowed only with "
                 f"sigma='adam' (RMSProp's is alpha)")
        _require(eps is None or sigma != "none",
                 f"Invalid eps: {eps!r} for sigma='none'; eps is added to σ, allowed only "
                 f"with sigma='adagrad', 'rmsprop' or 'adam'")
        if sigma == "rmsprop":
            alpha = _DEFAULT_ALPHA[sigma, form] if alpha is None else alpha
            alpha = _number("alpha", alpha, lambda v: 0 < v < 1, "0 < alpha < 1")
        if sigma == "adam":
            beta2 = 0.999 if beta2 is None else beta2
            beta2 = _number("beta2", beta2, lambda v: 0 < v < 1, "0 < beta2 < 1")
        eps = _DEFAULT_EPS[sigma, form] if eps is None else eps
        eps = _number("eps", eps, lambda v: v >= 0, "eps ≥ 0")
        self.momentum, self.bias_correction = momentum, bias_correction
        self.sigma_kind, self.form = sigma, form
        self.alpha, self.beta2, self.eps = alpha, beta2, eps
        super().__init__(lr)

    def hyperparameters(self):
        """The constructor's arguments, as a dict (defaults filled in)."""
        values = {name: getattr(self, name) for name in self._arguments if name != "sigma"}
        values["sigma"] = self.sigma_kind
        return {name: values[name] for name in self._arguments}

    def __repr__(self):
        shown = {k: v for k, v in self.hyperparameters().items()
                 if v is not None and not (k == "bias_correction" and not v)
                 and not (k == "form" and v == "torch") and not (k == "eps" and self.sigma_kind == "none")}
        return "Composed(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    # --- the three ingredients -------------------------------------------------------

    def init_state(self, shape):
        self.first = None if self.momentum is None else optim.EMA(self.momentum, shape)
        kind, form = self.sigma_kind, self.form
        if kind == "none":
            self.squares = None
            self.sigma = np.ones(shape)
        elif kind == "adagrad":
            self.squares = optim.SquareSum(shape) if form == "torch" else optim.LectureSquareMean()
        elif kind == "rmsprop":
            self.squares = (optim.SquareEMA(self.alpha, shape) if form == "torch"
                            else optim.LectureSquareMean(self.alpha))
        else:
            self.squares = optim.SquareEMA(self.beta2, shape)

    def rule(self, params, grad):
        m = grad if self.first is None else self.first.update(grad)
        if self.bias_correction:
            m = m / (1 - self.momentum ** self.t)            # m̂^t (t counts this step from 1)
        self.m = m
        if self.squares is not None:
            sigma = np.sqrt(self.squares.update(grad))
            if self.sigma_kind == "adam":
                sigma /= math.sqrt(1 - self.beta2 ** self.t)   # sqrt(v / (1 − β2^t)), in torch's order
            if self.eps:
                sigma += self.eps
            self.sigma = sigma
        if self.squares is None:
            return params - self.lr * m
        if self.eps:
            return params - self.lr * m / self.sigma
        step = np.divide(m, self.sigma, out=np.zeros(self.shape), where=self.sigma > 0)
        return params - self.lr * step

    # --- names ------------------------------------------------------------------------

    def match(self, schedule=None):
        """The named optimizer this combination (with `schedule`) equals: a `Match`."""
        return _match(self, schedule)

    def known_name(self, schedule=None):
        """The name of the torch.optim / lecture optimizer this is, or 'no named optimizer (…)'."""
        return self.match(schedule).name


@dataclass(frozen=True)
class Match:
    """What a combination of ingredients is.

    name: e.g. "Adam + warmup", or "no named optimizer (…)".
    optimizer: a fresh `rugged.optim` optimizer whose path, run with `schedule`, equals the
        composition's path (None when there is no named optimizer).
    schedule: what to pass to `descend` with `optimizer`: the composition's schedule, or a
        rescaled / absorbed one (see `torch`).
    torch: the torch.optim call that computes the same steps, or why there is none.
    """

    name: str
    optimizer: object = None
    schedule: object = None
    torch: str = "no exact torch equivalent"


def schedule_name(schedule):
    """'' for a constant η, else ' + <what the schedule does>' (e.g. ' + warmup + cosine decay')."""
    if schedule is None or isinstance(schedule, schedules.Constant):
        return ""
    if isinstance(schedule, schedules.InverseSqrtDecay):
        return " + decay η/√(t+1)"
    if isinstance(schedule, schedules.WarmupCosine):
        return " + warmup + cosine decay"
    if isinstance(schedule, schedules.SequentialLR):
        return "".join(schedule_name(s) for s in schedule.schedulers)
    if isinstance(schedule, (schedules.ResNetWarmup, schedules.ConstantLR)):
        return " + warmup"
    if isinstance(schedule, schedules.LinearLR):
        return " + warmup" if schedule.start_factor < schedule.end_factor else " + linear decay"
    if isinstance(schedule, schedules.TransformerSchedule):
        return " + Transformer warmup"
    if isinstance(schedule, schedules.CosineAnnealingLR):
        return " + cosine decay"
    if isinstance(schedule, schedules.ExponentialLR):
        return " + exponential decay"
    if isinstance(schedule, (schedules.StepLR, schedules.MultiStepLR)):
        return " + step decay"
    if isinstance(schedule, schedules.Schedule):
        return f" + {type(schedule).__name__}"
    return " + a custom schedule"


def _scaled(schedule, base_lr, factor):
    """A schedule for `descend`: factor · η^t, with η^t the composition's (base η = base_lr).

    `schedule` is anything `descend` takes: None, a rugged schedule, a function t → η^t
    (which ignores base_lr) or an array of η^t.
    """
    if schedule is None or isinstance(schedule, schedules.Constant):
        return None
    if hasattr(schedule, "lr_at"):
        return lambda t: factor * schedule.lr_at(t, base_lr)
    if callable(schedule):
        return lambda t: factor * schedule(t)
    return factor * np.asarray(schedule, dtype=float)


def _match(c, schedule):
    """Name and equivalent optimizer for the Composed `c` run with `schedule`."""
    suffix = schedule_name(schedule)
    eta, beta1, kind, form = c.lr, c.momentum, c.sigma_kind, c.form
    plain = beta1 is None
    ema = beta1 is not None and not c.bias_correction
    corrected = beta1 is not None and c.bias_correction
    lecture_exact = form == "lecture" and c.eps == 0
    if kind == "none" and plain:
        return Match("SGD (plain gradient descent)" + suffix, optim.SGD(lr=eta), schedule,
                     "torch.optim.SGD(lr=η)")
    if kind == "none" and ema:
        return Match("SGD with momentum (EMA form)" + suffix,
                     optim.SGD(lr=(1 - beta1) * eta, momentum=beta1),
                     _scaled(schedule, eta, 1 - beta1),
                     f"torch.optim.SGD(lr=(1 − β1)·η, momentum=β1) with β1 = {beta1:g}")
    if kind == "adagrad" and plain and form == "torch":
        return Match("Adagrad" + suffix, optim.Adagrad(lr=eta, eps=c.eps), schedule,
                     f"torch.optim.Adagrad(lr=η, eps={c.eps:g})")
    if kind == "adagrad" and plain and lecture_exact:
        if isinstance(schedule, schedules.InverseSqrtDecay):
            return Match("Adagrad (= the lecture's mean form + decay η/√(t+1))",
                         optim.Adagrad(lr=eta, eps=0.0), None,
                         "torch.optim.Adagrad(lr=η, eps=0) with a constant η: the decay is built in")
        return Match("Adagrad (lecture's mean form)" + suffix, optim.LectureAdagrad(lr=eta),
                     schedule, "no torch class: torch.optim.Adagrad is this with η/√(t+1) built in")
    if kind == "rmsprop" and plain and form == "torch":
        return Match("RMSprop" + suffix, optim.RMSprop(lr=eta, alpha=c.alpha, eps=c.eps), schedule,
                     f"torch.optim.RMSprop(lr=η, alpha={c.alpha:g}, eps={c.eps:g})")
    if kind == "rmsprop" and plain and lecture_exact:
        return Match("RMSProp (lecture form)" + suffix, optim.LectureRMSProp(lr=eta, alpha=c.alpha),
                     schedule, "no torch class: torch.optim.RMSprop starts v at 0 and adds eps")
    if kind == "adam" and plain:
        return Match("RMSprop with bias correction (Adam with β1 = 0)" + suffix,
                     optim.Adam(lr=eta, betas=(0.0, c.beta2), eps=c.eps), schedule,
                     f"torch.optim.Adam(lr=η, betas=(0, {c.beta2:g}), eps={c.eps:g})")
    if kind == "adam" and corrected:
        return Match("Adam" + suffix, optim.Adam(lr=eta, betas=(beta1, c.beta2), eps=c.eps),
                     schedule, f"torch.optim.Adam(lr=η, betas=({beta1:g}, {c.beta2:g}), eps={c.eps:g})")
    return Match(f"{NO_NAME} ({_describe(c)})" + suffix)


def _describe(c):
    """A short description of a combination no optimizer is named after."""
    if c.momentum is None:
        m = "m = g"
    else:
        m = "bias-corrected momentum" if c.bias_correction else "EMA momentum"
    sigma = {"none": "σ = 1", "adagrad": "Adagrad's σ", "rmsprop": "RMSProp's σ",
             "adam": "Adam's σ"}[c.sigma_kind]
    if c.form == "lecture":
        sigma = sigma.replace("'s σ", "'s lecture σ") + (f", eps = {c.eps:g}" if c.eps else "")
    return f"{m}, {sigma}"


def known_name(momentum, sigma, schedule=None, *, bias_correction=False, form="torch"):
    """The name of the optimizer that (momentum, σ kind, schedule) is, e.g. 'Adam + warmup'.

    momentum: None or β1; sigma: one of `SIGMAS`; schedule: a rugged schedule or None.
    Default hyperparameters (α, β2, eps) are assumed; 'no named optimizer (…)' where none fits.
    """
    return Composed(1.0, momentum, sigma, bias_correction=bias_correction, form=form).known_name(schedule)
