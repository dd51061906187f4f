// One run, as optimlab.run computes it (book/optimlab/trajectory.py).

import * as check from './check.js';
import { makeObjective } from './objectives.js';
import { makeOptimizer } from './optimizers.js';

/** The longest run, as in optimlab (`_validate.MAX_STEPS`). */
export const MAX_STEPS = 1000000;

const clip = (x, domain) => x.map((xj, j) => Math.min(Math.max(xj, domain[j][0]), domain[j][1]));

/**
 * The first step at which a run is blown up, or -1: the loss is not finite or a
 * coordinate exceeds blowup·(1 + ‖x₀‖). From there on xs and loss are set to NaN, in
 * place (optimlab's `_blown_up` and `mark_divergence`).
 */
export function markDivergence(xs, loss, x0, blowup) {
  let squares = x0[0] * x0[0];
  for (let j = 1; j < x0.length; j++) squares = squares + x0[j] * x0[j];
  const limit = blowup * (1 + Math.sqrt(squares));
  const at = xs.findIndex((x, t) => !Number.isFinite(loss[t]) || x.some((v) => Math.abs(v) > limit));
  for (let t = Math.max(at, 0); at >= 0 && t < xs.length; t++) {
    xs[t] = xs[t].map(() => NaN);
    loss[t] = NaN;
  }
  return at;
}

/**
 * Run the optimizer `optimizer` (a description, see makeOptimizer) on the landscape
 * `objective` (see makeObjective) from `x0` for `steps` steps:
 *   for t = 0, …, steps − 1:  gₜ = ∇f(xₜ) + σξₜ,  (xₜ₊₁, stateₜ₊₁) = step(xₜ, gₜ, stateₜ),
 *   then xₜ₊₁ is clipped into the landscape's domain, if it has one.
 * Returns { xs, loss, states, effective, divergedAt }: xs (steps + 1 points) and loss,
 * NaN from divergedAt on (-1 if the run never blew up); states, every field of the
 * optimizer's state over time (index 0 before the first step; e.g. s, m, v, t, and
 * Adam's m_hat, s_hat); effective, the per-coordinate effective step of steps 1…steps
 * (optimlab's effective_step; null for SGD and momentum). Throws an Error naming any
 * bad argument.
 */
export function run(optimizer, objective, x0, steps, { blowup = 1e4 } = {}) {
  const opt = makeOptimizer(optimizer);
  const obj = makeObjective(objective);
  x0 = check.point('x0', x0, obj.dim);
  check.integer('steps', steps, 0, MAX_STEPS);
  check.positive('blowup', blowup);
  if (steps > obj.noiseSteps) {
    throw new RangeError(`objective.noise_rows has ${obj.noiseSteps} rows, fewer than ` +
      `steps=${steps}: describe the objective for at least ${steps} steps`);
  }
  let x = x0.slice();
  let state = opt.init(obj.dim);
  const xs = [x];
  const states = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, [v]]));
  const effective = opt.adaptive ? [] : null;
  for (let t = 0; t < steps; t++) {
    const out = opt.step(x, obj.gradient(x, t), state);
    x = obj.domain ? clip(out.x, obj.domain) : out.x;
    state = out.state;
    xs.push(x);
    for (const key of Object.keys(states)) states[key].push(state[key]);
    if (effective) effective.push(out.effective);
  }
  const loss = xs.map(obj.f);
  const divergedAt = markDivergence(xs, loss, x0, blowup);
  return { xs, loss, states, effective, divergedAt };
}
