"""The page engine (``assets/engine``) computes what ``optimlab.run`` computes.

Every optimizer with every option, hyperparameters anywhere in the sliders' ranges
(``widgets.CONTROLS``, corners included), every landscape of a chapter's panel with and
without gradient noise, plus the shifted bowl and the 1-D problems (one of them with a
domain the run clips into): the JavaScript run of ``describe_optimizer`` and
``describe_objective`` matches ``optimlab.run`` in every iterate, loss, state field and
effective step to ``numerics.RTOL`` (both sides do the same IEEE 754 operations in the
same order, so in fact to the last bit), with the same ``diverged_at``.

One node process (``tests/js/engine_server.mjs``) serves the whole module. Without node
the tests fail: the page engine is part of the book.
"""
from __future__ import annotations

import ast
import itertools
import json
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import objectives
from optimlab.engine import describe_objective, describe_optimizer
from optimlab.optimizers import ADAPTIVE, OneMinusPower, effective_step
from optimlab.widgets import CONTROLS

from numerics import assert_close

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "js" / "engine_server.mjs"
EXAMPLES = 300  # per optimizer


# ------------------------------------------------------------------ the engine process

class Engine:
    """The page engine in one node process, one JSON line per run each way."""

    def __init__(self):
        node = shutil.which("node")
        if node is None:
            pytest.fail("node (Node.js) is not installed, and the page engine needs it: "
                        "install Node.js 18 or later (make test does)")
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([node, str(SERVER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     bufsize=1, cwd=ROOT)
        self.calls = 0

    def run(self, optimizer: dict, objective: dict, x0, steps: int, blowup: float) -> dict:
        return self._call({"optimizer": optimizer, "objective": objective,
                           "x0": [float(v) for v in x0], "steps": steps, "blowup": blowup})

    def _call(self, request: dict):
        self.calls += 1
        request = {"id": self.calls, **request}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            self.log.seek(0)
            pytest.fail(f"the engine process stopped:\n{self.log.read()}")
        reply = json.loads(line)
        assert reply["id"] == self.calls
        assert reply["ok"], f"the engine refused {request}: {reply['error']}"
        return reply["result"]

    def mu(self, beta1: float, psi, steps: int) -> list:
        """The engine's NAdam momentum μₜ for t = 1 .. steps."""
        return self._call({"mu": {"beta1": beta1, "psi": psi}, "steps": steps})

    def positions(self, control: dict) -> list:
        """The page slider's positions of a control (``positions`` in slider.js)."""
        return self._call({"positions": control})

    def rates(self, schedule: dict, steps: int) -> list:
        """The engine's ηₜ for t = 0 .. steps − 1 of a schedule's description."""
        return self._call({"rates": schedule, "steps": steps})

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def engine():
    server = Engine()
    yield server
    server.close()


# ------------------------------------------------------------------ the comparison

def _hats(opt, states):
    """Adam's m̂ₜ and ŝₜ (the second moment the step divides by) from the recorded states,
    0 before the first step (0/0 = 0)."""
    hp = opt.hyperparams
    corrected = hp.get("bias_correction", True)
    gap1, gap2 = OneMinusPower(hp["beta1"]), OneMinusPower(hp["beta2"])
    m_hat, s_hat = np.zeros_like(states.m), np.zeros_like(states.s)
    s = states.s if states.s_max is None else states.s_max
    for t in states.t[1:]:
        bc1, bc2 = (gap1(t), gap2(t)) if corrected else (1.0, 1.0)
        m_hat[t] = states.m[t] / bc1
        s_hat[t] = s[t] if hp.get("amsgrad_max") == "corrected" else s[t] / bc2
    return m_hat, s_hat


def assert_same_run(js: dict, tr, label: str = ""):
    """The engine's run equals optimlab's: iterates, losses, states, effective steps."""
    opt, d = tr.optimizer, tr.x.shape[-1]
    assert js["divergedAt"] == int(tr.diverged_at), f"diverged_at {label}"
    assert_close(np.array(js["xs"], dtype=float), tr.x, err_msg=f"xs {label}")
    assert_close(np.array(js["loss"], dtype=float), tr.loss, err_msg=f"loss {label}")
    fields = {k: v for k, v in tr.states._asdict().items() if v is not None}
    with np.errstate(all="ignore"):  # a diverged run's states overflow
        if opt.name in ("Adam", "AdamW"):
            fields["m_hat"], fields["s_hat"] = _hats(opt, tr.states)
        effective = (effective_step(opt, tr.states).reshape(-1, d)
                     if opt.name in ADAPTIVE else None)
    assert sorted(js["states"]) == sorted(fields), f"state fields {label}"
    assert js["states"]["t"] == fields.pop("t").tolist(), f"t {label}"
    for key, value in fields.items():
        assert_close(np.array(js["states"][key], dtype=float), value, err_msg=f"{key} {label}")
    if effective is None:
        assert js["effective"] is None
    else:
        assert_close(np.array(js["effective"], dtype=float).reshape(-1, d), effective,
                     err_msg=f"effective step {label}")


def compare(engine, opt, obj, x0, steps, blowup=1e4):
    tr = ol.run(opt, obj, x0, steps, blowup=blowup)
    js = engine.run(describe_optimizer(opt), describe_objective(obj, steps), x0, steps, blowup)
    assert_same_run(js, tr, f"({opt.label()} on {obj.name} from {list(x0)}, {steps} steps)")
    return js, tr


# ------------------------------------------------------------------ the settings

def log_uniform(lo: float, hi: float):
    """Log-uniform in [lo, hi], with both ends as values of their own."""
    inside = st.floats(math.log10(lo), math.log10(hi)).map(lambda e: min(max(10.0**e, lo), hi))
    return st.one_of(st.sampled_from([lo, hi]), inside)


def uniform(lo: float, hi: float, *corners: float):
    return st.one_of(st.sampled_from([lo, hi, *corners]), st.floats(lo, hi))


def slider(name: str, *corners: float):
    """Anywhere in the range of the chapters' slider for ``name``."""
    c = CONTROLS[name]
    return log_uniform(c.lo, c.hi) if c.log else uniform(c.lo, c.hi, *corners)


LR = slider("lr")
EPS = st.one_of(slider("eps"), st.just(0.0))  # eps = 0: 0/0 and x/0 happen
DECAY = st.one_of(st.just(0.0), log_uniform(1e-4, 1.0))


@st.composite
def momentum(draw, lr=LR):
    nesterov = draw(st.booleans())
    dampening = 0.0 if nesterov else draw(st.one_of(st.just(0.0), uniform(0.0, 0.99, 0.9)))
    return ol.momentum(draw(lr), draw(slider("beta")), dampening=dampening, nesterov=nesterov,
                       first_step=draw(st.sampled_from(["zero", "grad"])),
                       lr_in_buffer=draw(st.booleans()))


@st.composite
def adagrad(draw, lr=LR):
    return ol.adagrad(draw(lr), draw(EPS),
                      eps_placement=draw(st.sampled_from(["inside", "outside"])),
                      initial_accumulator=draw(uniform(0.0, 1.0, 0.1)))


@st.composite
def rmsprop(draw, lr=LR):
    return ol.rmsprop(draw(lr), draw(slider("gamma", 0.9, 0.99)), draw(EPS),
                      eps_placement=draw(st.sampled_from(["inside", "outside"])),
                      centered=draw(st.booleans()),
                      momentum=draw(st.one_of(st.just(0.0), slider("momentum"))),
                      lr_in_buffer=draw(st.booleans()))


@st.composite
def adam(draw, decoupled=False, lr=LR):
    placement = draw(st.sampled_from(["outside", "inside", "hat"]))
    amsgrad = draw(st.booleans())
    maximum = "raw" if placement == "hat" else draw(st.sampled_from(["raw", "corrected"]))
    common = {"eps_placement": placement, "amsgrad": amsgrad, "amsgrad_max": maximum}
    lr, b1, b2, eps = draw(lr), draw(slider("beta1", 0.9)), draw(slider("beta2", 0.999)), draw(EPS)
    if decoupled:
        return ol.adamw(lr, b1, b2, eps, draw(DECAY), **common)
    return ol.adam(lr, b1, b2, eps, bias_correction=draw(st.booleans()),
                   weight_decay=draw(DECAY), **common)


@st.composite
def adadelta(draw, lr=LR):
    lr = st.one_of(st.just(1.0), lr) if lr is LR else lr  # η = 1: Zeiler's, PyTorch's
    return ol.adadelta(draw(lr), draw(slider("rho", 0.9, 0.95)),
                       draw(EPS), weight_decay=draw(DECAY))


@st.composite
def adamax(draw, lr=LR):
    return ol.adamax(draw(lr), draw(slider("beta1", 0.9)), draw(slider("beta2", 0.999)),
                     draw(EPS), eps_placement=draw(st.sampled_from(["in_max", "outside_max"])),
                     weight_decay=draw(DECAY))


# NAdam's ψ: ψ = ∞ (optax's, no schedule) and ψ = 0 (μ = β₁/2) need no power, so their
# runs match to the last bit. For 0 < ψ < ∞, 0.96^(tψ) comes from V8's and the C library's
# pow, which differ in the last bit for about one value in sixteen, and a run that expands
# magnifies that without bound: μₜ itself is checked for those ψ (PyTorch's 4e-3, Keras's
# 1, and any other) in test_nadam_momentum_matches, and the chapter's NAdam panel, with
# PyTorch's ψ, in test_every_panel_landscape_and_optimizer_runs_in_the_engine.
PSI = st.sampled_from([math.inf, 0.0])


@st.composite
def nadam(draw, lr=LR):
    return ol.nadam(draw(lr), draw(slider("beta1", 0.9)), draw(slider("beta2", 0.999)),
                    draw(EPS), momentum_decay=draw(PSI), weight_decay=draw(DECAY),
                    decoupled_weight_decay=draw(st.booleans()))


@settings(max_examples=EXAMPLES, deadline=None)
@given(beta1=slider("beta1", 0.9),
       psi=st.one_of(st.sampled_from([4e-3, 1.0, math.inf, 0.0]), log_uniform(1e-4, 10.0)),
       steps=st.integers(1, 2000))
def test_nadam_momentum_matches(engine, beta1, psi, steps):
    """NAdam's μₜ for t = 1 .. steps: the engine's 0.96^(tψ) is the browser's pow, which
    may differ from numpy's in the last bit: relative RTOL."""
    from optimlab.optimizers import nadam_momentum

    mu = engine.mu(beta1, "inf" if math.isinf(psi) else psi, steps)
    assert_close(np.array(mu), nadam_momentum(beta1, psi, np.arange(1.0, steps + 1)))


def test_nadam_with_a_momentum_schedule_matches_where_runs_settle(engine):
    """PyTorch's and Keras's ψ on runs that settle: to RTOL (not bit for bit, above)."""
    for psi in (4e-3, 1.0):
        for obj, x0 in ((ol.rotated_bowl(), [-5.0, -2.0]), (ol.rosenbrock(), [-1.2, 1.0])):
            compare(engine, ol.nadam(0.05, momentum_decay=psi), obj, x0, 500)


@st.composite
def yogi(draw, lr=LR):
    return ol.yogi(draw(lr), draw(slider("beta1", 0.9)), draw(slider("beta2", 0.999)),
                   draw(st.one_of(st.just(1e-3), EPS)),
                   initial_accumulator=draw(st.one_of(st.just(1e-6), uniform(0.0, 1.0))),
                   initial_m=draw(st.one_of(st.just(0.0), st.just(1e-6), uniform(-1.0, 1.0))))


OPTIMIZERS = {"sgd": LR.map(ol.sgd), "momentum": momentum(), "adagrad": adagrad(),
              "rmsprop": rmsprop(), "adam": adam(), "adamw": adam(decoupled=True),
              "adadelta": adadelta(), "adamax": adamax(), "nadam": nadam(), "yogi": yogi()}

# the panels' landscapes (objectives.LANDSCAPES), the adam chapter's shifted bowl, the 1-D
# problems; Reddi et al.'s has a domain that every iterate is clipped into
LANDSCAPES = {**{name: make() for name, make in objectives.LANDSCAPES.items()},
              "shifted_bowl": objectives.shifted_bowl([0.2, 10.0], [1.0, 1.0],
                                                      bounds=((-0.5, 1.5), (-0.5, 1.5))),
              "least_squares_1d": ol.least_squares_1d(),
              "least_squares_1d_full": ol.least_squares_1d(half=False),
              "reddi_online": ol.reddi_online()}


@st.composite
def landscape(draw):
    obj = LANDSCAPES[draw(st.sampled_from(sorted(LANDSCAPES)))]
    sigma = draw(st.one_of(st.sampled_from([0.0, 0.0, 1.0]), st.floats(0.01, 3.0)))
    x0 = [draw(uniform(lo, hi)) for lo, hi in obj.bounds]
    obj = ol.noisy(obj, sigma, draw(st.integers(0, 3))) if sigma else obj
    return obj, x0


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_engine_computes_what_run_computes(engine, name, data):
    opt = data.draw(OPTIMIZERS[name], label="optimizer")
    obj, x0 = data.draw(landscape(), label="landscape, x0")
    steps = data.draw(st.integers(0, 80), label="steps")  # long runs: the test below
    blowup = data.draw(st.sampled_from([1e4, 1e4, 1e4, 10.0, 1.0]), label="blowup")
    compare(engine, opt, obj, x0, steps, blowup)


def test_runs_that_never_settle_match_to_the_end(engine):
    """The restless runs, where a last-bit difference would grow into a visible one:
    RMSprop at γ = 0.9 on the rotated bowl, momentum on the boundary of stability, Adam
    with a tiny ε on Beale, each for the comparison chapter's 1000-step budget."""
    runs = [(ol.rmsprop(0.5, 0.9), ol.rotated_bowl(), [-5.0, -2.0]),
            (ol.momentum(0.3, 0.5), ol.seed000_bowl(), [-10.0, 1.5]),
            (ol.adam(0.1, eps=1e-12), ol.beale(), [1.0, 1.5]),
            (ol.adam(1.0, 0.99, 0.9999, eps_placement="hat", amsgrad=True), ol.rosenbrock(),
             [-1.2, 1.0]),
            (ol.rmsprop(0.05, 0.99, centered=True, momentum=0.9), ol.noisy(ol.saddle(), 1.0),
             [-1.0, 1e-3])]
    for opt, obj, x0 in runs:
        js, tr = compare(engine, opt, obj, x0, 1000)
        assert js["xs"] == tr.x.tolist()  # bit for bit, where nothing is NaN


# ------------------------------------------------------------------ every panel's landscape

PANELS = ("slider_panel", "comparison_panel")


def _cells(path: Path):
    """The code of a chapter's code cells, in order (without their YAML options)."""
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.M | re.S):
        body = m.group(1)
        if body.startswith("---\n"):
            body = body.split("\n---\n", 1)[1]
        yield re.sub(r"\A(?::[\w-]+:.*\n)+", "", body)  # short-form options, ":tags: [...]"


def _panel_calls(path: Path):
    """Each panel call of a chapter with the assignments made before it (name -> node)."""
    assigned, calls = {}, []
    for cell in _cells(path):
        for stmt in ast.parse(cell).body:
            for node in ast.walk(stmt):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in PANELS):
                    calls.append((node, dict(assigned)))
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
                if isinstance(target, ast.Name):
                    assigned[target.id] = value
                elif (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                      and len(target.elts) == len(value.elts)):
                    assigned.update((t.id, v) for t, v in zip(target.elts, value.elts)
                                    if isinstance(t, ast.Name))
    return calls


