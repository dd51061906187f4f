"""Properties of the optimizers and runs, checked on generated inputs (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from numerics import assert_close

lrs = st.floats(1e-3, 1.0)
decays = st.floats(0.0, 0.999)
points = st.lists(st.floats(-5, 5), min_size=2, max_size=2)
FACTORIES = {
    "sgd": lambda lr, d: ol.sgd(lr),
    "momentum": lambda lr, d: ol.momentum(lr, d),
    "nesterov": lambda lr, d: ol.momentum(lr, d, nesterov=True),
    "adagrad": lambda lr, d: ol.adagrad(lr),
    "rmsprop": lambda lr, d: ol.rmsprop(lr, d),
    "rmsprop-centered-momentum": lambda lr, d: ol.rmsprop(lr, d, centered=True, momentum=0.5),
    "adam": lambda lr, d: ol.adam(lr, d, 0.999),
    "adam-amsgrad": lambda lr, d: ol.adam(lr, d, 0.99, amsgrad=True),
    "adamw": lambda lr, d: ol.adamw(lr, d, 0.999, weight_decay=0.1),
    "adadelta": lambda lr, d: ol.adadelta(lr, d),
    "adamax": lambda lr, d: ol.adamax(lr, d),
    "adamax-outside-max": lambda lr, d: ol.adamax(lr, d, eps_placement="outside_max"),
    "nadam": lambda lr, d: ol.nadam(lr, d),
    "nadam-constant-momentum": lambda lr, d: ol.nadam(lr, d, momentum_decay=np.inf),
    "yogi": lambda lr, d: ol.yogi(lr, d),
    "sgd-cosine": lambda lr, d: ol.sgd(ol.cosine(lr, T=2)),
    "momentum-warmup-in-buffer": lambda lr, d: ol.momentum(ol.warmup(lr, 2), d,
                                                           lr_in_buffer=True),
    "rmsprop-one-cycle-in-buffer": lambda lr, d: ol.rmsprop(ol.one_cycle(lr, 4), d,
                                                            momentum=0.5, lr_in_buffer=True),
    "adam-step-decay": lambda lr, d: ol.adam(ol.step_decay(lr, 1, 0.5), d, 0.999),
}


@settings(max_examples=25, deadline=None)
@given(lr=st.lists(lrs, min_size=1, max_size=3), gamma=st.lists(decays, min_size=1, max_size=3),
       x0=points)
def test_sweep_equals_loop_of_runs(lr, gamma, x0):
    bowl = ol.rotated_bowl()
    tr = ol.sweep(ol.rmsprop, bowl, x0, 15, lr=lr, gamma=gamma, eps=1e-8)
    assert tr.x.shape == (16, len(lr), len(gamma), 2)
    for i, a in enumerate(lr):
        for j, g in enumerate(gamma):
            single = ol.run(ol.rmsprop(a, g, 1e-8), bowl, x0, 15)
            # The quadratic's gradient is summed elementwise in index order, so the batch and
            # the single run agree bit for bit today; what the property needs is rounding
            # agreement. An objective whose gradient takes a matmul (kernels by shape and
            # CPU) differs by ~1e-16 |A||x| where A x cancels to ~0, and a small gamma makes
            # RMSprop a smoothed sign step of slope up to lr / sqrt(eps) = 1e4 in g: up to
            # ~1e-10 |x| over 15 steps (1.8e-13 seen with a matmul in 400 random settings).
            assert_close(tr[i, j].x, single.x, rtol=1e-9)
            assert_close(tr[i, j].states.s, single.states.s, rtol=1e-9)
            assert tr[i, j].diverged == single.diverged


@pytest.mark.parametrize("name", sorted(FACTORIES))
@settings(max_examples=15, deadline=None)
@given(lr=lrs, d=decays, x0=points)
def test_inputs_are_never_mutated(name, lr, d, x0):
    opt = FACTORIES[name](lr, d)
    x = np.array(x0)
    g = np.array([0.3, -1.2])
    state = opt.init(x)
    x_copy, g_copy = x.copy(), g.copy()
    state_copy = [None if f is None else np.copy(f) for f in state]
    opt.step(x, g, state)
    # mutation is a change of any bit, so this comparison is exact
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(g, g_copy)
    for before, after in zip(state_copy, state):
        if before is not None:
            np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("name", sorted(FACTORIES))
@settings(max_examples=15, deadline=None)
@given(lr=lrs, d=decays, x0=points)
def test_zero_gradient_is_a_no_op(name, lr, d, x0):
    if name == "adamw":  # decoupled decay moves x even with g = 0, by design
        return
    opt = FACTORIES[name](lr, d)
    x = np.array(x0)
    state = opt.init(x)
    for _ in range(3):
        x_new, state = opt.step(x, np.zeros(2), state)
        np.testing.assert_array_equal(x_new, x)  # the update is exactly 0, and x - 0 == x


@settings(max_examples=25, deadline=None)
@given(lr=lrs, x0=points)
def test_momentum_with_beta_zero_is_sgd(lr, x0):
    bowl = ol.seed004_bowl()
    a = ol.run(ol.momentum(lr, 0.0), bowl, x0, 20)
    b = ol.run(ol.sgd(lr), bowl, x0, 20)
    assert_close(a.x, b.x)  # a zero buffer added in: other arithmetic, the same values


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(1e-3, 0.2), beta=decays, x0=points)
def test_nesterov_is_sutskevers_look_ahead(lr, beta, x0):
    """Sutskever et al.: v ← βv − η∇f(θ + βv); θ ← θ + v. The library iterate is φ = θ + βv."""
    bowl = ol.rosenbrock()
    tr = ol.run(ol.momentum(lr, beta, nesterov=True), bowl, x0, 15)
    theta, v = np.array(x0, float), np.zeros(2)
    for t in range(1, 16):
        v = beta * v - lr * bowl.grad(theta + beta * v)
        theta = theta + v
        phi = theta + beta * v
        if not np.isfinite(tr.x[t]).all():
            break
        np.testing.assert_allclose(tr.x[t], phi, rtol=1e-9, atol=1e-9)


def test_rmsprop_centered_and_momentum_reduce_to_plain():
    bowl, x0 = ol.seed000_bowl(), [-10.0, 1.5]
    plain = ol.run(ol.rmsprop(0.1, 0.9), bowl, x0, 30).x
    # momentum=0 switches the velocity off: the very same arithmetic as plain RMSprop
    np.testing.assert_array_equal(ol.run(ol.rmsprop(0.1, 0.9, momentum=0.0), bowl, x0, 30).x, plain)
    assert np.abs(ol.run(ol.rmsprop(0.1, 0.9, centered=True), bowl, x0, 30).x - plain).max() > 1e-3


def test_divergence_is_marked_not_raised(recwarn):
    tr = ol.run(ol.sgd(0.25), ol.seed000_bowl(), [-10.0, 1.5], 200)  # ηλ = 2.5 > 2 on y
    assert bool(tr.diverged)
    k = int(tr.diverged_at)
    assert 0 < k < 200
    assert np.isfinite(tr.x[:k]).all() and np.isnan(tr.x[k:]).all()
    assert np.isnan(tr.loss[k:]).all()
    assert not [w for w in recwarn if "numpy" in str(w.filename) or w.category is RuntimeWarning]


def test_sweep_marks_each_run():
    tr = ol.sweep(ol.sgd, ol.seed000_bowl(), [-10.0, 1.5], 300, lr=[0.1, 0.19, 0.21, 1.0])
    assert tr.diverged.tolist() == [False, False, True, True]
    assert (tr.diverged_at[:2] == -1).all() and (tr.diverged_at[2:] > 0).all()


def test_noise_is_reproducible_and_shared_by_a_sweep():
    noisy = ol.noisy(ol.seed004_bowl(), sigma=0.5, seed=3)
    a = ol.run(ol.sgd(0.1), noisy, [-5.0, -2.0], 30).x
    b = ol.run(ol.sgd(0.1), noisy, [-5.0, -2.0], 30).x
    np.testing.assert_array_equal(a, b)  # the same run twice: the same draws, the same bits
    assert np.abs(a - ol.run(ol.sgd(0.1), ol.seed004_bowl(), [-5.0, -2.0], 30).x).max() > 1e-3
    sw = ol.sweep(ol.sgd, noisy, [-5.0, -2.0], 30, lr=[0.05, 0.1])
    assert_close(sw[1].x, a)  # a sweep's column is the run, up to the batch's rounding


@pytest.mark.parametrize("make", [ol.rosenbrock, ol.beale, ol.rotated_bowl, ol.saddle,
                                  ol.seed000_bowl, ol.seed004_bowl])
def test_gradients_match_finite_differences(make):
    obj = make()
    rng = np.random.default_rng(0)
    (xl, xh), (yl, yh) = obj.bounds
    p = np.stack([rng.uniform(xl, xh, 20), rng.uniform(yl, yh, 20)], axis=-1)
    h = 1e-6
    num = np.stack([(obj.f(p + h * e) - obj.f(p - h * e)) / (2 * h) for e in np.eye(2)], -1)
    np.testing.assert_allclose(obj.grad(p), num, rtol=1e-5, atol=1e-4)
    if obj.minimizer is not None:
        np.testing.assert_allclose(obj.grad(obj.minimizer), 0, atol=1e-12)
        assert obj.f(obj.minimizer) == pytest.approx(obj.f_min)
