r"""Loss landscapes with their gradients, minimiser and a plotting window.

Every function here works on arrays of points of shape ``batch + (d,)`` and returns
values of shape ``batch`` (``f``) or ``batch + (d,)`` (``grad``).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from . import _validate as check


@dataclasses.dataclass(frozen=True)
class Objective:
    """A differentiable loss ``f`` with its gradient ``grad``.

    ``minimizer`` is ``None`` where there is none (the saddle); ``bounds`` is the
    plotting window ``((x_lo, x_hi), (y_lo, y_hi))`` (one pair for 1-D problems).
    ``noise`` > 0 adds seeded Gaussian noise to every gradient (see :func:`noisy`).
    ``domain``, a box ``((lo, hi), ...)``, makes runs projected: every iterate is
    clipped back into the box (as in online convex optimization).
    ``spec`` says which formula ``f`` and ``grad`` compute, as JSON-ready data: its
    ``kind`` and parameters, e.g. ``{"kind": "rosenbrock", "a": 1.0, "b": 100.0}``
    (:mod:`optimlab.engine` hands it to the page engine); None for a landscape built
    from arbitrary functions.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    dim: int
    minimizer: np.ndarray | None
    f_min: float
    bounds: tuple
    tex: str
    noise: float = 0.0
    seed: int = 0
    grad_at_step: Callable[[np.ndarray, int], np.ndarray] | None = None
    domain: tuple | None = None
    spec: dict | None = dataclasses.field(default=None, compare=False, repr=False)

    def gradient(self, x: np.ndarray, t: int) -> np.ndarray:
        r"""The gradient the optimizer sees at step ``t``: :math:`\nabla f(x) + \sigma\xi_t`.

        The noise :math:`\xi_t` depends only on ``(seed, t)``, so every run of a sweep
        sees the same noise sequence and a run is reproducible on its own. Online
        problems (a different loss :math:`f_t` at every step) set ``grad_at_step``.
        """
        g = self.grad(x) if self.grad_at_step is None else self.grad_at_step(x, t)
        if self.noise:
            g = g + self.noise * noise_rows(self.seed, self.dim, t + 1)[t]
        return g


#: (seed, dim) -> rows ξ_0, ξ_1, ... drawn so far in this process
_NOISE: dict[tuple[int, int], np.ndarray] = {}
_NOISE_FLOATS = 2**23  # 64 MiB at most; past that the cache starts again


def noise_rows(seed: int, dim: int, n: int) -> np.ndarray:
    r"""The noise :math:`\xi_0, \dots, \xi_{n-1}` of ``(seed, t)``, shape ``(n', dim)`` with
    :math:`n' \ge n`: row ``t`` is ``np.random.default_rng((seed, t)).standard_normal(dim)``.

    Building a generator per step is most of a noisy run's time, so every row is drawn
    once per process and kept: a sweep, a panel's twin and a race reuse the same rows, and
    :func:`optimlab.run` draws all of a run's rows before its loop."""
    rows = _NOISE.get((seed, dim))
    have = 0 if rows is None else len(rows)
    if have >= n:
        return rows
    new = np.empty((n - have, dim))
    for k in range(have, n):
        new[k - have] = np.random.default_rng((seed, k)).standard_normal(dim)
    rows = new if rows is None else np.concatenate([rows, new])
    if sum(r.size for r in _NOISE.values()) + new.size > _NOISE_FLOATS:
        _NOISE.clear()
    _NOISE[(seed, dim)] = rows
    return rows


def _dot_last(u, v):
    """:math:`\\sum_j u_j v_j` over the last axis, added in index order.

    Only elementwise arithmetic, which IEEE 754 rounds the same way whatever the array's
    shape or the CPU: a batch of points gets the very bits each point gets alone. A matmul
    picks its kernel (and so its rounding) by shape and CPU, and in a run that never
    settles (RMSprop's restless end) a last-bit difference grows into a visible one.
    """
    total = u[..., 0] * v[..., 0]
    for j in range(1, np.shape(u)[-1]):
        total = total + u[..., j] * v[..., j]
    return total


