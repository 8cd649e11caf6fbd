"""rugged.nets: backprop against finite differences, the exact Hessian, the data, and the
default problem's stall (the lecture's first picture)."""

import numpy as np
import pytest

from rugged.nets import (ACTIVATIONS, DEFAULT_ETA, DEFAULT_STEPS, MLP, Regression,
                         default_problem, synthetic_data)

CASES = [((1, 4, 1), 0), ((1, 3, 3, 1), 1), ((2, 5, 2), 2), ((3, 2, 4, 2, 1), 3)]


def random_problem(sizes, activation, seed, weight_decay=0.0, scale=0.3):
    """A network on random data, and a point θ that is not its initialisation."""
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation)
    X, y = rng.normal(size=(7, sizes[0])), rng.normal(size=(7, sizes[-1]))
    theta = net.init(seed) + scale * rng.normal(size=net.n_params)
    return Regression(net, X, y, weight_decay), theta


def central_differences(f, theta, h):
    """Columns (f(θ + h e_j) − f(θ − h e_j)) / 2h, stacked along the first axis."""
    return np.array([(f(theta + e) - f(theta - e)) / (2 * h) for e in h * np.eye(theta.size)])


def relative_error(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sizes, seed", CASES)
def test_backprop_gradient_matches_central_differences(sizes, seed, activation):
    problem, theta = random_problem(sizes, activation, seed, weight_decay=0.01)
    numeric = central_differences(problem.loss, theta, 1e-6)
    assert relative_error(problem.grad(theta), numeric) < 1e-7


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sizes, seed", CASES)
def test_hessian_matches_central_differences(sizes, seed, activation):
    problem, theta = random_problem(sizes, activation, seed, weight_decay=0.01)
    H = problem.hessian(theta)
    assert relative_error(H, central_differences(problem.grad, theta, 1e-5)) < 1e-7
    np.testing.assert_array_equal(H, H.T)


def complex_step_hessian(problem, theta, h=1e-30):
    """H[:, j] = Im ∇L(θ + i·h·e_j) / h: backprop run on complex θ (exact to rounding)."""
    H = np.imag(problem.grad(theta + 1j * h * np.eye(theta.size))) / h
    return (H + H.T) / 2


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sizes, seed", CASES)
def test_hessian_equals_the_complex_step_to_rounding(sizes, seed, activation):
    problem, theta = random_problem(sizes, activation, seed, weight_decay=0.01)
    exact = complex_step_hessian(problem, theta)
    assert np.abs(problem.hessian(theta) - exact).max() <= 1e-13 * np.abs(exact).max()


def test_hessian_takes_one_theta():
    problem, theta = random_problem((1, 3, 1), "tanh", 0)
    with pytest.raises(ValueError, match=r"hessian takes one θ of shape \(10,\); got shape \(2, 10\)"):
        problem.hessian(np.stack([theta, theta]))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_saturated_units_stay_finite_and_exact(activation):
    """Large weights drive tanh, sigmoid and softplus far into saturation (|z| ~ 1e3):
    no overflow, and the Hessian still agrees with finite differences."""
    problem, theta = random_problem((1, 4, 1), activation, 0, scale=0.0)
    theta[:4] *= 2000
    H = problem.hessian(theta)
    assert np.isfinite(H).all()
    assert relative_error(H, central_differences(problem.grad, theta, 1e-7)) < 1e-6


def test_batch_of_parameters_matches_one_at_a_time():
    problem, theta = random_problem((1, 3, 3, 1), "tanh", 4, weight_decay=0.1)
    batch = np.stack([theta, 2 * theta, -theta])
    np.testing.assert_allclose(problem.loss(batch), [problem.loss(t) for t in batch], rtol=1e-14)
    np.testing.assert_allclose(problem.grad(batch), [problem.grad(t) for t in batch], rtol=1e-13)
    assert problem.grad(list(theta)).shape == theta.shape


def test_weight_decay_adds_to_loss_gradient_and_hessian():
    plain, theta = random_problem((1, 4, 1), "tanh", 5)
    decayed = Regression(plain.net, plain.X, plain.y, weight_decay=0.2)
    assert decayed.loss(theta) == pytest.approx(plain.loss(theta) + 0.1 * theta @ theta)
    np.testing.assert_allclose(decayed.grad(theta), plain.grad(theta) + 0.2 * theta, atol=1e-15)
    np.testing.assert_allclose(decayed.hessian(theta), plain.hessian(theta) + 0.2 * np.eye(13),
                               atol=1e-14)


def test_loss_is_half_the_mean_squared_error():
    net = MLP((1, 2, 1))
    X, y = synthetic_data(10, seed=3)
    theta = net.init(3)
    residual = net.forward(theta, X)[:, 0] - y
    assert Regression(net, X, y).loss(theta) == pytest.approx(0.5 * np.mean(residual ** 2))


def test_parameters_are_one_flat_vector():
    net = MLP((1, 4, 1))
    assert net.n_params == 13
    theta = np.arange(13.0)
    (W1, b1), (W2, b2) = net.unflatten(theta)
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((1, 4), (4,), (4, 1), (1,))
    np.testing.assert_array_equal(np.concatenate([W1.ravel(), b1, W2.ravel(), b2]), theta)
    assert [W.shape for W, _ in net.unflatten(np.zeros((5, 13)))] == [(5, 1, 4), (5, 4, 1)]
    with pytest.raises(ValueError, match="13 entries"):
        net.unflatten(np.zeros(12))


def test_init_is_seeded_xavier():
    net = MLP((1, 50, 50, 1))
    np.testing.assert_array_equal(net.init(7), net.init(7))
    W2 = net.unflatten(net.init(7))[1][0]
    assert W2.std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)
    assert not net.unflatten(net.init(7))[1][1].any()


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="activation"):
        MLP((1, 4, 1), "relu")
    with pytest.raises(ValueError, match="widths"):
        MLP((1,))
    with pytest.raises(ValueError, match="kind"):
        synthetic_data(kind="spiral")


