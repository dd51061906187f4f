"""How the tests compare floating-point results that come from different code paths.

numpy and OpenBLAS pick their kernels by array shape, memory layout and CPU (SIMD width,
FMA): a batched gradient and a single one, a sweep and a loop of runs, or one run on two
CPUs may round differently in the last bit, about 1.1e-16 relative. Iterations then carry
that difference along; on the runs compared here (at most a few hundred steps of maps that
contract, or expand by a bounded factor per step before a run is marked diverged) it stays
many orders of magnitude below 1e-12 relative, so ``RTOL = 1e-12`` fails any real
difference (a wrong convention changes the first or second digit) and no rounding one.

A relative tolerance alone is not enough for a coordinate that converges to 0: there the
same last-bit noise, made at the size of the numbers it came from, is an arbitrary
multiple of the tiny value. The absolute floor is therefore ``RTOL`` times the scale of
the quantity over the run (its largest finite magnitude), never a bare constant.

Exact equality stays where the code guarantees it: the same function on the same inputs
and shapes (a run repeated, a copy, a seeded draw), integer or boolean results.
"""
from __future__ import annotations

import numpy as np

RTOL = 1e-12


def scale_of(*arrays) -> float:
    """The largest finite magnitude in ``arrays`` (1 if there is none)."""
    finite = [np.abs(a[np.isfinite(a)]) for a in map(np.asarray, arrays)]
    finite = [a for a in finite if a.size]
    return float(max(a.max() for a in finite)) if finite else 1.0


def assert_close(actual, expected, *, rtol: float = RTOL, scale: float | None = None,
                 err_msg: str = "") -> None:
    """``actual`` equals ``expected`` up to rounding: relative ``rtol``, with an absolute
    floor ``rtol * scale`` (default: the scale of ``expected``); NaN matches NaN."""
    expected = np.asarray(expected, dtype=float)
    floor = rtol * (scale_of(expected) if scale is None else scale)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=floor, equal_nan=True,
                               err_msg=err_msg)
