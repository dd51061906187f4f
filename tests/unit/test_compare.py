"""The comparison panel: every contender on every landscape, live in Jupyter and, on the
static site, computed in the page from one description (``static.panel_description``)
whose engine descriptions are run here in the page engine, as the page runs them."""

import html as H
import json
import re

import numpy as np
import pytest

import optimlab as ol
from numerics import assert_close
from optimlab.compare import SVG_MARKERS, _readouts
from optimlab.engine import describe_objective, describe_optimizer
from optimlab.static import panel_description
from optimlab.plots import MARKERS, PALETTE
from test_engine_parity import assert_same_run, engine  # noqa: F401

CONTENDERS = {
    "SGD": (ol.sgd, {"lr": {"bowl": 0.15, "rosenbrock": 1e-3}}),
    "RMSprop": (ol.rmsprop, {"lr": {"bowl": 0.3, "rosenbrock": 0.01}, "gamma": 0.9}),
    "Adam": (ol.adam, {"lr": 0.1}),
}
LANDSCAPES = {"bowl": (ol.seed000_bowl(), [-10.0, 1.5]),
              "rosenbrock": (ol.rosenbrock(), [-1.5, 2.0])}


@pytest.fixture()
def panel():
    return ol.comparison_panel(CONTENDERS, LANDSCAPES, 25, scales=(0.5, 1.0, 2.0), noise=(0.0, 0.5))


def test_race_uses_the_landscape_step_sizes():
    runs = ol.race(CONTENDERS, ol.seed000_bowl(), [-10.0, 1.5], 25, landscape="bowl")
    # race() calls run() with the same optimizer, landscape and start: the same arithmetic
    np.testing.assert_array_equal(runs["SGD"].x, ol.run(ol.sgd(0.15), ol.seed000_bowl(),
                                                         [-10.0, 1.5], 25).x)
    with pytest.raises(ValueError, match="lr has no entry for landscape 'beale'"):
        ol.race(CONTENDERS, ol.beale(), [1.0, 1.0], 5, landscape="beale")


def test_lr_sweeps_equal_scaled_races():
    sweeps = ol.lr_sweeps(CONTENDERS, ol.rosenbrock(), [-1.5, 2.0], 25, [0.5, 2.0],
                          landscape="rosenbrock")
    races = ol.race(CONTENDERS, ol.rosenbrock(), [-1.5, 2.0], 25, landscape="rosenbrock", scale=2.0)
    for label in CONTENDERS:
        assert_close(sweeps[label].x[:, 1], races[label].x)


def test_every_corner_of_the_controls(panel, recwarn):
    for landscape in LANDSCAPES:
        for sigma in panel.noise:
            for scale in panel.scales:
                assert panel.update(landscape=landscape, noise=sigma, scale=scale)[:4] == b"\x89PNG"
                assert panel.readout().count(";") == len(CONTENDERS) - 1
    assert not [w for w in recwarn if w.category is RuntimeWarning]


def _description(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="optimlab-run">(.*?)'
                                r'</script>', page, re.S).group(1))


def test_the_description(panel):
    d = panel_description(panel)
    assert (d["kind"], d["steps"], d["blowup"], d["noise"]) == ("comparison", 25, 1e4, [0.0, 0.5])
    assert d["controls"] == [{"name": "scale", "label": "step-size scale", "lo": 0.5, "hi": 2.0,
                              "log": True, "value": 1.0, "marks": [0.5, 1.0, 2.0], "field": None}]
    assert d["menus"] == [
        {"name": "landscape", "label": "landscape", "options": ["bowl", "rosenbrock"],
         "value": "bowl"},
        {"name": "noise", "label": "gradient noise", "options": ["none", "σ = 0.5"],
         "value": "none"}]
    for entry, (name, (obj, x0)) in zip(d["landscapes"], LANDSCAPES.items()):
        assert (entry["name"], entry["x0"]) == (name, x0)
        assert entry["title"] == f"Every optimizer at once: {name}"
        assert entry["bounds"] == [list(b) for b in obj.bounds]
        assert entry["contour"].startswith("data:image/png;base64,")
        clean, noisy = entry["objectives"]  # one per noise level, as noisy(obj, σ, seed) draws
        assert clean == describe_objective(obj, 25) and clean["noise_rows"] is None
        assert noisy == describe_objective(ol.noisy(obj, 0.5, 0), 25)
        assert (noisy["noise"], noisy["seed"], len(noisy["noise_rows"])) == (0.5, 0, 25)
    assert [c["label"] for c in d["contenders"]] == list(CONTENDERS)
    for k, c in enumerate(d["contenders"]):  # the Python figure's colours and markers
        assert (c["color"], c["marker"]) == (PALETTE[k], SVG_MARKERS[MARKERS[k]])
    assert [c["dash"] for c in d["contenders"]] == ["", "7.4,3.2", "12.8,3.2,2,3.2"]
    sgd, rmsprop, adam = d["contenders"]
    assert sgd["optimizers"] == {"bowl": {"name": "sgd", "lr": 0.15},
                                 "rosenbrock": {"name": "sgd", "lr": 1e-3}}
    assert rmsprop["optimizers"]["rosenbrock"] == describe_optimizer(ol.rmsprop(0.01, gamma=0.9))
    assert adam["optimizers"]["bowl"]["lr"] == adam["optimizers"]["rosenbrock"]["lr"] == 0.1


