"""Record torch.optim.lr_scheduler's learning rates on CASES as tests/golden/schedules.json.

torch is not a requirement of the course; run this in a separate environment:

    python -m venv /tmp/t && /tmp/t/bin/pip install torch==2.13.0 numpy && /tmp/t/bin/python tests/make_golden_schedules.py

A case is a rugged schedule (class name and keyword arguments), a base lr and a number of
steps. The schedules named as in torch are built from torch.optim.lr_scheduler; the
lecture's and papers' schedules from their LambdaLR/SequentialLR equivalents (EQUIVALENTS).
The lr recorded for step t is the one SGD(lr=base_lr) uses in its (t+1)-th step, with
scheduler.step() called after every optimizer.step().
"""

import json
import math
import pathlib
import warnings

import torch
from torch.optim import lr_scheduler

HERE = pathlib.Path(__file__).parent


def part(name, **kwargs):
    """One scheduler of a SequentialLR case."""
    return {"name": name, "kwargs": kwargs}


CASES = [   # (name, kwargs, base_lr, steps)
    ("Constant", {}, 0.1, 200),
    ("StepLR", {"step_size": 30}, 0.1, 300),
    ("StepLR", {"step_size": 7, "gamma": 0.5}, 0.37, 200),
    ("MultiStepLR", {"milestones": [30, 80, 80, 150], "gamma": 0.3}, 0.1, 200),
    ("ExponentialLR", {"gamma": 0.98}, 0.1, 300),
    ("ExponentialLR", {"gamma": 0.999}, 1.0, 300),
    ("ConstantLR", {"factor": 0.1, "total_iters": 100}, 0.1, 200),
    ("LinearLR", {}, 0.1, 200),
    ("LinearLR", {"start_factor": 0.01, "end_factor": 1.0, "total_iters": 100}, 0.5, 200),
    ("LinearLR", {"start_factor": 0.3, "end_factor": 0.0, "total_iters": 33}, 0.1, 200),
    ("CosineAnnealingLR", {"T_max": 200}, 0.1, 201),
    ("CosineAnnealingLR", {"T_max": 50, "eta_min": 0.001}, 0.1, 400),
    ("CosineAnnealingLR", {"T_max": 500, "eta_min": 0.05}, 0.1, 1000),
    ("SequentialLR", {"schedulers": [part("LinearLR", start_factor=0.01, total_iters=20),
                                     part("CosineAnnealingLR", T_max=180, eta_min=1e-4)],
                      "milestones": [20]}, 0.1, 300),
    ("SequentialLR", {"schedulers": [part("ConstantLR", factor=0.1, total_iters=10),
                                     part("ExponentialLR", gamma=0.97)],
                      "milestones": [10]}, 0.5, 200),
    ("SequentialLR", {"schedulers": [part("LinearLR", start_factor=0.1, total_iters=10),
                                     part("ExponentialLR", gamma=0.99),
                                     part("CosineAnnealingLR", T_max=100, eta_min=0.001)],
                      "milestones": [10, 60]}, 0.2, 250),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 200}, 0.1, 201),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 250, "pct_start": 0.4, "three_phase": True}, 1.0, 251),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 300, "pct_start": 0.25, "anneal_strategy": "linear",
                    "div_factor": 10.0, "final_div_factor": 100.0, "three_phase": True}, 0.01, 301),
    ("InverseSqrtDecay", {}, 0.1, 300),
    ("ResNetWarmup", {}, 0.1, 450),
    ("ResNetWarmup", {"warmup_lr": 0.005, "warmup_steps": 50}, 0.05, 200),
    ("TransformerSchedule", {"d_model": 512, "warmup_steps": 100}, 1.0, 300),
    ("TransformerSchedule", {"d_model": 64, "warmup_steps": 40}, 2.0, 200),
    ("WarmupCosine", {"warmup_steps": 20, "total_steps": 220}, 0.1, 221),
    ("WarmupCosine", {"warmup_steps": 50, "total_steps": 250, "eta_min": 0.001}, 0.3, 251),
]


def constant(optimizer, base_lr):
    return lr_scheduler.LambdaLR(optimizer, lambda t: 1.0)


def inverse_sqrt_decay(optimizer, base_lr):
    return lr_scheduler.LambdaLR(optimizer, lambda t: 1 / math.sqrt(t + 1))


def resnet_warmup(optimizer, base_lr, warmup_lr=0.01, warmup_steps=400):
    return lr_scheduler.LambdaLR(optimizer, lambda t: warmup_lr / base_lr if t < warmup_steps else 1.0)


def transformer_schedule(optimizer, base_lr, d_model=512, warmup_steps=4000):
    return lr_scheduler.LambdaLR(
        optimizer, lambda t: d_model ** -0.5 * min((t + 1) ** -0.5, (t + 1) * warmup_steps ** -1.5))


def warmup_cosine(optimizer, base_lr, warmup_steps, total_steps, eta_min=0.0):
    """Equal to rugged's for t ≤ total_steps; after that torch's cosine rises again."""
    warmup = lr_scheduler.LambdaLR(optimizer, lambda t: (t + 1) / warmup_steps)
    decay = lr_scheduler.CosineAnnealingLR(optimizer, total_steps - warmup_steps, eta_min)
    return lr_scheduler.SequentialLR(optimizer, [warmup, decay], milestones=[warmup_steps])


EQUIVALENTS = {"Constant": constant, "InverseSqrtDecay": inverse_sqrt_decay,
               "ResNetWarmup": resnet_warmup, "TransformerSchedule": transformer_schedule,
               "WarmupCosine": warmup_cosine}


def torch_scheduler(optimizer, name, kwargs, base_lr):
    """torch's scheduler for the rugged schedule `name(**kwargs)`."""
    if name in EQUIVALENTS:
        return EQUIVALENTS[name](optimizer, base_lr, **kwargs)
    if name == "SequentialLR":
        parts = [torch_scheduler(optimizer, p["name"], p["kwargs"], base_lr) for p in kwargs["schedulers"]]
        kwargs = dict(kwargs, schedulers=parts)
    return getattr(lr_scheduler, name)(optimizer, **kwargs)


def torch_lrs(name, kwargs, base_lr, steps):
    """The lr that torch's optimizer uses in each of its first `steps` steps."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=base_lr)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch's notices about scheduler call order
        scheduler = torch_scheduler(optimizer, name, kwargs, base_lr)
        for t in range(steps):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if t + 1 < steps:   # OneCycleLR refuses to go past total_steps
                scheduler.step()
    return lrs


def main():
    cases = [{"name": name, "kwargs": kwargs, "base_lr": base_lr, "steps": steps,
              "torch": torch.__version__, "lrs": torch_lrs(name, kwargs, base_lr, steps)}
             for name, kwargs, base_lr, steps in CASES]
    lines = ",\n".join(json.dumps(case) for case in cases)
    (HERE / "golden" / "schedules.json").write_text(f"[\n{lines}\n]\n")
    print(f"wrote {len(cases)} schedules with torch {torch.__version__}")


if __name__ == "__main__":
    main()
