"""The claims of the Adam chapter (book/adam.md) that are properties of optimlab.

Each test names the equation, proposition or paragraph it guards, so that a change to
optimlab that breaks a statement of the chapter fails here, not silently in the prose.
Indexing follows the chapter (Kingma & Ba): ``tr.x[t]`` is x_t and ``tr.states.m[t]`` is m_t.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from numerics import assert_close
from optimlab.conventions import preset
from optimlab.objectives import reddi_online

X0_000 = np.array([-10.0, 1.5])
X0_004 = np.array([-5.0, -2.0])


def _constant_gradient_steps(opt, g, T):
    x, state, steps = np.zeros_like(g), opt.init(np.zeros_like(g)), []
    for _ in range(T):
        x_new, state = opt.step(x, g, state)
        steps.append(x_new - x)
        x = x_new
    return np.array(steps)


def _state_at(tr, t):
    """The optimizer state recorded before step t + 1 (after t steps)."""
    return type(tr.states)(*(None if f is None else f[t] for f in tr.states))


# ------------------------------------------------------------- the update (adam-m .. adam-update)


def test_update_matches_the_equations():
    """(adam-m), (adam-s), (adam-hat), (adam-update) over a run, from the recorded states."""
    b1, b2, eta, eps = 0.9, 0.999, 0.5, 1e-8
    bowl = ol.seed000_bowl()
    tr = ol.run(ol.adam(eta, b1, b2, eps), bowl, X0_000, 30)
    m = s = np.zeros(2)
    for t in range(1, 31):
        g = bowl.grad(tr.x[t - 1])
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        assert_close(tr.states.m[t], m)
        assert_close(tr.states.s[t], s)
        m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
        assert_close(tr.x[t], tr.x[t - 1] - eta * m_hat / (np.sqrt(s_hat) + eps))
    np.testing.assert_array_equal(tr.states.t, np.arange(31))
    assert tr.states.s_max is None


def test_first_state_printed_in_the_chapter():
    opt = ol.adam(0.5, 0.9, 0.999, 1e-8)
    x = X0_000.copy()
    x, state = opt.step(x, ol.seed000_bowl().grad(x), opt.init(x))
    np.testing.assert_allclose(x, [-9.5, 1.0], atol=1e-8)
    np.testing.assert_allclose(state.m, [-0.2, 1.5])
    np.testing.assert_allclose(state.s, [0.004, 0.225])
    assert int(state.t) == 1


# ------------------------------------------------------------- proposition adam-special


@pytest.mark.parametrize("placement", ["outside", "inside"])
@pytest.mark.parametrize("beta2, eps", [(0.9, 1e-6), (0.99, 1e-8), (0.5, 1e-2)])
def test_beta1_zero_without_correction_is_rmsprop(placement, beta2, eps):
    """adam-special (1): β₁ = 0, no bias correction = RMSprop with γ = β₂, same ε placement."""
    bowl = ol.seed004_bowl()
    a = ol.run(ol.adam(0.4, 0.0, beta2, eps, eps_placement=placement, bias_correction=False),
               bowl, X0_004, 50)
    r = ol.run(ol.rmsprop(0.4, beta2, eps, eps_placement=placement), bowl, X0_004, 50)
    assert_close(a.x, r.x)
    assert_close(a.states.s, r.states.s)


def test_beta1_zero_with_correction_is_not_rmsprop():
    """The correction is what removes RMSprop's first-step jump."""
    bowl = ol.seed004_bowl()
    a = ol.run(ol.adam(0.4, 0.0, 0.9, 1e-6), bowl, X0_004, 5)
    r = ol.run(ol.rmsprop(0.4, 0.9, 1e-6, eps_placement="outside"), bowl, X0_004, 5)
    assert np.abs(a.x - r.x).max() > 0.1


@pytest.mark.parametrize("bias_correction", [True, False])
def test_sign_descent(bias_correction):
    """adam-special (2): β₁ = β₂ = ε = 0 is sign descent."""
    bowl = ol.seed000_bowl()
    tr = ol.run(ol.adam(0.3, 0.0, 0.0, 0.0, bias_correction=bias_correction), bowl, X0_000, 30)
    steps = np.diff(tr.x, axis=0)
    np.testing.assert_allclose(steps, -0.3 * np.sign(bowl.grad(tr.x[:-1])), atol=1e-14)


# ------------------------------------------------------------- proposition adam-bias


