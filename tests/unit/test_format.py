"""optimlab._format: the one home of the number formatting, giving the strings that the
figures, panels, labels and histories printed before it was shared."""

import numpy as np
import pytest

from optimlab import _format, compare, curves, optimizers, plots, training, widgets

VALUES = [0.0, -0.0, 1e-12, 3.3e-4, -2e-4, 1e-3, 0.012345, 0.5, 1.0, 2.0 / 3, 12.5, 1234.5,
          -7.25e6, np.float64(0.1), np.float32(0.25), np.nan, np.inf]


@pytest.mark.parametrize("v", VALUES)
def test_number_formats_as_before(v):
    assert _format.number(v) == (f"{v:.3g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.1e}")
    small = f"{v:.3g}" if abs(v) >= 1e-3 else f"{v:.2e}"
    assert _format.number(v, small=".2e", zero_plain=False) == small
    assert training._fmt(v, "train_loss") == small
    assert _format.short(v) == f"{v:.3g}"


def test_points_hyperparameters_and_accuracy():
    assert _format.point([1.0, 2e-5]) == "(1, 2.0e-05)"
    assert _format.point(np.float64(0.5)) == "(0.5)"
    assert _format.hyperparameter(0.1) == "0.1"
    assert _format.hyperparameter(np.array([0.1, 0.2])) == "[2 values]"
    assert training._fmt(0.9876, "test_accuracy") == "98.8%"


def test_one_definition_each():
    """The modules use the shared functions rather than copies of them."""
    assert plots._fmt is _format.number and plots._point is _format.point
    assert widgets._fmt is _format.number and widgets._point is _format.point
    assert compare._fmt is _format.number and curves.short is _format.short
    assert optimizers._fmt is _format.hyperparameter
