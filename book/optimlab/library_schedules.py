r"""The learning-rate schedules of PyTorch, optax and Keras, with their own names, argument
names and defaults, as :mod:`optimlab.schedules` (the schedule counterpart of
:func:`optimlab.conventions.preset`):

    schedule_preset("torch", "CosineAnnealingLR", lr=0.1, T_max=20, eta_min=0.015)
    schedule_preset("optax", "warmup_cosine_decay_schedule", init_value=0.0,
                    peak_value=0.1, warmup_steps=5, decay_steps=30)
    schedule_preset("keras", "PiecewiseConstantDecay", boundaries=[10, 20],
                    values=[0.1, 0.05, 0.025])

A PyTorch scheduler scales the optimizer's learning rate, so it takes that rate as
``lr``; optax's and Keras's schedules carry their own values. Each is the schedule the
library computes when it is stepped (PyTorch) or evaluated (optax, Keras) once per
optimizer step; ``tests/unit/test_parity.py`` checks every one against the rates the
libraries recorded. What a schedule of :mod:`optimlab.schedules` cannot express (a
PyTorch ``LinearLR`` that ends below 1, optax's ``exponent``, Keras's ``cycle``,
unequally spaced or scaled boundaries, PyTorch's momentum cycling) is refused with a
ValueError naming the argument.
"""
from __future__ import annotations

import numpy as np

from . import schedules as S
from ._validate import choice

def _refuse(name: str, value, allowed: str):
    raise ValueError(f"{name}={value!r} has no optimlab schedule: {allowed}")


# ------------------------------------------------------------------------ PyTorch

def _torch_step(lr, step_size, gamma=0.1):
    return S.step_decay(lr, step_size, gamma)


def _torch_exponential(lr, gamma):
    return S.exponential(lr, gamma)


def _torch_cosine(lr, T_max, eta_min=0.0):
    return S.cosine(lr, T_max, eta_min, after_T="periodic")  # it keeps following the cosine


def _torch_polynomial(lr, total_iters=5, power=1.0):
    return S.polynomial(lr, total_iters, power)


def _torch_one_cycle(lr, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
                     div_factor=25.0, final_div_factor=1e4, cycle_momentum=True):
    if cycle_momentum:
        _refuse("cycle_momentum", cycle_momentum, "a schedule of the learning rate does "
                "not cycle the momentum; pass cycle_momentum=False")
    anneal = {"cos": "cos", "linear": "linear"}.get(anneal_strategy)
    if anneal is None:
        _refuse("anneal_strategy", anneal_strategy, "'cos' or 'linear'")
    return S.one_cycle(max_lr, total_steps, pct_start, div_factor, final_div_factor,
                       anneal=anneal, phase_ends="minus_one")


def _torch_warmup_cosine(lr, start_factor, warmup, T_max, eta_min=0.0):
    """``SequentialLR([LinearLR(start_factor, total_iters=warmup), CosineAnnealingLR(T_max,
    eta_min)], milestones=[warmup])``: the warm-up from ``start_factor`` times ``lr``."""
    return S.warmup(S.cosine(lr, T_max, eta_min, after_T="periodic"), warmup, start_factor)


# ------------------------------------------------------------------------ optax

def _optax_exponential(init_value, transition_steps, decay_rate, transition_begin=0,
                       staircase=False, end_value=None):
    if end_value is not None:
        _refuse("end_value", end_value, "the clipped decay is not covered; leave it None")
    if staircase:
        return S.step_decay(init_value, transition_steps, decay_rate, begin=transition_begin)
    return S.exponential(init_value, decay_rate, step_size=transition_steps,
                         begin=transition_begin)


def _optax_piecewise(init_value, boundaries_and_scales):
    k, rho = _equal_steps("boundaries_and_scales", [int(b) for b in boundaries_and_scales],
                          list(boundaries_and_scales.values()))
    return S.step_decay(init_value, k, rho)


def _optax_cosine(init_value, decay_steps, alpha=0.0, exponent=1.0):
    if exponent != 1.0:
        _refuse("exponent", exponent, "only the plain cosine, exponent=1")
    return S.cosine(init_value, decay_steps, alpha * init_value)


def _optax_polynomial(init_value, end_value, power, transition_steps, transition_begin=0):
    return S.polynomial(init_value, transition_steps, power, end_value, begin=transition_begin)


