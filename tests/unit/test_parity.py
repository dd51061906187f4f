"""optimlab's presets reproduce PyTorch, optax and Keras step for step.

The reference trajectories were recorded from the libraries themselves by
tests/golden/make_golden.py (float64, 30 steps on 0.1x² + 5y² from (-10, 1.5)):
``cases`` at a constant learning rate, ``schedule_cases`` under a learning-rate schedule
(with the rate the library used at each step).
"""


import numpy as np
import pytest

import optimlab as ol
from optimlab.conventions import recorded_runs, schedule_preset
from optimlab import schedules as S
from optimlab.conventions import preset

GOLDEN = recorded_runs()
BOWL = ol.seed000_bowl()


def _preset(case):
    library = case["library"]
    name = case["constructor"].rsplit(".", 1)[-1]
    kwargs = dict(case["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return preset(library, name, **kwargs)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_matches_library(case):
    # the libraries' formulas, some in another order (PyTorch's NAdam adds its two terms
    # to x one at a time, Keras divides by (1 - β₁ᵗ)(u + ε) at once): a few roundings per
    # step. Measured over the 30 steps: at most 7e-15 (torch-nadam-lr0.1), so 1e-10
    # relative leaves four orders of margin; 1e-12 absolute covers the y coordinate,
    # which these runs drive to 0 (its relative error there means nothing).
    tr = ol.run(_preset(case), BOWL, case["x0"], case["steps"])
    np.testing.assert_allclose(tr.x, np.array(case["x"]), rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ schedules

#: optax's exponential_decay and polynomial_schedule (and so warmup_cosine_decay_schedule's
#: warm-up, a linear_schedule) and the piecewise interpolation of its one-cycle schedules
#: compute in float32 on the int32 step count, even with jax_enable_x64: their learning
#: rates are float32 roundings of the exact values (the recorded 0.15 is 0.15000000596).
FLOAT32 = {"optax-sgd-exponential-decay10-0.5-staircase", "optax-sgd-exponential-decay0.9-begin5",
           "optax-sgd-exponential-decay-steps4-0.5", "optax-sgd-polynomial20-power2-end0.01",
           "optax-sgd-warmup-cosine-from0-5-30", "optax-sgd-cosine-onecycle30-peak0.15",
           "optax-momentum-mu0.9-exponential-decay10-0.5-staircase",
           "optax-rmsprop-mom0.5-eps1e-7-exponential-decay0.9"}

#: each recorded schedule as optimlab writes it (the recipes of optimlab.schedules)
SCHEDULES = {
    "torch-sgd-lr0.15-steplr10-gamma0.5": S.step_decay(0.15, 10, 0.5),
    "torch-sgd-lr0.15-exponentiallr0.9": S.exponential(0.15, 0.9),
    # run to 30 > T_max = 20: PyTorch's cosine turns back up
    "torch-sgd-lr0.15-cosine-tmax20-min0.015": S.cosine(0.15, 20, 0.015, after_T="periodic"),
    "torch-sgd-lr0.15-polynomial20-power2": S.polynomial(0.15, 20, power=2),
    "torch-sgd-lr0.15-warmup-linear0.1-5-cosine25": S.warmup(S.cosine(0.15, 25), 5, start=0.1),
    "torch-sgd-onecycle-max0.15-30": S.one_cycle(0.15, 30, phase_ends="minus_one"),
    "torch-sgd-lr0.15-lambda-inverse-sqrt4": S.inverse_sqrt(0.15, offset=4),
    "torch-momentum-lr0.05-mu0.9-steplr10-gamma0.5": S.step_decay(0.05, 10, 0.5),
    "torch-rmsprop-lr0.05-alpha0.9-mom0.5-exponentiallr0.9": S.exponential(0.05, 0.9),
    "torch-adam-lr0.1-cosine-tmax30": S.cosine(0.1, 30),
    "torch-nadam-lr0.1-exponentiallr0.9": S.exponential(0.1, 0.9),
    "optax-sgd-exponential-decay10-0.5-staircase": S.step_decay(0.15, 10, 0.5),
    "optax-sgd-piecewise-constant-10-20": S.step_decay(0.15, 10, 0.5),
    "optax-sgd-exponential-decay0.9-begin5": S.exponential(0.15, 0.9, begin=5),
    "optax-sgd-exponential-decay-steps4-0.5": S.exponential(0.15, 0.5, step_size=4),
    "optax-sgd-cosine-decay20-alpha0.1": S.cosine(0.15, 20, final=0.1 * 0.15),
    "optax-sgd-polynomial20-power2-end0.01": S.polynomial(0.15, 20, power=2, end=0.01),
    # optax's decay_steps=30 counts the 5 warm-up steps
    "optax-sgd-warmup-cosine-from0-5-30": S.warmup(S.cosine(0.15, 30 - 5), 5),
    "optax-sgd-cosine-onecycle30-peak0.15": S.one_cycle(0.15, 30),
    "optax-sgd-inverse-sqrt4": S.inverse_sqrt(0.15, offset=4),
    "optax-momentum-mu0.9-exponential-decay10-0.5-staircase": S.step_decay(0.05, 10, 0.5),
    "optax-rmsprop-mom0.5-eps1e-7-exponential-decay0.9": S.exponential(0.05, 0.9),
    "optax-adam-cosine-decay30-lr0.1": S.cosine(0.1, 30),
    "optax-yogi-cosine-decay30-lr0.1": S.cosine(0.1, 30),
    "keras-sgd-exponentialdecay10-0.5-staircase": S.step_decay(0.15, 10, 0.5),
    # boundaries are inclusive in Keras: each value lasts one step longer
    "keras-sgd-piecewiseconstant-10-20": S.step_decay(0.15, 10, 0.5, begin=1),
    "keras-sgd-polynomialdecay20-power2": S.polynomial(0.15, 20, power=2, end=1e-4),
    # Keras's decay_steps=25 does not count the warm-up, which starts from 0.015
    "keras-sgd-cosinedecay-warmup-from0.015-5-25": S.warmup(S.cosine(0.15, 25), 5,
                                                            start=0.015 / 0.15),
    "keras-momentum-mu0.9-exponentialdecay10-0.5-staircase": S.step_decay(0.05, 10, 0.5),
    "keras-rmsprop-mom0.5-exponentialdecay0.9": S.exponential(0.05, 0.9),
    "keras-adam-cosinedecay30-lr0.1": S.cosine(0.1, 30),
}
SCHEDULE_CASES = GOLDEN["schedule_cases"]
SCHEDULE_IDS = [c["id"] for c in SCHEDULE_CASES]


def _scheduled(case, lr):
    """The case's optimizer preset with ``lr`` (a schedule) as its learning rate."""
    kwargs = dict(case["kwargs"])
    kwargs["lr" if case["library"] == "torch" else "learning_rate"] = lr
    return preset(case["library"], case["constructor"].rsplit(".", 1)[-1], **kwargs)


def test_every_recorded_schedule_has_its_optimlab_form():
    assert set(SCHEDULES) == set(SCHEDULE_IDS)


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=SCHEDULE_IDS)
def test_schedule_gives_the_libraries_learning_rates(case):
    recorded = np.array(case["lr"])
    ours = SCHEDULES[case["id"]](np.arange(case["steps"]))
    if case["id"] in FLOAT32:
        # a float32 result is within 2⁻²⁴ relative of the exact value, and optax's
        # float32 pow, cos and interpolation add a few such roundings; absolute, on the
        # scale of the schedule's peak (the one-cycle ends at 6e-7, where float32's
        # cancellation leaves 1e-8). Measured: at most 1.4e-8 (9e-8 of the peak).
        peak = recorded.max()
        np.testing.assert_allclose(ours, recorded, rtol=0, atol=2**-22 * peak)
    else:
        # the same formula (PyTorch's chained form multiplies the previous value by a
        # ratio instead): a few float64 roundings. Measured: at most 5.6e-17 absolute,
        # 2e-14 relative (Keras's cosine near its end, at 2.7e-4).
        np.testing.assert_allclose(ours, recorded, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=SCHEDULE_IDS)
def test_optimizer_under_the_recorded_rates_matches_library(case):
    """The optimizer part alone: driven by the learning rates the library used."""
    rates = np.array(case["lr"])
    opt = _scheduled(case, lambda t: rates[np.asarray(t, dtype=int)])
    tr = ol.run(opt, BOWL, case["x0"], case["steps"])
    # as test_matches_library; measured at most 8.9e-15 (torch NAdam under ExponentialLR)
    np.testing.assert_allclose(tr.x, np.array(case["x"]), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=SCHEDULE_IDS)
def test_scheduled_run_matches_library(case):
    opt = _scheduled(case, SCHEDULES[case["id"]])
    tr = ol.run(opt, BOWL, case["x0"], case["steps"])
    if case["id"] in FLOAT32:
        # each η_t is off by at most 2⁻²² η_peak (above); a step moves x by η_t g_t with
        # |g| <= 15 here, so 30 steps move the path by at most 30 · 2⁻²² · 0.15 · 15 =
        # 1.6e-5 before any damping. Measured: at most 2.5e-7.
        np.testing.assert_allclose(tr.x, np.array(case["x"]), rtol=0, atol=2e-5)
    else:
        # measured at most 1.1e-14 (torch NAdam under ExponentialLR)
        np.testing.assert_allclose(tr.x, np.array(case["x"]), rtol=1e-10, atol=1e-12)


def _golden(case_id):
    return next(np.array(c["x"]) for c in GOLDEN["cases"] + SCHEDULE_CASES
                if c["id"] == case_id)


def _rates(case_id):
    return next(np.array(c["lr"]) for c in SCHEDULE_CASES if c["id"] == case_id)


@pytest.mark.parametrize("a, b, at_least", [
    # eps outside (torch) vs inside (optax) the root: visible with a large eps
    ("torch-rmsprop-lr0.1-alpha0.9-eps1e-2", "optax-rmsprop-lr0.1-eps1e-2", 1e-3),
    # optax takes AMSGrad's max of the bias-corrected s, torch of the raw s
    ("torch-adam-lr0.1-amsgrad", "optax-amsgrad-lr0.1", 1e-2),
    # Keras's epsilon-hat form vs the paper's form, same eps
    ("keras-adam-lr0.1-eps1e-1", "optax-adam-lr0.1-eps1e-1", 1e-2),
    # torch's first momentum buffer ignores dampening
    ("torch-momentum-lr0.05-mu0.9-dampening0.5", "torch-momentum-lr0.05-mu0.9", 1e-2),
    # NAdam's momentum schedule: 0.96^(0.004 t) (torch), none (optax), 0.96^t (Keras)
    ("torch-nadam-lr0.1", "optax-nadam-lr0.1", 1e-1),
    ("torch-nadam-lr0.1", "keras-nadam-lr0.1-eps1e-8", 1e-2),
    ("optax-nadam-lr0.1", "keras-nadam-lr0.1-eps1e-8", 1e-1),
    # Adamax's ε inside the max (torch) or added after it (Keras)
    ("torch-adamax-lr0.1-eps1e-1", "keras-adamax-lr0.1-eps1e-1", 1e-3),
    # Adadelta's defaults: ρ = 0.9, ε = 1e-6 (torch) against ρ = 0.95, ε = 1e-7 (Keras)
    ("torch-adadelta-lr1", "keras-adadelta-lr1", 1e-2),
    # the same learning rates, η folded into the momentum buffer (Keras) or not (torch)
    ("torch-momentum-lr0.05-mu0.9-steplr10-gamma0.5",
     "keras-momentum-mu0.9-exponentialdecay10-0.5-staircase", 1.0),
    # past T_max torch's cosine turns back up, optax's holds
    ("torch-sgd-lr0.15-cosine-tmax20-min0.015", "optax-sgd-cosine-decay20-alpha0.1", 1e-1),
    # Keras's piecewise boundaries are inclusive
    ("keras-sgd-piecewiseconstant-10-20", "optax-sgd-piecewise-constant-10-20", 1e-1),
    # one cycle: torch's phases end a step earlier
    ("torch-sgd-onecycle-max0.15-30", "optax-sgd-cosine-onecycle30-peak0.15", 1e-1),
    # warm-up from 0.1 η (torch cannot start at 0) against from 0 (optax)
    ("torch-sgd-lr0.15-warmup-linear0.1-5-cosine25", "optax-sgd-warmup-cosine-from0-5-30", 1e-1),
    # PolynomialLR decays to 0, Keras's PolynomialDecay to its default 1e-4
    ("torch-sgd-lr0.15-polynomial20-power2", "keras-sgd-polynomialdecay20-power2", 1e-3),
])
def test_conventions_visibly_differ(a, b, at_least):
    assert np.abs(_golden(a) - _golden(b)).max() > at_least


def test_dampening_first_step_is_a_convention():
    """With dampening the first-step rule matters: only PyTorch's matches PyTorch."""
    torch_x = _golden("torch-momentum-lr0.05-mu0.9-dampening0.5")
    bowl, x0 = ol.seed000_bowl(), [-10.0, 1.5]
    zero = ol.run(ol.momentum(0.05, 0.9, dampening=0.5), bowl, x0, 30).x
    grad = ol.run(ol.momentum(0.05, 0.9, dampening=0.5, first_step="grad"), bowl, x0, 30).x
    np.testing.assert_allclose(grad, torch_x, rtol=1e-10, atol=1e-12)
    assert np.abs(zero - torch_x).max() > 1e-2


@pytest.mark.parametrize("a, b, differ_at", [
    ("torch-sgd-lr0.15-cosine-tmax20-min0.015", "optax-sgd-cosine-decay20-alpha0.1",
     list(range(21, 30))),
    ("keras-sgd-piecewiseconstant-10-20", "optax-sgd-piecewise-constant-10-20", [10, 20]),
    ("torch-sgd-lr0.15-warmup-linear0.1-5-cosine25", "optax-sgd-warmup-cosine-from0-5-30",
     [0, 1, 2, 3, 4]),
])
def test_schedules_differ_exactly_where_the_conventions_say(a, b, differ_at):
    gap = np.abs(_rates(a) - _rates(b))
    assert np.flatnonzero(gap > 1e-6).tolist() == differ_at


def test_lr_in_buffer_is_a_convention_under_a_schedule():
    """Only the Keras form, η in the buffer, matches Keras once η changes; PyTorch's
    matches PyTorch. With the same rates the two paths end 2.4 apart."""
    rates = S.step_decay(0.05, 10, 0.5)
    outside = ol.run(ol.momentum(rates, 0.9), BOWL, [-10.0, 1.5], 30).x
    inside = ol.run(ol.momentum(rates, 0.9, lr_in_buffer=True), BOWL, [-10.0, 1.5], 30).x
    keras = _golden("keras-momentum-mu0.9-exponentialdecay10-0.5-staircase")
    torch = _golden("torch-momentum-lr0.05-mu0.9-steplr10-gamma0.5")
    np.testing.assert_allclose(inside, keras, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(outside, torch, rtol=1e-10, atol=1e-12)
    assert np.abs(inside - torch).max() > 1.0
    # at a constant rate the two forms are one iteration, up to rounding
    np.testing.assert_allclose(ol.run(ol.momentum(0.05, 0.9, lr_in_buffer=True), BOWL,
                                      [-10.0, 1.5], 30).x,
                               _golden("keras-momentum-lr0.05-mu0.9"), rtol=1e-10, atol=1e-12)


def test_optax_adadelta_default_is_refused():
    """optax.adadelta() (learning_rate=None) climbs the gradient; the preset says so."""
    with pytest.raises(ValueError, match="learning_rate=None, optax.adadelta's default, "
                                         "climbs the gradient"):
        preset("optax", "adadelta")


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="library must be one of"):
        preset("tensorflow1", "Adam")
    with pytest.raises(ValueError, match="name must be one of"):
        preset("torch", "Yogi")
    with pytest.raises(ValueError, match=r"argument of keras RMSprop must be one of .*alpha"):
        preset("keras", "RMSprop", alpha=0.9)


def _library_schedule(case):
    """The recorded case's schedule as ``(library, name, kwargs)`` of
    ``conventions.schedule_preset``, or None for a function written by hand (a lambda)."""
    constructor, kwargs = case["schedule"]["constructor"], dict(case["schedule"]["kwargs"])
    name = constructor.rsplit(".", 1)[-1]
    if "lambda" in constructor or name == "LambdaLR":
        return None
    if case["library"] == "torch":
        kwargs["lr"] = case["kwargs"]["lr"]
        if name == "SequentialLR":
            (linear, cosine), milestones = kwargs.pop("schedulers"), kwargs.pop("milestones")
            assert milestones == [linear["kwargs"]["total_iters"]]
            kwargs.update(start_factor=linear["kwargs"]["start_factor"],
                          warmup=linear["kwargs"]["total_iters"], **cosine["kwargs"])
            name = "LinearLR+CosineAnnealingLR"
        if name == "OneCycleLR":
            kwargs.pop("lr")
    return case["library"], name, kwargs


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=SCHEDULE_IDS)
def test_a_library_schedule_spelled_as_the_library_spells_it(case):
    """``schedule_preset`` with the recorded constructor's own arguments gives the rates
    the library recorded (as test_schedule_gives_the_libraries_learning_rates argues the
    tolerances), and the same schedule as optimlab's recipe above."""
    spelled = _library_schedule(case)
    if spelled is None:  # the inverse square root, a lambda in both libraries
        assert SCHEDULES[case["id"]].name == "inverse_sqrt"
        return
    library, name, kwargs = spelled
    ours = schedule_preset(library, name, **kwargs)(np.arange(case["steps"]))
    recorded = np.array(case["lr"])
    if case["id"] in FLOAT32:
        np.testing.assert_allclose(ours, recorded, rtol=0, atol=2**-22 * recorded.max())
    else:
        np.testing.assert_allclose(ours, recorded, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours, SCHEDULES[case["id"]](np.arange(case["steps"])),
                               rtol=1e-14, atol=0)


def test_a_library_schedule_optimlab_cannot_express_is_refused_by_name():
    with pytest.raises(ValueError, match="cycle_momentum=True has no optimlab schedule"):
        schedule_preset("torch", "OneCycleLR", max_lr=0.1, total_steps=30)
    with pytest.raises(ValueError, match="boundaries=\\[10, 25\\] has no optimlab schedule"):
        schedule_preset("keras", "PiecewiseConstantDecay", boundaries=[10, 25],
                        values=[0.1, 0.05, 0.025])
    with pytest.raises(ValueError, match="exponent=2.0 has no optimlab schedule"):
        schedule_preset("optax", "cosine_decay_schedule", init_value=0.1, decay_steps=10,
                        exponent=2.0)
    with pytest.raises(ValueError, match="argument of torch StepLR must be one of"):
        schedule_preset("torch", "StepLR", lr=0.1, step=10)
    with pytest.raises(ValueError, match="name must be one of"):
        schedule_preset("keras", "CosineDecayRestarts", initial_learning_rate=0.1)


def test_the_family_table_shows_each_librarys_defaults():
    """The cheat sheet's rows for Adadelta, Adamax, NAdam and Yogi read the presets."""
    from optimlab.conventions import FAMILY, defaults_text, family_table

    assert defaults_text("torch", "Adadelta") == "`Adadelta`<br>η = 1, ρ = 0.9, ε = 1.0e-06"
    assert defaults_text("keras", "Adadelta") == "`Adadelta`<br>η = 0.001, ρ = 0.95, ε = 1.0e-07"
    assert "η = None (climbs)" in defaults_text("optax", "adadelta")
    assert defaults_text("torch", "Adamax").endswith("ε = 1.0e-08, ε in the max")
    assert defaults_text("keras", "Adamax").endswith("ε after the max")
    assert "ψ = 0.004" in defaults_text("torch", "NAdam")
    assert "ψ = 1 (fixed)" in defaults_text("keras", "Nadam")
    assert "ψ = ∞ (fixed)" in defaults_text("optax", "nadam")
    assert "m₀ = 1.0e-06" in defaults_text("optax", "yogi")
    table = family_table().splitlines()
    assert len(table) == 2 + len(FAMILY) and table[-1].startswith("| Yogi | — (none) |")
