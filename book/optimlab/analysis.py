r"""Closed-form theory on quadratics, to set beside the measured runs.

On :math:`f(x) = \tfrac12 x^\top A x` every method in the book that is linear in the
gradient (gradient descent, heavy ball, Nesterov) acts on each eigen-direction of
:math:`A` separately, with curvature :math:`\lambda_i`. These functions give the
contraction factor per step (the *rate*) in closed form; :func:`measured_rate` reads
the same number off a trajectory, so the chapters can check one against the other.
All functions broadcast over array arguments.

The measurements on sweeps live here too: :func:`steps_grid` (steps to a tolerance of
every run) and :func:`tune`, the comparison chapter's rule for the best step size, which
:func:`optimlab.plots.steps_heatmap` draws.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

import numpy as np

from . import _validate as check
from .objectives import Objective
from .trajectory import Trajectory


def gd_rate(lr, eigenvalues) -> np.ndarray:
    r"""Rate of gradient descent: :math:`\max_i |1 - \eta\lambda_i|`, since
    :math:`x_i(k) = (1-\eta\lambda_i)^k x_i(0)` along each eigen-direction."""
    lr = check.positive("lr", lr)
    lam = _eigenvalues(eigenvalues)
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
    lr, beta, lam = _momentum_args(lr, beta, lam)
    m = np.zeros(lr.shape + (2, 2))
    m[..., 0, 0] = 1.0 + beta - lr * lam
    m[..., 0, 1] = -beta
    m[..., 1, 0] = 1.0
    return m


def heavy_ball_roots(lr, beta, lam) -> np.ndarray:
    r"""The two eigenvalues of :func:`heavy_ball_matrix`, roots of
    :math:`r^2 - (1+\beta-\eta\lambda) r + \beta = 0` (last axis, complex)."""
    lr, beta, lam = _momentum_args(lr, beta, lam)
    b = 1.0 + beta - lr * lam
    disc = np.sqrt((b * b - 4.0 * beta).astype(complex))
    return np.stack([(b + disc) / 2.0, (b - disc) / 2.0], axis=-1)


def heavy_ball_rate(lr, beta, eigenvalues) -> np.ndarray:
    r"""Rate of heavy ball: the largest :math:`|r|` over the roots of every eigen-direction.
    Below 1 exactly when :math:`0 < \eta\lambda_i < 2 + 2\beta` for all :math:`i`."""
    lr, beta, lam = _rate_args(lr, beta, eigenvalues)
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


def hessian(objective) -> np.ndarray:
    r"""The matrix :math:`A` of a quadratic objective :math:`f(x) = \tfrac12 x^\top A x`,
    read off its gradient: column :math:`i` is :math:`\nabla f(e_i) = A e_i`.
    Raises if the gradient is not linear (the objective is not such a quadratic)."""
    check.instance("objective", objective, Objective)
    d = objective.dim
    A = np.asarray(objective.grad(np.eye(d)), dtype=float).T
    probe = np.random.default_rng(0).standard_normal((3, d))
    if not (np.allclose(A, A.T) and np.allclose(objective.grad(probe), probe @ A.T)
            and np.allclose(objective.f(probe), 0.5 * np.sum((probe @ A.T) * probe, axis=-1))):
        raise ValueError("objective must be a quadratic 0.5 x^T A x with a linear gradient, "
                         f"got objective={objective.name!r}")
    return A


def gd_iterates(lr, A, x0, steps: int) -> np.ndarray:
    r"""Gradient descent on :math:`\tfrac12 x^\top A x` in closed form, shape ``(steps+1, d)``:

    .. math:: x_k = Q (I - \eta\Lambda)^k Q^\top x_0, \qquad A = Q \Lambda Q^\top,

    that is :math:`z_i(k) = (1 - \eta\lambda_i)^k z_i(0)` for :math:`z = Q^\top x`."""
    lr = float(check.positive("lr", check.number("lr", lr)))
    lam, Q, z0 = _eigenbasis(A, x0)
    k = np.arange(check.steps("steps", steps, len(z0)) + 1)[:, None]
    return ((1.0 - lr * lam) ** k * z0) @ Q.T


def heavy_ball_iterates(lr, beta, A, x0, steps: int) -> np.ndarray:
    r"""Heavy ball (``v_0 = 0``) on :math:`\tfrac12 x^\top A x` in closed form, shape
    ``(steps+1, d)``: along each eigen-direction

    .. math:: \begin{pmatrix} z_{k+1} \\ z_k \end{pmatrix} = M^k
              \begin{pmatrix} z_1 \\ z_0 \end{pmatrix},\quad z_1 = (1 - \eta\lambda) z_0,

    with :math:`M` from :func:`heavy_ball_matrix`."""
    lr = float(check.positive("lr", check.number("lr", lr)))
    beta = float(check.unit("beta", check.number("beta", beta)))
    lam, Q, z0 = _eigenbasis(A, x0)
    m = heavy_ball_matrix(lr, beta, lam)
    return _two_step(m, z0, (1.0 - lr * lam) * z0, steps) @ Q.T


def nesterov_matrix(lr, beta, lam) -> np.ndarray:
    r"""The iteration matrix of Nesterov's method on one eigen-direction, acting on the
    look-ahead iterates :math:`(\phi_k, \phi_{k-1})` that the libraries report:

    .. math::

        \phi_{k+1} = (1 + \beta)(1 - \eta\lambda)\, \phi_k - \beta (1 - \eta\lambda)\, \phi_{k-1}
    """
    lr, beta, lam = _momentum_args(lr, beta, lam)
    m = np.zeros(lr.shape + (2, 2))
    m[..., 0, 0] = (1.0 + beta) * (1.0 - lr * lam)
    m[..., 0, 1] = -beta * (1.0 - lr * lam)
    m[..., 1, 0] = 1.0
    return m


def nesterov_rate(lr, beta, eigenvalues) -> np.ndarray:
    r"""Rate of Nesterov's method: the largest root modulus over the eigen-directions of
    :math:`r^2 - (1+\beta)(1-\eta\lambda)\, r + \beta(1-\eta\lambda) = 0`.
    Below 1 exactly when :math:`0 < \eta\lambda_i < (2+2\beta)/(1+2\beta)` for all :math:`i`."""
    lr, beta, lam = _rate_args(lr, beta, eigenvalues)
    c = 1.0 - lr * lam
    b, p = (1.0 + beta) * c, beta * c
    disc = np.sqrt((b * b - 4.0 * p).astype(complex))
    roots = np.stack([(b + disc) / 2.0, (b - disc) / 2.0], axis=-1)
    return np.abs(roots).max(axis=(-1, -2))


def nesterov_iterates(lr, beta, A, x0, steps: int) -> np.ndarray:
    r"""Nesterov (``v_0 = 0``, library form) on :math:`\tfrac12 x^\top A x` in closed form:
    :math:`\phi_1 = (1 - (1+\beta)\eta\lambda)\,\phi_0`, then :func:`nesterov_matrix`."""
    lr = float(check.positive("lr", check.number("lr", lr)))
    beta = float(check.unit("beta", check.number("beta", beta)))
    lam, Q, z0 = _eigenbasis(A, x0)
    m = nesterov_matrix(lr, beta, lam)
    return _two_step(m, z0, (1.0 - (1.0 + beta) * lr * lam) * z0, steps) @ Q.T


def critical_beta(lr, lam) -> np.ndarray:
    r"""The momentum that damps curvature :math:`\lambda` critically (a double root of
    :math:`r^2 - (1+\beta-\eta\lambda) r + \beta`), for :math:`0 < \eta\lambda < 4`:

    .. math:: \beta_c = \big(1 - \sqrt{\eta\lambda}\big)^2, \qquad
              \text{rate} = \sqrt{\beta_c} = |1 - \sqrt{\eta\lambda}|
    """
    lr, lam = check.positive("lr", lr), check.positive("lam", lam)
    check.broadcast(lr=lr, lam=lam)
    h = check.in_range("lr * lam", lr * lam, 0.0, 4.0, lo_open=True, hi_open=True)
    return (1.0 - np.sqrt(h)) ** 2


def heavy_ball_noise_floor(lr, beta, eigenvalues, sigma) -> np.ndarray:
    r"""Expected loss gap :math:`\mathbb E f - f^\star` that heavy ball settles at when every
    gradient carries independent noise :math:`\sigma\xi_t`, :math:`\xi_t \sim \mathcal N(0, I)`
    (stationary variance of the AR(2) recursion on each eigen-direction):

    .. math:: \mathbb E f - f^\star = \sum_i \frac{\lambda_i}{2}\,
              \frac{(1+\beta)\,\eta\,\sigma^2}{(1-\beta)\,\lambda_i\,(2 + 2\beta - \eta\lambda_i)}
              = \sum_i \frac{(1+\beta)\,\eta\,\sigma^2}{2(1-\beta)(2 + 2\beta - \eta\lambda_i)}

    Infinite where a direction is unstable (:math:`\eta\lambda_i \ge 2 + 2\beta`)."""
    lr = np.asarray(check.positive("lr", lr))[..., None]
    beta = np.asarray(check.unit("beta", beta, hi_open=True))[..., None]
    lam = check.positive("eigenvalues", eigenvalues)
    sigma = check.nonnegative("sigma", check.number("sigma", sigma))
    if lam.ndim > 1:
        raise ValueError(f"eigenvalues must be a number or a 1-D list, got shape {lam.shape}")
    check.broadcast(lr=lr[..., 0], beta=beta[..., 0])
    room = 2.0 + 2.0 * beta - lr * lam
    with np.errstate(divide="ignore"):
        per = np.where(room > 0, (1.0 + beta) * lr * sigma**2 / (2.0 * (1.0 - beta) * room), np.inf)
    return per.sum(axis=-1)


def steps_needed(rate, reduction: float = 1e-6) -> np.ndarray:
    r"""Steps for an error that shrinks by ``rate`` per step to shrink by ``reduction``:
    :math:`k = \lceil \ln(\text{reduction}) / \ln(\text{rate}) \rceil`."""
    rate = check.in_range("rate", rate, 0.0, 1.0, lo_open=True, hi_open=True)
    reduction = check.in_range("reduction", reduction, 0.0, 1.0, lo_open=True, hi_open=True)
    check.broadcast(rate=rate, reduction=reduction)
    return np.ceil(np.log(reduction) / np.log(rate)).astype(int)


def _momentum_args(lr, beta, lam):
    """Checked ``lr > 0``, ``beta`` in [0, 1] and finite ``lam``, broadcast together."""
    named = {"lr": check.positive("lr", lr), "beta": check.unit("beta", beta),
             "lam": check.finite("lam", lam)}
    check.broadcast(**named)
    return np.broadcast_arrays(*named.values())


def _rate_args(lr, beta, eigenvalues):
    """lr and beta with a trailing axis for the eigenvalues (1-D)."""
    lr, beta = check.positive("lr", lr), check.unit("beta", beta)
    check.broadcast(lr=lr, beta=beta)
    return lr[..., None], beta[..., None], _eigenvalues(eigenvalues)


def _eigenvalues(eigenvalues) -> np.ndarray:
    lam = check.finite("eigenvalues", eigenvalues)
    if lam.ndim > 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must be a number or a non-empty 1-D list, "
                         f"got shape {lam.shape}")
    return np.atleast_1d(lam)  # a single curvature is one eigen-direction, not an lr axis


def _eigenbasis(A, x0):
    A = check.finite("A", A)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError(f"A must be a symmetric square matrix, got shape {A.shape}")
    lam, Q = np.linalg.eigh(A)
    x0 = check.point("x0", x0, A.shape[0])
    if x0.ndim != 1:  # the closed forms follow one run
        raise ValueError(f"x0 must be one start point of shape ({A.shape[0]},), "
                         f"got shape {x0.shape}")
    return lam, Q, x0 @ Q


def _two_step(m, z0, z1, steps):
    steps = check.steps("steps", steps, len(z0))
    out = np.empty((steps + 1, len(z0)))
    out[0] = z0
    if steps:
        out[1] = z1
    pair = np.stack([z1, z0], axis=-1)
    for k in range(2, steps + 1):
        pair = np.einsum("dij,dj->di", m, pair)
        out[k] = pair[:, 0]
    return out


def _curvatures(lmin, lmax):
    lmin = float(check.positive("lmin", check.number("lmin", lmin)))
    lmax = float(check.positive("lmax", check.number("lmax", lmax)))
    if lmax < lmin:
        raise ValueError(f"lmax must be >= lmin, got lmin={lmin!r}, lmax={lmax!r}")
    return lmin, lmax


def measured_rate(tr: Trajectory, start: int | None = None) -> np.ndarray:
    r"""The rate read off a run: :math:`(\|e_K\| / \|e_{k_0}\|)^{1/(K-k_0)}` with
    :math:`e_k = x_k - x^\star`, over the second half of the run by default.
    NaN for diverged runs; 0 where the error reached exactly zero."""
    check.instance("tr", tr, Trajectory)
    if tr.steps < 1:
        raise ValueError(f"measured_rate needs a run of at least 1 step, got steps={tr.steps}")
    if tr.objective.minimizer is None:
        raise ValueError("measured_rate needs an objective with a minimiser, "
                         f"got {tr.objective.name!r}")
    k0 = tr.steps // 2 if start is None else check.integer("start", start)
    if not 0 <= k0 < tr.steps:
        raise ValueError(f"start must be in [0, {tr.steps - 1}], got start={k0!r}")
    err = np.linalg.norm(tr.x - tr.objective.minimizer, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (err[-1] / err[k0]) ** (1.0 / (tr.steps - k0))


def l2_minimizer(a, center, weight_decay) -> np.ndarray:
    r"""Minimiser of the L2-regularised diagonal bowl
    :math:`\tfrac12\sum_i a_i (x_i - c_i)^2 + \tfrac\lambda2 \|x\|^2`: setting the gradient
    :math:`a_i(x_i - c_i) + \lambda x_i` to zero gives :math:`x_i = a_i c_i/(a_i + \lambda)`."""
    a, c = check.positive("a", a), check.finite("center", center)
    weight_decay = check.nonnegative("weight_decay", check.number("weight_decay", weight_decay))
    check.broadcast(a=a, center=c)
    return a * c / (a + float(weight_decay))


def nesterov_optimal(lmin: float, lmax: float) -> tuple[float, float, float]:
    r"""The tuning of Nesterov's method (constant :math:`\beta`) that minimises its rate on
    quadratics with curvatures in :math:`[\mu, L] = [\lambda_{\min}, \lambda_{\max}]`
    (Lessard, Recht and Packard 2016, with :math:`\kappa = L/\mu`):

    .. math:: \eta^\star = \frac{4}{3L + \mu}, \qquad
              \beta^\star = \frac{\sqrt{3\kappa+1} - 2}{\sqrt{3\kappa+1} + 2}, \qquad
              \rho^\star = 1 - \frac{2}{\sqrt{3\kappa+1}} .

    Returns ``(eta, beta, rate)``."""
    lmin, lmax = _curvatures(lmin, lmax)
    q = np.sqrt(3.0 * lmax / lmin + 1.0)
    return 4.0 / (3.0 * lmax + lmin), (q - 2.0) / (q + 2.0), 1.0 - 2.0 / q


def heavy_ball_lr_limit(beta, lmax) -> np.ndarray:
    r"""The largest stable step of heavy ball for momentum :math:`\beta` and top curvature
    :math:`\lambda_{\max}`: the boundary :math:`\eta = (2 + 2\beta)/\lambda_{\max}` of the
    stable region :math:`0 < \eta\lambda < 2 + 2\beta`."""
    beta = check.unit("beta", beta)
    return (2.0 + 2.0 * beta) / float(check.positive("lmax", check.number("lmax", lmax)))


def running_mean(values, window: int) -> np.ndarray:
    r"""Trailing mean over ``window`` entries along the first axis,
    :math:`\bar y_t = \frac1w \sum_{k=t-w+1}^{t} y_k` for :math:`t \ge w - 1`; entry ``i``
    of the result is :math:`\bar y_{w-1+i}` (the first ``window - 1`` steps have none)."""
    y = np.asarray(values, dtype=float)
    window = check.integer("window", window)
    if not 1 <= window <= len(y):
        raise ValueError(f"window must be between 1 and {len(y)}, got window={window}")
    c = np.cumsum(np.concatenate([np.zeros((1,) + y.shape[1:]), y]), axis=0)
    return (c[window:] - c[:-window]) / window


# ------------------------------------------------ steps to tolerance and the tuning rule


class StepsGrid(NamedTuple):
    """Steps to tolerance of several one-axis ``lr`` sweeps, one row per label.

    ``columns`` are the step sizes (or the multipliers, with ``bases[label]`` the base
    step size of each row, ``None`` without multipliers); ``steps``, ``final`` (the final
    loss gap) and the boolean masks are arrays of shape ``(rows, columns)``. ``best`` is
    the choice of :func:`tune` and ``best_index[label]`` its column (``None`` with it).
    """

    labels: list
    columns: np.ndarray
    bases: dict
    steps: np.ndarray
    final: np.ndarray
    diverged: np.ndarray
    reached: np.ndarray
    settled: np.ndarray
    best: dict
    best_index: dict


def steps_grid(results: Mapping[str, Trajectory], *, tol: float, multipliers=None,
               who: str = "steps_grid") -> StepsGrid:
    r"""Every cell of a steps-to-tolerance table: ``tr.steps_to(tol)``, the first step
    with :math:`f - f^\star \le` ``tol``, of each run of each sweep in ``results``
    (label -> one-axis sweep over ``lr``, e.g. the output of :func:`optimlab.lr_sweeps`),
    and the best cell of each row by the rule of :func:`tune`.

    Without ``multipliers`` every row must share one grid of step sizes; with them each
    row's ``grid["lr"]`` must be one base step size times ``multipliers``. ``who`` names
    the caller in error messages."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)) \
            or not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got tol={tol!r}")
    tol = float(tol)
    if not isinstance(results, Mapping):
        raise TypeError(f"results must be a mapping label -> Trajectory, got results={results!r}")
    if not results:
        raise ValueError(f"{who} needs at least one sweep, got an empty mapping")
    labels = list(results)
    first = results[labels[0]]
    for label, tr in results.items():
        check.instance(f"results[{label!r}]", tr, Trajectory)
        if list(tr.grid) != ["lr"]:
            raise ValueError(f"{who} needs one-axis sweeps over lr; {label!r} sweeps "
                             f"{list(tr.grid) or 'nothing'}")
        if not np.isfinite(tr.objective.f_min):
            raise ValueError(f"{tr.objective.name} has no finite minimum, so no tolerance "
                             "can be reached (steps_to needs f_min)")
    if multipliers is None:
        columns = np.asarray(first.grid["lr"], dtype=float)
        for label, tr in results.items():
            if not np.allclose(tr.grid["lr"], columns, rtol=1e-12, atol=0):
                raise ValueError(f"the rows sweep different step sizes ({label!r} differs from "
                                 f"{labels[0]!r}); pass multipliers= to show multipliers")
        bases = {label: None for label in labels}
    else:
        columns = np.asarray(multipliers, dtype=float)
        if columns.ndim != 1 or not (np.all(np.isfinite(columns)) and np.all(columns > 0)):
            raise ValueError(f"multipliers must be positive numbers, got {multipliers!r}")
        bases = {}
        for label, tr in results.items():
            lr = np.asarray(tr.grid["lr"], dtype=float)
            ratio = lr / columns if lr.shape == columns.shape else None
            if ratio is None or not np.allclose(ratio, ratio[0], rtol=1e-9, atol=0):
                raise ValueError(f"{label!r}: grid['lr'] = {lr.tolist()} is not one base step "
                                 f"size times multipliers = {columns.tolist()}")
            bases[label] = float(ratio[0])

    n, m = len(labels), len(columns)
    steps = np.full((n, m), -1)
    final = np.full((n, m), np.nan)
    diverged = np.zeros((n, m), dtype=bool)
    for i, label in enumerate(labels):
        tr = results[label]
        steps[i] = tr.steps_to(tol)
        final[i] = tr.loss[-1] - tr.objective.f_min
        diverged[i] = tr.diverged
    reached = (steps >= 0) & ~diverged
    with np.errstate(invalid="ignore"):
        settled = reached & (final <= tol)
    lrs = [np.asarray(results[label].grid["lr"], dtype=float) for label in labels]
    index = {label: _best_index(steps[i], final[i], diverged[i], settled[i])
             for i, label in enumerate(labels)}
    best = {label: None if j is None else
            {"lr": float(lrs[i][j]), "column": float(columns[j]),
             "steps": int(steps[i, j]) if settled[i, j] else -1,
             "final_gap": float(final[i, j]), "settled": bool(settled[i, j])}
            for i, (label, j) in enumerate(index.items())}
    return StepsGrid(labels, columns, bases, steps, final, diverged, reached, settled, best,
                     index)


def _best_index(steps, final, diverged, settled) -> int | None:
    """The column :func:`tune` picks in one row (see there), or None."""
    if settled.any():
        return int(np.argmin(np.where(settled, steps, np.iinfo(np.int64).max)))
    if np.isfinite(final).any() and not diverged.all():
        return int(np.nanargmin(np.where(diverged, np.nan, final)))
    return None


def tune(results: Mapping[str, Trajectory], *, tol: float, multipliers=None) -> dict:
    """The tuning rule of the comparison chapter: the best step size of each sweep.

    ``results`` maps a label to a one-axis sweep over ``lr``. For each label the best run
    is the one with the fewest steps to ``tol`` among the runs that reach ``tol`` and end
    below it (ties go to the earlier column, the smaller step size on an ascending grid);
    if no run does, the run with the lowest final loss gap. Returns
    ``label -> {"lr", "column", "steps", "final_gap", "settled"}`` (``column`` is the
    multiplier when ``multipliers`` is given, else the step size; ``steps`` is ``-1`` and
    ``settled`` False for the fallback), or ``label -> None`` if every run diverged.
    :func:`optimlab.plots.steps_heatmap` outlines the same choice.
    """
    return steps_grid(results, tol=tol, multipliers=multipliers, who="tune").best
