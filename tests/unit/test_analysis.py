"""The closed-form rates agree with measured runs (the theorems the chapters state)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from numerics import assert_close
from optimlab import analysis as an

LMIN, LMAX = 0.2, 10.0  # seed 000's bowl 0.1x² + 5y²
BOWL = ol.seed000_bowl()


def test_gd_closed_form_per_coordinate():
    lr = 0.15
    tr = ol.run(ol.sgd(lr), BOWL, [-10.0, 1.5], 30)
    k = np.arange(31)[:, None]
    expected = (1 - lr * np.array([LMIN, LMAX])) ** k * np.array([-10.0, 1.5])
    np.testing.assert_allclose(tr.x, expected, rtol=1e-10, atol=1e-14)


def test_gd_optimal_step_and_rate():
    lr, rate = an.gd_optimal(LMIN, LMAX)
    kappa = LMAX / LMIN
    assert lr == pytest.approx(2 / (LMIN + LMAX))
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    tr = ol.run(ol.sgd(lr), BOWL, [-10.0, 1.5], 200)
    assert an.measured_rate(tr) == pytest.approx(rate, rel=1e-6)
    lrs = np.linspace(0.01, 0.199, 50)
    assert an.gd_rate(lrs, [LMIN, LMAX]).min() >= rate - 1e-12


def test_gd_stability_limit():
    assert an.gd_rate(0.199, [LMIN, LMAX]) < 1 < an.gd_rate(0.201, [LMIN, LMAX])
    assert not bool(ol.run(ol.sgd(0.199), BOWL, [-10, 1.5], 2000).diverged)
    assert bool(ol.run(ol.sgd(0.201), BOWL, [-10, 1.5], 2000).diverged)


def test_heavy_ball_optimal_rate_is_measured():
    lr, beta, rate = an.heavy_ball_optimal(LMIN, LMAX)
    root_k = np.sqrt(LMAX / LMIN)
    assert rate == pytest.approx((root_k - 1) / (root_k + 1))
    tr = ol.run(ol.momentum(lr, beta), BOWL, [-10.0, 1.5], 400)
    # at the optimum both directions are critically damped: error ~ k r^k, so measure late
    assert an.measured_rate(tr, start=300) == pytest.approx(rate, rel=2e-2)
    assert an.heavy_ball_rate(lr, beta, [LMIN, LMAX]) == pytest.approx(rate, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(beta=st.floats(0.0, 0.95), lam_lr=st.floats(0.01, 4.0))
def test_heavy_ball_stable_iff_below_two_plus_two_beta(beta, lam_lr):
    rate = float(an.heavy_ball_rate(lam_lr, beta, [1.0]))
    margin = lam_lr - (2 + 2 * beta)
    if abs(margin) > 1e-6:
        assert (rate < 1) == (margin < 0)


def test_complex_roots_have_modulus_sqrt_beta():
    beta = 0.81
    r = an.heavy_ball_roots(1.0, beta, 1.0)  # (1 + β - 1)^2 < 4β: complex pair
    assert_close(np.abs(r), np.sqrt(beta))


def test_matrix_and_roots_agree():
    m = an.heavy_ball_matrix(0.3, 0.7, 2.0)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(m)),
                               np.sort_complex(an.heavy_ball_roots(0.3, 0.7, 2.0)), atol=1e-12)


def test_heavy_ball_matrix_reproduces_a_run():
    lr, beta = 0.1, 0.6
    tr = ol.run(ol.momentum(lr, beta), BOWL, [-10.0, 1.5], 20)
    m = an.heavy_ball_matrix(lr, beta, LMAX)
    z = np.array([tr.x[1, 1], tr.x[0, 1]])
    for k in range(1, 20):
        z = m @ z
        assert z[0] == pytest.approx(tr.x[k + 1, 1], rel=1e-9, abs=1e-12)


def test_bad_curvatures():
    with pytest.raises(ValueError, match="lmax must be >= lmin"):
        an.gd_optimal(2.0, 1.0)
    with pytest.raises(ValueError, match=r"lmin must be in \(0, inf\)"):
        an.heavy_ball_optimal(0.0, 1.0)


# ------------------------------------------------------------ closed-form iterates

QUADRATICS = [(ol.seed000_bowl(), [-10.0, 1.5]), (ol.seed004_bowl(), [-5.0, -2.0]),
              (ol.rotated_bowl(), [-5.0, -2.0])]


@pytest.mark.parametrize("objective, x0", QUADRATICS)
def test_hessian_recovers_the_matrix(objective, x0):
    A = an.hessian(objective)
    x = np.array(x0)
    assert_close(objective.grad(x), A @ x)
    assert objective.f(x) == pytest.approx(0.5 * x @ A @ x)


def test_hessian_of_the_seed_bowls():
    np.testing.assert_allclose(an.hessian(BOWL), np.diag([LMIN, LMAX]))
    np.testing.assert_allclose(an.hessian(ol.rotated_bowl()), [[4.2, -3.8], [-3.8, 4.2]])


def test_hessian_rejects_non_quadratics():
    with pytest.raises(ValueError, match="objective must be a quadratic.*Rosenbrock"):
        an.hessian(ol.rosenbrock())


@pytest.mark.parametrize("objective, x0", QUADRATICS)
def test_closed_form_iterates_match_runs(objective, x0):
    A, steps = an.hessian(objective), 40
    cases = [(ol.sgd(0.15), an.gd_iterates(0.15, A, x0, steps)),
             (ol.momentum(0.1, 0.7), an.heavy_ball_iterates(0.1, 0.7, A, x0, steps)),
             (ol.momentum(0.1, 0.7, nesterov=True), an.nesterov_iterates(0.1, 0.7, A, x0, steps))]
    for opt, closed in cases:
        tr = ol.run(opt, objective, x0, steps)
        np.testing.assert_allclose(tr.x, closed, rtol=1e-9, atol=1e-12)


def test_iterates_with_zero_steps_and_bad_matrix():
    assert an.heavy_ball_iterates(0.1, 0.5, np.eye(2), [1.0, 2.0], 0).shape == (1, 2)
    with pytest.raises(ValueError, match="A must be a symmetric square matrix"):
        an.gd_iterates(0.1, [[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0], 5)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\]"):
        an.heavy_ball_iterates(0.1, 1.5, np.eye(2), [1.0, 1.0], 5)


# ----------------------------------------------------------------------- Nesterov


def test_nesterov_matrix_eigenvalues_give_the_rate():
    m = an.nesterov_matrix(0.1, 0.6, [LMIN, LMAX])
    moduli = np.abs(np.linalg.eigvals(m)).max()
    assert an.nesterov_rate(0.1, 0.6, [LMIN, LMAX]) == pytest.approx(moduli, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(beta=st.floats(0.0, 0.95), lam_lr=st.floats(0.01, 2.5))
def test_nesterov_stable_iff_below_its_limit(beta, lam_lr):
    rate = float(an.nesterov_rate(lam_lr, beta, [1.0]))
    margin = lam_lr - (2 + 2 * beta) / (1 + 2 * beta)
    if abs(margin) > 1e-6:
        assert (rate < 1) == (margin < 0)


def test_nesterov_rate_is_measured():
    lr, beta = 0.1, 0.7
    tr = ol.run(ol.momentum(lr, beta, nesterov=True), BOWL, [-10.0, 1.5], 300)
    assert an.measured_rate(tr) == pytest.approx(an.nesterov_rate(lr, beta, [LMIN, LMAX]), rel=2e-2)


# ------------------------------------------------------------- critical damping


@pytest.mark.parametrize("h", [0.01, 0.3, 1.0, 2.5, 3.9])
def test_critical_beta_gives_a_double_root(h):
    beta = an.critical_beta(h, 1.0)
    r = an.heavy_ball_roots(h, beta, 1.0)
    np.testing.assert_allclose(r[0], r[1], atol=1e-6)
    assert abs(r[0]) == pytest.approx(abs(1 - np.sqrt(h)), rel=1e-6)
    assert abs(r[0]) == pytest.approx(np.sqrt(beta), rel=1e-6)


def test_critical_beta_range():
    with pytest.raises(ValueError, match=r"lr \* lam must be in \(0, 4\)"):
        an.critical_beta(1.0, 5.0)


# --------------------------------------------------------------------- noise floor


def test_noise_floor_reduces_to_gd():
    lr, sigma = 0.05, 0.3
    expected = sum(lr * sigma**2 / (2 * (2 - lr * lam)) for lam in (LMIN, LMAX))
    assert an.heavy_ball_noise_floor(lr, 0.0, [LMIN, LMAX], sigma) == pytest.approx(expected)
    assert np.isinf(an.heavy_ball_noise_floor(0.25, 0.0, [LMIN, LMAX], sigma))


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_noise_floor_matches_a_long_noisy_run(beta):
    lr, sigma = 0.02, 1.0
    tr = ol.run(ol.momentum(lr, beta), ol.noisy(BOWL, sigma, seed=3), [0.0, 0.0], 40_000)
    measured = tr.loss[2000:].mean()
    floor = float(an.heavy_ball_noise_floor(lr, beta, [LMIN, LMAX], sigma))
    assert measured == pytest.approx(floor, rel=0.2)


def test_noise_floor_broadcasts_and_checks():
    out = an.heavy_ball_noise_floor([0.01, 0.02], [[0.0], [0.5]], [LMIN, LMAX], 1.0)
    assert out.shape == (2, 2)
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        an.heavy_ball_noise_floor(0.01, 1.0, [LMIN, LMAX], 1.0)
    with pytest.raises(ValueError, match="sigma must be in"):
        an.heavy_ball_noise_floor(0.01, 0.5, [LMIN, LMAX], -1.0)


# ------------------------------------------------------------------ steps needed


def test_steps_needed():
    assert an.steps_needed(0.5, 1e-3) == 10  # 0.5^10 < 1e-3 < 0.5^9
    _, rate = an.gd_optimal(LMIN, LMAX)
    k = int(an.steps_needed(rate, 1e-6))
    assert rate**k <= 1e-6 < rate ** (k - 1)
    with pytest.raises(ValueError, match=r"rate must be in \(0, 1\)"):
        an.steps_needed(1.0)
