"""rugged.descend: what a path records, batches, schedules, divergence and bad input."""

import re
import time

import numpy as np
import pytest

from rugged import descend, optim, schedules
from rugged._compile import BLOCK


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


def test_nan_gradient_marks_the_step():
    path = descend(PoisonedAt(5), optim.Adam(lr=0.1), (1.0, 1.0), 10)
    assert path.diverged_at == 5 and len(path.params) == 5


@pytest.mark.parametrize("start, message", [
    ((np.nan, 1.0), "start must be finite; got (nan, 1)"),
    ((np.inf, 1.0), "start must be finite; got (inf, 1)"),
    ([[1.0, 1.0], [1.0, -np.inf]], "every start must be finite; start[1] is (1, -inf)"),
    ((1e11, 0.0), "start = (1e+11, 0) is beyond limit=1e+10, where descend counts a point as "
                  "diverged; pass a larger limit"),
    (np.zeros((0, 2)), "start holds no point: shape (0, 2)"),
    ([[1.0, 2.0], [3.0]], "start must have shape (2,) or (k, 2); got a ragged sequence"),
])
def test_a_start_where_no_run_can_begin_is_refused(start, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        descend(Bowl(), optim.Adam(), start, 10)


class HugeGradient(Bowl):
    def grad(self, p):
        return np.where(np.abs(p) > 1e5, np.inf, self.c * p)


def test_a_start_with_an_infinite_gradient_is_refused_and_every_path_has_its_start():
    with pytest.raises(ValueError, match=re.escape("descend cannot begin at start = (1e+06, 0): "
                                                   "the gradient there is (inf, 0)")):
        descend(HugeGradient(), optim.SGD(lr=0.1), (1e6, 0.0), 10)
    with pytest.raises(ValueError, match=re.escape("cannot begin at start[1] = (0, -1e+06)")):
        descend(HugeGradient(), optim.SGD(lr=0.1), [(1.0, 1.0), (0.0, -1e6)], 10)
    path = descend(HugeGradient(), optim.SGD(lr=3e5), (0.5, 0.0), 10)   # one step to 1.5e5
    assert path.diverged_at == 1 and path.steps == 0
    assert path.endpoint.tolist() == [0.5, 0.0] and path.distance((0.0, 0.0)) == 0.5
    assert path.steps_to(1.0) == 0 and path.steps_to(0.0) is None


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(steps=2.5), TypeError, "steps must be an integer, got float"),
    (dict(steps=True), TypeError, "steps must be an integer, got bool"),
    (dict(steps="10"), TypeError, "steps must be an integer, got str"),
    (dict(steps=-1), ValueError, "steps must be a non-negative integer; got -1"),
    (dict(steps=10**9), ValueError, "steps=1000000000 would need about 112 GB to record 2 parameters "
                                    "at every step; at most 17,857,141 steps fit in 2 GB"),
    (dict(steps=10**400), ValueError, "steps=1e+400 would need more memory than any machine has"),
    (dict(limit=float("nan")), ValueError, "limit must be positive (inf for no limit); got nan"),
    (dict(limit=0), ValueError, "limit must be positive (inf for no limit); got 0"),
    (dict(limit="big"), TypeError, "limit must be a positive real number (inf for no limit), got str"),
    (dict(start="12"), TypeError, "start must hold real numbers; got str of dtype <U2"),
    (dict(start=(1 + 2j, 0)), TypeError, "start must hold real numbers; got tuple of dtype complex128"),
])
def test_bad_run_arguments_are_named_before_anything_runs(kwargs, error, message):
    arguments = dict(start=(1.0, 1.0), steps=10) | kwargs
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        descend(Bowl(), optim.Adam(), **arguments)


def test_a_huge_run_fails_fast():
    started = time.perf_counter()
    with pytest.raises(ValueError, match="would need about"):
        descend(Bowl(), optim.Adam(), np.zeros((1000, 2)), 10**6)
    assert time.perf_counter() - started < 1.0


def test_an_infinite_lr_is_named_as_the_learning_rate():
    opt = optim.SGD(lr=0.1)
    opt.lr = float("inf")
    with pytest.raises(ValueError, match="^Invalid learning rate: inf$"):
        descend(Bowl(), opt, (1.0, 1.0), 5)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"start must have shape \(2,\) or \(k, 2\); got \(3,\)"):
        descend(Bowl(), optim.Adam(), (1.0, 2.0, 3.0), 5)
    with pytest.raises(ValueError, match=r"grad\(p\) must have the shape of p, \(3,\); got \(2,\)"):
        descend(Truncating(), optim.Adam(), (1.0, 2.0, 3.0), 5)
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        descend(Bowl(), optim.Adam(), (1.0, 2.0), -2)


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


