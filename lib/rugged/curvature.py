"""Curvature at critical points: Hessians, eigenvalues, the lecture's "minimum ratio",
and a search that drives the gradient to zero, whether the point is a minimum or a saddle.

The lecture's census: train many small networks, find the critical point each one
reaches (‖∇L‖ ≈ 0), and take the Hessian's eigenvalues there. The minimum ratio
(#positive eigenvalues / #eigenvalues) is 1 at a local minimum and smaller at a saddle.
"""

from dataclasses import dataclass
import functools
import sys

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from .nets import MLP, Regression, synthetic_data

EIG_TOL = 1e-6        # an eigenvalue counts as positive when > EIG_TOL · max|λ|
CRITICAL = 1e-8       # the census keeps points with ‖∇L‖ ≤ CRITICAL


def hessian(f_grad, theta, h=1e-5):
    """∇²L(θ) by central differences of the gradient, (g(θ + h e_j) − g(θ − h e_j)) / 2h,
    symmetrised. Accurate to about h² + ε/h ≈ 1e-10 for h = 1e-5; use a problem's own
    `hessian` when it has an exact one."""
    theta = np.asarray(theta, dtype=float)
    steps = h * np.eye(theta.size)
    H = np.array([(f_grad(theta + e) - f_grad(theta - e)) / (2 * h) for e in steps])
    return (H + H.T) / 2


def eigenvalues(H):
    """Eigenvalues of the symmetric matrix H, in ascending order."""
    return np.linalg.eigvalsh(H)


def minimum_ratio(eigs, tol=EIG_TOL):
    """The lecture's minimum ratio: the share of eigenvalues that are positive.

    An eigenvalue counts as positive when it exceeds tol · max|λ|. The tolerance is
    relative because an eigenvalue that is zero in exact arithmetic (a flat direction)
    comes out of floating point as a tiny number of either sign, of the order
    ε · max|λ| ≈ 1e-16 · max|λ|; tol = 1e-6 sits far above that noise and below the
    smallest curvature at the census's critical points (≈ 2e-5 · max|λ|). A flat
    direction is therefore not counted as positive: a point with one is not a strict
    local minimum.
    """
    eigs = np.asarray(eigs)
    return float(np.mean(eigs > tol * np.abs(eigs).max()))


@dataclass
class CriticalPoint:
    """Where `find_critical_point` stopped, and the curvature there."""

    theta: np.ndarray
    grad_norm: float
    loss: float
    eigenvalues: np.ndarray
    minimum_ratio: float
    converged: bool
    iterations: int

    @property
    def is_local_min(self):
        """True when every Hessian eigenvalue is positive (minimum ratio 1)."""
        return self.minimum_ratio == 1.0


def _hessian_of(problem):
    """The problem's exact Hessian if it has one, else central differences of its gradient."""
    if hasattr(problem, "hessian"):
        return problem.hessian
    return lambda theta: hessian(problem.grad, theta)


def _damped_solve(lam, Q, mu, r):
    """(H² + μI)⁻¹ H r, with H = Q diag(λ) Qᵀ."""
    return Q @ (lam * (Q.T @ r) / (lam ** 2 + mu))


def _one_blas_thread(function):
    """Run `function` with BLAS on one thread: its matrices are small (tens of rows), and
    OpenBLAS's threads on a busy 2-core machine make one eigh 30–200 times slower."""
    @functools.wraps(function)
    def limited(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)
    return limited


@_one_blas_thread
def find_critical_point(problem, theta0, tol=1e-10, max_iter=200):
    """Drive ‖∇L(θ)‖ to ≤ tol from θ0 by Levenberg–Marquardt on the equation ∇L(θ) = 0.

    It minimises ½‖∇L‖², whose Jacobian is the Hessian H, so the step v solves
        (H² + μI) v = −H ∇L.
    Every critical point (minimum, saddle or maximum) is a zero of ½‖∇L‖², so the
    search stops at saddles too, unlike gradient descent. Near a network's critical
    points ∇L = 0 is reached along long curved valleys, so each step adds the
    geodesic acceleration a (Transtrum & Sethna 2012): (H² + μI) a = −H r'', with r''
    the second derivative of ∇L along v (a finite difference), and moves by v + a/2.
    A step is taken when it lowers ‖∇L‖ and ‖a‖ ≤ 0.375‖v‖; then μ = ν · max λ²
    shrinks (ν/3), otherwise it grows (2ν) and the step is tried again.

    `problem` needs `loss` and `grad`; its `hessian` is used when it has one. The
    result's `converged` is False when ‖∇L‖ > tol after `max_iter` steps or when no
    step lowers ‖∇L‖ any more.
    """
    hess = _hessian_of(problem)
    theta = np.asarray(theta0, dtype=float).copy()
    g = problem.grad(theta)
    norm = np.linalg.norm(g)
    nu, iterations, h = 1e-3, 0, 0.1
    while norm > tol and iterations < max_iter:
        H = hess(theta)
        lam, Q = np.linalg.eigh(H)
        scale = np.max(lam ** 2) or 1.0
        while nu <= 1e20:
            v = -_damped_solve(lam, Q, nu * scale, g)
            with np.errstate(over="ignore", invalid="ignore"):
                r2 = 2 / h * ((problem.grad(theta + h * v) - g) / h - H @ v)
                a = -_damped_solve(lam, Q, nu * scale, r2)
                candidate = theta + v + a / 2
                g_new = problem.grad(candidate)
                new_norm = np.linalg.norm(g_new)
            if new_norm < norm and np.linalg.norm(a) <= 0.375 * np.linalg.norm(v):
                break
            nu *= 2
        else:
            break                                   # no step lowers ‖∇L‖: stuck
        theta, g, norm = candidate, g_new, new_norm
        nu, iterations = max(nu / 3, 1e-20), iterations + 1
    eigs = eigenvalues(hess(theta))
    return CriticalPoint(theta=theta, grad_norm=float(norm), loss=float(problem.loss(theta)),
                         eigenvalues=eigs, minimum_ratio=minimum_ratio(eigs),
                         converged=bool(norm <= tol), iterations=iterations)


