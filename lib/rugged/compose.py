r"""The lecture's summary as one optimizer you put together from its three ingredients.

    θ_i^{t+1} = θ_i^t − (η^t / σ_i^t) · m_i^t

Every `rugged.optim` optimizer *is* such a combination (`optim.Optimizer(lr, momentum=…,
sigma=…)`); this module only chooses the ingredients by name and names the result.

* **momentum m** — `momentum=None`: m^t = g^t (`optim.Gradient`); `momentum=β1`:
  m^t = β1 m^{t−1} + (1 − β1) g^t from m^{−1} = 0 (`optim.EMA`), divided by 1 − β1^{t+1}
  when `bias_correction=True`. A weighted sum of past gradients: it keeps their **direction**.
* **denominator σ** — `sigma="none"`: σ = 1 (`optim.Ones`); `"adagrad"`: σ = sqrt(Σ_k (g^k)²)
  + eps (`optim.RootSum`, torch's sum form; `form="lecture"` gives the lecture's root
  *mean* square, `optim.RootMean`); `"rmsprop"`: σ = sqrt(v^t) + eps with
  v^t = α v^{t−1} + (1 − α)(g^t)² from v^{−1} = 0 (`optim.RootEMA`, torch's form;
  `form="lecture"` starts at σ^0 = |g^0|); `"adam"`: σ = sqrt(v^t / (1 − β2^{t+1})) + eps,
  the bias-corrected average. A root mean square of past gradients: it keeps only their
  **magnitude**.
* **schedule η^t** — any `rugged.schedules` schedule, given to `descend(…, schedule=…)`.

`Composed(…)` builds the optimizer; `match(optimizer, schedule)` (or `known_name`) says
which torch.optim / lecture optimizer a combination is, and builds the `rugged.optim`
preset (and schedule) whose path is the same, so the claim can be checked. Both read one
table, `NAMES`, which also gives, for a name, the combination (`combination("Adam")`).

One correspondence needs care. torch's SGD momentum buffer starts at b^0 = g^0 and then
b^t = μ b^{t−1} + (1 − dampening) g^t. With μ = dampening = β1 that is the EMA's recursion,
but not the EMA: b^t − m^t = β1^{t+1} g^0 for every t, because torch starts at g^0 instead
of (1 − β1) g^0. The exact match is the *undampened* buffer: with μ = β1,
b^t = Σ_k β1^{t−k} g^k = m^t / (1 − β1), so EMA momentum at η is
`torch.optim.SGD(lr=(1 − β1)·η, momentum=β1)`.

Usage::

    from rugged import compose, descend, schedules, surfaces
    adam = compose.Composed(lr=0.1, momentum=0.9, sigma="adam", bias_correction=True)
    compose.match(adam, schedules.WarmupCosine(10, 200)).name   # 'Adam + warmup + cosine decay'
    path = descend(surfaces.zigzag(), adam, (-3.5, -1), 200,
                   schedule=schedules.WarmupCosine(10, 200))
"""

from dataclasses import dataclass

import numpy as np

from . import _checks, optim, schedules
from .i18n import tidy, tr

__all__ = ["Composed", "Match", "Name", "NAMES", "match", "combination", "ingredients", "known_name",
           "schedule_name", "MOMENTUM", "SIGMAS", "FORMS", "NO_NAME"]

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


def Composed(lr=1e-2, momentum=None, sigma="none", *, bias_correction=False, form="torch",
             alpha=None, beta2=None, eps=None):
    r"""θ_i^{t+1} = θ_i^t − (η^t/σ_i^t) m_i^t with m and σ chosen by name: an `optim.Optimizer`.

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
    """
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
    m = optim.Gradient() if momentum is None else optim.EMA(momentum, bias_correction)
    lecture = form == "lecture"
    denominator = {
        "none": lambda: optim.Ones(),
        "adagrad": lambda: optim.RootMean(eps) if lecture else optim.RootSum(eps),
        "rmsprop": lambda: optim.RootEMA(alpha, eps, start="first" if lecture else "zero"),
        "adam": lambda: optim.RootEMA(beta2, eps, bias_correction=True),
    }[sigma]()
    return optim.Optimizer(lr, momentum=m, sigma=denominator)


def ingredients(optimizer):
    """(momentum, sigma, form, bias_correction): the names `Composed` would take for the
    optimizer's ingredients; momentum is None, a β1, or "heavy ball" (torch's SGD buffer)."""
    if not isinstance(optimizer, optim.Optimizer):
        raise TypeError(f"optimizer must be a rugged.optim optimizer; got {_checks.describe(optimizer)}")
    m, s = optimizer.parts()
    momentum = {optim.Gradient: lambda: None, optim.EMA: lambda: m.beta,
                optim.HeavyBall: lambda: "heavy ball"}[type(m)]()
    corrected = isinstance(m, optim.EMA) and m.bias_correction
    if isinstance(s, optim.Ones):
        return momentum, "none", "torch", corrected
    if isinstance(s, (optim.RootSum, optim.RootMean)):
        return momentum, "adagrad", "lecture" if isinstance(s, optim.RootMean) else "torch", corrected
    if s.bias_correction:
        return momentum, "adam", "torch", corrected
    return momentum, "rmsprop", "lecture" if s.start == "first" else "torch", corrected


