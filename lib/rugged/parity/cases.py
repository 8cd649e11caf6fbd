"""The cases on which rugged is compared with torch: optimizers (problems and settings)
and schedules.

Shared by the golden-value generator (tools/make_golden.py, run with torch) and the parity
tests and notebooks (run without it). Only NumPy: both sides compute the very same gradients with this code,
so any difference in the trajectories comes from the optimizers alone.
"""

import numpy as np

STEPS = 50


def rosenbrock_grad(p):
    """Gradient of the curved valley (1 − x)² + 100 (y − x²)², for a point of shape (2,)."""
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


_DIM = 8
_SCALES = np.logspace(-1, 1, _DIM)
_CENTRE = np.linspace(-1, 1, _DIM)


def coupled_grad(p):
    """Gradient of Σ_i a_i (θ_i − c_i)² + 0.05 (Σ_i θ_i²)², an 8-parameter problem."""
    return 2 * _SCALES * (p - _CENTRE) + 0.2 * np.dot(p, p) * p


PROBLEMS = {
    "rosenbrock": (rosenbrock_grad, [-1.2, 1.0]),
    "coupled": (coupled_grad, list(np.linspace(0.5, -0.5, _DIM))),
}

# (optimizer class name, keyword arguments); lr is chosen per optimizer so that every
# trajectory moves a good way without diverging on either problem.
CASES = [
    ("SGD", dict(lr=1e-3)),
    ("SGD", dict(lr=1e-3, momentum=0.9)),
    ("SGD", dict(lr=1e-3, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=1e-3, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=1e-3, weight_decay=0.1)),
    ("SGD", dict(lr=1e-3, momentum=0.5, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, eps=1e-3, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("RMSprop", dict(lr=1e-2)),
    ("RMSprop", dict(lr=1e-2, alpha=0.9)),
    ("RMSprop", dict(lr=1e-2, centered=True)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=1e-2, eps=1e-2, weight_decay=0.1)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.05, betas=(0.3, 0.9), eps=1e-3, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True)),
    ("RAdam", dict(lr=2e-3)),
    ("RAdam", dict(lr=2e-3, betas=(0.9, 0.99))),
    ("RAdam", dict(lr=2e-3, weight_decay=0.1)),
    ("RAdam", dict(lr=2e-3, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.02)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.5, 0.99))),
]


def case_id(name, kwargs):
    """A readable test id, e.g. 'Adam(lr=0.05, amsgrad=True)'."""
    return f"{name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"


def run(make_step, problem):
    """The trajectory (STEPS + 1, d) of an optimizer given by `make_step(start) -> step(grad)`."""
    grad, start = PROBLEMS[problem]
    params = np.array(start, dtype=float)
    step = make_step(params)
    path = [params]
    for _ in range(STEPS):
        params = step(grad(params))
        path.append(params)
    return np.array(path)


# ---------------------------------------------------------------------------------------
# Schedules: a rugged schedule (class name and keyword arguments), a base lr, a number of steps.

def part(name, **kwargs):
    """One scheduler of a SequentialLR case."""
    return {"name": name, "kwargs": kwargs}


SCHEDULE_CASES = [   # (name, kwargs, base_lr, steps)
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
