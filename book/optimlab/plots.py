"""Figures: contour plots with paths, loss curves, EMA weights, step sizes, sweep heatmaps.

Every public function returns a :class:`Plot`: the matplotlib figure plus alt text
that says what it shows. Displayed in a notebook it becomes a PNG whose alt text the
book's Sphinx extension puts on the ``<img>``. Colours are the Okabe-Ito palette
(distinguishable with the common colour-vision deficiencies), and paths also differ
by marker and line style, so no information rides on colour alone.
"""

from __future__ import annotations

import base64
import io
from typing import Iterable, Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from . import _validate as check
from . import analysis
from ._format import number as _fmt  # widgets and the tests use these names
from ._format import point as _point
from .objectives import Objective
from .optimizers import effective_step as _effective_steps
from .trajectory import Trajectory

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-")
CONTOUR_CMAP = "Greys"

SIZES = {"page": (6.4, 4.2), "wide": (9.6, 4.0), "slide": (12.0, 6.75)}
FONT = {"page": 12, "wide": 12, "slide": 18}  # 12 pt stays legible projected


class Plot:
    """A figure with its alt text. Shown as PNG (with ``alt`` in the output metadata)."""

    def __init__(self, fig: Figure, alt: str):
        self.fig = fig
        self.alt = alt

    @property
    def axes(self):
        return self.fig.axes

    def png(self, dpi: int = 130) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return compact_png(buf.getvalue())

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": f"<Plot: {self.alt}>"}
        return data, {"image/png": {"alt": self.alt}}

    def __repr__(self):
        return f"<Plot: {self.alt}>"


def compact_png(data: bytes) -> bytes:
    """The same picture as a 256-colour PNG: line plots on flat contour fills lose nothing
    visible and shrink about four times, which keeps the pages light."""
    from PIL import Image

    img = Image.open(io.BytesIO(data)).convert("RGB")
    img = img.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="png", optimize=True)
    return out.getvalue()


