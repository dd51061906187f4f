"""Slider panels: one optimizer's run on one landscape, a control for each hyperparameter.

``slider_panel(rmsprop, seed000_bowl(), [-10, 1.5], 50, lr=0.5, gamma=0.9, eps=1e-8)``
describes (:mod:`optimlab.panels`) a slider for every numeric hyperparameter given, a
menu for every choice given as a tuple (``eps_placement=("inside", "outside")``) and the
start point. Displayed in Jupyter it is the live face (:mod:`optimlab.live`); on the
static site its page face (:mod:`optimlab.static`): the page engine (``assets/engine``)
computes the run in the reader's browser, bit for bit what :func:`optimlab.run` computes
(to 12 digits under a schedule with a cosine or a power), for any value on the controls
and any start point picked on the chart.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Callable

import numpy as np

from . import _validate as check
from ._format import diverged as _diverged
from ._format import number as _fmt
from ._format import point as _point
from .engine import NotInEngine, describe_objective, describe_optimizer
from .live import PathFigure
from .objectives import Objective
from .optimizers import Optimizer
from .panels import Menu, PageRun, Panel, PanelSpec, Slider, Start
from .plots import two_d
from .schedules import Schedule
from .static import BLOWUP, landscape_key, contour_png, factory_name
from .trajectory import Trajectory, run


@dataclasses.dataclass(frozen=True)
class Control:
    """A hyperparameter's slider: its label and range (``log`` means a log-scale slider)."""

    name: str
    label: str
    lo: float
    hi: float
    log: bool

    def at(self, value: float, marks=()) -> Slider:
        """The slider set to the chapter's ``value``, offering ``marks`` exactly."""
        return Slider(self.name, self.label, self.lo, self.hi, self.log, float(value),
                      tuple(float(m) for m in marks))


CONTROLS = {
    "lr": Control("lr", "step size η", 1e-3, 10.0, True),
    "gamma": Control("gamma", "decay γ", 0.0, 1.0, False),
    "eps": Control("eps", "ε", 1e-12, 1.0, True),
    "beta": Control("beta", "momentum β", 0.0, 0.99, False),
    "beta1": Control("beta1", "β₁", 0.0, 0.99, False),
    "beta2": Control("beta2", "β₂", 0.5, 0.9999, False),
    "momentum": Control("momentum", "momentum μ", 0.0, 0.99, False),
    "rho": Control("rho", "decay ρ", 0.0, 1.0, False),  # Adadelta's
    # a schedule's lengths, in steps (optimlab.schedules), for a factory such as
    # lambda lr, T, warmup: sgd(warmup(cosine(lr, T), warmup))
    "T": Control("T", "length T (steps)", 1.0, 1000.0, True),
    "warmup": Control("warmup", "warm-up w (steps)", 1.0, 1000.0, True),
}


MENU_LABELS = {"eps_placement": "ε placement (√)"}


def slider_panel(factory: Callable[..., Optimizer], objective: Objective, x0, steps: int, *,
                 title: str | None = None, grids: dict | None = None,
                 **params) -> "SliderPanel":
    """Describe a panel. Numbers become sliders (inside the slider's range), non-empty
    tuples of strings become menus, flags, strings and None are fixed; anything else is
    refused. ``grids`` gives a slider values to stop at exactly (``{"lr": [0.19, 0.2]}``:
    those the chapter discusses), beside its fine grid through the chapter's value."""
    return SliderPanel(factory, objective, x0, steps, params, title=title,
                       grids={} if grids is None else grids)


