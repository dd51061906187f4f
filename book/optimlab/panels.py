"""One panel description, two faces.

A panel is described once, by a :class:`PanelSpec`: its controls (:class:`Slider`, any
value in a range; :class:`Menu`, one of a few options; :class:`Grid`, one of the
settings a precomputed panel holds), the start point (:class:`Start`), what a setting
computes (``compute``), what is drawn (``draw``), the readout and the page's part
(:class:`PageRun`: the page engine computes it; :class:`PageVega`: results computed at
build time). A :class:`Panel` holds a spec and the current values; from the spec alone
come both faces:

* the live ipywidgets face of Jupyter, Binder and the slides (:func:`optimlab.live.widget`):
  a slider and a box for each :class:`Slider`, over the very positions the page's slider
  has; a button row or menu for each :class:`Menu`; the start point's boxes; the picture,
  redrawn on a cached background; the readout;
* the page's face (:func:`optimlab.static.page_html`): the same controls as labelled
  HTML inputs, and the run computed in the reader's browser.

:func:`optimlab.slider_panel`, :func:`optimlab.comparison_panel` and
:func:`optimlab.curves_panel` write the three kinds of description the book uses.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import numpy as np

from . import _validate as check

#: a log slider's positions a decade, and a linear slider's positions across its range
#: (``assets/panel/slider.js``, which the page's slider uses, has the same numbers)
PER_DECADE, LINEAR_POSITIONS = 100, 1000


@dataclasses.dataclass(frozen=True)
class Slider:
    """A number the reader sets: any value in ``[lo, hi]`` (typed), or one of the
    slider's :meth:`positions`; ``value`` is the chapter's, ``marks`` the values the
    chapter discusses."""

    name: str
    label: str
    lo: float
    hi: float
    log: bool
    value: float
    marks: tuple[float, ...] = ()

    def positions(self) -> list[float]:
        """The slider's positions, sorted and distinct: a regular grid through ``value``
        (:data:`PER_DECADE` a decade on a log scale, each rounded to 4 significant
        digits; steps of the power of ten nearest (hi − lo) / :data:`LINEAR_POSITIONS`
        on a linear one, rounded to 12 decimals), clamped to the range, with ``value``
        and every mark among them exactly: the positions of the page's slider
        (``positions`` in ``assets/panel/slider.js``)."""
        lo, hi, v = self.lo, self.hi, self.value
        if self.log:
            first = math.floor(PER_DECADE * math.log10(lo / v))
            last = math.ceil(PER_DECADE * math.log10(hi / v))
            grid = [v if k == 0 else _clamp(float(f"{v * 10 ** (k / PER_DECADE):.4g}"), lo, hi)
                    for k in range(first, last + 1)]
        else:
            step = float(f"1e{math.floor(math.log10((hi - lo) / LINEAR_POSITIONS) + 0.5)}")
            first, last = math.floor((lo - v) / step), math.ceil((hi - v) / step)
            grid = [v if k == 0 else _clamp(float(f"{v + k * step:.12f}"), lo, hi)
                    for k in range(first, last + 1)]
        return sorted({g for g in [*grid, *self.marks, v] if lo <= g <= hi})

    def nearest(self, value: float) -> float:
        """The position nearest ``value`` (by ratio on a log scale); a value past either
        end goes to that end (``nearest`` in ``assets/panel/slider.js``)."""
        grid = self.positions()
        if value <= grid[0] or value >= grid[-1]:
            return grid[0] if value <= grid[0] else grid[-1]
        g = np.asarray(grid)
        distance = np.abs(np.log(g / value)) if self.log else np.abs(g - value)
        return grid[int(np.argmin(distance))]

    def checked(self, value) -> float:
        """``value`` as a float, or a ValueError naming the slider and its range."""
        value = check.number(self.name, value)
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{self.name} must be in [{self.lo:g}, {self.hi:g}] (the range "
                             f"of the {self.label} slider), got {self.name}={value!r}")
        return value


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


@dataclasses.dataclass(frozen=True)
class Menu:
    """One of a few ``options`` (what ``compute`` is given), shown as ``texts``; the
    first is the chapter's."""

    name: str
    label: str
    options: tuple
    texts: tuple[str, ...]

    @property
    def value(self):
        return self.options[0]

    def checked(self, value):
        """The option ``value`` is (a string for a string, a number equal to a number
        option), or a ValueError naming the menu and its options."""
        for option in self.options:
            if isinstance(option, str):
                same = isinstance(value, str) and value == option
            else:
                same = (isinstance(value, (int, float, np.integer, np.floating))
                        and not isinstance(value, (bool, np.bool_)) and value == option)
            if same:
                return option
        raise ValueError(f"{self.name} must be one of {list(self.options)!r}, "
                         f"got {self.name}={value!r}")


@dataclasses.dataclass(frozen=True)
class Grid:
    """One of the ``values`` a precomputed panel holds, by its index (``index`` is the
    chapter's), shown as ``texts``."""

    name: str
    label: str
    values: tuple[float, ...]
    texts: tuple[str, ...]
    index: int

    @property
    def value(self) -> int:
        return self.index

    def checked(self, value) -> int:
        return check.integer(self.name, value, 0, len(self.values) - 1)


