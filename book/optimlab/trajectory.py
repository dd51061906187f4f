"""Running optimizers: one run, or a whole grid of settings in one vectorised pass."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping

import numpy as np

from . import _validate as check
from .objectives import Objective, noise_rows
from .optimizers import Optimizer, unchecked_step


@dataclasses.dataclass(frozen=True)
class Trajectory:
    """The record of a run (or of every run of a sweep).

    ``x`` has shape ``(steps + 1, *batch, d)`` and ``loss`` ``(steps + 1, *batch)``;
    ``states`` is the optimizer's state NamedTuple with every array field stacked
    over time (index 0 is the state before the first step). A run that blew up is
    ``diverged``: from step ``diverged_at`` on (the first non-finite or exploding
    iterate) ``x`` and ``loss`` are NaN, so plots stop at the last good point.
    ``grid`` names the swept hyperparameters and their values, one per batch axis.
    """

    x: np.ndarray
    loss: np.ndarray
    states: Any
    diverged: np.ndarray
    diverged_at: np.ndarray
    objective: Objective
    optimizer: Optimizer
    grid: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict)

    @property
    def steps(self) -> int:
        return self.x.shape[0] - 1

    @property
    def batch_shape(self) -> tuple:
        return self.x.shape[1:-1]

    @property
    def final(self) -> np.ndarray:
        return self.x[-1]

    def label(self) -> str:
        return self.optimizer.label()

    def steps_to(self, tol: float) -> np.ndarray:
        """First step with ``loss - f_min <= tol`` per run; -1 where never reached."""
        check.positive("tol", tol)
        gap = self.loss - self.objective.f_min
        with np.errstate(invalid="ignore"):
            hit = gap <= tol
        first = np.argmax(hit, axis=0)
        return np.where(hit.any(axis=0), first, -1)

    def __getitem__(self, index) -> "Trajectory":
        """One run (or a slice) of a sweep: ``tr[i, j]`` indexes the batch axes with
        integers or slices; axes not indexed are kept whole, with their grid."""
        index = _batch_index(index, self.batch_shape)
        full = (slice(None),) + index
        states = type(self.states)(*(
            None if f is None else (f if np.ndim(f) == 1 else f[full])
            for f in self.states))
        names = list(self.grid) if len(self.grid) == len(index) else [None] * len(index)
        grid = {k: self.grid[k][i] for k, i in zip(names, index)
                if k is not None and isinstance(i, slice)}
        return dataclasses.replace(
            self, x=self.x[full], loss=self.loss[full], states=states,
            diverged=self.diverged[index], diverged_at=self.diverged_at[index], grid=grid)


def _batch_index(index, batch: tuple) -> tuple:
    """``index`` as a tuple of ints and slices, one per batch axis at most."""
    index = index if isinstance(index, tuple) else (index,)
    for i in index:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer, slice)):
            raise TypeError(f"index must be integers or slices, got index={index!r}")
    if len(index) > len(batch):
        raise ValueError(f"index={index!r} has {len(index)} entries, but this trajectory "
                         f"has {len(batch)} batch axes (shape {batch})")
    for i, n in zip(index, batch):
        if not isinstance(i, slice) and not -n <= i < n:
            raise ValueError(f"index={index!r} is out of range for batch shape {batch}")
    return index + (slice(None),) * (len(batch) - len(index))


def run(optimizer: Optimizer, objective: Objective, x0, steps: int, *,
        blowup: float = 1e4) -> Trajectory:
    """Run ``optimizer`` on ``objective`` from ``x0`` for ``steps`` steps.

    Hyperparameter arrays in ``optimizer`` and batch axes in ``x0`` broadcast into
    one batch of independent runs. A run is diverged at the first iterate that is
    not finite or has a coordinate larger than ``blowup * (1 + |x0|)``; it never
    raises and never emits numpy warnings. ``steps`` is at most
    ``optimlab._validate.MAX_STEPS``, and the record must fit in ``MAX_BYTES``.
    """
    check.instance("optimizer", optimizer, Optimizer, " (call the factory: sgd(0.1), not sgd)")
    check.instance("objective", objective, Objective)
    blowup = float(check.positive("blowup", check.number("blowup", blowup)))
    x0 = check.point("x0", x0, objective.dim)
    batch = _run_batch(x0, optimizer)
    x = np.broadcast_to(x0, batch + (objective.dim,)).copy()
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
    fields = 2 + sum(f is not None and np.ndim(f) > 0 for f in state)  # x, loss, state
    steps = check.steps("steps", steps, fields * x.size)
    xs = np.empty((steps + 1,) + x.shape)
    xs[0] = x
    with np.errstate(all="ignore"):
        record = _Recorder(state, steps)
        box = None if objective.domain is None else np.array(objective.domain, dtype=float).T
        step = unchecked_step(optimizer)
        if objective.noise:
            noise_rows(objective.seed, objective.dim, steps)  # all of the run's noise at once
        for t in range(steps):
            x, state = step(x, objective.gradient(x, t), state)
            if box is not None:
                x = np.clip(x, box[0], box[1])
            xs[t + 1] = x
            record(t + 1, state)
        loss = objective.f(xs)
        diverged, diverged_at = mark_divergence(_blown_up(xs, loss, x0, blowup), xs, loss)
    return Trajectory(xs, loss, record.stacked(), diverged, diverged_at, objective, optimizer)


def _run_batch(x0: np.ndarray, optimizer: Optimizer) -> tuple:
    try:
        return np.broadcast_shapes(x0.shape[:-1], optimizer.batch_shape)
    except ValueError:
        raise ValueError(f"x0 has batch shape {x0.shape[:-1]} and the optimizer's "
                         f"hyperparameters {optimizer.batch_shape}; they must broadcast") from None


def _blown_up(xs, loss, x0, blowup) -> np.ndarray:
    """Per step and run: the loss is not finite or a coordinate exceeds the limit."""
    limit = blowup * (1.0 + np.linalg.norm(x0, axis=-1))
    bad = ~np.isfinite(loss)
    for i in range(xs.shape[-1]):  # a loop over the few coordinates beats a reduction over them
        bad |= np.abs(xs[..., i]) > limit
    return bad


def mark_divergence(bad: np.ndarray, *records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divergence marking shared by :func:`run` and :func:`optimlab.training.train`.

    ``bad`` has shape ``(T + 1, *batch)``: True where a record (a step, an epoch) is
    blown up. A run is diverged from its first bad entry on: returns ``(diverged,
    diverged_at)`` of shape ``batch`` (``diverged_at`` -1 where never) and sets every
    array in ``records`` (leading shape ``(T + 1, *batch)``) to NaN from there on, in place.
    """
    diverged_at = np.where(bad.any(axis=0), np.argmax(bad, axis=0), -1)
    diverged = diverged_at >= 0
    if diverged.any():
        after = np.arange(bad.shape[0]).reshape((-1,) + (1,) * (bad.ndim - 1))
        dead = diverged & (after >= diverged_at)
        for arr in records:
            arr[dead] = np.nan
    return diverged, diverged_at