def _optax_warmup_cosine(init_value, peak_value, warmup_steps, decay_steps, end_value=0.0,
                         exponent=1.0):
    if exponent != 1.0:
        _refuse("exponent", exponent, "only the plain cosine, exponent=1")
    # optax's decay_steps counts the warm-up
    return S.warmup(S.cosine(peak_value, decay_steps - warmup_steps, end_value), warmup_steps,
                    init_value / peak_value)


def _optax_one_cycle(transition_steps, peak_value, pct_start=0.3, div_factor=25.0,
                     final_div_factor=1e4):
    return S.one_cycle(peak_value, transition_steps, pct_start, div_factor, final_div_factor)


# ------------------------------------------------------------------------ Keras

def _keras_exponential(initial_learning_rate, decay_steps, decay_rate, staircase=False):
    if staircase:
        return S.step_decay(initial_learning_rate, decay_steps, decay_rate)
    return S.exponential(initial_learning_rate, decay_rate, step_size=decay_steps)


def _keras_piecewise(boundaries, values):
    if len(values) != len(boundaries) + 1:
        _refuse("values", values, "one more value than boundaries")
    scales = [b / a for a, b in zip(values, values[1:])]
    k, rho = _equal_steps("boundaries", list(boundaries), scales)
    # Keras's boundaries are inclusive: each value lasts one step longer
    return S.step_decay(values[0], k, rho, begin=1)


def _keras_polynomial(initial_learning_rate, decay_steps, end_learning_rate=1e-4, power=1.0,
                      cycle=False):
    if cycle:
        _refuse("cycle", cycle, "the cycling decay is not covered; pass cycle=False")
    return S.polynomial(initial_learning_rate, decay_steps, power, end_learning_rate)


def _keras_cosine(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                  warmup_steps=0):
    if warmup_target is None or not warmup_steps:
        return S.cosine(initial_learning_rate, decay_steps, alpha * initial_learning_rate)
    # the warm-up from the absolute initial_learning_rate; decay_steps does not count it
    return S.warmup(S.cosine(warmup_target, decay_steps, alpha * warmup_target), warmup_steps,
                    initial_learning_rate / warmup_target)


def _equal_steps(name: str, boundaries: list, scales: list) -> tuple[float, float]:
    """``(k, ρ)`` for boundaries ``k, 2k, 3k, ...`` that each scale by the same ``ρ``."""
    k = boundaries[0] if boundaries else 0
    steps = k > 0 and all(b == k * (i + 1) for i, b in enumerate(boundaries))
    if not steps or not np.allclose(scales, scales[0], rtol=1e-12, atol=0):
        _refuse(name, boundaries, "boundaries k, 2k, 3k, ... with one scale a boundary "
                "(a step decay)")
    return float(k), float(scales[0])


PRESETS = {
    "torch": {"StepLR": _torch_step, "ExponentialLR": _torch_exponential,
              "CosineAnnealingLR": _torch_cosine, "PolynomialLR": _torch_polynomial,
              "OneCycleLR": _torch_one_cycle, "LinearLR+CosineAnnealingLR": _torch_warmup_cosine},
    "optax": {"exponential_decay": _optax_exponential,
              "piecewise_constant_schedule": _optax_piecewise,
              "cosine_decay_schedule": _optax_cosine, "polynomial_schedule": _optax_polynomial,
              "warmup_cosine_decay_schedule": _optax_warmup_cosine,
              "cosine_onecycle_schedule": _optax_one_cycle},
    "keras": {"ExponentialDecay": _keras_exponential, "PiecewiseConstantDecay": _keras_piecewise,
              "PolynomialDecay": _keras_polynomial, "CosineDecay": _keras_cosine},
}


def schedule_preset(library: str, name: str, **kwargs) -> S.Schedule:
    """The schedule ``library`` computes for ``name(**kwargs)``, with its argument names
    and defaults. PyTorch's take the optimizer's rate as ``lr`` (``OneCycleLR`` takes
    ``max_lr`` and needs none); ``"LinearLR+CosineAnnealingLR"`` stands for a
    ``SequentialLR`` of ``LinearLR(start_factor, total_iters=warmup)`` then
    ``CosineAnnealingLR(T_max, eta_min)`` with ``milestones=[warmup]``."""
    choice("library", library, tuple(PRESETS))
    choice("name", name, tuple(PRESETS[library]))
    factory = PRESETS[library][name]
    allowed = factory.__code__.co_varnames[:factory.__code__.co_argcount]
    for key in kwargs:
        choice(f"argument of {library} {name}", key, allowed)
    if library == "torch" and name == "OneCycleLR":
        kwargs.setdefault("lr", None)
    return factory(**kwargs)
