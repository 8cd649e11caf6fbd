"""A tiny NumPy network with hand-written backprop, and the synthetic data it fits.

The parameters of a network are ONE flat float64 vector θ, so a network's loss is just
another surface: `Regression(net, X, y)` has `loss(θ)`, `grad(θ)` and `hessian(θ)` like
every other problem in the course. Both `loss` and `grad` accept θ of shape (d,) or a
batch of shape (k, d), which is computed in one vectorised pass. `default_problem()` is
the network on which plain gradient descent stalls far from a critical point.
`Classifier(net, X, y)` is the same for classes (softmax cross-entropy on integer labels,
e.g. the digits of `rugged.datasets`). Both are made of examples: `batch_grad(θ, rows)` is
the gradient on a minibatch of rows, which `rugged.descend(…, batch_size=…)` uses.

`Regression.hessian` is exact to rounding: backprop's gradient differentiated along every
coordinate at once (forward mode over backprop). The forward and backward passes use only
complex-analytic operations (matmul, tanh, exp, log1p; no abs, conj or casts), so they also
run on complex θ, and the tests check that Hessian against the complex step,
H[:, j] = Im(∇L(θ + i·h·e_j)) / h (no subtractive cancellation, so h can be tiny, 1e-30).
"""

from dataclasses import dataclass

import numpy as np

from .surfaces import every_example, example_rows


def _sigmoid(z):
    """1 / (1 + e^{−z}); the branch on the sign of Re z keeps e^{…} from overflowing."""
    right = np.real(z) >= 0
    e = np.exp(np.where(right, -z, z))
    return np.where(right, 1 / (1 + e), e / (1 + e))


def _softplus(z):
    """log(1 + e^z); the branch on the sign of Re z keeps e^{…} from overflowing."""
    right = np.real(z) >= 0
    return np.where(right, z, 0) + np.log1p(np.exp(np.where(right, -z, z)))


def _tanh_prime(z, a):
    """d tanh / dz = 1 − tanh², from the activation a = tanh(z) the forward pass kept."""
    return 1 - a ** 2


def _sigmoid_prime(z, a):
    """d σ / dz = σ (1 − σ), from a = σ(z)."""
    return a * (1 - a)


def _softplus_prime(z, a):
    """d softplus / dz = σ(z)."""
    return _sigmoid(z)


def _tanh_second(z, a, a1):
    """d² tanh / dz² = −2 tanh · tanh′, from a = tanh(z) and a1 = tanh′(z)."""
    return -2 * a * a1


def _sigmoid_second(z, a, a1):
    """d² σ / dz² = σ′ (1 − 2σ)."""
    return a1 * (1 - 2 * a)


def _softplus_second(z, a, a1):
    """d² softplus / dz² = σ′(z) = σ(z)(1 − σ(z)), with a1 = σ(z)."""
    return a1 * (1 - a1)


