"""Bad input never gives a silent wrong answer or a traceback from inside numpy.

One test per case that section 4 of the December 2026 code review found: the silent
wrong answers, the deep tracebacks and the warning leaks. Every error must name the
argument it is about.
"""

import functools
import html
import json
import re
import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab import analysis, plots, training
from optimlab.conventions import preset
from optimlab.optimizers import effective_step
from optimlab.static import landscape_key

BOWL = ol.seed000_bowl()
X0 = [-10.0, 1.5]
LINE = ol.least_squares_1d()


def _recipe(panel) -> dict:
    page = panel.static_html("p")
    return json.loads(html.unescape(re.search(r"data-recipe='([^']*)'", page).group(1)))


# ------------------------------------------------------------- silent wrong answers


@pytest.mark.parametrize("name, betas", [("Adam", (0.9,)), ("AdamW", (0.9,)),
                                         ("Adam", (0.9, 0.99, 0.5)), ("Adam", 0.9)])
def test_torch_betas_must_be_a_pair(name, betas):
    with pytest.raises(ValueError, match=r"betas must be a pair \(beta1, beta2\), got betas="):
        preset("torch", name, betas=betas)


def test_a_tuple_is_passed_to_the_factory_not_swept():
    tr = ol.sweep(lambda **k: preset("torch", "Adam", **k), BOWL, X0, 5, lr=[0.1, 0.2],
                  betas=(0.9, 0.999))
    assert list(tr.grid) == ["lr"] and tr.batch_shape == (2,)
    assert float(tr.optimizer.hyperparams["beta1"]) == 0.9
    assert float(tr.optimizer.hyperparams["beta2"]) == 0.999


@pytest.mark.parametrize("call, name", [
    (lambda: ol.rmsprop(0.1, centered="no"), "centered"),
    (lambda: ol.adam(0.1, amsgrad="no"), "amsgrad"),
    (lambda: ol.adamw(0.1, amsgrad=1), "amsgrad"),
    (lambda: ol.momentum(0.1, nesterov="yes"), "nesterov"),
    (lambda: ol.adam(0.1, bias_correction="False"), "bias_correction"),
    (lambda: preset("torch", "SGD", momentum=0.9, nesterov="yes"), "nesterov"),
])
def test_a_flag_must_be_a_bool(call, name):
    with pytest.raises(TypeError, match=rf"{name} must be True or False, got {name}="):
        call()


def test_numpy_bools_are_flags():
    assert ol.rmsprop(0.1, centered=np.bool_(True)).hyperparams["centered"] is True
    assert ol.adam(0.1, amsgrad=np.False_).label() == ol.adam(0.1).label()


def test_a_tuple_of_flags_is_not_a_menu():
    with pytest.raises(ValueError, match=r"nesterov=\(False, True\).*flags cannot be swept"):
        ol.slider_panel(ol.momentum, BOWL, X0, 5, lr=0.1, nesterov=(False, True))


def test_momentum_keeps_first_step_in_hyperparams_and_label():
    grad = ol.momentum(0.05, 0.9, dampening=0.5, first_step="grad")
    zero = ol.momentum(0.05, 0.9, dampening=0.5)
    assert grad.hyperparams["first_step"] == "grad"
    assert "first_step=grad" in grad.label() and grad.label() != zero.label()
    assert zero.label() == "Momentum(η=0.05, β=0.9, τ=0.5)"  # the default is not spelled out
    rebuilt = ol.momentum(**grad.hyperparams)
    # the same code with the same arguments: identical numbers
    np.testing.assert_array_equal(ol.run(rebuilt, BOWL, X0, 20).x, ol.run(grad, BOWL, X0, 20).x)


def test_adam_hyperparams_rebuild_it():
    for opt in (ol.adam(0.1, bias_correction=False), ol.adam(0.1, amsgrad=True),
                ol.adamw(0.1, eps_placement="hat")):
        factory = ol.adam if opt.name == "Adam" else ol.adamw
        rebuilt = factory(**opt.hyperparams)
        assert rebuilt.label() == opt.label()
        np.testing.assert_array_equal(ol.run(rebuilt, BOWL, X0, 10).x,
                                      ol.run(opt, BOWL, X0, 10).x)
    assert ol.adam(0.1, bias_correction=False).label().endswith("no bias correction)")


