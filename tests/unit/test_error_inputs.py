"""Error inputs per public function, in the style of torch's ``OptimizerInfo`` error inputs.

Each entry is ``(callable, kwargs, exception type, regex)``: calling ``callable(**kwargs)``
must raise that exception, before any work is done, with a message that matches the regex,
which always names the argument. ``test_every_public_function_has_error_inputs`` keeps the
table complete as functions are added.
"""

from __future__ import annotations

import inspect
from typing import Callable, NamedTuple

import numpy as np
import pytest

import optimlab as ol
from optimlab import analysis, conventions, plots, schedules, training

BOWL = ol.seed000_bowl()
X0 = [-10.0, 1.5]
LINE = ol.least_squares_1d()
RUN = ol.run(ol.sgd(0.1), BOWL, X0, 5)
ADA = ol.run(ol.adagrad(0.5), BOWL, X0, 5)
SWEEP = ol.sweep(ol.sgd, BOWL, X0, 5, lr=[0.1, 0.2])
TWO = ol.sweep(ol.momentum, BOWL, X0, 5, lr=[0.1, 0.2], beta=[0.0, 0.9])
DATA = training.load("breast_cancer")
MODEL = training.softmax_regression(DATA.n_features, DATA.n_classes)
CONTENDERS = {"SGD": (ol.sgd, {"lr": 0.1})}


class ErrorInput(NamedTuple):
    func: Callable
    kwargs: dict
    error: type
    match: str


def E(func, error=ValueError, match="", **kwargs) -> ErrorInput:
    return ErrorInput(func, kwargs, error, match)


NUMBER = r"must be a number or an array of numbers"
FLAG = r"must be True or False, got .*flags cannot be swept"


