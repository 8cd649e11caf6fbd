"""rugged.schedules: torch's values, the papers' numbers, argument checks and the shapes of η^t.

The reference values were recorded from torch 2.13 by tools/make_golden.py (rugged.parity); when
torch is importable here, the same cases are also run live against it.
"""

import importlib.util
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugged import schedules
from rugged.parity import TOLERANCE, golden_schedules
from rugged.schedules import (
    Constant, ConstantLR, CosineAnnealingLR, ExponentialLR, InverseSqrtDecay, LinearLR,
    MultiStepLR, OneCycleLR, ResNetWarmup, SequentialLR, StepLR, TransformerSchedule, WarmupCosine,
)

CASES = golden_schedules()
IDS = [f"{i:02d}-{case['name']}" for i, case in enumerate(CASES)]


def build(name, kwargs):
    """The rugged schedule `name(**kwargs)` of a golden case."""
    if name == "SequentialLR":
        kwargs = dict(kwargs, schedulers=[build(p["name"], p["kwargs"]) for p in kwargs["schedulers"]])
    return getattr(schedules, name)(**kwargs)


def assert_matches(lrs, reference):
    np.testing.assert_allclose(lrs, reference, rtol=TOLERANCE, atol=0)


# ---- torch's values ------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_torch_golden(case):
    schedule = build(case["name"], case["kwargs"])
    steps = np.arange(case["steps"])
    at_once = schedule.lr_at(steps, case["base_lr"])
    one_by_one = [schedule.lr_at(int(t), case["base_lr"]) for t in steps]
    assert at_once.dtype == np.float64 and all(type(lr) is float for lr in one_by_one)
    assert_matches(at_once, case["lrs"])
    assert_matches(one_by_one, case["lrs"])


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="torch is not installed (it is not a course dependency); "
                           "test_matches_torch_golden checks the recorded torch values")
def test_matches_torch_live():
    from rugged.parity.replay import torch_lrs
    for case in CASES:
        args = case["name"], case["kwargs"], case["base_lr"], case["steps"]
        assert_matches(build(*args[:2]).lr_at(np.arange(case["steps"]), case["base_lr"]), torch_lrs(*args))


# ---- the lecture's and papers' numbers --------------------------------------------------

def test_transformer_schedule_peaks_at_the_end_of_warmup():
    lrs = TransformerSchedule().lr_at(np.arange(8000))    # base lr 1: the paper's lr
    assert lrs.argmax() == 3999                           # step 4000, counted from 1
    assert lrs[3999] == pytest.approx(512 ** -0.5 * 4000 ** -0.5, rel=1e-12)
    assert lrs[3999] == pytest.approx(7.0e-4, rel=0.01)


def test_resnet_warmup_is_0_01_for_400_steps_then_the_base_lr():
    lrs = ResNetWarmup().lr_at(np.array([0, 399, 400, 10_000]), base_lr=0.1)
    assert lrs.tolist() == [0.01, 0.01, 0.1, 0.1]


def test_inverse_sqrt_decay_is_the_lectures_decay():
    decay = InverseSqrtDecay()
    assert decay.lr_at(0, 0.1) == 0.1
    assert decay.lr_at(3, 0.1) == 0.05
    assert decay.lr_at(99) == pytest.approx(0.1, rel=1e-15)


def test_cosine_annealing_rises_again_after_t_max():
    lrs = CosineAnnealingLR(T_max=50, eta_min=0.001).lr_at(np.arange(201), base_lr=0.1)
    assert lrs[[0, 100, 200]] == pytest.approx(0.1, rel=1e-12)
    assert lrs[[50, 150]] == pytest.approx(0.001, rel=1e-12)
    assert lrs[51:101] == pytest.approx(lrs[49::-1], rel=1e-12)   # mirror image around T_max


def test_warmup_cosine_warms_up_from_zero_then_decays_and_stays_at_eta_min():
    lrs = WarmupCosine(warmup_steps=10, total_steps=110, eta_min=0.001).lr_at(np.arange(300), 0.1)
    assert lrs[:10] == pytest.approx(0.01 * np.arange(1, 11), rel=1e-12)
    assert lrs[10] == pytest.approx(0.1, rel=1e-12)
    assert lrs[60] == pytest.approx((0.1 + 0.001) / 2, rel=1e-12)
    assert np.all(lrs[110:] == 0.001)