def test_indexing_a_sweep_keeps_the_grid_of_the_other_axes():
    tr = ol.sweep(ol.rmsprop, BOWL, X0, 5, lr=[0.1, 0.2, 0.3], gamma=[0.9, 0.99])
    row = tr[0]
    assert row.batch_shape == (2,) and list(row.grid) == ["gamma"]
    np.testing.assert_array_equal(row.grid["gamma"], [0.9, 0.99])
    column = tr[:, 1]
    assert column.batch_shape == (3,) and list(column.grid) == ["lr"]
    assert tr[0, 1].grid == {} and tr[0, 1].batch_shape == ()
    assert plots.steps_heatmap({"a": column}, tol=1e-3).best["a"] is not None


ADAPTIVE = {
    "Adagrad inside": ol.adagrad(0.5),
    "Adagrad outside": ol.adagrad(0.5, eps_placement="outside", initial_accumulator=0.1),
    "RMSprop": ol.rmsprop(0.1),
    "RMSprop centered": ol.rmsprop(0.1, centered=True, eps_placement="outside"),
    "Adam": ol.adam(0.1),
    "Adam inside": ol.adam(0.1, eps_placement="inside"),
    "Adam hat": ol.adam(0.1, eps_placement="hat"),
    "Adam no bias correction": ol.adam(0.1, bias_correction=False),
    "AMSGrad raw": ol.adam(0.1, amsgrad=True),
    "AMSGrad corrected": ol.adam(0.1, amsgrad=True, amsgrad_max="corrected"),
    "AMSGrad hat": ol.adam(0.1, amsgrad=True, eps_placement="hat"),
}


@pytest.mark.parametrize("name", sorted(ADAPTIVE))
def test_effective_step_times_the_direction_is_the_step(name):
    """x_{t+1} - x_t = -a_t g_t (Adagrad, RMSprop) or -a_t m̂_t (Adam), for every variant."""
    opt = ADAPTIVE[name]
    tr = ol.run(opt, BOWL, X0, 30)
    a = effective_step(opt, tr.states)
    if opt.name == "Adam":
        t = np.arange(1, 31)[:, None]
        bc1 = 1 - 0.9**t if opt.hyperparams.get("bias_correction", True) else 1.0
        direction = tr.states.m[1:] / bc1
    else:
        direction = BOWL.grad(tr.x[:-1])
    # two code paths for the same formula: a few roundings per step, far inside 1e-9
    np.testing.assert_allclose(tr.x[1:] - tr.x[:-1], -a * direction, rtol=1e-9, atol=1e-15)
    drawn = plots.effective_step(tr).axes[0].lines[0].get_ydata()
    np.testing.assert_allclose(drawn, a[:, 0], rtol=1e-12)  # same numbers, plotted


def test_effective_step_of_adam_is_bias_corrected_at_step_one():
    tr = ol.run(ol.adam(0.1), BOWL, X0, 3)
    g = BOWL.grad(np.array(X0))
    # ŝ_1 = g², so a_1 = η/(|g| + ε); (1-β₂)g²/(1-β₂) rounds by a few ulps only
    np.testing.assert_allclose(effective_step(tr.optimizer, tr.states)[0],
                               0.1 / (np.abs(g) + 1e-8), rtol=1e-12)


def test_effective_step_refuses_a_method_without_one():
    with pytest.raises(ValueError, match=r"optimizer must be one of 'Adagrad'.*optimizer='SGD'"):
        plots.effective_step(ol.run(ol.sgd(0.1), BOWL, X0, 5))
    with pytest.raises(ValueError, match="tr must be a single run"):
        plots.effective_step(ol.sweep(ol.rmsprop, BOWL, X0, 5, lr=[0.1, 0.2]))


