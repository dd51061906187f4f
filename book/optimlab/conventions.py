"""How PyTorch, optax and Keras spell, default and place things, as runnable presets.

``preset("torch", "RMSprop", lr=0.1, alpha=0.9)`` takes a library's own constructor
name, argument names and defaults, and returns the optimlab optimizer that computes what
that library computes (checked against trajectories recorded from the libraries
themselves, :func:`recorded_runs`). ``NAMES`` is the translation table the book prints.

A preset takes a schedule (:mod:`optimlab.schedules`) wherever the library takes one for
its learning rate; where the library folds the learning rate into a momentum buffer
(Keras's ``SGD`` and ``RMSprop``, optax's ``rmsprop``), the preset does too under a
schedule (``lr_in_buffer=True``), which at a constant rate is the same iteration.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

import numpy as np

from . import _validate as check
from . import optimizers as opt
from ._validate import choice
from .library_schedules import schedule_preset  # noqa: F401 (the schedules' presets)

LIBRARIES = ("torch", "optax", "keras")


@cache
def recorded_runs() -> dict:
    """The trajectories recorded from PyTorch, optax and Keras themselves, float64, on the
    bowl ``0.1 x² + 5 y²`` (``tests/golden/make_golden.py`` records them): ``cases``
    (constant step sizes, each with ``id``, ``library``, ``constructor``, ``kwargs`` and
    the iterates ``x``) and ``schedule_cases``. Shipped inside the package, so a chapter
    that quotes them runs wherever optimlab is installed. Do not modify the result."""
    return json.loads(files(__package__).joinpath("recorded", "trajectories.json")
                      .read_text(encoding="utf-8"))

#: concept -> name in the book's code and in each library (and d2l)
NAMES = {
    "step size η": {"book": "lr", "torch": "lr", "optax": "learning_rate",
                    "keras": "learning_rate", "d2l": "lr / eta"},
    "RMSprop decay γ": {"book": "gamma", "torch": "alpha", "optax": "decay", "keras": "rho",
                        "d2l": "gamma"},
    "momentum coefficient β": {"book": "beta", "torch": "momentum", "optax": "momentum",
                               "keras": "momentum", "d2l": "beta"},
    "Adam decays β₁, β₂": {"book": "beta1, beta2", "torch": "betas=(β₁, β₂)",
                           "optax": "b1, b2", "keras": "beta_1, beta_2",
                           "d2l": "beta1, beta2"},
    "stability constant ε": {"book": "eps", "torch": "eps", "optax": "eps",
                             "keras": "epsilon", "d2l": "eps"},
    "ε placement": {"book": "eps_placement", "torch": "—", "optax": "eps_in_sqrt (rmsprop)",
                    "keras": "—", "d2l": "— (inside · inside · outside; ε = 1e-6)"},
    "momentum form": {"book": "v ← βv + (1−τ)g;  x ← x − ηv",
                      "torch": "b ← μb + (1−τ)g;  x ← x − lr·b",
                      "optax": "tr ← g + μ·tr;  x ← x − lr·tr",
                      "keras": "v ← μv − lr·g;  x ← x + v", "d2l": "v ← βv + g;  x ← x − ηv"},
    "momentum dampening τ": {"book": "dampening, first_step", "torch": "dampening",
                             "optax": "—", "keras": "—", "d2l": "— (no dampening)"},
    "Adagrad initial accumulator s₀": {"book": "initial_accumulator",
                                       "torch": "initial_accumulator_value",
                                       "optax": "initial_accumulator_value",
                                       "keras": "initial_accumulator_value", "d2l": "— (s₀ = 0)"},
    "AMSGrad": {"book": "amsgrad=True, amsgrad_max", "torch": "amsgrad=True",
                "optax": "optax.amsgrad", "keras": "amsgrad=True",
                "d2l": "— (not covered; Yogi instead)"},
    "AdamW decay λ": {"book": "weight_decay", "torch": "weight_decay", "optax": "weight_decay",
                      "keras": "weight_decay", "d2l": "— (not covered)"},
    "Adadelta decay ρ": {"book": "rho", "torch": "rho", "optax": "rho", "keras": "rho",
                         "d2l": "rho"},
    "Adamax ε placement": {"book": "eps_placement", "torch": "— (in the max)",
                           "optax": "— (in the max)", "keras": "— (after the max)",
                           "d2l": "— (not covered)"},
    "NAdam momentum schedule ψ": {"book": "momentum_decay", "torch": "momentum_decay",
                                  "optax": "— (none: ψ = ∞)", "keras": "— (ψ = 1)",
                                  "d2l": "— (not covered)"},
    "Yogi": {"book": "yogi", "torch": "— (none)", "optax": "optax.yogi", "keras": "— (none)",
             "d2l": "yogi"},
    "Yogi initial moments m₀, s₀": {"book": "initial_m, initial_accumulator", "torch": "—",
                                    "optax": "— (both 1e-6)", "keras": "—",
                                    "d2l": "— (both 0)"},
    "learning-rate schedule ηₜ": {"book": "lr=schedule(t), t = steps taken",
                                  "torch": "torch.optim.lr_scheduler (step() after each step)",
                                  "optax": "learning_rate=schedule(count)",
                                  "keras": "learning_rate=LearningRateSchedule(iterations)",
                                  "d2l": "— (its own scheduler classes, per epoch)"},
}


#: the rest of the family: each library's constructor of each method (None: it has none)
FAMILY = {"Adadelta": {"torch": "Adadelta", "optax": "adadelta", "keras": "Adadelta"},
          "Adamax": {"torch": "Adamax", "optax": "adamax", "keras": "Adamax"},
          "NAdam": {"torch": "NAdam", "optax": "nadam", "keras": "Nadam"},
          "Yogi": {"torch": None, "optax": "yogi", "keras": None}}
_SHOWN = {"rho": "ρ", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "momentum_decay": "ψ",
          "initial_m": "m₀", "initial_accumulator": "s₀"}
_PLACED = {"in_max": "ε in the max", "outside_max": "ε after the max"}


def defaults_text(library: str, name: str) -> str:
    """A library's constructor ``name`` with its defaults as its preset builds them, e.g.
    "`Adamax`<br>η = 0.002, β₁ = 0.9, β₂ = 0.999, ε = 1.0e-08, ε in the max". optax's
    step size has no default ("η required"; adadelta's default ``None`` climbs, see its
    preset); a ψ the library has no argument for is "(fixed)"."""
    from ._format import number

    if library == "optax":
        opt = preset(library, name, learning_rate=1.0)
        parts = ["η = None (climbs)" if name == "adadelta" else "η required"]
    else:
        opt = preset(library, name)
        parts = [f"η = {number(opt.hyperparams['lr'])}"]
    for key, value in opt.hyperparams.items():
        if key == "eps_placement" and value in _PLACED:
            parts.append(_PLACED[value])
        elif key in _SHOWN:
            shown = "∞" if np.isinf(value) else number(value)
            fixed = " (fixed)" if key == "momentum_decay" and library != "torch" else ""
            parts.append(f"{_SHOWN[key]} = {shown}{fixed}")
    return f"`{name}`<br>" + ", ".join(parts)


def family_table() -> str:
    """The rest of the family (:data:`FAMILY`) as a Markdown table: a row per method, a
    column per library, each cell :func:`defaults_text` or "— (none)"."""
    head = {"torch": "PyTorch", "optax": "optax", "keras": "Keras"}
    lines = ["| method | " + " | ".join(head.values()) + " |", "|---" * 4 + "|"]
    for method, names in FAMILY.items():
        cells = [defaults_text(lib, names[lib]) if names[lib] else "— (none)" for lib in head]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _schedule(lr) -> bool:
    """True where a library's learning-rate argument is a schedule (a callable)."""
    return callable(lr)


