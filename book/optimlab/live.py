"""The live face of a described panel (:mod:`optimlab.panels`): ipywidgets, for Jupyter,
Binder and the slides.

Every control of the description becomes a widget: a :class:`~optimlab.panels.Slider`
a slider over the page slider's own positions beside a box that takes any value typed
(Enter), kept in step; a :class:`~optimlab.panels.Menu` a row of buttons (a drop-down
above three options); a :class:`~optimlab.panels.Grid` a slider over its settings; the
start point a box per coordinate and a button back to the chapter's start. A move
computes once and redraws only what changed (:class:`PathFigure`: the contour is drawn
once); a refused typed value (or start) is said in the readout and its box goes back.
A button sets every control and the start back to the chapter's.
"""

from __future__ import annotations

import html
import io
import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from .objectives import Objective
from .panels import Grid, Menu, Panel, Slider
from .plots import _last_finite, draw_contour, draw_path, new_figure

STYLE = {"description_width": "7em"}


def widget(panel: Panel):
    """The live panel: ``VBox([*control rows, start row, reset, image, readout])``, each
    control at the panel's current value."""
    import ipywidgets as w

    image = w.Image(value=panel.update(), format="png", layout=w.Layout(max_width="100%"))
    text = w.HTML(value=html.escape(panel.readout()))
    rows = []

    def sync():
        for row in rows:
            row.sync()

    def show(png):
        # The readout goes first: once the picture has changed, its numbers have too.
        text.value = html.escape(panel.readout())
        image.value = png
        sync()  # another landscape moves the start

    def move(name, value) -> bool:
        try:
            png = panel.update(**{name: value})
        except ValueError as err:  # a typed value outside its range, a start off the chart
            text.value = html.escape(str(err))
            return False
        show(png)
        return True

    def chapter(_):
        show(panel.update(**panel.spec.chapter()))

    makers = {Slider: _slider_row, Menu: _menu_row, Grid: _grid_row}
    rows += [makers[type(c)](w, c, panel, move) for c in panel.spec.controls]
    if panel.spec.start is not None:
        rows.append(_start_row(w, panel, move))
    reset = w.Button(description="chapter's values",
                     tooltip="every control and the start back to the chapter's")
    reset.on_click(chapter)
    reset.name_ = "reset"
    return w.VBox([*rows, reset, image, *([text] if panel.spec.readout else [])])


class _Busy:
    """Set while a row writes its own widgets, so their observers do not run again."""

    def __init__(self):
        self.on = False

    def __enter__(self):
        self.on = True

    def __exit__(self, *exc):
        self.on = False


def _slider_row(w, c: Slider, panel: Panel, move):
    """A slider over ``c.positions()`` beside a box for any value, kept in step: the
    slider sends its exact position, the box what was typed (a refused value is said in
    the readout and the box goes back); each move runs once."""
    value = panel.values[c.name]
    slider = w.SelectionSlider(options=[(f"{v:.4g}", v) for v in c.positions()],
                               value=c.nearest(value), description=c.label,
                               continuous_update=True, style=STYLE,
                               layout=w.Layout(width="28em"))
    box = w.FloatText(value=value, continuous_update=False, layout=w.Layout(width="8em"),
                      tooltip=f"any {c.label} from {c.lo:g} to {c.hi:g}: type it, press Enter")
    busy = _Busy()

    def sync():
        with busy:
            box.value = panel.values[c.name]
            slider.value = c.nearest(box.value)

    def from_slider(change):
        if not busy.on:
            move(c.name, change["new"])

    def from_box(change):
        if not busy.on and not move(c.name, change["new"]):
            sync()

    slider.observe(from_slider, names="value")
    box.observe(from_box, names="value")
    row = w.HBox([slider, box])
    row.name_, row.slider, row.box, row.sync = c.name, slider, box, sync
    return row


def _menu_row(w, m: Menu, panel: Panel, move):
    kind = w.ToggleButtons if len(m.options) <= 3 else w.Dropdown
    menu = kind(options=list(zip(m.texts, m.options)), value=panel.values[m.name],
                description=m.label, style=STYLE)
    return _chooser(menu, m.name, panel, move)


def _grid_row(w, g: Grid, panel: Panel, move):
    slider = w.SelectionSlider(options=list(zip(g.texts, range(len(g.values)))),
                               value=panel.values[g.name], description=g.label, style=STYLE,
                               layout=w.Layout(width="32em"))
    return _chooser(slider, g.name, panel, move)


def _chooser(chooser, name: str, panel: Panel, move):
    """A menu or grid slider: every choice runs once; ``sync`` shows the panel's value."""
    busy = _Busy()

    def sync():
        with busy:
            chooser.value = panel.values[name]

    chooser.observe(lambda change: busy.on or move(name, change["new"]), names="value")
    chooser.name_, chooser.sync = name, sync
    return chooser


def _start_row(w, panel: Panel, move):
    """The start point: a box per coordinate (any value on the chart's axis, Enter
    applies; one off the chart is said in the readout and the box goes back), and a
    button back to the chapter's start (of the landscape shown)."""
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

    def from_box(_):
        if not busy.on and not move("x0", [b.value for b in boxes]):
            sync()

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
