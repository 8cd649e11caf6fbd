"""rugged.optim reproduces torch.optim 2.13 to a relative error of 1e-12 over 50 steps.

The reference trajectories were recorded by tests/make_golden_optim.py; when torch is
importable here, the same cases are also run live against it.
"""

import pathlib

import numpy as np
import pytest

from optim_cases import CASES, PROBLEMS, case_id, run
from rugged import optim
from rugged.runner import relative_error

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "optim.npz")
TOLERANCE = 1e-12
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
    assert set(IDS) == set(GOLDEN.files) - {"torch_version"}


def test_matches_live_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed; the recorded values are checked above")
    from make_golden_optim import torch_stepper
    torch.set_default_dtype(torch.float64)
    for name, kwargs, problem in PARAMS:
        reference = run(torch_stepper(name, kwargs), problem)
        error = relative_error(run(rugged_stepper(name, kwargs), problem), reference)
        assert error <= TOLERANCE, f"{case_id(name, kwargs)} on {problem}: {error:.1e}"
