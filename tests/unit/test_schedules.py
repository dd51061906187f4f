"""Learning-rate schedules: their equations, the step count they see, sweeps over them,
labels, and the four optimizers added beside them (Adadelta, Adamax, NAdam, Yogi).

The libraries' own numbers are in test_parity.py; this file checks the definitions.
"""

import math
import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab import schedules as S
from optimlab.optimizers import effective_step

BOWL = ol.seed000_bowl()
X0 = [-10.0, 1.5]
T = np.arange(40)


# ------------------------------------------------------------------ the equations


def test_each_schedule_follows_its_equation():
    # loops of Python floats against the vectorised code: a rounding or two apart
    def close(schedule, values):
        np.testing.assert_allclose(schedule(T), values, rtol=1e-14, atol=1e-17)

    close(S.constant(0.1), [0.1] * 40)
    close(S.step_decay(0.1, 10, 0.5), [0.1 * 0.5 ** (t // 10) for t in T])
    close(S.step_decay(0.1, 10, 0.5, begin=1), [0.1 * 0.5 ** (max(t - 1, 0) // 10) for t in T])
    close(S.exponential(0.1, 0.9), [0.1 * 0.9**t for t in T])
    close(S.exponential(0.1, 0.5, step_size=4, begin=3),
          [0.1 * 0.5 ** (max(t - 3, 0) / 4) for t in T])
    close(S.inverse_sqrt(0.1), [0.1 / math.sqrt(t + 1) for t in T])
    close(S.inverse_sqrt(0.1, offset=4), [0.1 * math.sqrt(4 / (t + 4)) for t in T])
    close(S.polynomial(0.1, 20, power=2, end=0.01),
          [0.09 * (1 - min(t, 20) / 20) ** 2 + 0.01 for t in T])
    close(S.cosine(0.1, 20, 0.01),
          [0.01 + 0.045 * (1 + math.cos(math.pi * min(t, 20) / 20)) for t in T])
    close(S.cosine(0.1, 20, 0.01, after_T="periodic"),
          [0.01 + 0.045 * (1 + math.cos(math.pi * t / 20)) for t in T])


def test_warmup_ramps_to_the_schedule_then_runs_it_from_its_step_zero():
    inner = S.cosine(0.2, 10)
    w = S.warmup(inner, 5, start=0.1)
    ramp = [0.2 * (0.1 + 0.9 * t / 5) for t in range(5)]
    np.testing.assert_allclose(w(np.arange(5)), ramp, rtol=1e-14)
    np.testing.assert_allclose(w(np.arange(5, 40)), inner(np.arange(35)), rtol=1e-14)
    assert float(S.warmup(inner, 5)(0)) == 0.0  # from 0, which PyTorch's LinearLR refuses
    np.testing.assert_array_equal(S.warmup(0.3, 4)(np.arange(4, 9)), 0.3)  # a number: constant


@pytest.mark.parametrize("phase_ends, peak, end", [("exact", 9, 30), ("minus_one", 8, 29)])
def test_one_cycle_phases(phase_ends, peak, end):
    s = S.one_cycle(0.1, 30, phase_ends=phase_ends)
    values = s(np.arange(35))
    assert values[0] == pytest.approx(0.1 / 25, rel=1e-14)
    assert int(np.argmax(values)) == peak and values[peak] == pytest.approx(0.1, rel=1e-14)
    assert values[end] == pytest.approx(0.1 / 25 / 1e4, rel=1e-9)
    np.testing.assert_array_equal(values[end:], values[end])  # held after the cycle
    assert (np.diff(values[:peak + 1]) > 0).all() and (np.diff(values[peak:end + 1]) < 0).all()
    linear = S.one_cycle(0.1, 30, anneal="linear", phase_ends=phase_ends)(np.arange(peak + 1))
    np.testing.assert_allclose(np.diff(linear), (0.1 - 0.004) / peak, rtol=1e-9)


def test_a_schedule_refuses_a_negative_step_but_takes_floats():
    s = S.cosine(0.1, 10)
    assert float(s(2.5)) == pytest.approx(0.05 * (1 + math.cos(math.pi / 4)), rel=1e-14)
    with pytest.raises(ValueError, match=r"t must be in \[0, inf\)"):
        s(-1)


# -------------------------------------------------------- the step count, in a run


def test_step_t_uses_eta_t_from_zero():
    """x₁ = x₀ − η₀ g₀: the first step uses the schedule's value at t = 0."""
    s = S.exponential(0.1, 0.5)
    tr = ol.run(ol.sgd(s), BOWL, X0, 6)
    x = np.array(X0)
    for t in range(6):
        x = x - 0.1 * 0.5**t * BOWL.grad(x)
        np.testing.assert_allclose(tr.x[t + 1], x, rtol=1e-14, atol=1e-300)


def test_a_constant_schedule_is_the_number_bit_for_bit():
    for make in (ol.sgd, ol.adagrad, ol.rmsprop, ol.adam, ol.adadelta, ol.adamax, ol.nadam,
                 ol.yogi):
        a = ol.run(make(0.1), BOWL, X0, 20).x
        b = ol.run(make(S.constant(0.1)), BOWL, X0, 20).x
        np.testing.assert_array_equal(a, b)  # the same float64 operations


def test_any_function_of_t_is_a_schedule():
    tr = ol.run(ol.sgd(lambda t: 0.1 / (1 + t)), BOWL, X0, 6)
    x = np.array(X0)
    for t in range(6):
        x = x - 0.1 / (1 + t) * BOWL.grad(x)
        np.testing.assert_allclose(tr.x[t + 1], x, rtol=1e-14, atol=1e-300)


# ----------------------------------------------------------------------- sweeps


def test_sweep_over_lr_through_a_schedule_factory():
    tr = ol.sweep(lambda lr: ol.adam(ol.cosine(lr, T=100)), BOWL, X0, 60, lr=[0.01, 0.1, 0.3])
    assert tr.x.shape == (61, 3, 2) and list(tr.grid) == ["lr"]
    for i, lr in enumerate([0.01, 0.1, 0.3]):
        one = ol.run(ol.adam(ol.cosine(lr, T=100)), BOWL, X0, 60)
        # a batch against a single run: other kernels, equal up to rounding
        np.testing.assert_allclose(tr[i].x, one.x, rtol=1e-12, atol=1e-14)


def test_sweep_over_a_schedule_parameter_and_an_optimizer_one():
    tr = ol.sweep(lambda T, beta: ol.momentum(ol.warmup(ol.cosine(0.05, T=T), 3), beta),
                  BOWL, X0, 40, T=[10, 30], beta=[0.0, 0.9])
    assert tr.x.shape == (41, 2, 2, 2)
    one = ol.run(ol.momentum(ol.warmup(ol.cosine(0.05, T=30), 3), 0.9), BOWL, X0, 40)
    np.testing.assert_allclose(tr[1, 1].x, one.x, rtol=1e-12, atol=1e-14)
    assert np.abs(tr[0, 1].x - tr[1, 1].x).max() > 1e-3


def test_array_parameters_broadcast_with_the_other_hyperparameters():
    opt = ol.rmsprop(ol.cosine(np.array([[0.1], [0.2]]), T=[10, 20, 30]), gamma=[0.9, 0.99, 0.5])
    assert opt.batch_shape == (2, 3)
    with pytest.raises(ValueError, match=r"lr has shape \(2, 3\) and gamma has shape \(2,\)"):
        ol.rmsprop(ol.cosine(np.array([[0.1], [0.2]]), T=[10, 20, 30]), gamma=[0.9, 0.99])


# ------------------------------------------------------------------------ labels


def test_labels_name_the_schedule():
    assert ol.adam(ol.cosine(0.1, T=100)).label().startswith("Adam(η=cosine(0.1, T=100), β₁=")
    assert S.warmup(S.cosine(0.1, 50, final=0.001), 5, start=0.1).label() == \
        "warmup(cosine(0.1, T=50, final=0.001), steps=5, start=0.1)"
    assert S.one_cycle(0.1, 30, phase_ends="minus_one").label() == \
        "one_cycle(0.1, T=30, phase_ends=minus_one)"
    assert S.cosine([0.1, 0.2], 10).label() == "cosine([2 values], T=10)"
    assert ol.sgd(lambda t: 0.1).label() == "SGD(η=<lambda>())"


def test_a_schedule_and_its_optimizer_rebuild_from_their_parameters():
    s = S.step_decay(0.1, 10, 0.5, begin=2)
    again = s.factory(**s.params)
    np.testing.assert_array_equal(again(T), s(T))
    assert again.label() == s.label() == "step_decay(0.1, step_size=10, gamma=0.5, begin=2)"
    opt = ol.momentum(s, 0.9, lr_in_buffer=True)
    rebuilt = ol.momentum(**opt.hyperparams)
    assert rebuilt.label() == opt.label()
    np.testing.assert_array_equal(ol.run(rebuilt, BOWL, X0, 20).x, ol.run(opt, BOWL, X0, 20).x)


def test_effective_step_uses_the_rate_of_each_step():
    s = S.cosine(0.1, 20)
    tr = ol.run(ol.rmsprop(s, 0.9), BOWL, X0, 20)
    const = ol.run(ol.rmsprop(0.1, 0.9), BOWL, X0, 20)  # another path, so compare formulas
    a = effective_step(tr.optimizer, tr.states)
    den = np.sqrt(tr.states.s[1:] + 1e-8)
    np.testing.assert_allclose(a, s(np.arange(20))[:, None] / den, rtol=1e-14)
    assert effective_step(const.optimizer, const.states).shape == a.shape


def test_a_training_history_labels_its_schedule():
    from optimlab import training
    data = training.load("diabetes")
    model = training.linear_regression(data.n_features)
    hist = training.train(ol.sgd(ol.step_decay(0.05, 20, 0.5)), model, data, epochs=2,
                          batch_size=64)
    assert "η=step_decay(0.05, step_size=20, gamma=0.5)" in hist.label()
    assert hist.train_loss[-1] < hist.train_loss[0]


# ------------------------------------------------- Adadelta, Adamax, NAdam, Yogi


def test_adadelta_is_zeilers_update():
    tr = ol.run(ol.adadelta(1.0, 0.95, 1e-6), BOWL, X0, 15)
    x, s, d = np.array(X0), np.zeros(2), np.zeros(2)
    for t in range(15):
        g = BOWL.grad(x)
        s = 0.95 * s + 0.05 * g * g
        delta = np.sqrt(d + 1e-6) / np.sqrt(s + 1e-6) * g
        d = 0.95 * d + 0.05 * delta * delta
        x = x - delta
        np.testing.assert_allclose(tr.x[t + 1], x, rtol=1e-13)


def test_adamax_places_eps_in_or_after_the_max():
    g = np.array([2.0, -3.0])
    for placement, first in [("in_max", 0.1 * g / (np.abs(g) + 0.5)),
                             ("outside_max", 0.1 * g / (np.abs(g) + 0.5))]:
        opt = ol.adamax(0.1, eps=0.5, eps_placement=placement)
        x1, state = opt.step(np.zeros(2), g, opt.init(np.zeros(2)))
        # step 1: m̂ = g and u = |g| (+ ε): the same first step either way
        np.testing.assert_allclose(-x1, first, rtol=1e-14)
    a = ol.run(ol.adamax(0.1, eps=0.5), BOWL, X0, 30).x
    b = ol.run(ol.adamax(0.1, eps=0.5, eps_placement="outside_max"), BOWL, X0, 30).x
    assert np.abs(a - b).max() > 1e-3  # later the decayed maximum beats |g| + ε, or not


def test_nadam_momentum_schedule_limits():
    g, x = np.array([2.0, -3.0]), np.zeros(2)
    # ψ = ∞: optax's form, μ = β₁ at every step
    opt = ol.nadam(0.1, 0.9, 0.999, 0.0, momentum_decay=np.inf)
    x1, _ = opt.step(x, g, opt.init(x))
    m, s_hat = 0.1 * g, g * g
    m_bar = 0.9 * m / (1 - 0.9**2) + 0.1 * g / (1 - 0.9)
    np.testing.assert_allclose(x1, -0.1 * m_bar / np.sqrt(s_hat), rtol=1e-14)
    # ψ = 0: μ = β₁/2 at every step
    opt = ol.nadam(0.1, 0.9, 0.999, 0.0, momentum_decay=0.0)
    x1, state = opt.step(x, g, opt.init(x))
    np.testing.assert_allclose(state.mu_prod, 0.45)
    m_bar = 0.45 * m / (1 - 0.45**2) + 0.55 * g / (1 - 0.45)
    np.testing.assert_allclose(x1, -0.1 * m_bar / np.sqrt(s_hat), rtol=1e-14)


def test_yogi_moves_its_second_moment_by_at_most_one_minus_beta2_g_squared():
    opt = ol.yogi(0.1, beta2=0.9, initial_accumulator=0.0)
    x, state = np.zeros(1), opt.init(np.zeros(1))
    for g in (3.0, 0.1, 0.1, 5.0, 0.0):
        s_before = state.s.copy()
        x, state = opt.step(x, np.array([g]), state)
        step = state.s - s_before
        assert abs(step[0]) <= 0.1 * g * g + 1e-15 and state.s[0] >= 0
        # towards g² (Adam's EMA would move by (1-β₂)|g² - s|); g = 0 leaves s alone
        assert np.sign(step[0]) == (np.sign(g * g - s_before[0]) if g else 0.0)


def test_yogi_initial_moments():
    a = ol.yogi(0.1, initial_accumulator=1e-6, initial_m=1e-6).init(np.zeros(2))
    np.testing.assert_array_equal(a.m, 1e-6)
    np.testing.assert_array_equal(a.s, 1e-6)
    assert ol.yogi(0.1).label() == "Yogi(η=0.1, β₁=0.9, β₂=0.999, ε=0.001, s₀=1e-06)"


@pytest.mark.parametrize("opt", [
    ol.adadelta(1.0), ol.adadelta(1.0, weight_decay=0.1), ol.adamax(0.1),
    ol.adamax(0.1, eps_placement="outside_max", eps=0.1), ol.nadam(0.1),
    ol.nadam(0.1, momentum_decay=1.0), ol.yogi(0.1), ol.yogi(0.5, eps=1e-6),
    ol.nadam(ol.cosine(0.1, 10)), ol.adadelta(S.warmup(1.0, 5)),
], ids=lambda o: o.label())
def test_effective_step_times_the_direction_is_the_step(opt):
    tr = ol.run(opt, BOWL, X0, 30)
    a = effective_step(opt, tr.states)
    hp, t = opt.hyperparams, np.arange(1, 31)[:, None]
    g = BOWL.grad(tr.x[:-1])
    if opt.name == "Adadelta":
        direction = g + float(hp["weight_decay"]) * tr.x[:-1]
    elif opt.name == "NAdam":
        b1, psi = float(hp["beta1"]), float(hp["momentum_decay"])
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod = tr.states.mu_prod[1:]
        direction = (mu_next / (1 - prod * mu_next) * tr.states.m[1:]
                     + (1 - mu) / (1 - prod) * g)
    else:  # Adamax, Yogi: m̂
        direction = tr.states.m[1:] / (1 - float(hp["beta1"]) ** t)
    # two code paths for the same formula: a few roundings per step
    np.testing.assert_allclose(tr.x[1:] - tr.x[:-1], -a * direction, rtol=1e-9, atol=1e-15)
    drawn = ol.plots.effective_step(tr).axes[0].lines[0].get_ydata()
    np.testing.assert_allclose(drawn, a[:, 0], rtol=1e-12)


@pytest.mark.parametrize("opt", [
    ol.adadelta(1.0, eps=0.0), ol.adamax(0.1, eps=0.0),
    ol.adamax(0.1, eps=0.0, eps_placement="outside_max"), ol.nadam(0.1, eps=0.0),
    ol.yogi(0.1, eps=0.0, initial_accumulator=0.0),
], ids=lambda o: o.label())
def test_eps_zero_with_a_zero_gradient_does_not_warn(opt):
    x = np.array([1.0, -2.0])
    state = opt.init(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            new, state = opt.step(x, np.zeros(2), state)
            np.testing.assert_array_equal(new, x)
