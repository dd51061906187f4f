"""Every optimizer on one landscape: a race of runs, and a panel to pick the landscape,
the gradient noise and a common step-size scale and see every path at once.

A contender is ``label -> (factory, kwargs)``; ``kwargs["lr"]`` may be a number or a
mapping ``landscape name -> lr`` (a fair race tunes each method to each landscape).
"""

from __future__ import annotations

import html
import itertools
import json
from typing import Callable, Mapping

import numpy as np

from . import _validate as check
from .objectives import Objective, noisy
from ._format import number as _fmt
from ._format import point as _point
from .engine import describe_objective, describe_optimizer
from .plots import LINESTYLES, MARKERS, PALETTE, _two_d
from .static import (BLOWUP, HEIGHT, WIDTH, _landscape_key, contour_png, control_html,
                     factory_name, figure_html, menu_html, new_id, player_html, slider_html,
                     stage_html)
from .trajectory import Trajectory, run, sweep
from .widgets import PathFigure, TwinDisplay, _rounded

Contenders = Mapping[str, tuple[Callable, dict]]


def _contenders(contenders) -> dict:
    """Checked ``label -> (factory, kwargs)`` with an ``lr`` in every kwargs."""
    if not isinstance(contenders, Mapping) or not contenders:
        raise ValueError(f"contenders must be a non-empty mapping label -> (factory, kwargs), "
                         f"got contenders={contenders!r}")
    for label, entry in contenders.items():
        if not (isinstance(entry, tuple) and len(entry) == 2 and callable(entry[0])
                and isinstance(entry[1], Mapping)):
            raise ValueError(f"contenders[{label!r}] must be a pair (factory, kwargs), "
                             f"got {entry!r}")
        if "lr" not in entry[1]:
            raise ValueError(f"contenders[{label!r}] kwargs must give lr (a number or a "
                             f"mapping landscape -> lr), got {dict(entry[1])!r}")
    return dict(contenders)


def _kwargs(spec: dict, landscape: str) -> dict:
    lr = spec.get("lr")
    if isinstance(lr, Mapping):
        if landscape not in lr:
            raise ValueError(f"lr has no entry for landscape {landscape!r}; it has {sorted(lr)}")
        return {**spec, "lr": lr[landscape]}
    return dict(spec)


def race(contenders: Contenders, objective: Objective, x0, steps: int, *,
         landscape: str | None = None, scale: float = 1.0) -> dict[str, Trajectory]:
    """One run per contender on ``objective`` (step sizes multiplied by ``scale``)."""
    contenders = _contenders(contenders)
    scale = float(check.positive("scale", check.number("scale", scale)))
    out = {}
    for label, (factory, spec) in contenders.items():
        kw = _kwargs(spec, landscape or objective.name)
        kw["lr"] = kw["lr"] * scale
        out[label] = run(factory(**kw), objective, x0, steps)
    return out


def lr_sweeps(contenders: Contenders, objective: Objective, x0, steps: int, multipliers, *,
              landscape: str | None = None) -> dict[str, Trajectory]:
    """For each contender, one vectorised sweep over ``lr * multipliers``."""
    contenders = _contenders(contenders)
    multipliers = np.asarray(check.positive("multipliers", multipliers), dtype=float)
    if multipliers.ndim != 1 or multipliers.size == 0:
        raise ValueError(f"multipliers must be a non-empty 1-D list of positive numbers, "
                         f"got multipliers={multipliers.tolist()!r}")
    out = {}
    for label, (factory, spec) in contenders.items():
        kw = _kwargs(spec, landscape or objective.name)
        kw["lr"] = list(kw["lr"] * multipliers)
        out[label] = sweep(factory, objective, x0, steps, **kw)
    return out


