"""The live face of a described panel (:mod:`optimlab.panels`): ipywidgets, for Jupyter,
Binder and the slides.

Every control of the description becomes a widget: a :class:`~optimlab.panels.Slider`
a slider over the page slider's own positions beside a box that takes any value typed
(Enter), kept in step; a :class:`~optimlab.panels.Menu` a row of buttons (a drop-down
above three options); a :class:`~optimlab.panels.Grid` a slider over its settings; the
start point a box per coordinate and a button back to the chapter's start. A move
computes once and redraws only what changed (:class:`PathFigure`: the contour is drawn
once); a refused value is said in the readout and the control goes back.
"""

from __future__ import annotations

import html
import io
import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .objectives import Objective
from .panels import Grid, Menu, Panel, Slider
from .plots import _last_finite, draw_contour, draw_path, new_figure
from .trajectory import Trajectory

STYLE = {"description_width": "7em"}


def widget(panel: Panel):
    """The live panel: ``VBox([*control rows, start row, image, readout])``."""
    import ipywidgets as w

    image = w.Image(value=panel.update(), format="png", layout=w.Layout(max_width="100%"))
    text = w.HTML(value=html.escape(panel.readout()))
    rows = []

    def move(name, value) -> bool:
        try:
            image.value = panel.update(**{name: value})
        except ValueError as err:  # a typed value outside its range, a start off the chart
            text.value = html.escape(str(err))
            return False
        text.value = html.escape(panel.readout())
        for row in rows:  # another landscape moves the start
            getattr(row, "sync", lambda: None)()
        return True

    makers = {Slider: _slider_row, Menu: _menu_row, Grid: _grid_row}
    rows += [makers[type(c)](w, c, move) for c in panel.spec.controls]
    if panel.spec.start is not None:
        rows.append(_start_row(w, panel, move))
    return w.VBox([*rows, image, *([text] if panel.spec.readout else [])])


class _Busy:
    """Set while a row writes its own widgets, so their observers do not run again."""

    def __init__(self):
        self.on = False

    def __enter__(self):
        self.on = True

    def __exit__(self, *exc):
        self.on = False


def _slider_row(w, c: Slider, move):
    """A slider over ``c.positions()`` beside a box for any value, kept in step: the
    slider sends its exact position, the box what was typed; each move runs once."""
    grid = c.positions()
    slider = w.SelectionSlider(options=[(f"{v:.4g}", v) for v in grid], value=c.value,
                               description=c.label, continuous_update=True, style=STYLE,
                               layout=w.Layout(width="28em"))
    box = w.FloatText(value=c.value, continuous_update=False, layout=w.Layout(width="8em"),
                      tooltip=f"any {c.label} from {c.lo:g} to {c.hi:g}: type it, press Enter")
    busy = _Busy()

    def from_slider(change):
        if not busy.on and move(c.name, change["new"]):
            with busy:
                box.value = change["new"]

    def from_box(change):
        if busy.on:
            return
        with busy:
            if move(c.name, change["new"]):
                slider.value = nearest(grid, change["new"], c.log)
            else:
                box.value = change["old"]

    slider.observe(from_slider, names="value")
    box.observe(from_box, names="value")
    row = w.HBox([slider, box])
    row.name_, row.slider, row.box = c.name, slider, box
    return row


def nearest(grid: list, value: float, log: bool) -> float:
    """The position nearest ``value`` (by ratio on a log scale); a value past either end
    goes to that end (``nearest`` in ``assets/panel/slider.js``)."""
    if value <= grid[0]:
        return grid[0]
    if value >= grid[-1]:
        return grid[-1]
    g = np.asarray(grid)
    distance = np.abs(np.log(g / value)) if log else np.abs(g - value)
    return grid[int(np.argmin(distance))]


def _menu_row(w, m: Menu, move):
    kind = w.ToggleButtons if len(m.options) <= 3 else w.Dropdown
    menu = kind(options=list(zip(m.texts, m.options)), value=m.value, description=m.label,
                style=STYLE)
    menu.observe(lambda change: move(m.name, change["new"]), names="value")
    menu.name_ = m.name
    return menu


def _grid_row(w, g: Grid, move):
    slider = w.SelectionSlider(options=list(zip(g.texts, range(len(g.values)))), value=g.index,
                               description=g.label, style=STYLE, layout=w.Layout(width="32em"))
    slider.observe(lambda change: move(g.name, change["new"]), names="value")
    slider.name_ = g.name
    return slider


def _start_row(w, panel: Panel, move):
    """The start point: a box per coordinate (any value on the chart's axis, Enter
    applies), and a button back to the chapter's start (of the landscape shown)."""
    boxes = [w.FloatText(value=float(v), description=f"start x{'₁₂'[i]}",
                         continuous_update=False, style=STYLE, layout=w.Layout(width="16em"),
                         tooltip=f"start coordinate {i + 1}: type it and press Enter")
             for i, v in enumerate(panel.values["x0"])]
    reset = w.Button(description="chapter's start", tooltip="back to the chapter's start")
    busy = _Busy()

    def sync():
        with busy:
            for b, v in zip(boxes, panel.values["x0"]):
                b.value = float(v)

    def from_box(change):
        if busy.on:
            return
        if not move("x0", [b.value for b in boxes]):
            with busy:
                change["owner"].value = change["old"]

    for b in boxes:
        b.observe(from_box, names="value")
    reset.on_click(lambda _: move("x0", panel.spec.start.chapter(panel.values)))
    row = w.HBox([*boxes, reset])
    row.name_, row.boxes, row.reset, row.sync = "x0", boxes, reset, sync
    return row


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