def _evaluate(node, assigned: dict, namespace: dict, depth: int = 0):
    """``node`` evaluated with ``np`` and ``ol``, names resolved through the chapter's
    earlier assignments."""
    code = compile(ast.Expression(node), "<chapter>", "eval")
    while True:
        try:
            return eval(code, namespace)
        except NameError as err:
            if err.name not in assigned or depth > 20:
                raise
            namespace[err.name] = _evaluate(assigned[err.name], assigned, namespace, depth + 1)


def _contenders_node(node, assigned):
    """The comparison chapter tunes lr of its ``contenders`` in a dict comprehension;
    only lr changes, and the engine takes any lr, so the mapping it runs over has the
    panel's factories and options."""
    comp = assigned.get(node.id) if isinstance(node, ast.Name) else None
    if isinstance(comp, ast.DictComp):
        source = comp.generators[0].iter
        assert isinstance(source, ast.Call) and source.func.attr == "items", ast.unparse(comp)
        return source.func.value
    return node


def panel_runs():
    """(chapter, optimizer, objective, x0, steps) for every run a panel of a chapter makes
    at its chapter's values: every menu option, landscape and noise level."""
    out = []
    for path in sorted((ROOT / "book").glob("*.md")):
        calls = _panel_calls(path)
        code = "\n".join(_cells(path))
        assert len(calls) == sum(code.count(f".{p}(") for p in PANELS), path.name
        for call, assigned in calls:
            namespace = {"np": np, "ol": ol}

            def value(node):
                return _evaluate(node, assigned, namespace)

            kw = {k.arg: value(k.value) for k in call.keywords if k.arg not in ("grids", "title")}
            if call.func.attr == "slider_panel":
                panel = ol.slider_panel(*map(value, call.args), **kw)
                for combo in itertools.product(*panel.menus.values()):
                    opt = panel.optimizer(**dict(zip(panel.menus, combo)))
                    out.append((path.name, opt, panel.objective, panel.x0, panel.steps))
                continue
            contenders = value(_contenders_node(call.args[0], assigned))
            panel = ol.comparison_panel(contenders, *map(value, call.args[1:]), **kw)
            for name, (obj, x0) in panel.landscapes.items():
                for sigma in panel.noise:
                    noisy = ol.noisy(obj, sigma, panel.seed) if sigma else obj
                    for factory, spec in panel.contenders.values():
                        opt = factory(**{**spec, "lr": 1.0})
                        out.append((path.name, opt, noisy, np.asarray(x0), panel.steps))
    return out