def test_the_recipe_does_not_mistake_a_parametrised_landscape():
    assert landscape_key(ol.rosenbrock()) == "rosenbrock"
    assert landscape_key(ol.rosenbrock(a=2.0)) is None
    panel = ol.slider_panel(ol.sgd, ol.rosenbrock(a=2.0), [-1.0, 1.0], 5, lr=1e-3)
    assert _recipe(panel)["objective"] is None


@pytest.mark.parametrize("kw, message", [
    ({"b": -1}, r"b must be in \(0, inf\), got b=-1"),
    ({"b": 0}, r"b must be in \(0, inf\), got b=0"),
    ({"a": np.nan}, "a must be a single finite number, got a=nan"),
    ({"a": "1"}, "a must be a number"),
])
def test_rosenbrock_parameters_are_checked(kw, message):
    with pytest.raises(ValueError, match=message):
        ol.rosenbrock(**kw)


@pytest.mark.parametrize("blowup", [-1, 0, np.nan, np.inf, "big"])
def test_blowup_must_be_positive(blowup):
    with pytest.raises(ValueError, match="blowup must be"):
        ol.run(ol.sgd(0.1), BOWL, X0, 5, blowup=blowup)


@pytest.mark.parametrize("lr", [True, "0.1", np.array(["0.1"]), [True, False]])
def test_a_bool_or_string_is_not_a_number(lr):
    with pytest.raises(ValueError, match="lr must be a number or an array of numbers, got lr="):
        ol.sgd(lr)


def test_an_empty_sweep_axis_is_refused():
    with pytest.raises(ValueError, match=r"lr must be a non-empty 1-D list of values to sweep"):
        ol.sweep(ol.sgd, BOWL, X0, 5, lr=[])


@pytest.mark.parametrize("fraction", [0.999, 0.9999])
def test_a_test_fraction_that_leaves_no_training_set_is_refused(fraction):
    with pytest.raises(ValueError, match=r"test_fraction must leave at least 2 of the 442"):
        training.load("diabetes", test_fraction=fraction)


@pytest.mark.parametrize("kw, message", [
    ({"lr": 100.0}, r"lr must be in \[0.001, 10\] \(the range of the step size η slider\)"),
    ({"lr": 1e-5}, r"lr must be in \[0.001, 10\]"),
    ({"lr": 0.5, "grids": {"lr": []}}, r"grids\['lr'\] must be a non-empty 1-D list"),
    ({"lr": 0.5, "grids": {"gamma": [0.9]}}, "grids names 'gamma', which is not a slider"),
    ({"lr": 0.5, "grids": {"lr": [0.1, 50.0]}}, r"grids\['lr'\] must be in \[0.001, 10\]"),
])
def test_slider_values_and_grids_are_checked(kw, message):
    with pytest.raises(ValueError, match=message):
        ol.slider_panel(ol.sgd, BOWL, X0, 5, **kw)


def test_every_menu_option_is_checked_at_construction():
    with pytest.raises(ValueError, match="eps_placement must be one of 'inside', 'outside', "
                                         "got eps_placement='bogus'"):
        ol.slider_panel(ol.rmsprop, BOWL, X0, 5, lr=0.1, eps_placement=("inside", "bogus"))


def test_a_numpy_integer_is_a_slider():
    panel = ol.slider_panel(ol.sgd, BOWL, X0, 5, lr=np.int64(1))
    assert "lr" in panel.sliders and panel.fixed == {}


def test_a_bad_slider_event_leaves_the_panel_working():
    panel = ol.slider_panel(ol.rmsprop, BOWL, X0, 10, lr=0.5, gamma=0.9)
    panel.update()
    before = panel.readout()
    with pytest.raises(ValueError, match="lr must be in"):
        panel.update(lr=-1)
    assert panel.values["lr"] == 0.5 and panel.readout() == before
    assert panel.update()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="'beta' is not a control of this panel"):
        panel.update(beta=0.5)


