"""The page writes numbers as optimlab does: ``assets/panel/format.js`` against
``optimlab._format`` and ``Panel.readout``.

The slider panels' status line must be the text of ``Panel.readout`` and the state list
must read as optimlab's numbers, so the page's ``number`` must be Python's
``format(v, ".3g")`` / ``format(v, ".1e")`` to the character: on random doubles of every
magnitude, on exact ties (where JavaScript's own rounding goes away from zero and
Python's to the even digit), at the 1e-3 switch and on zeros and non-finite values.
One node process formats them all.
"""
from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from optimlab import _format
from optimlab.engine import describe_objective, describe_optimizer

ROOT = Path(__file__).resolve().parents[2]
FORMAT = (ROOT / "assets" / "panel" / "format.js").as_uri()
ENGINE = (ROOT / "assets" / "engine" / "index.js").as_uri()

SCRIPT = f"""
import {{ number, readout }} from '{FORMAT}';
import {{ run }} from '{ENGINE}';
let input = '';
process.stdin.on('data', (chunk) => {{ input += chunk; }});
process.stdin.on('end', () => {{
  const {{ values, runs }} = JSON.parse(input, (k, v) => (v === 'NaN' ? NaN : v === 'inf' ? Infinity
    : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));
  const texts = values.map(number);
  const lines = runs.map(([o, f, x0, steps]) => readout(run(o, f, x0, steps)));
  process.stdout.write(JSON.stringify({{ texts, lines }}));
}});
"""


def _node(values, runs=()) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (Node.js) is not installed, and the page needs it: install "
                    "Node.js 18 or later (make test does)")

    def encode(v):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return "-0" if v == 0 and math.copysign(1, v) < 0 else v

    payload = json.dumps({"values": [encode(float(v)) for v in values], "runs": list(runs)})
    out = subprocess.run([node, "--input-type=module", "-e", SCRIPT], input=payload,
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def _ties(rng, n):
    """Doubles exactly halfway between two 3-digit (or 2-digit mantissa) decimals."""
    out = []
    for _ in range(n):
        k = int(rng.integers(-8, 8))
        digits = int(rng.integers(100, 1000)) * 10 + 5  # d.dd5
        value = digits * 2.0**k  # the k-th power of two keeps a 5 ending exactly...
        out.append(value / 10.0 ** (len(str(digits)) - 1))
    # ...or the classic ones, exactly representable: n + 1/2, n + 1/4, n + 1/8, ...
    out += [n + f for n in range(0, 1000, 7) for f in (0.5, 0.25, 0.125, 0.0625, 0.03125)]
    out += [-(x) for x in out[:50]]
    return out


def test_number_is_optimlabs_on_every_kind_of_double():
    rng = np.random.default_rng(7)
    magnitudes = 10.0 ** rng.uniform(-320, 308, 3000)
    signs = rng.choice([-1.0, 1.0], 3000)
    raw = [struct.unpack("<d", struct.pack("<Q", int(b)))[0]
           for b in rng.integers(0, 2**63 - 1, 500, dtype=np.int64)]
    edges = [0.0, -0.0, 1e-3, -1e-3, np.nextafter(1e-3, 0), 9.995e-4, 999.5, 999.4999,
             5e-324, 1.7976931348623157e308, np.nan, np.inf, -np.inf, 0.1, 0.2, 0.3]
    values = [*(magnitudes * signs), *[v for v in raw if math.isfinite(v)], *edges,
              *_ties(rng, 300)]
    texts = _node(values)["texts"]
    bad = [(v, t, _format.number(v)) for v, t in zip(values, texts) if t != _format.number(v)]
    assert not bad, f"{len(bad)} numbers written differently, e.g. {bad[:5]}"


def test_the_status_line_is_the_panels_readout():
    """The page's readout of the engine's run is Panel.readout, diverged runs included."""
    cases = [(ol.rmsprop, ol.seed000_bowl(), [-10.0, 1.5], 50, {"lr": 0.5, "gamma": 0.9}),
             (ol.sgd, ol.seed000_bowl(), [-10.0, 1.5], 50, {"lr": 0.25}),  # diverges
             (ol.adam, ol.rosenbrock(), [-1.5, 2.0], 300, {"lr": 0.1}),
             (ol.momentum, ol.seed004_bowl(), [-5.0, -2.0], 30, {"lr": 0.1, "beta": 0.5}),
             (ol.adagrad, ol.beale(), [1.0, 1.5], 40, {"lr": 0.5, "eps": 1e-8})]
    panels = [ol.slider_panel(f, obj, x0, steps, **kw) for f, obj, x0, steps, kw in cases]
    runs = [(describe_optimizer(p.optimizer()), describe_objective(p.objective, p.steps),
             [float(v) for v in p.x0], p.steps) for p in panels]
    lines = _node([], runs)["lines"]
    assert lines == [p.readout() for p in panels]
    assert lines[1].startswith("diverged at step ")