def twice(t):
    return np.array([0.1, 0.2])


@pytest.mark.parametrize("schedule, error, message", [
    (twice, TypeError, "the schedule twice must return one learning rate, a real number, for each "
                       "step t; at t = 0 it returned ndarray of shape (2,)"),
    (lambda t: None if t == 3 else 0.1, TypeError, "the schedule <lambda> must return one learning "
                                                    "rate, a real number, for each step t; at t = 3 it returned NoneType"),
    (lambda t: float("nan"), ValueError, "the schedule <lambda> gives an invalid learning rate nan at step 0"),
    (lambda t: 10**400, ValueError, "the schedule <lambda> gives an invalid learning rate inf at step 0"),
    (schedules.ExponentialLR(gamma=1e300), ValueError,
     "the schedule ExponentialLR(gamma=1e+300) gives an invalid learning rate inf at step 2"),
    ("cosine", TypeError, "schedule must be None, a rugged schedule, a function t → η^t or an array "
                          "of 6 learning rates; got str"),
    ({"t": 0.1}, TypeError, "schedule must be None, a rugged schedule"),
])
def test_a_bad_schedule_is_named(schedule, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        descend(Bowl(), optim.SGD(lr=0.1), (1.0, 1.0), 6, schedule=schedule)


def test_a_schedule_object_giving_the_wrong_shape_is_named():
    class Pairs:
        def lr_at(self, t, base_lr):
            return np.ones((len(t), 2))

    with pytest.raises(ValueError, match=re.escape("the schedule Pairs: lr_at(t, base_lr) must give one "
                                                   "learning rate per step, shape (6,); got ndarray of "
                                                   "shape (6, 2)")):
        descend(Bowl(), optim.SGD(lr=0.1), (1.0, 1.0), 6, schedule=Pairs())


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


# --- the fast path: one start on floats, the same numbers as the array walk ----------------

class ArraysOnly:
    """A surface without `scalar_grad`: `descend` walks it on arrays."""

    def __init__(self, surface):
        self.surface, self.dim, self.min_loss = surface, 2, surface.min_loss

    def loss(self, p):
        return self.surface.loss(p)

    def grad(self, p):
        return self.surface.grad(p)

    def fast_grad(self, p):
        return self.surface.fast_grad(p)


FAST_OPTIMIZERS = [
    optim.SGD(0.01), optim.SGD(0.01, momentum=0.9, nesterov=True),
    optim.SGD(0.01, momentum=0.9, dampening=0.5, weight_decay=0.1),
    optim.Adagrad(0.5, lr_decay=0.01, initial_accumulator_value=0.1), optim.Adagrad(0.5, eps=0.0),
    optim.RMSprop(0.01, centered=True, momentum=0.5), optim.Adam(0.1, amsgrad=True),
    optim.AdamW(0.1), optim.RAdam(0.1), optim.NAdam(0.1), optim.LectureAdagrad(1.0),
    optim.LectureRMSProp(0.1), optim.Optimizer(0.1, optim.EMA(0.9, True), optim.RootEMA(0.999, bias_correction=True)),
]


@pytest.mark.parametrize("name", ["pokemon", "rosenbrock", "saddle", "plateau_cliff", "zigzag"])
def test_the_float_walk_gives_the_array_walks_numbers_bit_for_bit(name):
    from rugged import surfaces
    surface = surfaces.all_surfaces()[name]
    assert hasattr(surface, "scalar_grad")
    for optimizer in FAST_OPTIMIZERS:
        for eta_scale in (1.0, 300.0):                  # a run that stays, and one that diverges
            opt = type(optimizer)(**optimizer.hyperparameters()) if type(optimizer) is not optim.Optimizer \
                else optimizer
            schedule = np.full(600, opt.lr * eta_scale)
            fast = descend(surface, opt, surface.start, 600, schedule=schedule)
            slow = descend(ArraysOnly(surface), opt, surface.start, 600, schedule=schedule)
            assert fast.diverged_at == slow.diverged_at, (name, opt, eta_scale)
            for field in ("params", "grad", "loss", "sigma", "m", "lr", "step_size"):
                np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field),
                                              err_msg=f"{field} of {opt} on {name} (η × {eta_scale})")


@pytest.mark.parametrize("jump", [1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 7])
@pytest.mark.parametrize("optimizer", [optim.SGD(1e-6), optim.Adam(1.0), optim.Adagrad(0.5, eps=0.0)], ids=repr)
def test_the_float_walk_checks_its_points_in_blocks_and_stops_where_the_array_walk_does(jump, optimizer):
    """η jumps to a diverging size at step `jump` (around a block's edge): the float walk,
    which checks its points once per block, ends where the array walk, which checks each
    step, ends, with the same numbers."""
    from rugged import surfaces
    surface = surfaces.pokemon()
    schedule = np.full(3 * BLOCK, optimizer.lr)
    schedule[jump:] *= 1e12
    fast = descend(surface, optimizer, surface.start, len(schedule), schedule=schedule)
    slow = descend(ArraysOnly(surface), optimizer, surface.start, len(schedule), schedule=schedule)
    assert fast.diverged_at is not None and fast.diverged_at > jump
    assert fast.diverged_at == slow.diverged_at
    for field in ("params", "grad", "loss", "sigma", "m", "lr", "step_size"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)


