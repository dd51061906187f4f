r"""An optimizer and a landscape as JSON, for the page engine (``assets/engine``).

The page engine is a few JavaScript modules that compute in the reader's browser what
:func:`optimlab.run` computes for one run: ``run(describe_optimizer(opt),
describe_objective(obj, steps), x0, steps, {blowup})`` in JavaScript gives the iterates,
losses, states and ``diverged_at`` of ``optimlab.run(opt, obj, x0, steps, blowup=blowup)``
to the last bit. Both sides do the same IEEE 754 operations (``+ - * /`` and square
roots, which are correctly rounded everywhere) in the same order; Adam's
:math:`1 - \beta^t` comes from :class:`optimlab.optimizers.OneMinusPower`, not from a
``pow`` function, which differs between libraries. ``tests/unit/test_engine_parity.py``
checks the match.

* :func:`describe_optimizer` gives the factory's name and every hyperparameter and option
  as plain numbers, strings and flags, e.g. ``{"name": "rmsprop", "lr": 0.5,
  "gamma": 0.9, "eps": 1e-08, "eps_placement": "inside", "centered": False,
  "momentum": 0.0}``.
* :func:`describe_objective` gives the landscape's formula (``Objective.spec``: its
  ``kind`` and parameters), its dimension, its domain and, for a noisy landscape, the
  noise :math:`\sigma` and the seeded rows :math:`\xi_0, \dots, \xi_{T-1}` the run draws
  (:func:`optimlab.objectives.noise_rows`): the page adds the very same noise.
"""

from __future__ import annotations

import copy

import numpy as np

from . import _validate as check
from .objectives import Objective, noise_rows
from .optimizers import Optimizer
from .schedules import Schedule


class NotInEngine(ValueError):
    """The page engine cannot compute this (another optimizer, option, schedule or
    landscape than it has): a panel of it is a still picture on the page."""


#: optimlab's optimizer names -> the page engine's (Nesterov is momentum with nesterov=True)
OPTIMIZERS = {"SGD": "sgd", "Momentum": "momentum", "Nesterov": "momentum",
              "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam", "AdamW": "adamw",
              "Adadelta": "adadelta", "Adamax": "adamax", "NAdam": "nadam", "Yogi": "yogi"}

#: every option of each of the page engine's optimizers
OPTIONS = {
    "sgd": ("lr",),
    "momentum": ("lr", "beta", "dampening", "nesterov", "first_step", "lr_in_buffer"),
    "adagrad": ("lr", "eps", "eps_placement", "initial_accumulator"),
    "rmsprop": ("lr", "gamma", "eps", "eps_placement", "centered", "momentum",
                "lr_in_buffer"),
    "adam": ("lr", "beta1", "beta2", "eps", "eps_placement", "amsgrad", "amsgrad_max",
             "bias_correction", "weight_decay"),
    "adamw": ("lr", "beta1", "beta2", "eps", "weight_decay", "eps_placement", "amsgrad",
              "amsgrad_max"),
    "adadelta": ("lr", "rho", "eps", "weight_decay"),
    "adamax": ("lr", "beta1", "beta2", "eps", "eps_placement", "weight_decay"),
    "nadam": ("lr", "beta1", "beta2", "eps", "momentum_decay", "weight_decay",
              "decoupled_weight_decay"),
    "yogi": ("lr", "beta1", "beta2", "eps", "initial_accumulator", "initial_m"),
}

#: JSON has no infinity: NAdam's ψ = ∞ (optax's nadam, no momentum schedule) is "inf"
INFINITE = "inf"

#: options an optimizer leaves out of ``hyperparams`` at their defaults
_DEFAULTS = {"momentum": {"first_step": "zero", "lr_in_buffer": False},
             "rmsprop": {"lr_in_buffer": False},
             "adam": {"amsgrad_max": "raw", "bias_correction": True},
             "adamw": {"amsgrad_max": "raw"}}

#: the learning-rate schedules the page engine computes (``assets/engine/schedules.js``)
SCHEDULES = ("constant", "step_decay", "exponential", "inverse_sqrt", "polynomial", "cosine",
             "warmup", "one_cycle")

