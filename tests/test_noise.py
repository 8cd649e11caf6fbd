"""Gradient noise in `descend`: g^t = ∇L(θ^t) + s·ξ^t on any surface, drawn from a seed.

The analytic surfaces have no examples to draw minibatches from; `noise=s` makes their runs
noisy. The draw order is documented (`runner.gradient_noise`: row t of
default_rng(seed).standard_normal((steps + 1, d)) is ξ^t), so a hand-written loop must give
the same path bit for bit; s = 0 must be the exact run; one start of two coordinates must
still walk on floats, with the array walk's numbers.
"""

import dataclasses

import numpy as np
import pytest

from rugged import descend, optim, runner, surfaces
from rugged.runner import gradient_noise
from test_runner import ArraysOnly    # a surface without scalar_grad: descend walks it on arrays

SURFACES = surfaces.all_surfaces()
FIELDS = [f.name for f in dataclasses.fields(runner.Path) if f.name not in ("label", "batches")]
HAND_OPTIMIZERS = [lambda: optim.SGD(lr=0.01), lambda: optim.SGD(lr=0.01, momentum=0.9),
                   lambda: optim.Adam(lr=0.05), lambda: optim.RMSprop(lr=0.01),
                   lambda: optim.LectureAdagrad(lr=0.1)]


def _same(a, b, what=""):
    assert a.diverged_at == b.diverged_at, what
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f"{name} {what}")


def _hand_loop(surface, optimizer, start, steps, s, xi):
    """The documented noisy run, written out: g = ∇L(θ^t) + s·ξ^t, one optimizer step per t."""
    optimizer.reset()
    p = np.array(start, dtype=float)
    points, grads = [p], []
    for t in range(steps):
        g = surface.grad(p) + s * xi[t]
        grads.append(g)
        p = optimizer.step(p, g)
        points.append(p)
    grads.append(surface.grad(p) + s * xi[steps])
    return np.array(points), np.array(grads)


@pytest.fixture
def no_array_walk(monkeypatch):
    """Fail if `descend` falls back to the array walk: the run must stay on floats."""
    def refuse(*args, **kwargs):
        raise AssertionError("the run left the float walk")
    monkeypatch.setattr(runner, "_walk", refuse)


# --- s = 0 and no noise: the exact run --------------------------------------------------------

@pytest.mark.parametrize("name", list(SURFACES))
def test_noise_zero_is_the_exact_run_bit_for_bit(name):
    surface = SURFACES[name]
    starts = np.array([surface.start, np.add(surface.start, 0.1)])
    for make in HAND_OPTIMIZERS:
        exact = descend(surface, make(), surface.start, 400)
        _same(descend(surface, make(), surface.start, 400, noise=None), exact, name)
        _same(descend(surface, make(), surface.start, 400, noise=0), exact, name)
        _same(descend(surface, make(), surface.start, 400, noise=0.0, seed=7), exact, name)
        batch = descend(surface, make(), starts, 300)
        _same(descend(surface, make(), starts, 300, noise=0, seed=[1, 2]), batch, name)


def test_a_little_noise_is_not_the_exact_run():
    surface = SURFACES["ravine"]
    exact = descend(surface, optim.Adam(lr=0.05), surface.start, 200)
    noisy = descend(surface, optim.Adam(lr=0.05), surface.start, 200, noise=1e-3)
    assert not np.array_equal(noisy.params, exact.params)
    np.testing.assert_allclose(noisy.params[:3], exact.params[:3], rtol=1e-2)


# --- the documented draw: a hand-written loop gives the same path ----------------------------

@pytest.mark.parametrize("name", ["ravine", "zigzag", "rosenbrock", "saddle", "plateau_cliff", "pokemon"])
@pytest.mark.parametrize("make", HAND_OPTIMIZERS, ids=lambda make: repr(make()))
def test_one_noisy_start_walks_on_floats_and_is_the_hand_loop(name, make, no_array_walk):
    surface = SURFACES[name]
    scale = float(np.abs(surface.grad(surface.start)).max())
    steps = 300
    for seed, share in ((0, 0.1), (5, 1.0)):
        s = share * scale
        path = descend(surface, make(), surface.start, steps, noise=s, seed=seed)
        points, grads = _hand_loop(surface, make(), surface.start, steps, s, gradient_noise(steps + 1, 2, seed))
        n = len(path.params)
        assert path.diverged_at is not None or n == steps + 1
        np.testing.assert_array_equal(path.params, points[:n])
        np.testing.assert_array_equal(path.grad, grads[:n])
        np.testing.assert_array_equal(path.loss, surface.loss(points[:n]))


