r"""The optimizers, as pairs of pure functions.

Each factory (``sgd``, ``momentum``, ``adagrad``, ``rmsprop``, ``adam``, ``adamw``,
``adadelta``, ``adamax``, ``nadam``, ``yogi``) checks its hyperparameters and returns an
:class:`Optimizer` with

* ``init(x) -> state``: the state before the first step, a NamedTuple;
* ``step(x, g, state) -> (x, state)``: one update from the gradient ``g`` at ``x``.

Nothing is mutated: ``step`` returns new arrays. Numeric hyperparameters may be arrays;
they broadcast against the batch axes of ``x`` (shape ``batch + (d,)``), which is how
:func:`optimlab.sweep` runs a whole grid of settings in one pass. ``lr`` may also be a
learning-rate schedule (:mod:`optimlab.schedules`, or any function of the step count):
step :math:`t` (the state's ``t`` before it, 0 on the first step) uses
:math:`\eta_t = \text{lr}(t)`.

Symbols follow the book: ``lr`` is :math:`\eta`, ``gamma`` the RMSprop decay
:math:`\gamma`, ``beta`` the momentum coefficient, ``beta1``/``beta2`` Adam's,
``eps`` :math:`\epsilon`; state fields are ``v`` (velocity), ``s`` (EMA or sum of
squared gradients), ``m`` (EMA of gradients), ``d`` (Adadelta's EMA of squared updates),
``u`` (Adamax's decaying maximum of :math:`|g|`) and ``t`` (steps taken).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from . import _validate as check
from ._format import hyperparameter as _fmt
from .schedules import Schedule, as_schedule

EPS_PLACEMENTS = ("inside", "outside")


class Optimizer(NamedTuple):
    """An optimizer: ``init`` and ``step`` plus what is needed to label and rebuild it:
    ``factory(**hyperparams)`` builds the same optimizer. Convention arguments at their
    defaults (``first_step="zero"``, ``bias_correction=True``, ``amsgrad_max`` without
    AMSGrad) are left out, so labels name only what differs."""

    init: Callable[[np.ndarray], Any]
    step: Callable[[np.ndarray, np.ndarray, Any], tuple]
    name: str
    hyperparams: dict
    batch_shape: tuple

    def label(self) -> str:
        """A short legend label, e.g. ``RMSprop(η=0.5, γ=0.9, ε=1e-08 inside √)``."""
        parts = []
        for key, value in self.hyperparams.items():
            if isinstance(value, Schedule):
                parts.append(f"{SYMBOLS.get(key, key)}={value.label()}")
                continue
            if isinstance(value, (bool, np.bool_)):
                if key in _ON_BY_DEFAULT:
                    if not value:
                        parts.append(_ON_BY_DEFAULT[key])
                elif value:
                    parts.append(key)
                continue
            if isinstance(value, str):
                if key == "eps_placement":
                    parts[-1] += (f" {_PLACEMENT_TEXT.get(value, value)}"
                                  + (" √" if value in EPS_PLACEMENTS else ""))
                else:
                    parts.append(f"{key}={value}")
                continue
            if np.ndim(value) == 0 and key in _ZERO_IS_OFF and float(value) == 0:
                continue
            parts.append(f"{SYMBOLS.get(key, key)}={_fmt(value)}")
        return f"{self.name}({', '.join(parts)})"


SYMBOLS = {"lr": "η", "gamma": "γ", "eps": "ε", "beta": "β", "beta1": "β₁", "beta2": "β₂",
           "momentum": "μ", "dampening": "τ", "weight_decay": "λ",
           "initial_accumulator": "s₀", "rho": "ρ", "momentum_decay": "ψ",
           "initial_m": "m₀"}
_ZERO_IS_OFF = {"momentum", "dampening", "weight_decay", "initial_accumulator", "initial_m"}
_PLACEMENT_TEXT = {"in_max": "in max", "outside_max": "outside max"}
_ON_BY_DEFAULT = {"bias_correction": "no bias correction"}


def _hp(value: np.ndarray) -> np.ndarray:
    """A hyperparameter ready to broadcast with ``x``: batch axes, then a length-1 axis."""
    return value[..., None]


def _step_size(lr):
    r"""``lr`` checked, and :math:`\eta_t` as a function of the step count: returns
    ``(lr, eta_at)`` with ``lr`` a float array or a :class:`~optimlab.schedules.Schedule`
    (any other callable is taken as one) and ``eta_at(t)`` ready to broadcast with ``x``.
    A constant ``eta_at`` returns the same array every step (no work per step)."""
    if callable(lr):
        schedule = as_schedule("lr", lr)
        fn = schedule.fn
        return schedule, lambda t: _hp(np.asarray(fn(t), dtype=float))
    lr = check.positive("lr", lr)
    eta = _hp(lr)
    return lr, lambda t: eta


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with 0/0 = 0, so that a zero gradient never moves a coordinate.

    Only the nonzero numerators are divided, so 0/0 is never computed and never warns.
    A nonzero numerator over a zero denominator (eps = 0 after s underflowed) is ±inf,
    as in PyTorch; :func:`optimlab.run` reports that run as diverged."""
    shape = np.shape(num)
    if shape != np.shape(den):  # broadcast_shapes costs more than the division itself
        shape = np.broadcast_shapes(shape, np.shape(den))
    return np.divide(num, den, out=np.zeros(shape), where=num != 0)