def error_inputs_optimizers() -> list[ErrorInput]:
    common = []
    for f in (ol.sgd, ol.momentum, ol.adagrad, ol.rmsprop, ol.adam, ol.adamw, ol.adadelta,
              ol.adamax, ol.nadam, ol.yogi):
        common += [E(f, match=r"lr must be in \(0, inf\), got lr=-1", lr=-1),
                   E(f, match=rf"lr {NUMBER}, got lr=True", lr=True),
                   E(f, match=rf"lr {NUMBER}, got lr='0.1'", lr="0.1"),
                   E(f, match=rf"lr {NUMBER}", lr=1j),
                   E(f, lr=lambda t: 1 / 0, match=r"lr must be a number, an array of numbers "
                                                 r"or a schedule .* lr\(0\) raised "
                                                 r"ZeroDivisionError"),
                   E(f, lr=lambda t: -0.1 + 0 * t,
                     match=r"lr must return finite step sizes >= 0, got lr\(0\)=")]
    return common + [
        E(ol.adam, lr=ol.cosine([0.1, 0.2], T=10), beta1=[0.9, 0.99, 0.5],
          match=r"lr has shape \(2,\) and beta1 has shape \(3,\)"),
        E(ol.momentum, TypeError, lr=0.1, lr_in_buffer="yes", match=f"lr_in_buffer {FLAG}"),
        E(ol.rmsprop, TypeError, lr=0.1, lr_in_buffer=1, match=f"lr_in_buffer {FLAG}"),
        E(ol.adadelta, rho=1.5, match=r"rho must be in \[0, 1\], got rho=1.5"),
        E(ol.adadelta, eps=-1e-6, match=r"eps must be in \[0, inf\), got eps=-1e-06"),
        E(ol.adadelta, lr=[1.0, 0.5], rho=[0.9, 0.95, 0.99],
          match=r"lr has shape \(2,\) and rho has shape \(3,\)"),
        E(ol.adamax, lr=0.1, eps_placement="inside",
          match="eps_placement must be one of 'in_max', 'outside_max', got eps_placement='inside'"),
        E(ol.adamax, lr=0.1, beta2=1.5, match=r"beta2 must be in \[0, 1\], got beta2=1.5"),
        E(ol.adamax, lr=0.1, weight_decay=-1, match=r"weight_decay must be in \[0, inf\)"),
        E(ol.nadam, lr=0.1, momentum_decay=-1,
          match=r"momentum_decay must be in \[0, inf\], got momentum_decay=-1"),
        E(ol.nadam, lr=0.1, momentum_decay=np.nan, match=r"momentum_decay must be in \[0, inf\]"),
        E(ol.nadam, lr=0.1, beta1=1.0, match=r"beta1 must be in \[0, 1\), got beta1=1.0"),
        E(ol.nadam, TypeError, lr=0.1, decoupled_weight_decay="yes",
          match=f"decoupled_weight_decay {FLAG}"),
        E(ol.yogi, lr=0.1, initial_accumulator=-1,
          match=r"initial_accumulator must be in \[0, inf\), got initial_accumulator=-1"),
        E(ol.yogi, lr=0.1, initial_m=np.inf, match="initial_m must be finite, got initial_m=inf"),
        E(ol.yogi, lr=0.1, beta2=1.0, match=r"beta2 must be in \[0, 1\)"),
        E(ol.momentum, lr=0.1, beta=1.5, match=r"beta must be in \[0, 1\], got beta=1.5"),
        E(ol.momentum, lr=0.1, dampening=1.0, match=r"dampening must be in \[0, 1\)"),
        E(ol.momentum, lr=0.1, first_step="one",
          match="first_step must be one of 'zero', 'grad', got first_step='one'"),
        E(ol.momentum, TypeError, lr=0.1, nesterov="yes", match=f"nesterov {FLAG}"),
        E(ol.momentum, TypeError, lr=0.1, nesterov=np.array([True, False]),
          match=f"nesterov {FLAG}"),
        E(ol.momentum, lr=[0.1, 0.2], beta=[0.1, 0.2, 0.3],
          match=r"lr has shape \(2,\) and beta has shape \(3,\)"),
        E(ol.adagrad, lr=0.1, eps=-1, match=r"eps must be in \[0, inf\), got eps=-1"),
        E(ol.adagrad, lr=0.1, initial_accumulator=np.nan, match="initial_accumulator must be"),
        E(ol.adagrad, lr=0.1, eps_placement="hat", match="eps_placement must be one of"),
        E(ol.adagrad, lr=[0.1, 0.2], eps=[0.0, 0.1, 0.2],
          match=r"lr has shape \(2,\) and eps has shape \(3,\)"),
        E(ol.rmsprop, lr=0.1, gamma=1.5, match=r"gamma must be in \[0, 1\], got gamma=1.5"),
        E(ol.rmsprop, lr=0.1, momentum=1.0, match=r"momentum must be in \[0, 1\)"),
        E(ol.rmsprop, TypeError, lr=0.1, centered="no", match=f"centered {FLAG}"),
        E(ol.rmsprop, lr=0.1, eps_placement=["inside"], match="eps_placement must be one of"),
        E(ol.rmsprop, lr=[0.1, 0.2], gamma=[0.9, 0.99, 0.5],
          match=r"lr has shape \(2,\) and gamma has shape \(3,\)"),
        E(ol.adam, lr=0.1, beta1=1.0, match=r"beta1 must be in \[0, 1\), got beta1=1.0"),
        E(ol.adam, lr=0.1, beta2=-0.5, match=r"beta2 must be in \[0, 1\)"),
        E(ol.adam, lr=0.1, weight_decay=np.inf, match="weight_decay must be"),
        E(ol.adam, TypeError, lr=0.1, amsgrad="no", match=f"amsgrad {FLAG}"),
        E(ol.adam, TypeError, lr=0.1, bias_correction=1, match=f"bias_correction {FLAG}"),
        E(ol.adam, lr=0.1, amsgrad_max="max", match="amsgrad_max must be one of"),
        E(ol.adam, lr=0.1, eps_placement="hat", amsgrad=True, amsgrad_max="corrected",
          match="needs amsgrad_max='raw'"),
        E(ol.adam, lr=[0.1, 0.2], beta1=[0.9, 0.99, 0.5],
          match=r"lr has shape \(2,\) and beta1 has shape \(3,\)"),
        E(ol.adamw, lr=0.1, weight_decay=-1, match=r"weight_decay must be in \[0, inf\)"),
        E(ol.adamw, TypeError, lr=0.1, amsgrad=np.array(True), match=f"amsgrad {FLAG}"),
    ]