#: the landscapes the page engine computes (``Objective.spec["kind"]``)
KINDS = ("diagonal", "quadratic", "shifted_bowl", "rosenbrock", "beale", "least_squares_1d",
         "reddi_online")

#: the page engine runs points of at most this many coordinates
MAX_DIM = 2


def describe_optimizer(optimizer: Optimizer) -> dict:
    r"""``optimizer`` as the page engine's description: ``{"name": ..., **options}``.

    ``lr`` may be a schedule (:func:`describe_schedule`). Every other hyperparameter is
    one number (:math:`\eta` ``lr``, :math:`\gamma` ``gamma``,
    :math:`\beta` ``beta``, :math:`\beta_1, \beta_2` ``beta1``, ``beta2``, :math:`\epsilon`
    ``eps``, :math:`\lambda` ``weight_decay``, :math:`\rho` ``rho``, ...; NAdam's
    :math:`\psi = \infty` is the string ``"inf"``) and every option a string or flag,
    including those the optimizer leaves out of its label at their defaults. A sweep's
    array of values, or a hyperparameter that is not a number, is refused with a
    NotInEngine (a ValueError) naming it: the page engine computes one run.
    """
    check.instance("optimizer", optimizer, Optimizer, " (call the factory: sgd(0.1), not sgd)")
    if optimizer.name not in OPTIMIZERS:
        raise NotInEngine(f"the page engine runs {', '.join(OPTIMIZERS)}; got an optimizer "
                         f"named {optimizer.name!r}")
    name = OPTIMIZERS[optimizer.name]
    described = {"name": name}
    for key, value in optimizer.hyperparams.items():
        if key not in OPTIONS[name]:
            raise NotInEngine(f"the page engine's {name} has no option {key!r} (it has "
                             f"{', '.join(OPTIONS[name])}); got {key}={value!r}")
        if key == "momentum_decay" and np.ndim(value) == 0 and np.isposinf(value):
            described[key] = INFINITE
            continue
        described[key] = (describe_schedule(value) if isinstance(value, Schedule)
                          else _scalar(key, value))
    return {**described, **{k: v for k, v in _DEFAULTS.get(name, {}).items()
                            if k not in described}}


def describe_schedule(schedule: Schedule) -> dict:
    r"""A learning-rate schedule (:mod:`optimlab.schedules`) as the page engine's
    description: ``{"kind": "cosine", "lr": 0.5, "T": 100.0, "final": 0.0, "after_T":
    "hold"}``, every parameter one number or string; a warm-up holds the schedule it
    warms up: ``{"kind": "warmup", "schedule": {...}, "steps": 10.0, "start": 0.0}``.
    A function of the step that is not one of optimlab's schedules, or a schedule of a
    sweep (an array of values), is refused with a ValueError naming it."""
    check.instance("schedule", schedule, Schedule)
    if schedule.name not in SCHEDULES or schedule.factory is None:
        raise NotInEngine(f"the page engine computes the schedules {', '.join(SCHEDULES)}; "
                         f"got lr={schedule.label()}")
    described = {"kind": schedule.name}
    for key, value in schedule.params.items():
        described[key] = (describe_schedule(value) if isinstance(value, Schedule)
                          else _scalar(f"{schedule.name}'s {key}", value))
    return described


def optimizer_from(described: dict) -> Optimizer:
    """The optimlab optimizer a page-engine description stands for: the inverse of
    :func:`describe_optimizer` (``describe_optimizer(optimizer_from(d)) == d``), for
    checking a run the page made from a description it built itself."""
    from . import optimizers, schedules

    check.instance("described", described, dict)
    options = dict(described)
    name = options.pop("name", None)
    if name not in OPTIONS:
        raise ValueError(f"described['name'] must be one of {', '.join(OPTIONS)}, "
                         f"got {name!r}")
    if isinstance(options.get("lr"), dict):
        options["lr"] = _schedule_from(options["lr"], schedules)
    if options.get("momentum_decay") == INFINITE:
        options["momentum_decay"] = np.inf
    return getattr(optimizers, name)(**options)