def _checked(step):
    """``step`` as the public ``Optimizer.step``: ``x`` and ``g`` must be finite numbers of
    fitting shapes (numpy's broadcast error names neither), and an overflow inside the
    step shows as a non-finite result, not as a warning. :func:`optimlab.run` calls the
    unchecked ``step.unchecked``: its arrays are right by construction, and a gradient
    that overflows there is a divergence to record, not an error."""
    def checked_step(x, g, state):
        x, g = check.finite("x", x), check.finite("g", g)
        if np.shape(g) != np.shape(x):
            try:
                np.broadcast_shapes(np.shape(x), np.shape(g))
            except ValueError:
                raise ValueError(f"g must have the shape of x, got x of shape {np.shape(x)} "
                                 f"and g of shape {np.shape(g)}") from None
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                return step(x, g, state)
        except ValueError as err:  # numpy's broadcast error names no argument
            shapes = {k: np.shape(v) for k, v in state._asdict().items() if v is not None}
            raise ValueError(f"x of shape {np.shape(x)} and g of shape {np.shape(g)} do not fit "
                             f"the state {shapes} (from init on another shape?): {err}") from None
    checked_step.__doc__ = step.__doc__
    checked_step.unchecked = step
    return checked_step


def unchecked_step(optimizer: "Optimizer"):
    """The step function without the argument checks of ``optimizer.step`` (for loops)."""
    return getattr(optimizer.step, "unchecked", optimizer.step)


def _denominator(s: np.ndarray, eps: np.ndarray, placement: str) -> np.ndarray:
    r"""``sqrt(s + eps)`` ("inside") or ``sqrt(s) + eps`` ("outside")."""
    if placement == "inside":
        return np.sqrt(s + eps)
    return np.sqrt(s) + eps


def _zeros(x) -> np.ndarray:
    return np.zeros_like(np.asarray(x, dtype=float))


# --------------------------------------------------------------------------- SGD


class SGDState(NamedTuple):
    t: np.ndarray


def sgd(lr) -> Optimizer:
    r"""Plain gradient descent:

    .. math:: x_{t+1} = x_t - \eta\, g_t

    Identical in PyTorch (``SGD``), optax (``sgd``) and Keras (``SGD``), also under a
    schedule (:math:`\eta_t`).
    """
    lr, eta_at = _step_size(lr)

    def init(x):
        return SGDState(t=np.array(0))

    def step(x, g, state):
        return x - eta_at(state.t) * g, SGDState(t=state.t + 1)

    return Optimizer(init, _checked(step), "SGD", {"lr": lr}, check.broadcast(lr=lr))


# ---------------------------------------------------------------------- momentum

FIRST_STEP = ("zero", "grad")


class MomentumState(NamedTuple):
    v: np.ndarray
    t: np.ndarray


def momentum(lr, beta=0.9, *, dampening=0.0, nesterov=False, first_step="zero",
             lr_in_buffer=False) -> Optimizer:
    r"""Heavy-ball momentum (Polyak), optionally Nesterov:

    .. math::
        v_{t} &= \beta v_{t-1} + (1-\tau)\, g_t, \qquad v_0 = 0 \\
        x_{t+1} &= x_t - \eta\, v_t
        \quad\text{or, with Nesterov,}\quad x_{t+1} = x_t - \eta\,(g_t + \beta v_t)

    ``dampening`` is :math:`\tau`; ``dampening=beta`` gives the EMA form
    :math:`v_t = \beta v_{t-1} + (1-\beta) g_t` used for Adam's first moment.

    Conventions: PyTorch's ``SGD(momentum=β)`` sets the buffer to :math:`g_1` on the
    first step, ignoring dampening (``first_step="grad"``); optax starts its trace
    at zero (``first_step="zero"``, the default). With ``dampening=0`` the two agree,
    and Keras's ``v ← βv − ηg; x ← x + v`` (seed 002's ``Δw ← αΔw − η∇E``) is the
    same iteration with :math:`\eta` folded into the buffer, identical at constant
    :math:`\eta`. Nesterov's iterate is Sutskever's look-ahead point
    :math:`\phi = \theta + \beta v`, as in every library.

    Under a schedule the two forms differ: ``lr_in_buffer=True`` is Keras's,
    :math:`v_t = \beta v_{t-1} + (1-\tau)\eta_t g_t`, :math:`x_{t+1} = x_t - v_t`
    (Nesterov: :math:`x_{t+1} = x_t - \eta_t g_t - \beta v_t`), where a new
    :math:`\eta_t` scales only the new gradient; PyTorch and optax (``sgd``) multiply the
    whole buffer by :math:`\eta_t` (the default).
    """
    lr, eta_at = _step_size(lr)
    beta = check.unit("beta", beta)
    dampening = check.unit("dampening", dampening, hi_open=True)
    check.choice("first_step", first_step, FIRST_STEP)
    nesterov = check.flag("nesterov", nesterov)
    lr_in_buffer = check.flag("lr_in_buffer", lr_in_buffer)
    batch = check.broadcast(lr=lr, beta=beta, dampening=dampening)
    if nesterov and np.any(dampening != 0):
        raise ValueError(f"nesterov=True needs dampening=0, got dampening={dampening!r}")
    b, damp = _hp(beta), _hp(dampening)

    def init(x):
        return MomentumState(v=_zeros(x), t=np.array(0))

    def step(x, g, state):
        eta = eta_at(state.t)
        if lr_in_buffer:
            g = eta * g
        v = b * state.v + (1.0 - damp) * g
        if first_step == "grad" and state.t == 0:
            v = g + 0.0 * v  # PyTorch: the first buffer is the raw gradient
        direction = g + b * v if nesterov else v
        x = x - direction if lr_in_buffer else x - eta * direction
        return x, MomentumState(v=v, t=state.t + 1)

    hp = {"lr": lr, "beta": beta, "dampening": dampening, "nesterov": nesterov}
    if first_step != "zero":  # like amsgrad_max: present where it changes the run
        hp["first_step"] = first_step
    if lr_in_buffer:
        hp["lr_in_buffer"] = True
    name = "Nesterov" if nesterov else "Momentum"
    return Optimizer(init, _checked(step), name, hp, batch)


