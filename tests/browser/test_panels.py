"""The kernel-free panels on the static site, driven in Chromium as a reader drives them.

Every slider panel (``figure.optimlab-live``) of every page computes its run in the page.
For each one, every check reads what the page drew from the page's own data (the points
handed to the chart, the numbers behind the state list), never from screen pixels, and
recomputes it with ``optimlab.run`` from the recipe the panel carries in
``data-recipe`` and the values and start the page shows (relative 1e-12):

* at rest, the chapter's values and start;
* a value typed into a number box (Enter);
* each slider and menu moved with the keyboard;
* the start point dragged on the chart, and moved with the arrow keys on the focused chart;
* play (sampled while it plays, and at its end) and the step-t scrubber: the path has
  t + 1 points, the state list is optimlab's state at t (``Trajectory.states``,
  ``optimizers.effective_step``), the status line is the slider panel's readout of the t-step run;
* the chapter's-values button.

The comparison panel (``figure.optimlab-race``) computes every contender in the page:
at rest, after each menu and the scale slider are moved with the keyboard, after a
scale is typed, at the slider's ends (the chapter's smallest and largest scales,
exactly), after the start is dragged and moved with the keys, and scrubbed to a few
steps, every drawn path is ``optimlab.race`` of that contender (relative 1e-12) and
the status lines are ``ComparisonPanel.readout``'s (of the t-step race when scrubbed).

``test_a_slider_move_repaints_within_a_frame`` times a slider move on a 300-step panel
added to a chapter page, ``test_a_comparison_move_repaints_within_two_frames`` a scale
move on the comparison panel (six optimizers). The precomputed panel (training curves)
keeps the check it had: each control, moved by keyboard, changes the drawn curves.
"""

from __future__ import annotations

import functools
import statistics

import numpy as np
import pytest

import optimlab as ol
from optimlab import _format
from optimlab.compare import ComparisonPanel, _readouts
from optimlab.engine import optimizer_from
from optimlab.objectives import LANDSCAPES
from optimlab.optimizers import ADAPTIVE, OneMinusPower, effective_step
from optimlab.widgets import _readout

from conftest import toc_pages

#: how long a run plays in the tests (readers get 4 s): the same frames, less waiting
PLAY_SECONDS = 1.5
SLOW_STEP_SECONDS = 0.5  # the pause lands seconds before a 30-step run could end
RTOL = 1e-12
FRAME_BUDGET_MS = 16.0
RACE_BUDGET_MS = 33.0  # six optimizers: two frames

# ------------------------------------------------------------------ slider panels

LIVE_JS = """(id) => {
  const p = window.optimlabPanels[id];
  const fig = document.getElementById(id);
  const el = (s) => document.getElementById(id + '-' + s);
  return {
    recipe: JSON.parse(fig.dataset.recipe),
    values: p.values, x0: p.x0, t: p.t, steps: p.desc.steps, playing: p.playing,
    controls: p.desc.controls.map((c) => ({ name: c.name, log: c.log, lo: c.lo, hi: c.hi,
      box: el(c.name + '-value').value, index: Number(el(c.name).value),
      max: Number(el(c.name).max), valuetext: el(c.name).getAttribute('aria-valuetext') })),
    menus: p.desc.menus.map((m) => ({ name: m.name, options: m.options })),
    bounds: p.desc.bounds,
    path: p.chart.drawn.path.map((r) => [r.x, r.y]),
    ends: p.chart.drawn.ends.map((e) => e.shape),
    status: el('status').textContent,
    start: el('start').textContent,
    state: [...el('state').querySelectorAll('dd')].map((dd) => ({ key: dd.dataset.key,
      text: dd.textContent, value: JSON.parse(dd.dataset.value) })),
    stepText: el('t-out').textContent,
    drawnDom: document.querySelector('#' + id + '-chart svg .optimlab-path') !== null,
    described: p.optimizer(),
    fields: p.desc.controls.map((c) => ({ name: c.name, field: c.field })),
  };
}"""

# Client coordinates of a data point on a panel's chart (however CSS scales the SVG).
CLIENT_JS = """([id, x, y]) => {
  const chart = window.optimlabPanels[id].chart;
  const box = chart.svg.getBoundingClientRect(), f = chart.frame;
  const s = box.width / f.outerWidth;
  return [box.left + f.px(x) * s, box.top + f.py(y) * s];
}"""


def _objective(recipe):
    objective = LANDSCAPES[recipe["objective"]]()
    return ol.noisy(objective, recipe["noise"], recipe["seed"]) if recipe["noise"] else objective


