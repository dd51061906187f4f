"""Numbers as text, for labels, readouts, alt text and tables: the one home of the
formatting the figures, panels and histories share."""

from __future__ import annotations

import numpy as np


def number(v, *, small: str = ".1e", zero_plain: bool = True) -> str:
    """Three significant digits; below 1e-3 in magnitude the ``small`` format (0 stays
    ``"0"`` unless ``zero_plain`` is False)."""
    return f"{v:.3g}" if abs(v) >= 1e-3 or (zero_plain and v == 0) else format(v, small)


def point(p) -> str:
    """A point as ``(x₁, x₂, …)`` with :func:`number` coordinates."""
    return "(" + ", ".join(number(float(c)) for c in np.atleast_1d(p)) + ")"


def diverged(tr) -> str | None:
    """``"diverged at step k"`` for a run that has blown up (every readout's wording of
    it), else None."""
    if bool(np.all(tr.diverged)):
        return f"diverged at step {int(tr.diverged_at)}"
    return None


def short(v) -> str:
    """Three significant digits, always (control labels and grid values)."""
    return f"{v:.3g}"


def hyperparameter(value) -> str:
    """A hyperparameter in an optimizer's label: the number, or how many it holds."""
    if np.ndim(value):
        return f"[{np.size(value)} values]"
    return f"{float(value):g}"
