"""Random good and bad values thrown at the public functions.

Every argument of a call is drawn either from values the function documents as valid or
from a pool of bad ones (NaN, inf, negatives, bools, strings, None, empty and wrongly
shaped arrays, complex numbers, mappings). Each call must either return or raise a
ValueError or TypeError whose message names one of the arguments passed; any other
exception, and any warning, fails the test.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import analysis, plots, training
from optimlab.conventions import preset

BOWL = ol.seed000_bowl()
LINE = ol.least_squares_1d()
SWEEP = ol.sweep(ol.sgd, BOWL, [-10.0, 1.5], 5, lr=[0.1, 0.2, 0.3])

BAD = st.sampled_from([
    np.nan, np.inf, -np.inf, -1.0, 0.0, 1.5, 2, 10**9, True, False, np.bool_(True), None,
    "x", "0.1", "", [], [0.1, 0.2, 0.3], [[0.1], [0.2]], np.array([[0.1, 0.2]]), 1j,
    (0.9,), {"a": 1}, np.array(["a"]), np.int64(3), [np.nan, 0.1], object(),
])


def num(lo=0.0, hi=1.0):
    return st.floats(lo, hi, allow_nan=False, exclude_min=lo == 0.0)


def nums(lo=0.0, hi=1.0):
    return st.one_of(num(lo, hi), st.lists(num(lo, hi), min_size=1, max_size=3))


FLAG = st.booleans()
STEPS = st.integers(0, 12)
POINT = st.lists(num(-3.0, 3.0), min_size=2, max_size=2)

#: function -> the strategy of each argument's good values
SPECS = {
    "sgd": (ol.sgd, {"lr": nums(0, 2)}),
    "momentum": (ol.momentum, {"lr": nums(0, 1), "beta": nums(0, 1), "dampening": nums(0, 0.9),
                               "nesterov": FLAG, "first_step": st.sampled_from(["zero", "grad"])}),
    "adagrad": (ol.adagrad, {"lr": nums(0, 1), "eps": nums(0, 1e-3),
                             "initial_accumulator": nums(0, 1),
                             "eps_placement": st.sampled_from(["inside", "outside"])}),
    "rmsprop": (ol.rmsprop, {"lr": nums(0, 1), "gamma": nums(0, 1), "eps": nums(0, 1e-3),
                             "eps_placement": st.sampled_from(["inside", "outside"]),
                             "centered": FLAG, "momentum": nums(0, 0.9)}),
    "adam": (ol.adam, {"lr": nums(0, 1), "beta1": nums(0, 0.99), "beta2": nums(0, 0.999),
                       "eps": nums(0, 1e-3), "amsgrad": FLAG, "bias_correction": FLAG,
                       "eps_placement": st.sampled_from(["outside", "inside", "hat"]),
                       "amsgrad_max": st.sampled_from(["raw", "corrected"]),
                       "weight_decay": nums(0, 0.1)}),
    "adamw": (ol.adamw, {"lr": nums(0, 1), "beta1": nums(0, 0.99), "weight_decay": nums(0, 0.1),
                         "amsgrad": FLAG}),
    "adadelta": (ol.adadelta, {"lr": nums(0, 2), "rho": nums(0, 1), "eps": nums(0, 1e-3),
                               "weight_decay": nums(0, 0.1)}),
    "adamax": (ol.adamax, {"lr": nums(0, 1), "beta1": nums(0, 0.99), "beta2": nums(0, 1),
                           "eps": nums(0, 1e-3),
                           "eps_placement": st.sampled_from(["in_max", "outside_max"])}),
    "nadam": (ol.nadam, {"lr": nums(0, 1), "beta1": nums(0, 0.99), "beta2": nums(0, 0.999),
                         "momentum_decay": st.one_of(nums(0, 1), st.just(np.inf)),
                         "weight_decay": nums(0, 0.1), "decoupled_weight_decay": FLAG}),
    "yogi": (ol.yogi, {"lr": nums(0, 1), "beta1": nums(0, 0.99), "eps": nums(0, 1e-2),
                       "initial_accumulator": nums(0, 1), "initial_m": nums(0, 1)}),
    "step_decay": (ol.step_decay, {"lr": nums(0, 1), "step_size": nums(0, 50),
                                   "gamma": nums(0, 1), "begin": nums(0, 10)}),
    "cosine": (ol.cosine, {"lr": nums(0, 1), "T": nums(0, 100), "final": nums(0, 0.1),
                           "after_T": st.sampled_from(["hold", "periodic"])}),
    "warmup": (ol.warmup, {"schedule": st.sampled_from([0.1, ol.cosine(0.1, 10)]),
                           "steps": nums(0, 10), "start": nums(0, 1)}),
    "one_cycle": (ol.one_cycle, {"lr": nums(0, 1), "T": num(5, 100), "pct_start": num(0.2, 0.8),
                                 "anneal": st.sampled_from(["cos", "linear"]),
                                 "phase_ends": st.sampled_from(["exact", "minus_one"])}),
    "scheduled run": (lambda lr, T, steps: ol.run(ol.nadam(ol.polynomial(lr, T, 2.0)), BOWL,
                                                  [-10.0, 1.5], steps),
                      {"lr": num(0, 1), "T": num(0, 20), "steps": STEPS}),
    "run": (ol.run, {"optimizer": st.sampled_from([ol.sgd(0.1), ol.adam(0.1),
                                                   ol.rmsprop([0.1, 0.2], centered=True)]),
                     "objective": st.sampled_from([BOWL, ol.rosenbrock(), LINE]),
                     "x0": POINT, "steps": STEPS, "blowup": num(1.0, 1e6)}),
    "sweep": (lambda **kw: ol.sweep(ol.rmsprop, BOWL, [-10.0, 1.5], **kw),
              {"steps": STEPS, "lr": st.lists(num(0, 1), min_size=1, max_size=3),
               "gamma": nums(0, 1), "centered": FLAG}),
    "step": (lambda x, g: ol.adam(0.1).step(x, g, ol.adam(0.1).init(np.zeros(2))),
             {"x": POINT, "g": st.sampled_from([[0.0, 0.0], [1.0, -1.0], 0.5])}),
    "index": (lambda index: SWEEP[index],
              {"index": st.one_of(st.integers(-3, 2), st.just(slice(None, 2)))}),
    "quadratic": (ol.quadratic, {"A": st.sampled_from([[[1.0, 0.0], [0.0, 2.0]], [[2.0]]])}),
    "rosenbrock": (ol.rosenbrock, {"a": num(-2, 2), "b": num(0, 200)}),
    "least_squares_1d": (ol.least_squares_1d, {"x": num(0.5, 3), "y": num(-3, 3), "half": FLAG}),
    "noisy": (ol.noisy, {"objective": st.just(BOWL), "sigma": num(0, 2),
                         "seed": st.integers(0, 100)}),
    "reddi_online": (ol.reddi_online, {"C": num(2.5, 10)}),
    "preset": (lambda **kw: preset("torch", "Adam", **kw),
               {"lr": num(0, 1), "betas": st.just((0.9, 0.999)), "eps": num(0, 1e-3),
                "amsgrad": FLAG, "weight_decay": num(0, 0.1)}),
    "gd_rate": (analysis.gd_rate, {"lr": nums(0, 1), "eigenvalues": nums(0, 10)}),
    "heavy_ball_rate": (analysis.heavy_ball_rate, {"lr": num(0, 1), "beta": nums(0, 1),
                                                   "eigenvalues": nums(0, 10)}),
    "nesterov_rate": (analysis.nesterov_rate, {"lr": num(0, 1), "beta": num(0, 1),
                                               "eigenvalues": nums(0, 10)}),
    "heavy_ball_roots": (analysis.heavy_ball_roots, {"lr": num(0, 1), "beta": num(0, 1),
                                                     "lam": nums(0, 10)}),
    "critical_beta": (analysis.critical_beta, {"lr": num(0.01, 1), "lam": num(0.01, 3.9)}),
    "heavy_ball_noise_floor": (analysis.heavy_ball_noise_floor,
                               {"lr": num(0, 0.1), "beta": num(0, 0.9),
                                "eigenvalues": nums(0.01, 10), "sigma": num(0, 2)}),
    "gd_iterates": (analysis.gd_iterates, {"lr": num(0, 1), "A": st.just(np.diag([1.0, 2.0])),
                                           "x0": POINT, "steps": STEPS}),
    "heavy_ball_iterates": (analysis.heavy_ball_iterates,
                            {"lr": num(0, 1), "beta": num(0, 1), "A": st.just(np.eye(2)),
                             "x0": POINT, "steps": STEPS}),
    "steps_needed": (analysis.steps_needed, {"rate": nums(0.01, 0.99),
                                             "reduction": num(1e-9, 0.5)}),
    "gd_optimal": (analysis.gd_optimal, {"lmin": num(0.1, 1), "lmax": num(1, 10)}),
    "load": (training.load, {"name": st.sampled_from(["diabetes", "breast_cancer"]),
                             "test_fraction": num(0.1, 0.9), "seed": st.integers(0, 9),
                             "standardize": FLAG}),
}


def _named(message: str, names) -> bool:
    return any(re.search(rf"\b{re.escape(n)}\b", message) for n in names)


def _call(func, kwargs: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may leak
        try:
            func(**kwargs)
        except (ValueError, TypeError) as err:
            assert _named(str(err), kwargs), f"{err!r} names none of {sorted(kwargs)}"


@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_call_returns_or_names_a_bad_argument(name, data):
    func, good = SPECS[name]
    kwargs = data.draw(st.fixed_dictionaries({k: st.one_of(s, BAD) for k, s in good.items()}))
    _call(func, kwargs)


@settings(max_examples=25, deadline=None)
@given(gammas=st.one_of(st.lists(num(0, 1), min_size=1, max_size=3), BAD),
       steps=st.one_of(st.integers(1, 50), BAD))
def test_ema_weights_returns_or_names_a_bad_argument(gammas, steps):
    _call(plots.ema_weights, {"gammas": gammas, "steps": steps} if isinstance(
        gammas, (list, tuple, np.ndarray)) else {"gammas": [0.9], "steps": steps})