def new_figure(ncols: int = 1, nrows: int = 1, *, size: str = "page", **kw):
    """A figure not registered with pyplot (so notebooks show it once, via :class:`Plot`)."""
    w, h = SIZES[size]
    fig = Figure(figsize=(w if ncols == 1 else min(4.2 * ncols, 13), h * nrows),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    for ax in axes.flat:
        _style(ax, size)
    return fig, axes


def _style(ax, size: str):
    fs = FONT[size]
    ax.tick_params(labelsize=fs)
    ax.xaxis.label.set_size(fs + 1)
    ax.yaxis.label.set_size(fs + 1)
    ax.title.set_size(fs + 1)


# -------------------------------------------------------------------- contours


def contour_levels(objective: Objective, z: np.ndarray, n: int = 14) -> np.ndarray:
    """Levels spaced geometrically above the minimum (linearly for unbounded losses)."""
    if np.isfinite(objective.f_min):
        gap = z - objective.f_min
        lo = max(np.quantile(gap, 0.01), 1e-6 * gap.max())
        return objective.f_min + np.geomspace(lo, np.quantile(gap, 0.98), n)
    return np.linspace(np.quantile(z, 0.02), np.quantile(z, 0.98), n)


def draw_contour(ax, objective: Objective, *, resolution: int = 160, n_levels: int = 14):
    """Filled contours (light greys) with thin level lines, axes set to the bounds."""
    two_d(objective)
    (x_lo, x_hi), (y_lo, y_hi) = objective.bounds
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    z = objective.f(np.stack([gx, gy], axis=-1))
    levels = contour_levels(objective, z, n_levels)
    ax.contourf(gx, gy, z, levels=levels, cmap=CONTOUR_CMAP, alpha=0.45, extend="both")
    ax.contour(gx, gy, z, levels=levels, colors="#777777", linewidths=0.5)
    if objective.minimizer is not None:
        ax.plot(*objective.minimizer, marker="*", ms=12, color="#000000", mfc="#F0E442",
                ls="none", zorder=5, label="minimum")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def draw_path(ax, xs: np.ndarray, k: int = 0, label: str | None = None, *, lw: float = 2.2):
    """One path (shape ``(steps+1, 2)``) with a start dot, end marker and, if it stops
    early (divergence), a cross at its last finite point. Returns the line artists."""
    color, marker, ls = PALETTE[k % len(PALETTE)], MARKERS[k % len(MARKERS)], \
        LINESTYLES[k % len(LINESTYLES)]
    (line,) = ax.plot(xs[:, 0], xs[:, 1], ls=ls, marker=marker, ms=3.5, lw=lw, color=color,
                      label=label, zorder=6)
    (start,) = ax.plot(*xs[0], marker="o", ms=8, mfc="white", mec=color, mew=2, zorder=7)
    end_xy, stopped = _last_finite(xs)
    (end,) = ax.plot(*end_xy, marker="X" if stopped else marker, ms=11 if stopped else 9,
                     color=color, mec="black", mew=0.8, zorder=8)
    return line, start, end


def _last_finite(xs: np.ndarray):
    ok = np.flatnonzero(np.isfinite(xs).all(axis=-1))
    if not ok.size:
        return xs[0], False
    return xs[ok[-1]], ok[-1] < len(xs) - 1


def two_d(objective) -> None:
    """Refuse an objective whose contours cannot be drawn: a plot is of a 2-D landscape."""
    check.instance("objective", objective, Objective)
    if objective.dim != 2:
        raise ValueError(f"objective must be 2-D to draw its contours, got "
                         f"{objective.name!r} with dim={objective.dim}")


def _single_run(name: str, tr) -> Trajectory:
    check.instance(name, tr, Trajectory)
    if tr.batch_shape:
        raise ValueError(f"{name} must be a single run, got a batch of shape {tr.batch_shape}; "
                         "index the sweep first (tr[i])")
    return tr


def _runs(paths) -> list[tuple[str, Trajectory]]:
    """``paths`` (a Trajectory, a list or a mapping label -> Trajectory) as single runs."""
    if isinstance(paths, Trajectory):
        runs = [(paths.label(), paths)]
    elif isinstance(paths, Mapping):
        runs = list(paths.items())
    elif isinstance(paths, (list, tuple)):
        runs = [(p.label() if isinstance(p, Trajectory) else "?", p) for p in paths]
    else:
        raise TypeError(f"paths must be a Trajectory, a list or a mapping of them, "
                        f"got paths={paths!r}")
    if not runs:
        raise ValueError("paths must hold at least one run, got none")
    for label, tr in runs:
        _single_run(f"paths[{label!r}]", tr)
    return runs


def _describe_run(label: str, tr: Trajectory) -> str:
    end, stopped = _last_finite(tr.x)
    if bool(np.all(tr.diverged)):
        return (f"{label} starts at {_point(tr.x[0])} and diverges at step "
                f"{int(tr.diverged_at)} (last finite point {_point(end)})")
    return (f"{label} goes from {_point(tr.x[0])} to {_point(end)} in {tr.steps} steps, "
            f"final loss {_fmt(float(tr.loss[-1]))}")


def contour_paths(objective: Objective, paths, *, title: str | None = None, ax=None,
                  size: str = "page", legend: bool = True, equal_aspect: bool = False,
                  legend_loc: str = "best") -> Plot:
    """Contour plot of ``objective`` with one path or several (a Trajectory, a list, or a
    mapping label -> Trajectory; each a single run).

    With ``equal_aspect=True`` one unit has the same length on both axes, so a stretched
    bowl looks stretched (and the figure becomes as wide as the bounds are). Otherwise,
    if the bounds make the two scales differ by more than 10 %, the ratio is written on
    the figure and in the alt text, because a contour plot on unequal scales hides
    exactly the stretch it is meant to show. ``legend_loc`` is passed to matplotlib, except
    ``"below"``, which puts the legend under the axes, where it covers no path."""
    two_d(objective)
    runs = _runs(paths)
    fig, ax = (ax.figure, ax) if ax is not None else _single(size)
    draw_contour(ax, objective)
    for k, (label, tr) in enumerate(runs):
        draw_path(ax, tr.x, k, label, lw=3 if size == "slide" else 2.2)
    ax.set_title(title or objective.name)
    if legend and legend_loc == "below":  # outside the axes: covers no path
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1,
                  fontsize=FONT[size] - 2, frameon=False)
    elif legend:
        ax.legend(loc=legend_loc, fontsize=FONT[size] - 1, framealpha=0.9)
    note = ""
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")
        note = " Both axes have the same scale."
    else:
        ratio = axis_scale_ratio(ax)
        if not 1 / 1.1 <= ratio <= 1.1:
            text = f"axis scales unequal: 1 unit of $x_2$ is {_fmt(ratio)}× 1 unit of $x_1$"
            ax.text(0.01, 0.01, text, transform=ax.transAxes, fontsize=FONT[size] - 3,
                    ha="left", va="bottom", color="#333333",
                    bbox={"fc": "white", "ec": "none", "alpha": 0.8})
            note = (f" The axis scales are unequal: one unit of x2 is drawn {_fmt(ratio)} "
                    "times as long as one unit of x1.")
    alt = (f"Contour plot of f = {objective.name}. " +
           "; ".join(_describe_run(lbl, tr) for lbl, tr in runs) + "." + note)
    return Plot(fig, alt)