def test_a_broken_live_face_is_not_hidden(monkeypatch):
    panel = ol.slider_panel(ol.sgd, BOWL, X0, 5, lr=0.1)

    def broken():
        raise RuntimeError("a bug in the live face")

    monkeypatch.setattr(panel, "widget", broken)
    with pytest.raises(RuntimeError, match="a bug in the live face"):
        panel._repr_mimebundle_()


def test_without_ipywidgets_the_twin_is_shown_alone(monkeypatch):
    panel = ol.slider_panel(ol.sgd, BOWL, X0, 5, lr=0.1)

    def missing():
        raise ModuleNotFoundError("No module named 'ipywidgets'", name="ipywidgets")

    monkeypatch.setattr(panel, "widget", missing)
    assert set(panel._repr_mimebundle_()) == {"text/html", "text/plain"}


@pytest.mark.parametrize("gammas", [[1.5], [-0.1], ["x"]])
def test_ema_weights_need_decays_in_the_unit_interval(gammas):
    with pytest.raises(ValueError, match="gammas must be"):
        plots.ema_weights(gammas)


@pytest.mark.parametrize("call, message", [
    (lambda: analysis.heavy_ball_rate(-1, 0.5, [1.0]), r"lr must be in \(0, inf\), got lr=-1"),
    (lambda: analysis.heavy_ball_rate(0.1, 5, [1.0]), r"beta must be in \[0, 1\], got beta=5"),
    (lambda: analysis.nesterov_rate(0.1, np.nan, [1.0]), r"beta must be in \[0, 1\], got beta=nan"),
    (lambda: analysis.gd_rate(0.1, [np.nan]), "eigenvalues must be finite, got eigenvalues=nan"),
    (lambda: analysis.heavy_ball_roots(0.1, 0.5, np.nan), "lam must be finite"),
    (lambda: analysis.nesterov_matrix(-0.1, 0.5, 1.0), "lr must be in"),
    (lambda: analysis.heavy_ball_rate([0.1, 0.2], [0.1, 0.2, 0.3], [1.0]),
     r"lr has shape \(2,\) and beta has shape \(3,\)"),
])
def test_analysis_checks_its_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_full_dampening_is_refused():
    with pytest.raises(ValueError, match=r"dampening must be in \[0, 1\), got dampening=1"):
        ol.momentum(0.1, 0.9, dampening=1)


# ----------------------------------------------------------------- deep tracebacks


@pytest.mark.parametrize("call, message", [
    (lambda: ol.rmsprop(lr=[0.1, 0.2], gamma=[0.9, 0.99, 0.5]),
     r"lr has shape \(2,\) and gamma has shape \(3,\)"),
    (lambda: ol.adam(lr=[0.1, 0.2], beta1=[0.9, 0.99, 0.5]),
     r"lr has shape \(2,\) and beta1 has shape \(3,\)"),
    (lambda: ol.run(ol.sgd([0.1, 0.2, 0.3]), BOWL, np.ones((2, 2)), 5),
     r"x0 has batch shape \(2,\) and the optimizer's hyperparameters \(3,\)"),
])
def test_shape_mismatches_name_the_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_gradient_of_the_wrong_shape_is_named():
    opt = ol.rmsprop(0.1)
    x = np.ones(2)
    with pytest.raises(ValueError, match=r"g must have the shape of x, got x of shape \(2,\) "
                                         r"and g of shape \(3,\)"):
        opt.step(x, np.ones(3), opt.init(x))


