"""Record torch's numbers for a real network into lib/rugged/parity/data/net.npz.

The case: rugged's `nets.Classifier` (a (64, 16, 10) tanh MLP, softmax cross-entropy) on the
training part of the digits (`rugged.datasets.split_digits()`), and the same network as
torch.nn layers, Linear(64, 16) → Tanh → Linear(16, 10) with F.cross_entropy, in float64:

* gradients: torch autograd's ∂L/∂θ at two points (the initial weights and weights after
  training), on a minibatch and on the whole training set;
* a whole minibatch training run: torch.optim.Adam from the same initial weights, on the
  same batches (`rugged.runner.minibatches`), its weights at CHECKPOINTS and its minibatch
  loss at every step.

The file also holds the case's settings, so the tests rebuild it from the file alone. Before
writing, the rugged side is run and compared (relative error ≤ TOLERANCE); the tests compare
with the file always, and with torch live when it is importable (they import this module).

torch is not a dependency of the course; run this in a separate environment:

    python3 -m venv /tmp/torch-env && /tmp/torch-env/bin/pip install torch==2.13.0 numpy
    /tmp/torch-env/bin/pip install --no-deps -e .
    /tmp/torch-env/bin/python tools/make_net_golden.py
"""

import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "lib" / "rugged" / "parity" / "data" / "net.npz"

CASE = dict(
    sizes=(64, 16, 10),       # the MLP: 64 pixels, 16 tanh units, 10 logits (1,210 parameters)
    init_seed=0,              # θ0 = MLP.init(init_seed)
    lr=0.01,                  # Adam(lr=0.01), torch's other defaults
    batch_size=32,
    batch_seed=0,             # runner.minibatches(n, batch_size, steps + 1, batch_seed)
    steps=300,                # about 9 epochs of the 1,078 training images
    grad_rows=32,             # the gradient check's minibatch: the first run's first batch
)
CHECKPOINTS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 150, 200, 250, 300)   # the steps whose θ are kept
TOLERANCE = 1e-10


def case_from(recorded):
    """The case's settings as stored in the golden file (a dict of arrays) → plain Python."""
    case = {key: recorded[f"case_{key}"] for key in CASE}
    case = {key: (tuple(int(v) for v in value) if value.ndim else value.item()) for key, value in case.items()}
    return case, tuple(int(t) for t in recorded["checkpoints"])


def rugged_side(case, checkpoints):
    """rugged's numbers for the case: (problem, θ0, batches, {name: array}) without torch."""
    from rugged import datasets, descend, nets, optim
    from rugged.runner import minibatches

    train = datasets.split_digits().train
    net = nets.MLP(case["sizes"])
    problem = nets.Classifier(net, train.X, train.y)
    theta0 = net.init(case["init_seed"])
    batches = minibatches(problem.n_examples, case["batch_size"], case["steps"] + 1, case["batch_seed"])
    path = descend(problem, optim.Adam(lr=case["lr"]), theta0, case["steps"],
                   batch_size=case["batch_size"], seed=case["batch_seed"])
    assert np.array_equal(path.batches, batches)
    rows = batches[0][:case["grad_rows"]]
    points = np.stack([theta0, path.params[-1]])
    values = {
        "grad_batch": problem.batch_grad(points, rows),
        "grad_full": problem.grad(points),
        "params": path.params[list(checkpoints)],
        "batch_loss": np.array([problem.batch_loss(p, b) for p, b in zip(path.params[:-1], batches)]),
    }
    return problem, theta0, batches, points, values


def torch_model(sizes, theta):
    """torch.nn layers (Linear, Tanh, …, Linear) in float64 holding rugged's flat θ."""
    import torch
    from rugged import nets

    layers = []
    for k, (W, b) in enumerate(nets.MLP(sizes).unflatten(np.asarray(theta))):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))   # torch's weight is (out, in)
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear] + ([torch.nn.Tanh()] if k < len(sizes) - 2 else [])
    return torch.nn.Sequential(*layers)


def torch_flat(model, attribute):
    """A torch model's weights (attribute 'data') or gradients ('grad') in rugged's flat layout."""
    parts = []
    for layer in model:
        if hasattr(layer, "weight"):
            parts += [getattr(layer.weight, attribute).detach().numpy().T.ravel(),
                      getattr(layer.bias, attribute).detach().numpy().ravel()]
    return np.concatenate(parts)


def torch_gradient(sizes, theta, X, y):
    """torch autograd's ∇ of the mean cross-entropy at θ on (X, y)."""
    import torch
    import torch.nn.functional as F

    model = torch_model(sizes, theta)
    loss = F.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y))
    loss.backward()
    return torch_flat(model, "grad")


def torch_side(case, checkpoints, problem, theta0, batches, points):
    """torch's numbers for the case, named as `rugged_side`'s."""
    import torch
    import torch.nn.functional as F

    X, y = problem.X, problem.y
    rows = batches[0][:case["grad_rows"]]
    model = torch_model(case["sizes"], theta0)
    optimizer = torch.optim.Adam(model.parameters(), lr=case["lr"])
    params, losses = [torch_flat(model, "data")], []
    for rows_t in batches[:case["steps"]]:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(torch.from_numpy(X[rows_t])), torch.from_numpy(y[rows_t]))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        params.append(torch_flat(model, "data"))
    return {
        "grad_batch": np.stack([torch_gradient(case["sizes"], p, X[rows], y[rows]) for p in points]),
        "grad_full": np.stack([torch_gradient(case["sizes"], p, X, y) for p in points]),
        "params": np.array(params)[list(checkpoints)],
        "batch_loss": np.array(losses),
    }


def errors(values, reference):
    """{name: largest relative error} of rugged's values against torch's (per row: ‖Δ‖∞ / ‖ref‖∞)."""
    from rugged.runner import relative_error

    return {name: relative_error(np.atleast_2d(values[name]), np.atleast_2d(reference[name]))
            for name in reference}


def main():
    import torch

    torch.set_default_dtype(torch.float64)
    problem, theta0, batches, points, ours = rugged_side(CASE, CHECKPOINTS)
    theirs = torch_side(CASE, CHECKPOINTS, problem, theta0, batches, points)
    found = errors(ours, theirs)
    for name, error in found.items():
        print(f"{name:>10}: relative error {error:.3g}")
    assert max(found.values()) <= TOLERANCE, found
    np.savez_compressed(OUT, torch_version=torch.__version__, checkpoints=np.array(CHECKPOINTS),
                        **{f"case_{key}": np.array(value) for key, value in CASE.items()}, **theirs)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
