"""The page's face of a described panel (:mod:`optimlab.panels`): HTML controls, a
chart and what the page script needs.

:func:`page_html` writes every control of the description as a labelled,
keyboard-operable HTML input, in the description's order. A panel the page engine runs
(:class:`~optimlab.panels.PageRun`: the slider and comparison panels) carries one JSON
description (:func:`panel_description`: the controls, the page engine's descriptions of
the optimizers and landscapes, the starts, the contour images) from which the page
script (``assets/optimlab-panels.js`` with ``assets/panel`` and ``assets/engine``)
computes the runs for whatever the reader sets, bit for bit as :func:`optimlab.run`,
and draws them as plain SVG; where the engine cannot run the panel, a still picture of
the chapter's run. A panel of results computed at build time
(:class:`~optimlab.panels.PageVega`: the training curves) is a Vega-Lite chart
(:func:`figure_html`) whose parameters are bound to the controls :func:`control_html`
writes.
"""

from __future__ import annotations

import base64
import functools
import html
import inspect
import io
import json
import uuid

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._format import point as _point
from .engine import NotInEngine
from .objectives import LANDSCAPES
from .panels import Menu, PageVega, Panel, Slider
from .plots import compact_png, draw_contour
from .trajectory import run

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


_PROBE = np.random.default_rng(0).uniform(-2.0, 2.0, (5, 2))


def landscape_key(objective) -> str | None:
    """The name of the LANDSCAPES constructor that builds ``objective``, if any (lets a
    test recompute a panel's paths from the page alone). A parametrised landscape
    (``rosenbrock(a=2)``) matches no constructor: the name alone would not tell them
    apart, so the values at a few probe points must agree too. A noisy landscape
    (:func:`optimlab.noisy`) is matched by the one it adds the noise to."""
    for key, make in LANDSCAPES.items():
        ref = make()
        names = (ref.name, f"{ref.name} + noise σ={objective.noise:g}")
        if objective.name in names and ref.dim == objective.dim and \
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


def control_html(cid: str, label: str, labels: list, index: int, values: list) -> str:
    """One labelled range input over the indices of ``values`` (shown as ``labels``)."""
    current = str(labels[index])
    return (f'<label for="{cid}">{html.escape(label)}</label>'
            f'<input type="range" id="{cid}" min="0" max="{len(labels) - 1}" step="1" '
            f'value="{index}" aria-valuetext="{html.escape(current)}" '
            f"data-labels='{html.escape(json.dumps(labels))}' "
            f"data-values='{json.dumps([float(v) for v in values])}'>"
            f'<output for="{cid}">{html.escape(current)}</output>')


def figure_html(panel_id: str, rows: list[str], spec: dict, caption: str, alt: str,
                recipe: dict) -> str:
    """A precomputed panel's ``<figure>``: controls, chart container, caption and the
    Vega-Lite spec."""
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


# ------------------------------------------------------------- the page's face

#: the blow-up threshold of optimlab.run, which the page engine is handed too
BLOWUP = inspect.signature(run).parameters["blowup"].default


def slider_json(s: Slider, field=None) -> dict:
    """A slider as the page script reads it: range, scale, the chapter's value, its
    marks and the ``field`` of the engine's description it sets (a path of keys; None
    where the page sets no field, as the comparison's scale, which multiplies each
    contender's step size)."""
    return {"name": s.name, "label": s.label, "lo": s.lo, "hi": s.hi, "log": s.log,
            "value": s.value, "marks": list(s.marks),
            "field": list(field) if field is not None else None}


def menu_json(m: Menu) -> dict:
    """A menu as the page script reads it: its texts, the chapter's selected."""
    return {"name": m.name, "label": m.label, "options": list(m.texts), "value": m.texts[0]}


def panel_description(panel: Panel) -> dict:
    """What the page needs to compute and draw a panel the page engine runs (JSON-ready):
    the panel's page data (:class:`optimlab.panels.PageRun`) with its sliders
    (``controls``) and menus from the description's controls. No run: the page computes
    it. Raises :class:`~optimlab.engine.NotInEngine` if the page engine cannot run the
    panel."""
    data = dict(panel.spec.page.data())
    fields = data.pop("fields", {})
    controls = panel.spec.controls
    return {**data,
            "controls": [slider_json(c, fields.get(c.name)) for c in controls
                         if isinstance(c, Slider)],
            "menus": [menu_json(m) for m in controls if isinstance(m, Menu)]}