def _optimlab_run(page: dict, steps: int | None = None):
    """optimlab's run for what the page shows: the recipe's factory and landscape, the
    controls' values and the start point. A factory that is not one of optimlab's (a
    chapter's lambda) cannot be named: the optimizer is then the one the page described,
    whose fields must hold the controls' values (``optimlab.static`` checks that each
    control's field is the one its factory argument sets)."""
    recipe = page["recipe"]
    if hasattr(ol, recipe["factory"]):
        optimizer = getattr(ol, recipe["factory"])(**recipe["fixed"], **page["values"])
    else:
        for c in page["fields"]:
            held = functools.reduce(lambda d, key: d[key], c["field"], page["described"])
            assert held == page["values"][c["name"]], f"{c['name']} is not in {c['field']}"
        optimizer = optimizer_from(page["described"])
    return ol.run(optimizer, _objective(recipe), page["x0"],
                  recipe["steps"] if steps is None else steps)


def _close(got, expected, what):
    got = np.array([np.nan if v is None else v for v in np.ravel(got)], dtype=float)
    expected = np.ravel(np.asarray(expected, dtype=float))
    finite = np.isfinite(expected)
    scale = float(np.abs(expected[finite]).max()) if finite.any() else 1.0
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def _expected_state(tr, t) -> dict:
    """optimlab's state after step t, as the page lists it: every field but t, Adam's
    bias-corrected m̂ₜ and ŝₜ, and the effective step of step t."""
    opt, states = tr.optimizer, tr.states
    fields = {k: v[t] for k, v in states._asdict().items() if v is not None and k != "t"}
    if opt.name in ("Adam", "AdamW"):
        hp = opt.hyperparams
        s = states.s if states.s_max is None else states.s_max
        if t == 0:
            fields["m_hat"], fields["s_hat"] = np.zeros_like(s[0]), np.zeros_like(s[0])
        else:
            corrected = hp.get("bias_correction", True)
            bc1, bc2 = ((OneMinusPower(hp["beta1"])(t), OneMinusPower(hp["beta2"])(t))
                        if corrected else (1.0, 1.0))
            fields["m_hat"] = states.m[t] / bc1
            fields["s_hat"] = s[t] if hp.get("amsgrad_max") == "corrected" else s[t] / bc2
    if opt.name in ADAPTIVE and t > 0:
        with np.errstate(all="ignore"):
            fields["effective"] = effective_step(opt, states).reshape(tr.steps, -1)[t - 1]
    return fields


def _check(page, label):
    """The page's path, end marker, state list and status line are optimlab's at step t."""
    t = page["t"]
    tr = _optimlab_run(page)
    expected = tr.x[: t + 1]
    expected = expected[np.isfinite(expected).all(axis=1)]
    assert len(page["path"]) == len(expected), f"{label}: {len(page['path'])} points drawn"
    _close(page["path"], expected, f"{label}: the drawn path")
    stopped = 0 <= tr.diverged_at <= t
    if t > 0 or stopped:
        assert page["ends"][1] == ("cross" if stopped else "diamond"), label
    assert page["status"] == _readout(_optimlab_run(page, t)), f"{label}: status line"
    if t == page["steps"]:
        assert page["status"] == _readout(tr)
    state = _expected_state(tr, t)
    assert sorted(row["key"] for row in page["state"]) == sorted(state), f"{label}: state"
    for row in page["state"]:
        _close(row["value"], state[row["key"]], f"{label}: state {row['key']} at t={t}")
        assert row["text"] == _format.point(state[row["key"]]), f"{label}: {row['key']} text"
    assert page["start"] == f"start x₀ = {_format.point(page['x0'])}"
    assert page["stepText"] == f"t = {t} of {page['steps']}"
    return tr


def _state(page, pid):
    return page.evaluate(LIVE_JS, pid)


def _check_typing(page, pid, before):
    """A value typed into each number box (Enter) is run exactly; the slider follows."""
    for c in before["controls"]:
        current = before["values"][c["name"]]
        value = current * 0.77 if c["log"] else c["lo"] + 0.8123 * (current - c["lo"])
        value = float(f"{min(max(value, c['lo']), c['hi']):.6g}")
        page.fill(f"#{pid}-{c['name']}-value", repr(value))
        page.press(f"#{pid}-{c['name']}-value", "Enter")
        after = _state(page, pid)
        assert after["values"][c["name"]] == value, f"typed {c['name']}={value!r}"
        moved = next(d for d in after["controls"] if d["name"] == c["name"])
        assert moved["valuetext"] == moved["box"] and float(moved["box"]) == value
        _check(after, f"typed {c['name']}={value!r}")
        before = after
    page.fill(f"#{pid}-{c['name']}-value", repr(c["hi"] * 10 + 1))  # out of range: refused
    page.press(f"#{pid}-{c['name']}-value", "Enter")
    refused = _state(page, pid)
    assert refused["values"] == before["values"] and "must be in" in refused["status"]
    return before


