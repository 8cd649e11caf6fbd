"""2-D loss surfaces L(p), p = (p_0, p_1), with analytic gradients and Hessians.

Every surface evaluates points of shape (..., 2): `loss` returns shape (...), `grad`
(..., 2) and `hessian` (..., 2, 2). It also knows how to be drawn and raced: `window`,
`start`, `minima`, `saddles`, `min_loss`, `labels` and `levels(n)`.

The factories build the course's surfaces; `all_surfaces()` returns them by name.
"""

import math

import numpy as np

from . import _checks
from .i18n import tr

__all__ = [
    "Surface", "Quadratic", "LeastSquares", "Rosenbrock", "Saddle", "PlateauCliff",
    "EggCrate", "Scaled", "Slope", "pokemon", "ravine", "zigzag", "rosenbrock", "saddle", "plateau_cliff",
    "rugged", "all_surfaces", "short_name",
]


class Surface:
    """A 2-D loss surface with analytic gradient and Hessian.

    Subclasses implement `_loss`, `_grad` and `_hessian` on float64 arrays of shape
    (..., 2). The public `loss`, `grad` and `hessian` accept anything `np.asarray`
    takes, check that the last dimension is 2, and let huge inputs overflow to inf
    without a RuntimeWarning. Where a formula meets inf − inf at a finite point (an
    overflow whose true value is ±inf), a subclass's `_loss_overflow`, `_grad_overflow` or
    `_hessian_overflow` recomputes those points in an order that overflows to the right
    infinity instead of NaN.

    `minima` (n, 2) holds the global minima, `saddles` (n, 2) the saddle points (both
    may be empty), `min_loss` the minimum value (None without minima), `window` the
    plotting window ((xmin, xmax), (ymin, ymax)) and `start` a default start point.
    `minima=None` means: find the global minimum in the window numerically.
    """

    dim = 2   # number of parameters, checked by `rugged.descend`

    def __init__(self, name, title, window, start, minima=None, saddles=(),
                 labels=("x", "y"), level_scale="log"):
        self.name = name
        self.title = title
        self.labels = tuple(labels)
        self.window = tuple((float(lo), float(hi)) for lo, hi in window)
        self.start = tuple(float(s) for s in start)
        if minima is None:
            minima = [self._grid_minimum()]
        self.minima = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
        self.saddles = np.asarray(saddles, dtype=np.float64).reshape(-1, 2)
        self.min_loss = float(self.loss(self.minima[0])) if len(self.minima) else None
        if level_scale not in ("log", "linear"):
            raise ValueError(f"level_scale must be 'log' or 'linear'; got {level_scale!r}")
        self.level_scale = level_scale

    def loss(self, p):
        """L(p): shape (...) for points p of shape (..., 2)."""
        return self._evaluate(self._loss, p, self._loss_overflow)

    def grad(self, p):
        """∇L(p): shape (..., 2) for points p of shape (..., 2)."""
        return self._evaluate(self._grad, p, self._grad_overflow)

    def fast_grad(self, p):
        """∇L(p) for a float64 array p of shape (..., 2), unchecked and unguarded.

        `rugged.descend` calls this a hundred thousand times inside its own np.errstate;
        everyone else should call `grad`.
        """
        return self._grad(p)

    def hessian(self, p):
        """∇²L(p): shape (..., 2, 2) for points p of shape (..., 2)."""
        return self._evaluate(self._hessian, p, self._hessian_overflow)

    _loss_overflow = _grad_overflow = _hessian_overflow = None   # formulas that never give inf − inf

    @staticmethod
    def _evaluate(formula, p, overflow=None):
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (2,):
            raise ValueError(f"points must have shape (..., 2); got {p.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            value = formula(p)
            if overflow is not None:
                nan = np.isnan(value).reshape(p.shape[:-1] + (-1,)).any(axis=-1)
                redo = nan & np.isfinite(p).all(axis=-1)
                if redo.any():
                    value = np.array(value)
                    value[redo] = overflow(p[redo])
            return value

    def grid(self, n=101, window=None):
        """Points of an n × n grid over the window (or `window`, ((x0, x1), (y0, y1))), shape (n, n, 2).

        `grid[..., 0]` varies along axis 1 and `grid[..., 1]` along axis 0, like
        `np.meshgrid`, so `contour(g[..., 0], g[..., 1], loss(g))` draws the surface.
        """
        (x0, x1), (y0, y1) = self.window if window is None else window
        return np.stack(np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)), axis=-1)

    def levels(self, n=20):
        """n increasing contour levels for the window.

        "log" surfaces (valleys whose loss spans decades) get levels log-spaced above
        the minimum value; "linear" ones get evenly spaced levels. Both stop at the
        90th percentile of the loss over the window.
        """
        z = self.loss(self.grid())
        lo = z.min() if self.min_loss is None else self.min_loss
        hi = np.quantile(z, 0.9)
        if self.level_scale == "log":
            return lo + np.geomspace(np.quantile(z - lo, 0.002), hi - lo, n)
        return np.linspace(lo, hi, n + 1)[1:]

    def _newton(self, p, steps=50):
        """Refine a critical point from p with Newton's method: p ← p − H⁻¹∇L."""
        p = np.asarray(p, dtype=np.float64)
        for _ in range(steps):
            step = np.linalg.solve(self.hessian(p), self.grad(p))
            p = p - step
            if np.linalg.norm(step) <= 1e-15 * (1 + np.linalg.norm(p)):
                break
        return p

    def _grid_minimum(self, n=201):
        """The global minimum in the window: best point of an n × n grid, then Newton."""
        g = self.grid(n).reshape(-1, 2)
        return self._newton(g[np.argmin(self.loss(g))])

    @property
    def title(self):
        """The title drawn above the surface's contours, in the current language."""
        return _display_title(self.english_title)

    @title.setter
    def title(self, value):
        self.english_title = value

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}: {self.english_title}>"


