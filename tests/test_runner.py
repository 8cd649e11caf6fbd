"""rugged.descend: what a path records, batches, schedules, divergence and bad input."""

import numpy as np
import pytest

from rugged import descend, optim


class Bowl:
    """f(p) = ½ Σ c_i p_i², vectorized; c = (1, 10)."""

    dim = 2
    c = np.array([1.0, 10.0])

    def loss(self, p):
        return 0.5 * np.sum(self.c * np.asarray(p) ** 2, axis=-1)

    def grad(self, p):
        return self.c * p


class OnePointOnly:
    """A surface a student might write: loss and grad of a single point only."""

    def loss(self, p):
        x, y = p
        return float(x * x + y * y)

    def grad(self, p):
        return 2 * np.asarray(p)


class Truncating(OnePointOnly):
    """A broken surface whose gradient drops a coordinate."""

    def grad(self, p):
        return 2 * np.asarray(p)[:2]


class PoisonedAt:
    """Gradient becomes NaN from the given step on."""

    def __init__(self, step):
        self.calls, self.step = 0, step

    def loss(self, p):
        return np.sum(np.asarray(p) ** 2, axis=-1)

    def grad(self, p):
        self.calls += 1
        return 2 * p if self.calls <= self.step else np.full_like(p, np.nan)


def test_path_shapes_and_records():
    path = descend(Bowl(), optim.Adam(lr=0.1), start=(1.0, 1.0), steps=30)
    assert path.params.shape == (31, 2) and path.grad.shape == (31, 2) and path.loss.shape == (31,)
    assert path.lr.shape == (30,) and path.sigma.shape == path.m.shape == path.step_size.shape == (30, 2)
    assert path.diverged_at is None and path.steps == 30
    assert path.loss == pytest.approx(Bowl().loss(path.params))
    assert path.grad_norm == pytest.approx(np.linalg.norm(Bowl().grad(path.params), axis=-1))
    steps = np.diff(path.params, axis=0)
    assert steps == pytest.approx(-path.step_size * path.m, rel=1e-9)


def test_same_numbers_as_stepping_by_hand():
    opt, x = optim.RMSprop(lr=0.05), np.array([1.0, -2.0])
    by_hand = [x]
    for _ in range(20):
        x = opt.step(x, Bowl().grad(x))
        by_hand.append(x)
    path = descend(Bowl(), optim.RMSprop(lr=0.05), (1.0, -2.0), 20)
    assert np.array_equal(path.params, np.array(by_hand))


def test_batch_of_starts_equals_single_runs():
    starts = np.array([[1.0, 1.0], [-2.0, 0.5], [0.3, -1.0]])
    batch = descend(Bowl(), optim.NAdam(lr=0.1), starts, 25)
    assert batch.params.shape == (26, 3, 2) and batch.diverged_at == (None, None, None)
    for k, start in enumerate(starts):
        single = descend(Bowl(), optim.NAdam(lr=0.1), start, 25)
        assert np.array_equal(batch.params[:, k], single.params)
        assert np.array_equal(batch.sigma[:, k], single.sigma)


def test_divergence_stops_the_path_without_warnings():
    path = descend(Bowl(), optim.GD(lr=0.5), (1.0, 1.0), 100_000)   # 1 − 0.5·10 = −4
    assert path.diverged_at is not None and path.diverged_at < 40
    assert len(path.params) == path.diverged_at
    assert np.all(np.isfinite(path.params)) and np.all(np.isfinite(path.loss))


def test_divergence_in_a_batch_marks_each_start():
    path = descend(Bowl(), optim.GD(lr=0.25), [[1.0, 0.0], [1.0, 1.0]], 200)  # only y diverges
    assert path.diverged_at[0] is None and path.diverged_at[1] > 0
    assert np.all(np.isnan(path.params[path.diverged_at[1]:, 1]))
    assert np.all(np.isfinite(path.params[:, 0]))


def test_nan_start_and_nan_gradient_mark_the_step():
    assert descend(Bowl(), optim.Adam(), (np.nan, 1.0), 10).diverged_at == 0
    assert descend(Bowl(), optim.Adam(), (np.inf, 1.0), 10).diverged_at == 0
    path = descend(PoisonedAt(5), optim.Adam(lr=0.1), (1.0, 1.0), 10)
    assert path.diverged_at == 5 and len(path.params) == 5


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"start must have shape \(2,\) or \(k, 2\); got \(3,\)"):
        descend(Bowl(), optim.Adam(), (1.0, 2.0, 3.0), 5)
    with pytest.raises(ValueError, match=r"grad\(p\) must have the shape of p, \(3,\); got \(2,\)"):
        descend(Truncating(), optim.Adam(), (1.0, 2.0, 3.0), 5)
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        descend(Bowl(), optim.Adam(), (1.0, 2.0), 2.5)


def test_schedules_as_function_array_or_object():
    class Halving:
        def lr_at(self, t, base_lr):
            return base_lr * 0.5 ** np.asarray(t)

    opt = optim.SGD(lr=0.1)
    a = descend(Bowl(), opt, (1.0, 1.0), 6, schedule=Halving())
    b = descend(Bowl(), opt, (1.0, 1.0), 6, schedule=lambda t: 0.1 * 0.5 ** t)
    c = descend(Bowl(), opt, (1.0, 1.0), 6, schedule=0.1 * 0.5 ** np.arange(6))
    assert a.lr == pytest.approx(0.1 * 0.5 ** np.arange(6))
    assert np.array_equal(a.params, b.params) and np.array_equal(a.params, c.params)
    assert opt.lr == 0.1, "the base learning rate is restored"
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        descend(Bowl(), opt, (1.0, 1.0), 6, schedule=[0.1, 0.2])
    with pytest.raises(ValueError, match="invalid learning rate -1.0 at step 2"):
        descend(Bowl(), opt, (1.0, 1.0), 4, schedule=[0.1, 0.1, -1.0, 0.1])


def test_surface_of_single_points_and_steps_to():
    path = descend(OnePointOnly(), optim.GD(lr=0.25), (1.0, 1.0), 10)
    assert path.loss[1] == pytest.approx(0.5) and path.steps_to(0.1) == 3
    assert path.steps_to(-1) is None


def test_gap_and_distance_measure_against_the_surface():
    from rugged import surfaces
    ravine = surfaces.ravine()
    path = descend(ravine, optim.GD(lr=1e-3), ravine.start, 10)
    assert path.gap(ravine) == pytest.approx(np.maximum(path.loss - ravine.min_loss, 1e-16))
    assert path.gap(ravine, floor=1e3).min() == 1e3
    assert path.distance(ravine.minima[0]) == pytest.approx(np.linalg.norm(path.params[-1] - ravine.minima[0]))