@pytest.mark.parametrize("make", HAND_OPTIMIZERS, ids=lambda make: repr(make()))
def test_a_batch_of_starts_draws_one_noise_per_start_and_is_the_hand_loop(make):
    surface = SURFACES["saddle"]
    starts = np.array([(1.0, 0.01), (-0.5, 0.2), (0.8, -0.3)])
    steps, s, seeds = 250, 0.3, [4, 0, 11]
    path = descend(surface, make(), starts, steps, noise=s, seed=seeds)
    xi = np.stack([gradient_noise(steps + 1, 2, seed) for seed in seeds], axis=1)
    points, grads = _hand_loop(surface, make(), starts, steps, s, xi)
    np.testing.assert_array_equal(path.params, points)
    np.testing.assert_array_equal(path.grad, grads)
    for k, seed in enumerate(seeds):          # start k alone, with its seed: the same run
        alone = descend(surface, make(), starts[k], steps, noise=s, seed=seed)
        np.testing.assert_array_equal(path.params[:, k], alone.params)
    shared = descend(surface, make(), starts, steps, noise=s, seed=4)
    points, _ = _hand_loop(surface, make(), starts, steps, s, gradient_noise(steps + 1, 2, 4)[:, None, :])
    np.testing.assert_array_equal(shared.params, points)
    np.testing.assert_array_equal(shared.params[:, 0], path.params[:, 0]), "one seed: the same noise for all"


@pytest.mark.parametrize("name", ["pokemon", "ravine", "zigzag", "rosenbrock", "saddle", "plateau_cliff"])
def test_the_noisy_float_walk_gives_the_array_walks_numbers_bit_for_bit(name):
    """Every optimizer of the fast-path tests, a run that stays and one that diverges."""
    from test_runner import FAST_OPTIMIZERS
    surface = SURFACES[name]
    s = 0.5 * float(np.abs(surface.grad(surface.start)).max())
    for optimizer in FAST_OPTIMIZERS:
        for eta_scale in (1.0, 300.0):
            schedule = np.full(500, optimizer.lr * eta_scale)
            fast = descend(surface, optimizer, surface.start, 500, schedule=schedule, noise=s, seed=2)
            slow = descend(ArraysOnly(surface), optimizer, surface.start, 500, schedule=schedule, noise=s, seed=2)
            _same(fast, slow, f"{optimizer} on {name} (η × {eta_scale})")


def test_the_noise_is_standard_normal_times_s():
    surface = SURFACES["ravine"]
    path = descend(surface, optim.SGD(lr=0.001), surface.start, 20000, noise=2.0, seed=3)
    added = path.grad - surface.grad(path.params)
    np.testing.assert_allclose(added, 2.0 * gradient_noise(20001, 2, 3), rtol=1e-9, atol=1e-9)
    assert abs(added.mean()) < 0.05 and abs(added.std() - 2.0) < 0.05
    assert abs(np.corrcoef(added[:-1, 0], added[1:, 0])[0, 1]) < 0.03, "a fresh draw every step"


# --- seeds --------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_path_another_seed_another():
    surface = SURFACES["rosenbrock"]
    run = lambda seed, steps=400: descend(surface, optim.Adam(lr=0.02), surface.start, steps,  # noqa: E731
                                          noise=5.0, seed=seed)
    first = run(1)
    _same(run(1), first)
    assert not np.array_equal(run(2).params, first.params)
    _same(run(None), run(0))
    shorter = run(1, steps=100)
    _same(shorter, first.until(100)), "a shorter run sees the same first draws"


def test_gradient_noise_is_the_documented_draw():
    xi = gradient_noise(5, 2, 9)
    np.testing.assert_array_equal(xi, np.random.default_rng(9).standard_normal((5, 2)))
    np.testing.assert_array_equal(gradient_noise(3, 2, 9), xi[:3])
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -1"):
        gradient_noise(5, 2, -1)


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(noise=-0.1), ValueError, r"^Invalid noise: -0.1; the standard deviation"),
    (dict(noise=float("nan")), ValueError, "^Invalid noise: nan"),
    (dict(noise=float("inf")), ValueError, "^Invalid noise: inf"),
    (dict(noise="0.1"), TypeError, "^noise must be a real number, got str"),
    (dict(noise=[0.1, 0.2]), TypeError, "^noise must be a real number, got list"),
    (dict(noise=True), TypeError, "^noise must be a real number, got bool"),
    (dict(noise=0.1, batch_size=2), ValueError, "noise and batch_size are two kinds of gradient noise, pass one"),
    (dict(noise=0, batch_size=10), ValueError, "noise and batch_size are two kinds of gradient noise"),
    (dict(seed=3), ValueError, "seed chooses the minibatches, so it needs batch_size; or the gradient "
                               "noise, so it needs noise"),
    (dict(noise=0.1, seed=-1), ValueError, "seed must be a non-negative integer; got -1"),
    (dict(noise=0, seed=-1), ValueError, "seed must be a non-negative integer; got -1"),
    (dict(noise=0.1, seed="x"), TypeError, "seed must be an integer, got str"),
    (dict(noise=0.1, seed=1.5), ValueError, "seed must be a non-negative integer; got 1.5"),
    (dict(noise=0.1, seed=[1, 2]), ValueError, "seed must be one integer for one start; got list"),
])
def test_bad_noise_settings(kwargs, error, match):
    surface = SURFACES["pokemon"]
    with pytest.raises(error, match=match):
        descend(surface, optim.GD(lr=1e-7), surface.start, 10, **kwargs)


def test_a_seed_per_start_needs_one_per_start():
    surface = SURFACES["saddle"]
    with pytest.raises(ValueError, match="seed must be an integer, or 2 integers, one per start"):
        descend(surface, optim.SGD(lr=0.1), [surface.start] * 2, 10, noise=0.1, seed=[1, 2, 3])
