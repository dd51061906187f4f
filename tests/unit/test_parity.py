"""optimlab's presets reproduce PyTorch, optax and Keras step for step.

The reference trajectories were recorded from the libraries themselves by
tests/golden/make_golden.py (float64, 30 steps on 0.1x² + 5y² from (-10, 1.5)).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from optimlab.conventions import preset

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "trajectories.json").read_text())
def _preset(case):
    library = case["library"]
    name = case["constructor"].rsplit(".", 1)[-1]
    kwargs = dict(case["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return preset(library, name, **kwargs)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_matches_library(case):
    tr = ol.run(_preset(case), ol.seed000_bowl(), case["x0"], case["steps"])
    np.testing.assert_allclose(tr.x, np.array(case["x"]), rtol=1e-10, atol=1e-12)


def _golden(case_id):
    return next(np.array(c["x"]) for c in GOLDEN["cases"] if c["id"] == case_id)


@pytest.mark.parametrize("a, b, at_least", [
    # eps outside (torch) vs inside (optax) the root: visible with a large eps
    ("torch-rmsprop-lr0.1-alpha0.9-eps1e-2", "optax-rmsprop-lr0.1-eps1e-2", 1e-3),
    # optax takes AMSGrad's max of the bias-corrected s, torch of the raw s
    ("torch-adam-lr0.1-amsgrad", "optax-amsgrad-lr0.1", 1e-2),
    # Keras's epsilon-hat form vs the paper's form, same eps
    ("keras-adam-lr0.1-eps1e-1", "optax-adam-lr0.1-eps1e-1", 1e-2),
    # torch's first momentum buffer ignores dampening
    ("torch-momentum-lr0.05-mu0.9-dampening0.5", "torch-momentum-lr0.05-mu0.9", 1e-2),
])
def test_conventions_visibly_differ(a, b, at_least):
    assert np.abs(_golden(a) - _golden(b)).max() > at_least


def test_dampening_first_step_is_a_convention():
    """With dampening the first-step rule matters: only PyTorch's matches PyTorch."""
    torch_x = _golden("torch-momentum-lr0.05-mu0.9-dampening0.5")
    bowl, x0 = ol.seed000_bowl(), [-10.0, 1.5]
    zero = ol.run(ol.momentum(0.05, 0.9, dampening=0.5), bowl, x0, 30).x
    grad = ol.run(ol.momentum(0.05, 0.9, dampening=0.5, first_step="grad"), bowl, x0, 30).x
    np.testing.assert_allclose(grad, torch_x, rtol=1e-10, atol=1e-12)
    assert np.abs(zero - torch_x).max() > 1e-2


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="library must be one of"):
        preset("tensorflow1", "Adam")
    with pytest.raises(ValueError, match="name must be one of"):
        preset("torch", "Yogi")
    with pytest.raises(ValueError, match=r"argument of keras RMSprop must be one of .*alpha"):
        preset("keras", "RMSprop", alpha=0.9)
