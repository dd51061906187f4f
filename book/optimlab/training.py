r"""Training on real data: a minibatch loop for any optimizer, its record and figures.

The data sets and the models live in :mod:`optimlab.data` and :mod:`optimlab.models`;
this module re-exports them, so ``training.load``, ``training.mlp`` and the like work.

* **Data** (:func:`load`, in :mod:`optimlab.data`): data sets that ship inside
  scikit-learn, split and standardised reproducibly.
* **Models** (:func:`linear_regression`, :func:`softmax_regression`, :func:`mlp`,
  :func:`least_squares`, in :mod:`optimlab.models`): ``loss_grad(w, X, y) -> (loss,
  grad)`` on a flat parameter vector, batched over settings.
* **Training** (:func:`train`): the minibatch loop. Each epoch shuffles the training
  set, cuts it into minibatches and takes one ``optimizer.step`` per minibatch. An
  optimizer whose hyperparameters are arrays trains a whole batch of settings in one
  call; every setting starts from the same point and sees the same minibatches.
* **Figures** (:func:`training_curves`): loss or accuracy per epoch, with alt text.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Mapping

import numpy as np

from . import _validate as check
from ._format import number
from .data import DATASETS, Dataset, load
from .models import (Model, Optimum, least_squares, linear_regression, mlp,
                     softmax_regression)
from .optimizers import SYMBOLS, Optimizer, unchecked_step
from .plots import LINESTYLES, MARKERS, PALETTE, Plot, new_figure
from .trajectory import mark_divergence

__all__ = ["DATASETS", "Dataset", "load", "Model", "Optimum", "least_squares",
           "linear_regression", "mlp", "softmax_regression", "METRICS", "History", "train",
           "training_curves"]

# --------------------------------------------------------------------- training

METRICS = ("train_loss", "test_loss", "test_accuracy", "minibatch_loss")


@dataclasses.dataclass(frozen=True)
class History:
    """The record of :func:`train` (of every setting, when the optimizer is batched).

    Per epoch, with index 0 the starting point: ``train_loss`` and ``test_loss``
    (shape ``(epochs + 1, *batch)``), ``test_accuracy`` (classification, else ``None``)
    and ``seconds``, the cumulative wall time of the minibatch gradients and steps
    (evaluation excluded, as d2l's timer does). ``minibatch_loss`` has one entry per
    step: the loss of the minibatch the step's gradient came from. ``w`` is the final
    parameter vector. A setting whose training loss stops being finite (or exceeds
    ``blowup`` times its starting value, see :func:`train`) is ``diverged`` from epoch
    ``diverged_at`` on (-1: never); its metrics are NaN there. (``minibatch_loss`` and
    ``w`` are kept as computed.)
    """

    train_loss: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray | None
    minibatch_loss: np.ndarray
    seconds: np.ndarray
    w: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    optimizer: Optimizer
    hyperparams: dict
    model: str
    data: str
    batch_size: int
    steps_per_epoch: int

    @property
    def epochs(self) -> int:
        return self.train_loss.shape[0] - 1

    @property
    def batch_shape(self) -> tuple:
        return self.train_loss.shape[1:]

    def label(self) -> str:
        """The optimizer's label with this run's hyperparameters."""
        return self.optimizer._replace(hyperparams=self.hyperparams).label()

    def __repr__(self):
        runs = (f"{int(np.prod(self.batch_shape))} settings of " if self.batch_shape else "")
        text = (f"History({runs}{self.label()}, {self.model} on {self.data}: {self.epochs} "
                f"epochs of {self.steps_per_epoch} steps (minibatches of {self.batch_size})")
        if not self.batch_shape:
            end = ("diverged" if self.diverged else f"{float(self.train_loss[-1]):.4g}")
            text += f", training loss {float(self.train_loss[0]):.4g} -> {end}"
        return text + ")"

    def best(self, metric: str = "train_loss") -> "History":
        """The setting of a batched run with the lowest final loss (or the highest final
        test accuracy); diverged settings never win."""
        check.choice("metric", metric, METRICS[:3])
        final = _metric(self, metric)[-1]
        if not np.isfinite(final).any():
            raise ValueError(f"every setting diverged; no best {metric}")
        pick = np.nanargmax if metric == "test_accuracy" else np.nanargmin
        return self[np.unravel_index(pick(final), self.batch_shape)]

    def __getitem__(self, index) -> "History":
        """One setting (or a slice) of a batched run: ``hist[i, j]`` indexes the batch axes."""
        index = index if isinstance(index, tuple) else (index,)
        per_epoch = (slice(None),) + index
        hp = {k: (np.broadcast_to(v, self.batch_shape)[index] if _numeric(v) else v)
              for k, v in self.hyperparams.items()}
        acc = None if self.test_accuracy is None else self.test_accuracy[per_epoch]
        return dataclasses.replace(
            self, train_loss=self.train_loss[per_epoch], test_loss=self.test_loss[per_epoch],
            test_accuracy=acc, minibatch_loss=self.minibatch_loss[per_epoch],
            w=self.w[index], diverged=self.diverged[index],
            diverged_at=self.diverged_at[index], hyperparams=hp)

    def axes(self) -> list[tuple[str, np.ndarray]]:
        """For each batch axis, the hyperparameter that varies along it and its values."""
        found = []
        for k, n in enumerate(self.batch_shape):
            for name, value in self.hyperparams.items():
                if not _numeric(value) or n < 2:
                    continue
                line = np.moveaxis(np.broadcast_to(value, self.batch_shape), k, 0).reshape(n, -1)
                if (line != line[:1]).any() and (line == line[:, :1]).all():
                    found.append((name, line[:, 0].copy()))
                    break
            else:
                raise ValueError(f"no hyperparameter varies along batch axis {k} alone "
                                 f"(batch shape {self.batch_shape})")
        return found

    def split(self) -> dict:
        """The settings of a batched run as ``{"η=0.01": History, ...}`` (one batch axis)
        or ``{"γ=0.9": {"η=0.01": History, ...}, ...}`` (two), as
        :func:`training_curves` takes them."""
        axes = self.axes()
        if len(axes) not in (1, 2):
            raise ValueError(f"split needs 1 or 2 batch axes, got batch shape {self.batch_shape}")
        names = [[f"{SYMBOLS.get(n, n)}={v:g}" for v in vals] for n, vals in axes]
        if len(axes) == 1:
            return {lbl: self[i] for i, lbl in enumerate(names[0])}
        return {row: {col: self[i, j] for j, col in enumerate(names[1])}
                for i, row in enumerate(names[0])}

    def table(self, metric: str = "train_loss", fmt: str = ".3g") -> str:
        """A Markdown table of the final ``metric`` over one or two batch axes."""
        check.choice("metric", metric, METRICS[:3])
        values = _metric(self, metric)[-1]
        axes = self.axes()
        if len(axes) == 1:
            axes, values = [("", np.array([np.nan]))] + axes, values[None]
        (rn, rv), (cn, cv) = axes
        sym = lambda n: SYMBOLS.get(n, n)  # noqa: E731
        corner = f"{sym(rn)} \\ {sym(cn)}" if rn else sym(cn)
        lines = [f"| {corner} | " + " | ".join(f"{c:g}" for c in cv) + " |",
                 "|---" * (len(cv) + 1) + "|"]
        for r, row in zip(rv, values):
            cells = ["diverged" if not np.isfinite(v) else format(v, fmt) for v in row]
            lines.append(f"| {'' if not rn else format(r, 'g')} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _numeric(value) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "fiu"


def train(optimizer: Optimizer, model: Model, data: Dataset, *, epochs: int, batch_size: int,
          seed: int = 0, w0=None, blowup: float = 1e6) -> History:
    """Minibatch training: the loop of d2l's ``train_ch11`` with the state handled by
    the optimizer's ``init``/``step``.

    Start at ``w0`` (default ``model.init(seed)``). Epoch ``e`` visits the training
    examples in the order of the ``e``-th ``permutation`` drawn from
    ``np.random.default_rng(seed)``, in minibatches of ``batch_size`` (the last one
    smaller if ``batch_size`` does not divide the training set), one step each.
    ``batch_size = data.n_train`` is full-batch gradient descent, one step per epoch.

    An optimizer with array hyperparameters (batch shape ``B``) trains all its
    settings at once, parameters of shape ``B + (dim,)``, from the same start and on
    the same minibatches. A setting diverges at the first epoch whose training loss
    is not finite or exceeds ``blowup`` times the starting loss; the run never raises
    on divergence and emits no numpy warnings (see :class:`History`).
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an optimlab Optimizer, got {optimizer!r}")
    epochs = check.integer("epochs", epochs, 1, check.MAX_STEPS)
    seed = check.integer("seed", seed)
    blowup = float(check.positive("blowup", blowup))
    n = data.n_train
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be an integer in [1, {n}] (the {data.name} "
                         f"training set has {n} examples), got batch_size={batch_size!r}")
    _check_model(model, data)
    batch = optimizer.batch_shape
    w = model.init(seed) if w0 is None else np.asarray(w0, dtype=float)
    if w.shape[-1:] != (model.dim,) or not np.isfinite(w).all():
        raise ValueError(f"w0 must be finite with shape (..., {model.dim}) for this "
                         f"{model.name}, got shape {w.shape}")
    batch = np.broadcast_shapes(batch, w.shape[:-1])
    w = np.broadcast_to(w, batch + (model.dim,)).copy()

    steps_per_epoch = -(-n // batch_size)
    train_loss = np.empty((epochs + 1,) + batch)
    test_loss = np.empty_like(train_loss)
    accuracy = np.empty_like(train_loss) if data.task == "classification" else None
    minibatch = np.empty((epochs * steps_per_epoch,) + batch)
    seconds = np.zeros(epochs + 1)
    rng = np.random.default_rng(seed)

    def evaluate(e):
        train_loss[e] = model.loss(w, data.X_train, data.y_train)
        test_loss[e] = model.loss(w, data.X_test, data.y_test)
        if accuracy is not None:
            accuracy[e] = model.accuracy(w, data.X_test, data.y_test)

    with np.errstate(all="ignore"):
        state = optimizer.init(w)
        step = unchecked_step(optimizer)  # a gradient that overflows is a divergence here
        evaluate(0)
        k = 0
        for e in range(1, epochs + 1):
            start = time.perf_counter()
            order = rng.permutation(n)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                minibatch[k], g = model.loss_grad(w, data.X_train[idx], data.y_train[idx])
                w, state = step(w, g, state)
                k += 1
            seconds[e] = seconds[e - 1] + time.perf_counter() - start
            evaluate(e)

    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(train_loss) | (train_loss > blowup * train_loss[0])
    diverged, diverged_at = mark_divergence(
        bad, train_loss, test_loss, *(() if accuracy is None else (accuracy,)))
    hp = {k: (v if not _numeric(v) or v.ndim == 0 else np.broadcast_to(v, batch))
          for k, v in optimizer.hyperparams.items()}
    return History(train_loss, test_loss, accuracy, minibatch, seconds, w, diverged,
                   diverged_at, optimizer, hp, model.name, data.name, int(batch_size),
                   steps_per_epoch)


def _check_model(model: Model, data: Dataset):
    if not isinstance(model, Model):
        raise ValueError(f"model must be an optimlab.training Model, got {model!r}")
    if model.task != data.task:
        raise ValueError(f"a {model.name} model needs a {model.task} data set, "
                         f"got {data.name!r} ({data.task})")
    if model.n_features != data.n_features:
        raise ValueError(f"the model takes {model.n_features} features, the {data.name} "
                         f"data have {data.n_features}")
    if data.task == "classification" and model.n_outputs != data.n_classes:
        raise ValueError(f"the model has {model.n_outputs} classes, the {data.name} "
                         f"data have {data.n_classes}")


# ---------------------------------------------------------------------- figures

_METRIC_NAMES = {"train_loss": "training loss", "test_loss": "test loss",
                 "test_accuracy": "test accuracy", "minibatch_loss": "minibatch loss"}


def _metric(h: History, metric: str) -> np.ndarray:
    if metric == "test_accuracy" and h.test_accuracy is None:
        raise ValueError(f"metric='test_accuracy' needs a classification run, "
                         f"got the {h.data} data ({h.model})")
    return getattr(h, metric)


def _fmt(v: float, metric: str) -> str:
    if metric == "test_accuracy":
        return f"{100 * v:.1f}%"
    return number(v, small=".2e", zero_plain=False)


def _describe(label: str, h: History, metric: str, shift: float = 0.0) -> str:
    y = _metric(h, metric) - shift
    if bool(h.diverged) and metric != "minibatch_loss":
        return f"{label}: diverges in epoch {int(h.diverged_at)}"
    return f"{label}: from {_fmt(float(y[0]), metric)} to {_fmt(float(y[-1]), metric)}"


def training_curves(histories, *, metric: str = "train_loss", optimum: float | None = None,
                    title: str | None = None, size: str = "page") -> Plot:
    r"""Loss (log scale) or test accuracy per epoch, one line per run.

    ``histories`` is ``{label: History}`` (one panel), ``{panel title: {label:
    History}}`` (panels side by side, sharing the vertical axis) or a batched
    :class:`History` (split into its settings). Each History must be a single
    setting. ``metric`` is ``"train_loss"``, ``"test_loss"``, ``"test_accuracy"``
    or ``"minibatch_loss"`` (one point per step: the loss of the minibatch the step
    used, plotted at fractional epochs). With ``optimum`` (the least loss there is,
    e.g. ``least_squares(data).train_loss``) a loss is drawn as its gap above it, as
    :func:`optimlab.plots.loss_curves` draws :math:`f(x_t) - f^\star`.
    """
    check.choice("metric", metric, METRICS)
    if optimum is not None and metric == "test_accuracy":
        raise ValueError("optimum applies to a loss, got metric='test_accuracy'")
    if isinstance(histories, History):
        histories = histories.split()
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError(f"histories must be a non-empty mapping label -> History, "
                         f"got {type(histories).__name__}")
    nested = all(isinstance(v, Mapping) for v in histories.values())
    panels = dict(histories) if nested else {"": dict(histories)}
    runs_all = [h for r in panels.values() for h in r.values()]
    for label, h in ((lbl, h) for r in panels.values() for lbl, h in r.items()):
        if h.batch_shape:
            raise ValueError(f"{label!r} holds {int(np.prod(h.batch_shape))} settings; "
                             "index it (hist[i]) or pass hist.split()")
    shift = 0.0 if optimum is None else float(optimum)
    fig, axes = new_figure(ncols=len(panels), size=size, sharey=True)
    alts = []
    for ax, (panel, runs) in zip(axes.flat, panels.items()):
        for k, (label, h) in enumerate(runs.items()):
            y = _metric(h, metric) - shift
            x = (np.arange(1, len(y) + 1) / h.steps_per_epoch if metric == "minibatch_loss"
                 else np.arange(len(y)))
            if metric == "test_accuracy":
                y = 100 * y
            elif optimum is not None:
                y = np.where(y > 0, y, np.nan)
            ax.plot(x, y, label=label, color=PALETTE[k % len(PALETTE)],
                    ls=LINESTYLES[k % len(LINESTYLES)], lw=1.0 if len(y) > 60 else 1.8,
                    marker=MARKERS[k % len(MARKERS)], ms=4, markevery=max(1, len(y) // 10))
        if metric != "test_accuracy":
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        if panel:
            ax.set_title(panel)
        ax.legend(fontsize=8, framealpha=0.9)
        alts.append((f"{panel}: " if panel else "") +
                    "; ".join(_describe(lbl, h, metric, shift) for lbl, h in runs.items()))
    name = _METRIC_NAMES[metric]
    if optimum is not None:
        name = f"{name} minus the optimum {_fmt(shift, metric)}"
    axes[0, 0].set_ylabel(f"{_METRIC_NAMES[metric]} (%)" if metric == "test_accuracy" else
                          f"{_METRIC_NAMES[metric]}" + (" − optimum" if optimum is not None
                                                        else "") + " (log scale)")
    first = runs_all[0]
    same = len({(h.model, h.data, h.batch_size) for h in runs_all}) == 1
    where = f"{first.model} on the {first.data} data" + (
        f", minibatches of {first.batch_size}" if same else "")
    if title:
        (fig.suptitle if nested else axes[0, 0].set_title)(title)
    kind = "in percent" if metric == "test_accuracy" else "on a log scale"
    alt = (f"{name[0].upper() + name[1:]} {kind} against epoch, {where}"
           + (f", {len(panels)} panels side by side" if nested else "") + ". "
           + ". ".join(alts) + ".")
    return Plot(fig, alt)