class Quadratic(Surface):
    """L(p) = ½ (p − p*)ᵀ H (p − p*) + L*, with a symmetric positive-definite H.

    ∇L(p) = H p − c with c = H p* precomputed, so one gradient is one small matmul;
    ∇²L = H everywhere; the minimum is p* with value L*.
    """

    def __init__(self, hessian, center, offset=0.0, **meta):
        self.H = _finite_array("hessian", hessian, (2, 2))
        self.center = _finite_array("center", center, (2,))
        self.offset = float(_checks.number("offset", offset, lambda v: True,
                                           "offset must be finite; got {}"))
        H = self.H
        _checks.check(np.allclose(H, H.T, rtol=1e-12, atol=0),
                      f"hessian must be symmetric; got {H.tolist()}")
        low, high = np.linalg.eigvalsh(H)
        _checks.check(low > 0 and high < low * 1e12,
                      f"hessian must be positive definite and not singular: its eigenvalues "
                      f"are {low:g} and {high:g}, and must be positive with a ratio below 1e12 "
                      f"(a singular or indefinite H has no single minimum)")
        self._c = self.center @ self.H
        super().__init__(minima=[self.center], **meta)

    @property
    def eigenvalues(self):
        """The curvatures λ_min ≤ λ_max of H."""
        return np.linalg.eigvalsh(self.H)

    def _loss(self, p):
        d = p - self.center
        terms = (d @ self.H) * d
        # two terms: NumPy's sum over the last axis is terms[0] + terms[1], bit for bit, and
        # adding the two columns costs a tenth of the reduction on 100,000 points
        total = terms[..., 0] + terms[..., 1] if terms.shape[-1] == 2 else np.sum(terms, axis=-1)
        return 0.5 * total + self.offset

    def _grad(self, p):
        return p @ self.H - self._c

    def scalar_grad(self, x, y):
        """∇L at one point as two floats, in `_grad`'s arithmetic (for `descend`'s fast path):
        the statements of `gradient_statements`, run once."""
        statements, numbers = self.gradient_statements()
        namespace = dict(numbers, p_0=x, p_1=y)
        exec("\n".join(statements), namespace)
        return namespace["g_0"], namespace["g_1"]

    def gradient_statements(self):
        """`scalar_grad` as statements on p_0, p_1 giving g_0, g_1, and the numbers they use:
        `descend`'s fast path writes them into its loop instead of calling a function."""
        (h00, h01), (h10, h11) = self.H.tolist()
        c0, c1 = self._c.tolist()
        return (("g_0 = p_0 * h00 + p_1 * h10 - c0", "g_1 = p_0 * h01 + p_1 * h11 - c1"),
                {"h00": h00, "h01": h01, "h10": h10, "h11": h11, "c0": c0, "c1": c1})

    def _hessian(self, p):
        return np.broadcast_to(self.H, p.shape[:-1] + (2, 2)).copy()

    @staticmethod
    def _scaled(d):
        """d = s·u with s = max |d_i| (per point) and |u_i| ≤ 1, so that u H u cannot overflow."""
        s = np.abs(d).max(axis=-1, keepdims=True)
        return s, d / s

    def _loss_overflow(self, p):   # H is positive definite: ½ dᵀHd is +inf, not inf − inf
        s, u = self._scaled(p - self.center)
        return 0.5 * s[..., 0] ** 2 * np.sum((u @ self.H) * u, axis=-1) + self.offset

    def _grad_overflow(self, p):
        s, u = self._scaled(p)
        return s * (u @ self.H) - self._c


