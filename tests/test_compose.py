"""rugged.compose: every combination that claims a name walks that optimizer's path; names;
argument checks; the ingredients' properties (m keeps the sign, σ does not)."""

import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rugged import descend, optim, schedules, surfaces
from rugged.compose import NAMES, NO_NAME, Composed, Match, combination, known_name, match, schedule_name
from rugged.runner import relative_error

TOLERANCE = 1e-12
STEPS = 50
SURFACE = surfaces.rosenbrock()
START = (-1.2, 1.0)

SCHEDULES = {
    "constant": None,
    "decay": schedules.InverseSqrtDecay(),
    "linear warmup": schedules.LinearLR(0.1, 1.0, 10),
    "resnet warmup": schedules.ResNetWarmup(warmup_lr=1e-4, warmup_steps=10),
    "warmup cosine": schedules.WarmupCosine(10, STEPS),
}
# an lr per σ kind that moves the point well without leaving the valley in 50 steps
LR = {"none": 1e-3, "adagrad": 0.1, "rmsprop": 1e-2, "adam": 0.05}


def combinations():
    """Every (momentum, bias_correction, sigma, form, extra kwargs) the composer accepts, roughly."""
    for momentum, sigma in itertools.product((None, 0.5, 0.9), ("none", "adagrad", "rmsprop", "adam")):
        for bias_correction in ((False,) if momentum is None else (False, True)):
            forms = ("torch", "lecture") if sigma in ("adagrad", "rmsprop") else ("torch",)
            for form in forms:
                extras = [{}]
                if sigma == "rmsprop":
                    extras.append({"alpha": 0.9})
                if sigma == "adam":
                    extras.append({"beta2": 0.99, "eps": 1e-3})
                if sigma in ("adagrad", "rmsprop") and form == "torch":
                    extras.append({"eps": 1e-3})
                for extra in extras:
                    yield momentum, bias_correction, sigma, form, extra


CASES = [(c, s) for c in combinations() for s in SCHEDULES]
IDS = [f"m={m},bc={bc},{sig},{form},{extra},{s}" for (m, bc, sig, form, extra), s in CASES]


def make(momentum, bias_correction, sigma, form, extra):
    return Composed(LR[sigma], momentum, sigma, bias_correction=bias_correction, form=form, **extra)


@pytest.mark.parametrize("combination, schedule", CASES, ids=IDS)
def test_a_named_combination_walks_the_named_optimizers_path(combination, schedule):
    composed = make(*combination)
    found = match(composed, SCHEDULES[schedule])
    assert isinstance(found, Match)
    if found.optimizer is None:
        assert found.name.startswith(NO_NAME)
        assert found.torch == "no exact torch equivalent"
        return
    assert not found.name.startswith(NO_NAME)
    mine = descend(SURFACE, composed, START, STEPS, schedule=SCHEDULES[schedule])
    theirs = descend(SURFACE, found.optimizer, START, STEPS, schedule=found.schedule)
    assert mine.diverged_at is None and theirs.diverged_at is None
    assert np.max(np.abs(theirs.params[-1] - theirs.params[0])) > 1e-3, "the reference must move"
    assert relative_error(mine.params, theirs.params) <= TOLERANCE


def test_the_named_combinations_are_the_expected_ones():
    names = {match(make(*c)).name for c in combinations()}
    named = {n for n in names if not n.startswith(NO_NAME)}
    assert named == {"SGD (plain gradient descent)", "SGD with momentum (EMA form)", "Adagrad",
                     "Adagrad (lecture's mean form)", "RMSprop", "RMSProp (lecture form)",
                     "RMSprop with bias correction (Adam with β1 = 0)", "Adam"}


@pytest.mark.parametrize("schedule", [None, schedules.LinearLR(0.1, 1.0, 10),
                                      lambda t: 0.05 / (1 + t), np.linspace(0.05, 0.01, STEPS)],
                         ids=["constant", "warmup", "function", "array"])
def test_ema_momentum_is_undampened_torch_sgd_at_a_scaled_lr(schedule):
    composed = Composed(1e-2, momentum=0.9)
    found = match(composed, schedule)
    assert (found.optimizer.momentum, found.optimizer.dampening) == (0.9, 0)
    assert found.optimizer.lr == pytest.approx(1e-3)
    mine = descend(SURFACE, composed, START, STEPS, schedule=schedule)
    theirs = descend(SURFACE, found.optimizer, START, STEPS, schedule=found.schedule)
    assert relative_error(mine.params, theirs.params) <= TOLERANCE


