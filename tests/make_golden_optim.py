"""Record torch.optim's trajectories on the cases of optim_cases.py as tests/golden/optim.npz.

torch is not a requirement of the course; run this in a separate environment:

    python -m venv /tmp/torch-env && /tmp/torch-env/bin/pip install torch==2.13.0 numpy
    /tmp/torch-env/bin/python tests/make_golden_optim.py
"""

import pathlib
import sys

import numpy as np
import torch

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from optim_cases import CASES, PROBLEMS, case_id, run  # noqa: E402


def torch_stepper(name, kwargs):
    """A `make_step` for optim_cases.run that drives torch.optim.<name> with given gradients."""
    def make_step(start):
        param = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        optimizer = getattr(torch.optim, name)([param], **kwargs)

        def step(grad):
            param.grad = torch.from_numpy(np.asarray(grad, dtype=np.float64).copy())
            optimizer.step()
            return param.detach().numpy().copy()
        return step
    return make_step


def main():
    torch.set_default_dtype(torch.float64)   # torch keeps NAdam's μ product in this dtype
    paths = {}
    for name, kwargs in CASES:
        for problem in PROBLEMS:
            path = run(torch_stepper(name, kwargs), problem)
            assert np.all(np.isfinite(path)), (case_id(name, kwargs), problem)
            paths[f"{case_id(name, kwargs)} on {problem}"] = path
    np.savez_compressed(HERE / "golden" / "optim.npz", torch_version=torch.__version__, **paths)
    print(f"wrote {len(paths)} trajectories with torch {torch.__version__}")


if __name__ == "__main__":
    main()