def axis_scale_ratio(ax) -> float:
    """How much longer one unit of the vertical axis is drawn than one unit of the
    horizontal axis: ``(height / (y_hi - y_lo)) / (width / (x_hi - x_lo))`` in display
    units (1 for equal scales). Read from the figure's size, after layout."""
    fig = ax.figure
    fig.canvas.draw()
    box = ax.get_window_extent()
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    return float((box.height / abs(y_hi - y_lo)) / (box.width / abs(x_hi - x_lo)))


def _single(size):
    fig, axes = new_figure(size=size)
    return fig, axes[0, 0]


def side_by_side(panels: Sequence[tuple[Objective, object, str]], *, size: str = "page",
                 equal_aspect: bool = False, legend_loc: str = "best") -> Plot:
    """Several contour plots in a row: ``[(objective, paths, title), ...]``
    (``equal_aspect`` and ``legend_loc`` as in :func:`contour_paths`)."""
    fig, axes = new_figure(ncols=len(panels), size=size)
    alts = []
    for ax, (objective, paths, title) in zip(axes.flat, panels):
        alts.append(f"{title}: " + contour_paths(objective, paths, title=title, ax=ax,
                                                 size=size, equal_aspect=equal_aspect,
                                                 legend_loc=legend_loc).alt)
    return Plot(fig, f"{len(panels)} contour plots side by side. " + " ".join(alts))


# ---------------------------------------------------------------- other figures


def loss_curves(paths, *, title: str = "Loss gap per step", size: str = "page") -> Plot:
    """``f(x_t) - f_min`` against ``t`` on a log scale, one line per run."""
    runs = _runs(paths)
    fig, ax = _single(size)
    for k, (label, tr) in enumerate(runs):
        gap = tr.loss - tr.objective.f_min
        ax.semilogy(np.arange(tr.steps + 1), np.where(gap > 0, gap, np.nan), label=label,
                    color=PALETTE[k % 7], ls=LINESTYLES[k % 7], lw=2)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$f(x_t) - f^\star$")
    ax.set_title(title)
    ax.legend(fontsize=FONT[size] - 1)
    alt = "Loss gap on a log scale against step. " + "; ".join(
        f"{lbl}: from {_fmt(float(tr.loss[0] - tr.objective.f_min))} to "
        f"{_fmt(float(tr.loss[-1] - tr.objective.f_min))}" if not np.all(tr.diverged)
        else f"{lbl}: diverges at step {int(tr.diverged_at)}" for lbl, tr in runs) + "."
    return Plot(fig, alt)


DISTINCT = (0, 1, 2, 3, 6, 5, 4)  # palette order that keeps the two oranges apart


def level_curves(curves: Mapping[str, np.ndarray], *, levels: Mapping[str, float] | None = None,
                 start: int = 0, ylabel: str = r"$f(x_t) - f^\star$",
                 title: str = "Loss gap per step", size: str = "page") -> Plot:
    r"""Curves already computed by the caller (``{label: y}``, entry ``i`` at step
    ``start + i``) on a log scale, and for some labels a horizontal line at a predicted
    level (``{label: value}``), dashed, in the colour of that label's curve. For six
    curves or fewer no two share the vermilion/orange pair of the palette."""
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping label -> values, "
                         f"got curves={curves!r}")
    for label, y in curves.items():
        check.vector(f"curves[{label!r}]", y)
    fig, ax = _single(size)
    colour = {}
    for k, (label, y) in enumerate(curves.items()):
        y = np.asarray(y, dtype=float)
        colour[label] = PALETTE[DISTINCT[k % 7]]
        ax.semilogy(start + np.arange(len(y)), np.where(y > 0, y, np.nan), label=label,
                    color=colour[label], ls=LINESTYLES[k % 7], lw=2)
    for label, value in (levels or {}).items():
        ax.axhline(float(value), color=colour.get(label, "#000000"), ls=(0, (6, 3)), lw=1.4,
                   label=f"{label}: predicted {_fmt(float(value))}")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=FONT[size] - 3, ncol=2)
    alt = (f"{title}, log scale, from step {start}: " + "; ".join(
        f"{label} from {_fmt(float(np.asarray(y)[0]))} to {_fmt(float(np.asarray(y)[-1]))}"
        for label, y in curves.items()))
    if levels:
        alt += "; dashed lines at the predicted levels " + ", ".join(
            f"{label} {_fmt(float(v))}" for label, v in levels.items())
    return Plot(fig, alt + ".")


