"""Record torch's trajectories and learning rates on the parity cases (rugged.parity.cases)
into lib/rugged/parity/data/: optim.npz and schedules.json.

torch is not a dependency of the course; run this in a separate environment:

    python3 -m venv /tmp/torch-env && /tmp/torch-env/bin/pip install torch==2.13.0 numpy
    /tmp/torch-env/bin/pip install --no-deps -e .
    /tmp/torch-env/bin/python tools/make_golden.py
"""

import json
import pathlib

import numpy as np
import torch

from rugged.parity.cases import CASES, PROBLEMS, SCHEDULE_CASES, case_id, run
from rugged.parity.replay import torch_lrs, torch_stepper

DATA = pathlib.Path(__file__).resolve().parent.parent / "lib" / "rugged" / "parity" / "data"


def record_optimizers():
    torch.set_default_dtype(torch.float64)   # torch keeps NAdam's μ product in this dtype
    paths = {}
    for name, kwargs in CASES:
        for problem in PROBLEMS:
            path = run(torch_stepper(name, kwargs), problem)
            assert np.all(np.isfinite(path)), (case_id(name, kwargs), problem)
            paths[f"{case_id(name, kwargs)} on {problem}"] = path
    np.savez_compressed(DATA / "optim.npz", torch_version=torch.__version__, **paths)
    print(f"wrote {len(paths)} trajectories with torch {torch.__version__}")


def record_schedules():
    cases = [{"name": name, "kwargs": kwargs, "base_lr": base_lr, "steps": steps,
              "torch": torch.__version__, "lrs": torch_lrs(name, kwargs, base_lr, steps)}
             for name, kwargs, base_lr, steps in SCHEDULE_CASES]
    lines = ",\n".join(json.dumps(case) for case in cases)
    (DATA / "schedules.json").write_text(f"[\n{lines}\n]\n")
    print(f"wrote {len(cases)} schedules with torch {torch.__version__}")


if __name__ == "__main__":
    record_optimizers()
    record_schedules()
