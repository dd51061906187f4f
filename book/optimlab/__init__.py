"""optimlab: the optimizers, landscapes, runs, plots and slider panels of the book.

Optimizers are pure (``init``/``step`` pairs with NamedTuple state), hyperparameters
are arguments and may be arrays, the learning rate may be a schedule of the step count
(``adam(cosine(0.1, T=100))``), and every convention is an explicit argument.
"""

from .objectives import (Objective, beale, diagonal_bowl, least_squares_1d, noisy, quadratic,
                         reddi_online, rosenbrock, rotated_bowl, saddle, seed000_bowl,
                         seed004_bowl)
from .optimizers import (Optimizer, adadelta, adagrad, adam, adamax, adamw, momentum, nadam,
                         rmsprop, sgd, yogi)
from .schedules import (Schedule, constant, cosine, exponential, inverse_sqrt, one_cycle,
                        polynomial, step_decay, warmup)
from .trajectory import Trajectory, run, sweep
from .panels import Panel, PanelSpec
from .widgets import SliderPanel, slider_panel
from .compare import ComparisonPanel, comparison_panel, lr_sweeps, race
from .curves import CurvePanel, curves_panel
from . import analysis, conventions, plots, schedules
from ._glue import glue

__all__ = [
    "Objective", "Optimizer", "Trajectory", "adagrad", "adam", "adamw", "beale",
    "diagonal_bowl", "least_squares_1d", "momentum", "noisy", "quadratic", "reddi_online",
    "rmsprop",
    "rosenbrock", "rotated_bowl", "run", "saddle", "seed000_bowl", "seed004_bowl", "sgd",
    "sweep", "Panel", "PanelSpec", "SliderPanel", "slider_panel", "ComparisonPanel",
    "comparison_panel", "CurvePanel", "curves_panel", "lr_sweeps", "race", "analysis",
    "conventions", "plots", "glue",
    "adadelta", "adamax", "nadam", "yogi", "Schedule", "constant", "cosine", "exponential",
    "inverse_sqrt", "one_cycle", "polynomial", "step_decay", "warmup", "schedules",
]