def _check_keyboard(page, pid, before):
    """Each slider and menu, moved with an arrow key, moves the run."""
    for c in before["controls"]:
        key = "ArrowLeft" if c["index"] > 0 else "ArrowRight"
        page.focus(f"#{pid}-{c['name']}")
        page.keyboard.press(key)
        after = _state(page, pid)
        assert after["values"][c["name"]] != before["values"][c["name"]], f"{key} on {c['name']}"
        box = next(d for d in after["controls"] if d["name"] == c["name"])["box"]
        assert float(box) == after["values"][c["name"]], "the box shows the value run"
        _check(after, f"{key} on {c['name']}")
        before = after
    for m in before["menus"]:
        page.focus(f"#{pid}-{m['name']}")
        first = before["values"][m["name"]] == m["options"][0]
        page.keyboard.press("ArrowDown" if first else "ArrowUp")
        after = _state(page, pid)
        assert after["values"][m["name"]] != before["values"][m["name"]], f"menu {m['name']}"
        _check(after, f"menu {m['name']}={after['values'][m['name']]}")
        before = after
    return before


def _rounding(span: float) -> float:
    """Half the unit the page rounds a start coordinate to: a thousandth of the power of
    ten at or below the axis' span (assets/panel/panel.js, ``tidy``), plus a rounding."""
    return 0.5 * 10.0 ** (np.floor(np.log10(span)) - 3) * (1 + 1e-9)


def _check_start(page, pid, before):
    """Drag the start on the chart, then move it with the arrow keys on the chart."""
    (x_lo, x_hi), (y_lo, y_hi) = before["bounds"]
    targets = [(x_lo + 0.3 * (x_hi - x_lo), y_lo + 0.7 * (y_hi - y_lo)),
               (x_lo + 0.2 * (x_hi - x_lo), y_lo + 0.25 * (y_hi - y_lo))]
    first = page.evaluate(CLIENT_JS, [pid, *targets[0]])
    last = page.evaluate(CLIENT_JS, [pid, *targets[1]])
    page.mouse.move(*first)
    page.mouse.down()
    page.mouse.move(*last, steps=4)
    page.mouse.up()
    after = _state(page, pid)
    pixel = [(x_hi - x_lo) / 200, (y_hi - y_lo) / 100]  # a pixel or two, and the rounding
    assert np.all(np.abs(np.subtract(after["x0"], targets[1])) <= pixel), after["x0"]
    assert page.evaluate("document.activeElement.id") == f"{pid}-chart"
    _check(after, f"dragged to {after['x0']}")
    page.keyboard.press("ArrowUp")
    moved = _state(page, pid)
    assert moved["x0"][0] == after["x0"][0]
    assert moved["x0"][1] == pytest.approx(min(after["x0"][1] + (y_hi - y_lo) / 40, y_hi),
                                           abs=_rounding(y_hi - y_lo))
    _check(moved, "ArrowUp on the chart")
    page.keyboard.press("Shift+ArrowLeft")
    moved = _state(page, pid)
    assert moved["x0"][0] == pytest.approx(max(after["x0"][0] - 5 * (x_hi - x_lo) / 40, x_lo),
                                           abs=_rounding(x_hi - x_lo))
    _check(moved, "Shift+ArrowLeft on the chart")
    return moved


def _check_play_and_scrub(page, pid, before):
    steps = before["steps"]
    page.click(f"#{pid}-play")
    seen = []
    for _ in range(200):  # while it plays: the path has t + 1 points at every step seen
        now = _state(page, pid)
        seen.append(now["t"])
        if not now["playing"]:
            break
        if 0 < now["t"] < steps and len(seen) % 3 == 1:
            _check(now, f"playing, t={now['t']}")
        page.wait_for_timeout(40)
    assert not now["playing"] and now["t"] == steps, "play runs to the last step and stops"
    assert seen[0] < steps and len(set(seen)) > 2, f"play showed the steps {seen}"
    _check(now, "after play")
    # play again, slowly (a step every SLOW_STEP_SECONDS: a busy machine must not finish
    # the run before the click that pauses it lands), then pause it after its first step
    page.evaluate("(s) => { window.optimlabPlaySeconds = s; }", SLOW_STEP_SECONDS * steps)
    page.click(f"#{pid}-play")
    page.wait_for_function(f"() => window.optimlabPanels['{pid}'].t >= 1")
    page.click(f"#{pid}-play")
    page.evaluate("(s) => { window.optimlabPlaySeconds = s; }", PLAY_SECONDS)
    paused = _state(page, pid)
    assert not paused["playing"] and 0 < paused["t"] < steps
    page.wait_for_timeout(100)
    assert _state(page, pid)["t"] == paused["t"], "pause holds the step"
    _check(paused, f"paused at t={paused['t']}")
    page.focus(f"#{pid}-t")
    page.keyboard.press("Home")
    at0 = _state(page, pid)
    assert at0["t"] == 0 and len(at0["path"]) == 1
    _check(at0, "scrubbed to t=0")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    at3 = _state(page, pid)
    assert at3["t"] == 3
    _check(at3, "scrubbed to t=3")
    page.keyboard.press("End")
    return _state(page, pid)