def test_every_panel_landscape_and_optimizer_runs_in_the_engine(engine):
    """A panel added with a landscape or an option the engine lacks fails here."""
    runs = panel_runs()
    chapters = {chapter for chapter, *_ in runs}
    assert {"gradient_descent.md", "momentum.md", "adagrad.md", "rmsprop.md", "adam.md",
            "conventions.md", "comparison.md"} <= chapters
    kinds = set()
    for chapter, opt, obj, x0, steps in runs:
        kinds.add(describe_objective(obj, steps)["kind"])
        compare(engine, opt, obj, x0, steps)
    assert {"diagonal", "quadratic", "rosenbrock", "beale"} <= kinds


# ------------------------------------------------------------------ what is refused

def test_what_the_engine_cannot_run_is_refused_with_its_name():
    with pytest.raises(ValueError, match=r"lr must be a single number .* shape \(2,\)"):
        describe_optimizer(ol.adam([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"computes the schedules .* got lr=<lambda>\(\)"):
        describe_optimizer(ol.sgd(lambda t: 0.1 / (1 + t)))  # a function, not a schedule
    with pytest.raises(ValueError, match=r"cosine's T must be a single number .* shape \(2,\)"):
        describe_optimizer(ol.sgd(ol.schedules.cosine(0.1, [10, 20])))  # a sweep
    with pytest.raises(TypeError, match="optimizer must be an optimlab Optimizer"):
        describe_optimizer(ol.sgd)
    made_up = ol.sgd(0.1)._replace(name="Lion")
    with pytest.raises(ValueError, match="named 'Lion'"):
        describe_optimizer(made_up)
    bowl = ol.seed000_bowl()
    custom = ol.Objective("custom", bowl.f, bowl.grad, 2, None, 0.0, bowl.bounds, "")
    with pytest.raises(ValueError, match="objective 'custom' has no formula"):
        describe_objective(custom, 10)
    with pytest.raises(ValueError, match="at most 2 coordinates"):
        describe_objective(ol.quadratic(np.eye(3)), 10)
    with pytest.raises(ValueError, match="steps must be an integer"):
        describe_objective(bowl, -1)


def test_the_noisy_description_carries_the_runs_own_noise():
    noisy = ol.noisy(ol.beale(), 0.5, seed=3)
    d = describe_objective(noisy, 7)
    assert (d["kind"], d["noise"], d["seed"], len(d["noise_rows"])) == ("beale", 0.5, 3, 7)
    for t in range(7):  # the generator optimlab.run draws from, row for row
        assert d["noise_rows"][t] == np.random.default_rng((3, t)).standard_normal(2).tolist()
    assert json.loads(json.dumps(d)) == d  # JSON-ready
    assert describe_objective(ol.beale(), 7)["noise_rows"] is None
