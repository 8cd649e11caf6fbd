"""Time a 100,000-step Adam path on the Pokémon surface: rugged.descend against torch.optim.Adam.

    python benchmarks/optimizer_speed.py [--steps 100000] [--repeats 3]

Both sides get the same analytic gradients from `surfaces.pokemon().grad`; torch's side
(skipped when torch is not importable) sets `p.grad` and calls `optimizer.step()`, and
records the parameters every step, as `descend` does. The best of `--repeats` runs counts.
"""

import argparse
import time

import numpy as np

from rugged import descend, optim, surfaces


def time_rugged(surface, steps):
    start = time.perf_counter()
    path = descend(surface, optim.Adam(lr=1.0), start=surface.start, steps=steps)
    return time.perf_counter() - start, path.params[-1]


def time_torch(surface, steps):
    import torch
    param = torch.nn.Parameter(torch.tensor(surface.start, dtype=torch.float64))
    optimizer = torch.optim.Adam([param], lr=1.0)
    record = np.empty((steps + 1, 2))
    start = time.perf_counter()
    p = param.detach().numpy()
    for t in range(steps):
        record[t] = p
        param.grad = torch.from_numpy(surface.grad(p))
        optimizer.step()
    record[steps] = p
    return time.perf_counter() - start, record[-1].copy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    surface = surfaces.pokemon()
    ours, end = min(time_rugged(surface, args.steps) for _ in range(args.repeats))
    print(f"rugged.descend + optim.Adam: {ours:.3f} s for {args.steps} steps "
          f"({ours / args.steps * 1e6:.1f} µs/step), end {np.round(end, 4)}")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch.optim.Adam: torch not installed, skipped")
        return
    theirs, end_torch = min(time_torch(surface, args.steps) for _ in range(args.repeats))
    print(f"torch.optim.Adam:            {theirs:.3f} s for {args.steps} steps "
          f"({theirs / args.steps * 1e6:.1f} µs/step), end {np.round(end_torch, 4)}")
    gap = np.max(np.abs(end - end_torch) / np.abs(end_torch))
    print(f"speed-up: {theirs / ours:.1f}x (endpoints agree to a relative {gap:.0e})")


if __name__ == "__main__":
    main()
