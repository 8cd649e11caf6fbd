"""rugged.optim reproduces torch.optim 2.13 to a relative error of 1e-12 over 50 steps.

The reference trajectories were recorded by tools/make_golden.py and ship in the package
(rugged.parity); when torch is importable here, the same cases are also run live against it.
"""

import numpy as np
import pytest

from rugged import descend, optim
from rugged.parity import TOLERANCE, golden_optim
from rugged.parity.cases import CASES, PROBLEMS, case_id, run
from rugged.runner import relative_error

GOLDEN = golden_optim()
PARAMS = [(name, kwargs, problem) for name, kwargs in CASES for problem in PROBLEMS]
IDS = [f"{case_id(name, kwargs)} on {problem}" for name, kwargs, problem in PARAMS]


def rugged_stepper(name, kwargs):
    """A `make_step` for optim_cases.run driving rugged.optim.<name>."""
    def make_step(start):
        optimizer = getattr(optim, name)(**kwargs)
        params = [start]

        def step(grad):
            params[0] = optimizer.step(params[0], grad)
            return params[0]
        return step
    return make_step


@pytest.mark.parametrize("name, kwargs, problem", PARAMS, ids=IDS)
def test_matches_recorded_torch(name, kwargs, problem):
    reference = GOLDEN[f"{case_id(name, kwargs)} on {problem}"]
    path = run(rugged_stepper(name, kwargs), problem)
    assert path.shape == reference.shape
    assert np.max(np.abs(reference[-1] - reference[0])) > 1e-3, "the reference must move"
    assert relative_error(path, reference) <= TOLERANCE


def test_golden_file_covers_every_case():
    assert str(GOLDEN["torch_version"]).startswith("2.13")
    assert set(IDS) == set(GOLDEN) - {"torch_version"}


def test_matches_live_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed; the recorded values are checked above")
    from rugged.parity.replay import torch_stepper
    torch.set_default_dtype(torch.float64)
    for name, kwargs, problem in PARAMS:
        reference = run(torch_stepper(name, kwargs), problem)
        error = relative_error(run(rugged_stepper(name, kwargs), problem), reference)
        assert error <= TOLERANCE, f"{case_id(name, kwargs)} on {problem}: {error:.1e}"


class _Problem:
    """A parity problem as a surface for `descend`: its gradient as arrays and, for the 2-D
    one, as floats, so that `descend` takes its fast path there and its array path on the
    8-parameter one."""

    def __init__(self, name):
        self.grad, start = PROBLEMS[name]
        self.start = np.array(start, dtype=float)
        self.dim = len(self.start)
        if name == "rosenbrock":
            self.scalar_grad = lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))

    def loss(self, p):
        return np.zeros(np.shape(p)[:-1])


@pytest.mark.parametrize("name, kwargs, problem", PARAMS, ids=IDS)
def test_descend_matches_recorded_torch_on_both_paths(name, kwargs, problem):
    """The same cases through `descend`: the float walk (2-D) and the array walk (8-D)."""
    reference = GOLDEN[f"{case_id(name, kwargs)} on {problem}"]
    surface = _Problem(problem)
    path = descend(surface, getattr(optim, name)(**kwargs), surface.start, len(reference) - 1)
    assert path.params.shape == reference.shape
    assert relative_error(path.params, reference) <= TOLERANCE
