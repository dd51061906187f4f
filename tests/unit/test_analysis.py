"""The closed-form rates agree with measured runs (the theorems the chapters state)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
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
    assert lr == pytest.approx(2 / (LMIN + LMAX)) and rate == pytest.approx((kappa - 1) / (kappa + 1))
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
    np.testing.assert_allclose(np.abs(r), np.sqrt(beta), rtol=1e-12)


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