# ----------------------------------------------------------------------- Adagrad


class AdagradState(NamedTuple):
    s: np.ndarray
    t: np.ndarray


def adagrad(lr, eps=1e-8, *, initial_accumulator=0.0, eps_placement="inside") -> Optimizer:
    r"""Adagrad (Duchi, Hazan & Singer 2011): per-coordinate steps from the running sum

    .. math::
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = \text{initial\_accumulator} \\
        x_{t+1} &= x_t - \frac{\eta}{\sqrt{s_t + \epsilon}}\, g_t
        \quad\text{("inside") or}\quad
        x_{t+1} = x_t - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t \quad\text{("outside")}

    :math:`s_t` is the diagonal of seed 002's matrix :math:`G`. PyTorch puts
    :math:`\epsilon` outside (default 1e-10) and starts at 0; optax and Keras put it
    inside (1e-7) and start the accumulator at 0.1.
    """
    lr, eta_at = _step_size(lr)
    eps = check.nonnegative("eps", eps)
    s0 = check.nonnegative("initial_accumulator", initial_accumulator)
    check.choice("eps_placement", eps_placement, EPS_PLACEMENTS)
    batch = check.broadcast(lr=lr, eps=eps, initial_accumulator=s0)
    e, s_init = _hp(eps), _hp(s0)

    def init(x):
        return AdagradState(s=_zeros(x) + s_init, t=np.array(0))

    def step(x, g, state):
        s = state.s + g * g
        x = x - eta_at(state.t) * _ratio(g, _denominator(s, e, eps_placement))
        return x, AdagradState(s=s, t=state.t + 1)

    hp = {"lr": lr, "eps": eps, "eps_placement": eps_placement, "initial_accumulator": s0}
    return Optimizer(init, _checked(step), "Adagrad", hp, batch)


# ----------------------------------------------------------------------- RMSprop


class RMSpropState(NamedTuple):
    s: np.ndarray
    m: np.ndarray | None
    v: np.ndarray | None
    t: np.ndarray


def rmsprop(lr, gamma=0.9, eps=1e-8, *, eps_placement="inside", centered=False,
            momentum=0.0, lr_in_buffer=False) -> Optimizer:
    r"""RMSprop (Tieleman & Hinton 2012): divide by a running RMS of recent gradients.

    .. math::
        s_t &= \gamma s_{t-1} + (1-\gamma)\, g_t^2, \qquad s_0 = 0 \\
        x_{t+1} &= x_t - \frac{\eta}{\sqrt{s_t + \epsilon}}\, g_t
        \quad\text{("inside") or}\quad
        x_{t+1} = x_t - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t \quad\text{("outside")}

    ``centered=True`` (Graves 2013) also tracks :math:`m_t = \gamma m_{t-1} + (1-\gamma) g_t`
    and uses :math:`s_t - m_t^2` under the root. ``momentum=μ`` keeps a buffer
    :math:`v_t = \mu v_{t-1} + g_t/\text{den}_t` and steps :math:`x_{t+1} = x_t - \eta v_t`.

    Conventions: PyTorch calls :math:`\gamma` ``alpha`` (default 0.99) and puts
    :math:`\epsilon` outside; optax (``decay``) and Keras (``rho``) default to 0.9 and
    put it inside. Seeds 000, 003 and 004 write it inside, seed 001 outside. PyTorch
    and Keras place :math:`\eta` differently in the momentum buffer; at a constant
    :math:`\eta` the iterations are identical. Under a schedule they are not:
    ``lr_in_buffer=True`` keeps :math:`v_t = \mu v_{t-1} + \eta_t g_t/\text{den}_t`,
    :math:`x_{t+1} = x_t - v_t` (Keras, and optax, which applies the learning rate before
    its momentum trace); PyTorch's buffer holds :math:`g/\text{den}` (the default).
    """
    lr, eta_at = _step_size(lr)
    gamma = check.unit("gamma", gamma)
    eps = check.nonnegative("eps", eps)
    mu = check.unit("momentum", momentum, hi_open=True)
    check.choice("eps_placement", eps_placement, EPS_PLACEMENTS)
    centered = check.flag("centered", centered)
    lr_in_buffer = check.flag("lr_in_buffer", lr_in_buffer)
    batch = check.broadcast(lr=lr, gamma=gamma, eps=eps, momentum=mu)
    gam, e, mom = _hp(gamma), _hp(eps), _hp(mu)
    use_momentum = bool(np.any(mu != 0))

    def init(x):
        return RMSpropState(s=_zeros(x), m=_zeros(x) if centered else None,
                            v=_zeros(x) if use_momentum else None, t=np.array(0))

    def step(x, g, state):
        s = gam * state.s + (1.0 - gam) * (g * g)
        m = gam * state.m + (1.0 - gam) * g if centered else None
        var = np.maximum(s - m * m, 0.0) if centered else s
        u = _ratio(g, _denominator(var, e, eps_placement))
        eta = eta_at(state.t)
        if lr_in_buffer:
            v = mom * state.v + eta * u if use_momentum else None
            x = x - (v if use_momentum else eta * u)
        else:
            v = mom * state.v + u if use_momentum else None
            x = x - eta * (v if use_momentum else u)
        return x, RMSpropState(s=s, m=m, v=v, t=state.t + 1)

    hp = {"lr": lr, "gamma": gamma, "eps": eps, "eps_placement": eps_placement,
          "centered": centered, "momentum": mu}
    if lr_in_buffer:
        hp["lr_in_buffer"] = True
    return Optimizer(init, _checked(step), "RMSprop", hp, batch)


