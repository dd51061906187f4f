"""Models for the training chapter, written out in numpy with their gradients.

``loss_grad(w, X, y) -> (loss, grad)`` on a *flat* parameter vector ``w``, so that every
optimlab optimizer can step them. ``w`` may have batch axes, shape ``batch + (dim,)``:
one loss and one gradient per setting.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from . import _validate as check
from .data import Dataset


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