def test_one_cycle_ignores_the_base_lr_and_stops_at_total_steps():
    one_cycle = OneCycleLR(max_lr=0.1, total_steps=100)
    lrs = one_cycle.lr_at(np.arange(101), base_lr=7.0)
    assert lrs.tolist() == one_cycle.lr_at(np.arange(101), base_lr=0.1).tolist()
    assert lrs[[0, 29, 99]] == pytest.approx([0.1 / 25, 0.1, 0.1 / 25 / 1e4], rel=1e-12)
    with pytest.raises(ValueError, match="Tried to step 101 times. The specified number of total steps"):
        one_cycle.lr_at(101)


def test_linear_decay_to_zero_never_goes_below_zero():
    lrs = LinearLR(start_factor=0.01, end_factor=0.0, total_iters=3).lr_at(np.arange(10))
    assert np.all(lrs[3:] == 0.0)    # torch's recursion ends at -7.4e-19 here


def test_sequential_runs_each_schedule_from_its_milestone():
    warmup, decay = LinearLR(0.1, total_iters=10), ExponentialLR(0.9)
    lrs = SequentialLR([warmup, decay], milestones=[10]).lr_at(np.arange(30), 0.5)
    assert lrs[:10].tolist() == warmup.lr_at(np.arange(10), 0.5).tolist()
    assert lrs[10:].tolist() == decay.lr_at(np.arange(20), 0.5).tolist()


def test_steps_and_results_are_ints_and_floats_or_arrays_of_them():
    schedule = StepLR(step_size=2, gamma=0.5)
    assert type(schedule(np.int64(2), 1.0)) is float
    assert schedule(np.array([[0, 1], [2, 5]]), 1.0).tolist() == [[1.0, 1.0], [0.5, 0.25]]
    assert schedule.lr_at(np.array([], dtype=int)).shape == (0,)
    with pytest.raises(TypeError, match="Expected integer steps t"):
        schedule.lr_at(1.5)
    with pytest.raises(ValueError, match="Expected non-negative steps t, but got -1"):
        schedule.lr_at(np.array([3, -1]))
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        schedule.lr_at(0, base_lr=-0.1)


def test_repr_shows_the_arguments():
    warmup_cosine = SequentialLR([LinearLR(0.01, total_iters=20), CosineAnnealingLR(180)], [20])
    assert repr(warmup_cosine) == (
        "SequentialLR(schedulers=[LinearLR(start_factor=0.01, end_factor=1.0, total_iters=20), "
        "CosineAnnealingLR(T_max=180, eta_min=0.0)], milestones=[20])")
    assert repr(InverseSqrtDecay()) == "InverseSqrtDecay()"


# ---- argument checks -----------------------------------------------------------------------