@settings(max_examples=50, deadline=None)
@given(beta=st.floats(0.0, 0.9999), t=st.integers(1, 5000))
def test_geometric_sum(beta, t):
    """(adam-geometric): Σ_{i<t} β^i = (1 − β^t)/(1 − β)."""
    np.testing.assert_allclose(np.sum(beta ** np.arange(t)), (1 - beta**t) / (1 - beta),
                               rtol=1e-9)


@pytest.mark.parametrize("b1, b2", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.99, 0.9999)])
def test_moments_on_a_constant_gradient(b1, b2):
    """adam-bias: m_t = (1 − β₁^t) g, s_t = (1 − β₂^t) g² for a constant gradient."""
    g, T = np.array([2.0, -15.0]), 300
    opt = ol.adam(0.1, b1, b2, 0.0)
    x, state = np.zeros(2), opt.init(np.zeros(2))
    for t in range(1, T + 1):
        x, state = opt.step(x, g, state)
        assert_close(state.m, (1 - b1**t) * g)
        assert_close(state.s, (1 - b2**t) * g * g)


def test_corrected_steps_are_eta_sign_g():
    """adam-bias: with the correction, every step on a constant gradient is −η sign(g)."""
    g = np.array([2.0, -15.0])
    steps = _constant_gradient_steps(ol.adam(0.1, 0.9, 0.999, 0.0), g, 2000)
    np.testing.assert_allclose(steps, np.broadcast_to(-0.1 * np.sign(g), steps.shape), rtol=1e-9)


def test_uncorrected_steps_follow_rho():
    """(adam-nobc): without it the steps are ρ_t η with ρ_t = (1 − β₁^t)/sqrt(1 − β₂^t):
    3.16 at t = 1 (too large), a peak near 6.57 at t = 12, ≈ 1 only after thousands of steps."""
    g, T = np.array([2.0, -15.0]), 6000
    steps = _constant_gradient_steps(ol.adam(0.1, 0.9, 0.999, 0.0, bias_correction=False), g, T)
    t = np.arange(1, T + 1)
    rho = (1 - 0.9**t) / np.sqrt(1 - 0.999**t)
    np.testing.assert_allclose(steps, -0.1 * rho[:, None] * np.sign(g), rtol=1e-9)
    assert np.isclose(rho[0], 0.1 / np.sqrt(0.001)) and np.isclose(rho[0], 3.1623, atol=1e-4)
    assert int(np.argmax(rho)) + 1 == 12 and np.isclose(rho.max(), 6.5685, atol=1e-4)
    assert rho[99] > 3 and rho[999] > 1.25 and abs(rho[-1] - 1) < 2e-3


def test_first_step_on_the_bowl():
    """The chapter's table: first step η per coordinate with correction, ≈ 3.16η without."""
    bowl = ol.seed000_bowl()
    with_bc = ol.run(ol.adam(0.1, 0.9, 0.999, 1e-8), bowl, X0_000, 1)
    without = ol.run(ol.adam(0.1, 0.9, 0.999, 1e-8, bias_correction=False), bowl, X0_000, 1)
    sign = np.sign(bowl.grad(X0_000))
    np.testing.assert_allclose(with_bc.x[1] - with_bc.x[0], -0.1 * sign, rtol=1e-6)
    np.testing.assert_allclose(without.x[1] - without.x[0],
                               -0.1 * (1 - 0.9) / np.sqrt(1 - 0.999) * sign, rtol=1e-6)


# ------------------------------------------------------------- ε placement, adam-eps-hat


@pytest.mark.parametrize("eps_hat", [1e-7, 1e-2, 0.5, 3.0])
@pytest.mark.parametrize("b1, b2", [(0.9, 0.999), (0.5, 0.9)])
def test_eps_hat_is_paper_form_with_rescaled_eps(eps_hat, b1, b2):
    """adam-eps-hat: step t of the hat form with ε̂ = step t of the paper form with
    ε = ε̂/sqrt(1 − β₂^t); equivalently the paper's ε is ε̂ = ε·sqrt(1 − β₂^t)."""
    bowl = ol.seed000_bowl()
    tr = ol.run(ol.adam(0.5, b1, b2, eps_hat, eps_placement="hat"), bowl, X0_000, 40)
    for t in range(1, 41):
        paper = ol.adam(0.5, b1, b2, eps_hat / np.sqrt(1 - b2**t), eps_placement="outside")
        x_t, _ = paper.step(tr.x[t - 1], bowl.grad(tr.x[t - 1]), _state_at(tr, t - 1))
        assert_close(x_t, tr.x[t])
    eps = 0.01  # and the other way round: the paper's ε as an ε̂ that changes with t
    paper_run = ol.run(ol.adam(0.5, b1, b2, eps), bowl, X0_000, 40)
    for t in range(1, 41):
        hat = ol.adam(0.5, b1, b2, eps * np.sqrt(1 - b2**t), eps_placement="hat")
        x_t, _ = hat.step(paper_run.x[t - 1], bowl.grad(paper_run.x[t - 1]),
                          _state_at(paper_run, t - 1))
        assert_close(x_t, paper_run.x[t])