class LeastSquares(Quadratic):
    """L(b, w) = Σ_n (ŷ_n − (b + w·x_n))²: the loss of the line y = b + w·x on data (x, ŷ).

    As a quadratic in p = (b, w), with X the design matrix of rows (1, x_n):
    H = 2XᵀX, the minimum p* solves the normal equations (least squares), and L* is
    the residual sum of squares. The data are kept as `x` and `y`.
    """

    def __init__(self, x, y, **meta):
        self.x = _finite_array("x", x)
        self.y = _finite_array("y", y, self.x.shape)
        _checks.check(self.x.ndim == 1 and len(np.unique(self.x)) >= 2,
                      "x must hold at least two different values, or the line is not determined")
        X = np.column_stack([np.ones_like(self.x), self.x])
        center = np.linalg.lstsq(X, self.y)[0]
        offset = np.sum((self.y - X @ center) ** 2)
        super().__init__(2 * X.T @ X, center, offset, **meta)

    @property
    def n_examples(self):
        """The number of examples n the loss sums over (minibatches draw rows 0 … n−1)."""
        return len(self.x)

    def example_grads(self, p, rows):
        """∇ℓ_n(p) of each example's loss ℓ_n = (ŷ_n − (b + w·x_n))², for the examples `rows`.

        p: a point (2,) or points (k, 2); rows: indices (r,), or (k, r) for one set per point.
        Returns shape (..., r, 2): (−2e_n, −2e_n·x_n) with e_n = ŷ_n − (b + w·x_n).
        """
        return self._example_grads(np.asarray(p, dtype=np.float64), example_rows(rows, self.n_examples))

    def _example_grads(self, p, rows):
        x, y = self.x[rows], self.y[rows]
        e = y - (p[..., 0, None] + p[..., 1, None] * x)
        return np.stack([-2 * e, -2 * e * x], axis=-1)

    def batch_grad(self, p, rows):
        """The minibatch estimate of ∇L: (n / r) · Σ_{n ∈ rows} ∇ℓ_n(p), whose mean over the
        batches of an epoch is ∇L, since L sums over the n examples.

        rows: r distinct indices (r,), or (k, r) for points p of shape (k, 2). When they are
        every example, this is `fast_grad(p)` itself, ∇L to the last bit: a minibatch as
        large as the data set is plain gradient descent, as in `rugged.descend`.
        """
        rows = example_rows(rows, self.n_examples)
        p = np.asarray(p, dtype=np.float64)
        if every_example(rows, self.n_examples):
            return self._grad(p)
        return self.n_examples / rows.shape[-1] * self._example_grads(p, rows).sum(axis=-2)

    def batch_gradient_statements(self, batches):
        """`fast_batch_grad` on floats for `descend`'s fast path, for the batches of a run (one row
        of example indices per point, (points, r)): (statements, numbers, data). The statements
        compute g_0, g_1 from p_0, p_1 and the step's examples batch_x{j}, batch_y{j} (data: name →
        one value per point) in `fast_batch_grad`'s arithmetic: e = ŷ − (b + w·x), the examples'
        (−2e, −2e·x) summed in order, times n/r. A batch of every example is `gradient_statements`."""
        r = batches.shape[-1]
        if r == self.n_examples:
            return (*self.gradient_statements(), {})
        residuals = [f"batch_e{j} = batch_y{j} - (p_0 + p_1 * batch_x{j})" for j in range(r)]
        g_0 = " + ".join(f"-2 * batch_e{j}" for j in range(r))
        g_1 = " + ".join(f"-2 * batch_e{j} * batch_x{j}" for j in range(r))
        data = {}
        for j in range(r):
            data[f"batch_x{j}"], data[f"batch_y{j}"] = self.x[batches[:, j]], self.y[batches[:, j]]
        return (tuple(residuals) + (f"g_0 = batch_scale * ({g_0})", f"g_1 = batch_scale * ({g_1})"),
                {"batch_scale": self.n_examples / r}, data)

    def fast_batch_grad(self, p, rows):
        """`batch_grad` for a float64 p and rows of distinct indices as `rugged.runner.minibatches`
        makes them, unchecked (`descend` calls it at every step of a minibatch run)."""
        if rows.shape[-1] == self.n_examples:
            return self._grad(p)
        return self.n_examples / rows.shape[-1] * self._example_grads(p, rows).sum(axis=-2)