def page_html(panel: Panel, panel_id: str | None = None) -> str:
    """The page's face of a described panel: its controls as labelled HTML inputs, in
    the description's order, and the chart; computed in the page
    (:class:`~optimlab.panels.PageRun`), a still picture of the chapter's run where the
    page engine cannot run it, or a Vega-Lite chart of results computed at build time
    (:class:`~optimlab.panels.PageVega`)."""
    panel_id = panel_id or new_id()
    page = panel.spec.page
    if isinstance(page, PageVega):
        rows = [control_html(f"{panel_id}-{g.name}", g.label, list(g.texts), g.index,
                             list(g.values)) for g in panel.spec.controls]
        return figure_html(panel_id, rows, page.spec(panel_id), page.caption, page.alt,
                           page.recipe)
    try:
        description = panel_description(panel)
    except NotInEngine as err:
        return still_html(panel, panel_id, str(err))
    sliders = {c["name"]: c for c in description["controls"]}
    menus = {m["name"]: m for m in description["menus"]}
    rows = [slider_html(panel_id, sliders[c.name]) if c.name in sliders
            else menu_html(panel_id, menus[c.name]) for c in panel.spec.controls]
    chapter = panel.spec.chapter()
    runs = panel.spec.compute(chapter)
    lines = panel.spec.readout(runs)
    race = page.several
    body = (f'<div class="optimlab-controls">{"".join(rows)}</div>'
            + stage_html(panel_id, page.alt, state=page.state)
            + player_html(panel_id, description["steps"], "" if race else lines[0],
                          f"start x₀ = {_point(chapter['x0'])}"))
    if race:
        body += (f'<ul class="optimlab-statuses" id="{panel_id}-runs" aria-live="polite">'
                 + "".join(f'<li data-label="{html.escape(label)}">{html.escape(line)}</li>'
                           for label, line in zip(runs, lines)) + "</ul>")
    data = json.dumps(description, separators=(",", ":")).replace("</", "<\\/")
    return (f'<figure class="optimlab-panel optimlab-live{" optimlab-race" if race else ""}" '
            f"id=\"{panel_id}\" data-recipe='{html.escape(json.dumps(page.recipe))}'>{body}"
            f"<figcaption>{html.escape(page.caption())}</figcaption>"
            f'<script type="application/json" class="optimlab-run">{data}</script></figure>')


def slider_html(panel_id: str, c: dict) -> str:
    """A labelled range input (its positions are set by the page script) and a number box
    for any value in the range, showing the chapter's value."""
    cid, value = f"{panel_id}-{c['name']}", repr(c["value"])
    label = html.escape(c["label"])
    return (f'<label for="{cid}">{label}</label>'
            f'<input type="range" id="{cid}" min="0" max="0" step="1" value="0" '
            f'aria-valuetext="{value}" disabled>'
            f'<input type="number" id="{cid}-value" class="optimlab-value" min="{c["lo"]!r}" '
            f'max="{c["hi"]!r}" step="any" value="{value}" '
            f'aria-label="{label}: any value from {c["lo"]:g} to {c["hi"]:g} (Enter applies)">')


def menu_html(panel_id: str, m: dict) -> str:
    """A labelled ``<select>`` of a menu's options, the chapter's selected."""
    cid = f"{panel_id}-{m['name']}"
    options = "".join(f'<option value="{html.escape(o)}"{" selected" if o == m["value"] else ""}>'
                      f"{html.escape(o)}</option>" for o in m["options"])
    return (f'<label for="{cid}">{html.escape(m["label"])}</label>'
            f'<select id="{cid}">{options}</select><span></span>')


def stage_html(panel_id: str, alt: str, state: bool = True) -> str:
    """The chart (focusable: the arrow keys move the start point) and, with ``state``,
    the state table."""
    return (f'<div class="optimlab-stage"><div class="optimlab-chart" id="{panel_id}-chart" '
            f'role="application" tabindex="0" aria-label="{html.escape(alt)}" '
            f'aria-describedby="{panel_id}-start {panel_id}-help">'
            '<div class="optimlab-drawing" aria-hidden="true"></div></div>'
            + (f'<div class="optimlab-state" id="{panel_id}-state" hidden>'
               '<p class="optimlab-state-title"></p><dl></dl></div>' if state else "")
            + '</div>')