def _check_live_panel(page, pid):
    rest = _state(page, pid)
    assert rest["drawnDom"], "nothing drawn"
    assert rest["t"] == rest["steps"] == rest["recipe"]["steps"]
    assert rest["x0"] == rest["recipe"]["x0"]
    for c in rest["controls"]:  # the chapter's value, exactly, on slider and box
        assert rest["values"][c["name"]] == float(c["box"]) and c["valuetext"] == c["box"]
    chapter = _check(rest, "at rest")
    state = _check_typing(page, pid, rest)
    state = _check_keyboard(page, pid, state)
    state = _check_start(page, pid, state)
    state = _check_play_and_scrub(page, pid, state)
    page.click(f"#{pid}-reset")
    again = _state(page, pid)
    assert again["values"] == rest["values"] and again["x0"] == rest["x0"]
    assert again["t"] == rest["steps"] and again["status"] == _readout(chapter)
    _check(again, "chapter's values again")


# ------------------------------------------------------------------ the comparison panel

RACE_JS = """(id) => {
  const p = window.optimlabPanels[id];
  const el = (s) => document.getElementById(id + '-' + s);
  return {
    recipe: JSON.parse(document.getElementById(id).dataset.recipe),
    values: p.values, x0: p.x0, t: p.t, steps: p.desc.steps, playing: p.playing,
    landscape: p.landscape.name, bounds: p.desc.bounds, chartTitle: p.desc.title,
    noiseOptions: p.desc.menus[1].options,
    menus: p.desc.menus.map((m) => ({ name: m.name, value: el(m.name).value })),
    box: el('scale-value').value, index: Number(el('scale').value), max: Number(el('scale').max),
    labels: p.desc.contenders.map((c) => c.label),
    paths: p.chart.drawnAll.map((d) => d.path.map((r) => [r.x, r.y])),
    ends: p.chart.drawnAll.map((d) => d.ends.map((e) => e.shape)),
    drawn: [...document.querySelectorAll('#' + id + '-chart svg .optimlab-path')].length,
    legend: [...document.querySelectorAll('#' + id + '-chart svg .optimlab-legend text')]
      .map((e) => e.textContent),
    lines: [...el('runs').querySelectorAll('li')].map((li) => li.textContent),
    status: el('status').textContent,
    start: el('start').textContent,
  };
}"""


def _race_panel(page: dict) -> ComparisonPanel:
    """optimlab's ComparisonPanel from what the page's recipe says, at the page's values."""
    recipe = page["recipe"]
    contenders = {label: (getattr(ol, c["factory"]), c["kwargs"])
                  for label, c in recipe["contenders"].items()}
    landscapes = {name: (LANDSCAPES[where["objective"]](), where["x0"])
                  for name, where in recipe["landscapes"].items()}
    panel = ComparisonPanel(contenders, landscapes, recipe["steps"], scales=recipe["scales"],
                            noise=recipe["noise"], seed=recipe["seed"])
    sigma = recipe["noise"][page["noiseOptions"].index(page["values"]["noise"])]
    panel.values = panel.checked(landscape=page["values"]["landscape"], noise=sigma,
                                 scale=page["values"]["scale"])  # another landscape: its start
    return panel


def _race(panel: ComparisonPanel, x0, steps: int):
    obj = panel._objective(panel.values["landscape"], panel.values["noise"])
    return ol.race(panel.contenders, obj, x0, steps, landscape=panel.values["landscape"],
                   scale=panel.values["scale"])


def _check_race(page, label):
    """Every drawn path is optimlab's run of that contender up to step t, and the status
    lines are ComparisonPanel.readout's (of the t-step race)."""
    panel, t = _race_panel(page), page["t"]
    name = page["values"]["landscape"]
    assert page["landscape"] == name == page["menus"][0]["value"], label
    assert page["chartTitle"].endswith(f": {name}"), label
    assert page["labels"] == list(panel.contenders) == page["legend"], label
    assert page["drawn"] == len(panel.contenders), f"{label}: one path per contender"
    runs = _race(panel, page["x0"], panel.steps)
    for k, (who, tr) in enumerate(runs.items()):
        expected = tr.x[: t + 1]
        expected = expected[np.isfinite(expected).all(axis=1)]
        assert len(page["paths"][k]) == len(expected), f"{label}: {who}, {len(expected)} points"
        _close(page["paths"][k], expected, f"{label}: {who}'s path")
        stopped = 0 <= tr.diverged_at <= t
        if t > 0 or stopped:
            assert page["ends"][k][1] == ("cross" if stopped else "diamond"), f"{label}: {who}"
    assert "; ".join(page["lines"]) == "; ".join(_readouts(_race(panel, page["x0"], t))), label
    if t == panel.steps and page["x0"] == panel.landscapes[name][1].tolist():
        assert "; ".join(page["lines"]) == panel.readout(), f"{label}: the readout"
    assert page["start"] == f"start x₀ = {_format.point(page['x0'])}"
    return runs


