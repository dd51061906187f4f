"""Slider panels: callbacks at every corner of every range, the live face, redraw path
(the page's face is tests/unit/test_static.py); every kind of panel's two faces come
from its one description."""

import html
import itertools

import numpy as np
import pytest

import optimlab as ol
from optimlab import training
from optimlab.panels import Grid, Menu, Slider
from optimlab.widgets import CONTROLS, _readout, slider_panel

PANELS = {
    "rmsprop": lambda: slider_panel(ol.rmsprop, ol.seed000_bowl(), [-10, 1.5], 50, lr=0.5,
                                    gamma=0.9, eps=1e-8, eps_placement=("inside", "outside")),
    "momentum": lambda: slider_panel(ol.momentum, ol.seed004_bowl(), [-5, -2], 30, lr=0.1,
                                     beta=0.5),
    "adam": lambda: slider_panel(ol.adam, ol.rosenbrock(), [-1.5, 2.0], 40, lr=0.1, beta1=0.9,
                                 beta2=0.999, eps=1e-8),
}


@pytest.mark.parametrize("name", sorted(PANELS))
def test_callbacks_at_every_corner(name, recwarn):
    panel = PANELS[name]()
    corners = [(s.lo, s.hi) for s in panel.sliders.values()]
    menus = [list(v) for v in panel.menus.values()]
    for values in itertools.product(*corners, *menus):
        png = panel.update(**dict(zip(list(panel.sliders) + list(panel.menus), values)))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert isinstance(panel.readout(), str)
    assert not [w for w in recwarn if w.category is RuntimeWarning]


def _rows(box):
    return {getattr(c, "name_", None): c for c in box.children}


def test_live_widget_moves_the_image():
    panel = PANELS["rmsprop"]()
    box = panel.widget()
    rows = _rows(box)
    image = box.children[-2]
    before = image.value
    rows["lr"].slider.value = rows["lr"].slider.options[10][1]
    assert image.value != before
    assert "after 50 steps" in box.children[-1].value
    assert rows["lr"].box.value == panel.values["lr"] == rows["lr"].slider.value


@pytest.mark.parametrize("name", sorted(PANELS))
def test_live_controls_start_exactly_at_the_chapter_values(name):
    """No control rounds the chapter's value: each slider's grid holds it exactly, and the
    readout is the run of exactly those values."""
    panel = PANELS[name]()
    box = panel.widget()
    for key, s in panel.sliders.items():
        row = _rows(box)[key]
        assert row.slider.value == s.value and row.box.value == s.value
        assert [v for _, v in row.slider.options] == s.positions()  # the page slider's
    assert box.children[-1].value == html.escape(_readout(panel.trajectory()))


def test_a_typed_value_runs_exactly_and_moves_the_slider_near_it():
    panel = PANELS["rmsprop"]()
    box = panel.widget()
    row = _rows(box)["lr"]
    row.box.value = 0.19950001  # between grid positions: the run uses it as typed
    assert panel.values["lr"] == 0.19950001
    # the nearest position: within half a step of 1/100 decade (and 4-digit rounding)
    assert abs(np.log(row.slider.value / 0.19950001)) <= np.log(10) / 200 + 5e-4
    assert box.children[-1].value == html.escape(_readout(panel.trajectory()))


def test_a_bad_typed_value_is_refused_and_said():
    panel = PANELS["rmsprop"]()
    box = panel.widget()
    row = _rows(box)["lr"]
    before = dict(panel.values)
    row.box.value = -1.0
    assert panel.values == before and row.box.value == before["lr"]
    assert "lr" in box.children[-1].value


def test_twin_html_is_accessible_and_self_contained():
    page = PANELS["rmsprop"]().static_html("p1")
    for name in ["lr", "gamma", "eps", "eps_placement"]:
        assert f'<label for="p1-{name}">' in page and f'id="p1-{name}"' in page
    assert 'role="application"' in page and "aria-label=" in page
    assert "http" not in page.replace("https://", "")  # nothing fetched from elsewhere


def test_unknown_slider_is_rejected():
    with pytest.raises(ValueError, match="no slider is defined for mu=0.5"):
        slider_panel(ol.sgd, ol.seed000_bowl(), [1, 1], 5, lr=0.1, mu=0.5)


