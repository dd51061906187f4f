"""Every optimizer on one landscape: a race of runs, and a panel to pick the landscape,
the gradient noise and a common step-size scale and see every path at once.

A contender is ``label -> (factory, kwargs)``; ``kwargs["lr"]`` may be a number or a
mapping ``landscape name -> lr`` (a fair race tunes each method to each landscape).
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from . import _validate as check
from .objectives import Objective, noisy
from ._format import diverged as _diverged
from ._format import number as _fmt
from .engine import NotInEngine, describe_objective, describe_optimizer
from .live import PathFigure
from .panels import Menu, PageRun, Panel, PanelSpec, Slider, Start
from .plots import LINESTYLES, MARKERS, PALETTE, two_d
from .static import BLOWUP, landscape_key, contour_png, factory_name
from .trajectory import Trajectory, run, sweep

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


class ComparisonPanel(Panel):
    """Pick a landscape, the gradient noise and a step-size scale (any value from the
    smallest to the largest of ``scales``, each of them exactly), and the start point;
    every contender's path is drawn at once. Its description (:mod:`optimlab.panels`)
    gives both faces: live in Jupyter, computed in the page on the static site
    (:meth:`description`), a still picture where the page engine cannot run a contender
    or a landscape."""

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
        self._figures: dict[str, PathFigure] = {}
        names = list(self.landscapes)
        super().__init__(PanelSpec(
            title=title,
            controls=(Menu("landscape", "landscape", tuple(names), tuple(names)),
                      Menu("noise", "gradient noise", tuple(self.noise),
                           tuple(_noise_label(s) for s in self.noise)),
                      Slider("scale", "step-size scale", min(self.scales), max(self.scales),
                             True, 1.0, tuple(sorted(set(self.scales))))),
            compute=self._race,
            draw=self._draw,
            readout=_readouts,
            start=Start(chapter=lambda values: self.landscapes[values["landscape"]][1],
                        bounds=lambda values: self.landscapes[values["landscape"]][0].bounds,
                        depends=("landscape",)),
            page=PageRun(data=self.description, caption=self._caption, state=False,
                         several=True, recipe=self._recipe(),
                         alt=("Contour plot of the chosen landscape with the paths of "
                              + ", ".join(self.contenders) + " for the values on the "
                              "controls. Drag on it, or focus it and press the arrow keys, "
                              "to move the common start point"))))

    # ------------------------------------------------------------------ runs

    def _objective(self, landscape: str, sigma: float) -> Objective:
        obj, _ = self.landscapes[landscape]
        return noisy(obj, sigma, self.seed) if sigma else obj

    def _race(self, values: dict) -> dict[str, Trajectory]:
        return race(self.contenders, self._objective(values["landscape"], values["noise"]),
                    values["x0"], self.steps, landscape=values["landscape"],
                    scale=values["scale"])

    def runs(self, **values) -> dict[str, Trajectory]:
        """Every contender's run for the current values (updated by ``values``, each
        checked by its control; another landscape starts at its own start)."""
        return self.result(**values)

    def _draw(self, values: dict, runs: dict[str, Trajectory]) -> bytes:
        name = values["landscape"]
        if name not in self._figures:
            self._figures[name] = PathFigure(self.landscapes[name][0], f"{self.title}: {name}",
                                             n=len(runs), labels=list(runs))
        return self._figures[name].render(*(tr.x for tr in runs.values()))

    # ------------------------------------------------------ the page's part

    def description(self) -> dict:
        """What the page engine needs beyond the controls (JSON-ready): the title,
        ``steps`` and ``blowup``; the noise levels; per landscape its ``name``, chart
        ``title``, start ``x0``, ``bounds``, contour and one page-engine description per
        noise level (``objectives``, aligned with ``noise``: :func:`optimlab.noisy` with
        the panel's seed, noise rows included); per contender its ``label``, style
        (``color``, end ``marker`` and ``dash`` as the Python figure draws them) and one
        page-engine optimizer description per landscape at the tuned step size (the
        page sets ``lr`` = tuned × scale). Raises NotInEngine if the page engine cannot
        run a contender or a landscape."""
        names = list(self.landscapes)
        landscapes = [{"name": name, "title": f"{self.title}: {name}",
                       "x0": [float(v) for v in x0],
                       "bounds": [[float(lo), float(hi)] for lo, hi in obj.bounds],
                       "objectives": [describe_objective(self._objective(name, s), self.steps)
                                      for s in self.noise],
                       "contour": contour_png(obj)}
                      for name, (obj, x0) in self.landscapes.items()]
        contenders = [{"label": label, "color": PALETTE[k % len(PALETTE)],
                       "marker": SVG_MARKERS[MARKERS[k % len(MARKERS)]],
                       "dash": _svg_dash(LINESTYLES[k % len(LINESTYLES)]),
                       "optimizers": {name: _race_optimizer(label, factory, spec, name)
                                      for name in names}}
                      for k, (label, (factory, spec)) in enumerate(self.contenders.items())]
        return {"kind": "comparison", "title": self.title, "steps": self.steps,
                "blowup": BLOWUP, "noise": self.noise, "landscapes": landscapes,
                "contenders": contenders}

    def _caption(self) -> str:
        return (f"{len(self.contenders)} optimizers, {self.steps} steps, on "
                f"{len(self.landscapes)} landscapes; each step size is the tuned one times "
                "the scale. Computed in your browser as you move a control, bit for bit "
                "what optimlab.run computes.")

    def _recipe(self) -> dict:
        return {"kind": "comparison", "steps": self.steps, "seed": self.seed,
                "noise": self.noise, "scales": self.scales,
                "contenders": {label: {"factory": factory_name(f), "kwargs": kw}
                               for label, (f, kw) in self.contenders.items()},
                "landscapes": {name: {"objective": landscape_key(obj),
                                      "x0": [float(v) for v in x0]}
                               for name, (obj, x0) in self.landscapes.items()}}

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
        two_d(obj)
        out[name] = (obj, check.start(f"landscapes[{name!r}] x0", x0, obj.bounds))
    return out


def _readouts(runs: dict[str, Trajectory]) -> list[str]:
    """One status line per contender: ``SGD: f = 0.0123`` or ``SGD: diverged at step 7``."""
    return [f"{label}: {_diverged(tr) or 'f = ' + _fmt(float(tr.loss[-1]))}"
            for label, tr in runs.items()]


def _race_optimizer(label: str, factory, spec: dict, landscape: str) -> dict:
    """The page engine's description of a contender at its tuned step size on
    ``landscape``, checked: the step size sits, unchanged, in its ``lr`` field, and
    scaling it changes that field alone (so the page may set ``lr`` = tuned × scale)."""
    kw = _kwargs(spec, landscape)
    base = describe_optimizer(factory(**kw))
    probe = float(kw["lr"]) * 0.3
    if base.get("lr") != kw["lr"] or describe_optimizer(factory(**{**kw, "lr": probe})) != \
            {**base, "lr": probe}:
        raise NotInEngine(f"the step size of {label!r} does not set the page engine's field "
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


def comparison_panel(contenders: Contenders, landscapes, steps: int, **kw) -> ComparisonPanel:
    """See :class:`ComparisonPanel`."""
    return ComparisonPanel(contenders, landscapes, steps, **kw)