def test_eps_hat_acts_larger_early():
    """adam-eps-hat: Keras's ε is 1/sqrt(1 − β₂) ≈ 31.6 times larger on step 1, so with a
    large ε the hat form lags far behind the paper form (the chapter's figure)."""
    bowl = ol.seed000_bowl()
    step = {p: ol.run(ol.adam(0.5, eps=1.0, eps_placement=p), bowl, X0_000, 1) for p in
            ("outside", "hat")}
    g = bowl.grad(X0_000)
    assert_close(step["hat"].x[1] - X0_000,
                               -0.5 * g / (np.abs(g) + 1.0 / np.sqrt(0.001)))
    assert_close(step["outside"].x[1] - X0_000, -0.5 * g / (np.abs(g) + 1.0))
    far = {p: ol.run(ol.adam(0.5, eps=1.0, eps_placement=p), bowl, X0_000, 60).loss[-1]
           for p in ("outside", "inside", "hat")}
    assert far["hat"] > 10 * max(far["outside"], far["inside"])


def test_inside_placement_is_seed_002():
    """(adam-inside): η m̂ / sqrt(ŝ + ε)."""
    opt = ol.adam(0.3, 0.9, 0.999, 0.25, eps_placement="inside")
    x, g = np.array([1.0, -2.0]), np.array([0.5, -3.0])
    x_new, _ = opt.step(x, g, opt.init(x))
    assert_close(x_new, x - 0.3 * g / np.sqrt(g * g + 0.25))


def test_placements_agree_for_tiny_eps_and_differ_for_large():
    bowl = ol.seed000_bowl()
    for eps, small in [(1e-8, True), (1.0, False)]:
        runs = [ol.run(ol.adam(0.5, 0.9, 0.999, eps, eps_placement=p), bowl, X0_000, 60)
                for p in ("outside", "inside", "hat")]
        gap = max(np.abs(runs[0].x - r.x).max() for r in runs[1:])
        assert (gap < 1e-5) if small else (gap > 1.0)


def test_presets_tie_to_placements():
    """torch Adam = outside (eps 1e-8), keras Adam = hat (epsilon 1e-7)."""
    t, k = preset("torch", "Adam"), preset("keras", "Adam")
    assert t.hyperparams["eps_placement"] == "outside" and float(t.hyperparams["eps"]) == 1e-8
    assert k.hyperparams["eps_placement"] == "hat" and float(k.hyperparams["eps"]) == 1e-7
    bowl = ol.seed000_bowl()
    a = ol.run(preset("keras", "Adam", learning_rate=0.5, epsilon=1.0), bowl, X0_000, 60)
    b = ol.run(ol.adam(0.5, eps=1.0, eps_placement="hat"), bowl, X0_000, 60)
    np.testing.assert_array_equal(a.x, b.x)  # the preset builds this very optimizer
    gap = np.abs(ol.run(preset("torch", "Adam", lr=0.5), bowl, X0_000, 60).x
                 - ol.run(preset("keras", "Adam", learning_rate=0.5), bowl, X0_000, 60).x).max()
    assert 1e-8 < gap < 1e-4  # the default conventions differ, but only just


# ------------------------------------------------------------- the landscapes section


def test_rosenbrock_step_size_range():
    """The sweep: Adam works over a range of η at least three times as wide (in grid
    points) as momentum's; gradient descent over none."""
    rosen, lrs = ol.rosenbrock(), np.geomspace(1e-5, 3.0, 55)
    ok = {}
    for name, factory, kw in [("adam", ol.adam, {}), ("mom", ol.momentum, {"beta": 0.9}),
                              ("gd", ol.sgd, {})]:
        sw = ol.sweep(factory, rosen, [-1.5, 2.0], 500, lr=lrs, **kw)
        ok[name] = int(np.sum((sw.loss[-1] < 0.1) & ~sw.diverged))
    assert ok["adam"] >= 3 * ok["mom"] > 0 and ok["gd"] == 0


