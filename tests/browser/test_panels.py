"""The kernel-free slider panels on the static site, driven by keyboard in Chromium.

For every panel on every page: each control, moved with the keyboard, changes the drawn
path (whenever optimlab's paths for the two settings differ), and the path drawn for a
setting is the one ``optimlab.run`` computes for it, recomputed here from the recipe the
panel carries in its ``data-recipe`` attribute.
"""

from __future__ import annotations


import numpy as np
import pytest

import optimlab as ol
from optimlab.objectives import LANDSCAPES

from conftest import toc_pages

# The drawn path, read from Vega's scenegraph and mapped back to data coordinates.
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


def _expected_paths(state) -> dict[str, np.ndarray]:
    """What optimlab computes for the controls' current values, from the page's recipe."""
    recipe = state["recipe"]
    idx = [c["index"] for c in state["controls"]]
    if recipe.get("kind") == "curves":  # training curves: checked against optimlab in
        return None                     # tests/unit/test_curves.py; here only that they move
    if recipe.get("kind") == "comparison":
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
    values = {}
    for name, c in zip(recipe["controls"], state["controls"]):
        values[name] = c["values"][c["index"]] if c["values"] else c["options"][c["index"]]
    optimizer = getattr(ol, recipe["factory"])(**recipe["fixed"], **values)
    tr = ol.run(optimizer, LANDSCAPES[recipe["objective"]](), recipe["x0"], recipe["steps"])
    return {"path": _finite(tr.x)}


def _finite(x):
    return x[np.isfinite(x).all(axis=-1)]


def _bounds(state):
    recipe = state["recipe"]
    if recipe.get("kind") == "curves":
        return None
    if recipe.get("kind") == "comparison":
        name = list(recipe["landscapes"])[state["controls"][0]["index"]]
        key = recipe["landscapes"][name]["objective"]
    else:
        key = recipe["objective"]
    return [tuple(b) for b in LANDSCAPES[key]().bounds]


def _assert_same_paths(drawn, expected, bounds):
    if expected is None:
        assert drawn and all(len(v) for v in drawn.values()), "no curve drawn"
        return
    assert sorted(drawn) == sorted(expected), f"drawn {sorted(drawn)} vs {sorted(expected)}"
    for key in expected:
        _assert_same_path(drawn[key], expected[key], bounds)


def _same_expected(a, b):
    if a is None or b is None:
        return False
    return a.keys() == b.keys() and all(
        a[k].shape == b[k].shape and np.allclose(a[k], b[k], rtol=5e-3, atol=1e-9) for k in a)


def _assert_same_path(drawn, expected, bounds):
    drawn = np.array(drawn, dtype=float)
    assert drawn.shape == expected.shape, f"drawn {drawn.shape} vs optimlab {expected.shape}"
    span = np.array([hi - lo for lo, hi in bounds])
    tol = 2e-3 * span + 5e-3 * np.abs(expected)  # paths are stored to 3 significant digits
    bad = np.abs(drawn - expected) > tol
    assert not bad.any(), f"first mismatch at step {np.argwhere(bad)[0][0]}"


def _wait_for_views(page):
    page.wait_for_function(
        "() => [...document.querySelectorAll('.optimlab-chart')].every("
        "c => window.optimlabViews && window.optimlabViews[c.id])", timeout=15000)


def _panel_pages():
    return [p for p in toc_pages() if p != "index.html"]


@pytest.mark.parametrize("panel_page", _panel_pages(), ids=lambda p: p.removesuffix(".html"))
def test_panels_move_and_match_optimlab(browser, site_url, panel_page):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + panel_page, wait_until="networkidle")
    panels = page.eval_on_selector_all(".optimlab-panel", "els => els.map(e => e.id)")
    if not panels:
        context.close()
        return  # this page has no panel; the page checks cover it
    _wait_for_views(page)
    for pid in panels:
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
            moved = [a["index"] for a in after_state["controls"]] != \
                [b["index"] for b in state["controls"]]
            assert moved, f"{c['id']}: the {key} key did not move the control"
            after = page.evaluate(PATH_JS, target)
            expected_after = _expected_paths(after_state)
            _assert_same_paths(after, expected_after, _bounds(after_state))
            if not _same_expected(expected_after, expected_before):
                assert after != before, f"{c['id']}: path did not change on the page"
            state, before, expected_before = after_state, after, expected_after
    assert not errors, errors
    context.close()