class SliderPanel(Panel):
    """A slider panel; see the module docstring. ``sliders`` (name -> Slider), ``menus``
    (name -> options) and ``fixed`` say what the factory is given."""

    def __init__(self, factory, objective, x0, steps, params, *, title=None, grids=None):
        if not callable(factory) or isinstance(factory, Optimizer):
            raise TypeError(f"factory must be an optimizer factory such as sgd, got {factory!r}")
        two_d(objective)
        self.factory, self.objective = factory, objective
        x0 = check.start("x0", x0, objective.bounds)
        self.steps = check.steps("steps", steps)
        self.title = title or objective.name
        numbers, self.menus, self.fixed = {}, {}, {}
        for name, value in params.items():
            _classify(name, value, numbers, self.menus, self.fixed)
        marks = _marks({} if grids is None else grids, numbers)
        self.sliders = {name: CONTROLS[name].at(v, marks.get(name, ()))
                        for name, v in numbers.items()}
        chapter = {**numbers, **{k: v[0] for k, v in self.menus.items()}}
        for name, options in self.menus.items():  # fail now, not at the first menu click
            for option in options:
                factory(**self.fixed, **{**chapter, name: option})
        factory(**self.fixed, **chapter)
        self._figure = None
        super().__init__(PanelSpec(
            title=self.title,
            controls=(*self.sliders.values(),
                      *(Menu(k, MENU_LABELS.get(k, k), v, v) for k, v in self.menus.items())),
            compute=lambda values: {self.title: self._run(values)},
            draw=lambda values, runs: self._path_figure().render(runs[self.title].x),
            readout=lambda runs: [_readout(runs[self.title])],
            start=Start(chapter=lambda values: x0, bounds=lambda values: objective.bounds),
            page=PageRun(data=self._page_data, caption=self._caption, recipe=self._recipe(x0),
                         alt=(f"Contour plot of {objective.name} with the path of the run "
                              "for the values on the controls. Drag on it, or focus it and "
                              "press the arrow keys, to move the start point"))))

    # ------------------------------------------------------------- computation

    @property
    def x0(self) -> np.ndarray:
        return self.values["x0"]

    def optimizer(self, **values) -> Optimizer:
        """The optimizer of the current values (updated by ``values``, each checked by
        its control)."""
        return self.factory(**self.fixed, **self._settings(self.checked(**values)))

    def trajectory(self, **values) -> Trajectory:
        """The run of the current values (updated by ``values``, each checked by its
        control, ``x0`` too)."""
        return self.result(**values)[self.title]

    def _settings(self, values: dict) -> dict:
        return {k: values[k] for k in [*self.sliders, *self.menus]}

    def _run(self, values: dict) -> Trajectory:
        optimizer = self.factory(**self.fixed, **self._settings(values))
        return run(optimizer, self.objective, values["x0"], self.steps)

    def _path_figure(self) -> PathFigure:
        if self._figure is None:
            self._figure = PathFigure(self.objective, self.title)
        return self._figure

    # ------------------------------------------------------------- the page's part

    def _page_data(self) -> dict:
        """What the page engine needs beyond the controls (JSON-ready): ``title``,
        ``steps``, start ``x0``, ``bounds``, ``blowup``, the ``fixed`` arguments, one
        page-engine optimizer description per combination of menu options
        (:func:`optimlab.engine.describe_optimizer` at the chapter's values), the
        landscape (:func:`optimlab.engine.describe_objective`, noise rows included),
        the contour image, and each slider's ``fields`` in the optimizer's description
        (a path of keys). Raises :class:`~optimlab.engine.NotInEngine` if the page engine
        cannot run the panel."""
        described = [(combo, *_slider_fields(self, combo))
                     for combo in _menu_combinations(self.menus)]
        fields = described[0][2]
        if any(f != fields for _, _, f in described):
            raise NotInEngine("a slider sets another field of the page engine's description "
                             "under another menu option")
        chapter = self.spec.chapter()
        return {"title": self.title, "steps": self.steps,
                "x0": [float(v) for v in chapter["x0"]],
                "bounds": [[float(lo), float(hi)] for lo, hi in self.objective.bounds],
                "blowup": BLOWUP, "fixed": self.fixed, "fields": fields,
                "optimizers": [{"menus": combo, "optimizer": base}
                               for combo, base, _ in described],
                "objective": describe_objective(self.objective, self.steps),
                "contour": contour_png(self.objective)}

    def _recipe(self, x0) -> dict:
        """What a test needs to recompute the panel's runs with optimlab from the page
        alone (the landscape by its name in LANDSCAPES, None if it has none)."""
        return {"factory": factory_name(self.factory),
                "objective": landscape_key(self.objective),
                "noise": float(self.objective.noise), "seed": int(self.objective.seed),
                "x0": [float(v) for v in x0], "steps": self.steps, "fixed": self.fixed,
                "controls": [*self.sliders, *self.menus]}

    def _caption(self) -> str:
        """What is run, from where, and how exactly the page computes it."""
        chapter = self.spec.chapter()
        fixed = ", ".join(f"{k}={v}" for k, v in self.fixed.items())
        name = factory_name(self.factory)
        if not name.isidentifier() or name == "<lambda>":  # a chapter's lambda: what it builds
            name = self.optimizer(**self._settings(chapter)).label()
        powers = _powers(self.optimizer(**self._settings(chapter)))
        return (f"{name} on f = {self.objective.name} from "
                f"{tuple(float(v) for v in chapter['x0'])}, {self.steps} steps"
                + (f", {fixed}" if fixed else "") +
                ". Computed in your browser as you move a control, "
                + ("bit for bit what optimlab.run computes." if not powers else
                   f"what optimlab.run computes to 12 digits ({' and '.join(powers)} comes "
                   "from your browser's maths library)."))