def error_inputs_schedules() -> list[ErrorInput]:
    S = schedules
    cos = S.cosine(0.1, T=10)
    return [
        E(S.constant, lr=0, match=r"lr must be in \(0, inf\), got lr=0"),
        E(S.constant, lr="0.1", match=rf"lr {NUMBER}, got lr='0.1'"),
        E(S.step_decay, lr=0.1, step_size=0, match=r"step_size must be in \(0, inf\), got "
                                                     r"step_size=0"),
        E(S.step_decay, lr=0.1, step_size=10, gamma=1.5,
          match=r"gamma must be in \(0, 1\], got gamma=1.5"),
        E(S.step_decay, lr=0.1, step_size=10, begin=-1, match=r"begin must be in \[0, inf\)"),
        E(S.step_decay, lr=[0.1, 0.2], step_size=[5, 10, 20],
          match=r"lr has shape \(2,\) and step_size has shape \(3,\)"),
        E(S.exponential, lr=0.1, gamma=0, match=r"gamma must be in \(0, 1\], got gamma=0"),
        E(S.exponential, lr=0.1, gamma=0.9, step_size="2", match=rf"step_size {NUMBER}"),
        E(S.inverse_sqrt, lr=0.1, offset=0, match=r"offset must be in \(0, inf\), got offset=0"),
        E(S.polynomial, lr=0.1, T=0, match=r"T must be in \(0, inf\), got T=0"),
        E(S.polynomial, lr=0.1, T=10, power=-1, match=r"power must be in \(0, inf\)"),
        E(S.polynomial, lr=0.1, T=10, end=-0.1, match=r"end must be in \[0, inf\), got end=-0.1"),
        E(S.cosine, lr=0.1, T=np.inf, match=r"T must be in \(0, inf\), got T=inf"),
        E(S.cosine, lr=0.1, T=10, final=-1, match=r"final must be in \[0, inf\)"),
        E(S.cosine, lr=0.1, T=10, after_T="cycle",
          match="after_T must be one of 'hold', 'periodic', got after_T='cycle'"),
        E(S.cosine, lr=[0.1, 0.2], T=[10, 20, 30],
          match=r"lr has shape \(2,\) and T has shape \(3,\)"),
        E(S.warmup, schedule=cos, steps=0, match=r"steps must be in \(0, inf\), got steps=0"),
        E(S.warmup, schedule=cos, steps=5, start=1.5, match=r"start must be in \[0, 1\]"),
        E(S.warmup, schedule="cos", steps=5, match=rf"schedule {NUMBER}, got schedule='cos'"),
        E(S.warmup, schedule=S.cosine([0.1, 0.2], T=10), steps=[1, 2, 3],
          match=r"schedule has shape \(2,\) and steps has shape \(3,\)"),
        E(S.one_cycle, lr=0.1, T=30, pct_start=1.0,
          match=r"pct_start must be in \(0, 1\), got pct_start=1.0"),
        E(S.one_cycle, lr=0.1, T=30, anneal="cosine", match="anneal must be one of 'cos', "
                                                           "'linear'"),
        E(S.one_cycle, lr=0.1, T=30, phase_ends="torch",
          match="phase_ends must be one of 'exact', 'minus_one'"),
        E(S.one_cycle, lr=0.1, T=3, phase_ends="minus_one",
          match=r"pct_start \* T must be more than 1 .* got pct_start=0.3 and T=3"),
        E(S.one_cycle, lr=0.1, T=2, match=r"pct_start \* T must be at least 1"),
        E(S.as_schedule, name="lr", value=lambda t: "fast",
          match=r"lr must be a number, an array of numbers or a schedule"),
        E(S.as_schedule, name="lr", value=lambda t: np.nan,
          match=r"lr must return finite step sizes >= 0, got lr\(0\)=array\(nan\)"),
        E(cos, t=-1, match=r"t must be in \[0, inf\), got t=-1"),
        E(cos, t="3", match=rf"t {NUMBER}, got t='3'"),
    ]


def error_inputs_step() -> list[ErrorInput]:
    opt = ol.adam(0.1)
    x = np.ones(2)

    def step(x, g):
        return opt.step(x, g, opt.init(x))

    return [E(step, x=x, g=np.ones(3), match=r"g must have the shape of x, got x of shape "
                                             r"\(2,\) and g of shape \(3,\)")]


