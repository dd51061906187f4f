r"""Learning-rate schedules: pure functions of the step count, :math:`\eta_t = s(t)`.

**The step count.** :math:`t = 0, 1, 2, \dots` is the number of steps taken *before* the
step that uses :math:`\eta_t`, the optimizers' state field ``t`` at the start of that step:
the first step uses :math:`\eta_0`. Every optimizer accepts a schedule wherever it accepts
``lr`` (``adam(cosine(0.1, T=100))``), as optax does. This is the count both libraries
use: optax calls ``schedule(count)`` with ``count = 0`` on the first update, and
PyTorch's ``torch.optim.lr_scheduler`` sets the :math:`t`-th learning rate after
:math:`t` calls of ``scheduler.step()``, so with the documented order
(``optimizer.step()`` then ``scheduler.step()``, once per step) step :math:`t` uses
:math:`\eta_t` too. Keras evaluates a ``LearningRateSchedule`` at ``optimizer.iterations``,
also 0 on the first step. PyTorch's schedulers are usually stepped once per *epoch*;
stepped once per optimizer step, as here, they count steps. Calling
``scheduler.step()`` before ``optimizer.step()``, the order expected before PyTorch 1.1,
skips :math:`\eta_0` since then.

**Batches.** Every number a schedule takes may be an array; arrays broadcast against each
other and against the optimizer's other hyperparameters, so
``optimlab.sweep(lambda lr: adam(cosine(lr, T=100)), bowl, x0, 100, lr=[...])`` and
``sweep(lambda T: sgd(cosine(0.1, T=T)), ..., T=[50, 100])`` run as one batch.
:meth:`Schedule.__call__` returns an array of shape ``np.broadcast_shapes(t.shape,
batch_shape)``: for a table of values of a batched schedule use ``t[:, None]``.

**Where the libraries differ** (each factory's docstring says how to build a library's
schedule):

* the end of a cosine: PyTorch's ``CosineAnnealingLR`` keeps following the cosine
  after ``T_max`` (back up to :math:`\eta` at :math:`2T`; ``after_T="periodic"``); optax's
  ``cosine_decay_schedule`` and Keras's ``CosineDecay`` hold the final value
  (``"hold"``). PyTorch's final value ``eta_min`` is absolute; optax's and Keras's
  ``alpha`` is a fraction of :math:`\eta`;
* where a decay starts: optax's ``transition_begin`` holds :math:`\eta` for that many
  steps (``begin``); Keras's ``PiecewiseConstantDecay`` changes the value one step later
  than PyTorch's ``StepLR``/``MultiStepLR`` and optax's ``piecewise_constant_schedule``
  (its boundaries are inclusive: ``begin=1``);
* warm-up: PyTorch's ``LinearLR`` cannot start from 0 (``start_factor`` must be > 0);
  optax and Keras can. optax's ``warmup_cosine_decay_schedule`` counts the warm-up in
  ``decay_steps``; Keras's ``CosineDecay(warmup_steps=...)`` does not;
* one cycle: PyTorch's ``OneCycleLR`` peaks at step :math:`p T - 1` and ends at
  :math:`T - 1`, optax's ``cosine_onecycle_schedule`` at :math:`\lfloor pT\rfloor` and
  :math:`T` (``phase_ends``); PyTorch also cycles the momentum (``cycle_momentum=True``,
  its default), which these schedules, being schedules of :math:`\eta` only, do not;
* the defaults: PyTorch's ``PolynomialLR`` always decays to 0, Keras's
  ``PolynomialDecay`` to ``end_learning_rate=1e-4``, optax's ``polynomial_schedule``
  has no default end;
* precision: optax's ``exponential_decay``, ``polynomial_schedule`` (and so
  ``linear_schedule`` and the warm-up of ``warmup_cosine_decay_schedule``) and its
  one-cycle schedules compute in float32 on the int32 step count even with
  ``jax_enable_x64`` (optax 0.2.8): their rates are float32 roundings, about 1e-7
  relative off the exact values computed here. PyTorch's schedulers compute each rate
  from the previous one (``lr *= gamma``), exact up to a few float64 roundings.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Callable

import numpy as np

from . import _validate as check
from ._format import hyperparameter as _fmt

AFTER_T = ("hold", "periodic")
ANNEAL = ("cos", "linear")
PHASE_ENDS = ("exact", "minus_one")


@dataclasses.dataclass(frozen=True, eq=False)
class Schedule:
    """A learning-rate schedule: ``schedule(t)`` is :math:`\\eta_t` (see the module).

    ``fn`` is the unchecked function of ``t`` the optimizers call; ``factory(**params)``
    builds the same schedule; ``batch_shape`` is the broadcast shape of its parameters.
    """

    fn: Callable[[Any], np.ndarray]
    name: str
    params: dict
    batch_shape: tuple
    factory: Callable[..., "Schedule"] | None = None

    def __call__(self, t) -> np.ndarray:
        """:math:`\\eta_t` for a step count ``t`` (a number or array, ``t >= 0``)."""
        t = check.in_range("t", t, 0.0, np.inf, hi_open=True)
        with np.errstate(over="ignore", under="ignore"):
            return np.asarray(self.fn(t), dtype=float)

    def label(self) -> str:
        """``cosine(0.1, T=100)``: the first argument, then those not at their default."""
        defaults = {}
        if self.factory is not None:
            defaults = {k: p.default for k, p in inspect.signature(self.factory).parameters.items()
                        if p.default is not inspect.Parameter.empty}
        parts = []
        for i, (key, value) in enumerate(self.params.items()):
            if i and key in defaults and _is_default(value, defaults[key]):
                continue
            text = _text(value)
            parts.append(text if i == 0 else f"{key}={text}")
        return f"{self.name}({', '.join(parts)})"

    __repr__ = label


def _is_default(value, default) -> bool:
    if isinstance(value, str) or isinstance(default, str):
        return value == default
    return np.ndim(value) == 0 and float(value) == float(default)


def _text(value) -> str:
    if isinstance(value, Schedule):
        return value.label()
    if isinstance(value, str):
        return value
    return _fmt(value)


def _make(factory, name: str, fn, params: dict, **shapes) -> Schedule:
    return Schedule(fn, name, params, check.broadcast(**shapes), factory)


def as_schedule(name: str, value) -> Schedule:
    """``value`` as a :class:`Schedule`: a schedule as it is, a number or array as
    :func:`constant`, any other callable ``f(t)`` wrapped (it is checked at ``t = 0``:
    it must return finite numbers >= 0)."""
    if isinstance(value, Schedule):
        return value
    if not callable(value):
        return constant(check.positive(name, value))
    try:
        first = np.asarray(value(np.array(0)), dtype=float)
    except Exception as err:  # the caller's function: any failure is a bad argument
        raise ValueError(f"{name} must be a number, an array of numbers or a schedule (a "
                         f"function of the step count t, such as cosine(0.1, T=100)); "
                         f"{name}(0) raised {type(err).__name__}: {err}") from None
    if not np.isfinite(first).all() or (first < 0).any():
        raise ValueError(f"{name} must return finite step sizes >= 0, got {name}(0)={first!r}")
    label = getattr(value, "__name__", type(value).__name__)
    return Schedule(lambda t: np.asarray(value(t), dtype=float), label, {},
                    np.shape(first), None)


def _count(t, begin):
    """Steps since ``begin`` (0 before it)."""
    return np.maximum(t - begin, 0.0)


# ------------------------------------------------------------------- the schedules


def constant(lr) -> Schedule:
    r""":math:`\eta_t = \eta`. optax ``constant_schedule``; a number passed as ``lr``."""
    lr = check.positive("lr", lr)
    return _make(constant, "constant", lambda t: lr + 0.0 * t, {"lr": lr}, lr=lr)


def step_decay(lr, step_size, gamma=0.1, *, begin=0) -> Schedule:
    r"""Multiply by :math:`\gamma` every ``step_size`` steps, from step ``begin`` on:

    .. math:: \eta_t = \eta\, \gamma^{\lfloor \max(t - b,\, 0) / k \rfloor}

    with :math:`k` = ``step_size`` and :math:`b` = ``begin``.

    PyTorch ``StepLR(step_size=k, gamma=γ)`` (and ``MultiStepLR`` at the multiples of
    :math:`k`); optax ``exponential_decay(η, k, γ, transition_begin=b, staircase=True)``
    and ``piecewise_constant_schedule(η, {k: γ, 2k: γ, ...})``; Keras
    ``ExponentialDecay(η, k, γ, staircase=True)``. Keras's ``PiecewiseConstantDecay``
    with boundaries :math:`k, 2k, \dots` keeps each value one step longer (a step equal to
    a boundary still gets the earlier value): ``begin=1``.
    """
    lr = check.positive("lr", lr)
    k = check.positive("step_size", step_size)
    gamma = check.in_range("gamma", gamma, 0.0, 1.0, lo_open=True)
    begin = check.nonnegative("begin", begin)
    return _make(step_decay, "step_decay",
                 lambda t: lr * gamma ** np.floor(_count(t, begin) / k),
                 {"lr": lr, "step_size": k, "gamma": gamma, "begin": begin},
                 lr=lr, step_size=k, gamma=gamma, begin=begin)


def exponential(lr, gamma, *, step_size=1, begin=0) -> Schedule:
    r"""Smooth exponential decay, a factor :math:`\gamma` per ``step_size`` steps:

    .. math:: \eta_t = \eta\, \gamma^{\max(t - b,\, 0) / k}

    PyTorch ``ExponentialLR(gamma=γ)`` (:math:`k = 1`; PyTorch multiplies the previous
    value by γ, the same numbers up to rounding); optax ``exponential_decay(η,
    transition_steps=k, decay_rate=γ, transition_begin=b)`` (its ``end_value`` clip is not
    covered); Keras ``ExponentialDecay(η, decay_steps=k, decay_rate=γ)``.
    """
    lr = check.positive("lr", lr)
    gamma = check.in_range("gamma", gamma, 0.0, 1.0, lo_open=True)
    k = check.positive("step_size", step_size)
    begin = check.nonnegative("begin", begin)
    return _make(exponential, "exponential",
                 lambda t: lr * gamma ** (_count(t, begin) / k),
                 {"lr": lr, "gamma": gamma, "step_size": k, "begin": begin},
                 lr=lr, gamma=gamma, step_size=k, begin=begin)


def inverse_sqrt(lr, offset=1.0) -> Schedule:
    r"""The :math:`1/\sqrt{t}` decay, shifted so that step 0 gets :math:`\eta`:

    .. math:: \eta_t = \eta \sqrt{\frac{c}{t + c}} = \frac{\eta}{\sqrt{1 + t/c}}

    with :math:`c` = ``offset`` (:math:`\eta/\sqrt{t+1}` for the default :math:`c = 1`;
    a larger :math:`c` decays later). With steps counted from 1 instead, this is
    :math:`\eta\sqrt{c}/\sqrt{t' + c - 1}`, the form of the analyses of Adagrad-style
    methods for :math:`c = 1`. No library has it built in: PyTorch
    ``LambdaLR(lambda t: (1 + t / c) ** -0.5)``, an optax callable
    ``lambda count: η / jnp.sqrt(1 + count / c)``; Keras's ``InverseTimeDecay`` is the
    :math:`1/t` form :math:`\eta / (1 + r t / k)`, not this one.
    """
    lr = check.positive("lr", lr)
    c = check.positive("offset", offset)
    return _make(inverse_sqrt, "inverse_sqrt", lambda t: lr / np.sqrt(1.0 + t / c),
                 {"lr": lr, "offset": c}, lr=lr, offset=c)


def polynomial(lr, T, power=1.0, end=0.0, *, begin=0) -> Schedule:
    r"""Polynomial decay from :math:`\eta` to ``end`` over ``T`` steps, then constant:

    .. math:: \eta_t = (\eta - \eta_\text{end}) \left(1 - \frac{\min(\max(t-b, 0),
              T)}{T}\right)^{p} + \eta_\text{end}

    ``power=1`` is a linear decay. PyTorch ``PolynomialLR(total_iters=T, power=p)``
    (always to 0); optax ``polynomial_schedule(η, end_value, p, T, transition_begin=b)``
    (``linear_schedule`` for :math:`p = 1`); Keras ``PolynomialDecay(η, T,
    end_learning_rate, power=p)``, whose ``end_learning_rate`` defaults to 1e-4 (its
    ``cycle=True`` is not covered).
    """
    lr = check.positive("lr", lr)
    T = check.positive("T", T)
    power = check.positive("power", power)
    end = check.nonnegative("end", end)
    begin = check.nonnegative("begin", begin)

    def fn(t):
        frac = 1.0 - np.minimum(_count(t, begin), T) / T
        return (lr - end) * frac ** power + end

    return _make(polynomial, "polynomial", fn,
                 {"lr": lr, "T": T, "power": power, "end": end, "begin": begin},
                 lr=lr, T=T, power=power, end=end, begin=begin)


def cosine(lr, T, final=0.0, *, after_T="hold") -> Schedule:
    r"""Cosine decay from :math:`\eta` to ``final`` over ``T`` steps (Loshchilov & Hutter's
    SGDR without restarts):

    .. math:: \eta_t = \eta_\text{final} + \frac{\eta - \eta_\text{final}}{2}
              \left(1 + \cos\frac{\pi \min(t, T)}{T}\right)

    ``after_T="periodic"`` drops the :math:`\min`: the cosine goes on, back up to
    :math:`\eta` at :math:`t = 2T`, as PyTorch's ``CosineAnnealingLR(T_max=T,
    eta_min=final)`` does when stepped past ``T_max``. optax
    ``cosine_decay_schedule(η, decay_steps=T, alpha=a)`` and Keras ``CosineDecay(η, T,
    alpha=a)`` hold the end (``"hold"``), and give it as a fraction: ``final = a η``
    (optax's ``exponent`` other than 1 is not covered).
    """
    lr = check.positive("lr", lr)
    T = check.positive("T", T)
    final = check.nonnegative("final", final)
    check.choice("after_T", after_T, AFTER_T)
    hold = after_T == "hold"

    def fn(t):
        t = np.minimum(t, T) if hold else t
        return final + (lr - final) / 2.0 * (1.0 + np.cos(np.pi * t / T))

    return _make(cosine, "cosine", fn, {"lr": lr, "T": T, "final": final, "after_T": after_T},
                 lr=lr, T=T, final=final)


def warmup(schedule, steps, start=0.0) -> Schedule:
    r"""A linear warm-up over ``steps`` steps from ``start`` times the schedule's first
    value, then ``schedule`` from its own step 0:

    .. math::
        \eta_t = \begin{cases}
            s(0) \left(f + (1 - f)\, t / w\right) & t < w \\
            s(t - w) & t \ge w
        \end{cases}

    with :math:`w` = ``steps``, :math:`f` = ``start`` and :math:`s` = ``schedule`` (a
    schedule, or a number for a constant after the warm-up). The last warm-up step is
    :math:`s(0)(f + (1-f)(w-1)/w)`, and step :math:`w` is at :math:`s(0)`.

    PyTorch: ``SequentialLR([LinearLR(start_factor=f, total_iters=w), S], milestones=[w])``
    (``LinearLR`` refuses :math:`f = 0`). optax ``warmup_cosine_decay_schedule(f·η, η, w,
    decay_steps=D, end_value=e)`` is ``warmup(cosine(η, D - w, e), w, f)``: its
    ``decay_steps`` counts the warm-up. Keras ``CosineDecay(a, decay_steps=D, alpha,
    warmup_target=η, warmup_steps=w)`` is ``warmup(cosine(η, D, alpha·η), w, a/η)``: its
    ``decay_steps`` does not count the warm-up, and it starts from the absolute value
    ``a``.
    """
    inner = as_schedule("schedule", schedule)
    w = check.positive("steps", steps)
    f = check.unit("start", start)
    inner_fn = inner.fn

    def fn(t):
        ramp = inner_fn(0.0 * t) * (f + (1.0 - f) * np.minimum(t, w) / w)
        return np.where(t < w, ramp, inner_fn(np.maximum(t - w, 0.0)))

    return Schedule(fn, "warmup", {"schedule": inner, "steps": w, "start": f},
                    check.broadcast(schedule=inner, steps=w, start=f), warmup)


def one_cycle(lr, T, pct_start=0.3, div_factor=25.0, final_div_factor=1e4, *,
              anneal="cos", phase_ends="exact") -> Schedule:
    r"""Smith & Topin's one cycle: up from :math:`\eta/d` to the peak :math:`\eta`, then down
    to :math:`\eta/(d\,d_f)`, each phase a half cosine (``anneal="cos"``) or a line:

    .. math::
        \eta_t = \begin{cases}
            a(\eta/d,\ \eta,\ t/p) & t \le p \\
            a(\eta,\ \eta/(d d_f),\ \min((t - p)/(e - p), 1)) & t > p
        \end{cases}
        \qquad a(u, v, r) = v + \frac{u - v}{2}(1 + \cos \pi r)
        \text{ or } u + (v - u) r

    with :math:`d` = ``div_factor``, :math:`d_f` = ``final_div_factor``. The phases end at
    :math:`p = \lfloor p_s T \rfloor` and :math:`e = T` (``phase_ends="exact"``, optax's
    ``cosine_onecycle_schedule(T, η, p_s, d, d_f)``), or one step earlier, at
    :math:`p = p_s T - 1` and :math:`e = T - 1` (``"minus_one"``: PyTorch's
    ``OneCycleLR(max_lr=η, total_steps=T, pct_start=p_s, div_factor=d,
    final_div_factor=d_f, cycle_momentum=False)``, whose last of the :math:`T` steps is at
    the final value; PyTorch refuses to go past :math:`T`, this holds the final value).
    PyTorch's default ``cycle_momentum=True`` also cycles the momentum (or β₁) between
    0.95 and 0.85, which a schedule of :math:`\eta` does not. optax's
    ``linear_onecycle_schedule`` has a third phase and is not covered.
    """
    given = {"pct_start": pct_start, "T": T}
    lr = check.positive("lr", lr)
    T = check.positive("T", T)
    pct = check.in_range("pct_start", pct_start, 0.0, 1.0, lo_open=True, hi_open=True)
    d = check.positive("div_factor", div_factor)
    d_final = check.positive("final_div_factor", final_div_factor)
    check.choice("anneal", anneal, ANNEAL)
    check.choice("phase_ends", phase_ends, PHASE_ENDS)
    batch = check.broadcast(lr=lr, T=T, pct_start=pct, div_factor=d, final_div_factor=d_final)
    if phase_ends == "exact":
        peak, end = np.floor(pct * T), T
    else:
        peak, end = pct * T - 1.0, T - 1.0
    if np.any(peak <= 0):
        need = "at least 1" if phase_ends == "exact" else "more than 1"
        raise ValueError(f"pct_start * T must be {need} (the rise needs a step) with "
                         f"phase_ends={phase_ends!r}, got pct_start={given['pct_start']!r} and "
                         f"T={given['T']!r}")
    start, low = lr / d, lr / d / d_final
    cos = anneal == "cos"

    def a(u, v, r):
        return v + (u - v) / 2.0 * (1.0 + np.cos(np.pi * r)) if cos else u + (v - u) * r

    def fn(t):
        up = a(start, lr, np.minimum(t, peak) / peak)
        down = a(lr, low, np.clip((t - peak) / (end - peak), 0.0, 1.0))
        return np.where(t <= peak, up, down)

    params = {"lr": lr, "T": T, "pct_start": pct, "div_factor": d,
              "final_div_factor": d_final, "anneal": anneal, "phase_ends": phase_ends}
    return Schedule(fn, "one_cycle", params, batch, one_cycle)


__all__ = ["Schedule", "as_schedule", "constant", "cosine", "exponential", "inverse_sqrt",
           "one_cycle", "polynomial", "step_decay", "warmup"]