@dataclass(frozen=True)
class Match:
    """What a combination of ingredients is.

    name: e.g. "Adam + warmup", or "no named optimizer (…)".
    optimizer: a fresh `rugged.optim` optimizer whose path, run with `schedule`, equals the
        composition's path (None when there is no named optimizer).
    schedule: what to pass to `descend` with `optimizer`: the composition's schedule, or a
        rescaled / absorbed one (see `torch`).
    torch: the torch.optim call that computes the same steps, or why there is none.
    row: the row of `NAMES` it is (None when there is none): `row.name` is the English key that
        `combination` takes, whatever language `name` is shown in.
    """

    name: str
    optimizer: object = None
    schedule: object = None
    torch: str = "no exact torch equivalent"
    row: object = None


def schedule_name(schedule):
    """'' for a constant η, else ' + <what the schedule does>' (e.g. ' + warmup + cosine decay')."""
    if schedule is None or isinstance(schedule, schedules.Constant):
        return ""
    if isinstance(schedule, schedules.InverseSqrtDecay):
        return tr(" + decay η/√(t+1)")
    if isinstance(schedule, schedules.WarmupCosine):
        return tr(" + warmup + cosine decay")
    if isinstance(schedule, schedules.SequentialLR):
        return "".join(schedule_name(s) for s in schedule.schedulers)
    if isinstance(schedule, (schedules.ResNetWarmup, schedules.ConstantLR)):
        return tr(" + warmup")
    if isinstance(schedule, schedules.LinearLR):
        return tr(" + warmup") if schedule.start_factor < schedule.end_factor else tr(" + linear decay")
    if isinstance(schedule, schedules.TransformerSchedule):
        return tr(" + Transformer warmup")
    if isinstance(schedule, schedules.CosineAnnealingLR):
        return tr(" + cosine decay")
    if isinstance(schedule, schedules.ExponentialLR):
        return tr(" + exponential decay")
    if isinstance(schedule, (schedules.StepLR, schedules.MultiStepLR)):
        return tr(" + step decay")
    if isinstance(schedule, schedules.Schedule):
        return f" + {type(schedule).__name__}"
    return tr(" + a custom schedule")


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


@dataclass(frozen=True)
class Name:
    """One row of `NAMES`: a named optimizer as a combination of ingredients.

    momentum: "g" (m = g), "ema" or "ema, bias-corrected"; sigma, form: as `Composed` takes
    them; build(optimizer) → (the `rugged.optim` preset with the same path, the factor its
    schedule is scaled by, the torch.optim call); composed: the `Composed` call, in words.
    """

    name: str
    momentum: str
    sigma: str
    form: str
    build: object
    composed: str


def _momentum_kind(momentum, corrected):
    return "g" if momentum is None else "ema, bias-corrected" if corrected else "ema"


NAMES = (
    Name("SGD (plain gradient descent)", "g", "none", "torch",
         lambda o: (optim.SGD(lr=o.lr), 1, "torch.optim.SGD(lr=η)"), "Composed(η)"),
    Name("SGD with momentum (EMA form)", "ema", "none", "torch",
         lambda o: (optim.SGD(lr=(1 - o.momentum_part.beta) * o.lr, momentum=o.momentum_part.beta),
                    1 - o.momentum_part.beta,
                    tr("torch.optim.SGD(lr=(1 − β1)·η, momentum=β1) with β1 = {beta:g}")
                    .format(beta=o.momentum_part.beta)),
         "Composed(η/(1 − μ), momentum=μ)"),
    Name("Adagrad", "g", "adagrad", "torch",
         lambda o: (optim.Adagrad(lr=o.lr, eps=o.sigma_part.eps), 1,
                    f"torch.optim.Adagrad(lr=η, eps={o.sigma_part.eps:g})"),
         "Composed(η, sigma='adagrad')"),
    Name("Adagrad (lecture's mean form)", "g", "adagrad", "lecture",
         lambda o: (optim.LectureAdagrad(lr=o.lr), 1,
                    tr("no torch class: torch.optim.Adagrad is this with η/√(t+1) built in")),
         "Composed(η, sigma='adagrad', form='lecture')"),
    Name("RMSprop", "g", "rmsprop", "torch",
         lambda o: (optim.RMSprop(lr=o.lr, alpha=o.sigma_part.alpha, eps=o.sigma_part.eps), 1,
                    f"torch.optim.RMSprop(lr=η, alpha={o.sigma_part.alpha:g}, eps={o.sigma_part.eps:g})"),
         "Composed(η, sigma='rmsprop')"),
    Name("RMSProp (lecture form)", "g", "rmsprop", "lecture",
         lambda o: (optim.LectureRMSProp(lr=o.lr, alpha=o.sigma_part.alpha), 1,
                    tr("no torch class: torch.optim.RMSprop starts v at 0 and adds eps")),
         "Composed(η, sigma='rmsprop', form='lecture')"),
    Name("RMSprop with bias correction (Adam with β1 = 0)", "g", "adam", "torch",
         lambda o: (optim.Adam(lr=o.lr, betas=(0.0, o.sigma_part.alpha), eps=o.sigma_part.eps), 1,
                    f"torch.optim.Adam(lr=η, betas=(0, {o.sigma_part.alpha:g}), eps={o.sigma_part.eps:g})"),
         "Composed(η, sigma='adam')"),
    Name("Adam", "ema, bias-corrected", "adam", "torch",
         lambda o: (optim.Adam(lr=o.lr, betas=(o.momentum_part.beta, o.sigma_part.alpha), eps=o.sigma_part.eps), 1,
                    f"torch.optim.Adam(lr=η, betas=({o.momentum_part.beta:g}, {o.sigma_part.alpha:g}), "
                    f"eps={o.sigma_part.eps:g})"),
         "Composed(η, momentum=β1, sigma='adam', bias_correction=True)"),
)
_BY_COMBINATION = {(row.momentum, row.sigma, row.form): row for row in NAMES}
_BY_NAME = {row.name: row for row in NAMES}


