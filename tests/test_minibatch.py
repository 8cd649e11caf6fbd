"""Minibatch SGD in `descend`: on any surface made of examples, a batch size and a seed.

The Pokémon loss sums over 10 examples, so batch size 10 is today's full gradient: the path
must be the full-batch path to the last bit; smaller batches are real noise on the lecture's
own surface.
"""

import dataclasses

import numpy as np
import pytest

from rugged import datasets, descend, nets, optim, schedules, surfaces
from rugged.runner import minibatches

POKEMON = surfaces.pokemon()
OPTIMIZERS = [optim.GD(lr=1e-7), optim.LectureAdagrad(lr=1.0), optim.LectureRMSProp(lr=1.0, alpha=0.9),
              optim.Adam(lr=1.0), optim.SGD(lr=1e-7, momentum=0.9), optim.Adagrad(lr=1.0)]
FIELDS = [f.name for f in dataclasses.fields(descend(POKEMON, optim.GD(), POKEMON.start, 1))
          if f.name != "batches"]


def _same(a, b):
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert (np.array_equal(x, y, equal_nan=True) if isinstance(x, np.ndarray) else x == y), name


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=repr)
def test_batch_of_every_example_is_the_full_batch_path(optimizer):
    full = descend(POKEMON, optimizer, POKEMON.start, 3000)
    for seed in (0, 5):
        batched = descend(POKEMON, optimizer, POKEMON.start, 3000, batch_size=10, seed=seed)
        _same(batched, full)
        assert batched.batches.shape == (3001, 10)
    assert full.batches is None


class ArraysOnly:
    """The Pokémon surface without `batch_gradient_statements`: `descend` then runs its
    minibatches on arrays, one `fast_batch_grad` call per step."""

    n_examples = POKEMON.n_examples

    def __init__(self):
        for name in ("loss", "grad", "fast_grad", "batch_grad", "fast_batch_grad"):
            setattr(self, name, getattr(POKEMON, name))


FAST_OPTIMIZERS = OPTIMIZERS + [optim.NAdam(lr=1.0), optim.RAdam(lr=0.1)]


@pytest.mark.parametrize("optimizer", FAST_OPTIMIZERS, ids=repr)
def test_a_minibatch_walk_on_floats_is_the_walk_on_arrays_to_the_last_bit(optimizer):
    """One start on the Pokémon surface: the minibatch gradient is written into the float walk
    (`LeastSquares.batch_gradient_statements`); every batch size and several seeds, including a
    huge η (× 10⁶, where some runs diverge), give the array walk's numbers bit for bit."""
    for batch_size in range(1, 11):
        for seed, scale in ((0, 1.0), (7, 1.0), (3, 1e6)):
            schedule = np.full(2000, optimizer.lr * scale)
            fast = descend(POKEMON, optimizer, POKEMON.start, 2000, schedule, batch_size=batch_size, seed=seed)
            slow = descend(ArraysOnly(), optimizer, POKEMON.start, 2000, schedule, batch_size=batch_size, seed=seed)
            _same(fast, slow)
            np.testing.assert_array_equal(fast.batches, slow.batches)


def test_full_batch_with_a_schedule_and_several_starts():
    starts = np.array([POKEMON.start, (-150.0, 3.0), (-190.0, 0.0)])
    schedule = schedules.InverseSqrtDecay()
    full = descend(POKEMON, optim.LectureAdagrad(lr=1.0), starts, 500, schedule=schedule)
    _same(descend(POKEMON, optim.LectureAdagrad(lr=1.0), starts, 500, schedule=schedule, batch_size=10), full)
    _same(descend(POKEMON, optim.LectureAdagrad(lr=1.0), starts, 500, schedule=schedule,
                  batch_size=10, seed=[1, 2, 3]), full)