# --------------------------------------------------------------- bias correction

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's constant: splits a double into two halves
_TINY = 2.0**-54  # at or below this, 1 - x rounds to 1.0


def _times(hi, lo, b, b_hi, b_lo):
    """``(hi + lo) * b`` in double-double: Dekker's exact product ``hi * b = p + e`` (from
    Veltkamp's split of ``hi``; ``b = b_hi + b_lo`` is split once), plus ``lo * b``.
    Floats or arrays alike."""
    p = hi * b
    c = _SPLIT * hi
    h_hi = c - (c - hi)
    h_lo = hi - h_hi
    e = ((h_hi * b_hi - p) + h_hi * b_lo + h_lo * b_hi) + h_lo * b_lo
    e = e + lo * b
    s = p + e
    return s, e - (s - p)


class OneMinusPower:
    r"""Adam's bias correction :math:`1 - \beta^t` for a hyperparameter (array) ``beta``:
    ``OneMinusPower(beta)(t)``, for an integer step ``t >= 0``, has the shape of ``beta``.

    :math:`\beta^t` is the running product :math:`\beta \cdot \beta \cdots \beta` carried in
    double-double arithmetic, :math:`\beta^t \approx h_t + \ell_t` with :math:`h_0 = 1`,
    :math:`\ell_0 = 0` and

    .. math::
        p = h_{t-1} \beta, \quad e = \operatorname{err}(h_{t-1} \beta) + \ell_{t-1} \beta,
        \quad h_t = p + e, \quad \ell_t = e - (h_t - p)

    (:math:`\operatorname{err}` is Dekker's exact rounding error of a product), and the
    result is :math:`1 - h_t`. Only ``+ - *``, which IEEE 754 rounds the same way in numpy,
    Python and JavaScript, so the page engine (``assets/engine``) computes the very same
    bits, and :math:`h_t` is the correctly rounded :math:`\beta^t`. numpy's ``**`` would
    call the C library's ``pow``, which is not correctly rounded and differs between
    libraries and CPUs (and from JavaScript's ``Math.pow``) in the last bit.

    The last step asked for is kept, so a run (``t = 1, 2, 3, ...``) costs one product per
    step; an earlier ``t`` starts again from :math:`\beta^0`. Once :math:`h_t \le 2^{-54}`,
    :math:`1 - h_t` is 1.0 for good and no more products are needed.
    """

    def __init__(self, beta):
        values, inverse = np.unique(np.asarray(beta, dtype=float), return_inverse=True)
        self._shape, self._inverse = np.shape(beta), inverse.reshape(np.shape(beta))
        self._scalar = values.size == 1  # the usual case: Python floats, the same bits
        b = float(values[0]) if self._scalar else values
        c = _SPLIT * b
        b_hi = c - (c - b)
        self._beta = (b, b_hi, b - b_hi)
        one = 1.0 if self._scalar else np.ones_like(values)
        self._start = self._last = (0, one, 0.0 * one)

    def __call__(self, t) -> np.ndarray:
        t = int(t)
        k, hi, lo = self._last if self._last[0] <= t else self._start
        while k < t:
            hi, lo = _times(hi, lo, *self._beta)
            k = t if (hi <= _TINY if self._scalar else np.all(hi <= _TINY)) else k + 1
        self._last = (k, hi, lo)  # one assignment: a concurrent call sees old or new
        if self._scalar:
            return np.full(self._shape, 1.0 - hi)
        return (1.0 - hi)[self._inverse]


# -------------------------------------------------------------------------- Adam

ADAM_EPS = ("outside", "inside", "hat")
AMSGRAD_MAX = ("raw", "corrected")


class AdamState(NamedTuple):
    m: np.ndarray
    s: np.ndarray
    s_max: np.ndarray | None
    t: np.ndarray


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, *, eps_placement="outside", amsgrad=False,
         amsgrad_max="raw", bias_correction=True, weight_decay=0.0) -> Optimizer:
    r"""Adam (Kingma & Ba 2015): momentum on the gradient, RMSprop on its square.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        s_t = \beta_2 s_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad \hat s_t = \frac{s_t}{1-\beta_2^t} \\
        x_{t+1} &= x_t - \eta\, \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}

    ``eps_placement="inside"`` uses :math:`\sqrt{\hat s_t + \epsilon}`; ``"hat"`` is
    Keras's form :math:`x_{t+1} = x_t - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
    \frac{m_t}{\sqrt{s_t} + \hat\epsilon}`: the paper's form with
    :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`, so Keras's ε acts
    :math:`1/\sqrt{1-\beta_2^t}` times larger (31.6× on the first step for β₂ = 0.999).
    ``amsgrad=True`` (Reddi, Kale & Kumar 2018) divides by a running maximum: of
    the raw :math:`s_t` (PyTorch, Keras: ``amsgrad_max="raw"``) or of :math:`\hat s_t`
    (optax: ``"corrected"``).
    ``weight_decay=λ`` adds :math:`\lambda x_t` to the gradient (L2, as PyTorch's
    ``Adam(weight_decay=λ)``); for decoupled decay use :func:`adamw`.
    ``bias_correction=False`` drops the two divisions (for the book's first-step
    experiment).
    """
    return _adam("Adam", lr, beta1, beta2, eps, eps_placement, amsgrad, amsgrad_max,
                 bias_correction, l2=weight_decay, decoupled=0.0)