class ComparisonPanel(TwinDisplay):
    """Pick a landscape, the gradient noise and a step-size scale; every contender's
    path is drawn at once. Live in Jupyter; on the static site the page computes every
    run with the page engine (:meth:`description`), or, for contenders or landscapes
    the engine lacks, shows paths precomputed at build time (:meth:`export`)."""

    def __init__(self, contenders: Contenders, landscapes: Mapping[str, tuple[Objective, object]],
                 steps: int, *, scales=(0.25, 0.5, 1.0, 2.0, 4.0), noise=(0.0, 1.0),
                 seed: int = 0, title: str = "Every optimizer at once"):
        self.contenders = _contenders(contenders)
        self.landscapes = _landscapes(landscapes)
        self.steps = check.steps("steps", steps)
        self.scales = [float(s) for s in check.positive("scales", scales)]
        self.noise = [float(s) for s in check.nonnegative("noise", noise)]
        if 1.0 not in self.scales:
            raise ValueError(f"scales must include 1.0 (the tuned step sizes), got {scales!r}")
        self.seed, self.title = check.integer("seed", seed), title
        self.values = {"landscape": next(iter(self.landscapes)), "noise": self.noise[0],
                       "scale": 1.0}
        self._figures: dict[str, PathFigure] = {}
        self._last: dict[str, Trajectory] | None = None

    # ------------------------------------------------------------------ runs

    def _objective(self, landscape: str, sigma: float) -> tuple[Objective, np.ndarray]:
        obj, x0 = self.landscapes[landscape]
        return (noisy(obj, sigma, self.seed) if sigma else obj), x0

    def runs(self, **values) -> dict[str, Trajectory]:
        v = {**self.values, **values}
        obj, x0 = self._objective(v["landscape"], v["noise"])
        return race(self.contenders, obj, x0, self.steps, landscape=v["landscape"],
                    scale=v["scale"])

    def update(self, **values) -> bytes:
        self.values.update(values)
        runs = self._last = self.runs()
        name = self.values["landscape"]
        if name not in self._figures:
            self._figures[name] = PathFigure(self.landscapes[name][0], f"{self.title}: {name}",
                                             n=len(runs), labels=list(runs))
        return self._figures[name].render(*(tr.x for tr in runs.values()))

    def readout(self) -> str:
        return "; ".join(_readouts(self._last or self.runs()))  # the runs the last move made

    def widget(self):
        import ipywidgets as w

        style = {"description_width": "7em"}
        landscape = w.Dropdown(options=list(self.landscapes), description="landscape", style=style)
        sigma = w.ToggleButtons(options=[(_noise_label(s), s) for s in self.noise],
                                description="noise", style=style)
        scale = w.SelectionSlider(options=[(_scale_label(s), s) for s in self.scales], value=1.0,
                                  description="step-size scale", style=style,
                                  layout=w.Layout(width="32em"))
        image = w.Image(value=self.update(), format="png", layout=w.Layout(max_width="100%"))
        text = w.HTML(value=html.escape(self.readout()))

        def on_change(_):
            image.value = self.update(landscape=landscape.value, noise=sigma.value,
                                      scale=scale.value)
            text.value = html.escape(self.readout())

        for c in (landscape, sigma, scale):
            c.observe(on_change, names="value")
        return w.VBox([landscape, sigma, scale, image, text])

    # ------------------------------------------------------ kernel-free twin

    def export(self) -> dict:
        """Every path for every (landscape, noise, scale): one sweep per contender over
        the scales, per landscape and noise level."""
        runs = []
        for i, j in itertools.product(range(len(self.landscapes)), range(len(self.noise))):
            name = list(self.landscapes)[i]
            obj, x0 = self._objective(name, self.noise[j])
            sweeps = lr_sweeps(self.contenders, obj, x0, self.steps, self.scales, landscape=name)
            for s in range(len(self.scales)):
                k = (i * len(self.noise) + j) * len(self.scales) + s
                for label, tr in sweeps.items():
                    xs = tr.x[:, s]
                    runs.append({"k": k, "o": label, "x": _rounded(xs[:, 0]),
                                 "y": _rounded(xs[:, 1])})
        return {"runs": runs, "strides": [len(self.noise) * len(self.scales),
                                          len(self.scales), 1]}

    def spec(self, data: dict, panel_id: str) -> dict:
        labels = list(self.contenders)
        images = [{"L": i, "url": contour_png(obj), "x_lo": obj.bounds[0][0],
                   "y_hi": obj.bounds[1][1]} for i, (obj, _) in enumerate(self.landscapes.values())]
        k_expr = " + ".join(f"toNumber(c{i}) * {s}" for i, s in enumerate(data["strides"]))
        xdom = {"expr": "xdom[toNumber(c0)]"}
        ydom = {"expr": "ydom[toNumber(c0)]"}
        x_enc = {"type": "quantitative", "scale": {"domain": xdom, "nice": False, "zero": False},
                 "title": "x₁"}
        y_enc = {"type": "quantitative", "scale": {"domain": ydom, "nice": False, "zero": False},
                 "title": "x₂"}
        path = [{"filter": f"datum.k == {k_expr}"}, {"flatten": ["x", "y"]},
                {"window": [{"op": "row_number", "as": "t"}], "groupby": ["o"]},
                {"filter": "isValid(datum.x) && isValid(datum.y)"}]
        style = {"color": {"field": "o", "type": "nominal", "title": "optimizer",
                           "scale": {"domain": labels, "range": list(PALETTE[:len(labels)])}}}
        dashes = [[1, 0], [6, 3], [6, 2, 2, 2], [2, 2], [8, 2], [4, 1, 1, 1], [1, 0]]
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "width": WIDTH, "height": HEIGHT, "padding": 5, "title": self.title,
            "params": [{"name": f"c{i}", "value": v, "bind": {"element": f"#{panel_id}-{n}"}}
                       for i, (n, v) in enumerate([("landscape", 0), ("noise", 0),
                                                   ("scale", self.scales.index(1.0))])]
            + [{"name": "xdom", "value": [list(o.bounds[0]) for o, _ in self.landscapes.values()]},
               {"name": "ydom", "value": [list(o.bounds[1]) for o, _ in self.landscapes.values()]}],
            "data": {"name": "runs", "values": data["runs"]},
            # one colour legend; dashes and end shapes repeat the distinction in the plot
            "resolve": {"legend": {"shape": "independent", "strokeDash": "independent"}},
            "layer": [
                {"data": {"values": images},
                 "transform": [{"filter": "datum.L == toNumber(c0)"}],
                 "mark": {"type": "image", "width": WIDTH, "height": HEIGHT, "align": "left",
                          "baseline": "top", "aspect": False, "aria": False},
                 "encoding": {"x": {"field": "x_lo", **x_enc}, "y": {"field": "y_hi", **y_enc},
                              "url": {"field": "url", "type": "nominal"}}},
                {"transform": path,
                 "mark": {"type": "line", "strokeWidth": 2, "clip": True},
                 "encoding": {"x": {"field": "x", **x_enc}, "y": {"field": "y", **y_enc},
                              "order": {"field": "t", "type": "quantitative"}, **style,
                              "strokeDash": {"field": "o", "type": "nominal", "legend": None,
                                             "scale": {"domain": labels,
                                                       "range": dashes[:len(labels)]}}}},
                {"transform": path + [{"joinaggregate": [{"op": "max", "field": "t",
                                                          "as": "last"}], "groupby": ["o"]},
                                      {"filter": "datum.t == datum.last"}],
                 "mark": {"type": "point", "filled": True, "size": 90, "stroke": "black",
                          "clip": True},
                 "encoding": {"x": {"field": "x", **x_enc}, "y": {"field": "y", **y_enc},
                              **style,
                              "shape": {"field": "o", "type": "nominal", "legend": None,
                                        "scale": {"domain": labels,
                                                  "range": _vega_shapes(len(labels))}}}},
            ],
        }

    def description(self) -> dict:
        """What the page needs to run and draw every contender (JSON-ready): the title,
        ``steps`` and ``blowup``; the step-size scale as a log slider (``controls``: from
        the smallest to the largest of ``scales``, through 1.0 and each of them exactly,
        setting ``lr`` = the tuned ``lr`` times the scale); the landscape and noise menus;
        per landscape its ``name``, chart ``title``, start ``x0``, ``bounds``, contour and
        one page-engine description per noise level (``objectives``, aligned with
        ``noise``: :func:`optimlab.noisy` with the panel's seed, noise rows included);
        per contender its ``label``, style (``color``, end ``marker`` and ``dash`` as the
        Python figure draws them) and one page-engine optimizer description per landscape
        at the tuned step size. Raises ValueError if the page engine cannot run a
        contender or a landscape."""
        names = list(self.landscapes)
        noise_labels = [_noise_label(s) for s in self.noise]
        landscapes = [{"name": name, "title": f"{self.title}: {name}",
                       "x0": [float(v) for v in x0],
                       "bounds": [[float(lo), float(hi)] for lo, hi in obj.bounds],
                       "objectives": [describe_objective(self._objective(name, s)[0], self.steps)
                                      for s in self.noise],
                       "contour": contour_png(obj)}
                      for name, (obj, x0) in self.landscapes.items()]
        contenders = [{"label": label, "color": PALETTE[k % len(PALETTE)],
                       "marker": SVG_MARKERS[MARKERS[k % len(MARKERS)]],
                       "dash": _svg_dash(LINESTYLES[k % len(LINESTYLES)]),
                       "optimizers": {name: _race_optimizer(label, factory, spec, name)
                                      for name in names}}
                      for k, (label, (factory, spec)) in enumerate(self.contenders.items())]
        scale = {"name": "scale", "label": "step-size scale", "lo": min(self.scales),
                 "hi": max(self.scales), "log": True, "value": 1.0,
                 "marks": sorted(set(self.scales)), "field": "lr"}
        menus = [{"name": "landscape", "label": "landscape", "options": names,
                  "value": names[0]},
                 {"name": "noise", "label": "gradient noise", "options": noise_labels,
                  "value": noise_labels[0]}]
        return {"kind": "comparison", "title": self.title, "steps": self.steps,
                "blowup": BLOWUP, "controls": [scale], "menus": menus, "noise": self.noise,
                "landscapes": landscapes, "contenders": contenders}

    def _recipe(self) -> dict:
        return {"kind": "comparison", "steps": self.steps, "seed": self.seed,
                "noise": self.noise, "scales": self.scales,
                "contenders": {label: {"factory": factory_name(f), "kwargs": kw}
                               for label, (f, kw) in self.contenders.items()},
                "landscapes": {name: {"objective": _landscape_key(obj),
                                      "x0": [float(v) for v in x0]}
                               for name, (obj, x0) in self.landscapes.items()}}

    def static_html(self, panel_id: str | None = None) -> str:
        """The page computes every run (:meth:`description`); paths precomputed at build
        time, drawn by Vega-Lite, where the page engine cannot run the panel."""
        panel_id = panel_id or new_id()
        try:
            description = self.description()
        except ValueError:
            return self.precomputed_html(panel_id)
        rows = [menu_html(panel_id, m) for m in description["menus"]]
        rows += [slider_html(panel_id, c) for c in description["controls"]]
        first = description["landscapes"][0]
        alt = ("Contour plot of the chosen landscape with the paths of "
               + ", ".join(self.contenders) + " for the values on the controls. Drag on it, "
               "or focus it and press the arrow keys, to move the common start point")
        runs = self.runs(**{"landscape": first["name"], "noise": self.noise[0], "scale": 1.0})
        statuses = "".join(f'<li data-label="{html.escape(label)}">{html.escape(text)}</li>'
                           for label, text in zip(runs, _readouts(runs)))
        body = (f'<div class="optimlab-controls">{"".join(rows)}</div>'
                + stage_html(panel_id, first["name"], alt=alt, state=False)
                + player_html(panel_id, self.steps, "", f"start x₀ = {_point(first['x0'])}")
                + f'<ul class="optimlab-statuses" id="{panel_id}-runs" aria-live="polite">'
                f"{statuses}</ul>")
        caption = (f"{len(self.contenders)} optimizers, {self.steps} steps, on "
                   f"{len(self.landscapes)} landscapes; each step size is the tuned one times "
                   "the scale. Computed in your browser as you move a control, bit for bit "
                   "what optimlab.run computes.")
        data = json.dumps(description, separators=(",", ":")).replace("</", "<\\/")
        return (f'<figure class="optimlab-panel optimlab-live optimlab-race" id="{panel_id}" '
                f"data-recipe='{html.escape(json.dumps(self._recipe()))}'>{body}"
                f"<figcaption>{html.escape(caption)}</figcaption>"
                f'<script type="application/json" class="optimlab-run">{data}</script></figure>')

    def precomputed_html(self, panel_id: str | None = None) -> str:
        """Every path precomputed (:meth:`export`), drawn by Vega-Lite."""
        panel_id = panel_id or new_id()
        data = self.export()
        names = list(self.landscapes)
        rows = [control_html(f"{panel_id}-landscape", "landscape", names, 0),
                control_html(f"{panel_id}-noise", "gradient noise",
                             [_noise_label(s) for s in self.noise], 0),
                control_html(f"{panel_id}-scale", "step-size scale",
                             [_scale_label(s) for s in self.scales], self.scales.index(1.0),
                             self.scales)]
        caption = (f"{len(self.contenders)} optimizers, {self.steps} steps, on "
                   f"{len(names)} landscapes; each step size is the tuned one times the scale. "
                   f"Paths precomputed for {len(data['runs'])} runs.")
        alt = ("Interactive contour plot with the paths of " + ", ".join(self.contenders) +
               " on the chosen landscape")
        recipe = self._recipe()
        return figure_html(panel_id, rows, self.spec(data, panel_id), caption, alt, recipe)

    def __repr__(self):
        return (f"<ComparisonPanel: {len(self.contenders)} optimizers on "
                f"{len(self.landscapes)} landscapes>")