def error_inputs_run() -> list[ErrorInput]:
    opt = ol.sgd(0.1)
    ok = {"optimizer": opt, "objective": BOWL, "x0": X0, "steps": 5}
    return [
        E(ol.run, TypeError, **{**ok, "optimizer": ol.sgd}, match="optimizer must be an optimlab"),
        E(ol.run, TypeError, **{**ok, "objective": "bowl"}, match="objective must be an optimlab"),
        E(ol.run, **{**ok, "x0": "ab"}, match=rf"x0 {NUMBER}, got x0='ab'"),
        E(ol.run, **{**ok, "x0": [1.0, 2.0, 3.0]}, match=r"x0 must have shape \(\.\.\., 2\)"),
        E(ol.run, **{**ok, "x0": [np.inf, 0.0]}, match="x0 must be finite"),
        E(ol.run, **{**ok, "steps": -1}, match=r"steps must be an integer >= 0, got steps=-1"),
        E(ol.run, **{**ok, "steps": 2.5}, match="steps must be an integer"),
        E(ol.run, **{**ok, "steps": 10**7}, match=r"steps must be at most 1000000.*GiB"),
        E(ol.run, **{**ok, "blowup": 0}, match=r"blowup must be in \(0, inf\), got blowup=0"),
        E(ol.run, **{**ok, "optimizer": ol.sgd([0.1, 0.2, 0.3]), "x0": np.ones((2, 2))},
          match=r"x0 has batch shape \(2,\)"),
    ]


def error_inputs_sweep() -> list[ErrorInput]:
    ok = {"factory": ol.rmsprop, "objective": BOWL, "x0": X0, "steps": 5}
    return [
        E(ol.sweep, **ok, lr=0.1, match="needs at least one hyperparameter given as a list"),
        E(ol.sweep, **ok, lr=[], match="lr must be a non-empty 1-D list"),
        E(ol.sweep, **ok, lr=np.array([[0.1, 0.2]]), match="lr must be a non-empty 1-D list"),
        E(ol.sweep, **ok, lr=[0.1, "x"], match="lr cannot be swept"),
        E(ol.sweep, **ok, lr=[0.1], centered=[True, False], match="centered cannot be swept"),
        E(ol.sweep, **ok, lr=[0.1], eps_placement=["inside", "outside"],
          match="eps_placement cannot be swept"),
        E(ol.sweep, **ok, lr=[0.1, -0.2], match=r"lr must be in \(0, inf\), got lr=-0.2"),
        E(ol.sweep, **{**ok, "x0": np.ones((2, 2))}, lr=[0.1], match="a single start point"),
        E(ol.sweep, TypeError, **{**ok, "factory": ol.sgd(0.1)}, lr=[0.1],
          match="factory must be an optimizer factory"),
    ]


def error_inputs_trajectory() -> list[ErrorInput]:
    def index(tr, i):
        return tr[i]

    return [E(index, tr=RUN, i=0, match=r"index=\(0,\) has 1 entries"),
            E(index, tr=SWEEP, i=(0, 0), match=r"index=\(0, 0\) has 2 entries"),
            E(index, tr=SWEEP, i=7, match=r"index=\(7,\) is out of range"),
            E(index, TypeError, tr=SWEEP, i="a", match="index must be integers or slices"),
            E(RUN.steps_to, tol=-1, match=r"tol must be in \(0, inf\)")]


def error_inputs_objectives() -> list[ErrorInput]:
    return [
        E(ol.quadratic, A=[[1, 2], [0, 1]], match="A must be a symmetric square matrix"),
        E(ol.quadratic, A=[[np.nan, 0], [0, 1]], match="A must be finite"),
        E(ol.quadratic, A="A", match=rf"A {NUMBER}"),
        E(ol.diagonal_bowl, a=np.nan, b=1.0, bounds=((-1, 1), (-1, 1)), match="a must be a single"),
        E(ol.diagonal_bowl, a=1.0, b="2", bounds=((-1, 1), (-1, 1)), match=rf"b {NUMBER}"),
        E(ol.rosenbrock, b=-1, match=r"b must be in \(0, inf\), got b=-1"),
        E(ol.rosenbrock, a=np.inf, match="a must be a single finite number"),
        E(ol.least_squares_1d, x=0, match="x must be a nonzero number"),
        E(ol.least_squares_1d, y=np.nan, match="y must be a single finite number"),
        E(ol.least_squares_1d, TypeError, half="yes", match=f"half {FLAG}"),
        E(ol.noisy, objective=BOWL, sigma=-1, match=r"sigma must be in \[0, inf\)"),
        E(ol.noisy, objective=BOWL, sigma=1.0, seed=1.5, match="seed must be an integer"),
        E(ol.noisy, TypeError, objective=None, sigma=1.0, match="objective must be an optimlab"),
        E(ol.reddi_online, C=2, match=r"C must be in \(2, inf\), got C=2"),
        E(ol.reddi_online, C="3", match="C must be a number"),
    ]