def _race_state(page, pid):
    return page.evaluate(RACE_JS, pid)


def _check_race_panel(page, pid):
    rest = _race_state(page, pid)
    recipe = rest["recipe"]
    first = next(iter(recipe["landscapes"]))
    assert rest["values"] == {"landscape": first, "noise": "none", "scale": 1.0}
    assert rest["x0"] == recipe["landscapes"][first]["x0"] and rest["t"] == recipe["steps"]
    assert rest["box"] == "1" and rest["status"] == ""
    _check_race(rest, "at rest")
    state = rest
    for menu in ("landscape", "noise"):  # each menu, with the keyboard
        page.focus(f"#{pid}-{menu}")
        page.keyboard.press("ArrowDown")
        after = _race_state(page, pid)
        assert after["values"][menu] != state["values"][menu], f"menu {menu}"
        _check_race(after, f"menu {menu}={after['values'][menu]}")
        state = after
    page.focus(f"#{pid}-scale")
    for key in ["ArrowRight", "ArrowLeft", "ArrowLeft"]:  # the scale slider, step by step
        page.keyboard.press(key)
        after = _race_state(page, pid)
        assert after["values"]["scale"] != state["values"]["scale"], key
        assert float(after["box"]) == after["values"]["scale"]
        _check_race(after, f"{key} on the scale: ×{after['values']['scale']}")
        state = after
    for key, value in [("End", max(recipe["scales"])), ("Home", min(recipe["scales"]))]:
        page.keyboard.press(key)  # the chapter's extreme scales, exactly
        after = _race_state(page, pid)
        assert after["values"]["scale"] == value, key
        _check_race(after, f"{key} on the scale: ×{value}")
    for value in [1.7, 0.5]:  # typed (0.5 is one of the chapter's, the slider lands on it)
        page.fill(f"#{pid}-scale-value", repr(value))
        page.press(f"#{pid}-scale-value", "Enter")
        after = _race_state(page, pid)
        assert after["values"]["scale"] == value, f"typed {value}"
        _check_race(after, f"typed scale {value}")
    page.fill(f"#{pid}-scale-value", "100")
    page.press(f"#{pid}-scale-value", "Enter")
    refused = _race_state(page, pid)
    assert refused["values"] == after["values"] and "must be in" in refused["status"]
    page.focus(f"#{pid}-landscape")  # the next landscape: its own chart, start and runs
    page.keyboard.press("ArrowDown")
    moved = _race_state(page, pid)
    assert moved["landscape"] != after["landscape"] and moved["status"] == ""
    assert moved["x0"] == recipe["landscapes"][moved["landscape"]]["x0"]
    _check_race(moved, f"landscape {moved['landscape']} at ×0.5, noisy")
    (x_lo, x_hi), (y_lo, y_hi) = moved["bounds"]  # the common start, dragged and keyed
    first = page.evaluate(CLIENT_JS, [pid, x_lo + 0.6 * (x_hi - x_lo), y_lo + 0.6 * (y_hi - y_lo)])
    last = page.evaluate(CLIENT_JS, [pid, x_lo + 0.3 * (x_hi - x_lo), y_lo + 0.7 * (y_hi - y_lo)])
    page.mouse.move(*first)
    page.mouse.down()
    page.mouse.move(*last, steps=3)
    page.mouse.up()
    dragged = _race_state(page, pid)
    assert dragged["x0"] != moved["x0"]
    _check_race(dragged, f"dragged to {dragged['x0']}")
    page.keyboard.press("Shift+ArrowDown")
    _check_race(_race_state(page, pid), "Shift+ArrowDown on the chart")
    page.focus(f"#{pid}-t")  # scrubbed
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    at3 = _race_state(page, pid)
    assert at3["t"] == 3 and all(len(p) <= 4 for p in at3["paths"])
    _check_race(at3, "scrubbed to t=3")
    page.click(f"#{pid}-play")  # play runs to the end
    page.wait_for_function(f"() => !window.optimlabPanels['{pid}'].playing", timeout=10000)
    _check_race(_race_state(page, pid), "after play")
    page.click(f"#{pid}-reset")
    again = _race_state(page, pid)
    assert again["values"] == rest["values"] and again["x0"] == rest["x0"]
    assert again["lines"] == rest["lines"] and again["paths"] == rest["paths"]


