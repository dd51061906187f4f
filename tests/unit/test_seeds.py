"""Every worked example of the source documents, reproduced to the printed digits."""

import math

import numpy as np

import optimlab as ol
from numerics import assert_close


def test_seed003_table():
    """Seed 003: L = (y - wx)^2 with the seed's g = (y - wx)(-x), x=2, y=4, w0=0."""
    printed = [  # the seed's code, run: "Iter t: g=..., G=..., w=..."
        "Iter 1: g=-8.000000, G=6.400000, w=0.316228",
        "Iter 2: g=-6.735089, G=10.296142, w=0.526125",
        "Iter 3: g=-5.895501, G=12.742222, w=0.691282",
        "Iter 4: g=-5.234871, G=14.208387, w=0.830160",
        "Iter 5: g=-4.679359, G=14.977189, w=0.951073",
    ]
    obj = ol.least_squares_1d(x=2.0, y=4.0)
    tr = ol.run(ol.rmsprop(0.1, gamma=0.9, eps=1e-8), obj, [0.0], 5)
    rows = [f"Iter {t}: g={obj.grad(tr.x[t - 1])[0]:.6f}, G={tr.states.s[t][0]:.6f}, "
            f"w={tr.x[t][0]:.6f}" for t in range(1, 6)]
    assert rows == printed


def _seed003_loop(eta=0.1, gamma=0.9, eps=1e-8, x=2.0, y=4.0, epochs=5):
    """Seed 003's code as written."""
    w, G, out = 0.0, 0.0, []
    for _ in range(1, epochs + 1):
        g = (y - w * x) * (-x)
        G = gamma * G + (1 - gamma) * (g ** 2)
        w = w - eta * g / (np.sqrt(G + eps))
        out.append((g, G, w))
    return out


def test_seed003_matches_its_own_code():
    obj = ol.least_squares_1d()
    tr = ol.run(ol.rmsprop(0.1, 0.9, 1e-8), obj, [0.0], 5)
    ref = np.array(_seed003_loop())
    assert_close(tr.x[1:, 0], ref[:, 2])
    assert_close(tr.states.s[1:, 0], ref[:, 1])


def _seed000_loop():
    """Seed 000's notebook loop as written (f = 0.1x² + 5y², eta=0.5, gamma=0.9)."""
    learning_rate, gamma, epsilon, n_iterations = 0.5, 0.9, 1e-8, 50
    w = np.array([-10.0, 1.5])
    E_g_sq = np.zeros_like(w)
    w_history, printed = [w.copy()], []
    for i in range(n_iterations):
        grad = np.array([0.2 * w[0], 10 * w[1]])
        E_g_sq = gamma * E_g_sq + (1 - gamma) * grad**2
        w = w - (learning_rate / np.sqrt(E_g_sq + epsilon)) * grad
        w_history.append(w.copy())
        if i % 5 == 0:
            printed.append(f"Iter {i+1:2d}: Grad=[{grad[0]:6.3f}, {grad[1]:6.3f}], "
                           f"E_g_sq=[{E_g_sq[0]:6.3f}, {E_g_sq[1]:6.3f}], "
                           f"W=[{w[0]:6.3f}, {w[1]:6.3f}]")
    return np.array(w_history), printed


def test_seed000_path_and_progress_lines():
    bowl = ol.seed000_bowl()
    tr = ol.run(ol.rmsprop(0.5, gamma=0.9, eps=1e-8), bowl, [-10.0, 1.5], 50)
    ref, printed = _seed000_loop()
    assert_close(tr.x, ref)
    ours = [f"Iter {i+1:2d}: Grad=[{g[0]:6.3f}, {g[1]:6.3f}], E_g_sq=[{s[0]:6.3f}, {s[1]:6.3f}], "
            f"W=[{w[0]:6.3f}, {w[1]:6.3f}]"
            for i in range(0, 50, 5)
            for g, s, w in [(bowl.grad(tr.x[i]), tr.states.s[i + 1], tr.x[i + 1])]]
    assert ours == printed
    assert printed[0] == ("Iter  1: Grad=[-2.000, 15.000], E_g_sq=[ 0.400, 22.500], "
                          "W=[-8.419, -0.081]")


def test_seed004_trace():
    """Seed 004 / d2l: eta=0.4, gamma=0.9, eps=1e-6, 20 steps from (-5, -2)."""
    tr = ol.run(ol.rmsprop(0.4, gamma=0.9, eps=1e-6), ol.seed004_bowl(), [-5.0, -2.0], 20)
    assert f"x1: {tr.final[0]:f}, x2: {tr.final[1]:f}" == "x1: -0.010599, x2: 0.000000"


def test_seed004_ema_weights_sum_and_window():
    """The weights (1-γ)γ^k sum to 1 - γ^n; the half-life is ln 2 / (-ln γ), not 1/γ."""
    for gamma in (0.95, 0.9, 0.8, 0.7):
        k = np.arange(40)
        w = (1 - gamma) * gamma**k
        assert math.isclose(w.sum(), 1 - gamma**40, rel_tol=1e-12)
        half = math.log(2) / -math.log(gamma)
        assert math.isclose(gamma**half, 0.5, rel_tol=1e-12)


def test_first_step_is_lr_over_sqrt_one_minus_gamma():
    """RMSprop's first step is η·sign(g)/√(1-γ) (up to ε): 3.16η for γ = 0.9."""
    for gamma in (0.9, 0.99):
        tr = ol.run(ol.rmsprop(0.01, gamma, eps=0.0), ol.seed000_bowl(), [-10.0, 1.5], 1)
        step = tr.x[1] - tr.x[0]
        assert_close(np.abs(step), 0.01 / math.sqrt(1 - gamma))
