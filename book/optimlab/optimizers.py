r"""The optimizers, as pairs of pure functions.

Each factory (``sgd``, ``momentum``, ``adagrad``, ``rmsprop``, ``adam``, ``adamw``)
checks its hyperparameters and returns an :class:`Optimizer` with

* ``init(x) -> state``: the state before the first step, a NamedTuple;
* ``step(x, g, state) -> (x, state)``: one update from the gradient ``g`` at ``x``.

Nothing is mutated: ``step`` returns new arrays. Numeric hyperparameters may be arrays;
they broadcast against the batch axes of ``x`` (shape ``batch + (d,)``), which is how
:func:`optimlab.sweep` runs a whole grid of settings in one pass.

Symbols follow the book: ``lr`` is :math:`\eta`, ``gamma`` the RMSprop decay
:math:`\gamma`, ``beta`` the momentum coefficient, ``beta1``/``beta2`` Adam's,
``eps`` :math:`\epsilon`; state fields are ``v`` (velocity), ``s`` (EMA or sum of
squared gradients), ``m`` (EMA of gradients) and ``t`` (steps taken).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from . import _validate as check
from ._format import hyperparameter as _fmt

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
            if isinstance(value, (bool, np.bool_)):
                if key in _ON_BY_DEFAULT:
                    if not value:
                        parts.append(_ON_BY_DEFAULT[key])
                elif value:
                    parts.append(key)
                continue
            if isinstance(value, str):
                if key == "eps_placement":
                    parts[-1] += f" {value}" + (" √" if value in EPS_PLACEMENTS else "")
                else:
                    parts.append(f"{key}={value}")
                continue
            if np.ndim(value) == 0 and key in _ZERO_IS_OFF and float(value) == 0:
                continue
            parts.append(f"{SYMBOLS.get(key, key)}={_fmt(value)}")
        return f"{self.name}({', '.join(parts)})"


SYMBOLS = {"lr": "η", "gamma": "γ", "eps": "ε", "beta": "β", "beta1": "β₁", "beta2": "β₂",
           "momentum": "μ", "dampening": "τ", "weight_decay": "λ",
           "initial_accumulator": "s₀"}
_ZERO_IS_OFF = {"momentum", "dampening", "weight_decay", "initial_accumulator"}
_ON_BY_DEFAULT = {"bias_correction": "no bias correction"}


def _hp(value: np.ndarray) -> np.ndarray:
    """A hyperparameter ready to broadcast with ``x``: batch axes, then a length-1 axis."""
    return value[..., None]


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

    Identical in PyTorch (``SGD``), optax (``sgd``) and Keras (``SGD``).
    """
    lr = check.positive("lr", lr)
    eta = _hp(lr)

    def init(x):
        return SGDState(t=np.array(0))

    def step(x, g, state):
        return x - eta * g, SGDState(t=state.t + 1)

    return Optimizer(init, _checked(step), "SGD", {"lr": lr}, check.broadcast(lr=lr))


# ---------------------------------------------------------------------- momentum

FIRST_STEP = ("zero", "grad")


class MomentumState(NamedTuple):
    v: np.ndarray
    t: np.ndarray