@pytest.mark.parametrize("kind", ["sine", "step"])
def test_synthetic_data_is_seeded(kind):
    X, y = synthetic_data(40, seed=1, kind=kind)
    assert X.shape == (40, 1) and y.shape == (40,)
    assert -2 <= X.min() and X.max() <= 2 and np.all(np.diff(X[:, 0]) >= 0)
    np.testing.assert_array_equal(y, synthetic_data(40, seed=1, kind=kind)[1])
    assert not np.array_equal(y, synthetic_data(40, seed=2, kind=kind)[1])


def test_default_problem_stalls_far_from_a_critical_point():
    """Plain GD with the documented η: the loss stops improving, ‖∇L‖ does not go to 0."""
    problem, theta = default_problem()
    losses, norms = [], []
    for _ in range(DEFAULT_STEPS):
        g = problem.grad(theta)
        losses.append(problem.loss(theta))
        norms.append(np.linalg.norm(g))
        theta = theta - DEFAULT_ETA * g
    losses, norms = np.array(losses), np.array(norms)
    first, last = slice(0, DEFAULT_STEPS // 2), slice(DEFAULT_STEPS // 2, None)
    assert np.isfinite(losses).all() and losses[-1] < 0.05 * losses[0]      # stable, it learnt
    best_before, best_after = losses[first].min(), losses[last].min()
    assert (best_before - best_after) / best_before < 0.01                  # the loss has stalled
    assert norms[last].min() > 0.1 * norms[0]                               # ‖∇L‖ far from 0 …
    assert norms[last].min() > 1e6 * 1e-8                                   # … and from a critical point
    turns = np.count_nonzero(np.diff(np.sign(np.diff(norms[last]))))
    assert turns >= 20                                                      # ‖∇L‖ keeps bouncing