def test_every_control_has_a_sane_range():
    for c in CONTROLS.values():
        assert c.lo < c.hi
        if c.log:
            assert c.lo > 0


def test_a_slider_move_computes_the_run_once():
    calls = []
    panel = slider_panel(lambda **kw: calls.append(kw) or ol.momentum(**kw), ol.seed004_bowl(),
                         [-5, -2], 30, lr=0.1, beta=0.5)
    box = panel.widget()
    calls.clear()
    row = _rows(box)["lr"]
    row.slider.value = row.slider.options[5][1]
    assert len(calls) == 1  # the image and the readout share one run
    assert box.children[-1].value == _readout(panel.trajectory())


def test_the_start_point_is_a_control_of_the_live_panel():
    """Typing a start coordinate runs from there (the chapter's values kept), a start off
    the chart is refused and said, and the button goes back to the chapter's start."""
    panel = PANELS["rmsprop"]()
    box = panel.widget()
    image, text, start = box.children[-2], box.children[-1], _rows(box)["x0"]
    chapter, before = panel.x0.copy(), image.value
    start.boxes[1].value = -1.0
    assert list(panel.x0) == [chapter[0], -1.0] and image.value != before
    assert text.value == html.escape(_readout(ol.run(panel.optimizer(), panel.objective,
                                                     [chapter[0], -1.0], panel.steps)))
    lo, hi = panel.objective.bounds[0]
    start.boxes[0].value = hi + 1.0  # off the chart: refused, the box and the run unchanged
    assert start.boxes[0].value == chapter[0] and list(panel.x0) == [chapter[0], -1.0]
    assert "x0[0] must be in" in text.value
    start.reset.click()
    assert list(panel.x0) == list(chapter) and [b.value for b in start.boxes] == list(chapter)
    assert text.value == html.escape(_readout(panel.trajectory()))


def _comparison():
    contenders = {"SGD": (ol.sgd, {"lr": {"bowl": 0.15, "rosenbrock": 1e-3}}),
                  "Adam": (ol.adam, {"lr": 0.1})}
    landscapes = {"bowl": (ol.seed000_bowl(), [-10.0, 1.5]),
                  "rosenbrock": (ol.rosenbrock(), [-1.5, 2.0])}
    return ol.comparison_panel(contenders, landscapes, 20, scales=(0.5, 1.0, 2.0),
                               noise=(0.0, 0.5))


def _curves():
    data = training.load("diabetes")
    return ol.curves_panel(ol.rmsprop, training.linear_regression(data.n_features), data,
                           epochs=2, batch_size=64, lr=[0.01, 0.1], gamma=[0.5, 0.9], eps=1e-6)


KINDS = {"slider": PANELS["rmsprop"], "comparison": _comparison, "curves": _curves}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_both_faces_come_from_the_one_description(kind):
    """Every control of a panel's description is a control of its live face and of its
    page's face, in the same order, at the chapter's value; a start point, if described,
    is a control of both."""
    panel = KINDS[kind]()
    assert isinstance(panel, ol.Panel) and panel.spec.controls
    box, page = panel.widget(), panel.static_html("k")
    rows = [getattr(c, "name_", None) for c in box.children]
    names = [c.name for c in panel.spec.controls]
    assert rows[:len(names)] == names
    for c in panel.spec.controls:
        assert f'<label for="k-{c.name}">' in page, c.name
        row = _rows(box)[c.name]
        if isinstance(c, Slider):
            assert row.slider.value == c.value and [v for _, v in row.slider.options] == \
                c.positions()
        elif isinstance(c, Menu):
            assert row.value == c.value and [t for t, _ in row.options] == list(c.texts)
        else:
            assert isinstance(c, Grid) and row.value == c.index
            assert [t for t, _ in row.options] == list(c.texts)
    assert ("x0" in rows) == (panel.spec.start is not None) == ('role="application"' in page)