def rate_curve(lr, rate, *, measured: Mapping[float, float] | None = None,
               marks: Mapping[str, float] | None = None, title: str = "Rate per step",
               size: str = "page") -> Plot:
    r"""The rate :math:`\rho(\eta)` against the step size: a line through ``(lr, rate)``,
    measured rates as markers (``{eta: rate}``) and vertical lines at named step sizes
    (``{"η*": 0.196}``). A rate of 1 or more (no convergence) is shaded."""
    lr, rate = np.asarray(lr, dtype=float), np.asarray(rate, dtype=float)
    if lr.ndim != 1 or lr.shape != rate.shape or lr.size < 2:
        raise ValueError(f"lr and rate must be 1-D of the same length (at least 2), "
                         f"got shapes {lr.shape} and {rate.shape}")
    fig, ax = _single(size)
    ax.plot(lr, rate, color=PALETTE[0], lw=2.2, label=r"closed form $\rho(\eta)$")
    if measured:
        ax.plot(list(measured), list(measured.values()), ls="none", marker=MARKERS[1],
                ms=8, color=PALETTE[1], label="measured on a run")
    top = max(1.05, float(np.nanmin([np.nanmax(rate), 1.5])))
    ax.axhspan(1.0, top, color="0.85", zorder=0)
    for k, (name, eta) in enumerate((marks or {}).items()):
        ax.axvline(eta, color=PALETTE[2 + k], ls=LINESTYLES[1 + k], lw=1.8, label=name)
    low = float(np.nanmin(rate))
    ax.set_ylim(max(0.0, low - 0.15 * (top - low)), top)  # zoom on the V, not on 0
    ax.set_xlabel(r"step size $\eta$")
    ax.set_ylabel(r"rate $\rho(\eta)$ per step")
    ax.set_title(title)
    ax.legend(fontsize=FONT[size] - 1)
    best = int(np.nanargmin(rate))
    alt = (f"Rate per step against step size η from {_fmt(lr[0])} to {_fmt(lr[-1])}: lowest "
           f"{_fmt(rate[best])} at η = {_fmt(lr[best])}, rising to {_fmt(rate[-1])} at the "
           f"right end; rates of 1 and above (no convergence) shaded")
    if marks:
        alt += "; lines at " + ", ".join(f"{n} = {_fmt(v)}" for n, v in marks.items())
    if measured:
        alt += f"; {len(measured)} measured rates marked on the curve"
    return Plot(fig, alt + ".")


def ema_weights(gammas: Iterable[float], steps: int = 40, *, size: str = "page") -> Plot:
    r"""The weight :math:`(1-\gamma)\gamma^k` an EMA gives to the gradient ``k`` steps back."""
    gammas = check.vector("gammas", list(gammas) if isinstance(gammas, Iterable) else gammas)
    gammas = [float(g) for g in check.unit("gammas", gammas)]
    steps = check.integer("steps", steps, 1, 10_000)
    fig, ax = _single(size)
    k = np.arange(steps)
    for i, g in enumerate(gammas):
        ax.plot(k, (1 - g) * g**k, label=f"γ = {g:.2f}", color=PALETTE[i % 7],
                ls=LINESTYLES[i % 7], marker=MARKERS[i % 7], ms=3, lw=2)
    ax.set_xlabel("steps back $k$")
    ax.set_ylabel(r"weight $(1-\gamma)\gamma^k$")
    ax.legend(fontsize=FONT[size] - 1)
    alt = ("Weights (1-γ)γ^k against k for γ = " + ", ".join(f"{g:g}" for g in gammas) +
           ": smaller γ starts higher and decays faster; larger γ spreads weight over more steps.")
    return Plot(fig, alt)