@pytest.mark.parametrize("call, error, message", [
    (lambda: ol.momentum(0.1, nesterov=np.array([True, False])), TypeError,
     "nesterov must be True or False.*flags cannot be swept"),
    (lambda: ol.sweep(ol.rmsprop, BOWL, X0, 5, lr=[0.1], centered=[True, False]), ValueError,
     "centered cannot be swept"),
    (lambda: ol.sweep(ol.adam, BOWL, X0, 5, lr=[0.1], amsgrad=[0, 1]), TypeError,
     "amsgrad must be True or False.*flags cannot be swept"),
    (lambda: ol.sweep(ol.momentum, BOWL, X0, 5, lr=[0.1], nesterov=[False, True]), ValueError,
     "nesterov cannot be swept"),
    (lambda: ol.sweep(ol.rmsprop, BOWL, X0, 5, lr=[0.1], eps_placement=["inside", "outside"]),
     ValueError, "eps_placement cannot be swept"),
    (lambda: ol.sweep(ol.sgd, BOWL, X0, 5, lr=np.array([[0.1, 0.2]])), ValueError,
     r"lr must be a non-empty 1-D list of values to sweep, got .* \(shape \(1, 2\)\)"),
])
def test_flags_and_strings_cannot_be_swept(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: ol.run(ol.sgd, BOWL, X0, 5), r"optimizer must be an optimlab Optimizer \(call"),
    (lambda: ol.run(None, BOWL, X0, 5), "optimizer must be an optimlab Optimizer"),
    (lambda: ol.run(ol.sgd(0.1), None, X0, 5), "objective must be an optimlab Objective"),
    (lambda: ol.sweep(ol.sgd(0.1), BOWL, X0, 5, lr=[0.1]), "factory must be an optimizer factory"),
])
def test_run_checks_what_it_is_given(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_start_point_of_strings_is_named():
    with pytest.raises(ValueError, match="x0 must be a number or an array of numbers, got x0='ab'"):
        ol.run(ol.sgd(0.1), BOWL, "ab", 5)


def test_indexing_past_the_batch_axes_is_named():
    with pytest.raises(ValueError, match=r"index=\(0,\) has 1 entries, but this trajectory has 0"):
        ol.run(ol.sgd(0.1), BOWL, X0, 5)[0]
    one_axis = ol.sweep(ol.sgd, BOWL, X0, 5, lr=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"index=\(0, 0\) has 2 entries"):
        one_axis[0, 0]
    with pytest.raises(ValueError, match=r"index=\(5,\) is out of range for batch shape \(2,\)"):
        one_axis[5]


@pytest.mark.parametrize("call, message", [
    (lambda: ol.quadratic([[np.nan, 0], [0, 1]]), "A must be finite, got A=nan"),
    (lambda: ol.diagonal_bowl(np.nan, 1, bounds=((-1, 1), (-1, 1))), "a must be a single finite"),
    (lambda: ol.least_squares_1d(x=0), r"x must be a nonzero number \(w\* = y/x\), got x=0"),
])
def test_objective_parameters_are_checked_first(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda: plots.contour_paths(LINE, ol.run(ol.sgd(0.1), LINE, [0.0], 5)),
    lambda: ol.slider_panel(ol.sgd, LINE, [0.0], 5, lr=0.1),
    lambda: ol.comparison_panel({"SGD": (ol.sgd, {"lr": 0.1})}, {"line": (LINE, [0.0])}, 5),
])
def test_one_dimensional_objectives_cannot_be_drawn_as_contours(call):
    with pytest.raises(ValueError, match="objective must be 2-D to draw its contours"):
        call()


@pytest.mark.parametrize("draw", [lambda tr: plots.contour_paths(BOWL, tr),
                                  lambda tr: plots.loss_curves(tr),
                                  lambda tr: plots.iterates({"a": tr})])
def test_figures_of_single_runs_refuse_a_sweep(draw):
    sw = ol.sweep(ol.sgd, BOWL, X0, 5, lr=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"must be a single run, got a batch of shape \(2,\)"):
        draw(sw)


def test_figure_arguments_are_checked():
    tr = ol.run(ol.sgd(0.1), BOWL, X0, 5)
    with pytest.raises(ValueError, match=r"coord must be an integer <= 1, got coord=5"):
        plots.iterates(tr, coord=5)
    sweeps = ol.lr_sweeps({"SGD": (ol.sgd, {"lr": 0.1})}, BOWL, X0, 5, [0.5, 1.0])
    with pytest.raises(ValueError, match="tol must be a positive number, got tol='x'"):
        plots.steps_heatmap(sweeps, tol="x")