class Rosenbrock(Surface):
    """L(x, y) = (a − x)² + b (y − x²)²: a curved valley with its minimum at (a, a²)."""

    def __init__(self, a=1.0, b=100.0, **meta):
        # bounds that keep the minimum (a, a²) finite and 4b·x·(y − x²) free of inf·0
        self.a = float(_checks.number("a", a, lambda v: abs(v) < 1e100,
                                      "a must be a finite number with |a| < 1e100; got {}"))
        self.b = float(_checks.number("b", b, lambda v: 0 < v < 1e100,
                                      "b must be a positive number below 1e100; got {}"))
        super().__init__(minima=[(self.a, self.a**2)], **meta)

    def _loss(self, p):
        x, y = p[..., 0], p[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * (y - x**2),
                         2 * self.b * (y - x**2)], axis=-1)

    def scalar_grad(self, x, y):
        """∇L at one point as two floats, in `_grad`'s arithmetic (for `descend`'s fast path)."""
        a, b = self.a, self.b
        return -2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)

    def _hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        return _symmetric(2 - 4 * self.b * y + 12 * self.b * x**2, -4 * self.b * x,
                          np.full_like(x, 2 * self.b))

    def _hessian_overflow(self, p):   # −4by + 12bx² as 4b(3x² − y): x² ≥ |y| wins
        x, y = p[..., 0], p[..., 1]
        return _symmetric(2 + 4 * self.b * (3 * x**2 - y), -4 * self.b * x,
                          np.full_like(x, 2 * self.b))


class Saddle(Surface):
    """L(x, y) = x²/2 − y²/2 + y⁴/4: a saddle at (0, 0) between minima at (0, ±1).

    The quartic keeps it bounded below (L ≥ −¼), so optimizers that escape the
    saddle land in one of the two minima.
    """

    def __init__(self, **meta):
        super().__init__(minima=[(0.0, -1.0), (0.0, 1.0)], saddles=[(0.0, 0.0)], **meta)

    def _loss(self, p):
        x, y = p[..., 0], p[..., 1]
        return x**2 / 2 - y**2 / 2 + y**4 / 4

    def _loss_overflow(self, p):   # −y²/2 + y⁴/4 as y²(y² − 2)/4: +inf for huge y
        x, y = p[..., 0], p[..., 1]
        return x**2 / 2 + y**2 * (y**2 - 2) / 4

    def _grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([x, y**3 - y], axis=-1)

    def scalar_grad(self, x, y):
        """∇L at one point as two floats, in `_grad`'s arithmetic (for `descend`'s fast path)."""
        return x, y**3 - y

    def _hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        return _symmetric(np.ones_like(x), np.zeros_like(x), 3 * y**2 - 1)