def effective_step(tr: Trajectory, *, size: str = "page",
                   thresholds: Mapping[str, float] | None = None) -> Plot:
    r"""Per-coordinate effective step :math:`\eta / \mathrm{den}_t` of an adaptive method
    (Adagrad, RMSprop, Adam, Adadelta, Adamax, NAdam, Yogi), read from the recorded
    state: for Adam from the bias-corrected :math:`\hat s_t` (see
    :func:`optimlab.optimizers.effective_step`).

    ``thresholds`` draws horizontal lines at named step sizes, for instance the stability
    limits :math:`2/\lambda_i` of gradient descent on each curvature
    (``{"2/λ₂ = 0.2": 0.2}``); the values are computed by the caller."""
    _single_run("tr", tr)
    hp = tr.optimizer.hyperparams
    eff = _effective_steps(tr.optimizer, tr.states)
    fig, ax = _single(size)
    for i in range(eff.shape[-1]):
        ax.semilogy(np.arange(1, tr.steps + 1), eff[:, i], color=PALETTE[i],
                    ls=LINESTYLES[i], lw=2, label=f"coordinate $x_{i + 1}$")
    for k, (name, value) in enumerate((thresholds or {}).items()):
        ax.axhline(float(value), color=PALETTE[(eff.shape[-1] + k) % len(PALETTE)],
                   ls=":", lw=1.6, label=name)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(_effective_label(tr.optimizer.name, hp.get("eps_placement", "inside")))
    ax.set_title(tr.label())
    ax.legend(fontsize=FONT[size] - 1)
    alt = (f"Effective per-coordinate step of {tr.label()} against step: " + "; ".join(
        f"x{i + 1} from {_fmt(eff[0, i])} to {_fmt(eff[-1, i])}" for i in range(eff.shape[-1])))
    if thresholds:
        alt += "; dotted horizontal lines at " + ", ".join(
            f"{name} ({_fmt(float(v))})" for name, v in thresholds.items())
    return Plot(fig, alt + ".")


def _effective_label(name: str, placement: str) -> str:
    if name == "Adadelta":
        return r"effective step $\eta\sqrt{d_{t-1}+\epsilon}/\sqrt{s_t+\epsilon}$"
    if name == "Adamax":
        return (r"effective step $\eta/u_t$" if placement == "in_max"
                else r"effective step $\eta/(u_t+\epsilon)$")
    if name in ("NAdam", "Yogi"):  # ε outside the root, no other placement
        placement = "outside"
    if placement == "hat":
        return r"effective step $\eta\sqrt{1-\beta_2^t}/(\sqrt{s_t}+\hat\epsilon)$"
    s = r"\hat s_t" if name in ("Adam", "AdamW", "NAdam", "Yogi") else "s_t"
    if placement == "inside":
        return rf"effective step $\eta/\sqrt{{{s}+\epsilon}}$"
    return rf"effective step $\eta/(\sqrt{{{s}}}+\epsilon)$"