def test_the_page_runs_optimlabs_race_for_any_scale(panel, engine):  # noqa: F811
    """lr = tuned × scale, the landscape and noise from the menus, any start: each engine
    run is optimlab's race, bit for bit, and the status lines are the readout's."""
    d = panel_description(panel)
    rng = np.random.default_rng(5)
    for landscape in d["landscapes"]:
        for j, sigma in enumerate(d["noise"]):
            for scale in [1.0, 2.0, float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))]:
                x0 = [float(rng.uniform(lo, hi)) for lo, hi in landscape["bounds"]]
                obj, _ = LANDSCAPES[landscape["name"]]
                runs = ol.race(CONTENDERS, ol.noisy(obj, sigma, 0) if sigma else obj, x0, 25,
                               landscape=landscape["name"], scale=scale)
                for c in d["contenders"]:
                    described = {**c["optimizers"][landscape["name"]]}
                    described["lr"] = described["lr"] * scale  # as the page does
                    js = engine.run(described, landscape["objectives"][j], x0, 25, d["blowup"])
                    assert_same_run(js, runs[c["label"]],
                                    f"{c['label']} on {landscape['name']}, σ={sigma}, ×{scale}")
    panel.update(landscape="rosenbrock", noise=0.5, scale=2.0)
    assert "; ".join(_readouts(panel.runs())) == panel.readout()


def test_twin_html(panel):
    page = panel.static_html("cp")
    assert page.startswith('<figure class="optimlab-panel optimlab-live optimlab-race" id="cp"')
    assert "optimlab-spec" not in page and "vega" not in page.lower()
    assert _description(page) == json.loads(json.dumps(panel_description(panel)))
    for name in ("landscape", "noise", "scale"):
        assert f'<label for="cp-{name}">' in page
    assert re.search(r'<input type="range" id="cp-scale" ', page)
    assert re.search(r'<input type="number" id="cp-scale-value" [^>]*value="1.0"', page)
    for part in ['id="cp-play"', 'id="cp-t" min="0" max="25"', 'id="cp-reset"',
                 'role="application" tabindex="0"', 'id="cp-runs"']:
        assert part in page, part
    assert 'id="cp-state"' not in page
    lines = re.findall(r'<li data-label="[^"]*">([^<]*)</li>', page)
    assert "; ".join(H.unescape(line) for line in lines) == panel.readout()
    recipe = json.loads(H.unescape(re.search(r"data-recipe='([^']*)'", page).group(1)))
    assert recipe["kind"] == "comparison" and recipe["scales"] == [0.5, 1.0, 2.0]
    d = _description(page)
    settings = json.dumps({**d, "landscapes": [{k: v for k, v in entry.items() if k != "contour"}
                                               for entry in d["landscapes"]]})
    assert len(settings) < 12_000, "no precomputed runs: settings and noise rows only"


def test_what_the_engine_cannot_run_is_a_still_picture():
    # a step size that is a function of t, not one of optimlab's schedules
    decaying = (lambda lr: ol.sgd(lambda t: lr / (1 + t)), {"lr": 0.1})
    panel = ol.comparison_panel({**CONTENDERS, "Decaying": decaying}, LANDSCAPES, 10,
                                scales=(0.5, 1.0))
    page = panel.static_html("cp")
    assert "optimlab-race" not in page and "optimlab-run" not in page
    assert 'class="optimlab-panel optimlab-still"' in page and '<img src="data:image/png' in page
    assert H.escape(panel.readout()) in page and "Decaying: f = " in page


def test_scales_must_include_one():
    with pytest.raises(ValueError, match="scales must include 1.0"):
        ol.comparison_panel(CONTENDERS, LANDSCAPES, 5, scales=(0.5, 2.0))
