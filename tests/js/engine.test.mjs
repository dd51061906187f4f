// The page engine's own behaviour (node --test tests/js/). That it computes what
// optimlab.run computes, bit for bit, is tests/unit/test_engine_parity.py.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  LANDSCAPES, makeObjective, makeOptimizer, makeRate, oneMinusPower, ratio, run,
} from '../../assets/engine/index.js';

// seed 000's bowl 0.1x² + 5y² from (-10, 1.5), as describe_objective writes it
const BOWL = { kind: 'diagonal', a: [0.2, 10], dim: 2, domain: null, noise: 0, seed: 0,
  noise_rows: null };
const X0 = [-10, 1.5];

test('every optimizer brings a bowl down to its minimum', () => {
  const settings = [{ name: 'sgd', lr: 0.15 }, { name: 'momentum', lr: 0.05, beta: 0.5 },
    { name: 'momentum', lr: 0.05, beta: 0.5, nesterov: true },
    { name: 'adagrad', lr: 1.0 }, { name: 'rmsprop', lr: 0.05, gamma: 0.9 },
    { name: 'adam', lr: 0.3 }, { name: 'adamw', lr: 0.3 }];
  for (const optimizer of settings) {
    const { xs, loss, divergedAt } = run(optimizer, BOWL, X0, 400);
    assert.equal(divergedAt, -1, optimizer.name);
    assert.equal(xs.length, 401);
    assert.ok(loss[400] < 1e-3 * loss[0], `${JSON.stringify(optimizer)}: ${loss[400]}`);
  }
});

test('gradient descent is the closed form on the bowl: x_t = (1 - lr a)^t x_0', () => {
  const { xs } = run({ name: 'sgd', lr: 0.1 }, BOWL, X0, 3);
  assert.deepEqual(xs[1], [-10 - 0.1 * (-10 * 0.2), 1.5 - 0.1 * (1.5 * 10)]);
  assert.deepEqual(xs[3][1], 0); // 1 - 0.1·10 = 0: the steep coordinate is done at once
});

test('a run that blows up is marked diverged, NaN from that step on', () => {
  const { xs, loss, divergedAt, states } = run({ name: 'sgd', lr: 0.25 }, BOWL, X0, 100);
  // y is multiplied by 1 - 0.25·10 = -1.5 per step: the first t with 1.5^(t+1) > blowup (1 + |x0|)
  const firstOver = (blowup) => Math.ceil(Math.log(blowup * (1 + Math.hypot(...X0)) / 1.5) / Math.log(1.5));
  const first = firstOver(1e4);
  assert.equal(divergedAt, first);
  assert.ok(xs.slice(0, first).every((x) => x.every(Number.isFinite)));
  assert.ok(xs.slice(first).every((x) => x.every(Number.isNaN)));
  assert.ok(loss.slice(first).every(Number.isNaN) && Number.isFinite(loss[first - 1]));
  assert.deepEqual(states.t.at(-1), 100); // the state is recorded as computed, unmasked
  assert.equal(run({ name: 'sgd', lr: 0.25 }, BOWL, X0, 100, { blowup: 1 }).divergedAt, firstOver(1));
});

test('0/0 is 0: a zero gradient never moves a coordinate, even with eps = 0', () => {
  assert.equal(ratio(0, 0), 0);
  assert.equal(ratio(-0, 0), 0);
  assert.equal(ratio(1, 0), Infinity);
  for (const optimizer of [{ name: 'adagrad', lr: 0.5, eps: 0 },
    { name: 'rmsprop', lr: 0.5, eps: 0, centered: true },
    { name: 'adam', lr: 0.5, eps: 0 }, { name: 'adam', lr: 0.5, eps: 0, eps_placement: 'hat' }]) {
    const { xs, divergedAt } = run(optimizer, BOWL, [0, 1.5], 20);
    assert.equal(divergedAt, -1, optimizer.name);
    assert.ok(xs.every((x) => x[0] === 0), `${optimizer.name} moved x from 0`);
  }
  // a nonzero gradient over a zero denominator: the run reports it as diverged
  const underflow = run({ name: 'rmsprop', lr: 0.5, gamma: 1, eps: 0 }, BOWL, X0, 3);
  assert.equal(underflow.divergedAt, 1);
});