def error_inputs_conventions() -> list[ErrorInput]:
    p = conventions.preset
    return [
        E(p, library="jax", name="SGD", match="library must be one of"),
        E(p, library="torch", name="adam", match="name must be one of"),
        E(p, library="torch", name="Adam", betas=(0.9,), match=r"betas must be a pair"),
        E(p, library="torch", name="Adam", betas=0.9, match=r"betas must be a pair"),
        E(p, library="torch", name="Adam", rho=0.9, match="argument of torch Adam must be one of"),
        E(p, library="torch", name="SGD", momentum=0.0, nesterov=True,
          match="nesterov=True needs momentum > 0"),
        E(p, TypeError, library="keras", name="SGD", momentum=0.9, nesterov="yes",
          match=f"nesterov {FLAG}"),
        E(p, library="optax", name="sgd", learning_rate=0.1, momentum=2.0,
          match=r"momentum must be in \[0, 1\]"),
        E(p, library="optax", name="adadelta",
          match="learning_rate=None, optax.adadelta's default, climbs the gradient"),
        E(p, library="torch", name="NAdam", betas=(0.9,), match=r"betas must be a pair"),
        E(p, library="keras", name="Nadam", momentum_decay=0.004,
          match="argument of keras Nadam must be one of"),
        E(p, library="optax", name="yogi", learning_rate=0.1, eps=-1,
          match=r"eps must be in \[0, inf\)"),
    ]


def error_inputs_compare() -> list[ErrorInput]:
    ok = {"objective": BOWL, "x0": X0, "steps": 5}
    return [
        E(ol.race, contenders={"SGD": (ol.sgd, {})}, **ok, match=r"kwargs must give lr"),
        E(ol.race, contenders={"SGD": ol.sgd}, **ok, match=r"must be a pair \(factory, kwargs\)"),
        E(ol.race, contenders=CONTENDERS, **ok, scale=-1, match=r"scale must be in \(0, inf\)"),
        E(ol.race, contenders={"SGD": (ol.sgd, {"lr": {"x": 0.1}})}, **ok,
          match="lr has no entry for landscape"),
        E(ol.lr_sweeps, contenders=CONTENDERS, **ok, multipliers=2.0,
          match="multipliers must be a non-empty 1-D list"),
        E(ol.lr_sweeps, contenders=CONTENDERS, **ok, multipliers=[0.5, -1],
          match=r"multipliers must be in \(0, inf\)"),
        E(ol.comparison_panel, contenders=CONTENDERS, landscapes={}, steps=5,
          match="landscapes must be a non-empty mapping"),
        E(ol.comparison_panel, contenders=CONTENDERS, landscapes={"l": (LINE, [0.0])}, steps=5,
          match="objective must be 2-D"),
        E(ol.comparison_panel, contenders=CONTENDERS, landscapes={"b": (BOWL, X0)}, steps=5,
          scales=(0.5, 2.0), match="scales must include 1.0"),
        E(ol.comparison_panel, contenders=CONTENDERS, landscapes={"b": (BOWL, X0)}, steps=-5,
          match="steps must be an integer"),
    ]


