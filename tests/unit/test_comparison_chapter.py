"""What the grand-comparison chapter (book/comparison.md) claims, checked on optimlab.

The chapter quotes its numbers through glue, so they cannot go stale; its *sentences*
(who wins where, which methods never settle, which orders flip, what noise does) are
claims about optimlab's behaviour, and these tests pin them. The protocol is the
chapter's: same start and budget, one geometric step-size sweep per method and landscape,
the fewest steps to the tolerance among runs still below it at the end (the rule
``analysis.tune``, which ``plots.steps_heatmap`` outlines and returns as ``.best``).
"""

import numpy as np
import pytest

import optimlab as ol
from numerics import assert_close

CONTENDERS = {
    "SGD": (ol.sgd, {"lr": 1.0}),
    "Momentum": (ol.momentum, {"lr": 1.0, "beta": 0.9}),
    "Nesterov": (ol.momentum, {"lr": 1.0, "beta": 0.9, "nesterov": True}),
    "Adagrad": (ol.adagrad, {"lr": 1.0, "eps": 1e-8}),
    "RMSprop": (ol.rmsprop, {"lr": 1.0, "gamma": 0.9, "eps": 1e-8}),
    "Adam": (ol.adam, {"lr": 1.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
}
LANDSCAPES = {
    "seed 000 bowl": (ol.seed000_bowl(), [-10.0, 1.5], 300, 1e-6),
    "seed 004 bowl": (ol.seed004_bowl(), [-5.0, -2.0], 300, 1e-6),
    "rotated bowl": (ol.rotated_bowl(), [-5.0, -2.0], 300, 1e-6),
    "Rosenbrock": (ol.rosenbrock(), [-1.2, 1.0], 1000, 1e-4),
    "Beale": (ol.beale(), [1.0, 1.5], 1000, 1e-4),
}
MULT = 2.0 ** np.arange(-12, 3)
SADDLE, SADDLE_X0, SADDLE_LR, SADDLE_STEPS = ol.saddle(), [-1.0, 1e-3], 0.05, 60
SIGMA, SEEDS = 1.0, range(3)


def _best(sweeps, tol):
    return ol.analysis.tune(sweeps, tol=tol)


@pytest.fixture(scope="module")
def sweeps():
    return {name: ol.lr_sweeps(CONTENDERS, obj, x0, n, MULT, landscape=name)
            for name, (obj, x0, n, _) in LANDSCAPES.items()}


@pytest.fixture(scope="module")
def best(sweeps):
    return {name: _best(sweeps[name], LANDSCAPES[name][3]) for name in LANDSCAPES}


@pytest.fixture(scope="module")
def tuned(best):
    return {label: (f, {**kw, "lr": {**{n: best[n][label]["lr"] for n in best},
                                     "saddle": SADDLE_LR}})
            for label, (f, kw) in CONTENDERS.items()}


def _steps(best, name, label):
    b = best[name][label]
    return b["steps"] if b["settled"] else np.inf


def _order(best, name):
    return sorted(CONTENDERS,
                  key=lambda lbl: (_steps(best, name, lbl), best[name][lbl]["final_gap"]))


@pytest.fixture(scope="module")
def floors(tuned):
    out = {}
    for name, (obj, x0, n, _) in LANDSCAPES.items():
        gaps = []
        for seed in SEEDS:
            runs = ol.race(tuned, ol.noisy(obj, SIGMA, seed), x0, n, landscape=name)
            gaps.append([np.mean(tr.loss[-n // 4:] - obj.f_min) for tr in runs.values()])
        out[name] = dict(zip(tuned, np.mean(gaps, axis=0)))
    return out


# ---------------------------------------------------------------- the protocol


def test_sweep_columns_are_plain_runs_from_the_same_start(sweeps):
    obj, x0, n, _ = LANDSCAPES["Beale"]
    for label, (factory, kw) in CONTENDERS.items():
        tr = sweeps["Beale"][label]
        np.testing.assert_array_equal(tr.grid["lr"], MULT)  # base lr 1: columns are η
        for j in (0, 7, 14):
            alone = ol.run(factory(**{**kw, "lr": MULT[j]}), obj, x0, n)
            assert_close(tr.x[:, j], alone.x)  # a sweep's column vs a run: batch rounding


def test_the_race_is_the_tuned_column_of_the_sweep(sweeps, best, tuned):
    for name, (obj, x0, n, _) in LANDSCAPES.items():
        races = ol.race(tuned, obj, x0, n, landscape=name)
        for label, tr in races.items():
            j = int(np.flatnonzero(MULT == best[name][label]["lr"])[0])
            # the race runs alone, the sweep in a batch: other kernels, the same run up to
            # rounding (which near the minimum is tiny against the run's scale)
            assert_close(tr.x, sweeps[name][label].x[:, j])


def test_no_choice_is_a_diverged_run_and_the_grid_holds_every_choice(best):
    for name in LANDSCAPES:
        for b in best[name].values():
            assert b is not None and b["lr"] in MULT and np.isfinite(b["final_gap"])


# ------------------------------------------------------------- the tuned table


def test_winners_per_landscape(best):
    winners = {name: _order(best, name)[0] for name in LANDSCAPES}
    assert winners == {"seed 000 bowl": "Adagrad", "seed 004 bowl": "Adagrad",
                       "rotated bowl": "Nesterov", "Rosenbrock": "Adam", "Beale": "Nesterov"}


def test_orders_quoted_in_the_text(best):
    assert _order(best, "seed 000 bowl")[:3] == ["Adagrad", "Nesterov", "Momentum"]
    assert _order(best, "seed 004 bowl")[:5] == ["Adagrad", "Nesterov", "Momentum", "Adam", "SGD"]
    assert _order(best, "Rosenbrock")[:3] == ["Adam", "Momentum", "Nesterov"]
    assert _order(best, "Beale")[:5] == ["Nesterov", "Adam", "Adagrad", "Momentum", "SGD"]


def test_who_never_settles(best):
    assert not best["seed 000 bowl"]["SGD"]["settled"]  # SGD needs more than 300 steps
    for label in ("SGD", "Adagrad", "RMSprop"):
        assert not best["Rosenbrock"][label]["settled"]
    for name in LANDSCAPES:  # constant-η RMSprop with γ = 0.9 never stays below
        assert not best[name]["RMSprop"]["settled"]
        assert best[name]["Adam"]["settled"]


def test_rotation_costs_adagrad_but_not_the_linear_methods(best):
    assert _steps(best, "rotated bowl", "Adagrad") > 5 * _steps(best, "seed 004 bowl", "Adagrad")
    for label in ("SGD", "Momentum", "Nesterov"):
        a, r = _steps(best, "seed 004 bowl", label), _steps(best, "rotated bowl", label)
        assert abs(r - a) <= 0.2 * a, label


def test_band_widths_on_the_seed_004_bowl(sweeps):
    obj, _, _, tol = LANDSCAPES["seed 004 bowl"]

    def settled(label):
        tr = sweeps["seed 004 bowl"][label]
        return int(np.sum((tr.steps_to(tol) >= 0) & (tr.loss[-1] - obj.f_min <= tol)))

    assert settled("SGD") <= 2
    assert settled("Momentum") >= 4 and settled("Nesterov") >= 4


def test_heavy_ball_on_beale_diverges_one_grid_point_above_its_best(sweeps, best):
    j = int(np.flatnonzero(MULT == best["Beale"]["Momentum"]["lr"])[0])
    assert sweeps["Beale"]["Momentum"].diverged[j + 1]


def test_edge_choices_are_all_on_the_top_edge(best):
    top = [(n, lbl) for n in best for lbl, b in best[n].items() if b["lr"] == MULT[-1]]
    assert ("seed 004 bowl", "Adagrad") in top
    assert not any(b["lr"] == MULT[0] for n in best for b in best[n].values())


def test_the_clearest_flip_is_nesterov_against_adagrad(best):
    flips = []
    for a in CONTENDERS:
        for b in CONTENDERS:
            for l1 in LANDSCAPES:
                for l2 in LANDSCAPES:
                    s = [_steps(best, l1, a), _steps(best, l1, b), _steps(best, l2, a),
                         _steps(best, l2, b)]
                    if np.all(np.isfinite(s)) and s[0] < s[1] and s[3] < s[2]:
                        flips.append((min(s[1] / s[0], s[2] / s[3]), a, b, l1, l2))
    assert max(flips)[1:3] == ("Nesterov", "Adagrad")


# ------------------------------------------- why the per-coordinate methods win


@pytest.mark.parametrize("factory, kw", [(ol.adagrad, {}), (ol.rmsprop, {"gamma": 0.9}),
                                         (ol.adam, {})])
def test_per_coordinate_methods_are_blind_to_curvature_on_aligned_bowls(factory, kw):
    """(cmp-blind): with ε = 0 the path on a·x² + b·y² does not depend on a and b."""
    opt = factory(lr=0.3, eps=0.0, **kw)
    paths = [ol.run(opt, ol.diagonal_bowl(a, b, bounds=((-6, 6), (-3, 3))), [-5.0, -2.0], 40).x
             for a, b in [(0.1, 2.0), (1.0, 1.0), (7.0, 0.01)]]
    for x in paths[1:]:
        np.testing.assert_allclose(x, paths[0], rtol=1e-9, atol=1e-12)


def test_adagrad_follows_the_blind_recursion_on_the_tuned_run(best):
    lr = best["seed 004 bowl"]["Adagrad"]["lr"]
    x = ol.run(ol.adagrad(lr, eps=1e-8), ol.seed004_bowl(), [-5.0, -2.0], 7).x
    blind = x[:-1] - lr * x[:-1] / np.sqrt(np.cumsum(x[:-1] ** 2, axis=0))
    assert np.abs(blind - x[1:]).max() < 1e-6


def test_rotation_invariance_exercise():
    c, s = np.cos(np.pi / 4), np.sin(np.pi / 4)
    R = np.array([[c, -s], [s, c]])
    bowl, x0 = ol.seed000_bowl(), np.array([-10.0, 1.5])
    rotated = ol.quadratic(R @ np.diag([0.2, 10.0]) @ R.T, bounds=((-12, 12), (-12, 12)))
    aligned = ol.lr_sweeps(CONTENDERS, bowl, x0, 300, MULT)
    turned = ol.lr_sweeps(CONTENDERS, rotated, R @ x0, 300, MULT)
    for label in ("SGD", "Momentum", "Nesterov"):
        # divergence is detected per coordinate, so compare the runs that stay bounded
        keep = ~aligned[label].diverged & ~turned[label].diverged
        assert keep.sum() >= 8
        np.testing.assert_allclose(turned[label].loss[:, keep], aligned[label].loss[:, keep],
                                   rtol=1e-8, atol=1e-12)
    assert not np.allclose(turned["Adagrad"].loss, aligned["Adagrad"].loss, equal_nan=True)
    assert _best(aligned, 1e-6)["Adagrad"]["settled"]
    assert not _best(turned, 1e-6)["Adagrad"]["settled"]


# ----------------------------------------------------------------- the saddle


def test_a_huge_step_leaps_off_the_saddle_in_one_step():
    for label in ("Adagrad", "RMSprop", "Adam"):
        factory, kw = CONTENDERS[label]
        assert ol.run(factory(**{**kw, "lr": 4.0}), SADDLE, SADDLE_X0, 1).loss[1] <= -1


def test_sgd_grows_y_by_one_plus_two_eta_per_step():
    tr = ol.run(ol.sgd(SADDLE_LR), SADDLE, SADDLE_X0, 20)
    np.testing.assert_allclose(tr.x[1:, 1] / tr.x[:-1, 1], 1 + 2 * SADDLE_LR)
    np.testing.assert_allclose(tr.x[1:, 0] / tr.x[:-1, 0], 1 - 2 * SADDLE_LR)


def test_who_escapes_the_saddle_at_a_common_step(tuned):
    races = ol.race(tuned, SADDLE, SADDLE_X0, SADDLE_STEPS, landscape="saddle")
    escaped = {label: bool(np.any(tr.loss <= -1)) for label, tr in races.items()}
    assert escaped == {"SGD": False, "Momentum": True, "Nesterov": True, "Adagrad": False,
                       "RMSprop": True, "Adam": True}
    # the adaptive methods head off diagonally at once: their first step moves y as much as x
    for label in ("RMSprop", "Adam"):
        step = np.abs(races[label].x[1] - races[label].x[0])
        assert step[1] > 0.9 * step[0]
    sgd_step = np.abs(races["SGD"].x[1] - races["SGD"].x[0])  # SGD's keeps the gradient's ratio
    assert sgd_step[1] / sgd_step[0] == pytest.approx(abs(SADDLE_X0[1] / SADDLE_X0[0]))
    noisy = ol.race(tuned, ol.noisy(SADDLE, SIGMA, 0), SADDLE_X0, SADDLE_STEPS, landscape="saddle")
    assert np.any(noisy["SGD"].loss <= -1)  # noise pushes SGD off the ridge


# ------------------------------------------------------------------- noise


def test_noise_floors_as_the_text_describes(best, floors):
    for name in ("seed 000 bowl", "seed 004 bowl"):
        assert max(floors[name], key=floors[name].get) == "Momentum"
    rot = sorted(floors["rotated bowl"].values())
    assert floors["rotated bowl"]["Momentum"] <= rot[1]  # among the lowest
    clean = {name: _order(best, name)[0] for name in LANDSCAPES}
    noisy = {name: min(floors[name], key=floors[name].get) for name in LANDSCAPES}
    changed = [n for n in LANDSCAPES if clean[n] != noisy[n]]
    ratio = {n: floors[n][clean[n]] / floors[n][noisy[n]] for n in changed}
    assert max(ratio, key=ratio.get) == "Rosenbrock"  # Adam fastest, but far higher with noise
    assert (clean["Rosenbrock"], noisy["Rosenbrock"]) == ("Adam", "Nesterov")
    assert ratio["Rosenbrock"] > 10


def test_heavy_ball_noise_floor_formula_matches_many_seeds(best):
    """The chapter compares the formula with three seeds; with many it agrees closely."""
    bowl, x0, n, _ = LANDSCAPES["seed 004 bowl"]
    lam = np.linalg.eigvalsh(ol.analysis.hessian(bowl))
    for label, beta in (("SGD", 0.0), ("Momentum", 0.9)):
        lr = best["seed 004 bowl"][label]["lr"]
        factory, kw = CONTENDERS[label]
        measured = np.mean([np.mean(ol.run(factory(**{**kw, "lr": lr}), ol.noisy(bowl, SIGMA, s),
                                           x0, n).loss[-n // 2:]) for s in range(40)])
        predicted = ol.analysis.heavy_ball_noise_floor(lr, beta, lam, SIGMA)
        assert measured == pytest.approx(predicted, rel=0.15), label


def test_retuning_under_noise_exercise(best):
    obj, x0, n, _ = LANDSCAPES["seed 004 bowl"]
    noisy = [ol.lr_sweeps(CONTENDERS, ol.noisy(obj, SIGMA, s), x0, n, MULT) for s in SEEDS]
    floor = {label: np.mean([np.mean(sw[label].loss[-n // 4:], axis=0) for sw in noisy], axis=0)
             for label in CONTENDERS}
    choice = {label: MULT[np.nanargmin(f)] for label, f in floor.items()}
    lowest = {label: np.nanmin(f) for label, f in floor.items()}
    for label in CONTENDERS:
        if label != "RMSprop":
            assert choice[label] < best["seed 004 bowl"][label]["lr"], label
    assert min(lowest, key=lowest.get) == "Adagrad"
    # the re-tuned floors are much closer together than the floors at the noise-free steps
    at_clean = [floor[label][MULT == best["seed 004 bowl"][label]["lr"]][0] for label in CONTENDERS]
    assert max(lowest.values()) / min(lowest.values()) < 0.5 * max(at_clean) / min(at_clean)
    assert (choice["Momentum"] <= choice["SGD"] / 4) and (choice["Nesterov"] <= choice["SGD"] / 4)


def test_rmsprop_with_a_longer_memory_settles():
    obj, x0, n, tol = LANDSCAPES["seed 000 bowl"]
    for gamma in (0.99, 0.999):
        sw = ol.lr_sweeps({"RMSprop": (ol.rmsprop, {"lr": 1.0, "gamma": gamma})}, obj, x0, n, MULT)
        b = _best(sw, tol)["RMSprop"]
        assert b["settled"] and b["steps"] < 50, gamma  # "settles, and fast"


def test_rosenbrock_budget_and_tolerance_exercise():
    obj, x0, n, tol = LANDSCAPES["Rosenbrock"]
    loose = _best(ol.lr_sweeps(CONTENDERS, obj, x0, n, MULT), 100 * tol)
    assert min(loose, key=lambda lbl: loose[lbl]["steps"] if loose[lbl]["settled"] else np.inf) \
        == "Nesterov"
    short = _best(ol.lr_sweeps(CONTENDERS, obj, x0, n // 2, MULT), tol)
    assert [lbl for lbl, b in short.items() if b["settled"]] == ["Adam"]


# -------------------------------------------------------------------- the panel


def test_the_panel_stays_light(tuned):
    landscapes = {name: (obj, x0) for name, (obj, x0, _, _) in LANDSCAPES.items()}
    landscapes["saddle"] = (SADDLE, SADDLE_X0)
    panel = ol.comparison_panel(tuned, landscapes, 60, scales=(0.25, 0.5, 1.0, 2.0),
                                noise=(0.0, SIGMA))
    html = panel.static_html("cmp")
    assert len(html.encode()) < 900_000  # the page around it adds ~130 kB
    assert html.count('data-recipe=') == 1