def adamw(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, *,
          eps_placement="outside", amsgrad=False, amsgrad_max="raw") -> Optimizer:
    r"""AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay

    .. math:: x_{t+1} = x_t - \eta \left( \frac{\hat m_t}{\sqrt{\hat s_t} + \epsilon}
              + \lambda x_t \right)

    PyTorch writes it as :math:`x \leftarrow x(1-\eta\lambda)` before the Adam step,
    optax as ``-lr * (direction + wd * x)``: the same update. Defaults for λ differ
    (PyTorch 1e-2, optax 1e-4, Keras 0.004).
    """
    return _adam("AdamW", lr, beta1, beta2, eps, eps_placement, amsgrad, amsgrad_max,
                 True, l2=0.0, decoupled=weight_decay)


def _adam(name, lr, beta1, beta2, eps, eps_placement, amsgrad, amsgrad_max,
          bias_correction, *, l2, decoupled) -> Optimizer:
    lr, eta_at = _step_size(lr)
    beta1 = check.unit("beta1", beta1, hi_open=True)
    beta2 = check.unit("beta2", beta2, hi_open=True)
    eps = check.nonnegative("eps", eps)
    check.choice("eps_placement", eps_placement, ADAM_EPS)
    check.choice("amsgrad_max", amsgrad_max, AMSGRAD_MAX)
    amsgrad = check.flag("amsgrad", amsgrad)
    bias_correction = check.flag("bias_correction", bias_correction)
    if eps_placement == "hat" and amsgrad and amsgrad_max == "corrected":
        raise ValueError("eps_placement='hat' works on the raw s_t; it needs "
                         "amsgrad_max='raw', got amsgrad_max='corrected'")
    l2 = check.nonnegative("weight_decay", l2)
    decoupled = check.nonnegative("weight_decay", decoupled)
    batch = check.broadcast(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=l2 + decoupled)
    b1, b2, e, wd_l2, wd = map(_hp, (beta1, beta2, eps, l2, decoupled))
    use_l2, use_decoupled = bool(l2.any()), bool(decoupled.any())  # once, not every step
    gap1, gap2 = OneMinusPower(b1), OneMinusPower(b2)  # 1 - β₁ᵗ, 1 - β₂ᵗ

    def init(x):
        return AdamState(m=_zeros(x), s=_zeros(x), s_max=_zeros(x) if amsgrad else None,
                         t=np.array(0))

    def step(x, g, state):
        g = g + wd_l2 * x if use_l2 else g
        t = state.t + 1
        m = b1 * state.m + (1.0 - b1) * g
        s = b2 * state.s + (1.0 - b2) * (g * g)
        bc1 = gap1(t) if bias_correction else 1.0
        bc2 = gap2(t) if bias_correction else 1.0
        s_max = None
        if amsgrad and amsgrad_max == "raw":
            s_max = s_raw = np.maximum(state.s_max, s)
            s_hat = s_max / bc2
        elif amsgrad:
            s_max = s_hat = np.maximum(state.s_max, s / bc2)
        else:
            s_raw, s_hat = s, s / bc2
        if eps_placement == "hat":
            direction = (np.sqrt(bc2) / bc1) * _ratio(m, np.sqrt(s_raw) + e)
        else:
            direction = _ratio(m / bc1, _denominator(s_hat, e, eps_placement))
        if use_decoupled:
            direction = direction + wd * x
        return x - eta_at(state.t) * direction, AdamState(m=m, s=s, s_max=s_max, t=t)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
          "eps_placement": eps_placement, "amsgrad": amsgrad,
          "weight_decay": decoupled if name == "AdamW" else l2}
    if amsgrad:
        hp["amsgrad_max"] = amsgrad_max
    if not bias_correction:
        hp["bias_correction"] = False
    return Optimizer(init, _checked(step), name, hp, batch)


# ---------------------------------------------------------------------- Adadelta


class AdadeltaState(NamedTuple):
    s: np.ndarray
    d: np.ndarray
    t: np.ndarray


def adadelta(lr=1.0, rho=0.9, eps=1e-6, *, weight_decay=0.0) -> Optimizer:
    r"""Adadelta (Zeiler 2012): Adagrad's step with the sum replaced by an EMA and with
    units fixed by a second EMA, of the squared updates:

    .. math::
        s_t &= \rho s_{t-1} + (1-\rho)\, g_t^2, \qquad
        \Delta_t = \frac{\sqrt{d_{t-1} + \epsilon}}{\sqrt{s_t + \epsilon}}\, g_t, \qquad
        d_t = \rho d_{t-1} + (1-\rho)\, \Delta_t^2 \\
        x_{t+1} &= x_t - \eta\, \Delta_t, \qquad s_0 = d_0 = 0

    The paper has no :math:`\eta` (:math:`\eta = 1`, PyTorch's default). :math:`d`
    accumulates :math:`\Delta_t` before the scaling by :math:`\eta`, in every library.
    ``weight_decay=λ`` adds :math:`\lambda x_t` to the gradient (PyTorch's
    ``weight_decay``, optax's ``weight_decay``).

    Conventions: the same update everywhere, ε inside both roots; the defaults differ:
    PyTorch ``Adadelta(lr=1.0, rho=0.9, eps=1e-6)``, optax ``adadelta(learning_rate=None,
    rho=0.9, eps=1e-6)``, Keras ``Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)``.
    The paper uses ρ = 0.95 and ε = 1e-6. optax's default ``learning_rate=None`` is not
    η = 1: it skips the learning-rate step, and with it the sign flip, so that optimizer
    climbs the gradient (optax 0.2.8); ``learning_rate=1.0`` is Zeiler's method.
    """
    lr, eta_at = _step_size(lr)
    rho = check.unit("rho", rho)
    eps = check.nonnegative("eps", eps)
    l2 = check.nonnegative("weight_decay", weight_decay)
    batch = check.broadcast(lr=lr, rho=rho, eps=eps, weight_decay=l2)
    r, e, wd = _hp(rho), _hp(eps), _hp(l2)
    use_l2 = bool(l2.any())

    def init(x):
        return AdadeltaState(s=_zeros(x), d=_zeros(x), t=np.array(0))

    def step(x, g, state):
        g = g + wd * x if use_l2 else g
        s = r * state.s + (1.0 - r) * (g * g)
        delta = _ratio(np.sqrt(state.d + e) * g, np.sqrt(s + e))
        d = r * state.d + (1.0 - r) * (delta * delta)
        return x - eta_at(state.t) * delta, AdadeltaState(s=s, d=d, t=state.t + 1)

    hp = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": l2}
    return Optimizer(init, _checked(step), "Adadelta", hp, batch)


