"""optimlab.training: data that ship with scikit-learn, models, the minibatch loop, figures."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import data as data_module
from optimlab import models
from optimlab import training as T


@pytest.fixture(scope="module")
def diabetes():
    return T.load("diabetes")


@pytest.fixture(scope="module")
def digits():
    return T.load("digits")


def small_problem(task, seed=0, n=7, p=4, k=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n) if task == "regression" else rng.integers(0, k, n)
    return X, y


MODELS = {
    "linear": (lambda: T.linear_regression(4), "regression"),
    "softmax": (lambda: T.softmax_regression(4, 3), "classification"),
    "mlp": (lambda: T.mlp(4, 5, 3), "classification"),
}


# ------------------------------------------------------------------------- data


@pytest.mark.parametrize("name, task, n, p, k", [
    ("diabetes", "regression", 442, 10, 0),
    ("digits", "classification", 1797, 64, 10),
    ("breast_cancer", "classification", 569, 30, 2),
])
def test_datasets_ship_with_scikit_learn_and_split_reproducibly(name, task, n, p, k):
    data = T.load(name, seed=3)
    assert data.task == task and data.n_classes == k and data.n_features == p
    assert data.n_train + data.n_test == n and data.n_test == round(0.25 * n)
    again = T.load(name, seed=3)
    assert np.array_equal(data.X_train, again.X_train)
    assert np.array_equal(data.y_test, again.y_test)
    other = T.load(name, seed=4)
    assert not np.array_equal(data.y_train, other.y_train)
    # standardised on the training set (constant pixels of digits are only centred)
    assert np.allclose(data.X_train.mean(axis=0), 0, atol=1e-12)
    std = data.X_train.std(axis=0)
    assert np.allclose(std[std > 0], 1)
    if task == "regression":
        assert np.isclose(data.y_train.mean(), 0) and np.isclose(data.y_train.std(), 1)
    else:
        assert data.y_train.dtype.kind == "i" and set(np.unique(data.y_train)) == set(range(k))


@pytest.mark.parametrize("name", list(T.DATASETS))
def test_data_come_from_scikit_learns_public_loaders(name, monkeypatch):
    from sklearn import datasets
    kwargs = {"scaled": False} if name == "diabetes" else {}
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True, **kwargs)
    X_read, y_read = data_module._read(name)
    assert np.array_equal(X_read, X) and np.array_equal(y_read, y)
    assert y_read.dtype.kind == ("f" if name == "diabetes" else "i")
    calls = []
    public = getattr(datasets, f"load_{name}")
    monkeypatch.setattr(datasets, f"load_{name}",
                        lambda **kw: calls.append(kw) or public(**kw))
    T.load(name)
    assert calls == [{"return_X_y": True, **kwargs}]


def test_raw_features_are_kept_without_standardize():
    raw = T.load("diabetes", standardize=False)
    assert raw.X_train[:, 0].min() >= 18 and raw.X_train[:, 0].max() <= 80  # ages in years
    assert np.isclose(raw.y_train.std(), 1)  # the target is standardised in both cases


# ----------------------------------------------------------------------- models


@pytest.mark.parametrize("which", list(MODELS))
def test_gradient_matches_central_differences(which):
    make, task = MODELS[which]
    model = make()
    X, y = small_problem(task)
    rng = np.random.default_rng(1)
    w = 0.5 * rng.standard_normal(model.dim)
    loss, grad = model.loss_grad(w, X, y)
    assert grad.shape == (model.dim,) and np.ndim(loss) == 0
    assert np.isclose(loss, model.loss(w, X, y), rtol=1e-13)  # two code paths, one loss
    h = 1e-6
    numeric = np.empty(model.dim)
    for i in range(model.dim):
        e = np.zeros(model.dim)
        e[i] = h
        numeric[i] = (model.loss(w + e, X, y) - model.loss(w - e, X, y)) / (2 * h)
    assert np.allclose(grad, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("which", list(MODELS))
def test_batched_parameters_give_one_loss_and_gradient_per_setting(which):
    make, task = MODELS[which]
    model = make()
    X, y = small_problem(task)
    W = np.random.default_rng(2).standard_normal((2, 3, model.dim))
    loss, grad = model.loss_grad(W, X, y)
    assert loss.shape == (2, 3) and grad.shape == (2, 3, model.dim)
    for i in range(2):
        for j in range(3):
            lo, g = model.loss_grad(W[i, j], X, y)
            assert np.isclose(loss[i, j], lo, rtol=1e-12)
            assert np.isclose(model.loss(W, X, y)[i, j], lo, rtol=1e-12)
            assert np.allclose(grad[i, j], g, rtol=1e-12, atol=1e-14)


def test_losses_at_the_trivial_model(diabetes, digits):
    lin = T.linear_regression(diabetes.n_features)
    assert np.isclose(lin.loss(np.zeros(lin.dim), diabetes.X_train, diabetes.y_train), 0.5)
    soft = T.softmax_regression(64, 10)
    assert np.isclose(soft.loss(np.zeros(soft.dim), digits.X_train, digits.y_train), np.log(10))
    assert soft.init(0).shape == (soft.dim,) and np.array_equal(soft.init(5), soft.init(5))
    assert np.all(soft.init(0)[-10:] == 0)  # biases start at zero


def test_least_squares_is_the_minimum_and_its_hessian_sets_the_step_limit(diabetes):
    best = T.least_squares(diabetes)
    lin = T.linear_regression(diabetes.n_features)
    _, g = lin.loss_grad(best.w, diabetes.X_train, diabetes.y_train)
    assert np.abs(g).max() < 1e-12
    limit = 2 / best.hessian_eigenvalues[-1]
    h = T.train(ol.sgd(np.array([0.95, 1.05]) * limit), lin, diabetes, epochs=300,
                batch_size=diabetes.n_train)
    assert not h.diverged[0] and h.train_loss[-1, 0] - best.train_loss < 1e-3
    assert h.diverged[1] and h.diverged_at[1] > 0 and np.isnan(h.train_loss[-1, 1])


# --------------------------------------------------------------------- training


def test_train_is_reproducible_with_a_seed(digits):
    model = T.softmax_regression(64, 10)
    a, b = (T.train(ol.adam(0.01), model, digits, epochs=2, batch_size=64, seed=7)
            for _ in range(2))
    for field in ("train_loss", "test_loss", "test_accuracy", "minibatch_loss", "w"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    c = T.train(ol.adam(0.01), model, digits, epochs=2, batch_size=64, seed=8)
    assert not np.array_equal(a.w, c.w)
    assert a.seconds.shape == (3,) and a.seconds[0] == 0 and np.all(np.diff(a.seconds) > 0)


def test_one_epoch_equals_a_hand_written_loop(diabetes):
    model = T.linear_regression(diabetes.n_features)
    opt = ol.rmsprop(0.01, 0.9, 1e-6)
    hist = T.train(opt, model, diabetes, epochs=1, batch_size=10, seed=3)

    w = model.init(3)
    state = opt.init(w)
    order = np.random.default_rng(3).permutation(diabetes.n_train)
    losses = []
    for i in range(0, diabetes.n_train, 10):
        idx = order[i:i + 10]
        loss, g = model.loss_grad(w, diabetes.X_train[idx], diabetes.y_train[idx])
        w, state = opt.step(w, g, state)
        losses.append(loss)
    assert len(losses) == hist.steps_per_epoch == 34  # 332 examples: 33 of 10, one of 2
    assert np.array_equal(hist.w, w)
    assert np.array_equal(hist.minibatch_loss, losses)
    assert hist.train_loss[1] == model.loss(w, diabetes.X_train, diabetes.y_train)
    assert hist.test_loss[1] == model.loss(w, diabetes.X_test, diabetes.y_test)


@pytest.mark.parametrize("data_name, make", [
    ("diabetes", lambda d: T.linear_regression(d.n_features)),
    ("digits", lambda d: T.mlp(d.n_features, 8, d.n_classes)),
])
def test_batched_settings_equal_separate_runs(data_name, make):
    data = T.load(data_name)
    model = make(data)
    lrs, gammas = np.array([0.001, 0.01, 0.1]), np.array([0.5, 0.99])
    both = T.train(ol.rmsprop(lrs[None, :], gammas[:, None], 1e-6), model, data,
                   epochs=2, batch_size=50, seed=1)
    assert both.batch_shape == (2, 3) and both.w.shape == (2, 3, model.dim)
    for i, gamma in enumerate(gammas):
        for j, lr in enumerate(lrs):
            one = T.train(ol.rmsprop(lr, gamma, 1e-6), model, data, epochs=2, batch_size=50,
                          seed=1)
            assert np.allclose(both.w[i, j], one.w, rtol=1e-9, atol=1e-12)
            assert np.allclose(both.train_loss[:, i, j], one.train_loss, rtol=1e-9)
            assert np.allclose(both.minibatch_loss[:, i, j], one.minibatch_loss, rtol=1e-9)
            assert both[i, j].label() == one.label()


def test_history_axes_split_and_table(diabetes):
    model = T.linear_regression(diabetes.n_features)
    lrs, gammas = [0.003, 0.03, 3.0], [0.5, 0.9]
    hist = T.train(ol.rmsprop(np.array(lrs)[None, :], np.array(gammas)[:, None]), model,
                   diabetes, epochs=3, batch_size=32)
    (n0, v0), (n1, v1) = hist.axes()
    assert (n0, n1) == ("gamma", "lr") and list(v0) == gammas and list(v1) == lrs
    parts = hist.split()
    assert list(parts) == ["γ=0.5", "γ=0.9"]
    assert list(parts["γ=0.9"]) == ["η=0.003", "η=0.03", "η=3"]
    assert np.array_equal(parts["γ=0.9"]["η=0.03"].w, hist.w[1, 1])
    table = hist.table()
    assert table.splitlines()[0] == "| γ \\ η | 0.003 | 0.03 | 3 |"
    assert table.splitlines()[2].startswith("| 0.5 | ")
    one_axis = T.train(ol.sgd(np.array([0.01, 0.1])), model, diabetes, epochs=1, batch_size=32)
    assert list(one_axis.split()) == ["η=0.01", "η=0.1"]


def test_divergence_is_recorded_without_warnings(diabetes):
    model = T.linear_regression(diabetes.n_features)
    hist = T.train(ol.sgd(np.array([0.01, 50.0])), model, diabetes, epochs=5, batch_size=10)
    assert list(hist.diverged) == [False, True] and hist.diverged_at[1] == 1
    assert np.isfinite(hist.train_loss[:, 0]).all() and np.isnan(hist.train_loss[1:, 1]).all()
    alt = T.training_curves(hist.split()).alt
    assert "η=50: diverges in epoch 1" in alt


# ---------------------------------------------------------------------- figures


def test_training_curves_alt_text_and_scales(diabetes, digits):
    model = T.softmax_regression(64, 10)
    runs = {name: T.train(opt, model, digits, epochs=2, batch_size=128)
            for name, opt in [("SGD", ol.sgd(0.1)), ("Adam", ol.adam(0.01))]}
    p = T.training_curves(runs)
    assert p.alt.startswith("Training loss on a log scale against epoch, softmax regression "
                            "on the digits data, minibatches of 128.")
    assert "SGD: from 2.31 to " in p.alt and "Adam: from 2.31 to " in p.alt
    assert p.axes[0].get_yscale() == "log"
    acc = T.training_curves(runs, metric="test_accuracy")
    assert "Test accuracy in percent" in acc.alt and "%" in acc.alt
    assert acc.axes[0].get_yscale() == "linear"
    mb = T.training_curves(runs, metric="minibatch_loss")
    assert len(mb.axes[0].lines[0].get_xdata()) == 2 * runs["SGD"].steps_per_epoch
    lin = T.linear_regression(diabetes.n_features)
    grid = T.train(ol.rmsprop(np.array([0.01, 0.1])[None, :], np.array([0.5, 0.9])[:, None]),
                   lin, diabetes, epochs=2, batch_size=10)
    best = T.least_squares(diabetes).train_loss
    panels = T.training_curves(grid, optimum=best, title="RMSprop")
    assert len(panels.axes) == 2 and "2 panels side by side" in panels.alt
    assert "γ=0.5: η=0.01: from" in panels.alt and "minus the optimum" in panels.alt


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize("call, message", [
    (lambda d, m: T.load("mnist"),
     "name must be one of 'diabetes', 'digits', 'breast_cancer', got name='mnist'"),
    (lambda d, m: T.load("diabetes", test_fraction=1.0),
     r"test_fraction must be in \(0, 1\), got test_fraction=1.0"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=0, batch_size=10),
     "epochs must be an integer >= 1, got epochs=0"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=2.5, batch_size=10),
     "epochs must be an integer >= 1, got epochs=2.5"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=0),
     r"batch_size must be an integer in \[1, 332\] .*got batch_size=0"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=333),
     r"batch_size must be an integer in \[1, 332\] .*got batch_size=333"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=10.0),
     r"batch_size must be an integer in \[1, 332\]"),
    (lambda d, m: T.train(ol.sgd(0.1), T.softmax_regression(10, 3), d, epochs=1, batch_size=10),
     "a softmax regression model needs a classification data set, got 'diabetes'"),
    (lambda d, m: T.train(ol.sgd(0.1), T.linear_regression(9), d, epochs=1, batch_size=10),
     "the model takes 9 features, the diabetes data have 10"),
    (lambda d, m: T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=10, w0=np.zeros(3)),
     r"w0 must be finite with shape \(\.\.\., 11\)"),
    (lambda d, m: T.train(lambda x: x, m, d, epochs=1, batch_size=10),
     "optimizer must be an optimlab Optimizer"),
    (lambda d, m: T.training_curves({"a": T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=10)},
                                    metric="accuracy"),
     "metric must be one of 'train_loss', 'test_loss', 'test_accuracy', 'minibatch_loss', "
     "got metric='accuracy'"),
    (lambda d, m: T.training_curves({"a": T.train(ol.sgd(0.1), m, d, epochs=1, batch_size=10)},
                                    metric="test_accuracy"),
     "metric='test_accuracy' needs a classification run"),
    (lambda d, m: T.training_curves(
        {"a": T.train(ol.sgd(np.array([0.1, 0.2])), m, d, epochs=1, batch_size=10)}),
     "'a' holds 2 settings"),
    (lambda d, m: T.training_curves({}), "histories must be a non-empty mapping"),
    (lambda d, m: T.mlp(4, 0, 3), "n_hidden must be an integer >= 1, got n_hidden=0"),
    (lambda d, m: T.least_squares(T.load("digits")), "least_squares needs a regression data set"),
])
def test_bad_input_raises_clear_value_error(diabetes, call, message):
    with pytest.raises(ValueError, match=message):
        call(diabetes, T.linear_regression(diabetes.n_features))


def test_best_setting_and_repr(diabetes):
    model = T.linear_regression(diabetes.n_features)
    hist = T.train(ol.sgd(np.array([0.001, 0.03, 50.0])), model, diabetes, epochs=3, batch_size=10)
    best = hist.best()
    assert best.batch_shape == () and float(best.hyperparams["lr"]) == 0.03
    assert best.label() == "SGD(η=0.03)"
    assert repr(best).startswith("History(SGD(η=0.03), linear regression on diabetes: 3 epochs "
                                 "of 34 steps (minibatches of 10), training loss ")
    assert repr(hist).startswith("History(3 settings of SGD(η=[3 values])")
    with pytest.raises(ValueError, match="every setting diverged"):
        T.train(ol.sgd(np.array([50.0, 80.0])), model, diabetes, epochs=2, batch_size=10).best()


def test_training_keeps_the_names_of_data_and_models():
    """The chapters import everything from optimlab.training."""
    for name, module in (("load", data_module), ("Dataset", data_module),
                         ("DATASETS", data_module), ("linear_regression", models),
                         ("softmax_regression", models), ("mlp", models),
                         ("least_squares", models), ("Model", models), ("Optimum", models)):
        assert getattr(T, name) is getattr(module, name)


def test_train_and_run_share_the_divergence_marking(diabetes, monkeypatch):
    from optimlab import trajectory
    assert T.mark_divergence is trajectory.mark_divergence  # one function, not a copy
    calls = []
    shared = trajectory.mark_divergence
    monkeypatch.setattr(T, "mark_divergence", lambda *a: calls.append("train") or shared(*a))
    monkeypatch.setattr(trajectory, "mark_divergence",
                        lambda *a: calls.append("run") or shared(*a))
    T.train(ol.sgd(0.01), T.linear_regression(10), diabetes, epochs=1, batch_size=100)
    ol.run(ol.sgd(0.1), ol.seed000_bowl(), [1.0, 1.0], 3)
    assert calls == ["train", "run"]


def test_mark_divergence_marks_from_the_first_bad_entry():
    from optimlab.trajectory import mark_divergence
    bad = np.array([[False, False, False], [False, True, False], [True, False, False]])
    a, b = np.ones((3, 3)), np.ones((3, 3, 2))
    diverged, at = mark_divergence(bad, a, b)
    assert diverged.tolist() == [True, True, False] and at.tolist() == [2, 1, -1]
    assert np.isnan(a).tolist() == [[False] * 3, [False, True, False], [True, True, False]]
    assert np.array_equal(np.isnan(b), np.repeat(np.isnan(a)[..., None], 2, axis=-1))