Control = Slider | Menu | Grid


@dataclasses.dataclass(frozen=True)
class Start:
    """The start point as a control: the chapter's start and the chart's axes, both for
    the values of the controls named in ``depends`` (a landscape menu picks them); a
    change of one of those starts again at the chapter's start."""

    chapter: Callable[[dict], np.ndarray]
    bounds: Callable[[dict], list]
    depends: tuple[str, ...] = ()

    def checked(self, x0, values: dict) -> np.ndarray:
        """``x0`` as one point on the chart of ``values``, or a ValueError naming it."""
        return check.start("x0", x0, self.bounds(values))


@dataclasses.dataclass(frozen=True)
class PageRun:
    """The page computes the panel: ``data()`` is the page engine's part of the page's
    JSON (raising ValueError if the engine cannot run the panel, which then shows a
    still picture; its ``"fields"``, if given, are the sliders' fields in the engine's
    description); ``caption()`` says what the page computes, ``alt`` describes the
    chart, ``recipe`` lets a test recompute the page's runs, ``state`` shows the
    optimizer's state beside the chart; with ``several`` runs, a status line each."""

    data: Callable[[], dict]
    caption: Callable[[], str]
    alt: str
    recipe: dict
    state: bool = True
    several: bool = False


@dataclasses.dataclass(frozen=True)
class PageVega:
    """The page picks among results computed at build time: ``spec(panel_id)`` is the
    Vega-Lite chart, its parameters bound to the :class:`Grid` controls."""

    spec: Callable[[str], dict]
    caption: str
    alt: str
    recipe: dict


@dataclasses.dataclass(frozen=True)
class PanelSpec:
    """A panel: see the module docstring. ``compute(values)`` gives a result for every
    control's value (and ``values["x0"]``, with a :class:`Start`); ``draw(values,
    result)`` its PNG; ``readout(result)`` its lines (None: no readout)."""

    title: str
    controls: tuple[Control, ...]
    compute: Callable[[dict], Any]
    draw: Callable[[dict, Any], bytes]
    page: PageRun | PageVega
    readout: Callable[[Any], list[str]] | None = None
    start: Start | None = None

    def chapter(self) -> dict:
        """The chapter's values (and start, checked: it must be on the chart)."""
        values = {c.name: c.value for c in self.controls}
        if self.start is not None:
            values["x0"] = self.start.checked(self.start.chapter(values), values)
        return values


class Panel:
    """A described panel and its current values. ``update(**values)`` is what a control
    does: check the values, compute, draw, and only then keep them (a bad value raises
    a ValueError naming it and leaves the panel as it was)."""

    def __init__(self, spec: PanelSpec):
        self.spec = spec
        self.values = spec.chapter()
        self._last = None  # the result of the current values, once computed

    def checked(self, **values) -> dict:
        """The current values updated by ``values``, each checked by its control. A
        change that moves the chapter's start (another landscape) starts there."""
        controls = {c.name: c for c in self.spec.controls}
        allowed = [*controls, *(["x0"] if self.spec.start else [])]
        new = dict(self.values)
        for name, value in values.items():
            if name not in allowed:
                raise ValueError(f"{name!r} is not a control of this panel; its controls "
                                 f"are {sorted(allowed)}")
            if name != "x0":
                new[name] = controls[name].checked(value)
        start = self.spec.start
        if start is not None:
            if "x0" in values:
                new["x0"] = start.checked(values["x0"], new)
            elif any(new[k] != self.values[k] for k in start.depends):
                new["x0"] = start.checked(start.chapter(new), new)
        return new

    def result(self, **values):
        """What the current values (updated by ``values``) compute, kept nowhere."""
        return self.spec.compute(self.checked(**values))

    def update(self, **values) -> bytes:
        """Set the values, compute once, draw; return the PNG."""
        new = self.checked(**values)
        result = self.spec.compute(new)
        png = self.spec.draw(new, result)
        self.values, self._last = new, result
        return png

    def current(self):
        """The result of the current values (computed once)."""
        if self._last is None:
            self._last = self.spec.compute(self.values)
        return self._last

    def readout(self) -> str:
        """The readout of the current values, its lines joined by "; "."""
        return "; ".join(self.spec.readout(self.current())) if self.spec.readout else ""

    def widget(self):
        """The live ipywidgets face (needs a kernel)."""
        from .live import widget

        return widget(self)

    def static_html(self, panel_id: str | None = None) -> str:
        """The page's face (needs no kernel)."""
        from .static import page_html

        return page_html(self, panel_id)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live face where a widget front end exists, and always the page's face as
        HTML (which the static site shows instead of the widget view)."""
        bundle = {"text/html": self.static_html(), "text/plain": repr(self)}
        try:
            live = self.widget()
        except ModuleNotFoundError as err:  # no ipywidgets: the page's face alone
            if err.name != "ipywidgets":
                raise
            return bundle
        view = live._repr_mimebundle_()
        view = view[0] if isinstance(view, tuple) else view
        # the widget view, with the page's face as HTML and the panel's repr as text
        return {**view, **bundle}

    def __repr__(self):
        return f"<{type(self).__name__}: {self.readout() or self.spec.title}>"