test('the state at every step: fields, bias-corrected moments, effective step', () => {
  const r = run({ name: 'adam', lr: 0.5, beta1: 0.9, beta2: 0.999, amsgrad: true }, BOWL, X0, 5);
  assert.deepEqual(Object.keys(r.states).sort(), ['m', 'm_hat', 's', 's_hat', 's_max', 't']);
  assert.deepEqual(r.states.t, [0, 1, 2, 3, 4, 5]);
  const g = [-10 * 0.2, 1.5 * 10];
  assert.deepEqual(r.states.m[1], g.map((gj) => 0.9 * 0 + (1 - 0.9) * gj));
  assert.deepEqual(r.states.m_hat[1], r.states.m[1].map((mj) => mj / (1 - 0.9)));
  assert.equal(r.effective.length, 5);
  // at step 1 Adam moves every coordinate by about lr: |x1 - x0| = lr · m̂/(√ŝ + ε) ≈ lr
  r.xs[1].forEach((xj, j) => assert.ok(Math.abs(Math.abs(xj - X0[j]) - 0.5) < 1e-6));
  assert.equal(run({ name: 'sgd', lr: 0.1 }, BOWL, X0, 5).effective, null);
  const rms = run({ name: 'rmsprop', lr: 0.1, momentum: 0.5, centered: true }, BOWL, X0, 2);
  assert.deepEqual(Object.keys(rms.states).sort(), ['m', 's', 't', 'v']);
  assert.deepEqual(Object.keys(run({ name: 'rmsprop', lr: 0.1 }, BOWL, X0, 2).states).sort(),
    ['s', 't']);
});

test('1 - beta^t without Math.pow: exact where it can be, and restartable', () => {
  const gap = oneMinusPower(0.9);
  assert.equal(gap(1), 1 - 0.9);
  assert.equal(gap(2), 1 - 0.9 * 0.9); // 0.81 rounded once: the correctly rounded square
  assert.equal(gap(0), 0);
  const again = oneMinusPower(0.9);
  const later = [5, 6, 7].map((t) => again(t));
  assert.deepEqual([3, 5, 6, 7].map((t) => gap(t)).slice(1), later);
  assert.equal(oneMinusPower(0)(3), 1);
  assert.equal(oneMinusPower(0.5)(2000), 1); // 0.5^2000 underflows long before; stays 1
});

test('the noise rows are added as given, sigma times the row of step t', () => {
  const noisy = { ...BOWL, noise: 0.5, seed: 0, noise_rows: [[1, -2], [0.25, 4]] };
  const { xs } = run({ name: 'sgd', lr: 0.1 }, noisy, X0, 2);
  assert.deepEqual(xs[1], [-10 - 0.1 * (-2 + 0.5 * 1), 1.5 - 0.1 * (15 + 0.5 * -2)]);
  assert.throws(() => run({ name: 'sgd', lr: 0.1 }, noisy, X0, 3), /noise_rows has 2 rows/);
});

test('a domain clips every iterate (Reddi et al.\'s online problem on [-1, 1])', () => {
  const reddi = { kind: 'reddi_online', C: 3, dim: 1, domain: [[-1, 1]], noise: 0 };
  const { xs } = run({ name: 'sgd', lr: 1 }, reddi, [0.5], 6);
  assert.deepEqual(xs.map(([x]) => x), [0.5, -1, 0, 1, -1, 0, 1]);
});

test('every landscape kind runs', () => {
  const specs = {
    diagonal: BOWL, quadratic: { kind: 'quadratic', A: [[4.2, -3.8], [-3.8, 4.2]], dim: 2 },
    shifted_bowl: { kind: 'shifted_bowl', a: [0.2, 10], center: [1, 1], dim: 2 },
    rosenbrock: { kind: 'rosenbrock', a: 1, b: 100, dim: 2 }, beale: { kind: 'beale', dim: 2 },
    least_squares_1d: { kind: 'least_squares_1d', x: 2, y: 4, c: 0.5, dim: 1 },
    reddi_online: { kind: 'reddi_online', C: 3, dim: 1, domain: [[-1, 1]] },
  };
  assert.deepEqual(Object.keys(specs).sort(), [...LANDSCAPES].sort());
  for (const spec of Object.values(specs)) {
    const obj = makeObjective(spec);
    const x0 = new Array(obj.dim).fill(0.5);
    const { loss } = run({ name: 'adam', lr: 0.01 }, spec, x0, 50);
    assert.ok(loss[50] < loss[0], spec.kind);
  }
  assert.ok(makeObjective(specs.beale).gradient([3, 0.5], 0).every((g) => g === 0)); // minimum
});