def error_inputs_slider_panel() -> list[ErrorInput]:
    ok = {"factory": ol.rmsprop, "objective": BOWL, "x0": X0, "steps": 5}
    return [
        E(ol.slider_panel, **ok, lr=-1, match=r"lr must be in \[0.001, 10\]"),
        E(ol.slider_panel, **ok, lr=100.0, match=r"lr must be in \[0.001, 10\]"),
        E(ol.slider_panel, **ok, lr=0.1, mu=0.5, match="no slider is defined for mu=0.5"),
        E(ol.slider_panel, **ok, lr=[0.1, 0.2], match=r"lr=\[0.1, 0.2\]: a panel value"),
        E(ol.slider_panel, **ok, lr=0.1, eps_placement=(), match=r"eps_placement=\(\): a menu"),
        E(ol.slider_panel, **ok, lr=0.1, eps_placement=("inside", "x"),
          match="eps_placement must be one of"),
        E(ol.slider_panel, **ok, lr=0.1, centered=(False, True), match="centered=.*flags"),
        E(ol.slider_panel, **ok, lr=0.1, grids={"gamma": [0.9]}, match="grids names 'gamma'"),
        E(ol.slider_panel, **ok, lr=0.1, grids={"lr": []}, match=r"grids\['lr'\] must be"),
        E(ol.slider_panel, **{**ok, "objective": LINE, "x0": [0.0]}, lr=0.1,
          match="objective must be 2-D"),
        E(ol.slider_panel, **{**ok, "x0": [1.0]}, lr=0.1, match=r"x0 must have shape"),
        E(ol.slider_panel, **{**ok, "steps": 10**7}, lr=0.1, match="steps must be at most"),
        E(ol.slider_panel, TypeError, **{**ok, "factory": ol.sgd(0.1)}, lr=0.1,
          match="factory must be an optimizer factory"),
    ]


def error_inputs_analysis() -> list[ErrorInput]:
    a = analysis
    A = np.diag([1.0, 2.0])
    return [
        E(a.gd_rate, lr=-1, eigenvalues=[1.0], match=r"lr must be in \(0, inf\)"),
        E(a.gd_rate, lr=0.1, eigenvalues=[np.nan], match="eigenvalues must be finite"),
        E(a.gd_optimal, lmin=0, lmax=1, match=r"lmin must be in \(0, inf\)"),
        E(a.gd_optimal, lmin=2, lmax=1, match="lmax must be >= lmin"),
        E(a.heavy_ball_matrix, lr=0.1, beta=2, lam=1.0, match=r"beta must be in \[0, 1\]"),
        E(a.heavy_ball_roots, lr=0.1, beta=0.5, lam="1", match=rf"lam {NUMBER}"),
        E(a.heavy_ball_rate, lr=-1, beta=0.5, eigenvalues=[1.0], match="lr must be in"),
        E(a.heavy_ball_rate, lr=[0.1, 0.2], beta=[0.1, 0.2, 0.3], eigenvalues=[1.0],
          match=r"lr has shape \(2,\) and beta has shape \(3,\)"),
        E(a.heavy_ball_optimal, lmin=-1, lmax=1, match="lmin must be in"),
        E(a.hessian, TypeError, objective="bowl", match="objective must be an optimlab"),
        E(a.hessian, objective=ol.rosenbrock(), match="objective must be a quadratic"),
        E(a.gd_iterates, lr=0.1, A=A, x0=[1.0], steps=5, match=r"x0 must have shape"),
        E(a.heavy_ball_iterates, lr=1.0, beta=1.0, A=A, x0=[[0.1, 0.2]], steps=0,
          match=r"x0 must be one start point of shape \(2,\), got shape \(1, 2\)"),
        E(a.gd_iterates, lr=0.1, A=A, x0=[1.0, 1.0], steps=10**7, match="steps must be at most"),
        E(a.heavy_ball_iterates, lr=0.1, beta=1.5, A=A, x0=[1.0, 1.0], steps=5,
          match="beta must be in"),
        E(a.nesterov_matrix, lr=0.1, beta=np.nan, lam=1.0, match="beta must be in"),
        E(a.nesterov_rate, lr=0.1, beta=np.nan, eigenvalues=[1.0], match="beta must be in"),
        E(a.nesterov_iterates, lr=0.1, beta=0.5, A=[[1.0, 2.0]], x0=[1.0], steps=3,
          match="A must be a symmetric square matrix"),
        E(a.critical_beta, lr=1, lam=4, match=r"lr \* lam must be in \(0, 4\)"),
        E(a.heavy_ball_noise_floor, lr=0.1, beta=1.0, eigenvalues=[1.0], sigma=1.0,
          match=r"beta must be in \[0, 1\)"),
        E(a.heavy_ball_noise_floor, lr=0.1, beta=0.5, eigenvalues=[1.0], sigma=-1,
          match="sigma must be in"),
        E(a.steps_needed, rate=1, match=r"rate must be in \(0, 1\)"),
        E(a.steps_needed, rate=0.5, reduction=2, match="reduction must be in"),
        E(a.nesterov_optimal, lmin=1, lmax=0.5, match="lmax must be >= lmin"),
        E(a.heavy_ball_lr_limit, beta=1.5, lmax=1.0, match=r"beta must be in \[0, 1\]"),
        E(a.heavy_ball_lr_limit, beta=0.5, lmax=0, match=r"lmax must be in \(0, inf\)"),
        E(a.l2_minimizer, a=[1.0, -1.0], center=[0.0, 1.0], weight_decay=0.1,
          match=r"a must be in \(0, inf\)"),
        E(a.l2_minimizer, a=[1.0, 2.0], center=[0.0, 1.0], weight_decay=-1,
          match=r"weight_decay must be in \[0, inf\)"),
        E(a.running_mean, values=[1.0, 2.0], window=3, match="window must be between 1 and 2"),
        E(a.measured_rate, TypeError, tr="run", match="tr must be an optimlab Trajectory"),
        E(a.measured_rate, tr=RUN, start=9, match=r"start must be in \[0, 4\]"),
        E(a.measured_rate, tr=ol.run(ol.sgd(0.1), ol.saddle(), [1.0, 0.1], 3),
          match="needs an objective with a minimiser"),
        E(a.tune, results={"a": SWEEP}, tol="x", match="tol must be a positive number"),
        E(a.tune, results={}, tol=1e-3, match="tune needs at least one sweep"),
        E(a.tune, TypeError, results=[SWEEP], tol=1e-3, match="results must be a mapping"),
        E(a.steps_grid, results={"a": TWO}, tol=1e-3,
          match="steps_grid needs one-axis sweeps over lr"),
        E(a.steps_grid, results={"a": SWEEP}, tol=1e-3, multipliers=[-1.0, 1.0],
          match="multipliers must be positive numbers"),
    ]