@pytest.mark.parametrize("call, message", [
    (lambda: ol.race({"SGD": (ol.sgd, {})}, BOWL, X0, 5),
     r"contenders\['SGD'\] kwargs must give lr"),
    (lambda: ol.lr_sweeps({"SGD": (ol.sgd, {"lr": 0.1})}, BOWL, X0, 5, 2.0),
     "multipliers must be a non-empty 1-D list"),
    (lambda: ol.comparison_panel({"SGD": (ol.sgd, {"lr": 0.1})}, {}, 5),
     "landscapes must be a non-empty mapping"),
    (lambda: ol.race({}, BOWL, X0, 5), "contenders must be a non-empty mapping"),
])
def test_comparison_inputs_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("kw, message", [
    ({"lr": 0.1, "eps_placement": ()}, r"eps_placement=\(\): a menu is a non-empty tuple"),
    ({"lr": [0.1, 0.2]}, r"lr=\[0.1, 0.2\]: a panel value must be a number"),
    ({"lr": 0.1, "momentum": np.array(0.5)}, r"momentum=array\(0.5\): a panel value must be"),
])
def test_panel_values_are_numbers_menus_or_fixed(kw, message):
    with pytest.raises(ValueError, match=message):
        ol.slider_panel(ol.rmsprop, BOWL, X0, 5, **kw)


def test_a_partial_factory_is_named_in_the_twin():
    hat = functools.partial(ol.adam, eps_placement="hat")
    panel = ol.slider_panel(hat, BOWL, X0, 5, lr=0.1)
    assert _recipe(panel)["factory"] == "adam(eps_placement='hat')"
    race = ol.comparison_panel({"Keras Adam": (hat, {"lr": 0.1})}, {"bowl": (BOWL, X0)}, 5,
                               scales=(1.0,), noise=(0.0,))
    assert "Keras Adam" in race.static_html("q")


# -------------------------------------------------------------------- warning leaks


@pytest.mark.parametrize("opt", [
    ol.adagrad(0.1, eps=0.0), ol.adagrad(0.1, eps=0.0, eps_placement="outside"),
    ol.rmsprop(0.1, eps=0.0), ol.rmsprop(0.1, eps=0.0, centered=True, momentum=0.5),
    ol.adam(0.1, eps=0.0), ol.adam(0.1, eps=0.0, eps_placement="inside"),
    ol.adam(0.1, eps=0.0, eps_placement="hat"), ol.adam(0.1, eps=0.0, amsgrad=True),
    ol.adamw(0.1, eps=0.0, weight_decay=0.0),
], ids=lambda o: o.label())
def test_eps_zero_with_a_zero_gradient_does_not_warn_through_step(opt):
    x = np.array([1.0, -2.0])
    state = opt.init(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            new, state = opt.step(x, np.zeros(2), state)
            np.testing.assert_array_equal(new, x)  # 0/0 is defined as 0: no move at all


def test_eps_zero_after_an_underflow_does_not_warn_and_diverges_loudly():
    opt = ol.adam(0.1, eps=0.0)
    x = np.array([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new, _ = opt.step(x, np.array([1e-200]), opt.init(x))  # s = 1e-3·1e-400 underflows to 0
        tr = ol.run(opt, ol.quadratic([[1e-200]]), [1.0], 3)
    assert np.isinf(new).all()  # m̂/√ŝ = 1e-200/0, as in PyTorch: not a silent answer
    assert bool(tr.diverged) and int(tr.diverged_at) == 1


# ------------------------------------------------------------------- huge step counts


def test_a_huge_step_count_is_refused_with_its_memory():
    with pytest.raises(ValueError, match=r"steps must be at most 1000000 .* got steps=1000000000, "
                                         r"which would need 29.8 GiB"):
        ol.run(ol.sgd(0.1), BOWL, X0, 10**9)
    with pytest.raises(ValueError, match=r"steps must be at most .* would need 5.96 GiB"):
        ol.run(ol.sgd(np.full(1000, 0.1)), BOWL, X0, 200_000)
    with pytest.raises(ValueError, match="steps must be at most"):
        ol.slider_panel(ol.sgd, BOWL, X0, 10**7, lr=0.1)