# ------------------------------------------------------------------ precomputed panels

# The drawn paths of a precomputed panel, read from Vega's scenegraph in data coordinates.
PATH_JS = """(target) => {
  const view = window.optimlabViews && window.optimlabViews[target];
  if (!view) return null;
  const sx = view.scale('x'), sy = view.scale('y');
  const paths = {};
  (function walk(node) {
    if (node.marktype === 'line')
      (node.items || []).forEach(it => {
        const key = (it.datum && it.datum.o) || 'path';
        (paths[key] = paths[key] || []).push([sx.invert(it.x), sy.invert(it.y)]);
      });
    else (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return paths;
}"""

STATE_JS = """(id) => {
  const fig = document.getElementById(id);
  return {
    recipe: JSON.parse(fig.dataset.recipe),
    controls: [...fig.querySelectorAll('.optimlab-controls input, .optimlab-controls select')].map(
      el => ({id: el.id, tag: el.tagName, index: Number(el.value),
              max: el.max ? Number(el.max) : null,
              values: el.dataset.values ? JSON.parse(el.dataset.values) : null,
              options: el.tagName === 'SELECT' ? [...el.options].map(o => o.textContent) : null})),
  };
}"""


def _expected_paths(state) -> dict[str, np.ndarray] | None:
    """What optimlab computes for a precomputed panel's current controls."""
    recipe = state["recipe"]
    idx = [c["index"] for c in state["controls"]]
    if recipe.get("kind") == "curves":  # training curves: checked against optimlab in
        return None                     # tests/unit/test_curves.py; here only that they move
    name = list(recipe["landscapes"])[idx[0]]
    where = recipe["landscapes"][name]
    objective = LANDSCAPES[where["objective"]]()
    sigma, scale = recipe["noise"][idx[1]], recipe["scales"][idx[2]]
    if sigma:
        objective = ol.noisy(objective, sigma, recipe["seed"])
    contenders = {label: (getattr(ol, c["factory"]), c["kwargs"])
                  for label, c in recipe["contenders"].items()}
    runs = ol.race(contenders, objective, where["x0"], recipe["steps"], landscape=name,
                   scale=scale)
    return {label: _finite(tr.x) for label, tr in runs.items()}


def _finite(x):
    return x[np.isfinite(x).all(axis=-1)]


def _bounds(state):
    recipe = state["recipe"]
    if recipe.get("kind") == "curves":
        return None
    name = list(recipe["landscapes"])[state["controls"][0]["index"]]
    return [tuple(b) for b in LANDSCAPES[recipe["landscapes"][name]["objective"]]().bounds]


def _assert_same_paths(drawn, expected, bounds):
    if expected is None:
        assert drawn and all(len(v) for v in drawn.values()), "no curve drawn"
        return
    assert sorted(drawn) == sorted(expected), f"drawn {sorted(drawn)} vs {sorted(expected)}"
    span = np.array([hi - lo for lo, hi in bounds])
    for key in expected:
        got = np.array(drawn[key], dtype=float)
        assert got.shape == expected[key].shape, f"drawn {got.shape} vs {expected[key].shape}"
        tol = 2e-3 * span + 5e-3 * np.abs(expected[key])  # stored to 3 significant digits
        bad = np.abs(got - expected[key]) > tol
        assert not bad.any(), f"first mismatch at step {np.argwhere(bad)[0][0]}"


def _same_expected(a, b):
    if a is None or b is None:
        return False
    return a.keys() == b.keys() and all(
        a[k].shape == b[k].shape and np.allclose(a[k], b[k], rtol=5e-3, atol=1e-9) for k in a)


def _check_precomputed_panel(page, pid):
    page.wait_for_function(f"() => window.optimlabViews && window.optimlabViews['{pid}-chart']",
                           timeout=15000)
    target = f"{pid}-chart"
    state = page.evaluate(STATE_JS, pid)
    before = page.evaluate(PATH_JS, target)
    expected_before = _expected_paths(state)
    _assert_same_paths(before, expected_before, _bounds(state))
    for c in state["controls"]:
        page.focus(f"#{c['id']}")
        if c["tag"] == "SELECT":
            key = "ArrowDown" if c["index"] < len(c["options"]) - 1 else "ArrowUp"
        else:
            key = "ArrowLeft" if c["index"] > 0 else "ArrowRight"
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        after_state = page.evaluate(STATE_JS, pid)
        assert [a["index"] for a in after_state["controls"]] != \
            [b["index"] for b in state["controls"]], f"{c['id']}: {key} did not move it"
        after = page.evaluate(PATH_JS, target)
        expected_after = _expected_paths(after_state)
        _assert_same_paths(after, expected_after, _bounds(after_state))
        if not _same_expected(expected_after, expected_before):
            assert after != before, f"{c['id']}: path did not change on the page"
        state, before, expected_before = after_state, after, expected_after


