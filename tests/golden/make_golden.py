"""Regenerate ``book/optimlab/recorded/trajectories.json`` from the optimizer libraries.

The golden file holds reference optimizer trajectories produced by PyTorch
(``torch.optim``), optax and Keras 3 on the bowl objective

    f(x, y) = 0.1 * x**2 + 5 * y**2,   grad f = [0.2 * x, 10 * y]

starting from x0 = [-10.0, 1.5] for 30 steps, everything in float64.  The
gradient is computed by hand (no autograd) and handed to each library's
update (``param.grad = g; opt.step()`` / ``opt.update(g, state, params)`` /
``opt.apply_gradients([(g, var)])``).

``cases`` are optimizers at a constant learning rate (one entry per library
constructor and setting).  ``schedule_cases`` run an optimizer under a
learning-rate schedule: PyTorch's ``torch.optim.lr_scheduler`` stepped once
after every ``opt.step()``, an optax schedule passed as ``learning_rate``, a
Keras ``LearningRateSchedule`` passed as ``learning_rate``.  Each records the
learning rate the library used at every step (``lr``: PyTorch's
``param_groups[0]["lr"]`` before the step, optax's ``schedule(count)`` for the
count its update sees, Keras's ``optimizer.learning_rate`` before the step) and
describes the schedule in ``schedule`` (constructor and arguments; composite
schedules nest, and callables are given as source text).  They are kept apart
from ``cases`` because ``optimlab.conventions.preset`` replays ``cases`` with
their ``kwargs`` alone.

These libraries are NOT needed by the test-suite or CI; only this script
needs them.  To regenerate, use a throwaway virtualenv outside the repo:

    python3 -m venv /tmp/goldvenv
    . /tmp/goldvenv/bin/activate
    pip install torch==2.13.0 jax==0.10.2 jaxlib==0.10.2 optax==0.2.8 \
        keras==3.15.1 numpy==2.4.6
    python tests/golden/make_golden.py

(the versions the current file was generated with; ``generated_with`` in the
file records them).  The script checks that cases which must agree across
libraries do (``sanity``) and exits non-zero otherwise.

Keras runs on its torch backend (``KERAS_BACKEND=torch`` is set below before
keras is imported) with ``floatx = float64``, so that its variables, its
optimizer slots and its learning-rate variable are all float64.
"""

import inspect
import json
import math
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np  # noqa: E402
import torch  # noqa: E402

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

import keras  # noqa: E402

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
# Shipped with optimlab (optimlab.conventions.recorded_runs), which the chapters quote.
OUT = os.path.join(HERE, "..", "..", "book", "optimlab", "recorded", "trajectories.json")

X0 = [-10.0, 1.5]
STEPS = 30


def grad_np(p):
    """Hand-written gradient of f(x, y) = 0.1 x^2 + 5 y^2, float64."""
    p = np.asarray(p, dtype=np.float64)
    return np.array([0.2 * p[0], 10.0 * p[1]], dtype=np.float64)


def _jsonable(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, torch.Tensor):
            v = v.item()
        if isinstance(v, tuple):
            v = list(v)
        if v is None or isinstance(v, (bool, int, float, str, list)):
            out[k] = v
    return out


# --------------------------------------------------------------------------- torch
def run_torch(ctor, kwargs, scheduler=None):
    """``scheduler(opt)`` builds an ``lr_scheduler``, stepped after every ``opt.step()``."""
    p = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    opt = ctor([p], **kwargs)
    sched = None if scheduler is None else scheduler(opt)
    xs = [p.detach().numpy().copy().tolist()]
    lrs = []
    for _ in range(STEPS):
        lrs.append(float(opt.param_groups[0]["lr"]))
        p.grad = torch.from_numpy(grad_np(p.detach().numpy()))
        opt.step()
        if sched is not None:
            sched.step()
        assert p.dtype == torch.float64
        xs.append(p.detach().numpy().copy().tolist())
    group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    if scheduler is not None:
        return xs, lrs
    return xs, _jsonable(group)


