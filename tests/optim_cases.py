"""The problems and settings on which rugged.optim is compared with torch.optim.

Shared by the golden-value generator (run with torch) and the parity tests (run
without it). Only NumPy: both sides compute the very same gradients with this code,
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
