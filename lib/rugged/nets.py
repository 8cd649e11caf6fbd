"""A tiny NumPy network with hand-written backprop, and the synthetic data it fits.

The parameters of a network are ONE flat float64 vector θ, so a network's loss is just
another surface: `Regression(net, X, y)` has `loss(θ)`, `grad(θ)` and `hessian(θ)` like
every other problem in the course. Both `loss` and `grad` accept θ of shape (d,) or a
batch of shape (k, d), which is computed in one vectorised pass.

The forward and backward passes use only complex-analytic operations (matmul, tanh, exp,
log1p; no abs, conj or casts), so they also run on complex θ. That gives the exact
Hessian by the complex step: H[:, j] = Im(∇L(θ + i·h·e_j)) / h, with no subtractive
cancellation, so h can be tiny (1e-30) and H is exact to rounding.
"""

from dataclasses import dataclass

import numpy as np

COMPLEX_STEP = 1e-30


def _where_right(z):
    """True where Re z ≥ 0: picks the overflow-free branch of sigmoid and softplus."""
    return np.real(z) >= 0


def _sigmoid(z):
    """1 / (1 + e^{−z}), evaluated without overflow for either sign of Re z."""
    right = _where_right(z)
    e = np.exp(np.where(right, -z, z))
    return np.where(right, 1 / (1 + e), e / (1 + e))


def _softplus(z):
    """log(1 + e^z), evaluated without overflow for either sign of Re z."""
    right = _where_right(z)
    return np.where(right, z, 0) + np.log1p(np.exp(np.where(right, -z, z)))


def _tanh_prime(z):
    """d tanh / dz = 1 − tanh²."""
    return 1 - np.tanh(z) ** 2


def _sigmoid_prime(z):
    """d σ / dz = σ (1 − σ)."""
    s = _sigmoid(z)
    return s * (1 - s)


# name → (activation, its derivative)
ACTIVATIONS = {
    "tanh": (np.tanh, _tanh_prime),
    "sigmoid": (_sigmoid, _sigmoid_prime),
    "softplus": (_softplus, _sigmoid),
}


class MLP:
    """A fully connected network: `sizes[0]` inputs, hidden layers with `activation`,
    a linear output layer of `sizes[-1]` units.

    Layer l computes z = a W + b with W of shape (n_in, n_out), so a sample is a row.
    θ stores, layer by layer, W (row-major) and then b.
    """

    def __init__(self, sizes=(1, 4, 1), activation="tanh"):
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive widths, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.sizes = tuple(sizes)
        self.activation = activation
        self.shapes = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.n_params = sum(n_in * n_out + n_out for n_in, n_out in self.shapes)

    def __repr__(self):
        return f"MLP(sizes={self.sizes}, activation={self.activation!r})"

    def unflatten(self, theta):
        """θ of shape (..., n_params) → list of (W, b), W (..., n_in, n_out), b (..., n_out)."""
        theta = np.asarray(theta)
        if theta.shape[-1] != self.n_params:
            raise ValueError(f"θ must have {self.n_params} entries in its last axis, got shape {theta.shape}")
        batch = theta.shape[:-1]
        layers, start = [], 0
        for n_in, n_out in self.shapes:
            W = theta[..., start:start + n_in * n_out].reshape(batch + (n_in, n_out))
            start += n_in * n_out
            layers.append((W, theta[..., start:start + n_out]))
            start += n_out
        return layers

    def init(self, seed=0):
        """Xavier-normal weights (variance 2 / (n_in + n_out)) and zero biases, as θ."""
        rng = np.random.default_rng(seed)
        parts = []
        for n_in, n_out in self.shapes:
            parts += [rng.normal(0, np.sqrt(2 / (n_in + n_out)), n_in * n_out), np.zeros(n_out)]
        return np.concatenate(parts)

    def forward(self, theta, X):
        """Outputs of shape (..., n, sizes[-1]) for inputs X of shape (n, sizes[0])."""
        return self._forward(theta, X)[0][-1]

    def _forward(self, theta, X):
        """Activations a_0 = X, …, a_L (the output) and pre-activations z_1, …, z_L."""
        act = ACTIVATIONS[self.activation][0]
        layers = self.unflatten(theta)
        a, z = [np.asarray(X)], []
        for l, (W, b) in enumerate(layers):
            z.append(a[-1] @ W + b[..., None, :])
            a.append(z[-1] if l == len(layers) - 1 else act(z[-1]))
        return a, z

    def backward(self, theta, X, d_out):
        """∂L/∂θ by backprop, given d_out = ∂L/∂(outputs) of shape (..., n, sizes[-1])."""
        act_prime = ACTIVATIONS[self.activation][1]
        a, z = self._forward(theta, X)
        layers = self.unflatten(theta)
        batch = np.shape(theta)[:-1]
        delta, grads = d_out, []
        for l in reversed(range(len(layers))):
            W = layers[l][0]
            grads = [(np.swapaxes(a[l], -1, -2) @ delta).reshape(batch + (-1,)), delta.sum(axis=-2)] + grads
            if l > 0:
                delta = (delta @ np.swapaxes(W, -1, -2)) * act_prime(z[l - 1])
        return np.concatenate(grads, axis=-1)


@dataclass
class Regression:
    """Fit `net` to (X, y) by the mean squared error, halved:

        L(θ) = ½ · mean_n (f_θ(x_n) − y_n)²

    (the ½ makes ∇L = mean_n (f − y) ∂f/∂θ). `loss` and `grad` take θ of shape (d,) or
    (k, d); `hessian` takes θ of shape (d,) and is exact to rounding (complex step).
    """

    net: MLP
    X: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        self.X = np.asarray(self.X, dtype=float).reshape(len(self.X), -1)
        self.y = np.asarray(self.y, dtype=float).reshape(len(self.X), -1)

    @property
    def n_params(self):
        """Number of parameters d."""
        return self.net.n_params

    def residual(self, theta):
        """f_θ(X) − y, shape (..., n, n_out)."""
        return self.net.forward(theta, self.X) - self.y

    def loss(self, theta):
        """L(θ): a float for θ of shape (d,), an array (k,) for a batch (k, d)."""
        r = self.residual(theta)
        return 0.5 * np.mean(r ** 2, axis=(-2, -1))

    def grad(self, theta):
        """∇L(θ) by backprop, shaped like θ."""
        r = self.residual(theta)
        return self.net.backward(theta, self.X, r / r.shape[-2] / r.shape[-1])

    def hessian(self, theta):
        """The exact Hessian ∇²L(θ), (d, d), by the complex step on the backprop gradient."""
        theta = np.asarray(theta, dtype=float)
        probes = theta + 1j * COMPLEX_STEP * np.eye(theta.size)
        H = np.imag(self.grad(probes)) / COMPLEX_STEP
        return (H + H.T) / 2


def _sine(x, rng):
    return np.sin(2 * x) + 0.1 * rng.standard_normal(x.shape)


def _step(x, rng):
    return np.sign(x) + 0.1 * rng.standard_normal(x.shape)


DATA = {"sine": _sine, "step": _step}


def synthetic_data(n=40, seed=0, kind="sine"):
    """n points x ~ Uniform[−2, 2] (sorted) and noisy targets, deterministic given `seed`.

    kind "sine": y = sin(2x) + 0.1·noise; kind "step": y = sign(x) + 0.1·noise.
    Returns X of shape (n, 1) and y of shape (n,).
    """
    if kind not in DATA:
        raise ValueError(f"kind must be one of {sorted(DATA)}, got {kind!r}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-2, 2, n))
    return x[:, None], DATA[kind](x, rng)
