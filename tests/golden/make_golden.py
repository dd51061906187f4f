"""Regenerate ``tests/golden/trajectories.json`` from the real optimizer libraries.

The golden file holds reference optimizer trajectories produced by PyTorch
(``torch.optim``), optax and Keras 3 on the bowl objective

    f(x, y) = 0.1 * x**2 + 5 * y**2,   grad f = [0.2 * x, 10 * y]

starting from x0 = [-10.0, 1.5] for 30 steps, everything in float64.  The
gradient is computed by hand (no autograd) and handed to each library's
update (``param.grad = g; opt.step()`` / ``opt.update(g, state, params)`` /
``opt.apply_gradients([(g, var)])``).

These libraries are NOT needed by the test-suite or CI; only this script
needs them.  To regenerate, use a throwaway virtualenv outside the repo:

    python3 -m venv /tmp/goldvenv
    . /tmp/goldvenv/bin/activate
    pip install torch==2.13.0 jax jaxlib optax keras numpy
    python tests/golden/make_golden.py

Keras runs on its torch backend (``KERAS_BACKEND=torch`` is set below before
keras is imported) with ``floatx = float64``, so that its variables, its
optimizer slots and its learning-rate variable are all float64.
"""

import inspect
import json
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
OUT = os.path.join(HERE, "trajectories.json")

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
def run_torch(ctor, kwargs):
    p = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    opt = ctor([p], **kwargs)
    xs = [p.detach().numpy().copy().tolist()]
    for _ in range(STEPS):
        p.grad = torch.from_numpy(grad_np(p.detach().numpy()))
        opt.step()
        assert p.dtype == torch.float64
        xs.append(p.detach().numpy().copy().tolist())
    group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    return xs, _jsonable(group)


# --------------------------------------------------------------------------- optax
def run_optax(fn, kwargs):
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


def run_keras(ctor, kwargs):
    var = keras.Variable(np.asarray(X0, dtype=np.float64), dtype="float64")
    opt = ctor(**kwargs)
    xs = [keras.ops.convert_to_numpy(var).tolist()]
    for _ in range(STEPS):
        g = torch.from_numpy(grad_np(keras.ops.convert_to_numpy(var)))
        opt.apply_gradients([(g, var)])
        assert str(var.dtype) == "float64"
        xs.append(keras.ops.convert_to_numpy(var).tolist())
    assert str(opt.learning_rate.dtype).endswith("float64"), opt.learning_rate.dtype
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
]

RUNNERS = {"torch": run_torch, "optax": run_optax, "keras": run_keras}


def sanity(cases_by_id):
    """Cross-library agreement checks that must hold to ~1e-12."""

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
    ]
    ok = True
    for a, b in pairs:
        d = maxdiff(a, b)
        flag = d < 1e-12
        ok &= flag
        print(f"  {'OK ' if flag else 'BAD'} max|{a} - {b}| = {d:.3e}")
    return ok


def main():
    cases = []
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
    ids = [c["id"] for c in cases]
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
    }
    with open(OUT, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")
    print("sanity checks:")
    if not sanity({c["id"]: c for c in cases}):
        sys.exit("sanity check failed")


if __name__ == "__main__":
    main()
