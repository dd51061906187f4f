"""The kernel-free twins of the panels: HTML controls, a chart and what the page needs.

A slider panel's twin (:func:`panel_html`) computes in the page: its HTML carries one
JSON description of the run (:func:`panel_description`: the controls, the page engine's
descriptions of the optimizer and the landscape, the start, the contour image) and the
page script (``assets/optimlab-panels.js`` with ``assets/panel`` and ``assets/engine``)
runs the optimizer for whatever the reader sets, bit for bit as :func:`optimlab.run`,
and draws it as plain SVG. The controls are ordinary labelled, keyboard-operable HTML.
The comparison panel (:meth:`optimlab.compare.ComparisonPanel.description`) computes in
the page the same way, every contender at once, with the same pieces.

The training-curves panel stays precomputed: its Vega-Lite spec (:func:`figure_html`)
filters runs computed at build time, Vega binding each parameter to one of the controls
:func:`control_html` writes.
"""

from __future__ import annotations

import base64
import functools
import html
import inspect
import io
import itertools
import json
import uuid

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._format import point as _point
from .engine import describe_objective, describe_optimizer
from .objectives import LANDSCAPES
from .plots import compact_png, draw_contour
from .schedules import Schedule
from .trajectory import run
from .widgets import MENU_LABELS

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


def _landscape_key(objective) -> str | None:
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


# ------------------------------------------------------------- slider panels

#: the blow-up threshold of optimlab.run, which the page engine is handed too
BLOWUP = inspect.signature(run).parameters["blowup"].default


def panel_description(panel) -> dict:
    """What the page needs to compute and draw ``panel`` (JSON-ready): its title,
    ``steps``, start ``x0``, ``bounds`` and ``blowup``; the sliders (``name``, ``label``,
    range ``lo``..``hi``, ``log``, the chapter's ``value``, the ``marks`` it must offer
    and the ``field`` of the optimizer's description it sets, a path of keys) and menus
    (``options``, the chapter's ``value``); the fixed arguments; one page-engine
    optimizer description per combination of menu options
    (:func:`optimlab.engine.describe_optimizer` at the chapter's values); the
    landscape (:func:`optimlab.engine.describe_objective`, noise rows included); the
    contour image. No run: the page computes it. Raises ValueError if the page engine
    cannot run the panel."""
    described = [(combo, *_slider_fields(panel, combo))
                 for combo in _menu_combinations(panel.menus)]
    fields = described[0][2]
    if any(f != fields for _, _, f in described):
        raise ValueError("a slider sets another field of the page engine's description "
                         "under another menu option")
    controls = [{"name": name, "label": c.label, "lo": c.lo, "hi": c.hi, "log": c.log,
                 "value": float(value), "marks": panel.marks.get(name, []),
                 "field": fields[name]}
                for name, (c, value) in panel.sliders.items()]
    menus = [{"name": name, "label": MENU_LABELS.get(name, name), "options": list(options),
              "value": options[0]} for name, options in panel.menus.items()]
    optimizers = [{"menus": combo, "optimizer": base} for combo, base, _ in described]
    return {"title": panel.title or panel.objective.name, "steps": panel.steps,
            "x0": [float(v) for v in panel.x0],
            "bounds": [[float(lo), float(hi)] for lo, hi in panel.objective.bounds],
            "blowup": BLOWUP, "controls": controls, "menus": menus, "fixed": panel.fixed,
            "optimizers": optimizers,
            "objective": describe_objective(panel.objective, panel.steps),
            "contour": contour_png(panel.objective)}


def _menu_combinations(menus: dict) -> list[dict]:
    """Every combination of menu options, as ``{name: option}``."""
    return [dict(zip(menus, combo)) for combo in itertools.product(*menus.values())]


def _slider_fields(panel, menus: dict) -> tuple[dict, dict]:
    """The page engine's description of the optimizer at the chapter's values with the
    menus set to ``menus``, and each slider's field in it: the path of keys to the one
    number the slider sets (``["lr"]``, or ``["lr", "T"]`` for the length of a schedule
    given as ``lr``). Checked: the slider's value sits there unchanged, and moving the
    slider changes that number alone (so the page may set it)."""
    base = describe_optimizer(panel.optimizer(**menus))
    fields = {}
    for name, (c, value) in panel.sliders.items():
        probe = next(p for p in (_inside(c, 0.37), _inside(c, 0.71)) if p != float(value))
        moved = describe_optimizer(panel.optimizer(**menus, **{name: probe}))
        changed = _changed_leaves(base, moved)
        if (len(changed) != 1 or _leaf(moved, changed[0]) != probe
                or _leaf(base, changed[0]) != float(value)):
            raise ValueError(f"the {name} slider of {factory_name(panel.factory)} does not "
                             f"set one field of the page engine's description alone")
        fields[name] = changed[0]
    return base, fields


def _inside(c, fraction: float) -> float:
    """The point ``fraction`` of the way along the control's range (on its scale)."""
    return float(c.lo * (c.hi / c.lo) ** fraction if c.log else c.lo + fraction * (c.hi - c.lo))


