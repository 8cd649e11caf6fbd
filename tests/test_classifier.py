"""nets.Classifier: softmax cross-entropy with hand-written backprop, checked by finite differences,
by the complex step, and against torch (recorded by tools/make_net_golden.py; live when torch is
importable): its gradient equals autograd's, and a whole minibatch Adam run equals
torch.optim.Adam's on torch.nn layers to a relative error ≤ 1e-10 in float64."""

import importlib.util
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from rugged import datasets, nets
from rugged.runner import relative_error

ROOT = Path(__file__).resolve().parent.parent
GRADIENT_TOLERANCE = 1e-12
RUN_TOLERANCE = 1e-10


def _tool():
    """tools/make_net_golden.py as a module (it imports torch only inside its torch functions)."""
    spec = importlib.util.spec_from_file_location("make_net_golden", ROOT / "tools" / "make_net_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


def _golden():
    with resources.files("rugged.parity").joinpath("data", "net.npz").open("rb") as file, \
            np.load(file) as recorded:
        return {key: recorded[key] for key in recorded.files}


GOLDEN = _golden()
CASE, CHECKPOINTS = TOOL.case_from(GOLDEN)


@pytest.fixture(scope="module")
def small():
    """A (5, 4, 3) tanh classifier on 12 random examples, and a point where the logits are not tiny."""
    rng = np.random.default_rng(0)
    net = nets.MLP((5, 4, 3))
    problem = nets.Classifier(net, rng.normal(size=(12, 5)), rng.integers(0, 3, 12))
    return problem, net.init(1) + 0.5 * rng.normal(size=net.n_params)


@pytest.fixture(scope="module")
def rugged_run():
    return TOOL.rugged_side(CASE, CHECKPOINTS)


def _central_differences(f, theta, h=1e-6):
    return np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(theta.size)])


def test_gradient_matches_finite_differences(small):
    problem, theta = small
    g = problem.grad(theta)
    fd = _central_differences(problem.loss, theta)
    assert np.max(np.abs(g - fd)) <= 1e-8 * max(1.0, np.max(np.abs(g)))
    assert np.max(np.abs(g)) > 1e-3, "the check must not pass on a zero gradient"


def test_batch_gradient_matches_finite_differences(small):
    problem, theta = small
    rows = np.array([0, 3, 4, 9])
    fd = _central_differences(lambda t: problem.batch_loss(t, rows), theta)
    assert np.max(np.abs(problem.batch_grad(theta, rows) - fd)) <= 1e-8
    assert not np.allclose(problem.batch_grad(theta, rows), problem.grad(theta))


def test_gradient_matches_the_complex_step(small):
    problem, theta = small
    h = 1e-30
    exact = np.array([np.imag(problem.loss(theta + 1j * h * e)) / h for e in np.eye(theta.size)])
    assert np.max(np.abs(problem.grad(theta) - exact)) <= 1e-13 * np.max(np.abs(exact))


def test_loss_is_the_mean_cross_entropy(small):
    problem, theta = small
    z = problem.logits(theta)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert np.isclose(problem.loss(theta), -np.mean(np.log(p[np.arange(12), problem.y])), rtol=1e-13)
    assert np.isclose(problem.loss(np.zeros_like(theta)), np.log(3), rtol=1e-15), "uniform guess: log C"


def test_large_logits_do_not_overflow(small):
    problem, theta = small
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # exp may underflow to 0
        loss = problem.loss(1e3 * theta)
        grad = problem.grad(1e3 * theta)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))


def test_a_batch_of_every_example_is_the_full_gradient_bit_for_bit(small):
    problem, theta = small
    every = np.random.default_rng(3).permutation(12)
    assert np.array_equal(problem.batch_grad(theta, every), problem.grad(theta))
    assert problem.batch_loss(theta, every) == problem.loss(theta)