def sweep_heatmap(tr: Trajectory, *, metric: str = "final_loss", tol: float = 1e-6,
                  title: str | None = None, size: str = "page",
                  lines: Mapping[str, tuple] | None = None,
                  points: Mapping[str, tuple] | None = None) -> Plot:
    """Heatmap of a two-axis sweep: the final loss gap, or the steps to reach ``tol``.

    Cells without a value are hatched, in two kinds: runs that diverged (dark grey,
    crossed) and runs that stayed finite but never reached ``tol`` or ended at no gap
    (light grey, dotted). ``lines`` (``{label: (x, y)}``, in the units of the horizontal
    and vertical axes) and ``points`` (``{label: (x, y)}``) are drawn on top, for instance
    a stability boundary and an optimum computed by the caller."""
    check.instance("tr", tr, Trajectory)
    check.choice("metric", metric, ("final_loss", "steps_to"))
    tol = float(check.positive("tol", tol))
    if len(tr.grid) != 2:
        raise ValueError(f"sweep_heatmap needs a sweep over 2 hyperparameters, got {list(tr.grid)}")
    (ny, yv), (nx, xv) = tr.grid.items()
    if metric == "final_loss":
        val = tr.loss[-1] - tr.objective.f_min
        cbar = r"final $f(x_T) - f^\star$"
    elif metric == "steps_to":
        val = tr.steps_to(tol).astype(float)
        val[val < 0] = np.nan
        cbar = f"steps until $f - f^\\star \\leq {tol:g}$"
    else:
        raise ValueError(f"metric must be one of 'final_loss', 'steps_to', got metric={metric!r}")
    fig, ax = _single(size)
    shown = np.where(np.isfinite(val) & (val > 0), val, np.nan)
    norm = LogNorm() if metric == "final_loss" and np.isfinite(shown).any() else None
    mesh = ax.pcolormesh(_edges(xv), _edges(yv), shown, cmap="viridis", norm=norm)
    bad = ~np.isfinite(shown)
    div = bad & np.broadcast_to(np.asarray(tr.diverged, dtype=bool), bad.shape)
    slow = bad & ~div
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle
    ex, ey = _edges(xv), _edges(yv)
    keys = []
    for cells, face, hatch, name in ((div, "#6e6e6e", "xx", "diverged"),
                                     (slow, "#e4e4e4", "..", "finite, tolerance not reached")):
        if cells.any():
            ax.add_collection(PatchCollection(
                [Rectangle((ex[j], ey[i]), ex[j + 1] - ex[j], ey[i + 1] - ey[i])
                 for i, j in zip(*np.nonzero(cells))],
                facecolor=face, edgecolor="#9a9a9a", linewidth=0, hatch=hatch))
            keys.append(Patch(fc=face, hatch=hatch, ec="#9a9a9a", lw=0.5, label=name))
    for k, (name, (lx, ly)) in enumerate((lines or {}).items()):
        (h,) = ax.plot(lx, ly, color=PALETTE[(1 + k) % 7], ls=LINESTYLES[1 + k], lw=2.2, label=name)
        keys.append(h)
    for k, (name, (px, py)) in enumerate((points or {}).items()):
        (h,) = ax.plot([px], [py], ls="none", marker="*", ms=15, mfc="#F0E442", mec="black",
                       label=name, zorder=6)
        keys.append(h)
    ax.set_xlim(ex[0], ex[-1])
    ax.set_ylim(ey[0], ey[-1])
    if _log_axis(xv):
        ax.set_xscale("log")
    if _log_axis(yv):
        ax.set_yscale("log")
    ax.set_xlabel(_axis_name(nx))
    ax.set_ylabel(_axis_name(ny))
    fig.colorbar(mesh, ax=ax, label=cbar)
    if keys:
        ax.legend(handles=keys, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                  fontsize=FONT[size] - 2, frameon=False)
    ax.set_title(title or f"{tr.optimizer.name} on {tr.objective.name}")
    n_bad = int(bad.sum())
    best = np.unravel_index(np.nanargmin(shown), shown.shape) if np.isfinite(shown).any() else None
    alt = (f"Heatmap of {cbar.replace('$', '')} over {_axis_name(ny)} (vertical) and "
           f"{_axis_name(nx)} (horizontal) for {tr.optimizer.name} on {tr.objective.name}; "
           f"{n_bad} of {bad.size} settings hatched (diverged or not reached): "
           f"{int(div.sum())} diverged (dark grey, crossed), {int(slow.sum())} finite but "
           "not reached (light grey, dotted)")
    if best is not None:
        alt += f"; best at {ny}={_fmt(yv[best[0]])}, {nx}={_fmt(xv[best[1]])}"
    for name in (lines or {}):
        alt += f"; line: {name}"
    for name, (px, py) in (points or {}).items():
        alt += f"; point {name} at {nx}={_fmt(float(px))}, {ny}={_fmt(float(py))}"
    return Plot(fig, alt + ".")


AXIS_NAMES = {"lr": "step size η", "gamma": "decay γ", "eps": "ε", "beta": "momentum β",
              "beta1": "β₁", "beta2": "β₂"}


def _axis_name(name: str) -> str:
    return AXIS_NAMES.get(name, name)


def _log_axis(v: np.ndarray) -> bool:
    return len(v) > 2 and bool(np.all(v > 0)) and v[-1] / v[0] > 50


def _edges(v: np.ndarray) -> np.ndarray:
    """Cell edges around grid values (geometric midpoints on log axes)."""
    if _log_axis(v):
        lv = np.log(v)
        mid = (lv[1:] + lv[:-1]) / 2
        return np.exp(np.concatenate([[2 * lv[0] - mid[0]], mid, [2 * lv[-1] - mid[-1]]]))
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]])


# ------------------------------------------------------- steps to tolerance, per optimizer


