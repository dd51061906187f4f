"""The cheap speed-ups compute exactly what the plain code computed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.objectives import noise_rows
from optimlab.static import rounded_3g


def _reference(values):
    return [None if not np.isfinite(v) else float(f"{v:.3g}") for v in values]


EDGES = [0.0, -0.0, np.nan, np.inf, -np.inf, 0.125, 1.125, 2.5, 999.5, 99.95, 0.0015, 1e-310,
         5e-324, 1.7e308, 1e22, 1e-22, 1e23, 1000.0, 999.9999999999999, 1e-5, -12.345]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_vectorised_rounding_gives_the_strings_values(values):
    # the twin's JSON must not change: both paths give the double nearest the same
    # three-digit decimal, so the contract is identity (repr also tells -0.0 from 0.0)
    assert [repr(v) for v in rounded_3g(np.array(values))] == [repr(v) for v in _reference(values)]


def test_vectorised_rounding_on_ties_and_extremes():
    assert [repr(v) for v in rounded_3g(np.array(EDGES))] == [repr(v) for v in _reference(EDGES)]


@pytest.mark.parametrize("seed, dim", [(0, 2), (7, 1), (3, 3)])
def test_cached_noise_is_the_per_step_generator(seed, dim):
    rows = noise_rows(seed, dim, 40)
    for t in (0, 1, 17, 39):
        # the same generator and the same draws: the same floats
        fresh = np.random.default_rng((seed, t)).standard_normal(dim)
        np.testing.assert_array_equal(rows[t], fresh)


def test_a_noisy_run_sees_the_per_step_noise():
    noisy = ol.noisy(ol.seed000_bowl(), 0.5, seed=11)
    tr = ol.run(ol.sgd(0.1), noisy, [-10.0, 1.5], 30)
    x = np.array([-10.0, 1.5])
    for t in range(30):  # the loop the run replaces, with a fresh generator per step
        x = x - 0.1 * (noisy.grad(x) + 0.5 * np.random.default_rng((11, t)).standard_normal(2))
    np.testing.assert_array_equal(tr.final, x)  # the same operations in the same order


def test_adam_with_an_array_of_weight_decays_still_decays():
    tr = ol.sweep(ol.adamw, ol.seed000_bowl(), [-10.0, 1.5], 20, lr=[0.1], weight_decay=[0.0, 0.5])
    alone = ol.run(ol.adamw(0.1, weight_decay=0.5), ol.seed000_bowl(), [-10.0, 1.5], 20)
    # a broadcast batch against a single run: other kernels, equal up to rounding
    np.testing.assert_allclose(tr.x[:, 0, 1], alone.x, rtol=1e-12, atol=1e-14)
    assert not np.allclose(tr.x[-1, 0, 0], tr.x[-1, 0, 1])