# ------------------------------------------------------------------------ Adamax

ADAMAX_EPS = ("in_max", "outside_max")


class AdamaxState(NamedTuple):
    m: np.ndarray
    u: np.ndarray
    t: np.ndarray


def adamax(lr, beta1=0.9, beta2=0.999, eps=1e-8, *, eps_placement="in_max",
           weight_decay=0.0) -> Optimizer:
    r"""Adamax (Kingma & Ba 2015, section 7.1): Adam with the :math:`L^2` average of the
    gradients replaced by a decaying maximum of their size (the :math:`L^\infty` limit):

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        u_t = \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        x_{t+1} &= x_t - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}

    ``eps_placement="in_max"`` (above) is PyTorch's and optax's; ``"outside_max"`` is
    Keras's, :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)` and
    :math:`m_t / (u_t + \epsilon)`. The paper has no ε. :math:`u_t` needs no bias
    correction. ``weight_decay=λ`` adds :math:`\lambda x_t` to the gradient (PyTorch's).

    Defaults: PyTorch ``Adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8)``, optax
    ``adamax(learning_rate, b1=0.9, b2=0.999, eps=1e-8)``, Keras
    ``Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``.
    """
    lr, eta_at = _step_size(lr)
    beta1 = check.unit("beta1", beta1, hi_open=True)
    beta2 = check.unit("beta2", beta2)
    eps = check.nonnegative("eps", eps)
    check.choice("eps_placement", eps_placement, ADAMAX_EPS)
    l2 = check.nonnegative("weight_decay", weight_decay)
    batch = check.broadcast(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=l2)
    b1, b2, e, wd = map(_hp, (beta1, beta2, eps, l2))
    use_l2, in_max = bool(l2.any()), eps_placement == "in_max"
    gap1 = OneMinusPower(b1)

    def init(x):
        return AdamaxState(m=_zeros(x), u=_zeros(x), t=np.array(0))

    def step(x, g, state):
        g = g + wd * x if use_l2 else g
        t = state.t + 1
        m = b1 * state.m + (1.0 - b1) * g
        if in_max:
            u = np.maximum(b2 * state.u, np.abs(g) + e)
            direction = _ratio(m, u)
        else:
            u = np.maximum(b2 * state.u, np.abs(g))
            direction = _ratio(m, u + e)
        x = x - eta_at(state.t) / gap1(t) * direction
        return x, AdamaxState(m=m, u=u, t=t)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
          "eps_placement": eps_placement, "weight_decay": l2}
    return Optimizer(init, _checked(step), "Adamax", hp, batch)


# ------------------------------------------------------------------------- NAdam