class PlateauCliff(Surface):
    """L(x, y) = (h/2)(1 − tanh(s(x − c))) + q (x − m)² + (k/2) y².

    Along x: a plateau (loss ≈ h, gradient ≈ 2q(m − x), tiny), a cliff at x = c where
    the loss drops by h with slope up to h·s/2, and a flat basin with its minimum near
    x = m. Along y: a gentle bowl. `plateau`, `cliff` and `basin` are the x-intervals:
    the cliff is c ± 3/s, where the step's slope is at least 1% of its peak (sech²(3)
    ≈ 0.01) and the loss drops by 99.5% of h.
    """

    def __init__(self, h, s, c, q, m, k, **meta):
        h, c, q, m, k = (_checks.number(name, value, lambda v: True, f"{name} must be finite; got {{}}")
                         for name, value in zip("hcqmk", (h, c, q, m, k)))
        s = _checks.number("s", s, lambda v: v > 0, "s must be positive and finite; got {}")
        self.h, self.s, self.c, self.q, self.m, self.k = h, s, c, q, m, k
        super().__init__(**meta)
        self.cliff = (c - 3 / s, c + 3 / s)
        self.plateau = (self.window[0][0], self.cliff[0])
        self.basin = (self.cliff[1], self.window[0][1])

    def _loss(self, p):
        x, y = p[..., 0], p[..., 1]
        return (self.h / 2 * (1 - np.tanh(self.s * (x - self.c)))
                + self.q * (x - self.m) ** 2 + self.k / 2 * y**2)

    def _grad(self, p):
        x, y = p[..., 0], p[..., 1]
        sech2 = 1 / np.cosh(self.s * (x - self.c)) ** 2
        return np.stack([-self.h * self.s / 2 * sech2 + 2 * self.q * (x - self.m),
                         self.k * y], axis=-1)

    def scalar_grad(self, x, y):
        """∇L at one point as two floats, in `_grad`'s arithmetic (for `descend`'s fast path)."""
        ch = math.cosh(self.s * (x - self.c))
        return -self.h * self.s / 2 * (1 / ch**2) + 2 * self.q * (x - self.m), self.k * y

    def _hessian(self, p):
        x = p[..., 0]
        u = self.s * (x - self.c)
        hxx = self.h * self.s**2 * np.tanh(u) / np.cosh(u) ** 2 + 2 * self.q
        return _symmetric(hxx, np.zeros_like(x), np.full_like(x, self.k))


class EggCrate(Surface):
    """L(p) = (r/2)‖p − p₀‖² + A (1 − cos(ωx) cos(ωy)): a bowl covered in bumps.

    The bumps make many local minima; the global one is found numerically (grid over
    the window, then Newton) when the surface is built.
    """

    def __init__(self, r, p0, A, omega, **meta):
        r, A, omega = (_checks.number(name, value, lambda v: True, f"{name} must be finite; got {{}}")
                       for name, value in (("r", r), ("A", A), ("omega", omega)))
        self.r, self.p0, self.A, self.omega = r, _finite_array("p0", p0, (2,)), A, omega
        super().__init__(**meta)

    def _waves(self, p, overflow=False):
        """cos(ωx), cos(ωy), sin(ωx), sin(ωy).

        With overflow=True, where ωx or ωy overflows they count as 0: no float64 angle is
        that accurate there, and the bowl (+inf or huge) decides.
        """
        wx, wy = self.omega * p[..., 0], self.omega * p[..., 1]
        waves = np.cos(wx), np.cos(wy), np.sin(wx), np.sin(wy)
        return tuple(np.nan_to_num(w, nan=0.0) for w in waves) if overflow else waves

    def _loss(self, p, overflow=False):
        cx, cy, _, _ = self._waves(p, overflow)
        return self.r / 2 * np.sum((p - self.p0) ** 2, axis=-1) + self.A * (1 - cx * cy)

    def _grad(self, p, overflow=False):
        cx, cy, sx, sy = self._waves(p, overflow)
        bumps = self.A * self.omega * np.stack([sx * cy, cx * sy], axis=-1)
        return self.r * (p - self.p0) + bumps

    def _hessian(self, p, overflow=False):
        cx, cy, sx, sy = self._waves(p, overflow)
        a = self.A * self.omega**2
        return _symmetric(self.r + a * cx * cy, -a * sx * sy, self.r + a * cx * cy)

    def _loss_overflow(self, p):
        return self._loss(p, overflow=True)

    def _grad_overflow(self, p):
        return self._grad(p, overflow=True)

    def _hessian_overflow(self, p):
        return self._hessian(p, overflow=True)