def test_ema_momentum_is_not_torchs_dampened_buffer():
    """torch's b^0 = g^0: with dampening = β1 the recursion is the EMA's, the start is not."""
    beta1 = 0.9
    g = np.random.default_rng(1).normal(size=(30, 2))
    gap = optim.HeavyBall(beta1, dampening=beta1).values(g) - optim.EMA(beta1).values(g)
    for t in range(len(g)):
        np.testing.assert_allclose(gap[t], beta1 ** (t + 1) * g[0], rtol=1e-12, atol=1e-15)
    composed = descend(SURFACE, Composed(1e-3, momentum=beta1), START, STEPS)
    dampened = descend(SURFACE, optim.SGD(1e-3, momentum=beta1, dampening=beta1), START, STEPS)
    assert composed.diverged_at is None and dampened.diverged_at is None
    assert relative_error(composed.params, dampened.params) > 1e-3


def test_lecture_adagrad_with_decay_is_torchs_adagrad():
    composed = Composed(0.1, sigma="adagrad", form="lecture")
    found = match(composed, schedules.InverseSqrtDecay())
    assert found.name.startswith("Adagrad (=")
    assert isinstance(found.optimizer, optim.Adagrad) and found.schedule is None
    mine = descend(SURFACE, composed, START, STEPS, schedule=schedules.InverseSqrtDecay())
    theirs = descend(SURFACE, optim.Adagrad(0.1, eps=0.0), START, STEPS)
    assert relative_error(mine.params, theirs.params) <= TOLERANCE


def test_lecture_forms_with_eps_claim_no_name():
    assert known_name(None, "adagrad", form="lecture") == "Adagrad (lecture's mean form)"
    found = match(Composed(0.1, sigma="adagrad", form="lecture", eps=1e-8))
    assert found.optimizer is None and found.name.startswith(NO_NAME)


def test_the_table_of_names_is_read_both_ways():
    """Each row's combination, built by Composed, is named by that row; and the presets'
    own ingredients are named too (Adam(…) is 'Adam'), so the table is the one source."""
    for row in NAMES:
        assert combination(row.name) is row
        momentum = None if row.momentum == "g" else 0.9
        composed = Composed(0.1, momentum, row.sigma, form=row.form,
                            bias_correction=row.momentum.endswith("bias-corrected"))
        assert match(composed).name == row.name
        assert row.composed.startswith("Composed(")
    assert match(optim.Adam(0.1)).name == "Adam"
    assert match(optim.LectureRMSProp(0.1)).name == "RMSProp (lecture form)"
    assert match(optim.SGD(0.1, momentum=0.9)).name.startswith(NO_NAME)
    with pytest.raises(ValueError, match="no optimizer named 'Adamax'"):
        combination("Adamax")


# --- names ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, name", [
    ((None, "none", None), {}, "SGD (plain gradient descent)"),
    ((None, "none", schedules.Constant()), {}, "SGD (plain gradient descent)"),
    ((0.9, "none"), {}, "SGD with momentum (EMA form)"),
    ((None, "adagrad", None), {}, "Adagrad"),
    ((None, "rmsprop"), {}, "RMSprop"),
    ((None, "rmsprop"), {"form": "lecture"}, "RMSProp (lecture form)"),
    ((0.9, "adam"), {"bias_correction": True}, "Adam"),
    ((0.9, "adam", schedules.LinearLR(0.01, 1.0, 100)), {"bias_correction": True}, "Adam + warmup"),
    ((0.9, "adam", schedules.ResNetWarmup()), {"bias_correction": True}, "Adam + warmup"),
    ((0.9, "adam", schedules.WarmupCosine(10, 100)), {"bias_correction": True},
     "Adam + warmup + cosine decay"),
    ((None, "adagrad", schedules.InverseSqrtDecay()), {}, "Adagrad + decay η/√(t+1)"),
    ((None, "adam"), {}, "RMSprop with bias correction (Adam with β1 = 0)"),
    ((0.9, "adam"), {}, f"{NO_NAME} (EMA momentum, Adam's σ)"),
    ((0.9, "none"), {"bias_correction": True}, f"{NO_NAME} (bias-corrected momentum, σ = 1)"),
    ((0.9, "rmsprop", schedules.InverseSqrtDecay()), {},
     f"{NO_NAME} (EMA momentum, RMSProp's σ) + decay η/√(t+1)"),
])
def test_known_names(args, kwargs, name):
    assert known_name(*args, **kwargs) == name