def _landscapes(landscapes) -> dict:
    """Checked ``name -> (2-D objective, x0)``, at least one."""
    if not isinstance(landscapes, Mapping) or not landscapes:
        raise ValueError(f"landscapes must be a non-empty mapping name -> (objective, x0), "
                         f"got landscapes={landscapes!r}")
    out = {}
    for name, entry in landscapes.items():
        if not (isinstance(entry, tuple) and len(entry) == 2):
            raise ValueError(f"landscapes[{name!r}] must be a pair (objective, x0), got {entry!r}")
        obj, x0 = entry
        _two_d(obj)
        x0 = check.point(f"landscapes[{name!r}] x0", x0, obj.dim)
        if x0.ndim != 1:
            raise ValueError(f"landscapes[{name!r}] x0 must be one point, got shape {x0.shape}")
        out[name] = (obj, x0)
    return out


def _readouts(runs: dict[str, Trajectory]) -> list[str]:
    """One status line per contender: ``SGD: f = 0.0123`` or ``SGD: diverged at step 7``."""
    out = []
    for label, tr in runs.items():
        if bool(np.all(tr.diverged)):
            out.append(f"{label}: diverged at step {int(tr.diverged_at)}")
        else:
            out.append(f"{label}: f = {_fmt(float(tr.loss[-1]))}")
    return out