def _schedule_from(described: dict, schedules) -> Schedule:
    params = dict(described)
    kind = params.pop("kind", None)
    if kind not in SCHEDULES:
        raise ValueError(f"a schedule's kind must be one of {', '.join(SCHEDULES)}, "
                         f"got {kind!r}")
    if isinstance(params.get("schedule"), dict):
        params["schedule"] = _schedule_from(params["schedule"], schedules)
    return getattr(schedules, kind)(**params)


def _scalar(name: str, value):
    """A flag, a string or one finite number, as plain Python."""
    if isinstance(value, (bool, np.bool_, str)):
        return value if isinstance(value, str) else bool(value)
    if not isinstance(value, (int, float, np.ndarray, np.number)):
        raise NotInEngine(f"{name} must be a single number for the page engine, got "
                         f"{name}={value!r}")
    if np.ndim(value) != 0:
        raise NotInEngine(f"{name} must be a single number for the page engine (it runs one "
                         f"run, not a sweep), got an array of shape {np.shape(value)}")
    return check.number(name, value)


def describe_objective(objective: Objective, steps: int) -> dict:
    r"""``objective`` as the page engine's description, for runs of up to ``steps`` steps:
    ``{**objective.spec, "dim": d, "domain": [[lo, hi], ...] or None, "noise": σ,
    "seed": seed, "noise_rows": [ξ_0, ..., ξ_{steps-1}] or None}``.

    The formulas, which the engine repeats operation for operation:

    * ``diagonal``: :math:`f = \sum_i (x_i x_i)(\tfrac12 a_i)`, :math:`g_i = x_i a_i`
      (a quadratic :math:`\tfrac12 x^\top A x` with a diagonal ``A``: the seeds' bowls,
      the saddle);
    * ``quadratic``: :math:`u_j = \sum_i x_i A_{ij}`, :math:`f = \tfrac12 \sum_j u_j x_j`,
      :math:`g = u` (the rotated bowl);
    * ``shifted_bowl``: :math:`f = \sum_i (x_i - c_i)^2 (\tfrac12 a_i)`,
      :math:`g_i = (x_i - c_i) a_i`;
    * ``rosenbrock``: :math:`f = (a - x)^2 + b (y - x^2)^2`;
    * ``beale``: :math:`f = \sum_k r_k^2`, :math:`r_k = c_k - x + x y^k` with
      :math:`y^2 = y \cdot y`, :math:`y^3 = y \cdot y \cdot y`;
    * ``least_squares_1d``: :math:`f = c (y - w x)^2`, :math:`g = -2c (y - w x) x`;
    * ``reddi_online``: :math:`g_t = C` when :math:`t \bmod 3 = 0`, else :math:`-1`, on the
      domain :math:`[-1, 1]`.

    Sums run in index order. The gradient at step ``t`` is :math:`g(x) + \sigma \xi_t`.
    A landscape without a ``spec`` (built from arbitrary functions) or with more than
    two coordinates is refused with a ValueError.
    """
    check.instance("objective", objective, Objective)
    steps = check.steps("steps", steps, objective.dim)
    spec = objective.spec
    if spec is None or spec.get("kind") not in KINDS:
        raise NotInEngine(f"objective {objective.name!r} has no formula the page engine "
                         f"computes (its spec is {spec!r}); the engine computes {', '.join(KINDS)}")
    if objective.dim > MAX_DIM:
        raise NotInEngine(f"the page engine runs landscapes of at most {MAX_DIM} coordinates, "
                         f"got objective {objective.name!r} with dim={objective.dim}")
    domain = None if objective.domain is None else [[float(lo), float(hi)]
                                                   for lo, hi in objective.domain]
    rows = None
    if objective.noise:  # (noise_rows has nothing to give for 0 steps)
        rows = noise_rows(objective.seed, objective.dim, steps)[:steps].tolist() if steps else []
    return {**copy.deepcopy(spec), "dim": objective.dim, "domain": domain,
            "noise": float(objective.noise), "seed": int(objective.seed), "noise_rows": rows}