# ------------------------------------------------------------- AMSGrad


def test_amsgrad_raw_and_corrected_maxima():
    """(adam-ams-raw) and (adam-ams-corr) from the recorded states."""
    bowl, b2 = ol.seed000_bowl(), 0.999
    raw = ol.run(ol.adam(0.5, amsgrad=True, amsgrad_max="raw"), bowl, X0_000, 60)
    cor = ol.run(ol.adam(0.5, amsgrad=True, amsgrad_max="corrected"), bowl, X0_000, 60)
    t = np.arange(1, 61)[:, None]
    assert_close(raw.states.s_max[1:], np.maximum.accumulate(raw.states.s[1:]))
    assert_close(cor.states.s_max[1:],
                               np.maximum.accumulate(cor.states.s[1:] / (1 - b2**t)))


def test_amsgrad_presets_differ():
    """torch/Keras take the max of raw s, optax of ŝ: different paths; plain Adam agrees."""
    bowl = ol.seed000_bowl()
    assert preset("torch", "Adam", amsgrad=True).hyperparams["amsgrad_max"] == "raw"
    assert preset("keras", "Adam", amsgrad=True).hyperparams["amsgrad_max"] == "raw"
    assert preset("optax", "amsgrad", learning_rate=0.5).hyperparams["amsgrad_max"] == "corrected"
    t = ol.run(preset("torch", "Adam", lr=0.5, amsgrad=True), bowl, X0_000, 60)
    o = ol.run(preset("optax", "amsgrad", learning_rate=0.5), bowl, X0_000, 60)
    assert np.abs(t.x - o.x).max() > 1.0
    plain = np.abs(ol.run(preset("torch", "Adam", lr=0.5), bowl, X0_000, 60).x
                   - ol.run(preset("optax", "adam", learning_rate=0.5), bowl, X0_000, 60).x).max()
    assert plain < 1e-12


@pytest.mark.parametrize("objective, x0", [(ol.seed000_bowl(), X0_000), (ol.seed004_bowl(), X0_004),
                                           (ol.rotated_bowl(), X0_004)])
def test_corrected_max_remembers_the_first_gradient(objective, x0):
    """adam-ams-first: if no later |g| exceeds the first, ŝ_max = g₁² for the whole run."""
    tr = ol.run(ol.adam(0.1, amsgrad=True, amsgrad_max="corrected"), objective, x0, 100)
    g = objective.grad(tr.x[:-1])
    holds = np.all(np.abs(g) <= np.abs(g[0]) + 1e-12, axis=0)
    assert holds.any()
    np.testing.assert_allclose(tr.states.s_max[1:, holds],
                               np.broadcast_to(g[0, holds] ** 2, (100, int(holds.sum()))))
    raw = ol.run(ol.adam(0.1, amsgrad=True), objective, x0, 100)
    assert_close(raw.states.s_max[1], (1 - 0.999) * g[0] ** 2)


# ------------------------------------------------------------- reddi_online


def test_reddi_online_definition():
    """f_t = C x when t mod 3 == 0 (t counted from 0), −x otherwise; average (C−2)/3·x."""
    p = reddi_online(3.0)
    x = np.array([[0.3], [-0.7]])
    for t in range(9):
        expected = 3.0 if t % 3 == 0 else -1.0
        np.testing.assert_array_equal(p.gradient(x, t), np.full_like(x, expected))
    np.testing.assert_allclose(p.f(x), [1 / 3 * 0.3, 1 / 3 * -0.7])
    np.testing.assert_allclose(p.grad(x), np.full_like(x, 1 / 3))
    assert p.dim == 1 and p.domain == ((-1.0, 1.0),) and p.minimizer.tolist() == [-1.0]
    assert np.isclose(p.f_min, -1 / 3) and np.isclose(p.f(p.minimizer), p.f_min)
    period = np.mean([p.gradient(x, t) for t in range(3)], axis=0)
    np.testing.assert_allclose(period, p.grad(x))


@pytest.mark.parametrize("C", [2.0, 1.0, -3.0, np.inf, np.nan, "three", None, [3.0, 4.0], True])
def test_reddi_online_rejects_bad_C(C):
    with pytest.raises(ValueError, match=r"C must be (a number )?in \(2, inf\), got C="):
        reddi_online(C)