def _race_optimizer(label: str, factory, spec: dict, landscape: str) -> dict:
    """The page engine's description of a contender at its tuned step size on
    ``landscape``, checked: the step size sits, unchanged, in its ``lr`` field, and
    scaling it changes that field alone (so the page may set ``lr`` = tuned × scale)."""
    kw = _kwargs(spec, landscape)
    base = describe_optimizer(factory(**kw))
    probe = float(kw["lr"]) * 0.3
    if base.get("lr") != kw["lr"] or describe_optimizer(factory(**{**kw, "lr": probe})) != \
            {**base, "lr": probe}:
        raise ValueError(f"the step size of {label!r} does not set the page engine's field "
                         "'lr' alone")
    return base


#: matplotlib's markers (optimlab.plots.MARKERS) by the page chart's names for them
SVG_MARKERS = {"o": "circle", "s": "square", "^": "triangle-up", "D": "diamond",
               "v": "triangle-down", "P": "plus", "X": "cross"}


def _svg_dash(style, lw: float = 2.0) -> str:
    """A matplotlib line style (optimlab.plots.LINESTYLES) as an SVG stroke-dasharray for a
    line ``lw`` wide (matplotlib scales its dashes by the line width); "" for solid."""
    import matplotlib as mpl

    named = {"--": "dashed", "-.": "dashdot", ":": "dotted"}
    if style == "-":
        return ""
    pattern = (mpl.rcParams[f"lines.{named[style]}_pattern"] if isinstance(style, str)
               else style[1])
    return ",".join(f"{lw * v:g}" for v in pattern)


def _noise_label(sigma: float) -> str:
    return "none" if sigma == 0 else f"σ = {sigma:g}"


def _scale_label(scale: float) -> str:
    return f"×{scale:g}"


def _vega_shapes(n: int) -> list[str]:
    shapes = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "wedge"]
    return shapes[:n]


def comparison_panel(contenders: Contenders, landscapes, steps: int, **kw) -> ComparisonPanel:
    """See :class:`ComparisonPanel`."""
    return ComparisonPanel(contenders, landscapes, steps, **kw)