# name → (activation, its derivative from the pre-activation z and the activation a,
#         its second derivative from z, a and the first derivative a1)
ACTIVATIONS = {
    "tanh": (np.tanh, _tanh_prime, _tanh_second),
    "sigmoid": (_sigmoid, _sigmoid_prime, _sigmoid_second),
    "softplus": (_softplus, _softplus_prime, _softplus_second),
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
            raise ValueError(f"θ must have {self.n_params} entries in its last axis, "
                             f"got shape {theta.shape}")
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
        return self.trace(theta, X)[1][-1]

    def trace(self, theta, X):
        """The forward pass, keeping what backprop needs: the layers (W, b), the
        activations a_0 = X, …, a_L (the outputs) and the pre-activations z_1, …, z_L."""
        act = ACTIVATIONS[self.activation][0]
        layers = self.unflatten(theta)
        a, z = [np.asarray(X)], []
        for k, (W, b) in enumerate(layers):
            z.append(a[-1] @ W + b[..., None, :])
            a.append(z[-1] if k == len(layers) - 1 else act(z[-1]))
        return layers, a, z

    def backward(self, trace, d_out):
        """∂L/∂θ by backprop, from a `trace` and d_out = ∂L/∂(outputs), (..., n, sizes[-1]).

        From the output back, δ = ∂L/∂z of a layer gives ∂L/∂W = aᵀδ (a: the layer's
        input), ∂L/∂b = Σ_n δ, and the previous layer's δ = (δ Wᵀ) ⊙ act′(z) (act′ from z and
        the kept activation a = act(z): tanh′ = 1 − a², with no second tanh).
        """
        act_prime = ACTIVATIONS[self.activation][1]
        layers, a, z = trace
        batch = d_out.shape[:-2]
        delta, grads = d_out, []
        for k in reversed(range(len(layers))):
            dW = (np.swapaxes(a[k], -1, -2) @ delta).reshape(batch + (-1,))
            grads = [dW, delta.sum(axis=-2)] + grads
            if k > 0:
                delta = (delta @ np.swapaxes(layers[k][0], -1, -2)) * act_prime(z[k - 1], a[k])
        return np.concatenate(grads, axis=-1)

    def gradient_tangents(self, trace, d_out, d_out_tangent):
        """How `backward`'s gradient changes along each coordinate direction e_j of θ: rows
        ∂(∇L)/∂θ_j, (d, d), for one θ (forward mode over backprop, exact to rounding).

        trace: `trace(θ, X)` for one θ; d_out: ∂L/∂(outputs) there, (n, sizes[-1]);
        d_out_tangent(ȯ): the change of d_out when the outputs change by ȯ, (d, n, sizes[-1])
        (for ½·mean squared error, ȯ / the number of outputs).
        Every quantity x of the passes gets its tangent ẋ along all d directions at once:
        ż = ȧ_prev W + a_prev Ẇ + ḃ, ȧ = act′(z) ż; then backprop's δ and its tangent
        δ̇ = (δ̇ Wᵀ + δ Ẇᵀ) ⊙ act′ + (δ Wᵀ) ⊙ act″ ż, and the gradient's tangents ȧ_prevᵀ δ + a_prevᵀ δ̇.
        """
        _, act_prime, act_second = ACTIVATIONS[self.activation]
        layers, a, z = trace
        directions = self.unflatten(np.eye(self.n_params))       # (d, n_in, n_out), (d, n_out)
        d, last = self.n_params, len(layers) - 1
        # each product over the d directions is one matrix product (tensordot), not d small ones
        a_dot, z_dot, primes = [None], [], []
        for k, ((W, _), (W_dot, b_dot)) in enumerate(zip(layers, directions)):
            z_k = np.tensordot(a[k], W_dot, axes=([1], [1])).transpose(1, 0, 2) + b_dot[:, None, :]
            if a_dot[-1] is not None:
                z_k += (a_dot[-1].reshape(-1, W.shape[0]) @ W).reshape(z_k.shape)
            z_dot.append(z_k)
            if k < last:
                primes.append(act_prime(z[k], a[k + 1]))
                a_dot.append(primes[-1] * z_k)
        delta, delta_dot = d_out, d_out_tangent(z_dot[-1])
        rows = []
        for k in reversed(range(len(layers))):
            grad_W = np.tensordot(a[k], delta_dot, axes=([0], [1])).transpose(1, 0, 2)
            if a_dot[k] is not None:
                grad_W += np.tensordot(a_dot[k], delta, axes=([1], [0]))
            rows = [grad_W.reshape(d, -1), delta_dot.sum(axis=-2)] + rows
            if k > 0:
                W, W_dot = layers[k][0], directions[k][0]
                back = delta @ W.T
                second = act_second(z[k - 1], a[k], primes[k - 1])
                turned = (delta_dot.reshape(-1, W.shape[1]) @ W.T).reshape(d, -1, W.shape[0])
                turned += np.tensordot(delta, W_dot, axes=([1], [2])).transpose(1, 0, 2)
                delta_dot = turned * primes[k - 1] + back * second * z_dot[k - 1]
                delta = back * primes[k - 1]
        return np.concatenate(rows, axis=-1)


@dataclass
class Regression:
    """Fit `net` to (X, y) by the mean squared error, halved, plus optional weight decay:

        L(θ) = ½ · mean_n (f_θ(x_n) − y_n)²  +  ½ · weight_decay · ‖θ‖²

    (the ½ makes ∇L = mean_n (f − y) ∂f/∂θ + weight_decay · θ). `loss` and `grad` take θ
    of shape (d,) or (k, d); `hessian` takes θ of shape (d,) and is exact to rounding.
    X is stored as (n, sizes[0]) and y as a column (n, sizes[-1]).
    """

    net: MLP
    X: np.ndarray
    y: np.ndarray
    weight_decay: float = 0.0

    def __post_init__(self):
        self.X = np.asarray(self.X, dtype=float).reshape(len(self.X), -1)
        self.y = np.asarray(self.y, dtype=float).reshape(len(self.X), -1)

    @property
    def n_params(self):
        """Number of parameters d."""
        return self.net.n_params

    def loss(self, theta):
        """L(θ): a float for θ of shape (d,), an array (k,) for a batch (k, d)."""
        theta = np.asarray(theta)
        return self._loss_from(theta, self.net.forward(theta, self.X) - self.y)

    def grad(self, theta):
        """∇L(θ) by backprop, shaped like θ."""
        theta = np.asarray(theta)
        trace = self.net.trace(theta, self.X)
        return self._grad_from(theta, trace, trace[1][-1] - self.y)

    def loss_and_grad(self, theta):
        """(`loss`, `grad`) from one forward pass: the same numbers, one pass fewer."""
        theta = np.asarray(theta)
        trace = self.net.trace(theta, self.X)
        r = trace[1][-1] - self.y
        return self._loss_from(theta, r), self._grad_from(theta, trace, r)

    # (not named _loss/_grad: those are a surface's unchecked formulas, which tuning looks for)
    def _loss_from(self, theta, r):
        loss = 0.5 * np.mean(r ** 2, axis=(-2, -1))
        if self.weight_decay:
            loss = loss + 0.5 * self.weight_decay * np.sum(theta ** 2, axis=-1)
        return loss

    def _grad_from(self, theta, trace, r):
        grad = self.net.backward(trace, r / self.y.size)
        if self.weight_decay:
            grad = grad + self.weight_decay * theta
        return grad

    def hessian(self, theta):
        """The exact Hessian ∇²L(θ), (d, d): backprop's gradient differentiated along every
        coordinate direction at once (`MLP.gradient_tangents`, forward mode over backprop).

        It equals the complex step on the same gradient, Im ∇L(θ + i·h·e_j)/h, to rounding (a
        test checks both), in real arithmetic, several times faster than the complex step.
        """
        theta = np.asarray(theta, dtype=float)
        if theta.ndim != 1:
            raise ValueError(f"hessian takes one θ of shape ({self.n_params},); got shape {theta.shape}")
        trace = self.net.trace(theta, self.X)
        H = self.net.gradient_tangents(trace, (trace[1][-1] - self.y) / self.y.size,
                                       lambda out_tangent: out_tangent / self.y.size)
        if self.weight_decay:
            H = H + self.weight_decay * np.eye(theta.size)
        return (H + H.T) / 2

    @property
    def n_examples(self):
        """The number of examples n (minibatches draw rows 0 … n−1)."""
        return len(self.X)

    def batch_grad(self, theta, rows):
        """∇ of the loss on the examples `rows` alone (the mean over them, plus the weight
        decay): the minibatch estimate of ∇L. rows: indices (r,), or (k, r) for θ of shape
        (k, d), one set per row of θ. Every example once: `grad(θ)` itself, to the last bit.
        """
        rows = example_rows(rows, self.n_examples)
        theta = np.asarray(theta)
        if every_example(rows, self.n_examples):
            return self.grad(theta)
        y = self.y[rows]
        trace = self.net.trace(theta, self.X[rows])
        grad = self.net.backward(trace, (trace[1][-1] - y) / (y.shape[-2] * y.shape[-1]))
        if self.weight_decay:
            grad = grad + self.weight_decay * theta
        return grad


def _log_softmax(z):
    """log of the softmax of the logits z along the last axis, shifted by the real part of their
    largest entry (so exp cannot overflow; the shift cancels exactly, also for complex z)."""
    z = z - np.real(z).max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


@dataclass
class Classifier:
    """Classify with `net` by softmax cross-entropy on integer labels (torch's cross_entropy):

        L(θ) = mean_n [ −log softmax(f_θ(x_n))_{y_n} ],

    where the net's `sizes[-1]` outputs are the logits of the classes 0 … C−1. Like
    `Regression`, a network problem is just another surface of a flat θ: `loss` and `grad`
    take θ of shape (d,) or (k, d); `batch_loss` and `batch_grad` do the same on a minibatch
    of rows (what `rugged.descend(…, batch_size=…)` calls). ∂L/∂logits = (softmax − one-hot)/n,
    and the net's backprop does the rest. X is stored as (n, sizes[0]) floats, y as int labels.
    """

    net: MLP
    X: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        self.X = np.asarray(self.X, dtype=float).reshape(len(self.X), -1)
        labels = np.asarray(self.y)
        classes = self.net.sizes[-1]
        if labels.shape != (len(self.X),):
            raise ValueError(f"y must hold one label per row of X, shape ({len(self.X)},); got {labels.shape}")
        if labels.dtype.kind not in "iu":
            raise TypeError(f"y must hold integer class labels; got dtype {labels.dtype}")
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            raise ValueError(f"Target {labels.min() if labels.min() < 0 else labels.max()} is out of "
                             f"bounds: the net has {classes} outputs, so labels must be 0 … {classes - 1}")
        if self.X.shape[1] != self.net.sizes[0]:
            raise ValueError(f"X must have {self.net.sizes[0]} features per row (the net's inputs); "
                             f"got {self.X.shape[1]}")
        self.y = labels.astype(np.int64)

    @property
    def n_params(self):
        """Number of parameters d."""
        return self.net.n_params

    @property
    def n_examples(self):
        """The number of examples n (minibatches draw rows 0 … n−1)."""
        return len(self.X)

    def _rows(self, rows):
        """(X, y) of the examples `rows` (all of them for None), and the checked rows."""
        if rows is None:
            return self.X, self.y, None
        rows = example_rows(rows, self.n_examples)
        if every_example(rows, self.n_examples):
            return self.X, self.y, None
        return self.X[rows], self.y[rows], rows

    @staticmethod
    def _picked(z, y):
        """z[..., n, y_n]: each example's entry at its label."""
        index = np.broadcast_to(y[..., None], z.shape[:-1] + (1,))
        return np.take_along_axis(z, index, axis=-1)[..., 0]

    def logits(self, theta, rows=None):
        """f_θ(x_n) for every example (or the examples `rows`), shape (..., n, C)."""
        X, _, _ = self._rows(rows)
        return self.net.forward(np.asarray(theta), X)

    def batch_loss(self, theta, rows):
        """The mean cross-entropy over the examples `rows` ((r,), or (k, r) for θ of shape (k, d))."""
        X, y, _ = self._rows(rows)
        z = self.net.forward(np.asarray(theta), X)
        return -np.mean(self._picked(_log_softmax(z), y), axis=-1)

    def batch_grad(self, theta, rows):
        """∇ of the mean cross-entropy over the examples `rows` ((r,), or (k, r) for θ of shape
        (k, d)): the minibatch estimate of ∇L. Every example once: `grad(θ)`, to the last bit."""
        return self.batch_loss_and_grad(theta, rows)[1]

    def batch_loss_and_grad(self, theta, rows):
        """(`batch_loss`, `batch_grad`) from one forward pass."""
        X, y, _ = self._rows(rows)
        theta = np.asarray(theta)
        trace = self.net.trace(theta, X)
        z = trace[1][-1]
        log_p = _log_softmax(z)
        d_out = np.exp(log_p) - (y[..., None] == np.arange(z.shape[-1]))
        return -np.mean(self._picked(log_p, y), axis=-1), self.net.backward(trace, d_out / z.shape[-2])

    def loss(self, theta):
        """L(θ): a float for θ of shape (d,), an array (k,) for a batch (k, d)."""
        return self.batch_loss(theta, None)

    def grad(self, theta):
        """∇L(θ) by backprop, shaped like θ."""
        return self.batch_grad(theta, None)

    def predict(self, theta, rows=None):
        """The most likely class of every example (or of the examples `rows`), shape (..., n)."""
        return np.argmax(np.real(self.logits(theta, rows)), axis=-1)

    def accuracy(self, theta, rows=None):
        """The share of examples (or of the examples `rows`) classified right: a float, or (k,)."""
        _, y, _ = self._rows(rows)
        return np.mean(self.predict(theta, rows) == y, axis=-1)


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


DEFAULT_ETA = 0.7       # gradient descent on default_problem(): the step size …
DEFAULT_STEPS = 3000    # … and the number of steps that show the stall


def default_problem(seed=5):
    """The lecture's first picture: the loss stops improving while ∇L stays far from 0.

    A (1, 8, 8, 1) tanh network (97 parameters) fitting `synthetic_data(40, seed=0)`
    from `init(seed)`. Plain gradient descent θ ← θ − η ∇L with η = DEFAULT_ETA = 0.7
    for DEFAULT_STEPS = 3000 steps (seed 5): the loss falls from 0.250 to about 0.009
    within 1000 steps and then stalls (over the last 1500 steps its best value improves
    by 0.3%), while ‖∇L‖ keeps bouncing between 0.14 and 0.17 (0.38 at the start):
    gradient descent zig-zags between the walls of a ravine, far from any critical
    point. Returns (problem, θ0).
    """
    net = MLP((1, 8, 8, 1))
    return Regression(net, *synthetic_data(40, seed=0)), net.init(seed)


def one_hidden_layer_hessians(problem, thetas):
    """The exact Hessians ∇²L(θ) of a `Regression` whose net has one tanh hidden layer and one
    output, `MLP((m, h, 1))`, at a stack of θ (k, d), in one vectorised pass: (k, d, d).

    For f_θ(x) = Σ_j v_j tanh(w_j · x + b_j) + c and L = ½ mean_n r_n² + ½ λ_wd ‖θ‖² (r = f − y),
        ∇²L = mean_n (J_n J_nᵀ + r_n ∇²f_n) + λ_wd I,
    with J_n = ∂f(x_n)/∂θ; ∇²f_n is nonzero only inside each hidden unit's block (w_j, b_j, v_j):
    v_j tanh″ · (x, 1)(x, 1)ᵀ for (w_j, b_j) and tanh′ · (x, 1) between them and v_j. It equals
    `Regression.hessian` (one θ at a time) to rounding, at a small part of its cost.
    """
    net = problem.net
    if len(net.sizes) != 3 or net.sizes[2] != 1 or net.activation != "tanh":
        raise ValueError(f"one_hidden_layer_hessians needs MLP((m, h, 1)) with tanh, got {net!r}")
    m, h = net.sizes[:2]
    X, y = problem.X, problem.y[:, 0]
    n = len(X)
    thetas = np.asarray(thetas, dtype=float)
    if thetas.ndim != 2:
        raise ValueError(f"thetas must be a stack of shape (k, {net.n_params}), got shape {thetas.shape}")
    k = len(thetas)
    (W, b), (V, c) = net.unflatten(thetas)                   # (k, m, h), (k, h), (k, h, 1), (k, 1)
    v = V[..., 0]
    a = np.tanh(X @ W + b[:, None, :])                       # (k, n, h)
    a1 = 1 - a ** 2                                          # tanh′
    a2 = -2 * a * a1                                         # tanh″
    r = (a @ V)[..., 0] + c - y                              # (k, n)
    dW = (v[:, None, None, :] * a1[:, :, None, :]) * X[None, :, :, None]
    J = np.concatenate([dW.reshape(k, n, m * h), v[:, None, :] * a1, a, np.ones((k, n, 1))], axis=2)
    H = np.swapaxes(J, 1, 2) @ J / n
    s2 = (r / n)[:, :, None] * a2 * v[:, None, :]            # r v tanh″ / n   (k, n, h)
    s1 = (r / n)[:, :, None] * a1                            # r tanh′ / n
    ww, wb, wv = (np.einsum("knj,ni,nl->kjil", s2, X, X), np.einsum("knj,ni->kji", s2, X),
                  np.einsum("knj,ni->kji", s1, X))
    bb, bv = s2.sum(axis=1), s1.sum(axis=1)
    units = np.arange(h)
    iw = np.arange(m)[:, None] * h + units                   # index of W[i, j] in θ
    ib, iv, K = m * h + units, m * h + h + units, np.arange(k)[:, None]
    for i in range(m):
        for j in range(m):
            H[K, iw[i], iw[j]] += ww[:, :, i, j]
        for index, block in ((ib, wb[:, :, i]), (iv, wv[:, :, i])):
            H[K, iw[i], index] += block
            H[K, index, iw[i]] += block
    H[K, ib, ib] += bb
    H[K, ib, iv] += bv
    H[K, iv, ib] += bv
    if problem.weight_decay:
        H += problem.weight_decay * np.eye(net.n_params)
    return H
