"""The kernel-free twin of a slider panel: HTML range inputs and a Vega-Lite chart.

Vega binds each chart parameter to an external ``<input>`` (``bind: {"element": ...}``),
so the controls are ordinary labelled, keyboard-operable HTML; the chart filters the
precomputed run that matches the controls. The page-side script
``assets/optimlab-panels.js`` only embeds the specs and updates the value readouts.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import json
import uuid

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .objectives import LANDSCAPES
from .plots import PALETTE, compact_png, draw_contour

WIDTH, HEIGHT = 560, 300


def contour_png(objective, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The contour alone, filling the image edge to edge, as a data URL."""
    dpi = 100
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_contour(ax, objective)
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(compact_png(buf.getvalue())).decode("ascii")


def vega_spec(data: dict, panel_id: str, objective, title: str) -> dict:
    """The Vega-Lite spec: contour image, the selected path, its start and end."""
    (x_lo, x_hi), (y_lo, y_hi) = objective.bounds
    params = [{"name": f"c{i}", "value": c["index"],
               "bind": {"element": f"#{panel_id}-{c['name']}"}}
              for i, c in enumerate(data["controls"])]
    k_expr = " + ".join(f"toNumber(c{i}) * {s}" for i, s in enumerate(data["strides"]))
    x_scale = {"domain": [x_lo, x_hi], "nice": False, "zero": False}
    y_scale = {"domain": [y_lo, y_hi], "nice": False, "zero": False}
    enc = {"x": {"field": "x", "type": "quantitative", "scale": x_scale, "title": "x₁"},
           "y": {"field": "y", "type": "quantitative", "scale": y_scale, "title": "x₂"}}
    path = [{"filter": f"datum.k == {k_expr}"}, {"flatten": ["x", "y"]},
            {"window": [{"op": "row_number", "as": "t"}]},
            {"filter": "isValid(datum.x) && isValid(datum.y)"}]
    color = PALETTE[0]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": WIDTH, "height": HEIGHT, "padding": 5,
        "title": title,
        "params": params,
        "data": {"name": "runs", "values": data["runs"]},
        "layer": [
            {"data": {"values": [{}]},
             "mark": {"type": "image", "width": WIDTH, "height": HEIGHT, "align": "left",
                      "baseline": "top", "aspect": False, "aria": False},
             "encoding": {"x": {"datum": x_lo, "type": "quantitative", "scale": x_scale},
                          "y": {"datum": y_hi, "type": "quantitative", "scale": y_scale},
                          "url": {"value": contour_png(objective)}}},
            {"transform": path,
             "mark": {"type": "line", "color": color, "strokeWidth": 2,
                      "point": {"color": color, "size": 18, "shape": "circle"},
                      "clip": True},
             "encoding": {**enc, "order": {"field": "t", "type": "quantitative"}}},
            {"transform": path + [{"joinaggregate": [{"op": "max", "field": "t", "as": "last"}]},
                                  {"filter": "datum.t == 1 || datum.t == datum.last"}],
             "mark": {"type": "point", "filled": True, "size": 140, "stroke": "black",
                      "clip": True},
             "encoding": {**enc,
                          "shape": {"condition": {"test": "datum.t == 1", "value": "circle"},
                                    "value": "diamond"},
                          "color": {"condition": {"test": "datum.t == 1", "value": "white"},
                                    "value": color}}},
            {"transform": [{"filter": f"datum.k == {k_expr}"}],
             "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 4, "dy": -4,
                      "fontSize": 13, "fontWeight": "bold"},
             "encoding": {"x": {"datum": x_lo, "type": "quantitative", "scale": x_scale},
                          "y": {"datum": y_lo, "type": "quantitative", "scale": y_scale},
                          "text": {"field": "status"}}},
        ],
    }


_PROBE = np.random.default_rng(0).uniform(-2.0, 2.0, (5, 2))