# ------------------------------------------------------------------ the tests

def _panel_pages():
    return [p for p in toc_pages() if p != "index.html"]


#: a panel has started: its LivePanel (slider and comparison panels) or its Vega view
STARTED_JS = """(id) => !!((window.optimlabPanels && window.optimlabPanels[id])
                           || (window.optimlabViews && window.optimlabViews[id + '-chart']))"""


def _scroll_to(page, pid):
    """Panel ``pid`` scrolled into view, where it starts (optimlab-panels.js), and started."""
    page.eval_on_selector(f"#{pid}", "el => el.scrollIntoView()")
    page.wait_for_function(STARTED_JS, arg=pid, timeout=15000)


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    # a run plays in 1.5 s instead of the reader's 4: the same frames, less waiting
    context.add_init_script(f"window.optimlabPlaySeconds = {PLAY_SECONDS}")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url, wait_until="networkidle")
    return context, page, errors


@pytest.mark.parametrize("panel_page", _panel_pages(), ids=lambda p: p.removesuffix(".html"))
def test_panels_move_and_match_optimlab(browser, site_url, panel_page):
    context, page, errors = _open(browser, site_url + panel_page)
    try:
        live = page.eval_on_selector_all("figure.optimlab-live:not(.optimlab-race)",
                                         "els => els.map(e => e.id)")
        races = page.eval_on_selector_all("figure.optimlab-race", "els => els.map(e => e.id)")
        other = page.eval_on_selector_all("figure.optimlab-panel:not(.optimlab-live)",
                                          "els => els.map(e => e.id)")
        for pid in live:
            # what the panel ships is its description: controls, optimizer options, the
            # landscape's formula, its contour picture and, for a noisy landscape, its noise
            # rows (the run's input); no precomputed run, whatever the number of steps
            shipped, rows, contour = page.eval_on_selector(f"#{pid}", """el => {
                const text = el.querySelector('script.optimlab-run').textContent;
                const d = JSON.parse(text);
                return [text.length, JSON.stringify(d.objective.noise_rows || []).length,
                        JSON.stringify(d.contour).length]; }""")
            assert shipped - rows - contour < 4_000, (
                f"{pid}: {shipped} characters of description, {rows} of them noise rows and "
                f"{contour} the contour (no precomputed runs)")
            _scroll_to(page, pid)
            _check_live_panel(page, pid)
        for pid in races:
            _scroll_to(page, pid)
            _check_race_panel(page, pid)
        if panel_page == "book/comparison.html":
            assert races, "the comparison panel computes in the page"
        for pid in other:
            precomputed = page.eval_on_selector(
                f"#{pid}", "el => !!el.querySelector('script.optimlab-spec')")
            assert precomputed, f"{pid}: neither live nor precomputed (a still picture?)"
            _scroll_to(page, pid)
            _check_precomputed_panel(page, pid)
        assert not errors, errors
    finally:
        context.close()


RMSPROP_HTML_BUDGET_KB = 450  # uncompressed; 1,008 KB with the precomputed paths
SCRIPTS_BUDGET_KB = 200  # the page engine, its drawing code and the page script, gzip


def test_the_panels_weigh_within_their_budgets():
    """What a panel costs a reader, as ``make bench`` prints it: the RMSprop chapter's HTML
    (its panel ships a description, no precomputed paths) and the page engine with its
    drawing code and the page script, as served compressed."""
    from conftest import SITE, served_bytes

    html_kb = (SITE / "book" / "rmsprop.html").stat().st_size / 1e3
    static = SITE / "_static"
    scripts = [*(static / "engine").glob("*.js"), *(static / "panel").glob("*.js"),
               static / "optimlab-panels.js"]
    assert len(scripts) > 8, scripts
    scripts_kb = sum(served_bytes(f) for f in scripts) / 1e3
    assert html_kb <= RMSPROP_HTML_BUDGET_KB, f"rmsprop.html: {html_kb:.0f} KB"
    assert scripts_kb <= SCRIPTS_BUDGET_KB, f"engine and drawing: {scripts_kb:.1f} KB gzip"


def test_a_panel_starts_when_the_reader_nears_it(browser, site_url):
    """On the family's chapter (four slider panels, far down the page), no panel computes,
    draws or loads its modules while the reader is at the top; scrolling to a panel starts
    it."""
    context, page, errors = _open(browser, site_url + "book/family.html")
    try:
        page.wait_for_timeout(1000)
        ids = page.eval_on_selector_all("figure.optimlab-live", "els => els.map(e => e.id)")
        assert len(ids) == 4, ids
        started = page.evaluate("(ids) => ids.filter((id) => window.optimlabPanels[id])", ids)
        drawn = page.eval_on_selector_all(".optimlab-chart svg", "els => els.length")
        modules = page.evaluate("() => performance.getEntriesByType('resource')"
                                ".filter((r) => r.name.includes('/panel/')).length")
        assert (started, drawn, modules) == ([], 0, 0), (started, drawn, modules)
        for pid in ids:
            _scroll_to(page, pid)
            assert page.eval_on_selector(f"#{pid}", "el => !!el.querySelector('svg')"), pid
        assert not errors, errors
    finally:
        context.close()