def error_inputs_plots() -> list[ErrorInput]:
    p = plots
    sweeps = ol.lr_sweeps(CONTENDERS, BOWL, X0, 5, [0.5, 1.0])
    return [
        E(p.contour_paths, objective=LINE, paths=ol.run(ol.sgd(0.1), LINE, [0.0], 3),
          match="objective must be 2-D"),
        E(p.contour_paths, objective=BOWL, paths=SWEEP, match="must be a single run"),
        E(p.two_d, objective=LINE, match="objective must be 2-D"),
        E(p.two_d, TypeError, objective="bowl", match="objective must be"),
        E(p.contour_paths, TypeError, objective=BOWL, paths="run", match="paths must be"),
        E(p.contour_paths, objective=BOWL, paths=[], match="paths must hold at least one run"),
        E(p.side_by_side, panels=[(BOWL, SWEEP, "t")], match="must be a single run"),
        E(p.loss_curves, paths=SWEEP, match="must be a single run"),
        E(p.loss_curves, TypeError, paths={"a": 1}, match=r"paths\['a'\] must be an optimlab"),
        E(p.rate_curve, lr=[0.1, 0.2], rate=[0.5], match="lr and rate must be 1-D"),
        E(p.level_curves, curves={}, match="curves must be a non-empty mapping"),
        E(p.level_curves, curves={"a": [[1.0]]}, match=r"curves\['a'\] must be a non-empty 1-D"),
        E(p.ema_weights, gammas=[1.5], match=r"gammas must be in \[0, 1\]"),
        E(p.ema_weights, gammas=[0.9], steps=0, match="steps must be an integer >= 1"),
        E(p.effective_step, tr=RUN, match="optimizer must be one of 'Adagrad'"),
        E(p.effective_step, TypeError, tr=None, match="tr must be an optimlab Trajectory"),
        E(p.sweep_heatmap, tr=SWEEP, match="needs a sweep over 2 hyperparameters"),
        E(p.sweep_heatmap, tr=TWO, metric="best", match="metric must be one of"),
        E(p.sweep_heatmap, tr=TWO, metric="steps_to", tol=0, match=r"tol must be in \(0, inf\)"),
        E(p.steps_heatmap, results=sweeps, tol="x", match="tol must be a positive number"),
        E(p.steps_heatmap, results={}, tol=1e-3, match="empty mapping"),
        E(p.steps_heatmap, TypeError, results=[SWEEP], tol=1e-3, match="results must be a mapping"),
        E(p.steps_heatmap, results={"a": TWO}, tol=1e-3, match="one-axis sweeps over lr"),
        E(p.iterates, paths=RUN, coord=5, match=r"coord must be an integer <= 1, got coord=5"),
        E(p.iterates, paths=SWEEP, match="must be a single run"),
    ]