def _changed_leaves(a: dict, b: dict, path=()) -> list[list]:
    """The paths to the values that differ between two descriptions of the same shape."""
    if a.keys() != b.keys():
        return [list(path) or ["*"]]
    out = []
    for key in a:
        if isinstance(a[key], dict) and isinstance(b[key], dict):
            out += _changed_leaves(a[key], b[key], (*path, key))
        elif a[key] != b[key]:
            out.append([*path, key])
    return out


def _leaf(described: dict, path: list):
    for key in path:
        described = described.get(key) if isinstance(described, dict) else None
    return described


def panel_html(panel, panel_id: str | None = None) -> str:
    """HTML for the twin of a :class:`~optimlab.widgets.Panel` that computes in the page;
    a still picture of the chapter's run where the page engine cannot run it."""
    panel_id = panel_id or new_id()
    try:
        description = panel_description(panel)
    except ValueError as err:
        return still_html(panel, panel_id, str(err))
    rows = [slider_html(panel_id, c) for c in description["controls"]]
    rows += [menu_html(panel_id, m) for m in description["menus"]]
    body = (f'<div class="optimlab-controls">{"".join(rows)}</div>'
            + stage_html(panel_id, panel.objective.name)
            + player_html(panel_id, panel.steps, panel.readout(panel.trajectory()),
                          f"start x₀ = {_point(panel.x0)}"))
    data = json.dumps(description, separators=(",", ":")).replace("</", "<\\/")
    return (f'<figure class="optimlab-panel optimlab-live" id="{panel_id}" '
            f"data-recipe='{html.escape(json.dumps(_recipe(panel)))}'>{body}"
            f"<figcaption>{html.escape(_caption(panel))}</figcaption>"
            f'<script type="application/json" class="optimlab-run">{data}</script></figure>')


def _recipe(panel) -> dict:
    """What a test needs to recompute the panel's runs with optimlab from the page alone
    (the landscape by its name in LANDSCAPES, None if it has none)."""
    return {"factory": factory_name(panel.factory), "objective": _landscape_key(panel.objective),
            "noise": float(panel.objective.noise), "seed": int(panel.objective.seed),
            "x0": [float(v) for v in panel.x0], "steps": panel.steps, "fixed": panel.fixed,
            "controls": [*panel.sliders, *panel.menus]}


#: schedules whose formulas use only + - * / and square roots (the others use cos or a
#: power, which the browser's maths library may round otherwise than numpy's in the last bit)
EXACT_SCHEDULES = ("constant", "inverse_sqrt", "warmup")


def _caption(panel) -> str:
    fixed = ", ".join(f"{k}={v}" for k, v in panel.fixed.items())
    name = factory_name(panel.factory)
    if not name.isidentifier() or name == "<lambda>":  # a chapter's lambda: say what it builds
        name = panel.optimizer().label()
    powers = _powers(panel.optimizer())
    return (f"{name} on f = {panel.objective.name} from "
            f"{tuple(float(v) for v in panel.x0)}, {panel.steps} steps"
            + (f", {fixed}" if fixed else "") +
            ". Computed in your browser as you move a control, "
            + ("bit for bit what optimlab.run computes." if not powers else
               f"what optimlab.run computes to 12 digits ({' and '.join(powers)} comes "
               "from your browser's maths library)."))


def _powers(optimizer) -> list[str]:
    """What in the optimizer the browser's maths library computes (a cosine or a power,
    which it may round otherwise than numpy's in the last bit)."""
    powers = []
    if not all(kind in EXACT_SCHEDULES for kind in _schedule_kinds(optimizer)):
        powers.append("the schedule's cosine or power")
    psi = optimizer.hyperparams.get("momentum_decay") if optimizer.name == "NAdam" else None
    if psi is not None and 0 < float(psi) < np.inf:
        powers.append("NAdam's momentum schedule 0.96^(tψ)")
    return powers


def _schedule_kinds(optimizer) -> list[str]:
    """The kinds of schedule in the optimizer's lr, a warm-up's inner one included."""
    kinds, lr = [], optimizer.hyperparams.get("lr")
    while isinstance(lr, Schedule):
        kinds.append(lr.name)
        lr = lr.params.get("schedule")
    return kinds


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


def stage_html(panel_id: str, name: str, alt: str | None = None, state: bool = True) -> str:
    """The chart (focusable: the arrow keys move the start point) and, with ``state``,
    the state table."""
    alt = alt or (f"Contour plot of {name} with the path of the run for the values on the "
                  "controls. Drag on it, or focus it and press the arrow keys, to move the "
                  "start point")
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


def still_html(panel, panel_id: str, reason: str) -> str:
    """The chapter's run as a still picture, for a panel the page engine cannot run."""
    tr = panel.trajectory()
    png = panel._path_figure().render(tr.x)
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    alt = f"Contour plot of {panel.objective.name} with the path of the chapter's run"
    caption = (f"{factory_name(panel.factory)}, {panel.readout(tr)}. This panel's sliders "
               f"work in Jupyter only: {reason}.")
    return (f'<figure class="optimlab-panel optimlab-still" id="{panel_id}">'
            f'<img src="{url}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")