class _Recorder:
    """Stacks every array field of the state over time into preallocated arrays."""

    def __init__(self, state, steps: int):
        self.kind = type(state)
        self.fields = [None if f is None else
                       np.empty((steps + 1,) + np.shape(f), dtype=np.asarray(f).dtype)
                       for f in state]
        self(0, state)

    def __call__(self, t: int, state):
        for out, value in zip(self.fields, state):
            if out is not None:
                out[t] = value

    def stacked(self):
        return self.kind(*self.fields)


def sweep(factory: Callable[..., Optimizer], objective: Objective, x0, steps: int,
          **params) -> Trajectory:
    """Run every combination of the listed hyperparameters in one vectorised pass.

    Keyword arguments given as lists or 1-D arrays of numbers become grid axes, in the
    order given; anything else (numbers, strings, flags, tuples such as torch's
    ``betas``) is passed unchanged. Strings and flags cannot be swept. For example
    ``sweep(rmsprop, bowl, x0, 200, lr=np.geomspace(1e-3, 1, 100), gamma=[0.9, 0.99])``
    returns ``x`` of shape ``(201, 100, 2, 2)`` and ``grid == {"lr": ..., "gamma": ...}``.
    """
    if not callable(factory) or isinstance(factory, Optimizer):
        raise TypeError(f"factory must be an optimizer factory such as sgd, got {factory!r}")
    check.instance("objective", objective, Objective)
    axes = {k: _axis(k, v) for k, v in params.items() if isinstance(v, (list, np.ndarray))}
    if not axes:
        raise ValueError("sweep needs at least one hyperparameter given as a list of values, "
                         f"got {sorted(params)}")
    fixed = {k: v for k, v in params.items() if k not in axes}
    x0 = check.point("x0", x0, objective.dim)
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    optimizer = factory(**fixed, **dict(zip(axes, mesh)))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"factory must return an Optimizer, got {type(optimizer).__name__}")
    if x0.ndim != 1:
        raise ValueError(f"sweep takes a single start point of shape ({objective.dim},), "
                         f"got shape {x0.shape}")
    return dataclasses.replace(run(optimizer, objective, x0, steps), grid=axes)


def _axis(name: str, values) -> np.ndarray:
    """One grid axis: a non-empty 1-D list or array of numbers."""
    raw = np.asarray(values, dtype=object if isinstance(values, list) else None)
    if raw.ndim != 1 or raw.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of values to sweep, "
                         f"got {name}={values!r} (shape {raw.shape})")
    if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in raw.tolist()):
        raise ValueError(f"{name} cannot be swept: strings and flags are not grid axes, "
                         f"got {name}={values!r}; run one sweep per value")
    return check.finite(name, values)