test('nothing is mutated: the same run twice gives the same numbers', () => {
  const optimizer = { name: 'rmsprop', lr: 0.5, gamma: 0.9, centered: true, momentum: 0.5 };
  const x0 = [...X0];
  const first = run(optimizer, BOWL, x0, 50);
  assert.deepEqual(x0, X0);
  assert.deepEqual(run(optimizer, BOWL, x0, 50), first);
  const opt = makeOptimizer({ name: 'adam', lr: 0.1 });
  const state = opt.init(2);
  const copy = JSON.parse(JSON.stringify(state));
  opt.step([1, 2], [3, 4], state);
  assert.deepEqual(state, copy);
});

test('bad input throws an Error that names the argument', () => {
  const cases = [
    [() => run({ name: 'sgd', lr: -1 }, BOWL, X0, 5), RangeError, /lr must be in \(0, inf\), got lr=-1/],
    [() => run({ name: 'sgd' }, BOWL, X0, 5), TypeError, /lr must be a finite number, got lr=undefined/],
    [() => run({ name: 'sgd', lr: '0.1' }, BOWL, X0, 5), TypeError, /lr must be a finite number/],
    [() => run({ name: 'lion', lr: 0.1 }, BOWL, X0, 5), RangeError, /optimizer.name must be one of/],
    [() => run({ name: 'adam', lr: 0.1, beta: 0.9 }, BOWL, X0, 5), RangeError, /adam has no option "beta"/],
    [() => run({ name: 'adam', lr: 0.1, beta1: 1 }, BOWL, X0, 5), RangeError, /beta1 must be in \[0, 1\)/],
    [() => run({ name: 'rmsprop', lr: 0.1, gamma: 1.5 }, BOWL, X0, 5), RangeError, /gamma must be in \[0, 1\]/],
    [() => run({ name: 'adagrad', lr: 0.1, eps_placement: 'hat' }, BOWL, X0, 5), RangeError, /eps_placement must be one of "inside", "outside"/],
    [() => run({ name: 'rmsprop', lr: 0.1, centered: 'yes' }, BOWL, X0, 5), TypeError, /centered must be true or false/],
    [() => run({ name: 'momentum', lr: 0.1, nesterov: true, dampening: 0.5 }, BOWL, X0, 5), RangeError, /nesterov=true needs dampening=0/],
    [() => run({ name: 'adam', lr: 0.1, eps_placement: 'hat', amsgrad: true, amsgrad_max: 'corrected' }, BOWL, X0, 5), RangeError, /amsgrad_max='raw'/],
    [() => run({ name: 'sgd', lr: 0.1 }, BOWL, [1, 2, 3], 5), TypeError, /x0 must be an array of 2 numbers/],
    [() => run({ name: 'sgd', lr: 0.1 }, BOWL, [1, NaN], 5), TypeError, /x0\[1\] must be a finite number/],
    [() => run({ name: 'sgd', lr: 0.1 }, BOWL, X0, 2.5), RangeError, /steps must be an integer/],
    [() => run({ name: 'sgd', lr: 0.1 }, BOWL, X0, 5, { blowup: 0 }), RangeError, /blowup must be in \(0, inf\)/],
    [() => run({ name: 'sgd', lr: 0.1 }, { kind: 'rastrigin' }, X0, 5), RangeError, /objective.kind must be one of/],
    [() => run({ name: 'sgd', lr: 0.1 }, { ...BOWL, a: [1] }, X0, 5), TypeError, /objective.a must be an array of 2 numbers/],
    [() => run({ name: 'sgd', lr: 0.1 }, { ...BOWL, noise: 1 }, X0, 5), TypeError, /objective.noise_rows must be an array/],
    [() => run({ name: 'sgd', lr: 0.1 }, { ...BOWL, sigma: 1 }, X0, 5), RangeError, /objective \(diagonal\) has no option "sigma"/],
    [() => run(null, BOWL, X0, 5), TypeError, /optimizer must be a description object/],
  ];
  for (const [call, kind, message] of cases) assert.throws(call, (err) => err instanceof kind && message.test(err.message), String(message));
});

