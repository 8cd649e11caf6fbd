"""Replaying the parity cases with torch. Importing this module needs torch, which the course
does not install; nothing else in rugged imports it.

Used by tools/make_golden.py to record the reference values, and by the tests and notebook
05 to compare live when torch happens to be importable. The lecture's and the papers'
schedules are built from torch's LambdaLR/SequentialLR equivalents (EQUIVALENTS). The lr
recorded for step t is the one SGD(lr=base_lr) uses in its (t+1)-th step, with
scheduler.step() called after every optimizer.step().
"""

import math
import warnings

import numpy as np
import torch
from torch.optim import lr_scheduler


def torch_stepper(name, kwargs):
    """A `make_step` for cases.run that drives torch.optim.<name> with given gradients."""

    def make_step(start):
        param = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        optimizer = getattr(torch.optim, name)([param], **kwargs)

        def step(grad):
            param.grad = torch.from_numpy(np.asarray(grad, dtype=np.float64).copy())
            optimizer.step()
            return param.detach().numpy().copy()
        return step
    return make_step


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