BAD_ARGUMENTS = [
    (lambda: StepLR(0), "Expected positive integer step_size, but got 0"),
    (lambda: StepLR(10, gamma=0), "Expected positive gamma, but got 0"),
    (lambda: MultiStepLR([10, -1]), "Expected non-negative integer milestones, but got [10, -1]"),
    (lambda: ExponentialLR(-0.5), "Expected positive gamma, but got -0.5"),
    (lambda: ConstantLR(factor=2), "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda: LinearLR(start_factor=0), "Starting multiplicative factor expected to be greater than 0 "
                                       "and less or equal to 1."),
    (lambda: LinearLR(end_factor=1.5), "Ending multiplicative factor expected to be between 0 and 1."),
    (lambda: LinearLR(total_iters=0), "Expected positive integer total_iters, but got 0"),
    (lambda: CosineAnnealingLR(10.0), "Expected positive integer T_max, but got 10.0"),
    (lambda: CosineAnnealingLR(10, eta_min=-1), "Expected non-negative eta_min, but got -1"),
    (lambda: SequentialLR([], []), "SequentialLR expects at least one scheduler, but got no scheduler."),
    (lambda: SequentialLR([Constant(), Constant()], []),
     "Sequential Schedulers expects number of schedulers provided to be one more than the number of "
     "milestone points, but got number of schedulers 2 and the number of milestones to be equal to 0"),
    (lambda: SequentialLR([Constant(), Constant()], [0]),
     "Expected increasing positive integer milestones, but got [0]"),
    (lambda: OneCycleLR(0.1, total_steps=0), "Expected positive integer total_steps, but got 0"),
    (lambda: OneCycleLR(0.1, 100, pct_start=1), "Expected float between 0 and 1 pct_start, but got 1"),
    (lambda: OneCycleLR(0.1, 100, anneal_strategy="exp"),
     "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    (lambda: OneCycleLR(0.1, 10, pct_start=0.1),
     "pct_start=0.1 gives a phase of zero steps for total_steps=10"),
    (lambda: ResNetWarmup(warmup_lr=-0.01), "Expected non-negative warmup_lr, but got -0.01"),
    (lambda: ResNetWarmup(warmup_steps=0), "Expected positive integer warmup_steps, but got 0"),
    (lambda: TransformerSchedule(d_model=0), "Expected positive integer d_model, but got 0"),
    (lambda: TransformerSchedule(warmup_steps=2.5), "Expected positive integer warmup_steps, but got 2.5"),
    (lambda: WarmupCosine(100, 100), "Expected total_steps > warmup_steps, but got total_steps=100, "
                                     "warmup_steps=100"),
    (lambda: WarmupCosine(10, 100, eta_min=-1), "Expected non-negative eta_min, but got -1"),
    # torch checks none of these, and divides by 0 or gives negative learning rates
    (lambda: OneCycleLR(-0.1, 100), "Expected non-negative max_lr, but got -0.1"),
    (lambda: OneCycleLR(0.1, 100, div_factor=0), "Expected positive div_factor, but got 0"),
    (lambda: OneCycleLR(0.1, 100, final_div_factor=-1.0), "Expected positive final_div_factor, but got -1.0"),
    (lambda: OneCycleLR(float("inf"), 100), "Expected finite non-negative max_lr, but got inf"),
    (lambda: OneCycleLR(float("nan"), 100), "Expected finite non-negative max_lr, but got nan"),
    (lambda: OneCycleLR(0.1, 100, div_factor=float("inf")), "Expected finite positive div_factor, but got inf"),
    (lambda: OneCycleLR(1e300, 100, div_factor=1e-300), "max_lr/div_factor = inf is not a finite learning rate"),
    (lambda: OneCycleLR(0.1, 100, pct_start=float("nan")), "Expected float between 0 and 1 pct_start, but got nan"),
    # NaN and ±inf are out of every range
    (lambda: StepLR(10, gamma=float("inf")), "Expected finite positive gamma, but got inf"),
    (lambda: MultiStepLR([10], gamma=float("nan")), "Expected finite positive gamma, but got nan"),
    (lambda: ExponentialLR(float("inf")), "Expected finite positive gamma, but got inf"),
    (lambda: ExponentialLR(10**400), "Expected positive gamma within the float range, but got 1e+400"),
    (lambda: CosineAnnealingLR(10, eta_min=float("inf")), "Expected finite non-negative eta_min, but got inf"),
    (lambda: WarmupCosine(10, 100, eta_min=float("inf")), "Expected finite non-negative eta_min, but got inf"),
    (lambda: ResNetWarmup(warmup_lr=float("inf")), "Expected finite non-negative warmup_lr, but got inf"),
    (lambda: ConstantLR(factor=float("nan")), "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda: LinearLR(start_factor=float("nan")), "Starting multiplicative factor expected to be greater "
                                                  "than 0 and less or equal to 1."),
    (lambda: StepLR(10**400), "Expected positive integer step_size, but got 1e+400"),
    (lambda: MultiStepLR([10, 2.5]), "Expected non-negative integer milestones, but got [10, 2.5]"),
]