def _matvec(x, A):
    """``x @ A`` for points ``x`` of shape ``(..., d)``, summed in index order (see
    ``_dot_last``)."""
    total = x[..., :1] * A[0]
    for j in range(1, A.shape[0]):
        total = total + x[..., j:j + 1] * A[j]
    return total


def quadratic(A, *, name: str | None = None, bounds=((-3, 3), (-3, 3)), tex: str | None = None
              ) -> Objective:
    r"""The quadratic bowl :math:`f(x) = \tfrac12 x^\top A x` for a symmetric matrix ``A``.

    Its gradient is :math:`A x` and its Hessian ``A``; the eigenvalues of ``A`` are the
    curvatures :math:`\lambda_i` the chapters analyse.
    """
    A = np.array(check.finite("A", A))
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError(f"A must be a symmetric square matrix, got shape {A.shape}")
    d = A.shape[0]
    eig = np.linalg.eigvalsh(A)
    bounded = eig.min() >= 0

    if np.count_nonzero(A - np.diag(np.diag(A))) == 0:  # diagonal: elementwise is faster
        a = np.diag(A).copy()

        def f(x):
            return _dot_last(x * x, 0.5 * a)

        def grad(x):
            return x * a

        spec = {"kind": "diagonal", "a": a.tolist()}
    else:
        def f(x):
            return 0.5 * _dot_last(_matvec(x, A), x)

        def grad(x):
            return _matvec(x, A)  # A is symmetric

        spec = {"kind": "quadratic", "A": A.tolist()}

    return Objective(
        name=name or f"quadratic {A.tolist()}",
        f=f, grad=grad, dim=d,
        minimizer=np.zeros(d) if bounded else None,
        f_min=0.0 if bounded else -np.inf,
        bounds=tuple(tuple(map(float, b)) for b in bounds),
        tex=tex or r"\tfrac12 x^\top A x", spec=spec,
    )


def diagonal_bowl(a: float, b: float, *, bounds, name: str | None = None) -> Objective:
    r""":math:`f(x, y) = a x^2 + b y^2`, curvatures :math:`2a` and :math:`2b`."""
    a, b = check.number("a", a), check.number("b", b)
    return quadratic(np.diag([2 * a, 2 * b]), bounds=bounds,
                     name=name or f"{a:g}x² + {b:g}y²", tex=f"{a:g}x_1^2 + {b:g}x_2^2")


def seed000_bowl() -> Objective:
    r"""Seed 000's stretched bowl :math:`f(x, y) = 0.1x^2 + 5y^2` (curvatures 0.2 and 10)."""
    return diagonal_bowl(0.1, 5.0, bounds=((-12, 12), (-2, 2)), name="0.1x² + 5y²")


def seed004_bowl() -> Objective:
    r"""Seed 004's (and d2l's) bowl :math:`f(x) = 0.1x_1^2 + 2x_2^2`."""
    return diagonal_bowl(0.1, 2.0, bounds=((-5.5, 1.0), (-3.0, 3.0)), name="0.1x₁² + 2x₂²")


def rotated_bowl() -> Objective:
    r"""Seed 004's exercise: :math:`f(x) = 0.1(x_1+x_2)^2 + 2(x_1-x_2)^2`, with
    :math:`A = \begin{pmatrix}4.2 & -3.8\\-3.8 & 4.2\end{pmatrix}`: seed 004's bowl turned by
    45° and doubled (:math:`(x_1 \pm x_2)^2 = 2u^2` in rotated coordinates), so its
    curvatures are 0.4 and 8 rather than 0.2 and 4."""
    return quadratic([[4.2, -3.8], [-3.8, 4.2]], bounds=((-5.5, 3.0), (-5.5, 3.0)),
                     name="0.1(x₁+x₂)² + 2(x₁−x₂)²", tex=r"0.1(x_1+x_2)^2 + 2(x_1-x_2)^2")


