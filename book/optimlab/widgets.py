"""Slider panels: a live ipywidgets panel and its kernel-free twin, from one description.

``slider_panel(rmsprop, seed000_bowl(), [-10, 1.5], 50, lr=0.5, gamma=0.9, eps=1e-8)``
makes a slider for every numeric hyperparameter given and a menu for every choice given
as a tuple (``eps_placement=("inside", "outside")``). Displayed in Jupyter it is a live
panel: a slider move recomputes the path and redraws only the path on a cached
background (the contour is drawn once). On the static site the same output shows its
kernel-free twin (:mod:`optimlab.static`): the page engine (``assets/engine``) computes
the run in the reader's browser, bit for bit what :func:`optimlab.run` computes (to 12
digits under a schedule with a cosine or a power), for any value on the controls and any
start point picked on the chart.
"""

from __future__ import annotations

import dataclasses
import html
import io
import itertools
from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import _validate as check
from .objectives import Objective
from .optimizers import Optimizer
from .plots import _fmt, _last_finite, _point, _two_d, draw_contour, draw_path, new_figure
from .trajectory import Trajectory, run


@dataclasses.dataclass(frozen=True)
class Control:
    """One slider: its label and range (``log`` means a log-scale slider)."""

    name: str
    label: str
    lo: float
    hi: float
    log: bool

    def live_grid(self, value: float) -> np.ndarray:
        """The live slider's positions: a grid through ``value`` itself, so the chapter's
        value is a position exactly (a slider with ``min`` and ``step`` would snap it to
        its own grid, and the kernel would then run another setting): 20 positions a
        decade on a log scale, steps of 0.01 otherwise, within the control's range."""
        if self.log:
            k = np.arange(np.floor(20 * np.log10(self.lo / value)),
                          np.ceil(20 * np.log10(self.hi / value)) + 1)
            g = value * 10.0 ** (k / 20)
        else:
            k = np.arange(np.floor((self.lo - value) / 0.01), np.ceil((self.hi - value) / 0.01) + 1)
            g = np.round(value + 0.01 * k, 12)
        g[k == 0] = value
        tol = 1e-12 * max(abs(self.lo), abs(self.hi))
        return g[(g >= self.lo - tol) & (g <= self.hi + tol)]


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
                 title: str | None = None, grids: dict | None = None, **params) -> "Panel":
    """Build a panel. Numbers become sliders (inside the slider's range), non-empty tuples
    of strings become menus, flags, strings and None are fixed; anything else is refused.
    ``grids`` gives a slider of the page's twin values to stop at exactly (``{"lr": [0.19,
    0.2]}``: those the chapter discusses), beside its fine grid through the chapter's
    value."""
    return Panel(factory, objective, x0, steps, params, title=title, grids=grids or {})


def _number_control(w, name, c, value, move):
    """A slider over ``c.live_grid(value)`` beside a box for any value, kept in step: the
    slider sends its exact grid value, the box what was typed; each move runs once."""
    grid = c.live_grid(value)
    slider = w.SelectionSlider(options=[(f"{v:.4g}", float(v)) for v in grid], value=value,
                               description=c.label, continuous_update=True,
                               style={"description_width": "7em"}, layout=w.Layout(width="28em"))
    box = w.FloatText(value=value, continuous_update=False, layout=w.Layout(width="8em"),
                      tooltip=f"any {c.label}: type it and press Enter")
    busy = []

    def from_slider(change):
        if not busy and move(name, change["new"]):
            busy.append(1)
            box.value = change["new"]
            busy.clear()

    def from_box(change):
        if busy:
            return
        busy.append(1)
        if move(name, change["new"]):
            slider.value = _nearest(grid, change["new"], c.log)
        else:
            box.value = change["old"]
        busy.clear()

    slider.observe(from_slider, names="value")
    box.observe(from_box, names="value")
    row = w.HBox([slider, box])
    row.name_, row.slider, row.box = name, slider, box
    return row


def _nearest(grid: np.ndarray, value: float, log: bool) -> float:
    """The grid position nearest ``value`` (by ratio on a log scale; a value at or below
    zero goes to the first position)."""
    if log:
        if value <= 0:
            return float(grid[0])
        return float(grid[np.argmin(np.abs(np.log(grid) - np.log(value)))])
    return float(grid[np.argmin(np.abs(grid - value))])


