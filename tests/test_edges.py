"""The library at its edges: property tests over each class of bad input.

* any value of any type as any hyperparameter of any optimizer, schedule or composition
  constructs, or raises TypeError or ValueError (never another exception, never a warning);
  with several bad arguments the error names the one torch checks first;
* any run descend is asked for returns a Path that has its start point, or raises
  TypeError or ValueError before running;
* any finite point of any surface gives a loss, gradient and Hessian without NaN (huge
  inputs overflow to ±inf, which is the truth there);
* any step t, up to 2**63 − 1, costs a schedule O(1): no recursion up to t.
"""

import inspect
import time
import warnings
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rugged import compose, descend, optim, schedules, surfaces
from rugged.compose import Composed

EDGE_NUMBERS = [0, 1, -1, 0.5, 0.999, 1.0, 1e-300, 1e300, -1e-12, 2**53 + 1, 2**63, 10**400,
                -10**400, float("nan"), float("inf"), -float("inf"), Fraction(10**400, 3),
                Decimal("0.1"), np.float32(0.1), np.int64(3), np.uint8(2), np.float16(0.5),
                np.bool_(True), np.array(0.25), np.array(7), np.array(True), 1 + 2j]

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.sampled_from(EDGE_NUMBERS),
    st.floats(width=32).map(np.float32), st.integers(-2**63, 2**63 - 1).map(np.int64),
    st.floats().map(np.array), st.fractions(), st.decimals(), st.complex_numbers(),
    st.text(max_size=4),
    st.sampled_from(["0.1", "1", "cos", "linear", "adam", "rmsprop", "adagrad", "none", "lecture",
                     "torch"]),
    st.lists(st.floats(), max_size=3), st.tuples(st.floats(-0.5, 1.5), st.floats(-0.5, 1.5)),
    st.lists(st.integers(-5, 50), max_size=3), st.dictionaries(st.text(max_size=2), st.floats(), max_size=2),
    arrays(np.float64, st.integers(0, 3)), st.just(object()), st.just([schedules.Constant()]),
)


@contextmanager
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def arguments(cls):
    return [name for name in inspect.signature(cls).parameters]


# ---- 15: hyperparameters of any type -------------------------------------------------------

OPTIMIZERS = [optim.SGD, optim.GD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW,
              optim.RAdam, optim.NAdam, optim.LectureAdagrad, optim.LectureRMSProp]
COMPOSED = dict(lr=0.1, momentum=0.9, sigma="adam")   # defaults to vary one argument of


def check_constructed(optimizer):
    """A constructed optimizer keeps plain Python numbers and steps without a warning."""
    for name, value in optimizer.hyperparameters().items():
        values = value if isinstance(value, tuple) else (value,)
        if isinstance(value, optim.Ingredient):     # the ingredients keep plain numbers too
            values = tuple(value.arguments().values())
        assert all(v is None or type(v) in (int, float, bool, str) for v in values), (name, value)
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    for g in (2 * x, np.array([[np.inf, 1.0], [np.nan, -np.inf]]), 1e300 * x):
        assert optimizer.step(x, g).shape == x.shape


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OPTIMIZERS), st.data())
def test_any_value_of_any_optimizer_argument_constructs_or_raises_type_or_value_error(cls, data):
    name = data.draw(st.sampled_from(arguments(cls)), label="argument")
    value = data.draw(ANYTHING, label="value")
    with no_warnings():
        try:
            optimizer = cls(**{name: value})
        except (TypeError, ValueError) as error:
            assert str(error)
            return
        check_constructed(optimizer)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_value_of_any_composed_argument_constructs_or_raises_type_or_value_error(data):
    name = data.draw(st.sampled_from(arguments(Composed)), label="argument")
    kwargs = dict(COMPOSED, **{name: data.draw(ANYTHING, label="value")})
    with no_warnings():
        try:
            optimizer = Composed(**kwargs)
        except (TypeError, ValueError):
            return
        check_constructed(optimizer)
        compose.match(optimizer)


def test_numpy_real_scalars_construct_every_optimizer():
    for cls in OPTIMIZERS:
        for scalar in (np.float32(0.1), np.float64(0.1), np.int64(1), np.array(0.1)):
            assert cls(lr=scalar).lr == float(scalar)