@pytest.mark.parametrize("schedule, suffix", [
    (None, ""), (schedules.StepLR(10), " + step decay"), (schedules.ExponentialLR(0.9), " + exponential decay"),
    (schedules.CosineAnnealingLR(10), " + cosine decay"), (schedules.LinearLR(1.0, 0.1, 10), " + linear decay"),
    (schedules.TransformerSchedule(), " + Transformer warmup"),
    (schedules.SequentialLR([schedules.LinearLR(0.1, 1.0, 5), schedules.CosineAnnealingLR(20)], [5]),
     " + warmup + cosine decay"),
    (schedules.OneCycleLR(0.1, 100), " + OneCycleLR"), (lambda t: 0.1, " + a custom schedule"),
])
def test_schedule_names(schedule, suffix):
    assert schedule_name(schedule) == suffix


# --- argument checks ---------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, names", [
    (dict(momentum=1.0), ("momentum", "0 < β1 < 1")),
    (dict(momentum=0.0), ("momentum", "None")),
    (dict(sigma="adamw"), ("sigma", "'none', 'adagrad', 'rmsprop', 'adam'")),
    (dict(sigma="adam", form="lecture"), ("form", "'adagrad' or 'rmsprop'")),
    (dict(form="paper"), ("form", "'torch', 'lecture'")),
    (dict(bias_correction=True), ("bias_correction", "momentum")),
    (dict(momentum=float("nan")), ("momentum", "0 < β1 < 1")),
    (dict(sigma="adam", eps=float("inf")), ("eps", "eps ≥ 0")),
    (dict(sigma="adam", alpha=0.9), ("alpha", "sigma='rmsprop'", "beta2")),
    (dict(sigma="rmsprop", beta2=0.9), ("beta2", "sigma='adam'")),
    (dict(eps=1e-8), ("eps", "sigma='none'")),
    (dict(sigma="adam", eps=-1.0), ("eps", "eps ≥ 0")),
    (dict(sigma="rmsprop", alpha=1.0), ("alpha", "0 < alpha < 1")),
    (dict(sigma="adam", beta2=0.0), ("beta2", "0 < beta2 < 1")),
])
def test_bad_arguments_say_which_and_what_is_allowed(kwargs, names):
    with pytest.raises(ValueError) as error:
        Composed(0.1, **kwargs)
    for name in names:
        assert name in str(error.value)


def test_a_negative_lr_is_refused_like_torch():
    with pytest.raises(ValueError, match="Invalid learning rate"):
        Composed(-0.1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(momentum="0.9"), "momentum must be None or a real number β1 with 0 < β1 < 1, got str"),
    (dict(momentum=0.9, bias_correction=1), "bias_correction must be True or False, got int"),
    (dict(sigma=None), "sigma must be a string, one of 'none', 'adagrad', 'rmsprop', 'adam'; got NoneType"),
    (dict(sigma=np.array(["adam"])), "sigma must be a string, one of 'none', 'adagrad', 'rmsprop', "
                                     "'adam'; got ndarray of shape (1,)"),
    (dict(form=1), "form must be a string, one of 'torch', 'lecture'; got int"),
    (dict(sigma="adam", beta2=[0.9]), "beta2 must be a real number (0 < beta2 < 1), got list"),
    (dict(sigma="rmsprop", eps="0"), "eps must be a real number (eps ≥ 0), got str"),
])
def test_wrong_types_raise_type_error_naming_the_argument(kwargs, message):
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        Composed(0.1, **kwargs)


def test_lr_is_checked_first_and_numpy_scalars_are_numbers():
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        Composed(-1, momentum=2.0, sigma="adamw")
    with pytest.raises(TypeError, match="^lr must be a real number, got str$"):
        Composed("0.1", sigma="adamw")
    adam = Composed(np.float32(0.5), np.float64(0.9), "adam", bias_correction=np.bool_(True),
                    beta2=np.float32(0.99), eps=np.int64(0))
    m, s = adam.parts()
    assert (type(adam.lr), type(m.beta), type(s.alpha), type(s.eps)) == (float, float, float, int)
    assert m.bias_correction is True and match(adam).name == "Adam"


def test_composed_is_an_optimizer_of_ingredients_with_the_defaults():
    adam = Composed(0.1, 0.9, "adam", bias_correction=True)
    assert type(adam) is optim.Optimizer
    assert adam.parts() == (optim.EMA(0.9, bias_correction=True),
                            optim.RootEMA(0.999, 1e-8, bias_correction=True))
    assert repr(adam) == ("Optimizer(lr=0.1, momentum=EMA(beta=0.9, bias_correction=True), "
                          "sigma=RootEMA(alpha=0.999, eps=1e-08, bias_correction=True))")
    assert Composed(1.0, sigma="rmsprop").sigma_part.alpha == 0.99
    assert Composed(1.0, sigma="rmsprop", form="lecture").sigma_part == optim.RootEMA(0.9, start="first")
    assert Composed(1.0, sigma="adagrad").sigma_part == optim.RootSum(1e-10)
    assert Composed(1.0, sigma="adagrad", form="lecture").sigma_part == optim.RootMean()
    assert repr(Composed(0.5)) == "Optimizer(lr=0.5)"