def _shown_name(name):
    """A row's name as a student reads it, in the current language (the optimizer's own name
    first, as `style.color_of` reads it)."""
    return {
        "SGD (plain gradient descent)": tr("SGD (plain gradient descent)"),
        "SGD with momentum (EMA form)": tr("SGD with momentum (EMA form)"),
        "Adagrad (lecture's mean form)": tr("Adagrad (lecture's mean form)"),
        "RMSProp (lecture form)": tr("RMSProp (lecture form)"),
        "RMSprop with bias correction (Adam with β1 = 0)": tr("RMSprop with bias correction (Adam with β1 = 0)"),
    }.get(name, name)


def _no_name(optimizer, suffix):
    return Match(tidy(tr("no named optimizer ({description})").format(description=_describe(optimizer)) + suffix),
                 torch=tr("no exact torch equivalent"))


def combination(name):
    """The other direction of `NAMES`: the row of a named optimizer, e.g. combination("Adam")."""
    if name not in _BY_NAME:
        raise ValueError(f"no optimizer named {name!r} in compose.NAMES; known: {', '.join(_BY_NAME)}")
    return _BY_NAME[name]


def match(optimizer, schedule=None):
    """The named optimizer that `optimizer` (a combination of ingredients), run with
    `schedule`, equals: a `Match`."""
    suffix = schedule_name(schedule)
    momentum, sigma, form, corrected = ingredients(optimizer)
    if momentum == "heavy ball" or optimizer.weight_decay:
        return _no_name(optimizer, suffix)
    row = _BY_COMBINATION.get((_momentum_kind(momentum, corrected), sigma, form))
    if row is None or (form == "lecture" and optimizer.sigma_part.eps != 0):
        return _no_name(optimizer, suffix)
    if row.name == "Adagrad (lecture's mean form)" and isinstance(schedule, schedules.InverseSqrtDecay):
        return Match(tr("Adagrad (= the lecture's mean form + decay η/√(t+1))"),
                     optim.Adagrad(lr=optimizer.lr, eps=0.0), None,
                     tr("torch.optim.Adagrad(lr=η, eps=0) with a constant η: the decay is built in"), row)
    preset, factor, torch = row.build(optimizer)
    return Match(_shown_name(row.name) + suffix, preset,
                 schedule if factor == 1 else _scaled(schedule, optimizer.lr, factor), torch, row)


def _describe(optimizer):
    """A short description of a combination no optimizer is named after."""
    momentum, sigma, form, corrected = ingredients(optimizer)
    m = ("m = g" if momentum is None else tr("heavy-ball momentum") if momentum == "heavy ball"
         else tr("bias-corrected momentum") if corrected else tr("EMA momentum"))
    if form == "lecture":
        eps = optimizer.sigma_part.eps
        text = {"none": "σ = 1", "adagrad": tr("Adagrad's lecture σ"), "rmsprop": tr("RMSProp's lecture σ"),
                "adam": tr("Adam's lecture σ")}[sigma] + (tr(", ") + f"eps = {eps:g}" if eps else "")
    else:
        text = {"none": "σ = 1", "adagrad": tr("Adagrad's σ"), "rmsprop": tr("RMSProp's σ"),
                "adam": tr("Adam's σ")}[sigma]
    if optimizer.weight_decay:
        text += tr(", weight decay")
    return m + tr(", ") + text


def known_name(momentum, sigma, schedule=None, *, bias_correction=False, form="torch"):
    """The name of the optimizer that (momentum, σ kind, schedule) is, e.g. 'Adam + warmup'.

    momentum: None or β1; sigma: one of `SIGMAS`; schedule: a rugged schedule or None.
    Default hyperparameters (α, β2, eps) are assumed; 'no named optimizer (…)' where none fits.
    """
    return match(Composed(1.0, momentum, sigma, bias_correction=bias_correction, form=form), schedule).name