@dataclass
class Census:
    """The converged critical points of a census, one entry per point, and how many
    networks were tried."""

    loss: np.ndarray
    minimum_ratio: np.ndarray
    grad_norm: np.ndarray
    is_local_min: np.ndarray
    n_nets: int


@_one_blas_thread
def census(n_nets=80, seed=0, sizes=(1, 3, 1), n_data=40, train_steps=(100, 300), eta=0.1,
           weight_decay=1e-3, progress=False):
    """The lecture's census of critical points of small networks.

    Network i fits its own noisy sine (`synthetic_data(n_data)`), starts from its own
    Xavier initialisation, takes train_steps[i % len(train_steps)] steps of gradient
    descent with step η, and then `find_critical_point` searches from there. The census
    keeps the points it reaches with ‖∇L‖ ≤ CRITICAL = 1e-8 (the others are counted in
    `n_nets` only) and records their loss, minimum ratio and whether they are local minima.

    The loss includes a little weight decay, ½ · weight_decay · ‖θ‖², which keeps the
    critical points at a finite distance: without it a trained tanh network usually
    slides along a valley towards ever larger weights, where ∇L tends to zero but never
    reaches it, and the search rarely converges. (It also lifts exactly flat directions
    to the curvature weight_decay, so they count as positive.)

    Deterministic given `seed`, and the first k networks are the same for any
    n_nets ≥ k. The defaults (80 networks of 10 parameters) take 1–2 s; `progress=True`
    shows a text progress bar that moves in eighths, so that a notebook stores the same
    bar every run (only its timings differ, which tests/sanitize.cfg masks).
    """
    seeds = np.random.default_rng(seed).integers(2 ** 32, size=n_nets)
    net = MLP(sizes)
    problems = [Regression(net, *synthetic_data(n_data, seed=s), weight_decay=weight_decay) for s in seeds]
    trained = _train_side_by_side(net, problems, np.array([net.init(s) for s in seeds]),
                                  [train_steps[i % len(train_steps)] for i in range(n_nets)], eta)
    if progress:
        trained = tqdm(trained, desc="census", total=n_nets, file=sys.stdout, ncols=80,
                       miniters=max(1, n_nets // 8), mininterval=0)
    points = []
    for problem, theta in zip(problems, trained):
        point = find_critical_point(problem, theta)
        if point.grad_norm <= CRITICAL:
            points.append(point)
    return Census(loss=np.array([p.loss for p in points]),
                  minimum_ratio=np.array([p.minimum_ratio for p in points]),
                  grad_norm=np.array([p.grad_norm for p in points]),
                  is_local_min=np.array([p.is_local_min for p in points], dtype=bool),
                  n_nets=n_nets)


def _train_side_by_side(net, problems, thetas, steps, eta):
    """Gradient descent θ ← θ − η∇L on every problem at once (network i for steps[i] steps):
    the networks' forward and backward passes run as one batch, each network on its own
    data, with the arithmetic of `Regression.grad` on each."""
    X = np.stack([p.X for p in problems])
    y = np.stack([p.y for p in problems])
    weight_decay = problems[0].weight_decay
    steps = np.asarray(steps)
    for t in range(int(steps.max(initial=0))):
        trace = net.trace(thetas, X)
        grad = net.backward(trace, (trace[1][-1] - y) / y[0].size)
        if weight_decay:
            grad = grad + weight_decay * thetas
        thetas = np.where((t < steps)[:, None], thetas - eta * grad, thetas)
    return list(thetas)