def test_where_floats_would_raise_the_array_walk_keeps_torchs_nan():
    """Adagrad with eps = 0 at a zero gradient: 0/0, NaN in torch; Python would raise."""
    from rugged import surfaces
    surface = surfaces.saddle()
    path = descend(surface, optim.Adagrad(0.1, eps=0.0), (1.0, 0.0), 5)
    assert path.diverged_at == 1 and path.steps == 0


def test_descend_leaves_the_optimizer_as_it_was():
    from rugged import surfaces
    opt = optim.Adam(0.1)
    x = opt.step(np.ones(2), np.ones(2))
    before = (opt.t, opt.last)
    descend(surfaces.pokemon(), opt, (0.0, 0.0), 50)
    assert (opt.t, opt.last) == before
    opt.step(x, np.ones(2))
    assert opt.t == 2


def test_side_by_side_rows_are_descend_runs_bit_for_bit():
    """Three optimizers, two η each, from two starts, one with a schedule (η per step and row):
    each row of `side_by_side` is the `descend` run of its optimizer, η and start."""
    from rugged import surfaces
    from rugged.runner import side_by_side
    surface = surfaces.rosenbrock()
    starts = np.array([surface.start, (0.5, -0.5)])
    steps, factor = 300, schedules.LinearLR(start_factor=0.1, total_iters=50).lr_at(np.arange(300), 1.0)
    makes = [(optim.Adam, [0.01, 0.03], None), (optim.SGD, [1e-4, 1e-3], None),
             (optim.RMSprop, [1e-3, 3e-3], factor)]
    blocks, expected = [], []
    for make, etas, f in makes:
        lrs = np.repeat(etas, len(starts))
        blocks.append((make(1.0), lrs if f is None else lrs[None, :] * f[:, None]))
        for eta in etas:
            for start in starts:
                schedule = None if f is None else eta * f
                expected.append(descend(surface, make(eta), start, steps, schedule=schedule).params[-1])
    seen = []

    def gradient(t, params):
        seen.append(t)
        return surface.grad(params)
    params = side_by_side(blocks, np.tile(starts, (6, 1)), steps, gradient)
    assert seen == list(range(steps))
    np.testing.assert_array_equal(params, np.array(expected))
    with pytest.raises(ValueError, match="cover 12 rows; params has 11"):
        side_by_side(blocks, np.zeros((11, 2)), steps, gradient)


def test_side_by_side_rows_with_their_own_ends_stop_there_bit_for_bit():
    """Rows with `ends` stop at their own step: each returned point is the `descend` run of its
    optimizer, η and start for its own number of steps, and the callback sees only running rows."""
    from rugged import surfaces
    from rugged.runner import side_by_side
    surface = surfaces.rosenbrock()
    makes = [(optim.Adam, [0.01, 0.03, 0.02]), (optim.NAdam, [0.01, 0.02])]
    ends = np.array([120, 120, 40, 90, 0])         # never increasing within a block
    blocks = [(make(1.0), np.array(etas)) for make, etas in makes]
    starts = np.array([surface.start, (0.5, -0.5), (1.5, 1.0), (-1.0, 0.3), (0.2, 0.2)])
    seen = {}

    def gradient(t, params, rows):
        assert len(params) == len(rows) and np.all(ends[rows] > t)
        seen[t] = rows.tolist()
        return surface.grad(params)
    params = side_by_side(blocks, starts, 120, gradient, ends)
    row = 0
    for make, etas in makes:
        for eta in etas:
            expected = descend(surface, make(eta), starts[row], int(ends[row])).params[-1]
            np.testing.assert_array_equal(params[row], expected)
            row += 1
    assert seen[0] == [0, 1, 2, 3] and seen[40] == [0, 1, 3] and seen[90] == [0, 1] and max(seen) == 119
    with pytest.raises(ValueError, match="must not increase"):
        side_by_side(blocks, starts, 120, gradient, [40, 120, 120, 90, 0])
    with pytest.raises(ValueError, match="one number of steps"):
        side_by_side(blocks, starts, 120, gradient, [120, 120, 121, 90, 0])
    with pytest.raises(ValueError, match="one number of steps"):
        side_by_side(blocks, starts, 120, gradient, [120, 120, 40])