def saddle() -> Objective:
    r"""The saddle :math:`f(x, y) = x^2 - y^2`: no minimiser, escape along :math:`y`."""
    return quadratic(np.diag([2.0, -2.0]), bounds=((-1.5, 1.5), (-1.5, 1.5)),
                     name="x² − y² (saddle)", tex="x^2 - y^2")


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Objective:
    r"""Rosenbrock's banana :math:`f(x, y) = (a - x)^2 + b (y - x^2)^2`, minimum at
    :math:`(a, a^2)`.

    ``a`` is any finite number and ``b > 0`` (for :math:`b \le 0` there is no minimum)."""
    a = check.number("a", a)
    b = float(check.positive("b", check.number("b", b)))
    name = "Rosenbrock" if (a, b) == (1.0, 100.0) else f"Rosenbrock a={a:g}, b={b:g}"

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        r = y - x * x
        return np.stack([-2 * (a - x) - 4 * b * x * r, 2 * b * r], axis=-1)

    return Objective(name, f, grad, 2, np.array([a, a * a]), 0.0,
                     ((-2.0, 2.0), (-1.0, 3.0)), rf"({a:g}-x)^2 + {b:g}(y-x^2)^2",
                     spec={"kind": "rosenbrock", "a": a, "b": b})


_BEALE_C = np.array([1.5, 2.25, 2.625])


def beale() -> Objective:
    r"""Beale's function :math:`\sum_{k=1}^{3} (c_k - x + x y^k)^2`, :math:`c = (1.5, 2.25, 2.625)`,
    minimum 0 at :math:`(3, 0.5)`."""

    def terms(p):
        # y^k by multiplication, not ** (the C library's pow, not correctly rounded, and
        # not JavaScript's): the page engine repeats these very operations
        x, y = p[..., 0], p[..., 1]
        powers = (np.ones_like(y), y, y * y, y * y * y)  # y^0 .. y^3
        r = [c - x + x * powers[k] for k, c in enumerate(_BEALE_C, start=1)]
        return r, powers, x

    def f(p):
        r, *_ = terms(p)
        return r[0] * r[0] + r[1] * r[1] + r[2] * r[2]  # summed in index order

    def grad(p):
        r, powers, x = terms(p)
        dx = [2 * r[k - 1] * (powers[k] - 1) for k in (1, 2, 3)]
        dy = [2 * r[k - 1] * k * x * powers[k - 1] for k in (1, 2, 3)]
        return np.stack([dx[0] + dx[1] + dx[2], dy[0] + dy[1] + dy[2]], axis=-1)

    return Objective("Beale", f, grad, 2, np.array([3.0, 0.5]), 0.0,
                     ((-4.5, 4.5), (-4.5, 4.5)), r"\sum_{k=1}^3 (c_k - x + xy^k)^2",
                     spec={"kind": "beale"})


def least_squares_1d(x: float = 2.0, y: float = 4.0, *, half: bool = True) -> Objective:
    r"""Seed 003's one-weight fit, by default with the gradient the seed's code uses:

    .. math:: L(w) = \tfrac12 (y - w x)^2, \qquad g = -(y - w x)\, x

    Seed 003 writes :math:`L = (y - wx)^2` but differentiates :math:`\tfrac12(y-wx)^2`;
    ``half=False`` gives :math:`L = (y - wx)^2` with :math:`g = -2x(y - wx)`. The chapter
    shows why RMSprop's path hardly notices the factor 2.
    """
    x, y = check.number("x", x), check.number("y", y)
    if x == 0:
        raise ValueError("x must be a nonzero number (w* = y/x), got x=0")
    c = 0.5 if check.flag("half", half) else 1.0

    def f(w):
        return c * (y - w[..., 0] * x) ** 2

    def grad(w):
        return -2 * c * (y - w * x) * x

    name = f"{'½' if half else ''}(y − wx)², x={x:g}, y={y:g}"
    return Objective(name, f, grad, 1, np.array([y / x]), 0.0,
                     ((-1.0, 1.5 * y / x + 1.0),), rf"{c:g}\,(y - wx)^2",
                     spec={"kind": "least_squares_1d", "x": x, "y": y, "c": c})


def noisy(objective: Objective, sigma: float, seed: int = 0) -> Objective:
    r"""The same landscape with gradients :math:`\nabla f(x) + \sigma \xi_t`,
    :math:`\xi_t \sim \mathcal N(0, I)` drawn from ``(seed, t)``: reproducible."""
    check.instance("objective", objective, Objective)
    sigma = check.number("sigma", sigma)
    sigma = float(check.nonnegative("sigma", sigma))
    check.integer("seed", seed)
    return dataclasses.replace(objective, noise=sigma, seed=seed,
                               name=f"{objective.name} + noise σ={sigma:g}")