class Scaled(Surface):
    """c·L: a surface's loss times a factor c > 0.

    The minima, saddles and paths of steepest descent are those of `surface`; the loss, the
    gradient and the Hessian are c times larger. An optimizer that divides by a root mean
    square of the gradients (Adam) takes the same steps on c·L as on L, up to ε; gradient
    descent's steps grow c times. Drawn and raced like `surface` (its window, start, labels);
    `surface` and `c` are kept.
    """

    def __init__(self, surface, c):
        if not isinstance(surface, Surface):
            raise TypeError(f"surface must be a rugged Surface; got {_checks.describe(surface)}")
        self.surface = surface
        self.c = float(_checks.number("c", c, lambda v: v > 0, "c must be positive and finite; got {}"))
        for overflow in ("_loss_overflow", "_grad_overflow", "_hessian_overflow"):
            inner = getattr(surface, overflow)
            if inner is not None:             # c > 0 keeps the sign of an overflow's infinity
                setattr(self, overflow, lambda p, inner=inner: self.c * inner(p))
        super().__init__(name=f"{self.c:g}·{surface.name}", title=f"{self.c:g} × {surface.title}",
                         window=surface.window, start=surface.start, minima=surface.minima,
                         saddles=surface.saddles, labels=surface.labels, level_scale=surface.level_scale)

    @property
    def title(self):
        """'c × the surface's title', in the current language."""
        return f"{self.c:g} × {self.surface.title}"

    @title.setter
    def title(self, value):
        self.english_title = value

    def _loss(self, p):
        return self.c * self.surface._loss(p)

    def _grad(self, p):
        return self.c * self.surface._grad(p)

    def _hessian(self, p):
        return self.c * self.surface._hessian(p)


class Slope:
    """A straight 1-D slope, L(θ) = c·θ: the gradient is c at every point.

    The simplest gradient sequence there is, g^t = c at every step, to watch what an
    optimizer's running statistics make of it (torch's RMSprop overshoots in its first steps,
    notebook 03). Not a 2-D `Surface`: points have shape (..., 1), and the loss falls for
    ever, so there is no minimum (`minima` is empty, `min_loss` None). `descend(Slope(),
    optimizer, [0.0], steps)` walks it from its `start`.
    """

    dim = 1

    def __init__(self, c=1.0):
        self.c = float(_checks.number("c", c, lambda v: True, "c must be finite; got {}"))
        self.name, self.labels = "slope", ("θ",)
        self.start = (0.0,)
        self.minima, self.saddles, self.min_loss = np.empty((0, 1)), np.empty((0, 1)), None

    @property
    def title(self):
        """'Straight slope L(θ) = c·θ', in the current language."""
        return tr("Straight slope L(θ) = {c}·θ").format(c=f"{self.c:g}")

    @property
    def english_title(self):
        return f"Straight slope L(θ) = {self.c:g}·θ"

    @staticmethod
    def _points(p):
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (1,):
            raise ValueError(f"points must have shape (..., 1); got {p.shape}")
        return p

    def loss(self, p):
        """L(p) = c·p_0: shape (...) for points of shape (..., 1)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.c * self._points(p)[..., 0]

    def grad(self, p):
        """∇L(p) = c: shape (..., 1) for points of shape (..., 1)."""
        return np.full(self._points(p).shape, self.c)

    def fast_grad(self, p):
        """∇L(p) for a float64 array p of shape (..., 1), unchecked (for `rugged.descend`)."""
        return np.full(p.shape, self.c)

    def __repr__(self):
        return f"<Slope {self.name!r}: {self.english_title}>"




def _finite_array(name, value, shape=None):
    """`value` as a float64 array of finite numbers (of `shape`, if given); ValueError otherwise."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers; got {_checks.describe(value)}") from None
    _checks.check(shape is None or array.shape == shape,
                  f"{name} must have shape {shape}; got {array.shape}")
    _checks.check(np.isfinite(array).all(), f"{name} must be finite; got {array.tolist()}")
    return array