def error_inputs_training() -> list[ErrorInput]:
    t = training
    ok = {"optimizer": ol.sgd(0.1), "model": MODEL, "data": DATA, "epochs": 2, "batch_size": 10}
    return [
        E(t.load, name="mnist", match="name must be one of"),
        E(t.load, name="breast_cancer", test_fraction=0.999,
          match="test_fraction must leave at least 2"),
        E(t.load, name="breast_cancer", test_fraction=0.0,
          match=r"test_fraction must be in \(0, 1\)"),
        E(t.load, TypeError, name="breast_cancer", standardize="no", match=f"standardize {FLAG}"),
        E(t.train, **{**ok, "optimizer": ol.sgd}, match="optimizer must be an optimlab"),
        E(t.train, **{**ok, "epochs": 0}, match="epochs must be an integer >= 1"),
        E(t.train, **{**ok, "epochs": 10**9}, match="epochs must be an integer <= 1000000"),
        E(t.train, **{**ok, "batch_size": 0}, match=r"batch_size must be an integer in \[1, "),
        E(t.train, **{**ok, "w0": [1.0]}, match="w0 must be finite with shape"),
    ]


def error_inputs_glue() -> list[ErrorInput]:
    return [E(ol.glue, TypeError, name=name, value=1.0,
              match="name must be a string that is a Python identifier")
            for name in (3, "", None, "two words", "1st")]


ERROR_INPUTS: dict[str, list[ErrorInput]] = {
    "optimizers": error_inputs_optimizers(), "schedules": error_inputs_schedules(),
    "step": error_inputs_step(),
    "run": error_inputs_run(), "sweep": error_inputs_sweep(),
    "trajectory": error_inputs_trajectory(), "objectives": error_inputs_objectives(),
    "conventions": error_inputs_conventions(), "compare": error_inputs_compare(),
    "slider_panel": error_inputs_slider_panel(), "analysis": error_inputs_analysis(),
    "plots": error_inputs_plots(), "training": error_inputs_training(),
    "glue": error_inputs_glue(),
}
CASES = [(f"{group}-{i}-{getattr(e.func, '__name__', 'call')}", e)
         for group, inputs in ERROR_INPUTS.items() for i, e in enumerate(inputs)]


@pytest.mark.parametrize("case", [e for _, e in CASES], ids=[name for name, _ in CASES])
def test_error_input(case: ErrorInput):
    with pytest.raises(case.error, match=case.match):
        case.func(**case.kwargs)


def _public(module) -> set[str]:
    return {name for name, f in vars(module).items()
            if inspect.isfunction(f) and not name.startswith("_")
            and f.__module__ == module.__name__}


def test_every_public_function_has_error_inputs():
    covered = {getattr(e.func, "__name__", None) for e in (c for _, c in CASES)}
    public = ({n for n in ol.__all__ if inspect.isfunction(getattr(ol, n))}
              | _public(analysis) | _public(plots) | _public(schedules)
              | {"load", "train", "preset"})
    drawing_helpers = {"axis_scale_ratio", "compact_png", "new_figure", "draw_contour", "draw_path",
                       "contour_levels", "seed000_bowl", "seed004_bowl", "rotated_bowl",
                       "saddle", "beale", "curves_panel"}
    missing = sorted(public - covered - drawing_helpers)
    assert not missing, f"no error inputs for {missing}"