# torch's order of checks, and how each argument's errors begin
TORCH_ORDER = {
    optim.SGD: ["lr", "momentum", "weight_decay"],
    optim.Adagrad: ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
    optim.RMSprop: ["lr", "eps", "momentum", "weight_decay", "alpha"],
    optim.Adam: ["lr", "eps", "betas", "weight_decay"],
    optim.AdamW: ["lr", "eps", "betas", "weight_decay"],
    optim.RAdam: ["lr", "eps", "betas", "weight_decay"],
    optim.NAdam: ["lr", "eps", "betas", "weight_decay", "momentum_decay"],
}
VALUE_MESSAGE = {"lr": "Invalid learning rate", "eps": "Invalid epsilon value",
                 "betas": "Invalid beta parameter", "weight_decay": "Invalid weight_decay value",
                 "momentum": "Invalid momentum value", "alpha": "Invalid alpha value",
                 "lr_decay": "Invalid lr_decay value", "momentum_decay": "Invalid momentum_decay value",
                 "initial_accumulator_value": "Invalid initial_accumulator_value value"}
BAD = {"betas": st.sampled_from([(2.0, 0.5), (0.5, -1.0), None, ("0.9", 0.5), (0.9,)]),
       "*": st.sampled_from([-1, -0.5, float("nan"), float("inf"), "0.1", None, [0.1], True])}


def names(error, name):
    """Does the error's message name the argument `name`?"""
    text = str(error)
    if name == "betas":
        return text.startswith(("Invalid beta parameter", "betas"))
    return text.startswith((f"{VALUE_MESSAGE[name]}: ", f"{name} must be "))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(TORCH_ORDER)), st.data())
def test_with_several_bad_arguments_the_error_names_the_first_torch_checks(cls, data):
    order = TORCH_ORDER[cls]
    bad = data.draw(st.lists(st.sampled_from(order), min_size=1, unique=True), label="bad arguments")
    kwargs = {name: data.draw(BAD.get(name, BAD["*"]), label=name) for name in bad}
    first = min(bad, key=order.index)
    with pytest.raises((TypeError, ValueError)) as error:
        cls(**kwargs)
    assert names(error.value, first), (first, str(error.value))


SCHEDULES = {   # class → valid keyword arguments, each to be replaced by anything
    schedules.StepLR: dict(step_size=10, gamma=0.5),
    schedules.MultiStepLR: dict(milestones=[5, 10], gamma=0.5),
    schedules.ExponentialLR: dict(gamma=0.9),
    schedules.ConstantLR: dict(factor=0.5, total_iters=5),
    schedules.LinearLR: dict(start_factor=0.1, end_factor=1.0, total_iters=5),
    schedules.CosineAnnealingLR: dict(T_max=10, eta_min=0.0),
    schedules.SequentialLR: dict(schedulers=[schedules.Constant(), schedules.Constant()], milestones=[5]),
    schedules.OneCycleLR: dict(max_lr=0.1, total_steps=100, pct_start=0.3, anneal_strategy="cos",
                               div_factor=25.0, final_div_factor=1e4, three_phase=False),
    schedules.ResNetWarmup: dict(warmup_lr=0.01, warmup_steps=5),
    schedules.TransformerSchedule: dict(d_model=512, warmup_steps=10),
    schedules.WarmupCosine: dict(warmup_steps=5, total_steps=20, eta_min=0.0),
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(SCHEDULES)), st.data())
def test_any_value_of_any_schedule_argument_constructs_or_raises_type_or_value_error(cls, data):
    name = data.draw(st.sampled_from(list(SCHEDULES[cls])), label="argument")
    kwargs = dict(SCHEDULES[cls], **{name: data.draw(ANYTHING, label="value")})
    with no_warnings():
        try:
            schedule = cls(**kwargs)
        except (TypeError, ValueError):
            return
        steps = np.arange(min(60, getattr(schedule, "total_steps", 60) + 1))
        lrs = schedule.lr_at(steps, 0.5)
    assert lrs.shape == steps.shape and not np.isnan(lrs).any()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([schedules.CosineAnnealingLR(10), schedules.OneCycleLR(0.1, 100),
                        schedules.StepLR(3), schedules.InverseSqrtDecay()]), ANYTHING, ANYTHING)
def test_lr_at_of_anything_answers_or_raises_type_or_value_error(schedule, t, base_lr):
    with no_warnings():
        try:
            lrs = schedule.lr_at(t, base_lr)
        except (TypeError, ValueError):
            return
    assert not np.isnan(lrs).any()


# ---- 16: runs that cannot begin -------------------------------------------------------------

SURFACE = surfaces.saddle()
STARTS = st.one_of(
    arrays(np.float64, st.sampled_from([(2,), (3, 2), (0, 2), (3,), (2, 2, 2), ()]),
           elements=st.floats(-1e12, 1e12) | st.sampled_from([np.nan, np.inf, 1e300])),
    ANYTHING,
)
STEPS = st.one_of(st.integers(-3, 40), st.sampled_from([10**9, 10**400, True, 2.0, "5", None, np.int64(7)]))
RUN_SCHEDULES = st.sampled_from([
    None, schedules.CosineAnnealingLR(10), schedules.OneCycleLR(0.1, 20), np.full(5, 0.1),
    lambda t: 0.1, lambda t: np.ones(2), lambda t: "0.1", lambda t: float("nan"), lambda t: -t,
    lambda t: 10.0 ** (10 * t), lambda t: np.float32(0.01), "cosine", [0.1, 0.2]])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STARTS, STEPS, RUN_SCHEDULES,
       st.one_of(st.sampled_from([1e10, np.inf, np.nan, 0, -1, 1e-3, "1"]), st.floats(1e-3, 1e20)),
       st.sampled_from([optim.Adam(lr=0.1), optim.SGD(lr=0.5), optim.LectureRMSProp(lr=0.1)]))
