"""The data sets of the training chapter: small ones that ship inside scikit-learn, so
nothing is downloaded.

Only the arrays are taken from scikit-learn, through its public loaders
(``sklearn.datasets.load_<name>``), no model code. The split into training and test
examples is fixed by a seed; features are standardised with the training set's mean and
standard deviation (and so is a regression target).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _validate as check


def _read(name: str):
    """``(X, y)`` as ``sklearn.datasets.load_<name>(return_X_y=True)`` gives them (raw
    features for the diabetes data)."""
    from sklearn import datasets  # imported here: it takes about a second
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