def example_rows(rows, n):
    """`rows` as an integer array of example indices in 0 … n−1, shape (r,) or (k, r), r ≥ 1;
    TypeError or ValueError naming the problem otherwise."""
    array = np.asarray(rows)
    if array.dtype.kind not in "iu":
        raise TypeError(f"rows must be integer indices of examples; got {_checks.describe(rows)} "
                        f"of dtype {array.dtype}")
    _checks.check(array.ndim in (1, 2) and array.shape[-1] >= 1,
                  f"rows must have shape (r,) or (k, r) with r ≥ 1; got {array.shape}")
    _checks.check(array.min() >= 0 and array.max() < n,
                  f"rows must be indices of the {n} examples, 0 … {n - 1}; got values from "
                  f"{array.min()} to {array.max()}")
    return array


def every_example(rows, n):
    """True if every row of `rows` (checked by `example_rows`) lists each of the n examples once."""
    return rows.shape[-1] == n and bool(np.all(np.sort(rows, axis=-1) == np.arange(n)))


def _symmetric(hxx, hxy, hyy):
    """Stack the entries of symmetric 2 × 2 matrices into shape (..., 2, 2)."""
    return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)


def _rotated(eigenvalues, degrees):
    """H = R diag(eigenvalues) Rᵀ, R the rotation by `degrees`."""
    t = np.radians(degrees)
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return R @ np.diag(eigenvalues) @ R.T


def _display_title(english):
    """A surface's title in the current language (the course's surfaces' titles are translated;
    any other stays as it is)."""
    return {
        "Pokémon CP regression": tr("Pokémon CP regression"),
        "Convex ravine": tr("Convex ravine"),
        "Tilted zig-zag valley": tr("Tilted zig-zag valley"),
        "Rosenbrock's curved valley": tr("Rosenbrock's curved valley"),
        "Saddle point": tr("Saddle point"),
        "Plateau, cliff and basin": tr("Plateau, cliff and basin"),
        "Rugged bowl": tr("Rugged bowl"),
    }.get(english, english)


def short_name(name):
    """A course surface's short name (its `name`, "pokemon", "plateau_cliff" …) as a table or a
    sentence shows it: the name itself in English, a short translated name otherwise (宝可梦,
    平台加悬崖 …); any other name as it is."""
    return {
        "pokemon": tr("pokemon"), "ravine": tr("ravine"), "zigzag": tr("zigzag"),
        "rosenbrock": tr("rosenbrock"), "saddle": tr("saddle"), "plateau_cliff": tr("plateau_cliff"),
        "rugged": tr("rugged"),
    }.get(name, name)


def pokemon():
    """The lecture's Pokémon regression: L(b, w) = Σ_n (ŷ_n − (b + w·x_n))².

    x_n is a Pokémon's combat power (CP) before evolution and ŷ_n after it, for ten
    Pokémon. The minimum (b, w) ≈ (−188.4, 2.67) is the least-squares line; the
    Hessian 2XᵀX has condition number ≈ 3·10⁵, so one learning rate can't suit both b
    and w. Start (−120, −4), window b ∈ [−200, −100], w ∈ [−5, 5].
    """
    return LeastSquares(
        x=[338, 333, 328, 207, 226, 25, 179, 60, 208, 606],
        y=[640, 633, 619, 393, 428, 27, 193, 66, 226, 1591],
        name="pokemon", title="Pokémon CP regression", labels=("b", "w"),
        window=((-200, -100), (-5, 5)), start=(-120, -4))