@pytest.mark.parametrize("C", [3, 2.0001, np.float32(5.0), np.int64(4)])
def test_reddi_online_accepts_numbers_above_two(C):
    assert reddi_online(C).f_min == pytest.approx(-(float(C) - 2) / 3)


def test_runs_are_projected_onto_the_domain():
    tr = ol.run(ol.sgd(5.0), reddi_online(3.0), [0.0], 10)
    assert np.all(np.abs(tr.x) <= 1.0) and not tr.diverged
    assert tr.x[1, 0] == -1.0


@pytest.mark.parametrize("C", [2.5, 3.0, 10.0, 100.0])
def test_one_period_drift(C):
    """adam-reddi-drift: β₁ = β₂ = ε = 0, one period from 0 moves Adam by +η and AMSGrad by
    −η(1 − 2/C)."""
    eta, p = 1e-3, reddi_online(C)
    adam = ol.run(ol.adam(eta, 0.0, 0.0, 0.0), p, [0.0], 3).x[-1, 0]
    ams = ol.run(ol.adam(eta, 0.0, 0.0, 0.0, amsgrad=True), p, [0.0], 3).x[-1, 0]
    assert np.isclose(adam, eta, rtol=1e-12)
    assert np.isclose(ams, -eta * (1 - 2 / C), rtol=1e-12)


@pytest.mark.parametrize("bias_correction", [True, False])
def test_adam_drifts_to_the_worst_point_amsgrad_does_not(bias_correction):
    """The chapter's table: C = 3, β₁ = 0, β₂ = 1/(1 + C²) (Reddi et al.'s Theorem 1
    settings), η = 0.1 constant, 300 steps from 0. Adam ends at +1; both AMSGrads near −1."""
    C = 3.0
    p, b2 = reddi_online(C), 1 / (1 + C**2)
    adam = ol.run(ol.adam(0.1, 0.0, b2, 1e-8, bias_correction=bias_correction), p, [0.0], 300)
    assert adam.x[-1, 0] == 1.0 and np.all(adam.x[100:, 0] > 0.8)
    for kind in ("raw", "corrected"):
        ams = ol.run(ol.adam(0.1, 0.0, b2, 1e-8, amsgrad=True, amsgrad_max=kind), p, [0.0], 300)
        assert ams.x[-3:, 0].mean() < -0.9 and np.all(ams.x[150:, 0] < -0.85)


def test_default_decays_converge_on_this_instance():
    """The chapter says so: β = (0.9, 0.999) is fine for C = 3; the drift needs a short memory."""
    p = reddi_online(3.0)
    assert ol.run(ol.adam(0.1), p, [0.0], 600).x[-3:, 0].mean() < -0.9
    sw = ol.sweep(ol.adam, p, [0.0], 600, lr=0.1, beta1=0.0, beta2=[0.0, 0.3, 0.5, 0.999],
                  eps=1e-8)
    ends = sw.x[-3:, :, 0].mean(axis=0)
    assert ends[0] > 0.9 and ends[1] > 0.9 and ends[2] < 0 and ends[3] < -0.9


# ------------------------------------------------------------- AdamW vs Adam + L2


def test_l2_enters_the_gradient_and_adamw_adds_decay_after_division():
    """(adam-l2) and (adam-w), one step from the same state."""
    x, g, lam, eta = np.array([1.0, -2.0]), np.array([0.5, -3.0]), 0.1, 0.3
    l2 = ol.adam(eta, 0.9, 0.999, 0.0, weight_decay=lam)
    w = ol.adamw(eta, 0.9, 0.999, 0.0, weight_decay=lam)
    x_l2, _ = l2.step(x, g, l2.init(x))
    x_w, _ = w.step(x, g, w.init(x))
    ge = g + lam * x
    assert_close(x_l2, x - eta * ge / np.abs(ge))
    assert_close(x_w, x - eta * (g / np.abs(g) + lam * x))


