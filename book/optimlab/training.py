r"""Training on real data: small data sets, models, and a minibatch loop for any optimizer.

* **Data** (:func:`load`): data sets that ship inside scikit-learn, so nothing is
  downloaded. Only the arrays are taken from scikit-learn (read from its bundled
  files), no model code. The split
  into training and test examples is fixed by a seed; features are standardised with
  the training set's mean and standard deviation (and so is a regression target).
* **Models** (:func:`linear_regression`, :func:`softmax_regression`, :func:`mlp`):
  ``loss_grad(w, X, y) -> (loss, grad)`` on a *flat* parameter vector ``w``, so that
  every optimlab optimizer can step them. ``w`` may have batch axes, shape
  ``batch + (dim,)``: one loss and one gradient per setting.
* **Training** (:func:`train`): the minibatch loop. Each epoch shuffles the training
  set, cuts it into minibatches and takes one ``optimizer.step`` per minibatch. An
  optimizer whose hyperparameters are arrays trains a whole batch of settings in one
  call; every setting starts from the same point and sees the same minibatches.
* **Figures** (:func:`training_curves`): loss or accuracy per epoch, with alt text.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import time
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from . import _validate as check
from .optimizers import SYMBOLS, Optimizer, unchecked_step
from .plots import LINESTYLES, MARKERS, PALETTE, Plot, new_figure

# ------------------------------------------------------------------------ data


def _data_file(name: str) -> Path:
    """A file of scikit-learn's bundled data. ``find_spec`` locates the package without
    importing it (importing scikit-learn takes about a second, reading a file a few ms)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-learn is not installed")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data" / name


def _read(name: str):
    """``(X, y)`` exactly as ``sklearn.datasets.load_<name>(return_X_y=True)`` gives them
    (raw features for the diabetes data), read from the bundled files; the public
    loader is the fallback should the files move."""
    try:
        if name == "diabetes":
            return (np.loadtxt(_data_file("diabetes_data_raw.csv.gz")),
                    np.loadtxt(_data_file("diabetes_target.csv.gz")))
        table = (np.loadtxt(_data_file("digits.csv.gz"), delimiter=",") if name == "digits"
                 else np.loadtxt(_data_file("breast_cancer.csv"), delimiter=",", skiprows=1))
        return table[:, :-1], table[:, -1].astype(int)
    except OSError:
        from sklearn import datasets
        if name == "diabetes":
            return datasets.load_diabetes(scaled=False, return_X_y=True)
        return getattr(datasets, f"load_{name}")(return_X_y=True)


