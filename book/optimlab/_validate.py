"""Argument checks shared by the package: every bad input gets a ValueError (or a
TypeError for a value of the wrong kind) that names the argument, the value it got and
what is allowed, before any work is done."""

from __future__ import annotations

import numpy as np

#: the longest run :func:`optimlab.run` accepts, and the memory its record may take
MAX_STEPS = 1_000_000
MAX_BYTES = 2 * 1024**3


def _first_bad(arr: np.ndarray, ok: np.ndarray):
    bad = arr[~ok]
    return bad.flat[0] if bad.size else None


def _as_float(name: str, value) -> np.ndarray:
    """``value`` as a float array; strings, bools and non-numeric arrays are refused
    (``np.asarray("0.1", float)`` would quietly parse the string, ``True`` would be 1)."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise ValueError(f"{name} must be a number or an array of numbers, got {name}={value!r}")
    try:
        raw = np.asarray(value)
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, "
                         f"got {name}={value!r}") from None
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a number or an array of numbers, "
                         f"got {name}={value!r}")
    return arr


def number(name: str, value) -> float:
    """A single finite number (not a bool, string or array)."""
    arr = _as_float(name, value)
    if arr.ndim or not np.isfinite(arr):
        raise ValueError(f"{name} must be a single finite number, got {name}={value!r}")
    return float(arr)


def vector(name: str, value) -> np.ndarray:
    """A non-empty 1-D array of numbers (NaN allowed: a curve that stops)."""
    arr = _as_float(name, value)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of numbers, got shape {arr.shape}")
    return arr


def in_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=False):
    """Return `value` as a float array, or raise if any element is outside the interval
    (infinite values are outside, except ``hi=inf`` with ``hi_open=False``: ``[0, inf]``)."""
    arr = _as_float(name, value)
    finite = np.isfinite(arr) | ((arr == np.inf) if hi == np.inf and not hi_open else False)
    ok = finite & ((arr > lo) if lo_open else (arr >= lo))
    ok &= (arr < hi) if hi_open else (arr <= hi)
    if not ok.all():
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        shown = value if arr.ndim == 0 else float(_first_bad(arr, ok))
        allowed = ("finite" if (lo, hi) == (-np.inf, np.inf) else
                   f"in {left}{lo:g}, {hi:g}{right}")
        raise ValueError(f"{name} must be {allowed}, got {name}={shown!r}")
    return arr


def positive(name: str, value):
    """lr and similar: finite and strictly positive."""
    return in_range(name, value, 0.0, np.inf, lo_open=True, hi_open=True)


def nonnegative(name: str, value):
    return in_range(name, value, 0.0, np.inf, hi_open=True)


def finite(name: str, value):
    """Any finite number or array of numbers."""
    return in_range(name, value, -np.inf, np.inf, lo_open=True, hi_open=True)


def unit(name: str, value, *, hi_open=False):
    """Decay rates: in [0, 1] (or [0, 1) where 1 would divide by zero)."""
    return in_range(name, value, 0.0, 1.0, hi_open=hi_open)


def choice(name: str, value, options):
    try:
        ok = value in options
    except (TypeError, ValueError):  # an array compared with strings
        ok = False
    if not ok or not isinstance(value, type(next(iter(options), value))):
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}, got {name}={value!r}")
    return value


def flag(name: str, value) -> bool:
    """A switch: a Python or numpy bool only. A truthy string such as ``"no"`` would
    otherwise turn the feature on, and an array of flags cannot be one run."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {name}={value!r}; flags cannot "
                    "be swept (run one sweep per setting)")


def integer(name: str, value, lo: int = 0, hi: int | None = None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {name}={value!r}")
    if hi is not None and value > hi:
        raise ValueError(f"{name} must be an integer <= {hi}, got {name}={value!r}")
    return int(value)


def steps(name: str, value, floats_per_step: int = 0) -> int:
    """A number of steps: an integer in [0, MAX_STEPS] whose record of
    ``floats_per_step`` float64 values per step fits in MAX_BYTES."""
    n = integer(name, value, 0)
    need = (n + 1) * floats_per_step * 8
    if n > MAX_STEPS or need > MAX_BYTES:
        raise ValueError(f"{name} must be at most {MAX_STEPS} and its record at most "
                         f"{MAX_BYTES / 1024**3:g} GiB, got {name}={n}, which would need "
                         f"{need / 1024**3:.3g} GiB ({floats_per_step} floats per step): "
                         "use fewer steps or a smaller sweep")
    return n


def instance(name: str, value, cls, hint: str = ""):
    """``value`` must be a ``cls``; ``hint`` says how to make one."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be an optimlab {cls.__name__}{hint}, got {name}={value!r}")
    return value


def broadcast(**named) -> tuple:
    """The common batch shape of named array hyperparameters (or of anything with a
    ``batch_shape``, such as a schedule), or an error naming the two that do not broadcast
    (numpy would only say 'arg 0' and 'arg 1')."""
    shapes = {k: v.batch_shape if hasattr(v, "batch_shape") else np.shape(v)
              for k, v in named.items()}
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        pass
    seen = {}
    for key, shape in shapes.items():
        for other, s in seen.items():
            try:
                np.broadcast_shapes(s, shape)
            except ValueError:
                raise ValueError(f"{other} has shape {s} and {key} has shape {shape}; "
                                 "array hyperparameters must broadcast against each "
                                 "other") from None
        seen[key] = shape
    raise ValueError(f"the shapes {shapes} do not broadcast together")


def point(name: str, value, dim: int) -> np.ndarray:
    """A start point: finite, last axis of length `dim`. Returns a fresh float array."""
    arr = np.array(_as_float(name, value))
    if arr.ndim == 0 or arr.shape[-1] != dim:
        raise ValueError(
            f"{name} must have shape (..., {dim}) for this {dim}-D objective, "
            f"got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    return arr


def start(name: str, value, bounds) -> np.ndarray:
    """One start point inside ``bounds`` (a chart's axes, ``[(lo, hi), ...]``)."""
    x0 = point(name, value, len(bounds))
    if x0.ndim != 1:
        raise ValueError(f"{name} must be one start point of shape ({len(bounds)},), "
                         f"got shape {x0.shape}")
    for i, (v, (lo, hi)) in enumerate(zip(x0, bounds)):
        if not lo <= v <= hi:
            raise ValueError(f"{name}[{i}] must be in [{lo:g}, {hi:g}] (the chart's axis), "
                             f"got {name}[{i}]={float(v)!r}")
    return x0
