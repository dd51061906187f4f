"""A panel of training curves: pick the hyperparameters, see that run's loss per epoch.

Every setting of the grid is trained in ONE batched :func:`optimlab.training.train`
call, so moving a control only picks a precomputed curve: the live face (Jupyter)
and the page's face (static site) show the same numbers.
"""

from __future__ import annotations

import numpy as np

from . import training
from ._format import short
from .panels import Grid, PageVega, Panel, PanelSpec
from .plots import PALETTE, Plot, new_figure
from .static import rounded_3g
from .widgets import CONTROLS


class CurvePanel(Panel):
    """Loss per epoch for every combination of the listed hyperparameters. Its
    description (:mod:`optimlab.panels`): a :class:`~optimlab.panels.Grid` control per
    hyperparameter listed; both faces draw the chosen curve over the others."""

    def __init__(self, factory, model, data, *, epochs: int, batch_size: int, seed: int = 0,
                 optimum: float | None = None, title: str | None = None, **params):
        self.grid = {k: np.asarray(v, dtype=float) for k, v in params.items()
                     if isinstance(v, (list, tuple, np.ndarray))}
        if not self.grid:
            raise ValueError(f"curves_panel needs at least one hyperparameter given as a list, "
                             f"got {sorted(params)}")
        fixed = {k: v for k, v in params.items() if k not in self.grid}
        mesh = np.meshgrid(*self.grid.values(), indexing="ij")
        self.history = training.train(factory(**fixed, **dict(zip(self.grid, mesh))), model,
                                      data, epochs=epochs, batch_size=batch_size, seed=seed)
        self.optimum, self.fixed, self.factory = optimum, fixed, factory
        self.title = title or f"{self.history.label().split('(')[0]} on {data.name}"
        controls = tuple(Grid(k, _name(k), tuple(float(v) for v in vals),
                              tuple(short(v) for v in vals), len(vals) // 2)
                         for k, vals in self.grid.items())
        super().__init__(PanelSpec(
            title=self.title, controls=controls,
            compute=lambda values: self.curve(**values),
            draw=lambda values, _: self.render(**values).png(),
            page=PageVega(spec=self._spec, caption=self._caption(), alt=(
                f"Interactive plot of the {self._ylabel()} per epoch for the chosen setting"),
                recipe={"kind": "curves", "controls": list(self.grid)})))

    @property
    def index(self) -> dict:
        """The grid position of each control's current value."""
        return {k: self.values[k] for k in self.grid}

    def curve(self, **index) -> np.ndarray:
        """The training loss (or its gap above ``optimum``) per epoch of one setting."""
        idx = tuple({**self.index, **index}[k] for k in self.grid)
        loss = self.history.train_loss[(slice(None),) + idx]
        return loss - self.optimum if self.optimum is not None else loss

    def _ylabel(self) -> str:
        return "training loss − optimum" if self.optimum is not None else "training loss"

    def _label(self, name: str, i: int) -> str:
        return f"{_name(name)} = {short(self.grid[name][i])}"

    def render(self, **index) -> Plot:
        """The chosen curve over all the others in grey (log scale)."""
        fig, axes = new_figure()
        ax = axes[0, 0]
        epochs = np.arange(self.history.epochs + 1)
        flat = self.history.train_loss.reshape(len(epochs), -1)
        flat = flat - self.optimum if self.optimum is not None else flat
        ax.semilogy(epochs, np.where(flat > 0, flat, np.nan), color="#BBBBBB", lw=1)
        chosen = self.curve(**index)
        ax.semilogy(epochs, np.where(chosen > 0, chosen, np.nan), color=PALETTE[0], lw=3,
                    marker="o", ms=4)
        ax.set_xlabel("epoch")
        ax.set_ylabel(self._ylabel())
        ax.set_title(self.title)
        names = ", ".join(self._label(k, i) for k, i in {**self.index, **index}.items())
        alt = (f"{self._ylabel()} per epoch on a log scale for {names} (thick line), over "
               f"the {flat.shape[1]} settings of the grid in grey; it ends at "
               f"{short(chosen[-1])}.")
        return Plot(fig, alt)

    def _spec(self, panel_id: str) -> dict:
        """The page's Vega-Lite chart: every curve computed at build time, its
        parameters bound to the page's controls."""
        names, chapter = list(self.grid), self.spec.chapter()
        shape = [len(v) for v in self.grid.values()]
        strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
        runs = [{"k": k, "loss": rounded_3g(self.curve(**dict(zip(names, idx))))}
                for k, idx in enumerate(np.ndindex(*shape))]
        k_expr = " + ".join(f"toNumber(c{i}) * {s}" for i, s in enumerate(strides))
        y = {"field": "loss", "type": "quantitative", "scale": {"type": "log"},
             "title": self._ylabel()}
        x = {"field": "epoch", "type": "quantitative", "title": "epoch"}
        flat = [{"flatten": ["loss"]}, {"window": [{"op": "row_number", "as": "n"}],
                                        "groupby": ["k"]},
                {"calculate": "datum.n - 1", "as": "epoch"},
                {"filter": "isValid(datum.loss) && datum.loss > 0"}]
        spec = {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "width": 560, "height": 300, "padding": 5, "title": self.title,
            "params": [{"name": f"c{i}", "value": chapter[k],
                        "bind": {"element": f"#{panel_id}-{k}"}} for i, k in enumerate(names)],
            "data": {"values": runs},
            "layer": [
                {"transform": flat, "mark": {"type": "line", "color": "#BBBBBB", "strokeWidth": 1},
                 "encoding": {"x": x, "y": y, "detail": {"field": "k", "type": "nominal"}}},
                {"transform": [{"filter": f"datum.k == {k_expr}"}] + flat,
                 "mark": {"type": "line", "color": PALETTE[0], "strokeWidth": 3,
                          "point": {"color": PALETTE[0], "size": 30}},
                 "encoding": {"x": x, "y": y}},
            ],
        }
        return spec

    def _caption(self) -> str:
        runs = int(np.prod([len(v) for v in self.grid.values()]))
        return (f"{self.history.label()}: {self.history.model} on {self.history.data}, "
                f"minibatches of {self.history.batch_size}, {self.history.epochs} epochs. "
                f"All {runs} settings were trained in one batched run; a control picks one.")

    def __repr__(self):
        return f"<CurvePanel: {self.history!r}>"


def _name(name: str) -> str:
    return CONTROLS[name].label if name in CONTROLS else name


def curves_panel(factory, model, data, *, epochs: int, batch_size: int, **kw) -> CurvePanel:
    """See :class:`CurvePanel`; e.g. ``curves_panel(ol.rmsprop, model, data, epochs=10,
    batch_size=10, lr=[...], gamma=[0.5, 0.9, 0.99], eps=1e-6)``."""
    return CurvePanel(factory, model, data, epochs=epochs, batch_size=batch_size, **kw)