def test_full_batch_on_a_network():
    problem, theta = nets.default_problem()
    full = descend(problem, optim.Adam(lr=0.01), theta, 50)
    _same(descend(problem, optim.Adam(lr=0.01), theta, 50, batch_size=problem.n_examples, seed=2), full)


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_minibatch_gradients_average_to_the_full_gradient(batch_size):
    p = np.array([-150.0, 1.5])
    epoch = minibatches(10, batch_size, 10 // batch_size, seed=4)
    assert sorted(epoch.ravel().tolist()) == list(range(10)), "one epoch uses each example once"
    grads = np.array([POKEMON.batch_grad(p, rows) for rows in epoch])
    np.testing.assert_allclose(grads.mean(axis=0), POKEMON.grad(p), rtol=1e-10)
    assert np.ptp(grads[:, 1]) > 1e-3 * abs(POKEMON.grad(p)[1]), "the batches disagree: noise"


def test_example_gradients_are_the_gradients_of_each_term():
    p = np.array([-150.0, 1.5])
    per_example = POKEMON.example_grads(p, np.arange(10))
    np.testing.assert_allclose(per_example.sum(axis=0), POKEMON.grad(p), rtol=1e-10)
    n, h = 3, 1e-4
    term = lambda q: (POKEMON.y[n] - (q[0] + q[1] * POKEMON.x[n])) ** 2  # noqa: E731
    numeric = [(term(p + h * e) - term(p - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(POKEMON.example_grads(p, [n])[0], numeric, rtol=1e-7)
    batch = POKEMON.batch_grad(np.stack([p, 2 * p]), np.array([[1, 2], [3, 9]]))
    np.testing.assert_allclose(batch[1], POKEMON.batch_grad(2 * p, [3, 9]), rtol=1e-14)


def test_minibatches_are_epochs_of_permutations():
    batches = minibatches(10, 3, 12, seed=1)
    assert batches.shape == (12, 3)
    assert np.all(np.diff(batches, axis=1) > 0), "sorted, without repeats inside a batch"
    for epoch in batches.reshape(4, 9):       # 3 batches an epoch, the 10th example dropped
        assert len(set(epoch.tolist())) == 9
    assert np.array_equal(batches, minibatches(10, 3, 12, seed=1))
    assert not np.array_equal(batches, minibatches(10, 3, 12, seed=2))
    assert np.array_equal(minibatches(10, 3, 5, seed=1), batches[:5]), "a shorter run: the same first batches"
    assert len(np.unique(batches.reshape(4, 9)[:, :3], axis=0)) > 1, "every epoch is shuffled afresh"


def test_a_minibatch_path_records_what_it_saw():
    path = descend(POKEMON, optim.Adam(lr=1.0), POKEMON.start, 200, batch_size=2, seed=3)
    assert path.batches.shape == (201, 2)
    assert np.array_equal(path.batches, minibatches(10, 2, 201, seed=3))
    for t in (0, 1, 57, 200):
        assert np.array_equal(path.grad[t], POKEMON.batch_grad(path.params[t], path.batches[t]))
    np.testing.assert_array_equal(path.loss, POKEMON.loss(path.params))
    full = descend(POKEMON, optim.Adam(lr=1.0), POKEMON.start, 200)
    assert not np.allclose(path.params, full.params)
    assert not np.allclose(path.sigma[-1], full.sigma[-1])
    again = descend(POKEMON, optim.Adam(lr=1.0), POKEMON.start, 200, batch_size=2, seed=3)
    assert np.array_equal(again.params, path.params), "the same seed, the same run"
    short = path.until(50)
    assert short.batches.shape == (51, 2) and np.array_equal(short.batches, path.batches[:51])


def test_one_seed_per_start():
    starts = np.array([POKEMON.start, POKEMON.start])
    both = descend(POKEMON, optim.Adam(lr=1.0), starts, 300, batch_size=1, seed=[4, 9])
    assert both.batches.shape == (301, 2, 1)
    for k, seed in enumerate((4, 9)):
        alone = descend(POKEMON, optim.Adam(lr=1.0), starts[k], 300, batch_size=1, seed=seed)
        np.testing.assert_allclose(both.params[:, k], alone.params, rtol=1e-12)
    shared = descend(POKEMON, optim.Adam(lr=1.0), starts, 300, batch_size=1, seed=4)
    assert np.array_equal(shared.params[:, 0], shared.params[:, 1]), "one seed: the same batches for all"


def test_classifier_minibatch_training_learns():
    train = datasets.split_digits().train
    net = nets.MLP((64, 8, 10))
    problem = nets.Classifier(net, train.X, train.y)
    path = descend(problem, optim.Adam(lr=0.01), net.init(0), 150, batch_size=32, seed=0)
    assert path.batches.shape == (151, 32)
    assert path.loss[-1] < 0.5 * path.loss[0]


def test_divergence_keeps_the_batches_of_the_points_kept():
    path = descend(POKEMON, optim.GD(lr=1e-3), POKEMON.start, 500, batch_size=5, seed=0)
    assert path.diverged_at is not None
    assert len(path.batches) == len(path.params)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(batch_size=0), ValueError, "batch_size must be an integer from 1 to the number of examples, 10"),
    (dict(batch_size=11), ValueError, "from 1 to the number of examples, 10; got 11"),
    (dict(batch_size=2.0), TypeError, "batch_size must be an integer"),
    (dict(batch_size=True), TypeError, "batch_size must be an integer"),
    (dict(batch_size=2, seed=-1), ValueError, "seed must be a non-negative integer"),
    (dict(batch_size=2, seed="x"), TypeError, "seed must be an integer"),
    (dict(batch_size=2, seed=[1, 2]), ValueError, "seed must be one integer for one start; got list"),
    (dict(seed=3), ValueError, "seed chooses the minibatches, so it needs batch_size"),
])
def test_bad_minibatch_settings(kwargs, error, match):
    with pytest.raises(error, match=match):
        descend(POKEMON, optim.GD(lr=1e-7), POKEMON.start, 10, **kwargs)


def test_a_seed_per_start_needs_one_per_start():
    with pytest.raises(ValueError, match="2 integers, one per start"):
        descend(POKEMON, optim.GD(lr=1e-7), [POKEMON.start] * 2, 10, batch_size=2, seed=[1, 2, 3])


def test_minibatches_need_a_surface_made_of_examples():
    with pytest.raises(TypeError, match="batch_size needs a surface made of examples"):
        descend(surfaces.rosenbrock(), optim.GD(lr=1e-3), (0.0, 0.0), 10, batch_size=2)


def test_bad_rows_for_least_squares():
    with pytest.raises(ValueError, match="indices of the 10 examples, 0 … 9"):
        POKEMON.batch_grad((0.0, 0.0), [3, 10])
    with pytest.raises(ValueError, match=r"shape \(r,\) or \(k, r\)"):
        POKEMON.batch_grad((0.0, 0.0), np.zeros((2, 2, 2), dtype=int))
