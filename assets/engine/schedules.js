// Learning-rate schedules (book/optimlab/schedules.py) for the page engine: makeRate(lr)
// gives t ↦ ηₜ for the step count t = 0, 1, 2, ... (the state's t at the start of the
// step that uses ηₜ). `lr` is a number (a constant) or a description from
// optimlab.engine.describe_optimizer, `{ kind: "cosine", lr: 0.5, T: 100, final: 0,
// after_T: "hold" }`; warm-up wraps another: `{ kind: "warmup", schedule: {...}, steps,
// start }`. Each formula is optimlab's, operation for operation; cos and powers come from
// the platform's Math library, which may differ from numpy's in the last bit. A rate is
// then off by an ulp, and a run inherits that: a contracting run stays within about
// 1e-15, an expanding one magnifies it (tests/unit/test_engine_schedules.py checks the
// rates, and the runs on the engine's own rates).

import * as check from './check.js';

const KINDS = ['constant', 'step_decay', 'exponential', 'inverse_sqrt', 'polynomial', 'cosine',
  'warmup', 'one_cycle'];
const count = (t, begin) => Math.max(t - begin, 0);

/** ηₜ = η. */
function constant({ lr }) {
  check.positive('lr', lr);
  return () => lr;
}

/** ηₜ = η γ^⌊max(t − b, 0) / k⌋. */
function stepDecay({ lr, step_size: k, gamma, begin }) {
  check.positive('lr', lr);
  check.positive('step_size', k);
  check.number('gamma', gamma, { lo: 0, hi: 1, loOpen: true });
  check.nonnegative('begin', begin);
  return (t) => lr * gamma ** Math.floor(count(t, begin) / k);
}

/** ηₜ = η γ^(max(t − b, 0) / k). */
function exponential({ lr, gamma, step_size: k, begin }) {
  check.positive('lr', lr);
  check.number('gamma', gamma, { lo: 0, hi: 1, loOpen: true });
  check.positive('step_size', k);
  check.nonnegative('begin', begin);
  return (t) => lr * gamma ** (count(t, begin) / k);
}

/** ηₜ = η / √(1 + t / c). */
function inverseSqrt({ lr, offset: c }) {
  check.positive('lr', lr);
  check.positive('offset', c);
  return (t) => lr / Math.sqrt(1 + t / c);
}

/** ηₜ = (η − η_end)(1 − min(max(t − b, 0), T) / T)^p + η_end. */
function polynomial({ lr, T, power, end, begin }) {
  check.positive('lr', lr);
  check.positive('T', T);
  check.positive('power', power);
  check.nonnegative('end', end);
  check.nonnegative('begin', begin);
  return (t) => (lr - end) * (1 - Math.min(count(t, begin), T) / T) ** power + end;
}

/** ηₜ = η_final + (η − η_final)/2 · (1 + cos(π min(t, T) / T)); "periodic" drops the min. */
function cosine({ lr, T, final, after_T: afterT }) {
  check.positive('lr', lr);
  check.positive('T', T);
  check.nonnegative('final', final);
  const hold = check.choice('after_T', afterT, ['hold', 'periodic']) === 'hold';
  return (t0) => {
    const t = hold ? Math.min(t0, T) : t0;
    return final + (lr - final) / 2 * (1 + Math.cos(Math.PI * t / T));
  };
}

/** ηₜ = s(0)(f + (1 − f) t / w) for t < w, then s(t − w). */
function warmup({ schedule, steps: w, start: f }) {
  const inner = makeRate(schedule, 'schedule');
  check.positive('steps', w);
  check.unit('start', f);
  return (t) => (t < w ? inner(0 * t) * (f + (1 - f) * Math.min(t, w) / w)
    : inner(Math.max(t - w, 0)));
}

/** One cycle: a(η/d, η, t/p) up to the peak p, then a(η, η/(d d_f), (t − p)/(e − p)). */
function oneCycle({ lr, T, pct_start: pct, div_factor: d, final_div_factor: dFinal, anneal,
  phase_ends: ends }) {
  check.positive('lr', lr);
  check.positive('T', T);
  check.number('pct_start', pct, { lo: 0, hi: 1, loOpen: true, hiOpen: true });
  check.positive('div_factor', d);
  check.positive('final_div_factor', dFinal);
  const cos = check.choice('anneal', anneal, ['cos', 'linear']) === 'cos';
  const exact = check.choice('phase_ends', ends, ['exact', 'minus_one']) === 'exact';
  const peak = exact ? Math.floor(pct * T) : pct * T - 1;
  const end = exact ? T : T - 1;
  if (!(peak > 0)) {
    throw new RangeError(`pct_start * T must be ${exact ? 'at least 1' : 'more than 1'} (the ` +
      `rise needs a step), got pct_start=${pct} and T=${T}`);
  }
  const start = lr / d;
  const low = lr / d / dFinal;
  const a = (u, v, r) => (cos ? v + (u - v) / 2 * (1 + Math.cos(Math.PI * r)) : u + (v - u) * r);
  return (t) => (t <= peak ? a(start, lr, Math.min(t, peak) / peak)
    : a(lr, low, Math.min(Math.max((t - peak) / (end - peak), 0), 1)));
}

const FACTORIES = {
  constant, step_decay: stepDecay, exponential, inverse_sqrt: inverseSqrt, polynomial, cosine,
  warmup, one_cycle: oneCycle,
};

/** t ↦ ηₜ for `lr`, a positive number or a schedule's description; throws an Error naming
 * a bad one. */
export function makeRate(lr, name = 'lr') {
  if (lr === null || typeof lr !== 'object' || Array.isArray(lr)) {
    check.positive(name, lr);
    return () => lr;
  }
  const { kind, ...params } = lr;
  return FACTORIES[check.choice(`${name}.kind`, kind, KINDS)](params);
}
