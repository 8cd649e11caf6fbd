"""Tests for rugged.surfaces: analytic derivatives, shapes, minima, and the lecture's stories."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugged.surfaces import (EggCrate, LeastSquares, PlateauCliff, Quadratic, Saddle, all_surfaces,
                             plateau_cliff, pokemon, ravine, rosenbrock, rugged, saddle, zigzag)

SURFACES = all_surfaces()
NAMES = list(SURFACES)
FRACTIONS = (0.13, 0.41, 0.77)


def window_points(s):
    """A 3 × 3 set of points inside the window, none on a symmetry line, shape (9, 2)."""
    (x0, x1), (y0, y1) = s.window
    return np.array([(x0 + a * (x1 - x0), y0 + b * (y1 - y0))
                     for a in FRACTIONS for b in FRACTIONS])


def central_differences(f, p, s):
    """∂f/∂p_j by central differences (step 10⁻⁶ × window width), stacked on the last axis."""
    columns = []
    for j, (lo, hi) in enumerate(s.window):
        e = np.zeros(2)
        e[j] = 1e-6 * (hi - lo)
        columns.append((f(p + e) - f(p - e)) / (2 * e[j]))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_finite_differences(name):
    s = SURFACES[name]
    p = window_points(s)
    g = s.grad(p)
    fd = central_differences(s.loss, p, s)
    np.testing.assert_allclose(fd, g, rtol=1e-5, atol=1e-7 * np.abs(g).max())


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_finite_differences(name):
    s = SURFACES[name]
    p = window_points(s)
    h = s.hessian(p)
    fd = central_differences(s.grad, p, s)
    np.testing.assert_allclose(fd, h, rtol=1e-5, atol=1e-7 * np.abs(h).max())
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_vectorized_matches_pointwise(name, shape):
    s = SURFACES[name]
    lo, hi = np.array(s.window).T
    p = lo + (hi - lo) * np.linspace(0.05, 0.95, np.prod(shape)).reshape(shape)
    loss, grad, hess = s.loss(p), s.grad(p), s.hessian(p)
    assert loss.shape == shape[:-1] and grad.shape == shape and hess.shape == shape + (2,)
    for i in np.ndindex(shape[:-1]):
        np.testing.assert_allclose(loss[i], s.loss(p[i]), rtol=1e-13)
        np.testing.assert_allclose(grad[i], s.grad(p[i]), rtol=1e-13, atol=1e-12)
        np.testing.assert_allclose(hess[i], s.hessian(p[i]), rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_minima(name):
    s = SURFACES[name]
    assert s.minima.ndim == 2 and s.minima.shape[1] == 2 and len(s.minima) >= 1
    scale = np.abs(s.grad(s.grid(21))).max()
    assert np.abs(s.grad(s.minima)).max() < 1e-8 * scale
    assert np.all(np.linalg.eigvalsh(s.hessian(s.minima)) > 0)
    np.testing.assert_allclose(s.loss(s.minima), s.min_loss)
    assert s.loss(s.grid(201)).min() >= s.min_loss


@pytest.mark.parametrize("name", NAMES)
def test_saddles_are_saddles(name):
    s = SURFACES[name]
    assert s.saddles.shape[1:] == (2,)
    for p in s.saddles:
        assert np.abs(s.grad(p)).max() < 1e-12
        lo, hi = np.linalg.eigvalsh(s.hessian(p))
        assert lo < 0 < hi


@pytest.mark.parametrize("name", NAMES)
def test_window_contains_minima_and_start(name):
    s = SURFACES[name]
    (x0, x1), (y0, y1) = s.window
    for x, y in [*s.minima, s.start]:
        assert x0 < x < x1 and y0 < y < y1
    assert s.start not in [tuple(m) for m in s.minima]


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    s = SURFACES[name]
    assert s.name == name and isinstance(s.title, str) and name in repr(s)
    assert isinstance(s.labels, tuple) and [type(a) for a in s.labels] == [str, str]
    assert isinstance(s.start, tuple) and len(s.start) == 2
    levels = s.levels(15)
    assert len(levels) == 15 and np.all(np.diff(levels) > 0) and levels[0] > s.min_loss


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["loss", "grad", "hessian"])
def test_wrong_shape_is_rejected(name, method):
    with pytest.raises(ValueError, match=r"points must have shape \(\.\.\., 2\); got \(3,\)"):
        getattr(SURFACES[name], method)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"got \(2, 3\)"):
        getattr(SURFACES[name], method)(np.zeros((2, 3)))


@pytest.mark.parametrize("name", NAMES)
def test_accepts_lists_and_tuples(name):
    s = SURFACES[name]
    p = (s.start[0], s.start[1])
    assert s.grad(p).dtype == np.float64
    np.testing.assert_array_equal(s.grad(list(p)), s.grad(np.array(p)))
    assert s.loss([p, p]).shape == (2,)


@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_overflow_quietly(name):
    s = SURFACES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for p in ([1e200, -1e200], [-1e300, 1e300], [1e308, 1e308]):
            s.loss(p), s.grad(p), s.hessian(p)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NAMES), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_finite_inputs_give_finite_values(name, x, y):
    s = SURFACES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(s.loss((x, y))) and np.isfinite(s.grad((x, y))).all()
        assert np.isfinite(s.hessian((x, y))).all()


def test_all_surfaces():
    assert NAMES == ["pokemon", "ravine", "zigzag", "rosenbrock", "saddle", "plateau_cliff",
                     "rugged"]
    np.testing.assert_array_equal(all_surfaces()["rugged"].minima, SURFACES["rugged"].minima)


# --- Pokémon ---------------------------------------------------------------------------

def test_pokemon_minimum_and_conditioning():
    s = pokemon()
    b, w = s.minima[0]
    assert round(b, 1) == -188.4 and round(w, 2) == 2.67
    X = np.column_stack([np.ones(10), s.x])
    np.testing.assert_allclose(s.minima[0], np.linalg.solve(X.T @ X, X.T @ s.y), rtol=1e-12)
    assert 1e5 < np.linalg.cond(s.H) < 1e6
    assert s.labels == ("b", "w") and s.start == (-120.0, -4.0)
    assert s.window == ((-200.0, -100.0), (-5.0, 5.0))


def test_pokemon_loss_is_the_sum_over_the_data():
    s = pokemon()
    p = window_points(s)
    residuals = [s.y - (b + w * s.x) for b, w in [*p, s.minima[0]]]
    np.testing.assert_allclose(s.loss(p), [np.sum(r**2) for r in residuals[:-1]], rtol=1e-12)
    np.testing.assert_allclose(s.min_loss, np.sum(residuals[-1] ** 2), rtol=1e-12)
    explicit_grad = [(-2 * np.sum(r), -2 * np.sum(r * s.x)) for r in residuals[:-1]]
    np.testing.assert_allclose(s.grad(p), explicit_grad, rtol=1e-10)


# --- Ravine: one learning rate can't suit both directions --------------------------------

def gradient_descent(s, eta, steps):
    """Plain GD θ ← θ − η∇L(θ) from s.start; the iterates, shape (steps + 1, 2)."""
    path = [np.array(s.start)]
    for _ in range(steps):
        path.append(path[-1] - eta * s.grad(path[-1]))
    return np.array(path)


def test_ravine_numbers():
    lam_min, lam_max = ravine().eigenvalues
    assert -0.999 < 1 - 1e-2 * lam_max < -0.98
    assert lam_min * 1e-7 * 100_000 < 0.01


def test_ravine_large_lr_bounces_between_the_walls():
    s = ravine()
    path = gradient_descent(s, 1e-2, 200)
    y = path[:, 1] - s.minima[0, 1]
    assert np.all(np.sign(y[1:51]) == -np.sign(y[:50]))
    assert abs(y[200]) > 0.1 * abs(y[0])
    g0, g200 = np.linalg.norm(s.grad(path[[0, 200]]), axis=-1)
    assert g200 > 0.1 * g0


def test_ravine_small_lr_is_still_far_after_100k_updates():
    s = ravine()
    end = gradient_descent(s, 1e-7, 100_000)[-1]
    start = np.subtract(s.start, s.minima[0])
    closed_form = np.linalg.matrix_power(np.eye(2) - 1e-7 * s.H, 100_000) @ start
    np.testing.assert_allclose(end - s.minima[0], closed_form, rtol=1e-9)
    assert np.linalg.norm(end - s.minima[0]) > 0.5 * np.linalg.norm(start)
    assert abs(end[1]) < 0.2 * abs(s.start[1])  # it did reach the valley floor, then crawled


# --- The other surfaces' shapes ------------------------------------------------------------

def test_zigzag_gd_zigzags_across_the_valley():
    s = zigzag()
    path = gradient_descent(s, 0.18, 20) - s.minima[0]
    steep, flat = path @ [1, -1], path @ [1, 1]
    assert np.all(np.sign(steep[1:]) == -np.sign(steep[:-1]))
    assert np.all(np.sign(flat) == np.sign(flat[0]))


def test_rosenbrock_minimum_follows_parameters():
    s = rosenbrock(a=2.0, b=10.0)
    np.testing.assert_array_equal(s.minima, [[2.0, 4.0]])
    assert s.min_loss == 0.0 and np.all(s.grad((2.0, 4.0)) == 0)


def test_saddle_values():
    s = SURFACES["saddle"]
    assert s.min_loss == -0.25 and s.loss(s.saddles[0]) == 0.0
    np.testing.assert_array_equal(s.minima, [[0, -1], [0, 1]])


@pytest.mark.parametrize("surface, point, expected", [
    (saddle, (0.0, 1e200), "loss"), (saddle, (1e200, -1e200), "loss"),
    (pokemon, (-1e200, 1e200), "loss"), (zigzag, (1e200, -1e200), "loss"), (zigzag, (-1e308, 1e308), "loss"),
    (zigzag, (1e308, -1e308), "grad"), (pokemon, (1e307, -1e305), "grad"),
    (rosenbrock, (1e200, 1e300), "hessian"),
])
def test_huge_inputs_overflow_to_inf_not_nan(surface, point, expected):
    s = surface()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = getattr(s, expected)(point)
    assert not np.isnan(value).any() and np.isinf(value).any()
    if expected == "loss":
        assert value == np.inf     # every surface is bounded below


def test_overflow_fallback_leaves_ordinary_points_alone():
    for s in (saddle(), pokemon(), zigzag(), rosenbrock()):
        p = window_points(s)
        assert np.array_equal(s.loss(np.vstack([p, [[1e200, -1e200]]]))[:-1], s._loss(p))
        assert np.array_equal(s.grad(np.vstack([p, [[1e308, -1e308]]]))[:-1], s._grad(p))


META = dict(name="q", title="Q", window=((-1, 1), (-1, 1)), start=(0.5, 0.5))


@pytest.mark.parametrize("make, error, message", [
    (lambda: Quadratic(np.diag([1.0, 0.0]), (0, 0), **META), ValueError,
     "hessian must be positive definite and not singular: its eigenvalues are 0 and 1, "),
    (lambda: Quadratic([[1.0, 2.0], [2.0, 1.0]], (0, 0), **META), ValueError,
     "hessian must be positive definite and not singular: its eigenvalues are -1 and 3, "),
    (lambda: Quadratic(np.diag([1.0, 1e-13]), (0, 0), **META), ValueError,
     "hessian must be positive definite and not singular: its eigenvalues are 1e-13 and 1, and must "
     "be positive with a ratio below 1e12 (a singular or indefinite H has no single minimum)"),
    (lambda: Quadratic([[np.nan, 0.0], [0.0, 1.0]], (0, 0), **META), ValueError,
     "hessian must be finite; got [[nan, 0.0], [0.0, 1.0]]"),
    (lambda: Quadratic([[1.0, 0.5], [0.0, 1.0]], (0, 0), **META), ValueError, "hessian must be symmetric"),
    (lambda: Quadratic(np.eye(3), (0, 0, 0), **META), ValueError, "hessian must have shape (2, 2); got (3, 3)"),
    (lambda: Quadratic(np.eye(2), (0, np.inf), **META), ValueError, "center must be finite"),
    (lambda: Quadratic(np.eye(2), (0, 0), offset=np.nan, **META), ValueError, "offset must be finite; got nan"),
    (lambda: Quadratic("H", (0, 0), **META), TypeError, "hessian must be an array of real numbers; got str"),
    (lambda: LeastSquares([1, 1, 1], [1, 2, 3], **META), ValueError, "x must hold at least two different values"),
    (lambda: LeastSquares([1, 2], [1, np.nan], **META), ValueError, "y must be finite"),
    (lambda: rosenbrock(b=np.nan), ValueError, "b must be a positive number below 1e100; got nan"),
    (lambda: rosenbrock(b=0), ValueError, "b must be a positive number below 1e100; got 0"),
    (lambda: rosenbrock(a=np.inf), ValueError, "a must be a finite number with |a| < 1e100; got inf"),
    (lambda: rosenbrock(a="1"), TypeError, "a must be a real number, got str"),
    (lambda: PlateauCliff(1, 0, 0, 1, 0, 1, **META), ValueError, "s must be positive and finite; got 0"),
    (lambda: PlateauCliff(np.nan, 1, 0, 1, 0, 1, **META), ValueError, "h must be finite; got nan"),
    (lambda: EggCrate(1, (0, 0), 1, np.inf, **META), ValueError, "omega must be finite; got inf"),
])
def test_bad_surface_parameters_are_named(make, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        make()


def test_unknown_level_scale_is_rejected():
    with pytest.raises(ValueError, match="level_scale must be 'log' or 'linear'; got 'cubic'"):
        Saddle(name="s", title="S", window=((-1, 1), (-1, 1)), start=(0.5, 0.5), level_scale="cubic")


def test_plateau_cliff_geometry():
    s = plateau_cliff()

    def slope(lo, hi):
        x = np.linspace(lo, hi, 200)
        return np.abs(s.grad(np.column_stack([x, np.zeros_like(x)]))[:, 0])

    plateau, cliff = slope(*s.plateau), slope(*s.cliff)
    assert plateau.max() < 0.2 and cliff.max() > 50 * plateau.max()
    drop = s.loss((s.cliff[0], 0.0)) - s.loss((s.cliff[1], 0.0))
    assert 0.9 * s.h < drop < 1.1 * s.h
    assert s.basin[0] < s.minima[0, 0] < s.basin[1]
    assert s.plateau[0] < s.start[0] < s.plateau[1]


def test_rugged_has_many_local_minima_and_one_global():
    s = rugged()
    z = s.loss(s.grid(201))
    inner = z[1:-1, 1:-1]
    is_local_min = np.ones_like(inner, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx or dy:
                is_local_min &= inner < z[1 + dy:200 + dy, 1 + dx:200 + dx]
    assert is_local_min.sum() >= 10
    wide = s.grid(401) * 3  # three times the window: the bowl keeps anything lower away
    assert s.loss(wide).min() > s.min_loss


def test_scaled_and_slope():
    """Scaled(L, c) is c·L with L's minima, saddles, window and start; Slope(c) has the gradient c
    everywhere. Bad arguments are named."""
    from rugged import descend, optim
    from rugged.surfaces import Scaled, Slope
    for s in (saddle(), rosenbrock(), pokemon()):
        big = Scaled(s, 1000)
        p = window_points(s)
        np.testing.assert_allclose(big.loss(p), 1000 * s.loss(p), rtol=1e-15)
        np.testing.assert_allclose(big.grad(p), 1000 * s.grad(p), rtol=1e-15)
        np.testing.assert_allclose(big.fast_grad(p), 1000 * s.grad(p), rtol=1e-15)
        np.testing.assert_allclose(big.hessian(p), 1000 * s.hessian(p), rtol=1e-15)
        np.testing.assert_array_equal(big.minima, s.minima)
        np.testing.assert_array_equal(big.saddles, s.saddles)
        assert big.min_loss == pytest.approx(1000 * s.min_loss, rel=1e-15, abs=1e-300)
        assert (big.window, big.start, big.labels) == (s.window, s.start, s.labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # an overflow is +inf, not inf − inf = NaN
        assert Scaled(saddle(), 2).loss([0.0, 1e200]) == np.inf
    valley = rosenbrock()                              # Adam ignores the scale, GD does not
    adam = [descend(s, optim.Adam(lr=0.1), valley.start, 50).params for s in (valley, Scaled(valley, 1000))]
    assert np.max(np.abs(adam[0] - adam[1])) < 1e-8
    assert descend(Scaled(valley, 1000), optim.GD(lr=1e-3), valley.start, 50).diverged_at is not None
    slope = Slope(2.5)
    points = np.array([[-3.0], [0.0], [7.0]])
    np.testing.assert_array_equal(slope.loss(points), 2.5 * points[:, 0])
    np.testing.assert_array_equal(slope.grad(points), np.full((3, 1), 2.5))
    assert slope.dim == 1 and slope.min_loss is None and len(slope.minima) == 0
    path = descend(slope, optim.GD(lr=0.1), slope.start, 4)
    np.testing.assert_allclose(path.params[:, 0], -0.25 * np.arange(5), rtol=1e-15)
    for make, error, message in [
            (lambda: Scaled("rosenbrock", 2), TypeError, "surface must be a rugged Surface; got str"),
            (lambda: Scaled(valley, 0), ValueError, "c must be positive and finite; got 0"),
            (lambda: Scaled(valley, -1), ValueError, "c must be positive and finite; got -1"),
            (lambda: Scaled(valley, np.inf), ValueError, "c must be positive and finite; got inf"),
            (lambda: Slope(np.nan), ValueError, "c must be finite; got nan"),
            (lambda: Slope("1"), TypeError, "c must be a real number, got str"),
            (lambda: slope.loss([1.0, 2.0]), ValueError, "points must have shape (..., 1); got (2,)")]:
        with pytest.raises(error, match=f"^{re.escape(message)}"):
            make()


def test_grid_covers_the_window_or_the_one_given():
    s = ravine()
    g = s.grid(5)
    assert g.shape == (5, 5, 2)
    np.testing.assert_allclose(g[0, 0], [-10, -1])
    np.testing.assert_allclose(g[-1, -1], [10, 1])
    g = s.grid(3, window=((0, 2), (5, 6)))
    np.testing.assert_allclose(g[..., 0], [[0, 1, 2]] * 3)
    np.testing.assert_allclose(g[..., 1], [[5] * 3, [5.5] * 3, [6] * 3])