def test_the_live_comparison_has_the_pages_controls():
    """The step-size scale takes any value in its range (typed, or the page slider's
    positions, the scales among them); the start point is a control, and another
    landscape starts at its own start."""
    panel = _comparison()
    box = panel.widget()
    rows, image, text = _rows(box), box.children[-2], box.children[-1]
    assert {0.5, 1.0, 2.0} <= {v for _, v in rows["scale"].slider.options}
    before = image.value
    rows["scale"].box.value = 1.37
    assert panel.values["scale"] == 1.37 and image.value != before
    assert text.value == html.escape(panel.readout())
    rows["x0"].boxes[0].value = -4.0
    assert list(panel.values["x0"]) == [-4.0, 1.5]
    assert text.value == html.escape("; ".join(
        f"{k}: f = {ol.plots._fmt(float(tr.loss[-1]))}"
        for k, tr in ol.race(panel.contenders, ol.seed000_bowl(), [-4.0, 1.5], 20,
                             landscape="bowl", scale=1.37).items()))
    rows["landscape"].value = "rosenbrock"
    assert [b.value for b in rows["x0"].boxes] == [-1.5, 2.0] == list(panel.values["x0"])
    rows["scale"].box.value = 9.0  # outside [0.5, 2]: refused and said
    assert panel.values["scale"] == 1.37 and "scale must be in [0.5, 2]" in text.value


def test_the_live_curves_panel_picks_a_curve():
    panel = _curves()
    box = panel.widget()
    image, before = box.children[-1], box.children[-1].value
    _rows(box)["lr"].value = 0
    assert panel.index == {"lr": 0, "gamma": 1} and image.value != before
    assert image.value == panel.render(lr=0, gamma=1).png()


def test_a_live_face_made_after_a_move_shows_the_current_values():
    """Displayed again (a presenter notebook redraws its panels), every control shows
    the value the picture and readout are of; the reset button brings the chapter's."""
    panel = PANELS["rmsprop"]()
    panel.update(lr=0.1234, eps_placement="outside", x0=[1.0, 1.0])
    box = panel.widget()
    rows = _rows(box)
    assert rows["lr"].box.value == 0.1234  # the slider at the position nearest it
    assert abs(np.log(rows["lr"].slider.value / 0.1234)) <= np.log(10) / 200 + 5e-4
    assert rows["eps_placement"].value == "outside"
    assert [b.value for b in rows["x0"].boxes] == [1.0, 1.0]
    assert box.children[-1].value == html.escape(_readout(panel.trajectory()))
    rows["reset"].click()
    assert panel.values["lr"] == 0.5 and rows["lr"].box.value == 0.5
    assert rows["eps_placement"].value == "inside" and list(panel.values["x0"]) == [-10, 1.5]
    assert box.children[-1].value == html.escape(_readout(panel.trajectory()))


def test_another_landscape_starts_at_its_own_start_even_when_it_is_the_same():
    """As the page does: a landscape change starts at that landscape's chapter start,
    also when it equals the last one's (then a moved start would have been kept)."""
    landscapes = {"a": (ol.seed004_bowl(), [-5.0, -2.0]), "b": (ol.rotated_bowl(), [-5.0, -2.0])}
    panel = ol.comparison_panel({"SGD": (ol.sgd, {"lr": 0.1})}, landscapes, 5, scales=(1.0,))
    panel.update(x0=[0.5, 2.5])
    panel.update(landscape="b")
    assert list(panel.values["x0"]) == [-5.0, -2.0]


def test_bad_values_are_refused_before_any_work():
    panel = _comparison()
    with pytest.raises(ValueError, match="noise must be one of"):
        panel.update(noise=True)  # True == 1.0 but is no noise level
    with pytest.raises(ValueError, match="noise must be one of"):
        panel.update(noise=np.array([0.0, 0.5]))
    with pytest.raises(ValueError, match=r"x0\[1\] must be in \[-2, 2\]"):
        ol.slider_panel(ol.sgd, ol.seed000_bowl(), [-10.0, 5.0], 5, lr=0.1)
    with pytest.raises(ValueError, match=r"landscapes\['bowl'\] x0\[0\] must be in"):
        ol.comparison_panel({"SGD": (ol.sgd, {"lr": 0.1})},
                            {"bowl": (ol.seed000_bowl(), [-20.0, 0.0])}, 5)
    slider = PANELS["rmsprop"]()
    with pytest.raises(ValueError, match=r"lr must be in \[0.001, 10\]"):
        slider.trajectory(lr=50.0)
    with pytest.raises(TypeError, match="grids must be a dict"):
        ol.slider_panel(ol.sgd, ol.seed000_bowl(), [-10.0, 1.5], 5, lr=0.1, grids=[])
