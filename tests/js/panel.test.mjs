// The slider panels' pure page code (node --test tests/js/): numbers written as optimlab
// writes them, the sliders' positions, the chart's geometry and what it draws, the
// status line and the state list. tests/unit/test_page_format.py checks the formatting
// against Python on thousands of numbers more.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { run } from '../../assets/engine/index.js';
import { chartData, frame, tickStep, ticks } from '../../assets/panel/axes.js';
import { formatE, formatG, number, point, readout, stateRows } from '../../assets/panel/format.js';
import { LINEAR_POSITIONS, PER_DECADE, linearStep, nearest, parseValue, positions }
  from '../../assets/panel/slider.js';

const BOWL = { kind: 'diagonal', a: [0.2, 10], dim: 2, domain: null, noise: 0, seed: 0,
  noise_rows: null };

test('numbers are written as optimlab._format.number writes them (from Python)', () => {
  const python = [[0.5, '0.5'], [1e-08, '1.0e-08'], [1.125, '1.12'], [0.03125, '0.0312'],
    [1125.0, '1.12e+03'], [0.00025, '2.5e-04'], [-0.0, '-0'], [0.0, '0'],
    [1234567.0, '1.23e+06'], [999.5, '1e+03'], [0.0009995, '1.0e-03'], [0.001, '0.001'],
    [0.0009999, '1.0e-03'], [0.2375, '0.237'], [12.5, '12.5'], [0.000125, '1.3e-04'],
    [-3.14159, '-3.14'], [1e+22, '1e+22'], [5e-324, '4.9e-324'], [0.0625, '0.0625'],
    [0.15, '0.15'], [2.675, '2.67'], [-2.5e-05, '-2.5e-05'], [100.0, '100'], [1e+16, '1e+16'],
    [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf']];
  for (const [v, text] of python) assert.equal(number(v), text, String(v));
});

test('.3g and .1e as Python: ties to even, exponents of two digits at least', () => {
  const g = [[1.125, '1.12'], [0.03125, '0.0312'], [1125.0, '1.12e+03'], [0.0001, '0.0001'],
    [0.00012345, '0.000123'], [123456.0, '1.23e+05'], [1e-05, '1e-05'], [-0.0, '-0']];
  for (const [v, text] of g) assert.equal(formatG(v), text, String(v));
  const e = [[1.25, '1.2e+00'], [0.00025, '2.5e-04'], [3.5e-07, '3.5e-07'], [9.96e-05, '1.0e-04'],
    [-1e-300, '-1.0e-300'], [0.0, '0.0e+00']];
  for (const [v, text] of e) assert.equal(formatE(v), text, String(v));
  // JavaScript alone rounds these ties away from zero
  assert.equal((1.125).toPrecision(3), '1.13');
  assert.equal(formatG(1.375), '1.38'); // a tie whose lower digit is odd rounds up
  assert.equal(formatG(9.995), '9.99'); // not a tie: 9.995 is below 9.995 as a double
  assert.equal(formatG(99.95), '100'); // nor is 99.95, which is above
  assert.equal(formatG(0.5, 1), '0.5');
  assert.equal(point([-10, 1.5]), '(-10, 1.5)');
});

test('the status line is Panel.readout for a run of t steps', () => {
  const r = run({ name: 'rmsprop', lr: 0.5, gamma: 0.9, eps: 1e-8 }, BOWL, [-10, 1.5], 50);
  // Python: <SliderPanel: after 50 steps: x = (-1.9e-08, 0.238), f(x) = 0.283>
  assert.equal(readout(r), 'after 50 steps: x = (-1.9e-08, 0.238), f(x) = 0.283');
  assert.equal(readout(r, 0), 'after 0 steps: x = (-10, 1.5), f(x) = 21.2'); // f = 21.25 exactly: a tie, to even
  assert.equal((21.25).toPrecision(3), '21.3');
  const blown = run({ name: 'sgd', lr: 0.25 }, BOWL, [-10, 1.5], 100);
  assert.equal(readout(blown), `diverged at step ${blown.divergedAt}`);
  assert.equal(readout(blown, blown.divergedAt - 1).startsWith(`after ${blown.divergedAt - 1} steps`), true);
});

test('the state list: every field but t, then the effective step of step t', () => {
  const r = run({ name: 'adam', lr: 0.5 }, BOWL, [-10, 1.5], 5);
  const rows = stateRows(r, 3);
  assert.deepEqual(rows.map((row) => row.key), ['m', 's', 'm_hat', 's_hat', 'effective']);
  assert.deepEqual(rows.map((row) => row.label), ['mₜ', 'sₜ', 'm̂ₜ', 'ŝₜ', 'aₜ, effective step']);
  assert.deepEqual(rows[0].value, r.states.m[3]);
  assert.deepEqual(rows[4].value, r.effective[2]);
  assert.equal(rows[0].text, point(r.states.m[3]));
  assert.deepEqual(stateRows(r, 0).map((row) => row.key), ['m', 's', 'm_hat', 's_hat']);
  assert.deepEqual(stateRows(run({ name: 'sgd', lr: 0.1 }, BOWL, [1, 1], 3), 2), []);
});

test('a log slider: 100 positions a decade, the chapter value and marks exactly', () => {
  const lr = { lo: 1e-3, hi: 10, log: true, value: 0.15, marks: [0.2, 0.19] };
  const grid = positions(lr);
  assert.equal(grid[0], 1e-3);
  assert.equal(grid.at(-1), 10);
  for (const v of [0.15, 0.2, 0.19]) assert.ok(grid.includes(v), String(v));
  assert.ok(grid.every((v, i) => i === 0 || v > grid[i - 1]), 'increasing');
  assert.ok(Math.abs(grid.length - 4 * PER_DECADE) <= 4);
  // every position but the chapter's own is a short number: what the box shows is run
  assert.ok(grid.every((v) => v === 0.15 || String(v).replace(/^0\.0*/, '').length <= 5));
  const i = grid.indexOf(0.15);
  assert.ok(Math.abs(grid[i + 1] / 0.15 - 10 ** (1 / PER_DECADE)) < 1e-3);
  const eps = positions({ lo: 1e-12, hi: 1, log: true, value: 1e-8 });
  assert.ok(eps.includes(1e-8) && eps.includes(1e-4) && eps.includes(1e-12) && eps.includes(1));
});

test('a linear slider: steps of a power of ten through the chapter value, ends included', () => {
  assert.equal(linearStep(0, 1), 0.001);
  assert.equal(linearStep(0.5, 0.9999), 0.001);
  const gamma = positions({ lo: 0, hi: 1, log: false, value: 0.9 });
  assert.equal(gamma.length, LINEAR_POSITIONS + 1);
  for (const v of [0, 0.5, 0.9, 0.99, 0.999, 1]) assert.ok(gamma.includes(v), String(v));
  const beta2 = positions({ lo: 0.5, hi: 0.9999, log: false, value: 0.999 });
  assert.deepEqual([beta2[0], beta2.at(-2), beta2.at(-1)], [0.5, 0.999, 0.9999]);
  const odd = positions({ lo: 0, hi: 0.99, log: false, value: 0.6 });
  assert.deepEqual([odd[0], odd[600], odd.at(-1)], [0, 0.6, 0.99]);
});

test('a typed value goes to the nearest position; out of range and junk are refused', () => {
  const c = { label: 'step size η', lo: 1e-3, hi: 10, log: true, value: 0.5 };
  const grid = positions(c);
  const i = nearest(grid, 0.123, true);
  assert.ok(Math.abs(Math.log(grid[i] / 0.123)) <= Math.log(10) / (2 * PER_DECADE) + 1e-12);
  assert.equal(nearest(grid, 0.5, true), grid.indexOf(0.5));
  assert.equal(nearest(grid, 1e-9, true), 0);
  assert.equal(nearest(grid, 1e9, true), grid.length - 1);
  assert.equal(nearest([0, 0.5, 1], 0.7, false), 1);
  assert.equal(parseValue(' 0.25 ', c), 0.25);
  assert.equal(parseValue('1e-3', c), 1e-3);
  assert.match(parseValue('50', c).message, /step size η must be in \[0.001, 10\], got 50/);
  assert.match(parseValue('', c).message, /type a number from 0.001 to 10/);
  assert.match(parseValue('abc', c).message, /type a number/);
});

test('the chart frame maps data to SVG and back; ticks are 1, 2 or 5 times a power of ten', () => {
  const f = frame([[-12, 12], [-2, 2]]);
  assert.equal(f.px(-12), f.left);
  assert.equal(f.px(12), f.left + f.width);
  assert.equal(f.py(2), f.top);
  assert.equal(f.py(-2), f.top + f.height);
  for (const x of [-12, -3.7, 0, 11.9]) assert.ok(Math.abs(f.ix(f.px(x)) - x) < 1e-12);
  for (const y of [-2, 0.3, 2]) assert.ok(Math.abs(f.iy(f.py(y)) - y) < 1e-12);
  assert.equal(tickStep(-12, 12, 14), 2);
  assert.equal(tickStep(-2, 2, 7.5), 0.5);
  assert.deepEqual(ticks(-2, 2, 7.5).map((t) => t.text),
    ['−2.0', '−1.5', '−1.0', '−0.5', '0.0', '0.5', '1.0', '1.5', '2.0']);
  assert.deepEqual(ticks(-12, 12, 14).map((t) => t.value), [-12, -10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10, 12]);
  assert.deepEqual(ticks(-0.5, 1.5, 7.5).map((t) => t.text).slice(0, 3), ['−0.4', '−0.2', '0.0']);
});

test('the chart draws x₀ … xₜ, a start circle and an end diamond, or a cross once blown up', () => {
  const r = run({ name: 'sgd', lr: 0.1 }, BOWL, [-10, 1.5], 20);
  const at5 = chartData(r, 5);
  assert.equal(at5.path.length, 6);
  assert.deepEqual(at5.path.map((p) => [p.x, p.y]), r.xs.slice(0, 6));
  assert.deepEqual(at5.ends.map((e) => e.shape), ['circle', 'diamond']);
  assert.deepEqual(chartData(r, 0).ends.map((e) => e.shape), ['circle']);
  const blown = run({ name: 'sgd', lr: 0.25 }, BOWL, [-10, 1.5], 100);
  const all = chartData(blown, 100);
  assert.equal(all.path.length, blown.divergedAt);
  assert.equal(all.ends[1].shape, 'cross');
  assert.deepEqual([all.ends[1].x, all.ends[1].y], blown.xs[blown.divergedAt - 1]);
  assert.equal(chartData(blown, blown.divergedAt - 1).ends[1].shape, 'diamond');
});

test('the comparison panel: lr is the tuned one times the scale; status lines as the readout', async () => {
  const { raceReadout, scaled } = await import('../../assets/panel/race.js');
  const contender = { label: 'SGD', optimizers: { bowl: { name: 'sgd', lr: 0.15 } } };
  assert.deepEqual(scaled(contender, 'bowl', 2), { name: 'sgd', lr: 0.15 * 2 });
  const r = run(scaled(contender, 'bowl', 1), BOWL, [-10, 1.5], 25);
  assert.equal(raceReadout('SGD', r), `SGD: f = ${number(r.loss[25])}`);
  assert.equal(raceReadout('SGD', r, 0), 'SGD: f = 21.2');
  const blown = run(scaled(contender, 'bowl', 2), BOWL, [-10, 1.5], 100);
  assert.equal(raceReadout('SGD', blown), `SGD: diverged at step ${blown.divergedAt}`);
});
