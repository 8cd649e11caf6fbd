"""rugged.curvature: Hessians, the minimum ratio, the critical-point search (which must
stop at saddles too). The census is tested with its lesson, in test_lesson_stalls.py."""

from types import SimpleNamespace

import numpy as np
import pytest

from rugged.curvature import eigenvalues, find_critical_point, hessian, minimum_ratio
from rugged.nets import MLP, Regression, synthetic_data


class Saddle:
    """L(x, y) = x² − y²: one critical point, a saddle at the origin."""

    def loss(self, p):
        return p[0] ** 2 - p[1] ** 2

    def grad(self, p):
        return np.array([2 * p[0], -2 * p[1]])

    def hessian(self, p):
        return np.diag([2.0, -2.0])


def double_well():
    """L(x, y) = x⁴/4 − x²/2 + y²/2: a saddle at (0, 0), minima at (±1, 0); no hessian
    method, so the search falls back to finite differences."""
    return SimpleNamespace(loss=lambda p: p[0] ** 4 / 4 - p[0] ** 2 / 2 + p[1] ** 2 / 2,
                           grad=lambda p: np.array([p[0] ** 3 - p[0], p[1]]))


def small_network(seed=1):
    """A (1, 3, 1) network with a little weight decay, after 300 steps of GD."""
    net = MLP((1, 3, 1))
    problem = Regression(net, *synthetic_data(40, seed=seed), weight_decay=1e-3)
    theta = net.init(seed)
    for _ in range(300):
        theta = theta - 0.1 * problem.grad(theta)
    return problem, theta


def test_finite_difference_hessian_matches_the_exact_one():
    problem, theta = small_network()
    H = hessian(problem.grad, theta)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(H, problem.hessian(theta), atol=1e-8)


def test_eigenvalues_ascend():
    np.testing.assert_allclose(eigenvalues(np.array([[2.0, 1.0], [1.0, 2.0]])), [1.0, 3.0])


@pytest.mark.parametrize("eigs, ratio", [
    ([1.0, 2.0, 3.0], 1.0),             # a local minimum
    ([-1.0, 1.0], 0.5),                 # x² − y²
    ([-3.0, -1.0, 2.0, 5.0], 0.5),
    ([-1.0, -2.0], 0.0),                # a local maximum
    ([0.0, 1.0, 2.0], 2 / 3),           # a flat direction is not positive …
    ([1e-9, 1.0], 0.5),                 # … nor is one below tol · max|λ| …
    ([1e-5, 1.0], 1.0),                 # … but one above it is
    ([-1e-20, 1e-20, 1.0, 4.0], 0.5),   # rounding noise around zero
])
def test_minimum_ratio_counts_positive_eigenvalues(eigs, ratio):
    assert minimum_ratio(np.array(eigs)) == pytest.approx(ratio)


def test_search_converges_to_the_saddle_of_x2_minus_y2():
    point = find_critical_point(Saddle(), [0.3, -0.7])
    assert point.converged and point.grad_norm <= 1e-10
    np.testing.assert_allclose(point.theta, [0.0, 0.0], atol=1e-10)
    assert point.minimum_ratio == 0.5 and not point.is_local_min
    np.testing.assert_allclose(point.eigenvalues, [-2.0, 2.0])


@pytest.mark.parametrize("start, where, ratio", [([0.3, 0.5], [0.0, 0.0], 0.5),
                                                 ([0.8, -0.4], [1.0, 0.0], 1.0)])
def test_search_finds_saddles_and_minima_without_an_exact_hessian(start, where, ratio):
    point = find_critical_point(double_well(), start)
    assert point.converged and point.grad_norm <= 1e-10
    np.testing.assert_allclose(point.theta, where, atol=1e-9)
    assert point.minimum_ratio == ratio and point.is_local_min == (ratio == 1.0)


def test_search_flags_a_function_without_critical_points():
    """L(x) = x + x³/3 has ∇L = 1 + x² ≥ 1: nothing to find."""
    problem = SimpleNamespace(loss=lambda p: p[0] + p[0] ** 3 / 3, grad=lambda p: 1 + p ** 2,
                              hessian=lambda p: np.diag(2 * p))
    point = find_critical_point(problem, [0.7])
    assert not point.converged and point.grad_norm == pytest.approx(1.0)


def test_search_reaches_a_critical_point_of_a_network():
    problem, theta = small_network()
    assert np.linalg.norm(problem.grad(theta)) > 1e-3
    point = find_critical_point(problem, theta)
    assert point.converged and point.grad_norm <= 1e-10
    assert point.grad_norm == np.linalg.norm(problem.grad(point.theta))
    assert point.loss == problem.loss(point.theta)
    np.testing.assert_allclose(point.eigenvalues, np.linalg.eigvalsh(problem.hessian(point.theta)))
    assert point.minimum_ratio == minimum_ratio(point.eigenvalues)