def test_l2_decay_is_divided_by_root_s_hat():
    """(adam-l2-split) with β₁ = 0: the L2 part of the step is ηλx/(sqrt(ŝ)+ε), read from
    the recorded state; coordinates with larger gradients are decayed less."""
    bowl, lam, eta, b2, eps = ol.seed000_bowl(), 0.1, 0.5, 0.999, 1e-8
    tr = ol.run(ol.adam(eta, 0.0, b2, eps, weight_decay=lam), bowl, X0_000, 40)
    t = tr.states.t[1:, None]
    den = np.sqrt(tr.states.s[1:] / (1 - b2**t)) + eps
    grad_part = -eta * bowl.grad(tr.x[:-1]) / den
    decay_part = np.diff(tr.x, axis=0) - grad_part
    np.testing.assert_allclose(decay_part, -eta * lam * tr.x[:-1] / den, rtol=1e-9, atol=1e-14)
    factor = lam / den[0]
    assert factor[1] < factor[0] / 4  # steep y (gradient 15) vs shallow x (gradient −2)


@pytest.mark.parametrize("objective, x0",
                         [(ol.seed000_bowl(), X0_000), (ol.seed004_bowl(), X0_004)])
@pytest.mark.parametrize("lam", [0.01, 0.1, 1.0])
def test_l2_is_invisible_on_a_diagonal_quadratic(objective, x0, lam):
    """adam-l2-noop: with ε = 0, Adam + L2 = Adam on a diagonal quadratic."""
    plain = ol.run(ol.adam(0.5, eps=0.0), objective, x0, 100)
    l2 = ol.run(ol.adam(0.5, eps=0.0, weight_decay=lam), objective, x0, 100)
    assert_close(l2.x, plain.x)


@settings(max_examples=20, deadline=None)
@given(a=st.lists(st.floats(1e-2, 1e2), min_size=2, max_size=2), lam=st.floats(0.0, 10.0),
       lr=st.floats(1e-2, 1.0))
def test_l2_is_invisible_property(a, lam, lr):
    q = ol.quadratic(np.diag(a))
    plain = ol.run(ol.adam(lr, eps=0.0), q, [-3.0, 2.0], 40)
    l2 = ol.run(ol.adam(lr, eps=0.0, weight_decay=lam), q, [-3.0, 2.0], 40)
    np.testing.assert_allclose(l2.x, plain.x, rtol=1e-9, atol=1e-12)


def test_adamw_differs_from_adam_l2():
    """AdamW ≠ Adam + L2: different paths on seed 000's bowl, and AdamW ends nearer 0."""
    bowl = ol.seed000_bowl()
    l2 = ol.run(ol.adam(0.5, weight_decay=0.1), bowl, X0_000, 60)
    w = ol.run(ol.adamw(0.5, weight_decay=0.1), bowl, X0_000, 60)
    plain = ol.run(ol.adam(0.5), bowl, X0_000, 60)
    assert np.abs(w.x - l2.x).max() > 1.0
    assert np.abs(l2.x - plain.x).max() < 1e-6
    assert np.abs(w.final).max() < np.abs(l2.final).max() / 3


def test_weight_decay_defaults_and_kinds():
    """The chapter's table: torch Adam (L2, 0), AdamW 1e-2, optax 1e-4, Keras 0.004."""
    assert float(preset("torch", "Adam").hyperparams["weight_decay"]) == 0
    assert preset("torch", "Adam").name == "Adam"
    assert preset("torch", "AdamW").name == "AdamW"
    assert float(preset("torch", "AdamW").hyperparams["weight_decay"]) == 1e-2
    assert float(preset("optax", "adamw", learning_rate=1e-3).hyperparams["weight_decay"]) == 1e-4
    assert float(preset("keras", "AdamW").hyperparams["weight_decay"]) == 0.004


def test_porting_adamw():
    """Exercise: torch AdamW(lr=1e-3) = optax adamw(1e-3, weight_decay=1e-2) exactly; Keras
    differs only by its ε-hat convention."""
    rosen, x0 = ol.rosenbrock(), [-1.5, 2.0]
    t = ol.run(preset("torch", "AdamW", lr=1e-3), rosen, x0, 3000)
    o = ol.run(preset("optax", "adamw", learning_rate=1e-3, weight_decay=1e-2), rosen, x0, 3000)
    k = ol.run(preset("keras", "AdamW", learning_rate=1e-3, weight_decay=1e-2, epsilon=1e-8),
               rosen, x0, 3000)
    d = ol.run(preset("optax", "adamw", learning_rate=1e-3), rosen, x0, 3000)
    assert np.abs(t.x - o.x).max() < 1e-12
    assert 0 < np.abs(t.x - k.x).max() < 1e-4
    assert np.abs(t.x - d.x).max() > 1e-3