def test_points_and_rows_side_by_side(small):
    problem, theta = small
    thetas = np.stack([theta, -theta, 2 * theta])
    rows = np.array([[0, 1, 2], [5, 6, 11], [2, 3, 4]])
    together = problem.batch_grad(thetas, rows)
    for k in range(3):
        np.testing.assert_allclose(together[k], problem.batch_grad(thetas[k], rows[k]), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(problem.loss(thetas), [problem.loss(t) for t in thetas], rtol=1e-14)
    np.testing.assert_allclose(problem.accuracy(thetas), [problem.accuracy(t) for t in thetas])


def test_accuracy_and_predictions(small):
    problem, theta = small
    predicted = problem.predict(theta)
    assert predicted.shape == (12,) and set(predicted) <= {0, 1, 2}
    assert problem.accuracy(theta) == np.mean(predicted == problem.y)
    assert problem.accuracy(theta, [0, 1]) == np.mean(predicted[:2] == problem.y[:2])


@pytest.mark.parametrize("labels, error, match", [
    ([0, 1, 3], ValueError, "Target 3 is out of bounds"),
    ([0, -1, 2], ValueError, "Target -1 is out of bounds"),
    ([0.0, 1.0, 2.0], TypeError, "integer class labels"),
    ([0, 1], ValueError, "one label per row"),
])
def test_bad_labels(labels, error, match):
    with pytest.raises(error, match=match):
        nets.Classifier(nets.MLP((2, 3)), np.zeros((3, 2)), np.array(labels))


def test_bad_rows(small):
    problem, theta = small
    with pytest.raises(ValueError, match="indices of the 12 examples"):
        problem.batch_grad(theta, [0, 12])
    with pytest.raises(TypeError, match="integer indices"):
        problem.batch_grad(theta, [0.0, 1.0])


def test_regression_minibatch_gradient():
    problem, theta = nets.default_problem()
    rows = np.array([1, 7, 8, 20, 39])
    part = nets.Regression(problem.net, problem.X[rows], problem.y[rows])
    np.testing.assert_allclose(problem.batch_grad(theta, rows), part.grad(theta), rtol=1e-13, atol=1e-17)
    every = np.random.default_rng(0).permutation(problem.n_examples)
    assert np.array_equal(problem.batch_grad(theta, every), problem.grad(theta))


# --- torch ----------------------------------------------------------------------------------

def test_golden_file_describes_its_case():
    assert str(GOLDEN["torch_version"]).startswith("2.13")
    assert CASE == TOOL.CASE and CHECKPOINTS == TOOL.CHECKPOINTS
    assert GOLDEN["params"].shape == (len(CHECKPOINTS), nets.MLP(CASE["sizes"]).n_params)
    assert GOLDEN["batch_loss"].shape == (CASE["steps"],)


def test_gradient_equals_torch_autograd(rugged_run):
    *_, ours = rugged_run
    for name in ("grad_batch", "grad_full"):
        assert relative_error(ours[name], GOLDEN[name]) <= GRADIENT_TOLERANCE, name


def test_adam_training_run_equals_torch(rugged_run):
    *_, ours = rugged_run
    reference = GOLDEN["params"]
    assert np.max(np.abs(reference[-1] - reference[0])) > 0.1, "the reference run must move"
    assert GOLDEN["batch_loss"][-20:].mean() < 0.5 * GOLDEN["batch_loss"][0], "and learn"
    assert relative_error(ours["params"], reference) <= RUN_TOLERANCE
    assert relative_error(ours["batch_loss"][None], GOLDEN["batch_loss"][None]) <= RUN_TOLERANCE


def test_the_run_learns_the_digits(rugged_run):
    problem, theta0, _, points, _ = rugged_run
    validation = datasets.split_digits().validation
    held_out = nets.Classifier(problem.net, validation.X, validation.y)
    assert held_out.accuracy(points[1]) > 0.8 > held_out.accuracy(theta0)


def test_equals_live_torch(rugged_run):
    torch = pytest.importorskip("torch", reason="torch is not installed; the recorded values are checked above")
    torch.set_default_dtype(torch.float64)
    problem, theta0, batches, points, ours = rugged_run
    theirs = TOOL.torch_side(CASE, CHECKPOINTS, problem, theta0, batches, points)
    found = TOOL.errors(ours, theirs)
    assert max(found.values()) <= RUN_TOLERANCE, found
