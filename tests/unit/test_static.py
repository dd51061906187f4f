"""The kernel-free twin of a slider panel (``optimlab.static``): one JSON description from
which the page computes the run, and labelled HTML controls; no precomputed runs.

The description's engine descriptions are run here in the page engine (one node process,
as in ``test_engine_parity.py``) with the sliders set to other values, exactly as the page
sets them, and must give ``optimlab.run`` of those values.
"""
from __future__ import annotations

import dataclasses
import functools
import html
import json
import re

import numpy as np
import pytest

import optimlab as ol
from optimlab.engine import describe_objective, describe_optimizer
from optimlab.static import BLOWUP, panel_description
from optimlab.widgets import CONTROLS, MENU_LABELS

from test_engine_parity import ROOT, _cells, _evaluate, _panel_calls, assert_same_run, engine  # noqa: F401

BOWL, X0 = ol.seed000_bowl(), [-10.0, 1.5]


def rmsprop_chapter():
    """The RMSprop chapter's panel (book/rmsprop.md)."""
    return ol.slider_panel(ol.rmsprop, BOWL, X0, 50, lr=0.5, gamma=0.9, eps=1e-8,
                           eps_placement=("inside", "outside"), title="RMSprop on 0.1x² + 5y²")


def _description(page: str) -> dict:
    found = re.search(r'<script type="application/json" class="optimlab-run">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def test_the_description_holds_the_controls_at_the_chapters_values():
    panel = rmsprop_chapter()
    d = _description(panel.static_html("p1"))
    assert d == json.loads(json.dumps(panel_description(panel)))
    assert [c["name"] for c in d["controls"]] == ["lr", "gamma", "eps"]
    for c in d["controls"]:
        ref = CONTROLS[c["name"]]
        assert (c["label"], c["lo"], c["hi"], c["log"]) == (ref.label, ref.lo, ref.hi, ref.log)
        assert c["field"] == [c["name"]] and c["marks"] == []
    assert [c["value"] for c in d["controls"]] == [0.5, 0.9, 1e-8]  # exactly, no snapping
    assert d["menus"] == [{"name": "eps_placement", "label": MENU_LABELS["eps_placement"],
                           "options": ["inside", "outside"], "value": "inside"}]
    assert (d["x0"], d["steps"], d["bounds"], d["blowup"]) == (X0, 50, [[-12, 12], [-2, 2]], 1e4)
    assert BLOWUP == 1e4 and d["fixed"] == {} and d["title"] == "RMSprop on 0.1x² + 5y²"
    assert d["contour"].startswith("data:image/png;base64,")


def test_one_engine_description_per_menu_combination():
    panel = ol.slider_panel(ol.adam, BOWL, X0, 30, lr=0.1, eps=0.1,
                            eps_placement=("outside", "inside", "hat"), amsgrad=True)
    d = panel_description(panel)
    assert [o["menus"] for o in d["optimizers"]] == [
        {"eps_placement": p} for p in ("outside", "inside", "hat")]
    for o in d["optimizers"]:
        assert o["optimizer"] == describe_optimizer(panel.optimizer(**o["menus"]))
        assert o["optimizer"]["amsgrad"] is True  # the fixed arguments are in
    assert d["objective"] == describe_objective(BOWL, 30)
    assert d["fixed"] == {"amsgrad": True}


def test_no_precomputed_runs_and_a_small_page():
    panel = rmsprop_chapter()
    page = panel.static_html("p1")
    d = _description(page)
    assert "runs" not in d and "optimlab-spec" not in page
    nested = json.dumps({k: v for k, v in d.items() if k != "contour"})
    assert len(nested) < 3000, "the description is only settings"
    # the page's twin used to carry ~600 KB of paths here
    assert len(page.encode()) < 25_000, f"{len(page.encode())} bytes"


@pytest.mark.parametrize("menu", ["inside", "outside"])
def test_the_page_computes_optimlabs_run_for_any_slider_values(engine, menu):  # noqa: F811
    """Set the sliders' fields as the page does, and any start: the engine's run is
    optimlab.run of the panel's optimizer at those values."""
    panel = rmsprop_chapter()
    d = panel_description(panel)
    described = next(o["optimizer"] for o in d["optimizers"]
                     if o["menus"] == {"eps_placement": menu})
    rng = np.random.default_rng(3)
    for _ in range(5):
        values = {c["name"]: float(np.exp(rng.uniform(np.log(c["lo"]), np.log(c["hi"]))))
                  if c["log"] else float(rng.uniform(c["lo"], c["hi"])) for c in d["controls"]}
        x0 = [float(rng.uniform(lo, hi)) for lo, hi in d["bounds"]]
        page = {**described, **{c["field"][0]: values[c["name"]] for c in d["controls"]}}
        js = engine.run(page, d["objective"], x0, d["steps"], d["blowup"])
        tr = ol.run(panel.optimizer(**values, eps_placement=menu), panel.objective, x0, d["steps"])
        assert_same_run(js, tr, f"{values}, {menu}, from {x0}")


def test_a_noisy_landscape_ships_its_noise_rows():
    panel = ol.slider_panel(ol.sgd, ol.noisy(BOWL, 0.5, seed=2), X0, 20, lr=0.1)
    d = panel_description(panel)
    assert (d["objective"]["noise"], d["objective"]["seed"]) == (0.5, 2)
    assert len(d["objective"]["noise_rows"]) == 20
    recipe = json.loads(html.unescape(re.search(r"data-recipe='([^']*)'",
                                                panel.static_html("q")).group(1)))
    assert (recipe["objective"], recipe["noise"], recipe["seed"]) == ("seed000_bowl", 0.5, 2)


def test_grids_become_marks_the_slider_offers():
    panel = ol.slider_panel(ol.sgd, BOWL, X0, 50, lr=0.15, grids={"lr": [0.19, 0.2, 0.21]})
    assert panel_description(panel)["controls"][0]["marks"] == [0.19, 0.2, 0.21]


def test_the_html_controls():
    page = rmsprop_chapter().static_html("p1")
    assert page.startswith('<figure class="optimlab-panel optimlab-live" id="p1"')
    for name, value in [("lr", "0.5"), ("gamma", "0.9"), ("eps", "1e-08")]:
        assert f'<label for="p1-{name}">' in page
        assert re.search(rf'<input type="range" id="p1-{name}" [^>]*aria-valuetext="{value}"', page)
        box = re.search(rf'<input type="number" id="p1-{name}-value" [^>]*>', page).group(0)
        assert f'value="{value}"' in box and 'step="any"' in box and "aria-label=" in box
    assert '<select id="p1-eps_placement"><option value="inside" selected>' in page
    for part in ['id="p1-play"', 'id="p1-t" min="0" max="50"', 'id="p1-status"',
                 'id="p1-state"', 'id="p1-reset"', 'role="application" tabindex="0"',
                 'aria-describedby="p1-start p1-help"']:
        assert part in page, part
    recipe = json.loads(html.unescape(re.search(r"data-recipe='([^']*)'", page).group(1)))
    assert recipe == {"factory": "rmsprop", "objective": "seed000_bowl", "noise": 0.0,
                      "seed": 0, "x0": X0, "steps": 50, "fixed": {},
                      "controls": ["lr", "gamma", "eps", "eps_placement"]}


def test_what_the_page_engine_cannot_run_is_a_still_picture():
    # a step size that is a function of t, not one of optimlab's schedules
    decaying = ol.slider_panel(lambda lr: ol.sgd(lambda t: lr / (1 + t)), BOWL, X0, 10, lr=0.1)
    page = decaying.static_html("y")
    assert 'class="optimlab-panel optimlab-still"' in page and "<img src=\"data:image/png" in page
    assert "optimlab-run" not in page and decaying.readout() in page
    # a factory whose slider does not set the engine's field of that name
    doubled = functools.partial(lambda lr, **kw: ol.sgd(2 * lr))
    assert "optimlab-still" in ol.slider_panel(doubled, BOWL, X0, 5, lr=0.1).static_html("d")



def test_only_what_the_page_engine_cannot_run_becomes_a_still(monkeypatch):
    """A still picture stands for a panel the page engine has no code for (NotInEngine);
    any other error while describing the panel is a fault, and the build must see it."""
    panel = rmsprop_chapter()

    def faulty():
        raise ValueError("a fault in the description")

    page = dataclasses.replace(panel.spec.page, data=faulty)
    monkeypatch.setattr(panel, "spec", dataclasses.replace(panel.spec, page=page))
    with pytest.raises(ValueError, match="a fault in the description"):
        panel.static_html("f")

def test_every_chapter_panel_computes_in_the_page():
    """A chapter's slider panel that the page engine could not run would be a still."""
    found = 0
    for path in sorted((ROOT / "book").glob("*.md")):
        for call, assigned in _panel_calls(path):
            if call.func.attr != "slider_panel":
                continue
            assert "optimlab-live" in _chapter_panel(call, assigned).static_html("c"), path.name
            found += 1
    assert found >= 6


def test_a_schedule_panel_sets_the_schedules_fields(engine):  # noqa: F811 (the fixture)
    """Sliders for a schedule's parameters (a chapter's lambda) set the fields inside the
    description's lr; set as the page sets them, the engine runs optimlab's run."""
    from optimlab import schedules as S

    panel = ol.slider_panel(lambda lr, T, warmup: ol.sgd(S.warmup(S.cosine(lr, T), warmup)),
                            ol.noisy(ol.rotated_bowl(), 1.0, 0), [-5.0, -2.0], 40,
                            lr=0.2, T=30.0, warmup=5.0)
    d = panel_description(panel)
    assert [c["field"] for c in d["controls"]] == [["lr", "schedule", "lr"],
                                                   ["lr", "schedule", "T"], ["lr", "steps"]]
    described = d["optimizers"][0]["optimizer"]
    described["lr"]["schedule"]["T"], described["lr"]["steps"] = 12.5, 3.0
    js = engine.run(described, d["objective"], [1.0, -1.0], 40, d["blowup"])
    tr = ol.run(panel.optimizer(T=12.5, warmup=3.0), panel.objective, [1.0, -1.0], 40)
    assert_same_run(js, tr)
    caption = panel.spec.page.caption()
    assert caption.startswith("SGD(η=warmup(cosine(0.2, T=30), steps=5)) on f = ")
    assert "to 12 digits" in caption
    exact = ol.slider_panel(lambda lr: ol.sgd(S.inverse_sqrt(lr, 10.0)), BOWL, X0, 5, lr=0.1)
    assert exact.spec.page.caption().endswith("bit for bit what optimlab.run computes.")


def test_the_live_slider_has_the_page_sliders_positions(engine):  # noqa: F811
    """Slider.positions (the live face's slider) against slider.js's positions (the
    page's) for every control, at its ends, at every chapter panel's value and at random
    values, with random marks: the same number of positions, the same values. Both round
    to 4 significant digits (log) or 12 decimals (linear) a value computed with the
    platform's pow, so they can only differ where that value lies within an ulp of a
    rounding tie; rtol=1e-12 is far below the 1e-4 between neighbouring positions."""
    from optimlab.static import slider_json

    rng = np.random.default_rng(11)
    chapter = {s.name: [s.value] for path in sorted((ROOT / "book").glob("*.md"))
               for call, assigned in _panel_calls(path) if call.func.attr == "slider_panel"
               for s in _chapter_panel(call, assigned).sliders.values()}
    checked = 0
    for name, c in CONTROLS.items():
        values = [c.lo, c.hi, *chapter.get(name, [])]
        values += [float(c.lo * (c.hi / c.lo) ** u) if c.log else float(c.lo + u * (c.hi - c.lo))
                   for u in rng.uniform(0, 1, 6)]
        for value in values:
            marks = [float(m) for m in rng.uniform(c.lo, c.hi, 2)]
            s = c.at(value, marks)
            py, js = s.positions(), engine.positions(slider_json(s, None))
            assert len(py) == len(js), f"{name} at {value}: {len(py)} vs {len(js)} positions"
            np.testing.assert_allclose(py, js, rtol=1e-12, atol=0, err_msg=f"{name} at {value}")
            assert value in py and all(m in py for m in marks)
            checked += 1
    assert checked >= 8 * len(CONTROLS)


def _chapter_panel(call, assigned):
    namespace = {"np": np, "ol": ol}
    kw = {k.arg: _evaluate(k.value, assigned, namespace) for k in call.keywords
          if k.arg != "grids"}
    return ol.slider_panel(*(_evaluate(a, assigned, namespace) for a in call.args), **kw)
