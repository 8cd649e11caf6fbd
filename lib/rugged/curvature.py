"""Curvature at critical points: Hessians, eigenvalues, the lecture's "minimum ratio",
and a search that drives the gradient to zero, whether the point is a minimum or a saddle.

The lecture's census (01's lesson, `lessons.stalls.census`): train many small networks,
find the critical point each one reaches (‖∇L‖ ≈ 0) with `find_critical_points`, and take
the Hessian's eigenvalues there. The minimum ratio
(#positive eigenvalues / #eigenvalues) is 1 at a local minimum and smaller at a saddle.
"""

from dataclasses import dataclass
import functools

import numpy as np
from threadpoolctl import threadpool_limits


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
    smallest curvature at the census's critical points (01 prints it: `stalls.census_margin`). A flat
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


def one_blas_thread(function):
    """Run `function` with BLAS on one thread: its matrices are small (tens of rows), and
    OpenBLAS's threads on a busy 2-core machine make one eigh 30–200 times slower."""
    @functools.wraps(function)
    def limited(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)
    return limited


@one_blas_thread
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
class CriticalPoints:
    """Where `find_critical_points` stopped, one row per start, and the curvature there."""

    theta: np.ndarray            # (k, d)
    grad_norm: np.ndarray        # (k,)
    loss: np.ndarray             # (k,)
    eigenvalues: np.ndarray      # (k, d), each row ascending
    minimum_ratio: np.ndarray    # (k,)
    converged: np.ndarray        # (k,) bool: ‖∇L‖ ≤ tol
    iterations: np.ndarray       # (k,) steps taken

    @property
    def is_local_min(self):
        """True where every Hessian eigenvalue is positive (minimum ratio 1)."""
        return self.minimum_ratio == 1.0


def _damped_solves(lam, Q, mu, r):
    """(H² + μI)⁻¹ H r for a stack: H_k = Q_k diag(λ_k) Q_kᵀ, one μ and one r per row."""
    coef = lam * (np.swapaxes(Q, 1, 2) @ r[..., None])[..., 0] / (lam ** 2 + mu[:, None])
    return (Q @ coef[..., None])[..., 0]


@one_blas_thread
def find_critical_points(problem, thetas, hessians, tol=1e-10, max_iter=200, max_rounds=400):
    """`find_critical_point` from k starts at once: the same Levenberg–Marquardt steps with
    geodesic acceleration, every start one row of a stack, so one round does k searches.

    `problem.grad` must take θ of shape (k, d) (as `nets.Regression` does); `hessians(problem,
    thetas)` gives the (k, d, d) Hessians (e.g. `nets.one_hidden_layer_hessians`). In a round every
    search still running tries one step with its own μ; a search whose step is refused doubles
    its μ and tries again in the next round (as `find_critical_point` does in its inner loop). A
    search stops when ‖∇L‖ ≤ tol, after `max_iter` steps, when μ passes 1e20, or after
    `max_rounds` rounds in all.
    """
    theta = np.array(thetas, dtype=float)
    if theta.ndim != 2:
        raise ValueError(f"thetas must be a stack of starts of shape (k, d), got shape {theta.shape}")
    k, h = len(theta), 0.1
    g = problem.grad(theta)
    norm = np.linalg.norm(g, axis=1)
    nu, iterations, stuck = np.full(k, 1e-3), np.zeros(k, dtype=int), np.zeros(k, dtype=bool)
    H = hessians(problem, theta)
    lam, Q = np.linalg.eigh(H)
    for _ in range(max_rounds):
        run = np.flatnonzero((norm > tol) & ~stuck & (iterations < max_iter))
        if not len(run):
            break
        scale = np.max(lam[run] ** 2, axis=1)
        mu = nu[run] * np.where(scale > 0, scale, 1.0)
        with np.errstate(over="ignore", invalid="ignore"):
            v = -_damped_solves(lam[run], Q[run], mu, g[run])
            r2 = 2 / h * ((problem.grad(theta[run] + h * v) - g[run]) / h - (H[run] @ v[..., None])[..., 0])
            a = -_damped_solves(lam[run], Q[run], mu, r2)
            candidate = theta[run] + v + a / 2
            g_new = problem.grad(candidate)
            new_norm = np.linalg.norm(g_new, axis=1)
        taken = (new_norm < norm[run]) & (np.linalg.norm(a, axis=1) <= 0.375 * np.linalg.norm(v, axis=1))
        moved, refused = run[taken], run[~taken]
        theta[moved], g[moved], norm[moved] = candidate[taken], g_new[taken], new_norm[taken]
        nu[moved], iterations[moved] = np.maximum(nu[moved] / 3, 1e-20), iterations[moved] + 1
        nu[refused] *= 2
        stuck[refused] = nu[refused] > 1e20
        if len(moved):
            H[moved] = hessians(problem, theta[moved])
            lam[moved], Q[moved] = np.linalg.eigh(H[moved])
    eigs = lam.copy()                   # of the Hessian at each search's last θ
    return CriticalPoints(theta=theta, grad_norm=norm, loss=np.asarray(problem.loss(theta), dtype=float),
                          eigenvalues=eigs, minimum_ratio=np.array([minimum_ratio(e) for e in eigs]),
                          converged=norm <= tol, iterations=iterations)