@pytest.mark.parametrize("make, message", BAD_ARGUMENTS, ids=[m for _, m in BAD_ARGUMENTS])
def test_bad_arguments_raise_with_a_clear_message(make, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make()


def test_sequential_takes_only_schedules():
    with pytest.raises(TypeError, match="SequentialLR at index 1 should be a Schedule, but got float"):
        SequentialLR([Constant(), 0.1], [10])


WRONG_TYPES = [
    (lambda: StepLR("10"), "step_size must be an integer, got str"),
    (lambda: StepLR(True), "step_size must be an integer, got bool"),
    (lambda: StepLR(10, gamma="0.5"), "gamma must be a real number, got str"),
    (lambda: ExponentialLR(None), "gamma must be a real number, got NoneType"),
    (lambda: MultiStepLR(None), "milestones must be a list of integers, got NoneType"),
    (lambda: MultiStepLR([10, True]), "milestones[1] must be an integer, got bool"),
    (lambda: CosineAnnealingLR(10, eta_min=[0.1]), "eta_min must be a real number, got list"),
    (lambda: OneCycleLR("0.1", 100), "max_lr must be a real number, got str"),
    (lambda: OneCycleLR(0.1, True), "total_steps must be an integer, got bool"),
    (lambda: OneCycleLR(0.1, 100, three_phase="yes"), "three_phase must be True or False, got str"),
    (lambda: SequentialLR(None, []), "schedulers must be a list of Schedules, got NoneType"),
    (lambda: SequentialLR([Constant(), Constant()], None), "milestones must be a list of integers, got NoneType"),
    (lambda: Constant().lr_at(3, base_lr="0.1"), "base_lr must be a real number, got str"),
    (lambda: Constant().lr_at("3"), "Expected integer steps t, but got '3'"),
    (lambda: Constant().lr_at(True), "Expected integer steps t, but got True"),
]


@pytest.mark.parametrize("make, message", WRONG_TYPES, ids=[m for _, m in WRONG_TYPES])
def test_wrong_types_raise_type_error_naming_the_argument(make, message):
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        make()


def test_numpy_scalars_are_numbers():
    assert StepLR(np.int64(10), np.float32(0.5)).lr_at(10) == 0.5
    one_cycle = OneCycleLR(np.float64(0.1), np.int64(100), pct_start=np.float32(0.25),
                           div_factor=np.int64(25), three_phase=np.bool_(False))
    assert one_cycle.lr_at(0) == pytest.approx(0.004) and type(one_cycle.total_steps) is int
    assert CosineAnnealingLR(np.int32(10), np.float32(0)).lr_at(np.uint8(10), np.float32(2.0)) == 0.0
    assert MultiStepLR(np.array([2, 4])).milestones == [2, 4]
    with pytest.raises(ValueError, match=r"^Expected steps t below 2\*\*63, but got 1e\+30$"):
        Constant().lr_at(10**30)
    with pytest.raises(ValueError, match=r"^Expected steps t below 2\*\*63"):
        Constant().lr_at(np.array([2**63], dtype=np.uint64))


# ---- any step t at O(1) cost -----------------------------------------------------------------

def count_recursion_steps(monkeypatch, schedule_class):
    calls = []
    original = schedule_class._next
    monkeypatch.setattr(schedule_class, "_next", lambda self, *a: calls.append(1) or original(self, *a))
    return calls


@pytest.mark.parametrize("t", [10**7, 10**12, 10**15, 2**63 - 1])
def test_a_far_step_costs_no_recursion(monkeypatch, t):
    calls = count_recursion_steps(monkeypatch, CosineAnnealingLR)
    lr = CosineAnnealingLR(10, eta_min=0.01).lr_at(t, 0.1)
    expected = 0.01 + 0.09 * (1 + np.cos(np.pi * (t % 20) / 10)) / 2
    assert calls == [] and lr == pytest.approx(expected, rel=1e-14)
    linear = count_recursion_steps(monkeypatch, LinearLR)
    assert LinearLR(0.1, 1.0, 10**12).lr_at(t, 2.0) == pytest.approx(2.0 * (0.1 + 0.9 * min(t, 10**12) / 10**12))
    assert linear == []


def test_near_steps_cost_at_most_exact_steps_of_recursion(monkeypatch):
    calls = count_recursion_steps(monkeypatch, CosineAnnealingLR)
    schedule = CosineAnnealingLR(T_max=5000)
    schedule.lr_at(np.array([3, 10**9, schedule.EXACT_STEPS - 1, schedule.EXACT_STEPS]))
    assert len(calls) == schedule.EXACT_STEPS


def recursion(schedule, steps, base_lr):
    """torch's recursion, one step at a time for every t < steps (the reference, slow)."""
    lrs, lr = [], base_lr
    for t in range(steps):
        lr = schedule._next(t, lr, base_lr)
        lrs.append(lr)
    return np.array(lrs)


@pytest.mark.parametrize("schedule", [CosineAnnealingLR(50, 0.001), CosineAnnealingLR(7),
                                      CosineAnnealingLR(40_000, 0.01), LinearLR(0.01, 1.0, 50_000)],
                         ids=repr)
def test_beyond_exact_steps_the_closed_form_stays_within_the_recursions_rounding(schedule):
    steps, exact = 2 * schedule.EXACT_STEPS, schedule.EXACT_STEPS
    reference = recursion(schedule, steps, 0.1)     # what torch computes
    lrs = schedule.lr_at(np.arange(steps), 0.1)
    assert np.array_equal(lrs[:exact], reference[:exact])
    assert np.abs(lrs - reference).max() <= 1e-9 * 0.1


def test_cosine_annealing_is_periodic_far_out():
    schedule = CosineAnnealingLR(T_max=30, eta_min=0.002)
    t = schedule.EXACT_STEPS + np.arange(60)
    assert np.array_equal(schedule.lr_at(t + 60 * 10**9, 0.1), schedule.lr_at(t, 0.1))
    assert schedule.lr_at(30 * 10**11 + 30 * 2 * 7, 0.1) == 0.1


# ---- properties --------------------------------------------------------------------------

fraction = st.floats(0.0, 1.0)
positive_fraction = st.floats(0.01, 1.0)
gamma = st.floats(0.05, 1.0)
span = st.integers(1, 300)

DECAYS = st.one_of(   # η^t never increases
    st.builds(Constant),
    st.builds(InverseSqrtDecay),
    st.builds(StepLR, span, gamma),
    st.builds(MultiStepLR, st.lists(st.integers(0, 400), max_size=4), gamma),
    st.builds(ExponentialLR, gamma),
    st.builds(lambda a, b, n: LinearLR(max(a, b), min(a, b), n), positive_fraction, fraction, span),
)
WARMUPS = st.one_of(   # with base lr 1, η^t rises to its largest value, then never increases
    st.builds(lambda a, b, n: LinearLR(min(a, b), max(a, b), n), positive_fraction, positive_fraction, span),
    st.builds(ConstantLR, fraction, span),
    st.builds(ResNetWarmup, fraction, span),
    st.builds(TransformerSchedule, st.integers(1, 1024), span),
    st.builds(lambda w, n, eta_min: WarmupCosine(w, w + n, eta_min), span, span, fraction),
    st.builds(OneCycleLR, st.floats(1e-3, 10), st.integers(20, 500),
              st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.75, 0.9]), st.sampled_from(["cos", "linear"]),
              st.floats(1, 100), st.floats(1, 1e4)),
)
PERIODIC = st.builds(CosineAnnealingLR, span, fraction)
THREE_PHASE = st.builds(OneCycleLR, st.floats(1e-3, 10), st.integers(20, 500),
                        st.sampled_from([0.1, 0.25, 0.3, 0.45]), st.sampled_from(["cos", "linear"]),
                        three_phase=st.just(True))