#: name -> (task, one-line description)
DATASETS = {
    "diabetes": ("regression", "disease progression one year after baseline from 10 "
                               "measurements (442 patients; Efron et al. 2004)"),
    "digits": ("classification", "8x8 images of handwritten digits, 10 classes "
                                 "(1797 images; UCI)"),
    "breast_cancer": ("classification", "benign or malignant from 30 features of a cell "
                                        "image (569 samples; UCI)"),
}


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A fixed train/test split. ``y`` is a float target (regression) or int labels."""

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int  # 0 for regression
    description: str

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        return len(self.y_test)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    def __repr__(self):
        kind = "regression" if self.task == "regression" else f"{self.n_classes} classes"
        return (f"Dataset({self.name!r}: {self.n_train} train + {self.n_test} test examples, "
                f"{self.n_features} features, {kind})")


def load(name: str, *, test_fraction: float = 0.25, seed: int = 0,
         standardize: bool = True) -> Dataset:
    """Load a data set that ships with scikit-learn and split it reproducibly.

    ``name`` is one of :data:`DATASETS`. A fraction ``test_fraction`` of the examples,
    chosen by ``np.random.default_rng(seed)``, is held out. With ``standardize=True``
    every feature gets mean 0 and standard deviation 1 on the training set (constant
    features are only centred); with ``False`` the raw measurements are kept. A
    regression target is always standardised on the training set, so a model that
    predicts the mean has a training loss (half the mean squared error) of 0.5.
    """
    check.choice("name", name, tuple(DATASETS))
    frac = check.number("test_fraction", test_fraction)
    frac = float(check.in_range("test_fraction", frac, 0.0, 1.0, lo_open=True, hi_open=True))
    seed = check.integer("seed", seed)
    standardize = check.flag("standardize", standardize)
    task, description = DATASETS[name]
    X, y = _read(name)
    X = np.asarray(X, dtype=float)
    n_test = max(1, round(frac * len(X)))
    if len(X) - n_test < 2:  # standardising needs two training examples
        most = (len(X) - 1.5) / len(X)
        raise ValueError(f"test_fraction must leave at least 2 of the {len(X)} examples of "
                         f"{name!r} for training (test_fraction below about {most:.4f}), "
                         f"got test_fraction={test_fraction!r}")
    perm = np.random.default_rng(seed).permutation(len(X))
    test, tr = perm[:n_test], perm[n_test:]
    X_train, X_test = X[tr], X[test]
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    if task == "regression":
        y = np.asarray(y, dtype=float)
        mu, sd = y[tr].mean(), y[tr].std()
        if sd == 0:
            raise ValueError(f"test_fraction={test_fraction!r} leaves {len(tr)} training "
                             "examples with one target value; use a smaller test_fraction")
        y_train, y_test, n_classes = (y[tr] - mu) / sd, (y[test] - mu) / sd, 0
    else:
        y = np.asarray(y, dtype=int)
        y_train, y_test, n_classes = y[tr], y[test], int(y.max()) + 1
    return Dataset(name, task, X_train, y_train, X_test, y_test, n_classes, description)


# ---------------------------------------------------------------------- models


@dataclasses.dataclass(frozen=True)
class Model:
    r"""A model as functions of a flat parameter vector ``w`` (shape ``batch + (dim,)``).

    ``loss_grad(w, X, y)`` returns the mean loss over the rows of ``X`` (shape
    ``batch``) and its gradient (shape ``batch + (dim,)``); ``predict(w, X)`` the
    outputs; ``init(seed)`` a starting point of shape ``(dim,)``.
    """

    name: str
    task: str
    n_features: int
    n_outputs: int
    dim: int
    loss_grad: Callable
    predict: Callable
    init: Callable

    def loss(self, w, X, y) -> np.ndarray:
        """The loss alone (no gradient): from ``predict``, so it also checks ``loss_grad``."""
        out = self.predict(w, X)
        if self.task == "regression":
            return 0.5 * np.mean((out - y) ** 2, axis=-1)
        z = out - out.max(axis=-1, keepdims=True)
        log_norm = np.log(np.exp(z).sum(axis=-1))
        return np.mean(log_norm - z[..., np.arange(len(y)), y], axis=-1)

    def accuracy(self, w, X, y) -> np.ndarray:
        """Fraction of rows whose largest output is the true class (classification)."""
        return np.mean(self.predict(w, X).argmax(axis=-1) == y, axis=-1)


def _unpack(w: np.ndarray, shapes) -> list:
    """Cut the flat ``w`` (shape ``batch + (dim,)``) into arrays ``batch + shape``."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(w[..., start:start + size].reshape(w.shape[:-1] + tuple(shape)))
        start += size
    return out


def _pack(*arrays, batch) -> np.ndarray:
    return np.concatenate([a.reshape(batch + (-1,)) for a in arrays], axis=-1)