def nadam_momentum(beta1, momentum_decay, t):
    r"""NAdam's momentum schedule at step :math:`t \ge 1`, :math:`\mu_t = \beta_1 (1 -
    \tfrac12\, 0.96^{\,t\psi})` with :math:`\psi` = ``momentum_decay``: Dozat's
    :math:`\psi = 1/250` is PyTorch's default, Keras's is :math:`\psi = 1`, and
    :math:`\psi = \infty` (optax's) is :math:`\mu_t = \beta_1`."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))


class NAdamState(NamedTuple):
    m: np.ndarray
    s: np.ndarray
    mu_prod: np.ndarray
    t: np.ndarray


def nadam(lr, beta1=0.9, beta2=0.999, eps=1e-8, *, momentum_decay=4e-3, weight_decay=0.0,
          decoupled_weight_decay=False) -> Optimizer:
    r"""NAdam (Dozat 2016): Adam with Nesterov's momentum, the first moment looked one
    step ahead, with a momentum schedule :math:`\mu_t`:

    .. math::
        \mu_t &= \beta_1 \left(1 - \tfrac12\, 0.96^{\,t\psi}\right), \qquad
        \Pi_t = \textstyle\prod_{i \le t} \mu_i \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        s_t = \beta_2 s_{t-1} + (1-\beta_2)\, g_t^2 \\
        \bar m_t &= \frac{\mu_{t+1}}{1 - \Pi_t \mu_{t+1}}\, m_t
                    + \frac{1 - \mu_t}{1 - \Pi_t}\, g_t, \qquad
        x_{t+1} = x_t - \eta\, \frac{\bar m_t}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}

    with :math:`\psi` = ``momentum_decay``. The libraries differ in :math:`\psi` only:
    PyTorch's ``NAdam(momentum_decay=4e-3)`` is Dozat's :math:`0.96^{t/250}` (so
    :math:`\mu_t \approx \beta_1/2` for the first hundreds of steps); Keras's ``Nadam``
    uses :math:`0.96^{t}`, :math:`\psi = 1`, with no argument for it; optax's ``nadam``
    (``adam(nesterov=True)``) has no schedule, :math:`\mu_t = \beta_1`, which is
    :math:`\psi = \infty` (``momentum_decay=np.inf``): :math:`\bar m_t = \beta_1 m_t /
    (1-\beta_1^{t+1}) + (1-\beta_1) g_t / (1-\beta_1^t)`. All three put ε outside the
    root, Keras included (unlike its ``Adam``).

    ``weight_decay=λ`` adds :math:`\lambda x_t` to the gradient, or with
    ``decoupled_weight_decay=True`` adds :math:`\lambda x_t` to the step as AdamW does
    (PyTorch's two options). Defaults: PyTorch ``lr=2e-3``, ``eps=1e-8``; optax
    ``eps=1e-8``; Keras ``learning_rate=0.001``, ``epsilon=1e-7``.
    """
    lr, eta_at = _step_size(lr)
    beta1 = check.unit("beta1", beta1, hi_open=True)
    beta2 = check.unit("beta2", beta2, hi_open=True)
    eps = check.nonnegative("eps", eps)
    psi = check.in_range("momentum_decay", momentum_decay, 0.0, np.inf)
    wd_value = check.nonnegative("weight_decay", weight_decay)
    decoupled = check.flag("decoupled_weight_decay", decoupled_weight_decay)
    batch = check.broadcast(lr=lr, beta1=beta1, beta2=beta2, eps=eps, momentum_decay=psi,
                            weight_decay=wd_value)
    b1, b2, e, ps, wd = map(_hp, (beta1, beta2, eps, psi, wd_value))
    use_wd = bool(wd_value.any())
    gap2 = OneMinusPower(b2)

    def init(x):
        return NAdamState(m=_zeros(x), s=_zeros(x), mu_prod=_zeros(x) + 1.0, t=np.array(0))

    def step(x, g, state):
        if use_wd and not decoupled:
            g = g + wd * x
        t = state.t + 1
        mu, mu_next = nadam_momentum(b1, ps, t), nadam_momentum(b1, ps, t + 1)
        mu_prod = state.mu_prod * mu
        m = b1 * state.m + (1.0 - b1) * g
        s = b2 * state.s + (1.0 - b2) * (g * g)
        m_bar = (mu_next / (1.0 - mu_prod * mu_next)) * m + ((1.0 - mu) / (1.0 - mu_prod)) * g
        direction = _ratio(m_bar, np.sqrt(s / gap2(t)) + e)
        if use_wd and decoupled:
            direction = direction + wd * x
        x = x - eta_at(state.t) * direction
        return x, NAdamState(m=m, s=s, mu_prod=mu_prod, t=t)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps, "momentum_decay": psi,
          "weight_decay": wd_value, "decoupled_weight_decay": decoupled}
    return Optimizer(init, _checked(step), "NAdam", hp, batch)


# -------------------------------------------------------------------------- Yogi


class YogiState(NamedTuple):
    m: np.ndarray
    s: np.ndarray
    t: np.ndarray


def yogi(lr, beta1=0.9, beta2=0.999, eps=1e-3, *, initial_accumulator=1e-6,
         initial_m=0.0) -> Optimizer:
    r"""Yogi (Zaheer, Reddi, Sachan, Kale & Kumar 2018): Adam whose second moment moves
    by at most :math:`(1-\beta_2) g_t^2` per step, up or down, so that it cannot forget
    a large gradient as fast as Adam's EMA does:

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        s_t = s_{t-1} - (1-\beta_2)\, \operatorname{sign}(s_{t-1} - g_t^2)\, g_t^2 \\
        x_{t+1} &= x_t - \eta\, \frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}

    with :math:`s_0` = ``initial_accumulator`` and :math:`m_0` = ``initial_m``. Adam's
    update is :math:`s_t = s_{t-1} - (1-\beta_2)(s_{t-1} - g_t^2)`.

    Only optax has it (``optax.yogi(learning_rate, b1=0.9, b2=0.999, eps=1e-3)``, ε
    outside the root, bias-corrected as above); PyTorch and Keras have none. optax starts
    *both* :math:`m_0` and :math:`s_0` at 1e-6 (``scale_by_yogi``'s
    ``initial_accumulator_value``); here :math:`m_0 = 0` unless ``initial_m`` says
    otherwise, as in d2l, whose Yogi also bias-corrects and uses ε = 1e-3 but starts
    :math:`s_0 = 0`.
    """
    lr, eta_at = _step_size(lr)
    beta1 = check.unit("beta1", beta1, hi_open=True)
    beta2 = check.unit("beta2", beta2, hi_open=True)
    eps = check.nonnegative("eps", eps)
    s0 = check.nonnegative("initial_accumulator", initial_accumulator)
    m0 = check.finite("initial_m", initial_m)
    batch = check.broadcast(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                            initial_accumulator=s0, initial_m=m0)
    b1, b2, e, s_init, m_init = map(_hp, (beta1, beta2, eps, s0, m0))
    gap1, gap2 = OneMinusPower(b1), OneMinusPower(b2)

    def init(x):
        return YogiState(m=_zeros(x) + m_init, s=_zeros(x) + s_init, t=np.array(0))

    def step(x, g, state):
        t = state.t + 1
        m = b1 * state.m + (1.0 - b1) * g
        g2 = g * g
        s = state.s - (1.0 - b2) * np.sign(state.s - g2) * g2
        direction = _ratio(m / gap1(t), np.sqrt(s / gap2(t)) + e)
        return x - eta_at(state.t) * direction, YogiState(m=m, s=s, t=t)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
          "initial_accumulator": s0, "initial_m": m0}
    return Optimizer(init, _checked(step), "Yogi", hp, batch)


# ---------------------------------------------------------------- effective step

ADAPTIVE = ("Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "Adamax", "NAdam", "Yogi")


def effective_step(optimizer: Optimizer, states) -> np.ndarray:
    r"""The per-coordinate step an adaptive method applies at steps :math:`1..T`, from
    its recorded states (fields stacked over time, as in a :class:`Trajectory`):

    .. math::
        a_t = \frac{\eta}{\sqrt{\tilde s_t + \epsilon}} \text{ (inside)}, \qquad
        a_t = \frac{\eta}{\sqrt{\tilde s_t} + \epsilon} \text{ (outside)}, \qquad
        a_t = \frac{\eta\sqrt{1-\beta_2^t}}{\sqrt{s_t} + \hat\epsilon} \text{ (hat)}

    with :math:`\tilde s_t = s_t` for Adagrad, :math:`s_t - m_t^2` for centered RMSprop,
    and the bias-corrected :math:`\hat s_t = s_t / (1-\beta_2^t)` for Adam, NAdam and Yogi
    (AMSGrad: its running maximum, of the raw or of the corrected :math:`s`). Adadelta's
    is :math:`\eta\sqrt{d_{t-1}+\epsilon}/\sqrt{s_t+\epsilon}`, Adamax's
    :math:`\eta/u_t` (ε in the max) or :math:`\eta/(u_t+\epsilon)`. It multiplies the
    gradient (Adagrad, RMSprop, Adadelta), :math:`\hat m_t` (Adam, Adamax, Yogi) or
    NAdam's :math:`\bar m_t`, before any momentum buffer. Under a schedule :math:`\eta`
    is :math:`\eta_{t-1}`, the value the step used. Shape ``(T, *batch, d)``.
    """
    check.choice("optimizer", optimizer.name, ADAPTIVE)
    hp = optimizer.hyperparams
    lr = _eta_history(hp["lr"], states)
    eps = _hp(hp["eps"])
    name = optimizer.name
    with np.errstate(divide="ignore"):  # eps = 0 with s = 0: an infinite step, shown as such
        if name == "Adadelta":
            return lr * np.sqrt(states.d[:-1] + eps) / np.sqrt(states.s[1:] + eps)
        if name == "Adamax":
            u = states.u[1:]
            return lr / (u if hp["eps_placement"] == "in_max" else u + eps)
        if name in ("NAdam", "Yogi"):
            return lr / (np.sqrt(states.s[1:] / _bias_history(hp["beta2"], states)) + eps)
    placement = hp["eps_placement"]
    s = states.s[1:]
    if name == "RMSprop" and hp["centered"]:
        s = np.maximum(s - states.m[1:] ** 2, 0.0)
    scale = 1.0
    if name in ("Adam", "AdamW"):
        s, scale = _adam_s(hp, states)
    with np.errstate(divide="ignore"):
        if placement == "hat":
            return lr * np.sqrt(scale) / (np.sqrt(s) + eps)
        return lr / _denominator(s, eps, placement)


def _time_axis(t, ndim: int) -> np.ndarray:
    """Recorded step counts ``t`` (shape ``(T,)``) as floats shaped to broadcast with a
    stacked state field of ``ndim`` dimensions ``(T, *batch, d)``."""
    t = np.asarray(t, dtype=float)
    return t.reshape(t.shape + (1,) * (ndim - t.ndim))


def _bias_history(beta, states) -> np.ndarray:
    """:math:`1 - \beta^t` of each recorded step 1..T, the bits the steps used, shaped to
    broadcast with ``(T, *batch, d)``."""
    b = _hp(np.asarray(beta, dtype=float))
    steps, gap = states.t[1:], OneMinusPower(b)
    pad = (1,) * (np.ndim(states[0]) - 1 - b.ndim)
    return np.array([gap(t) for t in steps]).reshape(steps.shape + pad + b.shape)


def _eta_history(lr, states) -> np.ndarray:
    """η of each recorded step 1..T, shaped to broadcast with ``(T, *batch, d)``: the
    constant ``lr`` as a hyperparameter, or a schedule at the counts 0..T-1."""
    if not isinstance(lr, Schedule):
        return _hp(lr)
    ndim = np.ndim(states[0])  # every adaptive state starts with an array field
    t = _time_axis(states.t[:-1], ndim - 1)
    return _hp(np.asarray(lr.fn(t), dtype=float))


def _adam_s(hp: dict, states) -> tuple:
    r"""Adam's :math:`\hat s_t` (raw :math:`s_t` for "hat") and :math:`1-\beta_2^t`."""
    b2 = _hp(np.asarray(hp["beta2"], dtype=float))
    steps = states.t[1:]
    if hp.get("bias_correction", True):  # the bits the run's own steps used
        gap, pad = OneMinusPower(b2), (1,) * (states.s.ndim - 1 - b2.ndim)
        bc2 = np.array([gap(t) for t in steps]).reshape(steps.shape + pad + b2.shape)
    else:
        bc2 = np.ones(steps.shape + (1,) * (states.s.ndim - steps.ndim))
    s = states.s[1:] if states.s_max is None else states.s_max[1:]
    if hp["eps_placement"] == "hat":
        return s, bc2
    corrected_max = states.s_max is not None and hp.get("amsgrad_max") == "corrected"
    return (s if corrected_max else s / bc2), 1.0