# --- what the ingredients keep -----------------------------------------------------------

gradients = arrays(np.float64, st.tuples(st.integers(1, 20), st.just(3)),
                   elements=st.floats(-1e3, 1e3, allow_nan=False).filter(lambda x: abs(x) > 1e-3))
KINDS = [dict(sigma="adagrad"), dict(sigma="rmsprop"), dict(sigma="adam", bias_correction=True),
         dict(sigma="rmsprop", form="lecture"), dict(sigma="adagrad", form="lecture")]


def record(optimizer, grads):
    """σ^t and m^t of each step for a given sequence of gradients."""
    params, sigmas, ms = np.zeros(grads.shape[1]), [], []
    optimizer.reset()
    for g in grads:
        params = optimizer.step(params, g)
        sigmas.append(np.array(optimizer.sigma))
        ms.append(np.array(optimizer.m))
    return np.array(sigmas), np.array(ms)


@settings(max_examples=40, deadline=None)
@given(gradients, st.sampled_from(KINDS))
def test_sigma_keeps_the_size_and_momentum_the_sign(grads, kind):
    kind = dict(kind)
    momentum = 0.9 if kind.get("bias_correction") else 0.5
    optimizer = Composed(0.1, momentum, **kind)
    sigma, m = record(optimizer, grads)
    sigma_flipped, m_flipped = record(optimizer, -grads)
    np.testing.assert_array_equal(sigma_flipped, sigma)
    np.testing.assert_array_equal(m_flipped, -m)


@settings(max_examples=40, deadline=None)
@given(gradients, st.floats(1e-3, 1e3), st.sampled_from(KINDS))
def test_without_eps_the_steps_ignore_the_gradients_scale(grads, scale, kind):
    kind = dict(kind, eps=0.0)
    optimizer = Composed(0.1, 0.9 if kind.get("bias_correction") else None, **kind)
    sigma, m = record(optimizer, grads)
    sigma_scaled, m_scaled = record(optimizer, grads * scale)
    np.testing.assert_allclose(m_scaled / sigma_scaled, m / sigma, rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, 3, elements=st.floats(-1e3, 1e3).filter(lambda x: abs(x) > 1e-3)),
       st.floats(0.05, 0.99), st.integers(1, 30))
def test_bias_correction_makes_a_steady_gradient_its_own_average(g, beta1, steps):
    optimizer = Composed(0.1, beta1, "adam", bias_correction=True, eps=0.0)
    sigma, m = record(optimizer, np.tile(g, (steps, 1)))
    # as in torch, the record's m is the raw average and its lr carries the correction 1/(1 − β1^t)
    np.testing.assert_allclose(m / (1 - beta1 ** np.arange(1, steps + 1))[:, None], np.tile(g, (steps, 1)),
                               rtol=1e-12)
    assert optimizer.effective_lr == pytest.approx(0.1 / (1 - beta1 ** steps), rel=1e-15)
    np.testing.assert_allclose(sigma, np.tile(np.abs(g), (steps, 1)), rtol=1e-12)


def test_a_batch_of_starts_runs_each_start_as_alone():
    starts = np.array([[-1.2, 1.0], [0.5, -0.5], [1.5, 2.0]])
    optimizer = Composed(0.05, 0.9, "adam", bias_correction=True)
    batch = descend(SURFACE, optimizer, starts, 30, schedule=schedules.WarmupCosine(5, 30))
    for k, start in enumerate(starts):
        alone = descend(SURFACE, optimizer, start, 30, schedule=schedules.WarmupCosine(5, 30))
        np.testing.assert_array_equal(batch.params[:, k], alone.params)


def test_zero_gradients_without_eps_take_no_step():
    for kind in (dict(sigma="adagrad", form="lecture"), dict(sigma="adam", eps=0.0),
                 dict(sigma="rmsprop", eps=0.0)):
        optimizer = Composed(0.1, **kind)
        params = np.array([1.0, 2.0])
        after = optimizer.step(params, np.zeros(2))
        np.testing.assert_array_equal(after, params)
        assert np.all(optimizer.step_size == np.inf)
