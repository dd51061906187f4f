"""The training-curves panel: one batched training run, controls that pick a curve."""

import json
import re

import numpy as np
import pytest

import optimlab as ol
from numerics import assert_close
from optimlab import training
from optimlab.curves import curves_panel


@pytest.fixture(scope="module")
def panel():
    data = training.load("diabetes")
    model = training.linear_regression(data.n_features)
    return curves_panel(ol.rmsprop, model, data, epochs=4, batch_size=32,
                        lr=[0.001, 0.01, 0.1], gamma=[0.5, 0.9], eps=1e-6), data, model


def test_curve_is_the_separate_run(panel):
    p, data, model = panel
    alone = training.train(ol.rmsprop(0.1, 0.9, 1e-6), model, data, epochs=4, batch_size=32)
    assert_close(p.curve(lr=2, gamma=1), alone.train_loss)


def test_twin_holds_every_curve(panel):
    p, *_ = panel
    html = p.static_html("cv")
    spec = json.loads(re.search(r'class="optimlab-spec"[^>]*>(.*?)</script>', html, re.S).group(1))
    runs = spec["data"]["values"]
    assert len(runs) == 6
    np.testing.assert_allclose(runs[1 * 2 + 0]["loss"], p.curve(lr=1, gamma=0), rtol=5e-3)
    assert '<label for="cv-lr">' in html and '<label for="cv-gamma">' in html


def test_every_setting_renders_with_alt_text(panel):
    p, *_ = panel
    for i in range(3):
        for j in range(2):
            plot = p.render(lr=i, gamma=j)
            assert "per epoch on a log scale" in plot.alt and plot.png()[:4] == b"\x89PNG"


def test_needs_a_grid():
    data = training.load("diabetes")
    with pytest.raises(ValueError, match="needs at least one hyperparameter given as a list"):
        curves_panel(ol.sgd, training.linear_regression(data.n_features), data, epochs=1,
                     batch_size=10, lr=0.1)