# --------------------------------------------------------------------------- optax
def run_optax(fn, kwargs, schedule=None):
    """``schedule`` (an optax schedule) is passed as ``learning_rate``."""
    if schedule is not None:
        xs, _ = run_optax(fn, {**kwargs, "learning_rate": schedule})
        lrs = [float(schedule(jnp.asarray(k, dtype=jnp.int32))) for k in range(STEPS)]
        return xs, lrs
    params = jnp.asarray(X0, dtype=jnp.float64)
    opt = fn(**kwargs)
    state = opt.init(params)
    xs = [np.asarray(params).tolist()]
    for _ in range(STEPS):
        g = jnp.asarray(grad_np(np.asarray(params)), dtype=jnp.float64)
        updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
        assert params.dtype == jnp.float64
        xs.append(np.asarray(params).tolist())
    sig = inspect.signature(fn)
    bound = sig.bind(**kwargs)
    bound.apply_defaults()
    resolved = {
        k: (np.asarray(v).item() if hasattr(v, "dtype") else v)
        for k, v in bound.arguments.items()
    }
    return xs, _jsonable(resolved)


# --------------------------------------------------------------------------- keras
KERAS_KEYS = (
    "learning_rate", "momentum", "nesterov", "initial_accumulator_value",
    "epsilon", "rho", "centered", "beta_1", "beta_2", "amsgrad", "weight_decay",
)


def run_keras(ctor, kwargs, schedule=None):
    """``schedule`` (a ``LearningRateSchedule``) is passed as ``learning_rate``."""
    var = keras.Variable(np.asarray(X0, dtype=np.float64), dtype="float64")
    opt = ctor(**kwargs) if schedule is None else ctor(learning_rate=schedule, **kwargs)
    xs = [keras.ops.convert_to_numpy(var).tolist()]
    lrs = []
    for _ in range(STEPS):
        lr = opt.learning_rate
        assert str(lr.dtype).endswith("float64"), lr.dtype
        lrs.append(float(keras.ops.convert_to_numpy(lr)))
        g = torch.from_numpy(grad_np(keras.ops.convert_to_numpy(var)))
        opt.apply_gradients([(g, var)])
        assert str(var.dtype) == "float64"
        xs.append(keras.ops.convert_to_numpy(var).tolist())
    assert str(opt.learning_rate.dtype).endswith("float64"), opt.learning_rate.dtype
    if schedule is not None:
        return xs, lrs
    cfg = opt.get_config()
    resolved = {k: cfg[k] for k in KERAS_KEYS if k in cfg}
    if hasattr(resolved.get("learning_rate"), "item"):
        resolved["learning_rate"] = float(resolved["learning_rate"])
    return xs, _jsonable(resolved)


# --------------------------------------------------------------------------- cases
T = torch.optim
K = keras.optimizers

