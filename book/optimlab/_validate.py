"""Argument checks shared by the package: every bad input gets a ValueError that
names the argument, the value it got and the range it allows."""

from __future__ import annotations

import numpy as np


def _first_bad(arr: np.ndarray, ok: np.ndarray):
    bad = arr[~ok]
    return bad.flat[0] if bad.size else None


def _as_float(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from None
    return arr


def in_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=False):
    """Return `value` as a float array, or raise if any element is outside the interval."""
    arr = _as_float(name, value)
    ok = np.isfinite(arr) & ((arr > lo) if lo_open else (arr >= lo))
    ok &= (arr < hi) if hi_open else (arr <= hi)
    if not ok.all():
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        shown = value if arr.ndim == 0 else float(_first_bad(arr, ok))
        raise ValueError(
            f"{name} must be in {left}{lo:g}, {hi:g}{right}, got {name}={shown!r}"
        )
    return arr


def positive(name: str, value):
    """lr and similar: finite and strictly positive."""
    return in_range(name, value, 0.0, np.inf, lo_open=True, hi_open=True)


def nonnegative(name: str, value):
    return in_range(name, value, 0.0, np.inf, hi_open=True)


def unit(name: str, value, *, hi_open=False):
    """Decay rates: in [0, 1] (or [0, 1) where 1 would divide by zero)."""
    return in_range(name, value, 0.0, 1.0, hi_open=hi_open)


def choice(name: str, value, options):
    if value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}, got {name}={value!r}")
    return value


def integer(name: str, value, lo: int = 0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {name}={value!r}")
    return int(value)


def point(name: str, value, dim: int) -> np.ndarray:
    """A start point: finite, last axis of length `dim`. Returns a fresh float array."""
    arr = np.array(value, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != dim:
        raise ValueError(
            f"{name} must have shape (..., {dim}) for this {dim}-D objective, "
            f"got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    return arr