TIMING_JS = """async ([id, control, moves]) => {
  const p = window.optimlabPanels[id];
  const slider = document.getElementById(id + '-' + control);
  const out = [];
  for (let i = 0; i < moves; i++) {
    // the move is made at the start of a frame; the message posted then is handled once
    // that frame has been rendered (style, layout, paint): input -> repainted path
    out.push(await new Promise((resolve) => requestAnimationFrame(() => {
      const t0 = performance.now();
      slider.value = String(Number(slider.value) + (i % 2 ? -7 : 7));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const handled = performance.now() - t0;
      const channel = new MessageChannel();
      channel.port1.onmessage = () =>
        resolve([handled, performance.now() - t0, p.chart.drawn.path.length]);
      channel.port2.postMessage(0);
    })));
  }
  return out;
}"""


@pytest.mark.quiet  # a timing: make test runs it on its own, not beside other tests
def test_a_slider_move_repaints_within_a_frame(browser, site_url):
    """A 300-step panel added to the RMSprop chapter's page: from a slider's input event to
    the frame with the new path rendered, the median of 40 moves (after 10 to warm up);
    the best of three such rounds, since a busy machine only ever adds time."""
    panel = ol.slider_panel(ol.rmsprop, ol.seed000_bowl(), [-10.0, 1.5], 300, lr=0.5,
                            gamma=0.9, eps=1e-8, eps_placement=("inside", "outside"))
    context, page, errors = _open(browser, site_url + "book/rmsprop.html")
    try:
        _scroll_to(page, page.eval_on_selector("figure.optimlab-live", "el => el.id"))
        page.evaluate("""async (html) => {
          document.querySelector('figure.optimlab-live').insertAdjacentHTML('afterend', html);
          const { LivePanel } = await import(new URL('../_static/panel/panel.js', location.href));
          window.optimlabPanels.timed = new LivePanel(document.getElementById('timed'));
          document.getElementById('timed').scrollIntoView();
        }""", panel.static_html("timed"))
        rounds = []
        for _ in range(3):
            times = page.evaluate(TIMING_JS, ["timed", "lr", 50])[10:]
            handled, painted, points = (np.array(c) for c in zip(*times))
            assert points.max() == 301, "a 300-step path"
            rounds.append((statistics.median(painted), float(np.percentile(painted, 90)),
                           statistics.median(handled)))
            if rounds[-1][0] <= FRAME_BUDGET_MS / 2:
                break
        _check(_state(page, "timed"), "300 steps, after the moves")
        median, p90, handler = min(rounds)
        print("\nslider input -> repainted path, 300 steps: " + "; ".join(
            f"median {m:.1f} ms, p90 {p:.1f} ms (handler {h:.1f} ms)" for m, p, h in rounds))
        assert median <= FRAME_BUDGET_MS, f"median {median:.1f} ms, p90 {p90:.1f} ms"
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.quiet  # a timing: make test runs it on its own, not beside other tests
def test_a_comparison_move_repaints_within_two_frames(browser, site_url):
    """The comparison chapter's panel (six optimizers): from a scale slider's input event
    to the frame with the six new paths rendered, the median of 40 moves (after 10 to
    warm up), the best of three rounds."""
    context, page, errors = _open(browser, site_url + "book/comparison.html")
    try:
        pid = page.eval_on_selector("figure.optimlab-race", "el => el.id")
        _scroll_to(page, pid)
        assert len(_race_state(page, pid)["labels"]) == 6
        rounds = []
        for _ in range(3):
            times = page.evaluate(TIMING_JS, [pid, "scale", 50])[10:]
            handled, painted, points = (np.array(c) for c in zip(*times))
            assert points.max() > 1, "paths drawn"
            rounds.append((statistics.median(painted), float(np.percentile(painted, 90)),
                           statistics.median(handled)))
            if rounds[-1][0] <= RACE_BUDGET_MS / 2:
                break
        _check_race(_race_state(page, pid), "six optimizers, after the moves")
        median, p90, handler = min(rounds)
        print("\nscale input -> six repainted paths: " + "; ".join(
            f"median {m:.1f} ms, p90 {p:.1f} ms (handler {h:.1f} ms)" for m, p, h in rounds))
        assert median <= RACE_BUDGET_MS, f"median {median:.1f} ms, p90 {p90:.1f} ms"
        assert not errors, errors
    finally:
        context.close()