def _no_momentum(momentum, nesterov=False) -> bool:
    """True where a library's momentum argument switches momentum off (0 or None)."""
    off = momentum is None or np.all(check.unit("momentum", momentum) == 0)
    if check.flag("nesterov", nesterov) and (momentum is None or
                                             np.any(np.asarray(momentum) == 0)):
        raise ValueError(f"nesterov=True needs momentum > 0 (as in PyTorch), "
                         f"got momentum={momentum!r}")
    return bool(off)


def _torch_sgd(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False):
    if _no_momentum(momentum, nesterov):
        return opt.sgd(lr)
    return opt.momentum(lr, momentum, dampening=dampening, nesterov=nesterov, first_step="grad")


def _torch_adagrad(lr=1e-2, eps=1e-10, initial_accumulator_value=0.0):
    return opt.adagrad(lr, eps, initial_accumulator=initial_accumulator_value,
                       eps_placement="outside")


def _torch_rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, centered=False):
    return opt.rmsprop(lr, alpha, eps, eps_placement="outside", centered=centered,
                       momentum=momentum)


def _betas(betas) -> tuple:
    """torch's ``betas=(β₁, β₂)``: exactly two values (``*betas`` of a 1-tuple would slide
    eps into β₂)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got betas={betas!r}")
    check.unit("betas[0]", betas[0], hi_open=True)
    check.unit("betas[1]", betas[1], hi_open=True)
    return tuple(betas)


def _torch_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = _betas(betas)
    return opt.adam(lr, beta1, beta2, eps, amsgrad=amsgrad, weight_decay=weight_decay)


def _torch_adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    beta1, beta2 = _betas(betas)
    return opt.adamw(lr, beta1, beta2, eps, weight_decay, amsgrad=amsgrad)


def _optax_sgd(learning_rate, momentum=None, nesterov=False):
    check.flag("nesterov", nesterov)
    if _no_momentum(momentum):
        return opt.sgd(learning_rate)
    return opt.momentum(learning_rate, momentum, nesterov=nesterov)


def _optax_adagrad(learning_rate, initial_accumulator_value=0.1, eps=1e-7):
    return opt.adagrad(learning_rate, eps, initial_accumulator=initial_accumulator_value)


def _optax_rmsprop(learning_rate, decay=0.9, eps=1e-8, centered=False, momentum=None):
    # optax scales by the learning rate before its momentum trace
    return opt.rmsprop(learning_rate, decay, eps, centered=centered,
                       momentum=0.0 if momentum is None else momentum,
                       lr_in_buffer=_schedule(learning_rate))


def _optax_adam(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    return opt.adam(learning_rate, b1, b2, eps)


def _optax_amsgrad(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    return opt.adam(learning_rate, b1, b2, eps, amsgrad=True, amsgrad_max="corrected")


def _optax_adamw(learning_rate, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-4):
    return opt.adamw(learning_rate, b1, b2, eps, weight_decay)


def _keras_sgd(learning_rate=0.01, momentum=0.0, nesterov=False):
    check.flag("nesterov", nesterov)
    if _no_momentum(momentum):
        return opt.sgd(learning_rate)
    return opt.momentum(learning_rate, momentum, nesterov=nesterov,
                        lr_in_buffer=_schedule(learning_rate))


def _keras_adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    return opt.adagrad(learning_rate, epsilon, initial_accumulator=initial_accumulator_value)


def _keras_rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    return opt.rmsprop(learning_rate, rho, epsilon, centered=centered, momentum=momentum,
                       lr_in_buffer=_schedule(learning_rate))


def _keras_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    return opt.adam(learning_rate, beta_1, beta_2, epsilon, eps_placement="hat", amsgrad=amsgrad)


def _keras_adamw(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False):
    return opt.adamw(learning_rate, beta_1, beta_2, epsilon, weight_decay,
                     eps_placement="hat", amsgrad=amsgrad)


def _torch_adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    return opt.adadelta(lr, rho, eps, weight_decay=weight_decay)


def _torch_adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    beta1, beta2 = _betas(betas)
    return opt.adamax(lr, beta1, beta2, eps, weight_decay=weight_decay)


def _torch_nadam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
                 decoupled_weight_decay=False):
    beta1, beta2 = _betas(betas)
    return opt.nadam(lr, beta1, beta2, eps, momentum_decay=momentum_decay,
                     weight_decay=weight_decay, decoupled_weight_decay=decoupled_weight_decay)


def _optax_adadelta(learning_rate=None, rho=0.9, eps=1e-6, weight_decay=0.0):
    if learning_rate is None:
        # read from optax 0.2.8's source: scale_by_learning_rate(None) is the identity, which
        # also drops the sign flip the other learning rates get, so x climbs f
        raise ValueError("learning_rate=None, optax.adadelta's default, climbs the gradient "
                         "(optax skips scale_by_learning_rate and with it the sign flip): no "
                         "descent method reproduces it; give learning_rate, e.g. "
                         "learning_rate=1.0 for Zeiler's Adadelta")
    return opt.adadelta(learning_rate, rho, eps, weight_decay=weight_decay)


def _optax_adamax(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    return opt.adamax(learning_rate, b1, b2, eps)


def _optax_nadam(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    # adam(nesterov=True): the constant momentum μₜ = b1
    return opt.nadam(learning_rate, b1, b2, eps, momentum_decay=np.inf)


def _optax_yogi(learning_rate, b1=0.9, b2=0.999, eps=1e-3):
    # scale_by_yogi starts both moments at initial_accumulator_value = 1e-6
    return opt.yogi(learning_rate, b1, b2, eps, initial_accumulator=1e-6, initial_m=1e-6)


def _keras_adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7):
    return opt.adadelta(learning_rate, rho, epsilon)


def _keras_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return opt.adamax(learning_rate, beta_1, beta_2, epsilon, eps_placement="outside_max")


def _keras_nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # Keras's momentum schedule is 0.96**t, without PyTorch's (Dozat's) 0.004
    return opt.nadam(learning_rate, beta_1, beta_2, epsilon, momentum_decay=1.0)


PRESETS = {
    "torch": {"SGD": _torch_sgd, "Adagrad": _torch_adagrad, "RMSprop": _torch_rmsprop,
              "Adam": _torch_adam, "AdamW": _torch_adamw, "Adadelta": _torch_adadelta,
              "Adamax": _torch_adamax, "NAdam": _torch_nadam},
    "optax": {"sgd": _optax_sgd, "adagrad": _optax_adagrad, "rmsprop": _optax_rmsprop,
              "adam": _optax_adam, "amsgrad": _optax_amsgrad, "adamw": _optax_adamw,
              "adadelta": _optax_adadelta, "adamax": _optax_adamax, "nadam": _optax_nadam,
              "yogi": _optax_yogi},
    "keras": {"SGD": _keras_sgd, "Adagrad": _keras_adagrad, "RMSprop": _keras_rmsprop,
              "Adam": _keras_adam, "AdamW": _keras_adamw, "Adadelta": _keras_adadelta,
              "Adamax": _keras_adamax, "Nadam": _keras_nadam},
}


def preset(library: str, name: str, **kwargs) -> opt.Optimizer:
    """The optimizer ``library`` builds for ``name(**kwargs)``, with that library's
    argument names and defaults (for example ``preset("keras", "RMSprop", rho=0.9)``)."""
    choice("library", library, LIBRARIES)
    choice("name", name, tuple(PRESETS[library]))
    factory = PRESETS[library][name]
    allowed = factory.__code__.co_varnames[:factory.__code__.co_argcount]
    for key in kwargs:
        choice(f"argument of {library} {name}", key, allowed)
    return factory(**kwargs)
