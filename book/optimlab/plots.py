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

from .objectives import Objective
from .trajectory import Trajectory

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-")
CONTOUR_CMAP = "Greys"

SIZES = {"page": (6.4, 4.2), "wide": (9.6, 4.0), "slide": (12.0, 6.75)}
FONT = {"page": 10, "wide": 10, "slide": 18}


class Plot:
    """A figure with its alt text. Shown as PNG (with ``alt`` in the output metadata)."""

    def __init__(self, fig: Figure, alt: str):
        self.fig = fig
        self.alt = alt

    @property
    def axes(self):
        return self.fig.axes

    def png(self, dpi: int = 110) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": f"<Plot: {self.alt}>"}
        return data, {"image/png": {"alt": self.alt}}

    def __repr__(self):
        return f"<Plot: {self.alt}>"


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


def _fmt(v) -> str:
    return f"{v:.3g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.1e}"


def _point(p) -> str:
    return "(" + ", ".join(_fmt(float(c)) for c in np.atleast_1d(p)) + ")"


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


def draw_path(ax, xs: np.ndarray, k: int = 0, label: str | None = None, *, lw: float = 1.6):
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


def _runs(paths) -> list[tuple[str, Trajectory]]:
    if isinstance(paths, Trajectory):
        return [(paths.label(), paths)]
    if isinstance(paths, Mapping):
        return list(paths.items())
    return [(p.label(), p) for p in paths]


def _describe_run(label: str, tr: Trajectory) -> str:
    end, stopped = _last_finite(tr.x)
    if bool(np.all(tr.diverged)):
        return (f"{label} starts at {_point(tr.x[0])} and diverges at step "
                f"{int(tr.diverged_at)} (last finite point {_point(end)})")
    return (f"{label} goes from {_point(tr.x[0])} to {_point(end)} in {tr.steps} steps, "
            f"final loss {_fmt(float(tr.loss[-1]))}")


def contour_paths(objective: Objective, paths, *, title: str | None = None, ax=None,
                  size: str = "page", legend: bool = True) -> Plot:
    """Contour plot of ``objective`` with one path or several (a Trajectory, a list, or a
    mapping label -> Trajectory; each a single run)."""
    runs = _runs(paths)
    fig, ax = (ax.figure, ax) if ax is not None else _single(size)
    draw_contour(ax, objective)
    for k, (label, tr) in enumerate(runs):
        draw_path(ax, tr.x, k, label, lw=3 if size == "slide" else 1.6)
    ax.set_title(title or objective.name)
    if legend:
        ax.legend(loc="best", fontsize=FONT[size] - 1, framealpha=0.9)
    alt = (f"Contour plot of f = {objective.name}. " +
           "; ".join(_describe_run(lbl, tr) for lbl, tr in runs) + ".")
    return Plot(fig, alt)


def _single(size):
    fig, axes = new_figure(size=size)
    return fig, axes[0, 0]


def side_by_side(panels: Sequence[tuple[Objective, object, str]], *, size: str = "page") -> Plot:
    """Several contour plots in a row: ``[(objective, paths, title), ...]``."""
    fig, axes = new_figure(ncols=len(panels), size=size)
    alts = []
    for ax, (objective, paths, title) in zip(axes.flat, panels):
        alts.append(f"{title}: " + contour_paths(objective, paths, title=title, ax=ax,
                                                 size=size).alt)
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


def ema_weights(gammas: Iterable[float], steps: int = 40, *, size: str = "page") -> Plot:
    r"""The weight :math:`(1-\gamma)\gamma^k` an EMA gives to the gradient ``k`` steps back."""
    fig, ax = _single(size)
    k = np.arange(steps)
    gammas = list(gammas)
    for i, g in enumerate(gammas):
        ax.plot(k, (1 - g) * g**k, label=f"γ = {g:.2f}", color=PALETTE[i % 7],
                ls=LINESTYLES[i % 7], marker=MARKERS[i % 7], ms=3, lw=2)
    ax.set_xlabel("steps back $k$")
    ax.set_ylabel(r"weight $(1-\gamma)\gamma^k$")
    ax.legend(fontsize=FONT[size] - 1)
    alt = ("Weights (1-γ)γ^k against k for γ = " + ", ".join(f"{g:g}" for g in gammas) +
           ": smaller γ starts higher and decays faster; larger γ spreads weight over more steps.")
    return Plot(fig, alt)


def effective_step(tr: Trajectory, *, size: str = "page") -> Plot:
    r"""Per-coordinate effective step :math:`\eta / \mathrm{den}_t` of an adaptive method
    (RMSprop, Adagrad, Adam), read from the recorded state ``s``."""
    hp = tr.optimizer.hyperparams
    s = tr.states.s
    lr, eps = float(np.squeeze(hp["lr"])), float(np.squeeze(hp["eps"]))
    den = np.sqrt(s + eps) if hp.get("eps_placement") == "inside" else np.sqrt(s) + eps
    with np.errstate(divide="ignore"):
        eff = lr / den[1:]
    fig, ax = _single(size)
    for i in range(eff.shape[-1]):
        ax.semilogy(np.arange(1, tr.steps + 1), eff[:, i], color=PALETTE[i],
                    ls=LINESTYLES[i], lw=2, label=f"coordinate $x_{i + 1}$")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"effective step $\eta/\sqrt{s_t+\epsilon}$" if hp.get("eps_placement") ==
                  "inside" else r"effective step $\eta/(\sqrt{s_t}+\epsilon)$")
    ax.set_title(tr.label())
    ax.legend(fontsize=FONT[size] - 1)
    alt = (f"Effective per-coordinate step of {tr.label()} against step: " + "; ".join(
        f"x{i + 1} from {_fmt(eff[0, i])} to {_fmt(eff[-1, i])}" for i in range(eff.shape[-1]))
        + ".")
    return Plot(fig, alt)


def sweep_heatmap(tr: Trajectory, *, metric: str = "final_loss", tol: float = 1e-6,
                  title: str | None = None, size: str = "page") -> Plot:
    """Heatmap of a two-axis sweep: the final loss gap, or the steps to reach ``tol``.
    Diverged runs (and runs that never reach ``tol``) are hatched."""
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
    ax.pcolormesh(_edges(xv), _edges(yv), np.where(bad, 1.0, np.nan), cmap="Greys",
                  vmin=0, vmax=3, hatch="xx", shading="flat")
    if _log_axis(xv):
        ax.set_xscale("log")
    if _log_axis(yv):
        ax.set_yscale("log")
    ax.set_xlabel(_axis_name(nx))
    ax.set_ylabel(_axis_name(ny))
    fig.colorbar(mesh, ax=ax, label=cbar)
    ax.set_title(title or f"{tr.optimizer.name} on {tr.objective.name}")
    n_bad = int(bad.sum())
    best = np.unravel_index(np.nanargmin(shown), shown.shape) if np.isfinite(shown).any() else None
    alt = (f"Heatmap of {cbar.replace('$', '')} over {_axis_name(ny)} (vertical) and "
           f"{_axis_name(nx)} (horizontal) for {tr.optimizer.name} on {tr.objective.name}; "
           f"{n_bad} of {bad.size} settings hatched (diverged or not reached)")
    if best is not None:
        alt += f"; best at {ny}={_fmt(yv[best[0]])}, {nx}={_fmt(xv[best[1]])}"
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