def steps_heatmap(results: Mapping[str, Trajectory], *, tol: float, multipliers=None,
                  title: str | None = None, size: str = "page") -> Plot:
    r"""Steps to tolerance of several optimizers over one step-size sweep each, as a grid.

    ``results`` maps a label to a one-axis sweep over ``lr``, for instance the output of
    :func:`optimlab.lr_sweeps`. Rows are the optimizers, columns the step sizes, and each
    cell holds ``tr.steps_to(tol)``, the first step with :math:`f - f^\star \le` ``tol``,
    written in the cell and coloured on a log scale (cividis, readable with the common
    colour-vision deficiencies and in greyscale).

    Columns: without ``multipliers`` they are the step sizes themselves, read from
    ``tr.grid["lr"]``, and every row must share one grid (as when every contender's base
    ``lr`` is 1). With ``multipliers`` the columns are those multipliers, each row's
    ``tr.grid["lr"]`` must be ``base * multipliers`` for one base step size of that row,
    and the row label shows the base.

    Cells that carry no step count are hatched and labelled: ``div.`` for a run that
    diverged, ``never`` for one that did not reach ``tol`` within the budget. A run that
    reached ``tol`` but ends the budget above it (it left again) keeps its number, marked
    ``↑`` and hatched lightly.

    The best cell of each row is outlined: the fewest steps among the runs that reach
    ``tol`` and end below it (ties go to the earlier column, the smaller step size on an
    ascending grid); in a row with no such run, the run with the lowest final loss gap,
    outlined with dashes. That rule is :func:`optimlab.analysis.tune`; its choice is also
    in ``plot.best``, ``label -> {"lr", "column", "steps", "final_gap", "settled"}``
    (``steps`` is ``-1`` and ``settled`` False for a fallback; ``None`` if every run of
    the row diverged), and stated in the alt text.
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    grid = analysis.steps_grid(results, tol=tol, multipliers=multipliers, who="steps_heatmap")
    tol = float(tol)
    labels, columns, bases, best = grid.labels, grid.columns, grid.bases, grid.best
    steps, diverged, reached, settled = grid.steps, grid.diverged, grid.reached, grid.settled
    first = results[labels[0]]
    xlabel = "step size η" if multipliers is None else "step-size multiplier"
    n, m = len(labels), len(columns)
    left = reached & ~settled
    missing = ~reached

    fig, axes = new_figure(size=size)
    ax = axes[0, 0]
    shown = np.where(reached, np.maximum(steps, 1), np.nan).astype(float)
    edges_x, edges_y = np.arange(m + 1) - 0.5, np.arange(n + 1) - 0.5
    norm = LogNorm(vmin=max(1.0, np.nanmin(shown)), vmax=max(2.0, np.nanmax(shown))) \
        if reached.any() else LogNorm(vmin=1, vmax=10)
    mesh = ax.pcolormesh(edges_x, edges_y, shown, cmap="cividis", norm=norm)
    for cells, face, hatch in ((missing, "#f0f0f0", "xx"), (left, "none", "//")):
        if cells.any():  # one collection per kind: one draw call, not one per cell
            ax.add_collection(PatchCollection(
                [Rectangle((j - 0.5, i - 0.5), 1, 1) for i, j in zip(*np.nonzero(cells))],
                facecolor=face, edgecolor="#b0b0b0", linewidth=0, hatch=hatch))
    cell_pt = 0.72 * SIZES[size][0] * 72 / m  # the axes take about 72% of the width
    fs = max(5.0, min(FONT[size] - 1.0, cell_pt / 3.2))  # "never" fits in its cell
    for i in range(n):
        for j in range(m):
            if diverged[i, j]:
                text, color = "div.", "black"
            elif not reached[i, j]:
                text, color = "never", "black"
            elif left[i, j]:
                text, color = f"{steps[i, j]}↑", "black"
            else:
                text = f"{steps[i, j]}"
                r, g, b, _ = mesh.cmap(norm(shown[i, j]))
                color = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=fs, color=color,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"}
                    if left[i, j] else None).set_in_layout(False)  # inside the axes anyway

    for i, label in enumerate(labels):  # the outline: analysis.tune's choice
        b, j = best[label], grid.best_index[label]
        if b is None:
            continue
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2.2,
                               ec="#D55E00", ls="-" if b["settled"] else "--", zorder=5))

    def tick(v: float) -> str:  # 2⁻³ for exact powers of two (Unicode: no mathtext parse)
        k = np.log2(v)
        sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
        return "2" + str(int(round(k))).translate(sup) if abs(k - round(k)) < 1e-9 else _fmt(v)

    ax.set_xticks(np.arange(m), [tick(v) for v in columns])
    ax.set_yticks(np.arange(n), [lbl if bases[lbl] is None else f"{lbl} (η₀={_fmt(bases[lbl])})"
                                 for lbl in labels])
    ax.set_xlim(-0.5, m - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    tol_text = f"{tol:g}"
    bar = fig.colorbar(mesh, ax=ax, label=f"steps until f − f* ≤ {tol_text}", shrink=0.9)
    nice = [v for v in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
            if norm.vmin <= v <= norm.vmax]
    if len(nice) < 3:  # a narrow range: a finer series
        finer = [c * 10**k for k in range(5) for c in (1, 1.5, 2, 3, 4, 5, 6, 8)
                 if norm.vmin <= c * 10**k <= norm.vmax]
        nice = (finer if len(finer) <= 5 else finer[::2]) or nice
    bar.set_ticks(nice, labels=[f"{v:g}" for v in nice])
    bar.minorticks_off()
    ax.set_title(title or f"Steps to f − f* ≤ {tol_text} on {first.objective.name}")
    keys = [Patch(fc="#f0f0f0", hatch="xx", ec="#909090", lw=0.5, label="never reached / diverged"),
            Patch(fc="white", hatch="//", ec="#909090", lw=0.5, label="reached, ends above (↑)"),
            Patch(fill=False, ec="#D55E00", lw=2, label="best per row (dashed: none stays below)")]
    ax.legend(handles=keys, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=3, fontsize=FONT[size] - 2, frameon=False)

    what = "step size η" if multipliers is None else "step-size multiplier"
    parts = []
    for label in labels:
        b = best[label]
        where = (f"η = {_fmt(b['lr'])}" if multipliers is None else
                 f"multiplier {_fmt(b['column'])} (η = {_fmt(b['lr'])})") if b else ""
        if b is None:
            parts.append(f"{label}: every run diverged")
        elif b["settled"]:
            parts.append(f"{label}: {where}, {b['steps']} steps")
        else:
            parts.append(f"{label}: never stays below {tol_text}; lowest final gap "
                         f"{_fmt(b['final_gap'])} at {where}")
    alt = (f"Heatmap of the steps until f − f* ≤ {tol_text} on {first.objective.name}, "
           f"{n} optimizers (rows) by {m} values of the {what} from {_fmt(columns[0])} to "
           f"{_fmt(columns[-1])} (columns); {int(missing.sum())} of {n * m} cells hatched "
           f"(diverged or never reached), {int(left.sum())} reached but ended above. "
           "Best setting per optimizer: " + "; ".join(parts) + ".")
    plot = Plot(fig, alt)
    plot.best = best
    return plot



def iterates(paths, *, coord: int = 0, title: str | None = None, size: str = "page") -> Plot:
    """One coordinate of each run against the step, on a linear scale, with the
    minimiser and (for projected runs) the edges of the domain marked."""
    runs = _runs(paths)
    obj = runs[0][1].objective
    coord = check.integer("coord", coord, 0, obj.dim - 1)
    fig, ax = _single(size)
    for k, (label, tr) in enumerate(runs):
        ax.plot(np.arange(tr.steps + 1), tr.x[:, coord], label=label, color=PALETTE[k % 7],
                ls=LINESTYLES[k % 7], marker=MARKERS[k % 7], markevery=max(1, tr.steps // 12),
                lw=2)
    if obj.minimizer is not None:
        ax.axhline(obj.minimizer[coord], color="#000000", lw=1, ls=":", label="minimiser")
    if obj.domain is not None:
        for k, edge in enumerate(obj.domain[coord]):
            ax.axhline(edge, color="#777777", lw=1, label="edge of the domain" if k == 0 else None)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(f"$x_{{{coord + 1}}}$" if obj.dim > 1 else "$x_t$")
    ax.set_title(title or obj.name)
    ax.legend(fontsize=FONT[size] - 1)
    alt = (f"Coordinate {coord + 1} against step on {obj.name}: " + "; ".join(
        f"{label} from {_fmt(float(tr.x[0, coord]))} to "
        f"{_fmt(float(_last_finite(tr.x)[0][coord]))}" for label, tr in runs) + ".")
    if obj.domain is not None:
        lo, hi = obj.domain[coord]
        alt += f" Grey lines mark the edges of the domain, {_fmt(lo)} and {_fmt(hi)}."
    return Plot(fig, alt)