def _landscape_key(objective) -> str | None:
    """The name of the LANDSCAPES constructor that builds ``objective``, if any (lets a
    test recompute a panel's paths from the page alone). A parametrised landscape
    (``rosenbrock(a=2)``) matches no constructor: the name alone would not tell them
    apart, so the values at a few probe points must agree too."""
    for key, make in LANDSCAPES.items():
        ref = make()
        if ref.name == objective.name and ref.dim == objective.dim and \
                np.allclose(ref.f(_PROBE), objective.f(_PROBE), rtol=1e-12, atol=0):
            return key  # same formula, same numbers: rtol only absorbs rounding
    return None


def factory_name(factory) -> str:
    """``rmsprop``, or ``adam(eps_placement='hat')`` for a ``functools.partial``."""
    if isinstance(factory, functools.partial):
        args = [repr(a) for a in factory.args]
        args += [f"{k}={v!r}" for k, v in factory.keywords.items()]
        return f"{factory_name(factory.func)}({', '.join(args)})"
    return getattr(factory, "__name__", repr(factory))


def control_html(cid: str, label: str, labels: list, index: int, values=None) -> str:
    """One labelled control: a range input over grid indices (``values`` given) or a menu."""
    if values is None:
        options = "".join(f'<option value="{i}"{" selected" if i == index else ""}>'
                          f"{html.escape(str(v))}</option>" for i, v in enumerate(labels))
        return (f'<label for="{cid}">{html.escape(label)}</label>'
                f'<select id="{cid}">{options}</select><span></span>')
    current = str(labels[index])
    return (f'<label for="{cid}">{html.escape(label)}</label>'
            f'<input type="range" id="{cid}" min="0" max="{len(labels) - 1}" step="1" '
            f'value="{index}" aria-valuetext="{html.escape(current)}" '
            f"data-labels='{html.escape(json.dumps(labels))}' "
            f"data-values='{json.dumps([float(v) for v in values])}'>"
            f'<output for="{cid}">{html.escape(current)}</output>')


def figure_html(panel_id: str, rows: list[str], spec: dict, caption: str, alt: str,
                recipe: dict) -> str:
    """The twin's ``<figure>``: controls, chart container, caption and the JSON spec."""
    spec_json = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<figure class="optimlab-panel" id="{panel_id}" '
        f"data-recipe='{html.escape(json.dumps(recipe))}'>"
        f'<div class="optimlab-controls">{"".join(rows)}</div>'
        f'<div class="optimlab-chart" id="{panel_id}-chart" role="img" '
        f'aria-label="{html.escape(alt)}"></div>'
        f"<figcaption>{html.escape(caption)}</figcaption>"
        f'<script type="application/json" class="optimlab-spec" data-target="{panel_id}-chart">'
        f"{spec_json}</script></figure>"
    )


def new_id() -> str:
    return "olp-" + uuid.uuid4().hex[:8]


def panel_html(panel, panel_id: str | None = None) -> str:
    """HTML for the twin of a :class:`~optimlab.widgets.Panel`."""
    panel_id = panel_id or new_id()
    data = panel.export()
    grid = panel.grid()
    rows = [control_html(f"{panel_id}-{c['name']}", c["label"], c["labels"], c["index"],
                         None if c["name"] in panel.menus else grid[c["name"]])
            for c in data["controls"]]
    spec = vega_spec(data, panel_id, panel.objective, panel.title or panel.objective.name)
    fixed = ", ".join(f"{k}={v}" for k, v in panel.fixed.items())
    caption = (f"{factory_name(panel.factory)} on f = {panel.objective.name} from "
               f"{tuple(float(v) for v in panel.x0)}, {panel.steps} steps"
               + (f", {fixed}" if fixed else "") +
               f". Paths precomputed for {len(data['runs'])} settings; move a control to "
               "pick one.")
    alt = f"Interactive contour plot of {panel.objective.name} with the path of the chosen setting"
    recipe = {"factory": factory_name(panel.factory), "objective": _landscape_key(panel.objective),
              "x0": [float(v) for v in panel.x0], "steps": panel.steps, "fixed": panel.fixed,
              "controls": [c["name"] for c in data["controls"]]}
    return figure_html(panel_id, rows, spec, caption, alt, recipe)