# (id, library, optimizer family, constructor name, callable, kwargs)
CASES = [
    # ---- torch
    ("torch-sgd-lr0.1", "torch", "sgd", "torch.optim.SGD", T.SGD, dict(lr=0.1)),
    ("torch-momentum-lr0.05-mu0.9", "torch", "momentum", "torch.optim.SGD", T.SGD,
     dict(lr=0.05, momentum=0.9)),
    ("torch-momentum-lr0.05-mu0.9-dampening0.5", "torch", "momentum", "torch.optim.SGD",
     T.SGD, dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("torch-nesterov-lr0.05-mu0.9", "torch", "nesterov", "torch.optim.SGD", T.SGD,
     dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("torch-adagrad-lr0.5", "torch", "adagrad", "torch.optim.Adagrad", T.Adagrad,
     dict(lr=0.5)),
    ("torch-adagrad-lr0.5-init0.1-eps1e-2", "torch", "adagrad", "torch.optim.Adagrad",
     T.Adagrad, dict(lr=0.5, initial_accumulator_value=0.1, eps=1e-2)),
    ("torch-rmsprop-lr0.01-default", "torch", "rmsprop", "torch.optim.RMSprop",
     T.RMSprop, dict(lr=0.01)),
    ("torch-rmsprop-lr0.1-alpha0.9", "torch", "rmsprop", "torch.optim.RMSprop",
     T.RMSprop, dict(lr=0.1, alpha=0.9)),
    ("torch-rmsprop-lr0.1-alpha0.9-eps1e-2", "torch", "rmsprop", "torch.optim.RMSprop",
     T.RMSprop, dict(lr=0.1, alpha=0.9, eps=1e-2)),
    ("torch-rmsprop-lr0.1-alpha0.9-centered", "torch", "rmsprop", "torch.optim.RMSprop",
     T.RMSprop, dict(lr=0.1, alpha=0.9, centered=True)),
    ("torch-rmsprop-lr0.05-alpha0.9-mom0.5", "torch", "rmsprop", "torch.optim.RMSprop",
     T.RMSprop, dict(lr=0.05, alpha=0.9, momentum=0.5)),
    ("torch-rmsprop-lr0.05-alpha0.9-centered-mom0.5", "torch", "rmsprop",
     "torch.optim.RMSprop", T.RMSprop,
     dict(lr=0.05, alpha=0.9, centered=True, momentum=0.5)),
    ("torch-adam-lr0.1", "torch", "adam", "torch.optim.Adam", T.Adam, dict(lr=0.1)),
    ("torch-adam-lr0.1-eps1e-1", "torch", "adam", "torch.optim.Adam", T.Adam,
     dict(lr=0.1, eps=1e-1)),
    ("torch-adam-lr0.1-amsgrad", "torch", "adam", "torch.optim.Adam", T.Adam,
     dict(lr=0.1, amsgrad=True)),
    ("torch-adam-lr0.1-l2wd0.1", "torch", "adam", "torch.optim.Adam", T.Adam,
     dict(lr=0.1, weight_decay=0.1)),
    ("torch-adamw-lr0.1-wd0.1", "torch", "adamw", "torch.optim.AdamW", T.AdamW,
     dict(lr=0.1, weight_decay=0.1)),
    # ---- optax
    ("optax-momentum-lr0.05-mu0.9", "optax", "momentum", "optax.sgd", optax.sgd,
     dict(learning_rate=0.05, momentum=0.9)),
    ("optax-nesterov-lr0.05-mu0.9", "optax", "nesterov", "optax.sgd", optax.sgd,
     dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("optax-adagrad-lr0.5", "optax", "adagrad", "optax.adagrad", optax.adagrad,
     dict(learning_rate=0.5)),
    ("optax-rmsprop-lr0.1", "optax", "rmsprop", "optax.rmsprop", optax.rmsprop,
     dict(learning_rate=0.1)),
    ("optax-rmsprop-lr0.1-eps1e-2", "optax", "rmsprop", "optax.rmsprop", optax.rmsprop,
     dict(learning_rate=0.1, eps=1e-2)),
    ("optax-rmsprop-lr0.1-centered", "optax", "rmsprop", "optax.rmsprop", optax.rmsprop,
     dict(learning_rate=0.1, centered=True)),
    ("optax-rmsprop-lr0.05-mom0.5", "optax", "rmsprop", "optax.rmsprop", optax.rmsprop,
     dict(learning_rate=0.05, momentum=0.5)),
    ("optax-adam-lr0.1", "optax", "adam", "optax.adam", optax.adam,
     dict(learning_rate=0.1)),
    ("optax-adam-lr0.1-eps1e-1", "optax", "adam", "optax.adam", optax.adam,
     dict(learning_rate=0.1, eps=1e-1)),
    ("optax-amsgrad-lr0.1", "optax", "adam", "optax.amsgrad", optax.amsgrad,
     dict(learning_rate=0.1)),
    ("optax-adamw-lr0.1-wd0.1", "optax", "adamw", "optax.adamw", optax.adamw,
     dict(learning_rate=0.1, weight_decay=0.1)),
    # ---- keras
    ("keras-momentum-lr0.05-mu0.9", "keras", "momentum", "keras.optimizers.SGD", K.SGD,
     dict(learning_rate=0.05, momentum=0.9)),
    ("keras-nesterov-lr0.05-mu0.9", "keras", "nesterov", "keras.optimizers.SGD", K.SGD,
     dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("keras-adagrad-lr0.5", "keras", "adagrad", "keras.optimizers.Adagrad", K.Adagrad,
     dict(learning_rate=0.5)),
    ("keras-rmsprop-lr0.1", "keras", "rmsprop", "keras.optimizers.RMSprop", K.RMSprop,
     dict(learning_rate=0.1)),
    ("keras-rmsprop-lr0.1-eps1e-2", "keras", "rmsprop", "keras.optimizers.RMSprop",
     K.RMSprop, dict(learning_rate=0.1, epsilon=1e-2)),
    ("keras-rmsprop-lr0.1-centered", "keras", "rmsprop", "keras.optimizers.RMSprop",
     K.RMSprop, dict(learning_rate=0.1, centered=True)),
    ("keras-rmsprop-lr0.05-mom0.5", "keras", "rmsprop", "keras.optimizers.RMSprop",
     K.RMSprop, dict(learning_rate=0.05, momentum=0.5)),
    ("keras-adam-lr0.1", "keras", "adam", "keras.optimizers.Adam", K.Adam,
     dict(learning_rate=0.1)),
    ("keras-adam-lr0.1-eps1e-1", "keras", "adam", "keras.optimizers.Adam", K.Adam,
     dict(learning_rate=0.1, epsilon=1e-1)),
    ("keras-adam-lr0.1-amsgrad", "keras", "adam", "keras.optimizers.Adam", K.Adam,
     dict(learning_rate=0.1, amsgrad=True)),
    ("keras-adamw-lr0.1-wd0.1", "keras", "adamw", "keras.optimizers.AdamW", K.AdamW,
     dict(learning_rate=0.1, weight_decay=0.1)),
    # ---- Adadelta, Adamax, NAdam, Yogi (PyTorch and Keras have no Yogi)
    ("torch-adadelta-lr1", "torch", "adadelta", "torch.optim.Adadelta", T.Adadelta,
     dict(lr=1.0)),
    ("torch-adadelta-lr1-rho0.95-l2wd0.1", "torch", "adadelta", "torch.optim.Adadelta",
     T.Adadelta, dict(lr=1.0, rho=0.95, weight_decay=0.1)),
    ("torch-adamax-lr0.1", "torch", "adamax", "torch.optim.Adamax", T.Adamax, dict(lr=0.1)),
    ("torch-adamax-lr0.1-eps1e-1", "torch", "adamax", "torch.optim.Adamax", T.Adamax,
     dict(lr=0.1, eps=1e-1)),
    ("torch-nadam-lr0.1", "torch", "nadam", "torch.optim.NAdam", T.NAdam, dict(lr=0.1)),
    ("torch-nadam-lr0.1-psi1", "torch", "nadam", "torch.optim.NAdam", T.NAdam,
     dict(lr=0.1, momentum_decay=1.0)),
    ("torch-nadam-lr0.1-l2wd0.1", "torch", "nadam", "torch.optim.NAdam", T.NAdam,
     dict(lr=0.1, weight_decay=0.1)),
    ("torch-nadam-lr0.1-decoupledwd0.1", "torch", "nadam", "torch.optim.NAdam", T.NAdam,
     dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
    ("optax-adadelta-lr1", "optax", "adadelta", "optax.adadelta", optax.adadelta,
     dict(learning_rate=1.0)),
    ("optax-adamax-lr0.1", "optax", "adamax", "optax.adamax", optax.adamax,
     dict(learning_rate=0.1)),
    ("optax-adamax-lr0.1-eps1e-1", "optax", "adamax", "optax.adamax", optax.adamax,
     dict(learning_rate=0.1, eps=1e-1)),
    ("optax-nadam-lr0.1", "optax", "nadam", "optax.nadam", optax.nadam,
     dict(learning_rate=0.1)),
    ("optax-yogi-lr0.1", "optax", "yogi", "optax.yogi", optax.yogi, dict(learning_rate=0.1)),
    ("optax-yogi-lr0.5-eps1e-6", "optax", "yogi", "optax.yogi", optax.yogi,
     dict(learning_rate=0.5, eps=1e-6)),
    ("keras-adadelta-lr1", "keras", "adadelta", "keras.optimizers.Adadelta", K.Adadelta,
     dict(learning_rate=1.0)),
    ("keras-adamax-lr0.1", "keras", "adamax", "keras.optimizers.Adamax", K.Adamax,
     dict(learning_rate=0.1)),
    ("keras-adamax-lr0.1-eps1e-1", "keras", "adamax", "keras.optimizers.Adamax", K.Adamax,
     dict(learning_rate=0.1, epsilon=1e-1)),
    ("keras-nadam-lr0.1", "keras", "nadam", "keras.optimizers.Nadam", K.Nadam,
     dict(learning_rate=0.1)),
    ("keras-nadam-lr0.1-eps1e-8", "keras", "nadam", "keras.optimizers.Nadam", K.Nadam,
     dict(learning_rate=0.1, epsilon=1e-8)),
]

# ------------------------------------------------------------------ schedule cases
LR = torch.optim.lr_scheduler
KS = keras.optimizers.schedules
OS = optax.schedules


def torch_sched(name, **kw):
    """(description, builder) of ``torch.optim.lr_scheduler.<name>(opt, **kw)``."""
    return ({"constructor": f"torch.optim.lr_scheduler.{name}", "kwargs": kw},
            lambda opt: getattr(LR, name)(opt, **kw))


def torch_warmup_cosine(start_factor, warmup, t_max):
    """PyTorch's warm-up: LinearLR, then CosineAnnealingLR from the milestone on."""
    desc = {"constructor": "torch.optim.lr_scheduler.SequentialLR", "kwargs": {
        "schedulers": [torch_sched("LinearLR", start_factor=start_factor,
                                   total_iters=warmup)[0],
                       torch_sched("CosineAnnealingLR", T_max=t_max)[0]],
        "milestones": [warmup]}}

    def build(opt):
        first = LR.LinearLR(opt, start_factor=start_factor, total_iters=warmup)
        second = LR.CosineAnnealingLR(opt, T_max=t_max)
        return LR.SequentialLR(opt, [first, second], milestones=[warmup])
    return desc, build


def torch_lambda(source, fn):
    return ({"constructor": "torch.optim.lr_scheduler.LambdaLR",
             "kwargs": {"lr_lambda": source}}, lambda opt: LR.LambdaLR(opt, fn))


def optax_sched(name, **kw):
    return ({"constructor": f"optax.schedules.{name}", "kwargs": kw},
            getattr(OS, name)(**{k: (dict(v) if isinstance(v, dict) else v)
                                 for k, v in kw.items()}))


def keras_sched(name, **kw):
    return ({"constructor": f"keras.optimizers.schedules.{name}", "kwargs": kw},
            getattr(KS, name)(**kw))


def _inverse_sqrt_optax(count):
    return 0.15 / jnp.sqrt(1.0 + count / 4.0)


# (id, library, family, optimizer constructor name, callable, optimizer kwargs, schedule)
# torch kwargs carry the base lr the scheduler starts from; optax and Keras take the
# schedule as learning_rate.  SGD at a peak of 0.15 moves y by the factor 1 - 10 eta_t
# each step, so every value of the schedule shows in the path.
SCHEDULE_CASES = [
    ("torch-sgd-lr0.15-steplr10-gamma0.5", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_sched("StepLR", step_size=10, gamma=0.5)),
    ("torch-sgd-lr0.15-exponentiallr0.9", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_sched("ExponentialLR", gamma=0.9)),
    ("torch-sgd-lr0.15-cosine-tmax20-min0.015", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_sched("CosineAnnealingLR", T_max=20, eta_min=0.015)),
    ("torch-sgd-lr0.15-polynomial20-power2", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_sched("PolynomialLR", total_iters=20, power=2.0)),
    ("torch-sgd-lr0.15-warmup-linear0.1-5-cosine25", "torch", "sgd", "torch.optim.SGD",
     T.SGD, dict(lr=0.15), torch_warmup_cosine(0.1, 5, 25)),
    ("torch-sgd-onecycle-max0.15-30", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_sched("OneCycleLR", max_lr=0.15, total_steps=30,
                                cycle_momentum=False)),
    ("torch-sgd-lr0.15-lambda-inverse-sqrt4", "torch", "sgd", "torch.optim.SGD", T.SGD,
     dict(lr=0.15), torch_lambda("lambda t: (1 + t / 4) ** -0.5",
                                 lambda t: (1 + t / 4) ** -0.5)),
    ("torch-momentum-lr0.05-mu0.9-steplr10-gamma0.5", "torch", "momentum", "torch.optim.SGD",
     T.SGD, dict(lr=0.05, momentum=0.9), torch_sched("StepLR", step_size=10, gamma=0.5)),
    ("torch-rmsprop-lr0.05-alpha0.9-mom0.5-exponentiallr0.9", "torch", "rmsprop",
     "torch.optim.RMSprop", T.RMSprop, dict(lr=0.05, alpha=0.9, momentum=0.5, eps=1e-7),
     torch_sched("ExponentialLR", gamma=0.9)),
    ("torch-adam-lr0.1-cosine-tmax30", "torch", "adam", "torch.optim.Adam", T.Adam,
     dict(lr=0.1), torch_sched("CosineAnnealingLR", T_max=30)),
    ("torch-nadam-lr0.1-exponentiallr0.9", "torch", "nadam", "torch.optim.NAdam", T.NAdam,
     dict(lr=0.1), torch_sched("ExponentialLR", gamma=0.9)),
    # ---- optax
    ("optax-sgd-exponential-decay10-0.5-staircase", "optax", "sgd", "optax.sgd", optax.sgd,
     dict(), optax_sched("exponential_decay", init_value=0.15, transition_steps=10,
                         decay_rate=0.5, staircase=True)),
    ("optax-sgd-piecewise-constant-10-20", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("piecewise_constant_schedule", init_value=0.15,
                 boundaries_and_scales={10: 0.5, 20: 0.5})),
    ("optax-sgd-exponential-decay0.9-begin5", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("exponential_decay", init_value=0.15, transition_steps=1, decay_rate=0.9,
                 transition_begin=5)),
    ("optax-sgd-exponential-decay-steps4-0.5", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("exponential_decay", init_value=0.15, transition_steps=4, decay_rate=0.5)),
    ("optax-sgd-cosine-decay20-alpha0.1", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("cosine_decay_schedule", init_value=0.15, decay_steps=20, alpha=0.1)),
    ("optax-sgd-polynomial20-power2-end0.01", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("polynomial_schedule", init_value=0.15, end_value=0.01, power=2,
                 transition_steps=20)),
    ("optax-sgd-warmup-cosine-from0-5-30", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("warmup_cosine_decay_schedule", init_value=0.0, peak_value=0.15,
                 warmup_steps=5, decay_steps=30, end_value=0.0)),
    ("optax-sgd-cosine-onecycle30-peak0.15", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     optax_sched("cosine_onecycle_schedule", transition_steps=30, peak_value=0.15)),
    ("optax-sgd-inverse-sqrt4", "optax", "sgd", "optax.sgd", optax.sgd, dict(),
     ({"constructor": "lambda count: 0.15 / jnp.sqrt(1.0 + count / 4.0)", "kwargs": {}},
      _inverse_sqrt_optax)),
    ("optax-momentum-mu0.9-exponential-decay10-0.5-staircase", "optax", "momentum",
     "optax.sgd", optax.sgd, dict(momentum=0.9),
     optax_sched("exponential_decay", init_value=0.05, transition_steps=10, decay_rate=0.5,
                 staircase=True)),
    ("optax-rmsprop-mom0.5-eps1e-7-exponential-decay0.9", "optax", "rmsprop", "optax.rmsprop",
     optax.rmsprop, dict(momentum=0.5, eps=1e-7),
     optax_sched("exponential_decay", init_value=0.05, transition_steps=1, decay_rate=0.9)),
    ("optax-adam-cosine-decay30-lr0.1", "optax", "adam", "optax.adam", optax.adam, dict(),
     optax_sched("cosine_decay_schedule", init_value=0.1, decay_steps=30)),
    ("optax-yogi-cosine-decay30-lr0.1", "optax", "yogi", "optax.yogi", optax.yogi, dict(),
     optax_sched("cosine_decay_schedule", init_value=0.1, decay_steps=30)),
    # ---- keras
    ("keras-sgd-exponentialdecay10-0.5-staircase", "keras", "sgd", "keras.optimizers.SGD",
     K.SGD, dict(), keras_sched("ExponentialDecay", initial_learning_rate=0.15,
                                decay_steps=10, decay_rate=0.5, staircase=True)),
    ("keras-sgd-piecewiseconstant-10-20", "keras", "sgd", "keras.optimizers.SGD", K.SGD,
     dict(), keras_sched("PiecewiseConstantDecay", boundaries=[10, 20],
                         values=[0.15, 0.075, 0.0375])),
    ("keras-sgd-polynomialdecay20-power2", "keras", "sgd", "keras.optimizers.SGD", K.SGD,
     dict(), keras_sched("PolynomialDecay", initial_learning_rate=0.15, decay_steps=20,
                         power=2.0)),
    ("keras-sgd-cosinedecay-warmup-from0.015-5-25", "keras", "sgd", "keras.optimizers.SGD",
     K.SGD, dict(), keras_sched("CosineDecay", initial_learning_rate=0.015, decay_steps=25,
                                warmup_target=0.15, warmup_steps=5)),
    ("keras-momentum-mu0.9-exponentialdecay10-0.5-staircase", "keras", "momentum",
     "keras.optimizers.SGD", K.SGD, dict(momentum=0.9),
     keras_sched("ExponentialDecay", initial_learning_rate=0.05, decay_steps=10,
                 decay_rate=0.5, staircase=True)),
    ("keras-rmsprop-mom0.5-exponentialdecay0.9", "keras", "rmsprop",
     "keras.optimizers.RMSprop", K.RMSprop, dict(momentum=0.5),
     keras_sched("ExponentialDecay", initial_learning_rate=0.05, decay_steps=1,
                 decay_rate=0.9)),
    ("keras-adam-cosinedecay30-lr0.1", "keras", "adam", "keras.optimizers.Adam", K.Adam,
     dict(), keras_sched("CosineDecay", initial_learning_rate=0.1, decay_steps=30)),
]

RUNNERS = {"torch": run_torch, "optax": run_optax, "keras": run_keras}


def sanity(cases_by_id):
    """Cross-library agreement checks that must hold to ~1e-12 (or to the tolerance a
    pair gives: optax's ``exponential_decay`` and ``polynomial_schedule`` compute in
    float32 on their int32 step count even with ``jax_enable_x64``, so their learning
    rates are float32-rounded, about 6e-8 relative)."""

    def maxdiff(a, b):
        return float(np.max(np.abs(np.array(cases_by_id[a]["x"])
                                   - np.array(cases_by_id[b]["x"]))))

    pairs = [
        ("torch-adam-lr0.1", "optax-adam-lr0.1"),
        ("torch-adam-lr0.1-eps1e-1", "optax-adam-lr0.1-eps1e-1"),
        ("torch-adamw-lr0.1-wd0.1", "optax-adamw-lr0.1-wd0.1"),
        ("torch-momentum-lr0.05-mu0.9", "optax-momentum-lr0.05-mu0.9"),
        ("torch-momentum-lr0.05-mu0.9", "keras-momentum-lr0.05-mu0.9"),
        ("torch-nesterov-lr0.05-mu0.9", "optax-nesterov-lr0.05-mu0.9"),
        ("torch-nesterov-lr0.05-mu0.9", "keras-nesterov-lr0.05-mu0.9"),
        ("optax-adagrad-lr0.5", "keras-adagrad-lr0.5"),
        ("torch-adadelta-lr1", "optax-adadelta-lr1"),
        ("torch-adamax-lr0.1", "optax-adamax-lr0.1"),
        ("torch-adamax-lr0.1-eps1e-1", "optax-adamax-lr0.1-eps1e-1"),
        ("torch-nadam-lr0.1-psi1", "keras-nadam-lr0.1-eps1e-8"),
        # the same schedule spelled four ways
        ("torch-sgd-lr0.15-steplr10-gamma0.5", "optax-sgd-exponential-decay10-0.5-staircase",
         1e-6),
        ("torch-sgd-lr0.15-steplr10-gamma0.5", "optax-sgd-piecewise-constant-10-20"),
        ("torch-sgd-lr0.15-steplr10-gamma0.5", "keras-sgd-exponentialdecay10-0.5-staircase"),
        ("torch-sgd-lr0.15-warmup-linear0.1-5-cosine25",
         "keras-sgd-cosinedecay-warmup-from0.015-5-25"),
        ("torch-sgd-lr0.15-lambda-inverse-sqrt4", "optax-sgd-inverse-sqrt4"),
        ("torch-adam-lr0.1-cosine-tmax30", "optax-adam-cosine-decay30-lr0.1"),
        # lr in the momentum trace: optax rmsprop and Keras RMSprop
        ("optax-rmsprop-mom0.5-eps1e-7-exponential-decay0.9",
         "keras-rmsprop-mom0.5-exponentialdecay0.9", 1e-6),
    ]
    ok = True
    for a, b, *tol in pairs:
        d = maxdiff(a, b)
        flag = d < (tol[0] if tol else 1e-12)
        ok &= flag
        print(f"  {'OK ' if flag else 'BAD'} max|{a} - {b}| = {d:.3e}")
    return ok


def main():
    cases, schedule_cases = [], []
    for cid, lib, family, ctor_name, ctor, kwargs, (desc, schedule) in SCHEDULE_CASES:
        xs, lrs = RUNNERS[lib](ctor, dict(kwargs), schedule)
        assert len(xs) == STEPS + 1 and len(lrs) == STEPS
        assert all(math.isfinite(v) for row in xs for v in row), cid
        schedule_cases.append({
            "id": cid,
            "library": lib,
            "optimizer": family,
            "constructor": ctor_name,
            "kwargs": kwargs,
            "schedule": desc,
            "x0": list(X0),
            "steps": STEPS,
            "lr": lrs,
            "x": xs,
        })
    for cid, lib, family, ctor_name, ctor, kwargs in CASES:
        xs, resolved = RUNNERS[lib](ctor, dict(kwargs))
        assert len(xs) == STEPS + 1
        assert all(np.isfinite(v) for row in xs for v in row), cid
        cases.append({
            "id": cid,
            "library": lib,
            "optimizer": family,
            "constructor": ctor_name,
            "kwargs": kwargs,
            "resolved_hyperparameters": resolved,
            "x0": list(X0),
            "steps": STEPS,
            "x": xs,
        })
    ids = [c["id"] for c in cases + schedule_cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"

    doc = {
        "generated_with": {
            "torch": torch.__version__,
            "optax": optax.__version__,
            "keras": keras.__version__,
            "jax": jax.__version__,
            "keras_backend": keras.backend.backend(),
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "dtype": "float64",
        },
        "objective": {
            "name": "bowl",
            "f": "0.1*x**2 + 5*y**2",
            "grad": "[0.2*x, 10*y]",
        },
        "cases": cases,
        "schedule_cases": schedule_cases,
    }
    with open(OUT, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases and {len(schedule_cases)} schedule cases to {OUT}")
    print("sanity checks:")
    if not sanity({c["id"]: c for c in cases + schedule_cases}):
        sys.exit("sanity check failed")


if __name__ == "__main__":
    main()
