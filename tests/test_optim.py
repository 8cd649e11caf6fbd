"""rugged.optim: the lecture's sanity values, argument checks, what a step exposes, properties."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rugged import optim


def run_square(optimizer, steps=3, x0=1.0):
    """x^1 … x^steps on f(x) = x², gradient 2x."""
    x, xs = np.array([x0]), []
    for _ in range(steps):
        x = optimizer.step(x, 2 * x)
        xs.append(float(x[0]))
    return xs


@pytest.mark.parametrize("optimizer, expected", [
    (optim.SGD(lr=0.1), [0.8, 0.64, 0.512]),
    (optim.GD(lr=0.1), [0.8, 0.64, 0.512]),
    (optim.Adam(lr=0.1), [0.9000000005, 0.8004122287, 0.7015862729]),
    (optim.LectureAdagrad(lr=0.1), [0.9, 0.8053941004, 0.7164289609]),
    (optim.LectureRMSProp(lr=0.1, alpha=0.9), [0.9, 0.8091326201, 0.7260460354]),
], ids=lambda v: repr(v) if not isinstance(v, list) else "")
def test_sanity_values_of_the_course(optimizer, expected):
    assert run_square(optimizer) == pytest.approx(expected, abs=5e-11)


def test_lecture_adagrad_by_hand():
    # σ^t = sqrt(mean of g²): gradients 2, then 2·0.9 = 1.8
    opt = optim.LectureAdagrad(lr=0.1)
    x = opt.step(np.array([1.0]), np.array([2.0]))
    assert opt.sigma == pytest.approx([2.0]) and x == pytest.approx([0.9])
    x = opt.step(x, 2 * x)
    assert opt.sigma == pytest.approx([np.sqrt((4 + 1.8 ** 2) / 2)])
    assert x == pytest.approx(0.9 - 0.1 * 1.8 / np.sqrt((4 + 1.8 ** 2) / 2))


def test_lecture_rmsprop_by_hand():
    opt = optim.LectureRMSProp(lr=0.1, alpha=0.9)
    opt.step(np.array([1.0]), np.array([2.0]))
    assert opt.sigma == pytest.approx([2.0])                # σ^0 = |g^0|
    opt.step(np.array([0.9]), np.array([1.8]))
    assert opt.sigma == pytest.approx([np.sqrt(0.9 * 4 + 0.1 * 1.8 ** 2)])


def test_lecture_form_with_zero_gradient_stays_put():
    opt = optim.LectureAdagrad(lr=1.0)
    x = opt.step(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert x == pytest.approx([1.0, 1.0])
    assert opt.step_size[0] == np.inf and opt.step_size[1] == 1.0


def test_torch_adagrad_is_lecture_adagrad_with_inverse_sqrt_decay():
    grads = np.random.default_rng(0).normal(size=(20, 3))
    torch_form, lecture = optim.Adagrad(lr=0.5, eps=0), optim.LectureAdagrad(lr=0.5)
    a = b = np.zeros(3)
    for t, g in enumerate(grads):
        a = torch_form.step(a, g)
        lecture.lr = 0.5 / np.sqrt(t + 1)
        b = lecture.step(b, g)
    assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(lr=-1), "Invalid learning rate: -1"),
    (lambda: optim.SGD(momentum=-0.1), "Invalid momentum value: -0.1"),
    (lambda: optim.SGD(weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda: optim.SGD(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda: optim.SGD(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda: optim.Adagrad(lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda: optim.Adagrad(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    (lambda: optim.Adagrad(eps=-1), "Invalid epsilon value: -1"),
    (lambda: optim.RMSprop(alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda: optim.RMSprop(momentum=-1), "Invalid momentum value: -1"),
    (lambda: optim.Adam(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda: optim.Adam(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda: optim.Adam(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda: optim.AdamW(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (lambda: optim.RAdam(lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda: optim.NAdam(momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (lambda: optim.LectureRMSProp(alpha=1.0), "Invalid alpha value: 1.0"),
    (lambda: optim.Adam(lr=float("nan")), "Invalid learning rate: nan"),
    (lambda: optim.SGD(lr=float("inf")), "Invalid learning rate: inf"),
    (lambda: optim.Adagrad(lr=10**400), "Invalid learning rate: 1e+400"),
    (lambda: optim.RMSprop(eps=np.float32(-1)), "Invalid epsilon value: -1.0"),
    (lambda: optim.Adam(betas=(0.9,)), "betas must be a pair (beta1, beta2); got (0.9,)"),
])
def test_bad_hyperparameters_are_named(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


@pytest.mark.parametrize("make, message", [
    (lambda: optim.Adam(lr="0.1"), "lr must be a real number, got str"),
    (lambda: optim.SGD(lr=None), "lr must be a real number, got NoneType"),
    (lambda: optim.Adagrad(lr=[0.1]), "lr must be a real number, got list"),
    (lambda: optim.RMSprop(lr=True), "lr must be a real number, got bool"),
    (lambda: optim.NAdam(lr=np.array([0.1, 0.2])), "lr must be a real number, got ndarray of shape (2,)"),
    (lambda: optim.Adam(eps="1e-8"), "eps must be a real number, got str"),
    (lambda: optim.Adam(betas=None), "betas must be a pair of real numbers (beta1, beta2), got NoneType"),
    (lambda: optim.RAdam(betas=(0.9, "0.999")), "betas[1] must be a real number, got str"),
    (lambda: optim.SGD(momentum=0.9, nesterov="yes"), "nesterov must be True or False, got str"),
    (lambda: optim.Adam(amsgrad=1), "amsgrad must be True or False, got int"),
    (lambda: optim.LectureRMSProp(alpha=None), "alpha must be a real number, got NoneType"),
])
def test_wrong_types_raise_type_error_naming_the_argument(make, message):
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        make()


@pytest.mark.parametrize("make", [optim.SGD, optim.GD, optim.Adagrad, optim.RMSprop, optim.Adam,
                                  optim.AdamW, optim.RAdam, optim.NAdam, optim.LectureAdagrad,
                                  optim.LectureRMSProp])
@pytest.mark.parametrize("scalar", [np.float32(0.25), np.float64(0.25), np.int64(1), np.array(0.5)])
def test_numpy_scalars_are_real_numbers_like_in_torch(make, scalar):
    opt = make(lr=scalar)
    assert type(opt.lr) in (int, float) and opt.lr == float(scalar)
    python = make(lr=opt.lr)
    x = np.array([1.0, -2.0])
    assert np.array_equal(opt.step(x, 2 * x), python.step(x, 2 * x))
    assert repr(opt) == repr(python)


def test_numpy_hyperparameters_of_every_kind():
    adam = optim.Adam(lr=np.float32(0.1), betas=(np.float64(0.8), np.float32(0.99)),
                      eps=np.float64(1e-6), weight_decay=np.int64(0), amsgrad=np.bool_(True))
    assert adam.betas == (0.8, float(np.float32(0.99))) and adam.amsgrad is True
    assert all(type(b) is float for b in adam.betas) and type(adam.weight_decay) is int
    assert optim.Adam(betas=np.array([0.5, 0.6])).betas == (0.5, 0.6)
    sgd = optim.SGD(lr=np.float64(0.1), momentum=np.float32(0.5), nesterov=np.bool_(True))
    assert sgd.nesterov is True and type(sgd.momentum) is float


@pytest.mark.parametrize("make, message", [   # torch's order: lr, then eps, then betas, then weight_decay
    (lambda: optim.Adam(lr=-1, eps=-1, betas=(2, 2), weight_decay=-1), "Invalid learning rate: -1"),
    (lambda: optim.Adam(eps=-1, betas=(2, 2), weight_decay=-1), "Invalid epsilon value: -1"),
    (lambda: optim.AdamW(betas=(2, -1), weight_decay=-1), "Invalid beta parameter at index 0: 2"),
    (lambda: optim.RAdam(lr="x", eps=-1), "lr must be a real number, got str"),
    (lambda: optim.NAdam(lr=-1, momentum_decay=-1), "Invalid learning rate: -1"),
    (lambda: optim.NAdam(weight_decay=-1, momentum_decay=-1), "Invalid weight_decay value: -1"),
    (lambda: optim.SGD(lr=-1, momentum=-1, weight_decay=-1), "Invalid learning rate: -1"),
    (lambda: optim.SGD(momentum=-1, weight_decay=-1), "Invalid momentum value: -1"),
    (lambda: optim.Adagrad(lr=-1, lr_decay=-1, eps=-1), "Invalid learning rate: -1"),
    (lambda: optim.Adagrad(lr_decay=-1, weight_decay=-1, eps=-1), "Invalid lr_decay value: -1"),
    (lambda: optim.Adagrad(initial_accumulator_value=-1, eps=-1), "Invalid initial_accumulator_value value: -1"),
    (lambda: optim.RMSprop(lr=-1, alpha=-1, eps=-1), "Invalid learning rate: -1"),
    (lambda: optim.RMSprop(alpha=-1, eps=-1, momentum=-1), "Invalid epsilon value: -1"),
    (lambda: optim.RMSprop(alpha=-1, momentum=-1, weight_decay=-1), "Invalid momentum value: -1"),
    (lambda: optim.RMSprop(alpha=-1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda: optim.LectureRMSProp(lr=-1, alpha=2), "Invalid learning rate: -1"),
])
def test_with_several_bad_arguments_the_error_names_the_one_torch_checks_first(make, message):
    with pytest.raises((TypeError, ValueError), match=f"^{re.escape(message)}$"):
        make()


def test_a_direct_step_with_an_infinite_gradient_warns_nothing():
    for opt in (optim.Adam(lr=0.1), optim.RMSprop(), optim.Adagrad(), optim.NAdam(), optim.RAdam(),
                optim.SGD(lr=0.1, momentum=0.9), optim.LectureAdagrad(), optim.LectureRMSProp()):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            x = opt.step(np.array([1.0, 2.0]), np.array([np.inf, -np.inf]))
            opt.step(x, np.array([np.nan, 1.0]))
            assert opt.step_size.shape == (2,)


def test_torch_defaults():
    assert optim.SGD().lr == 1e-3 and optim.Adagrad().eps == 1e-10
    assert optim.RMSprop().alpha == 0.99 and optim.Adam().betas == (0.9, 0.999)
    assert optim.AdamW().weight_decay == 1e-2 and optim.NAdam().lr == 2e-3
    assert optim.NAdam().momentum_decay == 4e-3


def test_wrong_shapes_are_named():
    opt = optim.Adam()
    with pytest.raises(ValueError, match=r"grad must have the shape of the parameters, \(2,\); got \(3,\)"):
        opt.step(np.zeros(2), np.zeros(3))
    opt.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match=r"keep the shape of the first step, \(2,\)"):
        opt.step(np.zeros(3), np.ones(3))


def test_step_leaves_inputs_alone_and_reset_forgets():
    opt, x, g = optim.Adam(lr=0.1), np.array([1.0, -1.0]), np.array([0.5, 2.0])
    first = opt.step(x, g)
    assert list(x) == [1.0, -1.0] and list(g) == [0.5, 2.0]
    opt.step(first, g)
    opt.reset()
    assert opt.step(x, g) == pytest.approx(first, rel=0, abs=0)


ALL = [optim.SGD(lr=0.01, momentum=0.9), optim.Adagrad(lr=0.1, lr_decay=0.1), optim.RMSprop(),
       optim.Adam(), optim.AdamW(), optim.RAdam(), optim.NAdam(), optim.LectureAdagrad(),
       optim.LectureRMSProp(), optim.GD()]


@pytest.mark.parametrize("opt", ALL, ids=repr)
def test_step_is_minus_step_size_times_m(opt):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 2))
    for _ in range(8):
        g = rng.normal(size=(4, 2))
        new = opt.step(x, g)
        if isinstance(opt, optim.AdamW):   # decoupled decay shrinks θ first
            x = x * (1 - opt.lr * opt.weight_decay)
        assert new - x == pytest.approx(-opt.step_size * opt.m, rel=1e-9, abs=1e-15)
        assert opt.sigma.shape == opt.m.shape == x.shape
        x = new


def test_radam_rectifies_from_step_six():
    opt, x = optim.RAdam(lr=0.1), np.array([1.0])
    rectified = []
    for _ in range(8):
        x = opt.step(x, 2 * x)
        rectified.append(opt.rectified)
    assert rectified == [False] * 5 + [True] * 3
    assert optim.radam_rho(5) == pytest.approx(4.996, abs=1e-3)
    assert optim.radam_rho(6) == pytest.approx(5.994, abs=1e-3)
    assert np.isnan(optim.radam_rectification(4.0)) and optim.radam_rectification(optim.radam_rho(10**6)) == pytest.approx(1.0)


# Property tests -------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False).filter(lambda v: abs(v) > 1e-3)
grads = arrays(np.float64, (6, 3), elements=finite)


@settings(max_examples=40, deadline=None)
@given(grads, st.floats(0.01, 1e3))
def test_adam_and_rmsprop_ignore_the_scale_of_the_loss(gs, c):
    for make in (lambda: optim.Adam(lr=0.1, eps=0), lambda: optim.RMSprop(lr=0.1, eps=0),
                 lambda: optim.LectureRMSProp(lr=0.1), lambda: optim.LectureAdagrad(lr=0.1)):
        a, b, x, y = make(), make(), np.zeros(3), np.zeros(3)
        for g in gs:
            x, y = a.step(x, g), b.step(y, c * g)
        assert x == pytest.approx(y, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(grads)
def test_adagrad_sigma_never_decreases(gs):
    opt, x, last = optim.Adagrad(lr=0.1), np.zeros(3), np.zeros(3)
    for g in gs:
        x = opt.step(x, g)
        assert np.all(opt.sigma >= last)
        last = opt.sigma.copy()


@settings(max_examples=40, deadline=None)
@given(grads)
def test_plain_adagrad_and_rmsprop_steps_go_against_the_gradient(gs):
    for opt in (optim.Adagrad(lr=0.1), optim.RMSprop(lr=0.1), optim.RMSprop(lr=0.1, centered=True),
                optim.LectureAdagrad(lr=0.1), optim.LectureRMSProp(lr=0.1)):
        x = np.zeros(3)
        for g in gs:
            new = opt.step(x, g)
            assert np.all(np.sign(new - x) == -np.sign(g))
            x = new


# --- the one rule: ingredients, presets, records ------------------------------------------

RNG_GRADS = np.random.default_rng(7).normal(size=(40, 3)) * np.array([1.0, 1e-3, 50.0])


def run_steps(optimizer, grads=RNG_GRADS):
    """Parameters and records of stepping `optimizer` through fixed gradients."""
    params, out = np.zeros(grads.shape[1]), []
    for g in grads:
        params = optimizer.step(params, g)
        out.append((params, optimizer.last))
    return out


@pytest.mark.parametrize("preset, parts", [
    (optim.SGD(0.1), (optim.Gradient(), optim.Ones())),
    (optim.SGD(0.1, momentum=0.9, dampening=0.1), (optim.HeavyBall(0.9, 0.1), optim.Ones())),
    (optim.Adagrad(0.1, initial_accumulator_value=0.2), (optim.Gradient(), optim.RootSum(1e-10, 0.2))),
    (optim.RMSprop(0.01, centered=True), (optim.Gradient(), optim.RootEMA(0.99, 1e-8, centered=True))),
    (optim.Adam(0.1, amsgrad=True), (optim.EMA(0.9, True), optim.RootEMA(0.999, 1e-8, bias_correction=True,
                                                                         amsgrad=True))),
    (optim.LectureAdagrad(1.0), (optim.Gradient(), optim.RootMean())),
    (optim.LectureRMSProp(0.1, alpha=0.8), (optim.Gradient(), optim.RootEMA(0.8, start="first"))),
], ids=repr)
def test_a_preset_is_its_ingredients_under_the_one_rule(preset, parts):
    assert preset.parts() == parts
    built = optim.Optimizer(preset.lr, *parts, weight_decay=preset.weight_decay)
    built.torch_form = preset.torch_form
    for (p, step), (q, other) in zip(run_steps(preset), run_steps(built)):
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(step.sigma, other.sigma)


def test_a_step_record_is_never_changed_by_later_steps():
    """`opt.m` after step 1 stays what step 1 used (it is a fresh array, not the buffer)."""
    opt = optim.Adam(0.1)
    x = opt.step(np.ones(2), np.array([1.0, -2.0]))
    first, m1 = opt.last, opt.m
    kept = (first.m.copy(), first.sigma.copy())
    opt.step(x, np.array([5.0, 7.0]))
    np.testing.assert_array_equal(m1, kept[0])
    np.testing.assert_array_equal(first.sigma, kept[1])
    assert opt.last is not first and opt.t == 2


def test_an_ingredient_alone_gives_its_statistic_per_step():
    g = RNG_GRADS
    ema = optim.EMA(0.9).values(g)
    by_hand = np.zeros(3)
    for t in range(len(g)):
        by_hand = 0.9 * by_hand + 0.1 * g[t]
        np.testing.assert_allclose(ema[t], by_hand, rtol=1e-12)
    corrected = optim.EMA(0.9, bias_correction=True).values(g)
    np.testing.assert_allclose(corrected, ema / (1 - 0.9 ** np.arange(1, 41))[:, None], rtol=1e-15)
    mean = optim.RootMean().values(g)
    np.testing.assert_allclose(mean, np.sqrt(np.cumsum(g * g, axis=0) / np.arange(1, 41)[:, None]), rtol=1e-12)
    np.testing.assert_allclose(optim.RootSum(eps=0).values(g), np.sqrt(np.cumsum(g * g, axis=0)), rtol=1e-12)
    np.testing.assert_array_equal(optim.RootEMA(0.9, start="first").values(g)[0], np.abs(g[0]))
    np.testing.assert_array_equal(optim.Ones().values(g), np.ones_like(g))
    heavy = optim.HeavyBall(0.9).values(g)               # torch's undampened buffer is the EMA / (1 − β)
    np.testing.assert_allclose(heavy, ema / 0.1, rtol=1e-9)
    with pytest.raises(ValueError, match="one gradient per step"):
        optim.EMA(0.9).values(np.zeros((2, 2, 2)))


def test_the_optimizer_takes_only_ingredients():
    with pytest.raises(TypeError, match="^momentum must be a momentum ingredient"):
        optim.Optimizer(0.1, momentum=0.9)
    with pytest.raises(TypeError, match="^sigma must be a denominator ingredient"):
        optim.Optimizer(0.1, sigma=optim.EMA(0.9))
    with pytest.raises(ValueError, match="^Invalid start: 'one'"):
        optim.RootEMA(0.9, start="one")
