"""Parity with torch: the cases rugged is compared on, and torch's recorded values.

`cases` holds the problems and settings (optimizers and schedules); `golden_optim()` and
`golden_schedules()` read the values recorded with torch 2.13 (by tools/make_golden.py)
from the package's data, so tests and notebooks use them without torch and without the
source checkout. `replay` runs the same cases live with torch, when it is importable.
"""

import json
from importlib import resources

import numpy as np

__all__ = ["golden_optim", "golden_schedules", "TOLERANCE"]

TOLERANCE = 1e-12   # largest relative error allowed against torch, in float64


def _data(name):
    return resources.files(__name__).joinpath("data", name)


def golden_optim():
    """{'<case> on <problem>': trajectory (steps + 1, d), 'torch_version': str}: torch's recorded runs."""
    with _data("optim.npz").open("rb") as file, np.load(file) as recorded:
        return {key: (str(recorded[key]) if key == "torch_version" else recorded[key])
                for key in recorded.files}


def golden_schedules():
    """torch's recorded learning rates: a list of {name, kwargs, base_lr, steps, torch, lrs}."""
    return json.loads(_data("schedules.json").read_text(encoding="utf-8"))