test('a schedule gives eta_t at the step count t, the first step at t = 0', () => {
  const cosine = { kind: 'cosine', lr: 0.5, T: 10, final: 0, after_T: 'hold' };
  const rate = makeRate(cosine);
  assert.equal(rate(0), 0.5);
  assert.equal(rate(10), 0);
  assert.equal(rate(25), 0); // held after T
  assert.equal(makeRate({ ...cosine, after_T: 'periodic' })(20), 0.5);
  const warm = makeRate({ kind: 'warmup', schedule: cosine, steps: 4, start: 0 });
  assert.deepEqual([0, 1, 2, 3, 4].map(warm), [0, 0.125, 0.25, 0.375, 0.5]);
  // SGD reads the rate at the step's starting count: x₁ = x₀ − η₀g₀, x₂ = x₁ − η₁g₁
  const { xs } = run({ name: 'sgd', lr: { kind: 'inverse_sqrt', lr: 0.1, offset: 1 } },
    BOWL, X0, 2);
  assert.equal(xs[1][0], X0[0] - 0.1 * (0.2 * X0[0]));
  assert.equal(xs[2][0], xs[1][0] - (0.1 / Math.sqrt(2)) * (0.2 * xs[1][0]));
});

test('a bad schedule throws an Error naming the parameter', () => {
  assert.throws(() => makeRate({ kind: 'cosine', lr: 0.1, T: -1, final: 0, after_T: 'hold' }),
    /T must be in \(0, inf\), got T=-1/);
  assert.throws(() => makeRate({ kind: 'sawtooth', lr: 0.1 }), /lr.kind must be one of/);
  assert.throws(() => makeRate({ kind: 'warmup', schedule: 'x', steps: 2, start: 0 }),
    /schedule must be a finite number/);
  assert.throws(() => makeOptimizer({ name: 'sgd', lr: { kind: 'one_cycle', lr: 1, T: 2,
    pct_start: 0.1, div_factor: 25, final_div_factor: 1e4, anneal: 'cos',
    phase_ends: 'exact' } }), /pct_start \* T must be at least 1/);
});

test('the rest of the family: Adadelta, Adamax, NAdam and Yogi', () => {
  // (Adadelta, not here: its steps start at √ε and grow like √t, so it crawls; below)
  for (const optimizer of [{ name: 'adamax', lr: 0.3 },
    { name: 'nadam', lr: 0.3 }, { name: 'nadam', lr: 0.3, momentum_decay: 'inf' },
    { name: 'yogi', lr: 0.3 }]) {
    const { loss, divergedAt } = run(optimizer, BOWL, X0, 400);
    assert.equal(divergedAt, -1, optimizer.name);
    assert.ok(loss[400] < 1e-2 * loss[0], `${JSON.stringify(optimizer)}: ${loss[400]}`);
  }
  // Adadelta's first step is √ε g / √((1 − ρ)g² + ε), whatever η scales it by
  const ada = run({ name: 'adadelta', lr: 1, rho: 0.9, eps: 1e-6 }, BOWL, X0, 1);
  const g = [-10 * 0.2, 1.5 * 10];
  ada.xs[1].forEach((xj, j) => assert.equal(
    xj, X0[j] - (Math.sqrt(1e-6) * g[j]) / Math.sqrt((1 - 0.9) * (g[j] * g[j]) + 1e-6)));
  // Adamax with β₂ = 1 never moves a coordinate by more than η
  const mx = run({ name: 'adamax', lr: 0.2, beta2: 1, eps: 0 }, BOWL, X0, 200);
  mx.xs.slice(1).forEach((x, t) => x.forEach((xj, j) =>
    assert.ok(Math.abs(xj - mx.xs[t][j]) <= 0.2 * (1 + 1e-15))));
  // Yogi's s moves by at most (1 − β₂)g² a step; Adam's by (1 − β₂)|s − g²|
  const yg = run({ name: 'yogi', lr: 0.1, initial_accumulator: 100 }, BOWL, X0, 3);
  assert.equal(yg.states.s[1][0], 100 - (1 - 0.999) * (g[0] * g[0]));
  // ψ = ∞ is no schedule: μ = β₁ every step, and ∞ is written "inf" (JSON has no ∞)
  const nd = run({ name: 'nadam', lr: 0.1, momentum_decay: 'inf' }, BOWL, X0, 3);
  assert.deepEqual(nd.states.mu_prod.map((p) => p[0]), [1, 0.9, 0.9 * 0.9, 0.9 * 0.9 * 0.9]);
  assert.throws(() => makeOptimizer({ name: 'nadam', lr: 0.1, momentum_decay: -1 }),
    /momentum_decay must be in \[0, inf\), got momentum_decay=-1/);
  assert.throws(() => makeOptimizer({ name: 'adamax', lr: 0.1, eps_placement: 'inside' }),
    /eps_placement must be one of "in_max", "outside_max"/);
  assert.throws(() => makeOptimizer({ name: 'adadelta', rho: 2 }), /rho must be in \[0, 1\]/);
});