def _normal_init(shapes, scales):
    """Weights ~ N(0, scale²) per block (scale 0 gives zeros), from ``default_rng(seed)``."""
    def init(seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(check.integer("seed", seed))
        return np.concatenate([scale * rng.standard_normal(int(np.prod(shape)))
                               for shape, scale in zip(shapes, scales)])
    return init


def linear_regression(n_features: int) -> Model:
    r"""Linear regression :math:`\hat y = Xw + b` with d2l's squared loss

    .. math:: L(w, b) = \frac{1}{2n} \sum_{i=1}^n (\hat y_i - y_i)^2 .

    Parameters: the ``n_features`` weights, then the bias. Starting point as in d2l's
    ``train_ch11``: weights :math:`\mathcal N(0, 0.01^2)`, bias 0.
    """
    p = check.integer("n_features", n_features, 1)
    shapes = [(p,), ()]

    def predict(w, X):
        W, b = _unpack(w, shapes)
        return W @ X.T + b[..., None]

    def loss_grad(w, X, y):
        W, b = _unpack(w, shapes)
        r = W @ X.T + b[..., None] - y
        n = X.shape[0]
        return 0.5 * np.mean(r * r, axis=-1), _pack(r @ X / n, r.mean(axis=-1),
                                                    batch=w.shape[:-1])

    return Model("linear regression", "regression", p, 1, p + 1, loss_grad, predict,
                 _normal_init(shapes, (0.01, 0.0)))


def _cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against labels ``y`` and its gradient
    with respect to the logits."""
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    onehot = np.eye(logits.shape[-1])[y]
    n = logits.shape[-2]
    return -np.sum(onehot * log_p, axis=(-2, -1)) / n, (np.exp(log_p) - onehot) / n


def softmax_regression(n_features: int, n_classes: int) -> Model:
    r"""Softmax regression: logits :math:`XW + b` (``W`` of shape ``(p, K)``) and the mean
    cross-entropy :math:`-\frac1n\sum_i \log \operatorname{softmax}(x_i W + b)_{y_i}`.

    Parameters: ``W`` row by row, then ``b``. Start: :math:`\mathcal N(0, 0.01^2)`, ``b = 0``.
    """
    p = check.integer("n_features", n_features, 1)
    k = check.integer("n_classes", n_classes, 2)
    shapes = [(p, k), (k,)]

    def predict(w, X):
        W, b = _unpack(w, shapes)
        return X @ W + b[..., None, :]

    def loss_grad(w, X, y):
        W, b = _unpack(w, shapes)
        loss, G = _cross_entropy(X @ W + b[..., None, :], y)
        return loss, _pack(X.T @ G, G.sum(axis=-2), batch=w.shape[:-1])

    return Model("softmax regression", "classification", p, k, p * k + k, loss_grad,
                 predict, _normal_init(shapes, (0.01, 0.0)))


def mlp(n_features: int, n_hidden: int, n_classes: int) -> Model:
    r"""One hidden layer of ``tanh`` units, then softmax and cross-entropy:
    :math:`H = \tanh(XW_1 + b_1)`, logits :math:`HW_2 + b_2`.

    Not convex, unlike the two linear models. Parameters: ``W1, b1, W2, b2`` flattened
    in that order. Start: weights :math:`\mathcal N(0, 1/\text{fan-in})`, biases 0.
    """
    p = check.integer("n_features", n_features, 1)
    h = check.integer("n_hidden", n_hidden, 1)
    k = check.integer("n_classes", n_classes, 2)
    shapes = [(p, h), (h,), (h, k), (k,)]

    def forward(w, X):
        W1, b1, W2, b2 = _unpack(w, shapes)
        H = np.tanh(X @ W1 + b1[..., None, :])
        return H, H @ W2 + b2[..., None, :]

    def loss_grad(w, X, y):
        W1, _, W2, _ = _unpack(w, shapes)
        H, logits = forward(w, X)
        loss, G = _cross_entropy(logits, y)
        dA = (G @ np.swapaxes(W2, -1, -2)) * (1.0 - H * H)
        return loss, _pack(X.T @ dA, dA.sum(axis=-2), np.swapaxes(H, -1, -2) @ G,
                           G.sum(axis=-2), batch=w.shape[:-1])

    return Model(f"MLP ({h} tanh units)", "classification", p, k, p * h + h + h * k + k,
                 loss_grad, lambda w, X: forward(w, X)[1],
                 _normal_init(shapes, (1 / np.sqrt(p), 0.0, 1 / np.sqrt(h), 0.0)))


@dataclasses.dataclass(frozen=True)
class Optimum:
    """The exact minimiser of :func:`linear_regression`'s training loss on a data set."""

    w: np.ndarray
    train_loss: float
    test_loss: float
    hessian: np.ndarray
    hessian_eigenvalues: np.ndarray  # ascending

    @property
    def condition_number(self) -> float:
        return float(self.hessian_eigenvalues[-1] / self.hessian_eigenvalues[0])


def least_squares(data: Dataset) -> Optimum:
    r"""Solve linear regression exactly (``numpy.linalg.lstsq``). Its loss is the quadratic
    :math:`\tfrac12 (w - w^\star)^\top H (w - w^\star) + L^\star` with Hessian
    :math:`H = \tilde X^\top \tilde X / n` (:math:`\tilde X` = features and a column of
    ones), so the earlier chapters' analysis of quadratics applies to it exactly."""
    _need_task(data, "regression", "least_squares")
    model = linear_regression(data.n_features)
    Xt = np.column_stack([data.X_train, np.ones(data.n_train)])
    w = np.linalg.lstsq(Xt, data.y_train, rcond=None)[0]
    hessian = Xt.T @ Xt / data.n_train
    return Optimum(w, float(model.loss(w, data.X_train, data.y_train)),
                   float(model.loss(w, data.X_test, data.y_test)), hessian,
                   np.linalg.eigvalsh(hessian))


def _need_task(data: Dataset, task: str, what: str):
    if data.task != task:
        raise ValueError(f"{what} needs a {task} data set, got {data.name!r} ({data.task})")


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
    diverged_at = np.where(bad.any(axis=0), np.argmax(bad, axis=0), -1)
    diverged = diverged_at >= 0
    if diverged.any():
        after = np.arange(epochs + 1).reshape((-1,) + (1,) * len(batch))
        dead = diverged & (after >= diverged_at)
        for arr in (train_loss, test_loss) + (() if accuracy is None else (accuracy,)):
            arr[dead] = np.nan
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
    return f"{v:.3g}" if abs(v) >= 1e-3 else f"{v:.2e}"


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