def reddi_online(C: float = 3.0) -> Objective:
    r"""Reddi, Kale & Kumar's (ICLR 2018) online problem on which Adam fails to converge.

    The domain is the interval :math:`[-1, 1]` (runs clip every iterate into it: projected
    online optimization) and the loss changes with the step: at step ``t`` (counted from
    0, the index :func:`optimlab.run` passes to :meth:`Objective.gradient`)

    .. math::
        f_t(x) = \begin{cases} C\,x & t \bmod 3 = 0 \\ -x & \text{otherwise,} \end{cases}

    so the first step and every third one after it see the large gradient :math:`C`, the
    two steps in between the small gradient :math:`-1`. This is the paper's
    :math:`t \bmod 3 = 1` with its steps counted from 1. ``f`` is the average loss over a
    period, :math:`\bar f(x) = \frac{C-2}{3}\, x`, minimised at :math:`x^\star = -1` with
    :math:`\bar f(x^\star) = -\frac{C-2}{3}`; ``grad`` is its gradient, ``grad_at_step``
    the gradient of :math:`f_t`. ``C`` must exceed 2, so that the average slope is positive.
    """
    if isinstance(C, bool) or not isinstance(C, (int, float, np.integer, np.floating)):
        raise ValueError(f"C must be a number in (2, inf), got C={C!r}")
    C = float(check.in_range("C", C, 2.0, np.inf, lo_open=True, hi_open=True))
    slope = (C - 2.0) / 3.0

    def f(x):
        return slope * x[..., 0]

    def grad(x):
        return np.full_like(np.asarray(x, dtype=float), slope)

    def grad_at_step(x, t):
        return np.full_like(np.asarray(x, dtype=float), C if t % 3 == 0 else -1.0)

    return Objective(f"Reddi et al. online problem, C={C:g}", f, grad, 1, np.array([-1.0]),
                     -slope, ((-1.0, 1.0),), rf"\tfrac{{{C - 2:g}}}{{3}}\,x \text{{ on }} [-1, 1]",
                     grad_at_step=grad_at_step, domain=((-1.0, 1.0),),
                     spec={"kind": "reddi_online", "C": C})


LANDSCAPES = {
    "seed000_bowl": seed000_bowl, "seed004_bowl": seed004_bowl, "rotated_bowl": rotated_bowl,
    "rosenbrock": rosenbrock, "beale": beale, "saddle": saddle,
}


def shifted_bowl(a, center, *, bounds, name: str | None = None) -> Objective:
    r"""A diagonal bowl whose minimum is not at the origin,
    :math:`f(x) = \tfrac12 \sum_i a_i (x_i - c_i)^2`, with gradient :math:`a \odot (x - c)`,
    curvatures :math:`a_i > 0` and minimiser :math:`c`. (On the bowls centred at 0 an L2
    penalty does not move the minimiser; on this one it does.)"""
    a = np.array(check.finite("a", a), dtype=float)
    c = np.array(check.finite("center", center), dtype=float)
    if a.ndim != 1 or c.shape != a.shape or not np.all(a > 0):
        raise ValueError(f"a must be positive and center of the same length, got a={a.tolist()}, "
                         f"center={c.tolist()}")

    def f(x):
        return _dot_last((x - c) ** 2, 0.5 * a)  # the same bits in a batch

    def grad(x):
        return (x - c) * a

    terms = " + ".join(f"{0.5 * ai:g}(x_{i + 1} - {ci:g})^2"
                       for i, (ai, ci) in enumerate(zip(a, c)))
    return Objective(name=name or terms.replace("_1", "₁").replace("_2", "₂").replace("^2", "²"),
                     f=f, grad=grad, dim=a.size, minimizer=c.copy(), f_min=0.0,
                     bounds=tuple(tuple(map(float, b)) for b in bounds), tex=terms,
                     spec={"kind": "shifted_bowl", "a": a.tolist(), "center": c.tolist()})