def momentum(lr, beta=0.9, *, dampening=0.0, nesterov=False, first_step="zero") -> Optimizer:
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
    """
    lr = check.positive("lr", lr)
    beta = check.unit("beta", beta)
    dampening = check.unit("dampening", dampening, hi_open=True)
    check.choice("first_step", first_step, FIRST_STEP)
    nesterov = check.flag("nesterov", nesterov)
    batch = check.broadcast(lr=lr, beta=beta, dampening=dampening)
    if nesterov and np.any(dampening != 0):
        raise ValueError(f"nesterov=True needs dampening=0, got dampening={dampening!r}")
    eta, b, damp = _hp(lr), _hp(beta), _hp(dampening)

    def init(x):
        return MomentumState(v=_zeros(x), t=np.array(0))

    def step(x, g, state):
        v = b * state.v + (1.0 - damp) * g
        if first_step == "grad" and state.t == 0:
            v = g + 0.0 * v  # PyTorch: the first buffer is the raw gradient
        direction = g + b * v if nesterov else v
        return x - eta * direction, MomentumState(v=v, t=state.t + 1)

    hp = {"lr": lr, "beta": beta, "dampening": dampening, "nesterov": nesterov}
    if first_step != "zero":  # like amsgrad_max: present where it changes the run
        hp["first_step"] = first_step
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
    lr = check.positive("lr", lr)
    eps = check.nonnegative("eps", eps)
    s0 = check.nonnegative("initial_accumulator", initial_accumulator)
    check.choice("eps_placement", eps_placement, EPS_PLACEMENTS)
    batch = check.broadcast(lr=lr, eps=eps, initial_accumulator=s0)
    eta, e, s_init = _hp(lr), _hp(eps), _hp(s0)

    def init(x):
        return AdagradState(s=_zeros(x) + s_init, t=np.array(0))

    def step(x, g, state):
        s = state.s + g * g
        x = x - eta * _ratio(g, _denominator(s, e, eps_placement))
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
            momentum=0.0) -> Optimizer:
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
    :math:`\eta` the iterations are identical.
    """
    lr = check.positive("lr", lr)
    gamma = check.unit("gamma", gamma)
    eps = check.nonnegative("eps", eps)
    mu = check.unit("momentum", momentum, hi_open=True)
    check.choice("eps_placement", eps_placement, EPS_PLACEMENTS)
    centered = check.flag("centered", centered)
    batch = check.broadcast(lr=lr, gamma=gamma, eps=eps, momentum=mu)
    eta, gam, e, mom = _hp(lr), _hp(gamma), _hp(eps), _hp(mu)
    use_momentum = bool(np.any(mu != 0))

    def init(x):
        return RMSpropState(s=_zeros(x), m=_zeros(x) if centered else None,
                            v=_zeros(x) if use_momentum else None, t=np.array(0))

    def step(x, g, state):
        s = gam * state.s + (1.0 - gam) * (g * g)
        m = gam * state.m + (1.0 - gam) * g if centered else None
        var = np.maximum(s - m * m, 0.0) if centered else s
        u = _ratio(g, _denominator(var, e, eps_placement))
        v = mom * state.v + u if use_momentum else None
        x = x - eta * (v if use_momentum else u)
        return x, RMSpropState(s=s, m=m, v=v, t=state.t + 1)

    hp = {"lr": lr, "gamma": gamma, "eps": eps, "eps_placement": eps_placement,
          "centered": centered, "momentum": mu}
    return Optimizer(init, _checked(step), "RMSprop", hp, batch)


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
    lr = check.positive("lr", lr)
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
    eta, b1, b2, e, wd_l2, wd = map(_hp, (lr, beta1, beta2, eps, l2, decoupled))
    use_l2, use_decoupled = bool(l2.any()), bool(decoupled.any())  # once, not every step

    def init(x):
        return AdamState(m=_zeros(x), s=_zeros(x), s_max=_zeros(x) if amsgrad else None,
                         t=np.array(0))

    def step(x, g, state):
        g = g + wd_l2 * x if use_l2 else g
        t = state.t + 1
        m = b1 * state.m + (1.0 - b1) * g
        s = b2 * state.s + (1.0 - b2) * (g * g)
        bc1 = 1.0 - b1**t if bias_correction else 1.0
        bc2 = 1.0 - b2**t if bias_correction else 1.0
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
        return x - eta * direction, AdamState(m=m, s=s, s_max=s_max, t=t)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
          "eps_placement": eps_placement, "amsgrad": amsgrad,
          "weight_decay": decoupled if name == "AdamW" else l2}
    if amsgrad:
        hp["amsgrad_max"] = amsgrad_max
    if not bias_correction:
        hp["bias_correction"] = False
    return Optimizer(init, _checked(step), name, hp, batch)


# ---------------------------------------------------------------- effective step

ADAPTIVE = ("Adagrad", "RMSprop", "Adam", "AdamW")


def effective_step(optimizer: Optimizer, states) -> np.ndarray:
    r"""The per-coordinate step an adaptive method applies at steps :math:`1..T`, from
    its recorded states (fields stacked over time, as in a :class:`Trajectory`):

    .. math::
        a_t = \frac{\eta}{\sqrt{\tilde s_t + \epsilon}} \text{ (inside)}, \qquad
        a_t = \frac{\eta}{\sqrt{\tilde s_t} + \epsilon} \text{ (outside)}, \qquad
        a_t = \frac{\eta\sqrt{1-\beta_2^t}}{\sqrt{s_t} + \hat\epsilon} \text{ (hat)}

    with :math:`\tilde s_t = s_t` for Adagrad, :math:`s_t - m_t^2` for centered RMSprop,
    and Adam's bias-corrected :math:`\hat s_t = s_t / (1-\beta_2^t)` (AMSGrad: its running
    maximum, of the raw or of the corrected :math:`s`). It multiplies the gradient
    (Adagrad, RMSprop) or :math:`\hat m_t` (Adam) before any momentum buffer. Shape
    ``(T, *batch, d)``.
    """
    check.choice("optimizer", optimizer.name, ADAPTIVE)
    hp = optimizer.hyperparams
    lr, eps = _hp(hp["lr"]), _hp(hp["eps"])
    placement = hp["eps_placement"]
    s = states.s[1:]
    if optimizer.name == "RMSprop" and hp["centered"]:
        s = np.maximum(s - states.m[1:] ** 2, 0.0)
    scale = 1.0
    if optimizer.name in ("Adam", "AdamW"):
        s, scale = _adam_s(hp, states)
    with np.errstate(divide="ignore"):  # eps = 0 with s = 0: an infinite step, shown as such
        if placement == "hat":
            return lr * np.sqrt(scale) / (np.sqrt(s) + eps)
        return lr / _denominator(s, eps, placement)


def _adam_s(hp: dict, states) -> tuple:
    r"""Adam's :math:`\hat s_t` (raw :math:`s_t` for "hat") and :math:`1-\beta_2^t`."""
    t = np.asarray(states.t[1:], dtype=float)
    t = t.reshape(t.shape + (1,) * (states.s.ndim - t.ndim))
    bc2 = 1.0 - _hp(hp["beta2"]) ** t if hp.get("bias_correction", True) else np.ones_like(t)
    s = states.s[1:] if states.s_max is None else states.s_max[1:]
    if hp["eps_placement"] == "hat":
        return s, bc2
    corrected_max = states.s_max is not None and hp.get("amsgrad_max") == "corrected"
    return (s if corrected_max else s / bc2), 1.0