def ravine():
    """A convex ravine: L(x, y) = ½(λ_min x² + λ_max y²), λ_min = 0.1, λ_max = 199.8.

    Gradient descent multiplies y by 1 − ηλ_max and x by 1 − ηλ_min per step. With
    η = 10⁻² the steep factor is −0.998: the path bounces between the walls for
    hundreds of steps (amplitude ×0.67 after 200) while the loss stalls and the
    gradient stays large. With η = 10⁻⁷ and N = 100,000 steps, y shrinks by
    e^(−2) ≈ 0.14 (the path reaches the valley floor) but x only by
    (1 − ηλ_min)^N ≈ 0.999: still far away. Minimum (0, 0); start (−9, 0.8) in the
    upper-left corner.
    """
    return Quadratic(np.diag([0.1, 199.8]), (0.0, 0.0), name="ravine", title="Convex ravine",
                     window=((-10, 10), (-1, 1)), start=(-9, 0.8))


def zigzag():
    """A valley tilted at 45°: L(p) = ½ pᵀ H p, H = R diag(1, 10) Rᵀ, R a 45° rotation.

    The flat direction is (1, 1), the steep one (1, −1). Gradient descent with η = 0.18
    multiplies the steep component by 1 − 10η = −0.8 per step, so it zig-zags across
    the valley; momentum averages the zig-zag out (it keeps direction), while a
    per-coordinate σ can't (it keeps only magnitude, and the valley is tilted).
    Minimum (0, 0); start (−3.5, −1).
    """
    return Quadratic(_rotated([1.0, 10.0], 45), (0.0, 0.0), name="zigzag",
                     title="Tilted zig-zag valley", window=((-4, 4), (-4, 4)), start=(-3.5, -1))


def rosenbrock(a=1.0, b=100.0):
    """Rosenbrock's curved valley: L(x, y) = (a − x)² + b (y − x²)², minimum (a, a²).

    Start (−1.5, 2); window [−2, 2] × [−1, 3].
    """
    return Rosenbrock(a, b, name="rosenbrock", title="Rosenbrock's curved valley",
                      window=((-2, 2), (-1, 3)), start=(-1.5, 2))


def saddle():
    """A saddle: L(x, y) = x²/2 − y²/2 + y⁴/4, saddle (0, 0), minima (0, ±1), L_min = −¼.

    Start (1, 10⁻³), just off the saddle's ridge: gradient descent first slides to the
    saddle, then escapes along y slowly (y grows by a factor 1 + η per step); momentum
    and Adam escape faster.
    """
    return Saddle(name="saddle", title="Saddle point", window=((-1.5, 1.5), (-1.5, 1.5)),
                  start=(1.0, 1e-3), level_scale="linear")


def plateau_cliff():
    """A plateau, a cliff, a basin: L(x, y) = 5(1 − tanh(2x)) + 0.005(x − 3)² + 0.1 y².

    Along x: plateau for x < −1.5 (slope 0.06 to 0.15), cliff −1.5 < x < 1.5 (slope up
    to 10, the loss drops by 10), basin for x > 1.5 with its minimum near (3.02, 0);
    along y a gentle bowl. Start (−5, 0.5) on the plateau. RMSProp with a small α
    brakes at the cliff (σ grows at once) and speeds up after it; Adagrad's σ
    remembers the cliff and creeps through the basin.
    """
    return PlateauCliff(h=10.0, s=2.0, c=0.0, q=0.005, m=3.0, k=0.2, name="plateau_cliff",
                        title="Plateau, cliff and basin", window=((-6, 5), (-2, 2)),
                        start=(-5, 0.5))


def rugged():
    """A rugged bowl: L(p) = 0.05‖p − (1, 0.5)‖² + 1 − cos(3x) cos(3y).

    Many local minima; the global one is found numerically. Start (−3.5, 3.5); window
    [−4, 4] × [−4, 4].
    """
    return EggCrate(r=0.1, p0=(1.0, 0.5), A=1.0, omega=3.0, name="rugged",
                    title="Rugged bowl", window=((-4, 4), (-4, 4)), start=(-3.5, 3.5))


def all_surfaces():
    """The course's seven surfaces, name → surface, in the order they appear."""
    return {s.name: s for s in (pokemon(), ravine(), zigzag(), rosenbrock(), saddle(),
                                plateau_cliff(), rugged())}
