"""Bad input gets a ValueError naming the argument, its value and the allowed range."""

import numpy as np
import pytest

import optimlab as ol

BOWL = ol.seed000_bowl()


@pytest.mark.parametrize("call, message", [
    (lambda: ol.sgd(0.0), r"lr must be in \(0, inf\), got lr=0.0"),
    (lambda: ol.sgd(-1), r"lr must be in \(0, inf\), got lr=-1"),
    (lambda: ol.sgd(float("nan")), r"lr must be in \(0, inf\), got lr=nan"),
    (lambda: ol.sgd(np.inf), r"lr must be in \(0, inf\), got lr=inf"),
    (lambda: ol.sgd([0.1, -0.2]), r"lr must be in \(0, inf\), got lr=-0.2"),
    (lambda: ol.rmsprop(0.1, gamma=1.5), r"gamma must be in \[0, 1\], got gamma=1.5"),
    (lambda: ol.rmsprop(0.1, gamma=-0.1), r"gamma must be in \[0, 1\], got gamma=-0.1"),
    (lambda: ol.rmsprop(0.1, eps=-1e-8), r"eps must be in \[0, inf\), got eps=-1e-08"),
    (lambda: ol.rmsprop(0.1, eps_placement="under"),
     r"eps_placement must be one of 'inside', 'outside', got eps_placement='under'"),
    (lambda: ol.momentum(0.1, beta=1.2), r"beta must be in \[0, 1\], got beta=1.2"),
    (lambda: ol.momentum(0.1, 0.9, dampening=0.5, nesterov=True),
     r"nesterov=True needs dampening=0"),
    (lambda: ol.adam(0.1, beta1=1.0), r"beta1 must be in \[0, 1\), got beta1=1.0"),
    (lambda: ol.adam(0.1, beta2=2), r"beta2 must be in \[0, 1\), got beta2=2"),
    (lambda: ol.adam(0.1, eps_placement="hat", amsgrad=True, amsgrad_max="corrected"),
     "needs amsgrad_max='raw'"),
    (lambda: ol.adagrad(0.1, initial_accumulator=-1),
     r"initial_accumulator must be in \[0, inf\), got initial_accumulator=-1"),
    (lambda: ol.adamw(0.1, weight_decay=-0.1), r"weight_decay must be in \[0, inf\)"),
    (lambda: ol.run(ol.sgd(0.1), BOWL, [1.0, 2.0, 3.0], 5), r"x0 must have shape \(\.\.\., 2\)"),
    (lambda: ol.run(ol.sgd(0.1), BOWL, [np.nan, 1.0], 5), "x0 must be finite"),
    (lambda: ol.run(ol.sgd(0.1), BOWL, [1.0, 1.0], -3),
     r"steps must be an integer >= 0, got steps=-3"),
    (lambda: ol.run(ol.sgd(0.1), BOWL, [1.0, 1.0], 2.5), r"steps must be an integer >= 0"),
    (lambda: ol.sweep(ol.sgd, BOWL, [1.0, 1.0], 5, lr=0.1), "needs at least one hyperparameter"),
    (lambda: ol.quadratic([[1, 2], [0, 1]]), "symmetric square matrix"),
    (lambda: ol.noisy(BOWL, sigma=-1), r"sigma must be in \[0, inf\), got sigma=-1"),
    (lambda: ol.rmsprop("fast"), "lr must be a number"),
])
def test_bad_input_raises_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_gamma_one_is_allowed_and_blows_up_with_tiny_eps():
    """Seed 004's exercise: with γ = 1 the state never leaves 0, the step is η g/√ε."""
    tr = ol.run(ol.rmsprop(0.4, gamma=1.0, eps=1e-6), ol.seed004_bowl(), [-5.0, -2.0], 20)
    assert (tr.states.s == 0).all()
    assert bool(tr.diverged)
