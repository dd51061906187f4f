r"""Closed-form theory on quadratics, to set beside the measured runs.

On :math:`f(x) = \tfrac12 x^\top A x` every method in the book that is linear in the
gradient (gradient descent, heavy ball, Nesterov) acts on each eigen-direction of
:math:`A` separately, with curvature :math:`\lambda_i`. These functions give the
contraction factor per step (the *rate*) in closed form; :func:`measured_rate` reads
the same number off a trajectory, so the chapters can check one against the other.
All functions broadcast over array arguments.
"""

from __future__ import annotations

import numpy as np

from . import _validate as check
from .trajectory import Trajectory


def gd_rate(lr, eigenvalues) -> np.ndarray:
    r"""Rate of gradient descent: :math:`\max_i |1 - \eta\lambda_i|`, since
    :math:`x_i(k) = (1-\eta\lambda_i)^k x_i(0)` along each eigen-direction."""
    lr = check.positive("lr", lr)
    lam = np.asarray(eigenvalues, dtype=float)
    return np.max(np.abs(1.0 - np.multiply.outer(lr, lam)), axis=-1)


def gd_optimal(lmin: float, lmax: float) -> tuple[float, float]:
    r"""The best constant step :math:`\eta^\star = 2/(\lambda_{\min}+\lambda_{\max})` and its
    rate :math:`(\kappa-1)/(\kappa+1)`, :math:`\kappa = \lambda_{\max}/\lambda_{\min}`."""
    lmin, lmax = _curvatures(lmin, lmax)
    kappa = lmax / lmin
    return 2.0 / (lmin + lmax), (kappa - 1.0) / (kappa + 1.0)


def heavy_ball_matrix(lr, beta, lam) -> np.ndarray:
    r"""The iteration matrix of heavy ball on one eigen-direction, acting on
    :math:`(x_k, x_{k-1})`:

    .. math:: \begin{pmatrix} x_{k+1} \\ x_k \end{pmatrix} =
              \begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0 \end{pmatrix}
              \begin{pmatrix} x_k \\ x_{k-1} \end{pmatrix}
    """
    lr, beta, lam = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lr, beta, lam)))
    m = np.zeros(lr.shape + (2, 2))
    m[..., 0, 0] = 1.0 + beta - lr * lam
    m[..., 0, 1] = -beta
    m[..., 1, 0] = 1.0
    return m


def heavy_ball_roots(lr, beta, lam) -> np.ndarray:
    r"""The two eigenvalues of :func:`heavy_ball_matrix`, roots of
    :math:`r^2 - (1+\beta-\eta\lambda) r + \beta = 0` (last axis, complex)."""
    b = 1.0 + np.asarray(beta, float) - np.asarray(lr, float) * np.asarray(lam, float)
    disc = np.sqrt((b * b - 4.0 * np.asarray(beta, float)).astype(complex))
    return np.stack([(b + disc) / 2.0, (b - disc) / 2.0], axis=-1)


def heavy_ball_rate(lr, beta, eigenvalues) -> np.ndarray:
    r"""Rate of heavy ball: the largest :math:`|r|` over the roots of every eigen-direction.
    Below 1 exactly when :math:`0 < \eta\lambda_i < 2 + 2\beta` for all :math:`i`."""
    lam = np.asarray(eigenvalues, dtype=float)
    lr = np.asarray(lr, float)[..., None]
    beta = np.asarray(beta, float)[..., None]
    return np.abs(heavy_ball_roots(lr, beta, lam)).max(axis=(-1, -2))


def heavy_ball_optimal(lmin: float, lmax: float) -> tuple[float, float, float]:
    r"""Polyak's optimal heavy ball on curvatures in :math:`[\lambda_{\min}, \lambda_{\max}]`:

    .. math:: \eta^\star = \Big(\frac{2}{\sqrt{\lambda_{\min}} + \sqrt{\lambda_{\max}}}\Big)^2,\quad
              \beta^\star = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2,\quad
              \text{rate} = \sqrt{\beta^\star} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}
    """
    lmin, lmax = _curvatures(lmin, lmax)
    root_k = np.sqrt(lmax / lmin)
    rate = (root_k - 1.0) / (root_k + 1.0)
    return (2.0 / (np.sqrt(lmin) + np.sqrt(lmax))) ** 2, rate**2, rate


def _curvatures(lmin, lmax):
    lmin = float(check.positive("lmin", lmin))
    lmax = float(check.positive("lmax", lmax))
    if lmax < lmin:
        raise ValueError(f"lmax must be >= lmin, got lmin={lmin!r}, lmax={lmax!r}")
    return lmin, lmax


def measured_rate(tr: Trajectory, start: int | None = None) -> np.ndarray:
    r"""The rate read off a run: :math:`(\|e_K\| / \|e_{k_0}\|)^{1/(K-k_0)}` with
    :math:`e_k = x_k - x^\star`, over the second half of the run by default.
    NaN for diverged runs; 0 where the error reached exactly zero."""
    if tr.objective.minimizer is None:
        raise ValueError(f"measured_rate needs an objective with a minimiser, got {tr.objective.name!r}")
    k0 = tr.steps // 2 if start is None else check.integer("start", start)
    if not 0 <= k0 < tr.steps:
        raise ValueError(f"start must be in [0, {tr.steps - 1}], got start={k0!r}")
    err = np.linalg.norm(tr.x - tr.objective.minimizer, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (err[-1] / err[k0]) ** (1.0 / (tr.steps - k0))