def _readout(tr: Trajectory) -> str:
    """One line on a run: where it ends and its loss, or where it diverged."""
    ended = f"after {tr.steps} steps: x = {_point(tr.final)}, f(x) = {_fmt(float(tr.loss[-1]))}"
    return _diverged(tr) or ended


def _classify(name, value, numbers, menus, fixed):
    """A number is a slider, a tuple of strings a menu, a flag, string or None fixed."""
    if isinstance(value, tuple):
        if not value or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{name}={value!r}: a menu is a non-empty tuple of strings; "
                             "flags cannot be swept or put in a menu (pass True or False)")
        menus[name] = value
    elif isinstance(value, (int, float, np.integer, np.floating)) \
            and not isinstance(value, (bool, np.bool_)):
        if name not in CONTROLS:
            raise ValueError(f"no slider is defined for {name}={value!r}; "
                             f"sliders exist for {sorted(CONTROLS)}")
        numbers[name] = CONTROLS[name].at(value).checked(value)
    elif value is None or isinstance(value, (bool, np.bool_, str)):
        fixed[name] = value
    else:
        raise ValueError(f"{name}={value!r}: a panel value must be a number (a slider), "
                         "a tuple of strings (a menu), or a fixed flag, string or None")


def _marks(grids, numbers) -> dict:
    """The checked ``grids``: slider name -> its marks, in its range."""
    if not isinstance(grids, dict):
        raise TypeError(f"grids must be a dict name -> list of values, got grids={grids!r}")
    marks = {}
    for name, grid in grids.items():
        if name not in numbers:
            raise ValueError(f"grids names {name!r}, which is not a slider here; the "
                             f"sliders are {sorted(numbers)}")
        slider = CONTROLS[name].at(numbers[name])
        values = check.finite(f"grids[{name!r}]", grid)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"grids[{name!r}] must be a non-empty 1-D list, got {grid!r}")
        marks[name] = [dataclasses.replace(slider, name=f"grids[{name!r}]").checked(float(v))
                       for v in values]
    return marks


def _menu_combinations(menus: dict) -> list[dict]:
    """Every combination of menu options, as ``{name: option}``."""
    return [dict(zip(menus, combo)) for combo in itertools.product(*menus.values())]


def _slider_fields(panel: SliderPanel, menus: dict) -> tuple[dict, dict]:
    """The page engine's description of the optimizer at the chapter's values with the
    menus set to ``menus``, and each slider's field in it: the path of keys to the one
    number the slider sets (``["lr"]``, or ``["lr", "T"]`` for the length of a schedule
    given as ``lr``). Checked: the slider's value sits there unchanged, and moving the
    slider changes that number alone (so the page may set it)."""
    chapter = panel._settings(panel.spec.chapter())
    base = describe_optimizer(panel.optimizer(**{**chapter, **menus}))
    fields = {}
    for name, s in panel.sliders.items():
        probe = next(p for p in (_inside(s, 0.37), _inside(s, 0.71)) if p != s.value)
        moved = describe_optimizer(panel.optimizer(**{**chapter, **menus, name: probe}))
        changed = _changed_leaves(base, moved)
        if (len(changed) != 1 or _leaf(moved, changed[0]) != probe
                or _leaf(base, changed[0]) != s.value):
            raise NotInEngine(f"the {name} slider of {factory_name(panel.factory)} does not "
                             f"set one field of the page engine's description alone")
        fields[name] = changed[0]
    return base, fields


def _inside(s: Slider, fraction: float) -> float:
    """The point ``fraction`` of the way along the slider's range (on its scale)."""
    return float(s.lo * (s.hi / s.lo) ** fraction if s.log else s.lo + fraction * (s.hi - s.lo))


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


#: schedules whose formulas use only + - * / and square roots (the others use cos or a
#: power, which the browser's maths library may round otherwise than numpy's in the last bit)
EXACT_SCHEDULES = ("constant", "inverse_sqrt", "warmup")


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