def player_html(panel_id: str, steps: int, status: str, start: str) -> str:
    """Play, the step-t scrubber, reset, the status line and the start point, showing the
    chapter's run (the page keeps them up to date)."""
    p = panel_id
    return (f'<div class="optimlab-player">'
            f'<button type="button" id="{p}-play" aria-controls="{p}-chart">Play</button>'
            f'<label for="{p}-t">step t</label>'
            f'<input type="range" id="{p}-t" min="0" max="{steps}" step="1" value="{steps}" '
            f'aria-valuetext="step {steps} of {steps}">'
            f'<output id="{p}-t-out" for="{p}-t">t = {steps} of {steps}</output>'
            f'<button type="button" id="{p}-reset">Chapter\'s values</button></div>'
            f'<p class="optimlab-status"><output id="{p}-status" aria-live="polite">'
            f"{html.escape(status)}</output></p>"
            f'<p class="optimlab-start"><span id="{p}-start" aria-live="polite">'
            f"{html.escape(start)}</span>. "
            f'<span id="{p}-help">Drag on the chart, or focus it and press the arrow keys '
            "(Shift: bigger steps, Home: the chapter's start), to move the start.</span></p>")


def still_html(panel: Panel, panel_id: str, reason: str) -> str:
    """The chapter's run as a still picture, for a panel the page engine cannot run."""
    chapter = panel.spec.chapter()
    runs = panel.spec.compute(chapter)
    url = ("data:image/png;base64,"
           + base64.b64encode(panel.spec.draw(chapter, runs)).decode("ascii"))
    alt = f"Contour plot: {panel.spec.title}, with the path of the chapter's run"
    caption = (f"{panel.spec.title}, {'; '.join(panel.spec.readout(runs))}. This panel's "
               f"controls work in Jupyter only: {reason}.")
    return (f'<figure class="optimlab-panel optimlab-still" id="{panel_id}">'
            f'<img src="{url}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


_POW10 = np.array([float(f"1e{i}") for i in range(23)])  # exact doubles up to 1e22


def rounded_3g(values: np.ndarray) -> list:
    r"""``float(f"{v:.3g}")`` for every value, ``None`` where it is not finite (JSON null),
    as nested lists of the shape of ``values``.

    Vectorised: with :math:`k = 2 - \lfloor\log_{10}|v|\rfloor`, the three digits are
    :math:`m = \mathrm{round}(v\,10^k)` and the value is :math:`m / 10^k` (or
    :math:`m \cdot 10^{-k}`). For :math:`|k| \le 22` both :math:`10^{|k|}` and ``m`` are
    exact doubles, so that one correctly rounded operation gives the double nearest the
    decimal, which is what parsing the string gives. Values whose :math:`v\,10^k` lies
    within 1e-9 of a tie (where the product's rounding could pick the other digit), and
    values too large or small for the table, take the string path."""
    shape = np.shape(values)
    v = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(v)
    a = np.abs(np.where(finite, v, 0.0))
    with np.errstate(divide="ignore"):
        k = np.where(a > 0, 2 - np.floor(np.log10(np.where(a > 0, a, 1.0))), 0).astype(int)
    table = (np.abs(k) <= 22) & finite
    p = _POW10[np.where(table, np.abs(k), 0)]
    y = np.where(k >= 0, v * p, v / p)
    m = np.round(np.where(table, y, 0.0))
    out = np.where(k >= 0, m / p, m * p)
    out = np.where(a > 0, out, v)  # zeros (and -0.0) stay as they are
    frac = np.abs(y - np.trunc(np.where(table, y, 0.0)))
    slow = finite & (a > 0) & (~table | (np.abs(frac - 0.5) < 1e-9))
    for i in np.flatnonzero(slow):
        out[i] = float(f"{v[i]:.3g}")
    result = out.astype(object)
    result[~finite] = None
    return result.reshape(shape).tolist()