class TwinDisplay:
    """Display mixin: the live widget where a widget front-end exists, and always the
    kernel-free HTML twin (which the static site shows instead of the widget view)."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.static_html(), "text/plain": repr(self)}
        try:
            live = self.widget()
        except ModuleNotFoundError as err:  # no ipywidgets: the twin alone
            if err.name != "ipywidgets":
                raise
            return bundle
        view = live._repr_mimebundle_()
        view = view[0] if isinstance(view, tuple) else view
        # the widget view, with the twin as HTML and the panel's own repr (its readout for
        # the values given) as text, not the widget's
        return {**view, **bundle}


class Panel(TwinDisplay):
    """A slider panel; see the module docstring."""

    def __init__(self, factory, objective, x0, steps, params, *, title=None, grids=None):
        if not callable(factory) or isinstance(factory, Optimizer):
            raise TypeError(f"factory must be an optimizer factory such as sgd, got {factory!r}")
        _two_d(objective)
        self.factory, self.objective = factory, objective
        self.x0 = check.point("x0", x0, objective.dim)
        if self.x0.ndim != 1:
            raise ValueError(f"x0 must be one start point of shape ({objective.dim},), "
                             f"got shape {self.x0.shape}")
        self.steps = check.steps("steps", steps)
        self.title = title
        self.sliders, self.menus, self.fixed = {}, {}, {}
        for name, value in params.items():
            self._classify(name, value)
        self.marks = self._marks(grids or {})
        self.values = {**{k: v for k, (_, v) in self.sliders.items()},
                       **{k: v[0] for k, v in self.menus.items()}}
        for name, options in self.menus.items():  # fail now, not at the first menu click
            for option in options:
                factory(**self.fixed, **{**self.values, name: option})
        factory(**self.fixed, **self.values)
        self._figure = None
        self._last = None  # the run of the current values, once a move has computed it

    # ------------------------------------------------------------- computation

    def optimizer(self, **values) -> Optimizer:
        return self.factory(**self.fixed, **{**self.values, **values})

    def trajectory(self, **values) -> Trajectory:
        """The run for the current values (updated by ``values``)."""
        return run(self.optimizer(**values), self.objective, self.x0, self.steps)

    def _classify(self, name, value):
        """A number is a slider, a tuple of strings a menu, a flag or string fixed."""
        if isinstance(value, tuple):
            if not value or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{name}={value!r}: a menu is a non-empty tuple of strings; "
                                 "flags cannot be swept or put in a menu (pass True or False)")
            self.menus[name] = value
        elif isinstance(value, (int, float, np.integer, np.floating)) \
                and not isinstance(value, (bool, np.bool_)):
            if name not in CONTROLS:
                raise ValueError(f"no slider is defined for {name}={value!r}; "
                                 f"sliders exist for {sorted(CONTROLS)}")
            c = CONTROLS[name]
            value = check.number(name, value)
            _in_control(c, name, value)
            self.sliders[name] = (c, value)
        elif value is None or isinstance(value, (bool, np.bool_, str)):
            self.fixed[name] = value
        else:
            raise ValueError(f"{name}={value!r}: a panel value must be a number (a slider), "
                             "a tuple of strings (a menu), or a fixed flag, string or None")

    def _marks(self, grids) -> dict:
        """The checked ``grids``: slider name -> its marks, in its range."""
        if not isinstance(grids, dict):
            raise TypeError(f"grids must be a dict name -> list of values, got grids={grids!r}")
        marks = {}
        for name, grid in grids.items():
            if name not in self.sliders:
                raise ValueError(f"grids names {name!r}, which is not a slider here; the "
                                 f"sliders are {sorted(self.sliders)}")
            c, value = self.sliders[name]
            values = check.finite(f"grids[{name!r}]", grid)
            if values.ndim != 1 or values.size == 0:
                raise ValueError(f"grids[{name!r}] must be a non-empty 1-D list, got {grid!r}")
            for v in values:
                _in_control(c, f"grids[{name!r}]", float(v))
            marks[name] = [float(v) for v in values]
        return marks

    def update(self, **values) -> bytes:
        """What a slider move does: set the values, recompute the path, return the PNG.
        A bad value raises and leaves the panel as it was."""
        for name in values:
            if name not in self.values:
                raise ValueError(f"{name!r} is not a control of this panel; its controls "
                                 f"are {sorted(self.values)}")
        tr = self.trajectory(**values)  # raises before anything is stored
        png = self._path_figure().render(tr.x)
        self.values, self._last = {**self.values, **values}, tr
        return png

    def move_start(self, x0) -> bytes:
        """What the start boxes do: run from ``x0`` (inside the landscape's bounds, the
        chart's axes) with the current values; return the PNG. A bad start raises a
        ValueError naming it and leaves the panel as it was."""
        x0 = check.point("x0", x0, self.objective.dim)
        for i, (v, (lo, hi)) in enumerate(zip(x0, self.objective.bounds)):
            if not lo <= v <= hi:
                raise ValueError(f"x0[{i}] must be in [{lo:g}, {hi:g}] (the chart's axis), "
                                 f"got x0[{i}]={float(v)!r}")
        chapter, self.x0 = self.x0, x0
        try:
            tr = self.trajectory()
        except ValueError:
            self.x0 = chapter
            raise
        png = self._path_figure().render(tr.x)
        self._last = tr
        return png

    def readout(self, tr: Trajectory | None = None) -> str:
        """One line on the run of the current values (the one the last move computed)."""
        tr = tr or self._last or self.trajectory()
        if bool(np.all(tr.diverged)):
            return f"diverged at step {int(tr.diverged_at)}"
        return (f"after {tr.steps} steps: x = {_point(tr.final)}, "
                f"f(x) = {_fmt(float(tr.loss[-1]))}")

    def _path_figure(self) -> "PathFigure":
        if self._figure is None:
            self._figure = PathFigure(self.objective, self.title or self.objective.name)
        return self._figure

    # ------------------------------------------------------------- live widget

    def widget(self):
        """The live ipywidgets panel (needs a kernel). Each number is a slider over a grid
        through the chapter's value and a box that takes any value typed (Enter): the
        kernel always runs exactly the value shown, never a value the front end rounded."""
        import ipywidgets as w

        image = w.Image(value=self.update(), format="png", layout=w.Layout(max_width="100%"))
        text = w.HTML(value=html.escape(self.readout()))

        def move(name, value):
            try:
                image.value = self.update(**{name: value})
            except ValueError as err:  # a typed value outside the control's range
                text.value = html.escape(str(err))
                return False
            text.value = html.escape(self.readout())
            return True

        rows = [_number_control(w, name, c, value, move)
                for name, (c, value) in self.sliders.items()]
        for name, options in self.menus.items():
            menu = w.ToggleButtons(options=options, description=MENU_LABELS.get(name, name),
                                   style={"description_width": "7em"})
            menu.name_ = name
            menu.observe(lambda change: move(change["owner"].name_, change["new"]), names="value")
            rows.append(menu)
        rows.append(self._start_control(w, image, text))
        return w.VBox([*rows, image, text])

    def _start_control(self, w, image, text):
        """The start point: a box per coordinate (any value on the chart's axis, Enter
        applies), and a button back to the chapter's start."""
        chapter = self.x0.copy()
        boxes = [w.FloatText(value=float(v), description=f"start x{'₁₂'[i]}",
                             continuous_update=False, style={"description_width": "7em"},
                             layout=w.Layout(width="16em"),
                             tooltip=f"start coordinate {i + 1}: type it and press Enter")
                 for i, v in enumerate(chapter)]
        reset = w.Button(description="chapter's start", tooltip="back to the chapter's start")
        busy = []

        def go(x0):
            try:
                image.value = self.move_start(x0)
            except ValueError as err:
                text.value = html.escape(str(err))
                return False
            text.value = html.escape(self.readout())
            return True

        def from_box(change):
            if busy:
                return
            busy.append(1)
            if not go([b.value for b in boxes]):
                change["owner"].value = change["old"]
            busy.clear()

        def back(_):
            busy.append(1)
            for b, v in zip(boxes, chapter):
                b.value = float(v)
            busy.clear()
            go(chapter)

        for b in boxes:
            b.observe(from_box, names="value")
        reset.on_click(back)
        row = w.HBox([*boxes, reset])
        row.name_, row.boxes, row.reset = "x0", boxes, reset
        return row

    # -------------------------------------------------------- kernel-free twin

    def static_html(self, panel_id: str | None = None) -> str:
        """The kernel-free twin: labelled controls, a chart and the description of the run
        the page engine computes (:func:`optimlab.static.panel_html`)."""
        from .static import panel_html

        return panel_html(self, panel_id)

    def __repr__(self):
        return f"<Panel: {self.readout()}>"


def _in_control(c: Control, name: str, value: float) -> None:
    """The live slider clamps to its range, so a value outside it would show one setting
    and compute another."""
    if not c.lo <= value <= c.hi:
        raise ValueError(f"{name} must be in [{c.lo:g}, {c.hi:g}] (the range of the "
                         f"{c.label} slider), got {name}={value!r}")


_POW10 = np.array([float(f"1e{i}") for i in range(23)])  # exact doubles up to 1e22


def _rounded(values: np.ndarray) -> list:
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


class PathFigure:
    """A contour drawn once; each update restores the cached background and draws only
    the path artists (matplotlib blitting), then encodes the PNG. ``n`` paths at once."""

    def __init__(self, objective: Objective, title: str, n: int = 1, labels=None):
        fig, axes = new_figure()
        ax = axes[0, 0]
        draw_contour(ax, objective)
        ax.set_title(title)
        blank = np.full((2, 2), np.nan)
        self.paths = [draw_path(ax, blank, k, None if labels is None else labels[k])
                      for k in range(n)]
        if labels is not None:
            ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
        for artist in itertools.chain(*self.paths):
            artist.set_animated(True)
        self.fig, self.ax = fig, ax
        self.canvas: FigureCanvasAgg = fig.canvas
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def render(self, *paths: np.ndarray) -> bytes:
        self.canvas.restore_region(self.background)
        for (line, start, end), xs in zip(self.paths, paths):
            line.set_data(xs[:, 0], xs[:, 1])
            start.set_data([xs[0, 0]], [xs[0, 1]])
            end_xy, stopped = _last_finite(xs)
            end.set_data([end_xy[0]], [end_xy[1]])
            end.set_marker("X" if stopped else line.get_marker())
            for artist in (line, start, end):
                self.ax.draw_artist(artist)
        return _png(self.canvas)


def _png(canvas: FigureCanvasAgg) -> bytes:
    w, h = canvas.get_width_height(physical=True)
    img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    img.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def full_redraw_png(objective: Objective, tr: Trajectory, title: str) -> bytes:
    """What ``interact`` does on every move: a new figure, contour and path (for the bench)."""
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    draw_contour(ax, objective)
    draw_path(ax, tr.x, 0, None)
    ax.set_title(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
