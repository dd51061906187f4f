"""The page engine's learning-rate schedules (``assets/engine/schedules.js``) compute
optimlab's (:mod:`optimlab.schedules`): every schedule's rates, anywhere in its
parameters' ranges, to ``numerics.RTOL``; every optimizer under any schedule; and the
page's description of an optimizer names the optimizer it stands for. The engine process
and the settings are those of ``test_engine_parity.py``.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.engine import describe_objective, describe_optimizer

from numerics import assert_close
from test_engine_parity import (EXAMPLES, LR, OPTIMIZERS, adadelta, adagrad, adam,  # noqa: F401
                                adamax, assert_same_run, engine, landscape, log_uniform,
                                momentum, nadam, rmsprop, uniform, yogi)

STEPS = st.one_of(st.sampled_from([1.0, 2.0, 10.0, 100.0]), st.floats(1.0, 200.0))


@st.composite
def schedule(draw, depth=0):
    """Any of optimlab's schedules, parameters anywhere in their ranges (a warm-up wraps
    another schedule, or a number)."""
    from optimlab import schedules as S

    lr, kind = draw(LR), draw(st.sampled_from(S.__all__[2:] + ["constant"]))
    begin = draw(st.one_of(st.just(0.0), st.floats(0.0, 50.0)))
    if kind == "constant":
        return S.constant(lr)
    if kind == "step_decay":
        return S.step_decay(lr, draw(STEPS), draw(uniform(0.01, 1.0, 0.1, 0.5)), begin=begin)
    if kind == "exponential":
        return S.exponential(lr, draw(uniform(0.01, 1.0, 0.9, 0.99)), step_size=draw(STEPS),
                             begin=begin)
    if kind == "inverse_sqrt":
        return S.inverse_sqrt(lr, draw(STEPS))
    if kind == "polynomial":
        return S.polynomial(lr, draw(STEPS), draw(uniform(0.1, 4.0, 1.0, 2.0)),
                            draw(st.one_of(st.just(0.0), log_uniform(1e-6, 1e-2))), begin=begin)
    if kind == "cosine":
        return S.cosine(lr, draw(STEPS), draw(st.one_of(st.just(0.0), log_uniform(1e-6, 1e-2))),
                        after_T=draw(st.sampled_from(S.AFTER_T)))
    if kind == "warmup":
        inner = draw(schedule(depth + 1)) if depth == 0 and draw(st.booleans()) else lr
        return S.warmup(inner, draw(STEPS), draw(uniform(0.0, 1.0, 0.1)))
    T = draw(STEPS)
    ends = draw(st.sampled_from(S.PHASE_ENDS))
    low = (1.0 if ends == "exact" else 2.0) / T  # pct_start * T must leave a rise
    pct = draw(st.floats(min(low * 1.01, 0.99), 0.99)) if low < 0.98 else 0.99
    if (np.floor(pct * T) if ends == "exact" else pct * T - 1.0) <= 0:
        ends, T, pct = "exact", 100.0, 0.3
    return S.one_cycle(lr, T, pct, draw(uniform(1.0, 100.0, 25.0)),
                       draw(log_uniform(1.0, 1e4)), anneal=draw(st.sampled_from(S.ANNEAL)),
                       phase_ends=ends)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lr=schedule(), steps=st.integers(0, 400))
def test_the_engine_computes_every_schedule(engine, lr, steps):  # noqa: F811 (the fixture)
    """ηₜ for t = 0 .. steps − 1, as optimlab's schedule gives it; cos and the powers come
    from two maths libraries (V8's, the C library's), which may round differently in the
    last bit: relative RTOL."""
    from optimlab.engine import describe_schedule

    rates = engine.rates(describe_schedule(lr), steps)
    assert_close(np.array(rates, dtype=float), lr(np.arange(steps, dtype=float)),
                 err_msg=lr.label())


SCHEDULED = {"sgd": schedule().map(ol.sgd), "momentum": momentum(lr=schedule()),
             "adagrad": adagrad(lr=schedule()), "rmsprop": rmsprop(lr=schedule()),
             "adam": adam(lr=schedule()), "adamw": adam(decoupled=True, lr=schedule()),
             "adadelta": adadelta(lr=schedule()), "adamax": adamax(lr=schedule()),
             "nadam": nadam(lr=schedule()), "yogi": yogi(lr=schedule())}


def _replayed(opt, rates: np.ndarray):
    """``opt`` with its schedule replaced by the rates ``rates[t]`` (a function of t),
    built again by its own factory from its other hyperparameters."""
    from optimlab.engine import OPTIMIZERS as FACTORY

    hp = {k: v for k, v in opt.hyperparams.items() if k != "lr"}
    return getattr(ol.optimizers, FACTORY[opt.name])(lambda t: rates[np.asarray(t, dtype=int)],
                                                     **hp)


@pytest.mark.parametrize("name", sorted(SCHEDULED))
@settings(max_examples=EXAMPLES // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_engine_runs_every_optimizer_on_a_schedule(engine, name, data):  # noqa: F811
    """Every optimizer with any schedule for lr, read at the step's starting count.

    The rates themselves are the test above's (to RTOL: a cosine or a power may differ
    from numpy's in the last bit, and the C library's and numpy's own kernels differ
    between CPUs). A run can amplify a last-bit difference of its rates without bound
    (an expanding run on Beale under another CPU's cosine was 5e-12 off after 55 steps),
    so the optimizer is checked on the engine's own rates: optimlab's run driven by the
    rates the engine used matches the engine's run to RTOL, as every unscheduled run."""
    from optimlab.engine import describe_schedule

    opt = data.draw(SCHEDULED[name], label="optimizer")
    obj, x0 = data.draw(landscape(), label="landscape, x0")
    steps = data.draw(st.integers(0, 120), label="steps")
    rates = np.array(engine.rates(describe_schedule(opt.hyperparams["lr"]), max(steps, 1)))
    tr = ol.run(_replayed(opt, rates), obj, x0, steps)
    js = engine.run(describe_optimizer(opt), describe_objective(obj, steps), x0, steps, 1e4)
    assert_same_run(js, tr, f"({opt.label()} on {obj.name} from {list(x0)}, {steps} steps)")


@pytest.mark.parametrize("name", sorted(SCHEDULED))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_description_rebuilds_its_optimizer(name, data):
    """``optimizer_from`` inverts ``describe_optimizer``: the page's own description of
    a run (a chapter's lambda panel) names the optimizer the tests check it against."""
    from optimlab.engine import optimizer_from

    for strategy in (OPTIMIZERS[name], SCHEDULED[name]):
        described = describe_optimizer(data.draw(strategy))
        assert describe_optimizer(optimizer_from(described)) == described