NOT_ONE_CYCLE = DECAYS | PERIODIC | WARMUPS.filter(lambda s: not isinstance(s, OneCycleLR))
SEQUENCES = st.builds(lambda a, b, m: SequentialLR([a, b], [m]), NOT_ONE_CYCLE, NOT_ONE_CYCLE, span)
ANY = DECAYS | WARMUPS | PERIODIC | THREE_PHASE | SEQUENCES


def steps_of(schedule):
    """Steps to check: 600, or up to total_steps − 1 where a OneCycleLR stops there."""
    return np.arange(schedule.total_steps if isinstance(schedule, OneCycleLR) else 600)


@settings(max_examples=150, deadline=None)
@given(ANY, st.floats(1, 10))   # η ≥ any eta_min drawn: with η < eta_min, the cosine can dip below 0
def test_every_lr_is_finite_and_non_negative(schedule, base_lr):
    lrs = schedule.lr_at(steps_of(schedule), base_lr)
    assert np.all(np.isfinite(lrs) & (lrs >= 0))


@settings(deadline=None)
@given(ANY, st.floats(0, 10), st.data())
def test_many_steps_at_once_equal_one_step_at_a_time(schedule, base_lr, data):
    t = np.array(data.draw(st.lists(st.integers(0, len(steps_of(schedule)) - 1), max_size=20)), dtype=int)
    assert schedule.lr_at(t, base_lr).tolist() == [schedule.lr_at(int(s), base_lr) for s in t]


@settings(deadline=None)
@given(DECAYS, st.floats(0, 10))
def test_decays_never_increase(schedule, base_lr):
    assert np.all(np.diff(schedule.lr_at(np.arange(600), base_lr)) <= 0)


@settings(deadline=None)
@given(WARMUPS)
def test_warmups_rise_to_the_peak_then_never_increase(schedule):
    lrs = schedule.lr_at(steps_of(schedule))
    peak = lrs.argmax()
    assert np.all(np.diff(lrs[:peak + 1]) >= 0) and np.all(np.diff(lrs[peak:]) <= 0)


@settings(deadline=None)
@given(PERIODIC)
def test_cosine_annealing_falls_to_eta_min_at_t_max(schedule):
    lrs = schedule.lr_at(np.arange(schedule.T_max + 1))
    assert np.all(np.diff(lrs) <= 0) and lrs[-1] == pytest.approx(schedule.eta_min, abs=1e-12)
