"""Time 100,000-step paths on the Pokémon surface: rugged.descend against torch.optim.

    python benchmarks/optimizer_speed.py [--steps 100000] [--repeats 3] [--torch Adam,SGD]

Every optimizer of `rugged.optim` is timed through `descend` (one start: the fast path on
floats). torch's side (skipped when torch is not importable; by default Adam only, as each
torch run takes seconds) is fed the same analytic gradients from `surfaces.pokemon().grad`,
sets `p.grad`, calls `optimizer.step()` and records the parameters every step, as `descend`
does. The best of `--repeats` runs counts. Both sides' paths are compared over the first
50 steps (where the torch-parity tests hold them to 1e-12) and at the end: over a long
run a difference in the last bit, multiplied by the surface's curvature ratio of ~3·10⁵,
grows, so the endpoints agree less closely than the early steps.
"""

import argparse
import time

import numpy as np

from rugged import descend, optim, surfaces
from rugged.runner import relative_error

# (name, rugged optimizer, torch class and arguments): lr 1 for the adaptive ones (the
# lecture's demo), a GD-sized lr for SGD, which diverges on this surface above ~2e-6.
CASES = [
    ("Adam", lambda: optim.Adam(lr=1.0), ("Adam", dict(lr=1.0))),
    ("AdamW", lambda: optim.AdamW(lr=1.0), ("AdamW", dict(lr=1.0))),
    ("NAdam", lambda: optim.NAdam(lr=1.0), ("NAdam", dict(lr=1.0))),
    ("RAdam", lambda: optim.RAdam(lr=1e-6), ("RAdam", dict(lr=1e-6))),
    ("Adagrad", lambda: optim.Adagrad(lr=1.0), ("Adagrad", dict(lr=1.0))),
    ("RMSprop", lambda: optim.RMSprop(lr=0.1), ("RMSprop", dict(lr=0.1))),
    ("SGD", lambda: optim.SGD(lr=1e-6), ("SGD", dict(lr=1e-6))),
    ("SGD momentum", lambda: optim.SGD(lr=1e-7, momentum=0.9), ("SGD", dict(lr=1e-7, momentum=0.9))),
    ("LectureAdagrad", lambda: optim.LectureAdagrad(lr=1.0), None),
    ("LectureRMSProp", lambda: optim.LectureRMSProp(lr=0.1), None),
]


def time_rugged(surface, make, steps):
    start = time.perf_counter()
    path = descend(surface, make(), start=surface.start, steps=steps)
    return time.perf_counter() - start, path


def time_torch(surface, spec, steps):
    import torch
    torch.set_default_dtype(torch.float64)   # as the golden values: NAdam keeps its μ product in it
    name, kwargs = spec
    param = torch.nn.Parameter(torch.tensor(surface.start, dtype=torch.float64))
    optimizer = getattr(torch.optim, name)([param], **kwargs)
    record = np.empty((steps + 1, 2))
    start = time.perf_counter()
    p = param.detach().numpy()
    for t in range(steps):
        record[t] = p
        param.grad = torch.from_numpy(surface.grad(p))
        optimizer.step()
    record[steps] = p
    return time.perf_counter() - start, record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--torch", default="Adam",
                        help="comma-separated names of the cases to run in torch too ('all' for every one)")
    args = parser.parse_args()
    surface = surfaces.pokemon()
    try:
        import torch  # noqa: F401
        with_torch = True
    except ImportError:
        with_torch = False
    wanted = {c[0] for c in CASES} if args.torch == "all" else set(args.torch.split(","))
    print(f"{args.steps:,} steps on pokemon(), best of {args.repeats}:")
    for name, make, spec in CASES:
        ours, path = min((time_rugged(surface, make, args.steps) for _ in range(args.repeats)),
                         key=lambda run: run[0])
        line = f"  {name:15s} rugged {ours:6.3f} s ({ours / args.steps * 1e6:4.2f} µs/step)"
        if with_torch and spec is not None and name in wanted:
            theirs, record = min((time_torch(surface, spec, args.steps) for _ in range(args.repeats)),
                                 key=lambda run: run[0])
            early = relative_error(path.params[:51], record[:51])
            end = float(np.max(np.abs(path.params[-1] - record[-1]) / np.abs(record[-1])))
            line += (f" · torch.optim {theirs:6.2f} s: {theirs / ours:5.1f}× faster "
                     f"(paths agree to {early:.0e} over 50 steps, {end:.0e} at the end)")
        print(line, flush=True)
    if not with_torch:
        print("torch not installed: torch.optim's side skipped")


if __name__ == "__main__":
    main()