def test_descend_gives_a_path_with_its_start_or_raises_type_or_value_error(start, steps, schedule, limit, optimizer):
    with no_warnings():
        try:
            path = descend(SURFACE, optimizer, start, steps, schedule=schedule, limit=limit)
        except (TypeError, ValueError) as error:
            assert str(error)
            return
        point = np.asarray(start, dtype=float)
        if point.ndim == 1:
            assert path.steps >= 0 and np.array_equal(path.params[0], point)
            assert path.diverged_at is None or path.diverged_at >= 1
            assert np.isfinite(path.endpoint).all() and np.isfinite(path.distance((0.0, 1.0)))
            path.steps_to(0.0)
        else:
            assert path.params.shape[1:] == point.shape and 0 not in path.diverged_at
            assert np.array_equal(path.params[0], point)


# ---- 18: surfaces at huge finite points -----------------------------------------------------

SURFACES = surfaces.all_surfaces()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(SURFACES)),
       st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_point_gives_no_nan_and_no_warning(name, x, y):
    surface = SURFACES[name]
    with no_warnings():
        loss, grad, hessian = surface.loss((x, y)), surface.grad((x, y)), surface.hessian((x, y))
    assert not np.isnan(loss) and loss >= surface.min_loss      # bounded below: overflow is +inf
    assert not np.isnan(grad).any() and not np.isnan(hessian).any()


# ---- 17: η^t at any t costs O(1) -------------------------------------------------------------

@contextmanager
def counting_recursion():
    """Count the calls of every chainable schedule's one-step recursion."""
    calls, originals = [], {}

    def counted(original):
        def step(self, *args):
            calls.append(1)
            return original(self, *args)
        return step

    for cls in (schedules.CosineAnnealingLR, schedules.LinearLR):
        originals[cls] = cls._next
        cls._next = counted(cls._next)
    try:
        yield calls
    finally:
        for cls, original in originals.items():
            cls._next = original


span = st.integers(1, 10**6) | st.integers(1, 2**63 - 1)
short_or_long = st.integers(1, 1000) | st.integers(10**6, 2**63 - 1)   # LinearLR recurses up to T < 2**15
FAR_SCHEDULES = st.one_of(
    st.builds(schedules.CosineAnnealingLR, span, st.floats(0, 1)),
    st.builds(schedules.LinearLR, st.floats(0.01, 1), st.floats(0, 1), short_or_long),
    st.builds(schedules.StepLR, span, st.floats(0.05, 2)),
    st.builds(schedules.ExponentialLR, st.floats(0.5, 1.5)),
    st.builds(schedules.InverseSqrtDecay), st.builds(schedules.TransformerSchedule, span, span),
    st.builds(schedules.WarmupCosine, st.integers(1, 100), st.integers(101, 2**63 - 1), st.floats(0, 1)),
    st.builds(lambda a, b, m: schedules.SequentialLR([a, b], [m]),
              st.builds(schedules.LinearLR, st.floats(0.01, 1), st.just(1.0), short_or_long),
              st.builds(schedules.CosineAnnealingLR, span, st.floats(0, 1)), span),
)


@settings(max_examples=150, deadline=None)
@given(FAR_SCHEDULES, st.lists(st.integers(0, 2**63 - 1) | st.integers(0, 10**15), min_size=1, max_size=5),
       st.just(0.0) | st.floats(1e-3, 10))
def test_any_step_up_to_2_63_costs_o_1(schedule, ts, base_lr):
    far = [t for t in ts if t >= schedules.CosineAnnealingLR.EXACT_STEPS]
    assume(far)
    started = time.perf_counter()
    with counting_recursion() as calls, no_warnings():
        lrs = schedule.lr_at(np.array(far), base_lr)
    assert len(calls) <= schedules.CosineAnnealingLR.EXACT_STEPS and time.perf_counter() - started < 1.0
    if isinstance(schedule, schedules.CosineAnnealingLR):
        assert calls == []      # periodic: the closed form only
    one_by_one = [schedule.lr_at(t, base_lr) for t in far]
    assert lrs.tolist() == one_by_one
    assert not np.isnan(lrs).any() and np.all(lrs >= 0)
